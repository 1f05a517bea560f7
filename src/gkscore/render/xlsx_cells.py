"""The cells of the results workbook: the few styles a report uses, and
cells made once and measured for their column's width.

A cell waiting to be written is a tuple (value, style, widths): value a str,
int, float or None (an empty cell that still shows its fill), style an index
into ``Styles``, widths the line widths the cell counts for its column (None:
not measured).  A measured text wraps when it is wider than its column.
Plain tuples and lists, so rows go to disk with marshal (``xlsx_rows``).

Numbers are Decimal until here, where they become the int or float of their
exact decimal text; cells carry a number format so no binary artefact is
ever shown.  Every text is cleaned of what XML cannot hold.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Sequence

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from ..exact import fixed, fmt
from .textsafe import char_width, clean_xml_text

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
INCOMPLETE_FILL = PatternFill("solid", fgColor="FFF2CC")
ADJUSTED_FILL = PatternFill("solid", fgColor="E2EFDA")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP = Alignment(vertical="top")
WRAP = Alignment(vertical="top", wrap_text=True)
TOP_NOWRAP = Alignment(vertical="top", wrap_text=False)
TITLE_ALIGN = Alignment(horizontal="center", vertical="center")
_THIN = Side(style="thin", color="808080")
GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)  # the published tables' cell borders


def score_format(precision: int) -> str:
    return "0." + "0" * precision if precision > 0 else "0"


def xl_number(value: Decimal | int) -> int | float:
    """The openpyxl boundary: a Decimal becomes the int or float of its exact text."""
    text = fmt(value, None)
    return int(text) if "." not in text else float(text)


# ------------------------------------------------------------ measuring


class Measure(dict):
    """Display widths of texts (as ``textsafe.display_width``: CJK and
    full-width count 2, combining marks 0), ``char_width`` looked up once
    per character: measuring every cell of millions of rows one Unicode
    lookup per character would cost minutes."""

    def __missing__(self, ch: str) -> int:
        w = self[ch] = char_width(ch)
        return w

    def lines(self, text: str) -> tuple[int, ...]:
        """Display width of each line of ``text``."""
        if "\n" not in text:  # the usual case, on the hot path of every text cell
            return (len(text) if text.isascii() else sum(map(self.__getitem__, text)),)
        get = self.__getitem__
        return tuple(len(line) if line.isascii() else sum(map(get, line)) for line in text.split("\n"))


def wrapped_lines(widths: tuple[int, ...], room: int) -> int:
    """Lines the text takes in a column with ``room`` characters' width."""
    if len(widths) == 1:
        w = widths[0]
        return 1 if w <= room else math.ceil(w / room)
    return sum(max(1, math.ceil(w / room)) for w in widths)


# --------------------------------------------------------------- cells


class Styles:
    """The few style combinations a report uses, numbered; each is registered
    with the workbook once (its cell-format id), instead of hashing font, fill
    and alignment objects for each of tens of millions of cells."""

    def __init__(self) -> None:
        self._index: dict[tuple, int] = {}
        self._specs: list[tuple] = []
        self._wrapped: dict[int, int] = {}
        self._ids: dict[int, int] = {}

    def index(self, font=None, fill=None, align=TOP, number_format=None, border=None) -> int:
        key = (id(font), id(fill), id(align), number_format, id(border))  # module constants; kept alive in _specs
        i = self._index.get(key)
        if i is None:
            i = self._index[key] = len(self._specs)
            self._specs.append((font, fill, align, number_format, border))
        return i

    def wrapped(self, i: int) -> int:
        """Style ``i`` with wrapping text (kept when it wraps already)."""
        hit = self._wrapped.get(i)
        if hit is None:
            font, fill, align, number_format, border = self._specs[i]
            if align is not None and align.wrap_text:
                hit = i
            else:
                horizontal = align.horizontal if align is not None else None
                hit = self.index(font, fill, WRAP if horizontal is None else Alignment(horizontal=horizontal, vertical="top", wrap_text=True), number_format, border)
            self._wrapped[i] = hit
        return hit

    def xf_id(self, ws, i: int) -> int:
        """The workbook's cell-format id of style ``i`` (the ``s`` of a cell)."""
        hit = self._ids.get(i)
        if hit is None:
            font, fill, align, number_format, border = self._specs[i]
            cell = Cell(ws, row=1, column=1)
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if align is not None:
                cell.alignment = align
            if number_format is not None:
                cell.number_format = number_format
            if border is not None:
                cell.border = border
            hit = self._ids[i] = cell.style_id
        return hit


class Cells:
    """Makes cells for one workbook (its styles) at one number precision.

    Most cells repeat (unit names on every item row, item texts in every
    unit, the same few scores), so made cells are remembered, a bounded
    number of them."""

    MEMO = 20_000

    def __init__(self, styles: Styles, precision: int) -> None:
        self.styles = styles
        self.precision = precision
        self.score_fmt = score_format(precision)
        self.measure = Measure()
        self._texts: dict[tuple, tuple] = {}
        self._numbers: dict[tuple, tuple] = {}

    def text(self, value: Any, *, font=None, fill=None, align=TOP, measure: bool = True, border=None) -> tuple:
        return self.styled(value, self.styles.index(font, fill, align, None, border), measure)

    def styled(self, value: Any, style: int, measure: bool = True) -> tuple:
        """``text`` with the style index already looked up (the hot loops)."""
        key = (value, style, measure) if type(value) is str else None
        hit = self._texts.get(key) if key is not None else None
        if hit is None:
            text = clean_xml_text(value)
            hit = (None, style, None) if not text else (text, style, self.measure.lines(text) if measure else None)
            if key is not None:
                if len(self._texts) >= self.MEMO:
                    self._texts.clear()
                self._texts[key] = hit
        return hit

    def number(self, value: Decimal | int | None, *, score: bool = True, font=None, fill=None, border=None) -> tuple:
        key = (value, score, id(font), id(fill), id(border))
        hit = self._numbers.get(key)
        if hit is None:
            if value is None:
                hit = (None, self.styles.index(font, fill, TOP, None, border), None)
            else:
                shown = fixed(Decimal(value), self.precision if score else 0)
                hit = (xl_number(value), self.styles.index(font, fill, TOP, self.score_fmt if score else "0", border), (len(shown),))
            if len(self._numbers) >= self.MEMO:
                self._numbers.clear()
            self._numbers[key] = hit
        return hit

    def header(self, words: Sequence[str], *, border=None) -> list[tuple]:
        return [self.text(w, font=BOLD, fill=HEAD_FILL, align=HEAD_ALIGN, border=border) for w in words]


