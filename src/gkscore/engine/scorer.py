"""Scoring the units of one ObservationSet: the evaluator behind a memo.

A unit is read as one *row*: the values of the (owner, field) pairs its
class's plan numbers (``engine/compiled.py``), through the observation
store's code rows when it has them.  What a group contributes to a unit (its
subtotal, notes, completeness, N/A points, max_lost relief) depends only on
the values its void condition and items read, so it is computed once per
distinct tuple of those values and looked up for every other unit; a group
not seen yet is put together from its items' outcomes, each memoised the
same way.  Real tables repeat the same few answers, so most units cost one
key and one look-up per group.  An item's explanation (the detail) is
memoised by the same key, and the unit's own observations are attached to it
per unit.  How keys keep kinds apart, and how big the memos may grow:
``engine/memo.py``.
"""

from __future__ import annotations

from decimal import Decimal

from ..exact import ZERO
from ..rules.resolve import shown_max
from .compiled import ClassPlan, CompiledRules, GroupPlan
from .evaluate import NOT_APPLICABLE, FieldReader, item_outcome, veto_outcome, void_outcome
from .memo import GroupOut, Memos, class_of, group_out, has_room, tag
from .results import ItemResult, Observations, UnitDetail, UnitFigures, detail_of
from .na_policy import ScoredItem, detail_items
from .parts import part_figures, stopped_parts
from .totals import Tally, finish, grade_for
from .vetoes import stopped_figures, stopping_veto

_NOT_YET = object()


class ClassScorer:
    """The units of one class of one ObservationSet."""

    def __init__(self, obs, plan: ClassPlan) -> None:
        self.obs, self.plan = obs, plan
        self.values = obs.values  # the mapping the rows were read from
        self.code_rows = obs.code_rows(plan.keys)
        self.memos: dict[bool, Memos] = {}  # by whether the set has blank values
        # (position, tests, memo: value key -> class) for ClassPlan.classes
        self.value_classes = [(i, tests, {}) for i, tests in plan.classes]
        # the unit being scored: its value keys and (built on a memo miss) values
        self._raw: tuple = ()
        self._row: list | None = None
        self._full = False  # the row holds every value (not built from codes)

    # ------------------------------------------------------------- rows

    def _read(self, unit: str) -> tuple:
        """Read a unit's row; returns its memo key row."""
        coded = self.code_rows.codes(unit) if self.code_rows is not None else None
        if coded is None:
            row = [self.obs.value(unit, owner, field) for owner, field in self.plan.keys]
            raw, full = tuple([tag(v) for v in row]), True
        else:
            codes, row = coded
            full = False
            raw = codes if row is None else tuple([tag(row[j]) if c is None else c for j, c in enumerate(codes)])
        self._raw, self._row, self._full = raw, row, full
        return self._classify(raw, row) if self.value_classes else raw

    def _classify(self, raw: tuple, row: list | None) -> tuple:
        """The memo key row: ``raw`` with each ClassPlan.classes position's
        value key replaced by the value's test results."""
        k = list(raw)
        code_rows = self.code_rows
        for i, tests, memo in self.value_classes:
            r = raw[i]
            c = memo.get(r, _NOT_YET)
            if c is _NOT_YET:
                c = class_of(code_rows.value(r) if r.__class__ is int else row[i], tests, r)
                if has_room(memo):
                    memo[r] = c
            k[i] = c
        return tuple(k)

    def _values(self, positions) -> list:
        """The unit's value row, with at least ``positions`` filled: from the
        codes, only where a memo missed (most units need a few values or
        none)."""
        row = self._row
        if self._full:
            return row
        if row is None:
            row = self._row = [None] * len(self._raw)
        raw, value = self._raw, self.code_rows.value
        for i in positions:
            k = raw[i]
            if k.__class__ is int:  # else the value is in the row already
                row[i] = value(k)
        return row

    def _memos_for(self, obs_missing: bool) -> Memos:
        m = self.memos.get(obs_missing)
        if m is None:
            m = self.memos[obs_missing] = Memos(self.plan, obs_missing)
        return m

    # ---------------------------------------------------------- figures

    def figures(self, unit: str) -> UnitFigures:
        plan = self.plan
        krow = self._read(unit)
        memos = self._memos_for(bool(self.obs.missing))
        skip = frozenset()
        if plan.stops:
            outcome = self._vetoes(krow, memos)
            vp, notes = stopping_veto(plan, outcome)
            if vp is not None:
                return stopped_figures(plan, unit, vp, notes, grade_for)
            if plan.parts is not None:
                skip = stopped_parts(plan, outcome)  # parts a veto of their own stopped
        sections: dict[str, Decimal] = {}
        totals: dict[str, Decimal] = {}
        odd = None  # (section, GroupOut) of the groups that are not plain, in order
        outs = [] if plan.keeps_items else None
        for sp, groups in memos.sections:
            if skip and sp.id in skip:
                totals[sp.id] = ZERO
                continue
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
        tally = Tally([], sections, totals)
        base_names = plan.base_names if odd is None else _fold(plan, odd, tally)
        if outs is not None and tally.na_max > 0:
            tally.items = [ScoredItem(sp.id, sp.name, sp.kind, *scored) for sp, o in outs for scored in o.scored]
        vetoes = self._vetoes(krow, memos) if plan.vetoes else None
        if plan.parts is not None:  # a table made of parts
            return part_figures(plan, unit, tally, vetoes, base_names)
        return finish(plan, unit, tally, vetoes, base_names)

    def _void(self, gp: GroupPlan, krow: tuple, memos: Memos) -> tuple[tuple, bool, str | None]:
        """(void key, voided, note) of a group for the unit being scored."""
        if gp.void_key is None:
            return (), False, None
        vkey = gp.void_key(krow)
        memo = memos.voids[gp.i]
        v = memo.get(vkey)
        if v is None:
            v = void_outcome(gp, self._values(gp.void_pos.values()))
            memos.remember(memo, vkey, v)
        return (vkey, *v)

    def _group(self, gp: GroupPlan, krow: tuple, memos: Memos) -> GroupOut:
        """A group the first memo has not seen: from its items' outcomes."""
        vkey, voided, note = self._void(gp, krow, memos)
        voided_by = gp.voided_by if voided else None
        outs = [vkey]
        items = memos.items
        for ip in gp.items:
            memo = items[ip.i][voided]
            key = ip.key(krow)
            o = memo.get(key)
            if o is None:
                get = FieldReader(self._values(ip.reads), ip.pos)
                out = item_outcome(ip, get, voided_by, memos.obs_missing, False)
                if out is not NOT_APPLICABLE:
                    (score, complete, raw), known = out
                    out = (score, complete and known, raw)
                o = memos.intern(ip, out)
                memos.remember(memo, key, o)
            outs.append(o)
        key = tuple(outs)
        memo = memos.by_items[gp.i]
        g = memo.get(key)
        if g is None:
            g = group_out(gp, voided, note, outs[1:])
            memos.remember(memo, key, g)
        return g

    def _vetoes(self, krow: tuple, memos: Memos):
        plan = self.plan

        def outcome(i: int, veto):
            vp = plan.vetoes[i]
            key = vp.key(krow)
            memo = memos.vetoes[i]
            out = memo.get(key)
            if out is None:
                out = veto_outcome(vp, self._values(vp.pos.values()))
                memos.remember(memo, key, out)
            return out

        return outcome

    # ----------------------------------------------------------- detail

    def detail(self, figures: UnitFigures) -> UnitDetail:
        """``figures`` with the unit's items: each item's explanation from
        the memo (evaluated on a miss), its observations added."""
        entries, na_max, na_by_section = self._explained(figures.unit)
        _texts, item = item_maker(self.obs, figures.unit)
        items = [item(fields, keys) for fields, keys in entries]
        if self.plan.keeps_items and na_max > 0:
            detail_items(self.plan, items, na_max, na_by_section)
            for it in items:  # figures of this unit's own: nothing shown to share
                it.shown = None
        return detail_of(figures, items)

    def explained(self, figures: UnitFigures) -> list[tuple[dict, tuple]] | None:
        """The unit's items as ``detail`` makes them, before it makes them:
        (the fields every unit with the same explanation shares, the keys of
        the observations the item read) per item.  A report that shows each
        item's shared cells beside the unit's own evidence and scorers needs
        no more, and 100,000 units' items are 6,000,000 ItemResults it need
        not build.  None when the unit's items have figures of their own (an
        N/A policy scaled them): ask ``detail``."""
        entries, na_max, _by_section = self._explained(figures.unit)
        if self.plan.keeps_items and na_max > 0:
            return None
        return entries

    def _explained(self, unit: str) -> tuple[list[tuple[dict, tuple]], Decimal, dict[str, Decimal]]:
        """((fields, keys) of each scored item, the points of the items not
        applicable, the same by section id): each explanation from the memo,
        evaluated on a miss."""
        plan, obs = self.plan, self.obs
        krow = self._read(unit)
        memos = self._memos_for(bool(obs.missing))
        entries: list[tuple[dict, tuple]] = []
        na_max = ZERO
        na_by_section: dict[str, Decimal] = {}
        skip = stopped_parts(plan, self._vetoes(krow, memos)) if plan.parts is not None and plan.stops else frozenset()
        groups = memos.explained_groups
        for sp in plan.sections:
            if sp.id in skip:
                continue  # a veto of the part stopped scoring it
            for gp in sp.groups:
                # a group's items as a whole first: the group key holds every
                # position its void condition and items read, and most units
                # repeat another's values group by group (a lookup per group
                # instead of one per item: the most of a detail's walk)
                memo = groups[gp.i]
                gkey = gp.key(krow)
                got = memo.get(gkey)
                if got is None:
                    got = self._explained_group(sp, gp, krow, memos)
                    memos.remember_group_detail(memo, gkey, got)
                found, na = got
                entries += found
                if na is not None:
                    na_max += na
                    na_by_section[sp.id] = na_by_section.get(sp.id, ZERO) + na
        return entries, na_max, na_by_section

    def _explained_group(self, sp, gp: GroupPlan, krow: tuple, memos: Memos) -> tuple[tuple, Decimal | None]:
        """((fields, keys) of each of the group's scored items, the points of
        its items not applicable in a base section or None when there are
        none): each explanation from the item memo, evaluated on a miss."""
        _vkey, voided, _note = self._void(gp, krow, memos)
        voided_by = gp.voided_by if voided else None
        found = []
        na = None
        for ip in gp.items:
            memo = memos.explained[ip.i][voided]
            key = ip.key(krow)
            entry = memo.get(key, _NOT_YET)
            if entry is _NOT_YET:
                get = FieldReader(self._values(ip.reads), ip.pos, [])
                out = item_outcome(ip, get, voided_by, memos.obs_missing, True)
                entry = NOT_APPLICABLE if out is NOT_APPLICABLE else _item_fields(sp, gp, ip, out[0], voided)
                memos.remember_detail(memo, key, entry)
            if entry is NOT_APPLICABLE:
                if sp.base:
                    na = ip.max if na is None else na + ip.max
                continue
            found.append(entry)
        return tuple(found), na


def item_maker(obs, unit: str):
    """(``texts(keys)``, ``item(fields, keys)``) for ``unit``: the
    unit's (evidence, scorer) of the observations at ``keys``, and the
    ItemResult of an explained item (``ClassScorer._explained``) with those
    observations, read when asked for."""
    texts = obs.unit_texts(unit)

    def item(fields: dict, keys: tuple) -> ItemResult:
        return ItemResult.of_explanation(fields, Observations(obs, unit, keys, texts))

    return texts, item


def _item_fields(sp, gp: GroupPlan, ip, ex, voided: bool) -> tuple[dict, tuple]:
    """(the fields of the item's ``ItemResult`` but its observations, the
    keys of the observations it read) for explanation ``ex``: what every
    unit with the same values shares (``ItemResult.of_explanation``)."""
    fields = {
        "id": ip.item.id, "section_id": sp.id, "section": sp.name, "section_kind": sp.kind, "group": gp.name, "path": list(ip.path),
        "text": ip.item.text, "max": shown_max(ip.max), "score": ex.score, "lost": None if ip.max.is_infinite() else ip.max - ex.score,
        "start": ip.start, "raw": ex.raw, "steps": list(ex.steps), "reasons": list(ex.reasons), "complete": ex.complete,
        "voided": voided, "not_applicable": False, "shown": ex.shown,
    }
    return fields, ex.keys


def _fold(plan: ClassPlan, odd: list, tally: Tally) -> frozenset:
    """Fold the groups that are not plain into ``tally`` in rule order;
    returns the names of the base sections with a scored item."""
    empty: dict[str, int] = {}  # section id -> its groups without a scored item
    for sp, o in odd:
        tally.complete = tally.complete and o.complete
        tally.notes.extend(o.notes)
        for m in o.na:
            tally.na_max += m
            tally.na_by_section[sp.id] = tally.na_by_section.get(sp.id, ZERO) + m
        if o.relief is not None:
            tally.relief_by_section[sp.id] = tally.relief_by_section.get(sp.id, ZERO) + o.relief
        if not o.scored:
            empty[sp.id] = empty.get(sp.id, 0) + 1
    if not empty:
        return plan.base_names
    return frozenset(sp.name for sp in plan.sections if sp.base and len(sp.groups) > empty.get(sp.id, 0))


class Scorer:
    """Scores the units of one ObservationSet against compiled rules: their
    figures, and on demand one unit's detail."""

    def __init__(self, compiled: CompiledRules, obs) -> None:
        self.compiled, self.obs = compiled, obs
        self._by_class: dict[str, ClassScorer] = {}

    def for_class(self, cls: str) -> ClassScorer:
        cs = self._by_class.get(cls)
        if cs is None or cs.values is not self.obs.values:  # values replaced: read afresh
            cs = self._by_class[cls] = ClassScorer(self.obs, self.compiled.plan(cls))
        return cs

    def figures(self, unit: str, cls: str) -> UnitFigures:
        return self.for_class(cls).figures(unit)

    def detail(self, figures: UnitFigures) -> UnitDetail:
        """The unit's detail: its figures as given (never scored again) and
        its items."""
        if isinstance(figures, UnitDetail):
            return figures
        if figures.stopped:  # a veto stopped scoring: no item was scored
            return detail_of(figures, [])
        return self.for_class(figures.cls).detail(figures)

    def explained(self, figures: UnitFigures) -> list[tuple[dict, tuple]] | None:
        """``ClassScorer.explained`` of the unit; None where ``detail`` must
        make the items (a detail given, an N/A policy's own figures)."""
        if isinstance(figures, UnitDetail):
            return None
        if figures.stopped:
            return []
        return self.for_class(figures.cls).explained(figures)
