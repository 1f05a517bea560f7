"""Summary-mode scoring (``keep_items=False``): the same figures as
``scoring.score_unit``, without the Steps, reasons, texts and paths that only
item reports show.

Each unit is scored from a rule set's per-class Plan (``scoring_plan``): small
closures over the unit's *row*, the values of the fields the items, group
void conditions and vetoes use, read once per unit straight from the compact
store (``observations/store``) by a RowReader.  The figures are identical to
the full path's (``tests/test_perf_lean.py`` and ``tests/test_lean_memo.py``
compare both paths).

Memo.  What a group contributes to a unit (its subtotal, notes, completeness,
N/A points, max_lost relief) is a pure function of the values of the fields
its void condition and items read, so it is computed once per distinct tuple
of those values and looked up for every other unit.  Real tables repeat the
same few answers (是/否, small counts), so most units cost one key and one
dictionary look-up per group.  A group not seen yet is put together from its
items' outcomes, each memoised the same way by the values the item reads,
and then looked up by those outcomes (``Scorer._group``): five counts make
many tuples of values but few of scores.  Keys keep kinds apart exactly:

* from the compact store, a value is its index in the checker's table of
  parsed values (``vals``): one index is one (value, raw text) pair of one
  field, for good, so equal indices mean identical values (True, 1 and
  Decimal('1') never share one);
* otherwise (an adjusted value, a blank, a plain ``dict`` of Observations) a
  value is ``(type, value)``, Decimals by their text, like the reader's own
  caches, and None for no value (``scoring_plan._tag``);
* a date, number, count or choice read only by comparisons (``le:
  2020-03-31``, ``ge: 30``) stands for the tuple of their results
  (``Plan.classes``): 365 dates make two keys, not 365.

Memos belong to one ObservationSet (indices mean nothing elsewhere); each
dictionary holds at most ``_CAP`` entries and all of a set's together at
most ``_BUDGET`` (a few MB): past that, units are still scored exactly, just
without remembering more.
"""

from __future__ import annotations

from decimal import Decimal

from .conditions import Missing, holds
from .exact import ZERO, clamp, fmt, q
from .scoring_plan import GroupPlan, ItemPlan, Plan, VetoPlan, _class_of, _gather, _tag, plan_for

_CAP = 1 << 11  # entries per memo dictionary
_BUDGET = 1 << 16  # entries in all the memos of one set and ``missing`` state
_NOT_YET = object()


class LeanItem:
    """What the N/A redistribution needs of one scored item (see ``scoring._rescale``)."""

    __slots__ = ("section_id", "section", "section_kind", "max", "score", "lost", "complete")

    def __init__(self, section_id, section, section_kind, m, score, complete):
        self.section_id, self.section, self.section_kind = section_id, section, section_kind
        self.max, self.score, self.lost, self.complete = m, score, m - score, complete


class RowReader:
    """Builds a unit's row (values of a plan's keys, None when absent) from an
    ObservationSet, from the compact store's arrays when it has them, and the
    row's memo key (see the module docstring)."""

    def __init__(self, obs, plan: Plan) -> None:
        from .observations.store import CompactValues

        self.obs, self.keys = obs, plan.keys
        self.values = values = obs.values  # the mapping read (rebuilt if replaced)
        self.compact = type(values) is CompactValues
        self.fast = False
        if self.compact:
            c = values._c
            self._c, self._status, self._over = c, values._status, values._over
            self._idx = [c.spec_idx.get(k) for k in plan.keys]
            self.fast = None not in self._idx
            if self.fast:
                self.vals = c.vals  # (value, raw text) by value index
                self._pick = _gather(self._idx)
                self._ones = (1,) * len(self._idx)

    def key_row(self, unit: str) -> tuple[tuple, list | None, bool]:
        """(key row, value row or None, whether the value row is whole).

        Fields held in the store's arrays (status 1) are keyed by their value
        index and their values are read only where some memo misses
        (``Scorer._values``); the others (blank, adjusted) by ``_tag`` of the
        value, which the value row then already holds."""
        if self.fast:
            c = self._c
            u = c.unit_slot.get(unit)
            if u is not None:
                ns = c.ns
                base = u * ns
                pick = self._pick
                status = pick(self._status[base : base + ns])
                keys = pick(c.val[base : base + ns])
                if status == self._ones:
                    return keys, None, False
                return self._patch(base, status, keys)
        row = self.row(unit)
        return tuple([_tag(v) for v in row]), row, True

    def _patch(self, base: int, status: tuple, keys: tuple) -> tuple[tuple, list, bool]:
        """A row with some fields blank or adjusted (--partial, --adjust)."""
        keys = list(keys)
        row = [None] * len(keys)
        over = self._over
        for j, st in enumerate(status):
            if st != 1:
                v = over[base + self._idx[j]].value if st == 2 else None
                keys[j], row[j] = _tag(v), v
        return tuple(keys), row, False

    def value_of(self, r: int):
        """The value of a value index."""
        return self.vals[r][0]

    def row(self, unit: str) -> list:
        obs = self.obs
        if self.compact:
            c = self._c
            u = c.unit_slot.get(unit)
            if u is not None and None not in self._idx:
                base = u * c.ns
                status, over, val, vals = self._status, self._over, c.val, c.vals
                out = []
                append = out.append
                for i in self._idx:
                    s = base + i
                    st = status[s]
                    if st == 1:
                        append(vals[val[s]][0])
                    elif st == 2:
                        append(over[s].value)
                    else:
                        append(None)
                return out
        return [obs.value(unit, owner, field) for owner, field in self.keys]


def _evaluate(ip: ItemPlan, precision: int, row: list, obs_missing: bool, voided: bool) -> tuple[Decimal, bool]:
    """``score_item`` for a summary: (score, complete)."""
    held: dict[str, bool] = {}
    complete = True
    total = ZERO
    for cid, fn in ip.clauses:
        try:
            delta, applied = fn(row, held)
        except Missing:
            complete = False
            total = total + ZERO
            continue
        if cid:
            held[cid] = applied
        total = total + delta
    raw = ip.start + total
    score = q(clamp(raw, ZERO, ip.max), precision)
    if not complete or obs_missing:
        for j in ip.fpos:
            if row[j] is None:
                complete = False
                break
    if voided:
        score = ZERO
        complete = True
    elif not complete:
        score = ZERO
    return score, complete


class ItemOut:
    """An item's outcome in a unit: N/A, or its score and completeness.
    Interned per item (equal outcomes are one object), so a tuple of them is
    an exact memo key that hashes by identity."""

    __slots__ = ("na", "score", "ok")

    def __init__(self, na: bool, score: Decimal | None, ok: bool) -> None:
        self.na, self.score, self.ok = na, score, ok


def _item_out(ip: ItemPlan, precision: int, row: list, obs_missing: bool, voided: bool) -> tuple:
    """(score, complete), or None when the item's applies_if is false; an
    unanswered applies_if scores the item and leaves it incomplete."""
    known = True
    if ip.applies is not None:
        try:
            applies = ip.applies(row, {})
        except Missing:
            applies, known = True, False
        if not applies:
            return None
    score, complete = _evaluate(ip, precision, row, obs_missing, voided)
    return score, complete and known


class _RowGet:
    """``scoring._Obs`` (keep=False) over a row: a field's value, or Missing
    (each missing field recorded once, in the order met)."""

    __slots__ = ("row", "pos", "missing")

    def __init__(self, row: list, pos: dict[str, int]) -> None:
        self.row, self.pos, self.missing = row, pos, []

    def __call__(self, field: str):
        v = self.row[self.pos[field]]
        if v is None:
            if field not in self.missing:
                self.missing.append(field)
            raise Missing(field)
        return v


def _void_out(gp: GroupPlan, row: list) -> tuple[bool, str | None]:
    """(voided, note): the group's void_if, as ``score_unit`` evaluates it."""
    g = _RowGet(row, gp.void_pos)
    try:
        return bool(holds(gp.void, g)), None
    except Missing:
        return False, f"{gp.name}: 未填写 {', '.join(g.missing)},无法判断是否整组不得分"


def _veto_out(vp: VetoPlan, row: list):
    """True/False, or the names of the unanswered fields."""
    g = _RowGet(row, vp.pos)
    try:
        return holds(vp.veto.when, g)
    except Missing:
        return tuple(g.missing)


class GroupOut:
    """What a group adds to a unit.  ``plain``: nothing but ``total`` (no
    notes, complete, no N/A item, no relief, at least one item scored)."""

    __slots__ = ("total", "plain", "complete", "notes", "na", "relief", "scored")

    def __init__(self, total, complete, notes, na, relief, scored):
        self.total, self.complete, self.notes, self.na, self.relief, self.scored = total, complete, notes, na, relief, scored
        self.plain = complete and not notes and not na and relief is None and bool(scored)


def _group_of(gp: GroupPlan, voided: bool, void_note: str | None, outs: list[ItemOut]) -> GroupOut:
    """The group part of ``score_unit``'s loop, from its items' outcomes."""
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
        scored.append((ip.max, o.score, o.ok))
        total += o.score
        gmax += ip.max
    relief = None
    cap = gp.cap
    # a voided group scores 0: max_lost must not hand points back to it
    if cap is not None and not voided and gmax - total > cap:
        relief = gmax - cap - total
        notes.append(f"{gp.name}: 失分 {fmt(gmax - total, None)} 超过组内扣分上限 {fmt(cap, None)},返还 {fmt(relief, None)}")
        total += relief
    return GroupOut(total, complete, tuple(notes), tuple(na), relief, tuple(scored))


def _remember(memo: dict, key, value) -> None:
    if len(memo) < _CAP:
        memo[key] = value


class _Memos:
    """The memo dictionaries of one ObservationSet and one ``obs.missing``
    state (it decides whether a complete-looking item re-checks its fields).

    groups: key gathered from the row -> GroupOut; by_items: (void key, the
    items' ItemOuts...) -> GroupOut, for groups whose values vary too much
    for the first (many counts) but whose items' outcomes repeat; voids:
    void key -> (voided, note); items: per voided flag, item key -> ItemOut;
    outs: per item, the interned ItemOuts.
    """

    def __init__(self, plan: Plan, obs_missing: bool) -> None:
        self.obs_missing = obs_missing
        self.room = _BUDGET
        self.groups: list[dict] = [{} for _ in plan.groups]
        self.by_items: list[dict] = [{} for _ in plan.groups]
        self.voids: list[dict] = [{} for _ in plan.groups]
        self.items: list[tuple[dict, dict]] = [({}, {}) for _ in plan.items]
        self.outs: list[dict] = [{} for _ in plan.items]
        self.vetoes: list[dict] = [{} for _ in plan.vetoes]
        # the scoring loop's view: [(section, [(group key, group memo, group)])]
        self.sections = [(sp, [(gp.key, self.groups[gp.i], gp) for gp in sp.groups]) for sp in plan.sections]

    def remember(self, memo: dict, key, value) -> None:
        if self.room > 0 and len(memo) < _CAP:
            memo[key] = value
            self.room -= 1

    def intern(self, ip: ItemPlan, out: tuple | None) -> ItemOut:
        # by the score's text: 0 and 0.00 sum to different texts
        key = None if out is None else (str(out[0]), out[1])
        table = self.outs[ip.i]
        o = table.get(key)
        if o is None:
            o = ItemOut(True, None, True) if out is None else ItemOut(False, out[0], out[1])
            self.remember(table, key, o)
        return o


class Scorer:
    """Summary scoring of the units of one ObservationSet of one class."""

    def __init__(self, obs, plan: Plan) -> None:
        self.obs, self.plan = obs, plan
        self.reader = RowReader(obs, plan)
        self._memos: dict[bool, _Memos] = {}
        # (position, tests, memo: value key -> class) for Plan.classes
        self._classes = [(i, tests, {}) for i, tests in plan.classes]
        # the unit being scored: its value keys and (built on a memo miss) values
        self._raw: tuple = ()
        self._row: list | None = None
        self._full = False  # the row holds every value (not built from indices)

    def _classify(self, raw: tuple, row: list | None) -> tuple:
        """The memo key row: ``raw`` with each Plan.classes position's value
        key replaced by the value's test results."""
        k = list(raw)
        for i, tests, memo in self._classes:
            r = raw[i]
            c = memo.get(r, _NOT_YET)
            if c is _NOT_YET:
                c = _class_of(self.reader.value_of(r) if r.__class__ is int else row[i], tests, r)
                _remember(memo, r, c)
            k[i] = c
        return tuple(k)

    def _values(self, positions) -> list:
        """The unit's value row, with at least ``positions`` filled: from the
        value indices, only where a memo missed (most units need a few
        values or none)."""
        row = self._row
        if self._full:
            return row
        if row is None:
            row = self._row = [None] * len(self._raw)
        raw, vals = self._raw, self.reader.vals
        for i in positions:
            k = raw[i]
            if k.__class__ is int:  # else a tagged value, already in the row
                row[i] = vals[k][0]
        return row

    def _memos_for(self, obs_missing: bool) -> _Memos:
        m = self._memos.get(obs_missing)
        if m is None:
            m = self._memos[obs_missing] = _Memos(self.plan, obs_missing)
        return m

    def score(self, unit: str):
        from .scoring import _Acc, _finish

        plan = self.plan
        raw, row, full = self.reader.key_row(unit)
        self._raw, self._row, self._full = raw, row, full
        krow = self._classify(raw, row) if self._classes else raw
        memos = self._memos_for(bool(self.obs.missing))
        sections: dict[str, Decimal] = {}
        totals: dict[str, Decimal] = {}
        odd = None  # (section, GroupOut) of the groups that are not plain, in order
        outs = [] if plan.keeps_items else None
        for sp, groups in memos.sections:
            s = ZERO
            for gkey, memo, gp in groups:
                key = gkey(krow)
                o = memo.get(key)
                if o is None:
                    o = self._group(gp, krow, memos)
                    memos.remember(memo, key, o)
                if not o.plain:
                    if odd is None:
                        odd = []
                    odd.append((sp, o))
                if outs is not None:
                    outs.append((sp, o))
                s += o.total
            totals[sp.id] = s
            if sp.base:
                sections[sp.name] = s
        acc = _Acc([], sections, totals)
        base_names = plan.base_names if odd is None else _odd(plan, odd, acc)
        if outs is not None and acc.na_max > 0:
            acc.items = [LeanItem(sp.id, sp.name, sp.kind, m, score, ok) for sp, o in outs for m, score, ok in o.scored]
        vetoes = self._vetoes(krow, memos) if plan.vetoes else None
        return _finish(plan.rs, plan.cls, unit, acc, vetoes, False, base_names)

    def _group(self, gp: GroupPlan, krow: tuple, memos: _Memos) -> GroupOut:
        """A group the first memo has not seen: from its items' outcomes."""
        voided, note, vkey = False, None, ()
        if gp.void_key is not None:
            vkey = gp.void_key(krow)
            memo = memos.voids[gp.i]
            v = memo.get(vkey)
            if v is None:
                v = _void_out(gp, self._values(gp.void_pos.values()))
                memos.remember(memo, vkey, v)
            voided, note = v
        outs = [vkey]
        items = memos.items
        for ip in gp.items:
            memo = items[ip.i][voided]
            key = ip.key(krow)
            o = memo.get(key)
            if o is None:
                o = memos.intern(ip, _item_out(ip, self.plan.precision, self._values(ip.reads), memos.obs_missing, voided))
                memos.remember(memo, key, o)
            outs.append(o)
        key = tuple(outs)
        memo = memos.by_items[gp.i]
        g = memo.get(key)
        if g is None:
            g = _group_of(gp, voided, note, outs[1:])
            memos.remember(memo, key, g)
        return g

    def _vetoes(self, krow: tuple, memos: _Memos):
        plan = self.plan

        def outcome(i: int, veto):
            vp = plan.vetoes[i]
            key = vp.key(krow)
            memo = memos.vetoes[i]
            out = memo.get(key)
            if out is None:
                out = _veto_out(vp, self._values(vp.pos.values()))
                memos.remember(memo, key, out)
            return out

        return outcome


def _odd(plan: Plan, odd: list, acc) -> frozenset:
    """Fold the groups that are not plain into ``acc`` in the order
    ``score_unit`` meets them; returns UnitResult.base_sections."""
    empty: dict[int, int] = {}  # id(section plan) -> its groups without a scored item
    for sp, o in odd:
        acc.complete = acc.complete and o.complete
        acc.notes.extend(o.notes)
        for m in o.na:
            acc.na_max += m
            acc.na_by_section[sp.id] = acc.na_by_section.get(sp.id, ZERO) + m
        if o.relief is not None:
            acc.relief_by_section[sp.id] = acc.relief_by_section.get(sp.id, ZERO) + o.relief
        if not o.scored:
            empty[id(sp)] = empty.get(id(sp), 0) + 1
    if not empty:
        return plan.base_names
    return frozenset(sp.name for sp in plan.sections if sp.base and len(sp.groups) > empty.get(id(sp), 0))


_SCORERS: dict[tuple[int, str], tuple] = {}  # (id(obs), cls) -> (obs, plan, obs.values, Scorer)


def scorer_for(rs, cls: str, obs) -> Scorer | None:
    """The Scorer of ``obs`` for a class (None: score on the full path).  Only
    the set being scored keeps its Scorers (and memos)."""
    plan = plan_for(rs, cls)
    if plan is None:
        return None
    key = (id(obs), cls)
    hit = _SCORERS.get(key)
    if hit is not None and hit[0] is obs and hit[1] is plan and hit[2] is obs.values:
        return hit[3]
    if any(v[0] is not obs for v in _SCORERS.values()):
        _SCORERS.clear()
    scorer = Scorer(obs, plan)
    _SCORERS[key] = (obs, plan, obs.values, scorer)
    return scorer
