"""Checking raw rows against one rule file and the units file.

Each row becomes an ``Entry`` (a typed value, or a blank) or a Problem:
unknown-unit, wrong-class, unknown-item, unknown-field, not-applicable,
bad-value, out-of-range, off-step.  Unit-level problems are reported once per
file and unit, at the first position in sheet/cell or line order.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from decimal import Decimal

from ..normalize import norm_name
from ..problems import Problem
from .allowed import allowed_text, display, is_blank, parse_value
from .extract import RawRow, problem_at, src_key
from .spec import Owner
from .types import Source
from .units_index import UnitsIndex


_NO = object()


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
    """Checks rows and keeps what they give in compact per-slot arrays: one
    slot per (unit, field), units numbered in first-seen order.  A slot given
    once (the usual case) costs a few array entries, not objects; a slot given
    twice or more keeps full ``Entry`` objects in ``extra`` for merging."""

    def __init__(self, loaded_rules, owners: dict[str, Owner], units: UnitsIndex, keep_text: bool = True) -> None:
        self.rules = loaded_rules
        self.rs = loaded_rules.ruleset
        self.owners = owners
        self.units = units
        self.keep_text = keep_text
        self.bad_keys: set[tuple[str, str, str]] = set()
        self.unit_places: dict[str, list[Source]] = {}
        self._last_place: dict[str, tuple] = {}
        self._lp_name = self._lp_pos = None  # unit and Positions of the last row placed
        self._blank: dict[str, bool] = {}  # is_blank of non-ASCII value texts
        # deduplicated unit-level problems: key -> list of (src, code, message)
        self._unit_problems: dict[tuple, list[tuple[Source, str, str]]] = {}
        self.problems: list[Problem] = []
        # Per-run caches: a sheet repeats the same unit names and values on
        # thousands of rows.  Keys keep types apart (True vs 1 vs Decimal 1)
        # and Decimals by their text, so a cached answer is exactly what a
        # fresh call would give.
        self._unit_cache: dict[tuple, object] = {}
        self._value_cache: dict[tuple, tuple] = {}
        # slots
        self.spec_list: list[tuple[str, str]] = [(o, f) for o, owner in owners.items() for f in owner.specs]
        self.spec_idx: dict[tuple[str, str], int] = {k: i for i, k in enumerate(self.spec_list)}
        self.ns = max(len(self.spec_list), 1)
        # id(spec) -> its slot index (the specs live as long as ``owners``)
        self._spec_slot: dict[int, int] = {id(spec): self.spec_idx[(o, f)] for o, owner in owners.items() for f, spec in owner.specs.items()}
        self._unit_by_text: dict[str, object] = {}  # raw unit text -> _find_unit's answer
        self.unit_names: list[str] = []
        self.unit_slot: dict[str, int] = {}
        self.cnt = bytearray()
        self.val = array("i")  # index into vals; -1: blank cell
        self.place = array("i")  # index into places
        self.row = array("i")
        # index into texts (0: ""); left empty without keep_text (a summary
        # never shows them: 8 bytes per slot, 77 MB at 100,000 units)
        self.ev = array("i")
        self.sc = array("i")
        self.vals: list[tuple] = []  # (value, raw text)
        self.places: list[tuple] = []  # (Positions, column)
        self._place_idx: dict[int, int] = {}
        self._place_keep: list = []
        self._pl_pos, self._pl_i = None, -1  # last Positions placed and its index
        # scorer texts: a few names, kept once each
        self.texts: list[str] = [""]
        self._text_idx: dict[str, int] = {"": 0}
        # evidence texts: mostly different from row to row (a URL, a
        # document number), so kept as UTF-8 one after another: entry i is
        # _ev_buf[_ev_end[i - 1]:_ev_end[i]], entry 0 is "".  As str objects
        # in a list and a dict they took ~50 MB per 10,000 units.
        self._ev_buf = bytearray()
        self._ev_end = array("q", [0])
        self._ev_idx: dict[str, int] = {}  # repeated evidence, while small
        self.extra: dict[int, list[Entry]] = {}
        self.blank_units: set[int] = set()
        # add_plain's state: (Positions, raw unit text, raw class text, unit,
        # slot base, the class's lane) of the last row whose unit part
        # ``add`` found clean.  A class's lane: item -> field -> (slot index,
        # spec id, {value text: value index}) for the fields that apply to
        # the class; the value texts are those ``_parse`` accepted.
        self._fast: tuple | None = None
        self._lanes: dict[str, dict] = {}
        self._lane_vals: dict[tuple, dict] = {}  # (spec id, class) -> {text: value index}

    # ---- compact storage

    def _unit_base(self, name: str) -> int:
        u = self.unit_slot.get(name)
        if u is None:
            u = self.unit_slot[name] = len(self.unit_names)
            self.unit_names.append(name)
            ns = self.ns
            self.cnt.extend(bytes(ns))
            zeros = array("i", bytes(4 * ns))
            self.val.extend(zeros)
            self.place.extend(zeros)
            self.row.extend(zeros)
            if self.keep_text:
                self.ev.extend(zeros)
                self.sc.extend(zeros)
        return u * self.ns

    def _text(self, text: str) -> int:
        if not text or not self.keep_text:
            return 0
        i = self._text_idx.get(text)
        if i is None:
            i = self._text_idx[text] = len(self.texts)
            self.texts.append(text)
        return i

    def _evidence(self, text: str) -> int:
        if not text or not self.keep_text:
            return 0
        i = self._ev_idx.get(text)
        if i is None:
            self._ev_buf += text.encode("utf-8", "surrogatepass")
            self._ev_end.append(len(self._ev_buf))
            i = len(self._ev_end) - 1
            if len(self._ev_idx) < 4096:
                self._ev_idx[text] = i
        return i

    def evidence_at(self, i: int) -> str:
        if i == 0:
            return ""
        return self._ev_buf[self._ev_end[i - 1]:self._ev_end[i]].decode("utf-8", "surrogatepass")

    def _place(self, row: RawRow) -> int:
        pos = row.pos
        if pos is self._pl_pos:
            return self._pl_i
        i = self._place_idx.get(id(pos))
        if i is None:
            i = self._place_idx[id(pos)] = len(self.places)
            self.places.append((pos, row.cols["value"]))
            self._place_keep.append(pos)  # keeps id() unique while in the dict
        self._pl_pos, self._pl_i = pos, i
        return i

    def source(self, slot: int) -> Source:
        pos, col = self.places[self.place[slot]]
        return pos.at(self.row[slot], col)

    def entry(self, slot: int) -> Entry:
        """The one entry kept in the arrays for ``slot``, as an object."""
        owner, field = self.spec_list[slot % self.ns]
        v = self.val[slot]
        value, raw = (None, "") if v < 0 else self.vals[v]
        return Entry(self.unit_names[slot // self.ns], owner, field, value, raw, self.source(slot), *self.texts_of(slot))

    def texts_of(self, slot: int) -> tuple[str, str]:
        """(evidence, scorer) kept for ``slot``; empty without keep_text."""
        if not self.keep_text:
            return "", ""
        return self.evidence_at(self.ev[slot]), self.texts[self.sc[slot]]

    def _store(self, unit: str, owner: str, field: str, vidx: int, row: RawRow, si: int | None = None) -> None:
        base = self._unit_base(unit)
        slot = base + (self.spec_idx[(owner, field)] if si is None else si)
        c = self.cnt[slot]
        if vidx < 0:
            self.blank_units.add(base // self.ns)
        if c == 0:
            self.cnt[slot] = 1
            self.val[slot] = vidx
            self.place[slot] = self._place(row)
            self.row[slot] = row.r
            if self.keep_text:
                self.ev[slot] = self._evidence(row.evidence)
                self.sc[slot] = self._text(row.scorer)
            return
        group = self.extra.get(slot)
        if group is None:
            group = self.extra[slot] = [self.entry(slot)]
        value, raw = (None, "") if vidx < 0 else self.vals[vidx]
        group.append(Entry(unit, owner, field, value, raw, row.value_src, row.evidence if self.keep_text else "", row.scorer if self.keep_text else ""))
        self.cnt[slot] = min(c + 1, 255)

    # ---- checking

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
        """(value, err, display text, value index) for a non-blank cell, cached."""
        key = (id(spec), cls, type(raw), raw if not isinstance(raw, Decimal) else str(raw))
        try:
            return self._value_cache[key]
        except KeyError:
            pass
        except TypeError:
            value, err = parse_value(spec.field, cls, raw)
            self.vals.append((value, display(raw)))
            return value, err, display(raw), len(self.vals) - 1
        value, err = parse_value(spec.field, cls, raw)
        text = display(raw)
        vidx = -1
        if err is None:
            vidx = len(self.vals)
            self.vals.append((value, text))
        out = self._value_cache[key] = (value, err, text, vidx)
        if err is None and key[2] is str:
            self._lane_vals.setdefault((key[0], cls), {})[raw] = vidx
        return out

    def add(self, row: RawRow) -> None:
        self._fast = None
        ru = row.unit
        if ru.__class__ is str:
            unit = self._unit_by_text.get(ru, _NO)
            if unit is _NO:
                unit = self._unit_by_text[ru] = self._find_unit(ru)
        else:
            unit = self._find_unit(ru)
        if unit is None:
            raw = display(row.unit).strip()
            src = row.unit_src
            self._unit_problem((row.file, src.sheet, "unknown", norm_name(raw)), src, "unknown-unit", f"unknown unit \"{raw}\"; not a name or alias in {self.units.loaded.path}")
            return
        if unit.cls not in self.rs.classes:
            self._unit_problem((row.file, "wrong", unit.name), row.unit_src, "wrong-class", f"unit {unit.name} is class {unit.cls}, which rules {self.rs.id} do not score (classes: {', '.join(self.rs.classes)})")
            return
        # cls_src last: with lazy positions it is built only for a mismatch;
        # the usual case (the class as written in the units file) is one compare
        rc = row.cls
        clean = True
        if rc is not None and not (type(rc) is str and rc == unit.cls) and not is_blank(rc) and display(rc).strip() != unit.cls:
            cls_src = row.cls_src
            if cls_src is not None:
                clean = False  # every such row counts in the message: no fast lane
                self._unit_problem((row.file, "recorded", unit.name), cls_src, "wrong-class", f"unit {unit.name} is class {unit.cls} in the units file, but this sheet says \"{display(row.cls).strip()}\"; make a new template")
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
        if clean and ru.__class__ is str and (rc is None or rc.__class__ is str):
            lane = self._lanes.get(unit.cls)
            if lane is None:
                lane = self._lanes[unit.cls] = self._lane_for(unit.cls)
            self._fast = (pos, ru, rc, unit, self.unit_slot[name] * self.ns, lane)
        owner = self.owners.get(row.item)
        if owner is None:
            self.problems.append(problem_at(row.item_src, "unknown-item", f"unknown item \"{row.item}\" in rules {self.rs.id}"))
            return
        spec = owner.specs.get(row.field)
        if spec is None:
            self.problems.append(problem_at(row.field_src, "unknown-field", f"unknown field \"{row.field}\" of {row.item} (fields: {', '.join(owner.specs) or 'none'})"))
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
            blank = is_blank(v)
        if unit.cls not in owner.classes:
            if not blank:
                self.problems.append(problem_at(row.value_src, "not-applicable", f"{row.item} does not apply to class {unit.cls} ({unit.name}); leave it empty, got \"{display(row.value)}\""))
            return
        if row.flagged:
            self.bad_keys.add((name, row.item, row.field))  # formula / error value: already reported where it was read
            return
        if blank:
            self._store(name, row.item, row.field, -1, row)
            return
        hit = self._value_cache.get((id(spec), unit.cls, str, v)) if v.__class__ is str else None
        value, err, raw_text, vidx = hit if hit is not None else self._parse(spec, unit.cls, v)
        if err is not None:
            self.bad_keys.add((name, row.item, row.field))
            code, message = err
            self.problems.append(problem_at(row.value_src, code, message))
            return
        self._store(name, row.item, row.field, vidx, row, self._spec_slot[id(spec)])

    def add_plain(self, pos, r: int, ru, rc, item: str, field: str, v, evidence: str, scorer: str) -> bool:
        """The common row, decided with a few lookups: the same unit (raw
        text), class text and sheet as the row ``add`` saw last, a known item
        and field that apply to the class, a blank value or one already parsed
        without error, a slot not yet filled, and no formula or error value in
        the sheet (the caller's side).  Stores it exactly as ``add`` would and
        returns True; returns False, touching nothing, for anything else --
        the caller then builds a RawRow and calls ``add``, which decides (and
        reports) in full.  Arguments are what a RawRow would hold."""
        st = self._fast
        if st is None or st[0] is not pos or st[1] != ru or st[2] != rc or pos is not self._pl_pos:
            return False
        fields = st[5].get(item)
        if fields is None:
            return False  # unknown, or not for this class: add() says which
        hit = fields.get(field)
        if hit is None:
            return False
        si, sid, texts = hit
        slot = st[4] + si
        if self.cnt[slot]:
            return False  # given before: merge needs the full entries
        if v is None:
            vidx = -1
            self.blank_units.add(st[4] // self.ns)
        elif v.__class__ is str:
            vidx = texts.get(v, -1)
            if vidx < 0:
                return False  # not parsed yet, blank-looking, or an error
        else:
            t = v.__class__
            # only ``_parse`` fills the cache, and only for non-blank values
            got = self._value_cache.get((sid, st[3].cls, t, v if t is not Decimal else str(v)))
            if got is None or got[1] is not None:
                return False
            vidx = got[3]
        self.cnt[slot] = 1
        self.val[slot] = vidx
        self.place[slot] = self._pl_i
        self.row[slot] = r
        if self.keep_text:
            self.ev[slot] = self._evidence(evidence)
            self.sc[slot] = self._text(scorer)
        return True

    def _lane_for(self, cls: str) -> dict:
        lane: dict[str, dict] = {}
        for o, owner in self.owners.items():
            if cls not in owner.classes:
                continue
            lane[o] = {f: (self._spec_slot[id(spec)], id(spec), self._lane_vals.setdefault((id(spec), cls), {})) for f, spec in owner.specs.items()}
        return lane

    def expected_text(self, owner: str, field: str, cls: str) -> str:
        return allowed_text(self.owners[owner].specs[field].field, cls)
