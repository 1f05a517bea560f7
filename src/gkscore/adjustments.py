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

or csv with the header ``unit,item,field,value,reason,approved_by,date``.
Every row must name a known unit, item and field and give a valid value for
the field; ``reason`` and ``approved_by`` are required, so every change to a
published score can be traced.  Without the file nothing changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace

from .observations.types import Observation, ObservationSet, Source, show_value
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
        raise ProblemsError([Problem(file=path, code="adjust-format", line=1, col=1, message="an adjustments file has format: gkscore-adjustments/1 and a list under adjustments")])
    for i, row in enumerate(raw["adjustments"]):
        line, _ = position_of(positions, ("adjustments", i))
        if not isinstance(row, dict):
            yield line, None
            continue
        yield line, {k: ("" if row.get(k) is None else (row[k].isoformat() if isinstance(row[k], dt.date) else str(row[k]) if not isinstance(row[k], bool) else ("是" if row[k] else "否"))) for k in COLUMNS} | {"_keys": set(row)}


def _rows_csv(path: str, data: bytes):
    from .observations.read_csv import decode

    text, _encoding = decode(path, data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = None
    for row in reader:
        line = reader.line_num
        if header is None:
            header = [h.strip().lower() for h in row]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise ProblemsError([Problem(file=path, code="adjust-format", line=line, message=f"missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}")])
            continue
        if not any(cell.strip() for cell in row):
            continue
        rec = {c: (row[header.index(c)].strip() if header.index(c) < len(row) else "") for c in COLUMNS}
        rec["_keys"] = set(COLUMNS)
        yield line, rec


def load_adjustments(path: str, sets: list[ObservationSet], rules_by_id: dict, units_index) -> list[Adjustment]:
    """Apply the file to ``sets`` in place; returns what changed.  All problems at once."""
    from .observations.allowed import parse_value
    from .observations.spec import owners
    from .rules.load import read_bytes

    data = read_bytes(path)
    rows = _rows_csv(path, data) if path.lower().endswith(".csv") else _rows_yaml(path, data)
    problems: list[Problem] = []
    out: list[Adjustment] = []
    set_of_unit = {u: s for s in sets for u in s.units}
    seen: dict[tuple, int] = {}
    # Changes are applied only when the whole file is valid.
    pending: list[tuple[ObservationSet, tuple, Observation]] = []
    for line, rec in rows:
        def bad(code, msg):
            problems.append(Problem(file=path, line=line, code=code, message=msg))

        if rec is None:
            bad("adjust-format", "each adjustment is a mapping with unit, item, field, value, reason, approved_by, date")
            continue
        unknown_keys = rec.pop("_keys") - set(COLUMNS)
        if unknown_keys:
            bad("adjust-format", f"unknown key(s) {', '.join(sorted(map(str, unknown_keys)))}")
        for req in ("unit", "item", "field", "value", "reason", "approved_by"):
            if not rec[req]:
                bad("adjust-missing", f"{req} is required")
        if not all(rec[k] for k in ("unit", "item", "field", "value", "reason", "approved_by")):
            continue
        unit = units_index.find(rec["unit"])
        if unit is None:
            bad("unknown-unit", f"unknown unit {rec['unit']!r}")
            continue
        obs = set_of_unit.get(unit.name)
        if obs is None:
            bad("unknown-unit", f"unit {unit.name!r} is not in the observations being scored")
            continue
        loaded = rules_by_id[obs.rules_id]
        index = owners(loaded.ruleset)
        owner = index.get(rec["item"])
        cls = obs.units[unit.name]
        if owner is None:
            bad("unknown-item", f"unknown item {rec['item']!r} in rules {obs.rules_id}")
            continue
        if cls not in owner.classes:
            bad("not-applicable", f"item {rec['item']!r} does not apply to {unit.name} (class {cls})")
            continue
        spec = owner.specs.get(rec["field"])
        if spec is None:
            bad("unknown-field", f"unknown field {rec['field']!r} of item {rec['item']!r} (fields: {', '.join(owner.specs)})")
            continue
        value, err = parse_value(spec.field, cls, rec["value"])
        if err is not None:
            bad(err[0], err[1])
            continue
        key = (unit.name, rec["item"], rec["field"])
        if key in seen:
            bad("duplicate-adjustment", f"{unit.name} {rec['item']}.{rec['field']} is adjusted twice (first on line {seen[key]})")
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
