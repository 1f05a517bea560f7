"""``gkscore explain``: every point a unit lost, with the rule, the observation,
the evidence and the arithmetic."""

from __future__ import annotations

from ..exact import fmt
from ..observations.types import show_value


def explain_text(r, adjustments=(), precision: int = 2) -> str:
    if r.stopped:  # a veto stopped scoring: no figure but the veto's
        figures = f"总分 {fmt(r.total, precision)} (单项否决)" if r.total is not None else "单项否决,不计总分"
    else:
        figures = f"总分 {fmt(r.total, precision)} = 基础分 {fmt(r.base, precision)} + 加分 {fmt(r.bonus, precision)} - 扣分 {fmt(r.penalty, precision)}"
    lines = [
        f"{r.unit} ({r.cls}) — {r.rules_title}",
        figures
        + (f";等次 {r.grade}" if r.grade else "")
        + f";{r.rank_group} 第 {r.rank} 名"
        + ("" if r.complete else ";评分未完成 (--partial,未填写的指标暂计0分)"),
    ]
    if r.veto:
        lines.append(f"单项否决: {r.veto}")
    for note in r.notes:
        lines.append(f"说明: {note}")
    lost_any = False
    for i in r.items:
        if i.section_kind == "bonus":
            continue  # 加分 is not lost: shown in the totals line
        if i.section_kind == "penalty":
            if i.score == 0:
                continue
            header = f"[{i.id}] {' / '.join(i.path)} 扣分 {fmt(i.score, precision)} (上限 {fmt(i.max, precision)})"
        elif i.lost == 0 and i.complete:
            continue
        else:
            header = f"[{i.id}] {' / '.join(i.path)} 分值 {fmt(i.max, precision)},得分 {fmt(i.score, precision)},失分 {fmt(i.lost, precision)}"
        lost_any = True
        lines.append("")
        lines.append(header)
        lines.append("  评分细则: " + i.text.replace("\n", "\n            "))
        for reason in i.reasons:
            lines.append(f"  失分原因: {reason}")
        lines.append(f"  计算: {i.arithmetic()}")
        for o in i.observations:
            lines.append(f"  观测: {o.field} = {show_value(o.value)} ({o.source})" + (f" 评分人 {o.scorer}" if o.scorer else ""))
            if o.evidence:
                lines.append(f"  证据: {o.evidence}")
        for a in adjustments:
            if a.item == i.id:
                lines.append(f"  复核: {a.field} 原值 {a.before or '(空)'} → 新值 {a.after};理由 {a.reason};批准 {a.approved_by} {a.date}")
    if r.stopped:
        lines.append("")
        lines.append("单项否决,其他指标未评分。")
    elif not lost_any:
        lines.append("")
        lines.append("没有失分。")
    return "\n".join(lines) + "\n"
