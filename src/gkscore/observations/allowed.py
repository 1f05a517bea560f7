"""The machine-readable ``allowed`` grammar.

``allowed`` per field type (documented in docs/observations.md):

    bool    是/否
    count   0..N          whole numbers from 0 to N (N: the sample size), or ``0..`` unbounded
    number  A..B          decimals, either bound may be empty: ``0..100``, ``0..``, ``..``
    date    如 2021-03-31 (a date such as 2021-03-31)
    score   A..B step S   a judged score from A to B on steps of S counted from A

In Chinese the ranges read as words: ``0–100``, ``0 及以上``, ``不超过 5``,
``不限``, ``0–2，步长 0.5``.
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


def _range(low: Decimal | None, high: Decimal | None) -> str:
    """A range as a person reads it: 0–100, 0 及以上, 不超过 5 in Chinese;
    the documented 0..100, 0.., ..5 in English."""
    if low is not None and high is not None:
        return _("{low}..{high}").format(low=_n(low), high=_n(high))
    if low is not None:
        return _("{low}..").format(low=_n(low))
    if high is not None:
        return _("..{high}").format(high=_n(high))
    # TRANSLATORS: a number field without bounds
    return _("..")


def allowed_text(field, cls: str) -> str:
    t = field.type
    if t == "bool":
        return "是/否"  # what to type in either language (see ``wording``)
    if t == "count":
        return _range(Decimal(0), None if field.max is None else Decimal(field.max))
    if t == "number":
        return _range(field.min, field.max)
    if t == "date":
        return _("a date such as 2021-03-31")
    if t == "score":
        lo, hi, step = score_bounds(field, cls)
        return _("{range} step {step}").format(range=_range(lo, hi), step=_n(step))
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
    m = re.fullmatch(r"(?P<range>.*?)(?:[,，]? *(?:step|步长) *(?P<step>[0-9.]+))?", text)
    lo, hi = _parse_range(m.group("range").strip(), text)
    step = m.group("step")
    return {"min": lo, "max": hi, "step": Decimal(step) if step else None}


_NUMBER = r"(-?[0-9]+(?:\.[0-9]+)?)"
# the range forms of either language: 0..100, 0.., ..5, .. / 0–100, 0 及以上, 不超过 5, 不限
_RANGES = [
    (re.compile(_NUMBER + r"? *(?:\.\.|–) *" + _NUMBER + "?"), (1, 2)),
    (re.compile(_NUMBER + r" *及以上"), (1, None)),
    (re.compile(r"不超过 *" + _NUMBER), (None, 1)),
    (re.compile(r"不限"), (None, None)),
]


def _parse_range(text: str, whole: str) -> tuple[Decimal | None, Decimal | None]:
    for pattern, (low, high) in _RANGES:
        m = pattern.fullmatch(text)
        if m:
            def at(group):
                return Decimal(m.group(group)) if group is not None and m.group(group) else None
            return at(low), at(high)
    raise ValueError(f"not an allowed range: {whole!r}")
