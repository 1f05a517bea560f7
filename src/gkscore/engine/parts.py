"""A table made of parts ("网站占30%,新媒体占70%"): each part is scored on its
own scale like a table of its own -- the sum of its base sections, its bonus
and penalty sections within their caps, its gates, its vetoes -- and the
unit's total is Σ weight × part score, rounded once (``exact.q``): every part
score is an exact sum of rounded item scores, so the weighting is the one
inexact step.

A part's veto gives the part its ``total``; with ``stops`` the part's items
are not scored (nor asked for).  A veto of the whole table (no ``part``) acts
on the weighted total as in any table.

The points of items that do not apply to a unit are made up within their
part, on the part's scale (``na_policy.apply_parts``).  A part none of whose
base items applies, and no veto of which holds, is left out: its score is
None (reports leave it blank), and the total is Σ weight × part score over
the other parts ÷ their weights, rounded once (the left-out part's weight
shared by the others in proportion to theirs; 0 when every part is left
out).
"""

from __future__ import annotations

from decimal import Decimal

from ..exact import ZERO, div, fmt, mul, q
from ..i18n import _
from . import na_policy
from .compiled import ClassPlan
from .results import UnitFigures
from .totals import Tally, apply_vetoes, capped_and_gated, grade_for, table_veto


def stopped_parts(plan: ClassPlan, outcome) -> frozenset:
    """The ids of the sections of the parts a veto stopped scoring (the first
    of a part's vetoes that holds, undecided ones skipped, stops)."""
    out: set = set()
    for pp in plan.parts or ():
        for vp in pp.vetoes:
            held = outcome(vp.i, vp.veto)
            if held.__class__ is tuple:
                continue
            if held:
                if vp.veto.stops:
                    out |= pp.section_ids
                break
    return frozenset(out)


def part_figures(plan: ClassPlan, unit: str, tally: Tally, veto_outcome, base_sections: frozenset) -> UnitFigures:
    """The unit's figures: each part's score, their weighted total (rounded
    once), then the vetoes of the whole table and the grade."""
    rs = plan.rs
    notes, section_totals = tally.notes, tally.section_totals
    made_up = na_policy.apply_parts(plan, tally) if rs.na_policy != "none" and tally.na_max > 0 else {}
    parts: dict[str, Decimal | None] = {}
    weighted = weights = ZERO
    terms = []
    forced_grade = None
    for pp in plan.parts:
        who = f"{pp.name}: "
        vetoed = apply_vetoes(pp.vetoes, veto_outcome, tally, notes, who) if pp.vetoes else None
        na = made_up.get(pp.id)
        if vetoed is not None:
            score = vetoed.total
            if vetoed.stops:
                notes.append(who + _("scores {points}; the part's other indicators are not scored").format(points=fmt(score, None)))
            else:
                notes.append(who + _("scores {points}").format(points=fmt(score, None)))
            if vetoed.grade is not None and forced_grade is None:
                forced_grade = vetoed.grade
        elif na is not None and na.left_out:
            notes.append(who + na.note)
            parts[pp.name] = None  # no score: its column blank, in its place
            continue
        else:
            if na is not None:
                notes.append(who + na.note)
            base = na.base if na is not None and na.base is not None else sum((section_totals[sid] for sid in pp.base_ids), ZERO)
            _bonus_raw, bonus, _penalty_raw, penalty, gate_grade = capped_and_gated(base, section_totals, pp.bonus_caps, pp.penalty_caps, pp.gates, notes, who)
            if gate_grade is not None and forced_grade is None:
                forced_grade = gate_grade
            score = base + bonus - penalty
        parts[pp.name] = score
        weighted += mul(pp.weight, score)
        weights += pp.weight
        terms.append(f"{fmt(pp.weight, None)} × {fmt(score, None)}")
    if len(terms) == len(plan.parts):
        total = q(weighted, rs.precision)
        shown = f"{' + '.join(terms)} = {fmt(weighted, None)}" + (f" → {fmt(total, None)}" if total != weighted else "")
        notes.append(_("total {arithmetic}").format(arithmetic=shown))
    elif terms:  # the weights of the parts left out shared by the others: divided last, rounded once
        exact = div(weighted, weights)
        total = q(exact, rs.precision)
        shown = f"({' + '.join(terms)}) ÷ {fmt(weights, None)} {'=' if total == exact else '≈'} {fmt(total, None)}"
        notes.append(_("total {arithmetic}").format(arithmetic=shown))
    else:
        total = ZERO
        notes.append(_("no indicator applies"))
    total, forced_grade, veto_text = table_veto(plan, veto_outcome, tally, total, forced_grade)
    return UnitFigures(
        unit=unit,
        cls=plan.cls,
        rules_id=rs.id,
        rules_title=rs.title,
        sections=tally.sections,
        base=None,
        bonus=None,
        penalty=None,
        total=total,
        bonus_raw=None,
        penalty_raw=None,
        grade=forced_grade if forced_grade is not None else grade_for(rs, total),
        complete=tally.complete,
        notes=notes,
        veto=veto_text,
        base_sections=base_sections,
        parts=parts,
    )
