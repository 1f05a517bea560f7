"""The merged observations of one rule file, kept compact.

``CompactValues`` is the ``ObservationSet.values`` mapping built by
``merge``: (unit, owner, field) -> Observation, backed by the checker's
per-slot arrays.  An Observation (and its Source) is built only when it is
asked for; ``value_of`` gives the bare value without building anything, and
``code_rows`` the values of many fields of a unit at once as codes, which is
all scoring needs.  Assigning a key (an adjustment) keeps the new Observation
beside the arrays.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from operator import itemgetter

from .types import Observation


class CodeRows:
    """The values of fixed (owner, field) positions, unit by unit, as codes.

    A value as it was read is coded by its index in the checker's table of
    parsed values: one index is one (value, raw text) pair of one field for
    good, so equal codes mean identical values (True, 1 and Decimal('1')
    never share one).  Scoring keys its memo by them and looks a value up
    (``value``) only where the memo misses."""

    __slots__ = ("_c", "_status", "_over", "_idx", "_pick", "_ones")

    def __init__(self, store: "CompactValues", spec_indices: list[int]) -> None:
        c = store._c
        self._c, self._status, self._over = c, store._status, store._over
        self._idx = spec_indices
        self._ones = (1,) * len(spec_indices)
        if not spec_indices:
            self._pick = lambda seq: ()
        elif len(spec_indices) == 1:
            (i,) = spec_indices
            self._pick = lambda seq: (seq[i],)
        else:
            self._pick = itemgetter(*spec_indices)

    def codes(self, unit: str) -> tuple[tuple, list | None] | None:
        """None when the unit is not in the store; else (codes, values):
        ``codes[j]`` is the value index when position j holds its value as
        read, else None; ``values`` is None when every position holds its
        value as read, else a list holding, at the positions coded None, the
        value (a blank: None; an adjusted value: the new one)."""
        c = self._c
        u = c.unit_slot.get(unit)
        if u is None:
            return None
        ns = c.ns
        base = u * ns
        pick = self._pick
        status = pick(self._status[base : base + ns])
        codes = pick(c.val[base : base + ns])
        if status == self._ones:
            return codes, None
        codes = list(codes)
        values: list = [None] * len(codes)
        over = self._over
        for j, st in enumerate(status):
            if st != 1:
                codes[j] = None
                if st == 2:
                    values[j] = over[base + self._idx[j]].value
        return tuple(codes), values

    def value(self, code: int):
        """The value a code stands for."""
        return self._c.vals[code][0]


class CompactValues(MutableMapping):
    __slots__ = ("_c", "_status", "_over", "_order", "_others")

    def __init__(self, checker, status: bytearray, overrides: dict, order: list) -> None:
        self._c = checker
        self._status = status  # per slot: 0 none, 1 from the arrays, 2 in overrides
        self._over = overrides
        self._order = order  # [(unit, [(spec, spec index)])] in set order
        self._others: dict = {}  # keys outside the slots (never from a reader)

    def _slot(self, key) -> int:
        c = self._c
        try:
            unit, owner, field = key
        except (TypeError, ValueError):
            return -1
        u = c.unit_slot.get(unit)
        i = c.spec_idx.get((owner, field))
        if u is None or i is None:
            return -1
        return u * c.ns + i

    def _build(self, slot: int) -> Observation:
        c = self._c
        owner, field = c.spec_list[slot % c.ns]
        value, raw = c.vals[c.val[slot]]
        evidence, scorer = c.texts_of(slot)
        return Observation(
            unit=c.unit_names[slot // c.ns], owner=owner, field=field, value=value, source=c.source(slot), raw=raw,
            evidence=evidence, scorer=scorer,
        )

    def __getitem__(self, key) -> Observation:
        slot = self._slot(key)
        if slot < 0:
            return self._others[key]
        st = self._status[slot]
        if st == 1:
            return self._build(slot)
        if st == 2:
            return self._over[slot]
        raise KeyError(key)

    def get(self, key, default=None):
        slot = self._slot(key)
        if slot < 0:
            return self._others.get(key, default)
        st = self._status[slot]
        if st == 1:
            return self._build(slot)
        if st == 2:
            return self._over[slot]
        return default

    def code_rows(self, keys: list[tuple[str, str]]) -> CodeRows | None:
        """A reader of these (owner, field) positions for any unit (None when
        some position is not one the checker stores)."""
        idx = [self._c.spec_idx.get(k) for k in keys]
        return None if None in idx else CodeRows(self, idx)

    def value_of(self, key):
        """The value for ``key``, or None (absent, or blank with --partial)."""
        slot = self._slot(key)
        if slot < 0:
            o = self._others.get(key)
            return None if o is None else o.value
        st = self._status[slot]
        if st == 1:
            c = self._c
            return c.vals[c.val[slot]][0]
        if st == 2:
            return self._over[slot].value
        return None

    def unit_texts(self, unit: str):
        """``texts_of`` of ``unit``'s (owner, field) keys, as a function of
        the keys, with the unit found once for all its items (a report of every
        unit's items asks item after item, 600,000 times for 10,000 units:
        the texts are read from the checker's arrays here, not through a
        call per key)."""
        c = self._c
        u = c.unit_slot.get(unit)
        if u is None:
            return lambda keys: [self.texts_of((unit, owner, field)) for owner, field in keys]
        base, spec_idx, status = u * c.ns, c.spec_idx, self._status
        slow = self.texts_of
        ev, sc, buf, ends, names = c.text_arrays()

        if ev is None or sc is None:  # texts not kept (a summary): nothing to gain
            return lambda keys: [slow((unit, *key)) for key in keys]

        def texts(keys) -> list[tuple[str, str] | None]:
            out = []
            for key in keys:
                i = spec_idx.get(key)
                if i is not None and status[base + i] == 1:
                    s = base + i
                    e = ev[s]
                    out.append((buf[ends[e - 1] : ends[e]].decode("utf-8", "surrogatepass") if e else "", names[sc[s]]))
                else:
                    out.append(slow((unit, *key)))
            return out

        return texts

    def texts_of(self, key) -> tuple[str, str] | None:
        """(evidence, scorer) for ``key`` without building its Observation
        (None: no value)."""
        slot = self._slot(key)
        if slot < 0:
            o = self._others.get(key)
            return None if o is None else (o.evidence, o.scorer)
        st = self._status[slot]
        if st == 1:
            return self._c.texts_of(slot)
        if st == 2:
            o = self._over[slot]
            return o.evidence, o.scorer
        return None

    def __contains__(self, key) -> bool:
        slot = self._slot(key)
        return key in self._others if slot < 0 else self._status[slot] != 0

    def __setitem__(self, key, obs: Observation) -> None:
        slot = self._slot(key)
        if slot < 0:
            self._others[key] = obs
            return
        self._over[slot] = obs
        self._status[slot] = 2

    def __delitem__(self, key) -> None:
        slot = self._slot(key)
        if slot < 0:
            del self._others[key]
            return
        if self._status[slot] == 0:
            raise KeyError(key)
        self._status[slot] = 0
        self._over.pop(slot, None)

    def __iter__(self):
        c = self._c
        status = self._status
        ns = c.ns
        for unit, specs in self._order:
            base = c.unit_slot[unit] * ns
            for spec, i in specs:
                if status[base + i]:
                    yield (unit, spec.owner, spec.field_id)
        yield from list(self._others)

    def __len__(self) -> int:
        return len(self._status) - self._status.count(0) + len(self._others)
