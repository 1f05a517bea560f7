"""The main job as one function: read observations, adjust, score, rank.

The CLI fills the options and renders the result; tests call ``run`` directly.
"""

from __future__ import annotations

import os

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from .problems import Problem, ProblemsError


@dataclass
class Options:
    observations: list[str]
    rules: list[str] = field(default_factory=list)
    units: str | None = None
    partial: bool = False
    # a subset of the roster said on the command line (--class, --unit)
    classes: list[str] = field(default_factory=list)
    unit_names: list[str] = field(default_factory=list)
    adjust: list[str] = field(default_factory=list)
    rank_by: list[str] = field(default_factory=list)
    # False: units keep their figures only (what ranking and a summary need);
    # a report that shows items asks ``Run.full`` for one unit at a time
    keep_items: bool = True
    # keep the evidence and scorer texts of the observations; None: as
    # keep_items.  A streamed item report (json, xlsx, --detail) scores
    # without items but shows the texts, so it sets keep_items=False and
    # keep_text=True; only a summary drops them.
    keep_text: bool | None = None


@dataclass
class Run:
    results: list  # UnitResult, ranked
    rules: list  # LoadedRules actually used, in the order first met
    adjustments: list
    units_index: object
    sets: list
    # rules id -> [(RuleSet, ObservationSet)] the units were scored from
    origins: dict = field(default_factory=dict, repr=False)

    @property
    def complete(self) -> bool:
        return not self.missing_units and all(r.complete for r in self.results)

    @property
    def missing_units(self) -> list[tuple[str, str]]:
        """(rules id, unit) of the units with no observation at all (only
        with --partial; else they are a missing-unit problem): 未完成, never
        scored or ranked."""
        return [(s.rules_id, u) for s in self.sets for u in s.missing_units]

    @property
    def precision(self) -> int:
        return max((lr.ruleset.precision for lr in self.rules), default=2)

    def full(self, unit):
        """``unit`` with its items (steps, reasons, observations).

        A result scored with items is returned as it is.  A figures-only
        result is scored again, with items, from the same rules and (already
        adjusted) observations; the caller writes it out and drops it, so an
        item report holds one unit's items at a time, not 100,000 units'.
        Scoring is a pure function of rules and observations, so the figures
        are those of ``unit``; a difference would be a bug and is refused.
        """
        if unit.base_sections is None:
            return unit
        from .scoring import score_unit

        rs, obs = next((rs, obs) for rs, obs in self.origins[unit.rules_id] if unit.unit in obs.units)
        out = score_unit(rs, unit.cls, unit.unit, obs, keep_items=True)
        if (out.total, out.base, out.bonus, out.penalty, out.complete) != (unit.total, unit.base, unit.bonus, unit.penalty, unit.complete):
            raise AssertionError(f"internal error: {unit.unit} scored {out.total} with items but {unit.total} without")
        out.rank_group, out.rank = unit.rank_group, unit.rank
        return out


class _Shared:
    """One object per distinct figure instead of one per unit.

    Figures-only results are kept for every unit until the report is
    written, and their Decimals (a dozen a unit) and section sets repeat from
    unit to unit: sharing them saves about 1 kB a unit, 100 MB for 100,000
    units.  Both are immutable.  Decimals are matched by their text, which
    keeps the exponent: 2.0 and 2.00 stay apart."""

    def __init__(self) -> None:
        self._decimals: dict[str, Decimal] = {}
        self._sets: dict[frozenset, frozenset] = {}

    def _one(self, value):
        if type(value) is not Decimal:
            return value
        return self._decimals.setdefault(str(value), value)

    def figures(self, r):
        one = self._one
        r.sections = {name: one(v) for name, v in r.sections.items()}
        r.base, r.bonus, r.penalty, r.total = one(r.base), one(r.bonus), one(r.penalty), one(r.total)
        r.bonus_raw, r.penalty_raw = one(r.bonus_raw), one(r.penalty_raw)
        if r.base_sections is not None:
            r.base_sections = self._sets.setdefault(r.base_sections, r.base_sections)
        return r


def load_units_option(path: str | None):
    from .rules.load import bundled_paths, load_units

    return load_units(path or bundled_paths()[2])


def run(opts: Options, progress: Callable[[str], None] | None = None) -> Run:
    from .timing import gc_paused

    with gc_paused():
        return _run(opts, progress)


def _run(opts: Options, progress: Callable[[str], None] | None = None) -> Run:
    from .adjustments import load_adjustments
    from .observations.api import load_observations
    from .observations.roster import Subset
    from .observations.units_index import UnitsIndex
    from .ranking import parse_rank_by, rank
    from .rules.load import load_rules
    from .scoring import score_set, score_unit
    from .timing import mark

    mark("start-up")
    problems: list[Problem] = []
    explicit = []
    for path in opts.rules:
        try:
            explicit.append(load_rules(path))
        except ProblemsError as exc:
            problems.extend(exc.problems)
    units = None
    try:
        units = load_units_option(opts.units)
    except ProblemsError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ProblemsError(problems, exit_code=max(2 if p.code in ("not-found", "unreadable") else 1 for p in problems))
    mark("load rules and units")
    if progress:
        progress("reading observations")
    sets = load_observations(opts.observations, rules=explicit or None, units=units, partial=opts.partial, subset=Subset(opts.classes, opts.unit_names),
                             keep_text=opts.keep_items if opts.keep_text is None else opts.keep_text)
    mark("check and merge")
    rules_by_id = {s.rules_id: s.rules for s in sets}
    index = UnitsIndex(units)
    adjustments = []
    adj_problems: list[Problem] = []
    for path in opts.adjust:
        try:
            adjustments.extend(load_adjustments(path, sets, rules_by_id, index))
        except ProblemsError as exc:
            adj_problems.extend(exc.problems)
    if adj_problems:
        raise ProblemsError(adj_problems)
    mark("load rules and units")
    if progress:
        progress("scoring")
    # Tables in a stable, meaningful order whatever the order of the files:
    # the --rules order when given, else the bundled order (county first).
    from .rules.load import bundled_paths

    preferred = [os.path.realpath(lr.path) for lr in explicit] + [os.path.realpath(p) for p in bundled_paths()]

    def table_order(s) -> tuple:
        path = os.path.realpath(s.rules.path)
        return (preferred.index(path) if path in preferred else len(preferred), s.rules_id)

    sets = sorted(sets, key=table_order)
    results = []
    used = []
    origins: dict[str, list] = {}
    shared = _Shared()
    for s in sets:
        lr = rules_by_id[s.rules_id]
        if lr not in used:
            used.append(lr)
        origins.setdefault(lr.ruleset.id, []).append((lr.ruleset, s))
        if opts.keep_items:
            results.extend(score_set(lr.ruleset, s, keep_items=True))
            continue
        # score_set's loop, sharing each unit's figures as soon as it is
        # scored: never 100,000 units' unshared figures at once
        for unit, cls in s.units.items():
            results.append(shared.figures(score_unit(lr.ruleset, cls, unit, s, keep_items=False)))
    mark("score")
    ranked = rank(results, parse_rank_by(opts.rank_by))
    # Keep rule-file order first, then rank group, then rank.
    order = {lr.ruleset.id: i for i, lr in enumerate(used)}
    group_pos: dict[str, int] = {}
    for r in ranked:
        pos = list(rules_by_id[r.rules_id].ruleset.classes).index(r.cls)
        group_pos[r.rank_group] = min(group_pos.get(r.rank_group, pos), pos)
    ranked.sort(key=lambda r: (order[r.rules_id], group_pos[r.rank_group], r.rank_group, r.rank))
    mark("rank")
    return Run(results=ranked, rules=used, adjustments=adjustments, units_index=index, sets=sets, origins=origins)
