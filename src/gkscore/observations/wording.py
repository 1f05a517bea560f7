"""What a person reads about a value: what to fill, in words, and how to fix
what was typed.

``expected(field, cls)`` says what a field takes (``整数（0–4）``,
``“是”或“否”``, ``日期，如 2021-03-31``) -- never the ``0..4`` grammar of the
template's machine-readable column.  ``fix(field, cls, cell)`` looks at a
refused cell for the mistakes office staff make -- a unit after a number
(``3次``), a Chinese numeral (``三``), a sentence meaning yes (``已建立``), a
date with a time part, written ``20210331`` or one that does not exist
(``2021-02-30``), a choice mistyped -- and says what to type instead (None:
nothing obvious).  ``value_message`` puts the three together.

Everything here runs for refused cells only, never for a good one: the
reader's hot path does not come here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal, InvalidOperation

from ..exact import fmt
from ..i18n import _, pgettext
from ..problems import quote
from .allowed import score_bounds

SHOWN = 60  # characters of a cell quoted in a message


def _n(d) -> str:
    return fmt(Decimal(d), None)


def expected(field, cls: str) -> str:
    """What ``field`` takes for a unit of class ``cls``, in words."""
    t = field.type
    if t == "bool":
        # TRANSLATORS: what a yes/no field takes; 是 and 否 are what to type in any language.
        return _("是 or 否")
    if t == "count":
        if field.max is None:
            return _("a whole number (0 or more)")
        return _("a whole number ({lo}–{hi})").format(lo=0, hi=field.max)
    if t == "number":
        lo, hi = field.min, field.max
        if lo is not None and hi is not None:
            text = _("a number ({lo}–{hi})").format(lo=_n(lo), hi=_n(hi))
        elif lo is not None:
            text = _("a number of at least {lo}").format(lo=_n(lo))
        elif hi is not None:
            text = _("a number of at most {hi}").format(hi=_n(hi))
        else:
            text = _("a number")
        if field.unit:
            text = _("{text}, in {unit}").format(text=text, unit=field.unit)
        return text
    if t == "date":
        return _("a date such as 2021-03-31")
    if t == "score":
        lo, hi, step = score_bounds(field, cls)
        if hi is None:
            return _("a score of at least {lo} in steps of {step}").format(lo=_n(lo), step=_n(step))
        return _("a score ({lo}–{hi}) in steps of {step}").format(lo=_n(lo), hi=_n(hi), step=_n(step))
    if t == "choice":
        # TRANSLATORS: the separator between the choices of a choice field.
        return _("one of {choices}").format(choices=pgettext("list separator", ", ").join(field.choices))
    raise ValueError(t)  # pragma: no cover


def shown(text: str) -> str:
    """A cell's text quoted for a message, cut when long."""
    return quote(text, limit=SHOWN)


def value_message(field, cls: str, text: str, folded: str, cell, extra: str | None = None) -> tuple[str, str]:
    """(message, what to fill) for a refused cell whose text is ``text``
    (``folded``: as ``values.narrow`` folds it).  ``extra``: why the value is
    out of range, when the range alone does not say."""
    want = expected(field, cls)
    message = _("expected {expected}, found {value}").format(expected=want, value=shown(text))
    hint = fix(field, cls, cell, folded)
    if extra:
        hint = extra if hint is None else _("{first}; {second}").format(first=extra, second=hint)
    fill = want
    if hint:
        message = _("{first}; {second}").format(first=message, second=hint)
        fill = _("{first}; {second}").format(first=want, second=hint)
    return message, fill


# ------------------------------------------------------------ fix hints

def fix(field, cls: str, cell, folded: str) -> str | None:
    """How to correct a refused cell (``folded``: its text, full-width
    characters and odd spaces folded), when there is an obvious way."""
    t = field.type
    if t == "bool":
        return _bool_fix(folded)
    if t == "date":
        return _date_fix(cell, folded)
    if t == "choice":
        return _choice_fix(field.choices, folded)
    if t in ("count", "number", "score"):
        return _number_fix(field, cls, folded)
    return None


_YES_START = ("是", "已", "有的", "对的", "建立了", "设立了", "开展了")
_NO_START = ("否", "未", "没", "不", "无")


def _bool_fix(text: str) -> str | None:
    if text.startswith(_YES_START):
        return _("it reads as yes: type 是 only")
    if text.startswith(_NO_START):
        return _("it reads as no: type 否 only")
    return _("pick 是 or 否 from the list")


# a number with a word before or a unit after it: 3次, 共3个, 85%, 1.5分
_UNITS = "次|个|项|条|篇|家|人|名|份|期|件|处|场|批|例|起|页|天|日|周|月|年|小时|分钟|分|元|万元|%|％|‰"
_WITH_UNIT = re.compile(r"(?:共|计|合计|总计|约|百分之)?\s*([+-]?[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+)\s*(?:" + _UNITS + r")?\s*(?:整)?")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NONE_WORDS = ("无", "没有", "否", "未", "零", "〇", "none", "无此项")


def chinese_number(text: str) -> int | None:
    """三 -> 3, 十二 -> 12, 一百零五 -> 105, 两千 -> 2000; None for anything else."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS and ch != "万" for ch in text):
        return None
    if "万" in text:
        high, _sep, low = text.partition("万")
        h = chinese_number(high) if high else 1
        lo = chinese_number(low) if low else 0
        return None if h is None or lo is None else h * 10000 + lo
    total, digit, last_unit = 0, None, 10000
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # 三四: two digits in a row
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    return total + (digit or 0)


def _number_fix(field, cls: str, text: str) -> str | None:
    if text.casefold() in _NONE_WORDS:
        return _("if there are none, type 0")
    m = _WITH_UNIT.fullmatch(text)
    if m is None:
        return None
    number = m.group(1)
    if number[0] not in "+-0123456789":
        value = chinese_number(number)
        if value is None:
            return None
        digits = str(value)
    else:
        digits = number
    try:
        d = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern guards
        return None
    if field.type == "count" and d != d.to_integral_value():
        return _("a count is a whole number")
    if d < 0 and field.type == "count":
        return _("a count cannot be negative")
    if digits == text:
        return _off_step(field, cls, d) if field.type == "score" else None
    if number == text:
        return _("type it in digits, e.g. {number}").format(number=digits)
    return _("type the number only, e.g. {number}").format(number=digits)


def _off_step(field, cls: str, value: Decimal) -> str | None:
    lo, hi, step = score_bounds(field, cls)
    if value < lo or (hi is not None and value > hi) or (value - lo) % step == 0:
        return None
    below = lo + ((value - lo) // step) * step
    above = below + step
    return _("for example {below} or {above}").format(below=_n(below), above=_n(above))


def count_over(field) -> str:
    """Why a count above its bound is refused."""
    return _("it cannot be more than {max}").format(max=field.max)


_DATE_PARTS = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")
_DATE_TIME = re.compile(_DATE_PARTS.pattern + r"\s*[T ]?\s*([0-9]{1,2}[:：][0-9]{2}(?:[:：][0-9]{2}(?:\.[0-9]+)?)?)")
_COMPACT = re.compile(r"([12][0-9]{3})([01][0-9])([0-3][0-9])")


def _date_fix(cell, text: str) -> str | None:
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time(0):
            return _("the cell holds a time of day as well ({time}): type the date only, e.g. {date}").format(
                time=cell.time().isoformat(timespec="minutes"), date=cell.date().isoformat())
        return None
    if isinstance(cell, dt.time):
        return _("the cell holds a time of day, not a date (or an Excel date of 0): type a date such as 2021-03-31")
    if isinstance(cell, float) and cell == int(cell):
        text = str(int(cell))
    m = _DATE_TIME.fullmatch(text)
    if m is not None:
        day = _real_date(*m.groups()[:3])
        if isinstance(day, dt.date):
            return _("the cell holds a time of day as well ({time}): type the date only, e.g. {date}").format(time=m.group(4), date=day.isoformat())
        return day
    m = _DATE_PARTS.fullmatch(text)
    if m is not None:
        day = _real_date(*m.groups())
        if isinstance(day, dt.date):
            return _("write it as {date}").format(date=day.isoformat())
        return day
    m = _COMPACT.fullmatch(text)
    if m is not None:
        day = _real_date(*m.groups())
        if isinstance(day, dt.date):
            return _("write it with dashes: {date}").format(date=day.isoformat())
        return day
    return _("write the date as 2021-03-31")


def _real_date(y: str, m: str, d: str) -> dt.date | str:
    """The date, or why there is none (a month or day that does not exist)."""
    year, month, day = int(y), int(m), int(d)
    if not 1 <= month <= 12:
        return _("there is no month {month}").format(month=month)
    if not 1900 <= year <= 9999:
        return _("write the date as 2021-03-31")
    try:
        return dt.date(year, month, day)
    except ValueError:
        return _("{date} does not exist: month {month} has no day {day}").format(date=f"{year}-{month:02d}-{day:02d}", month=month, day=day)


def _choice_fix(choices, text: str) -> str | None:
    from ..normalize import norm_name

    keys = {norm_name(c): c for c in choices}
    key = norm_name(text)
    hit = [keys[k] for k in keys if k and (k in key or key in k)] if key else []
    if len(hit) != 1:
        hit = [keys[k] for k in difflib.get_close_matches(key, list(keys), n=1, cutoff=0.5)]
    if hit:
        return did_you_mean(hit)
    return _("pick one from the list")


def did_you_mean(names) -> str:
    """``是否为“黄州区”？`` for one name or several."""
    # TRANSLATORS: the separator between suggested names.
    return _("did you mean {names}?").format(names=_(" or ").join(quote(n) for n in names))
