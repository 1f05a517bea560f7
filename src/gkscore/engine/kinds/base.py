"""What every clause kind is: a pydantic model that knows how it scores.

A clause kind is one module holding one subclass of ``ClauseKind``: its
fields (with ``kind: Literal["name"]``), its direction, and the methods
below.  ``registry.register`` makes it part of the rule language (the
``Clause`` union of ``rules/model.py``), the scoring engine, the checks and
the formula workbook.  docs/architecture.md walks through adding one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Generator, Iterator, Optional

from pydantic import Field, PrivateAttr

from ...exact import fmt
from ...i18n import _, pgettext
from ...problems import quote
from ...rules.base import Id, Strict, Text, per_class
from ...rules.findings import Finding
from ..conditions.node import ConditionNode, Getter
from ..conditions.registry import Condition
from ..formula import Cell, Unexpressible

CREDIT = "credit"  # adds to the item's score (which starts from 0)
DEDUCTION = "deduction"  # takes points off (the item starts from its 分值)

# (signed delta, whether the clause took effect, what ``expr`` shows)
Effect = tuple[Decimal, bool, Any]
Checks = Generator[Finding, None, bool]


@dataclass(frozen=True)
class CheckContext:
    """Where a clause is checked: its item, the item's fields by id, the
    rule file's classes, and the YAML paths of the item and the clause."""

    item: Any
    fields: dict
    classes: list
    item_path: tuple
    path: tuple


def points(value, cls: str) -> Decimal:
    """A PerClass value for a class the item applies to (the checks make sure
    it is given)."""
    p = per_class(value, cls)
    if p is None:
        raise ValueError("no points for class")
    return p


def formula_points(value, cls: str) -> Decimal:
    p = per_class(value, cls)
    if p is None:
        raise Unexpressible(_("no points for class {cls}").format(cls=quote(cls)))
    return p


class ClauseKind(Strict):
    id: Optional[Id] = None
    text: Optional[Text] = Field(None, description="The verbatim words of this clause, when the item has several.")
    only_if: Optional[Condition] = Field(None, description="The clause applies only when this holds (e.g. 再扣5分).")
    note: Optional[Text] = Field(None, description="The reading chosen where the source is ambiguous; reported by lint.")

    # where the kind comes in the rule language's list of kinds (the union,
    # the JSON schema, messages); the built-in kinds are 10, 20, ... 80
    order: ClassVar[int] = 100
    direction: ClassVar[str] = CREDIT
    # the type of ``field`` for a kind that reads one field (checked)
    field_type: ClassVar[Optional[str]] = None
    # the PerClass keys whose classes the checks compare with the rule file's
    per_class_keys: ClassVar[tuple[str, ...]] = ("points", "per", "cap")

    # the 分值 of the item holding the clause (its ``max``), set by the item:
    # what "该项分值的60%" is a share of
    _item_max: Any = PrivateAttr(None)

    def bind_item(self, item_max) -> None:
        self._item_max = item_max

    def item_max(self, cls: str) -> Decimal:
        return points(self._item_max, cls)

    # ------------------------------------------------------------ reading

    def body_conditions(self) -> list[tuple[str, ConditionNode]]:
        """(key, condition) of the conditions the kind itself evaluates."""
        return []

    def conditions(self) -> list[tuple[str, ConditionNode]]:
        """(key, condition) of every condition of the clause, only_if first."""
        own = [("only_if", self.only_if)] if self.only_if is not None else []
        return own + self.body_conditions()

    def value_fields(self) -> list[str]:
        """Fields whose values the kind uses as such (a count, a score...),
        not only through a condition."""
        field = getattr(self, "field", None) if self.field_type is not None else None
        return [field] if field is not None else []

    def reads(self) -> list[str]:
        """Every field the clause reads, only_if first, without repeats."""
        out: list[str] = []
        for _key, cond in self.conditions():
            for f in cond.field_ids():
                if f not in out:
                    out.append(f)
        for f in self.value_fields():
            if f not in out:
                out.append(f)
        return out

    def label(self, name=None) -> str:
        """What tells this clause apart when several share the item's words:
        the field it reads, else the fields; ``name(field)`` shows a field
        (its id by default)."""
        show = name or (lambda f: f)
        field = getattr(self, "field", None)
        if field:
            return show(field)
        fields = self.reads()
        return pgettext("list separator", ", ").join(show(f) for f in fields) if fields else self.kind

    # ------------------------------------------------------------ scoring

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        """The clause's effect for the values ``get`` gives (raises Missing
        for a blank field).  Exact Decimal arithmetic (``exact``); the item
        clamps and rounds."""
        raise NotImplementedError

    def expr(self, operands: Any) -> str:
        """The arithmetic of an ``apply`` result, e.g. ``0.5 × 3``."""
        raise NotImplementedError

    def full_credit(self, fields: dict, cls: str) -> Decimal | None:
        """The most a credit clause can give (满分 in reasons, and the lint
        of credits adding up to 分值); None when it has no fixed maximum."""
        return None

    def reason(self, step, fields: dict, cls: str) -> str | None:
        """Why this clause cost points, or None when it did not."""
        return None

    # ------------------------------------------------------------ formula

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        """(magnitude, holds): the spreadsheet form of the clause's effect
        before its sign, only_if and blank guard (``render/formula_expr``);
        ``holds`` is what ``{clause: id}`` sees, None for ``magnitude > 0``."""
        raise Unexpressible(_("the clause kind {kind} has no formula").format(kind=quote(self.kind)))

    # ------------------------------------------------------------- checks

    def check(self, ctx: CheckContext) -> Checks:
        """Findings on the kind's own keys; returns True when the clause is
        unusable (its field unknown or of the wrong type)."""
        if self.field_type is None:
            return False
        field = yield from self.checked_field(ctx)
        if field is None:
            return True
        yield from self.check_field(field, ctx)
        return False

    def checked_field(self, ctx: CheckContext) -> Generator[Finding, None, Any]:
        """The declared field ``field`` names, or None after a finding."""
        name = self.field
        field = ctx.fields.get(name)
        if field is None:
            yield unknown_field(ctx, name, ctx.path + ("field",))
            return None
        if field.type != self.field_type:
            message = _("a {kind} clause needs a field of type {want}; {field} is of type {type}: change the field's type, or use another clause")
            yield Finding(ctx.path + ("field",), "field-type", message.format(kind=self.kind, want=self.field_type, field=quote(name), type=field.type))
            return None
        return field

    def check_field(self, field, ctx: CheckContext) -> Iterator[Finding]:
        """Further checks of a kind's field once it is known to be usable."""
        return iter(())


def unknown_field(ctx: CheckContext, name: str, path: tuple) -> Finding:
    message = _("the field {field} is not declared in item {item}; correct the name, or declare it under the item's fields")
    return Finding(path, "unknown-field", message.format(field=quote(name), item=quote(ctx.item.id)))


def deduction_reason(step) -> str | None:
    if step.delta < 0:
        # TRANSLATORS: why a deduction cost points: the arithmetic, the points, the rule's words.
        return _("minus {arithmetic} = {points}: {rule}").format(arithmetic=step.expr, points=fmt(-step.delta, None), rule=step.text)
    return None


def credit_reason(step, full: Decimal | None, shown: str) -> str | None:
    if full is not None and step.delta < full:
        # TRANSLATORS: a credit that fell short of its most: what it gave, its most, the rule's words.
        return _("scored {shown} of {full}: {rule}").format(shown=shown, full=fmt(full, None), rule=step.text)
    return None
