"""汇总 and 图表 of the results workbook: the published ranking tables, one
per rank group under a shared header, and a bar chart of each group's totals
drawn from them (``summary_sheet`` tells ``chart_sheet`` where each group's
rows are).  A rank group of more than ``CHART_MAX_UNITS`` units gets a note
instead of an unreadable chart; a ranking longer than one sheet is refused
with a problem that says to write csv or json.
"""

from __future__ import annotations

import math

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter

from ..i18n import _
from ..problems import Problem, ProblemsError
from .textsafe import clean_xml_text
from .view import blocks, class_names, completeness, group_title, missing_note, section_union, section_value
from .xlsx_book import ROW_LIMIT, Book, Layout
from .xlsx_cells import BOLD, GRID, INCOMPLETE_FILL, TITLE, TITLE_ALIGN, Cells
from .xlsx_rows import Rows

CHART_MAX_UNITS = 200  # above: a note instead of a chart (one bar per unit)


# ---------------------------------------------------------------- 汇总


def summary_sheet(book: Book, w, run, heading: str, title: str) -> list[dict]:
    """The published ranking: a title, one header row (frozen, and printed at
    the top of every page) over every table, each table under a heading that
    names its rule file and classes.  The header is the union of the tables'
    一级指标 (blank where a table has no such section).  Borders on every
    cell of the tables; printed landscape, as wide as one page."""
    cells = book.cells
    results = run.results
    rows = Rows(on_disk=True)
    all_blocks = blocks(results, run.missing)
    names = class_names(run.rules)  # 类别 as the rule file names it, not its id
    sections = section_union(results)
    incomplete = any(b.incomplete for b in all_blocks)
    head = [w.seq, w.unit, w.cls, *sections, w.bonus, w.penalty, w.total, w.grade, w.rank] + ([w.completeness] if incomplete else [])
    rows.add([cells.text(heading, font=TITLE, align=TITLE_ALIGN, measure=False)])
    hrow = 2
    rows.add(cells.header(head, border=GRID))
    total_col = head.index(w.total) + 1
    placed = []
    for bi, b in enumerate(all_blocks):
        rows.add([cells.text(group_title(b, run.rules), font=BOLD, measure=False)])
        first = rows.count + 1
        for i, u in enumerate(b.units, start=1):
            rows.add(_summary_row(cells, w, i, u, names.get((u.rules_id, u.cls), u.cls), b, sections, incomplete))
        placed.append({"block": b, "header_row": hrow, "first_row": first, "last_row": rows.count, "total_col": total_col})
        for i, m in enumerate(b.missing, start=len(b.units) + 1):
            # after the ranked units, outside the chart's range: no figure, no rank
            blank = cells.number(None, fill=INCOMPLETE_FILL, border=GRID)
            cls = names.get((m.rules_id, m.cls), m.cls)
            row = [cells.number(i, score=False, fill=INCOMPLETE_FILL, border=GRID), cells.text(m.unit, fill=INCOMPLETE_FILL, border=GRID), cells.text(cls, fill=INCOMPLETE_FILL, border=GRID)]
            row += [blank] * (len(sections) + 3) + [cells.text("", fill=INCOMPLETE_FILL, border=GRID), blank]
            rows.add(row + [cells.text(w.incomplete, fill=INCOMPLETE_FILL, border=GRID)])
        notes = []
        if b.missing:
            notes.append(missing_note(b))
        if any(not u.complete for u in b.units):
            notes.append(_("Incomplete: some observations are not filled in (--partial); items without them count 0 for now."))
        notes += [_("Veto: {unit} — {veto}").format(unit=u.unit, veto=u.veto) for u in b.units if u.veto]
        for note in notes:
            rows.add([cells.text(note, measure=False)])
        if bi < len(all_blocks) - 1:
            rows.blank()
    if rows.count > ROW_LIMIT:
        raise ProblemsError([Problem(file="-", code="too-many-units", message=_("{n} units do not fit in one {sheet} sheet (Excel shows {rows} rows); write csv or json instead").format(n=len(results), sheet=title, rows=ROW_LIMIT))], exit_code=2)
    last_col = get_column_letter(len(head))
    layout = Layout(freeze=f"C{hrow + 1}", print_rows=f"{hrow}:{hrow}", orientation="landscape", fit_width=True, merged=(f"A1:{last_col}1",))
    book.add_sheet(title, rows, layout)
    return placed


def _summary_row(cells: Cells, w, i: int, u, cls: str, b, sections: list[str], incomplete: bool) -> list[tuple]:
    fill = None if u.complete else INCOMPLETE_FILL
    row = [cells.number(i, score=False, fill=fill, border=GRID), cells.text(u.unit, fill=fill, border=GRID), cells.text(cls, fill=fill, border=GRID)]
    for name in sections:
        row.append(cells.number(section_value(u, name) if name in b.sections else None, fill=fill, border=GRID))
    row += [
        cells.number(u.bonus, fill=fill, border=GRID),
        cells.number(u.penalty, fill=fill, border=GRID),
        cells.number(u.total, font=BOLD, fill=fill, border=GRID) if u.total is not None else cells.text(w.vetoed, font=BOLD, fill=fill, border=GRID),
        cells.text(u.grade or "", fill=fill, border=GRID),
        cells.number(u.rank or None, score=False, fill=fill, border=GRID),
    ]
    if incomplete:
        row.append(cells.text(completeness(w, u.complete), fill=fill, border=GRID))
    return row


# ---------------------------------------------------------------- 图表


# A chart prints on one A4 page (portrait, 2 cm margins, room for the header).
CHART_MAX_WIDTH_CM = 17
CHART_MAX_HEIGHT_CM = 24
ROW_CM = 0.53  # a default row (15 pt)


def chart_sheet(book: Book, w, run, summary_ws, summary_title: str, placed: list[dict]) -> None:
    """A bar chart of the totals per rank group, each printed on a page of
    its own; a group too large for one readable chart gets a line saying so
    where its chart would be."""
    cells = book.cells
    notes = Rows()
    anchors: list[tuple[str, BarChart]] = []
    breaks: list[int] = []
    anchor = 1
    for p in placed:
        b = p["block"]
        n = p["last_row"] - p["first_row"] + 1
        if n < 1:
            continue
        if n > CHART_MAX_UNITS:
            while notes.count < anchor - 1:
                notes.blank()
            note = _("{title} {group}: {n} units; a group of more than {max} units gets no chart, see 「{summary}」 for totals and ranks.")
            notes.add([cells.text(note.format(title=b.rules_title, group=b.group, n=n, max=CHART_MAX_UNITS, summary=summary_title), measure=False)])
            anchor += 2
            continue
        if anchors:
            breaks.append(anchor - 1)  # each chart starts a page
        chart = _chart(w, group_title(b, run.rules), b, n, summary_ws, p)
        anchors.append((f"A{anchor}", chart))
        anchor += math.ceil(chart.height / ROW_CM) + 3
    layout = Layout(orientation="portrait", fit_width=True, page_breaks=tuple(breaks))
    ws = book.add_sheet(_("Charts"), notes, layout)
    for where, chart in anchors:
        ws.add_chart(chart, where)


def _chart(w, name: str, b, n: int, summary_ws, p: dict) -> BarChart:
    chart = BarChart()
    partial = any(not u.complete for u in b.units)
    chart.title = clean_xml_text(f"{name} {w.total}" + (_(" (incomplete scores included)") if partial else ""), 255)
    chart.y_axis.title = w.total
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if n <= 12:  # a few units: columns, names under them
        chart.type = "col"
        chart.x_axis.title = w.unit
        chart.width, chart.height = min(CHART_MAX_WIDTH_CM, max(16, 2.2 * n + 4)), 9
    else:  # many units: horizontal bars, rank 1 on top, as tall as a page allows
        chart.type = "bar"
        chart.x_axis.scaling.orientation = "maxMin"
        chart.width, chart.height = CHART_MAX_WIDTH_CM, min(CHART_MAX_HEIGHT_CM, 0.6 * n + 4)
    chart.legend = None
    data = Reference(summary_ws, min_col=p["total_col"], min_row=p["first_row"], max_row=p["last_row"])
    cats = Reference(summary_ws, min_col=2, min_row=p["first_row"], max_row=p["last_row"])
    chart.add_data(data, titles_from_data=False)
    chart.series[0].tx = SeriesLabel(v=w.total)
    for series in chart.series:  # unit names are text: a string reference, not openpyxl's numRef
        series.cat = AxDataSource(strRef=StrRef(f=str(cats)))
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False)
    return chart
