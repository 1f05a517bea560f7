"""Evaluating the rule language's conditions against observed values.

A condition over a missing value is neither true nor false: it raises
``Missing`` so that the caller marks the item incomplete instead of silently
scoring it as 0 or as full credit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable

from .rules.model import AllOf, AnyOf, ClauseHolds, FieldTest, NotOf


class Missing(Exception):
    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


Getter = Callable[[str], object]  # field id -> value, raises Missing


def holds(cond, get: Getter, clauses_held: dict[str, bool] | None = None) -> bool:
    if isinstance(cond, FieldTest):
        value = get(cond.field)
        first = _first_comparison(cond)
        if first is None:
            return value is True
        op, want = first
        return _compare(value, op, want)
    if isinstance(cond, AllOf):
        # Evaluate every part so a missing value anywhere is reported, rather
        # than hidden behind an early False.
        results = [holds(c, get, clauses_held) for c in cond.all]
        return all(results)
    if isinstance(cond, AnyOf):
        results = [holds(c, get, clauses_held) for c in cond.any]
        return any(results)
    if isinstance(cond, NotOf):
        return not holds(cond.not_, get, clauses_held)
    if isinstance(cond, ClauseHolds):
        return bool((clauses_held or {}).get(cond.clause, False))
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover - the model forbids it


_FIRST: dict[int, tuple] = {}


def _first_comparison(cond: FieldTest):
    """cond.comparisons()[0] (or None), once per condition object: the rule
    model is immutable and holds() runs for every unit."""
    hit = _FIRST.get(id(cond))
    if hit is not None and hit[0] is cond:
        return hit[1]
    comps = cond.comparisons()
    first = comps[0] if comps else None
    _FIRST[id(cond)] = (cond, first)
    return first


def _compare(value, op: str, want) -> bool:
    if isinstance(value, bool) or isinstance(want, bool):
        if op == "eq":
            return value is want
        if op == "ne":
            return value is not want
        raise TypeError("booleans compare with eq/ne only")
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if op == "eq":
        return value == want
    if op == "ne":
        return value != want
    if op == "in":
        return value in want
    if op == "ge":
        return value >= want
    if op == "gt":
        return value > want
    if op == "le":
        return value <= want
    if op == "lt":
        return value < want
    raise TypeError(f"unknown comparison {op}")  # pragma: no cover


_OP_TEXT = {"eq": "=", "ne": "≠", "ge": "≥", "gt": ">", "le": "≤", "lt": "<", "in": "∈"}


def describe(cond) -> str:
    """A short human rendering, e.g. ``weight ≥ 4`` or ``all(a, b)``."""
    if isinstance(cond, FieldTest):
        comps = cond.comparisons()
        if not comps:
            return f"{cond.field} = 是"
        op, want = comps[0]
        if isinstance(want, bool):
            want = "是" if want else "否"
        elif isinstance(want, list):
            want = "/".join(want)
        elif isinstance(want, Decimal):
            want = format(want.normalize(), "f")
        return f"{cond.field} {_OP_TEXT[op]} {want}"
    if isinstance(cond, AllOf):
        return " 且 ".join(describe(c) for c in cond.all)
    if isinstance(cond, AnyOf):
        return "(" + " 或 ".join(describe(c) for c in cond.any) + ")"
    if isinstance(cond, NotOf):
        return f"非({describe(cond.not_)})"
    if isinstance(cond, ClauseHolds):
        return f"条款 {cond.clause} 成立"
    return "?"
