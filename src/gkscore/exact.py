"""Exact decimal arithmetic and the one rounding rule gkscore uses.

The rounding rule, stated once:

    Each item's score is computed exactly in Decimal and then rounded once to
    the rule file's ``precision`` (default 2 decimal places), halves away from
    zero -- the same as Excel's and LibreOffice's ROUND().  Only operations that
    can produce more decimals than that (a proportional credit, a percentage,
    a rescale or a weighted composition) are rounded, each at its own step with
    the same rule.  Every subtotal, bonus, penalty and total is an exact sum of
    already rounded figures, so published columns always add up.

Floats never enter: YAML numbers are read from their text straight into
Decimal, spreadsheet numbers are converted through their shortest repr.
"""

from __future__ import annotations

import decimal
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal

# A private context: enough digits for any realistic table, and traps so that a
# silent inexact division never slips through unnoticed in places we did not
# expect one.
CONTEXT = decimal.Context(prec=34, rounding=ROUND_HALF_UP)

ZERO = Decimal(0)


def q(value: Decimal, places: int) -> Decimal:
    """Round half away from zero to ``places`` decimals (Excel ROUND)."""
    exp = Decimal(1).scaleb(-places)
    return value.quantize(exp, rounding=ROUND_HALF_UP, context=CONTEXT)


def mul(a: Decimal, b: Decimal) -> Decimal:
    return CONTEXT.multiply(a, b)


def div(a: Decimal, b: Decimal) -> Decimal:
    return CONTEXT.divide(a, b)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def fmt(value: Decimal | None, places: int | None = 2) -> str:
    """Plain text for a number: no exponent, no float artefacts, no trailing zeros
    beyond what ``places`` asks for; ``places=None`` shows the exact value."""
    if value is None:
        return ""
    if type(value) is Decimal:
        # The text depends only on the numeric value (equal Decimals such as
        # 1, 1.0 and -0, 0 give the same text), and a table repeats the same
        # few figures for every unit: cache it.
        return _fmt_decimal(value, places)
    if not isinstance(value, Decimal):
        value = Decimal(value)
    return _fmt(value, places)


@lru_cache(maxsize=1 << 14)
def _fmt_decimal(value: Decimal, places: int | None) -> str:
    return _fmt(value, places)


def _fmt(value: Decimal, places: int | None) -> str:
    if places is not None:
        value = q(value, places)
    text = format(value.normalize(CONTEXT), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def fixed(value: Decimal, places: int) -> str:
    """``value`` with exactly ``places`` decimals (95 -> 95.00), rounded by
    the one rule (half away from zero); never an exponent, never -0.  The
    text of every figure shown with fixed decimals."""
    out = q(Decimal(value), places)
    if out.is_zero():
        out = abs(out)
    return format(out, "f")


def to_json_number(value: Decimal | None, places: int | None = 2):
    """A JSON-ready number: int when integral, else a Decimal that json encoders
    written by gkscore emit verbatim (see jsonout.py)."""
    if value is None:
        return None
    if type(value) is Decimal:
        # a report asks this of every figure of every unit, and a table has
        # few distinct figures
        return _json_number(value, places)
    text = fmt(value, places)
    return int(text) if "." not in text else Decimal(text)


@lru_cache(maxsize=1 << 14)
def _json_number(value: Decimal, places: int | None):
    text = fmt(value, places)
    return int(text) if "." not in text else Decimal(text)


def from_float(value: float) -> Decimal:
    """Spreadsheet readers hand us floats; the shortest repr is what the user typed."""
    return Decimal(repr(value))
