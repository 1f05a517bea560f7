"""Merging checked entries of one rule file into an ObservationSet (集中评分).

* A field given twice with a value in the same file: duplicate-field, at every
  occurrence after the first in sheet/cell (or line) order.
* The same field in several files: equal values are fine (the earliest
  position is kept, evidence and scorers of all files are joined); different
  values are a conflict, reported at each position naming the others.
* A blank cell is "not given": another file may give the value.  A field no
  file gives is a missing-value problem at every blank cell for it (or, when
  no row exists, at the unit's sheet or file) -- or, with ``partial``, it is
  recorded in ``ObservationSet.missing`` -- when the unit must answer it
  (``engine.needs``: not when its item does not apply, its only_if does not
  hold, its group is voided or a veto stopped scoring).

The result never depends on row, sheet or file order.
"""

from __future__ import annotations

from ..engine.compiled import CompiledRules
from ..engine.needs import field_needs
from ..i18n import _, pgettext
from ..problems import Problem, quote
from .check_rows import RowChecker
from .slots import Entry
from .raw import problem_at, src_key
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


def _group(checker: RowChecker, slot: int) -> list[Entry]:
    group = checker.extra.get(slot)
    return list(group) if group is not None else [checker.entry(slot)]


def merge(checker: RowChecker, *, partial: bool) -> tuple[ObservationSet, list[Problem]]:
    from .store import CompactValues

    problems: list[Problem] = []
    ns = checker.ns
    cnt = checker.cnt
    status = bytearray(len(cnt))  # per slot: 0 none, 1 the arrays' entry, 2 overrides
    overrides: dict[int, Observation] = {}
    bad = set(checker.bad_keys)
    bad_units = {k[0] for k in bad}
    # Slots given more than once: one value per file, equal across files.
    for slot, entries in sorted(checker.extra.items()):
        key = (entries[0].unit, entries[0].owner, entries[0].field)
        entries = sorted(entries, key=lambda e: src_key(e.src))
        filled = [e for e in entries if e.value is not None]
        if not filled:
            continue
        per_file: dict[str, Entry] = {}
        spec = checker.owners[key[1]].specs[key[2]]
        for e in filled:
            first = per_file.get(e.src.file)
            if first is None:
                per_file[e.src.file] = e
            else:
                bad.add(key)
                message = _("{unit}: {subject} is filled twice in this file (first at {first}); delete one of the two rows").format(
                    unit=key[0], subject=spec.subject(), first=_place(first.src))
                problems.append(problem_at(e.src, "duplicate-field", message, unit=key[0], scorer=e.scorer or None, subject=spec.subject(), found=e.raw,
                                           fill=_("delete this row or the first one")))
                checker.unit_problems[key[0]] += 1
        values = {}
        for e in per_file.values():
            values.setdefault(_canon(e.value), []).append(e)
        if len(values) > 1:
            bad.add(key)
            for e in per_file.values():
                others = pgettext("list separator", ", ").join(_("{value} in {place}").format(value=quote(o.raw), place=_place(o.src)) for o in per_file.values() if _canon(o.value) != _canon(e.value))
                message = _("conflict: {unit}: {subject} is {value} here but {others}; agree on one value and correct the other files").format(
                    unit=key[0], subject=spec.subject(), value=quote(e.raw), others=others)
                problems.append(problem_at(e.src, "conflict", message, unit=key[0], scorer=e.scorer or None, subject=spec.subject(), found=e.raw,
                                           fill=_("the value agreed with the other scorers")))
                checker.unit_problems[key[0]] += 1
            continue
        if key in bad:
            continue
        group = sorted(per_file.values(), key=lambda e: src_key(e.src))
        overrides[slot] = _obs(group[0], group)
    bad_units |= {k[0] for k in bad}

    rs = checker.rs
    order = checker.units.order
    units_seen = sorted(checker.unit_places, key=lambda n: order.get(n, 1 << 30))
    oset = ObservationSet(rules_id=rs.id, rules_sha256=checker.rules.sha256, rules=checker.rules)
    cls_of = {u.name: u.cls for u in checker.units.units}
    expected_of: dict[str, list] = {}
    pattern_of: dict[str, bytes] = {}
    spec_idx = checker.spec_idx
    vals = checker.val
    compiled = CompiledRules(rs)
    for unit in units_seen:
        cls = cls_of[unit]
        oset.units[unit] = cls
        specs = expected_of.get(cls)
        if specs is None:
            specs = expected_of[cls] = [(spec, spec_idx[(spec.owner, spec.field_id)]) for spec in expected_fields(rs, cls, checker.owners)]
            pat = bytearray(ns)
            for _spec, i in specs:
                pat[i] = 1
            pattern_of[cls] = bytes(pat)
        u = checker.unit_slot[unit]
        base = u * ns
        if cnt[base : base + ns] == pattern_of[cls] and u not in checker.careful_units and unit not in bad_units:
            # every field given exactly once, with a value: the usual case
            status[base : base + ns] = pattern_of[cls]
            continue
        needs = None  # what the unit must answer, worked out at its first blank
        for spec, i in specs:
            slot = base + i
            key = (unit, spec.owner, spec.field_id)
            c = cnt[slot]
            if slot in overrides:
                status[slot] = 2
                continue
            if c == 1 and vals[slot] >= 0 and key not in bad and slot not in checker.extra:
                status[slot] = 1
                continue
            if key in bad:
                continue
            blanks = [e for e in _group(checker, slot) if e.value is None] if c else []
            if needs is None:
                needs = unit_needs(compiled.plan(cls), checker, base, overrides, bad, unit)
            if not needs.needed(spec.owner, spec.field_id):
                continue  # not asked for (does not apply, only_if does not hold, voided, vetoed): a blank is no gap
            expected = checker.expected_text(spec.owner, spec.field_id, cls)
            if partial:
                oset.missing.add(key)
                if blanks:
                    group = sorted(blanks, key=lambda e: src_key(e.src)) if len(blanks) > 1 else blanks
                    overrides[slot] = _obs(group[0], group)
                    status[slot] = 2
                continue
            if blanks:
                for e in blanks:
                    message = _("not filled: {subject}; fill in {expected}").format(subject=spec.subject(), expected=expected)
                    problems.append(problem_at(e.src, "missing-value", message, unit=unit, scorer=e.scorer or None, subject=spec.subject(), fill=expected))
                    checker.unit_problems[unit] += 1
            else:
                where = min(checker.unit_places[unit], key=src_key)
                message = _("{unit} has no row for {subject}; copy the row from the template and fill in {expected}").format(
                    unit=unit, subject=spec.subject(), expected=expected)
                problems.append(problem_at(where, "missing-value", message, unit=unit, subject=spec.subject(), fill=expected))
                checker.unit_problems[unit] += 1
    oset.values = CompactValues(checker, status, overrides, [(unit, expected_of[cls_of[unit]]) for unit in units_seen])
    return oset, problems


def unit_needs(plan, checker: RowChecker, base: int, overrides: dict, bad: set, unit: str):
    """What ``unit`` must answer (``engine.needs``), from the values its
    slots hold: a value given once, or the same in every file; a value in
    conflict or in error counts as not given."""
    spec_idx, cnt, val, vals, extra = checker.spec_idx, checker.cnt, checker.val, checker.vals, checker.extra
    row = []
    for owner, field in plan.keys:
        i = spec_idx.get((owner, field))
        value = None
        if i is not None and (unit, owner, field) not in bad:
            slot = base + i
            o = overrides.get(slot)
            if o is not None:
                value = o.value
            elif cnt[slot] == 1 and slot not in extra and val[slot] >= 0:
                value = vals[val[slot]][0]
        row.append(value)
    return field_needs(plan, row)


def _canon(value):
    # bool is a subclass of int: keep the kinds apart
    return (type(value).__name__ if isinstance(value, bool) else "v", value)


def _place(src) -> str:
    """Where a value is, as a message names it (the bundled stem for a bundled file)."""
    return problem_at(src, "", "").where()
