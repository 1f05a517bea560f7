"""Spreadsheet formula literals shared by the formula forms of clause kinds
and condition nodes (Excel and LibreOffice alike).

Anything that cannot be written faithfully raises ``Unexpressible`` with the
reason; the workbook writer turns it into a refusal naming the rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable

from ..exact import fmt
from ..i18n import _

# A spreadsheet number holds 15 significant decimal digits faithfully.
MAX_DIGITS = 15

# yes/no observations are written as this text in the workbook
YES = "是"
NO = "否"

Cell = Callable[[str], str]  # field id -> cell reference, e.g. 观测!D14


class Unexpressible(Exception):
    """This part of a rule has no faithful formula form (message says why)."""


def num(value: Decimal | int) -> str:
    """A numeric literal, exactly as the rule file wrote it."""
    d = Decimal(value)
    if not d.is_finite():
        raise Unexpressible(_("the number {value} is not finite").format(value=value))
    if len(d.normalize().as_tuple().digits) > MAX_DIGITS:
        raise Unexpressible(_("the number {value} has more than {n} significant digits, which a spreadsheet cannot hold exactly").format(value=fmt(d, None), n=MAX_DIGITS))
    return fmt(d, None)


def text(value: str) -> str:
    """A string literal."""
    if len(value) > 255:
        raise Unexpressible(_("a text longer than 255 characters, which a spreadsheet formula cannot hold"))
    return '"' + value.replace('"', '""') + '"'


def date(value: dt.date) -> str:
    return f"DATE({value.year},{value.month},{value.day})"


def all_of(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"


def any_of(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"OR({','.join(parts)})"


def blank_test(field_ids: list[str], cell: Cell) -> str | None:
    """True when any of these observation cells is empty (a missing value)."""
    if not field_ids:
        return None
    return any_of([f'{cell(f)}=""' for f in field_ids])
