"""A results workbook being built, and saved with reproducible bytes.

openpyxl's write-only mode writes each sheet (widths, frozen panes, filter,
page setup, charts) with an empty sheetData; the zip archive it saves into
(``FixedTimeZip``) fills each sheetData with the sheet's rows as they come
from their spool (``xlsx_rows``), gives every member one fixed time and mode
(openpyxl stamps the save time into each, and the same results must give the
same bytes), and streams members from openpyxl's temporary files, never read
whole.  Everything a built workbook still has to write lives in its ``Book``,
never in module state.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..i18n import N_, _
from .textsafe import safe_sheet_title
from .xlsx_cells import Cells, Styles
from .xlsx_rows import Rows, SheetRows

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
WIDTH_CAP = 60  # widest column (in characters) where a sheet sets no narrower cap
# Printed pages: about 1 cm side margins (Excel's default 1.9 cm costs a wide
# sheet a tenth of its print scale), the sheet's name above, page numbers below.
PRINT_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.25, "footer": 0.25}  # inches
PAGE_HEADER = "&A"  # the sheet's name
PAGE_FOOTER = N_("Page &P of &N")  # this page's number and the number of pages
ROW_LIMIT = 1_048_576  # rows in one Excel sheet
# A sheet's rows go to zip64 from the start beyond this much row data on disk
# (the xml is a few times larger; a member over 2 GiB needs zip64 up front).
ZIP64_FROM = 256 << 20


@dataclass
class Layout:
    """What a sheet sets besides its cells."""

    freeze: str | None = None
    print_rows: str | None = None  # rows printed at the top of every page ("2:2")
    orientation: str | None = None  # printed on A4: "landscape" or "portrait"
    fit_width: bool = False  # printed as wide as one page (as long as it takes)
    autofilter: int = 0  # columns under a filter on the header row (0: none)
    filter_rows: int | None = None  # last row under the filter (None: the last row)
    minimum: int = 6  # narrowest column
    caps: dict[int, int] | None = None  # column -> widest it may be; longer text wraps (others: WIDTH_CAP)
    page_breaks: tuple[int, ...] = ()  # a new printed page after each of these rows
    merged: tuple[str, ...] = ()  # ranges shown as one cell (a title over the table)


def column_widths(widths: dict[int, int], minimum: int, caps: dict[int, int] | None = None) -> dict[int, int]:
    """Longest text + 2 (CJK counts 2), at least ``minimum``, at most the
    column's cap (``caps``, else ``WIDTH_CAP``)."""
    caps = caps or {}
    return {col: max(minimum, min(caps.get(col, WIDTH_CAP), w + 2)) for col, w in widths.items()}


def print_setup(ws, orientation: str, *, fit_width: bool = False, title_rows: str | None = None) -> None:
    """How a sheet prints: on A4 in ``orientation``, narrow side margins, its
    name above and page numbers below every page; ``fit_width``: as wide as
    one page (as long as it takes); ``title_rows`` ("2:2"): printed at the top
    of every page."""
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_margins = PageMargins(**PRINT_MARGINS)
    ws.HeaderFooter.oddHeader.center.text = PAGE_HEADER
    ws.HeaderFooter.oddFooter.center.text = _(PAGE_FOOTER)
    if title_rows:
        ws.print_title_rows = title_rows
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0


class Book:
    """openpyxl's write-only workbook, the cells of its sheets (one set of
    styles, one precision) and the sheets whose rows wait to be written when
    it is saved (``save``; ``wb.save`` would write them empty)."""

    def __init__(self, title: str, precision: int) -> None:
        wb = self.wb = Workbook(write_only=True)
        wb.properties.creator = "gkscore"
        wb.properties.lastModifiedBy = "gkscore"
        wb.properties.title = title
        wb.properties.created = FIXED_TIME
        wb.properties.modified = FIXED_TIME
        self.styles = Styles()
        self.cells = Cells(self.styles, precision)
        self.sheets: list[SheetRows] = []
        self.spools: list[Rows] = []  # to close after saving

    def __getitem__(self, title: str):
        return self.wb[title]

    @property
    def worksheets(self) -> list:
        return self.wb.worksheets

    def _register(self, sheet: SheetRows, rows: Rows) -> None:
        self.sheets.append(sheet)
        if rows not in self.spools:
            self.spools.append(rows)

    def _open_sheet(self, title: str, layout: Layout, widths: dict[int, int]):
        """A write-only sheet with everything but its rows (write-only sheets
        take widths and frozen panes before any row)."""
        ws = self.wb.create_sheet(title)
        for col, w in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = w
        if layout.freeze:
            ws.freeze_panes = layout.freeze
        if layout.orientation:
            print_setup(ws, layout.orientation, fit_width=layout.fit_width, title_rows=layout.print_rows)
        elif layout.print_rows:
            ws.print_title_rows = layout.print_rows
        for row in layout.page_breaks:
            ws.row_breaks.append(Break(id=row))
        for cells in layout.merged:
            ws.merged_cells.add(cells)
        return ws

    @staticmethod
    def _filter(ws, layout: Layout, last_row: int) -> None:
        if layout.autofilter:
            last = last_row if layout.filter_rows is None else layout.filter_rows
            ws.auto_filter.ref = f"A1:{get_column_letter(layout.autofilter)}{max(last, 1)}"

    def add_sheet(self, title: str, rows: Rows, layout: Layout):
        """A sheet of ``rows``, written when the workbook is saved."""
        widths = column_widths(rows.widths, layout.minimum, layout.caps)
        ws = self._open_sheet(title, layout, widths)
        self._filter(ws, layout, rows.count)
        self._register(SheetRows(ws, [rows.read()], widths, layout.minimum, rows.max_col, rows.count, rows.disk_bytes > ZIP64_FROM), rows)
        return ws

    def add_split_sheets(self, title: str, head: list, rows: Rows, layout: Layout, taken: set, limit: int = ROW_LIMIT) -> list[str]:
        """A header row and ``rows`` on as many sheets as Excel's row limit
        needs: ``title``, ``title (2)``, ... each with the header, the same
        widths and its own filter.  ``rows`` must have been made with
        ``chunk=limit - 1``."""
        assert rows.chunk == limit - 1
        header = Rows()
        header.add(head)
        measured = dict(rows.widths)
        for col, w in header.widths.items():
            measured[col] = max(w, measured.get(col, w))
        widths = column_widths(measured, layout.minimum, layout.caps)
        max_col = max(header.max_col, rows.max_col)
        titles: list[str] = []
        start = 0
        while start < rows.count or not titles:
            n = min(limit - 1, rows.count - start)
            name = title if not titles else safe_sheet_title(f"{title} ({len(titles) + 1})", taken)
            titles.append(name)
            ws = self._open_sheet(name, layout, widths)
            self._filter(ws, layout, n + 1)
            part = rows.read(start, n) if n else iter(())
            self._register(SheetRows(ws, [header.read(), part], widths, layout.minimum, max_col, n + 1, rows.disk_bytes > ZIP64_FROM), rows)
            start += n
        return titles

    def save(self, target) -> None:
        """Save to ``target`` (a path or a binary file) with reproducible bytes."""
        try:
            with FixedTimeZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True, book=self) as archive:
                ExcelWriter(self.wb, archive).save()
        finally:
            self.close()

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.save(out)
        return out.getvalue()

    def close(self) -> None:
        """Let the spooled rows (temporary files) go."""
        for rows in self.spools:
            rows.close()


class FixedTimeZip(zipfile.ZipFile):
    """The zip archive openpyxl saves a ``Book`` into: fixed member times,
    sheets streamed, each sheet's rows written into its sheetData."""

    def __init__(self, *args, book: Book, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._book = book

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        if isinstance(data, str):
            data = data.encode("utf-8")
        if name == "docProps/core.xml":
            data = _MODIFIED.sub(rb"\g<1>" + _STAMP + rb"\g<2>", data)
        super().writestr(_fixed_info(name, len(data)), data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        arcname = arcname or os.path.basename(filename)
        sheet = self._sheet(arcname)
        if sheet is not None:
            self._write_rows(filename, arcname, sheet)
            return
        with open(filename, "rb") as src, self.open(_fixed_info(arcname, os.path.getsize(filename)), "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)

    def _sheet(self, arcname: str) -> SheetRows | None:
        # openpyxl numbers a sheet's part (ws.path) as it saves it
        for sheet in self._book.sheets:
            if sheet.ws.path.lstrip("/") == arcname:
                return sheet
        return None

    def _write_rows(self, filename: str, arcname: str, sheet: SheetRows) -> None:
        with open(filename, encoding="utf-8") as fh:
            xml = fh.read()  # openpyxl's sheet without rows: a few kB
        head, tail = around_sheet_data(xml, sheet.dimension())
        with self.open(_fixed_info(arcname, 0), "w", force_zip64=sheet.big) as dst:
            dst.write(head.encode("utf-8"))
            buf: list[str] = []
            size = 0
            for piece in sheet.xml(self._book.styles):
                buf.append(piece)
                size += len(piece)
                if size > 1 << 18:
                    dst.write("".join(buf).encode("utf-8"))
                    buf.clear()
                    size = 0
            dst.write(("".join(buf) + tail).encode("utf-8"))


_EMPTY_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_AFTER_SHEET_PR = re.compile(r"<sheetPr\b[^>]*/>|</sheetPr>")


def around_sheet_data(xml: str, dimension: str) -> tuple[str, str]:
    """The sheet xml before and after its rows (``<sheetData>`` opened and
    closed), with the used range where openpyxl's normal mode puts it."""
    found = list(_EMPTY_SHEET_DATA.finditer(xml))
    if len(found) != 1:
        raise AssertionError("internal error: openpyxl wrote a sheet without one empty sheetData")
    head, tail = xml[: found[0].start()], xml[found[0].end() :]
    if "<dimension" not in head:
        pr = _AFTER_SHEET_PR.search(head)
        at = pr.end() if pr is not None else head.index(">", head.index("<worksheet")) + 1
        head = f'{head[:at]}<dimension ref="{dimension}" />{head[at:]}'
    return head + "<sheetData>", "</sheetData>" + tail


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_STAMP = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()


def _fixed_info(name: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    info.file_size = size  # lets zipfile choose zip64 for a member over 2 GB up front
    return info
