"""Rank groups, standard competition ranking (1, 2, 2, 4), stable order."""

from __future__ import annotations

from typing import Callable, Iterable

from .i18n import _
from .normalize import norm_name
from .engine.results import UnitFigures


ALL = "all"  # the rank group of every unit (--rank-by all)


def group_label(group: str, class_label: Callable[[str], str]) -> str:
    """A rank group as reports name it: its classes by their names (A类,
    A类+B类), or all units."""
    if group == ALL:
        return _("all units")
    return "+".join(class_label(c) for c in group.split("+"))


def parse_rank_by(specs: Iterable[str]) -> dict[str, str]:
    """``--rank-by A+B`` merges classes A and B into one rank group named "A+B".

    Returns class -> group name; classes not mentioned keep their own group.
    ``all`` puts every unit in one group.
    """
    mapping: dict[str, str] = {}
    for spec in specs:
        spec = spec.strip()
        if spec == ALL:
            mapping["*"] = ALL
            continue
        classes = [c.strip() for c in spec.split("+") if c.strip()]
        for c in classes:
            mapping[c] = "+".join(classes)
    return mapping


def rank_group(cls: str, rank_by: dict[str, str]) -> str:
    """The rank group of a unit of class ``cls`` (``parse_rank_by``'s mapping)."""
    if "*" in rank_by:
        return rank_by["*"]
    return rank_by.get(cls, cls)


def rank(results: list[UnitFigures], rank_by: dict[str, str] | None = None) -> list[UnitFigures]:
    """Assign rank_group and rank in place; return results ordered by group then rank.

    Rank groups are by default a unit's class within its rule file (counties,
    A-class departments, B-class departments).  Ties share a rank and the next
    rank skips (1, 2, 2, 4); ties are listed by name for a stable order.  Units
    a veto left without a total share the rank after every scored unit.
    """
    rank_by = rank_by or {}
    groups: dict[str, list[UnitFigures]] = {}
    for r in results:
        g = rank_group(r.cls, rank_by)
        r.rank_group = g
        groups.setdefault(g, []).append(r)
    ordered: list[UnitFigures] = []
    for g in groups:
        # a unit a veto left without a total (单项否决) comes after every scored one
        members = sorted(groups[g], key=lambda r: (r.total is None, -(r.total or 0), norm_name(r.unit), r.unit))
        previous = None
        for i, r in enumerate(members, start=1):
            if previous is not None and r.total == previous.total:
                r.rank = previous.rank
            else:
                r.rank = i
            previous = r
        ordered.extend(members)
    return ordered
