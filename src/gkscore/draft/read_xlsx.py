"""Sheets of an Excel (.xlsx) workbook as tables, merges expanded.

Excel keeps a merged cell's value in its top-left cell and leaves the others
empty; the sheet's list of merge ranges says which empty cells belong to it.
Every covered position gets the merge's Cell, so the draft reads a merged
一级指标 the same way from Word and from Excel.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..exact import from_float
from ..i18n import _
from ..problems import unreadable
from .container import check_container
from .table import Cell, TableGrid, xlsx_locator

MAX_ROWS = 5000
MAX_COLS = 60


def read_xlsx_tables(path: str) -> list[TableGrid]:
    check_container(path, "xlsx")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for damaged parts
        raise unreadable(path, _("cannot read the Excel workbook: {reason}").format(reason=f"{type(exc).__name__}: {exc}"), "not-xlsx")
    try:
        return [_grid(path, ws) for ws in wb.worksheets if ws.sheet_state == "visible"]
    finally:
        wb.close()


def _value(v) -> tuple[str, object]:
    if v is None:
        return "", None
    if isinstance(v, bool):
        return ("是" if v else "否"), None
    if isinstance(v, int):
        return str(v), Decimal(v)
    if isinstance(v, float):
        d = from_float(v)
        return format(d, "f"), d
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()[:10], None
    text = str(v).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip(), None


def _grid(path: str, ws) -> TableGrid:
    nrows = min(ws.max_row or 0, MAX_ROWS)
    ncols = min(ws.max_column or 0, MAX_COLS)
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ws.merged_cells.ranges:
        top, left = rng.min_row - 1, rng.min_col - 1
        for r in range(rng.min_row - 1, min(rng.max_row, nrows)):
            for c in range(rng.min_col - 1, min(rng.max_col, ncols)):
                covered[(r, c)] = (top, left)
    rows: list[list[Cell]] = []
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=nrows, max_col=ncols, values_only=True)):
        out: list[Cell] = []
        for c in range(ncols):
            anchor = covered.get((r, c), (r, c))
            if anchor != (r, c):
                out.append(rows[anchor[0]][anchor[1]] if anchor[0] < r else out[anchor[1]])
                continue
            v = values[c] if c < len(values) else None
            text, number = _value(v)
            out.append(Cell(text, (r, c), number))
        rows.append(out)
    return TableGrid(path=path, name=ws.title, rows=rows, locate=xlsx_locator(path, ws.title))
