"""Summary-mode item scoring (``keep_items=False``): the same figures as
``scoring.score_item``, without the Steps, reasons, texts and paths that only
item reports show.

Per rule set and class, each applicable item is compiled once into a list of
small closures over a unit's *row*: the values of the fields the items use,
read once per unit straight from the compact store (``observations/store``).
Every arithmetic step is the one ``score_item``/``_clause`` performs, in the
same order and with the same Decimal operations, so the results are identical
(``tests/test_perf_lean.py`` compares both paths).
"""

from __future__ import annotations

from decimal import Decimal

from .conditions import Missing, _compare, _first_comparison
from .exact import ZERO, clamp, div, mul, q
from .rules.model import AllOf, AnyOf, ClauseHolds, FieldTest, NotOf
from .rules.resolve import item_max, item_start, per_class

_HUNDRED = Decimal(100)


class LeanItem:
    """What a summary needs of one scored item."""

    __slots__ = ("section_id", "section", "section_kind", "max", "score", "lost", "complete")

    def __init__(self, section_id, section, section_kind, m, score, complete):
        self.section_id, self.section, self.section_kind = section_id, section, section_kind
        self.max, self.score, self.lost, self.complete = m, score, m - score, complete


class _Unsupported(Exception):
    pass


class Plan:
    """Compiled items of one rule set for one class.

    ``keys``: the (owner, field) pairs a unit's row holds, in row order.
    ``items``: per item id, (item, max, start, clauses, field positions,
    applies) where clauses is [(clause id, fn(row, held) -> (delta, applied))].
    """

    def __init__(self, rs, cls: str) -> None:
        self.keys: list[tuple[str, str]] = []
        self._pos: dict[tuple[str, str], int] = {}
        self.items: dict[int, tuple] = {}
        for section in rs.sections:
            for group in section.groups:
                for it in group.items:
                    m = item_max(it, cls)
                    if m is None:
                        continue
                    owner = it.id
                    clauses = [(c.id, self._clause(c, owner, cls)) for c in it.clauses]
                    fpos = [self._at(owner, f.id) for f in it.fields]
                    applies = self._cond(it.applies_if, owner) if it.applies_if is not None else None
                    self.items[id(it)] = (it, m, m if item_start(it) == "max" else ZERO, clauses, fpos, applies)

    def _at(self, owner: str, field: str) -> int:
        key = (owner, field)
        i = self._pos.get(key)
        if i is None:
            i = self._pos[key] = len(self.keys)
            self.keys.append(key)
        return i

    def _getter(self, owner: str, field: str):
        i = self._at(owner, field)

        def get(row):
            v = row[i]
            if v is None:
                raise Missing(field)
            return v

        return get

    def _cond(self, cond, owner: str):
        """fn(row, held) -> bool, evaluating every part like ``holds``."""
        if isinstance(cond, FieldTest):
            get = self._getter(owner, cond.field)
            first = _first_comparison(cond)
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


class RowReader:
    """Builds a unit's row (values of a plan's keys, None when absent) from an
    ObservationSet, from the compact store's arrays when it has them."""

    def __init__(self, obs, plan: Plan) -> None:
        from .observations.store import CompactValues

        self.obs, self.keys = obs, plan.keys
        self.values = values = obs.values  # the mapping read (rebuilt if replaced)
        self.compact = type(values) is CompactValues
        if self.compact:
            c = values._c
            self._c, self._status, self._over = c, values._status, values._over
            self._idx = [c.spec_idx.get(k) for k in plan.keys]

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


def score_item_lean(precision: int, compiled: tuple, row: list, obs_missing: bool, voided: bool, section, applies_done=None) -> LeanItem:
    """``score_item`` for a summary: the same score, max and completeness."""
    _it, m, start, clauses, fpos, _applies = compiled
    held: dict[str, bool] = {}
    complete = True
    total = ZERO
    for cid, fn in clauses:
        try:
            delta, applied = fn(row, held)
        except Missing:
            complete = False
            total = total + ZERO
            continue
        if cid:
            held[cid] = applied
        total = total + delta
    raw = start + total
    score = q(clamp(raw, ZERO, m), precision)
    if not complete or obs_missing:
        for j in fpos:
            if row[j] is None:
                complete = False
                break
    if voided:
        score = ZERO
        complete = True
    elif not complete:
        score = ZERO
    return LeanItem(section.id, section.name, section.kind, m, score, complete)
