"""What every report shows, and the words it shows it with: the view model
of the terminal table, csv, markdown and the results workbook.

A report takes a scoring run (``pipeline.Run``: ``results`` ranked, ``rules``,
``adjustments``, ``detail(u)`` for one unit's items at a time) and asks here
for its ranking tables (``blocks``), the figures and texts of an item, the
notes of an adjustment and its words.  Numbers stay Decimal until a reporter
writes them (``num``: plain decimal text, never a float).

How item figures are shown (the same in every report):

* base items: 分值 (max), 得分 (score), 扣分 (max - score);
* bonus items (加分项): 得分 is the bonus earned, 扣分 is blank;
* penalty items (扣分项): 得分 is blank, 扣分 is the points deducted.

The words are English message ids translated in the active language
(Chinese from the catalog); a report looks them up once (``words()``), not
once per cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..exact import fmt
from ..i18n import N_, Labels, _, pgettext
from ..observations.types import show_value

# The words of the reports, by key.
WORDS = Labels(
    seq=N_("No."),
    rank=N_("Ranking"),
    unit=N_("Unit"),
    cls=N_("Class"),
    bonus=N_("Bonus"),
    penalty=N_("Penalty"),
    total=N_("Total"),
    grade=N_("Grade"),
    completeness=N_("Completeness"),
    complete=N_("complete"),
    incomplete=N_("incomplete"),
    item_id=N_("Item"),
    section=N_("Section"),
    group=N_("Group"),
    rule_text=N_("Scoring rule"),
    max=N_("Points"),
    score=N_("Score"),
    lost=N_("Lost"),
    reasons=N_("Why points were lost"),
    arithmetic=N_("Arithmetic"),
    observed=N_("Observations"),
    evidence=N_("Evidence cited"),
    scorer=N_("Scorer"),
    indicator=N_("Indicator"),
    item_max=N_("Item points"),
    adjustments=N_("Adjustments"),
    field=N_("Observation item"),
    before=N_("Before"),
    after=N_("After"),
    reason=N_("Reason"),
    approved_by=N_("Approved by"),
    date=N_("Date"),
    adjusted_score=N_("Score after review"),
    adjusted_lost=N_("Lost after review"),
    empty=N_("(empty)"),
    vetoed=N_("Vetoed"),
)


def words() -> SimpleNamespace:
    """Every word of ``WORDS`` in the active language, looked up once."""
    return SimpleNamespace(**{key: WORDS[key] for key in WORDS.keys()})

REASON_SEP = "；"
OBS_SEP = "; "
EVIDENCE_SEP = "\n"
SCORER_SEP = "、"
PATH_SEP = " / "


def completeness(w: SimpleNamespace, complete: bool) -> str:
    return w.complete if complete else w.incomplete


# ------------------------------------------------------------ ranking tables


@dataclass
class Block:
    """One ranking table: the units of one rule file in one rank group."""

    rules_id: str
    rules_title: str
    group: str
    units: list = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    # units of the group with no observations (--partial): listed after the
    # ranked units as 未完成, with no figure (``pipeline.MissingUnit``)
    missing: list = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        return bool(self.missing) or any(not u.complete for u in self.units)


def _append_new(target: list[str], names: Iterable[str]) -> None:
    for n in names:
        if n not in target:
            target.append(n)


def _sections_in_order(units: Sequence) -> list[str]:
    """一级指标 names in rule order that apply to at least one of ``units``."""
    order: list[str] = []
    for u in units:
        _append_new(order, columns_of(u))
    return [s for s in order if any(section_value(u, s) is not None for u in units)]


def blocks(results: Sequence, missing: Sequence = ()) -> list[Block]:
    """Results grouped into ranking tables: rule files in the order they first
    appear, then rank groups in the order they first appear, then by rank
    (ties keep the order ``ranking.rank`` gave them).  A table's 一级指标 are
    those that apply to at least one of its units, in rule order.  The
    ``missing`` units (``Run.missing``) go to their table after its ranked
    units; a rank group with none scored gets a table of its own after the
    rule file's other tables."""
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
    for m in missing:
        if m.rules_id not in rules_order:
            rules_order.append(m.rules_id)
        key = (m.rules_id, m.rank_group)
        b = by_key.get(key)
        if b is None:
            b = by_key[key] = Block(m.rules_id, m.rules_title, m.rank_group)
        b.missing.append(m)
    out = []
    for rid in rules_order:
        for (k_rules, _group), b in by_key.items():
            if k_rules == rid:
                order = {id(u): i for i, u in enumerate(b.units)}
                b.units.sort(key=lambda u: (u.rank if u.rank else 10**9, order[id(u)]))
                b.sections = _sections_in_order(b.units)
                out.append(b)
    return out


def class_names(rules: Sequence) -> dict[tuple[str, str], str]:
    """(rules id, class id) -> the class's name in its rule file
    (``开设有网站的市直部门(A类)``); ``rules``: the run's ``LoadedRules`` (or rule sets)."""
    sets = [getattr(lr, "ruleset", lr) for lr in rules]
    return {(rs.id, c): spec.name for rs in sets for c, spec in rs.classes.items()}


def group_name(block: Block, rules: Sequence) -> str:
    """A rank group as readers know it: the names of its classes in its rule
    file (``县(市、区)政府``; a merged group names each of its classes), never
    an id.
    ``rules``: the run's rule files (``LoadedRules``)."""
    rs = next((r for r in (getattr(lr, "ruleset", lr) for lr in rules) if r.id == block.rules_id), None)
    order = list(rs.classes) if rs is not None else []
    classes = sorted({u.cls for u in (*block.units, *block.missing)}, key=lambda c: (order.index(c) if c in order else len(order), c))
    names = class_names(rules)
    return pgettext("list separator", ", ").join(names.get((block.rules_id, c), c) for c in classes)


def group_title(block: Block, rules: Sequence) -> str:
    """How a ranking table is named for readers: the rule file's title and
    its classes' names (``…(市直部门) 开设有网站的市直部门(A类)``), never an
    internal id."""
    return f"{block.rules_title} {group_name(block, rules)}"


def missing_note(block: Block) -> str:
    """未完成: the units without observations, not scored, not ranked."""
    names = "、".join(m.unit for m in block.missing)
    return _("Incomplete: {units} submitted no observations; not scored, not ranked.").format(units=names)


def ordered_units(results: Sequence) -> list:
    return [u for b in blocks(results) for u in b.units]


def ordered_rows(results: Sequence, missing: Sequence = ()) -> list:
    """Units and missing units in report order: each table's ranked units,
    then its missing ones."""
    return [u for b in blocks(results, missing) for u in (*b.units, *b.missing)]


def is_missing(unit) -> bool:
    """A unit of the roster without observations (no figures at all)."""
    return not hasattr(unit, "total")


def section_union(results: Sequence) -> list[str]:
    """一级指标 of every rule file, in rule order (first rule file first); a name
    shared by two rule files appears once."""
    out: list[str] = []
    by_rules: dict[str, list] = {}
    for r in results:
        by_rules.setdefault(r.rules_id, []).append(r)
    for units in by_rules.values():
        _append_new(out, _sections_in_order(units))
    return out


def columns_of(unit) -> dict:
    """The subtotals a ranking table shows: each part's score in a table
    made of parts, else each 一级指标's."""
    parts = getattr(unit, "parts", None)
    return parts if parts is not None else unit.sections


def section_value(unit, name: str) -> Decimal | None:
    """A 一级指标 subtotal, or None when the section does not apply to the unit
    (absent from its rule file, or no item of it applies to the unit's class)."""
    parts = getattr(unit, "parts", None)
    if parts is not None:  # a table made of parts shows each part's score
        return parts.get(name)
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


# detail(u) -> u with its items (``pipeline.Run.detail``); None: results carry them
Detail = Callable[[Any], Any] | None


def unit_items(run, unit, *, texts: bool = True) -> tuple[list[tuple[dict | None, tuple[str, str] | None, object]], Callable[[object], object]]:
    """``unit``'s items as (rows, item): a row per item (what it shows that
    every unit with the same explanation shows too: ``ItemResult.shown``,
    None when nothing is shared; the unit's own evidence and scorers of the
    item (``joined_texts``), None unless ``texts``; a reference), and
    ``item(reference)`` the ItemResult.  A report of every unit's items
    takes its cells from the first and the unit's texts from the second,
    and builds an item only for an explanation it has not shown yet: at
    100,000 units that is 6,000,000 ItemResults it does not make
    (``Run.explained``)."""
    explained = run.explained(unit)
    if explained is None:
        return [(it.shown, evidence_and_scorers(it) if texts else None, it) for it in run.detail(unit).items], _itself
    entries, texts_of, make = explained
    if not texts:
        return [(fields["shown"], None, (fields, keys)) for fields, keys in entries], lambda ref: make(*ref)
    # the texts of all the unit's items in one call, then each item's share:
    # most items read one observation, whose pair is the item's texts
    pairs = texts_of([key for _fields, keys in entries for key in keys])
    rows = []
    at = 0
    for fields, keys in entries:
        n = len(keys)
        rows.append((fields["shown"], pairs[at] if n == 1 else joined_texts(pairs[at : at + n]), (fields, keys)))
        at += n
    return rows, lambda ref: make(*ref)


def _itself(item):
    return item


def shared_made(shown: dict | None, what, item, ref, make, *args):
    """``item(ref).shared(what, make, *args)`` for a row of ``unit_items``,
    without building the item when a unit with the same explanation had it
    made already (``shown``)."""
    if shown is not None:
        made = shown.get(what, _NOT_MADE)
        if made is not _NOT_MADE:
            return made
    return item(ref).shared(what, make, *args)


_NOT_MADE = object()


def with_items(units: Iterable, detail: Detail) -> Iterator:
    """Each unit with its items, one at a time.  A report that shows items
    for 100,000 units gets them here unit by unit and lets each go before
    the next: ranking needed only the figures."""
    for u in units:
        yield detail(u) if detail is not None and not is_missing(u) else u


def summary_header(w: SimpleNamespace, block: Block) -> list[str]:
    """序号, 单位, 类别, <一级指标...>, 加分, 扣分, 总分, 等次, 排名 (+ 完整性)."""
    head = [w.seq, w.unit, w.cls, *block.sections, w.bonus, w.penalty, w.total, w.grade, w.rank]
    if block.incomplete:
        head.append(w.completeness)
    return head


# ------------------------------------------------------------ one item


def item_figures(item) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """(分值, 得分, 扣分) as shown in reports; see the module docstring."""
    if item.section_kind == "penalty":
        return item.max, None, item.score
    if item.section_kind == "bonus":
        return item.max, item.score, None
    return item.max, item.score, item.lost


def lost_points(item) -> Decimal:
    """Points this item cost the unit (what goes on the rectification list)."""
    _m, _s, lost = item_figures(item)
    return lost if lost is not None else Decimal(0)


def listed(unit) -> list:
    """The items on a unit's rectification list: lost points or unfilled."""
    return [it for it in unit.items if lost_points(it) > 0 or not it.complete]


def observations_text(item) -> str:
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


def reasons_text(item) -> str:
    return REASON_SEP.join(item.reasons)


def evidence_text(item) -> str:
    return EVIDENCE_SEP.join(item.evidence)


def scorers_text(item) -> str:
    return SCORER_SEP.join(item.scorers)


def evidence_and_scorers(item) -> tuple[str, str]:
    """``evidence_text`` and ``scorers_text`` in one pass over the item's
    observations (a report of every unit's items asks for both)."""
    return joined_texts(item.texts())


def joined_texts(texts: list[tuple[str, str]]) -> tuple[str, str]:
    """``evidence_and_scorers`` of an item's (evidence, scorer) pairs."""
    if not texts:
        return "", ""
    if len(texts) == 1:
        ((evidence, scorer),) = texts
        return evidence, scorer
    return EVIDENCE_SEP.join([e for e, _s in texts if e]), SCORER_SEP.join(sorted({s for _e, s in texts if s}))


def item_names(rules: Sequence) -> dict[tuple[str, str], str]:
    """(rules id, item id) -> the indicator as a person names it (组织推进第1项)."""
    from ..rules.resolve import item_names as names_of

    sets = [getattr(lr, "ruleset", lr) for lr in rules]
    return {(rs.id, item): name for rs in sets for item, name in names_of(rs).items()}


def path_text(item, name: str | None = None) -> str:
    """日常管理 / 组织推进 / <the item's text> (组织推进第1项): the indicator by
    its place and as a person names it (``item_names``), not by its id; the
    id where no name is given."""
    return PATH_SEP.join(item.path) + _(" ({item})").format(item=name or item.id)


def num(value: Decimal | None, precision: int | None) -> str:
    return "" if value is None else fmt(value, precision)


def total_text(w: SimpleNamespace, unit, precision: int | None) -> str:
    """The total as published: the figure, or 单项否决 when a veto that
    stops scoring gives no total."""
    return w.vetoed if unit.total is None else fmt(unit.total, precision)


# ------------------------------------------------------------ adjustments (复核)


def _s(value: Any) -> str:
    return "" if value is None else str(value)


ADJUSTMENT_KEYS = ("unit", "item", "field", "before", "after", "reason", "approved_by", "date")


def adjustment_header(w: SimpleNamespace) -> list[str]:
    """单位, 指标编号, 观测项, 原值, 新值, 理由, 批准人, 日期."""
    return [w.unit, w.item_id, w.field, w.before, w.after, w.reason, w.approved_by, w.date]


def adjustment_values(adj: Any) -> list[str]:
    """An adjustment's cells under ``adjustment_header``: the observation
    item by its question (as the template asks it) when known, else its id."""
    out = []
    for key in ADJUSTMENT_KEYS:
        value = getattr(adj, "question", "") if key == "field" else ""
        out.append(_s(value or getattr(adj, key, "")))
    return out


def adjustment_note(adj: Any) -> str:
    """复核: 原值 X → 新值 Y (理由; 批准人, 日期)"""
    who = ", ".join(p for p in (_s(getattr(adj, "approved_by", "")), _s(getattr(adj, "date", ""))) if p)
    inside = "; ".join(p for p in (_s(getattr(adj, "reason", "")), who) if p)
    field_id = _s(getattr(adj, "question", "") or getattr(adj, "field", ""))
    empty = _("(empty)")
    if field_id:
        head = _("Review {field}: ").format(field=field_id)
    else:
        head = _("Review: ")
    text = head + _("was {before} → now {after}").format(before=_s(adj.before) or empty, after=_s(adj.after) or empty)
    return f"{text} ({inside})" if inside else text


def adjustments_index(adjustments: Iterable[Any] | None) -> dict[tuple[str, str], list[Any]]:
    out: dict[tuple[str, str], list[Any]] = {}
    for adj in adjustments or ():
        out.setdefault((_s(adj.unit), _s(adj.item)), []).append(adj)
    return out


def adjustments_text(index: dict[tuple[str, str], list[Any]], unit: str, item: str) -> str:
    return "\n".join(adjustment_note(a) for a in index.get((unit, item), ()))
