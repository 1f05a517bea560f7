"""Summary-mode scoring (``keep_items=False``): the same figures as
``scoring.score_unit``, without the Steps, reasons, texts and paths that only
item reports show.

Per rule set and class, each applicable item is compiled once into a list of
small closures over a unit's *row*: the values of the fields the items, group
void conditions and vetoes use, read once per unit straight from the compact
store (``observations/store``).  Every arithmetic step is the one
``score_item``/``_clause`` performs, in the same order and with the same
Decimal operations, so the results are identical (``tests/test_perf_lean.py``
and ``tests/test_lean_memo.py`` compare both paths).

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
  caches, and None for no value;
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
from operator import itemgetter

from .conditions import Missing, _compare, _first_comparison, describe, holds
from .exact import ZERO, clamp, div, fmt, mul, q
from .rules.model import AllOf, AnyOf, ClauseHolds, FieldTest, NotOf
from .rules.resolve import item_max, item_start, per_class

_HUNDRED = Decimal(100)
_CAP = 1 << 11  # entries per memo dictionary
_BUDGET = 1 << 16  # entries in all the memos of one set and ``missing`` state
_TRUTH = ("is", True)  # the test of a bare {field: x}: value is True
_NOT_YET = object()


class LeanItem:
    """What the N/A redistribution needs of one scored item (see ``scoring._rescale``)."""

    __slots__ = ("section_id", "section", "section_kind", "max", "score", "lost", "complete")

    def __init__(self, section_id, section, section_kind, m, score, complete):
        self.section_id, self.section, self.section_kind = section_id, section, section_kind
        self.max, self.score, self.lost, self.complete = m, score, m - score, complete


class _Unsupported(Exception):
    pass


def _gather(positions):
    """fn(seq) -> tuple of seq[p] for p in positions (itemgetter gives a bare
    value for one position; a memo key is always a tuple)."""
    positions = tuple(positions)
    if not positions:
        return lambda seq: ()
    if len(positions) == 1:
        (p,) = positions
        return lambda seq: (seq[p],)
    return itemgetter(*positions)


class ItemPlan:
    """One applicable item, compiled: ``clauses`` is [(clause id, fn(row, held)
    -> (delta, applied))]; ``reads`` every row position its clauses, fields and
    applies_if read (the item's memo key)."""

    __slots__ = ("i", "item", "max", "start", "clauses", "fpos", "applies", "reads", "key", "na_note")

    def __init__(self, i, item, m, start, clauses, fpos, applies, reads):
        self.i, self.item, self.max, self.start = i, item, m, start
        self.clauses, self.fpos, self.applies = clauses, fpos, applies
        self.reads = tuple(sorted(reads))
        self.key = _gather(self.reads)
        self.na_note = f"{item.id}: 不适用 ({describe(item.applies_if)} 不成立)" if item.applies_if is not None else ""


class GroupPlan:
    """A group with at least one applicable item; ``key`` gathers every
    position its void condition and items read."""

    __slots__ = ("i", "group", "name", "base", "items", "void", "void_pos", "void_key", "cap", "key")

    def __init__(self, i, group, base, items, void_pos, cap):
        self.i, self.group, self.name, self.base = i, group, group.name, base
        self.items, self.void, self.void_pos, self.cap = items, group.void_if, void_pos, cap
        reads = set(void_pos.values()) if void_pos else set()
        self.void_key = _gather(sorted(reads)) if void_pos is not None else None
        for ip in items:
            reads.update(ip.reads)
        self.key = _gather(sorted(reads))


class SectionPlan:
    __slots__ = ("section", "id", "name", "kind", "base", "groups")

    def __init__(self, section, groups):
        self.section, self.id, self.name, self.kind = section, section.id, section.name, section.kind
        self.base = section.kind == "base"
        self.groups = groups


class VetoPlan:
    __slots__ = ("i", "veto", "pos", "key")

    def __init__(self, i, veto, pos):
        self.i, self.veto, self.pos = i, veto, pos
        self.key = _gather(sorted(set(pos.values())))


class Plan:
    """Compiled rule set for one class.

    ``keys``: the (owner, field) pairs a unit's row holds, in row order.
    ``sections``: SectionPlans (groups without applicable items left out, as
    ``score_unit`` skips them); ``items``/``groups``/``vetoes``: every
    ItemPlan/GroupPlan/VetoPlan by its index ``i`` (memo slots).
    """

    def __init__(self, rs, cls: str) -> None:
        self.rs, self.cls, self.precision = rs, cls, rs.precision
        self.keys: list[tuple[str, str]] = []
        self._pos: dict[tuple[str, str], int] = {}
        self._reads: set[int] | None = None  # positions read by what is being compiled
        self._tests: dict[int, dict] = {}  # position -> the FieldTest comparisons applied to it
        self._raw: set[int] = set()  # positions whose value itself is used
        self.items: list[ItemPlan] = []
        self.groups: list[GroupPlan] = []
        self.sections: list[SectionPlan] = []
        for section in rs.sections:
            groups = [g for g in (self._group(section, group, cls) for group in section.groups) if g is not None]
            self.sections.append(SectionPlan(section, groups))
        self.vetoes = [VetoPlan(i, v, self._fields_of(v.when, v.id)) for i, v in enumerate(rs.vetoes)]
        self.classes = self._classes(rs)
        # the names in UnitResult.base_sections when every group scores an item
        self.base_names = frozenset(sp.name for sp in self.sections if sp.base and sp.groups)
        self.keeps_items = rs.na_policy == "redistribute"  # only N/A redistribution needs the items

    def _group(self, section, group, cls: str) -> GroupPlan | None:
        items = [self._item(it, cls) for it in group.items if item_max(it, cls) is not None]
        if not items:
            return None
        void_pos = self._fields_of(group.void_if, group.id) if group.void_if is not None else None
        gp = GroupPlan(len(self.groups), group, section.kind == "base", items, void_pos, per_class(group.max_lost, cls))
        self.groups.append(gp)
        return gp

    def _item(self, it, cls: str) -> ItemPlan:
        m = item_max(it, cls)
        owner = it.id
        self._reads = reads = set()
        clauses = [(c.id, self._clause(c, owner, cls)) for c in it.clauses]
        fpos = [self._at(owner, f.id) for f in it.fields]
        applies = self._cond(it.applies_if, owner) if it.applies_if is not None else None
        self._reads = None
        ip = ItemPlan(len(self.items), it, m, m if item_start(it) == "max" else ZERO, clauses, fpos, applies, reads)
        self.items.append(ip)
        return ip

    def _fields_of(self, cond, owner: str) -> dict[str, int]:
        """field -> row position for every field a condition tests (evaluated
        with ``holds`` over the row, as ``_Obs`` would read them)."""
        out: dict[str, int] = {}
        stack = [cond]
        while stack:
            c = stack.pop()
            if isinstance(c, FieldTest):
                first = _first_comparison(c)
                out[c.field] = i = self._at(owner, c.field)
                self._use(i, _TRUTH if first is None else first)
            elif isinstance(c, AllOf):
                stack.extend(c.all)
            elif isinstance(c, AnyOf):
                stack.extend(c.any)
            elif isinstance(c, NotOf):
                stack.append(c.not_)
            elif not isinstance(c, ClauseHolds):
                raise _Unsupported(c)
        return out

    def _use(self, i: int, test) -> None:
        """Record how position ``i`` is used: only through FieldTests (their
        comparisons collected in ``_tests``) or as a value (``_raw``)."""
        if test is None:
            self._raw.add(i)
            return
        # duplicates by text and kind: ``eq: true`` and ``eq: 1`` are equal
        # tuples but different tests
        tests = self._tests.setdefault(i, {})
        tests.setdefault((test[0], type(test[1]), repr(test[1])), test)

    def _classes(self, rs) -> list[tuple[int, tuple]]:
        """(position, tests) of the non-yes/no fields read only through
        FieldTests: in a memo key such a value stands for its test results
        (a date for "on or before the deadline"), so that 365 dates make 2
        keys, not 365.  Yes/no fields have few values already."""
        from .rules.resolve import fields_index

        types = fields_index(rs)
        out = []
        for i, tests in sorted(self._tests.items()):
            owner, field = self.keys[i]
            f = types.get(owner, {}).get(field)
            if i not in self._raw and f is not None and f.type != "bool":
                out.append((i, tuple(tests.values())))
        return out

    def _at(self, owner: str, field: str) -> int:
        key = (owner, field)
        i = self._pos.get(key)
        if i is None:
            i = self._pos[key] = len(self.keys)
            self.keys.append(key)
        if self._reads is not None:
            self._reads.add(i)
        return i

    def _getter(self, owner: str, field: str, test=None):
        """fn(row) -> the field's value (Missing when None).  ``test``: the
        FieldTest comparison the value is read for (``_TRUTH``: ``is True``);
        None: the value itself is used (a count, a score, a choice...)."""
        i = self._at(owner, field)
        self._use(i, test)

        def get(row):
            v = row[i]
            if v is None:
                raise Missing(field)
            return v

        return get

    def _cond(self, cond, owner: str):
        """fn(row, held) -> bool, evaluating every part like ``holds``."""
        if isinstance(cond, FieldTest):
            first = _first_comparison(cond)
            get = self._getter(owner, cond.field, _TRUTH if first is None else first)
            if first is None:
                return lambda row, held: get(row) is True
            op, want = first
            return lambda row, held: _compare(get(row), op, want)
        if isinstance(cond, AllOf):
            parts = [self._cond(c, owner) for c in cond.all]
            return lambda row, held: all([p(row, held) for p in parts])
        if isinstance(cond, AnyOf):
            parts = [self._cond(c, owner) for c in cond.any]
            return lambda row, held: any([p(row, held) for p in parts])
        if isinstance(cond, NotOf):
            inner = self._cond(cond.not_, owner)
            return lambda row, held: not inner(row, held)
        if isinstance(cond, ClauseHolds):
            cid = cond.clause
            return lambda row, held: bool(held.get(cid, False))
        raise _Unsupported(cond)

    def _clause(self, clause, owner: str, cls: str):
        body = self._body(clause, owner, cls)
        if clause.only_if is None:
            return body
        only = self._cond(clause.only_if, owner)

        def fn(row, held):
            if not only(row, held):
                return ZERO, False
            return body(row, held)

        return fn

    def _body(self, clause, owner: str, cls: str):
        kind = clause.kind

        def points(value):
            p = per_class(value, cls)
            if p is None:
                def fail():
                    raise ValueError("no points for class")
                return None, fail
            return p, None

        if kind in ("award", "deduct"):
            when = self._cond(clause.when, owner)
            p, fail = points(clause.points)
            plus = kind == "award"
            neg = None if p is None else (p if plus else -p)

            def fn(row, held):
                ok = when(row, held)
                if fail is not None:
                    fail()
                return (neg if ok else ZERO), ok

            return fn
        if kind == "deduct_each":
            get = self._getter(owner, clause.field)
            per, fail = points(clause.per)
            cap = per_class(clause.cap, cls) if clause.cap is not None else None

            def fn(row, held):
                n = get(row)
                if fail is not None:
                    fail()
                d = mul(per, Decimal(n))
                if cap is not None and d > cap:
                    d = cap
                return -d, d > 0

            return fn
        if kind == "sampled":
            get = self._getter(owner, clause.field)
            per, fail = points(clause.per)
            passed = clause.counts == "passed"
            sample = clause.sample

            def fn(row, held):
                n = get(row)
                if fail is not None:
                    fail()
                bad = sample - n if passed else n
                d = mul(per, Decimal(bad))
                return -d, d > 0

            return fn
        if kind == "coverage":
            gets = [self._getter(owner, f) for f in clause.fields]
            full = clause.full_at or len(clause.fields)
            p, fail = points(clause.points)
            all_mode = clause.mode == "all"
            dfull = Decimal(full)

            def fn(row, held):
                values = []
                missing = None
                for g in gets:
                    try:
                        values.append(g(row))
                    except Missing as exc:
                        missing = exc
                if missing is not None:
                    raise missing
                covered = sum(1 for v in values if v is True)
                if fail is not None:
                    fail()
                if all_mode:
                    delta = p if covered >= full else ZERO
                else:
                    delta = div(mul(p, Decimal(min(covered, full))), dfull)
                return delta, delta > 0

            return fn
        if kind == "judged":
            get = self._getter(owner, clause.field)

            def fn(row, held):
                v = get(row)
                return v, v > 0

            return fn
        if kind == "graded":
            get = self._getter(owner, clause.field)
            levels = clause.levels

            def fn(row, held):
                p = levels[get(row)]
                return p, p > 0

            return fn
        if kind == "percent":
            get = self._getter(owner, clause.field)
            p, fail = points(clause.points)

            def fn(row, held):
                v = get(row)
                if fail is not None:
                    fail()
                delta = div(mul(p, v), _HUNDRED)
                return delta, delta > 0

            return fn
        raise _Unsupported(kind)


_PLANS: dict[tuple[int, str], tuple] = {}


def plan_for(rs, cls: str) -> Plan | None:
    """The compiled plan (None: something this path does not handle; the
    caller then scores on the full path)."""
    key = (id(rs), cls)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is rs:
        return hit[1]
    try:
        plan = Plan(rs, cls)
    except _Unsupported:
        plan = None
    _PLANS[key] = (rs, plan)
    return plan


def _tag(v):
    """A memo key part for a value that has no index in the store's table:
    kinds apart (True, 1, Decimal('1')), Decimals and floats by their text."""
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


def _class_of(v, tests: tuple, r):
    """A value's class for a memo key: None for no value, else the results
    of the tests it is read for (``r``, its own key, when a test raises: the
    item is then evaluated, and raises, as it would without a memo)."""
    if v is None:
        return None
    try:
        return tuple([v is True if t is _TRUTH else _compare(v, t[0], t[1]) for t in tests])
    except Exception:  # noqa: BLE001 - re-raised by the evaluation itself
        return r


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
