"""From a unit's section subtotals to its published figures: not-applicable
rescaling, composition, bonus and penalty caps, gates, vetoes and grade.

The rounding rule is in ``exact.py``: every figure here is an exact sum of
rounded item scores, except where a rescale or a weighted composition
divides, which rounds once at that step.
"""

from __future__ import annotations

from decimal import Decimal

from ..exact import ZERO, fmt, mul, q
from ..rules.threshold import NEGATION, passes, said
from ..i18n import _
from . import na_policy
from .compiled import ClassPlan
from .results import UnitFigures
from .vetoes import undecided_veto, veto_note


class Tally:
    """A unit's running figures, filled group by group (``engine/scorer.py``)
    and turned into a UnitFigures by ``finish``."""

    __slots__ = ("notes", "complete", "items", "sections", "section_totals", "na_max", "na_by_section", "relief_by_section")

    def __init__(self, notes: list[str], sections: dict[str, Decimal], section_totals: dict[str, Decimal]) -> None:
        self.notes, self.sections, self.section_totals = notes, sections, section_totals
        self.complete = True
        self.items: list = []  # what N/A redistribution scales (na_policy.ScoredItem)
        self.na_max = ZERO
        # N/A points and max_lost relief per section: redistribution keeps
        # the relief, and a weighted composition rescales each section by
        # its own N/A share
        self.na_by_section: dict[str, Decimal] = {}
        self.relief_by_section: dict[str, Decimal] = {}


def finish(plan: ClassPlan, unit: str, tally: Tally, veto_outcome, base_sections: frozenset) -> UnitFigures:
    """The unit's figures from its tally.  ``veto_outcome(i, veto)``: True,
    False, or the names of the unanswered fields (None: no vetoes)."""
    rs = plan.rs
    notes, sections, section_totals = tally.notes, tally.sections, tally.section_totals
    base = na_policy.apply(plan, tally) if rs.na_policy != "none" and tally.na_max > 0 else None
    if rs.composition == "weighted":
        for name, weight in plan.weights:
            sections[name] = q(mul(weight, sections[name]), rs.precision)
    if base is None:
        base = sum(sections.values(), ZERO)
    bonus_raw, bonus, penalty_raw, penalty, forced_grade = capped_and_gated(base, section_totals, plan.bonus_caps, plan.penalty_caps, plan.gates, notes)
    total, forced_grade, veto_text = table_veto(plan, veto_outcome, tally, base + bonus - penalty, forced_grade)
    grade = forced_grade if forced_grade is not None else grade_for(rs, total)
    return UnitFigures(
        unit=unit,
        cls=plan.cls,
        rules_id=rs.id,
        rules_title=rs.title,
        sections=sections,
        base=base,
        bonus=bonus,
        penalty=penalty,
        total=total,
        bonus_raw=bonus_raw,
        penalty_raw=penalty_raw,
        grade=grade,
        complete=tally.complete,
        notes=notes,
        veto=veto_text,
        base_sections=base_sections,
    )


def table_veto(plan: ClassPlan, veto_outcome, tally: Tally, total: Decimal, forced_grade):
    """(total, forced grade, veto text) once the vetoes of the whole table
    (not of a part) are tried: the first that holds replaces the total and
    the grade where it gives them."""
    vetoed = apply_vetoes([vp for vp in plan.vetoes if vp.veto.part is None], veto_outcome, tally, tally.notes)
    if vetoed is None:
        return total, forced_grade, None
    return (
        vetoed.total if vetoed.total is not None else total,
        vetoed.grade if vetoed.grade is not None else forced_grade,
        vetoed.text,
    )


def capped_and_gated(base: Decimal, section_totals: dict, bonus_caps: list, penalty_caps: list, gates: list, notes: list[str], who: str = ""):
    """(bonus before its caps, bonus, penalty before its caps, penalty, the
    grade a gate forces or None) of a base score: the caps of the bonus and
    penalty sections, then the gates.  ``who`` names a part in the notes."""
    bonus_raw, bonus = _capped(section_totals, bonus_caps)
    penalty_raw, penalty = _capped(section_totals, penalty_caps)
    if bonus < bonus_raw:
        notes.append(who + _("bonus {raw} is above its limit; {kept} counted").format(raw=fmt(bonus_raw, None), kept=fmt(bonus, None)))
    if penalty < penalty_raw:
        notes.append(who + _("penalty {raw} is above its limit; {kept} counted").format(raw=fmt(penalty_raw, None), kept=fmt(penalty, None)))
    forced_grade = None
    for gate in gates:
        op, bound = gate.bound
        passed = passes(base, op, bound)
        if gate.kind == "bonus_requires_base" and not passed and bonus > 0:
            notes.append(who + _("base score {base} is {threshold}; bonus {bonus} not counted").format(base=fmt(base, None), threshold=said(NEGATION[op], bound), bonus=fmt(bonus, None)))
            bonus = ZERO
        elif gate.kind == "fail_below" and passed:
            forced_grade = gate.grade
            notes.append(who + _("base score {base} is {threshold}; the grade is {grade}").format(base=fmt(base, None), threshold=said(op, bound), grade=gate.grade))
    return bonus_raw, bonus, penalty_raw, penalty, forced_grade


def apply_vetoes(vetoes: list, veto_outcome, tally: Tally, notes: list[str], who: str = ""):
    """The first of ``vetoes`` that holds (None: none does); one that cannot
    be decided is skipped and leaves the unit incomplete.  ``who`` names a
    part in the notes."""
    for vp in vetoes:
        veto = vp.veto
        vetoed = veto_outcome(vp.i, veto)
        if vetoed.__class__ is tuple:  # unanswered
            tally.complete = False
            notes.append(undecided_veto(veto.id, vetoed))
            continue
        if vetoed:
            notes.append(who + veto_note(veto.text))
            return veto
    return None


def grade_for(rs, total: Decimal) -> str | None:
    """Grade band by lower bounds (at least or above), highest first."""
    if rs.grades is None:
        return None
    for band in rs.grades.bands:
        bound = band.bound
        if bound is None or passes(total, bound[0], bound[1]):
            return band.grade
    return None


def _capped(section_totals: dict[str, Decimal], capped: list[tuple[str, Decimal | None]]) -> tuple[Decimal, Decimal]:
    """(Σ totals, Σ min(total, cap)) over the bonus (or penalty) sections
    (a section without a cap counts whole), added in section order from
    ZERO like ``sum``."""
    raw = kept = ZERO
    for sid, cap in capped:
        v = section_totals[sid]
        raw += v
        kept += v if cap is None else min(v, cap)
    return raw, kept
