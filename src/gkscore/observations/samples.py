"""Random valid values for observation fields: for tests, demos and examples."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from .allowed import score_bounds


def sample_value(field, cls: str, rng: random.Random):
    """A random valid typed value (bool, int, Decimal, date or str)."""
    t = field.type
    if t == "bool":
        return rng.random() < 0.5
    if t == "count":
        hi = field.max if field.max is not None else 20
        return rng.randint(0, hi)
    if t == "number":
        lo = field.min if field.min is not None else Decimal(-50)
        hi = field.max if field.max is not None else Decimal(500)
        steps = int((hi - lo) / Decimal("0.25"))
        return lo + Decimal("0.25") * rng.randint(0, max(steps, 0))
    if t == "date":
        return dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 730))
    if t == "score":
        lo, hi, step = score_bounds(field, cls)
        n = int((hi - lo) / step)
        return lo + step * rng.randint(0, n)
    if t == "choice":
        return rng.choice(list(field.choices))
    raise ValueError(t)


def as_text(value) -> str:
    """How a value is typed into a csv cell."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def as_cell(value):
    """How a value is put into an xlsx cell (native types; yes/no as 是/否)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value
