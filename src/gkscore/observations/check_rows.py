"""Checking raw rows against one rule file and the units file.

Each row becomes an ``Entry`` (a typed value, or a blank) or a Problem:
unknown-unit, wrong-class, unknown-item, unknown-field, not-applicable,
bad-value, out-of-range, off-step.  Unit-level problems are reported once per
file and unit, at the first position in sheet/cell or line order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..normalize import norm_name
from ..problems import Problem
from .allowed import allowed_text, display, is_blank, parse_value
from .extract import RawRow, problem_at, src_key
from .spec import Owner
from .types import Source
from .units_index import UnitsIndex


@dataclass(slots=True)
class Entry:
    unit: str
    owner: str
    field: str
    value: object  # None: blank cell
    raw: str
    src: Source
    evidence: str
    scorer: str


class RowChecker:
    def __init__(self, loaded_rules, owners: dict[str, Owner], units: UnitsIndex) -> None:
        self.rules = loaded_rules
        self.rs = loaded_rules.ruleset
        self.owners = owners
        self.units = units
        self.entries: list[Entry] = []
        self.bad_keys: set[tuple[str, str, str]] = set()
        self.unit_places: dict[str, list[Source]] = {}
        # deduplicated unit-level problems: key -> list of (src, code, message)
        self._unit_problems: dict[tuple, list[tuple[Source, str, str]]] = {}
        self.problems: list[Problem] = []
        # Per-run caches: a sheet repeats the same unit names and values on
        # thousands of rows.  Keys keep types apart (True vs 1 vs Decimal 1)
        # and Decimals by their text, so a cached answer is exactly what a
        # fresh call would give.
        self._unit_cache: dict[tuple, object] = {}
        self._value_cache: dict[tuple, tuple] = {}

    def _unit_problem(self, key: tuple, src: Source, code: str, message: str) -> None:
        self._unit_problems.setdefault(key, []).append((src, code, message))

    def finish(self) -> list[Problem]:
        out = list(self.problems)
        for items in self._unit_problems.values():
            src, code, message = min(items, key=lambda t: src_key(t[0]))
            n = len(items)
            if n > 1:
                message += f" ({n} rows)"
            out.append(problem_at(src, code, message))
        return out

    def _find_unit(self, raw):
        key = (type(raw), raw if not isinstance(raw, Decimal) else str(raw))
        try:
            return self._unit_cache[key]
        except KeyError:
            unit = self._unit_cache[key] = self.units.find(raw)
            return unit
        except TypeError:  # unhashable: never from a reader, but stay safe
            return self.units.find(raw)

    def _parse(self, spec, cls: str, raw):
        """(value, err, display text) for a non-blank cell, cached."""
        key = (id(spec), cls, type(raw), raw if not isinstance(raw, Decimal) else str(raw))
        try:
            return self._value_cache[key]
        except KeyError:
            pass
        except TypeError:
            value, err = parse_value(spec.field, cls, raw)
            return value, err, display(raw)
        value, err = parse_value(spec.field, cls, raw)
        out = self._value_cache[key] = (value, err, display(raw))
        return out

    def add(self, row: RawRow) -> None:
        unit = self._find_unit(row.unit)
        if unit is None:
            raw = display(row.unit).strip()
            self._unit_problem((row.file, row.unit_src.sheet, "unknown", norm_name(raw)), row.unit_src, "unknown-unit", f"unknown unit \"{raw}\"; not a name or alias in {self.units.loaded.path}")
            return
        if unit.cls not in self.rs.classes:
            self._unit_problem((row.file, "wrong", unit.name), row.unit_src, "wrong-class", f"unit {unit.name} is class {unit.cls}, which rules {self.rs.id} do not score (classes: {', '.join(self.rs.classes)})")
            return
        # cls_src last: with lazy positions it is built only for a mismatch
        if not is_blank(row.cls) and display(row.cls).strip() != unit.cls and row.cls_src is not None:
            self._unit_problem((row.file, "recorded", unit.name), row.cls_src, "wrong-class", f"unit {unit.name} is class {unit.cls} in the units file, but this sheet says \"{display(row.cls).strip()}\"; make a new template")
        places = self.unit_places.get(unit.name)
        if places is None:
            places = self.unit_places[unit.name] = []
        if not places or places[-1].file != row.file or places[-1].sheet != row.unit_src.sheet:
            # consecutive rows of one unit share a place: keep one (only the
            # first in position order is ever reported)
            places.append(Source(row.file, sheet=row.unit_src.sheet))
        owner = self.owners.get(row.item)
        if owner is None:
            self.problems.append(problem_at(row.item_src, "unknown-item", f"unknown item \"{row.item}\" in rules {self.rs.id}"))
            return
        spec = owner.specs.get(row.field)
        if spec is None:
            self.problems.append(problem_at(row.field_src, "unknown-field", f"unknown field \"{row.field}\" of {row.item} (fields: {', '.join(owner.specs) or 'none'})"))
            return
        blank = is_blank(row.value)
        if unit.cls not in owner.classes:
            if not blank:
                self.problems.append(problem_at(row.value_src, "not-applicable", f"{row.item} does not apply to class {unit.cls} ({unit.name}); leave it empty, got \"{display(row.value)}\""))
            return
        key = (unit.name, row.item, row.field)
        if getattr(row, "flagged", False):
            self.bad_keys.add(key)  # formula / error value: already reported where it was read
            return
        if blank:
            self.entries.append(Entry(unit.name, row.item, row.field, None, "", row.value_src, row.evidence, row.scorer))
            return
        value, err, raw_text = self._parse(spec, unit.cls, row.value)
        if err is not None:
            self.bad_keys.add(key)
            code, message = err
            self.problems.append(problem_at(row.value_src, code, message))
            return
        self.entries.append(Entry(unit.name, row.item, row.field, value, raw_text, row.value_src, row.evidence, row.scorer))

    def expected_text(self, owner: str, field: str, cls: str) -> str:
        return allowed_text(self.owners[owner].specs[field].field, cls)
