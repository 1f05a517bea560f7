"""The main job as one function: read observations, adjust, score, rank.

The CLI fills the options and renders the result; tests call ``run`` directly.
"""

from __future__ import annotations

import os

from dataclasses import dataclass, field
from typing import Callable

from .problems import Problem, ProblemsError


@dataclass
class Options:
    observations: list[str]
    rules: list[str] = field(default_factory=list)
    units: str | None = None
    partial: bool = False
    reader: str = "calamine"
    adjust: list[str] = field(default_factory=list)
    rank_by: list[str] = field(default_factory=list)
    # False: the output is a summary (table, csv, md without --detail): units
    # keep their figures only, and evidence/scorer texts are not kept
    keep_items: bool = True


@dataclass
class Run:
    results: list  # UnitResult, ranked
    rules: list  # LoadedRules actually used, in the order first met
    adjustments: list
    units_index: object
    sets: list

    @property
    def complete(self) -> bool:
        return all(r.complete for r in self.results)

    @property
    def precision(self) -> int:
        return max((lr.ruleset.precision for lr in self.rules), default=2)


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
    from .observations.units_index import UnitsIndex
    from .ranking import parse_rank_by, rank
    from .rules.load import load_rules
    from .scoring import score_set
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
    sets = load_observations(opts.observations, rules=explicit or None, units=units, partial=opts.partial, reader=opts.reader, keep_text=opts.keep_items)
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
    for s in sets:
        lr = rules_by_id[s.rules_id]
        if lr not in used:
            used.append(lr)
        results.extend(score_set(lr.ruleset, s, keep_items=opts.keep_items))
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
    return Run(results=ranked, rules=used, adjustments=adjustments, units_index=index, sets=sets)
