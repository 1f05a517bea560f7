"""What a template holds, independent of its file format."""

from __future__ import annotations

from ..problems import Problem, ProblemsError
from ..rules.model import Unit
from .allowed import allowed_text
from .layout import rules_tag
from .spec import FieldSpec, expected_fields, owners
from .units_index import UnitsIndex


def prompt_text(spec: FieldSpec) -> str:
    f = spec.field
    unit = getattr(f, "unit", None)
    return f"{f.prompt}（单位：{unit}）" if unit else f.prompt


def select_units(loaded_rules, loaded_units, classes=None, unit_names=None) -> list[Unit]:
    """The units a template is made for, in the units file's order."""
    rs = loaded_rules.ruleset
    index = UnitsIndex(loaded_units)
    problems: list[Problem] = []
    wanted_classes = list(classes) if classes else list(rs.classes)
    for c in wanted_classes:
        if c not in rs.classes:
            problems.append(Problem(file=loaded_rules.path, code="unknown-class", message=f"no class {c!r} in these rules (classes: {', '.join(rs.classes)})"))
    if unit_names:
        chosen: list[Unit] = []
        for name in unit_names:
            u = index.find(name)
            if u is None:
                problems.append(Problem(file=loaded_units.path, code="unknown-unit", message=f"no unit {name!r} in the units file (names and aliases are matched)"))
            elif u.cls not in wanted_classes:
                problems.append(Problem(file=loaded_units.path, code="wrong-class", message=f"unit {u.name!r} is class {u.cls}, which these rules do not score (or --class left out)"))
            elif u not in chosen:
                chosen.append(u)
        chosen.sort(key=lambda u: index.order[u.name])
    else:
        chosen = index.of_class(wanted_classes)
        if not chosen and not problems:
            problems.append(Problem(file=loaded_units.path, code="no-units", message=f"no unit of class {', '.join(wanted_classes)} in the units file"))
    if problems:
        raise ProblemsError(problems, exit_code=2)
    return chosen


def unit_specs(loaded_rules, units: list[Unit]):
    """(unit, [FieldSpec]) for every unit, using one owner index."""
    index = owners(loaded_rules.ruleset)
    return [(u, expected_fields(loaded_rules.ruleset, u.cls, index)) for u in units]


def long_records(loaded_rules, units: list[Unit], scope=None):
    """One dict per unit and field, keyed by the long-form column keys;
    ``scope``: the subset the template is made for (recorded in the tag)."""
    tag = rules_tag(loaded_rules.ruleset.id, loaded_rules.sha256, scope)
    for unit, specs in unit_specs(loaded_rules, units):
        for spec in specs:
            yield unit, spec, {
                "unit": unit.name,
                "class": unit.cls,
                "item": spec.owner,
                "field": spec.field_id,
                "type": spec.field.type,
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
