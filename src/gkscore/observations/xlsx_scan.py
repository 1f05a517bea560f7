"""A cheap streaming look at an xlsx before any reader parses it.

Both readers (calamine, openpyxl) get the same answers from here, so hostile
files behave identically whichever reads the cells:

* every XML part: no DOCTYPE (entity expansion, external entities) -- checked
  in the prolog, before the root element;
* every part is decompressed in chunks and counted: a zip that lies about its
  sizes, or unpacks beyond the limits, is refused before a parser sees it;
* each worksheet: the extent of the cells that hold something (so a million
  empty formatted rows cost nothing, and a stray cell at XFD1048576 cannot
  make calamine allocate the whole sheet), the cells holding a formula or an
  error value (#N/A, #DIV/0!: calamine and openpyxl only see cached values),
  and the merged ranges.

It is a byte-level scan with regular expressions over whole rows, not an XML
parse: the sheet part is split after its last complete ``</row>`` so a cell is
never cut in two.
"""

from __future__ import annotations

import functools
import re
import sys
import zipfile
from dataclasses import dataclass, field

from .grid import MAX_MEMBER_BYTES, MAX_TOTAL_BYTES, fail

CHUNK = 4 * 1024 * 1024
MAX_PENDING = 32 * 1024 * 1024  # one row (or one unbroken run of text) larger than this is refused
# A used range (rows x columns up to the farthest cell holding something) is
# refused when it is both larger than FREE_AREA and more than SPARSE times the
# number of cells that hold something: a stray cell far from the data (which
# would make calamine allocate the whole range) is refused, while a dense full
# sheet (a long layout of 1,048,576 rows) is read.  The cells themselves are
# bounded by the part size limit.
FREE_AREA = 1_000_000
SPARSE = 8
MAX_PROLOG = 1024 * 1024
MAX_ROW, MAX_COL = 1_048_576, 16_384

_NS = rb"(?:[A-Za-z_][\w.\-]*:)?"
_CELL = re.compile(rb"<" + _NS + rb"c(\s[^>]*)?>")
_CELL_END = re.compile(rb"</" + _NS + rb"c\s*>")
_ROW_EDGE = re.compile(rb"</" + _NS + rb"row\s*>|<" + _NS + rb"row[\s>/]")
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_TYPE = re.compile(rb"""(?:^|\s)t\s*=\s*["']([^"']*)["']""")
_FORMULA = re.compile(rb"<" + _NS + rb"f[\s>/]")
_FORMULA_TEXT = re.compile(rb"<" + _NS + rb"f(?:\s[^>]*)?>(.*?)</" + _NS + rb"f\s*>", re.S)
_VALUE_TEXT = re.compile(rb"<" + _NS + rb"v(?:\s[^>]*)?>(.*?)</" + _NS + rb"v\s*>", re.S)
_MERGE = re.compile(rb"<" + _NS + rb"mergeCell\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_ROOT = re.compile(rb"<[A-Za-z_]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_XML_PART = (".xml", ".rels", ".vml")

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class SheetInfo:
    title: str
    part: str
    max_row: int = 0  # of cells that hold something; 0: no such cell
    max_col: int = 0
    cells: int = 0  # cells that hold something
    formulas: dict = field(default_factory=dict)  # (row, col) -> formula text
    errors: dict = field(default_factory=dict)  # (row, col) -> "#N/A"
    merged: list = field(default_factory=list)  # (r1, c1, r2, c2)


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(text: str) -> tuple[int, int] | None:
    m = _A1.match(text.strip())
    if not m:
        return None
    c, r = col_number(m.group(1)), int(m.group(2))
    if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
        return None
    return r, c


def _unescape(b: bytes) -> str:
    import html

    return html.unescape(b.decode("utf-8", "replace")).strip()


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> None:
    with zf.open(info) as fh:
        head = b""
        while len(head) < MAX_PROLOG:
            chunk = fh.read(64 * 1024)
            if not chunk:
                break
            head += chunk
            text = head
            if text.startswith((b"\xff\xfe", b"\xfe\xff")):
                text = text.decode("utf-16", "replace").encode("utf-8", "replace")
            root = _ROOT.search(text)
            prolog = text if root is None else text[: root.start()]
            if _DTD.search(prolog):
                raise fail(path, f"part {info.filename} declares a DOCTYPE (XML entities); refusing to read it: save the workbook again in Excel or WPS", "unsafe-xml")
            if root is not None:
                return


def _sheet_targets(zf: zipfile.ZipFile, names: set[str], path: str) -> list[tuple[str, str]]:
    """[(title, part)] of the worksheets, in workbook order."""
    from defusedxml import ElementTree as DET

    def parse(name: str):
        try:
            return DET.fromstring(zf.read(name))
        except Exception as exc:  # defusedxml or expat errors
            raise fail(path, f"part {name} is not readable XML ({type(exc).__name__}); save the workbook again as .xlsx")

    wb = parse("xl/workbook.xml")
    rels = parse("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else None
    targets: dict[str, tuple[str, str]] = {}
    if rels is not None:
        for rel in rels:
            rid, target, typ = rel.get("Id"), rel.get("Target") or "", rel.get("Type") or ""
            if rel.get("TargetMode") == "External":
                continue
            part = target.lstrip("/") if target.startswith("/") else _join("xl", target)
            targets[rid] = (part, typ.rsplit("/", 1)[-1])
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for el in wb.iter():
        if not el.tag.endswith("}sheet") and el.tag != "sheet":
            continue
        title = el.get("name") or ""
        rid = el.get(f"{{{REL_NS}}}id")
        part, typ = targets.get(rid, (None, ""))
        if part is None:
            raise fail(path, f"sheet {title!r} has no part in the file (damaged workbook); save it again as .xlsx")
        if typ != "worksheet":
            continue  # chart sheets, dialog sheets: no cells to read
        if title.casefold() in seen:
            raise fail(path, f"two sheets are named {title!r} (damaged workbook); save it again as .xlsx")
        seen.add(title.casefold())
        if part not in names:
            raise fail(path, f"sheet {title!r} is missing from the file ({part}; damaged workbook); save it again as .xlsx")
        out.append((title, part))
    return out


def _join(base: str, target: str) -> str:
    parts: list[str] = base.split("/")
    for seg in target.split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg and seg != ".":
            parts.append(seg)
    return "/".join(parts)


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: SheetInfo, path: str, budget: list[int]) -> None:
    pending = b""
    size = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(CHUNK)
            size += len(chunk)
            budget[0] -= len(chunk)
            if size > MAX_MEMBER_BYTES or budget[0] < 0:
                raise fail(path, f"part {info.filename} unpacks to more than its limit; refusing to read it (zip bomb guard)", "too-large")
            data = pending + chunk
            if not chunk:
                _scan_rows(data, sheet, path)
                break
            # Cut where a row ends or the next begins: no cell is split in two.
            cut = max(data.rfind(b"</row>") + len(b"</row>"), data.rfind(b"<row"), 0) or None
            if cut is None:
                for m in _ROW_EDGE.finditer(data):
                    cut = (m.end() if m.group().startswith(b"</") else m.start()) or None
            if cut is None:
                if len(data) > MAX_PENDING:
                    raise fail(path, f"sheet {sheet.title!r}: a row larger than {MAX_PENDING // (1024 * 1024)} MB; refusing to read it", "too-large")
                pending = data
                continue
            _scan_rows(data, sheet, path, cut)  # no copy of the chunk
            pending = data[cut:]


# The cells of a chunk are read by the first of three ways that applies; the
# careful per-cell loop (_scan_cells) is the reference, and each faster way
# records something only where it has proved that the loop would record the
# same: it validates the rows it reads against a small grammar in which every
# cell holds a plain value (no formula, no error type, no prefix, no stray
# tag), so "holds something" is the same as "is not self-closing".
#
# 1. _scan_strict: rows as Excel, WPS and openpyxl write them.  One regular
#    expression matches all the rows at C speed: each cell's row number must
#    repeat its row's r (a back-reference) and stay <= a bound, each column
#    <= a bound, the bounds being reached by cells we saw, so the bounds are
#    the maxima without looking at 7 million cells one by one in Python.
# 2. _scan_loose: any attributes, whitespace between tags, rows in any order:
#    validated rows are read with a findall over the cell references.
# 3. whatever is left (formulas, errors, namespace prefixes, ...): the loop.
#
# Possessive quantifiers (Python >= 3.11) keep the regex engine from saving
# backtracking state for every row and cell (4x faster); the grammar has only
# one way to match, so without them (Python 3.10) the result is the same.
_POSSESSIVE = sys.version_info >= (3, 11)


def _grammar(pattern: bytes) -> re.Pattern:
    if not _POSSESSIVE:
        pattern = pattern.replace(b"*+", b"*").replace(b"++", b"+").replace(b"?+", b"?")
    return re.compile(pattern)


# A tag that the loop would read as a cell (conservatively: also "<c " with no ">").
_CELL_START = re.compile(rb"<" + _NS + rb"c(?:[\s>]|\Z)")
_VALUE = rb'(?:<v>[^<]*+</v>|<is><t(?: xml:space="preserve")?+>[^<]*+</t></is>)'
# Rows with any attributes and whitespace between tags; cells as in the strict
# way but with any attributes (t="e" is looked for apart: _maybe_error).
_LOOSE = _grammar(
    rb"(?:\s*+<row(?=[\s>/])[^<>]*+(?:(?<=/)>|(?<!/)>(?:\s*+"
    rb'<c r="[A-Z]{1,3}[1-9][0-9]{0,6}"[^<>]*+(?:(?<=/)>|(?<!/)>\s*+'
    rb"(?:<v>[^<]*+</v>|<is>\s*+<t(?=[\s>])[^<>]*+>[^<]*+</t>\s*+</is>)\s*+</c>)"
    rb")*+\s*+</row>))*+"
)
# A cell that is not self-closing, in rows validated by _LOOSE or _strict_rows.
_COUNTED_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"[^<>]*(?<!/)>')
_REF_AT = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')


@dataclass
class _Part:
    """What a fast way proved about data[start:end]: nothing else in it counts."""

    start: int
    end: int
    cells: int
    max_row: int
    max_col: int


def _scan_rows(data: bytes, sheet: SheetInfo, path: str, end: int | None = None) -> None:
    """Record the merged ranges and the cells of data[:end]."""
    end = len(data) if end is None else end
    part = _fast_part(data, end, sheet)  # records nothing: merged ranges come first
    _scan_merges(data, end, sheet, path, part)
    if part is None:
        _scan_cells(data, sheet, path, 0, end)
        return
    sheet.cells += part.cells
    sheet.max_row = max(sheet.max_row, part.max_row)
    sheet.max_col = max(sheet.max_col, part.max_col)
    if _CELL_START.search(data, part.end, end):
        _scan_cells(data, sheet, path, part.end, end)


def _scan_merges(data: bytes, end: int, sheet: SheetInfo, path: str, part: _Part | None) -> None:
    # Validated rows hold no "<mergeCell": search the rest only (a merge tag
    # before the rows could still run into them, so then read the whole chunk).
    if part is None:
        if data.find(b"mergeCell", 0, end) < 0:
            return
    elif data.find(b"mergeCell", 0, part.start) < 0 and data.find(b"mergeCell", part.end, end) < 0:
        return
    for m in _MERGE.finditer(data, 0, end):
        ref = m.group(1).decode("ascii", "replace")
        a, _, b = ref.partition(":")
        p1, p2 = parse_ref(a), parse_ref(b or a)
        if p1 is None or p2 is None:
            raise fail(path, f"sheet {sheet.title!r}: bad merged range {ref!r} (damaged workbook); save it again as .xlsx")
        r1, r2 = sorted((p1[0], p2[0]))
        c1, c2 = sorted((p1[1], p2[1]))
        if (r1, c1) != (r2, c2):
            sheet.merged.append((r1, c1, r2, c2))


def _fast_part(data: bytes, stop: int, sheet: SheetInfo) -> _Part | None:
    """The rows from the first <row to the last </row> before stop, proved by
    a fast way; None when nothing could be proved (the careful loop reads it)."""
    start = data.find(b"<row", 0, stop)
    end = data.rfind(b"</row>", 0, stop) + len(b"</row>")
    if start < 0 or end <= start:
        return None
    # A cell before the rows could run into them (the loop reads a tag up to
    # its ">"): leave such chunks to the loop.  After the rows, the loop reads
    # whatever the fast ways leave.
    if _CELL_START.search(data, 0, start):
        return None
    return _scan_strict(data, start, end, sheet) or _scan_loose(data, start, end)


_MAX_WIDENINGS = 16  # then the loose way: rows in no particular order


def _scan_strict(data: bytes, start: int, end: int, sheet: SheetInfo) -> _Part | None:
    # First bounds: the sheet's extent so far and the last cell holding
    # something (rows usually ascend).  Where a row breaks a bound, the
    # bounds grow to that row's cells and matching goes on from there: rows
    # already matched fit the larger bounds too.  Every bound is the sheet's
    # own or reached by a cell that the grammar then matched, so the bounds
    # are exactly the extent.
    last = data.rfind(b"</c>", start, end)
    cell = data.rfind(b'<c r="', start, last) if last >= 0 else -1
    ref = _REF_AT.match(data, cell) if cell >= 0 else None
    if ref is None:
        return None
    max_row = max(sheet.max_row, int(ref.group(2)))
    max_col = max(sheet.max_col, col_number(ref.group(1).decode("ascii")))
    pos = start
    for _retry in range(_MAX_WIDENINGS):
        if max_row > MAX_ROW or max_col > MAX_COL:
            return None
        try:
            pos = _strict_rows(max_row, max_col).match(data, pos, end).end()
        except SystemError:  # a regex engine bug (see _strict_rows): the other ways decide
            return None
        if pos == end:
            # Every "</c>" ends one cell holding a value.
            return _Part(start, end, data.count(b"</c>", start, end), max_row, max_col)
        row_max, col_max = _row_extent(data, pos, end)
        if row_max <= max_row and col_max <= max_col:
            return None  # the row is not plain: not a bound that stopped it
        max_row, max_col = max(max_row, row_max), max(max_col, col_max)
    return None


def _row_extent(data: bytes, start: int, end: int) -> tuple[int, int]:
    """The largest row and column of the cells holding something in the row
    at start, if it is plain (else anything: the grammar decides)."""
    refs = _COUNTED_REF.findall(data, start, data.find(b"</row>", start, end))
    if not refs:
        return 0, 0
    return max(int(r) for _c, r in refs), max(col_number(c.decode("ascii")) for c, _r in refs)


@functools.lru_cache(maxsize=16)
def _strict_rows(max_row: int, max_col: int) -> re.Pattern:
    """Rows as Excel, WPS and openpyxl write them, every cell in its row,
    plain values only, no cell holding something beyond max_row or max_col.
    Formatting-only cells (self-closing: the loop skips them) and rows of
    them may lie anywhere, as after the data of a sheet formatted in advance."""
    attrs = rb'(?: s="[0-9]++")?+(?: t="(?:s|n|str|inlineStr|b|d)")?+'
    blank = rb'<c r="[A-Z]{1,3}\1"' + attrs + rb" ?/>"
    cell = rb'<c r="' + _at_most(_col_letters(max_col), "A", "A", "Z") + rb'\1"' + attrs + rb"(?:>" + _VALUE + rb"</c>| ?/>)"
    rest = rb'"[^<>/]*+(?:/>|>(?:'
    # The row number is captured in a lookahead, before any alternative: a
    # group set inside an alternative that fails, within a possessive repeat,
    # can make CPython 3.11 raise SystemError (python/cpython#101955).
    row = (
        rb'<row r="(?=([1-9][0-9]{0,6})")(?:'
        + (_at_most(str(max_row), "1", "0", "9") + rest + cell + rb"|" + blank + rb")*+</row>)")
        + rb"|"
        + (rb"[0-9]++" + rest + blank + rb")*+</row>)")
        + rb")"
    )
    return _grammar(rb"(?:" + row + rb")*+")


def _at_most(limit: str, first: str, low: str, high: str) -> bytes:
    """A regex for the words over low..high (the first letter first..high)
    that sort at most `limit`: shorter words, then same-length ones."""

    def same_length(i: int) -> str:
        lo, rest, ch = (first if i == 0 else low), len(limit) - i - 1, limit[i]
        if not rest:
            return f"[{lo}-{ch}]"
        below = [f"[{lo}-{chr(ord(ch) - 1)}][{low}-{high}]{{{rest}}}"] if ch > lo else []
        alts = below + [ch + same_length(i + 1)]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    alts = [same_length(0)]
    if len(limit) > 1:
        alts.append(f"[{first}-{high}][{low}-{high}]{{0,{len(limit) - 2}}}")
    return ("(?:" + "|".join(alts) + ")").encode("ascii")


def _col_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _scan_loose(data: bytes, start: int, end: int) -> _Part | None:
    stop = _LOOSE.match(data, start, end).end()
    if stop == start or _maybe_error(data, start, stop):
        return None
    refs = _COUNTED_REF.findall(data, start, stop)
    max_row = max_col = 0
    if refs:
        rows = [r for _c, r in refs]
        longest = max(map(len, rows))
        max_row = int(max(r for r in rows if len(r) == longest))  # no leading zeros
        max_col = max(col_number(c.decode("ascii")) for c in {c for c, _r in refs})
    if max_row > MAX_ROW or max_col > MAX_COL:
        return None  # the loop names the cell
    return _Part(start, stop, len(refs), max_row, max_col)


def _maybe_error(data: bytes, start: int, end: int) -> bool:
    # The loop's t="e" needs an e between two quotes (either kind).
    if data.find(b'"e"', start, end) >= 0:
        return True
    if data.find(b"'", start, end) < 0:
        return False
    return any(data.find(q, start, end) >= 0 for q in (b"\"e'", b"'e\"", b"'e'"))


def _scan_cells(data: bytes, sheet: SheetInfo, path: str, start: int = 0, stop: int | None = None) -> None:
    """The careful loop (the reference) over the cells of data[start:stop]."""
    stop = len(data) if stop is None else stop
    max_row, max_col = sheet.max_row, sheet.max_col
    n = 0
    for m in _CELL.finditer(data, start, stop):
        attrs = m.group(1) or b""
        if attrs.endswith(b"/"):
            continue  # <c r="A1" s="3"/>: formatting only
        rm = _REF.search(attrs)
        ref = rm.group(1).decode("ascii", "replace") if rm else None
        pos = parse_ref(ref) if ref is not None else None
        if pos is None:
            what = f"a cell reference {ref!r} outside A1:XFD1048576" if ref else "a cell without a reference"
            raise fail(path, f"sheet {sheet.title!r} has {what} (damaged or unusual workbook); save it again as .xlsx in Excel or WPS")
        end = _CELL_END.search(data, m.end(), stop)
        inner = data[m.end() : end.start()] if end else b""
        if not inner.strip():
            continue
        n += 1
        r, c = pos
        if r > max_row:
            max_row = r
        if c > max_col:
            max_col = c
        if b"f" in inner and _FORMULA.search(inner):
            fm = _FORMULA_TEXT.search(inner)
            sheet.formulas[pos] = "=" + _unescape(fm.group(1)) if fm and fm.group(1).strip() else "="
        tm = _TYPE.search(attrs)
        if tm and tm.group(1) == b"e":
            vm = _VALUE_TEXT.search(inner)
            sheet.errors[pos] = _unescape(vm.group(1)) if vm else "#VALUE!"
    sheet.max_row, sheet.max_col = max_row, max_col
    sheet.cells += n


def _check_area(sheet: SheetInfo, path: str) -> None:
    area = sheet.max_row * sheet.max_col
    if area > FREE_AREA and area > SPARSE * sheet.cells:
        from openpyxl.utils import get_column_letter

        raise fail(
            path,
            f"sheet {sheet.title!r} has cells as far as {get_column_letter(sheet.max_col)}{sheet.max_row} but only {sheet.cells} cells hold something: "
            "delete stray cells far from the data and save again",
            "too-large",
        )


def scan_xlsx(path: str) -> dict[str, SheetInfo]:
    """Check the zip and every XML part; returns the worksheets by title."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            for i in infos:
                if i.flag_bits & 0x1:
                    raise fail(path, "the workbook is encrypted (password-protected): save it as .xlsx without a password")
                if i.filename.lower().endswith(_XML_PART):
                    _check_prolog(zf, i, path)
            sheets = _sheet_targets(zf, names, path)
            budget = [MAX_TOTAL_BYTES]
            out: dict[str, SheetInfo] = {}
            by_name = {i.filename: i for i in infos}
            for title, part in sheets:
                info = SheetInfo(title=title, part=part)
                _scan_sheet(zf, by_name[part], info, path, budget)
                _check_area(info, path)
                out[title] = info
            for i in infos:  # the other parts: count what they really unpack to
                if i.filename in {p for _t, p in sheets} or i.is_dir():
                    continue
                with zf.open(i) as fh:
                    size = 0
                    while True:
                        chunk = fh.read(CHUNK)
                        if not chunk:
                            break
                        size += len(chunk)
                        budget[0] -= len(chunk)
                        if size > MAX_MEMBER_BYTES or budget[0] < 0:
                            raise fail(path, f"part {i.filename} unpacks to more than its limit; refusing to read it (zip bomb guard)", "too-large")
            return out
    except zipfile.BadZipFile as exc:
        raise fail(path, f"not a valid .xlsx file (damaged zip: {exc}); save it again as .xlsx")
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError) as exc:
        if hasattr(exc, "problems"):
            raise
        raise fail(path, f"cannot open the workbook ({type(exc).__name__}: {exc}); save it again as .xlsx")
