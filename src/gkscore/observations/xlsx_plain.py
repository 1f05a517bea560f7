"""Plain rows: the one shape of sheet rows that the cell scan may skip
without handing them to expat.

``xlsx_cells`` reads every worksheet with expat, mirroring how python-calamine
walks the XML.  Most sheets, as Excel, WPS and openpyxl write them, consist
of rows in one narrow shape; a row in that shape has a single reading, so the
scan may account for it without the parser seeing its bytes, as long as
expat has proved that the rows start in element content right inside
``sheetData`` (``xlsx_cells`` checks this at every switch).  The shape:

* ``<row r="N" ...>`` with N written plainly, the other row attributes
  quoted with ``"`` and free of ``<``, ``>`` and ``&``; no second ``r``;
* its cells in strictly ascending columns up to a bound (so no cell twice),
  each ``<c r="<column>N"`` naming the row's own N, with at most ``s="..."``
  and ``t="..."`` after it, holding nothing (``/>``) or exactly one
  ``<v>`` of text (for ``t="s"`` a shared-string index written plainly and
  below the number of strings; for a number, text without a reference) or
  one ``<is><t>`` of text;
* nothing else: no formula, no error value, no comment, no namespace prefix,
  no character reference where a number is read, no whitespace between cells.

Anything else -- and anything this module cannot prove -- is read by expat.
Row order across rows is checked by the caller (``ascending``).
"""

from __future__ import annotations

import functools
import operator
import re
import sys

MAX_ROW, MAX_COL = 1_048_576, 16_384
MAX_PLAIN_COLUMNS = 64  # wider rows are read by expat: the grammar grows with the width

# Possessive quantifiers (Python >= 3.11) keep the regex engine from saving
# backtracking state for every row and cell; the grammar has one way to
# match, so without them (Python 3.10) the result is the same, only slower.
_POSSESSIVE = sys.version_info >= (3, 11)

ROW_NUMBER = re.compile(rb'<row r="([0-9]++)"' if _POSSESSIVE else rb'<row r="([0-9]+)"')
# a cell with content (a <v> or an <is>) in a plain row, for widening the bound
_CONTENT_REF = re.compile(rb'<c r="([A-Z]{1,3})[0-9]{1,7}"[^<>]*(?<!/)><(?:v|is)>')


def _grammar(pattern: bytes) -> re.Pattern:
    if not _POSSESSIVE:
        pattern = pattern.replace(b"*+", b"*").replace(b"++", b"+").replace(b"?+", b"?")
    return re.compile(pattern)


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def at_most(limit: int) -> bytes:
    """A regex for the decimal numbers 0..limit written plainly (no sign, no
    leading zero): shorter numbers, then those of the same length."""
    text = str(limit)

    def same_length(i: int) -> str:
        lo = "1" if i == 0 and len(text) > 1 else "0"
        rest, ch = len(text) - i - 1, text[i]
        if not rest:
            return f"[{lo}-{ch}]"
        below = [f"[{lo}-{chr(ord(ch) - 1)}][0-9]{{{rest}}}"] if ch > lo else []
        alts = below + [ch + same_length(i + 1)]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    alts = [same_length(0)]
    if len(text) > 1:
        alts.append("[0-9]" if len(text) == 2 else f"(?:0|[1-9][0-9]{{0,{len(text) - 2}}})")
    return ("(?:" + "|".join(alts) + ")").encode("ascii")


_STYLE = rb'(?: s="[0-9]++")?+'
_ANY_COLUMN = rb"(?:[A-Z]{1,2}|[A-W][A-Z]{2}|X[A-E][A-Z]|XF[A-D])"  # A..XFD
_TEXT = rb"[^<]*+"


@functools.lru_cache(maxsize=32)
def plain_rows(max_col: int, strings: int) -> re.Pattern:
    """Plain rows (optionally preceded by whitespace) whose cells holding
    something lie in columns 1..max_col, for a workbook of ``strings``
    shared strings.  Empty cells (``/>``) may also follow the bounded ones in
    any column: they hold nothing for any reader.  Every ``</c>`` in such
    rows ends a cell holding something."""
    index = [rb' t="s"><v>' + at_most(strings - 1) + rb"</v></c>"] if strings > 0 else []
    holding = b"|".join(index + [
        # calamine reads a number's <v> up to its first reference: no "&" there
        rb'(?: t="(?:n|b)")?+><v>[^<&]*+</v></c>',
        rb' t="str"><v>' + _TEXT + rb"</v></c>",
        rb' t="inlineStr"><is><t(?: xml:space="preserve")?+>' + _TEXT + rb"</t></is></c>",
    ])
    empty = rb'(?: t="[a-zA-Z]++")?+ ?/>'
    cells = b"".join(
        rb'(?:<c r="' + column_letters(c).encode() + rb'\1"' + _STYLE + rb"(?:" + holding + b"|" + empty + rb"))?+"
        for c in range(1, max_col + 1)
    )
    trailing = rb'(?:<c r="' + _ANY_COLUMN + rb'\1"' + _STYLE + empty + rb")*+"
    # The row number is captured in a lookahead, before any alternative: a
    # group set inside an alternative that fails, within a possessive
    # repeat, can make CPython 3.11 raise SystemError (python/cpython#101955).
    row = (
        rb'\s*+<row r="(?=([1-9][0-9]{0,6})")[0-9]++"'
        rb'(?: (?!r=)[A-Za-z_][A-Za-z0-9_.:-]*+="[^"<>&]*+")*+'
        rb"(?:/>|>" + cells + trailing + rb"</row>)"
    )
    return _grammar(rb"(?:" + row + rb")*+")


def ascending(rows: list[int]) -> int:
    """The number of leading row numbers that are strictly ascending."""
    if all(map(operator.lt, rows, rows[1:])):
        return len(rows)
    return next(i for i in range(1, len(rows)) if rows[i] <= rows[i - 1])


def widest_content(data: bytes, start: int, end: int) -> int:
    """The largest column of a cell holding something in the row at ``start``
    (0 if none or not plain), for widening the bound."""
    stop = data.find(b"</row>", start, end)
    refs = _CONTENT_REF.findall(data, start, stop if stop >= 0 else end)
    return max((column_number(c.decode("ascii")) for c in refs), default=0)
