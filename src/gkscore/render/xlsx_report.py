"""Results workbook: 汇总 (ranking tables), 图表 (bar charts of totals), 明细
(every unit x item), 复核调整 (when adjustments are given) and 扣分明细, the
rectification list sent back to each unit: one sheet per unit for up to
``UNIT_SHEETS_MAX`` units (a city), one long sheet with a 单位 column above
that (a province: thousands of tabs would not open).

The workbook is written in openpyxl's write-only mode so that a province or
the whole country (100,000 units, 5.7 million 明细 rows) fits in bounded
memory.  A streamed sheet needs its column widths before its first row, and
the widths come from the longest text of each column, so a sheet's rows are
made and measured first and kept in a temporary file; when the workbook is
saved, openpyxl writes each sheet (widths, panes, filter, page setup, charts)
and the rows go into its sheetData as the xml openpyxl's normal mode writes
(``_SheetRows``: the same bytes as before for a city, at a sixth of
openpyxl's per-cell cost).  Each unit's items come from ``full(u)`` one unit
at a time (``pipeline.Run.full``).  A sheet that would pass Excel's 1,048,576
rows goes on in 明细 (2), 明细 (3)... with the same header; a rank group of
more than ``CHART_MAX_UNITS`` units gets a note instead of an unreadable
chart.

Every text from an input is written as a string cell (``data_type = "s"``),
with characters XML cannot hold replaced, so ``=HYPERLINK(...)`` as a unit
name is shown, never run.  Numbers are Decimal until the openpyxl boundary,
where they become the int or float of their exact decimal text; cells carry a
number format so no binary artefact is ever shown.  Output is deterministic:
fixed document times and fixed zip member times.
"""

from __future__ import annotations

import datetime as dt
import io
import marshal
import math
import os
import re
import shutil
import tempfile
import weakref
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..exact import fmt
from ..fsutil import atomic_path
from ..problems import Problem, ProblemsError
from ..scoring import UnitResult
from .csv_report import (
    COMPLETE,
    INCOMPLETE,
    VETOED,
    Full,
    adjustments_index,
    adjustments_text,
    blocks,
    evidence_text,
    item_figures,
    lost_points,
    observations_text,
    ordered_units,
    path_text,
    reasons_text,
    scorers_text,
    section_union,
    section_value,
    with_items,
)
from .md_report import summary_header
from .textsafe import char_width, clean_xml_text, safe_sheet_title

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
WIDTH_CAP = 60
LINE_HEIGHT = 16  # points per wrapped line (11 pt text, CJK glyphs included)
ROW_LIMIT = 1_048_576  # rows in one Excel sheet
UNIT_SHEETS_MAX = 200  # above: one long 扣分明细 sheet instead of one per unit
CHART_MAX_UNITS = 200  # above: a note instead of a chart (one bar per unit)

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
INCOMPLETE_FILL = PatternFill("solid", fgColor="FFF2CC")
ADJUSTED_FILL = PatternFill("solid", fgColor="E2EFDA")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP = Alignment(vertical="top")
WRAP = Alignment(vertical="top", wrap_text=True)
TOP_NOWRAP = Alignment(vertical="top", wrap_text=False)

DETAIL_HEAD = ["单位", "类别", "指标编号", "一级指标", "二级指标", "评分细则", "分值", "得分", "扣分", "失分原因", "计算", "观测值", "证据", "评分人", "完整性"]
UNIT_HEAD = ["测评指标", "指标分值", "得分", "扣分", "失分原因", "证据"]
ADJ_HEAD = ["单位", "指标编号", "观测项", "原值", "新值", "理由", "批准人", "日期", "调整后得分", "调整后扣分"]
NOTHING_LOST = "本单位各项指标均未失分"


def score_format(precision: int) -> str:
    return "0." + "0" * precision if precision > 0 else "0"


def xl_number(value: Decimal | int) -> int | float:
    """The openpyxl boundary: a Decimal becomes the int or float of its exact text."""
    text = fmt(value, None)
    return int(text) if "." not in text else float(text)


# ------------------------------------------------------------ measuring


class _CharWidths(dict):
    """``textsafe.char_width`` per character, looked up once per character:
    measuring every cell of millions of rows one Unicode lookup per
    character would cost minutes."""

    def __missing__(self, ch: str) -> int:
        w = self[ch] = char_width(ch)
        return w


_CHAR_WIDTHS = _CharWidths()


def line_widths(text: str) -> tuple[int, ...]:
    """Display width of each line of ``text`` (as ``textsafe.display_width``:
    CJK and full-width count 2, combining marks 0)."""
    if "\n" not in text:  # the usual case, on the hot path of every text cell
        return (len(text) if text.isascii() else sum(map(_CHAR_WIDTHS.__getitem__, text)),)
    get = _CHAR_WIDTHS.__getitem__
    return tuple(len(line) if line.isascii() else sum(map(get, line)) for line in text.split("\n"))


def _wrapped_lines(widths: tuple[int, ...], room: int) -> int:
    """Lines the text takes in a column with ``room`` characters' width."""
    if len(widths) == 1:
        w = widths[0]
        return 1 if w <= room else math.ceil(w / room)
    return sum(max(1, math.ceil(w / room)) for w in widths)


# --------------------------------------------------------------- cells
#
# A cell waiting to be written is a tuple (value, style, widths): value a
# str, int, float or None (an empty cell that still shows its fill), style an
# index into _Styles, widths the line widths the cell counts for its column
# (None: not measured).  A measured text wraps when it is wider than its
# column.  Plain tuples and lists, so rows go to disk with marshal.


class _Styles:
    """The few style combinations a report uses, numbered; each is registered
    with the workbook once (its cell-format id), instead of hashing font, fill
    and alignment objects for each of tens of millions of cells."""

    def __init__(self) -> None:
        self._index: dict[tuple, int] = {}
        self._specs: list[tuple] = []
        self._wrapped: dict[int, int] = {}
        self._ids: dict[int, int] = {}

    def index(self, font=None, fill=None, align=TOP, number_format=None) -> int:
        key = (id(font), id(fill), id(align), number_format)  # module constants; kept alive in _specs
        i = self._index.get(key)
        if i is None:
            i = self._index[key] = len(self._specs)
            self._specs.append((font, fill, align, number_format))
        return i

    def wrapped(self, i: int) -> int:
        """Style ``i`` with wrapping text (kept when it wraps already)."""
        hit = self._wrapped.get(i)
        if hit is None:
            font, fill, align, number_format = self._specs[i]
            if align is not None and align.wrap_text:
                hit = i
            else:
                horizontal = align.horizontal if align is not None else None
                hit = self.index(font, fill, WRAP if horizontal is None else Alignment(horizontal=horizontal, vertical="top", wrap_text=True), number_format)
            self._wrapped[i] = hit
        return hit

    def xf_id(self, ws, i: int) -> int:
        """The workbook's cell-format id of style ``i`` (the ``s`` of a cell)."""
        hit = self._ids.get(i)
        if hit is None:
            font, fill, align, number_format = self._specs[i]
            cell = Cell(ws, row=1, column=1)
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if align is not None:
                cell.alignment = align
            if number_format is not None:
                cell.number_format = number_format
            hit = self._ids[i] = cell.style_id
        return hit


class _Cells:
    """Makes cells for one workbook (its styles) at one number precision.

    Most cells repeat (unit names on every item row, item texts in every
    unit, the same few scores), so made cells are remembered, a bounded
    number of them."""

    MEMO = 20_000

    def __init__(self, styles: _Styles, precision: int) -> None:
        self.styles = styles
        self.precision = precision
        self.score_fmt = score_format(precision)
        self._texts: dict[tuple, tuple] = {}
        self._numbers: dict[tuple, tuple] = {}

    def text(self, value: Any, *, font=None, fill=None, align=TOP, measure: bool = True) -> tuple:
        return self.styled(value, self.styles.index(font, fill, align), measure)

    def styled(self, value: Any, style: int, measure: bool = True) -> tuple:
        """``text`` with the style index already looked up (the hot loops)."""
        key = (value, style, measure) if type(value) is str else None
        hit = self._texts.get(key) if key is not None else None
        if hit is None:
            text = clean_xml_text(value)
            hit = (None, style, None) if not text else (text, style, line_widths(text) if measure else None)
            if key is not None:
                if len(self._texts) >= self.MEMO:
                    self._texts.clear()
                self._texts[key] = hit
        return hit

    def number(self, value: Decimal | int | None, *, score: bool = True, font=None, fill=None) -> tuple:
        key = (value, score, id(font), id(fill))
        hit = self._numbers.get(key)
        if hit is None:
            if value is None:
                hit = (None, self.styles.index(font, fill, TOP), None)
            else:
                shown = format(Decimal(value), f".{self.precision if score else 0}f")
                hit = (xl_number(value), self.styles.index(font, fill, TOP, self.score_fmt if score else "0"), (len(shown),))
            if len(self._numbers) >= self.MEMO:
                self._numbers.clear()
            self._numbers[key] = hit
        return hit

    def header(self, words: Sequence[str]) -> list[tuple]:
        return [self.text(w, font=BOLD, fill=HEAD_FILL, align=HEAD_ALIGN) for w in words]


# ---------------------------------------------------------------- rows


class _Rows:
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
class _Layout:
    """What a sheet sets besides its cells."""

    freeze: str | None = None
    print_rows: str | None = None
    landscape: bool = False
    fit_width: bool = False
    autofilter: int = 0  # columns under a filter on the header row (0: none)
    filter_rows: int | None = None  # last row under the filter (None: the last row)
    minimum: int = 6  # narrowest column


def _column_widths(widths: dict[int, int], minimum: int) -> dict[int, int]:
    """Longest text + 2 (CJK counts 2), at least ``minimum``, at most the cap."""
    return {col: max(minimum, min(WIDTH_CAP, w + 2)) for col, w in widths.items()}


@dataclass
class _SheetRows:
    """A sheet's rows, put into its xml when the workbook is saved.

    openpyxl writes the sheet (widths, frozen panes, filter, page setup,
    charts) with an empty sheetData; ``_FixedTimeZip`` fills it from here
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

    def xml(self, styles: _Styles) -> Iterator[str]:
        row_xml = _RowXml(self, styles)
        idx = 0
        for part in self.parts:
            for row in part:
                idx += 1
                if row:
                    yield row_xml(idx, row)


class _RowXml:
    """Writes one ``<row>`` as openpyxl does: text wider than its column
    wraps, and the row is as high as its most wrapped cell."""

    def __init__(self, sheet: _SheetRows, styles: _Styles) -> None:
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
                n = _wrapped_lines(measured, rooms[col])
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
                out.append(f'<c r="{letters[col]}{idx}" s="{xf}" t="inlineStr"><is>{_xml_text(value)}</is></c>')
            else:
                out.append(f'<c r="{letters[col]}{idx}" s="{xf}" t="n"><v>{"%.16g" % value}</v></c>')
        if lines > 1:
            return f'<row r="{idx}" ht="{min(409, LINE_HEIGHT * lines + 2)}" customHeight="1">{"".join(out)}</row>'
        return f'<row r="{idx}">{"".join(out)}</row>'


def _xml_text(text: str) -> str:
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


# A sheet's rows go to zip64 from the start beyond this much row data on disk
# (the xml is a few times larger; a member over 2 GiB needs zip64 up front).
_ZIP64_FROM = 256 << 20


def _open_sheet(wb: Workbook, title: str, layout: _Layout, widths: dict[int, int]):
    """A write-only sheet with everything but its rows (write-only sheets
    take widths and frozen panes before any row)."""
    ws = wb.create_sheet(title)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    if layout.print_rows:
        ws.print_title_rows = layout.print_rows
    if layout.landscape:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        if layout.fit_width:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
    return ws


def _filter(ws, layout: _Layout, last_row: int) -> None:
    if layout.autofilter:
        last = last_row if layout.filter_rows is None else layout.filter_rows
        ws.auto_filter.ref = f"A1:{get_column_letter(layout.autofilter)}{max(last, 1)}"


def _add_sheet(wb: Workbook, title: str, rows: _Rows, layout: _Layout):
    """A sheet of ``rows``, written when the workbook is saved."""
    widths = _column_widths(rows.widths, layout.minimum)
    ws = _open_sheet(wb, title, layout, widths)
    _filter(ws, layout, rows.count)
    _register(wb, _SheetRows(ws, [rows.read()], widths, layout.minimum, rows.max_col, rows.count, rows.disk_bytes > _ZIP64_FROM), rows)
    return ws


def _add_split_sheets(wb: Workbook, title: str, head: list, rows: _Rows, layout: _Layout, taken: set, limit: int = ROW_LIMIT) -> list[str]:
    """A header row and ``rows`` on as many sheets as Excel's row limit needs:
    ``title``, ``title (2)``, ... each with the header, the same widths and
    its own filter.  ``rows`` must have been made with ``chunk=limit - 1``."""
    assert rows.chunk == limit - 1
    header = _Rows()
    header.add(head)
    measured = dict(rows.widths)
    for col, w in header.widths.items():
        measured[col] = max(w, measured.get(col, w))
    widths = _column_widths(measured, layout.minimum)
    max_col = max(header.max_col, rows.max_col)
    titles: list[str] = []
    start = 0
    while start < rows.count or not titles:
        n = min(limit - 1, rows.count - start)
        name = title if not titles else safe_sheet_title(f"{title} ({len(titles) + 1})", taken)
        titles.append(name)
        ws = _open_sheet(wb, name, layout, widths)
        _filter(ws, layout, n + 1)
        part = rows.read(start, n) if n else iter(())
        _register(wb, _SheetRows(ws, [header.read(), part], widths, layout.minimum, max_col, n + 1, rows.disk_bytes > _ZIP64_FROM), rows)
        start += n
    return titles


@dataclass
class _Pending:
    """What a built workbook still has to write when it is saved."""

    styles: _Styles
    sheets: list = field(default_factory=list)  # _SheetRows
    spools: list = field(default_factory=list)  # _Rows to close after saving


# per workbook, for save_workbook; weak, so a workbook never saved takes its
# rows (and their temporary files) with it
_PENDING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _register(wb: Workbook, sheet: _SheetRows, rows: _Rows) -> None:
    pending = _PENDING[wb]
    pending.sheets.append(sheet)
    if rows not in pending.spools:
        pending.spools.append(rows)


# ---------------------------------------------------------------- 汇总


def _summary(wb: Workbook, results: Sequence[UnitResult], cells: _Cells) -> list[dict]:
    """The published ranking: one header row, frozen, over every table.

    With one ranking table (one rule file, one rank group) the title row names
    it; with several (counties, A-class, B-class) the header is the union of
    their 一级指标 (blank where a table has no such section) and each table
    starts with a title row of its own, so the frozen header stays true for
    every row below it.
    """
    rows = _Rows(on_disk=True)
    all_blocks = blocks(results)
    multi = len(all_blocks) > 1
    if multi:
        sections = section_union(results)
        incomplete = any(b.incomplete for b in all_blocks)
        head = ["序号", "单位", "类别", *sections, "加分", "扣分", "总分", "等次", "排名"] + (["完整性"] if incomplete else [])
        rows.add([cells.text("政务公开考评结果汇总（各表分别排名）", font=TITLE, measure=False)])
    elif all_blocks:
        head = summary_header(all_blocks[0])
        sections = list(all_blocks[0].sections)
        incomplete = all_blocks[0].incomplete
        rows.add([cells.text(all_blocks[0].title, font=TITLE, measure=False)])
    else:
        head, sections, incomplete = ["序号", "单位", "类别", "加分", "扣分", "总分", "等次", "排名"], [], False
        rows.blank()
    hrow = 2
    rows.add(cells.header(head))
    total_col = head.index("总分") + 1
    placed = []
    for bi, b in enumerate(all_blocks):
        if multi:
            rows.add([cells.text(b.title, font=BOLD, measure=False)])
        first = rows.count + 1
        for i, u in enumerate(b.units, start=1):
            rows.add(_summary_row(cells, i, u, b, sections, incomplete))
        placed.append({"block": b, "header_row": hrow, "first_row": first, "last_row": rows.count, "total_col": total_col})
        notes = []
        if b.incomplete:
            notes.append(f"{INCOMPLETE}：部分观测值未填写（--partial），未填写的指标暂计0分。")
        notes += [f"单项否决：{u.unit} — {u.veto}" for u in b.units if u.veto]
        for note in notes:
            rows.add([cells.text(note, measure=False)])
        if multi and bi < len(all_blocks) - 1:
            rows.blank()
    if rows.count > ROW_LIMIT:
        raise ProblemsError([Problem(file="-", code="too-many-units", message=f"{len(results)} units do not fit in one 汇总 sheet (Excel shows {ROW_LIMIT} rows); write csv or json instead")], exit_code=2)
    _add_sheet(wb, "汇总", rows, _Layout(freeze=f"C{hrow + 1}", landscape=True, fit_width=True))
    return placed


def _summary_row(cells: _Cells, i: int, u: UnitResult, b, sections: list[str], incomplete: bool) -> list[tuple]:
    fill = None if u.complete else INCOMPLETE_FILL
    row = [cells.number(i, score=False, fill=fill), cells.text(u.unit, fill=fill), cells.text(u.cls, fill=fill)]
    for name in sections:
        row.append(cells.number(section_value(u, name) if name in b.sections else None, fill=fill))
    row += [
        cells.number(u.bonus, fill=fill),
        cells.number(u.penalty, fill=fill),
        cells.number(u.total, font=BOLD, fill=fill) if u.total is not None else cells.text(VETOED, font=BOLD, fill=fill),
        cells.text(u.grade or "", fill=fill),
        cells.number(u.rank or None, score=False, fill=fill),
    ]
    if incomplete:
        row.append(cells.text(COMPLETE if u.complete else INCOMPLETE, fill=fill))
    return row


# ---------------------------------------------------------------- 图表


def _charts(wb: Workbook, summary_ws, placed: list[dict], cells: _Cells) -> None:
    """A bar chart of the totals per rank group; a group too large for one
    readable chart gets a line saying so where its chart would be."""
    notes = _Rows()
    anchors: list[tuple[str, BarChart]] = []
    anchor = 1
    for p in placed:
        b = p["block"]
        n = p["last_row"] - p["first_row"] + 1
        if n < 1:
            continue
        if n > CHART_MAX_UNITS:
            while notes.count < anchor - 1:
                notes.blank()
            notes.add([cells.text(f"{b.rules_title} {b.group}：共 {n} 个单位，超过 {CHART_MAX_UNITS} 个单位不绘制图表，总分与排名见「汇总」。", measure=False)])
            anchor += 2
            continue
        chart = _chart(b, n, summary_ws, p)
        anchors.append((f"A{anchor}", chart))
        anchor += math.ceil(chart.height / 0.53) + 3  # default rows are 15 pt (0.53 cm)
    ws = _add_sheet(wb, "图表", notes, _Layout())
    for where, chart in anchors:
        ws.add_chart(chart, where)


def _chart(b, n: int, summary_ws, p: dict) -> BarChart:
    chart = BarChart()
    chart.title = clean_xml_text(f"{b.rules_title} {b.group} 总分" + ("（含未完成评分）" if b.incomplete else ""), 255)
    chart.y_axis.title = "总分"
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if n <= 12:  # a few units: columns, names under them
        chart.type = "col"
        chart.x_axis.title = "单位"
        chart.width, chart.height = max(16, 2.2 * n + 4), 9
    else:  # many units: horizontal bars, rank 1 on top, names readable
        chart.type = "bar"
        chart.x_axis.scaling.orientation = "maxMin"
        chart.width, chart.height = 20, min(60, 0.6 * n + 4)
    chart.legend = None
    data = Reference(summary_ws, min_col=p["total_col"], min_row=p["first_row"], max_row=p["last_row"])
    cats = Reference(summary_ws, min_col=2, min_row=p["first_row"], max_row=p["last_row"])
    chart.add_data(data, titles_from_data=False)
    chart.series[0].tx = SeriesLabel(v="总分")
    for series in chart.series:  # unit names are text: a string reference, not openpyxl's numRef
        series.cat = AxDataSource(strRef=StrRef(f=str(cats)))
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False)
    return chart


# ------------------------------------------------------- 明细, 扣分明细


def _detail_rows(rows: _Rows, u: UnitResult, cells: _Cells, adj_index, with_adj: bool) -> None:
    styled = cells.styled
    for it in u.items:
        note = adjustments_text(adj_index, u.unit, it.id) if with_adj else ""
        fill = INCOMPLETE_FILL if not it.complete else (ADJUSTED_FILL if note else None)
        style = cells.styles.index(None, fill, TOP)
        mx, score, lost = item_figures(it)
        row = [styled(v, style) for v in (u.unit, u.cls, it.id, it.section, it.group, it.text)]
        row += [cells.number(mx, fill=fill), cells.number(score, fill=fill), cells.number(lost, fill=fill)]
        texts = (reasons_text(it), it.arithmetic(), observations_text(it), evidence_text(it), scorers_text(it), COMPLETE if it.complete else INCOMPLETE)
        row += [styled(v, style) for v in texts]
        if with_adj:
            row.append(styled(note, style))
        rows.add(row)


def _listed(u: UnitResult) -> list:
    """The items on a unit's rectification list: lost points or unfilled."""
    return [it for it in u.items if lost_points(it) > 0 or not it.complete]


def _lost_cells(cells: _Cells, u: UnitResult, it, extra_complete: bool, adj_note: str | None) -> list[tuple]:
    """测评指标, 指标分值, 得分, 扣分, 失分原因, 证据 (+ 完整性, 复核调整)."""
    mx, score, lost = item_figures(it)
    fill = None if it.complete else INCOMPLETE_FILL
    row = [
        cells.text(path_text(it), fill=fill),
        cells.number(mx, fill=fill),
        cells.number(score, fill=fill),
        cells.number(lost, fill=fill),
        cells.text(reasons_text(it), fill=fill),
        cells.text(evidence_text(it), fill=fill),
    ]
    if extra_complete:
        row.append(cells.text(COMPLETE if it.complete else INCOMPLETE, fill=fill))
    if adj_note is not None:
        row.append(cells.text(adj_note, fill=fill))
    return row


def _unit_sheet_rows(u: UnitResult, group_size: int, cells: _Cells, adj_index, with_adj: bool) -> tuple[_Rows, _Layout]:
    """One unit's 扣分明细 sheet: its figures, then the items it lost points on."""
    rows = _Rows()
    rows.add([cells.text(f"{u.unit} 扣分明细", font=TITLE, measure=False)])
    p = cells.precision
    facts: list[tuple[str, Any]] = [
        ("测评", u.rules_title),
        ("单位", u.unit),
        ("类别", u.cls),
        ("总分", u.total if u.total is not None else VETOED),
        ("构成", f"基础分 {fmt(u.base, p)}，加分 {fmt(u.bonus, p)}，扣分 {fmt(u.penalty, p)}" if not u.stopped else f"{VETOED}：{u.veto}"),
        ("等次", u.grade or ""),
        ("排名", u.rank or None),
    ]
    if not u.complete:
        facts.append(("完整性", f"{INCOMPLETE}：部分观测值未填写，未填写的指标暂计0分"))
    if u.notes:
        facts.append(("说明", "；".join(u.notes)))
    for label, value in facts:
        row = [cells.text(label, font=BOLD)]
        if isinstance(value, (Decimal, int)) or value is None:
            row.append(cells.number(value, score=label != "排名", font=BOLD if label == "总分" else None))
            if label == "排名" and value:
                row.append(cells.text(f"排名组 {u.rank_group}，共 {group_size} 个单位", measure=False))
        else:
            row.append(cells.text(value, align=TOP_NOWRAP, measure=False))
        rows.add(row)
    rows.blank()
    listed = _listed(u)
    extra_complete = not u.complete
    extra_adj = with_adj and any(adj_index.get((u.unit, it.id)) for it in listed)
    head = list(UNIT_HEAD) + (["完整性"] if extra_complete else []) + (["复核调整"] if extra_adj else [])
    rows.add(cells.header(head))
    hrow = rows.count
    for it in listed:
        rows.add(_lost_cells(cells, u, it, extra_complete, adjustments_text(adj_index, u.unit, it.id) if extra_adj else None))
    if not listed:
        rows.add([cells.text(NOTHING_LOST, measure=False)])
    return rows, _Layout(freeze=f"A{hrow + 1}", print_rows=f"{hrow}:{hrow}", landscape=True, fit_width=True, minimum=8)


def _long_lost_rows(rows: _Rows, u: UnitResult, cells: _Cells, adj_index, extra_complete: bool, extra_adj: bool) -> None:
    """A unit's part of the one long 扣分明细 sheet: a row per item it lost
    points on (or one saying it lost none), then its notes; every row starts
    with the unit, so a filter on 单位 gives the unit its list."""
    unit = cells.text(u.unit)
    listed = _listed(u)
    for it in listed:
        fill = None if it.complete else INCOMPLETE_FILL
        adj = adjustments_text(adj_index, u.unit, it.id) if extra_adj else None
        rows.add([cells.text(u.unit, fill=fill), *_lost_cells(cells, u, it, extra_complete, adj)])
    if not listed:
        rows.add([unit, cells.text(NOTHING_LOST)])
    if u.notes:
        rows.add([unit, cells.text("说明"), None, None, None, cells.text("；".join(u.notes))])


# ------------------------------------------------------------ 复核调整


def _adjustments(wb: Workbook, adjustments: list, figures: dict, cells: _Cells) -> None:
    rows = _Rows()
    rows.add(cells.header(ADJ_HEAD))
    for a in adjustments:
        row = [cells.text(getattr(a, key, "")) for key in ("unit", "item", "field", "before", "after", "reason", "approved_by", "date")]
        found = figures.get((str(a.unit), str(a.item)))
        if found is not None:
            _, score, lost = found
            row += [cells.number(score), cells.number(lost)]
        rows.add(row)
    if not adjustments:
        rows.add([cells.text("无复核调整")])
    # the filter covers the adjustments (the header alone when there are none)
    _add_sheet(wb, "复核调整", rows, _Layout(freeze="A2", autofilter=len(ADJ_HEAD), filter_rows=1 + len(adjustments)))


# ---------------------------------------------------------------- entry


def build_workbook(
    results: Sequence[UnitResult],
    *,
    adjustments: Iterable[Any] | None = None,
    precision: int = 2,
    full: Full = None,
    unit_sheets_max: int = UNIT_SHEETS_MAX,
    row_limit: int = ROW_LIMIT,
) -> Workbook:
    """The results workbook (write-only), ready for ``save_workbook``; its
    rows wait in temporary files and go into the sheets while it is saved,
    so save it with ``save_workbook``, not ``wb.save``.

    ``full(u)`` gives a unit with its items (see ``csv_report.with_items``);
    each unit is asked for once, and its items are let go before the next.
    ``unit_sheets_max`` and ``row_limit`` are there for tests.
    """
    wb = Workbook(write_only=True)
    wb.properties.creator = "gkscore"
    wb.properties.lastModifiedBy = "gkscore"
    wb.properties.title = "政务公开考评结果"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    cells = _Cells(_Styles(), precision)
    _PENDING[wb] = _Pending(cells.styles)
    units = ordered_units(results)
    with_adj = adjustments is not None
    adj_list = list(adjustments) if with_adj else []
    adj_index = adjustments_index(adj_list)
    placed = _summary(wb, results, cells)
    _charts(wb, wb["汇总"], placed, cells)
    sizes = {(p["block"].rules_id, p["block"].group): len(p["block"].units) for p in placed}
    per_unit = len(units) <= unit_sheets_max
    extra_complete = any(not u.complete for u in units)
    extra_adj = bool(adj_list)

    detail_head = cells.header(DETAIL_HEAD + (["复核调整"] if with_adj else []))
    detail = _Rows(on_disk=True, chunk=row_limit - 1)
    unit_sheets: list[tuple[str, _Rows, _Layout]] = []
    lost = lost_head = None
    if not per_unit:
        lost_head = cells.header(["单位", *UNIT_HEAD] + (["完整性"] if extra_complete else []) + (["复核调整"] if extra_adj else []))
        lost = _Rows(on_disk=True, chunk=row_limit - 1)
    wanted = {(str(a.unit), str(a.item)) for a in adj_list}
    figures: dict[tuple[str, str], tuple] = {}  # item figures of the adjusted items (复核调整)
    # The one pass over the units with their items: everything that shows
    # items takes its rows now, while the unit is in memory.
    for u in with_items(units, full):
        _detail_rows(detail, u, cells, adj_index, with_adj)
        for it in u.items if wanted else ():
            if (u.unit, it.id) in wanted:
                figures[(u.unit, it.id)] = item_figures(it)
        if per_unit:
            rows, layout = _unit_sheet_rows(u, sizes[(u.rules_id, u.rank_group)], cells, adj_index, with_adj)
            unit_sheets.append((u.unit, rows, layout))
        else:
            _long_lost_rows(lost, u, cells, adj_index, extra_complete, extra_adj)

    # titles of the sheets before the 扣分明细 ones, which are written below
    taken = {ws.title.casefold() for ws in wb.worksheets} | {"明细"} | ({"复核调整"} if with_adj else set())
    detail_layout = _Layout(freeze="D2", print_rows="1:1", landscape=True, autofilter=len(DETAIL_HEAD) + (1 if with_adj else 0))
    _add_split_sheets(wb, "明细", detail_head, detail, detail_layout, taken, row_limit)
    if with_adj:
        _adjustments(wb, adj_list, figures, cells)
    for name, rows, layout in unit_sheets:
        _add_sheet(wb, safe_sheet_title(f"扣分明细-{name}", taken), rows, layout)
    if lost is not None:
        title = safe_sheet_title("扣分明细", taken)
        layout = _Layout(freeze="B2", print_rows="1:1", landscape=True, fit_width=True, autofilter=len(UNIT_HEAD) + 1 + extra_complete + extra_adj, minimum=8)
        _add_split_sheets(wb, title, lost_head, lost, layout, taken, row_limit)
    return wb


class _FixedTimeZip(zipfile.ZipFile):
    """The zip archive openpyxl saves into.  Every member gets one fixed time
    and mode (openpyxl stamps the save time into each, and the same results
    must give the same bytes), sheets are streamed from openpyxl's temporary
    files, never read whole, and each sheet's rows are written into its
    sheetData here (``_SheetRows``)."""

    def __init__(self, *args, pending: _Pending | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pending = pending

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

    def _sheet(self, arcname: str) -> _SheetRows | None:
        # openpyxl numbers a sheet's part (ws.path) as it saves it
        for sheet in self._pending.sheets if self._pending is not None else ():
            if sheet.ws.path.lstrip("/") == arcname:
                return sheet
        return None

    def _write_rows(self, filename: str, arcname: str, sheet: _SheetRows) -> None:
        with open(filename, encoding="utf-8") as fh:
            xml = fh.read()  # openpyxl's sheet without rows: a few kB
        head, tail = _around_sheet_data(xml, sheet.dimension())
        with self.open(_fixed_info(arcname, 0), "w", force_zip64=sheet.big) as dst:
            dst.write(head.encode("utf-8"))
            buf: list[str] = []
            size = 0
            for piece in sheet.xml(self._pending.styles):
                buf.append(piece)
                size += len(piece)
                if size > 1 << 18:
                    dst.write("".join(buf).encode("utf-8"))
                    buf.clear()
                    size = 0
            dst.write(("".join(buf) + tail).encode("utf-8"))


_EMPTY_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_AFTER_SHEET_PR = re.compile(r"<sheetPr\b[^>]*/>|</sheetPr>")


def _around_sheet_data(xml: str, dimension: str) -> tuple[str, str]:
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


def save_workbook(wb: Workbook, target) -> None:
    """Save ``wb`` (a path or a binary file) with reproducible bytes."""
    pending = _PENDING.pop(wb, None)
    try:
        with _FixedTimeZip(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True, pending=pending) as archive:
            ExcelWriter(wb, archive).save()
    finally:
        for rows in pending.spools if pending is not None else ():
            rows.close()


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    save_workbook(wb, out)
    return out.getvalue()


def results_xlsx_bytes(results: Sequence[UnitResult], *, adjustments: Iterable[Any] | None = None, precision: int = 2, full: Full = None) -> bytes:
    return workbook_bytes(build_workbook(results, adjustments=adjustments, precision=precision, full=full))


def write_results_xlsx(results: Sequence[UnitResult], path: str, *, adjustments: Iterable[Any] | None = None, precision: int = 2, full: Full = None) -> None:
    """Write the results workbook to ``path`` atomically (temp file, then rename)."""
    with atomic_path(path) as tmp:
        save_workbook(build_workbook(results, adjustments=adjustments, precision=precision, full=full), tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
