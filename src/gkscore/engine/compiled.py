"""A rule set compiled for scoring: every per-rule figure the engine needs,
resolved once.

``CompiledRules`` is made once per loaded rule set and owns a ``ClassPlan``
per class, built when a unit of that class is first scored.  A plan numbers
the (owner, field) pairs a unit of the class answers (a unit's *row* holds
their values in that order, ``keys``) and lays the rule tree out over them:
sections, groups with an applicable item, items with their 分值, starting
score, path and clause texts, vetoes, the bonus and penalty caps and the
section weights.  It also records which row positions are read only through
comparisons (``classes``): for the memo those values stand for their test
results (``engine/scorer.py``).
"""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter

from ..exact import ZERO
from ..i18n import _
from ..rules.base import per_class
from ..rules.model import UNIT_OWNER, applies_to, na_kind
from ..rules.resolve import applies_conditions, field_label, fields_index, item_max, item_name, item_path, item_start, section_cap
from .conditions.logic import conjunction
from .conditions.node import RAW


def gather(positions):
    """fn(seq) -> tuple of seq[p] for p in positions (itemgetter gives a bare
    value for one position; a memo key is always a tuple)."""
    positions = tuple(positions)
    if not positions:
        return lambda seq: ()
    if len(positions) == 1:
        (p,) = positions
        return lambda seq: (seq[p],)
    return itemgetter(*positions)


def clause_text(item, clause, name=None) -> str:
    """The words a clause is reported with: its own, else the item's first
    line (with what tells the clause apart when the item has several);
    ``name(field)`` shows a field."""
    if clause.text:
        return clause.text
    text = item.text.split("\n")[0]
    if len(item.clauses) > 1:
        text += f" ({clause.label(name)})"
    return text


class ItemPlan:
    """One applicable item.  ``pos``: field -> row position; ``reads``: every
    position its clauses, fields and applies_if read (its memo key)."""

    __slots__ = ("i", "item", "cls", "precision", "section", "group", "max", "start", "path", "texts", "fields", "field_ids", "unit_reads", "pos", "reads", "key", "applies", "na_note", "penalty")

    def __init__(self, i, item, cls: str, precision: int, section, group, pos: dict[str, int], name, number: int) -> None:
        self.i, self.item, self.cls, self.precision, self.section, self.group = i, item, cls, precision, section, group
        self.max = m = item_max(item, cls)
        self.start = m if item_start(item, section.kind) == "max" else ZERO
        self.path = tuple(item_path(section, group, item))
        self.texts = tuple(clause_text(item, c, name) for c in item.clauses)
        self.fields = {f.id: f for f in item.fields}
        self.field_ids = tuple(self.fields)
        self.pos = pos
        self.unit_reads = tuple(f for f in pos if f not in self.fields)  # the unit fields it reads
        self.reads = tuple(sorted(set(pos.values())))
        self.key = gather(self.reads)
        # the applicability conditions: the section's, the group's, the item's
        self.applies = tuple(applies_conditions(section, group, item))
        if self.applies:
            message = _("{item}: does not apply ({condition} does not hold)")
            self.na_note = message.format(item=item_name(group, number), condition=conjunction(self.applies, name))
        else:
            self.na_note = ""
        self.penalty = section.kind == "penalty"


    def keys_of(self, fields) -> tuple[tuple[str, str], ...]:
        """(owner, field) of fields the item reads: its own, or the unit's."""
        own = self.item.id
        return tuple((own if f in self.fields else UNIT_OWNER, f) for f in fields)


class GroupPlan:
    """A group with at least one applicable item; ``key`` gathers every
    position its void condition and items read."""

    __slots__ = ("i", "group", "name", "base", "items", "void", "void_pos", "void_key", "voided_by", "cap", "key")

    def __init__(self, i, group, base: bool, items: list[ItemPlan], void_pos: dict[str, int] | None, cap, name) -> None:
        self.i, self.group, self.name, self.base = i, group, group.name, base
        self.items, self.void, self.void_pos, self.cap = items, group.void_if, void_pos, cap
        self.voided_by = f"{group.void_text} ({group.void_if.describe(name)})" if group.void_if is not None else None
        reads = set(void_pos.values()) if void_pos else set()
        self.void_key = gather(sorted(reads)) if void_pos is not None else None
        for ip in items:
            reads.update(ip.reads)
        self.key = gather(sorted(reads))


class SectionPlan:
    __slots__ = ("section", "id", "name", "kind", "base", "groups", "max")

    def __init__(self, section, groups: list[GroupPlan], cls: str) -> None:
        self.section, self.id, self.name, self.kind = section, section.id, section.name, section.kind
        self.base = section.kind == "base"
        self.groups = groups
        # every item's 分值 for the class: the scale of a weighted section
        self.max = sum((item_max(i, cls) or ZERO for g in section.groups for i in g.items), ZERO)


class VetoPlan:
    __slots__ = ("i", "veto", "pos", "key")

    def __init__(self, i, veto, pos: dict[str, int]) -> None:
        self.i, self.veto, self.pos = i, veto, pos
        self.key = gather(sorted(set(pos.values())))


class PartPlan:
    """One part of a table made of parts, for a class: its base sections, the
    caps of its bonus and penalty sections, its gates and its vetoes."""

    __slots__ = ("part", "id", "name", "weight", "section_ids", "base_ids", "max", "bonus_caps", "penalty_caps", "gates", "vetoes")

    def __init__(self, part, plan: "ClassPlan") -> None:
        self.part, self.id, self.name, self.weight = part, part.id, part.name, part.weight
        mine = [s for s in plan.rs.sections if s.part == part.id]
        self.section_ids = frozenset(s.id for s in mine)
        self.base_ids = [s.id for s in mine if s.kind == "base"]
        # the part's scale: the 分值 of its base items for the class (its
        # "full" points when some do not apply to a unit)
        self.max = sum((sp.max for sp in plan.sections if sp.id in self.base_ids), ZERO)
        self.bonus_caps = [(s.id, section_cap(s, plan.cls)) for s in mine if s.kind == "bonus"]
        self.penalty_caps = [(s.id, section_cap(s, plan.cls)) for s in mine if s.kind == "penalty"]
        self.gates = [g for g in plan.gates if g.part == part.id]
        self.vetoes = [vp for vp in plan.vetoes if vp.veto.part == part.id]


class ClassPlan:
    """The rule set laid out for one class.

    ``keys``: the (owner, field) pairs of a unit's row, in row order;
    ``sections``: SectionPlans (groups without an applicable item left out);
    ``items``/``groups``/``vetoes``: every plan by its index ``i`` (the
    vetoes and ``gates`` that apply to the class);
    ``classes``: (position, comparisons) of the positions read only through
    comparisons; ``base_names``: the base sections with a group."""

    def __init__(self, rs, cls: str) -> None:
        self.rs, self.cls, self.precision = rs, cls, rs.precision
        self.unit_fields = frozenset(f.id for f in rs.unit_fields)
        self.keys: list[tuple[str, str]] = []
        self._pos: dict[tuple[str, str], int] = {}
        self._tests: dict[int, dict] = {}  # position -> the comparisons applied to it
        self._raw: set[int] = set()  # positions whose value itself is used
        self.items: list[ItemPlan] = []
        self.groups: list[GroupPlan] = []
        self.sections = [SectionPlan(s, [g for g in (self._group(s, g) for g in s.groups) if g is not None], cls) for s in rs.sections]
        vetoes = [v for v in rs.vetoes if applies_to(v, cls)]
        self.vetoes = [VetoPlan(i, v, self._condition(v.when, v.id, v.fields)) for i, v in enumerate(vetoes)]
        self.gates = [g for g in rs.gates if applies_to(g, cls)]
        self.stops = any(vp.veto.stops for vp in self.vetoes)  # a veto may stop scoring
        self.classes = self._classes(rs)
        self.base_names = frozenset(sp.name for sp in self.sections if sp.base and sp.groups)
        # only the N/A policies that change items need them (and a spread their raw scores)
        self.keeps_items = na_kind(rs) in ("redistribute", "spread")
        self.keeps_raw = na_kind(rs) == "spread"
        # (section id, cap or None for a section without one)
        self.bonus_caps = [(s.id, section_cap(s, cls)) for s in rs.sections if s.kind == "bonus"]
        self.penalty_caps = [(s.id, section_cap(s, cls)) for s in rs.sections if s.kind == "penalty"]
        self.weights = [(s.name, s.weight or ZERO) for s in rs.sections if s.kind == "base"]
        self.class_max: Decimal = rs.classes[cls].max
        # a table made of parts: each part's sections, caps, gates and vetoes
        self.parts = [PartPlan(p, self) for p in rs.parts] if rs.parts else None

    def _group(self, section, group) -> GroupPlan | None:
        items = [self._item(section, group, it, n) for n, it in enumerate(group.items, start=1) if item_max(it, self.cls) is not None]
        if not items:
            return None
        void_pos = self._condition(group.void_if, group.id, group.fields) if group.void_if is not None else None
        gp = GroupPlan(len(self.groups), group, section.kind == "base", items, void_pos, per_class(group.max_lost, self.cls), self._namer(group.fields))
        self.groups.append(gp)
        return gp

    def _namer(self, own_fields):
        """field id -> how a person reads it (its question), for the texts
        of an owner with ``own_fields``."""
        labels = {f.id: field_label(f) for f in self.rs.unit_fields}
        labels.update((f.id, field_label(f)) for f in own_fields)
        return lambda field: labels.get(field, field)

    def _item(self, section, group, it, number: int) -> ItemPlan:
        owner = it.id
        pos: dict[str, int] = {}
        for clause in it.clauses:
            for _key, cond in clause.conditions():
                pos.update(self._condition(cond, owner, it.fields))
            for f in clause.value_fields():
                pos[f] = self._at(self._owner_of(f, owner, it.fields), f)
                self._raw.add(pos[f])
        for f in it.fields:
            pos[f.id] = self._at(owner, f.id)
        for cond in (section.applies_if, group.applies_if, it.applies_if):
            if cond is not None:
                pos.update(self._condition(cond, owner, it.fields))
        ip = ItemPlan(len(self.items), it, self.cls, self.precision, section, group, pos, self._namer(it.fields), number)
        self.items.append(ip)
        return ip

    def position(self, owner: str, field: str) -> int | None:
        """The row position of (owner, field); None for a field the plan
        never reads."""
        return self._pos.get((owner, field))

    def _owner_of(self, field: str, owner: str, own_fields) -> str:
        """Who answers ``field`` where ``owner`` (with ``own_fields``) reads
        it: the owner, or the unit for a unit field the owner does not
        declare (the checks refuse a unit field's id on an owner's field)."""
        if field in self.unit_fields and all(f.id != field for f in own_fields):
            return UNIT_OWNER
        return owner

    def _condition(self, cond, owner: str, own_fields=()) -> dict[str, int]:
        """field -> row position of every field a condition tests."""
        out: dict[str, int] = {}
        for field, test in cond.tests():
            out[field] = i = self._at(self._owner_of(field, owner, own_fields), field)
            if test is RAW:
                self._raw.add(i)
                continue
            # kept apart by text and kind: ``eq: true`` and ``eq: 1`` are
            # equal tuples but different tests
            self._tests.setdefault(i, {}).setdefault((test[0], type(test[1]), repr(test[1])), test)
        return out

    def _at(self, owner: str, field: str) -> int:
        key = (owner, field)
        i = self._pos.get(key)
        if i is None:
            i = self._pos[key] = len(self.keys)
            self.keys.append(key)
        return i

    def _classes(self, rs) -> list[tuple[int, tuple]]:
        """(position, comparisons) of the fields other than yes/no read only
        through comparisons: in a memo key such a value stands for its test
        results (a date for "on or before the deadline"), so that 365 dates
        make 2 keys, not 365.  Yes/no fields have few values already."""
        types = fields_index(rs)
        out = []
        for i, tests in sorted(self._tests.items()):
            owner, field = self.keys[i]
            f = types.get(owner, {}).get(field)
            if i not in self._raw and f is not None and f.type != "bool":
                out.append((i, tuple(tests.values())))
        return out


class CompiledRules:
    """A rule set ready for scoring; one per loaded rule set."""

    def __init__(self, rs) -> None:
        self.rs = rs
        self._plans: dict[str, ClassPlan] = {}

    def plan(self, cls: str) -> ClassPlan:
        plan = self._plans.get(cls)
        if plan is None:
            plan = self._plans[cls] = ClassPlan(self.rs, cls)
        return plan
