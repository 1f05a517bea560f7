"""The memo of the scorer (``engine/scorer.py``): memo key parts for values,
and what a group and an item contribute to a unit, remembered by key.

Keys keep kinds apart exactly:

* a value as read is its code in the store (see ``store.CodeRows``);
* any other value (adjusted, blank, from a plain mapping of Observations) is
  ``(type, value)``, Decimals by their text, and None for no value (``tag``);
* a value other than yes/no read only by comparisons (``le: 2020-03-31``)
  stands for the tuple of their results (``class_of``): 365 dates make two
  keys, not 365.

Memos belong to one ObservationSet; each dictionary holds at most ``CAP``
entries and all of a set's together at most ``BUDGET`` (a few MB): past that,
units are still scored exactly, just without remembering more.
"""

from __future__ import annotations

from decimal import Decimal

from ..exact import ZERO, fmt
from ..i18n import _
from .compiled import ClassPlan, GroupPlan
from .conditions.field_test import compare
from .conditions.node import TRUTH

CAP = 1 << 11  # entries per memo dictionary
BUDGET = 1 << 16  # entries in all the memos of one set and ``missing`` state


def has_room(memo: dict) -> bool:
    return len(memo) < CAP


def tag(v):
    """A memo key part for a value that has no code: kinds apart (True, 1,
    Decimal('1')), Decimals and floats by their text."""
    if v is None:
        return None
    t = type(v)
    if isinstance(v, (Decimal, float)):
        return (t, repr(v))
    try:
        hash(v)
    except TypeError:
        return object()  # equal to nothing: never a memo hit
    return (t, v)


def class_of(v, tests: tuple, key):
    """A value's class for a memo key: None for no value, else the results
    of the tests it is read for (``key``, its own key, when a test raises:
    the item is then evaluated, and raises, as it would without a memo)."""
    if v is None:
        return None
    try:
        return tuple([v is True if t is TRUTH else compare(v, t[0], t[1]) for t in tests])
    except Exception:  # noqa: BLE001 - re-raised by the evaluation itself
        return key


class ItemOut:
    """An item's outcome in a unit: N/A, or its score and completeness.
    Interned per item (equal outcomes are one object), so a tuple of them is
    an exact memo key that hashes by identity."""

    __slots__ = ("na", "score", "ok", "raw")

    def __init__(self, na: bool, score: Decimal | None, ok: bool, raw: Decimal | None = None) -> None:
        self.na, self.score, self.ok, self.raw = na, score, ok, raw


class GroupOut:
    """What a group adds to a unit.  ``plain``: nothing but ``total`` (no
    notes, complete, no N/A item, no relief, at least one item scored)."""

    __slots__ = ("total", "plain", "complete", "notes", "na", "relief", "scored")

    def __init__(self, total, complete, notes, na, relief, scored):
        self.total, self.complete, self.notes, self.na, self.relief, self.scored = total, complete, notes, na, relief, scored
        self.plain = complete and not notes and not na and relief is None and bool(scored)


def group_out(gp: GroupPlan, voided: bool, void_note: str | None, outs: list[ItemOut]) -> GroupOut:
    """A group's contribution from its items' outcomes."""
    notes: list[str] = []
    complete = True
    if void_note is not None:
        complete = False
        notes.append(void_note)
    total = ZERO
    gmax = ZERO
    na: list[Decimal] = []
    scored: list[tuple] = []
    for ip, o in zip(gp.items, outs):
        if o.na:
            if gp.base:
                na.append(ip.max)
            notes.append(ip.na_note)
            continue
        complete = complete and o.ok
        # what an N/A policy needs of the item (na_policy.ScoredItem)
        scored.append((ip.max, o.score, o.ok, o.raw, voided))
        total += o.score
        gmax += ip.max
    relief = None
    cap = gp.cap
    # a voided group scores 0: max_lost must not hand points back to it
    if cap is not None and not voided and gmax - total > cap:
        relief = gmax - cap - total
        notes.append(_("{group}: {lost} points lost, more than the group's limit of {cap}; {relief} given back").format(group=gp.name, lost=fmt(gmax - total, None), cap=fmt(cap, None), relief=fmt(relief, None)))
        total += relief
    return GroupOut(total, complete, tuple(notes), tuple(na), relief, tuple(scored))


class Memos:
    """The memo dictionaries of one class plan, one ObservationSet and one
    ``obs.missing`` state (it decides whether a complete-looking item
    re-checks its fields).

    groups: key gathered from the row -> GroupOut; by_items: (void key, the
    items' ItemOuts...) -> GroupOut, for groups whose values vary too much
    for the first but whose items' outcomes repeat; voids: void key ->
    (voided, note); items: per voided flag, item key -> ItemOut; outs: per
    item, the interned ItemOuts; vetoes: veto key -> outcome; explained: per
    voided flag, item key -> (the fields every unit with these values shares,
    the keys of its observations) or NOT_APPLICABLE, for the detail;
    explained_groups: group key -> (the explained entries of the group's
    scored items, the points of its items not applicable or None).
    """

    def __init__(self, plan: ClassPlan, obs_missing: bool) -> None:
        self.obs_missing = obs_missing
        self.keeps_raw = plan.keeps_raw
        self.room = BUDGET
        self.detail_room = BUDGET
        # the group memo of the detail has its own: a group whose values
        # rarely repeat must not use up the room of the item memos it sits on
        self.group_detail_room = BUDGET
        self.groups: list[dict] = [{} for _ in plan.groups]
        self.by_items: list[dict] = [{} for _ in plan.groups]
        self.voids: list[dict] = [{} for _ in plan.groups]
        self.items: list[tuple[dict, dict]] = [({}, {}) for _ in plan.items]
        self.outs: list[dict] = [{} for _ in plan.items]
        self.vetoes: list[dict] = [{} for _ in plan.vetoes]
        self.explained: list[tuple[dict, dict]] = [({}, {}) for _ in plan.items]
        self.explained_groups: list[dict] = [{} for _ in plan.groups]
        # the scoring loop's view: [(section, [(group key, group memo, group)])]
        self.sections = [(sp, [(gp.key, self.groups[gp.i], gp) for gp in sp.groups]) for sp in plan.sections]

    def remember(self, memo: dict, key, value) -> None:
        if self.room > 0 and len(memo) < CAP:
            memo[key] = value
            self.room -= 1

    def remember_detail(self, memo: dict, key, value) -> None:
        if self.detail_room > 0 and len(memo) < CAP:
            memo[key] = value
            self.detail_room -= 1

    def remember_group_detail(self, memo: dict, key, value) -> None:
        if self.group_detail_room > 0 and len(memo) < CAP:
            memo[key] = value
            self.group_detail_room -= 1

    def intern(self, ip, out: tuple | None) -> ItemOut:
        # by the score's text: 0 and 0.00 sum to different texts; by the raw
        # score only when an N/A policy reads it (a spread adds to it)
        if out is None:
            key = None
        else:
            key = (str(out[0]), out[1], str(out[2])) if self.keeps_raw else (str(out[0]), out[1])
        table = self.outs[ip.i]
        o = table.get(key)
        if o is None:
            o = ItemOut(True, None, True) if out is None else ItemOut(False, out[0], out[1], out[2] if self.keeps_raw else None)
            self.remember(table, key, o)
        return o
