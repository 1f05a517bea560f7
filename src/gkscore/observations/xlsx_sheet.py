"""A worksheet as the xlsx scan sees it: ``SheetInfo`` (what the scan
records), the sheet limits and A1 cell references.  Shared by ``xlsx_scan``
and ``xlsx_rows_fast`` (which imports nothing from ``xlsx_scan``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_ROW, MAX_COL = 1_048_576, 16_384

_NS = rb"(?:[A-Za-z_][\w.\-]*:)?"  # an XML namespace prefix, as in <x:c
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


@dataclass
class SheetInfo:
    title: str
    part: str
    max_row: int = 0  # of cells that hold something; 0: no such cell
    max_col: int = 0
    cells: int = 0  # cells that hold something
    formulas: dict = field(default_factory=dict)  # (row, col) -> formula text
    errors: dict = field(default_factory=dict)  # (row, col) -> "#N/A"
    merged: list = field(default_factory=list)  # (r1, c1, r2, c2)


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(text: str) -> tuple[int, int] | None:
    m = _A1.match(text.strip())
    if not m:
        return None
    c, r = col_number(m.group(1)), int(m.group(2))
    if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
        return None
    return r, c
