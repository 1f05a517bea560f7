"""复核前后: each adjusted unit's total and rank before and after the
adjustments, as every report shows it (terminal, md, the workbook's 复核调整
sheet; json has its own keys).  ``run.adjustment_changes`` holds the
figures (``adjustments.effect.UnitChange``)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable

from ..exact import fmt
from ..i18n import N_, Labels
from ..ranking import group_label
from .view import class_names

CHANGE_WORDS = Labels(
    title=N_("Adjusted units: total and rank before and after review"),
    unit=N_("Unit"),
    group=N_("Rank group"),
    total_before=N_("Total before review"),
    rank_before=N_("Rank before review"),
    total_after=N_("Total after review"),
    rank_after=N_("Rank after review"),
    change=N_("Change in total"),
    rows=N_("Rows adjusted"),
    vetoed=N_("Vetoed"),
)


def change_words() -> SimpleNamespace:
    return SimpleNamespace(**{key: CHANGE_WORDS[key] for key in CHANGE_WORDS.keys()})


def change_header(w: SimpleNamespace) -> list[str]:
    """单位, 排名组, 复核前总分, 复核前排名, 复核后总分, 复核后排名, 总分变化, 调整条数."""
    return [w.unit, w.group, w.total_before, w.rank_before, w.total_after, w.rank_after, w.change, w.rows]


def group_names(rules) -> Callable[[str], str]:
    """rank group -> how reports name it (县(市、区)政府, A类+B类), over the run's rule files."""
    names = {cls: name for (_rid, cls), name in class_names(rules).items()}
    return lambda group: group_label(group, lambda c: names.get(c, c))


def _signed(value, precision: int) -> str:
    if value is None:
        return ""
    text = fmt(value, precision)
    return text if value <= 0 else "+" + text


def change_texts(w: SimpleNamespace, c, precision: int, group_name) -> list[str]:
    """One UnitChange as the texts of ``change_header``'s columns."""
    total = lambda v: w.vetoed if v is None else fmt(v, precision)  # noqa: E731
    return [c.unit, group_name(c.rank_group), total(c.total_before), str(c.rank_before), total(c.total_after), str(c.rank_after),
            _signed(c.total_change, precision), str(c.adjustments)]
