"""openpyxl as a test oracle for the one xlsx reader (python-calamine).

``openpyxl_reader()`` swaps the product's xlsx reader for an openpyxl-based
one behind the same record interface, for the duration of a ``with``
block: everything else (the guard, the layouts, the checker) stays the
same, so any difference in the observations or problems is a difference
between what calamine and openpyxl read from the same cells.
``cells_of(path)`` gives every non-empty cell as text, by the product's
reader or by openpyxl, for a direct comparison.
"""

from __future__ import annotations

import contextlib
import warnings

from openpyxl import load_workbook

from gkscore.observations import read_xlsx
from gkscore.observations.values import cell_text
from gkscore.observations.xlsx_guard import scan_xlsx


class OpenpyxlTable:
    first_col = 1

    def __init__(self, file: str, info, ws) -> None:
        self.file, self.title, self.info = file, info.title, info
        self.flagged = info.flagged()
        self.merged = info.merged
        self._ws = ws

    def records(self):
        if self._ws is None:
            return
        for r, row in enumerate(self._ws.iter_rows(values_only=True), 1):
            yield r, ["" if v is None else v for v in row]

    def release(self) -> None:
        pass


def read_workbook_openpyxl(path: str, first: str | None = None):
    scan = scan_xlsx(path)
    with open(path, "rb") as fh, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(fh, read_only=True, data_only=True)
        try:
            for info in sorted(scan.sheets, key=lambda s: s.title != first):
                ws = wb[info.title] if info.cells else None
                if ws is not None:
                    ws.reset_dimensions()
                yield OpenpyxlTable(path, info, ws)
        finally:
            wb.close()


@contextlib.contextmanager
def openpyxl_reader():
    original = read_xlsx.read_workbook
    read_xlsx.read_workbook = read_workbook_openpyxl
    try:
        yield
    finally:
        read_xlsx.read_workbook = original


def cells_of(path, *, oracle: bool = False) -> dict:
    """{(sheet, row, col): text} of every non-empty cell whose value is read
    (flagged cells left out), by the product's reader or by openpyxl.  Texts
    are trimmed: calamine, like Excel, drops the spaces around an inline
    string not marked xml:space="preserve", openpyxl keeps them, and gkscore
    trims every text it reads anyway."""
    read = read_workbook_openpyxl if oracle else read_xlsx.read_workbook
    out = {}
    for table in read(str(path)):
        c0 = table.first_col
        for r, rec in table.records():
            for i, v in enumerate(rec):
                text = "" if v is None else cell_text(v).strip()
                if text and (r, c0 + i) not in table.flagged:
                    out[(table.title, r, c0 + i)] = text
    return out
