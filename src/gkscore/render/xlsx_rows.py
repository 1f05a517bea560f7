"""The rows of the results workbook's sheets, and the writer that turns
them into a sheet's ``<sheetData>``.

A sheet's rows are made and measured first (a streamed sheet needs its
column widths before its first row, and a width comes from the longest text
of its column) and kept in memory or, for the long sheets, in a temporary
file (``Rows``).  When the workbook is saved, ``SheetRows.xml`` writes them
as the xml openpyxl's normal mode writes, at a sixth of openpyxl's per-cell
cost: text wider than its column wraps, and the row is as high as its most
wrapped cell.  The height is written because LibreOffice (7.4) fits no row
of an xlsx to its wrapped text when it opens it: without one it shows and
prints the first line of each wrapped cell.  It is not marked as set by hand
(``customHeight``), so a spreadsheet refits the row when a cell is edited.
Every text is an inline string, never a formula, whatever it starts with.
"""

from __future__ import annotations

import marshal
import tempfile
from dataclasses import dataclass
from typing import Any, Iterator

from openpyxl.utils import get_column_letter

from .xlsx_cells import Styles, wrapped_lines

LINE_HEIGHT = 16  # points per wrapped line (11 pt text, CJK glyphs included)


class Rows:
    """The rows of one sheet, measured as they come and kept (in a temporary
    file for the long sheets) until the workbook is saved.  ``chunk``: note
    where every chunk-th row starts, so a sheet split at Excel's row limit
    can read its part alone."""

    BATCH = 512  # rows per marshal record: one small read per row is slow

    def __init__(self, on_disk: bool = False, chunk: int | None = None) -> None:
        self.widths: dict[int, int] = {}
        self.count = 0
        self.max_col = 0
        self.chunk = chunk
        self.offsets: list[int] = []  # file offset of rows 0, chunk, 2 * chunk, ...
        self.disk_bytes = 0
        self._file = tempfile.TemporaryFile() if on_disk else None
        self._list: list = []  # all rows, or on disk the batch not yet written

    def add(self, row: list) -> None:
        widths = self.widths
        for col, cell in enumerate(row, start=1):
            if cell is not None and cell[2] is not None:
                w = max(cell[2])
                prev = widths.get(col)
                if prev is None or w > prev:
                    widths[col] = w
        if len(row) > self.max_col:
            self.max_col = len(row)
        if self._file is not None:
            if self.chunk and self.count % self.chunk == 0:
                self._flush()  # a part starts here: its first batch too
                self.offsets.append(self.disk_bytes)
            elif len(self._list) >= self.BATCH:
                self._flush()
        self._list.append(row)
        self.count += 1

    def _flush(self) -> None:
        if self._list:
            data = marshal.dumps(self._list)
            self._file.write(len(data).to_bytes(8, "little") + data)
            self.disk_bytes += 8 + len(data)
            self._list = []

    def blank(self) -> None:
        self.add([])

    def read(self, start: int = 0, n: int | None = None) -> Iterator[list]:
        """``n`` rows from row ``start`` (0 or a multiple of ``chunk``)."""
        n = self.count - start if n is None else n
        if self._file is None:
            yield from self._list[start : start + n]
            return
        self._flush()
        f = self._file
        f.seek(self.offsets[start // self.chunk] if start else 0)
        while n > 0:
            batch = marshal.loads(f.read(int.from_bytes(f.read(8), "little")))
            yield from batch[:n]
            n -= len(batch)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


@dataclass
class SheetRows:
    """A sheet's rows, put into its xml when the workbook is saved.

    openpyxl writes the sheet (widths, frozen panes, filter, page setup,
    charts) with an empty sheetData; ``xlsx_book.FixedTimeZip`` fills it
    with the rows openpyxl's normal mode would write.  openpyxl's own cell
    writer takes about 13 µs a cell, 15-20 minutes for the 85 million cells
    of 100,000 units; these rows take about 2 µs a cell."""

    ws: Any
    parts: list  # row iterables, in order: the header, then the rows
    widths: dict[int, int]  # final column widths
    minimum: int
    max_col: int
    n_rows: int
    big: bool  # may pass 2 GiB: the zip member needs zip64 from the start

    def dimension(self) -> str:
        """The used range, as openpyxl's normal mode writes it."""
        if not self.n_rows or not self.max_col:
            return "A1:A1"
        return f"A1:{get_column_letter(self.max_col)}{self.n_rows}"

    def xml(self, styles: Styles) -> Iterator[str]:
        row_xml = RowXml(self, styles)
        idx = 0
        for part in self.parts:
            for row in part:
                idx += 1
                if row:
                    yield row_xml(idx, row)


class RowXml:
    """Writes one ``<row>`` as openpyxl does: text wider than its column
    wraps, and the row is as high as its most wrapped cell."""

    def __init__(self, sheet: SheetRows, styles: Styles) -> None:
        n = max(sheet.max_col, 1)
        self.letters = [""] + [get_column_letter(c) for c in range(1, n + 1)]
        # characters that fit on a line of each column
        self.rooms = [0] + [max(1, sheet.widths.get(c, sheet.minimum) - 1) for c in range(1, n + 1)]
        self.styles, self.ws = styles, sheet.ws
        self.ids: dict[int, int] = {}

    def _id(self, style: int) -> int:
        hit = self.ids.get(style)
        if hit is None:
            hit = self.ids[style] = self.styles.xf_id(self.ws, style)
        return hit

    def __call__(self, idx: int, row: list) -> str:
        out: list[str] = []
        lines = 1
        letters, rooms, ids = self.letters, self.rooms, self.ids
        for col, cell in enumerate(row, start=1):
            if cell is None:
                continue
            value, style, measured = cell
            if measured is not None:
                n = wrapped_lines(measured, rooms[col])
                if n > 1:
                    style = self.styles.wrapped(style)
                    if n > lines:
                        lines = n
            xf = ids.get(style)
            if xf is None:
                xf = self._id(style)
            if value is None:
                out.append(f'<c r="{letters[col]}{idx}" s="{xf}" t="n" />')
            elif type(value) is str:  # never a formula, whatever the text starts with
                out.append(f'<c r="{letters[col]}{idx}" s="{xf}" t="inlineStr"><is>{xml_text(value)}</is></c>')
            else:
                out.append(f'<c r="{letters[col]}{idx}" s="{xf}" t="n"><v>{"%.16g" % value}</v></c>')
        if lines > 1:
            return f'<row r="{idx}" ht="{min(409, LINE_HEIGHT * lines + 2)}">{"".join(out)}</row>'
        return f'<row r="{idx}">{"".join(out)}</row>'


def xml_text(text: str) -> str:
    """``<t>`` of an inline string (the text is clean_xml_text'ed already)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    stripped = text.strip()
    if stripped and stripped != text:  # as openpyxl: keep leading and trailing spaces
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


