"""Markdown results for pasting into a report: one GitHub table per ranking
table (rule file x rank group), with the columns of the 汇总 sheet."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ..exact import fmt
from ..scoring import UnitResult
from .csv_report import (
    COMPLETE,
    INCOMPLETE,
    Block,
    adjustment_note,
    adjustments_index,
    blocks,
    item_figures,
    lost_points,
    num,
    path_text,
    reasons_text,
    section_value,
)
from .textsafe import md_cell


def summary_header(block: Block) -> list[str]:
    """序号, 单位, 类别, <一级指标...>, 加分, 扣分, 总分, 等次, 排名 (+ 完整性)."""
    head = ["序号", "单位", "类别", *block.sections, "加分", "扣分", "总分", "等次", "排名"]
    if block.incomplete:
        head.append("完整性")
    return head


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(block: Block, precision: int) -> list[str]:
    head = summary_header(block)
    numeric = len(block.sections) + 3  # sections, 加分, 扣分, 总分
    align = ["---:", ":---", ":---"] + ["---:"] * numeric + [":---", "---:"] + ([":---"] if block.incomplete else [])
    lines = [_row(md_cell(h) for h in head), _row(align)]
    for i, u in enumerate(block.units, start=1):
        cells = [
            str(i),
            md_cell(u.unit),
            md_cell(u.cls),
            *[num(section_value(u, s), precision) for s in block.sections],
            fmt(u.bonus, precision),
            fmt(u.penalty, precision),
            fmt(u.total, precision) + ("\\*" if not u.complete else ""),
            md_cell(u.grade or ""),
            str(u.rank) if u.rank else "",
        ]
        if block.incomplete:
            cells.append(COMPLETE if u.complete else INCOMPLETE)
        lines.append(_row(cells))
    return lines


def _unit_detail(u: UnitResult, precision: int, adjustments: dict) -> list[str]:
    lines = [f"- **{md_cell(u.unit)}**（总分 {fmt(u.total, precision)}，排名 {u.rank}）"]
    lost = [it for it in u.items if lost_points(it) > 0 or not it.complete]
    if not lost:
        lines.append("  - 未失分")
    for it in lost:
        _, _, pts = item_figures(it)
        mark = f"（{INCOMPLETE}）" if not it.complete else ""
        lines.append(f"  - {md_cell(path_text(it))}：扣 {fmt(pts or 0, precision)} 分{mark}。{md_cell(reasons_text(it))}")
        for adj in adjustments.get((u.unit, it.id), ()):
            lines.append(f"    - {md_cell(adjustment_note(adj))}")
    for note in u.notes:
        lines.append(f"  - 说明：{md_cell(note)}")
    return lines


def results_md(
    results: Sequence[UnitResult],
    precision: int = 2,
    *,
    detail: bool = False,
    adjustments: Iterable[Any] | None = None,
) -> str:
    """One markdown table per rule file and rank group; with ``detail``, a list
    of each unit's lost points follows each table; with ``adjustments``, a
    复核调整 list closes the document."""
    adjustments = list(adjustments or ())
    index = adjustments_index(adjustments)
    out: list[str] = []
    for b in blocks(results):
        out.append(f"## {md_cell(b.rules_title)} — {md_cell(b.group)}")
        out.append("")
        out.extend(_table(b, precision))
        if b.incomplete:
            out.append("")
            out.append("\\* 评分未完成（--partial）：未填写观测值的指标暂计0分。")
        if detail:
            out.append("")
            out.append("### 失分明细")
            out.append("")
            for u in b.units:
                out.extend(_unit_detail(u, precision, index))
        out.append("")
    if adjustments:
        out.append("## 复核调整")
        out.append("")
        out.append(_row(["单位", "指标编号", "观测项", "原值", "新值", "理由", "批准人", "日期"]))
        out.append(_row([":---"] * 8))
        for a in adjustments:
            out.append(_row(md_cell(getattr(a, k, "")) for k in ("unit", "item", "field", "before", "after", "reason", "approved_by", "date")))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
