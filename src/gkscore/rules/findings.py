"""A finding of the semantic checks on a rule file (``rules/checks.py`` and
the ``check`` of each clause kind and condition node), and how findings show
values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ..problems import ERROR


@dataclass(frozen=True)
class Finding:
    """A finding at the YAML ``path`` (turned into line:column by the
    loader); errors make ``validate`` fail, warnings are what ``lint``
    reports.  ``first`` is the path of an earlier occurrence the message
    refers to (the loader adds its line).  ``offset``: where in the text
    value at ``path`` the finding is (an expression's character), added to
    its column when the value is written on one line."""

    path: tuple
    code: str
    message: str
    severity: str = ERROR
    first: tuple | None = None
    offset: int | None = None


def number_text(d: Decimal | None) -> str:
    """A rule number as a finding shows it (— when absent)."""
    if d is None:
        return "—"
    return format(d.normalize(), "f")


def listed(values: Iterable) -> str:
    return ", ".join(str(v) for v in values)
