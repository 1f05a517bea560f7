"""What the documents show, read from a scoring run: the one place that knows
the run's attributes.

The writers (通报, per-unit packs, charts) work on the plain objects made here:
ranking tables per rank group with every figure already as text with a fixed
number of decimals, and one unit's lost points.  A run gives each unit's
figures as ``unit, cls, rules_id, rules_title, sections, base, bonus,
penalty, total, grade, complete, notes, veto, rank_group, rank`` and its items
through ``run.detail(u)``; items
carry ``id, section, section_kind, group, path, text, max, score, lost,
reasons, evidence, observations``.

Groups are named by the rule file's title and the classes' names from the
rule file (``开设有网站的市直部门(A类)``), never by internal ids.  Within a
rank, tied units are listed in roster order (the order of the units file) and
marked 并列; units not completely scored (``--partial``) are listed last, in
roster order, marked 未完成 and not ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from typing import Iterator

from ..exact import fixed as exact_fixed
from ..render.view import columns_of, section_value

NOT_APPLICABLE = "—"
VETOED = "单项否决"  # the total of a unit a veto left without one
INCOMPLETE = "未完成"
TIED = "并列"


def fixed(value: Decimal | None, places: int) -> str:
    """``value`` with exactly ``places`` decimals (``exact.fixed``), or "—"
    where there is none."""
    if value is None:
        return NOT_APPLICABLE
    if type(value) is Decimal:
        return _fixed_decimal(value, places)
    return exact_fixed(value, places)


@lru_cache(maxsize=1 << 14)
def _fixed_decimal(value: Decimal, places: int) -> str:
    # the text depends only on the numeric value (equal Decimals such as 1
    # and 1.0 give the same text), and a ranking of thousands of units shows
    # the same few hundred figures again and again
    return exact_fixed(value, places)


@dataclass
class Row:
    """One unit's line in a ranking table, every figure as text."""

    unit: str
    rank: int | None  # None: not ranked (incomplete)
    tied: bool
    complete: bool
    sections: list[str]
    bonus: str
    penalty: str
    total: str
    grade: str
    total_value: Decimal | None  # None: a veto gave none, or not scored (no observations)
    veto: str | None = None  # the veto that applied, in its words
    missing: bool = False  # no observations at all (--partial): no figure shown

    @property
    def rank_text(self) -> str:
        if self.rank is None:
            return INCOMPLETE
        return f"{self.rank}（{TIED}）" if self.tied else str(self.rank)


@dataclass
class GroupTable:
    """The ranking table of one rank group of one rule file."""

    rules_id: str
    rules_title: str
    year: int | None
    group: str  # the run's rank group key: never shown
    class_names: list[str]
    sections: list[str]
    section_max: dict[str, str]
    rows: list[Row] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The classes' names, e.g. 开设有网站的市直部门(A类)."""
        return "、".join(self.class_names)

    @property
    def title(self) -> str:
        """Rule file title and classes, e.g. ``2020年…考评指标(市直部门) 开设有网站的市直部门(A类)``."""
        return f"{self.rules_title} {self.name}"

    @property
    def incomplete(self) -> bool:
        return any(not r.complete for r in self.rows)

    @property
    def ranked(self) -> list[Row]:
        return [r for r in self.rows if r.rank is not None]

    @property
    def charted(self) -> list[Row]:
        """The ranked rows with a total (a veto may leave a unit without one)."""
        return [r for r in self.ranked if r.total_value is not None]


def rules_of(run) -> dict:
    """rules id -> RuleSet for every rule file the run used."""
    out = {}
    for lr in run.rules:
        rs = getattr(lr, "ruleset", lr)
        out[rs.id] = rs
    return out


def roster_order(run) -> dict[str, int]:
    index = getattr(run, "units_index", None)
    return dict(getattr(index, "order", {}) or {})


def _class_names(rs, classes: list[str]) -> list[str]:
    order = list(rs.classes) if rs is not None else []
    classes = sorted(set(classes), key=lambda c: (order.index(c) if c in order else len(order), c))
    return [rs.classes[c].name if rs is not None and c in rs.classes else c for c in classes]


def _section_maxima(rs, classes: list[str]) -> dict[str, Decimal]:
    """一级指标 -> its full points for the group's classes (the largest when
    classes differ); for table headings such as 日常管理（22分）."""
    from ..rules.resolve import item_max

    out: dict[str, Decimal] = {}
    if rs is None:
        return out
    if rs.parts:  # a table made of parts shows its parts, each on its own scale
        from ..rules.part_checks import part_base_max

        return {p.name: max(part_base_max(rs, p.id, c) for c in classes) for p in rs.parts if classes}
    for s in rs.sections:
        if s.kind != "base":
            continue
        best = None
        for c in classes:
            total = sum((item_max(it, c) or Decimal(0) for g in s.groups for it in g.items), Decimal(0))
            best = total if best is None else max(best, total)
        if best is not None:
            out[s.name] = best
    return out


def ranking_tables(run, places: int) -> list[GroupTable]:
    """One table per (rule file, rank group), in the run's order."""
    rules = rules_of(run)
    order = roster_order(run)
    far = len(order)
    tables: dict[tuple[str, str], list] = {}
    for u in run.results:
        tables.setdefault((u.rules_id, u.rank_group), []).append(u)
    absent: dict[tuple[str, str], list] = {}
    for m in getattr(run, "missing", ()):
        tables.setdefault((m.rules_id, m.rank_group), [])
        absent.setdefault((m.rules_id, m.rank_group), []).append(m)
    out = []
    for (rules_id, group), units in tables.items():
        rs = rules.get(rules_id)
        missing = absent.get((rules_id, group), [])
        classes = [u.cls for u in (*units, *missing)]
        names: list[str] = []
        for u in units:
            for s in columns_of(u):
                if s not in names and section_value(u, s) is not None:
                    names.append(s)
        maxima = _section_maxima(rs, sorted(set(classes)))
        table = GroupTable(
            rules_id=rules_id,
            rules_title=(units or missing)[0].rules_title,
            year=getattr(rs, "year", None),
            group=group,
            class_names=_class_names(rs, classes),
            sections=names,
            section_max={s: fixed(maxima[s], 0 if maxima[s] == maxima[s].to_integral_value() else places) for s in names if s in maxima},
        )

        def key(u):
            pos = order.get(u.unit, far)
            return (0, u.rank, pos, u.unit) if u.complete else (1, 0, pos, u.unit)

        ranked = sorted(units, key=key)
        counts: dict[int, int] = {}
        for u in ranked:
            if u.complete:
                counts[u.rank] = counts.get(u.rank, 0) + 1
        for u in ranked:
            table.rows.append(
                Row(
                    unit=u.unit,
                    rank=u.rank if u.complete else None,
                    tied=u.complete and counts[u.rank] > 1,
                    complete=u.complete,
                    sections=[fixed(section_value(u, s), places) for s in names],
                    bonus=fixed(u.bonus, places),
                    penalty=fixed(u.penalty, places),
                    total=fixed(u.total, places) if u.total is not None else VETOED,
                    grade=(u.grade or "") if u.complete else "",
                    total_value=u.total,
                    veto=u.veto,
                )
            )
        # units without observations: after the others, in roster order, 未完成, no figure
        for m in sorted(missing, key=lambda m: (order.get(m.unit, far), m.unit)):
            table.rows.append(
                Row(unit=m.unit, rank=None, tied=False, complete=False, sections=[NOT_APPLICABLE] * len(names), bonus=NOT_APPLICABLE,
                    penalty=NOT_APPLICABLE, total=NOT_APPLICABLE, grade="", total_value=None, missing=True)
            )
        out.append(table)
    return out


# ------------------------------------------------------------ one unit


@dataclass
class LostPoint:
    """One item that cost the unit points, as the rectification list shows it."""

    path: list[str]  # 一级指标 / 二级指标 / 指标说明
    rule_text: str  # 评分细则, verbatim
    max: str  # 分值 ("—" for a 扣分项)
    score: str  # 得分 ("—" for a 扣分项)
    lost: str  # 失分: 分值 - 得分, or the 扣分项's deduction
    lost_value: Decimal
    max_value: Decimal | None
    score_value: Decimal | None
    found: str  # what was found, in words
    evidence: str
    complete: bool


@dataclass
class UnitSheet:
    """One unit's own results: nothing about any other unit."""

    unit: str
    class_name: str
    rules_title: str
    year: int | None
    rank: int | None
    tied: bool
    group_size: int
    grade: str
    complete: bool
    total: str
    base: str
    bonus: str
    penalty: str
    sections: list[tuple[str, str, str]]  # (一级指标, 得分, 分值)
    lost: list[LostPoint]
    notes: list[str]
    stopped_by: str | None = None  # the veto that stopped scoring, in its words
    parts: bool = False  # a table made of parts: ``sections`` are its parts


def unit_sheets(run, tables: list[GroupTable], places: int) -> Iterator[tuple[GroupTable, UnitSheet]]:
    """Each unit's sheet, one unit at a time (its items are scored again and
    let go before the next), in table order."""
    from .found import Describer

    detail = run.detail
    rules = rules_of(run)
    by_name = {}
    for u in run.results:
        by_name[(u.rules_id, u.rank_group, u.unit)] = u
    describers: dict[str, Describer] = {}
    for t in tables:
        rs = rules.get(t.rules_id)
        describe = describers.get(t.rules_id)
        if describe is None:
            describe = describers[t.rules_id] = Describer(rs)
        size = len(t.rows)
        for row in t.rows:
            if row.missing:
                continue  # nothing scored: no pack
            u = detail(by_name[(t.rules_id, t.group, row.unit)])
            yield t, _unit_sheet(u, row, size, rs, describe, places)


def _unit_sheet(u, row: Row, size: int, rs, describe, places: int) -> UnitSheet:
    sections: list[tuple[str, str, str]] = []
    maxima: dict[str, Decimal] = {}
    part_of = {s.name: p.name for p in rs.parts for s in rs.sections if s.part == p.id} if rs is not None and rs.parts else {}
    for it in u.items:
        if it.section_kind == "base":
            name = part_of.get(it.section, it.section)
            maxima[name] = maxima.get(name, Decimal(0)) + it.max
    for name, value in columns_of(u).items():
        if section_value(u, name) is None:
            continue
        m = maxima.get(name)
        sections.append((name, fixed(value, places), fixed(m, places) if m is not None else NOT_APPLICABLE))
    lost = []
    for it in u.items:
        kind = it.section_kind
        if kind == "bonus":
            continue  # a bonus not earned is not a point lost
        cost = it.score if kind == "penalty" else it.lost
        if cost <= 0 and it.complete:
            continue
        lost.append(
            LostPoint(
                path=list(it.path),
                rule_text=it.text,
                max=NOT_APPLICABLE if kind == "penalty" else fixed(it.max, places),
                score=NOT_APPLICABLE if kind == "penalty" else fixed(it.score, places),
                lost=fixed(cost, places),
                lost_value=cost,
                max_value=None if kind == "penalty" else it.max,
                score_value=None if kind == "penalty" else it.score,
                found=describe(it),
                evidence="\n".join(e for e in it.evidence if e),
                complete=it.complete,
            )
        )
    cls_name = rs.classes[u.cls].name if rs is not None and u.cls in rs.classes else u.cls
    return UnitSheet(
        unit=u.unit,
        class_name=cls_name,
        rules_title=u.rules_title,
        year=getattr(rs, "year", None),
        rank=row.rank,
        tied=row.tied,
        group_size=size,
        grade=row.grade,
        complete=u.complete,
        total=fixed(u.total, places) if u.total is not None else VETOED,
        base=fixed(u.base, places),
        bonus=fixed(u.bonus, places),
        penalty=fixed(u.penalty, places),
        sections=sections,
        lost=lost,
        notes=list(u.notes),
        stopped_by=u.veto if u.stopped else None,
        parts=getattr(u, "parts", None) is not None,
    )
