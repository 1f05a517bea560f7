"""Which units are expected, which are missing, and how far each got.

Every unit of the units file whose class a rule file scores is expected,
unless a subset is said: explicitly (``--class``/``--unit``, as for
``template``), or by the templates themselves -- a template records the
units it was made for, and when the files of a rule file that carry such a
record all carry the same one, that is the expectation.  A unit expected
but not found is a ``missing-unit`` problem naming the units in the units
file's order; with ``partial`` it is listed in ``ObservationSet.missing_units``
instead (shown as 未完成, never scored).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..bundled import shown_path
from ..engine.compiled import CompiledRules
from ..engine.needs import field_needs
from ..i18n import _, ngettext, pgettext
from ..problems import Problem, quote
from .spec import expected_fields


@dataclass
class Subset:
    """A subset said on the command line: classes and/or unit names."""

    classes: list[str] = field(default_factory=list)
    unit_names: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.classes or self.unit_names)


@dataclass
class UnitStatus:
    """One line of ``check``'s table."""

    unit: str
    cls: str
    rules_id: str
    filled: int
    expected: int
    problems: int
    scorers: list[str]
    found: bool  # any row for the unit


def subset_problems(subset: Subset, index, rule_sets) -> list[Problem]:
    """Classes and names of a said subset that mean nothing here (exit 2)."""
    out = []
    classes = {c for rs in rule_sets for c in rs.classes}
    for c in subset.classes:
        if rule_sets and c not in classes:
            message = _("--class {cls}: no such class in the rules being read (classes: {classes})").format(cls=c, classes=pgettext("list separator", ", ").join(sorted(classes)))
            out.append(Problem(file=index.loaded.path, code="unknown-class", message=message))
    for name in subset.unit_names:
        if index.find(name) is None:
            out.append(Problem(file=index.loaded.path, code="unknown-unit", message=unit_not_found("--unit", name, index)))
    return out


def expected_units(rs, index, subset: Subset, records: set) -> list[str]:
    """The units expected for rule set ``rs``, in the units file's order.
    ``records``: the subsets its files record, (classes, unit names), None
    for a file made for every unit (or that records nothing)."""
    roster = [u for u in index.units if u.cls in rs.classes]
    if not subset and len(records) == 1 and None not in records:
        (classes, names) = next(iter(records))
        subset = Subset(list(classes), list(names))
    if subset:
        classes = set(subset.classes) or set(rs.classes)
        if subset.unit_names:
            wanted = {u.name for u in (index.find(n) for n in subset.unit_names) if u is not None}
            return [u.name for u in roster if u.name in wanted and u.cls in classes]
        return [u.name for u in roster if u.cls in classes]
    return [u.name for u in roster]


def missing_unit_problem(rs, index, missing: list[str], file: str) -> Problem:
    """At ``file``, the first of the files read for ``rs``."""
    n = len(missing)
    shown = pgettext("list separator", ", ").join(missing[:50])
    if n > 50:
        shown = _("{names} … ({n} in all)").format(names=shown, n=n)
    message = ngettext(
        "{n} unit that {rules} scores has no observations: {names}; give its file, or say which units you score with --class/--unit",
        "{n} units that {rules} scores have no observations: {names}; give their files, or say which units you score with --class/--unit",
        n,
    ).format(n=n, rules=quote(rs.title), names=shown)
    return Problem(file=file, code="missing-unit", message=message)


def unit_not_found(option: str, name: str, index) -> str:
    """``--unit 黄洲区: no such unit ...; did you mean "黄州区"?``"""
    from .wording import did_you_mean

    message = _("{option} {name}: no such unit in {units} (names and aliases are matched)").format(option=option, name=name, units=shown_path(index.loaded.path))
    close = index.suggest(name)
    if close:
        message = _("{first}; {second}").format(first=message, second=did_you_mean(close))
    return message


def unit_status(checker, oset, expected: list[str]) -> list[UnitStatus]:
    """One line per unit expected or found, in the units file's order."""
    index = checker.units
    cls_of = {u.name: u.cls for u in index.units}
    names = set(expected) | set(oset.units)
    out = []
    specs_of: dict[str, list] = {}
    compiled = CompiledRules(checker.rs)
    for name in sorted(names, key=lambda n: index.order.get(n, 1 << 30)):
        cls = cls_of[name]
        specs = specs_of.get(cls)
        if specs is None:
            specs = specs_of[cls] = expected_fields(checker.rs, cls, checker.owners)
        found = name in oset.units
        filled = sum(1 for s in specs if oset.value(name, s.owner, s.field_id) is not None) if found else 0
        asked = len(specs)
        if found and filled < asked:
            # what the unit must answer, given its answers (engine.needs)
            plan = compiled.plan(cls)
            needs = field_needs(plan, [oset.value(name, o, f) for o, f in plan.keys])
            needed = [s for s in specs if needs.needed(s.owner, s.field_id)]
            filled = sum(1 for s in needed if oset.value(name, s.owner, s.field_id) is not None)
            asked = len(needed)
        out.append(UnitStatus(name, cls, checker.rs.id, filled, asked, checker.unit_problems.get(name, 0), checker.scorers(name), found))
    return out
