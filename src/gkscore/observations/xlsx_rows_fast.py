"""The fast ways of reading the rows of a sheet chunk for the xlsx scan.

The cells of a chunk are read by the first of three ways that applies; the
careful per-cell loop (``xlsx_scan._scan_cells``) is the reference, and each
faster way records something only where it has proved that the loop would
record the same: it validates the rows it reads against a small grammar in
which every cell holds a plain value (no formula, no error type, no prefix, no
stray tag), so "holds something" is the same as "is not self-closing".

1. ``_scan_strict``: rows as Excel, WPS and openpyxl write them.  One regular
   expression matches all the rows at C speed: each cell's row number must
   repeat its row's r (a back-reference) and stay <= a bound, each column
   <= a bound, the bounds being reached by cells we saw, so the bounds are
   the maxima without looking at 7 million cells one by one in Python.
2. ``_scan_loose``: any attributes, whitespace between tags, rows in any
   order: validated rows are read with a findall over the cell references.
3. whatever is left (formulas, errors, namespace prefixes, ...): the loop, in
   ``xlsx_scan``.

``_fast_part`` tries the first two and returns what they proved (a
``_Part``); it records nothing in the sheet itself (``xlsx_scan._scan_rows``
does, after the merged ranges).
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass

from .xlsx_sheet import MAX_COL, MAX_ROW, _NS, SheetInfo, col_number

# Possessive quantifiers (Python >= 3.11) keep the regex engine from saving
# backtracking state for every row and cell (4x faster); the grammar has only
# one way to match, so without them (Python 3.10) the result is the same.
_POSSESSIVE = sys.version_info >= (3, 11)


def _grammar(pattern: bytes) -> re.Pattern:
    if not _POSSESSIVE:
        pattern = pattern.replace(b"*+", b"*").replace(b"++", b"+").replace(b"?+", b"?")
    return re.compile(pattern)


# A tag that the loop would read as a cell (conservatively: also "<c " with no ">").
_CELL_START = re.compile(rb"<" + _NS + rb"c(?:[\s>]|\Z)")
_VALUE = rb'(?:<v>[^<]*+</v>|<is><t(?: xml:space="preserve")?+>[^<]*+</t></is>)'
# Rows with any attributes and whitespace between tags; cells as in the strict
# way but with any attributes (t="e" is looked for apart: _maybe_error).
_LOOSE = _grammar(
    rb"(?:\s*+<row(?=[\s>/])[^<>]*+(?:(?<=/)>|(?<!/)>(?:\s*+"
    rb'<c r="[A-Z]{1,3}[1-9][0-9]{0,6}"[^<>]*+(?:(?<=/)>|(?<!/)>\s*+'
    rb"(?:<v>[^<]*+</v>|<is>\s*+<t(?=[\s>])[^<>]*+>[^<]*+</t>\s*+</is>)\s*+</c>)"
    rb")*+\s*+</row>))*+"
)
# A cell that is not self-closing, in rows validated by _LOOSE or _strict_rows.
_COUNTED_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"[^<>]*(?<!/)>')
_REF_AT = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')


@dataclass
class _Part:
    """What a fast way proved about data[start:end]: nothing else in it counts."""

    start: int
    end: int
    cells: int
    max_row: int
    max_col: int


def _fast_part(data: bytes, stop: int, sheet: SheetInfo) -> _Part | None:
    """The rows from the first <row to the last </row> before stop, proved by
    a fast way; None when nothing could be proved (the careful loop reads it)."""
    start = data.find(b"<row", 0, stop)
    end = data.rfind(b"</row>", 0, stop) + len(b"</row>")
    if start < 0 or end <= start:
        return None
    # A cell before the rows could run into them (the loop reads a tag up to
    # its ">"): leave such chunks to the loop.  After the rows, the loop reads
    # whatever the fast ways leave.
    if _CELL_START.search(data, 0, start):
        return None
    return _scan_strict(data, start, end, sheet) or _scan_loose(data, start, end)


_MAX_WIDENINGS = 16  # then the loose way: rows in no particular order


def _scan_strict(data: bytes, start: int, end: int, sheet: SheetInfo) -> _Part | None:
    # First bounds: the sheet's extent so far and the last cell holding
    # something (rows usually ascend).  Where a row breaks a bound, the
    # bounds grow to that row's cells and matching goes on from there: rows
    # already matched fit the larger bounds too.  Every bound is the sheet's
    # own or reached by a cell that the grammar then matched, so the bounds
    # are exactly the extent.
    last = data.rfind(b"</c>", start, end)
    cell = data.rfind(b'<c r="', start, last) if last >= 0 else -1
    ref = _REF_AT.match(data, cell) if cell >= 0 else None
    if ref is None:
        return None
    max_row = max(sheet.max_row, int(ref.group(2)))
    max_col = max(sheet.max_col, col_number(ref.group(1).decode("ascii")))
    pos = start
    for _retry in range(_MAX_WIDENINGS):
        if max_row > MAX_ROW or max_col > MAX_COL:
            return None
        try:
            pos = _strict_rows(max_row, max_col).match(data, pos, end).end()
        except SystemError:  # a regex engine bug (see _strict_rows): the other ways decide
            return None
        if pos == end:
            # Every "</c>" ends one cell holding a value.
            return _Part(start, end, data.count(b"</c>", start, end), max_row, max_col)
        row_max, col_max = _row_extent(data, pos, end)
        if row_max <= max_row and col_max <= max_col:
            return None  # the row is not plain: not a bound that stopped it
        max_row, max_col = max(max_row, row_max), max(max_col, col_max)
    return None


def _row_extent(data: bytes, start: int, end: int) -> tuple[int, int]:
    """The largest row and column of the cells holding something in the row
    at start, if it is plain (else anything: the grammar decides)."""
    refs = _COUNTED_REF.findall(data, start, data.find(b"</row>", start, end))
    if not refs:
        return 0, 0
    return max(int(r) for _c, r in refs), max(col_number(c.decode("ascii")) for c, _r in refs)


@functools.lru_cache(maxsize=16)
def _strict_rows(max_row: int, max_col: int) -> re.Pattern:
    """Rows as Excel, WPS and openpyxl write them, every cell in its row,
    plain values only, no cell holding something beyond max_row or max_col.
    Formatting-only cells (self-closing: the loop skips them) and rows of
    them may lie anywhere, as after the data of a sheet formatted in advance."""
    attrs = rb'(?: s="[0-9]++")?+(?: t="(?:s|n|str|inlineStr|b|d)")?+'
    blank = rb'<c r="[A-Z]{1,3}\1"' + attrs + rb" ?/>"
    cell = rb'<c r="' + _at_most(_col_letters(max_col), "A", "A", "Z") + rb'\1"' + attrs + rb"(?:>" + _VALUE + rb"</c>| ?/>)"
    rest = rb'"[^<>/]*+(?:/>|>(?:'
    # The row number is captured in a lookahead, before any alternative: a
    # group set inside an alternative that fails, within a possessive repeat,
    # can make CPython 3.11 raise SystemError (python/cpython#101955).
    row = (
        rb'<row r="(?=([1-9][0-9]{0,6})")(?:'
        + (_at_most(str(max_row), "1", "0", "9") + rest + cell + rb"|" + blank + rb")*+</row>)")
        + rb"|"
        + (rb"[0-9]++" + rest + blank + rb")*+</row>)")
        + rb")"
    )
    return _grammar(rb"(?:" + row + rb")*+")


def _at_most(limit: str, first: str, low: str, high: str) -> bytes:
    """A regex for the words over low..high (the first letter first..high)
    that sort at most `limit`: shorter words, then same-length ones."""

    def same_length(i: int) -> str:
        lo, rest, ch = (first if i == 0 else low), len(limit) - i - 1, limit[i]
        if not rest:
            return f"[{lo}-{ch}]"
        below = [f"[{lo}-{chr(ord(ch) - 1)}][{low}-{high}]{{{rest}}}"] if ch > lo else []
        alts = below + [ch + same_length(i + 1)]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    alts = [same_length(0)]
    if len(limit) > 1:
        alts.append(f"[{first}-{high}][{low}-{high}]{{0,{len(limit) - 2}}}")
    return ("(?:" + "|".join(alts) + ")").encode("ascii")


def _col_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _scan_loose(data: bytes, start: int, end: int) -> _Part | None:
    stop = _LOOSE.match(data, start, end).end()
    if stop == start or _maybe_error(data, start, stop):
        return None
    refs = _COUNTED_REF.findall(data, start, stop)
    max_row = max_col = 0
    if refs:
        rows = [r for _c, r in refs]
        longest = max(map(len, rows))
        max_row = int(max(r for r in rows if len(r) == longest))  # no leading zeros
        max_col = max(col_number(c.decode("ascii")) for c in {c for c, _r in refs})
    if max_row > MAX_ROW or max_col > MAX_COL:
        return None  # the loop names the cell
    return _Part(start, stop, len(refs), max_row, max_col)


def _maybe_error(data: bytes, start: int, end: int) -> bool:
    # The loop's t="e" needs an e between two quotes (either kind).
    if data.find(b'"e"', start, end) >= 0:
        return True
    if data.find(b"'", start, end) < 0:
        return False
    return any(data.find(q, start, end) >= 0 for q in (b"\"e'", b"'e\"", b"'e'"))
