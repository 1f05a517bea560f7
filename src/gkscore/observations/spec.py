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
from ..rules.resolve import applies_conditions, item_max

VETO_SECTION = "单项否决"
UNIT_SECTION = "单位属性"
UNIT_TEXT = "本单位的基本情况:每个单位只填一次,多项指标共用"


@dataclass(frozen=True)
class AskedWhen:
    """When a field need be answered (``engine.needs``), kept as conditions
    and worded in the language of the run (``words``).  ``conditions`` are
    all required; an entry that is a tuple is a choice among its conditions;
    ``void``: the group's void condition, under which it need not be filled."""

    conditions: tuple = ()
    void: str = ""

    def __bool__(self) -> bool:
        return bool(self.conditions or self.void)

    def words(self) -> str:
        from ..i18n import _, pgettext

        parts = []
        if self.conditions:
            conds = [c if isinstance(c, str) else "(" + _(" or ").join(c) + ")" if len(c) > 1 else c[0] for c in self.conditions]
            parts.append(_("fill only when {conditions}").format(conditions=_(" and ").join(conds)))
        if self.void:
            parts.append(_("not needed when {condition}").format(condition=self.void))
        return pgettext("clause separator", "; ").join(parts)


ALWAYS = AskedWhen()


@dataclass(frozen=True)
class FieldSpec:
    owner: str
    kind: str  # unit | item | group | veto
    field: object  # the pydantic field model
    section: str
    group: str
    text: str
    # when the field need be answered (engine.needs): empty for always
    asked_when: AskedWhen = ALWAYS
    number: int = 0  # the item's place in its group (1, 2 ...); 0 for a group's, a veto's or a unit field

    @property
    def field_id(self) -> str:
        return self.field.id

    @property
    def key(self) -> tuple[str, str]:
        return (self.owner, self.field.id)

    def indicator(self) -> str:
        """The indicator in words, as the annex names it: 组织推进第2项, a
        group's name, or the veto's text (built for messages only)."""
        from ..i18n import _

        if self.kind == "item":
            return _("{group} item {n}").format(group=self.group, n=self.number)
        if self.kind == "veto":
            return _("veto: {text}").format(text=_short(self.text, 24))
        if self.kind == "unit":
            return _("the unit's own facts")
        return self.group

    def subject(self) -> str:
        """The indicator and the question the field asks (组织推进第2项：是否…？)."""
        from ..i18n import _

        return _("{indicator}: {question}").format(indicator=self.indicator(), question=_short(self.field.prompt, 40))


@dataclass
class Owner:
    id: str
    kind: str
    classes: frozenset[str]  # classes the owner applies to
    specs: dict[str, FieldSpec]  # field id -> spec


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def owners(rs: RuleSet) -> dict[str, Owner]:
    """owner id -> Owner: the unit first, then the annex's order (vetoes last)."""
    out: dict[str, Owner] = {}
    classes = list(rs.classes)
    if rs.unit_fields:
        specs = {f.id: FieldSpec(UNIT_OWNER, "unit", f, UNIT_SECTION, "", UNIT_TEXT) for f in rs.unit_fields}
        out[UNIT_OWNER] = Owner(UNIT_OWNER, "unit", frozenset(classes), specs)
    for section in rs.sections:
        for group in section.groups:
            g_classes = frozenset(c for c in classes if any(item_max(i, c) is not None for i in group.items))
            if group.fields:
                text = group.void_text or group.name
                out[group.id] = Owner(group.id, "group", g_classes, {f.id: FieldSpec(group.id, "group", f, section.name, group.name, text) for f in group.fields})
            for n, item in enumerate(group.items, start=1):
                i_classes = frozenset(c for c in classes if item_max(item, c) is not None)
                when = asked_when(section, group, item)
                out[item.id] = Owner(item.id, "item", i_classes, {f.id: FieldSpec(item.id, "item", f, section.name, group.name, item.text, when.get(f.id, ALWAYS), n) for f in item.fields})
    for veto in rs.vetoes:
        v_classes = frozenset(c for c in classes if applies_to(veto, c))
        out[veto.id] = Owner(veto.id, "veto", v_classes, {f.id: FieldSpec(veto.id, "veto", f, VETO_SECTION, "", veto.text) for f in veto.fields})
    return out


def asked_when(section, group, item) -> dict[str, AskedWhen]:
    """field id -> when an item's field need be answered
    (``engine.needs``): its item applies, and for a field that only clauses
    under only_if read, one of them applies; unless its group is voided.
    Fields needed whatever the answers are left out."""
    applies = applies_conditions(section, group, item)
    decided = {f for c in applies for f in c.field_ids()}
    gates = [c.describe() for c in applies]
    readers: dict[str, list] = {}
    for clause in item.clauses:
        only = set(clause.only_if.field_ids()) if clause.only_if is not None else set()
        decided |= only
        for f in clause.reads():
            if f not in only:
                readers.setdefault(f, []).append(None if clause.only_if is None else _condition_words(clause.only_if, item))
    void = group.void_if.describe() if group.void_if is not None else ""
    out = {}
    for field in item.fields:
        if field.id in decided:
            continue
        conds: list = list(gates)
        gating = readers.get(field.id, [])
        if gating and all(c is not None for c in gating):
            conds.append(tuple(dict.fromkeys(gating)))
        when = AskedWhen(tuple(conds), void)
        if when:
            out[field.id] = when
    return out


def _condition_words(cond, item) -> str:
    """A condition as a scorer reads it: a reference to another clause by
    that clause's own words when it has them."""
    if cond.tag == "clause":
        ref = next((c for c in item.clauses if c.id == cond.clause), None)
        if ref is not None and ref.text:
            return f"“{ref.text}”"
    return cond.describe()


def expected_fields(rs: RuleSet, cls: str, index: dict[str, Owner] | None = None) -> list[FieldSpec]:
    """Every field a unit of class ``cls`` must fill, in order."""
    index = index if index is not None else owners(rs)
    return [spec for owner in index.values() if cls in owner.classes for spec in owner.specs.values()]
