"""Semantic checks on a parsed rule file.

Each check yields ``Finding(path, code, message, severity)`` where ``path`` is
the YAML path of the offending value, turned into line:column by the loader.
Errors make ``validate`` fail; warnings are what ``lint`` reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

from ..problems import ERROR, WARNING
from .model import (
    AllOf,
    AnyOf,
    BoolField,
    ChoiceField,
    ClauseHolds,
    CountField,
    DateField,
    FieldTest,
    NotOf,
    NumberField,
    RuleSet,
    ScoreField,
)
from .resolve import CREDIT_KINDS, DEDUCTION_KINDS, item_max, item_start, per_class


@dataclass(frozen=True)
class Finding:
    path: tuple
    code: str
    message: str
    severity: str = ERROR


def check(rs: RuleSet) -> list[Finding]:
    out: list[Finding] = []
    for fn in (_ids, _classes, _items, _sums, _sections, _grades, _vetoes, _policy):
        out.extend(fn(rs))
    return out


def _fmt(d: Decimal | None) -> str:
    if d is None:
        return "n/a"
    text = format(d.normalize(), "f")
    return text


# ------------------------------------------------------------------ ids


def _ids(rs: RuleSet) -> Iterator[Finding]:
    seen: dict[str, tuple] = {}

    def claim(ident: str, path: tuple):
        if ident in seen:
            return Finding(path + ("id",), "duplicate-id", f"id {ident!r} is already used (at {'/'.join(map(str, seen[ident]))})")
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
                            yield Finding(ipath + ("clauses", ci, "id"), "duplicate-id", f"clause id {clause.id!r} is used twice in item {item.id!r}")
                        clause_ids.add(clause.id)
    for vi, veto in enumerate(rs.vetoes):
        yield from _unique_fields(veto.fields, ("vetoes", vi))


def _unique_fields(fields, path) -> Iterator[Finding]:
    seen: set[str] = set()
    for fi, field in enumerate(fields):
        if field.id in seen:
            yield Finding(path + ("fields", fi, "id"), "duplicate-field", f"field {field.id!r} is declared twice")
        seen.add(field.id)


# -------------------------------------------------------------- classes


def _class_map(value, path, classes, code="unknown-class", require_all=False) -> Iterator[Finding]:
    if isinstance(value, dict):
        for key in value:
            if key not in classes:
                yield Finding(path + (key,), code, f"class {key!r} is not declared in classes ({', '.join(classes)})")
        if require_all:
            missing = [c for c in classes if c not in value]
            if missing:
                yield Finding(
                    path,
                    "class-missing",
                    f"no value for class {', '.join(missing)}; give a number, or null where the item does not apply",
                )


def _classes(rs: RuleSet) -> Iterator[Finding]:
    classes = list(rs.classes)
    for si, section in enumerate(rs.sections):
        sp = ("sections", si)
        for key in ("points", "cap"):
            yield from _class_map(getattr(section, key), sp + (key,), classes, require_all=True)
        for gi, group in enumerate(section.groups):
            gp = sp + ("groups", gi)
            for key in ("points", "max_lost"):
                yield from _class_map(getattr(group, key), gp + (key,), classes, require_all=True)
            for ii, item in enumerate(group.items):
                ip = gp + ("items", ii)
                yield from _class_map(item.max, ip + ("max",), classes, require_all=True)
                applicable = [c for c in classes if item_max(item, c) is not None]
                if not applicable:
                    yield Finding(ip + ("max",), "never-applies", f"item {item.id!r} applies to no class")
                for ci, clause in enumerate(item.clauses):
                    cp = ip + ("clauses", ci)
                    for key in ("points", "per", "cap"):
                        value = getattr(clause, key, None)
                        yield from _class_map(value, cp + (key,), classes)
                        if isinstance(value, dict):
                            missing = [c for c in applicable if c not in value]
                            if missing:
                                yield Finding(cp + (key,), "class-missing", f"no {key} for class {', '.join(missing)}, to which item {item.id!r} applies")
                for fi, field in enumerate(item.fields):
                    if isinstance(field, ScoreField):
                        yield from _class_map(field.max, ip + ("fields", fi, "max"), classes)


# ---------------------------------------------------------------- items


def _field_refs(cond, fields: dict, path, clause_ids_before: set[str] | None) -> Iterator[Finding]:
    if cond is None:
        return
    if isinstance(cond, AllOf):
        for i, c in enumerate(cond.all):
            yield from _field_refs(c, fields, path + ("all", i), clause_ids_before)
    elif isinstance(cond, AnyOf):
        for i, c in enumerate(cond.any):
            yield from _field_refs(c, fields, path + ("any", i), clause_ids_before)
    elif isinstance(cond, NotOf):
        yield from _field_refs(cond.not_, fields, path + ("not",), clause_ids_before)
    elif isinstance(cond, ClauseHolds):
        if clause_ids_before is None:
            yield Finding(path + ("clause",), "bad-reference", "a clause reference can only be used inside an item")
        elif cond.clause not in clause_ids_before:
            yield Finding(path + ("clause",), "bad-reference", f"no earlier clause with id {cond.clause!r} in this item")
    elif isinstance(cond, FieldTest):
        field = fields.get(cond.field)
        if field is None:
            yield Finding(path + ("field",), "unknown-field", f"field {cond.field!r} is not declared here (declared: {', '.join(fields) or 'none'})")
            return
        comps = cond.comparisons()
        if len(comps) > 1:
            yield Finding(path, "bad-condition", "give at most one comparison in a field test; combine tests with all/any")
            return
        if not comps:
            if not isinstance(field, BoolField):
                yield Finding(path, "bad-condition", f"{{field: {cond.field}}} alone tests a yes/no field, but {cond.field!r} is {field.type}")
            return
        op, value = comps[0]
        ok = True
        if isinstance(field, BoolField):
            ok = op in ("eq", "ne") and isinstance(value, bool)
        elif isinstance(field, DateField):
            import datetime as dt

            ok = op != "in" and isinstance(value, dt.date)
        elif isinstance(field, (CountField, NumberField, ScoreField)):
            ok = op != "in" and isinstance(value, Decimal)
        elif isinstance(field, ChoiceField):
            values = value if op == "in" else [value]
            ok = op in ("eq", "ne", "in") and all(isinstance(v, str) and v in field.choices for v in values)
        if not ok:
            yield Finding(path + ((op if op != "in" else "in"),), "bad-condition", f"cannot compare {field.type} field {cond.field!r} with {op} {value!r}")


def _items(rs: RuleSet) -> Iterator[Finding]:
    classes = list(rs.classes)
    for si, section in enumerate(rs.sections):
        for gi, group in enumerate(section.groups):
            gp = ("sections", si, "groups", gi)
            gfields = {f.id: f for f in group.fields}
            if group.void_if is not None:
                yield from _field_refs(group.void_if, gfields, gp + ("void_if",), None)
                if not group.void_text:
                    yield Finding(gp + ("void_if",), "void-text", "void_if needs void_text: the words that say why the group scores 0")
            elif group.fields:
                yield Finding(gp + ("fields",), "unused-field", "group fields are only used by void_if", WARNING)
            for ii, item in enumerate(group.items):
                ip = gp + ("items", ii)
                yield from _check_item(item, ip, classes, section.kind)
                if item.applies_if is not None:
                    yield from _field_refs(item.applies_if, {f.id: f for f in item.fields}, ip + ("applies_if",), None)


def _check_item(item, ip, classes, section_kind) -> Iterator[Finding]:
    fields = {f.id: f for f in item.fields}
    used: set[str] = set()
    kinds = {c.kind for c in item.clauses}
    if kinds & CREDIT_KINDS and kinds & DEDUCTION_KINDS and item.start is None:
        yield Finding(ip + ("clauses",), "start-required", "the item mixes credits and deductions: say where it starts with start: zero or start: max")
    earlier: set[str] = set()
    for ci, clause in enumerate(item.clauses):
        cp = ip + ("clauses", ci)
        # FIX (rule-checks tests): in a penalty section (扣分项) an item's score is
        # the number of points taken off the total, so a deduction clause, which
        # starts from the item's 分值, would charge the whole penalty to a unit
        # where nothing happened.
        if section_kind == "penalty" and clause.kind in DEDUCTION_KINDS:
            yield Finding(
                cp + ("kind",),
                "penalty-deduction",
                f"in a penalty section (扣分项) an item's score is the points taken off the total, so {clause.kind} would charge the full penalty when nothing happened; write 扣N分 as award (N points when it happened), or use judged",
            )
        yield from _field_refs(clause.only_if, fields, cp + ("only_if",), earlier)
        when = getattr(clause, "when", None)
        yield from _field_refs(when, fields, cp + ("when",), earlier)
        for ref in _used_fields(when) | _used_fields(clause.only_if):
            used.add(ref)
        kind = clause.kind
        if kind in ("deduct_each", "sampled", "judged", "graded", "percent"):
            field = fields.get(clause.field)
            used.add(clause.field)
            if field is None:
                yield Finding(cp + ("field",), "unknown-field", f"field {clause.field!r} is not declared in item {item.id!r}")
                continue
            want = {"deduct_each": CountField, "sampled": CountField, "judged": ScoreField, "graded": ChoiceField, "percent": NumberField}[kind]
            if not isinstance(field, want):
                yield Finding(cp + ("field",), "field-type", f"a {kind} clause needs a {want.model_fields['type'].annotation.__args__[0]} field; {clause.field!r} is {field.type}")
                continue
            if kind == "sampled" and field.max != clause.sample:
                yield Finding(cp + ("sample",), "sample-bound", f"field {clause.field!r} must be bounded by the sample size: give it max: {clause.sample}")
            if kind == "percent" and (field.min != 0 or field.max != 100):
                yield Finding(cp + ("field",), "percent-bounds", f"a percent field needs min: 0 and max: 100")
            if kind == "graded":
                if set(field.choices) != set(clause.levels):
                    yield Finding(cp + ("levels",), "levels", f"levels {list(clause.levels)} must name exactly the choices {field.choices}")
                for c in classes:
                    m = item_max(item, c)
                    if m is not None and max(clause.levels.values()) > m:
                        yield Finding(cp + ("levels",), "over-max", f"a level is worth more than the item's 分值 {_fmt(m)} for class {c}")
            if kind == "judged":
                for c in classes:
                    m = item_max(item, c)
                    fm = per_class(field.max, c)
                    if m is not None and fm is None:
                        yield Finding(ip + ("fields",), "class-missing", f"score field {field.id!r} has no max for class {c}")
                    elif m is not None and fm > m:
                        yield Finding(cp + ("field",), "over-max", f"judged score up to {_fmt(fm)} exceeds the item's 分值 {_fmt(m)} for class {c}")
        if kind == "coverage":
            for fi, name in enumerate(clause.fields):
                used.add(name)
                f = fields.get(name)
                if f is None:
                    yield Finding(cp + ("fields", fi), "unknown-field", f"field {name!r} is not declared in item {item.id!r}")
                elif not isinstance(f, BoolField):
                    yield Finding(cp + ("fields", fi), "field-type", f"coverage counts yes/no fields; {name!r} is {f.type}")
            if clause.full_at is not None and clause.full_at > len(clause.fields):
                yield Finding(cp + ("full_at",), "full-at", f"full_at {clause.full_at} is more than the {len(clause.fields)} fields listed")
        if clause.id:
            earlier.add(clause.id)
    if item.applies_if is not None:
        used |= _used_fields(item.applies_if)
    for fi, field in enumerate(item.fields):
        if field.id not in used:
            yield Finding(ip + ("fields", fi), "unused-field", f"field {field.id!r} is used by no clause", WARNING)
        if isinstance(field, NumberField) and field.min is not None and field.max is not None and field.min > field.max:
            yield Finding(ip + ("fields", fi), "bounds", "min is above max")
        if isinstance(field, ScoreField):
            for c in classes:
                fm = per_class(field.max, c)
                if fm is not None and ((fm - field.min) % field.step) != 0:
                    yield Finding(ip + ("fields", fi, "step"), "step", f"the range {_fmt(field.min)}..{_fmt(fm)} is not a whole number of steps of {_fmt(field.step)}")
    # Soft check: credits that do not add up to the item's 分值.
    if item_start(item) == "zero":
        for c in classes:
            m = item_max(item, c)
            if m is None:
                continue
            credit = _max_credit(item, fields, c)
            if credit is not None and credit != m:
                yield Finding(ip + ("max",), "clause-sum", f"clause credits add up to {_fmt(credit)} but the 分值 is {_fmt(m)} for class {c}", WARNING)


def _max_credit(item, fields, cls) -> Decimal | None:
    total = Decimal(0)
    for clause in item.clauses:
        if clause.kind in ("award", "coverage", "percent"):
            p = per_class(clause.points, cls)
            if p is None:
                return None
            total += p
        elif clause.kind == "judged":
            f = fields.get(clause.field)
            if f is None or not isinstance(f, ScoreField):
                return None
            p = per_class(f.max, cls)
            if p is None:
                return None
            total += p
        elif clause.kind == "graded":
            total += max(clause.levels.values())
    return total


def _used_fields(cond) -> set[str]:
    if cond is None:
        return set()
    if isinstance(cond, FieldTest):
        return {cond.field}
    if isinstance(cond, AllOf):
        return set().union(*(_used_fields(c) for c in cond.all))
    if isinstance(cond, AnyOf):
        return set().union(*(_used_fields(c) for c in cond.any))
    if isinstance(cond, NotOf):
        return _used_fields(cond.not_)
    return set()


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
                if declared is not None and declared != group_sum:
                    yield Finding(gp + ("points",), "group-sum", f"group {group.name!r} declares {_fmt(declared)} points for class {c} but its items add up to {_fmt(group_sum)}")
                section_sum += group_sum
            declared = per_class(section.points, c)
            if declared is not None and declared != section_sum:
                yield Finding(sp + ("points",), "section-sum", f"section {section.name!r} declares {_fmt(declared)} points for class {c} but its items add up to {_fmt(section_sum)}")
            del any_item
    # Totals per class.
    for c in classes:
        declared = rs.classes[c].max
        if rs.composition == "sum":
            total = sum(
                (item_max(i, c) or Decimal(0)) for s in rs.sections if s.kind == "base" for g in s.groups for i in g.items
            )
        else:
            total = Decimal(0)
            for s in rs.sections:
                if s.kind != "base":
                    continue
                ssum = sum((item_max(i, c) or Decimal(0)) for g in s.groups for i in g.items)
                total += (s.weight or Decimal(0)) * ssum
        if total != declared:
            yield Finding(("classes", c, "max"), "class-total", f"class {c} declares a total of {_fmt(declared)} but its base items add up to {_fmt(total)}")


def _sections(rs: RuleSet) -> Iterator[Finding]:
    weights = Decimal(0)
    for si, section in enumerate(rs.sections):
        sp = ("sections", si)
        if section.kind in ("bonus", "penalty"):
            if section.cap is None:
                yield Finding(sp, "cap-required", f"a {section.kind} section needs a cap")
            if section.weight is not None:
                yield Finding(sp + ("weight",), "weight", "only base sections carry a weight")
        else:
            if section.cap is not None:
                yield Finding(sp + ("cap",), "cap", "a base section has no cap; its points are its items' 分值")
            if rs.composition == "weighted":
                if section.weight is None:
                    yield Finding(sp, "weight", "with composition: weighted every base section needs a weight")
                else:
                    weights += section.weight
            elif section.weight is not None:
                yield Finding(sp + ("weight",), "weight", "a weight needs composition: weighted")
    if rs.composition == "weighted" and weights != 1:
        yield Finding(("composition",), "weights", f"section weights add up to {_fmt(weights)}, not 1")


def _grades(rs: RuleSet) -> Iterator[Finding]:
    if rs.grades is None:
        return
    bands = rs.grades.bands
    previous = None
    for bi, band in enumerate(bands):
        bp = ("grades", "bands", bi)
        last = bi == len(bands) - 1
        if band.min is None and not last:
            yield Finding(bp, "grade-bands", "only the lowest band may omit min")
        if band.min is not None and last and bi > 0:
            # A last band with a min leaves totals below it without a grade.
            yield Finding(bp + ("min",), "grade-bands", "the lowest band must have no min, so that every total gets a grade")
        if band.min is not None and previous is not None and band.min >= previous:
            yield Finding(bp + ("min",), "grade-bands", "bands must be listed from the highest min down")
        if band.min is not None:
            previous = band.min
    names = [b.grade for b in bands]
    if len(set(names)) != len(names):
        yield Finding(("grades", "bands"), "grade-bands", "a grade name is used twice")


def _vetoes(rs: RuleSet) -> Iterator[Finding]:
    # FIX (rule-checks tests): a veto or gate grade that is not one of the
    # grade bands is most likely a typo (不及格 for 不合格) and would invent a
    # grade of its own; lint says so.
    bands = [b.grade for b in rs.grades.bands] if rs.grades is not None else None
    forced = [(("vetoes", vi, "grade"), v.grade) for vi, v in enumerate(rs.vetoes)]
    forced += [(("gates", gi, "grade"), g.grade) for gi, g in enumerate(rs.gates) if g.kind == "fail_below"]
    for path, grade in forced:
        if bands is not None and grade is not None and grade not in bands:
            yield Finding(path, "unknown-grade", f"grade {grade!r} is not one of the grade bands ({', '.join(bands)})", WARNING)
    for vi, veto in enumerate(rs.vetoes):
        vp = ("vetoes", vi)
        if veto.grade is None and veto.total is None:
            yield Finding(vp, "veto-outcome", "a veto needs a grade, a fixed total, or both")
        yield from _field_refs(veto.when, {f.id: f for f in veto.fields}, vp + ("when",), None)


def _policy(rs: RuleSet) -> Iterator[Finding]:
    has_applies = any(i.applies_if is not None for s in rs.sections for g in s.groups for i in g.items)
    if has_applies and rs.na_policy == "none":
        # FIX (rule-checks tests): na_policy is absent here, so its path had no
        # position and the finding showed at 1:1; point at the first applies_if.
        first = next(
            ("sections", si, "groups", gi, "items", ii, "applies_if")
            for si, s in enumerate(rs.sections)
            for gi, g in enumerate(s.groups)
            for ii, i in enumerate(g.items)
            if i.applies_if is not None
        )
        yield Finding(first, "na-policy", "items with applies_if need an na_policy (rescale or redistribute)")
    if rs.na_policy != "none" and not has_applies:
        yield Finding(("na_policy",), "na-policy", "na_policy is declared but no item has applies_if", WARNING)


def lint_notes(rs: RuleSet) -> Iterator[Finding]:
    """Recorded interpretations: every note is surfaced by lint."""
    if rs.note:
        yield Finding(("note",), "note", rs.note, WARNING)
    if rs.grades is not None and rs.grades.note:
        yield Finding(("grades", "note"), "note", rs.grades.note, WARNING)
    for si, section in enumerate(rs.sections):
        sp = ("sections", si)
        if section.note:
            yield Finding(sp + ("note",), "note", f"{section.name}: {section.note}", WARNING)
        for gi, group in enumerate(section.groups):
            gp = sp + ("groups", gi)
            if group.note:
                yield Finding(gp + ("note",), "note", f"{group.name}: {group.note}", WARNING)
            for ii, item in enumerate(group.items):
                if item.note:
                    yield Finding(gp + ("items", ii, "note"), "note", f"{item.id}: {item.note}", WARNING)
