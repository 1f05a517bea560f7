"""One cell, as a reader gives it, becomes one typed value: the value model.

A cell is what python-calamine or the csv module hands over, untouched: a
``str`` (``""`` for an empty cell), a ``float``, ``int`` or ``bool`` (Excel
numbers and TRUE/FALSE cells), a ``datetime``/``date``/``time`` (cells
formatted as dates).  ``read_value`` turns it, once, into the typed value of
a field -- ``bool`` (yes/no), ``int`` (count), ``Decimal`` (number, score),
``date``, or the choice as the rule file spells it -- or into an error
``(code, message)`` with code ``bad-value``, ``out-of-range`` or
``off-step``.  ``cell_text`` is the cell's text as shown in messages and
the audit trail.

What office staff type is accepted (docs/observations.md): yes/no words,
numbers and dates as text, full-width letters, digits and punctuation
(Ａ１２．５ reads as A12.5), spaces around the text.  Nothing else is
stretched to fit: other digit forms (Arabic-Indic, superscripts, circled),
underscores, exponents, ``inf``/``nan`` and spaces inside a number are a bad
value, never a number, never yes.  A float is read through its shortest
repr, never through float arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

from ..exact import fmt, from_float
from .allowed import score_bounds

TRUE_WORDS = {"是", "√", "✓", "✔", "有", "y", "yes", "1", "true", "对"}
FALSE_WORDS = {"否", "×", "✗", "✘", "无", "n", "no", "0", "false", "错", "没有"}
ACCEPTED_BOOL = "是/否, √/×, 有/无, Y/N, 1/0, TRUE/FALSE"


def accepted_dates() -> str:
    """The ways of writing a date the reader takes, in the active language."""
    from ..i18n import _

    return _("2021-03-31, 2021/3/31, 2021年3月31日, 2021.3.31 or an Excel date")

MAX_NUMBER_TEXT = 40  # longer "numbers" are not numbers anyone typed

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DATES = [
    re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"),
    re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})"),
    re.compile(r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?"),
]
# Full-width ASCII (U+FF01-U+FF5E) to ASCII, and the spaces people paste.
_NARROW = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {ord(s): " " for s in "\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"}



class Issue(NamedTuple):
    """Why a cell or row cannot be taken: a problem code, the message, and
    what to fill instead (for the problem list sent back to the scorers)."""

    code: str
    message: str
    fill: str | None = None


def narrow(text: str) -> str:
    """Full-width characters as ASCII, odd spaces as spaces, trimmed: the one
    folding of a value's text (names are matched by ``normalize.norm_name``)."""
    if text.isascii():
        return text.strip()
    return _narrow(text)


@lru_cache(maxsize=1 << 16)
def _narrow(text: str) -> str:
    # sheets repeat the same few texts (是/否, choices) on every row
    return text.translate(_NARROW).strip()


def is_blank(cell: Any) -> bool:
    """An empty cell, or one holding only spaces."""
    return cell is None or (cell.__class__ is str and (cell == "" or narrow(cell) == ""))


def cell_text(cell: Any) -> str:
    """The text of a cell as found, for messages and the audit trail."""
    t = cell.__class__
    if t is str:
        return cell
    if cell is None:
        return ""
    if t is bool:
        return "TRUE" if cell else "FALSE"
    if t is float:
        return _float_text(cell)
    if t is int or t is Decimal:
        return fmt(Decimal(cell), None)
    cell = _excel_epoch(cell)
    if isinstance(cell, dt.datetime) and cell.time() == dt.time(0) and cell.tzinfo is None:
        return cell.date().isoformat()
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    return str(cell)


def _float_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    return fmt(from_float(value), None)


def _excel_epoch(cell: Any) -> Any:
    """A date serial of 0 or below is no date anyone typed: calamine gives it
    as the time 00:00:00; a date before 1900 from elsewhere means the same."""
    if isinstance(cell, dt.date) and cell.year < 1900:
        return dt.time(0)
    return cell


def _number(cell: Any) -> Decimal | None:
    t = cell.__class__
    if t is float:
        if cell != cell or cell in (float("inf"), float("-inf")):
            return None
        d = from_float(cell)
        return Decimal(int(d)) if d == d.to_integral_value() else d
    if t is int:
        return Decimal(cell)
    if t is str:
        text = narrow(cell)
        if len(text) <= MAX_NUMBER_TEXT and _NUMBER.fullmatch(text):
            try:
                return Decimal(text)
            except InvalidOperation:  # pragma: no cover - the regex guards
                return None
    return None


def _date(cell: Any) -> dt.date | None:
    if isinstance(cell, dt.datetime):
        return cell.date() if cell.time() == dt.time(0) else None
    if isinstance(cell, dt.date):
        return cell
    if cell.__class__ is str:
        text = narrow(cell)
        for pattern in _DATES:
            m = pattern.fullmatch(text)
            if m:
                try:
                    return dt.date(*(int(g) for g in m.groups()))
                except ValueError:
                    return None
    return None


def read_value(field, cls: str, cell: Any) -> tuple[Any, Issue | None]:
    """The typed value of a non-blank ``cell`` for ``field`` of a unit of
    class ``cls``, or the issue with it (its message built here, once per
    distinct refused cell: the checker caches the answer)."""
    t = field.type
    cell = _excel_epoch(cell)
    if t == "bool":
        if cell.__class__ is bool:
            return cell, None
        word = narrow(cell_text(cell)).casefold()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, _issue("bad-value", field, cls, cell)
    if t == "date":
        d = _date(cell)
        if d is None:
            return None, _issue("bad-value", field, cls, cell)
        return d, None
    if t == "choice":
        word = narrow(cell_text(cell))
        for c in field.choices:
            if narrow(c) == word:
                return c, None
        return None, _issue("bad-value", field, cls, cell)
    value = None if cell.__class__ is bool else _number(cell)
    if value is None and t == "number" and field.unit == "%" and cell.__class__ is str:
        text = narrow(cell)
        if text.endswith("%"):
            value = _number(text[:-1])
    if t == "count":
        if value is None or value != value.to_integral_value():
            return None, _issue("bad-value", field, cls, cell)
        n = int(value)
        if n < 0 or (field.max is not None and n > field.max):
            return None, _issue("out-of-range", field, cls, cell, over=n >= 0)
        return n, None
    if value is None:
        return None, _issue("bad-value", field, cls, cell)
    if t == "number":
        if (field.min is not None and value < field.min) or (field.max is not None and value > field.max):
            return None, _issue("out-of-range", field, cls, cell)
        return value, None
    if t == "score":
        lo, hi, step = score_bounds(field, cls)
        if value < lo or (hi is not None and value > hi):
            return None, _issue("out-of-range", field, cls, cell)
        if (value - lo) % step != 0:
            return None, _issue("off-step", field, cls, cell)
        return value, None
    raise ValueError(t)  # pragma: no cover


def _issue(code: str, field, cls: str, cell: Any, over: bool = False) -> Issue:
    from .wording import count_over, value_message

    text = cell_text(cell)
    message, fill = value_message(field, cls, text, narrow(text), cell, count_over(field) if over else None)
    return Issue(code, message, fill)
