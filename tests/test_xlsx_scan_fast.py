"""The fast ways of the xlsx scan decide exactly what the careful per-cell loop
decides (``_scan_cells``, the reference): the same cells, extent, formulas,
error values and merged ranges, and the same problem when the loop refuses a
chunk -- on ordinary sheets, on every oddity we could think of, chunk by
chunk with bounds carried over, and on whole workbooks."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkscore.observations import xlsx_rows_fast as F
from gkscore.observations import xlsx_scan as X
from gkscore.observations.xlsx_sheet import MAX_COL, MAX_ROW, col_number
from gkscore.problems import ProblemsError

PATH = "f.xlsx"
DEFAULT_CHUNK = X.CHUNK
HERE = Path(__file__).resolve().parent


# -- the two ways of reading a sequence of chunks ------------------------------


def _outcome(chunks: list[bytes], read) -> tuple:
    sheet = X.SheetInfo("s", "p")
    try:
        for chunk in chunks:
            read(chunk, sheet)
    except ProblemsError as exc:
        return ("refused", [(p.code, p.message) for p in exc.problems])
    return (sheet.cells, sheet.max_row, sheet.max_col, sheet.merged, sheet.formulas, sheet.errors)


def _fast(chunk: bytes, sheet: X.SheetInfo) -> None:
    X._scan_rows(chunk, sheet, PATH)


_LOOP = X._scan_cells  # the reference, even while a Spy watches X._scan_cells


def _careful(chunk: bytes, sheet: X.SheetInfo) -> None:
    X._scan_merges(chunk, len(chunk), sheet, PATH, None)  # the whole chunk, as before the fast ways
    _LOOP(chunk, sheet, PATH)


def assert_same(*chunks: bytes) -> tuple:
    fast, careful = _outcome(list(chunks), _fast), _outcome(list(chunks), _careful)
    assert fast == careful
    return fast


class Spy:
    """Which way read each chunk: 'strict', 'loose' or the careful 'loop'."""

    def __init__(self, monkeypatch):
        self.ways: list[str] = []
        for name, way in (("_scan_strict", "strict"), ("_scan_loose", "loose")):
            real = getattr(F, name)

            def spy(*args, _real=real, _way=way):
                part = _real(*args)
                if part is not None:
                    self.ways.append(_way)
                return part

            monkeypatch.setattr(F, name, spy)
        real_cells = X._scan_cells

        def cells(*args, **kw):
            self.ways.append("loop")
            return real_cells(*args, **kw)

        monkeypatch.setattr(X, "_scan_cells", cells)


# -- hand-written cases --------------------------------------------------------

PLAIN = (
    b'<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    b'<c r="C1" s="2"/></row>'
    b'<row r="2"><c r="A2"><v>1.5</v></c><c r="B2" t="inlineStr"><is><t>x</t></is></c>'
    b'<c r="C2" t="inlineStr"><is><t xml:space="preserve"> y </t></is></c><c r="D2" s="3" /></row>'
    b'<row r="3" ht="30" customHeight="1"/><row r="4"></row>'
    b'<row r="10"><c r="AB10" t="str"><v>s</v></c><c r="C10" t="b"><v>1</v></c></row>'
)
HEAD = b'<?xml version="1.0"?>\n<worksheet xmlns="x"><dimension ref="A1:AB10"/><cols><col min="1" max="2" width="9"/></cols><sheetData>'
TAIL = b'</sheetData><mergeCells count="2"><mergeCell ref="A1:B1"/><mergeCell ref="C3"/></mergeCells><conditionalFormatting sqref="A1"><cfRule type="expression" priority="1"><formula>A1&gt;0</formula></cfRule></conditionalFormatting></worksheet>'


@pytest.mark.parametrize(
    "chunk, way",
    [
        (PLAIN, ["strict"]),
        (HEAD + PLAIN + TAIL, ["strict"]),
        (HEAD + PLAIN, ["strict"]),
        (PLAIN + TAIL, ["strict"]),
        (b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', ["strict"]),
        # rows in any order, cells out of column order, blank cells anywhere
        (b'<row r="9"><c r="C9"><v>1</v></c><c r="A9"><v>2</v></c></row><row r="3"><c r="B3"><v>3</v></c></row>', ["strict"]),
        (b'<row r="3"><c r="B3"><v>3</v></c></row><row r="9"><c r="C9"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>', ["strict"]),
        (b'<row r="3"><c r="B3"><v>3</v></c><c r="ZZZ3" s="1"/></row><row r="999"><c r="A999" s="1"/></row><row r="2000000"/>', ["strict"]),
        (b'<row r="3"><c r="D3"><v>1</v></c><c r="A3"><v>2</v></c></row><row r="9"><c r="B9"><v>3</v></c></row>', ["strict"]),
        # a cell whose r disagrees with its row; a row without r
        (b'<row r="2"><c r="A7"><v>1</v></c></row><row r="3"><c r="B3"><v>1</v></c></row>', ["loose"]),
        (b'<row><c r="A7"><v>1</v></c></row>', ["loose"]),
        # whitespace between tags, other attributes, single quotes
        (b'<row r="1">\n  <c r="A1" t="s">\n    <v>0</v>\n  </c>\n</row>\n', ["loose"]),
        (b'<row r="1"><c r="A1" cm="1" vm="2"><v>0</v></c></row>', ["loose"]),
        (b"<row r='1'><c r=\"A1\" t='s'><v>0</v></c></row>", ["loose"]),
        (b'<row r="1"><c r="A1" t="s" s="1"><v>0</v></c></row>', ["loose"]),
    ],
)
def test_ordinary_chunks_take_a_fast_way(monkeypatch, chunk, way):
    spy = Spy(monkeypatch)
    assert_same(chunk)
    assert spy.ways == way


CELL_ODDITIES = [
    b'<c r="A1"><f>SUM(B1:B2)</f><v>3</v></c>',
    b'<c r="A1"><f t="shared" ref="A1:A3" si="0">B1</f><v>3</v></c><c r="A2"><f t="shared" si="0"/><v>4</v></c>',
    b'<c r="A1" t="e"><v>#N/A</v></c>',
    b'<c r="A1" t="e"></c>',
    b"<c r=\"A1\" t='e'><v>#DIV/0!</v></c>",
    b"<c r=\"A1\" t=\"e'><v>#DIV/0!</v></c>",
    b'<c r="A1" x=" t=\'e\'"><v>1</v></c>',
    b'<c r="A1"></c>',
    b'<c r="A1"> \n </c>',
    b'<c r="A1"><v></v></c>',
    b'<c r="A1"><v/></c>',
    b'<c r="A1"/>',
    b'<c r="A1" />',
    b'<c r="A1"><v>1</v></c >',
    b'<c r="A1"></c ><c r="B1"><v>1</v></c>',
    b'<c r="A1"></x:c><c r="B1"><v>1</v></c>',
    b'<c r="A1" x="</v"></c>',
    b'<c r="A1" x="a>b"><v>1</v></c>',
    b'<c r="A1" x="/>"><v>1</v></c>',
    b'<c r="A1"><v>1</v>',
    b'<c r="A1"><c r="B1"><v>1</v></c>',
    b'<x:c r="A1"><x:v>1</x:v></x:c>',
    b'<c r="A1"><x:f>A2</x:f><v>1</v></c>',
    b'<c><v>1</v></c>',
    b'<c s="1"><v>1</v></c>',
    b'<c s="1" r="A1"><v>1</v></c>',
    b'<c\tr="A1"><v>1</v></c>',
    b'<c r="a1"><v>1</v></c>',
    b'<c r="$A$1"><v>1</v></c>',
    b'<c r="A01"><v>1</v></c>',
    b'<c r=" A1 "><v>1</v></c>',
    b'<c r="XFD1"><v>1</v></c>',
    b'<c r="XFE1"><v>1</v></c>',
    b'<c r="ZZZ1"><v>1</v></c>',
    b'<c r="XFE1"/>',
    b'<c r="A1048577"><v>1</v></c>',
    b'<c r="A0"><v>1</v></c>',
    b'<c r="A1"><is><r><rPr><b/></rPr><t>x</t></r></is></c>',
    b'<c r="A1" t="inlineStr"><is><t/></is></c>',
    b'<c r="A1"><v><![CDATA[</c>]]></v></c>',
    b'<c r="A1"><!-- </c> --><v>1</v></c>',
]


@pytest.mark.parametrize("cell", CELL_ODDITIES)
@pytest.mark.parametrize("row", [b'<row r="1">%s</row>', b'<row r="1"><c r="B1"><v>2</v></c>%s<c r="C1" s="1"/></row>', b"<row>%s</row>"])
def test_oddities_decide_like_the_loop(cell, row):
    body = row % cell
    ok = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    for chunk in (body, ok + body, body + ok, HEAD + ok + body + ok + TAIL):
        assert_same(chunk)
    assert_same(ok, body, ok)


@pytest.mark.parametrize(
    "chunk",
    [
        b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>',
        b'<row:c r="A1"><v>1</v></row:c><row r="2"><c r="A2"><v>1</v></c></row>',
        b'<c r="Z9"><v>1</v></c><row r="1"><c r="A1"><v>1</v></c></row>',  # a cell before the rows
        b'<c r="Z9" <row r="1"><c r="A1"><v>1</v></c></row>',  # ... running into them
        b'<row r="1"><c r="A1"><v>1</v></c></row><c r="Z9"><v>1</v></c>',  # and after them
        b'<row r="1"><c r="A1"><v>1</v></c></row><c r="Z9"',
        b'<row r="1"><c r="A1"><v>1</v></c></row><c ',
        b'<row r="1"><c r="A1"><v>1</v></c></row><c',
        b'<rowBreaks count="1"><brk id="3"/></rowBreaks>',
        b'<row r="1"><c r="A1"><v>1</v></c>',
        b'<c r="A1"><v>1</v></c></row>',
        b'<row r="1" x="</row>"><c r="A1"><v>1</v></c></row>',
        b'<mergeCell ref="A1:B2" <row r="1"><c r="A1"><v>1</v></c></row>',
        b'<row r="1"><c r="A1"><v>1</v></c></row><mergeCells><mergeCell ref="A1:B2"/><mergeCell ref="B2"/></mergeCells>',
        b'<row r="1"><c r="A1"><v>1</v></c></row><mergeCells><mergeCell ref="A1:XFE2"/></mergeCells>',
        b'<row r="1"><c r="A1" t="s"><v>mergeCell</v></c></row>',
        b'<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><f>1</f></c></row><row r="5"><c r="E5"><v>1</v></c></row>',
        b"",
        b"</sheetData></worksheet>",
    ],
)
def test_chunk_edges_decide_like_the_loop(chunk):
    assert_same(chunk)
    assert_same(PLAIN, chunk)


def test_bounds_carry_over_chunks(monkeypatch):
    row = lambda r, cols: b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, r) for c in cols) + b"</row>"  # noqa: E731
    spy = Spy(monkeypatch)
    # the sheet's extent so far exceeds this chunk's: still exact, still fast
    assert assert_same(row(500, [b"Z"]) + row(501, [b"A"]), row(7, [b"A", b"B"]) + row(8, [b"C"]))[:3] == (5, 501, 26)
    # this chunk's last row is not its highest, nor its last row the widest
    assert assert_same(row(9, [b"A", b"AC"]) + row(3, [b"B"]))[:3] == (3, 9, 29)
    assert assert_same(row(1, [b"A"]) + row(2, [b"A", b"AC"]) + row(3, [b"B"]))[:3] == (4, 3, 29)
    assert "loop" not in spy.ways


def test_the_end_argument_reads_only_the_chunk():
    junk = b'<row r="99"><c r="Z99"><f>1</f></c></row><mergeCell ref="A1:B2"/><c r="A1"'
    for chunk in (PLAIN, HEAD + PLAIN + TAIL, b'<row r="1"><c r="A1"><f>1</f></c></row>'):
        whole, cut = X.SheetInfo("s", "p"), X.SheetInfo("s", "p")
        X._scan_rows(chunk, whole, PATH)
        X._scan_rows(chunk + junk, cut, PATH, len(chunk))
        assert whole == cut


# -- generated chunks ----------------------------------------------------------

ROWS = st.sampled_from([1, 2, 3, 9, 10, 11, 99, 100, 101, 999, 1000, 65536, 1048575, 1048576, 1048577])
COLS = st.sampled_from(["A", "B", "C", "G", "H", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD", "XFE", "a"])
PLAIN_BODIES = [b"<v>1</v>", b"<v>0.5</v>", b"<v></v>", b"<is><t>x</t></is>", b'<is><t xml:space="preserve"> </t></is>']
ODD_BODIES = [b"", b" ", b"<v/>", b"<f>A1</f><v>1</v>", b'<f t="shared" si="0"/>', b"<v>#N/A</v>", b"<is><r><t>x</t></r></is>", b"<x:v>1</x:v>", b"\n<v>1</v>\n"]
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
    end = b"</c>" if draw(st.integers(0, 15)) else draw(st.sampled_from([b"</c >", b"</x:c>", b""]))
    tag = b"c" if draw(st.integers(0, 20)) else b"x:c"
    return b"<" + tag + ref + attrs + b">" + body + end


@st.composite
def rows(draw):
    r = draw(ROWS)
    attrs = draw(st.sampled_from([b' r="%d"' % r] * 6 + [b' r="%d" spans="1:3" x14ac:dyDescent="0.25"' % r, b"", b' spans="1:2" r="%d"' % r]))
    if not draw(st.integers(0, 9)):
        return b"<row" + attrs + b"/>"
    sep = b"" if draw(st.integers(0, 5)) else b"\n "
    return b"<row" + attrs + b">" + sep + sep.join(draw(st.lists(cells(r), max_size=5))) + sep + b"</row>"


EDGES = st.sampled_from([b"", b"", b"", HEAD, TAIL, b"<sheetData>", b'</sheetData><mergeCells><mergeCell ref="B2:A1"/></mergeCells>', b'<c r="A9"><v>1</v></c>', b"<c "])
CHUNK = st.builds(lambda head, body, tail: head + b"".join(body) + tail, EDGES, st.lists(rows(), max_size=8), EDGES)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CHUNK, min_size=1, max_size=3))
def test_generated_chunks_decide_like_the_loop(chunks):
    assert_same(*chunks)


@st.composite
def ordinary_chunk(draw):
    """Rows as Excel writes them, ascending: the strict way must take them."""
    first = draw(st.integers(1, 1_048_570))
    out = []
    for r in range(first, first + draw(st.integers(1, 6))):
        cols = sorted(set(draw(st.lists(st.integers(1, 16_384), min_size=1, max_size=4))))
        cs = [b'<c r="%s%d"%s>%s</c>' % (F._col_letters(c).encode(), r, draw(st.sampled_from(PLAIN_ATTRS)), draw(st.sampled_from(PLAIN_BODIES))) for c in cols]
        out.append(b'<row r="%d">' % r + b"".join(cs) + b"</row>")
    return b"".join(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(ordinary_chunk(), min_size=1, max_size=3))
def test_ordinary_generated_chunks_take_the_strict_way(chunks):
    with pytest.MonkeyPatch.context() as mp:
        spy = Spy(mp)
        assert_same(*chunks)
    assert spy.ways == ["strict"] * len(chunks)


# -- the pieces of the strict way ----------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 10_000_000), st.integers(1, 10_000_000))
def test_row_bound_regex(n, limit):
    rx = re.compile(F._at_most(str(limit), "1", "0", "9"))
    assert (rx.fullmatch(str(n).encode()) is not None) == (n <= limit)
    assert rx.fullmatch(b"0%d" % n) is None


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 18_278), st.integers(1, MAX_COL))
def test_column_bound_regex(n, limit):
    rx = re.compile(F._at_most(F._col_letters(limit), "A", "A", "Z"))
    assert col_number(F._col_letters(n)) == n
    assert (rx.fullmatch(F._col_letters(n).encode()) is not None) == (n <= limit)


def test_column_bound_regex_exhaustive_for_two_letters():
    for limit in (1, 2, 25, 26, 27, 28, 52, 53, 702, 703):
        rx = re.compile(F._at_most(F._col_letters(limit), "A", "A", "Z"))
        assert [n for n in range(1, 800) if rx.fullmatch(F._col_letters(n).encode())] == list(range(1, limit + 1))


@settings(max_examples=300, deadline=None)
@given(st.lists(CHUNK, min_size=1, max_size=2) | st.lists(ordinary_chunk(), min_size=1, max_size=2))
def test_grammars_without_possessive_quantifiers_match_the_same(chunks):
    """Python 3.10 has no possessive quantifiers: the plain ones must agree."""
    plain = lambda rx: re.compile(rx.pattern.replace(b"*+", b"*").replace(b"++", b"+").replace(b"?+", b"?"))  # noqa: E731
    strict = F._strict_rows(MAX_ROW, MAX_COL)
    low = F._strict_rows(1000, 26)
    for chunk in chunks:
        for rx in (F._LOOSE, strict, low):
            assert plain(rx).match(chunk).end() == rx.match(chunk).end()


# -- whole workbooks -----------------------------------------------------------


def _scan(path: Path, monkeypatch, *, fast: bool) -> tuple:
    with monkeypatch.context() as mp:
        if not fast:
            mp.setattr(X, "_fast_part", lambda *a: None)  # merged ranges and cells as before
        try:
            out = X.scan_xlsx(str(path))
        except ProblemsError as exc:
            return ("refused", [(p.code, p.message) for p in exc.problems])
    return {k: (v.cells, v.max_row, v.max_col, v.merged, v.formulas, v.errors) for k, v in out.items()}


def _book(tmp_path: Path, name: str, sheet_xml: bytes) -> Path:
    """A minimal workbook of one sheet."""
    ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships {ns}><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'.encode(),
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{X.REL_NS}"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships {ns}><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'.encode(),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = tmp_path / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in parts.items():
            zf.writestr(k, v)
    return out


@pytest.mark.parametrize("chunk_size", [DEFAULT_CHUNK, 4096, 257])
def test_workbooks_decide_like_the_loop(tmp_path, monkeypatch, chunk_size):
    monkeypatch.setattr(X, "CHUNK", chunk_size)  # small chunks: bounds carried over many
    root = HERE.parent
    rows = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c><c r="C%d"><v>%d</v></c></row>' % (r, r, r, r) for r in range(1, 400))
    odd = rows.replace(b'<row r="200">', b'<row r="200"><c r="B200"><f>A1</f><v>1</v></c>')
    books = [
        _book(tmp_path, "plain.xlsx", HEAD + rows + TAIL),
        _book(tmp_path, "formula.xlsx", HEAD + odd + TAIL),
        _book(tmp_path, "pretty.xlsx", HEAD + rows.replace(b"><c", b">\n  <c").replace(b"</row>", b"\n</row>\n") + TAIL),
        _book(tmp_path, "descending.xlsx", HEAD + b"".join(reversed(re.findall(rb"<row.*?</row>", rows))) + TAIL),
        _book(tmp_path, "stray.xlsx", HEAD + rows + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + TAIL),
        _book(tmp_path, "bad_ref.xlsx", HEAD + rows.replace(b'r="C300"', b'r="XFE300"') + TAIL),
    ]
    if chunk_size >= 4096:
        books += [root / "examples" / "county_2020_filled.xlsx", root / "examples" / "citydept_2020_filled.xlsx"]
    if chunk_size == DEFAULT_CHUNK:  # a long layout of 1000 units: 22 MB of sheet
        books.append(root / "benchmarks" / "data" / "1000" / "county_long.xlsx")
    for book in books:
        if book.exists():
            assert _scan(book, monkeypatch, fast=True) == _scan(book, monkeypatch, fast=False), book.name


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory):
    sys.path.insert(0, str(HERE / "data" / "hostile"))
    import make_corpus

    out = tmp_path_factory.mktemp("hostile_scan")
    demo = HERE / "data" / "obs"
    base = make_corpus.make_base(out / "_base")
    make_corpus.build(out, base, (demo / "rules_demo.yaml").read_text("utf-8"), (demo / "units_demo.yaml").read_text("utf-8"))
    return sorted(p for p in out.rglob("*.xlsx"))


def test_hostile_workbooks_decide_like_the_loop(hostile_corpus, monkeypatch):
    assert len(hostile_corpus) > 20
    for book in hostile_corpus:
        assert _scan(book, monkeypatch, fast=True) == _scan(book, monkeypatch, fast=False), book.name
