"""Semantic checks on a parsed rule file.

Each check yields ``Finding(path, code, message, severity)`` where ``path`` is
the YAML path of the offending value, turned into line:column by the loader.
Errors make ``validate`` fail; warnings are what ``lint`` reports.  What is
particular to a clause kind or a condition node is checked by the kind's or
node's own ``check`` (``engine/kinds``, ``engine/conditions``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..engine.kinds.base import CheckContext
from ..engine.kinds.registry import is_deduction
from ..i18n import _
from ..problems import WARNING, quote
from .findings import Finding, listed, number_text
from .model import RuleSet, na_kind
from .part_checks import check_parts, part_base_max
from .unit_checks import check_unit_fields, unit_fields, with_unit_fields
from .resolve import item_max, item_start, per_class
from .checks_totals import gates, grades, vetoes


def check(rs: RuleSet) -> list[Finding]:
    out: list[Finding] = []
    for fn in (_ids, check_unit_fields, check_parts, _classes, _items, _sums, _sections, grades, gates, vetoes, _policy):
        out.extend(fn(rs))
    return out


# ------------------------------------------------------------------ ids


def _ids(rs: RuleSet) -> Iterator[Finding]:
    seen: dict[str, tuple] = {}

    def claim(ident: str, path: tuple):
        if ident in seen:
            message = _("the id {id} is already used; ids must be unique: rename one of them").format(id=quote(ident))
            return Finding(path + ("id",), "duplicate-id", message, first=seen[ident] + ("id",))
        seen[ident] = path
        return None

    for vi, veto in enumerate(rs.vetoes):
        f = claim(veto.id, ("vetoes", vi))
        if f:
            yield f
    for si, section in enumerate(rs.sections):
        f = claim(section.id, ("sections", si))
        if f:
            yield f
        for gi, group in enumerate(section.groups):
            gpath = ("sections", si, "groups", gi)
            f = claim(group.id, gpath)
            if f:
                yield f
            yield from _unique_fields(group.fields, gpath)
            for ii, item in enumerate(group.items):
                ipath = gpath + ("items", ii)
                f = claim(item.id, ipath)
                if f:
                    yield f
                yield from _unique_fields(item.fields, ipath)
                clause_ids: set[str] = set()
                for ci, clause in enumerate(item.clauses):
                    if clause.id is not None:
                        if clause.id in clause_ids:
                            message = _("the clause id {id} is used twice in item {item}; rename one of them")
                            yield Finding(ipath + ("clauses", ci, "id"), "duplicate-id", message.format(id=quote(clause.id), item=quote(item.id)))
                        clause_ids.add(clause.id)
    for vi, veto in enumerate(rs.vetoes):
        yield from _unique_fields(veto.fields, ("vetoes", vi))


def _unique_fields(fields, path) -> Iterator[Finding]:
    seen: set[str] = set()
    for fi, field in enumerate(fields):
        if field.id in seen:
            message = _("the field {field} is declared twice here; delete or rename one of them").format(field=quote(field.id))
            yield Finding(path + ("fields", fi, "id"), "duplicate-field", message)
        seen.add(field.id)


# -------------------------------------------------------------- classes


def _class_map(value, path, classes, code="unknown-class", require_all=False) -> Iterator[Finding]:
    if isinstance(value, dict):
        for key in value:
            if key not in classes:
                message = _("the class {cls} is not declared under classes ({classes}); use one of them, or declare it")
                yield Finding(path + (key,), code, message.format(cls=quote(key), classes=listed(classes)))
        if require_all:
            missing = [c for c in classes if c not in value]
            if missing:
                message = _("no value for the class {classes}; give a number, or null where the item does not apply")
                yield Finding(path, "class-missing", message.format(classes=listed(missing)))


def _classes(rs: RuleSet) -> Iterator[Finding]:
    classes = list(rs.classes)
    named: dict[str, str] = {}
    for c, cdef in rs.classes.items():
        first = named.setdefault(cdef.label, c)
        if first != c:
            # two ranking tables under one name would read as one
            key = "short" if cdef.short else "name"
            message = _("classes {first} and {cls} are both named {label} in reports; give each its own short name (short:)")
            yield Finding(("classes", c, key), "class-name", message.format(first=quote(first), cls=quote(c), label=quote(cdef.label)))
    for si, section in enumerate(rs.sections):
        sp = ("sections", si)
        for key in ("points", "cap"):
            yield from _class_map(getattr(section, key), sp + (key,), classes, require_all=True)
        for gi, group in enumerate(section.groups):
            gp = sp + ("groups", gi)
            for key in ("points", "max_lost"):
                yield from _class_map(getattr(group, key), gp + (key,), classes, require_all=True)
            if group.max_lost is not None and any(item.max is None for item in group.items):
                message = _("max_lost limits the points a group loses from its items' 分值, and an item of this group has none; give every item max:, or delete max_lost")
                yield Finding(gp + ("max_lost",), "no-max", message)
            for ii, item in enumerate(group.items):
                ip = gp + ("items", ii)
                yield from _class_map(item.max, ip + ("max",), classes, require_all=True)
                applicable = [c for c in classes if item_max(item, c) is not None]
                if not applicable:
                    message = _("item {item} applies to no class; give its max for at least one class").format(item=quote(item.id))
                    yield Finding(ip + ("max",), "never-applies", message)
                for ci, clause in enumerate(item.clauses):
                    cp = ip + ("clauses", ci)
                    for key in clause.per_class_keys:
                        value = getattr(clause, key, None)
                        yield from _class_map(value, cp + (key,), classes)
                        if isinstance(value, dict):
                            missing = [c for c in applicable if c not in value]
                            if missing:
                                message = _("no {key} for the class {classes}, to which item {item} applies; add it")
                                yield Finding(cp + (key,), "class-missing", message.format(key=key, classes=listed(missing), item=quote(item.id)))
                for fi, field in enumerate(item.fields):
                    if field.type == "score":
                        yield from _class_map(field.max, ip + ("fields", fi, "max"), classes)


# ---------------------------------------------------------------- items


def _field_refs(cond, fields: dict, path, clause_ids_before: set[str] | None) -> Iterator[Finding]:
    if cond is not None:
        yield from cond.check(fields, path, clause_ids_before)


def _items(rs: RuleSet) -> Iterator[Finding]:
    classes = list(rs.classes)
    unit = unit_fields(rs)
    for si, section in enumerate(rs.sections):
        if section.applies_if is not None:
            yield from _field_refs(section.applies_if, unit, ("sections", si, "applies_if"), None)
        for gi, group in enumerate(section.groups):
            gp = ("sections", si, "groups", gi)
            if group.applies_if is not None:
                yield from _field_refs(group.applies_if, unit, gp + ("applies_if",), None)
            gfields = with_unit_fields(group.fields, unit)
            if group.void_if is not None:
                yield from _field_refs(group.void_if, gfields, gp + ("void_if",), None)
                if not group.void_text:
                    yield Finding(gp + ("void_if",), "void-text", _("void_if needs void_text, the words that say why the group scores 0; add void_text"))
            elif group.fields:
                yield Finding(gp + ("fields",), "unused-field", _("a group's fields are used only by void_if; delete them, or add a void_if"), WARNING)
            for ii, item in enumerate(group.items):
                ip = gp + ("items", ii)
                yield from _check_item(item, ip, classes, section.kind, unit)
                if item.applies_if is not None:
                    yield from _field_refs(item.applies_if, with_unit_fields(item.fields, unit), ip + ("applies_if",), None)


def _check_item(item, ip, classes, section_kind, unit: dict) -> Iterator[Finding]:
    fields = with_unit_fields(item.fields, unit)
    used: set[str] = set()
    directions = {is_deduction(c.kind) for c in item.clauses}
    if item.max is None:
        yield from _without_max(item, ip, section_kind)
    if section_kind == "penalty":
        # a 扣分项's score is the points taken off: every clause adds to it
        if item.start == "max":
            message = _("in a penalty section an item's score is the points taken off the total, counted from 0; delete start: max")
            yield Finding(ip + ("start",), "penalty-start", message)
    elif len(directions) == 2 and item.start is None:
        message = _("the item mixes credits and deductions: say where it starts, with start: zero (add from 0) or start: max (deduct from the maximum)")
        yield Finding(ip + ("clauses",), "start-required", message)
    earlier: set[str] = set()
    for ci, clause in enumerate(item.clauses):
        cp = ip + ("clauses", ci)
        for key, cond in clause.conditions():
            yield from _field_refs(cond, fields, cp + (key,), earlier)
        used.update(clause.reads())
        # a clause whose field is unknown or of the wrong type is not one a
        # later clause can refer to
        unusable = yield from clause.check(CheckContext(item, fields, classes, ip, cp))
        if clause.id and not unusable:
            earlier.add(clause.id)
    if item.applies_if is not None:
        used.update(item.applies_if.field_ids())
    for fi, field in enumerate(item.fields):
        if field.id not in used:
            message = _("the field {field} is used by no clause; delete it, or use it in a clause")
            yield Finding(ip + ("fields", fi), "unused-field", message.format(field=quote(field.id)), WARNING)
        if field.type == "number" and field.min is not None and field.max is not None and field.min > field.max:
            message = _("min ({min}) is above max ({max}); swap them")
            yield Finding(ip + ("fields", fi), "bounds", message.format(min=number_text(field.min), max=number_text(field.max)))
        if field.type == "score":
            for c in classes:
                fm = per_class(field.max, c)
                if fm is not None and ((fm - field.min) % field.step) != 0:
                    message = _("the range from {low} to {high} is not a whole number of steps of {step}; change step, min or max")
                    yield Finding(ip + ("fields", fi, "step"), "step", message.format(low=number_text(field.min), high=number_text(fm), step=number_text(field.step)))
    # Soft check: credits that do not add up to the item's 分值 (in a penalty
    # section a deduction's most is open, as a credit's is elsewhere).
    if item.max is not None and item_start(item, section_kind) == "zero" and not (section_kind == "penalty" and True in directions):
        for c in classes:
            m = item_max(item, c)
            if m is None:
                continue
            credit = _max_credit(item, fields, c)
            if credit is not None and credit != m:
                message = _("the clauses' credits add up to {credit} but the item's maximum is {max} for the class {cls}; check the clause points")
                yield Finding(ip + ("max",), "clause-sum", message.format(credit=number_text(credit), max=number_text(m), cls=c), WARNING)


def _without_max(item, ip, section_kind) -> Iterator[Finding]:
    """An item without a 分值 of its own: only in a bonus or penalty section,
    and nothing of it may depend on the 分值 it does not have."""
    if section_kind == "base":
        message = _("an item of a base section has a 分值 that counts in the class total; add max: (the item's points)")
        yield Finding(ip, "max-required", message)
        return
    # an item of deductions only starts from its 分值 unless told otherwise
    if item_start(item, section_kind) == "max":
        message = _("the item has no 分值 of its own to deduct from; give the item max:, or add start: zero (count from 0)")
        yield Finding(ip + (("start",) if item.start == "max" else ("clauses",)), "no-max", message)
    for ci, clause in enumerate(item.clauses):
        if getattr(clause, "share", None) is not None:
            message = _("share: is a share of the item's 分值, and the item has none; give the item max:, or write points: instead")
            yield Finding(ip + ("clauses", ci, "share"), "no-max", message)


def _max_credit(item, fields, cls) -> Decimal | None:
    total = Decimal(0)
    for clause in item.clauses:
        if is_deduction(clause.kind):
            continue
        p = clause.full_credit(fields, cls)
        if p is None:
            return None
        total += p
    return total


# ----------------------------------------------------------------- sums


def _sums(rs: RuleSet) -> Iterator[Finding]:
    classes = list(rs.classes)
    for si, section in enumerate(rs.sections):
        sp = ("sections", si)
        for c in classes:
            section_sum = Decimal(0)
            any_item = False
            for gi, group in enumerate(section.groups):
                gp = sp + ("groups", gi)
                group_sum = Decimal(0)
                for item in group.items:
                    m = item_max(item, c)
                    if m is not None:
                        group_sum += m
                        any_item = True
                declared = per_class(group.points, c)
                # (an item without a 分值 of its own leaves a sum without bound: the section's cap bounds it)
                if declared is not None and group_sum.is_finite() and declared != group_sum:
                    message = _("the group {name} declares {declared} points for the class {cls}, but its items add up to {total}; correct points or the items' max")
                    yield Finding(gp + ("points",), "group-sum", message.format(name=quote(group.name), declared=number_text(declared), cls=c, total=number_text(group_sum)))
                section_sum += group_sum
            declared = per_class(section.points, c)
            if declared is not None and section_sum.is_finite() and declared != section_sum:
                message = _("the section {name} declares {declared} points for the class {cls}, but its items add up to {total}; correct points or the items' max")
                yield Finding(sp + ("points",), "section-sum", message.format(name=quote(section.name), declared=number_text(declared), cls=c, total=number_text(section_sum)))
            del any_item
    # Totals per class.
    for c in classes:
        declared = rs.classes[c].max
        if rs.parts:
            # Σ weight × each part's scale (its base items)
            total = sum((p.weight * part_base_max(rs, p.id, c) for p in rs.parts), Decimal(0))
        elif rs.composition == "sum":
            total = sum(
                ((item_max(i, c) or Decimal(0)) for s in rs.sections if s.kind == "base" for g in s.groups for i in g.items), Decimal(0)
            )
        else:
            total = Decimal(0)
            for s in rs.sections:
                if s.kind != "base":
                    continue
                ssum = sum((item_max(i, c) or Decimal(0)) for g in s.groups for i in g.items)
                total += (s.weight or Decimal(0)) * ssum
        if total != declared:
            message = _("the class {cls} declares a total of {declared}, but its base items add up to {total}; correct the class's max or the items' max")
            yield Finding(("classes", c, "max"), "class-total", message.format(cls=c, declared=number_text(declared), total=number_text(total)))


def _sections(rs: RuleSet) -> Iterator[Finding]:
    if not rs.sections:
        message = _("the table is missing: list its rows under items: (a table with a single level), or its 一级指标 under sections:")
        yield Finding((), "no-items", message)
    weights = Decimal(0)
    for si, section in enumerate(rs.sections):
        sp = ("sections", si)
        if section.kind in ("bonus", "penalty"):
            if section.weight is not None:
                yield Finding(sp + ("weight",), "weight", _("only base sections carry a weight; delete it"))
        else:
            if section.cap is not None:
                yield Finding(sp + ("cap",), "cap", _("a base section has no cap, its points are its items' maximums; delete the cap"))
            if rs.composition == "weighted":
                if section.weight is None:
                    yield Finding(sp, "weight", _("with composition: weighted every base section needs a weight; add weight:"))
                else:
                    weights += section.weight
            elif section.weight is not None:
                yield Finding(sp + ("weight",), "weight", _("a weight needs composition: weighted; delete the weight, or declare the composition"))
    if rs.composition == "weighted" and weights != 1:
        message = _("the section weights add up to {total}, not 1; correct them")
        yield Finding(("composition",), "weights", message.format(total=number_text(weights)))


def _applies_paths(rs: RuleSet) -> Iterator[tuple]:
    """The YAML paths of every applies_if, in the file's order."""
    for si, s in enumerate(rs.sections):
        if s.applies_if is not None:
            yield ("sections", si, "applies_if")
        for gi, g in enumerate(s.groups):
            if g.applies_if is not None:
                yield ("sections", si, "groups", gi, "applies_if")
            for ii, i in enumerate(g.items):
                if i.applies_if is not None:
                    yield ("sections", si, "groups", gi, "items", ii, "applies_if")


def _policy(rs: RuleSet) -> Iterator[Finding]:
    first = next(_applies_paths(rs), None)
    has_applies = first is not None
    if has_applies and rs.na_policy == "none":
        # na_policy is absent here, so its path has no position: point at the
        # first applies_if instead.
        yield Finding(first, "na-policy", _("items with applies_if need an na_policy: declare na_policy: rescale, redistribute or normalize, or a spread ({kind: spread, share: even, remainder: last})"))
    if rs.na_policy != "none" and not has_applies:
        yield Finding(("na_policy",), "na-policy", _("na_policy is declared but no item has applies_if; delete it"), WARNING)
    if na_kind(rs) == "normalize" and rs.composition == "weighted":
        message = _("normalize divides the whole table's score by the points that apply to the unit, which weighted sections do not add up to; use na_policy: rescale (each section by its own share)")
        yield Finding(("na_policy",), "na-policy", message)


def lint_notes(rs: RuleSet) -> Iterator[Finding]:
    """Recorded interpretations: every note is surfaced by lint, labelled
    with what it is said of."""
    if rs.note:
        yield Finding(("note",), "note", rs.note, WARNING)
    for c, cdef in rs.classes.items():
        if cdef.note:
            yield Finding(("classes", c, "note"), "note", f"{c}: {cdef.note}", WARNING)
    if rs.grades is not None:
        if rs.grades.note:
            yield Finding(("grades", "note"), "note", rs.grades.note, WARNING)
        for bi, band in enumerate(rs.grades.bands):
            if band.note:
                yield Finding(("grades", "bands", bi, "note"), "note", f"{band.grade}: {band.note}", WARNING)
    for fi, field in enumerate(rs.unit_fields):
        if field.note:
            yield Finding(("unit_fields", fi, "note"), "note", f"{field.id}: {field.note}", WARNING)
    for gi, gate in enumerate(rs.gates):
        if gate.note:
            yield Finding(("gates", gi, "note"), "note", f"{gate.kind}: {gate.note}", WARNING)
    for vi, veto in enumerate(rs.vetoes):
        vp = ("vetoes", vi)
        if veto.note:
            yield Finding(vp + ("note",), "note", f"{veto.id}: {veto.note}", WARNING)
        yield from _field_notes(veto.fields, vp, veto.id)
    for si, section in enumerate(rs.sections):
        sp = ("sections", si)
        if section.note:
            yield Finding(sp + ("note",), "note", f"{section.name}: {section.note}", WARNING)
        for gi, group in enumerate(section.groups):
            gp = sp + ("groups", gi)
            if group.note:
                yield Finding(gp + ("note",), "note", f"{group.name}: {group.note}", WARNING)
            yield from _field_notes(group.fields, gp, group.id)
            for ii, item in enumerate(group.items):
                ip = gp + ("items", ii)
                if item.note:
                    yield Finding(ip + ("note",), "note", f"{item.id}: {item.note}", WARNING)
                yield from _field_notes(item.fields, ip, item.id)
                for ci, clause in enumerate(item.clauses):
                    if clause.note:
                        yield Finding(ip + ("clauses", ci, "note"), "note", f"{item.id} ({clause.id or clause.label()}): {clause.note}", WARNING)


def _field_notes(fields, path: tuple, owner: str) -> Iterator[Finding]:
    for fi, field in enumerate(fields):
        if field.note:
            yield Finding(path + ("fields", fi, "note"), "note", f"{owner}.{field.id}: {field.note}", WARNING)
