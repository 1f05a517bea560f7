"""The two result types: a unit's figures (what ranking and summaries need)
and its detail (the figures and every item with its explanation).

``UnitFigures`` is what scoring gives for every unit; ``UnitDetail`` is built
from a unit's figures when an output shows items (``Scorer.detail``), one
unit at a time.  A detail is a figures object too, so ranking and summaries
take either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..exact import ZERO, fmt
from ..i18n import _
from ..observations.types import Observation
from .kinds.registry import is_deduction


@dataclass
class Step:
    """One clause's effect on an item: what was observed and the arithmetic."""

    clause: int
    kind: str
    text: str
    delta: Decimal  # signed contribution before clamping
    expr: str  # e.g. "0.5 × 3"
    applied: bool  # did the clause take effect
    missing: list[str] = field(default_factory=list)


class Observations(Sequence):
    """The observations an item read in one unit, built from the set when
    first looked at (most reports show only their evidence and scorers,
    which ``texts`` gives without building them)."""

    __slots__ = ("_obs", "_unit", "_keys", "_built", "_texts", "_unit_texts")

    def __init__(self, obs, unit: str, keys: tuple[tuple[str, str], ...], unit_texts=None) -> None:
        """``keys``: the (owner, field) pairs read: the item's own fields
        and the unit fields it tests; ``unit_texts``: the set's
        ``unit_texts(unit)``, when the caller has it for all the unit's items."""
        self._obs, self._unit, self._keys = obs, unit, keys
        self._built: list | None = None
        self._texts: list | None = None
        self._unit_texts = unit_texts

    def _list(self) -> list[Observation]:
        if self._built is None:
            get, unit = self._obs.get, self._unit
            self._built = [get(unit, owner, f) for owner, f in self._keys]
        return self._built

    def __getitem__(self, i):
        return self._list()[i]

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, (list, tuple, Sequence)) else NotImplemented

    def __repr__(self) -> str:
        return repr(self._list())

    def texts(self) -> list[tuple[str, str]]:
        """(evidence, scorer) of each observation."""
        if self._texts is None:
            if self._built is not None:
                self._texts = [(o.evidence, o.scorer) for o in self._built]
            else:
                read = self._unit_texts if self._unit_texts is not None else self._obs.unit_texts(self._unit)
                self._texts = read(self._keys)
        return self._texts


def _texts(observations) -> list[tuple[str, str]]:
    if isinstance(observations, Observations):
        return observations.texts()
    return [(o.evidence, o.scorer) for o in observations]


@dataclass
class ItemResult:
    id: str
    section_id: str
    section: str  # 一级指标 name
    section_kind: str  # base | bonus | penalty
    group: str
    path: list[str]
    text: str
    max: Decimal
    score: Decimal
    lost: Decimal
    start: Decimal
    raw: Decimal  # start + Σ deltas, before clamping and rounding
    steps: list[Step]
    reasons: list[str]
    observations: Sequence[Observation]
    complete: bool = True
    voided: bool = False
    not_applicable: bool = False  # unit-level applies_if false
    # texts shown for the item (its arithmetic, a report's cells), shared by
    # every unit with the same explanation (``Explained.shown``)
    shown: dict | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of_explanation(cls, fields: dict, observations: Sequence[Observation]) -> ItemResult:
        """One unit's item from ``fields`` (every field but the observations:
        the figures and explanation shared by every unit with the same
        values, ``item_fields``) and the unit's own ``observations``.  The
        detail of 100,000 units makes one of these per unit and item, so
        nothing is copied: the lists are shared, and a caller that changes
        an item assigns a new list (``na_policy``), never edits one."""
        item = cls.__new__(cls)
        d = item.__dict__
        d.update(fields)
        d["observations"] = observations
        return item

    def texts(self) -> list[tuple[str, str]]:
        """(evidence, scorer) of each observation the item read."""
        observations = self.observations
        if observations.__class__ is Observations:
            return observations.texts()
        return _texts(observations)

    @property
    def evidence(self) -> list[str]:
        return [e for e, _s in _texts(self.observations) if e]

    @property
    def scorers(self) -> list[str]:
        return sorted({s for _e, s in _texts(self.observations) if s})

    def arithmetic(self, places: int | None = None) -> str:
        """e.g. ``2 - 0.5 × 3 = 0.5`` or ``1 + 0 + 0.5 = 1.5`` (with the clamp
        spelled out when it bites)."""
        if places is not None:
            return arithmetic(self.steps, self.start, self.raw, self.max, self.score, self.complete, self.voided, places, self.section_kind == "penalty")
        return self.shared("arithmetic", _arithmetic_of)

    def shared(self, what, make, *args):
        """``make(self, *args)``, made once for every unit whose item has the same
        explanation and figures and kept with the explanation: a report that
        shows 100,000 units' items formats each distinct item once.
        ``what`` names what is made (with what it depends on beyond the
        item, such as the decimals shown)."""
        shown = self.shown
        if shown is None:
            return make(self, *args)
        # the figures are the explanation's own: a unit whose items an N/A
        # policy scaled has none to share (``Scorer.detail``)
        key = what
        made = shown.get(key, _NOT_MADE)
        if made is _NOT_MADE:
            made = shown[key] = make(self, *args)
        return made


_NOT_MADE = object()


def _arithmetic_of(item: ItemResult) -> str:
    return arithmetic(item.steps, item.start, item.raw, item.max, item.score, item.complete, item.voided, None, item.section_kind == "penalty")


def arithmetic(steps, start: Decimal, raw: Decimal, m: Decimal, score: Decimal, complete: bool, voided: bool, places: int | None = None, penalty: bool = False) -> str:
    """The item's arithmetic; in a penalty section every clause adds what it takes off (``penalty``)."""
    if not complete and not voided:
        missing = [f for s in steps for f in s.missing]
        shown = f" ({', '.join(missing)})" if missing else ""
        # TRANSLATORS: {fields} is empty or " (field, field)"; nothing is printed between them.
        return _("not filled in{fields}; counts 0 for now").format(fields=shown)
    parts: list[str] = [fmt(start, places)] if start != 0 else []
    for s in steps:
        if penalty or not is_deduction(s.kind):
            parts.append(f"+ {s.expr if s.applied and s.expr else '0'}")
        elif s.applied and s.delta != 0:
            parts.append(f"- {s.expr}")
    expr = " ".join(parts) if parts else "0"
    if expr.startswith("+ "):
        expr = expr[2:]
    out = f"{expr} = {fmt(raw, None)}"
    # TRANSLATORS: the arithmetic's last step: the figure kept and why (整组不得分, 扣完为止 ...).
    then = _(" → {figure} ({why})")
    if voided:
        out += then.format(figure=0, why=_("the whole group scores nothing"))
    elif raw < 0:
        out += then.format(figure=0, why=_("no lower than 0"))
    elif m is not None and raw > m:
        out += then.format(figure=fmt(m, None), why=_("no more than the points"))
    elif raw != score:
        out += then.format(figure=fmt(score, None), why=_("rounded"))
    return out


@dataclass(slots=True)  # one per unit: 100,000 at national scale
class UnitFigures:
    unit: str
    cls: str
    rules_id: str
    rules_title: str
    sections: dict[str, Decimal]  # 一级指标 name -> subtotal (base sections)
    # None (and no sections) when a veto stopped scoring (``stopped``); a
    # None total: the veto gives none (published as 单项否决)
    base: Decimal | None
    bonus: Decimal | None
    penalty: Decimal | None
    total: Decimal | None
    bonus_raw: Decimal | None
    penalty_raw: Decimal | None
    grade: str | None
    complete: bool
    notes: list[str]
    veto: str | None = None
    rank_group: str = ""
    rank: int = 0
    # names of the base sections with at least one scored item (a section
    # whose items all do not apply to the unit shows no subtotal)
    base_sections: frozenset = frozenset()
    stopped: bool = False  # a veto stopped scoring: nothing else was scored
    # a table made of parts: each part's score by its name, in the file's
    # order (base, bonus and penalty are then the parts', not the unit's);
    # None for a part left out (nothing of it applies to the unit)
    parts: dict | None = None

    @property
    def columns(self) -> dict:
        """The subtotals a ranking table shows: the parts' scores in a table
        made of parts, else the sections'."""
        return self.parts if self.parts is not None else self.sections


@dataclass(slots=True)
class UnitDetail(UnitFigures):
    """A unit's figures and its items, in rule order (items that do not
    apply to the unit left out)."""

    items: list[ItemResult] = field(default_factory=list)

    @property
    def max(self) -> Decimal:
        return sum((i.max for i in self.items if i.section_kind == "base"), ZERO)


FIGURES = tuple(UnitFigures.__dataclass_fields__)


def detail_of(figures: UnitFigures, items: list[ItemResult]) -> UnitDetail:
    """The detail of ``figures``: the same figures, and ``items``."""
    return UnitDetail(*(getattr(figures, name) for name in FIGURES), items=items)
