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
from typing import Annotated, ClassVar, Literal, Optional, Union

from pydantic import Discriminator, Field, Tag

# the condition node types, importable from here with the rest of the language
from ..engine.conditions.clause_ref import ClauseHolds  # noqa: F401
from ..engine.conditions.field_test import FieldTest  # noqa: F401
from ..engine.conditions.logic import AllOf, AnyOf, NotOf  # noqa: F401
from ..engine.conditions.registry import Condition
from ..engine.kinds import registry as kinds
from .base import ClassName, Id, NonNeg, Num, PerClass, PerClassMax, Strict, Text, Whole
from .threshold import written

FORMAT = "gkscore/1"

# The owner of the unit fields (单位属性) in observation keys and sheets:
# (``unit``, field) is asked once per unit.  No element may take this id.
UNIT_OWNER = "unit"

# ---------------------------------------------------------------- fields


class _FieldBase(Strict):
    id: Id
    prompt: Text = Field(description="The question the scorer answers, in the words of the rule.")
    note: Optional[Text] = Field(None, description="The reading chosen where the source is ambiguous; reported by lint.")


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
    max: Optional[PerClassMax] = Field(
        None,
        description="分值; a mapping gives it per class, null = not applicable to that class. Left out only in a bonus or penalty section: the item has no 分值 of its own (每次倒扣2分 with no limit), bounded only by its section's cap.",
    )
    start: Optional[Literal["zero", "max"]] = Field(
        None,
        description="Where the item's score starts before its clauses apply. Defaults: 'max' when it has only deductions, 'zero' when it has only credits; required when it mixes both.",
    )
    applies_if: Optional[Condition] = Field(None, description="Unit-level applicability; needs the rule file's na_policy.")
    note: Optional[Text] = Field(None, description="The reading chosen where the source is ambiguous; reported by lint.")
    fields: list[ObsField] = Field(default_factory=list)
    clauses: list[Clause] = Field(min_length=1)

    def model_post_init(self, context) -> None:
        for clause in self.clauses:
            clause.bind_item(self.max)


class Group(Strict):
    """二级指标."""

    id: Id
    name: Text
    points: Optional[PerClass] = Field(None, description="Declared points, checked against the sum of the items.")
    max_lost: Optional[PerClass] = Field(None, description="Group-level deduction cap: the group never loses more than this.")
    fields: list[ObsField] = Field(default_factory=list, description="Fields used by void_if.")
    void_if: Optional[Condition] = Field(None, description="When it holds, every item of the group scores 0.")
    void_text: Optional[Text] = None
    applies_if: Optional[Condition] = Field(None, description="The whole group applies only to units for which this holds; tests unit fields only.")
    note: Optional[Text] = None
    items: list[Item] = Field(min_length=1)


class Section(Strict):
    """一级指标; bonus (加分项) and penalty (扣分项) sections lie outside the base total."""

    id: Id
    name: Text
    kind: Literal["base", "bonus", "penalty"] = "base"
    points: Optional[PerClass] = None
    cap: Optional[PerClass] = Field(None, description="The most a bonus or penalty section adds or takes off; leave it out when the table sets none.")
    weight: Optional[NonNeg] = Field(None, description="With composition: weighted, the share of this section.")
    applies_if: Optional[Condition] = Field(None, description="The whole section applies only to units for which this holds; tests unit fields only.")
    part: Optional[Id] = Field(None, description="In a table made of parts: the part the section belongs to.")
    note: Optional[Text] = None
    groups: list[Group] = Field(min_length=1)


class Part(Strict):
    """A part of a table made of parts ("网站占30%,新媒体占70%"): its sections
    (base, bonus, penalty), vetoes and gates score it on its own scale; the
    unit's total is Σ weight × part score, rounded once."""

    id: Id
    name: Text
    weight: NonNeg = Field(description="The part's share of the total; the weights add up to 1.")
    points: Optional[PerClass] = Field(None, description="The part's scale as printed (e.g. 100), checked against its base items.")
    note: Optional[Text] = None


class ClassDef(Strict):
    """A class of units ranked among themselves (县市区, A类 ...)."""

    name: Text = Field(description="The class's full name, as the notice writes it: 开设有网站的市直部门(A类).")
    short: Optional[Text] = Field(None, description="简称: the class as ranking tables and reports name it (县市区, A类); default: name.")
    max: NonNeg
    note: Optional[Text] = None

    @property
    def label(self) -> str:
        """The class as reports name it."""
        return self.short or self.name


Grade = Annotated[str, Field(min_length=1, max_length=16)]


class GradeBand(Strict):
    """A grade and its lower bound on the total: ``at_least`` (不低于, 以上含本数;
    ``min`` is the same) or ``above`` (高于, 超过); the lowest band has none."""

    grade: Grade
    min: Optional[NonNeg] = Field(None, description="Inclusive lower bound on the total (the same as at_least); omit for the lowest band.")
    at_least: Optional[NonNeg] = Field(None, description="The total is at least this (不低于, 达到).")
    above: Optional[NonNeg] = Field(None, description="The total is above this (高于, 超过).")
    note: Optional[Text] = None

    # the keys that bound a band, and the comparison each names
    bound_keys: ClassVar[dict[str, str]] = {"min": "ge", "at_least": "ge", "above": "gt"}

    @property
    def bound(self) -> tuple[str, Decimal] | None:
        """(comparison, value) of the band's lower bound, None for the lowest band."""
        given = written(self, self.bound_keys)
        return (given[0][1], given[0][2]) if given else None


class Grades(Strict):
    note: Optional[Text] = None
    bands: list[GradeBand] = Field(min_length=1)


ClassList = Optional[list[ClassName]]
_CLASSES = "Only units of these classes; omit for every class."


class Veto(Strict):
    """单项否决: when it holds, the unit gets ``grade`` and/or a fixed ``total``."""

    id: Id
    text: Text
    fields: list[ObsField] = Field(min_length=1)
    when: Condition
    grade: Optional[Grade] = None
    total: Optional[NonNeg] = None
    classes: ClassList = Field(None, min_length=1, description=_CLASSES)
    part: Optional[Id] = Field(None, description="In a table made of parts: the veto is the part's; when it holds, the part scores the veto's total.")
    note: Optional[Text] = None
    stops: bool = Field(
        False,
        description="不再对其他指标进行评分: when it holds, nothing else is scored or asked for; the unit's result is the veto's total, or no total (published as 单项否决, ranked after the scored units).",
    )


class _Gate(Strict):
    classes: ClassList = Field(None, min_length=1, description=_CLASSES)
    part: Optional[Id] = Field(None, description="In a table made of parts: the part whose base score the gate tests (required there).")
    note: Optional[Text] = None

    # the keys that give the gate's threshold, and the comparison each names
    bound_keys: ClassVar[dict[str, str]] = {}

    @property
    def bound(self) -> tuple[str, Decimal] | None:
        """(comparison, value) of the threshold on the base score."""
        given = written(self, self.bound_keys)
        return (given[0][1], given[0][2]) if given else None


class BonusGate(_Gate):
    """Bonus counts only when the base score passes the threshold: ``at_least``
    (不低于, 达到; ``min_base`` is the same) or ``above`` (高于, 超过)."""

    kind: Literal["bonus_requires_base"]
    min_base: Optional[NonNeg] = Field(None, description="The same as at_least.")
    at_least: Optional[NonNeg] = None
    above: Optional[NonNeg] = None

    bound_keys: ClassVar[dict[str, str]] = {"min_base": "ge", "at_least": "ge", "above": "gt"}


class FailGate(_Gate):
    """A base score under the threshold gives ``grade`` whatever else: ``below``
    (低于, 不足; ``base_below`` is the same) or ``at_most`` (不高于, 不超过)."""

    kind: Literal["fail_below"]
    base_below: Optional[NonNeg] = Field(None, description="The same as below.")
    below: Optional[NonNeg] = None
    at_most: Optional[NonNeg] = None
    grade: Grade

    bound_keys: ClassVar[dict[str, str]] = {"base_below": "lt", "below": "lt", "at_most": "le"}


Gate = Annotated[Union[BonusGate, FailGate], Field(discriminator="kind")]


def applies_to(element, cls: str) -> bool:
    """Whether a veto or gate limited to ``classes`` applies to a unit of ``cls``."""
    return element.classes is None or cls in element.classes


class Spread(Strict):
    """把不适用指标的分值(平均或按分值比例)计入其他指标: each applicable base
    item's 分值 grows by its share of the points that do not apply, each
    deduction keeps its size (its floor rises with the new 分值).  A share is
    rounded to the rule file's precision; what the rounding leaves over goes
    to the ``remainder`` item, so the 分值 still add up to the total."""

    kind: Literal["spread"]
    share: Literal["even", "pro_rata"] = Field(description="even: the same share for every item (平均计入); pro_rata: in proportion to each item's 分值 (按比例计入).")
    remainder: Literal["first", "last"] = Field(description="The applicable item (in the table's order) that takes what rounding the shares leaves over.")
    note: Optional[Text] = None


# a name, or a mapping for a spread: only the member of the value's shape is
# tried, so a mistake is reported once, in its own words
NaPolicy = Annotated[
    Union[Annotated[Literal["none", "rescale", "redistribute", "normalize"], Tag("name")], Annotated[Spread, Tag("map")]],
    Discriminator(lambda value: "map" if isinstance(value, (dict, Spread)) else "name"),
]


def na_kind(rs) -> str:
    """The name of the rule file's na_policy: none, rescale, redistribute, normalize or spread."""
    return rs.na_policy if isinstance(rs.na_policy, str) else rs.na_policy.kind


class RuleSet(Strict):
    format: Literal["gkscore/1"]
    id: Id
    title: Text
    source: Optional[Text] = None
    year: Optional[Whole] = None
    classes: dict[ClassName, ClassDef] = Field(min_length=1)
    precision: Whole = Field(2, ge=0, le=6, description="Decimals of every item score (ROUND half away from zero).")
    composition: Literal["sum", "weighted"] = "sum"
    na_policy: NaPolicy = Field(
        "none",
        description="How the points of items that do not apply to a unit are made up: rescale (the base scaled up), redistribute (every applicable item scaled), normalize (the base divided by the unit's applicable total, once), or {kind: spread, ...} (the other items' 分值 grow, deductions keep their size).",
    )
    grades: Optional[Grades] = None
    vetoes: list[Veto] = Field(default_factory=list)
    gates: list[Gate] = Field(default_factory=list)
    unit_fields: list[ObsField] = Field(
        default_factory=list,
        description="单位属性: fields of the unit itself (has a website ...), answered once per unit (or given in the units file) and tested by any condition of the file by their id.",
    )
    parts: list[Part] = Field(default_factory=list, description="A table made of parts, each scored on its own scale and weighted into the total.")
    note: Optional[Text] = None
    items: list[Item] = Field(
        default_factory=list,
        description="A table with a single level (类别 | 分值 | 考核标准): its rows, without sections and groups. They are base items; sections may follow (bonus, penalty).",
    )
    sections: list[Section] = Field(default_factory=list)

    def model_post_init(self, context) -> None:
        # The rows of a single-level table are held in a section and a group
        # of their own, which no report names (``implicit``), so that every
        # walk over the tree sees them as base items.
        if self.items:
            group = Group.model_construct(id=IMPLICIT_GROUP, name=IMPLICIT_NAME, items=self.items)
            section = Section.model_construct(id=IMPLICIT_SECTION, name=IMPLICIT_NAME, groups=[group])
            object.__setattr__(self, "sections", [section] + list(self.sections))

    def class_label(self, cls: str) -> str:
        """A class as reports name it (its short name, else its name); a
        class the file does not declare, as given."""
        found = self.classes.get(cls)
        return cls if found is None else found.label

    @property
    def single_level(self) -> bool:
        """Whether the first section holds the rows of a single-level table."""
        return bool(self.items)

    def yaml_path(self, path: tuple) -> tuple:
        """The path in the rule file of a path in the tree: the rows of a
        single-level table are ``items``, not the first section's."""
        if not self.items or path[:1] != ("sections",) or len(path) < 2:
            return path
        if path[1] != 0:
            return ("sections", path[1] - 1) + path[2:]
        if path[2:5] == ("groups", 0, "items"):
            return path[4:]
        return ("items",)


# the ids and name of the section and group that hold a single-level table's
# rows (no id of a rule file starts with _)
IMPLICIT_SECTION, IMPLICIT_GROUP = "_table", "_rows"
IMPLICIT_NAME = "考评指标"


def implicit(part) -> bool:
    """Whether a section or group only holds a single-level table's rows."""
    return part.id in (IMPLICIT_SECTION, IMPLICIT_GROUP)


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
