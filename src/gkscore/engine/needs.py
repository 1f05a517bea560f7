"""Which fields a unit must answer, given the answers it gave so far.

What does not apply is not asked for.  The fields read by an applicability
condition (a section's, group's or item's ``applies_if``), an ``only_if``,
a ``void_if`` or a veto's ``when`` are needed whenever the element they
decide is reached; what they rule out is not:

* an item (or a group, a section) whose ``applies_if`` does not hold: the
  item's other fields;
* a clause whose ``only_if`` does not hold: the fields only that clause
  reads;
* a group voided by its ``void_if``: its items' fields, except those of
  their ``applies_if`` (which still decide between 0 and not applicable);
* a veto that stops scoring and holds (every earlier veto decided not to
  hold): every field but those of the vetoes tried so far; a part's veto,
  the fields of that part.

A condition that cannot be decided because one of its fields is blank rules
nothing out.  A field the rules never read (a declared but unused field)
is needed as before.  The reader (missing values, ``check``), ``--partial``
and the evaluator's completeness all ask here, so they agree.
"""

from __future__ import annotations

from .compiled import ClassPlan, ItemPlan, VetoPlan
from .conditions.node import ConditionNode, Missing


class _Values:
    """A field's value by name from a unit's row, raising Missing for a
    blank one (what conditions and clauses read through)."""

    __slots__ = ("row", "pos")

    def __init__(self, row: list, pos: dict[str, int]) -> None:
        self.row, self.pos = row, pos

    def __call__(self, field: str):
        v = self.row[self.pos[field]]
        if v is None:
            raise Missing(field)
        return v


def _clause_refs(cond: ConditionNode) -> set[str]:
    """The clause ids a condition refers to (``{clause: id}``)."""
    out = set()
    stack = [cond]
    while stack:
        node = stack.pop()
        ref = getattr(node, "clause", None)
        if node.tag == "clause" and ref is not None:
            out.add(ref)
        stack.extend(node.children())
    return out


def _decided(cond: ConditionNode, get, held: dict, unknown: set[str]) -> bool:
    """Whether ``cond`` holds; raises Missing when a field it reads is
    blank or a clause it refers to could not be decided."""
    if unknown and _clause_refs(cond) & unknown:
        raise Missing("")
    return bool(cond.holds(get, held))


def item_needs(ip: ItemPlan, row: list, voided: bool) -> set[str]:
    """The fields (by name, as the item reads them) a unit must answer for
    item ``ip``, given its row; ``voided``: the item's group is voided."""
    get = _Values(row, ip.pos)
    out: set[str] = set()
    for cond in ip.applies:
        out.update(cond.field_ids())
        try:
            if not cond.holds(get):
                return out
        except Missing:
            pass
    if voided:
        return out
    held: dict[str, bool] = {}
    unknown: set[str] = set()  # ids of clauses whose effect is undecided
    read: set[str] = set()
    for clause in ip.item.clauses:
        reads = clause.reads()
        read.update(reads)
        if clause.only_if is not None:
            out.update(clause.only_if.field_ids())
            try:
                applies = _decided(clause.only_if, get, held, unknown)
            except Missing:
                out.update(reads)
                if clause.id:
                    unknown.add(clause.id)
                continue
            if not applies:
                if clause.id:
                    held[clause.id] = False
                continue
        out.update(reads)
        try:
            if unknown and any(_clause_refs(c) & unknown for _k, c in clause.body_conditions()):
                raise Missing("")
            _delta, applied, _operands = clause.apply(get, ip.cls, held)
        except Missing:
            if clause.id:
                unknown.add(clause.id)
            continue
        if clause.id:
            held[clause.id] = applied
    # a declared field no clause reads is asked as before (lint warns)
    out.update(f for f in ip.field_ids if f not in read)
    return out


def veto_holds(vp: VetoPlan, row: list) -> bool | None:
    """Whether a veto's condition holds for the row; None: a field is blank."""
    try:
        return bool(vp.veto.when.holds(_Values(row, vp.pos)))
    except Missing:
        return None


class Needs:
    """What one unit must answer.  ``needed(owner, field)``; ``stopped_by``:
    the veto that stopped scoring (None when none did)."""

    __slots__ = ("plan", "positions", "stopped_by")

    def __init__(self, plan: ClassPlan, positions: set[int], stopped_by: VetoPlan | None) -> None:
        self.plan, self.positions, self.stopped_by = plan, positions, stopped_by

    def needed(self, owner: str, field: str) -> bool:
        i = self.plan.position(owner, field)
        if i is None:
            # a field the rules never read: asked as before, unless scoring stopped
            return self.stopped_by is None
        return i in self.positions


def _first_stop(vetoes: list, row: list, positions: set) -> VetoPlan | None:
    """The veto of ``vetoes`` that stops scoring for the row: the first that
    holds, every one before it decided not to; their fields are added to
    ``positions``."""
    undecided = False  # an earlier veto could not be decided, or held
    for vp in vetoes:
        positions.update(vp.pos.values())
        holds = veto_holds(vp, row)
        if holds and vp.veto.stops and not undecided:
            return vp
        undecided = undecided or holds is not False
    return None


def field_needs(plan: ClassPlan, row: list) -> Needs:
    """The fields a unit of ``plan``'s class must answer, given ``row`` (its
    values in the plan's row order, None for a blank or absent one)."""
    positions: set[int] = set()
    stop = _first_stop([vp for vp in plan.vetoes if vp.veto.part is None], row, positions)
    if stop is not None:
        return Needs(plan, positions, stop)
    skipped: set = set()  # the sections of the parts a veto of their own stopped
    for pp in plan.parts or ():
        if _first_stop(pp.vetoes, row, positions) is not None:
            skipped |= pp.section_ids
    for sp in plan.sections:
        if sp.id in skipped:
            continue
        for gp in sp.groups:
            voided = False
            if gp.void_pos is not None:
                positions.update(gp.void_pos.values())
                try:
                    voided = bool(gp.void.holds(_Values(row, gp.void_pos)))
                except Missing:
                    voided = False
            for ip in gp.items:
                pos = ip.pos
                positions.update(pos[f] for f in item_needs(ip, row, voided))
    return Needs(plan, positions, None)
