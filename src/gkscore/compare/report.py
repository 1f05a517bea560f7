"""Writing a year-over-year comparison: terminal, Markdown, xlsx.

Every report shows, per rank group, each unit's rank last year and this
year with the change (↑3, ↓1, —, 新增, 未参评), the totals and their
difference, and per 一级指标 the change in the share of points won, in
percentage points.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from ..exact import fmt
from ..i18n import _
from .core import Comparison, UnitChange


def _num(value: Decimal | None) -> str:
    return "—" if value is None else fmt(value, 2)


def _signed(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    text = fmt(value, places)
    return text if text.startswith("-") or text == "0" else "+" + text


def _rank(value: int | None) -> str:
    return "—" if value is None else str(value)


def headers(cmp: Comparison, sections: list[str], *, shares: bool = False) -> list[str]:
    """``shares``: the 一级指标 columns hold both shares (md), not only the change (xlsx)."""
    what = _("share won, % (change)") if shares else _("change of the share won")
    return [
        _("Unit"), _("Rank, {year}").format(year=cmp.last_name), _("Rank, {year}").format(year=cmp.this_name), _("Rank change"),
        _("Total, {year}").format(year=cmp.last_name), _("Total, {year}").format(year=cmp.this_name), _("Total change"),
    ] + [f"{s}\n{what}" for s in sections]


def row(c: UnitChange, cmp: Comparison, sections: list[str]) -> list[str]:
    return [_unit_name(c), _rank(c.last_rank), _rank(c.this_rank), c.mark, _num(c.last_total), _num(c.this_total), _signed(c.total_delta)] + [
        _share_cell(c, s) for s in sections
    ]


def _share_cell(c: UnitChange, section: str) -> str:
    """'97.4→99.1(+1.7)': the shares in percent and the change in points."""
    last, this = c.shares.get(section, (None, None))
    pct = lambda v: "—" if v is None else fmt(v * 100, 1)  # noqa: E731
    d = c.share_delta(section)
    if d is None:
        return pct(this)
    return f"{pct(last)}→{pct(this)}({_signed(d, 1)})"


def _unit_name(c: UnitChange) -> str:
    return c.unit if not c.last_unit else _("{unit} (last year: {old})").format(unit=c.unit, old=c.last_unit)


def notes(cmp: Comparison) -> list[str]:
    from ..rules.words import listing

    out = [_("Share won = the points won in a level-1 indicator ÷ its full points; changes are in percentage points. "
             "Shares are compared, not points, since the points of a level-1 indicator may change between years.")]
    if cmp.only_this:
        out.append(_("level-1 indicators new this year (not compared): {names}").format(names=listing(cmp.only_this)))
    if cmp.only_last:
        out.append(_("level-1 indicators of last year that are gone (not compared): {names}").format(names=listing(cmp.only_last)))
    return out


def print_table(cmp: Comparison) -> None:
    """Compact for a terminal: ranks and totals as 上年→本年, each 一级指标 as
    the change of its share in percentage points (the shares are in md/xlsx)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    for group, changes in cmp.groups.items():
        title = _("Rank changes: {group} ({last} → {this})").format(group=group, last=cmp.last_name, this=cmp.this_name)
        table = Table(title=Text(title), box=box.SIMPLE_HEAD)
        table.add_column(_("Unit"), no_wrap=True)
        for h in (_("Rank"), _("Change"), _("Total"), _("Difference")):
            table.add_column(h, no_wrap=True, justify="right")
        sections = cmp.sections[group]
        for sec in sections:
            table.add_column(sec, justify="right")
        for c in changes:
            cells = [_unit_name(c), f"{_rank(c.last_rank)}→{_rank(c.this_rank)}", c.mark,
                     f"{_num(c.last_total)}→{_num(c.this_total)}", _signed(c.total_delta)]
            cells += [_signed(c.share_delta(sec), 1) for sec in sections]
            table.add_row(*(Text(x) for x in cells))
        console.print(table)
    console.print(Text(_("The level-1 indicator columns: change of the share won, in percentage points.") + " " + notes(cmp)[0]))
    for line in notes(cmp)[1:]:
        console.print(Text(line))


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "")


def write_md(out: IO[str], cmp: Comparison) -> None:
    out.write("# " + _md(_("Results compared: {last} → {this}").format(last=cmp.last_name, this=cmp.this_name)) + "\n\n")
    for group, changes in cmp.groups.items():
        out.write("## " + _md(_("Rank group: {group}").format(group=group)) + "\n\n")
        sections = cmp.sections[group]
        h = headers(cmp, sections, shares=True)
        out.write("| " + " | ".join(_md(x) for x in h) + " |\n|" + "---|" * len(h) + "\n")
        for c in changes:
            out.write("| " + " | ".join(_md(x) for x in row(c, cmp, sections)) + " |\n")
        out.write("\n")
    for line in notes(cmp):
        out.write(f"- {_md(line)}\n")


def write_xlsx(path: str, cmp: Comparison) -> None:
    """Sheet 排名变化: one block per rank group (title, header, a row per unit);
    sheet 一级指标得分率: one row per unit and 一级指标 with both shares."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from ..fsutil import atomic_path

    thin = Side(style="thin", color="999999")
    style = {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "fill": PatternFill("solid", fgColor="DDEBF7"),
        "font": Font(name="宋体", size=11),
        "bold": Font(name="宋体", size=11, bold=True),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }
    wb = Workbook()
    ws = wb.active
    ws.title = _("Rank changes")[:31]
    ws.append([_("Results compared: {last} → {this}").format(last=cmp.last_name, this=cmp.this_name)])
    ws.cell(1, 1).font = Font(name="宋体", size=14, bold=True)
    widest = 0
    for group, changes in cmp.groups.items():
        sections = cmp.sections[group]
        widest = max(widest, len(sections))
        ws.append([])
        ws.append([_("Rank group: {group}").format(group=group)])
        ws.cell(ws.max_row, 1).font = style["bold"]
        h = headers(cmp, sections)
        ws.append(h)
        _style_row(ws, ws.max_row, len(h), style, header=True)
        for uc in changes:
            ws.append(_xlsx_row(uc, sections))
            _style_row(ws, ws.max_row, len(h), style)
    for i, w in enumerate([26, 10, 10, 12, 10, 10, 10] + [14] * widest, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    r = ws.max_row + 2
    for line in notes(cmp):
        ws.cell(r, 1, line).font = Font(name="宋体", size=10, italic=True)
        r += 1
    _shares_sheet(wb.create_sheet(_("Shares per level-1 indicator")[:31]), cmp, style)
    for sheet in wb.worksheets:
        # printed on A4 landscape, all columns on one page width
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _style_row(ws, r: int, width: int, style: dict, header: bool = False) -> None:
    for c in range(1, width + 1):
        cell = ws.cell(r, c)
        cell.border = style["border"]
        cell.font = style["bold"] if header else style["font"]
        if header:
            cell.fill = style["fill"]
        if header or c > 1:
            cell.alignment = style["center"]
    if header:
        ws.row_dimensions[r].height = 32  # two lines: "日常管理" / "得分率变化"
        if isinstance(cell.value, str):
            cell.data_type = "s"  # a unit named '=…' stays text, never a formula


def _xlsx_row(c: UnitChange, sections: list[str]) -> list:
    """Numbers stay numbers in the workbook, so the office can sort and chart them."""
    name = _unit_name(c)
    num = lambda d: None if d is None else float(fmt(d, 2))  # noqa: E731 - fmt fixed the decimals; a cell holds a float
    out = [name, c.last_rank, c.this_rank, c.mark, num(c.last_total), num(c.this_total), num(c.total_delta)]
    for s in sections:
        d = c.share_delta(s)
        out.append(None if d is None else float(fmt(d, 1)))
    return out


def _shares_sheet(ws, cmp: Comparison, style: dict) -> None:
    from openpyxl.utils import get_column_letter

    h = [_("Rank group"), _("Unit"), _("level-1 indicator"), _("Share won, {year} (%)").format(year=cmp.last_name),
         _("Share won, {year} (%)").format(year=cmp.this_name), _("Change (percentage points)")]
    ws.append(h)
    _style_row(ws, 1, len(h), style, header=True)
    pct = lambda v: None if v is None else float(fmt(v * 100, 1))  # noqa: E731
    for group, changes in cmp.groups.items():
        for uc in changes:
            for s in cmp.sections[group]:
                last, this = uc.shares.get(s, (None, None))
                d = uc.share_delta(s)
                ws.append([group, uc.unit, s, pct(last), pct(this), None if d is None else float(fmt(d, 1))])
                _style_row(ws, ws.max_row, len(h), style)
    for i, w in enumerate([12, 26, 16, 16, 16, 14], 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
