"""What was found, in words: the observation read against the rule.

A unit receiving its lost-point list needs to know what the evaluation team
saw, not only the clause it failed: ``政务公开工作在政府目标绩效考核中的分值比重
3.5%,低于 4%``, ``发现工单未及时签收 3 次 × 2 分``.  The words come from the
field's question (its ``prompt`` in the rule file), the observed value and the
clause's condition or arithmetic; nothing is scored here.  Which clauses cost
points is taken from the item's scoring steps (``steps``: clause index,
applied, delta); an item without steps is described by its observations.

Describers are registered per clause kind (``DESCRIBE``); a kind without one
falls back to the item's recorded reasons, so a new clause kind never loses
its explanation.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Callable

from ..engine.conditions.calc import Calc
from ..engine.conditions.node import Missing
from ..exact import fmt
from ..rules.model import AllOf, AnyOf, ClauseHolds, FieldTest, NotOf

SEP = "；"

# ------------------------------------------------------------ the question, as a statement

_NEGATE_START = {"有": "无", "无": "有", "未": "已", "已": "未", "不": "", "没有": "有"}


def statement(prompt: str, value: bool) -> str:
    """A yes/no question turned into what was found: ``是否明确X?`` answered
    否 -> ``未明确X``; answered 是 -> ``明确X``.  A question that is not of
    one of these simple shapes is quoted with the answer."""
    p = prompt.strip().rstrip("?？").strip()
    for q, yes, no in (("是否", "", "未"), ("能否", "能", "不能")):
        if p.count(q) == 1:
            before, after = p.split(q, 1)
            if not after:
                break
            if value:
                return f"{before}{yes}{after}"
            for start, replacement in _NEGATE_START.items():
                if q == "是否" and after.startswith(start):
                    return f"{before}{replacement}{after[len(start):]}"
            return f"{before}{no}{after}"
    return f"{p}：{'是' if value else '否'}"


_HINT = re.compile(r"[(（][^()（）]*[)）]\s*$")
_ASK = re.compile(r"(?:的|有|共|共有|共发现|发现)?(?:是)?(?:多少|几)(次|个|项|件|天|分|处|家|篇|条|份|起)?$")
_COUNT_NOUN = re.compile(r"的(次数|个数|件数|项数|处数|天数)$")
_MEASURE = {"次数": "次", "个数": "个", "件数": "件", "项数": "项", "处数": "处", "天数": "天"}


def label(prompt: str) -> tuple[str, str]:
    """(what is counted or measured, its measure word) from a question:
    ``发现工单未及时签收几次?`` -> (``发现工单未及时签收``, ``次``);
    ``政府信息公开平台空白栏目的个数`` -> (``政府信息公开平台空白栏目``, ``个``)."""
    p = prompt.strip().rstrip("?？").strip()
    unit_hint = ""
    m = _HINT.search(p)
    if m:
        inner = m.group()[1:-1].strip()
        if inner in ("%", "％"):
            unit_hint = "%"
        p = p[: m.start()].rstrip()
    m = _COUNT_NOUN.search(p)
    if m:
        return p[: m.start()], _MEASURE[m.group(1)]
    m = _ASK.search(p)
    if m and m.start() > 0:
        return p[: m.start()].rstrip("，,").removesuffix("的"), m.group(1) or unit_hint
    return p, unit_hint


def show(value, unit: str = "") -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, Decimal):
        return f"{fmt(value, None)}{unit}"
    if isinstance(value, int):
        return f"{value}{unit}"
    return f"“{value}”" if isinstance(value, str) else str(value)


# relation that holds when a comparison fails (numbers; dates)
_FAILED = {"ge": ("低于", "早于"), "gt": ("不高于", "不晚于"), "le": ("高于", "晚于"), "lt": ("不低于", "不早于")}
_HELD = {"ge": ("不低于", "不早于"), "gt": ("高于", "晚于"), "le": ("不高于", "不晚于"), "lt": ("低于", "早于")}


class _Field:
    __slots__ = ("prompt", "unit", "max")

    def __init__(self, f) -> None:
        self.prompt = f.prompt
        self.unit = getattr(f, "unit", None) or ""
        self.max = getattr(f, "max", None)


class Describer:
    """Per rule file: item id -> (item, its fields); called with a scored item."""

    def __init__(self, rs) -> None:
        self.items: dict[str, tuple] = {}
        if rs is None:
            return
        for s in rs.sections:
            for g in s.groups:
                group_fields = {f.id: _Field(f) for f in g.fields}
                for it in g.items:
                    fields = dict(group_fields)
                    fields.update({f.id: _Field(f) for f in it.fields})
                    self.items[it.id] = (it, fields, g)

    def __call__(self, scored) -> str:
        entry = self.items.get(scored.id)
        values = {o.field: o.value for o in getattr(scored, "observations", ()) or ()}
        if not scored.complete:
            fields = entry[1] if entry else {}
            missing = [f for f, v in values.items() if v is None] or _missing_fields(scored)
            names = "、".join(label(fields[f].prompt)[0] if f in fields else f for f in missing)
            return f"未填写{('：' + names) if names else '观测值'}，暂计 0 分"
        if getattr(scored, "voided", False):
            return _voided(entry[2] if entry else None, entry[1] if entry else {}, scored)
        steps = getattr(scored, "steps", None)
        if entry is None or steps is None:
            return _from_observations(values, entry[1] if entry else {}) or SEP.join(scored.reasons)
        item, fields, _group = entry
        ctx = _Context(values, fields, scored)
        parts = []
        for step in steps:
            clause = item.clauses[step.clause]
            describe = DESCRIBE.get(clause.kind)
            text = describe(ctx, clause, step) if describe is not None else None
            if text:
                parts.append(text)
        if scored.raw < 0 and scored.section_kind != "penalty":
            # an item without a 分值 of its own floors at 0 all the same
            parts.append("扣分合计超过得分，计 0 分" if scored.max is None else f"扣分合计超过分值 {fmt(scored.max, None)} 分，扣完为止")
        return SEP.join(parts) or SEP.join(scored.reasons)


def _voided(group, fields: dict, scored) -> str:
    """A group zeroed by its void_if: a plain yes/no field is said as found;
    anything else in the rule's own words (void_text)."""
    cond = getattr(group, "void_if", None)
    if isinstance(cond, FieldTest) and not cond.comparisons() and cond.field in fields:
        return f"{statement(fields[cond.field].prompt, True)}，本组指标均不得分"
    return getattr(group, "void_text", None) or SEP.join(scored.reasons)


def _missing_fields(scored) -> list[str]:
    out: list[str] = []
    for s in getattr(scored, "steps", None) or ():
        out.extend(f for f in s.missing if f not in out)
    return out


def _from_observations(values: dict, fields: dict) -> str:
    parts = []
    for f, v in values.items():
        meta = fields.get(f)
        if meta is None:
            continue
        if isinstance(v, bool):
            parts.append(statement(meta.prompt, v))
        else:
            parts.append(f"{label(meta.prompt)[0]}：{show(v, meta.unit)}")
    return SEP.join(parts)


class _Context:
    """Observed values and field meta of one scored item."""

    def __init__(self, values: dict, fields: dict, scored) -> None:
        self.values, self.fields, self.scored = values, fields, scored

    def get(self, field_id: str):
        v = self.values.get(field_id)
        if v is None:
            raise Missing(field_id)
        return v

    def holds(self, cond) -> bool | None:
        try:
            return cond.holds(self.get, {})
        except (Missing, TypeError):
            return None

    def meta(self, field_id: str) -> _Field | None:
        return self.fields.get(field_id)

    def test(self, cond: FieldTest, held: bool) -> str:
        """One field test in words, as it turned out (``held``)."""
        meta = self.meta(cond.field)
        value = self.values.get(cond.field)
        if meta is None or value is None:
            return ""
        comps = cond.comparisons()
        if not comps or (comps[0][0] in ("eq", "ne") and isinstance(comps[0][1], bool)):
            return statement(meta.prompt, bool(value))
        op, want = comps[0]
        name, measure = label(meta.prompt)
        unit = meta.unit or (measure if measure not in ("次", "个", "件", "项", "处", "家") else f" {measure}")
        seen = show(value, unit)
        if op in ("eq", "ne", "in"):
            if op == "in":
                want_text = "、".join(show(w) for w in want)
                rel = "属于" if held else "不属于"
                return f"{name}为{seen}，{rel}{want_text}"
            return f"{name}为{seen}"
        is_date = isinstance(want, dt.date)
        words = (_HELD if held else _FAILED)[op][1 if is_date else 0]
        if is_date and "在何日" in name:
            return f"{name.replace('在何日', '于' + seen, 1)}，{words}{show(want)}"
        return f"{name} {seen}，{words} {show(want, unit)}"

    def why(self, cond, held: bool) -> str:
        """Words for ``cond`` having turned out ``held``: only the parts that
        decided it."""
        if isinstance(cond, FieldTest):
            return self.test(cond, held)
        if isinstance(cond, NotOf):
            return self.why(cond.not_, not held)
        if isinstance(cond, (AllOf, AnyOf)):
            # all() failed / any() held through the parts that turned out the
            # same way; all() held / any() failed through every part alike
            parts = cond.all if isinstance(cond, AllOf) else cond.any
            texts = [self.why(c, held) for c in parts if self.holds(c) is held]
            return "，".join(t for t in texts if t)
        if isinstance(cond, ClauseHolds):
            return ""
        if isinstance(cond, Calc):
            return self.computed(cond, held)
        return ""

    def computed(self, cond: Calc, held: bool) -> str:
        """``{calc: ...}`` as it turned out: the arithmetic and its value."""
        try:
            value = cond.value(self.get)
        except (Missing, TypeError):
            return ""
        op, want = cond.test
        shown = cond.expression(self.named)
        if value is None:
            return f"{shown} 无法计算（除数为 0），不计为{_HELD[op][0]} {show(want)}" if op in _HELD else ""
        words = (_HELD if held else _FAILED).get(op)
        relation = words[0] if words else ("等于" if held == (op == "eq") else "不等于")
        return f"{shown} = {fmt(value, None)}，{relation} {show(want)}"

    def named(self, field_id: str) -> str:
        """A field in an expression as found: its question's words and value."""
        meta, value = self.meta(field_id), self.values.get(field_id)
        if meta is None or value is None:
            return field_id
        name, measure = label(meta.prompt)
        return f"{name} {show(value, meta.unit or measure)}"


def _each(ctx: _Context, field: str, step, verb: str) -> str:
    """A per-occurrence clause as found: ``发现错链 3 个 × 0.5 分 = 1.5 分``."""
    meta = ctx.meta(field)
    n = ctx.values.get(field)
    name, measure = label(meta.prompt) if meta else (field, "")
    text = f"{name} {n} {measure or '个'} × {step.expr.split(' × ')[0].removeprefix('min(')} 分"
    if step.expr.startswith("min("):
        return f"{text}，本项最多{verb} {fmt(abs(step.delta), None)} 分"
    return f"{text} = {fmt(abs(step.delta), None)} 分"


def _award(ctx: _Context, clause, step) -> str | None:
    if clause.each is not None:
        # per occurrence: nothing is missed once the cap is reached
        if step.missing or step.expr.startswith("min(") or ctx.scored.section_kind != "base":
            return None
        cap = clause.cap if isinstance(clause.cap, Decimal) else None
        return _each(ctx, clause.each, step, "得") + (f"（最多 {fmt(cap, None)} 分）" if cap is not None else "")
    if step.applied or step.missing:
        return None
    if clause.only_if is not None and not step.expr:
        return None  # the clause did not apply: nothing was lost by it
    seen = ctx.why(clause.when, False)
    return f"{seen or clause_text(step)}，未得 {step.expr} 分"


def _deduct(ctx: _Context, clause, step) -> str | None:
    # a deduction's delta is negative, positive in a penalty section (扣分项)
    if step.delta == 0:
        return None
    if clause.each is not None:
        return _each(ctx, clause.each, step, "扣")
    seen = ctx.why(clause.when, True)
    return f"{seen or clause_text(step)}，扣 {fmt(abs(step.delta), None)} 分"


def _deduct_each(ctx: _Context, clause, step) -> str | None:
    if step.delta == 0:
        return None
    return _each(ctx, clause.field, step, "扣")


def _sampled(ctx: _Context, clause, step) -> str | None:
    if step.delta == 0:
        return None
    meta = ctx.meta(clause.field)
    n = ctx.values.get(clause.field)
    bad = clause.sample - n if clause.counts == "passed" else n
    name = label(meta.prompt)[0] if meta else clause.field
    per = step.expr.split(" × ")[0]
    return f"抽查 {clause.sample} 个，{name} {n} 个，不合格 {bad} 个 × {per} 分 = {fmt(abs(step.delta), None)} 分"


def _coverage(ctx: _Context, clause, step) -> str | None:
    missed = [f for f in clause.fields if ctx.values.get(f) is False]
    if not missed:
        return None
    texts = [statement(ctx.meta(f).prompt, False) if ctx.meta(f) else f for f in missed]
    return f"{'；'.join(texts)}，本项得 {step.expr} 分"


def _judged(ctx: _Context, clause, step) -> str | None:
    meta = ctx.meta(clause.field)
    full = getattr(meta, "max", None)
    if isinstance(full, dict):
        full = full.get(getattr(ctx.scored, "cls", ""), None)
    v = ctx.values.get(clause.field)
    if v is None or (full is not None and v >= full):
        return None
    name = _judged_label(meta.prompt) if meta else clause.field
    if ctx.scored.section_kind == "penalty":
        return f"{name}，扣 {fmt(v, None)} 分"
    tail = f"（满分 {fmt(full, None)} 分）" if full is not None else ""
    return f"{name}评定 {fmt(v, None)} 分{tail}"


def _judged_label(prompt: str) -> str:
    p = _HINT.sub("", prompt.strip().rstrip("?？").strip()).strip()
    head = re.split(r"[?？]", p)[0]
    for word in ("如何", "评定得分", "评定加分", "评定扣分", "应扣分数", "评分", "得分"):
        head = head.removesuffix(word)
    return head.rstrip("，,")


def _graded(ctx: _Context, clause, step) -> str | None:
    v = ctx.values.get(clause.field)
    best = max(clause.levels.values())
    if v is None or clause.levels.get(v, best) >= best:
        return None
    meta = ctx.meta(clause.field)
    name = label(meta.prompt)[0] if meta else clause.field
    return f"{name}评定为{show(v)}，得 {fmt(clause.levels[v], None)} 分（满分 {fmt(best, None)} 分）"


def _percent(ctx: _Context, clause, step) -> str | None:
    v = ctx.values.get(clause.field)
    if v is None or v >= 100:
        return None
    meta = ctx.meta(clause.field)
    name = label(meta.prompt)[0] if meta else clause.field
    return f"{name} {fmt(v, None)}%，得 {step.expr} = {fmt(step.delta, None)} 分"


def clause_text(step) -> str:
    return step.text


DESCRIBE: dict[str, Callable] = {
    "award": _award,
    "deduct": _deduct,
    "deduct_each": _deduct_each,
    "sampled": _sampled,
    "coverage": _coverage,
    "judged": _judged,
    "graded": _graded,
    "percent": _percent,
}
