"""CSV results (summary or unit x item detail), and the table projections the
xlsx and markdown renderers share.

Numbers are plain decimal text from ``exact.fmt`` (never a float).  Every text
cell from an input goes through ``inert_csv`` so a unit name such as
``=HYPERLINK(...)`` is shown, not run, by a spreadsheet program.

How item figures are shown (the same in csv, xlsx and markdown):

* base items: 分值 (max), 得分 (score), 扣分 (max - score);
* bonus items (加分项): 得分 is the bonus earned, 扣分 is blank;
* penalty items (扣分项): 得分 is blank, 扣分 is the points deducted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, Callable, Iterable, Iterator, Sequence

from ..exact import fmt
from ..observations.types import show_value
from ..scoring import ItemResult, UnitResult
from .textsafe import inert_csv

REASON_SEP = "；"
OBS_SEP = "; "
INCOMPLETE = "未完成"
COMPLETE = "完整"


# ------------------------------------------------------------ projections


@dataclass
class Block:
    """One ranking table: the units of one rule file in one rank group."""

    rules_id: str
    rules_title: str
    group: str
    units: list[UnitResult] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        return any(not u.complete for u in self.units)

    @property
    def title(self) -> str:
        return f"{self.rules_title}（{self.rules_id}）— 排名组 {self.group}"


def _append_new(target: list[str], names: Iterable[str]) -> None:
    for n in names:
        if n not in target:
            target.append(n)


def _sections_in_order(units: Sequence[UnitResult]) -> list[str]:
    """一级指标 names in rule order that apply to at least one of ``units``."""
    order: list[str] = []
    for u in units:
        _append_new(order, u.sections)
    return [s for s in order if any(section_value(u, s) is not None for u in units)]


def blocks(results: Sequence[UnitResult]) -> list[Block]:
    """Results grouped into ranking tables: rule files in the order they first
    appear, then rank groups in the order they first appear, then by rank
    (ties keep the order ``ranking.rank`` gave them).  A table's 一级指标 are
    those that apply to at least one of its units, in rule order."""
    by_key: dict[tuple[str, str], Block] = {}
    rules_order: list[str] = []
    for r in results:
        if r.rules_id not in rules_order:
            rules_order.append(r.rules_id)
        key = (r.rules_id, r.rank_group)
        b = by_key.get(key)
        if b is None:
            b = by_key[key] = Block(r.rules_id, r.rules_title, r.rank_group)
        b.units.append(r)
    out = []
    for rid in rules_order:
        for (k_rules, _), b in by_key.items():
            if k_rules == rid:
                order = {id(u): i for i, u in enumerate(b.units)}
                b.units.sort(key=lambda u: (u.rank if u.rank else 10**9, order[id(u)]))
                b.sections = _sections_in_order(b.units)
                out.append(b)
    return out


def ordered_units(results: Sequence[UnitResult]) -> list[UnitResult]:
    return [u for b in blocks(results) for u in b.units]


# full(u) -> u with its items (``pipeline.Run.full``); None: results carry them
Full = Callable[[UnitResult], UnitResult] | None


def with_items(units: Iterable[UnitResult], full: Full) -> Iterator[UnitResult]:
    """Each unit with its items, one at a time.  A report that shows items
    for 100,000 units gets them here unit by unit and lets each go before
    the next: ranking needed only the figures."""
    for u in units:
        yield full(u) if full is not None else u


def section_union(results: Sequence[UnitResult]) -> list[str]:
    """一级指标 of every rule file, in rule order (first rule file first); a name
    shared by two rule files appears once."""
    out: list[str] = []
    by_rules: dict[str, list[UnitResult]] = {}
    for r in results:
        by_rules.setdefault(r.rules_id, []).append(r)
    for units in by_rules.values():
        _append_new(out, _sections_in_order(units))
    return out


def section_value(unit: UnitResult, name: str) -> Decimal | None:
    """A 一级指标 subtotal, or None when the section does not apply to the unit
    (absent from its rule file, or no item of it applies to the unit's class)."""
    value = unit.sections.get(name)
    if value is None:
        return None
    if value == 0:
        names = unit.base_sections
        if names is not None:
            return value if name in names else None
        if not any(it.section == name and it.section_kind == "base" for it in unit.items):
            return None
    return value


def item_figures(item: ItemResult) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """(分值, 得分, 扣分) as shown in reports; see the module docstring."""
    if item.section_kind == "penalty":
        return item.max, None, item.score
    if item.section_kind == "bonus":
        return item.max, item.score, None
    return item.max, item.score, item.lost


def lost_points(item: ItemResult) -> Decimal:
    """Points this item cost the unit (what goes on the rectification list)."""
    _, _, lost = item_figures(item)
    return lost if lost is not None else Decimal(0)


def observations_text(item: ItemResult) -> str:
    """``field=value`` for every observation used, then ``field=(未填)`` for
    every field the item needed but did not get (--partial)."""
    parts = [f"{o.field}={show_value(o.value)}" for o in item.observations]
    seen = {o.field for o in item.observations}
    for step in item.steps:
        for f in step.missing:
            if f not in seen:
                seen.add(f)
                parts.append(f"{f}={show_value(None)}")
    return OBS_SEP.join(parts)


def reasons_text(item: ItemResult) -> str:
    return REASON_SEP.join(item.reasons)


def evidence_text(item: ItemResult) -> str:
    return "\n".join(item.evidence)


def scorers_text(item: ItemResult) -> str:
    return "、".join(item.scorers)


def path_text(item: ItemResult) -> str:
    return " / ".join(list(item.path) + [item.id])


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def adjustment_note(adj: Any) -> str:
    """复核: 原值 X → 新值 Y (理由; 批准人, 日期)"""
    who = ", ".join(p for p in (_s(getattr(adj, "approved_by", "")), _s(getattr(adj, "date", ""))) if p)
    inside = "; ".join(p for p in (_s(getattr(adj, "reason", "")), who) if p)
    field_id = _s(getattr(adj, "field", ""))
    head = f"复核 {field_id}: " if field_id else "复核: "
    text = f"{head}原值 {_s(adj.before) or '(空)'} → 新值 {_s(adj.after) or '(空)'}"
    return f"{text} ({inside})" if inside else text


def adjustments_index(adjustments: Iterable[Any] | None) -> dict[tuple[str, str], list[Any]]:
    out: dict[tuple[str, str], list[Any]] = {}
    for adj in adjustments or ():
        out.setdefault((_s(adj.unit), _s(adj.item)), []).append(adj)
    return out


def adjustments_text(index: dict[tuple[str, str], list[Any]], unit: str, item: str) -> str:
    return "\n".join(adjustment_note(a) for a in index.get((unit, item), ()))


def num(value: Decimal | None, precision: int | None) -> str:
    return "" if value is None else fmt(value, precision)


# What a total reads when a veto gives none (the unit was not scored).
VETOED = "单项否决"


def total_text(unit: UnitResult, precision: int | None) -> str:
    """The total as published: the figure, or 单项否决 when a veto that
    stops scoring gives no total."""
    return VETOED if unit.total is None else fmt(unit.total, precision)


# ------------------------------------------------------------------- csv

SUMMARY_HEAD = ["rules", "rank_group", "rank", "unit", "class"]
SUMMARY_TAIL = ["base", "bonus", "penalty", "total", "grade", "complete"]
DETAIL_HEAD = ["rules", "unit", "class", "item", "path", "max", "score", "lost", "reasons", "arithmetic", "evidence", "scorer", "complete"]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def summary_rows(results: Sequence[UnitResult], precision: int = 2) -> list[list[str]]:
    return list(iter_summary_rows(results, precision))


def iter_summary_rows(results: Sequence[UnitResult], precision: int = 2) -> Iterator[list[str]]:
    sections = section_union(results)
    # which veto applied, when one did: a column of its own (a veto that
    # stops scoring leaves base, bonus, penalty and perhaps total blank)
    vetoed = any(u.veto for u in results)
    yield SUMMARY_HEAD + [inert_csv(s) for s in sections] + SUMMARY_TAIL + (["veto"] if vetoed else [])
    for u in ordered_units(results):
        row = [
            inert_csv(u.rules_id),
            inert_csv(u.rank_group),
            str(u.rank) if u.rank else "",
            inert_csv(u.unit),
            inert_csv(u.cls),
            *[num(section_value(u, s), precision) for s in sections],
            num(u.base, precision),
            num(u.bonus, precision),
            num(u.penalty, precision),
            num(u.total, precision),
            inert_csv(u.grade or ""),
            _yes(u.complete),
        ]
        if vetoed:
            row.append(inert_csv(u.veto or ""))
        yield row


def detail_rows(results: Sequence[UnitResult], precision: int = 2, adjustments: Iterable[Any] | None = None) -> list[list[str]]:
    return list(iter_detail_rows(results, precision, adjustments))


def iter_detail_rows(results: Sequence[UnitResult], precision: int = 2, adjustments: Iterable[Any] | None = None, full: Full = None) -> Iterator[list[str]]:
    index = adjustments_index(adjustments)
    with_adj = adjustments is not None
    yield DETAIL_HEAD + (["adjusted"] if with_adj else [])
    for u in with_items(ordered_units(results), full):
        for it in u.items:
            mx, score, lost = item_figures(it)
            row = [
                inert_csv(u.rules_id),
                inert_csv(u.unit),
                inert_csv(u.cls),
                inert_csv(it.id),
                inert_csv(" / ".join(it.path)),
                num(mx, precision),
                num(score, precision),
                num(lost, precision),
                inert_csv(reasons_text(it)),
                inert_csv(it.arithmetic()),
                inert_csv(evidence_text(it)),
                inert_csv(scorers_text(it)),
                _yes(it.complete),
            ]
            if with_adj:
                row.append(inert_csv(adjustments_text(index, u.unit, it.id)))
            yield row


def results_csv(
    results: Sequence[UnitResult],
    *,
    detail: bool = False,
    precision: int = 2,
    bom: bool = False,
    adjustments: Iterable[Any] | None = None,
) -> str:
    """The summary (one row per unit, in ranking order) or, with ``detail``, one
    row per unit x item.  ``bom`` prefixes a UTF-8 byte-order mark so that
    Excel opens the file as UTF-8; lines end with "\\r\\n" (RFC 4180)."""
    buf = io.StringIO()
    write_results_csv(buf, results, detail=detail, precision=precision, bom=bom, adjustments=adjustments)
    return buf.getvalue()


def write_results_csv(
    out: IO[str],
    results: Sequence[UnitResult],
    *,
    detail: bool = False,
    precision: int = 2,
    bom: bool = False,
    adjustments: Iterable[Any] | None = None,
    full: Full = None,
) -> None:
    """``results_csv`` written to ``out`` row by row; with ``full`` (see
    ``with_items``) the detail scores one unit's items at a time."""
    rows = iter_detail_rows(results, precision, adjustments, full) if detail else iter_summary_rows(results, precision)
    if bom:
        out.write("\ufeff")
    # RFC 4180: CRLF line ends; a field holding CR or LF (both in the line
    # terminator) is quoted, so a bare CR never starts a new row
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(row)
