"""Results workbook: 汇总 (ranking tables), 图表 (bar charts of totals), 明细
(every unit x item), 复核调整 (when adjustments are given) and one 扣分明细
sheet per unit (the rectification list sent back to the unit).

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
import math
import re
import zipfile
from decimal import Decimal
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..exact import fmt
from ..fsutil import write_bytes_atomic
from ..scoring import UnitResult
from .csv_report import (
    COMPLETE,
    INCOMPLETE,
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
)
from .md_report import summary_header
from .textsafe import clean_xml_text, display_width, safe_sheet_title

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
WIDTH_CAP = 60
LINE_HEIGHT = 16  # points per wrapped line (11 pt text, CJK glyphs included)

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
INCOMPLETE_FILL = PatternFill("solid", fgColor="FFF2CC")
ADJUSTED_FILL = PatternFill("solid", fgColor="E2EFDA")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP = Alignment(vertical="top")
WRAP = Alignment(vertical="top", wrap_text=True)

DETAIL_HEAD = ["单位", "类别", "指标编号", "一级指标", "二级指标", "评分细则", "分值", "得分", "扣分", "失分原因", "计算", "观测值", "证据", "评分人", "完整性"]
UNIT_HEAD = ["测评指标", "指标分值", "得分", "扣分", "失分原因", "证据"]
ADJ_HEAD = ["单位", "指标编号", "观测项", "原值", "新值", "理由", "批准人", "日期", "调整后得分", "调整后扣分"]


def score_format(precision: int) -> str:
    return "0." + "0" * precision if precision > 0 else "0"


def xl_number(value: Decimal | int) -> int | float:
    """The openpyxl boundary: a Decimal becomes the int or float of its exact text."""
    text = fmt(value, None)
    return int(text) if "." not in text else float(text)


class _Sheet:
    """A worksheet plus what is needed to fit columns and rows to the text."""

    def __init__(self, ws, precision: int):
        self.ws = ws
        self.precision = precision
        self.score_fmt = score_format(precision)
        self.widths: dict[int, int] = {}
        self.texts: dict[int, list[tuple[int, str]]] = {}

    def _measure(self, row: int, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, 0), display_width(text))
        self.texts.setdefault(row, []).append((col, text))

    def text(self, row: int, col: int, value: Any, *, font=None, fill=None, align=TOP, measure: bool = True):
        cell = self.ws.cell(row=row, column=col)
        text = clean_xml_text(value)
        if text:
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if measure:
                self._measure(row, col, text)
        self._style(cell, font, fill, align)
        return cell

    def number(self, row: int, col: int, value: Decimal | int | None, *, score: bool = True, font=None, fill=None):
        cell = self.ws.cell(row=row, column=col)
        if value is not None:
            cell.value = xl_number(value)
            cell.number_format = self.score_fmt if score else "0"
            self._measure(row, col, format(Decimal(value), f".{self.precision if score else 0}f"))
        self._style(cell, font, fill, TOP)
        return cell

    @staticmethod
    def _style(cell, font, fill, align) -> None:
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if align is not None:
            cell.alignment = align

    def header(self, row: int, words: Sequence[str]) -> None:
        for col, word in enumerate(words, start=1):
            self.text(row, col, word, font=BOLD, fill=HEAD_FILL, align=HEAD_ALIGN)

    def landscape(self, fit_width: bool) -> None:
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = self.ws.PAPERSIZE_A4
        if fit_width:
            self.ws.sheet_properties.pageSetUpPr.fitToPage = True
            self.ws.page_setup.fitToWidth = 1
            self.ws.page_setup.fitToHeight = 0

    def finish(self, minimum: int = 6) -> None:
        """Column widths from the longest text (CJK counts 2, capped), wrapped
        text where it is longer than the cap, row heights to fit wrapped text."""
        widths = {}
        for col, w in self.widths.items():
            widths[col] = max(minimum, min(WIDTH_CAP, w + 2))
            self.ws.column_dimensions[get_column_letter(col)].width = widths[col]
        for row, cells in self.texts.items():
            lines = 1
            for col, text in cells:
                room = max(1, widths.get(col, minimum) - 1)
                n = sum(max(1, math.ceil(display_width(line) / room)) for line in text.split("\n"))
                if n > 1:
                    cell = self.ws.cell(row=row, column=col)
                    if not cell.alignment.wrap_text:
                        cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="top", wrap_text=True)
                lines = max(lines, n)
            if lines > 1:
                self.ws.row_dimensions[row].height = min(409, LINE_HEIGHT * lines + 2)


# ---------------------------------------------------------------- sheets


def _summary(wb: Workbook, results: Sequence[UnitResult], precision: int) -> list[dict]:
    """The published ranking: one header row, frozen, over every table.

    With one ranking table (one rule file, one rank group) the title row names
    it; with several (counties, A-class, B-class) the header is the union of
    their 一级指标 (blank where a table has no such section) and each table
    starts with a title row of its own, so the frozen header stays true for
    every row below it.
    """
    ws = wb.active
    ws.title = "汇总"
    sh = _Sheet(ws, precision)
    placed = []
    all_blocks = blocks(results)
    multi = len(all_blocks) > 1
    if multi:
        sections = section_union(results)
        incomplete = any(b.incomplete for b in all_blocks)
        head = ["序号", "单位", "类别", *sections, "加分", "扣分", "总分", "等次", "排名"] + (["完整性"] if incomplete else [])
        sh.text(1, 1, "政务公开考评结果汇总（各表分别排名）", font=TITLE, measure=False)
    elif all_blocks:
        head = summary_header(all_blocks[0])
        sections = list(all_blocks[0].sections)
        incomplete = all_blocks[0].incomplete
        sh.text(1, 1, all_blocks[0].title, font=TITLE, measure=False)
    else:
        head, sections, incomplete = ["序号", "单位", "类别", "加分", "扣分", "总分", "等次", "排名"], [], False
    hrow = 2
    sh.header(hrow, head)
    total_col = head.index("总分") + 1
    row = hrow + 1
    for b in all_blocks:
        if multi:
            sh.text(row, 1, b.title, font=BOLD, measure=False)
            row += 1
        first = row
        r = row - 1
        for i, u in enumerate(b.units, start=1):
            r = row + i - 1
            fill = None if u.complete else INCOMPLETE_FILL
            sh.number(r, 1, i, score=False, fill=fill)
            sh.text(r, 2, u.unit, fill=fill)
            sh.text(r, 3, u.cls, fill=fill)
            col = 4
            for name in sections:
                value = section_value(u, name) if name in b.sections else None
                sh.number(r, col, value, fill=fill)
                col += 1
            sh.number(r, col, u.bonus, fill=fill)
            sh.number(r, col + 1, u.penalty, fill=fill)
            sh.number(r, col + 2, u.total, font=BOLD, fill=fill)
            sh.text(r, col + 3, u.grade or "", fill=fill)
            sh.number(r, col + 4, u.rank or None, score=False, fill=fill)
            if incomplete:
                sh.text(r, col + 5, COMPLETE if u.complete else INCOMPLETE, fill=fill)
        placed.append({"block": b, "header_row": hrow, "first_row": first, "last_row": r, "total_col": total_col})
        notes = []
        if b.incomplete:
            notes.append(f"{INCOMPLETE}：部分观测值未填写（--partial），未填写的指标暂计0分。")
        notes += [f"单项否决：{u.unit} — {u.veto}" for u in b.units if u.veto]
        for k, note in enumerate(notes, start=1):
            sh.text(r + k, 1, note, measure=False)
        row = r + len(notes) + 1 + (1 if multi else 0)
    ws.freeze_panes = f"C{hrow + 1}"
    sh.landscape(fit_width=True)
    sh.finish()
    return placed


def _charts(wb: Workbook, summary_ws, placed: list[dict]) -> None:
    ws = wb.create_sheet("图表")
    anchor = 1
    for p in placed:
        b = p["block"]
        n = p["last_row"] - p["first_row"] + 1
        if n < 1:
            continue
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
        ws.add_chart(chart, f"A{anchor}")
        anchor += math.ceil(chart.height / 0.53) + 3  # default rows are 15 pt (0.53 cm)


def _detail(wb: Workbook, units: list[UnitResult], precision: int, adj_index, with_adj: bool) -> None:
    ws = wb.create_sheet("明细")
    sh = _Sheet(ws, precision)
    head = DETAIL_HEAD + (["复核调整"] if with_adj else [])
    sh.header(1, head)
    r = 1
    for u in units:
        for it in u.items:
            r += 1
            note = adjustments_text(adj_index, u.unit, it.id) if with_adj else ""
            fill = INCOMPLETE_FILL if not it.complete else (ADJUSTED_FILL if note else None)
            mx, score, lost = item_figures(it)
            for col, value in enumerate([u.unit, u.cls, it.id, it.section, it.group, it.text], start=1):
                sh.text(r, col, value, fill=fill)
            sh.number(r, 7, mx, fill=fill)
            sh.number(r, 8, score, fill=fill)
            sh.number(r, 9, lost, fill=fill)
            texts = [reasons_text(it), it.arithmetic(), observations_text(it), evidence_text(it), scorers_text(it), COMPLETE if it.complete else INCOMPLETE]
            for col, value in enumerate(texts, start=10):
                sh.text(r, col, value, fill=fill)
            if with_adj:
                sh.text(r, 16, note, fill=fill)
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(r, 1)}"
    ws.print_title_rows = "1:1"
    sh.landscape(fit_width=False)
    sh.finish()


def _adjustments(wb: Workbook, adjustments: list, results: Sequence[UnitResult], precision: int) -> None:
    ws = wb.create_sheet("复核调整")
    sh = _Sheet(ws, precision)
    sh.header(1, ADJ_HEAD)
    items = {(u.unit, it.id): it for u in results for it in u.items}
    r = 1
    for a in adjustments:
        r += 1
        for col, key in enumerate(("unit", "item", "field", "before", "after", "reason", "approved_by", "date"), start=1):
            sh.text(r, col, getattr(a, key, ""))
        it = items.get((str(a.unit), str(a.item)))
        if it is not None:
            _, score, lost = item_figures(it)
            sh.number(r, 9, score)
            sh.number(r, 10, lost)
    if not adjustments:
        sh.text(2, 1, "无复核调整")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ADJ_HEAD))}{max(r, 1)}"
    sh.finish()


def _unit_sheet(wb: Workbook, u: UnitResult, group_size: int, precision: int, adj_index, with_adj: bool, taken: set) -> None:
    ws = wb.create_sheet(safe_sheet_title(f"扣分明细-{u.unit}", taken))
    sh = _Sheet(ws, precision)
    sh.text(1, 1, f"{u.unit} 扣分明细", font=TITLE, measure=False)
    facts: list[tuple[str, Any]] = [
        ("测评", u.rules_title),
        ("单位", u.unit),
        ("类别", u.cls),
        ("总分", u.total),
        ("构成", f"基础分 {fmt(u.base, precision)}，加分 {fmt(u.bonus, precision)}，扣分 {fmt(u.penalty, precision)}"),
        ("等次", u.grade or ""),
        ("排名", u.rank or None),
    ]
    if not u.complete:
        facts.append(("完整性", f"{INCOMPLETE}：部分观测值未填写，未填写的指标暂计0分"))
    if u.notes:
        facts.append(("说明", "；".join(u.notes)))
    r = 1
    for label, value in facts:
        r += 1
        sh.text(r, 1, label, font=BOLD)
        if isinstance(value, (Decimal, int)) or value is None:
            sh.number(r, 2, value, score=label != "排名", font=BOLD if label == "总分" else None)
            if label == "排名" and value:
                sh.text(r, 3, f"排名组 {u.rank_group}，共 {group_size} 个单位", measure=False)
        else:
            sh.text(r, 2, value, measure=False)
            ws.cell(row=r, column=2).alignment = Alignment(vertical="top", wrap_text=False)
    listed = [it for it in u.items if lost_points(it) > 0 or not it.complete]
    head = list(UNIT_HEAD)
    extra_complete = not u.complete
    extra_adj = with_adj and any(adj_index.get((u.unit, it.id)) for it in listed)
    if extra_complete:
        head.append("完整性")
    if extra_adj:
        head.append("复核调整")
    hrow = r + 2
    sh.header(hrow, head)
    r = hrow
    for it in listed:
        r += 1
        mx, score, lost = item_figures(it)
        fill = None if it.complete else INCOMPLETE_FILL
        sh.text(r, 1, path_text(it), fill=fill)
        sh.number(r, 2, mx, fill=fill)
        sh.number(r, 3, score, fill=fill)
        sh.number(r, 4, lost, fill=fill)
        sh.text(r, 5, reasons_text(it), fill=fill)
        sh.text(r, 6, evidence_text(it), fill=fill)
        col = 7
        if extra_complete:
            sh.text(r, col, COMPLETE if it.complete else INCOMPLETE, fill=fill)
            col += 1
        if extra_adj:
            sh.text(r, col, adjustments_text(adj_index, u.unit, it.id), fill=fill)
    if not listed:
        sh.text(hrow + 1, 1, "本单位各项指标均未失分", measure=False)
    ws.freeze_panes = f"A{hrow + 1}"
    ws.print_title_rows = f"{hrow}:{hrow}"
    sh.landscape(fit_width=True)
    sh.finish(minimum=8)


# ---------------------------------------------------------------- entry


def build_workbook(results: Sequence[UnitResult], *, adjustments: Iterable[Any] | None = None, precision: int = 2) -> Workbook:
    wb = Workbook()
    wb.properties.creator = "gkscore"
    wb.properties.lastModifiedBy = "gkscore"
    wb.properties.title = "政务公开考评结果"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    units = ordered_units(results)
    with_adj = adjustments is not None
    adj_list = list(adjustments) if with_adj else []
    adj_index = adjustments_index(adj_list)
    placed = _summary(wb, results, precision)
    _charts(wb, wb["汇总"], placed)
    _detail(wb, units, precision, adj_index, with_adj)
    if with_adj:
        _adjustments(wb, adj_list, units, precision)
    taken = {ws.title.casefold() for ws in wb.worksheets}
    sizes = {(p["block"].rules_id, p["block"].group): len(p["block"].units) for p in placed}
    for u in units:
        _unit_sheet(wb, u, sizes[(u.rules_id, u.rank_group)], precision, adj_index, with_adj, taken)
    return wb


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def workbook_bytes(wb: Workbook) -> bytes:
    """Save ``wb`` and make the bytes reproducible: openpyxl stamps the save
    time into docProps/core.xml and each zip member; both are fixed here."""
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    return out.getvalue()


def results_xlsx_bytes(results: Sequence[UnitResult], *, adjustments: Iterable[Any] | None = None, precision: int = 2) -> bytes:
    return workbook_bytes(build_workbook(results, adjustments=adjustments, precision=precision))


def write_results_xlsx(results: Sequence[UnitResult], path: str, *, adjustments: Iterable[Any] | None = None, precision: int = 2) -> None:
    """Write the results workbook to ``path`` atomically (temp file, then rename)."""
    write_bytes_atomic(path, results_xlsx_bytes(results, adjustments=adjustments, precision=precision))
