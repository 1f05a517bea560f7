"""Markdown results for pasting into a report: one GitHub table per ranking
table (rule file x rank group), with the columns of the 汇总 sheet."""

from __future__ import annotations

import io
from typing import IO, Any, Iterable, Iterator, Sequence

from ..exact import fmt
from ..scoring import UnitResult
from .csv_report import (
    COMPLETE,
    INCOMPLETE,
    Block,
    Full,
    adjustment_note,
    adjustments_index,
    blocks,
    item_figures,
    lost_points,
    num,
    path_text,
    reasons_text,
    section_value,
    VETOED,
    total_text,
    with_items,
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


def _table(block: Block, precision: int) -> Iterator[str]:
    head = summary_header(block)
    # once per table: asking the block per row walked every unit for every
    # row, hours for a rank group of 100,000 units
    incomplete = block.incomplete
    numeric = len(block.sections) + 3  # sections, 加分, 扣分, 总分
    align = ["---:", ":---", ":---"] + ["---:"] * numeric + [":---", "---:"] + ([":---"] if incomplete else [])
    yield _row(md_cell(h) for h in head)
    yield _row(align)
    for i, u in enumerate(block.units, start=1):
        cells = [
            str(i),
            md_cell(u.unit),
            md_cell(u.cls),
            *[num(section_value(u, s), precision) for s in block.sections],
            fmt(u.bonus, precision),
            fmt(u.penalty, precision),
            total_text(u, precision) + ("\\*" if not u.complete else ""),
            md_cell(u.grade or ""),
            str(u.rank) if u.rank else "",
        ]
        if incomplete:
            cells.append(COMPLETE if u.complete else INCOMPLETE)
        yield _row(cells)


def _unit_detail(u: UnitResult, precision: int, adjustments: dict) -> list[str]:
    lines = [f"- **{md_cell(u.unit)}**（总分 {total_text(u, precision)}，排名 {u.rank}）"]
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
    out = io.StringIO()
    write_results_md(out, results, precision, detail=detail, adjustments=adjustments)
    return out.getvalue()


def write_results_md(
    out: IO[str],
    results: Sequence[UnitResult],
    precision: int = 2,
    *,
    detail: bool = False,
    adjustments: Iterable[Any] | None = None,
    full: Full = None,
) -> None:
    """``results_md`` written to ``out`` line by line; with ``full`` (see
    ``csv_report.with_items``) the lost-point lists score one unit at a time."""
    lines = _Lines(out)
    for line in _document(results, precision, detail, list(adjustments or ()), full):
        lines.add(line)
    lines.close()


def _document(results, precision: int, detail: bool, adjustments: list, full: Full) -> Iterator[str]:
    index = adjustments_index(adjustments)
    for b in blocks(results):
        yield f"## {md_cell(b.rules_title)} — {md_cell(b.group)}"
        yield ""
        yield from _table(b, precision)
        if b.incomplete:
            yield ""
            yield "\\* 评分未完成（--partial）：未填写观测值的指标暂计0分。"
        vetoed = [u for u in b.units if u.veto]
        if vetoed:
            yield ""
            for u in vetoed:
                yield f"- {VETOED}：{md_cell(u.unit)} — {md_cell(u.veto)}"
        if detail:
            yield ""
            yield "### 失分明细"
            yield ""
            for u in with_items(b.units, full):
                yield from _unit_detail(u, precision, index)
        yield ""
    if adjustments:
        yield "## 复核调整"
        yield ""
        yield _row(["单位", "指标编号", "观测项", "原值", "新值", "理由", "批准人", "日期"])
        yield _row([":---"] * 8)
        for a in adjustments:
            yield _row(md_cell(getattr(a, k, "")) for k in ("unit", "item", "field", "before", "after", "reason", "approved_by", "date"))
        yield ""


class _Lines:
    """Lines joined by "\\n", trailing newlines trimmed, one "\\n" at the end:
    ``"\\n".join(lines).rstrip("\\n") + "\\n"`` written as the lines come.
    Newlines that may turn out to be trailing are held back until text
    follows them."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.held = ""
        self.first = True

    def add(self, line: str) -> None:
        piece = line if self.first else "\n" + line
        self.first = False
        body = piece.rstrip("\n")
        if body:
            self.out.write(self.held + body)
            self.held = piece[len(body):]
        else:
            self.held += piece

    def close(self) -> None:
        self.out.write("\n")

