"""Compiling a rule set into per-class plans for summary scoring
(``scoring_lean``).

Per rule set and class, each applicable item is compiled once into a list of
small closures over a unit's *row*: the values of the fields the items, group
void conditions and vetoes use, read once per unit straight from the compact
store (``observations/store``).  Every arithmetic step is the one
``score_item``/``_clause`` performs, in the same order and with the same
Decimal operations, so the results are identical (``tests/test_perf_lean.py``
and ``tests/test_lean_memo.py`` compare both paths).

A Plan also records which row positions are read only through comparisons
(``Plan.classes``), and ``_tag``/``_class_of`` turn values into memo key
parts; the memo itself, and how its keys keep kinds apart, is described in
``scoring_lean``.
"""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter

from .conditions import Missing, _compare, _first_comparison, describe
from .exact import ZERO, div, mul
from .rules.model import AllOf, AnyOf, ClauseHolds, FieldTest, NotOf
from .rules.resolve import item_max, item_start, per_class

_HUNDRED = Decimal(100)
_TRUTH = ("is", True)  # the test of a bare {field: x}: value is True


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
