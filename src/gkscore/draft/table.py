"""A table as the draft reads it: a rectangle of cells, merges resolved.

Word and Excel both show a merged cell once and leave the cells it covers
empty (Excel) or point at it (Word).  Here every grid position holds the
``Cell`` of the merge it belongs to, and ``anchor`` (the merge's top-left
position) tells two cells of one merge from two neighbours that merely hold
the same text -- "2" and "2" in the A类 and B类 columns are two cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..i18n import _
from ..problems import Problem


@dataclass(frozen=True)
class Cell:
    text: str
    anchor: tuple[int, int]  # (row, column) of the merge's top-left, 0-based
    number: object = None  # a number typed into a spreadsheet cell (Decimal), else None


EMPTY = Cell("", (-1, -1))


@dataclass
class TableGrid:
    """One table of a document or one sheet of a workbook."""

    path: str
    name: str  # "表1" / the sheet title
    rows: list[list[Cell]]
    # (row, col) -> a Problem-ready position; see ``problem``
    locate: Callable[[int, int], dict]
    caption: str = ""  # the text just above the table (its title), if any
    texts_before: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, r: int, c: int) -> Cell:
        row = self.rows[r]
        return row[c] if 0 <= c < len(row) else EMPTY

    def problem(self, r: int, c: int, code: str, message: str, severity: str = "error") -> Problem:
        return Problem(code=code, message=message, severity=severity, **self.locate(r, c))


def docx_locator(path: str, table_no: int) -> Callable[[int, int], dict]:
    """Word has no cell names: say table N, row R, column C (1-based, as a person counts)."""

    def locate(r: int, c: int) -> dict:
        return {"file": path, "sheet": _("table {n}").format(n=table_no), "cell": _("row {row} column {col}").format(row=r + 1, col=c + 1)}

    return locate


def column_letter(c: int) -> str:
    out = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def xlsx_locator(path: str, sheet: str, row0: int = 0, col0: int = 0) -> Callable[[int, int], dict]:
    def locate(r: int, c: int) -> dict:
        return {"file": path, "sheet": sheet, "cell": f"{column_letter(c + col0)}{r + row0 + 1}"}

    return locate
