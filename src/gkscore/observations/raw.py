"""What the readers hand to the checker: one ``RawRow`` per observation row,
with its position built only when a message needs it."""

from __future__ import annotations

from ..problems import Problem, cell_key
from .types import Source
from .xlsx_plain import column_letters

LAZY = object()


class RawRow:
    """One observation row as found.  Positions are built only when a message
    (or an explain/detail report) needs them: ``pos`` (the sheet or csv file),
    ``r`` (row or line) and ``cols`` (column numbers by key) say where.
    ``value`` is the cell as the reader gave it (see ``values``); the other
    fields are texts."""

    __slots__ = ("file", "unit", "cls", "item", "field", "value", "evidence", "scorer", "tag", "flagged",
                 "pos", "r", "cols", "_unit_src", "_cls_src", "_tag_src")

    def __init__(self, *, file, unit, cls, item, field, value, evidence, scorer, tag, pos, r, cols,
                 unit_src=LAZY, cls_src=LAZY, tag_src=LAZY, flagged=False):
        self.file, self.unit, self.cls, self.item, self.field = file, unit, cls, item, field
        self.value, self.evidence, self.scorer, self.tag = value, evidence, scorer, tag
        self.pos, self.r, self.cols = pos, r, cols
        self._unit_src, self._cls_src, self._tag_src = unit_src, cls_src, tag_src
        # the value cell holds a formula, an error value ...: already reported
        # where it was read, so it is neither a value nor a missing value
        self.flagged = flagged

    def _at(self, key: str) -> Source:
        return self.pos.at(self.r, self.cols[key])

    @property
    def unit_src(self) -> Source:
        return self._at("unit") if self._unit_src is LAZY else self._unit_src

    @property
    def item_src(self) -> Source:
        return self._at("item")

    @property
    def field_src(self) -> Source:
        return self._at("field")

    @property
    def value_src(self) -> Source:
        return self._at("value")

    @property
    def cls_src(self) -> Source | None:
        if self._cls_src is LAZY:
            return self._at("class") if "class" in self.cols else None
        return self._cls_src

    @property
    def tag_src(self) -> Source | None:
        return self._at("rules") if self._tag_src is LAZY else self._tag_src


def src_key(s: Source) -> tuple:
    """Sort key of a source: file, sheet, then cell in row order, then line."""
    return (s.file, s.sheet or "", cell_key(s.cell), s.line or 0)


def problem_at(src: Source, code: str, message: str, severity: str = "error", **facts) -> Problem:
    """A Problem at ``src``; ``facts``: unit, scorer, subject, found, fill
    (what a problem list sent back to the scorers shows)."""
    return Problem(file=src.file, code=code, message=message, sheet=src.sheet, cell=src.cell, line=src.line, severity=severity, **facts)


_LETTERS: dict[int, str] = {}


def col_letter(col: int) -> str:
    text = _LETTERS.get(col)
    if text is None:
        text = _LETTERS[col] = column_letters(col)
    return text


class Positions:
    """Where the rows of one sheet (or csv file) are; ``at`` builds a Source."""

    __slots__ = ("file", "title", "is_csv")

    def __init__(self, file: str, title: str | None) -> None:
        self.file, self.title = file, title
        self.is_csv = title is None

    def at(self, row: int, col: int) -> Source:
        if self.is_csv:
            return Source(self.file, line=row)
        return Source(self.file, sheet=self.title, cell=f"{col_letter(col)}{row}")

    def sheet(self) -> Source:
        return Source(self.file) if self.is_csv else Source(self.file, sheet=self.title)
