"""``award``: 得N分, points when a condition holds or for each occurrence
counted in a field, with a cap (一项可得2分,最高不超过6分); the points may be
a share of the item's 分值 (该项分值的60%).  ``deduct`` is the same taken
off; ``deduct_each`` is ``deduct`` with ``each``, under its older name."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, Optional

from pydantic import Field

from ...exact import ZERO, fmt, mul
from ...i18n import _
from ...problems import quote
from ...rules.base import Id, NonNeg, PerClass, per_class
from ...rules.findings import Finding
from ..conditions.node import ConditionNode, Getter
from ..conditions.registry import Condition
from ..formula import Cell, Unexpressible, num
from .base import DEDUCTION, CheckContext, Checks, ClauseKind, Effect, credit_reason, formula_points, points, unknown_field


def per_occurrence(per: Decimal, n, cap: Decimal | None) -> tuple[Decimal, Decimal | None]:
    """(per × n, capped at ``cap``; the cap when it bit, else None): the
    arithmetic of every clause that counts occurrences."""
    d = mul(per, Decimal(n))
    if cap is not None and d > cap:
        return cap, cap
    return d, None


def per_occurrence_expr(per: Decimal, n, cap: Decimal | None) -> str:
    text = f"{fmt(per, None)} × {n}"
    return text if cap is None else f"min({text}, {fmt(cap, None)})"


def per_occurrence_formula(per: str, ref: str, cap: Decimal | None) -> str:
    magnitude = f"{per}*{ref}"
    return magnitude if cap is None else f"MIN({magnitude},{num(cap)})"


class Award(ClauseKind):
    """得N分: ``points`` when the condition ``when`` holds, or for each
    occurrence counted in the field ``each`` (at most ``cap``).  ``share``
    instead of ``points`` gives them as a share of the item's 分值."""

    kind: Literal["award"]
    when: Optional[Condition] = Field(None, description="The points are given when this holds.")
    each: Optional[Id] = Field(None, description="A count field: the points are given for each occurrence it counts (每…得N分).")
    points: Optional[PerClass] = None
    share: Optional[NonNeg] = Field(None, description="The points as a share of the item's 分值: 0.6 is 该项分值的60%.")
    cap: Optional[PerClass] = Field(None, description="With each: the most the clause gives (最高不超过N分) or takes off (最多扣N分).")

    order = 10

    # ------------------------------------------------------------ reading

    def body_conditions(self) -> list[tuple[str, ConditionNode]]:
        return [("when", self.when)] if self.when is not None else []

    def value_fields(self) -> list[str]:
        return [self.each] if self.each is not None else []

    def label(self, name=None) -> str:
        if self.each is not None:
            return self.each if name is None else name(self.each)
        return self.when.describe(name)

    # ------------------------------------------------------------ scoring

    def unit_points(self, cls: str) -> Decimal:
        """The points (per occurrence, with ``each``) for a class."""
        if self.share is None:
            return points(self.points, cls)
        return mul(self.share, self.item_max(cls))

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        p = self.unit_points(cls)
        sign = -1 if self.direction == DEDUCTION else 1
        if self.each is not None:
            n = get(self.each)
            d, capped = per_occurrence(p, n, per_class(self.cap, cls))
            return sign * d, d > 0, (p, n, capped)
        if not self.when.holds(get, held):
            return ZERO, False, p
        return sign * p, True, p

    def expr(self, operands) -> str:
        if self.each is not None:
            return per_occurrence_expr(*operands)
        return fmt(operands, None)

    def full_credit(self, fields: dict, cls: str) -> Decimal | None:
        if self.each is None:
            return self.unit_points(cls) if self.share is not None else per_class(self.points, cls)
        cap = per_class(self.cap, cls)
        if cap is not None:
            return cap
        field = fields.get(self.each)
        if field is not None and getattr(field, "max", None) is not None:
            return mul(self.unit_points(cls), Decimal(field.max))
        return None

    def reason(self, step, fields: dict, cls: str) -> str | None:
        if self.each is not None:
            return credit_reason(step, self.full_credit(fields, cls), f"{step.expr} = {fmt(step.delta, None)}")
        # an only_if that does not hold leaves nothing to miss (no expr)
        if not step.applied and (self.only_if is None or step.expr):
            return _("not awarded {points}: {rule}").format(points=step.expr, rule=step.text)
        return None

    # ------------------------------------------------------------ formula

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        p = num(self.unit_points(cls) if self.share is not None else formula_points(self.points, cls))
        if self.each is not None:
            return per_occurrence_formula(p, cell(self.each), per_class(self.cap, cls)), None
        if self.when is None:  # pragma: no cover - refused by the checks
            raise Unexpressible(_("an award with neither when nor each"))
        ok = self.when.formula(cell, held)
        return f"IF({ok},{p},0)", ok

    # ------------------------------------------------------------- checks

    def check(self, ctx: CheckContext) -> Checks:
        unusable = False
        if (self.when is None) == (self.each is None):
            message = _("a {kind} clause gives its points when a condition holds (when:) or for each occurrence counted in a field (each:); give one of the two")
            yield Finding(ctx.path, "clause-keys", message.format(kind=self.kind))
            unusable = True
        if (self.points is None) == (self.share is None):
            message = _("give the points of a {kind} clause once: as points: N, or as share: of the item's 分值 (share: 0.6 is 60%)")
            yield Finding(ctx.path, "clause-keys", message.format(kind=self.kind))
            unusable = True
        if self.share is not None and self.share > 1:
            message = _("share is a part of the item's 分值, at most 1 (0.6 is 60%); write the share as a fraction")
            yield Finding(ctx.path + ("share",), "share", message)
        if self.cap is not None and self.each is None:
            message = _("cap limits the points counted per occurrence (each:); a clause without each: gives its points once, delete cap")
            yield Finding(ctx.path + ("cap",), "clause-keys", message)
        if self.each is not None:
            field = ctx.fields.get(self.each)
            if field is None:
                yield unknown_field(ctx, self.each, ctx.path + ("each",))
                unusable = True
            elif field.type != "count":
                message = _("each: counts occurrences and needs a field of type count; {field} is of type {type}")
                yield Finding(ctx.path + ("each",), "field-type", message.format(field=quote(self.each), type=field.type))
                unusable = True
        return unusable

