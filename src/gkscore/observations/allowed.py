"""The machine-readable ``allowed`` grammar and reading one typed value.

``allowed`` per field type (documented in docs/observations.md):

    bool    是/否
    count   0..N          whole numbers from 0 to N (N: the sample size), or ``0..`` unbounded
    number  A..B          decimals, either bound may be empty: ``0..100``, ``0..``, ``..``
    date    YYYY-MM-DD
    score   A..B step S   a judged score from A to B on steps of S counted from A
    choice  优/良/一般/差  one of the choices, separated by ``/`` (``\\/`` for a slash inside one)

``parse_value`` accepts what office staff actually type and never turns an
unreadable entry into a number: it returns the value, or an error
``(code, message)`` with code ``bad-value``, ``out-of-range`` or ``off-step``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..exact import fmt
from ..normalize import fold
from ..rules.resolve import per_class

TRUE_WORDS = {"是", "√", "✓", "✔", "有", "y", "yes", "1", "true", "对"}
FALSE_WORDS = {"否", "×", "✗", "✘", "无", "n", "no", "0", "false", "错", "没有"}
ACCEPTED_BOOL = "是/否, √/×, 有/无, Y/N, 1/0, TRUE/FALSE"
ACCEPTED_DATE = "2021-03-31, 2021/3/31, 2021年3月31日, 2021.3.31 或 Excel 日期"

_NUM = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DATE = [
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
]

Error = tuple[str, str]


def _n(d: Decimal | None) -> str:
    return "" if d is None else fmt(d, None)


def _escape_choice(c: str) -> str:
    return c.replace("\\", "\\\\").replace("/", "\\/")


def score_bounds(field, cls: str) -> tuple[Decimal, Decimal | None, Decimal]:
    return field.min, per_class(field.max, cls), field.step


def allowed_text(field, cls: str) -> str:
    t = field.type
    if t == "bool":
        return "是/否"
    if t == "count":
        return f"0..{'' if field.max is None else field.max}"
    if t == "number":
        return f"{_n(field.min)}..{_n(field.max)}"
    if t == "date":
        return "YYYY-MM-DD"
    if t == "score":
        lo, hi, step = score_bounds(field, cls)
        return f"{_n(lo)}..{_n(hi)} step {_n(step)}"
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
        parts, cur, i = [], "", 0
        while i < len(text):
            ch = text[i]
            if ch == "\\" and i + 1 < len(text):
                cur += text[i + 1]
                i += 2
                continue
            if ch == "/":
                parts.append(cur)
                cur = ""
            else:
                cur += ch
            i += 1
        parts.append(cur)
        return {"choices": parts}
    m = re.fullmatch(r"(-?[0-9.]*)\.\.(-?[0-9.]*)(?: step ([0-9.]+))?", text)
    if not m:
        raise ValueError(f"not an allowed range: {text!r}")
    lo, hi, step = (Decimal(g) if g else None for g in m.groups())
    return {"min": lo, "max": hi, "step": step}


MAX_SHOWN = 60  # characters of a cell quoted in a message; a 40,000-char cell is not echoed whole
MAX_NUMBER_TEXT = 40  # longer "numbers" are not numbers anyone typed (and int() of 5000 digits raises)


def _quote(raw: Any) -> str:
    text = display(raw)
    if len(text) > MAX_SHOWN:
        text = text[:MAX_SHOWN] + f"…({len(text)} characters)"
    return '"' + text.replace('"', '\\"') + '"'


def _excel_epoch(raw: Any) -> Any:
    """A date before 1900 is a serial <= 0, which no office typed as a date.

    calamine hands such a serial over as the time 00:00:00 and openpyxl as a
    day in 1899; both readers must see the same thing, so map the latter to
    the former (and both are then refused as "not a date").
    """
    if isinstance(raw, dt.date) and raw.year < 1900:
        return dt.time(0)
    return raw


def display(raw: Any) -> str:
    """The text of a cell as found, for messages and the audit trail."""
    raw = _excel_epoch(raw)
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, Decimal):
        return fmt(raw, None)
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return raw.isoformat()
    return str(raw)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and fold(raw) == "")


def _decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, str):
        text = fold(raw).replace(" ", "")
        if len(text) <= MAX_NUMBER_TEXT and _NUM.fullmatch(text):
            try:
                return Decimal(text)
            except InvalidOperation:  # pragma: no cover - the regex guards
                return None
    return None


def _date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date() if raw.time() == dt.time(0) else None
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = fold(raw).replace(" ", "")
        for pat in _DATE:
            m = pat.fullmatch(text)
            if m:
                try:
                    return dt.date(*(int(g) for g in m.groups()))
                except ValueError:
                    return None
    return None


def parse_value(field, cls: str, raw: Any) -> tuple[Any, Error | None]:
    """Read one non-blank cell for ``field`` of a unit of class ``cls``."""
    t = field.type
    raw = _excel_epoch(raw)
    got = _quote(raw)
    if t == "bool":
        if isinstance(raw, bool):
            return raw, None
        word = fold(display(raw)).casefold()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, ("bad-value", f"expected 是/否, got {got}")
    if t == "date":
        d = _date(raw)
        if d is None:
            hint = " (a time of day, or an Excel date serial of 0 or below)" if isinstance(raw, dt.time) else ""
            return None, ("bad-value", f"expected a date (YYYY-MM-DD), got {got}{hint}")
        return d, None
    if t == "choice":
        word = fold(display(raw))
        for c in field.choices:
            if fold(c) == word:
                return c, None
        return None, ("bad-value", f"expected one of {allowed_text(field, cls)}, got {got}")
    # numeric types
    value = _decimal(raw)
    if value is None and t == "number" and field.unit == "%" and isinstance(raw, str) and fold(raw).endswith(("%", "％")):
        value = _decimal(fold(raw)[:-1])
    if t == "count":
        if value is None or value != value.to_integral_value():
            return None, ("bad-value", f"expected a whole number {allowed_text(field, cls)}, got {got}")
        n = int(value)
        if n < 0 or (field.max is not None and n > field.max):
            bound = f" (at most the sample size {field.max})" if field.max is not None else ""
            return None, ("out-of-range", f"expected a whole number {allowed_text(field, cls)}{bound}, got {got}")
        return n, None
    if value is None:
        return None, ("bad-value", f"expected a number {allowed_text(field, cls)}, got {got}")
    if t == "number":
        if (field.min is not None and value < field.min) or (field.max is not None and value > field.max):
            return None, ("out-of-range", f"expected a number {allowed_text(field, cls)}, got {got}")
        return value, None
    if t == "score":
        lo, hi, step = score_bounds(field, cls)
        if value < lo or (hi is not None and value > hi):
            return None, ("out-of-range", f"expected a score {allowed_text(field, cls)}, got {got}")
        if (value - lo) % step != 0:
            return None, ("off-step", f"expected a score {allowed_text(field, cls)} (a multiple of {_n(step)}), got {got}")
        return value, None
    raise ValueError(t)  # pragma: no cover
