"""Per-class resolution helpers shared by checks, scoring and rendering."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..engine.kinds.registry import is_deduction
from ..i18n import _
from .base import per_class
from .model import UNIT_OWNER, Group, Item, RuleSet, Section, implicit


# The 分值 of an item that has none of its own (a bonus or penalty item
# written without max): its score has no upper bound but its section's cap.
UNLIMITED = Decimal("Infinity")


def item_max(item: Item, cls: str) -> Decimal | None:
    """分值 for this class; None means the item does not apply to the class,
    UNLIMITED that it has no 分值 of its own."""
    if item.max is None:
        return UNLIMITED
    return per_class(item.max, cls)


def shown_max(value: Decimal | None) -> Decimal | None:
    """An item's 分值 as reports show it: None (a blank cell, json null) when
    the item has none of its own."""
    return None if value is None or value.is_infinite() else value


def item_start(item: Item, section_kind: str = "base") -> str:
    """Where the item's score starts: its ``start``, else from its clauses'
    directions.  In a penalty section (扣分项) the score is the points taken
    off, so it starts from zero and every clause adds what it takes off."""
    if section_kind == "penalty":
        return "zero"
    if item.start is not None:
        return item.start
    return "max" if all(is_deduction(c.kind) for c in item.clauses) else "zero"


def section_cap(section: Section, cls: str) -> Decimal | None:
    """The most a bonus or penalty section adds or takes off for a class;
    None when the table sets no cap (its items' own 分值 still bound it)."""
    if section.cap is None:
        return None
    return per_class(section.cap, cls) or Decimal(0)


def walk(ruleset: RuleSet) -> Iterator[tuple[int, Section, int, Group, int, Item]]:
    for si, section in enumerate(ruleset.sections):
        for gi, group in enumerate(section.groups):
            for ii, item in enumerate(group.items):
                yield si, section, gi, group, ii, item


def item_path(section: Section, group: Group, item: Item) -> list[str]:
    """[一级指标, 二级指标] and the item's description when it says more; a
    single-level table's row is its description (类别) alone."""
    if implicit(group):
        return [item.description] if item.description else []
    path = [section.name, group.name]
    if item.description and item.description != group.name:
        path.append(item.description)
    return path


def applies_conditions(section: Section, group: Group, item: Item) -> list:
    """The conditions an item applies under: its section's, its group's and
    its own ``applies_if``, those given."""
    return [c for c in (section.applies_if, group.applies_if, item.applies_if) if c is not None]


def fields_index(ruleset: RuleSet) -> dict[str, dict[str, object]]:
    """owner id (the unit, an item, group or veto) -> field id -> field model."""
    out: dict[str, dict[str, object]] = {}
    if ruleset.unit_fields:
        out[UNIT_OWNER] = {f.id: f for f in ruleset.unit_fields}
    for veto in ruleset.vetoes:
        out[veto.id] = {f.id: f for f in veto.fields}
    for section in ruleset.sections:
        for group in section.groups:
            if group.fields:
                out[group.id] = {f.id: f for f in group.fields}
            for item in group.items:
                out[item.id] = {f.id: f for f in item.fields}
    return out


__all__ = [
    "per_class",
    "item_max",
    "item_start",
    "section_cap",
    "walk",
    "item_path",
    "fields_index",
    "applies_conditions",
]


def item_names(ruleset: RuleSet) -> dict[str, str]:
    """item id -> the indicator as a person names it: its group and its place
    in the group (组织推进第2项); a single-level table's row by its place
    alone (第2项)."""
    out: dict[str, str] = {}
    for section in ruleset.sections:
        for group in section.groups:
            for n, item in enumerate(group.items, start=1):
                out[item.id] = item_name(group, n)
    return out


def item_name(group: Group, n: int) -> str:
    """The ``n``-th item of ``group`` as a person names it (组织推进第2项)."""
    if implicit(group):
        return _("item {n}").format(n=n)
    return _("{group} item {n}").format(group=group.name, n=n)


def field_label(field) -> str:
    """A field as a person reads it: its question without the question mark
    (是否建立内容保障方案), else its id."""
    prompt = getattr(field, "prompt", None)
    return prompt.strip().rstrip("?？").strip() if prompt else field.id

