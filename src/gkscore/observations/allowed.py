"""The machine-readable ``allowed`` grammar.

``allowed`` per field type (documented in docs/observations.md):

    bool    是/否 (yes/no)
    count   0..N          whole numbers from 0 to N (N: the sample size), or ``0..`` unbounded
    number  A..B          decimals, either bound may be empty: ``0..100``, ``0..``, ``..``
    date    如 2021-03-31 (a date such as 2021-03-31)
    score   A..B，步长 S (A..B step S)   a judged score from A to B on steps of S counted from A
    choice  优/良/一般/差  one of the choices, separated by ``/`` (``\\/`` for a slash inside one)

The words are those of the active language; ``parse_allowed`` reads either.
Reading a cell against it is ``values.read_value``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..exact import fmt
from ..i18n import _
from ..rules.resolve import per_class
from .layout import split_escaped


def _n(d: Decimal | None) -> str:
    return "" if d is None else fmt(d, None)


def _escape_choice(c: str) -> str:
    return c.replace("\\", "\\\\").replace("/", "\\/")


def score_bounds(field, cls: str) -> tuple[Decimal, Decimal | None, Decimal]:
    return field.min, per_class(field.max, cls), field.step


def allowed_text(field, cls: str) -> str:
    t = field.type
    if t == "bool":
        return _("yes/no")
    if t == "count":
        return f"0..{'' if field.max is None else field.max}"
    if t == "number":
        return f"{_n(field.min)}..{_n(field.max)}"
    if t == "date":
        return _("a date such as 2021-03-31")
    if t == "score":
        lo, hi, step = score_bounds(field, cls)
        return _("{low}..{high} step {step}").format(low=_n(lo), high=_n(hi), step=_n(step))
    if t == "choice":
        return "/".join(_escape_choice(c) for c in field.choices)
    raise ValueError(t)


def parse_allowed(ftype: str, text: str) -> dict:
    """The inverse of ``allowed_text``: {'min', 'max', 'step'} or {'choices'}."""
    text = text.strip()
    if ftype == "bool":
        return {"choices": ["是", "否"]}
    if ftype == "date":
        return {}
    if ftype == "choice":
        return {"choices": split_escaped(text)}
    m = re.fullmatch(r"(-?[0-9.]*)\.\.(-?[0-9.]*)(?:[,，]? *(?:step|步长) *([0-9.]+))?", text)
    if not m:
        raise ValueError(f"not an allowed range: {text!r}")
    lo, hi, step = (Decimal(g) if g else None for g in m.groups())
    return {"min": lo, "max": hi, "step": step}
