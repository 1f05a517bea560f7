"""The rule language: pydantic models of a rule file.

A rule file is a declarative indicator table.  Hierarchy:

    RuleSet -> Section (一级指标, kind base|bonus|penalty)
            -> Group (二级指标)
            -> Item (one row of the annex with its own 分值 cell)
            -> Clause (the sub-rules inside that 分值 cell)

Items declare the observation fields they need, so a template can be built
from the rules alone.  Clauses are a discriminated union on ``kind`` built
from the clause kinds registered in ``engine/kinds/registry.py`` (each kind's
model lives in its own module), conditions one on the node types of
``engine/conditions/registry.py``; nothing is ever evaluated as Python.
Semantic checks that need the whole tree (sums, references, class coverage)
live in ``rules/checks.py``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Optional, Union

from pydantic import ConfigDict, Field

# the condition node types, importable from here with the rest of the language
from ..engine.conditions.clause_ref import ClauseHolds  # noqa: F401
from ..engine.conditions.field_test import FieldTest  # noqa: F401
from ..engine.conditions.logic import AllOf, AnyOf, NotOf  # noqa: F401
from ..engine.conditions.registry import Condition
from ..engine.kinds import registry as kinds
from .base import ClassName, Id, NonNeg, Num, PerClass, PerClassMax, Strict, Text, Whole

FORMAT = "gkscore/1"

# ---------------------------------------------------------------- fields


class _FieldBase(Strict):
    id: Id
    prompt: Text = Field(description="The question the scorer answers, in the words of the rule.")


class BoolField(_FieldBase):
    type: Literal["bool"]


class CountField(_FieldBase):
    type: Literal["count"]
    max: Optional[Whole] = Field(None, ge=0, description="Upper bound, e.g. the sample size of a sampled check.")


class NumberField(_FieldBase):
    type: Literal["number"]
    min: Optional[Num] = None
    max: Optional[Num] = None
    unit: Optional[str] = Field(None, max_length=16)


class DateField(_FieldBase):
    type: Literal["date"]


class ScoreField(_FieldBase):
    """A judged score: the scorer awards points within [min, max] on a step."""

    type: Literal["score"]
    min: NonNeg = Decimal(0)
    max: PerClass
    step: NonNeg = Field(Decimal("0.5"), gt=0)


class ChoiceField(_FieldBase):
    type: Literal["choice"]
    choices: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(min_length=2)


ObsField = Annotated[
    Union[BoolField, CountField, NumberField, DateField, ScoreField, ChoiceField],
    Field(discriminator="type"),
]

FIELD_TYPES = ("bool", "count", "number", "date", "score", "choice")


# ---------------------------------------------------------------- clauses


def clause_union():
    """The union of the registered clause kinds, discriminated on ``kind``."""
    return Annotated[Union[kinds.kinds()], Field(discriminator="kind")]


Clause = clause_union()


# ------------------------------------------------------------ tree


class Item(Strict):
    id: Id
    description: Optional[Text] = Field(None, description="指标说明, verbatim.")
    text: Text = Field(description="评分细则, verbatim.")
    max: PerClassMax = Field(description="分值; a mapping gives it per class, null = not applicable to that class.")
    start: Optional[Literal["zero", "max"]] = Field(
        None,
        description="Where the item's score starts before its clauses apply. Defaults: 'max' when it has only deductions, 'zero' when it has only credits; required when it mixes both.",
    )
    applies_if: Optional[Condition] = Field(None, description="Unit-level applicability; needs the rule file's na_policy.")
    note: Optional[Text] = Field(None, description="The reading chosen where the source is ambiguous; reported by lint.")
    fields: list[ObsField] = Field(default_factory=list)
    clauses: list[Clause] = Field(min_length=1)


class Group(Strict):
    """二级指标."""

    id: Id
    name: Text
    points: Optional[PerClass] = Field(None, description="Declared points, checked against the sum of the items.")
    max_lost: Optional[PerClass] = Field(None, description="Group-level deduction cap: the group never loses more than this.")
    fields: list[ObsField] = Field(default_factory=list, description="Fields used by void_if.")
    void_if: Optional[Condition] = Field(None, description="When it holds, every item of the group scores 0.")
    void_text: Optional[Text] = None
    note: Optional[Text] = None
    items: list[Item] = Field(min_length=1)


class Section(Strict):
    """一级指标; bonus (加分项) and penalty (扣分项) sections lie outside the base total."""

    id: Id
    name: Text
    kind: Literal["base", "bonus", "penalty"] = "base"
    points: Optional[PerClass] = None
    cap: Optional[PerClass] = Field(None, description="Required for bonus and penalty sections.")
    weight: Optional[NonNeg] = Field(None, description="With composition: weighted, the share of this section.")
    note: Optional[Text] = None
    groups: list[Group] = Field(min_length=1)


class ClassDef(Strict):
    name: Text
    max: NonNeg


class GradeBand(Strict):
    grade: Annotated[str, Field(min_length=1, max_length=16)]
    min: Optional[NonNeg] = Field(None, description="Inclusive lower bound on the total; omit for the lowest band.")


class Grades(Strict):
    note: Optional[Text] = None
    bands: list[GradeBand] = Field(min_length=1)


class Veto(Strict):
    """单项否决: when it holds, the unit gets ``grade`` and/or a fixed ``total``."""

    id: Id
    text: Text
    fields: list[ObsField] = Field(min_length=1)
    when: Condition
    grade: Optional[Annotated[str, Field(min_length=1, max_length=16)]] = None
    total: Optional[NonNeg] = None


class BonusGate(Strict):
    """Bonus counts only when the base subtotal is at least ``min_base`` (inclusive)."""

    kind: Literal["bonus_requires_base"]
    min_base: NonNeg


class FailGate(Strict):
    """A base subtotal below ``base_below`` (strictly) gives ``grade`` whatever else."""

    kind: Literal["fail_below"]
    base_below: NonNeg
    grade: Annotated[str, Field(min_length=1, max_length=16)]


Gate = Annotated[Union[BonusGate, FailGate], Field(discriminator="kind")]


class RuleSet(Strict):
    format: Literal["gkscore/1"]
    id: Id
    title: Text
    source: Optional[Text] = None
    year: Optional[Whole] = None
    classes: dict[ClassName, ClassDef] = Field(min_length=1)
    precision: Whole = Field(2, ge=0, le=6, description="Decimals of every item score (ROUND half away from zero).")
    composition: Literal["sum", "weighted"] = "sum"
    na_policy: Literal["none", "rescale", "redistribute"] = "none"
    grades: Optional[Grades] = None
    vetoes: list[Veto] = Field(default_factory=list)
    gates: list[Gate] = Field(default_factory=list)
    note: Optional[Text] = None
    sections: list[Section] = Field(min_length=1)


class Unit(Strict):
    name: Text
    cls: ClassName = Field(alias="class")
    aliases: list[Text] = Field(default_factory=list)
    note: Optional[Text] = None
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class UnitsFile(Strict):
    format: Literal["gkscore-units/1"]
    id: Id
    title: Optional[Text] = None
    classes: dict[ClassName, Text] = Field(min_length=1, description="Class id -> description.")
    units: list[Unit] = Field(min_length=1)


def _rebuild() -> None:
    """A clause kind was registered or unregistered: accept exactly the
    registered kinds from now on (the models that hold clauses, innermost
    first, validate with the new union)."""
    global Clause
    Clause = clause_union()
    Item.model_fields["clauses"].annotation = list[Clause]
    for model in (Item, Group, Section, RuleSet):
        model.model_rebuild(force=True)


kinds.on_change(_rebuild)
