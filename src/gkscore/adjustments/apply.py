"""Checking adjustments and applying them to the observations.

Every row must name a known unit, indicator and observation item and give a
valid value for it, checked by the observation checker with its messages
(the unit's closest names included); ``reason`` and ``approved_by`` are
required, so every change to a published score can be traced.  Changes are
applied only when the whole file is valid; all problems are reported at
once, each at its cell (sheet!cell) or line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..i18n import _, pgettext
from ..observations.types import Observation, ObservationSet, Source, show_value
from ..observations.values import cell_text
from ..observations.wording import did_you_mean
from ..problems import Problem, ProblemsError, quote
from .columns import REQUIRED, column_name
from .names import Indicators, closest_fields, field_names, find_field
from .read import Row, problem, read_rows


@dataclass(frozen=True)
class Adjustment:
    unit: str
    item: str
    field: str
    before: str
    after: str
    reason: str
    approved_by: str
    date: str
    source: Source
    # as a person reads them: the indicator (组织推进第2项) and the question
    indicator: str = ""
    question: str = ""
    rules_id: str = ""
    cls: str = ""
    # the values themselves, typed (None: blank or not filled before)
    old_value: object = None
    new_value: object = None
    was_missing: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.unit, self.item, self.field)

    @property
    def same_value(self) -> bool:
        """The value adjusted to is the one observed (nothing changes)."""
        old, new = self.old_value, self.new_value
        return not self.was_missing and old is not None and type(old) is type(new) and old == new


def _place(src: Source) -> str:
    """A row's place in its file, for a message that names another row."""
    if src.sheet is not None:
        return f"{src.sheet}!{src.cell}"
    return _("line {line}").format(line=src.line)


def _what_to_fill(key: str) -> str:
    return {
        "unit": _("the unit's name as the units file writes it"),
        "item": _("the indicator's number (as the reports show it) or its name"),
        "field": _("the question of the observation item, as the template asks it"),
        "value": _("the value after review, written as in the template"),
        "reason": _("why the value is changed"),
        "approved_by": _("who approved the change"),
    }[key]


class _Context:
    """What the rows of one run are checked against: the sets by unit, a
    checker and an Indicators per rule file."""

    def __init__(self, sets: list[ObservationSet], rules_by_id: dict, units_index) -> None:
        self.sets, self.rules_by_id, self.units = sets, rules_by_id, units_index
        self.set_of_unit = {u: s for s in sets for u in s.units}
        self.checkers: dict = {}
        self.indicators: dict = {}

    def checker(self, rules_id: str):
        from ..observations.check_rows import RowChecker
        from ..observations.spec import owners

        checker = self.checkers.get(rules_id)
        if checker is None:
            loaded = self.rules_by_id[rules_id]
            checker = self.checkers[rules_id] = RowChecker(loaded, owners(loaded.ruleset), self.units, keep_evidence=False, keep_scorer=False)
            self.indicators[rules_id] = Indicators(loaded.ruleset, checker.owners)
        return checker

    def any_checker(self):
        """A checker for the messages about the unit alone (any rule file will do)."""
        return self.checker(next(iter(self.checkers), self.sets[0].rules_id))


def load_adjustments(path: str, sets: list[ObservationSet], rules_by_id: dict, units_index) -> list[Adjustment]:
    """Apply the file to ``sets`` in place; returns what changed.  All problems at once."""
    ctx = _Context(sets, rules_by_id, units_index)
    problems: list[Problem] = []
    out: list[Adjustment] = []
    seen: dict[tuple, Source] = {}
    pending: list[tuple[ObservationSet, tuple, Observation]] = []
    for row in read_rows(path):
        found = _check_row(row, ctx, problems)
        if found is None:
            continue
        obs, adj = found
        if adj.key in seen:
            first = seen[adj.key]
            message = _("{unit} {indicator} {question} is adjusted twice (first at {first}); keep one row").format(
                unit=quote(adj.unit), indicator=adj.indicator, question=quote(adj.question), first=_place(first))
            problems.append(problem(row.at("item"), "duplicate-adjustment", message, unit=adj.unit, subject=adj.indicator))
            continue
        seen[adj.key] = adj.source
        old = obs.values.get(adj.key)
        new = Observation(unit=adj.unit, owner=adj.item, field=adj.field, value=adj.new_value, source=adj.source, raw=adj.after) if old is None else \
            replace(old, value=adj.new_value, source=adj.source, raw=adj.after)
        out.append(adj)
        pending.append((obs, adj.key, new))
    if problems:
        raise ProblemsError(problems)
    for obs, key, new in pending:
        obs.values[key] = new
        obs.missing.discard(key)
    return out


def _check_row(row: Row, ctx: _Context, problems: list[Problem]):
    """(the set, the Adjustment) of a valid row; else its problems are added."""

    def bad(key, code, message, fill=None, found=None, unit=None):
        problems.append(problem(row.at(key), code, message, unit=unit, found=found, fill=fill))

    if row.unknown:
        if row.unknown == (None,):
            sep = pgettext("list separator", ", ")
            bad(None, "adjust-format", _("each adjustment is a mapping with {columns}").format(columns=sep.join(column_name(k) for k in ("unit", "item", "field", "value", "reason", "approved_by", "date"))))
            return None
        sep = pgettext("list separator", ", ")
        bad(None, "adjust-format", _("unknown key(s) {keys}; an adjustment has {columns}").format(
            keys=sep.join(quote(k) for k in row.unknown), columns=sep.join(column_name(k) for k in ("unit", "item", "field", "value", "reason", "approved_by", "date"))))
    if row.flagged:
        for key, (code, message) in row.flagged.items():
            bad(key, code, message, fill=_("the value itself, typed in"))
        return None
    empty = [k for k in REQUIRED if not row.text(k)]
    for key in empty:
        bad(key, "adjust-missing", _("{column} is required; fill in {what}").format(column=quote(column_name(key)), what=_what_to_fill(key)), fill=_what_to_fill(key))
    if row.unknown or "unit" in empty or "item" in empty:
        return None
    unit_text = row.text("unit")
    unit = ctx.units.find(unit_text)
    obs = ctx.set_of_unit.get(unit.name) if unit is not None else None
    if obs is None:
        if unit is None:
            err = ctx.any_checker().unknown_unit(unit_text)
            bad("unit", err.code, err.message, fill=err.fill, found=unit_text)
        else:
            bad("unit", "unknown-unit", _("{unit} is not among the units being scored; adjust only units of the observation files given").format(unit=quote(unit.name)), found=unit_text)
        return None
    checker = ctx.checker(obs.rules_id)
    err = checker.unit_error(unit_text, unit)
    if err is not None:
        bad("unit", err.code, err.message, fill=err.fill, found=unit_text)
        return None
    resolved = _owner_and_field(row, ctx.indicators[obs.rules_id], checker, bad)
    if resolved is None:
        return None
    owner, fid = resolved
    spec = checker.owners[owner].specs[fid]
    indicators = ctx.indicators[obs.rules_id]
    if "value" in empty:
        return None
    raw = row.cells.get("value")
    err = checker.applies_error(unit, owner, raw)
    value = None
    if err is None:
        value, err = checker.value_error(spec, unit.cls, raw.strip() if isinstance(raw, str) else raw)
    if err is not None:
        bad("value", err.code, err.message, fill=err.fill, found=cell_text(raw), unit=unit.name)
        return None
    if empty:
        return None
    key = (unit.name, owner, fid)
    old = obs.values.get(key)
    was_missing = key in obs.missing
    before = "" if old is None or old.value is None else (old.raw or show_value(old.value))
    adj = Adjustment(
        unit=unit.name, item=owner, field=fid, before=before, after=row.text("value"), reason=row.text("reason"),
        approved_by=row.text("approved_by"), date=row.text("date"), source=row.at("value"),
        indicator=indicators.shown.get(owner, owner), question=field_names(checker.owners[owner])[fid], rules_id=obs.rules_id, cls=unit.cls,
        old_value=None if old is None else old.value, new_value=value, was_missing=was_missing or old is None,
    )
    return obs, adj


def _owner_and_field(row: Row, indicators: Indicators, checker, bad):
    """(owner id, field id) the row names, or None with its problem added."""
    item_text, field_text = row.text("item"), row.text("field")
    rules = quote(checker.rs.title)
    candidates = indicators.find(item_text)
    if not candidates:
        message = _("unknown indicator {item}: neither the number nor the name of an indicator of {rules}").format(item=quote(item_text), rules=rules)
        close = indicators.closest(item_text)
        hint = did_you_mean(close) if close else _("copy the indicator from the list of the adjustments form (gkscore template RULES --adjustments) or its number from the report")
        bad("item", "unknown-item", _("{first}; {second}").format(first=message, second=hint), fill=hint, found=item_text)
        return None
    matches = [(o, f) for o in candidates if (f := find_field(checker.owners[o], field_text)) is not None]
    if len(matches) == 1:
        return matches[0]
    sep = pgettext("list separator", ", ")
    if len(matches) > 1:
        names = sep.join(indicators.label(o) for o, _f in matches)
        bad("item", "ambiguous-item", _("{item} names several indicators ({names}); write the indicator's number").format(item=quote(item_text), names=names), found=item_text)
        return None
    if len(candidates) > 1:
        names = sep.join(indicators.label(o) for o in candidates)
        if not field_text:
            bad("item", "ambiguous-item", _("{item} names several indicators ({names}); write the indicator's number").format(item=quote(item_text), names=names), found=item_text)
        else:
            bad("field", "unknown-field", _("none of the indicators {item} names ({names}) asks {field}; write the indicator's number and copy the question from the template").format(
                item=quote(item_text), names=names, field=quote(field_text)), found=field_text)
        return None
    owner = checker.owners[candidates[0]]
    questions = sep.join(quote(q) for q in field_names(owner).values())
    if not field_text:
        message = _("{indicator} has several observation items ({questions}); fill in {column} with one of them").format(
            indicator=indicators.label(owner.id), questions=questions, column=quote(column_name("field")))
        bad("field", "adjust-missing", message, fill=_what_to_fill("field"))
        return None
    message = _("unknown observation item {field} of {indicator} (it asks {questions})").format(field=quote(field_text), indicator=indicators.label(owner.id), questions=questions)
    close = closest_fields(owner, field_text)
    hint = did_you_mean(close) if close else _("copy the question from the template")
    bad("field", "unknown-field", _("{first}; {second}").format(first=message, second=hint), fill=hint, found=field_text)
    return None
