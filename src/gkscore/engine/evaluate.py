"""Evaluating one item (and a group's void_if, a veto) over a unit's row:
the one evaluator of the engine.

``evaluate_item`` runs the item's clauses through their kinds and clamps and
rounds once (``exact.py``); with ``explain`` it also builds the Steps and
reasons an item report shows, else only the score and completeness.  Both
the figures and the detail of a unit come from here, each memoised by the
values the item reads (``engine/scorer.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..exact import ZERO, clamp, fmt, q
from ..i18n import _
from .compiled import GroupPlan, ItemPlan, VetoPlan
from .conditions.node import Missing
from .needs import item_needs
from .results import Step


class FieldReader:
    """A field's value from a unit's row (``pos``: field -> position), or
    Missing for a blank one (each recorded once, in the order met); with
    ``seen`` a list, the fields read with a value, in the order met."""

    __slots__ = ("row", "pos", "missing", "seen")

    def __init__(self, row: list, pos: dict[str, int], seen: list | None = None) -> None:
        self.row, self.pos, self.missing, self.seen = row, pos, [], seen

    def __call__(self, field: str):
        v = self.row[self.pos[field]]
        if v is None:
            if field not in self.missing:
                self.missing.append(field)
            raise Missing(field)
        seen = self.seen
        if seen is not None and field not in seen:
            seen.append(field)
        return v

    def value_of(self, field: str):
        return self.row[self.pos[field]]


@dataclass(frozen=True)
class Explained:
    """An item's outcome with its explanation: what an item report shows,
    the same for every unit with the same values (the unit's observations
    are added per unit, from ``seen``)."""

    score: Decimal
    raw: Decimal
    complete: bool
    steps: tuple
    reasons: tuple
    seen: tuple  # the fields read with a value, in the order read
    keys: tuple  # the (owner, field) of each field in ``seen``: the unit's observations to attach
    # texts shown for this explanation (its arithmetic, a report's cells), made
    # once and shared by every unit with the same values (``ItemResult.shared``)
    shown: dict = field(default_factory=dict, compare=False)


# An item whose applies_if does not hold.
NOT_APPLICABLE = None


def evaluate_item(ip: ItemPlan, get: FieldReader, voided_by: str | None, obs_missing: bool, explain: bool):
    """(score, complete, raw), or Explained with ``explain``.  ``voided_by``: the
    group's void text when its void_if holds; ``obs_missing``: the set has
    blank values (a complete-looking item then checks every field)."""
    item, cls = ip.item, ip.cls
    held: dict[str, bool] = {}
    complete = True
    total = ZERO
    steps: list[Step] | None = [] if explain else None
    for ci, clause in enumerate(item.clauses):
        n_before = len(get.missing)  # missing only ever grows, without repeats
        try:
            if clause.only_if is not None and not clause.only_if.holds(get, held):
                delta, applied, operands = ZERO, False, None
            else:
                delta, applied, operands = clause.apply(get, cls, held)
        except Missing:
            complete = False
            total = total + ZERO
            if steps is not None:
                steps.append(Step(ci, clause.kind, ip.texts[ci], ZERO, "", False, get.missing[n_before:] or list(get.missing)))
            continue
        if clause.id:
            held[clause.id] = applied
        if ip.penalty and delta < 0:
            # a 扣分项's score is the points taken off: a deduction adds to it
            delta = -delta
        total = total + delta
        if steps is not None:
            steps.append(Step(ci, clause.kind, ip.texts[ci], delta, "" if operands is None else clause.expr(operands), applied))
    raw = ip.start + total
    score = q(clamp(raw, ZERO, ip.max), ip.precision)
    # With --partial, an item with any unfilled field scores 0 until it is
    # filled: never the full credit a deduction-only item would otherwise
    # keep, and never a figure that depends on which clause happened to be
    # evaluated first.
    unfilled = []
    if not complete or obs_missing:
        # the fields the unit must answer: not those of a clause whose only_if does not hold
        needed = item_needs(ip, get.row, voided_by is not None)
        unfilled = [f for f in ip.field_ids + ip.unit_reads if f in needed and get.value_of(f) is None]
    if unfilled:
        complete = False
    if voided_by is not None:
        # the whole group scores 0 whatever was observed, so unfilled fields
        # of a voided item cannot change the result
        score = ZERO
        complete = True
    elif not complete:
        score = ZERO
    if steps is None:
        return score, complete, raw
    if voided_by is not None:
        reasons = [voided_by]
    elif not complete:
        reasons = [_("not filled in{fields}; counts 0 for now").format(fields=f" ({', '.join(unfilled)})")]
    elif ip.penalty:
        # a 扣分项's score is the deduction itself: say what was deducted, or nothing
        reasons = [_("minus {points}: {rule}").format(points=fmt(score, None), rule=item.text.splitlines()[0])] if score > 0 else []
    else:
        reasons = _reasons(ip, steps, raw)
    seen = tuple(get.seen or ())
    return Explained(score, raw, complete, tuple(steps), tuple(reasons), seen, ip.keys_of(seen))


def _reasons(ip: ItemPlan, steps: list[Step], raw: Decimal) -> list[str]:
    """Why points were lost, one line per clause that cost something."""
    out = []
    clauses = ip.item.clauses
    for s in steps:
        if s.missing:
            continue
        reason = clauses[s.clause].reason(s, ip.fields, ip.cls)
        if reason is not None:
            out.append(reason)
    if raw < 0:
        out.append(floor_reason(ip.max))
    return out


def floor_reason(m: Decimal) -> str:
    """The reason an item's deductions stopped at 0 (扣完为止)."""
    if m.is_infinite():  # an item without a 分值 of its own, counted from 0
        return _("the deductions add up to more than the credits; the item scores 0")
    return _("the deductions add up to more than the points {points}; the item scores 0").format(points=fmt(m, None))


def item_outcome(ip: ItemPlan, get: FieldReader, voided_by: str | None, obs_missing: bool, explain: bool):
    """NOT_APPLICABLE when the item's applies_if does not hold; else
    (evaluate_item's result, whether applies_if could be decided).  An
    unanswered applies_if scores the item and leaves the unit incomplete."""
    known = True
    for cond in ip.applies:
        try:
            applies = cond.holds(get)
        except Missing:
            applies, known = True, False
        if not applies:
            return NOT_APPLICABLE
    return evaluate_item(ip, get, voided_by, obs_missing, explain), known


def void_outcome(gp: GroupPlan, row: list) -> tuple[bool, str | None]:
    """(voided, note): the group's void_if; an unanswered one does not void
    and says so."""
    get = FieldReader(row, gp.void_pos)
    try:
        return bool(gp.void.holds(get)), None
    except Missing:
        return False, _("{group}: {fields} not filled in; cannot tell whether the whole group scores nothing").format(group=gp.name, fields=", ".join(get.missing))


def veto_outcome(vp: VetoPlan, row: list):
    """True/False, or the names of the unanswered fields."""
    get = FieldReader(row, vp.pos)
    try:
        return vp.veto.when.holds(get)
    except Missing:
        return tuple(get.missing)
