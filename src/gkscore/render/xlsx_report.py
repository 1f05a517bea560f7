"""The results workbook: 汇总 (ranking tables), 图表 (bar charts of totals),
明细 (every unit x item), 复核调整 (the adjustments) and 扣分明细, the
rectification list sent back to each unit: one sheet per unit for up to
``UNIT_SHEETS_MAX`` units (a city), one long sheet with a 单位 column above
that (a province: thousands of tabs would not open).

The workbook is written in openpyxl's write-only mode so that a province or
the whole country (100,000 units, 5.7 million 明细 rows) fits in bounded
memory: a sheet's rows are made and measured first and kept (``xlsx_rows``)
until the workbook is saved (``xlsx_book``).  Each unit's items come from
``run.detail(u)`` one unit at a time.  A sheet that would pass Excel's
1,048,576 rows goes on in 明细 (2), 明细 (3)... with the same header.
汇总 and 图表 are made in ``xlsx_summary``; this module makes the sheets of
items (明细, 扣分明细) and 复核调整, and puts the workbook together.

Every text from an input is written as a string cell, with characters XML
cannot hold replaced, so ``=HYPERLINK(...)`` as a unit name is shown, never
run (``xlsx_cells``).  Output is deterministic: fixed document times and
fixed zip member times.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from ..exact import fmt
from ..fsutil import atomic_path, writes_in_place
from ..i18n import _
from .textsafe import safe_sheet_title
from .view import (
    ADJUSTMENT_KEYS,
    adjustment_header,
    adjustment_values,
    adjustments_index,
    adjustments_text,
    class_names,
    completeness,
    evidence_text,
    group_name,
    item_names,
    item_figures,
    listed,
    observations_text,
    is_missing,
    ordered_rows,
    ordered_units,
    path_text,
    reasons_text,
    scorers_text,
    with_items,
    words,
)
from .xlsx_book import ROW_LIMIT, Book, Layout
from .xlsx_cells import ADJUSTED_FILL, BOLD, INCOMPLETE_FILL, TITLE, TOP, TOP_NOWRAP, Cells
from .xlsx_rows import Rows
from .xlsx_summary import chart_sheet, summary_sheet

UNIT_SHEETS_MAX = 200  # above: one long 扣分明细 sheet instead of one per unit


# The columns of the item sheets, by their words' names.
DETAIL_COLUMNS = ("unit", "cls", "item_id", "section", "group", "rule_text", "max", "score", "lost", "reasons", "arithmetic", "observed", "evidence", "scorer", "completeness")
UNIT_COLUMNS = ("indicator", "item_max", "score", "lost", "reasons", "evidence")

# Widest each text column may be (characters, CJK counting 2); longer text
# wraps in it.  Printed one page wide on A4 landscape, 明细's sixteen columns
# fit at about 60% in LibreOffice (its stand-in for Calibri is wide; Excel
# prints larger): a sheet to filter more than to read on paper, so its text
# columns are narrow and its rows tall.  A unit's 扣分明细, which the unit
# reads on paper, keeps wide reason and evidence columns and prints at 75% or
# more.
DETAIL_CAPS = {"unit": 12, "cls": 10, "item_id": 12, "section": 8, "group": 12, "rule_text": 24, "reasons": 20, "arithmetic": 14,
               "observed": 12, "evidence": 14, "scorer": 8, "completeness": 8, "adjustments": 14}
LOST_CAPS = {"unit": 14, "indicator": 30, "reasons": 40, "evidence": 24, "completeness": 8, "adjustments": 20}
ADJUSTMENT_CAP = 24  # 复核调整: every text column (its adjustments and 复核前后 share them)
ADJUSTMENT_CAPS = {"reason": 30}


def column_caps(columns, caps: dict[str, int]) -> dict[int, int]:
    """``caps`` by column number, for the columns named ``columns``."""
    return {i: caps[name] for i, name in enumerate(columns, start=1) if name in caps}


def detail_head(w) -> list[str]:
    """单位, 类别, 指标编号, 一级指标, 二级指标, 评分细则, 分值, 得分, 扣分, 失分原因, 计算, 观测值, 证据, 评分人, 完整性."""
    return [getattr(w, name) for name in DETAIL_COLUMNS]


def unit_head(w) -> list[str]:
    """测评指标, 指标分值, 得分, 扣分, 失分原因, 证据."""
    return [getattr(w, name) for name in UNIT_COLUMNS]


# ------------------------------------------------------- 明细, 扣分明细


def _detail_rows(rows: Rows, w, u, cells: Cells, adj_index, with_adj: bool, cls: str) -> None:
    """``cls``: the unit's class as its rule file names it."""
    styled = cells.styled
    for it in u.items:
        note = adjustments_text(adj_index, u.unit, it.id) if with_adj else ""
        fill = INCOMPLETE_FILL if not it.complete else (ADJUSTED_FILL if note else None)
        style = cells.styles.index(None, fill, TOP)
        mx, score, lost = item_figures(it)
        row = [styled(v, style) for v in (u.unit, cls, it.id, it.section, it.group, it.text)]
        row += [cells.number(mx, fill=fill), cells.number(score, fill=fill), cells.number(lost, fill=fill)]
        texts = (reasons_text(it), it.arithmetic(), observations_text(it), evidence_text(it), scorers_text(it), completeness(w, it.complete))
        row += [styled(v, style) for v in texts]
        if with_adj:
            row.append(styled(note, style))
        rows.add(row)


def _missing_rows(detail: Rows, lost: Rows | None, w, m, cells: Cells, cls: str) -> None:
    """A unit without observations in 明细 (and the long 扣分明细): named, 未完成, no figure."""
    style = cells.styles.index(None, INCOMPLETE_FILL, TOP)
    blank = cells.number(None, fill=INCOMPLETE_FILL)
    not_scored = _("no observations: not scored, not ranked")
    row = [cells.styled(v, style) for v in (m.unit, cls, "", "", "", "")] + [blank, blank, blank]
    row += [cells.styled(v, style) for v in (not_scored, "", "", "", "", w.incomplete, "")]
    detail.add(row)
    if lost is not None:
        lost.add([cells.styled(m.unit, style), cells.styled(not_scored, style)])


def _lost_cells(cells: Cells, w, it, extra_complete: bool, adj_note: str | None, name: str | None) -> list[tuple]:
    """测评指标, 指标分值, 得分, 扣分, 失分原因, 证据 (+ 完整性, 复核调整);
    ``name``: the indicator as a person names it (组织推进第1项)."""
    mx, score, lost = item_figures(it)
    fill = None if it.complete else INCOMPLETE_FILL
    row = [
        cells.text(path_text(it, name), fill=fill),
        cells.number(mx, fill=fill),
        cells.number(score, fill=fill),
        cells.number(lost, fill=fill),
        cells.text(reasons_text(it), fill=fill),
        cells.text(evidence_text(it), fill=fill),
    ]
    if extra_complete:
        row.append(cells.text(completeness(w, it.complete), fill=fill))
    if adj_note is not None:
        row.append(cells.text(adj_note, fill=fill))
    return row


def _unit_sheet_rows(u, w, group: tuple[str, int], cells: Cells, adj_index, with_adj: bool, cls: str, names: dict) -> tuple[Rows, Layout]:
    """One unit's 扣分明细 sheet: its figures, then the items it lost points on.
    ``group``: its rank group's name and size; ``cls``: its class's name."""
    group_name_, group_size = group
    rows = Rows()
    rows.add([cells.text(_("{unit} lost points").format(unit=u.unit), font=TITLE, measure=False)])
    p = cells.precision
    if u.stopped:
        composition = f"{w.vetoed}：{u.veto}"
    elif getattr(u, "parts", None) is not None:  # each part's score
        composition = "，".join(f"{name} {fmt(score, p)}" for name, score in u.parts.items() if score is not None)  # a part left out has none
    else:
        composition = _("base {base}, bonus {bonus}, penalty {penalty}").format(base=fmt(u.base, p), bonus=fmt(u.bonus, p), penalty=fmt(u.penalty, p))
    facts: list[tuple[str, str, Any]] = [
        ("rules", _("Evaluation"), u.rules_title),
        ("unit", w.unit, u.unit),
        ("cls", w.cls, cls),
        ("total", w.total, u.total if u.total is not None else w.vetoed),
        ("composition", _("Composition"), composition),
        ("grade", w.grade, u.grade or ""),
        ("rank", w.rank, u.rank or None),
    ]
    if not u.complete:
        facts.append(("completeness", w.completeness, _("Incomplete: some observations are not filled in; items without them count 0 for now")))
    if u.notes:
        facts.append(("notes", _("Notes"), "；".join(u.notes)))
    for key, label, value in facts:
        row = [cells.text(label, font=BOLD)]
        if isinstance(value, (Decimal, int)) or value is None:
            row.append(cells.number(value, score=key != "rank", font=BOLD if key == "total" else None))
            if key == "rank" and value:
                row.append(cells.text(_("rank group {group}, {n} units").format(group=group_name_, n=group_size), measure=False))
        else:
            row.append(cells.text(value, align=TOP_NOWRAP, measure=False))
        rows.add(row)
    rows.blank()
    items = listed(u)
    extra_complete = not u.complete
    extra_adj = with_adj and any(adj_index.get((u.unit, it.id)) for it in items)
    columns = UNIT_COLUMNS + (("completeness",) if extra_complete else ()) + (("adjustments",) if extra_adj else ())
    rows.add(cells.header([getattr(w, name) for name in columns]))
    hrow = rows.count
    for it in items:
        rows.add(_lost_cells(cells, w, it, extra_complete, adjustments_text(adj_index, u.unit, it.id) if extra_adj else None, names.get((u.rules_id, it.id))))
    if not items:
        rows.add([cells.text(_("This unit lost no points on any item"), measure=False)])
    return rows, Layout(freeze=f"A{hrow + 1}", print_rows=f"{hrow}:{hrow}", orientation="landscape", fit_width=True, minimum=8, caps=column_caps(columns, LOST_CAPS))


def _long_lost_rows(rows: Rows, w, u, cells: Cells, adj_index, extra_complete: bool, extra_adj: bool, names: dict) -> None:
    """A unit's part of the one long 扣分明细 sheet: a row per item it lost
    points on (or one saying it lost none), then its notes; every row starts
    with the unit, so a filter on 单位 gives the unit its list."""
    unit = cells.text(u.unit)
    items = listed(u)
    for it in items:
        fill = None if it.complete else INCOMPLETE_FILL
        adj = adjustments_text(adj_index, u.unit, it.id) if extra_adj else None
        rows.add([cells.text(u.unit, fill=fill), *_lost_cells(cells, w, it, extra_complete, adj, names.get((u.rules_id, it.id)))])
    if not items:
        rows.add([unit, cells.text(_("This unit lost no points on any item"))])
    if u.notes:
        rows.add([unit, cells.text(_("Notes")), None, None, None, cells.text("；".join(u.notes))])


# ------------------------------------------------------------ 复核调整


def _adjustments(book: Book, w, adjustments: list, figures: dict, run=None) -> None:
    cells = book.cells
    head = adjustment_header(w) + [w.adjusted_score, w.adjusted_lost]
    rows = Rows()
    rows.add(cells.header(head))
    for a in adjustments:
        row = [cells.text(v) for v in adjustment_values(a)]
        found = figures.get((str(a.unit), str(a.item)))
        if found is not None:
            _m, score, lost = found
            row += [cells.number(score), cells.number(lost)]
        rows.add(row)
    if not adjustments:
        rows.add([cells.text(_("No adjustments"))])
    if run is not None and run.adjustment_changes:
        _changes(rows, cells, run, cells.precision)
    # the filter covers the adjustments (the header alone when there are none)
    caps = {i: ADJUSTMENT_CAPS.get(name, ADJUSTMENT_CAP) for i, name in enumerate(ADJUSTMENT_KEYS, start=1)}
    layout = Layout(freeze="A2", print_rows="1:1", orientation="landscape", fit_width=True, autofilter=len(head), filter_rows=1 + len(adjustments), caps=caps)
    book.add_sheet(w.adjustments, rows, layout)


def _changes(rows: Rows, cells, run, precision: int) -> None:
    """复核前后, under the adjustments: each adjusted unit's total and rank
    before and after."""
    from .adjust_view import change_header, change_texts, change_words, group_names

    w = change_words()
    named = group_names(run.rules)
    rows.add([])
    rows.add([cells.text(w.title, font=BOLD, measure=False)])  # a title over the table: no column widens for it
    rows.add(cells.header(change_header(w)))
    for c in run.adjustment_changes:
        texts = change_texts(w, c, precision, named)
        rank = lambda r: cells.number(r, score=False)  # noqa: E731
        total = lambda v, i: cells.number(v) if v is not None else cells.text(texts[i])  # noqa: E731
        change = cells.number(c.total_change) if c.total_change is not None else cells.text("")
        rows.add([cells.text(texts[0]), cells.text(texts[1]), total(c.total_before, 2), rank(c.rank_before), total(c.total_after, 4), rank(c.rank_after), change, rank(c.adjustments)])


# ---------------------------------------------------------------- entry


def build_workbook(run, precision: int, *, heading: str | None = None, unit_sheets_max: int = UNIT_SHEETS_MAX, row_limit: int = ROW_LIMIT) -> Book:
    """The results workbook of ``run``, ready to ``save``; its rows wait in
    temporary files and go into the sheets while it is saved.  Each unit's
    items are asked for once (``run.detail``) and let go before the next.
    ``heading`` tops 汇总 (the notice's title: ``heading_of``);
    ``unit_sheets_max`` and ``row_limit`` are there for tests."""
    w = words()
    book = Book(_("Government openness evaluation results"), precision)
    cells = book.cells
    results = run.results
    units = ordered_units(results)
    adj_list = list(run.adjustments or ())
    adj_index = adjustments_index(adj_list)
    summary_title = _("Summary")
    placed = summary_sheet(book, w, run, heading or heading_of(run, None), summary_title)
    chart_sheet(book, w, run, book[summary_title], summary_title, placed)
    # rank groups and classes by the names the rule files give them
    groups = {(p["block"].rules_id, p["block"].group): (group_name(p["block"], run.rules), len(p["block"].units)) for p in placed}
    names = class_names(run.rules)
    indicators = item_names(run.rules)  # 组织推进第1项, not rcgl.zztj.1
    per_unit = len(units) <= unit_sheets_max
    extra_complete = bool(run.missing) or any(not u.complete for u in units)
    extra_adj = bool(adj_list)

    detail_title = _("Detail")
    detail_head_cells = cells.header(detail_head(w) + [w.adjustments])
    detail = Rows(on_disk=True, chunk=row_limit - 1)
    unit_sheets: list[tuple[str, Rows, Layout]] = []
    lost = lost_head = None
    lost_columns = ("unit", *UNIT_COLUMNS) + (("completeness",) if extra_complete else ()) + (("adjustments",) if extra_adj else ())
    if not per_unit:
        lost_head = cells.header([getattr(w, name) for name in lost_columns])
        lost = Rows(on_disk=True, chunk=row_limit - 1)
    wanted = {(str(a.unit), str(a.item)) for a in adj_list}
    figures: dict[tuple[str, str], tuple] = {}  # item figures of the adjusted items (复核调整)
    # The one pass over the units with their items: everything that shows
    # items takes its rows now, while the unit is in memory.
    for u in with_items(ordered_rows(results, run.missing), run.detail):
        if is_missing(u):
            _missing_rows(detail, lost, w, u, cells, names.get((u.rules_id, u.cls), u.cls))
            continue
        cls = names.get((u.rules_id, u.cls), u.cls)
        _detail_rows(detail, w, u, cells, adj_index, True, cls)
        for it in u.items if wanted else ():
            if (u.unit, it.id) in wanted:
                figures[(u.unit, it.id)] = item_figures(it)
        if per_unit:
            rows, layout = _unit_sheet_rows(u, w, groups[(u.rules_id, u.rank_group)], cells, adj_index, True, cls, indicators)
            unit_sheets.append((u.unit, rows, layout))
        else:
            _long_lost_rows(lost, w, u, cells, adj_index, extra_complete, extra_adj, indicators)

    # titles of the sheets before the 扣分明细 ones, which are written below
    taken = {ws.title.casefold() for ws in book.worksheets} | {detail_title.casefold(), w.adjustments.casefold()}
    detail_columns = DETAIL_COLUMNS + ("adjustments",)
    detail_layout = Layout(freeze="D2", print_rows="1:1", orientation="landscape", fit_width=True, autofilter=len(detail_columns), caps=column_caps(detail_columns, DETAIL_CAPS))
    book.add_split_sheets(detail_title, detail_head_cells, detail, detail_layout, taken, row_limit)
    _adjustments(book, w, adj_list, figures, run)
    lost_title = _("Lost points")
    for name, rows, layout in unit_sheets:
        book.add_sheet(safe_sheet_title(f"{lost_title}-{name}", taken), rows, layout)
    if lost is not None:
        title = safe_sheet_title(lost_title, taken)
        layout = Layout(freeze="B2", print_rows="1:1", orientation="landscape", fit_width=True, autofilter=len(lost_columns), minimum=8, caps=column_caps(lost_columns, LOST_CAPS))
        book.add_split_sheets(title, lost_head, lost, layout, taken, row_limit)
    return book


def heading_of(run, notice_file: str | None) -> str:
    """The title of 汇总: the notice's title (``--notice``, or the default
    that names the rule files' year; without a year, the workbook's own)."""
    from ..documents.api import notice_for

    if notice_file is None and not any(getattr(lr, "ruleset", lr).year for lr in run.rules):
        return _("Government openness evaluation results")
    return notice_for(run, notice_file).title


def write_workbook(run, out: str, options) -> None:
    """Write the results workbook to ``out`` (a regular file atomically, a
    device or FIFO in place)."""
    book = build_workbook(run, options.decimals, heading=heading_of(run, options.notice))
    with atomic_path(out) as tmp:
        book.save(tmp)
        if not writes_in_place(out):
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
