"""The points of the items that do not apply to a unit (``applies_if``), made
up as the rule file's ``na_policy`` says:

* ``rescale``: each base section's subtotal × full / applicable points, rounded;
* ``redistribute``: every applicable base item's 分值 and score × full /
  applicable, each rounded;
* ``spread`` (把不适用指标的分值平均计入其他指标): every applicable base item's
  分值 grows by its share of the points that do not apply, evenly or pro
  rata to its 分值, each share rounded and the rounding's remainder given to
  the first or last item; each deduction keeps its size, so the item scores
  its raw score plus its share, kept within 0 and its new 分值, rounded once;
* ``normalize``: the base score is Σ subtotals / the applicable points × the
  class total, rounded once (every applicable item full: exactly the total).

"Full" and "applicable" are the class total and what of it applies to the
unit, or with ``composition: weighted`` each base section's own, or in a
table made of parts each part's (its base points; ``apply_parts``: a part
is normalized on its own, and a part none of whose base items applies is
left out, its weight spread over the other parts by ``engine/parts.py``).
"""

from __future__ import annotations

from decimal import Decimal

from ..exact import ZERO, clamp, div, fmt, mul, q
from ..i18n import _
from ..rules.model import na_kind
from .compiled import ClassPlan
from .evaluate import floor_reason


class ScoredItem:
    """What a policy needs of one scored item (the detail's ItemResult has
    the same attributes)."""

    __slots__ = ("section_id", "section", "section_kind", "max", "score", "lost", "complete", "raw", "voided", "start")

    def __init__(self, section_id, section, section_kind, m, score, complete, raw=None, voided=False):
        self.section_id, self.section, self.section_kind = section_id, section, section_kind
        self.max, self.score, self.lost, self.complete = m, score, m - score, complete
        self.raw, self.voided, self.start = raw, voided, ZERO


def na_scales(plan: ClassPlan, na_max: Decimal, na_by_section: dict[str, Decimal]) -> dict[str, tuple[Decimal, Decimal]]:
    """section id -> (full points, applicable points) of the base sections
    the unit's N/A points rescale: with composition: weighted every base
    section is a scale of its own (e.g. 100 each, weighted 0.3/0.7), rescaled
    by its own N/A share; in a table made of parts every part is, its base
    sections rescaled by the part's N/A share; with composition: sum the
    class total is."""
    if plan.parts is not None:
        out = {}
        for pp in plan.parts:
            na = sum((na_by_section.get(sid, ZERO) for sid in pp.base_ids), ZERO)
            if na > 0:
                out.update((sid, (pp.max, pp.max - na)) for sid in pp.base_ids)
        return out
    if plan.rs.composition == "weighted":
        return {sp.id: (sp.max, sp.max - na_by_section[sp.id]) for sp in plan.sections if sp.base and na_by_section.get(sp.id, ZERO) > 0}
    return {sp.id: (plan.class_max, plan.class_max - na_max) for sp in plan.sections if sp.base}


def scaled(value: Decimal, scale: tuple[Decimal, Decimal], precision: int) -> Decimal:
    """value × full / applicable, divided last so that the only inexact step
    is the one final rounding (110/60 is not a finite decimal)."""
    full_max, applicable_max = scale
    if applicable_max <= 0:
        return ZERO
    return q(div(mul(value, full_max), applicable_max), precision)


def rescale_items(plan: ClassPlan, items: list, scales: dict) -> None:
    """Redistribution: every applicable base item carries its share of the
    N/A points (its 分值 and score scaled alike, in place)."""
    precision = plan.precision
    for r in items:
        if r.section_kind == "base" and r.section_id in scales:
            scale = scales[r.section_id]
            r.max = scaled(r.max, scale, precision)
            r.score = scaled(r.score, scale, precision)
            r.lost = r.max - r.score


def scope_of(plan: ClassPlan) -> dict[str, str | None]:
    """section id -> the scope its N/A points are made up in: its part, its
    own (a weighted section), or None (the class total)."""
    if plan.parts is not None:
        return {sid: pp.id for pp in plan.parts for sid in pp.section_ids}
    weighted = plan.rs.composition == "weighted"
    return {sp.id: sp.id if weighted else None for sp in plan.sections}


def shares(plan: ClassPlan, items: list, scales: dict) -> list[Decimal]:
    """Each item's share of the points that do not apply (0 outside the
    scopes): per scope (the class, a weighted section or a part) evenly or
    pro rata to the items' 分值, rounded, the remainder to the first or last
    item."""
    policy, precision = plan.rs.na_policy, plan.precision
    scope = scope_of(plan)
    scopes: dict = {}
    for i, r in enumerate(items):
        if r.section_kind == "base" and r.section_id in scales:
            scopes.setdefault(scope[r.section_id], []).append(i)
    out = [ZERO] * len(items)
    for members in scopes.values():
        full, applicable = scales[items[members[0]].section_id]
        na = full - applicable
        if policy.share == "even":
            each = q(div(na, Decimal(len(members))), precision)
            parts = [each] * len(members)
        else:
            parts = [q(div(mul(na, items[i].max), applicable), precision) if applicable > 0 else ZERO for i in members]
        at = 0 if policy.remainder == "first" else len(members) - 1
        parts[at] += na - sum(parts, ZERO)
        for i, part in zip(members, parts):
            out[i] = part
    return out


def spread_items(plan: ClassPlan, items: list, scales: dict) -> None:
    """Spread: every applicable base item's 分值 grows by its share, its
    deductions keep their size (in place; a voided or unfilled item still
    scores 0)."""
    precision = plan.precision
    for r, share in zip(items, shares(plan, items, scales)):
        if r.section_kind != "base" or r.section_id not in scales:
            continue
        before = r.max
        r.max += share
        r.start += share
        if r.raw is not None:
            r.raw += share
        if r.complete and not r.voided:
            r.score = q(clamp(r.raw, ZERO, r.max), precision)
            reasons = getattr(r, "reasons", None)
            if reasons is not None:  # a detail's item: its floor is the new 分值's
                r.reasons = [x for x in reasons if x != floor_reason(before)] + ([floor_reason(r.max)] if r.raw < 0 else [])
        r.lost = r.max - r.score


def _make_up(plan: ClassPlan, tally, kind: str, scales: dict) -> None:
    """The subtotals of the base sections in ``scales`` as the policy has
    them: scaled (rescale), or the sums of their items' scaled or spread
    scores (redistribute, spread; the items in place); normalize divides a
    base score, not the sections.  Written by name (what reports show) and by
    id (what a table made of parts adds up)."""
    sections, totals = tally.sections, tally.section_totals
    items = tally.items
    if kind == "redistribute":
        rescale_items(plan, items, scales)
    elif kind == "spread":
        spread_items(plan, items, scales)
    elif kind == "normalize":
        return
    for sp in plan.sections:
        if not (sp.base and sp.id in scales):
            continue
        if kind == "rescale":
            value = scaled(sections[sp.name] if plan.parts is None else totals[sp.id], scales[sp.id], plan.precision)
        else:
            value = sum((r.score for r in items if r.section_id == sp.id), ZERO)
            # the group-level max_lost relief: scaled alike, or as it was
            # (a spread keeps each deduction's size)
            relief = tally.relief_by_section.get(sp.id)
            if relief:
                value += scaled(relief, scales[sp.id], plan.precision) if kind == "redistribute" else relief
        sections[sp.name] = totals[sp.id] = value


def _note(plan: ClassPlan, kind: str, na: str, ratio: str) -> str:
    """What a policy other than normalize did, in the unit's notes."""
    if kind == "redistribute":
        return _("the {points} points of indicators that do not apply are shared out over the others (×{ratio})").format(points=na, ratio=ratio)
    if kind == "spread":
        if plan.rs.na_policy.share == "even":
            return _("the {points} points of indicators that do not apply are added evenly to the others; deductions unchanged").format(points=na)
        return _("the {points} points of indicators that do not apply are added to the others in proportion to their points; deductions unchanged").format(points=na)
    return _("{points} points of indicators that do not apply; scaled to the full mark by {ratio}").format(points=na, ratio=ratio)


def _normalized(plan: ClassPlan, total: Decimal, full: Decimal, applicable: Decimal) -> tuple[Decimal, str]:
    """(total ÷ applicable × full rounded once, the note that shows it)."""
    base = scaled(total, (full, applicable), plan.precision)
    message = _("{points} points of indicators that do not apply; scaled by the applicable total {applicable}: {total} ÷ {applicable} × {full} = {base}")
    return base, message.format(points=fmt(full - applicable, None), applicable=fmt(applicable, None), total=fmt(total, None), full=fmt(full, None), base=fmt(base, None))


def apply(plan: ClassPlan, tally) -> Decimal | None:
    """Make up the unit's N/A points in ``tally`` (its sections, notes and
    items, in place); the base score when the policy gives it (normalize),
    else None."""
    kind = na_kind(plan.rs)
    notes = tally.notes
    scales = na_scales(plan, tally.na_max, tally.na_by_section)
    if any(applicable_max <= 0 for _full, applicable_max in scales.values()):
        notes.append(_("no indicator applies"))
    if kind == "normalize":
        full = plan.class_max
        base, note = _normalized(plan, sum(tally.sections.values(), ZERO), full, full - tally.na_max)
        notes.append(note)
        return base
    _make_up(plan, tally, kind, scales)
    ratio = ", ".join(sorted({f"{fmt(a, None)}/{fmt(b, None)}" for a, b in scales.values()}))
    notes.append(_note(plan, kind, fmt(tally.na_max, None), ratio))
    return None


class PartNA:
    """What a part's N/A points made of it: ``left_out`` when none of its
    base items applies; ``base`` its normalized base score (normalize, else
    None); ``note`` the unit's note, without the part's name."""

    __slots__ = ("left_out", "base", "note")

    def __init__(self, left_out: bool, base: Decimal | None, note: str) -> None:
        self.left_out, self.base, self.note = left_out, base, note


def apply_parts(plan: ClassPlan, tally) -> dict[str, PartNA]:
    """Make up the unit's N/A points in a table made of parts, each part on
    its own scale (its sections and items in ``tally``, in place); part id ->
    PartNA of every part with N/A points."""
    kind = na_kind(plan.rs)
    scales = na_scales(plan, tally.na_max, tally.na_by_section)
    _make_up(plan, tally, kind, scales)
    out: dict[str, PartNA] = {}
    for pp in plan.parts:
        scale = next((scales[sid] for sid in pp.base_ids if sid in scales), None)
        if scale is None:
            continue
        full, applicable = scale
        if applicable <= 0:
            note = _("none of its indicators applies ({points} points): the part is left out and its weight is shared by the other parts").format(points=fmt(full - applicable, None))
            out[pp.id] = PartNA(True, None, note)
        elif kind == "normalize":
            base, note = _normalized(plan, sum((tally.section_totals[sid] for sid in pp.base_ids), ZERO), full, applicable)
            out[pp.id] = PartNA(False, base, note)
        else:
            out[pp.id] = PartNA(False, None, _note(plan, kind, fmt(full - applicable, None), f"{fmt(full, None)}/{fmt(applicable, None)}"))
    return out


def detail_items(plan: ClassPlan, items: list, na_max: Decimal, na_by_section: dict) -> None:
    """A unit's detail items as the policy has them: redistributed items
    scaled, spread items with their shares (in place)."""
    kind = na_kind(plan.rs)
    scales = na_scales(plan, na_max, na_by_section)
    if kind == "redistribute":
        rescale_items(plan, items, scales)
    elif kind == "spread":
        spread_items(plan, items, scales)
