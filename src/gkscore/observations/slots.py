"""The compact store of checked values: one slot per (unit, field), units
numbered in first-seen order.  A slot given once (the usual case) costs a
few array entries, not objects; a slot given twice or more keeps full
``Entry`` objects in ``extra`` for merging.  ``RowChecker`` fills it."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from .raw import RawRow
from .spec import Owner
from .types import Source


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


class SlotStore:
    """The slots of one rule file's fields for every unit met."""

    def __init__(self, owners: dict[str, Owner], keep_evidence: bool = True, keep_scorer: bool = True) -> None:
        # evidence and scorer texts: a summary never shows them (8 bytes per
        # slot, 77 MB at 100,000 units); check shows the scorers only
        self.keep_evidence = keep_evidence
        self.keep_scorer = keep_scorer
        self.spec_list: list[tuple[str, str]] = [(o, f) for o, owner in owners.items() for f in owner.specs]
        self.spec_idx: dict[tuple[str, str], int] = {k: i for i, k in enumerate(self.spec_list)}
        self.ns = max(len(self.spec_list), 1)
        # id(spec) -> its slot index (the specs live as long as ``owners``)
        self._spec_slot: dict[int, int] = {id(spec): self.spec_idx[(o, f)] for o, owner in owners.items() for f, spec in owner.specs.items()}
        self.unit_names: list[str] = []
        self.unit_slot: dict[str, int] = {}
        self.cnt = bytearray()
        self.val = array("i")  # index into vals; -1: blank cell
        self.place = array("i")  # index into places
        self.row = array("i")
        # index into texts (0: ""); left empty when not kept
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
        # units whose slots merge must read one by one: a blank cell, or a
        # file taken back (``drop_file``)
        self.careful_units: set[int] = set()

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
            if self.keep_evidence:
                self.ev.extend(zeros)
            if self.keep_scorer:
                self.sc.extend(zeros)
        return u * self.ns

    def _text(self, text: str) -> int:
        if not text or not self.keep_scorer:
            return 0
        i = self._text_idx.get(text)
        if i is None:
            i = self._text_idx[text] = len(self.texts)
            self.texts.append(text)
        return i

    def _evidence(self, text: str) -> int:
        if not text or not self.keep_evidence:
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

    def text_arrays(self) -> tuple:
        """(evidence index per slot, scorer index per slot, evidence bytes,
        evidence ends, scorer names) for readers that decode many slots in a
        loop (``CompactValues.unit_texts``); an array not kept is None."""
        return (self.ev if self.keep_evidence else None, self.sc if self.keep_scorer else None,
                self._ev_buf, self._ev_end, self.texts)

    def texts_of(self, slot: int) -> tuple[str, str]:
        """(evidence, scorer) kept for ``slot``; empty when not kept."""
        return (self.evidence_at(self.ev[slot]) if self.keep_evidence else "",
                self.texts[self.sc[slot]] if self.keep_scorer else "")

    def _store(self, unit: str, owner: str, field: str, vidx: int, row: RawRow, si: int | None = None) -> None:
        base = self._unit_base(unit)
        slot = base + (self.spec_idx[(owner, field)] if si is None else si)
        c = self.cnt[slot]
        if vidx < 0:
            self.careful_units.add(base // self.ns)
        if c == 0:
            self.cnt[slot] = 1
            self.val[slot] = vidx
            self.place[slot] = self._place(row)
            self.row[slot] = row.r
            if self.keep_evidence:
                self.ev[slot] = self._evidence(row.evidence)
            if self.keep_scorer:
                self.sc[slot] = self._text(row.scorer)
            return
        group = self.extra.get(slot)
        if group is None:
            group = self.extra[slot] = [self.entry(slot)]
        value, raw = (None, "") if vidx < 0 else self.vals[vidx]
        group.append(Entry(unit, owner, field, value, raw, row.value_src, row.evidence if self.keep_evidence else "", row.scorer if self.keep_scorer else ""))
        self.cnt[slot] = min(c + 1, 255)

    # ---- checking

    def drop_slots(self, file: str) -> None:
        """Take back every value read from ``file``."""
        ns = self.ns
        mine = {i for i, (pos, _col) in enumerate(self.places) if pos.file == file}
        place, cnt = self.place, self.cnt
        for slot in range(len(cnt)):
            if cnt[slot] == 1 and slot not in self.extra and place[slot] in mine:
                cnt[slot] = 0
                self.careful_units.add(slot // ns)
        for slot, group in list(self.extra.items()):
            kept = [e for e in group if e.src.file != file]
            if len(kept) == len(group):
                continue
            self.careful_units.add(slot // ns)
            if kept:
                self.extra[slot] = kept
                cnt[slot] = min(len(kept), 255)
            else:
                del self.extra[slot]
                cnt[slot] = 0
        self._pl_pos, self._pl_i = None, -1

    def scorers(self, unit: str) -> list[str]:
        """The scorers named in the rows of ``unit`` (kept with keep_scorer)."""
        u = self.unit_slot.get(unit)
        if u is None or not self.keep_scorer:
            return []
        ns = self.ns
        names = {self.texts[self.sc[slot]] for slot in range(u * ns, u * ns + ns) if self.cnt[slot] and slot not in self.extra}
        for slot in range(u * ns, u * ns + ns):
            for e in self.extra.get(slot, ()):
                names.add(e.scorer)
        names.discard("")
        return sorted(names)
