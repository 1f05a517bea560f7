"""What the adjustments changed: each adjusted unit's total and rank before
and after, and the adjustments that change nothing.

"Before" costs little: only the adjusted units are scored again, from their
values as read (``_AsRead``: the set with the adjusted values put back),
and a unit's rank before is its place among the totals of its rank group as
they were (the other adjusted units' totals before, everybody else's as
published), counted, not ranked again.  An adjustment changes nothing when
it gives the value already observed, or when the unit's figures (total,
subtotals, bonus, penalty, grade, completeness, veto) come out the same
without it: a warning at its row, which does not fail the run.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal

from ..exact import fmt
from ..i18n import _
from ..problems import WARNING, Problem, quote


@dataclass(frozen=True)
class UnitChange:
    """One adjusted unit: its figures before and after the adjustments."""

    unit: str
    cls: str
    rules_id: str
    rank_group: str
    total_before: Decimal | None
    total_after: Decimal | None
    rank_before: int
    rank_after: int
    grade_before: str | None
    grade_after: str | None
    adjustments: int  # how many rows adjusted it

    @property
    def total_change(self) -> Decimal | None:
        if self.total_before is None or self.total_after is None:
            return None
        return self.total_after - self.total_before


class _AsRead:
    """An ObservationSet seen with some adjusted values as they were read;
    scoring reads it value by value (``value``), never through codes."""

    def __init__(self, base, old: dict, was_missing: bool) -> None:
        self.base = base
        self.rules_id = base.rules_id
        self.units = base.units
        self.values = old  # a mapping of its own: a Scorer over it reads afresh
        # a value that was not filled (--partial) is missing again: scoring
        # then treats blanks as not filled, as it did for the set as read
        self.missing = base.missing if base.missing or not was_missing else {("", "", "")}

    def code_rows(self, keys):
        return None

    def value(self, unit: str, owner: str, field_id: str):
        key = (unit, owner, field_id)
        if key in self.values:
            return self.values[key]
        return self.base.value(unit, owner, field_id)


def _shown(f) -> tuple:
    """The figures a report publishes for a unit."""
    return (
        f.total, f.base, f.bonus, f.penalty, tuple(sorted(f.sections.items())), f.grade, f.complete, f.veto, f.stopped,
        tuple(sorted(f.parts.items())) if getattr(f, "parts", None) is not None else None,
    )


def _scored_as_read(compiled, obs, adjustments) -> object:
    from ..scoring import Scorer

    old: dict = {}
    was_missing = False
    for a in adjustments:  # a value adjusted in two files: as read is before the first
        if a.key not in old:
            old[a.key] = a.old_value
            was_missing = was_missing or a.was_missing
    return Scorer(compiled, _AsRead(obs, old, was_missing))


def changes(adjustments: list, results: list, sets: list, compiled_of) -> tuple[list[UnitChange], list[Problem]]:
    """(one UnitChange per adjusted unit in report order, the warnings about
    adjustments that change nothing).  ``results``: the ranked figures;
    ``compiled_of(rules_id)``: the rules compiled for scoring."""
    if not adjustments:
        return [], []
    by_unit: dict[tuple[str, str], list] = {}
    for a in adjustments:
        by_unit.setdefault((a.rules_id, a.unit), []).append(a)
    after = {(r.rules_id, r.unit): r for r in results if (r.rules_id, r.unit) in by_unit}
    set_of = {}
    for s in sets:
        for key in by_unit:
            if key[0] == s.rules_id and key[1] in s.units:
                set_of[key] = s
    before: dict[tuple[str, str], object] = {}
    scorers: dict[int, object] = {}
    for key, adjs in by_unit.items():
        obs = set_of[key]
        scorer = scorers.get(id(obs))
        if scorer is None:
            every = [a for k, aa in by_unit.items() if set_of[k] is obs for a in aa]
            scorer = scorers[id(obs)] = _scored_as_read(compiled_of(obs.rules_id), obs, every)
        before[key] = scorer.figures(key[1], after[key].cls)
    warnings = []
    for key, adjs in by_unit.items():
        obs, now = set_of[key], after[key]
        unchanged = _shown(before[key]) == _shown(now)
        for a in adjs:
            if a.same_value:
                warnings.append(_warning(a, "adjust-same-value", _("the adjustment changes nothing: {unit} {indicator} {question} already is {value}; correct the value or delete the row").format(
                    unit=quote(a.unit), indicator=a.indicator, question=quote(a.question), value=quote(a.after))))
                continue
            if not unchanged and len(adjs) > 1:
                # with the unit's other adjustments applied, does this one count?
                alone = _scored_as_read(compiled_of(obs.rules_id), obs, [a]).figures(a.unit, now.cls)
                if _shown(alone) != _shown(now):
                    continue
            elif not unchanged:
                continue
            warnings.append(_warning(a, "adjust-no-effect", _("the adjustment changes none of {unit}'s figures (total {total}): {indicator} {question} {before} → {after} scores the same; check the indicator and the observation item, or delete the row").format(
                unit=quote(a.unit), total=_total(now.total), indicator=a.indicator, question=quote(a.question), before=quote(a.before or _("(empty)")), after=quote(a.after))))
    return _ranked(by_unit, before, after, results), warnings


def _total(value) -> str:
    return _("vetoed") if value is None else fmt(value, None)


def _warning(a, code: str, message: str) -> Problem:
    s = a.source
    return Problem(file=s.file, code=code, message=message, sheet=s.sheet, cell=s.cell, line=s.line, severity=WARNING, unit=a.unit, subject=a.indicator, found=a.after)


def _ranked(by_unit: dict, before: dict, after: dict, results: list) -> list[UnitChange]:
    """The UnitChanges, with each unit's rank among the totals before."""
    groups = {after[k].rank_group for k in by_unit}
    totals: dict[str, list] = {g: [] for g in groups}
    for r in results:
        if r.rank_group in groups:
            key = (r.rules_id, r.unit)
            totals[r.rank_group].append(before[key].total if key in before else r.total)
    scored: dict[str, list] = {}
    for g, values in totals.items():
        scored[g] = sorted(-t for t in values if t is not None)  # ascending negatives: bisect counts the greater totals
    out = []
    for r in results:
        key = (r.rules_id, r.unit)
        if key not in by_unit:
            continue
        b = before[key]
        ahead = scored[r.rank_group]
        rank_before = 1 + (len(ahead) if b.total is None else bisect_left(ahead, -b.total))
        out.append(UnitChange(r.unit, r.cls, r.rules_id, r.rank_group, b.total, r.total, rank_before, r.rank, b.grade, r.grade, len(by_unit[key])))
    return out
