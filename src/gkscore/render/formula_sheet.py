"""A sheet of the formula workbook written as it is built: cells are put by
reference (``E12``), in any order within the rows not written yet, and rows
go out in order (openpyxl's write-only mode) once nothing more will be put
in them.  The workbook of 100,000 units is never held whole: only the rows of
the unit being written are.

Text is always text: a value such as ``=HYPERLINK(...)`` or ``#N/A`` from an
input is stored as a string, never run as a formula or read as an error;
a formula is put with ``formula``.
"""

from __future__ import annotations

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import column_index_from_string

_REF = re.compile(r"([A-Z]+)([0-9]+)")


class RowSheet:
    """A write-only worksheet filled by cell reference, written row by row."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.rows: dict[int, dict[int, object]] = {}
        self.written = 0  # the last row written out
        self._cols: dict[str, int] = {}

    def _at(self, ref: str) -> tuple[int, int]:
        m = _REF.fullmatch(ref)
        if m is None:
            raise ValueError(f"not a cell reference: {ref!r}")
        letters, row = m.groups()
        c = self._cols.get(letters)
        if c is None:
            c = self._cols[letters] = column_index_from_string(letters)
        r = int(row)
        if r <= self.written:
            raise ValueError(f"row {r} of {self.ws.title} is written already")
        return r, c

    def put(self, ref: str, value, *, number_format: str | None = None, font=None) -> None:
        """A constant; a string stays a string whatever it starts with."""
        r, c = self._at(ref)
        if number_format is not None or font is not None or (isinstance(value, str) and value.startswith(("=", "#"))):
            cell = WriteOnlyCell(self.ws, value)
            if isinstance(value, str):
                cell.data_type = "s"
            if number_format is not None:
                cell.number_format = number_format
            if font is not None:
                cell.font = font
            value = cell
        self.rows.setdefault(r, {})[c] = value

    def formula(self, ref: str, formula: str) -> None:
        """``formula`` (without its ``=``) in the cell."""
        r, c = self._at(ref)
        self.rows.setdefault(r, {})[c] = "=" + formula

    def flush(self, upto: int | None = None) -> None:
        """Write out every row up to ``upto`` (all rows put when None); no cell
        may be put in them afterwards."""
        rows = self.rows
        last = max(rows, default=self.written) if upto is None else upto
        append = self.ws.append
        for r in range(self.written + 1, last + 1):
            cells = rows.pop(r, None)
            if not cells:
                append([])
                continue
            line = [None] * max(cells)
            for c, v in cells.items():
                line[c - 1] = v
            append(line)
        self.written = max(self.written, last)
