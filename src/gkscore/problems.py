"""One Problem type for every user-facing error or warning.

Every message a user sees about their input is a Problem: a stable code, a
position (YAML line:column, sheet!cell, or csv line) and a message.  Messages
are built from a template keyed by the code so that a Chinese catalog can be
added without touching the code that finds the problems.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from .bundled import shown_path
from .i18n import _

ERROR = "error"
WARNING = "warning"
NOTE = "note"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    code: str
    message: str
    line: int | None = None  # 1-based
    col: int | None = None  # 1-based
    sheet: str | None = None
    cell: str | None = None
    severity: str = ERROR
    # What a problem list sent back to the scorers shows beside the message
    # (``check --format xlsx``): the unit, who filled the row, the indicator
    # in words, the value found and what to fill instead.  Not part of the
    # problem's identity: two reports of one cell with one message are one.
    unit: str | None = field(default=None, compare=False)
    scorer: str | None = field(default=None, compare=False)
    subject: str | None = field(default=None, compare=False)
    found: str | None = field(default=None, compare=False)
    fill: str | None = field(default=None, compare=False)

    def where(self) -> str:
        file = shown_path(self.file)
        if self.sheet is not None and self.cell is not None:
            return f"{file}:{self.sheet}!{self.cell}"
        if self.sheet is not None:
            return f"{file}:{self.sheet}"
        if self.line is not None and self.col is not None:
            return f"{file}:{self.line}:{self.col}"
        if self.line is not None:
            return f"{file}:{self.line}"
        return file

    def format(self) -> str:
        """``where: [level] message (code)``: the code stays the same ASCII word in every language."""
        level = "" if self.severity == ERROR else f"[{severity_label(self.severity)}] "
        return f"{self.where()}: {level}{self.message} ({self.code})"


def severity_label(severity: str) -> str:
    """The word for a severity in the active language."""
    if severity == WARNING:
        return _("warning")
    if severity == ERROR:
        return _("error")
    if severity == NOTE:
        return _("note")
    return severity


def quote(value: Any, limit: int = 80) -> str:
    """A value as a message shows it: text in the quotation marks of the
    language ('x' in English, "x" in Chinese) with control characters made
    visible, numbers as written (Decimal('2.50') -> 2.50), dates as
    2021-03-31, true/false, null; long values cut with an ellipsis."""
    if isinstance(value, str):
        text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        # TRANSLATORS: the quotation marks around a value quoted in a message.
        return _("'{text}'").format(text=text)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ProblemsError(Exception):
    """Raised by the core when input is invalid; carries every problem found.

    ``exit_code`` follows the documented convention: 1 for invalid rules or
    observations, 2 for a usage error or a file that cannot be read at all.
    """

    def __init__(self, problems: Iterable[Problem], exit_code: int = 1):
        self.problems = sorted(set(problems), key=_sort_key)
        self.exit_code = exit_code
        super().__init__("\n".join(p.format() for p in self.problems))


def _sort_key(p: Problem):
    return (p.file, p.sheet or "", cell_key(p.cell), p.line or 0, p.col or 0, p.code, p.message)


def cell_key(cell: str | None):
    if not cell:
        return (0, 0)
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    col = 0
    for ch in letters.upper():
        col = col * 26 + (ord(ch) - 64)
    return (int(digits or 0), col)


def unreadable(file: str, message: str, code: str = "unreadable") -> ProblemsError:
    """A file that cannot be read at all: exit 2."""
    return ProblemsError([Problem(file=file, code=code, message=message)], exit_code=2)
