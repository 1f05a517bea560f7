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
never cut in two.  The rows of each chunk are read by the fast ways of
``xlsx_rows_fast`` where they prove that the careful per-cell loop here
(``_scan_cells``, the reference) would record the same, and by the loop
otherwise.
"""

from __future__ import annotations

import re
import zipfile

from .grid import MAX_MEMBER_BYTES, MAX_TOTAL_BYTES, fail
from .xlsx_rows_fast import _CELL_START, _Part, _fast_part
from .xlsx_sheet import _NS, SheetInfo, parse_ref

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

_CELL = re.compile(rb"<" + _NS + rb"c(\s[^>]*)?>")
_CELL_END = re.compile(rb"</" + _NS + rb"c\s*>")
_ROW_EDGE = re.compile(rb"</" + _NS + rb"row\s*>|<" + _NS + rb"row[\s>/]")
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_TYPE = re.compile(rb"""(?:^|\s)t\s*=\s*["']([^"']*)["']""")
_FORMULA = re.compile(rb"<" + _NS + rb"f[\s>/]")
_FORMULA_TEXT = re.compile(rb"<" + _NS + rb"f(?:\s[^>]*)?>(.*?)</" + _NS + rb"f\s*>", re.S)
_VALUE_TEXT = re.compile(rb"<" + _NS + rb"v(?:\s[^>]*)?>(.*?)</" + _NS + rb"v\s*>", re.S)
_MERGE = re.compile(rb"<" + _NS + rb"mergeCell\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_ROOT = re.compile(rb"<[A-Za-z_]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_XML_PART = (".xml", ".rels", ".vml")

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


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


# The cells of a chunk are read by the first of three ways that applies: the
# strict and loose ways of xlsx_rows_fast (_fast_part), which record only what
# they proved the careful loop below (_scan_cells, the reference) would
# record, then the loop for whatever they leave.
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
