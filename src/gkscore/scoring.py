"""Scoring units against a rule set: the engine's entry points.

Pure functions over the rule model and an ObservationSet; no I/O.  The
engine itself is ``engine/`` (docs/architecture.md): one evaluator per clause
kind, behind a memo.  The rounding rule is in ``exact.py``: an item's score
is computed exactly, clamped to [0, 分值] (扣完为止) and rounded once to the
rule file's precision; every other figure is an exact sum of rounded figures.

Two result types: ``UnitFigures`` (what ranking and summaries need) and
``UnitDetail`` (the figures and every item with its explanation).
"""

from __future__ import annotations

from typing import Callable

from .engine.compiled import CompiledRules
from .engine.results import ItemResult, Step, UnitDetail, UnitFigures
from .engine.scorer import Scorer
from .engine.totals import grade_for

# A unit's result in a type hint: figures, or a detail (which is figures too).
UnitResult = UnitFigures


def compile_rules(rs) -> CompiledRules:
    """A rule set ready for scoring (make one per rule set and reuse it)."""
    return CompiledRules(rs)


def _compiled(rules) -> CompiledRules:
    return rules if isinstance(rules, CompiledRules) else CompiledRules(rules)


def score_figures(rules, cls: str, unit: str, obs) -> UnitFigures:
    """One unit's figures (``rules``: a RuleSet or CompiledRules)."""
    return Scorer(_compiled(rules), obs).figures(unit, cls)


def score_unit(rules, cls: str, unit: str, obs) -> UnitDetail:
    """One unit's figures and items (``rules``: a RuleSet or CompiledRules)."""
    scorer = Scorer(_compiled(rules), obs)
    return scorer.detail(scorer.figures(unit, cls))


def score_set(rules, obs, progress: Callable[[int], None] | None = None, *, detail: bool = True) -> list[UnitFigures]:
    """Every unit of ``obs``, in the set's order: details, or with
    ``detail=False`` figures only."""
    scorer = Scorer(_compiled(rules), obs)
    out = []
    for i, (unit, cls) in enumerate(obs.units.items()):
        figures = scorer.figures(unit, cls)
        out.append(scorer.detail(figures) if detail else figures)
        if progress is not None:
            progress(i)
    return out


__all__ = [
    "CompiledRules",
    "ItemResult",
    "Scorer",
    "Step",
    "UnitDetail",
    "UnitFigures",
    "UnitResult",
    "compile_rules",
    "grade_for",
    "score_figures",
    "score_set",
    "score_unit",
]
