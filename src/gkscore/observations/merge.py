"""Merging checked entries of one rule file into an ObservationSet (集中评分).

* A field given twice with a value in the same file: duplicate-field, at every
  occurrence after the first in sheet/cell (or line) order.
* The same field in several files: equal values are fine (the earliest
  position is kept, evidence and scorers of all files are joined); different
  values are a conflict, reported at each position naming the others.
* A blank cell is "not given": another file may give the value.  A field no
  file gives is a missing-value problem at every blank cell for it (or, when
  no row exists, at the unit's sheet or file) -- or, with ``partial``, it is
  recorded in ``ObservationSet.missing``.

The result never depends on row, sheet or file order.
"""

from __future__ import annotations

from ..problems import Problem
from .check_rows import Entry, RowChecker
from .extract import problem_at, src_key
from .spec import expected_fields
from .types import Observation, ObservationSet


def _join(parts) -> str:
    seen = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return "; ".join(seen)


def _obs(e: Entry, group: list[Entry]) -> Observation:
    return Observation(
        unit=e.unit, owner=e.owner, field=e.field, value=e.value, source=e.src, raw=e.raw,
        evidence=_join(x.evidence for x in group), scorer=_join(x.scorer for x in group),
    )


def merge(checker: RowChecker, *, partial: bool) -> tuple[ObservationSet, list[Problem]]:
    problems: list[Problem] = []
    by_key: dict[tuple, list[Entry]] = {}
    for e in checker.entries:
        by_key.setdefault((e.unit, e.owner, e.field), []).append(e)
    chosen: dict[tuple, Observation] = {}
    blanks: dict[tuple, list[Entry]] = {}
    bad = set(checker.bad_keys)
    for key, entries in by_key.items():
        if len(entries) == 1:
            # The usual case (one row per field): nothing to order or compare.
            e = entries[0]
            if e.value is None:
                blanks[key] = entries
            elif key not in bad:
                chosen[key] = Observation(
                    unit=e.unit, owner=e.owner, field=e.field, value=e.value, source=e.src, raw=e.raw,
                    evidence=e.evidence or "", scorer=e.scorer or "",
                )
            continue
        entries.sort(key=lambda e: src_key(e.src))
        filled = [e for e in entries if e.value is not None]
        if not filled:
            blanks[key] = entries
            continue
        per_file: dict[str, Entry] = {}
        for e in filled:
            first = per_file.get(e.src.file)
            if first is None:
                per_file[e.src.file] = e
            else:
                bad.add(key)
                problems.append(problem_at(e.src, "duplicate-field", f"{key[0]} {key[1]}.{key[2]} is given twice in this file (first at {first.src})"))
        values = {}
        for e in per_file.values():
            values.setdefault(_canon(e.value), []).append(e)
        if len(values) > 1:
            bad.add(key)
            for e in per_file.values():
                others = ", ".join(f"{o.raw!r} in {o.src}" for o in per_file.values() if _canon(o.value) != _canon(e.value))
                problems.append(problem_at(e.src, "conflict", f"conflict: {key[0]} {key[1]}.{key[2]} is {e.raw!r} here but {others}"))
            continue
        if key in bad:
            continue
        group = sorted(per_file.values(), key=lambda e: src_key(e.src))
        chosen[key] = _obs(group[0], group)

    rs = checker.rs
    order = checker.units.order
    units_seen = sorted(checker.unit_places, key=lambda n: order.get(n, 1 << 30))
    oset = ObservationSet(rules_id=rs.id, rules_sha256=checker.rules.sha256)
    cls_of = {u.name: u.cls for u in checker.units.units}
    for unit in units_seen:
        cls = cls_of[unit]
        oset.units[unit] = cls
        for spec in expected_fields(rs, cls, checker.owners):
            key = (unit, spec.owner, spec.field_id)
            if key in chosen:
                oset.values[key] = chosen[key]
                continue
            if key in bad:
                continue
            expected = checker.expected_text(spec.owner, spec.field_id, cls)
            if partial:
                oset.missing.add(key)
                if key in blanks:
                    group = blanks[key]
                    oset.values[key] = _obs(group[0], group)
                continue
            if key in blanks:
                for e in blanks[key]:
                    problems.append(problem_at(e.src, "missing-value", f"no value for {spec.owner}.{spec.field_id} ({_short(spec.field.prompt)}); expected {expected}"))
            else:
                where = min(checker.unit_places[unit], key=src_key)
                problems.append(problem_at(where, "missing-value", f"no row for {unit} {spec.owner}.{spec.field_id} ({_short(spec.field.prompt)}); expected {expected}"))
    return oset, problems


def _canon(value):
    # bool is a subclass of int: keep the kinds apart
    return (type(value).__name__ if isinstance(value, bool) else "v", value)


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
