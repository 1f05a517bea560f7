"""The cells of one worksheet as python-calamine will read them, found with
expat before calamine allocates anything.

The scan walks the sheet's XML with expat (a streaming XML parser: no
DOCTYPE or entity is accepted, a comment or an odd attribute is what it is)
and follows the same events python-calamine 0.9 follows, by local name
(namespace prefixes ignored, as calamine does): cells are the ``c``
elements after the first ``sheetData`` start and before its end; a cell's
position is its ``r`` attribute, else the row's ``r`` and the column after
the previous cell; a cell's value is its last ``v``, ``is`` or ``f`` child.
It records, per sheet:

* the extent of the cells that hold something (a ``v`` or an ``is``), and
  how many there are, so a stray far-away cell is refused before calamine
  sizes its range from it;
* cells holding a formula, an error value, a shared-string index that is
  not a plain number below the number of strings, markup inside a value, and
  cells given twice (calamine keeps the last silently): each is a problem at
  its cell, and its value is never used;
* the merged ranges.

How a whole part is fed to it, skipping plain rows: ``xlsx_sheet_scan``.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from xml.parsers import expat

from ..i18n import N_, _
from ..problems import quote
from . import xlsx_plain as plain
from .files import fail

MAX_VALUE_TEXT = 64  # characters of a value kept for a message
ERROR_TEXTS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"}
CELL_TYPES = {"s", "n", "b", "e", "str", "inlineStr", "d", "is", None}

class Rescan(Exception):
    """Cells came out of order after plain rows were skipped: read the sheet
    again with expat alone, so that every position is known."""


@dataclass
class SheetCells:
    title: str
    part: str
    max_row: int = 0  # of the cells holding something; 0: none
    max_col: int = 0
    cells: int = 0
    formulas: dict = field(default_factory=dict)  # (row, col) -> formula text
    errors: dict = field(default_factory=dict)  # (row, col) -> "#N/A"
    bad_strings: dict = field(default_factory=dict)  # (row, col) -> the index text
    odd: dict = field(default_factory=dict)  # (row, col) -> what is inside the value
    duplicates: list = field(default_factory=list)  # (row, col) of cells given twice
    merged: list = field(default_factory=list)  # (r1, c1, r2, c2)

    def calamine_fails(self) -> bool:
        """A shared-string index past the end: calamine refuses the whole sheet."""
        return any(raw.isascii() and raw.isdigit() for raw in self.bad_strings.values())

    def flagged(self) -> dict:
        """(row, col) -> problem code for every cell whose value is not used."""
        out = {}
        for code, cells in (("error-value", self.errors), ("formula", self.formulas), ("bad-string-index", self.bad_strings),
                            ("unusual-cell", self.odd), ("duplicate-cell", self.duplicates)):
            for pos in cells:
                out.setdefault(pos, code)
        return out


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def parse_ref(text: str) -> tuple[int, int] | None:
    """(row, col), 1-based, of an A1 reference as calamine reads it (letters
    of either case, then digits); None for anything else."""
    i = 0
    while i < len(text) and ("A" <= text[i] <= "Z" or "a" <= text[i] <= "z"):
        i += 1
    letters, digits = text[:i], text[i:]
    if not letters or not digits.isascii() or not digits.isdigit() or len(letters) > 3 or len(digits) > 7:
        return None
    row, col = int(digits), plain.column_number(letters)
    if not (1 <= row <= plain.MAX_ROW and 1 <= col <= plain.MAX_COL):
        return None
    return row, col


def _row_number(text: str) -> int | None:
    """A row's ``r`` as calamine reads it (a reference whose column is ignored)."""
    stripped = text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    if not stripped or not stripped.isascii() or not stripped.isdigit() or len(stripped) > 7:
        return None
    row = int(stripped)
    return row if 1 <= row <= plain.MAX_ROW else None


class _Cell:
    __slots__ = ("pos", "type", "depth", "child", "child_depth", "text", "odd", "content", "formula", "strings")

    def __init__(self, pos, type_, depth):
        self.pos, self.type, self.depth = pos, type_, depth
        self.child = None  # local name of the direct child being read
        self.child_depth = 0
        self.text: list[str] | None = None  # raw text of a v or f
        self.odd = ""
        self.content = False
        self.formula = None
        self.strings: list[str] = []  # raw texts of the v children of a t="s" cell


class CellWalk:
    """expat's handlers for one worksheet part: the cells as calamine walks them."""

    def __init__(self, sheet: SheetCells, strings: int, path: str) -> None:
        self.sheet, self.strings, self.path = sheet, strings, path
        p = self.p = expat.ParserCreate()
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.DefaultHandler = self._text
        p.CommentHandler = lambda _data: self._markup(False)
        p.ProcessingInstructionHandler = lambda _target, _data: self._markup(False)
        p.StartCdataSectionHandler = lambda: self._markup(True)
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._doctype
        self.stack: list[str] = []
        self.phase = 0  # 0 before sheetData, 1 inside, 2 after
        self.sd_depth = 0
        self.row0 = 0  # calamine's row and column counters (0-based)
        self.col0 = 0
        self.cell: _Cell | None = None
        self.last_event = None  # ("start" | "end", local name, expat byte index)
        self.last_key = -1  # position (row * 2**14 + col) of the last cell holding something
        self.ordered = True
        self.skipped = False  # cells were accounted for without expat (then order must hold)
        self.positions = array("q")  # of the cells expat read, for duplicates

    # ---- expat handlers (mirroring python-calamine's XlsxCellReader)

    def _doctype(self, *args) -> None:
        raise fail(self.path, _("sheet {sheet} declares a DOCTYPE (XML entities), which is refused; save the workbook again in Excel or WPS").format(sheet=quote(self.sheet.title)), "unsafe-xml")

    def _markup(self, cdata: bool) -> None:
        # calamine reads a <v> up to its first event that is not text, and
        # drops CDATA wherever it is in a cell: such a value is not read
        cell = self.cell
        if cell is not None and (cdata or cell.child == "v") and not cell.odd:
            cell.odd = N_("a CDATA section") if cdata else N_("a comment or processing instruction inside the value")

    def _text(self, data: str) -> None:
        cell = self.cell
        if cell is not None and cell.text is not None:
            cell.text.append(data)

    def _start(self, name: str, attrs: dict) -> None:
        local = _local(name)
        stack = self.stack
        stack.append(local)
        self.last_event = ("start", local, self.p.CurrentByteIndex)
        if self.phase != 1:
            if local == "mergeCell":
                self._merge(attrs)
            elif local == "sheetData":
                if self.phase == 2:  # calamine reads the first one only
                    raise self._damaged(_("two cell tables (sheetData)"))
                self.phase, self.sd_depth = 1, len(stack)
            return
        cell = self.cell
        if cell is None:
            if local == "c":
                self._open_cell(attrs)
            elif local == "row":
                r = attrs.get("r")
                if r is not None:
                    row = _row_number(r)
                    if row is None:
                        raise self._damaged(_("a row numbered {r}").format(r=quote(r[:20])))
                    self.row0 = row - 1
            elif local == "mergeCell":
                self._merge(attrs)
            return
        depth = len(stack)
        if depth == cell.depth + 1:
            if local not in ("v", "f", "is"):
                raise self._damaged(_("an element <{name}> inside cell {cell}").format(name=local[:20], cell=self._ref(cell.pos)))
            cell.child, cell.child_depth = local, depth
            if local == "f":
                cell.formula = cell.formula or ""
                cell.text = []
            elif local == "v":
                cell.content = True
                cell.text = []
            else:
                cell.content = True
                cell.text = None
        elif cell.child == "v" and not cell.odd:
            cell.odd = N_("markup inside the value")

    def _end(self, name: str) -> None:
        local = _local(name)
        stack = self.stack
        depth = len(stack)
        stack.pop()
        self.last_event = ("end", local, self.p.CurrentByteIndex)
        if self.phase != 1:
            return
        cell = self.cell
        if cell is not None:
            if depth == cell.depth:
                self._close_cell(cell)
            elif depth == cell.child_depth:
                text = "".join(cell.text) if cell.text is not None else None
                if cell.child == "f":
                    cell.formula = text or ""
                elif cell.child == "v" and text is not None:
                    cell.strings.append(text)
                cell.child, cell.child_depth, cell.text = None, 0, None
            return
        if local == "row":
            self.row0 += 1
            self.col0 = 0
        elif local == "sheetData":
            self.phase = 2

    def _open_cell(self, attrs: dict) -> None:
        r = attrs.get("r")
        if r is not None:
            pos = parse_ref(r)
            if pos is None:
                raise self._damaged(_("a cell reference {ref} outside A1:XFD1048576").format(ref=quote(r[:20])))
            self.col0 = pos[1] - 1
        else:
            pos = (self.row0 + 1, self.col0 + 1)
            if pos[0] > plain.MAX_ROW or pos[1] > plain.MAX_COL:
                raise self._damaged(_("a cell beyond XFD1048576"))
        t = attrs.get("t")
        if t not in CELL_TYPES:
            raise self._damaged(_("a cell of unknown type {type} at {cell}").format(type=quote(t[:20]), cell=self._ref(pos)))
        self.cell = _Cell(pos, t, len(self.stack))

    def _close_cell(self, cell: _Cell) -> None:
        self.cell = None
        self.col0 += 1
        pos = cell.pos
        sheet = self.sheet
        if cell.formula is not None:
            sheet.formulas[pos] = "=" + _xml_text(cell.formula) if cell.formula.strip() else "="
        if cell.odd:
            sheet.odd[pos] = cell.odd
        t = cell.type
        if t == "e" and cell.strings:
            text = cell.strings[-1]
            if text and text not in ERROR_TEXTS:
                raise self._damaged(_("an unknown error value {value} at {cell}").format(value=quote(text[:20]), cell=self._ref(pos)))
            if text:
                sheet.errors[pos] = text
        elif t == "s":
            for raw in cell.strings:
                if raw and not (raw.isascii() and raw.isdigit() and int(raw) < self.strings):
                    sheet.bad_strings[pos] = raw[:MAX_VALUE_TEXT]
        elif t in ("n", "b", None) and any("&" in raw for raw in cell.strings) and not cell.odd:
            sheet.odd[pos] = N_("a character reference inside a number")
        if not cell.content:
            return
        r, c = pos
        sheet.cells += 1
        if r > sheet.max_row:
            sheet.max_row = r
        if c > sheet.max_col:
            sheet.max_col = c
        key = r * 16384 + c
        if key <= self.last_key:
            if self.skipped:
                raise Rescan()
            self.ordered = False
        else:
            self.last_key = key
        self.positions.append(key)

    def _merge(self, attrs: dict) -> None:
        ref = attrs.get("ref")
        if ref is None:
            return
        a, _sep, b = ref.partition(":")
        p1, p2 = parse_ref(a), parse_ref(b or a)
        if p1 is None or p2 is None:
            raise self._damaged(_("a merged range {ref}").format(ref=quote(ref[:40])))
        r1, r2 = sorted((p1[0], p2[0]))
        c1, c2 = sorted((p1[1], p2[1]))
        if (r1, c1) != (r2, c2):
            self.sheet.merged.append((r1, c1, r2, c2))

    def _ref(self, pos) -> str:
        return f"{plain.column_letters(pos[1])}{pos[0]}"

    def _damaged(self, what: str):
        return fail(self.path, _("sheet {sheet} has {what} (damaged or unusual workbook); save it again as .xlsx in Excel or WPS").format(sheet=quote(self.sheet.title), what=what))

    def _parse(self, data: bytes, final: bool = False) -> None:
        try:
            self.p.Parse(data, final)
        except expat.ExpatError as exc:
            raise fail(self.path, _("sheet {sheet} is not readable XML ({reason}); save the workbook again as .xlsx").format(sheet=quote(self.sheet.title), reason=expat.ErrorString(exc.code)))

    def finish(self) -> None:
        """The end of the part: duplicates, now that every position is known."""
        self._parse(b"", True)
        if self.phase == 0:
            raise self._damaged(_("no cell table (sheetData)"))
        if not self.ordered:
            keys = sorted(self.positions)
            seen = {keys[i] for i in range(1, len(keys)) if keys[i] == keys[i - 1]}
            self.sheet.duplicates = sorted(divmod(k, 16384) for k in seen)

def _xml_text(raw: str) -> str:
    """The text of a raw value or formula, its references expanded."""
    if "&" not in raw:
        return raw.strip()
    import html

    return html.unescape(raw).strip()


