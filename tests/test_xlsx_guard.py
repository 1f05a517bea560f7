"""The xlsx guard: skipping plain rows decides exactly what expat alone
decides (the same cells, extent, formulas, error values, string indexes,
duplicates and merged ranges, or the same refusal) on ordinary sheets, on
every oddity we could think of, chunk by chunk, and on whole workbooks; the
plain way is taken where it should be; its number grammar is exact; and
python-calamine reads what the guard found."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkscore.observations import xlsx_cells as C
from gkscore.observations import xlsx_guard as G
from gkscore.observations import xlsx_plain as P
from gkscore.observations import xlsx_sheet_scan as S
from gkscore.problems import ProblemsError

PATH = "f.xlsx"
HERE = Path(__file__).resolve().parent
STRINGS = 3  # shared strings of the made-up workbooks

HEAD = b'<?xml version="1.0"?>\n<worksheet xmlns="x"><dimension ref="A1:AB10"/><cols><col min="1" max="2" width="9"/></cols><sheetData>'
TAIL = b'</sheetData><mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="C3"/></mergeCells><conditionalFormatting sqref="A1"><cfRule type="expression" priority="1"><formula>A1&gt;0</formula></cfRule></conditionalFormatting></worksheet>'


def _outcome(xml: bytes, *, plain: bool, chunk: int = S.CHUNK, monkeypatch=None) -> tuple:
    """What the scan records for one sheet part, or ("refused", code)."""
    for use_plain in ((True, False) if plain else (False,)):
        sheet = C.SheetCells("s", "p")
        try:
            _scan(xml, sheet, use_plain, chunk)
        except C.Rescan:
            continue
        except ProblemsError as exc:
            return ("refused", exc.problems[0].code)
        return (sheet.cells, sheet.max_row, sheet.max_col, sheet.merged, sheet.formulas, sheet.errors, sheet.bad_strings, sheet.odd, sheet.duplicates)
    raise AssertionError("expat alone asked for a rescan")


def _scan(xml: bytes, sheet, use_plain: bool, chunk: int) -> None:
    fh = io.BytesIO(xml)

    class Small:
        def read(self, n):
            return fh.read(min(n, chunk))

    S.scan_sheet(Small(), sheet, STRINGS, PATH, lambda n: None, use_plain)


def assert_same(xml: bytes, chunk: int = S.CHUNK) -> tuple:
    a, b = _outcome(xml, plain=True, chunk=chunk), _outcome(xml, plain=False, chunk=chunk)
    assert a == b
    return a


class Spy:
    """How many bytes the plain way took."""

    def __init__(self, monkeypatch):
        self.taken = 0
        real = S.SheetScan._plain

        def spy(scan, buf, pos, limit):
            stop = real(scan, buf, pos, limit)
            self.taken += stop - pos
            return stop

        monkeypatch.setattr(S.SheetScan, "_plain", spy)


PLAIN = (
    b'<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    b'<c r="C1" s="2"/></row>'
    b'<row r="2"><c r="A2"><v>1.5</v></c><c r="B2" t="inlineStr"><is><t>x</t></is></c>'
    b'<c r="C2" t="inlineStr"><is><t xml:space="preserve"> y </t></is></c><c r="D2" s="3" /></row>'
    b'<row r="3" ht="30" customHeight="1"/><row r="4"></row>'
    b'<row r="10"><c r="C10" t="b"><v>1</v></c><c r="AB10" t="str"><v>s &amp; t</v></c></row>'
)


def test_ordinary_rows_take_the_plain_way(monkeypatch):
    spy = Spy(monkeypatch)
    got = assert_same(HEAD + PLAIN + TAIL)
    assert got[:3] == (7, 10, 28)
    assert spy.taken == len(PLAIN)


CELL_ODDITIES = [
    b'<c r="A1"><f>SUM(B1:B2)</f><v>3</v></c>',
    b'<c r="A1"><f t="shared" ref="A1:A3" si="0">B1</f><v>3</v></c><c r="A2"><f t="shared" si="0"/><v>4</v></c>',
    b'<c r="A1"><v>2</v><f>1+1</f></c>',
    b'<c r="A1" t="e"><v>#N/A</v></c>',
    b'<c r="A1" t="e"><v>#FOO</v></c>',
    b'<c r="A1" t="e"></c>',
    b"<c r=\"A1\" t='e'><v>#DIV/0!</v></c>",
    b'<c r="A1" x=" t=\'e\'"><v>1</v></c>',
    b'<c r="A1" x="/>"><f>1+1</f><v>2</v></c>',
    b'<c r="A1" x="a>b"><v>1</v></c>',
    b'<c r="A1"></c>',
    b'<c r="A1"> \n </c>',
    b'<c r="A1"><v></v></c>',
    b'<c r="A1"><v/></c>',
    b'<c r="A1"/>',
    b'<c r="A1"><v>1</v></c >',
    b'<c r="A1"></x:c><c r="B1"><v>1</v></c>',
    b'<c r="A1"><v>1</v>',
    b'<c r="A1"><c r="B1"><v>1</v></c></c>',
    b'<x:c xmlns:x="u" r="A1"><x:v>1</x:v></x:c>',
    '<ä:c xmlns:ä="u" r="A1"><ä:f>1+1</ä:f><ä:v>2</ä:v></ä:c>'.encode(),
    b'<c r="A1"><x:f xmlns:x="u">A2</x:f><v>1</v></c>',
    b'<c><v>1</v></c>',
    b'<c s="1"><v>1</v></c><c><v>2</v></c>',
    b'<c\tr="A1"><v>1</v></c>',
    b'<c r="a1"><v>1</v></c>',
    b'<c r="$A$1"><v>1</v></c>',
    b'<c r="A01"><v>1</v></c>',
    b'<c r=" A1 "><v>1</v></c>',
    b'<c r="XFD1"><v>1</v></c>',
    b'<c r="XFE1"><v>1</v></c>',
    b'<c r="A1048577"><v>1</v></c>',
    b'<c r="A0"><v>1</v></c>',
    b'<c r="A1" r="B1"><v>1</v></c>',
    b'<c r="A1" t="s"><v>-1</v></c>',
    b'<c r="A1" t="s"><v>3</v></c>',
    b'<c r="A1" t="s"><v>&#49;</v></c>',
    b'<c r="A1" t="s"><v> 1</v></c>',
    b'<c r="A1" t="s"><v>99999999999999999999999</v></c>',
    b'<c r="A1"><v>1&#50;</v></c>',
    b'<c r="A1" t="str"><v>1&#50;</v></c>',
    b'<c r="A1" t="q"><v>1</v></c>',
    b'<c r="A1"><g/></c>',
    b'<c r="A1"><is><r><rPr><b/></rPr><t>x</t></r></is></c>',
    b'<c r="A1" t="inlineStr"><is><t/></is></c>',
    b'<c r="A1" t="str"><v><![CDATA[</c>]]></v></c>',
    b'<c r="A1"><!-- </c> --><f>1</f><v>1</v></c>',
    b'<c r="A1"><v>1<!-- x -->2</v></c>',
    b'<c r="A1"><v>1<?pi x?></v></c>',
    b'<c r="A1"><v>1</v></c><c r="A1"><v>2</v></c>',
    b'<c r="B1"><v>1</v></c><c r="A1"><v>2</v></c>',
]


@pytest.mark.parametrize("cell", CELL_ODDITIES)
@pytest.mark.parametrize("row", [b'<row r="1">%s</row>', b'<row r="1"><c r="B1"><v>2</v></c>%s<c r="C1" s="1"/></row>', b"<row>%s</row>"])
def test_oddities_decide_like_expat_alone(cell, row):
    body = row % cell
    ok = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    later = b'<row r="7"><c r="A7"><v>1</v></c></row>'
    for rows in (body, ok + body, body + later, ok + body + later, ok + later + body):
        assert_same(HEAD + rows + TAIL)


@pytest.mark.parametrize(
    "rows",
    [
        b'<x:row xmlns:x="u" r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>',
        b'<row r="1"><c r="A1"><v>1</v></c></row><!-- </row> --><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        b'<row r="1" x="</row>"><c r="A1"><v>1</v></c></row>',
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1"><c r="A1"><v>2</v></c></row>',
        b'<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row><row r="5"><c r="E5"><v>1</v></c></row>',
        b'<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>9</v></c></row>',
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="60000"><c r="ZZ60000"><v>1</v></c></row>',
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2" r="9"><c r="A2"><v>1</v></c></row>',
        b'<row r="1"><c r="A1"><v>1</v></c></row>\n  <row r="2">\n<c r="A2"><v>1</v></c>\n</row>\n',
        b'<row r="1"><c r="A1"><v>1</v></c></row><![CDATA[<row r="2"><c r="A2"><v>1</v></c></row>]]>',
        b"",
    ],
)
def test_row_edges_decide_like_expat_alone(rows):
    assert_same(HEAD + rows + TAIL)
    assert_same(HEAD + PLAIN + rows + TAIL)


def test_the_document_around_the_rows():
    # sheetData nested, twice, opened in a comment; cells before and after it
    for xml in (
        b'<worksheet><x><sheetData>' + PLAIN + b"</sheetData></x></worksheet>",
        b'<worksheet><!-- <sheetData> -->' + HEAD[HEAD.index(b"<dimension"):] + PLAIN + TAIL,
        b'<worksheet><sheetData>' + PLAIN + b'</sheetData><sheetData><row r="99"><c r="Z99"><f>1</f><v>1</v></c></row></sheetData></worksheet>',
        b'<worksheet><row r="9"><c r="Z9"><f>1</f></c></row><sheetData>' + PLAIN + TAIL,
        b"<worksheet/>",
        b'<!DOCTYPE x [<!ENTITY e "x">]><worksheet><sheetData/></worksheet>',
    ):
        assert_same(xml)


ROWS = st.sampled_from([1, 2, 3, 9, 10, 11, 99, 100, 101, 999, 1000, 65536, 1048575, 1048576, 1048577])
COLS = st.sampled_from(["A", "B", "C", "G", "H", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD", "XFE", "a"])
PLAIN_BODIES = [b"<v>1</v>", b"<v>0.5</v>", b"<v></v>", b"<is><t>x</t></is>", b'<is><t xml:space="preserve"> </t></is>', b"<v>2</v>", b"<v>3</v>"]
ODD_BODIES = [b"", b" ", b"<v/>", b"<f>A1</f><v>1</v>", b'<f t="shared" si="0"/>', b"<v>#N/A</v>", b"<is><r><t>x</t></r></is>", b"<v>1&#50;</v>", b"\n<v>1</v>\n", b"<v>-1</v>"]
PLAIN_ATTRS = [b"", b' s="1"', b' t="s"', b' s="12" t="s"', b' t="n"', b' t="str"', b' t="inlineStr"', b' t="b"']
ODD_ATTRS = [b' t="e"', b" t='e'", b' cm="1"', b' t="s" s="1"', b' t = "e"', b' x="a>b"', b"  s='1'"]


@st.composite
def cells(draw, row: int):
    col = draw(COLS) if draw(st.integers(0, 9)) else draw(COLS.map(str.lower))
    r = row if draw(st.integers(0, 9)) else draw(ROWS)
    ref = b' r="%s%d"' % (col.encode(), r)
    if not draw(st.integers(0, 19)):
        ref = draw(st.sampled_from([b"", b' r="$A$1"', b' r="A01"', b" r='A1'", b'  r="A1"']))
    attrs = draw(st.sampled_from(PLAIN_ATTRS)) if draw(st.integers(0, 7)) else draw(st.sampled_from(ODD_ATTRS))
    if not draw(st.integers(0, 4)):
        return b"<c" + ref + attrs + draw(st.sampled_from([b"/>", b" />"]))
    body = draw(st.sampled_from(PLAIN_BODIES)) if draw(st.integers(0, 7)) else draw(st.sampled_from(ODD_BODIES))
    return b"<c" + ref + attrs + b">" + body + b"</c>"


@st.composite
def rows(draw):
    r = draw(ROWS)
    attrs = draw(st.sampled_from([b' r="%d"' % r] * 6 + [b' r="%d" spans="1:3" x14ac:dyDescent="0.25"' % r, b"", b' spans="1:2" r="%d"' % r]))
    if not draw(st.integers(0, 9)):
        return b"<row" + attrs + b"/>"
    sep = b"" if draw(st.integers(0, 5)) else b"\n "
    return b"<row" + attrs + b">" + sep + sep.join(draw(st.lists(cells(r), max_size=5))) + sep + b"</row>"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), max_size=10), st.sampled_from([S.CHUNK, 64, 17]))
def test_generated_sheets_decide_like_expat_alone(body, chunk):
    assert_same(HEAD + b"".join(body) + TAIL, chunk)


ORDINARY = [(b"", b"<v>1</v>"), (b' s="1"', b"<v>0.5</v>"), (b' t="s"', b"<v>2</v>"), (b' s="4" t="s"', b"<v>0</v>"), (b' t="n"', b"<v></v>"),
            (b' t="str"', b"<v>x &amp; y</v>"), (b' t="inlineStr"', b"<is><t>x</t></is>"), (b' t="b"', b"<v>0</v>")]


@st.composite
def ordinary_rows(draw):
    """Rows as Excel writes them, ascending: the plain way must take them."""
    first = draw(st.integers(1, 1_048_570))
    out = []
    for r in range(first, first + draw(st.integers(1, 6))):
        cols = sorted(set(draw(st.lists(st.integers(1, P.MAX_PLAIN_COLUMNS), min_size=1, max_size=4))))
        cs = [b'<c r="%s%d"%s>%s</c>' % ((P.column_letters(c).encode(), r) + draw(st.sampled_from(ORDINARY))) for c in cols]
        out.append(b'<row r="%d">' % r + b"".join(cs) + b"</row>")
    return b"".join(out)


@settings(max_examples=300, deadline=None)
@given(ordinary_rows())
def test_ordinary_generated_rows_take_the_plain_way(body):
    with pytest.MonkeyPatch.context() as mp:
        spy = Spy(mp)
        assert_same(HEAD + body + TAIL)
    assert spy.taken == len(body)


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 10_000_000), st.integers(0, 10_000_000))
def test_index_bound_regex(n, limit):
    rx = re.compile(P.at_most(limit))
    assert (rx.fullmatch(str(n).encode()) is not None) == (n <= limit)
    assert rx.fullmatch(b"0%d" % n) is None


def test_index_bound_regex_exhaustive_for_small_limits():
    for limit in (0, 1, 9, 10, 11, 19, 20, 99, 100, 101, 250):
        rx = re.compile(P.at_most(limit))
        assert [n for n in range(0, 400) if rx.fullmatch(str(n).encode())] == list(range(0, limit + 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(rows(), max_size=6) | ordinary_rows().map(lambda b: [b]))
def test_grammar_without_possessive_quantifiers_matches_the_same(body):
    """Python 3.10 has no possessive quantifiers: the plain ones must agree."""
    data = b"".join(body)
    for rx in (P.plain_rows(26, STRINGS), P.plain_rows(3, 0)):
        loose = re.compile(rx.pattern.replace(b"*+", b"*").replace(b"++", b"+").replace(b"?+", b"?"))
        assert loose.match(data).end() == rx.match(data).end()


def test_dense_full_sheet_accepted_sparse_range_refused():
    dense = C.SheetCells("s", "p", max_row=1_048_576, max_col=14, cells=1_048_576 * 14)
    G._check_area(dense, PATH)  # a long layout filling every row: read
    sparse = C.SheetCells("s", "p", max_row=1_048_576, max_col=16_384, cells=200)
    with pytest.raises(ProblemsError) as e:
        G._check_area(sparse, PATH)
    assert "stray" in e.value.problems[0].message
    G._check_area(C.SheetCells("s", "p", max_row=900, max_col=26, cells=3), PATH)  # a note far to the side: fine


# -- whole workbooks -----------------------------------------------------------


def _workbook(path: Path, monkeypatch, *, plain: bool):
    with monkeypatch.context() as mp:
        if not plain:
            mp.setattr(S.SheetScan, "_plain", lambda self, buf, pos, limit: pos)
        try:
            scan = G.scan_xlsx(str(path))
        except ProblemsError as exc:
            return ("refused", [(p.code, p.message) for p in exc.problems])
    return scan.strings, scan.sheets


def _book(tmp_path: Path, name: str, sheet_xml: bytes) -> Path:
    """A minimal workbook of one sheet and three shared strings."""
    ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships {ns}><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'.encode(),
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{rel}"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships {ns}><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'.encode(),
        "xl/sharedStrings.xml": b'<?xml version="1.0"?><sst xmlns="x" count="3"><si><t>a</t></si><si><t>b</t></si><si><r><t>c</t></r></si></sst>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = tmp_path / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in parts.items():
            zf.writestr(k, v)
    return out


@pytest.mark.parametrize("chunk_size", [S.CHUNK, 4096, 257])
def test_workbooks_decide_like_expat_alone(tmp_path, monkeypatch, chunk_size):
    monkeypatch.setattr(S, "CHUNK", chunk_size)
    root = HERE.parent
    body = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="C%d"><v>%d</v></c></row>' % (r, r, r % 3, r, r) for r in range(1, 400))
    odd = body.replace(b'<row r="200">', b'<row r="200"><c r="B200"><f>A1</f><v>1</v></c>')
    books = [
        _book(tmp_path, "plain.xlsx", HEAD + body + TAIL),
        _book(tmp_path, "formula.xlsx", HEAD + odd + TAIL),
        _book(tmp_path, "pretty.xlsx", HEAD + body.replace(b"><c", b">\n  <c").replace(b"</row>", b"\n</row>\n") + TAIL),
        _book(tmp_path, "descending.xlsx", HEAD + b"".join(reversed(re.findall(rb"<row.*?</row>", body))) + TAIL),
        _book(tmp_path, "repeated.xlsx", HEAD + body + b"".join(re.findall(rb"<row.*?</row>", body)[:8]) + TAIL),
        _book(tmp_path, "stray.xlsx", HEAD + body + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + TAIL),
        _book(tmp_path, "bad_index.xlsx", HEAD + body.replace(b"<v>2</v>", b"<v>3</v>", 1) + TAIL),
    ]
    if chunk_size >= 4096:
        books += [root / "examples" / "county_2020_filled.xlsx", root / "examples" / "citydept_2020_filled.xlsx"]
    for book in books:
        if book.exists():
            assert _workbook(book, monkeypatch, plain=True) == _workbook(book, monkeypatch, plain=False), book.name
    scan = G.scan_xlsx(str(tmp_path / "repeated.xlsx"))
    assert scan.strings == 3 and len(scan.sheets[0].duplicates) > 5
    assert G.scan_xlsx(str(tmp_path / "bad_index.xlsx")).sheets[0].bad_strings == {(2, 1): "3"}


def test_shared_strings_counted_as_calamine_counts_them(tmp_path, monkeypatch):
    """The plain shape of the shared strings and expat agree; an empty <si/>
    or one holding only phonetic text is a string (empty) to calamine."""
    book = _book(tmp_path, "b.xlsx", HEAD + PLAIN + TAIL)
    data = book.read_bytes()
    assert G.scan_xlsx(str(book)).strings == 3
    with monkeypatch.context() as mp:
        mp.setattr(G, "_count_plain_strings", lambda *a: None)
        assert G.scan_xlsx(str(book)).strings == 3
    parts = {i.filename: zipfile.ZipFile(book).read(i) for i in zipfile.ZipFile(book).infolist()}
    parts["xl/sharedStrings.xml"] = b'<sst><si><t>a</t></si><si/><si><rPh><t>x</t></rPh></si><si><t>b</t></si></sst>'
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(odd, "w") as zf:
        for k, v in parts.items():
            zf.writestr(k, v)
    assert data and G.scan_xlsx(str(odd)).strings == 4
    import python_calamine as pc

    cal = pc.CalamineWorkbook.from_path(str(odd)).get_sheet_by_name("s").to_python()
    assert cal[0][:2] == ["a", ""]


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory):
    sys.path.insert(0, str(HERE / "data" / "hostile"))
    import make_corpus

    out = tmp_path_factory.mktemp("hostile_scan")
    demo = HERE / "data" / "obs"
    base = make_corpus.make_base(out / "_base")
    make_corpus.build(out, base, (demo / "rules_demo.yaml").read_text("utf-8"), (demo / "units_demo.yaml").read_text("utf-8"))
    return sorted(p for p in out.rglob("*.xlsx") if "million" not in p.name and "bomb" not in p.name)


def test_hostile_workbooks_decide_like_expat_alone(hostile_corpus, monkeypatch):
    assert len(hostile_corpus) > 20
    for book in hostile_corpus:
        assert _workbook(book, monkeypatch, plain=True) == _workbook(book, monkeypatch, plain=False), book.name


@pytest.mark.parametrize("cells, want", [
    # the last child of a cell is its value; a cell without r follows the previous one
    (b'<row r="1"><c r="A1"><v>2</v><f>1+1</f></c><c r="B1"><v>3</v></c><c><v>4</v></c></row>', {(1, 2): 3.0, (1, 3): 4.0}),
    # rows out of order are placed by their numbers
    (b'<row r="5"><c r="A5"><v>5</v></c></row><row r="2"><c r="B2"><v>2</v></c></row>', {(5, 1): 5.0, (2, 2): 2.0}),
    # a prefix is no matter; a lower-case reference is read; the later of two cells wins
    (b'<row r="1"><x:c xmlns:x="u" r="c1"><x:v>7</x:v></x:c><c r="D1"><v>1</v></c><c r="D1"><v>9</v></c></row>', {(1, 3): 7.0, (1, 4): 9.0}),
])
def test_calamine_reads_as_the_guard_expects(tmp_path, cells, want):
    """What the guard mirrors of python-calamine 0.9: should a new version read
    otherwise, this fails before the guard and the reader disagree."""
    import python_calamine as pc

    book = _book(tmp_path, "b.xlsx", HEAD + cells + TAIL)
    sheet = pc.CalamineWorkbook.from_path(str(book)).get_sheet_by_name("s")
    got = {(r, c + sheet.start[1] + 1): v for r, row in enumerate(sheet.iter_rows(), 1) for c, v in enumerate(row) if v != ""}
    assert got == want
    scan = G.scan_xlsx(str(book)).sheets[0]
    assert (scan.max_row, scan.max_col) >= (max(r for r, _c in want), max(c for _r, c in want))
