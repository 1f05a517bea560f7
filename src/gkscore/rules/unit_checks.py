"""The checks of unit fields (单位属性): fields of the unit itself, declared
once under ``unit_fields`` and tested by any condition or clause of the file
by their id."""

from __future__ import annotations

from typing import Iterator

from ..i18n import _
from ..problems import WARNING, quote
from .findings import Finding
from .model import UNIT_OWNER, RuleSet


def unit_fields(rs: RuleSet) -> dict:
    """The unit fields by id: every condition of the file may test them."""
    return {f.id: f for f in rs.unit_fields}


def with_unit_fields(fields, unit: dict) -> dict:
    """An owner's fields by id, then the unit fields it does not declare."""
    own = {f.id: f for f in fields}
    return {**unit, **own} if unit else own


def check_unit_fields(rs: RuleSet) -> Iterator[Finding]:
    """Unit fields: unique, not shadowed by an owner's field of the same id
    (a condition would not say which it means), never read by nobody; with
    them, no element may take the id the unit's answers go by."""
    if not rs.unit_fields:
        return
    seen: set[str] = set()
    for fi, field in enumerate(rs.unit_fields):
        if field.id in seen:
            message = _("the field {field} is declared twice here; delete or rename one of them").format(field=quote(field.id))
            yield Finding(("unit_fields", fi, "id"), "duplicate-field", message)
        seen.add(field.id)
    unit = unit_fields(rs)
    owners: list[tuple[tuple, object]] = [(("vetoes", vi), v) for vi, v in enumerate(rs.vetoes)]
    for si, section in enumerate(rs.sections):
        if section.id == UNIT_OWNER:
            yield _reserved(("sections", si))
        for gi, group in enumerate(section.groups):
            gp = ("sections", si, "groups", gi)
            owners.append((gp, group))
            owners += [(gp + ("items", ii), item) for ii, item in enumerate(group.items)]
    used: set[str] = set()
    for path, owner in owners:
        if owner.id == UNIT_OWNER:
            yield _reserved(path)
        for fi, field in enumerate(owner.fields):
            if field.id in unit:
                message = _("the field {field} is also a unit field (unit_fields); a condition would not say which one it means: rename one of them")
                yield Finding(path + ("fields", fi, "id"), "duplicate-field", message.format(field=quote(field.id)))
        for cond in _owner_conditions(owner):
            used.update(cond.field_ids())
        for clause in getattr(owner, "clauses", ()):
            used.update(clause.reads())
    for section in rs.sections:
        if section.applies_if is not None:
            used.update(section.applies_if.field_ids())
    for fi, field in enumerate(rs.unit_fields):
        if field.id not in used:
            message = _("the unit field {field} is tested by no condition or clause; delete it, or use it")
            yield Finding(("unit_fields", fi), "unused-field", message.format(field=quote(field.id)), WARNING)


def _owner_conditions(owner) -> list:
    return [c for c in (getattr(owner, k, None) for k in ("when", "void_if", "applies_if")) if c is not None]


def _reserved(path: tuple) -> Finding:
    message = _("the id {id} is where the unit fields' answers go; rename this element").format(id=quote(UNIT_OWNER))
    return Finding(path + ("id",), "duplicate-id", message)
