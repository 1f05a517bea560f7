"""Thresholds as tables write them: 高于/超过, 不低于/达到, 低于/不足, 不高于/不超过.

The same four words mark a threshold wherever one appears in a rule file
(a field test, a gate, a grade band), so "高于80分" is ``above: 80`` and
never ``80.01``:

    above     >   高于, 超过
    at_least  >=  不低于, 达到, 以上(含本数)
    below     <   低于, 不足
    at_most   <=  不高于, 不超过, 以内(含本数)

Each word is the name of a comparison the engine makes (``gt`` ...), its
spreadsheet operator and its words in reasons and notes (``said``).
"""

from __future__ import annotations

from decimal import Decimal

from ..exact import fmt
from ..i18n import pgettext

# the word a rule file writes -> the comparison it names
WORDS = {"above": "gt", "at_least": "ge", "below": "lt", "at_most": "le"}
FORMULA_OP = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
# the comparison that fails exactly when this one holds
NEGATION = {"gt": "le", "ge": "lt", "lt": "ge", "le": "gt"}


def passes(value: Decimal, op: str, bound: Decimal) -> bool:
    """``value <op> bound`` for one of the four threshold comparisons."""
    if op == "gt":
        return value > bound
    if op == "ge":
        return value >= bound
    if op == "lt":
        return value < bound
    if op == "le":
        return value <= bound
    raise ValueError(f"not a threshold comparison: {op}")


def said(op: str, bound: Decimal) -> str:
    """"高于 80" -- a threshold in the words of reasons and notes."""
    words = {
        "gt": pgettext("threshold", "above"),
        "ge": pgettext("threshold", "at least"),
        "lt": pgettext("threshold", "below"),
        "le": pgettext("threshold", "at most"),
    }
    return f"{words[op]} {fmt(bound, None)}"


def written(model, keys: dict[str, str]) -> list[tuple[str, str, Decimal]]:
    """(key as written, comparison, bound) of every threshold key of
    ``model`` given a value; ``keys`` maps a key to its comparison."""
    out = []
    for key, op in keys.items():
        value = getattr(model, key, None)
        if value is not None:
            out.append((key, op, value))
    return out
