"""What a template holds, independent of its file format."""

from __future__ import annotations

from decimal import Decimal

from ..engine.compiled import CompiledRules
from ..engine.needs import field_needs
from ..i18n import _, pgettext
from ..problems import Problem, ProblemsError, quote
from ..rules.model import UNIT_OWNER
from ..rules.units_model import Unit
from .allowed import allowed_text
from .layout import rules_tag, type_word
from .spec import FieldSpec, expected_fields, owners
from .units_index import UnitsIndex
from .values import read_value


def prompt_text(spec: FieldSpec) -> str:
    """The question of a field as the template asks it, with its unit of
    measure and when it need be answered, in the active language."""
    f = spec.field
    unit = getattr(f, "unit", None)
    text = _("{question} (unit: {unit})").format(question=f.prompt, unit=unit) if unit else f.prompt
    if spec.asked_when:
        # what does not apply is not asked for: say when it may be left blank
        text = _("{question} ({when})").format(question=text, when=spec.asked_when.words())
    return text


def class_label(rs, cls: str) -> str:
    """A class as the template writes it: the rule file's short name (县市区,
    A类), else its name; the reader takes these and the class id."""
    return rs.class_label(cls)


def select_units(loaded_rules, loaded_units, classes=None, unit_names=None) -> list[Unit]:
    """The units a template is made for, in the units file's order."""
    rs = loaded_rules.ruleset
    index = UnitsIndex(loaded_units)
    problems: list[Problem] = []
    wanted_classes = list(classes) if classes else list(rs.classes)
    for c in wanted_classes:
        if c not in rs.classes:
            message = _("--class {cls}: no such class in {rules} (classes: {classes})").format(
                cls=c, rules=quote(rs.title), classes=pgettext("list separator", ", ").join(f"{k} {quote(v.name)}" for k, v in rs.classes.items()))
            problems.append(Problem(file=loaded_rules.path, code="unknown-class", message=message))
    if unit_names:
        chosen: list[Unit] = []
        for name in unit_names:
            u = index.find(name)
            if u is None:
                from .roster import unit_not_found

                problems.append(Problem(file=loaded_units.path, code="unknown-unit", message=unit_not_found("--unit", name, index)))
            elif u.cls not in wanted_classes:
                cls = rs.classes[u.cls].name if u.cls in rs.classes else loaded_units.units.classes.get(u.cls, u.cls)
                message = _("--unit {name}: {unit} is a unit of class {cls}, which {rules} does not score, or --class leaves out").format(
                    name=name, unit=quote(u.name), cls=quote(cls), rules=quote(rs.title))
                problems.append(Problem(file=loaded_units.path, code="wrong-class", message=message))
            elif u not in chosen:
                chosen.append(u)
        chosen.sort(key=lambda u: index.order[u.name])
    else:
        chosen = index.of_class(wanted_classes)
        if not chosen and not problems:
            message = _("the units file has no unit of class {classes}").format(classes=pgettext("list separator", ", ").join(quote(rs.classes[c].name) for c in wanted_classes if c in rs.classes))
            problems.append(Problem(file=loaded_units.path, code="no-units", message=message))
    if problems:
        raise ProblemsError(problems, exit_code=2)
    return chosen


def unit_specs(loaded_rules, units: list[Unit]):
    """(unit, [FieldSpec]) for every unit, using one owner index.  What the
    units file answers for a unit (its attributes) is not asked again, nor
    what those answers rule out (``engine.needs``: a section for units with
    a website, asked of a unit without one)."""
    rs = loaded_rules.ruleset
    index = owners(rs)
    compiled = CompiledRules(rs)
    out = []
    for u in units:
        specs = expected_fields(rs, u.cls, index)
        known = {f: v for f, v in u.attributes.items() if UNIT_OWNER in index and f in index[UNIT_OWNER].specs}
        if known:
            plan = compiled.plan(u.cls)
            row = [_attribute(index, u, f) if o == UNIT_OWNER and f in known else None for o, f in plan.keys]
            needs = field_needs(plan, row)
            specs = [s for s in specs if not (s.owner == UNIT_OWNER and s.field_id in known) and needs.needed(s.owner, s.field_id)]
        out.append((u, specs))
    return out


def _attribute(index, unit: Unit, field: str):
    """A unit's attribute as the reader will read it; None when it is not
    a valid answer (the reader reports it)."""
    raw = unit.attributes[field]
    value, err = read_value(index[UNIT_OWNER].specs[field].field, unit.cls, str(raw) if isinstance(raw, Decimal) else raw)
    return None if err is not None else value


def long_records(loaded_rules, units: list[Unit], scope=None):
    """One dict per unit and field, keyed by the long-form column keys;
    ``scope``: the subset the template is made for (recorded in the tag)."""
    rs = loaded_rules.ruleset
    tag = rules_tag(rs.id, loaded_rules.sha256, scope)
    for unit, specs in unit_specs(loaded_rules, units):
        cls = class_label(rs, unit.cls)
        for spec in specs:
            yield unit, spec, long_record(tag, unit, spec, cls)


def long_record(tag: str, unit: Unit, spec: FieldSpec, cls: str) -> dict:
    """One row of the long layout, keyed by the long-form column keys;
    ``cls``: the unit's class as the template writes it (``class_label``)."""
    return {
        "unit": unit.name,
        "class": cls,
        "item": spec.owner,
        "field": spec.field_id,
        "type": type_word(spec.field.type),
        "allowed": allowed_text(spec.field, unit.cls),
        "value": "",
        "evidence": "",
        "scorer": "",
        "prompt": prompt_text(spec),
        "rules": tag,
        "section": spec.section,
        "group": spec.group,
        "text": spec.text,
    }
