"""The main job as one function: read observations, adjust, score, rank.

The CLI fills the options and renders the result; tests call ``run`` directly.
"""

from __future__ import annotations

import contextlib
import os

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from .i18n import _
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
    # True: ``Run.results`` are the units' details (UnitDetail), for callers
    # that want every unit's items at hand; False: their figures only (what
    # ranking and a summary need), and a report that shows items asks
    # ``Run.detail`` for one unit at a time
    keep_items: bool = True
    # keep the evidence and scorer texts of the observations; None: as
    # keep_items.  A streamed item report (json, xlsx, --detail) keeps
    # figures only but shows the texts, so it sets keep_items=False and
    # keep_text=True; only a summary drops them.
    keep_text: bool | None = None


@dataclass
class Run:
    """What a scoring run gives every reporter: the ranked results, the rule
    files used, the adjustments, and each unit's detail on demand."""

    results: list  # UnitFigures (or UnitDetail), ranked
    rules: list  # LoadedRules actually used, in the order first met
    adjustments: list = field(default_factory=list)
    units_index: object = None
    sets: list = field(default_factory=list)
    # the Scorer of each set, by the set's place in ``sets`` (made when first asked)
    scorers: dict = field(default_factory=dict, repr=False)

    # each adjusted unit's total and rank before and after the adjustments
    # (``adjustments.effect.UnitChange``), in report order
    adjustment_changes: list = field(default_factory=list)
    # what the run found worth a word without failing: adjustments that
    # change nothing (Problems with severity warning)
    warnings: list = field(default_factory=list)

    # the units with no observation at all (only with --partial; else they
    # are a missing-unit problem): 未完成, never scored or ranked, listed by
    # every report after the ranked units of their rank group
    missing: list = field(default_factory=list)  # MissingUnit
    # told of each detail given out (``counting``): a report's progress
    _on_detail: Callable[[], object] | None = field(default=None, repr=False)

    @property
    def complete(self) -> bool:
        return not self.missing and all(r.complete for r in self.results)

    @property
    def missing_units(self) -> list[tuple[str, str]]:
        """(rules id, unit) of the missing units, in roster order."""
        return [(m.rules_id, m.unit) for m in self.missing]

    @property
    def precision(self) -> int:
        return max((lr.ruleset.precision for lr in self.rules), default=2)

    def scorer(self, rules_id: str, unit: str):
        """The Scorer of the set ``unit`` was scored from."""
        i = next(i for i, s in enumerate(self.sets) if s.rules_id == rules_id and unit in s.units)
        scorer = self.scorers.get(i)
        if scorer is None:
            from .scoring import Scorer, compile_rules

            rs = next(lr.ruleset for lr in self.rules if lr.ruleset.id == rules_id)
            compiled = next((sc.compiled for sc in self.scorers.values() if sc.compiled.rs is rs), None) or compile_rules(rs)
            scorer = self.scorers[i] = Scorer(compiled, self.sets[i])
        return scorer

    def detail(self, unit):
        """``unit``'s detail: its figures as they are (ranked) and its items
        (steps, reasons, observations), from the same memoised evaluator that
        gave the figures.  The caller writes it out and drops it, so an item
        report holds one unit's items at a time, not 100,000 units'.  A detail
        is returned as it is."""
        from .engine.results import UnitDetail

        if self._on_detail is not None:
            self._on_detail()
        if isinstance(unit, UnitDetail):
            return unit
        return self.scorer(unit.rules_id, unit.unit).detail(unit)

    def explained(self, unit):
        """``unit``'s items without an ItemResult each: ((fields, keys) per
        item, ``texts(keys)``, ``item(fields, keys)``), where ``fields`` are
        what every unit with the same explanation shares
        (``Scorer.explained``), ``texts`` gives the unit's own (evidence,
        scorer) of the observations at ``keys``, and ``item`` makes the
        ItemResult ``detail`` would.  None when the unit's items are to be
        had from ``detail`` only (a detail given, an N/A policy's own
        figures); it counts as ``detail`` does."""
        from .engine.results import UnitDetail
        from .engine.scorer import item_maker

        if isinstance(unit, UnitDetail):
            return None
        scorer = self.scorer(unit.rules_id, unit.unit)
        entries = scorer.explained(unit)
        if entries is None:
            return None
        if self._on_detail is not None:
            self._on_detail()
        return (entries, *item_maker(scorer.obs, unit.unit))

    @contextlib.contextmanager
    def counting(self, advance: Callable[[], object]):
        """Call ``advance()`` for each unit's detail given out while inside: a
        report that shows items asks for each unit's once, so its progress
        is the units written."""
        self._on_detail = advance
        try:
            yield
        finally:
            self._on_detail = None


@dataclass(frozen=True)
class MissingUnit:
    """A unit of the roster with no observations (``--partial``): where a
    report lists it, never a score."""

    unit: str
    cls: str
    rules_id: str
    rules_title: str
    rank_group: str
    complete: bool = False


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
        r.base_sections = self._sets.setdefault(r.base_sections, r.base_sections)
        return r


def load_units_option(path: str | None):
    from .rules.load import bundled_paths, load_units

    return load_units(path or bundled_paths()[2])


def run(opts: Options) -> Run:
    """Load, read, adjust, score and rank; the long steps report their
    progress (``progress.step``)."""
    from .timing import gc_paused

    with gc_paused():
        return _run(opts)


def _run(opts: Options) -> Run:
    from .adjustments import load_adjustments
    from .i18n import _
    from .observations.api import load_observations
    from .progress import file_sizes, step
    from .observations.roster import Subset
    from .observations.units_index import UnitsIndex
    from .ranking import parse_rank_by, rank, rank_group
    from .rules.load import load_rules
    from .scoring import Scorer, compile_rules
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
    with step(_("reading observations"), file_sizes(opts.observations), size=True):
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
    compiled: dict[str, object] = {}
    scorers: dict[int, Scorer] = {}
    shared = _Shared()
    with step(_("scoring"), sum(len(s.units) for s in sets)) as advance:
        for i, s in enumerate(sets):
            lr = rules_by_id[s.rules_id]
            if lr not in used:
                used.append(lr)
            if lr.ruleset.id not in compiled:
                compiled[lr.ruleset.id] = compile_rules(lr.ruleset)
            scorer = scorers[i] = Scorer(compiled[lr.ruleset.id], s)
            # each unit's figures shared as soon as it is scored: never 100,000
            # units' unshared figures at once
            for unit, cls in s.units.items():
                results.append(shared.figures(scorer.figures(unit, cls)))
                advance()
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
    mapping = parse_rank_by(opts.rank_by)
    missing = []
    for s in sets:
        lr = rules_by_id[s.rules_id]
        if s.missing_units and lr not in used:
            used.append(lr)
        for name in s.missing_units:
            unit = index.find(name)
            cls = unit.cls if unit is not None else ""
            missing.append(MissingUnit(name, cls, s.rules_id, lr.ruleset.title, rank_group(cls, mapping)))
    changes, warnings = [], []
    if adjustments:
        from .adjustments.effect import changes as adjustment_changes

        changes, warnings = adjustment_changes(adjustments, ranked, sets, compiled.__getitem__)
        mark("adjustments before and after")
    run = Run(results=ranked, rules=used, adjustments=adjustments, units_index=index, sets=sets, scorers=scorers, missing=missing,
              adjustment_changes=changes, warnings=warnings)
    if opts.keep_items:
        run.results = [run.detail(r) for r in ranked]
    return run
