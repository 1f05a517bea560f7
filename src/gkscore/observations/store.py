"""The merged observations of one rule file, kept compact.

``CompactValues`` is the ``ObservationSet.values`` mapping built by
``merge``: (unit, owner, field) -> Observation, backed by the checker's
per-slot arrays.  An Observation (and its Source) is built only when it is
asked for; ``value_of`` gives the bare value without building anything, which
is all a summary score needs.  Assigning a key (an adjustment) keeps the new
Observation beside the arrays.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from .types import Observation


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
