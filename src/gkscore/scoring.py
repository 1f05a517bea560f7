"""Scoring one unit against a rule set, exactly.

Pure functions over the rule model and an ObservationSet; no I/O.  The
rounding rule is in ``exact.py``: an item's score is computed exactly, clamped
to [0, 分值] (扣完为止) and rounded once to the rule file's precision; every
other figure is an exact sum of rounded figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from .conditions import Missing, describe, holds
from .exact import ZERO, clamp, div, fmt, mul, q
from .observations.types import Observation, ObservationSet
from .rules.model import Item, RuleSet
from .rules.resolve import item_max, item_path, item_start, per_class


@dataclass
class Step:
    """One clause's effect on an item: what was observed and the arithmetic."""

    clause: int
    kind: str
    text: str
    delta: Decimal  # signed contribution before clamping
    expr: str  # e.g. "0.5 × 3"
    applied: bool  # did the clause take effect
    missing: list[str] = field(default_factory=list)


@dataclass
class ItemResult:
    id: str
    section_id: str
    section: str  # 一级指标 name
    section_kind: str  # base | bonus | penalty
    group: str
    path: list[str]
    text: str
    max: Decimal
    score: Decimal
    lost: Decimal
    start: Decimal
    raw: Decimal  # start + Σ deltas, before clamping and rounding
    steps: list[Step]
    reasons: list[str]
    observations: list[Observation]
    complete: bool = True
    voided: bool = False
    not_applicable: bool = False  # unit-level applies_if false

    @property
    def evidence(self) -> list[str]:
        return [o.evidence for o in self.observations if o.evidence]

    @property
    def scorers(self) -> list[str]:
        return sorted({o.scorer for o in self.observations if o.scorer})

    def arithmetic(self, places: int | None = None) -> str:
        """e.g. ``2 - 0.5 × 3 = 0.5`` or ``1 + 0 + 0.5 = 1.5`` (with the clamp
        spelled out when it bites)."""
        if not self.complete and not self.voided:
            missing = [f for s in self.steps for f in s.missing]
            shown = f" ({', '.join(missing)})" if missing else ""
            return f"未填写观测值{shown},暂计0分"
        parts: list[str] = [fmt(self.start, places)] if self.start != 0 else []
        for s in self.steps:
            if s.kind in ("award", "coverage", "judged", "graded", "percent"):
                parts.append(f"+ {s.expr if s.applied and s.expr else '0'}")
            elif s.applied and s.delta != 0:
                parts.append(f"- {s.expr}")
        expr = " ".join(parts) if parts else "0"
        if expr.startswith("+ "):
            expr = expr[2:]
        raw = self.raw
        out = f"{expr} = {fmt(raw, None)}"
        if self.voided:
            out += " → 0 (整组不得分)"
        elif raw < 0:
            out += " → 0 (扣完为止)"
        elif raw > self.max:
            out += f" → {fmt(self.max, None)} (不超过分值)"
        elif raw != self.score:
            out += f" → {fmt(self.score, None)} (四舍五入)"
        return out


@dataclass(slots=True)  # one per unit: 100,000 at national scale
class UnitResult:
    unit: str
    cls: str
    rules_id: str
    rules_title: str
    items: list[ItemResult]
    sections: dict[str, Decimal]  # 一级指标 name -> subtotal (base sections)
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    bonus_raw: Decimal
    penalty_raw: Decimal
    grade: str | None
    complete: bool
    notes: list[str]
    veto: str | None = None
    rank_group: str = ""
    rank: int = 0
    # names of the base sections with at least one scored item; set when the
    # items were not kept (a summary report), else read from ``items``
    base_sections: frozenset | None = None

    @property
    def max(self) -> Decimal:
        return sum((i.max for i in self.items if i.section_kind == "base"), ZERO)


class _Obs:
    """Field access for one owner (item, group or veto) of one unit."""

    __slots__ = ("obs", "unit", "owner", "seen", "missing", "_get", "keep")

    def __init__(self, obs: ObservationSet, unit: str, owner: str, keep: bool = True):
        self.obs, self.unit, self.owner = obs, unit, owner
        self.seen: list[Observation] = []
        self.missing: list[str] = []
        self._get = obs.get
        self.keep = keep  # collect the Observations used (for item reports)

    def value_of(self, field_id: str):
        return self.obs.value(self.unit, self.owner, field_id)

    def __call__(self, field_id: str):
        if not self.keep:
            v = self.obs.value(self.unit, self.owner, field_id)
            if v is None:
                if field_id not in self.missing:
                    self.missing.append(field_id)
                raise Missing(field_id)
            return v
        o = self._get(self.unit, self.owner, field_id)
        if o is None or o.value is None:
            if field_id not in self.missing:
                self.missing.append(field_id)
            raise Missing(field_id)
        # Observations of one owner have distinct fields, so the field is
        # membership (a compact set builds a new object on every look-up).
        for x in self.seen:
            if x.field == field_id:
                break
        else:
            self.seen.append(o)
        return o.value


# Per-clause and per-item figures that depend only on the (immutable) rule
# model, computed once per process instead of once per unit.  Keyed by id()
# and checked by identity, so a recycled id can never return a stale entry.
_CLAUSE_TEXT: dict[int, tuple] = {}
_ITEM_INFO: dict[tuple[int, str], tuple] = {}


def _clause_text(item: Item, clause) -> str:
    hit = _CLAUSE_TEXT.get(id(clause))
    if hit is not None and hit[0] is clause and hit[1] is item:
        return hit[2]
    text = _clause_text_uncached(item, clause)
    _CLAUSE_TEXT[id(clause)] = (clause, item, text)
    return text


def _item_info(item: Item, cls: str, section, group) -> tuple:
    """(max, start, path) of an item for a class."""
    key = (id(item), cls)
    hit = _ITEM_INFO.get(key)
    if hit is not None and hit[0] is item and hit[1] is section and hit[2] is group:
        return hit[3]
    m = item_max(item, cls)
    info = (m, m if item_start(item) == "max" else ZERO, tuple(item_path(section, group, item)) if m is not None else ())
    _ITEM_INFO[key] = (item, section, group, info)
    return info


def _clause_text_uncached(item: Item, clause) -> str:
    if clause.text:
        return clause.text
    text = item.text.split("\n")[0]
    if len(item.clauses) > 1:
        # Several clauses share the item's words: say which condition this one is.
        cond = getattr(clause, "when", None)
        field = getattr(clause, "field", None)
        text += f" ({describe(cond) if cond is not None else field or clause.kind})"
    return text


def score_item(rs: RuleSet, item: Item, cls: str, get: _Obs, voided_by: str | None, section, group) -> ItemResult:
    m, start, path = _item_info(item, cls, section, group)
    assert m is not None
    steps: list[Step] = []
    reasons: list[str] = []
    held: dict[str, bool] = {}
    complete = True
    for ci, clause in enumerate(item.clauses):
        text = _clause_text(item, clause)
        n_before = len(get.missing)  # missing only ever grows, without repeats
        try:
            step = _clause(clause, ci, text, item, cls, get, held)
        except Missing:
            new = get.missing[n_before:]
            steps.append(Step(ci, clause.kind, text, ZERO, "", False, new or list(get.missing)))
            complete = False
            reasons.append(f"未填写观测值 ({', '.join(new or get.missing)}): {text}")
            continue
        if clause.id:
            held[clause.id] = step.applied
        steps.append(step)
    raw = start + sum((s.delta for s in steps), ZERO)
    score = q(clamp(raw, ZERO, m), rs.precision)
    # With --partial, an item with any unfilled field scores 0 until it is
    # filled: never the full credit a deduction-only item would otherwise
    # keep, and never a figure that depends on which clause happened to be
    # evaluated first.
    unfilled = [] if (complete and not get.obs.missing) else [f.id for f in item.fields if get.value_of(f.id) is None]
    if unfilled:
        complete = False
    if voided_by is None and not complete:
        score = ZERO
        reasons = [f"未填写观测值 ({', '.join(unfilled)}),暂计0分"]
    if voided_by is not None:
        # The whole group scores 0 whatever was observed, so unfilled fields
        # of a voided item cannot change the result.
        score = ZERO
        reasons = [voided_by]
        complete = True
    elif not complete:
        pass
    elif section.kind == "penalty":
        # A 扣分项's score is the deduction itself: say what was deducted, or nothing.
        reasons = ([f"扣 {fmt(score, None)} 分: {item.text.splitlines()[0]}"] if score > 0 else []) + reasons
    elif get.keep:
        reasons = _reasons(item, steps, cls, raw, m)
    return ItemResult(
        id=item.id,
        section_id=section.id,
        section=section.name,
        section_kind=section.kind,
        group=group.name,
        path=list(path),
        text=item.text,
        max=m,
        score=score,
        lost=m - score,
        start=start,
        raw=raw,
        steps=steps,
        reasons=reasons,
        observations=list(get.seen),
        complete=complete,
        voided=voided_by is not None,
    )


def _points(value, cls: str) -> Decimal:
    p = per_class(value, cls)
    if p is None:  # checks guarantee a value for every class the item applies to
        raise ValueError("no points for class")
    return p


def _clause(clause, ci: int, text: str, item: Item, cls: str, get: _Obs, held) -> Step:
    kind = clause.kind
    if clause.only_if is not None and not holds(clause.only_if, get, held):
        return Step(ci, kind, text, ZERO, "", False)
    if kind in ("award", "deduct"):
        ok = holds(clause.when, get, held)
        p = _points(clause.points, cls)
        delta = (p if kind == "award" else -p) if ok else ZERO
        return Step(ci, kind, text, delta, fmt(p, None), ok)
    if kind == "deduct_each":
        n = get(clause.field)
        per = _points(clause.per, cls)
        d = mul(per, Decimal(n))
        expr = f"{fmt(per, None)} × {n}"
        cap = per_class(clause.cap, cls) if clause.cap is not None else None
        if cap is not None and d > cap:
            d = cap
            expr = f"min({expr}, {fmt(cap, None)})"
        return Step(ci, kind, text, -d, expr, d > 0)
    if kind == "sampled":
        n = get(clause.field)
        per = _points(clause.per, cls)
        bad = clause.sample - n if clause.counts == "passed" else n
        d = mul(per, Decimal(bad))
        expr = f"{fmt(per, None)} × ({clause.sample} - {n})" if clause.counts == "passed" else f"{fmt(per, None)} × {n}"
        return Step(ci, kind, text, -d, expr, d > 0)
    if kind == "coverage":
        values = []
        missing = None
        for f in clause.fields:
            try:
                values.append(get(f))
            except Missing as exc:
                missing = exc
        if missing is not None:
            raise missing
        covered = sum(1 for v in values if v is True)
        full = clause.full_at or len(clause.fields)
        p = _points(clause.points, cls)
        if clause.mode == "all":
            delta = p if covered >= full else ZERO
            expr = fmt(p, None) if covered >= full else "0"
        else:
            delta = div(mul(p, Decimal(min(covered, full))), Decimal(full))
            expr = f"{fmt(p, None)} × {min(covered, full)}/{full}"
        return Step(ci, kind, text, delta, expr, delta > 0)
    if kind == "judged":
        v = get(clause.field)
        return Step(ci, kind, text, v, fmt(v, None), v > 0)
    if kind == "graded":
        v = get(clause.field)
        p = clause.levels[v]
        return Step(ci, kind, text, p, f"{fmt(p, None)}({v})", p > 0)
    if kind == "percent":
        v = get(clause.field)
        p = _points(clause.points, cls)
        delta = div(mul(p, v), Decimal(100))
        return Step(ci, kind, text, delta, f"{fmt(p, None)} × {fmt(v, None)}%", delta > 0)
    raise TypeError(kind)  # pragma: no cover - the model forbids other kinds


def _reasons(item: Item, steps: list[Step], cls: str, raw: Decimal, m: Decimal) -> list[str]:
    """Why points were lost, one line per clause that cost something."""
    out = []
    for s in steps:
        clause = item.clauses[s.clause]
        if s.missing:
            continue
        if s.kind == "award" and not s.applied and (clause.only_if is None or s.expr):
            out.append(f"未得 {s.expr} 分: {s.text}")
        elif s.kind in ("deduct", "deduct_each", "sampled") and s.delta < 0:
            out.append(f"扣 {s.expr} = {fmt(-s.delta, None)} 分: {s.text}")
        elif s.kind in ("coverage", "judged", "graded", "percent"):
            full = _clause_full(clause, item, cls)
            if full is not None and s.delta < full:
                shown = s.expr if s.kind == "judged" else f"{s.expr} = {fmt(s.delta, None)}"
                out.append(f"得 {shown} 分 (满分 {fmt(full, None)}): {s.text}")
    if raw < 0:
        out.append(f"扣分合计超过分值 {fmt(m, None)},扣完为止")
    return out


def _clause_full(clause, item: Item, cls: str) -> Decimal | None:
    if clause.kind in ("coverage", "percent"):
        return per_class(clause.points, cls)
    if clause.kind == "graded":
        return max(clause.levels.values())
    if clause.kind == "judged":
        for f in item.fields:
            if f.id == clause.field:
                return per_class(f.max, cls)
    return None


_APPLICABLE: dict[tuple[int, str], tuple] = {}


def _applicable(group, cls: str) -> list:
    """The group's items that apply to the class, once per (group, class)."""
    key = (id(group), cls)
    hit = _APPLICABLE.get(key)
    if hit is not None and hit[0] is group:
        return hit[1]
    out = [it for it in group.items if item_max(it, cls) is not None]
    _APPLICABLE[key] = (group, out)
    return out


class _Acc:
    """A unit's running figures: filled by the item loop (full here, or the
    summary path in scoring_lean), then turned into a UnitResult by ``_finish``."""

    __slots__ = ("notes", "complete", "items", "sections", "section_totals", "na_max", "na_by_section", "relief_by_section")

    def __init__(self, notes: list[str], sections: dict[str, Decimal], section_totals: dict[str, Decimal]) -> None:
        self.notes, self.sections, self.section_totals = notes, sections, section_totals
        self.complete = True
        self.items: list = []
        self.na_max = ZERO
        # FIX (rule-kinds tests): N/A points and max_lost relief are tracked per
        # section, so that redistribute keeps the relief and a weighted
        # composition rescales each section by its own N/A share.
        self.na_by_section: dict[str, Decimal] = {}
        self.relief_by_section: dict[str, Decimal] = {}


def score_unit(rs: RuleSet, cls: str, unit: str, obs: ObservationSet, keep_items: bool = True) -> UnitResult:
    """``keep_items=False``: the unit's figures only (sections, totals, grade,
    notes), for summary reports; items are scored the same but not kept."""
    if not keep_items:
        # Summary: scored on the lean, memoised path (scoring_lean), same figures.
        from .scoring_lean import scorer_for

        lean = scorer_for(rs, cls, obs)
        if lean is not None:
            return lean.score(unit)
    acc = _Acc([], {}, {})
    notes, items = acc.notes, acc.items
    for section in rs.sections:
        sec_sum = ZERO
        for group in section.groups:
            applicable = _applicable(group, cls)
            if not applicable:
                continue
            voided_by = None
            if group.void_if is not None:
                g = _Obs(obs, unit, group.id, keep_items)
                try:
                    if holds(group.void_if, g):
                        voided_by = f"{group.void_text} ({describe(group.void_if)})"
                except Missing:
                    acc.complete = False
                    notes.append(f"{group.name}: 未填写 {', '.join(g.missing)},无法判断是否整组不得分")
            group_sum = ZERO
            group_max = ZERO
            for it in applicable:
                get = _Obs(obs, unit, it.id, keep_items)
                if it.applies_if is not None:
                    try:
                        applies = holds(it.applies_if, get)
                    except Missing:
                        applies = True
                        acc.complete = False
                    if not applies:
                        # FIX: only base items count towards the N/A points; an
                        # N/A bonus or penalty item is simply absent (it used to
                        # shrink the base denominator and inflate the base).
                        if section.kind == "base":
                            acc.na_max += item_max(it, cls)
                            acc.na_by_section[section.id] = acc.na_by_section.get(section.id, ZERO) + item_max(it, cls)
                        notes.append(f"{it.id}: 不适用 ({describe(it.applies_if)} 不成立)")
                        continue
                r = score_item(rs, it, cls, get, voided_by, section, group)
                acc.complete = acc.complete and r.complete
                items.append(r)
                group_sum += r.score
                group_max += r.max
            cap = per_class(group.max_lost, cls)
            # FIX: a voided group scores 0 (void_if); max_lost must not hand
            # points back to it.
            if cap is not None and voided_by is None and group_max - group_sum > cap:
                relief = group_max - cap - group_sum
                notes.append(f"{group.name}: 失分 {fmt(group_max - group_sum, None)} 超过组内扣分上限 {fmt(cap, None)},返还 {fmt(relief, None)}")
                group_sum += relief
                acc.relief_by_section[section.id] = acc.relief_by_section.get(section.id, ZERO) + relief
            sec_sum += group_sum
        acc.section_totals[section.id] = sec_sum
        if section.kind == "base":
            acc.sections[section.name] = sec_sum
    return _finish(rs, cls, unit, acc, _veto_outcomes(obs, unit, keep_items), keep_items)


def _veto_outcomes(obs: ObservationSet, unit: str, keep_items: bool):
    """fn(index, veto) -> True/False, or the names of the unanswered fields."""

    def outcome(_i: int, veto):
        g = _Obs(obs, unit, veto.id, keep_items)
        try:
            return holds(veto.when, g)
        except Missing:
            return tuple(g.missing)

    return outcome


class _Tail:
    """Per (rule set, class) figures the totals need, resolved once."""

    def __init__(self, rs: RuleSet, cls: str) -> None:
        self.bonus = [(s.id, per_class(s.cap, cls) or ZERO) for s in rs.sections if s.kind == "bonus"]
        self.penalty = [(s.id, per_class(s.cap, cls) or ZERO) for s in rs.sections if s.kind == "penalty"]
        self.weights = [(s.name, s.weight or ZERO) for s in rs.sections if s.kind == "base"]


_TAILS: dict[tuple[int, str], tuple] = {}


def _tail(rs: RuleSet, cls: str) -> _Tail:
    key = (id(rs), cls)
    hit = _TAILS.get(key)
    if hit is not None and hit[0] is rs:
        return hit[1]
    tail = _TAILS[key] = (rs, _Tail(rs, cls))
    return tail[1]


def _finish(rs: RuleSet, cls: str, unit: str, acc: _Acc, veto_outcome, keep_items: bool, base_sections: frozenset | None = None) -> UnitResult:
    """N/A rescaling, composition, bonus and penalty caps, gates, vetoes and
    grade: the unit's figures from its section totals.  ``veto_outcome`` as
    ``_veto_outcomes`` gives it (None: the rule set has no vetoes)."""
    notes, sections, section_totals = acc.notes, acc.sections, acc.section_totals
    tail = _tail(rs, cls)
    if rs.na_policy != "none" and acc.na_max > 0:
        _rescale(rs, cls, acc)
    if rs.composition == "weighted":
        for name, weight in tail.weights:
            sections[name] = q(mul(weight, sections[name]), rs.precision)
    base = sum(sections.values(), ZERO)

    bonus_raw, bonus = _capped(section_totals, tail.bonus)
    penalty_raw, penalty = _capped(section_totals, tail.penalty)
    if bonus < bonus_raw:
        notes.append(f"加分 {fmt(bonus_raw, None)} 超过上限,计 {fmt(bonus, None)}")
    if penalty < penalty_raw:
        notes.append(f"扣分 {fmt(penalty_raw, None)} 超过上限,计 {fmt(penalty, None)}")
    forced_grade = None
    for gate in rs.gates:
        if gate.kind == "bonus_requires_base" and base < gate.min_base and bonus > 0:
            notes.append(f"基础分 {fmt(base, None)} 低于 {fmt(gate.min_base, None)},加分 {fmt(bonus, None)} 不计")
            bonus = ZERO
        elif gate.kind == "fail_below" and base < gate.base_below:
            forced_grade = gate.grade
            notes.append(f"基础分 {fmt(base, None)} 低于 {fmt(gate.base_below, None)},等次为{gate.grade}")
    total = base + bonus - penalty

    veto_text = None
    for i, veto in enumerate(rs.vetoes):
        vetoed = veto_outcome(i, veto)
        if vetoed.__class__ is tuple:  # unanswered
            acc.complete = False
            notes.append(f"{veto.id}: 未填写 {', '.join(vetoed)},无法判断是否否决")
            continue
        if vetoed:
            veto_text = veto.text
            if veto.total is not None:
                total = veto.total
            if veto.grade is not None:
                forced_grade = veto.grade
            notes.append(f"单项否决: {veto.text}")
            break

    grade = forced_grade if forced_grade is not None else grade_for(rs, total)
    items = acc.items
    if not keep_items and base_sections is None:
        base_sections = frozenset(r.section for r in items if r.section_kind == "base")
    return UnitResult(
        unit=unit,
        cls=cls,
        rules_id=rs.id,
        rules_title=rs.title,
        items=items if keep_items else [],
        base_sections=None if keep_items else base_sections,
        sections=sections,
        base=base,
        bonus=bonus,
        penalty=penalty,
        total=total,
        bonus_raw=bonus_raw,
        penalty_raw=penalty_raw,
        grade=grade,
        complete=acc.complete,
        notes=notes,
        veto=veto_text,
    )


def _capped(section_totals: dict[str, Decimal], capped: list[tuple[str, Decimal]]) -> tuple[Decimal, Decimal]:
    """(Σ totals, Σ min(total, cap)) over the bonus (or penalty) sections,
    added in section order from ZERO like ``sum``."""
    raw = kept = ZERO
    for sid, cap in capped:
        v = section_totals[sid]
        raw += v
        kept += min(v, cap)
    return raw, kept


def _rescale(rs: RuleSet, cls: str, acc: _Acc) -> None:
    """na_policy rescale/redistribute: applicable items stand for the class's
    full points (redistribute changes the items' max and score in place)."""
    items, sections, notes = acc.items, acc.sections, acc.notes
    na_max, na_by_section, relief_by_section = acc.na_max, acc.na_by_section, acc.relief_by_section
    class_max = rs.classes[cls].max
    # FIX: with composition: weighted every base section is a scale of its
    # own (e.g. 100 each, weighted 0.3/0.7), so each is rescaled by its own
    # N/A share; with composition: sum one factor for the class total applies.
    if rs.composition == "weighted":
        scales = {}
        for s in rs.sections:
            if s.kind == "base" and na_by_section.get(s.id, ZERO) > 0:
                s_max = sum((item_max(i, cls) or ZERO for g in s.groups for i in g.items), ZERO)
                scales[s.id] = (s_max, s_max - na_by_section[s.id])
    else:
        scales = {s.id: (class_max, class_max - na_max) for s in rs.sections if s.kind == "base"}
    factors: dict[str, tuple[Decimal, Decimal]] = dict(scales)

    def scaled(value: Decimal, sid: str) -> Decimal:
        # value × full / applicable, divided last so that the only inexact
        # step is the one final rounding (110/60 is not a finite decimal).
        full_max, applicable_max = factors[sid]
        if applicable_max <= 0:
            return ZERO
        return q(div(mul(value, full_max), applicable_max), rs.precision)

    if any(applicable_max <= 0 for _, applicable_max in scales.values()):
        notes.append("全部指标不适用")
    ratio = ", ".join(sorted({f"{fmt(a, None)}/{fmt(b, None)}" for a, b in scales.values()}))
    if rs.na_policy == "redistribute":
        # Every applicable base item carries its share of the N/A points.
        for r in items:
            if r.section_kind == "base" and r.section_id in factors:
                r.max = scaled(r.max, r.section_id)
                r.score = scaled(r.score, r.section_id)
                r.lost = r.max - r.score
        for s in rs.sections:
            if s.kind == "base" and s.id in factors:
                sections[s.name] = sum((r.score for r in items if r.section_id == s.id), ZERO)
                # FIX: keep the group-level max_lost relief, scaled alike.
                if relief_by_section.get(s.id):
                    sections[s.name] += scaled(relief_by_section[s.id], s.id)
        notes.append(f"不适用指标 {fmt(na_max, None)} 分按比例分配到其余指标 (×{ratio})")
    else:
        for s in rs.sections:
            if s.kind == "base" and s.id in factors:
                sections[s.name] = scaled(sections[s.name], s.id)
        notes.append(f"不适用指标 {fmt(na_max, None)} 分,按 {ratio} 折算为百分制")


def grade_for(rs: RuleSet, total: Decimal) -> str | None:
    """Grade band by inclusive lower bounds, highest first."""
    if rs.grades is None:
        return None
    for band in rs.grades.bands:
        if band.min is None or total >= band.min:
            return band.grade
    return None


def score_set(rs: RuleSet, obs: ObservationSet, progress: Callable[[int], None] | None = None, keep_items: bool = True) -> list[UnitResult]:
    out = []
    for i, (unit, cls) in enumerate(obs.units.items()):
        out.append(score_unit(rs, cls, unit, obs, keep_items))
        if progress is not None:
            progress(i)
    return out
