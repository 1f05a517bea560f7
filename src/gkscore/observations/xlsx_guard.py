"""Everything python-calamine will parse in an xlsx, checked with expat before
it does (``scan_xlsx``).

* The zip: at most MAX_MEMBERS parts, declared sizes within the limits and
  every part decompressed in chunks and counted (a zip that lies about its
  sizes is refused as it unpacks), no encrypted part, no two part names
  equal ignoring ASCII case (calamine finds a part ignoring case, so two
  would leave it to chance which one it reads).
* Every XML part: no DOCTYPE (entity expansion, external entities), found
  by expat before the root element.
* The sheet list as calamine builds it -- ``sheet`` elements of
  workbook.xml, their ``r:id`` looked up in workbook.xml.rels, the part path
  and sheet type derived from the target as calamine derives them -- with
  names that hold no control character (calamine keeps a tab or a line break
  in an attribute that an XML parser turns into a space) and are unique.
* The number of shared strings, counted as calamine counts them, so that
  every shared-string index in a sheet can be checked.
* Every worksheet: its cells (``xlsx_cells``), and a used range that is not
  a few cells far apart (which would make calamine allocate the whole range:
  a cell at XFD1048576 beside A1 is 17 billion cells).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from ..i18n import _
from ..problems import quote
from .files import fail
from .xlsx_cells import Rescan, SheetCells
from .xlsx_sheet_scan import CHUNK, scan_sheet

MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10000
# A used range (rows x columns up to the farthest cell holding something) is
# refused when it is both larger than FREE_AREA and more than SPARSE times the
# number of cells that hold something: a stray cell far from the data is
# refused, a dense full sheet (a long layout of a million rows) is read.
FREE_AREA = 1_000_000
SPARSE = 8
XML_PARTS = (".xml", ".rels", ".vml")
WORKBOOK, WORKBOOK_RELS, SHARED_STRINGS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"

_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}
_ATTR = re.compile(r"""([^\s=<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TAG = re.compile(rb"""<[^\s/>]+((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*/?>""")
_REF = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


@dataclass
class WorkbookScan:
    sheets: list[SheetCells]  # the worksheets, in workbook order
    strings: int


class _Stop(Exception):
    pass


def _lower(name: str) -> str:
    return name.translate(_ASCII_LOWER)


def _unescape(raw: str) -> str:
    """An attribute value's references expanded, its whitespace kept: what
    quick-xml (calamine) gives, where an XML parser would turn a literal tab
    or line break into a space."""

    def one(m: re.Match) -> str:
        ref = m.group(1)
        if ref[0] == "#":
            code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
            return chr(code) if 0 < code < 0x110000 else "\ufffd"
        return _ENTITIES[ref]

    return _REF.sub(one, raw)


class _Budget:
    def __init__(self, path: str) -> None:
        self.path, self.left = path, MAX_TOTAL_BYTES

    def reader(self, name: str) -> "_Count":
        return _Count(self, name)


class _Count:
    """Told how many bytes of one part were unpacked; refuses past the limits."""

    __slots__ = ("budget", "name", "size")

    def __init__(self, budget: _Budget, name: str) -> None:
        self.budget, self.name, self.size = budget, name, 0

    def __call__(self, n: int) -> None:
        self.size += n
        budget = self.budget
        budget.left -= n
        if self.size > MAX_MEMBER_BYTES or budget.left < 0:
            raise fail(budget.path, _("part {part} unpacks to more than its limit, which is refused (a guard against zip bombs)").format(part=quote(self.name)), "too-large")


def _members(zf: zipfile.ZipFile, path: str) -> dict[str, zipfile.ZipInfo]:
    """The parts by ASCII-lowercased name, after the zip-level checks."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise fail(path, _("the workbook has {n} parts, more than {limit}, which is refused").format(n=len(infos), limit=MAX_MEMBERS), "too-large")
    total = 0
    out: dict[str, zipfile.ZipInfo] = {}
    for i in infos:
        total += i.file_size
        if i.file_size > MAX_MEMBER_BYTES or (i.file_size > 10 * 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1)):
            raise fail(path, _("part {part} would unpack to {size} bytes, which is refused (a guard against zip bombs)").format(part=quote(i.filename), size=i.file_size), "too-large")
        if i.flag_bits & 0x1:
            raise fail(path, _("the workbook is encrypted (password-protected): save it as .xlsx without a password"))
        key = _lower(i.filename)
        if key in out:
            raise fail(path, _("the workbook holds two parts named {part} (damaged workbook); save it again as .xlsx").format(part=quote(i.filename)))
        out[key] = i
    if total > MAX_TOTAL_BYTES:
        raise fail(path, _("the workbook would unpack to {size} bytes, which is refused (a guard against zip bombs)").format(size=total), "too-large")
    if "xl/workbook.bin" in out:
        raise fail(path, _("this is an .xlsb (binary) workbook: save it as .xlsx"))
    if "content.xml" in out and "mimetype" in out:
        raise fail(path, _("this is an OpenDocument (.ods) spreadsheet: save it as .xlsx"))
    if _lower(WORKBOOK) not in out:
        raise fail(path, _("a zip file but not an xlsx workbook; save the sheet as .xlsx"))
    return out


def _parser(path: str, part: str):
    p = expat.ParserCreate()

    def refuse(*_args):
        raise fail(path, _("part {part} declares a DOCTYPE (XML entities), which is refused; save the workbook again in Excel or WPS").format(part=quote(part)), "unsafe-xml")

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    return p


def _parse(zf, info: zipfile.ZipInfo, p, path: str, count, raw: list | None = None) -> None:
    """Feed a part to expat in chunks (``raw``, when given, keeps the bytes)."""
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(CHUNK)
                count(len(chunk))
                if raw is not None:
                    raw.append(chunk)
                p.Parse(chunk, not chunk)
                if not chunk:
                    break
    except expat.ExpatError as exc:
        raise fail(path, _("part {part} is not readable XML ({reason}); save the workbook again as .xlsx").format(part=quote(info.filename), reason=expat.ErrorString(exc.code)))


def _check_prolog(zf, info: zipfile.ZipInfo, path: str, count) -> None:
    """No DOCTYPE before the root element (then stop reading)."""
    p = _parser(path, info.filename)

    def stop(*_args):
        raise _Stop()

    p.StartElementHandler = stop
    try:
        _parse(zf, info, p, path, count)
    except _Stop:
        pass


def _start_tags(zf, members, name: str, local: str, path: str, budget: _Budget) -> list[dict[str, str]]:
    """The attributes, as written, of every start tag with this local name in
    a small part (workbook.xml, its rels): calamine reads them raw, where an
    XML parser would expand references and turn a tab into a space."""
    info = members.get(_lower(name))
    if info is None:
        raise fail(path, _("the workbook has no {part} (damaged workbook); save it again as .xlsx").format(part=name))
    p = _parser(path, info.filename)
    raw: list[bytes] = []
    starts: list[int] = []
    p.StartElementHandler = lambda tag, _a: starts.append(p.CurrentByteIndex) if tag.rpartition(":")[2] == local else None
    _parse(zf, info, p, path, budget.reader(info.filename), raw)
    data = b"".join(raw)
    out = []
    for at in starts:
        m = _TAG.match(data, at)
        if m is None:  # not UTF-8 (expat read it): calamine would not
            raise fail(path, _("part {part} is not UTF-8 (unusual workbook); save it again as .xlsx in Excel or WPS").format(part=quote(info.filename)))
        attrs = {}
        for a in _ATTR.finditer(m.group(1).decode("utf-8", "replace")):
            attrs[a.group(1)] = a.group(2) if a.group(2) is not None else a.group(3)
        out.append(attrs)
    return out


def _sheet_list(zf, members, path: str, budget: _Budget) -> list[tuple[str, str]]:
    """[(title, part)] of the worksheets, in workbook order, as calamine lists
    them: ``sheet`` elements, their ``r:id`` looked up in the rels."""
    rels = {a.get("Id", ""): a.get("Target", "") for a in _start_tags(zf, members, WORKBOOK_RELS, "Relationship", path, budget)}
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for attrs in _start_tags(zf, members, WORKBOOK, "sheet", path, budget):
        title = _unescape(attrs.get("name", ""))
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in title):
            raise fail(path, _("sheet {sheet} has a tab, line break or other control character in its name: rename the sheet in Excel or WPS and save again").format(sheet=quote(title)))
        if attrs.get("state", "visible") not in ("visible", "hidden", "veryHidden"):
            raise fail(path, _("sheet {sheet} has an unknown state (damaged workbook); save it again as .xlsx").format(sheet=quote(title)))
        rid = attrs.get("r:id", attrs.get("relationships:id"))
        target = rels.get(rid) if rid is not None else None
        if target is None:
            raise fail(path, _("sheet {sheet} has no part in the file (damaged workbook); save it again as .xlsx").format(sheet=quote(title)))
        part = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else "xl/" + target
        kind = part.split("/")[1] if "/" in part else ""
        if kind in ("chartsheets", "dialogsheets"):
            continue  # no cells to read
        if kind != "worksheets":
            raise fail(path, _("sheet {sheet} points to {part}, not a worksheet (damaged workbook); save it again as .xlsx").format(sheet=quote(title), part=quote(part)))
        if title.casefold() in seen:
            raise fail(path, _("two sheets are named {sheet} (damaged workbook); save it again as .xlsx").format(sheet=quote(title)))
        seen.add(title.casefold())
        if _lower(part) not in members:
            raise fail(path, _("sheet {sheet} is missing from the file ({part}; damaged workbook); save it again as .xlsx").format(sheet=quote(title), part=part))
        out.append((title, members[_lower(part)].filename))
    return out


# The shared strings as Excel, WPS and openpyxl write them: a whole document
# in this shape has one reading, in which every <si> is one string.
_SST_HEAD = re.compile(rb'(?:<\?xml [^<>?]*\?>)?\s*<sst(?: [A-Za-z_:][A-Za-z0-9_.:-]*="[^"<>&]*")*>')
_SST_RUN = re.compile(rb'(?:<si><t(?: xml:space="preserve")?>[^<]*</t></si>)*')
_SST_TAIL = re.compile(rb"</sst>\s*")


def _count_plain_strings(zf, info: zipfile.ZipInfo, count) -> int | None:
    """The number of strings of a shared-strings part in the plain shape,
    or None (then expat counts them)."""
    n = 0
    head = True
    pending = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(CHUNK)
            count(len(chunk))
            data = pending + chunk
            pos = 0
            if head:
                m = _SST_HEAD.match(data)
                if m is None:
                    if chunk and len(data) < 4096:
                        pending = data
                        continue
                    return None
                pos, head = m.end(), False
            stop = _SST_RUN.match(data, pos).end()
            n += data.count(b"<si>", pos, stop)
            if not chunk:
                return n if _SST_TAIL.fullmatch(data, stop) else None
            if len(data) - stop > 1024 * 1024:
                return None  # not a string in the making: something else
            pending = data[stop:]


def _count_strings(zf, members, path: str, budget: _Budget) -> int:
    """Shared strings as calamine (python-calamine 0.9) counts them: every
    ``si`` element, empty or not; one inside another is refused."""
    info = members.get(_lower(SHARED_STRINGS))
    if info is None:
        return 0
    count = budget.reader(info.filename)
    n = _count_plain_strings(zf, info, count)
    if n is not None:
        return n
    budget.left += count.size  # read again, by expat
    p = _parser(path, info.filename)
    state = {"depth": 0, "n": 0}

    def start(name, _attrs):
        if name.rpartition(":")[2] == "si":
            if state["depth"]:
                raise fail(path, _("the shared strings hold a string inside a string (damaged workbook); save it again as .xlsx"))
            state["n"] += 1
            state["depth"] = 1

    def end(name):
        if name.rpartition(":")[2] == "si":
            state["depth"] = 0

    p.StartElementHandler, p.EndElementHandler = start, end
    _parse(zf, info, p, path, budget.reader(info.filename))
    return state["n"]


def _check_area(sheet: SheetCells, path: str) -> None:
    area = sheet.max_row * sheet.max_col
    if area > FREE_AREA and area > SPARSE * sheet.cells:
        from .xlsx_plain import column_letters

        raise fail(
            path,
            _("sheet {sheet} has cells as far as {cell} but only {n} cells hold something: delete stray cells far from the data and save again").format(
                sheet=quote(sheet.title), cell=f"{column_letters(sheet.max_col)}{sheet.max_row}", n=sheet.cells),
            "too-large",
        )


def scan_xlsx(path: str) -> WorkbookScan:
    """Check the zip and every part calamine will parse; the worksheets' cells."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = _members(zf, path)
            budget = _Budget(path)
            titles = _sheet_list(zf, members, path, budget)
            strings = _count_strings(zf, members, path, budget)
            done = {_lower(WORKBOOK), _lower(WORKBOOK_RELS), _lower(SHARED_STRINGS)}
            sheets = []
            for title, part in titles:
                info = zf.getinfo(part)
                sheet = _scan_one(zf, info, title, strings, path, budget)
                _check_area(sheet, path)
                sheets.append(sheet)
                done.add(_lower(part))
            for key, info in members.items():
                if key in done or info.is_dir():
                    continue
                count = budget.reader(info.filename)
                if key.endswith(XML_PARTS):
                    _check_prolog(zf, info, path, count)
                with zf.open(info) as fh:  # the rest of it: what it really unpacks to
                    while True:
                        chunk = fh.read(CHUNK)
                        if not chunk:
                            break
                        count(len(chunk))
            return WorkbookScan(sheets, strings)
    except zipfile.BadZipFile as exc:
        raise fail(path, _("not a valid .xlsx file (damaged zip: {reason}); save it again as .xlsx").format(reason=exc))
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError, zlib.error) as exc:
        if hasattr(exc, "problems"):
            raise
        raise fail(path, _("cannot open the workbook ({reason}); save it again as .xlsx").format(reason=f"{type(exc).__name__}: {exc}"))


def _scan_one(zf, info: zipfile.ZipInfo, title: str, strings: int, path: str, budget: _Budget) -> SheetCells:
    for plain_rows in (True, False):
        sheet = SheetCells(title=title, part=info.filename)
        count = budget.reader(info.filename)
        try:
            with zf.open(info) as fh:
                scan_sheet(fh, sheet, strings, path, count, plain_rows)
            return sheet
        except Rescan:
            budget.left += count.size  # the second reading is not new data
    raise AssertionError("unreachable")  # pragma: no cover - expat alone never asks for a rescan
