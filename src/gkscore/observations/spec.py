"""Which observation fields a unit of a class needs, in the annex's order.

Owners of fields are the unit (its unit fields, ``rules.model.UNIT_OWNER``),
items, groups (fields used by ``void_if``) and vetoes; their ids are unique
across a rule file.  An item's fields are asked for when the item applies to
the class (``item_max`` is not None); a group's fields when any of its items
applies; the unit's fields always; a veto's fields when the veto applies to the class.  Which of them a unit must
answer, given its other answers, is ``engine.needs``'s to say.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..rules.model import UNIT_OWNER, RuleSet, applies_to
from ..rules.resolve import item_max

VETO_SECTION = "单项否决"
UNIT_SECTION = "单位属性"


@dataclass(frozen=True)
class FieldSpec:
    owner: str
    kind: str  # unit | item | group | veto
    field: object  # the pydantic field model
    section: str
    group: str
    text: str

    @property
    def field_id(self) -> str:
        return self.field.id

    @property
    def key(self) -> tuple[str, str]:
        return (self.owner, self.field.id)


@dataclass
class Owner:
    id: str
    kind: str
    classes: frozenset[str]  # classes the owner applies to
    specs: dict[str, FieldSpec]  # field id -> spec


def owners(rs: RuleSet) -> dict[str, Owner]:
    """owner id -> Owner: the unit first, then the annex's order (vetoes last)."""
    out: dict[str, Owner] = {}
    classes = list(rs.classes)
    if rs.unit_fields:
        specs = {f.id: FieldSpec(UNIT_OWNER, "unit", f, UNIT_SECTION, "", UNIT_SECTION) for f in rs.unit_fields}
        out[UNIT_OWNER] = Owner(UNIT_OWNER, "unit", frozenset(classes), specs)
    for section in rs.sections:
        for group in section.groups:
            g_classes = frozenset(c for c in classes if any(item_max(i, c) is not None for i in group.items))
            if group.fields:
                text = group.void_text or group.name
                out[group.id] = Owner(group.id, "group", g_classes, {f.id: FieldSpec(group.id, "group", f, section.name, group.name, text) for f in group.fields})
            for item in group.items:
                i_classes = frozenset(c for c in classes if item_max(item, c) is not None)
                out[item.id] = Owner(item.id, "item", i_classes, {f.id: FieldSpec(item.id, "item", f, section.name, group.name, item.text) for f in item.fields})
    for veto in rs.vetoes:
        v_classes = frozenset(c for c in classes if applies_to(veto, c))
        out[veto.id] = Owner(veto.id, "veto", v_classes, {f.id: FieldSpec(veto.id, "veto", f, VETO_SECTION, "", veto.text) for f in veto.fields})
    return out


def expected_fields(rs: RuleSet, cls: str, index: dict[str, Owner] | None = None) -> list[FieldSpec]:
    """Every field a unit of class ``cls`` must fill, in order."""
    index = index if index is not None else owners(rs)
    return [spec for owner in index.values() if cls in owner.classes for spec in owner.specs.values()]
