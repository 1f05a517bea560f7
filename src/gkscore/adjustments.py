"""Review and appeals (复核): corrections to observations, with their reasons.

An adjustments file is YAML::

    format: gkscore-adjustments/1
    adjustments:
      - unit: 市教育局
        item: jdjc.jctb
        field: city
        value: 0
        reason: 市级通报已撤销
        approved_by: 张三
        date: 2021-02-03

or csv with the header ``unit,item,field,value,reason,approved_by,date``
(read like an observation csv: the same encodings).  Every row must name a
known unit, item and field and give a valid value for the field, checked by
the observation checker with its messages; ``reason`` and ``approved_by``
are required, so every change to a published score can be traced.  Without
the file nothing changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .observations.types import Observation, ObservationSet, Source, show_value
from .i18n import _
from .problems import Problem, ProblemsError

COLUMNS = ("unit", "item", "field", "value", "reason", "approved_by", "date")


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


def _rows_yaml(path: str, data: bytes):
    from .yamlio import load_yaml, position_of

    raw, positions = load_yaml(data, path)
    if not isinstance(raw, dict) or raw.get("format") != "gkscore-adjustments/1" or not isinstance(raw.get("adjustments"), list):
        raise ProblemsError([Problem(file=path, code="adjust-format", line=1, col=1, message=_("an adjustments file has format: gkscore-adjustments/1 and a list under adjustments"))])
    for i, row in enumerate(raw["adjustments"]):
        line, _col = position_of(positions, ("adjustments", i))
        if not isinstance(row, dict):
            yield line, None
            continue
        yield line, {k: ("" if row.get(k) is None else (row[k].isoformat() if isinstance(row[k], dt.date) else str(row[k]) if not isinstance(row[k], bool) else ("是" if row[k] else "否"))) for k in COLUMNS} | {"_keys": set(row)}


def _rows_csv(path: str):
    from .observations.read_csv import read_csv

    header = None
    for line, record in read_csv(path).records():
        if header is None:
            header = [h.strip().lower() for h in record]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise ProblemsError([Problem(file=path, code="adjust-format", line=line, message=_("missing column(s) {missing}; the columns are {columns}").format(missing=", ".join(missing), columns=",".join(COLUMNS)))])
            continue
        if not any(cell.strip() for cell in record):
            continue
        rec = {c: (record[header.index(c)].strip() if header.index(c) < len(record) else "") for c in COLUMNS}
        rec["_keys"] = set(COLUMNS)
        yield line, rec


def load_adjustments(path: str, sets: list[ObservationSet], rules_by_id: dict, units_index) -> list[Adjustment]:
    """Apply the file to ``sets`` in place; returns what changed.  All problems at once."""
    from .observations.check_rows import RowChecker
    from .observations.spec import owners
    from .rules.load import read_bytes

    rows = _rows_csv(path) if path.lower().endswith(".csv") else _rows_yaml(path, read_bytes(path))
    problems: list[Problem] = []
    out: list[Adjustment] = []
    set_of_unit = {u: s for s in sets for u in s.units}
    checkers: dict[str, RowChecker] = {}
    seen: dict[tuple, int] = {}
    # Changes are applied only when the whole file is valid.
    pending: list[tuple[ObservationSet, tuple, Observation]] = []
    for line, rec in rows:
        def bad(code, msg):
            problems.append(Problem(file=path, line=line, code=code, message=msg))

        if rec is None:
            bad("adjust-format", _("each adjustment is a mapping with unit, item, field, value, reason, approved_by, date"))
            continue
        unknown_keys = rec.pop("_keys") - set(COLUMNS)
        if unknown_keys:
            bad("adjust-format", _("unknown key(s) {keys}").format(keys=", ".join(sorted(map(str, unknown_keys)))))
        for req in ("unit", "item", "field", "value", "reason", "approved_by"):
            if not rec[req]:
                bad("adjust-missing", _("{column} is required").format(column=req))
        if not all(rec[k] for k in ("unit", "item", "field", "value", "reason", "approved_by")):
            continue
        unit = units_index.find(rec["unit"])
        obs = set_of_unit.get(unit.name) if unit is not None else None
        if obs is None:
            if unit is None:
                err = _any_checker(checkers, sets, rules_by_id, units_index).unit_error(rec["unit"], None)
                bad(err.code, err.message)
            else:
                bad("unknown-unit", _("{unit} is not among the units being scored").format(unit=unit.name))
            continue
        checker = checkers.get(obs.rules_id)
        if checker is None:
            loaded = rules_by_id[obs.rules_id]
            checker = checkers[obs.rules_id] = RowChecker(loaded, owners(loaded.ruleset), units_index, keep_evidence=False, keep_scorer=False)
        err = checker.unit_error(rec["unit"], unit)
        spec = None
        if err is None:
            spec, err = checker.field_error(rec["item"], rec["field"])
        if err is None:
            err = checker.applies_error(unit, rec["item"], rec["value"])
        value = None
        if err is None:
            value, err = checker.value_error(spec, unit.cls, rec["value"])
        if err is not None:
            bad(err.code, err.message)
            continue
        key = (unit.name, rec["item"], rec["field"])
        if key in seen:
            bad("duplicate-adjustment", _("{unit} {item}.{field} is adjusted twice (first on line {line})").format(unit=unit.name, item=rec["item"], field=rec["field"], line=seen[key]))
            continue
        seen[key] = line
        old = obs.values.get(key)
        before = "" if old is None or old.value is None else (old.raw or show_value(old.value))
        source = Source(file=path, line=line)
        if old is None:
            new = Observation(unit=unit.name, owner=rec["item"], field=rec["field"], value=value, source=source, raw=rec["value"])
        else:
            new = replace(old, value=value, source=source, raw=rec["value"])
        out.append(Adjustment(unit.name, rec["item"], rec["field"], before, rec["value"], rec["reason"], rec["approved_by"], rec["date"], source))
        pending.append((obs, key, new))
    if problems:
        raise ProblemsError(problems)
    for obs, key, new in pending:
        obs.values[key] = new
        obs.missing.discard(key)
    return out


def _any_checker(checkers: dict, sets, rules_by_id: dict, units_index):
    """A checker for the messages about the unit alone (any rule file will do)."""
    from .observations.check_rows import RowChecker
    from .observations.spec import owners

    if checkers:
        return next(iter(checkers.values()))
    loaded = rules_by_id[sets[0].rules_id]
    return RowChecker(loaded, owners(loaded.ruleset), units_index, keep_evidence=False, keep_scorer=False)
