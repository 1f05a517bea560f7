"""Reading an xlsx: the guard first (``xlsx_guard.scan_xlsx``: the zip, every
XML part, every worksheet's cells, with expat), then python-calamine, one
sheet at a time, as tables of records -- the same interface as a csv.

calamine returns each row as a list of cells from the first column that
holds something (``first_col``), and rows from the sheet's first row; a
cell is ``""`` when empty, else a str, float, int, bool or date/time (see
``values``).  Formulas, error values and the other cells whose value is not
used are known from the guard (``flagged``), for every sheet alike.
"""

from __future__ import annotations

from ..i18n import _
from ..problems import quote
from .files import fail
from .xlsx_cells import SheetCells
from .xlsx_guard import scan_xlsx


class SheetTable:
    """One worksheet: its records come from calamine on demand."""

    def __init__(self, file: str, info: SheetCells, sheet) -> None:
        self.file, self.title, self.info = file, info.title, info
        self.flagged = info.flagged()
        self.merged = info.merged
        self._sheet = sheet  # None: nothing in it

    @property
    def first_col(self) -> int:
        start = None if self._sheet is None else self._sheet.start
        return 1 if start is None else start[1] + 1

    def records(self):
        """(row, cells) for every row from the first, cells from
        ``first_col``; iter_rows (python-calamine 0.9) starts at the sheet's
        first row whatever the first row holding something (tests hold this
        in place: tests/test_obs_read.py, calamine offsets)."""
        sheet = self._sheet
        if sheet is None or sheet.start is None:
            return iter(())
        return enumerate(sheet.iter_rows(), 1)

    def release(self) -> None:
        """Let calamine's range go once the sheet is read (~450 MB for a long
        layout of 10,000 counties); positions of the rows live on without it."""
        self._sheet = None


def _short(exc: Exception, n: int = 160) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def read_workbook(path: str, first: str | None = None):
    """The worksheets of ``path`` as SheetTables, in workbook order except
    that the sheet named ``first`` (if any) comes first.  Each sheet is read
    by calamine only when its turn comes; a sheet calamine cannot read
    raises a one-line problem (exit 2) then."""
    import python_calamine as pc

    scan = scan_xlsx(path)
    try:
        wb = pc.CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine raises its own error types
        raise fail(path, _("cannot read the workbook ({reason}); save it again as .xlsx").format(reason=f"{type(exc).__name__}: {_short(exc)}"))
    try:
        listed = [m.name for m in wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        if listed != [s.title for s in scan.sheets]:
            raise fail(path, _("the list of sheets cannot be read unambiguously (damaged workbook); save it again as .xlsx in Excel or WPS"))
        order = sorted(scan.sheets, key=lambda s: s.title != first)
        for info in order:
            yield SheetTable(path, info, _load(wb, info, path) if info.cells and not info.calamine_fails() else None)
    finally:
        wb.close()


def _load(wb, info: SheetCells, path: str):
    try:
        sheet = wb.get_sheet_by_name(info.title)
    except Exception as exc:
        raise fail(path, _("cannot read sheet {sheet} ({reason}); save the workbook again as .xlsx").format(sheet=quote(info.title), reason=f"{type(exc).__name__}: {_short(exc)}"))
    end = sheet.end
    if end is not None and (end[0] + 1 > info.max_row or end[1] + 1 > info.max_col):
        raise fail(path, _("sheet {sheet} could not be read consistently (cells beyond those found); save the workbook again as .xlsx in Excel or WPS").format(sheet=quote(info.title)))
    return sheet
