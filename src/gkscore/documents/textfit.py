"""Column widths for a table of a fixed total width, from the texts it holds.

A CJK character is as wide as the font size, a digit or Latin letter half of
it.  Numbers must never wrap; headings may take two lines; one "wide" column
(the unit's name, a rule's text) takes what is left and wraps.
"""

from __future__ import annotations

from ..render.textsafe import display_width

PT_MM = 25.4 / 72
CELL_MARGIN_MM = 1.0  # each side; the tables set it (Word's default is 1.9 mm)
PADDING_MM = 2 * CELL_MARGIN_MM + 0.8  # margins and a little air against rounding


def text_mm(text: str, pt: float) -> float:
    """Width of the widest line of ``text`` at ``pt`` points (a ranking
    measures the same figures thousands of times: ``display_width`` keeps
    each text's width)."""
    return display_width(str(text)) * pt / 2 * PT_MM


def column_widths(head: list[str], rows: list[list[str]], *, total_mm: float, text_pt: float, wide: int | list[int], sample: int = 2000) -> list[float]:
    """Widths in mm adding up to ``total_mm``.  Cells of the other columns
    (numbers, ranks, grades) keep one line; headings wrap to two lines, or to
    three or four when the table is crowded; ``wide``, the column(s) of long
    texts, takes what is left and wraps (never under four characters).  Only
    the first ``sample`` rows are measured: the widest of thousands of
    numbers is found long before."""
    wide_cols = [wide] if isinstance(wide, int) else list(wide)
    others = [i for i in range(len(head)) if i not in wide_cols]
    least_char = 2 * text_pt * PT_MM
    measured = rows[:sample]
    # each distinct text once: a column of figures holds few of them
    cells = [max(map(display_width, {str(r[i]) for r in measured}), default=0) * text_pt / 2 * PT_MM for i in range(len(head))]
    def heading(i: int, lines: int) -> float:
        # a heading's own line breaks first, then each of its lines wraps
        return max(text_mm(part, text_pt) / max(1, lines - head[i].count("\n")) for part in head[i].split("\n"))

    wide_need = {i: max(cells[i], heading(i, 2), least_char) + PADDING_MM for i in wide_cols}
    wide_least = {i: min(wide_need[i], 2 * least_char + PADDING_MM) for i in wide_cols}
    for lines in (2, 3, 4):
        need = {i: max(cells[i], heading(i, lines), least_char) + PADDING_MM for i in others}
        fixed = sum(need.values())
        if fixed + sum(wide_least.values()) <= total_mm:
            break
    out = [0.0] * len(head)
    room = total_mm - fixed
    wanted = sum(wide_need.values())
    if room >= wanted:
        spare = (room - wanted) / len(head)
        for i in others:
            out[i] = need[i] + spare
        for i in wide_cols:
            out[i] = wide_need[i] + spare
        return out
    if room >= sum(wide_least.values()):
        for i in others:
            out[i] = need[i]
        for i in wide_cols:
            out[i] = room * wide_need[i] / wanted
        return out
    # crowded beyond that: every column gives up width in proportion
    scale = total_mm / (fixed + sum(wide_least.values()))
    for i in others:
        out[i] = need[i] * scale
    for i in wide_cols:
        out[i] = wide_least[i] * scale
    return out
