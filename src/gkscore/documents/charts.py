"""Ranking pictures: one chart per rank group, PNG and SVG, with matplotlib.

matplotlib is imported here only (it is heavy) and drawn on the Agg canvas
without pyplot, so no global figure state and no display are involved.
Labels are Chinese: the first installed font of ``fonts.CHART_FONTS`` is
used, ``axes.unicode_minus`` is off (CJK fonts often lack U+2212), and a
machine without any Chinese font gets a one-line install hint instead of a
chart full of empty boxes.

Honest axes: a bar's length stands for the score, so the bar chart's axis
starts at 0.  Close scores are easier to tell apart on a dot plot
(``style="dot"``), whose axis spans only the scores and says so.
"""

from __future__ import annotations

import functools
import io
from decimal import Decimal

from ..i18n import _
from ..problems import Problem, ProblemsError
from .fonts import CHART_FONTS, INSTALL_HINT
from .view import GroupTable

STYLES = ("bar", "dot")
WIDTH_IN = 156 / 25.4  # the notice's type area
ROW_IN = 0.3  # a chart file: one bar per 0.3 inch
NOTICE_ROW_IN = 0.22  # in the notice: 30 bars and the axis fit one page (225 mm)
ROWS_PER_PICTURE = 30
SAMPLE = "政务公开考评总分排名"


@functools.lru_cache(maxsize=1)
def chart_font() -> tuple[str, str]:
    """(family, file) of the Chinese font charts are drawn with."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for name in CHART_FONTS:
        path = by_name.get(name)
        if path is None:
            continue
        try:
            face = FT2Font(path)
        except (OSError, RuntimeError):
            continue
        if all(face.get_char_index(ord(ch)) for ch in SAMPLE):
            return name, path
    message = _("the charts need a Chinese font and this computer has none: {hint}").format(hint=_(INSTALL_HINT))
    raise ProblemsError([Problem(file=_("fonts"), code="no-cjk-font", message=message)], exit_code=2)


def _rc() -> dict:
    name, _ = chart_font()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [name, *CHART_FONTS],
        "axes.unicode_minus": False,
        "svg.fonttype": "path",  # glyphs as outlines: the SVG shows them without the font
        "svg.hashsalt": "gkscore",  # stable ids: the same data gives the same file
    }


def _value(text: str) -> float:
    # only the drawing coordinate is a float; every label is the exact text
    return float(Decimal(text))


def draw(table: GroupTable, rows: list, fmt: str, *, style: str = "bar", title: str | None = None, dpi: int = 200, row_in: float = ROW_IN) -> bytes:
    """One picture of ``rows`` (ranked rows of ``table``) as ``fmt`` (png or svg)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc()):
        n = max(len(rows), 1)
        fig = Figure(figsize=(WIDTH_IN, 1.3 + row_in * n), dpi=dpi)
        ax = fig.subplots()
        names = [f"{r.rank}  {r.unit}" for r in rows]
        values = [_value(r.total) for r in rows]
        ys = list(range(len(rows)))
        top = max(values + [0.0])
        if style == "dot":
            low = min(values) if values else 0.0
            pad = max((top - low) * 0.08, 0.5)
            ax.hlines(ys, low - pad, values, color="#d0d7e2", linewidth=1)
            ax.plot(values, ys, "o", color="#c00000", markersize=6)
            ax.set_xlim(low - pad, top + pad * 2.2)
            ax.set_xlabel("总分（横轴不从 0 开始，只比较高低）")
        else:
            ax.barh(ys, values, color="#c00000", height=0.62)
            ax.set_xlim(0, top * 1.12 if top > 0 else 1)
            ax.set_xlabel("总分")
        for y, v, r in zip(ys, values, rows):
            ax.annotate(r.total, (v, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
        ax.set_yticks(ys, names, fontsize=9)
        ax.invert_yaxis()
        ax.set_ylim(len(rows) - 0.5, -0.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if title is None:
            title = f"{table.rules_title}\n{table.name}考评总分排名"
        if title:
            ax.set_title(title, fontsize=11)
        _margins(fig, names, title)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_metadata(fmt))
        return buf.getvalue()


def _margins(fig, names: list[str], title: str) -> None:
    """Room for the names, the value labels, the title and the axis, set from
    the texts' widths: tight_layout would draw every chart twice."""
    from ..render.textsafe import display_width

    w, h = fig.get_size_inches()
    label_in = max((display_width(n) for n in names), default=4) * 0.5 * 9 / 72 + 0.2
    top_in = 0.2 + 0.22 * (title.count("\n") + 1) if title else 0.15
    fig.subplots_adjust(left=min(label_in / w, 0.6), right=1 - 0.55 / w, top=1 - top_in / h, bottom=0.6 / h)


def _metadata(fmt: str) -> dict:
    # no creation date or software version: the same data gives the same file
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    return {}


def pictures(table: GroupTable, *, style: str = "bar", per_picture: int = ROWS_PER_PICTURE) -> list[tuple[str, bytes]]:
    """The group's chart for the notice as PNGs of at most ``per_picture``
    units each (a longer chart would not fit a page), with their captions."""
    rows = table.charted
    out = []
    for start in range(0, len(rows), per_picture):
        part = rows[start : start + per_picture]
        caption = f"{table.name}考评总分排名"
        if len(rows) > per_picture:
            caption += f"（第 {start + 1}—{start + len(part)} 名）"
        # the notice captions the picture below it: no title inside
        out.append((caption, draw(table, part, "png", style=style, title="", row_in=NOTICE_ROW_IN, dpi=150)))
    return out


def chart_files(table: GroupTable, *, style: str = "bar") -> dict[str, bytes]:
    """The whole group's chart as {"png": ..., "svg": ...}."""
    rows = table.charted
    dpi = 150 if len(rows) <= 200 else 100  # a tall chart stays within image size limits
    return {fmt: draw(table, rows, fmt, style=style, dpi=dpi) for fmt in ("png", "svg")}
