"""The rule language: pydantic models of a rule file.

A rule file is a declarative indicator table.  Hierarchy:

    RuleSet -> Section (一级指标, kind base|bonus|penalty)
            -> Group (二级指标)
            -> Item (one row of the annex with its own 分值 cell)
            -> Clause (the sub-rules inside that 分值 cell)

Items declare the observation fields they need, so a template can be built
from the rules alone.  Clauses are a discriminated union on ``kind``; nothing
is ever evaluated as Python.  Semantic checks that need the whole tree (sums,
references, class coverage) live in ``rules/checks.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
)

from ..i18n import _
from ..problems import quote

FORMAT = "gkscore/1"


def _strict_number(value: Any) -> Any:
    # A number written as text ("2") is a typo waiting to happen in a rule
    # file: refuse it rather than coerce it.  Floats never reach here from
    # our YAML loader; refuse them anyway so an API caller cannot sneak
    # binary fractions in.
    if isinstance(value, bool):
        raise ValueError(_("expected a number, found {value}; write a number, not true or false").format(value=quote(value)))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_("expected a finite number, found {value}").format(value=quote(value)))
        return value
    if isinstance(value, str):
        raise ValueError(_("expected a number, found the text {value}; write the number without quotes").format(value=quote(value)))
    if value is None:
        raise ValueError(_("the value is empty; write a number"))
    raise ValueError(_("expected a number, found {value}").format(value=quote(value)))


def _strict_int(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        raise ValueError(_("expected a whole number, found {value}").format(value=quote(value)))
    return value


Num = Annotated[Decimal, BeforeValidator(_strict_number), WithJsonSchema({"type": "number"})]
NonNeg = Annotated[Decimal, BeforeValidator(_strict_number), Field(ge=0), WithJsonSchema({"type": "number", "minimum": 0})]
Whole = Annotated[int, BeforeValidator(_strict_int), WithJsonSchema({"type": "integer"})]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
ClassName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,32}$")]
Text = Annotated[str, Field(min_length=1, max_length=4000)]

# Points that may differ by class: a number for every class, or a mapping
# class -> number.  For item maxima, ``null`` in the mapping means "does not
# apply to this class" (blank cell in the annex), which is different from 0.
#
# FIX (rule-checks tests): these were plain unions, so one mistyped value
# (points: "2", max: -1) was reported twice, once per union member, with
# pydantic's internal validator names and a memory address in the location.
# A discriminator on the value's shape tries only the matching member; the
# JSON schema is pinned to what the plain unions exported.


def _per_class_tag(value: Any) -> str:
    return "map" if isinstance(value, dict) else "number"


_NUMBER_SCHEMA = {"minimum": 0, "type": "number"}
_CLASS_KEY = r"^[A-Za-z0-9_]{1,32}$"

PerClass = Annotated[
    Union[Annotated[NonNeg, Tag("number")], Annotated[dict[ClassName, NonNeg], Tag("map")]],
    Discriminator(_per_class_tag),
    WithJsonSchema({"anyOf": [_NUMBER_SCHEMA, {"patternProperties": {_CLASS_KEY: _NUMBER_SCHEMA}, "type": "object"}]}),
]
PerClassMax = Annotated[
    Union[Annotated[NonNeg, Tag("number")], Annotated[dict[ClassName, Optional[NonNeg]], Tag("map")]],
    Discriminator(_per_class_tag),
    WithJsonSchema(
        {
            "anyOf": [
                _NUMBER_SCHEMA,
                {"patternProperties": {_CLASS_KEY: {"anyOf": [_NUMBER_SCHEMA, {"type": "null"}]}}, "type": "object"},
            ]
        }
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# ---------------------------------------------------------------- fields


class _FieldBase(_Strict):
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


# ------------------------------------------------------------ conditions

Scalar = Union[bool, Num, dt.date, str]


class FieldTest(_Strict):
    """A test on one observation field.

    ``{field: x}`` is true when the yes/no field x is 是.  Comparisons:
    ``eq``, ``ne``, ``ge`` (>=), ``gt`` (>), ``le`` (<=), ``lt`` (<), ``in``.
    Give at most one.  Dates compare as dates: ``le: 2021-03-31`` means on or
    before that day.
    """

    field: Id
    eq: Optional[Scalar] = None
    ne: Optional[Scalar] = None
    ge: Optional[Union[Num, dt.date]] = None
    gt: Optional[Union[Num, dt.date]] = None
    le: Optional[Union[Num, dt.date]] = None
    lt: Optional[Union[Num, dt.date]] = None
    in_: Optional[list[str]] = Field(None, alias="in")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def comparisons(self) -> list[tuple[str, Any]]:
        out = []
        for op in ("eq", "ne", "ge", "gt", "le", "lt"):
            value = getattr(self, op)
            if value is not None:
                out.append((op, value))
        if self.in_ is not None:
            out.append(("in", self.in_))
        return out


class AllOf(_Strict):
    all: list["Condition"] = Field(min_length=1)


class AnyOf(_Strict):
    any: list["Condition"] = Field(min_length=1)


class NotOf(_Strict):
    not_: "Condition" = Field(alias="not")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ClauseHolds(_Strict):
    """True when another clause of the same item took effect (awarded or deducted)."""

    clause: Id


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("all", "any", "not", "clause", "field"):
            if key in value:
                return key
        return None
    if isinstance(value, BaseModel):
        return {AllOf: "all", AnyOf: "any", NotOf: "not", ClauseHolds: "clause", FieldTest: "field"}.get(type(value))
    return None


Condition = Annotated[
    Union[
        Annotated[FieldTest, Tag("field")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotOf, Tag("not")],
        Annotated[ClauseHolds, Tag("clause")],
    ],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message="a condition is one of {field: ...}, {all: [...]}, {any: [...]}, {not: ...}, {clause: ...}",
    ),
]


# ---------------------------------------------------------------- clauses


class _ClauseBase(_Strict):
    id: Optional[Id] = None
    text: Optional[Text] = Field(None, description="The verbatim words of this clause, when the item has several.")
    only_if: Optional[Condition] = Field(None, description="The clause applies only when this holds (e.g. 再扣5分).")


class Award(_ClauseBase):
    """得N分: points when a condition holds."""

    kind: Literal["award"]
    when: Condition
    points: PerClass


class Deduct(_ClauseBase):
    """扣N分 once when a condition holds."""

    kind: Literal["deduct"]
    when: Condition
    points: PerClass


class DeductEach(_ClauseBase):
    """每发现1个扣N分: ``per`` points for every occurrence counted in ``field``."""

    kind: Literal["deduct_each"]
    field: Id
    per: PerClass
    cap: Optional[PerClass] = Field(None, description="Most this clause can deduct; the item floor (扣完为止) applies anyway.")


class Sampled(_ClauseBase):
    """随机抽查N个...每少一个扣X分: a count out of a sample of ``sample``.

    ``counts: passed`` means the field counts the sampled cases that comply
    (deduct for each one short of the sample); ``counts: failed`` means it
    counts the non-compliant ones.  The field must be a count bounded by the
    sample size, so a count above the sample can never be entered.
    """

    kind: Literal["sampled"]
    field: Id
    sample: Whole = Field(gt=0)
    per: PerClass
    counts: Literal["passed", "failed"]


class Coverage(_ClauseBase):
    """Credit by coverage (4种形式均涉及得满分): yes/no fields, one per form.

    ``mode: all`` awards ``points`` only when at least ``full_at`` are covered;
    ``mode: proportional`` awards points x min(covered, full_at) / full_at.
    """

    kind: Literal["coverage"]
    fields: list[Id] = Field(min_length=2)
    points: PerClass
    full_at: Optional[Whole] = Field(None, gt=0)
    mode: Literal["all", "proportional"]


class Judged(_ClauseBase):
    """A judged score (完备度情况, 栏目设置合理...): the value of a score field."""

    kind: Literal["judged"]
    field: Id


class Graded(_ClauseBase):
    """Graded levels: a choice field mapped to points (优/良/一般/差 = 10/8/6/0)."""

    kind: Literal["graded"]
    field: Id
    levels: dict[Annotated[str, Field(min_length=1, max_length=32)], NonNeg] = Field(min_length=2)


class Percent(_ClauseBase):
    """Credit as a percentage: points x value / 100 for a number field in 0..100."""

    kind: Literal["percent"]
    field: Id
    points: PerClass


Clause = Annotated[
    Union[Award, Deduct, DeductEach, Sampled, Coverage, Judged, Graded, Percent],
    Field(discriminator="kind"),
]

CLAUSE_KINDS = ("award", "deduct", "deduct_each", "sampled", "coverage", "judged", "graded", "percent")
CREDIT_KINDS = {"award", "coverage", "judged", "graded", "percent"}
DEDUCTION_KINDS = {"deduct", "deduct_each", "sampled"}


# ------------------------------------------------------------ tree


class Item(_Strict):
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


class Group(_Strict):
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


class Section(_Strict):
    """一级指标; bonus (加分项) and penalty (扣分项) sections lie outside the base total."""

    id: Id
    name: Text
    kind: Literal["base", "bonus", "penalty"] = "base"
    points: Optional[PerClass] = None
    cap: Optional[PerClass] = Field(None, description="Required for bonus and penalty sections.")
    weight: Optional[NonNeg] = Field(None, description="With composition: weighted, the share of this section.")
    note: Optional[Text] = None
    groups: list[Group] = Field(min_length=1)


class ClassDef(_Strict):
    name: Text
    max: NonNeg


class GradeBand(_Strict):
    grade: Annotated[str, Field(min_length=1, max_length=16)]
    min: Optional[NonNeg] = Field(None, description="Inclusive lower bound on the total; omit for the lowest band.")


class Grades(_Strict):
    note: Optional[Text] = None
    bands: list[GradeBand] = Field(min_length=1)


class Veto(_Strict):
    """单项否决: when it holds, the unit gets ``grade`` and/or a fixed ``total``."""

    id: Id
    text: Text
    fields: list[ObsField] = Field(min_length=1)
    when: Condition
    grade: Optional[Annotated[str, Field(min_length=1, max_length=16)]] = None
    total: Optional[NonNeg] = None


class BonusGate(_Strict):
    """Bonus counts only when the base subtotal is at least ``min_base`` (inclusive)."""

    kind: Literal["bonus_requires_base"]
    min_base: NonNeg


class FailGate(_Strict):
    """A base subtotal below ``base_below`` (strictly) gives ``grade`` whatever else."""

    kind: Literal["fail_below"]
    base_below: NonNeg
    grade: Annotated[str, Field(min_length=1, max_length=16)]


Gate = Annotated[Union[BonusGate, FailGate], Field(discriminator="kind")]


class RuleSet(_Strict):
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


class Unit(_Strict):
    name: Text
    cls: ClassName = Field(alias="class")
    aliases: list[Text] = Field(default_factory=list)
    note: Optional[Text] = None
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class UnitsFile(_Strict):
    format: Literal["gkscore-units/1"]
    id: Id
    title: Optional[Text] = None
    classes: dict[ClassName, Text] = Field(min_length=1, description="Class id -> description.")
    units: list[Unit] = Field(min_length=1)


AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()
