"""Checking raw rows against one rule file and the units file.

Each row becomes an ``Entry`` (a typed value, or a blank) or a Problem:
unknown-unit, wrong-class, unknown-item, unknown-field, not-applicable,
bad-value, out-of-range, off-step.  Unit-level problems are reported once per
file and unit, at the first position in sheet/cell or line order, their
message built once.  The same checks, with the same messages, validate
adjustments (``unit_error``, ``field_error``, ``value_error``); the words
of each problem are ``row_issues``'s.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from ..i18n import ngettext
from ..normalize import norm_name
from ..problems import Problem
from ..rules.model import UNIT_OWNER
from ..yamlio import position_of
from .lane import PlainLane
from .raw import Positions, RawRow, problem_at, src_key
from .row_issues import RowIssues
from .slots import SlotStore
from .spec import Owner
from .types import Source
from .units_index import UnitsIndex
from .values import Issue, cell_text, is_blank, read_value


_NO = object()


class _UnitsFilePositions(Positions):
    """Where the units file gives a unit's attributes: ``row`` is the unit's
    index, ``col`` the field's; the line is looked up only for a message."""

    __slots__ = ("loaded", "fields")

    def __init__(self, loaded_units, fields: list[str]) -> None:
        super().__init__(loaded_units.path, None)
        self.loaded, self.fields = loaded_units, fields

    def at(self, row: int, col: int) -> Source:
        line, _col = position_of(self.loaded.positions, ("units", row, "attributes", self.fields[col]))
        return Source(self.file, line=line)


class RowChecker(RowIssues, SlotStore, PlainLane):
    """Checks rows and keeps what they give in the compact store (``slots``);
    the rows like the one before through the fast lane (``lane``)."""

    def __init__(self, loaded_rules, owners: dict[str, Owner], units: UnitsIndex, keep_evidence: bool = True, keep_scorer: bool = True) -> None:
        super().__init__(owners, keep_evidence, keep_scorer)
        self.rules = loaded_rules
        self.rs = loaded_rules.ruleset
        self.owners = owners
        self.units = units
        self.unit_problems: Counter = Counter()  # unit name -> problems found in its rows
        # the rules tags of the rows (each reaches ``add`` first): they
        # record the subsets the templates were made for
        self.tags: set = set()
        self.bad_keys: set[tuple[str, str, str]] = set()
        self.unit_places: dict[str, list[Source]] = {}
        self._last_place: dict[str, tuple] = {}
        self._lp_name = self._lp_pos = None  # unit and Positions of the last row placed
        self._blank: dict[str, bool] = {}  # is_blank of non-ASCII value texts
        # deduplicated unit-level problems: key -> (Issue, unit text, [sources])
        self._unit_problems: dict[tuple, tuple[Issue, str, list[Source]]] = {}
        self.problems: list[Problem] = []
        self._items_suggester = None
        # Per-run caches: a sheet repeats the same unit names and values on
        # thousands of rows.  Keys keep types apart (True vs 1 vs Decimal 1)
        # and Decimals by their text, so a cached answer is exactly what a
        # fresh call would give.
        self._value_cache: dict[tuple, tuple] = {}
        self._unit_by_text: dict = {}  # unit cell text -> the unit it names (or None)
        self._init_lane()

    def _unit_problem(self, key: tuple, src: Source, unit_text: str, issue) -> None:
        """``issue``: a callable giving the Issue, called for a new key only."""
        found = self._unit_problems.get(key)
        if found is None:
            found = self._unit_problems[key] = (issue(), unit_text, [])
        found[2].append(src)

    def finish(self) -> list[Problem]:
        out = list(self.problems)
        for issue, unit_text, srcs in self._unit_problems.values():
            src = min(srcs, key=src_key)
            message = issue.message
            n = len(set(srcs))  # rows of the long layout; a unit sheet's one unit cell counts once
            if n > 1:
                message = ngettext("{message} ({n} row)", "{message} ({n} rows)", n).format(message=message, n=n)
            out.append(problem_at(src, issue.code, message, unit=unit_text, fill=issue.fill))
        return out

    def find_unit(self, text):
        """The unit a unit cell's text names (None: none), cached: a sheet
        repeats the same names on thousands of rows."""
        unit = self._unit_by_text.get(text, _NO)
        if unit is _NO:
            unit = self._unit_by_text[text] = self.units.find(text)
        return unit

    def value_error(self, spec, cls: str, value):
        """(typed value, None) or (None, Issue) for a non-blank cell."""
        return read_value(spec.field, cls, value)

    def _parse(self, spec, cls: str, raw):
        """(value, err, display text, value index) for a non-blank cell, cached."""
        t = raw.__class__
        key = (id(spec), cls, t, raw if t is not Decimal else str(raw))
        try:
            return self._value_cache[key]
        except KeyError:
            pass
        except TypeError:  # unhashable: never from a reader, but stay safe
            value, err = read_value(spec.field, cls, raw)
            self.vals.append((value, cell_text(raw)))
            return value, err, cell_text(raw), len(self.vals) - 1
        value, err = read_value(spec.field, cls, raw)
        text = cell_text(raw)
        vidx = -1
        if err is None:
            vidx = len(self.vals)
            self.vals.append((value, text))
        out = self._value_cache[key] = (value, err, text, vidx)
        if err is None and t is str:
            self._lane_vals.setdefault((key[0], cls), {})[raw] = vidx
        return out

    def _problem(self, unit: str, src: Source, issue: Issue, row: RawRow, spec=None) -> None:
        if issue.code == "unknown-item":
            found = row.item
        elif issue.code == "unknown-field":
            found = row.field
        else:
            found = cell_text(row.value) if row.value is not None else None
        self.problems.append(problem_at(src, issue.code, issue.message, unit=unit, scorer=row.scorer or None,
                                        subject=spec.subject() if spec is not None else None, found=found, fill=issue.fill))
        self.unit_problems[unit] += 1

    def add(self, row: RawRow) -> None:
        self._fast = None
        self.tags.add(row.tag)
        ru = row.unit
        unit = self.find_unit(ru)
        if unit is None or unit.cls not in self.rs.classes:
            src = row.unit_src
            key = (row.file, src.sheet, "unknown", norm_name(ru or "")) if unit is None else (row.file, "wrong", unit.name)
            self._unit_problem(key, src, cell_text(ru).strip() if ru is not None else "", lambda: self.unit_error(ru, unit))
            return
        # cls_src last: with lazy positions it is built only for a mismatch;
        # the usual case (the class as written in the units file) is one compare
        rc = row.cls
        clean = True
        if rc is not None and rc != unit.cls and not is_blank(rc) and rc.strip() != unit.cls and not self.names_class(rc, unit.cls):
            cls_src = row.cls_src
            if cls_src is not None:
                clean = False  # every such row counts in the message: no fast lane
                self._unit_problem((row.file, "recorded", unit.name), cls_src, unit.name, lambda: self.recorded_class(unit, rc))
        name = unit.name
        pos = row.pos
        if name is self._lp_name and pos is self._lp_pos:
            pass  # the same unit and sheet as the row before: nothing new
        elif self._last_place.get(name) != (here := (row.file, pos.title)):
            # consecutive rows of one unit share a place: keep one (only the
            # first in position order is ever reported)
            self._last_place[name] = here
            places = self.unit_places.get(name)
            if places is None:
                places = self.unit_places[name] = []
                self._unit_base(name)
            places.append(Source(row.file, sheet=row.pos.title))
        self._lp_name, self._lp_pos = name, pos
        if clean and ru.__class__ is str:
            lane = self._lanes.get(unit.cls)
            if lane is None:
                lane = self._lanes[unit.cls] = self._lane_for(unit.cls)
            # the class as its cell reads: "" for none
            self._fast = (pos, ru, "" if rc is None else rc, unit, self.unit_slot[name] * self.ns, lane)
        spec, err = self.field_error(row.item, row.field)
        if err is not None:
            self._problem(name, row.item_src if err.code == "unknown-item" else row.field_src, err, row)
            return
        v = row.value
        if type(v) is str:
            if v.isascii():
                blank = v.strip() == ""
            else:
                blank = self._blank.get(v)
                if blank is None:
                    blank = is_blank(v)
                    if len(self._blank) < 65536:
                        self._blank[v] = blank
        else:
            blank = v is None
        if not blank:
            err = self.applies_error(unit, row.item, v)
            if err is not None:
                self._problem(name, row.value_src, err, row, spec)
                return
        elif unit.cls not in self.owners[row.item].classes:
            return
        if row.flagged:
            # formula, error value ...: already reported where it was read
            self.bad_keys.add((name, row.item, row.field))
            self.unit_problems[name] += 1
            return
        if blank:
            self._store(name, row.item, row.field, -1, row)
            return
        hit = self._value_cache.get((id(spec), unit.cls, str, v)) if v.__class__ is str else None
        value, err, raw_text, vidx = hit if hit is not None else self._parse(spec, unit.cls, v)
        if err is not None:
            self.bad_keys.add((name, row.item, row.field))
            self._problem(name, row.value_src, err, row, spec)
            return
        self._store(name, row.item, row.field, vidx, row, self._spec_slot[id(spec)])

    def add_unit_attributes(self) -> None:
        """The answers the units file gives to the rule file's unit fields,
        checked and kept as if read from the units file (a template answer
        that differs is a conflict, as between two sheets)."""
        owner = self.owners.get(UNIT_OWNER)
        if owner is None:
            return
        fields = list(owner.specs)
        pos = _UnitsFilePositions(self.units.loaded, fields)
        for ui, unit in enumerate(self.units.units):
            if not unit.attributes or unit.cls not in self.rs.classes:
                continue
            for fi, field in enumerate(fields):
                if field not in unit.attributes:
                    continue
                raw = unit.attributes[field]
                row = RawRow(file=pos.file, unit=unit.name, cls=unit.cls, item=UNIT_OWNER, field=field, value=raw, evidence="", scorer="",
                             tag=None, pos=pos, r=ui, cols={"value": fi})
                spec = owner.specs[field]
                # a number as the units file wrote it, read as its text (never through float)
                value, err, _text, vidx = self._parse(spec, unit.cls, str(raw) if isinstance(raw, Decimal) else raw)
                if err is not None:
                    self.bad_keys.add((unit.name, UNIT_OWNER, field))
                    self._problem(unit.name, row.value_src, err, row, spec)
                    continue
                self._store(unit.name, UNIT_OWNER, field, vidx, row, self._spec_slot[id(spec)])

    def drop_file(self, file: str) -> None:
        """Take back every value read from ``file`` (a file that failed
        part-way contributes its problems and nothing else)."""
        self.drop_slots(file)
        for name in list(self.unit_places):
            places = [s for s in self.unit_places[name] if s.file != file]
            if places:
                self.unit_places[name] = places
            else:
                del self.unit_places[name]
        self._last_place.clear()
        self._lp_name = self._lp_pos = None
        self._fast = None
