"""Year over year: two results files (``gkscore score --format json``) compared.

    load_results(path) -> dict                      the documented results json, checked
    compare_results(last, this, aliases=None, last_name=..., this_name=...) -> Comparison
    Comparison.phrase(unit) -> "较上年提升3位" | "较上年下降1位" | "与上年持平" | "首次参评" | ""
    rank_change_phrase(last_rank, this_rank) -> the same words from two ranks

Units are matched by name after the usual folding, and through the aliases
of a units file (a unit renamed between years is one unit when either name
is an alias of it).  Ranks are compared within a rank group; the change per
一级指标 is the change in the share of its points won (得分率), since a table
moves points between 一级指标 from one year to the next.
"""

from .core import Comparison, UnitChange, compare_results, load_results, rank_change_phrase

__all__ = ["Comparison", "UnitChange", "compare_results", "load_results", "rank_change_phrase"]
