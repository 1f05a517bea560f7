"""``percent``: credit as a percentage, points x value / 100."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator, Literal

from ...exact import div, fmt, mul
from ...i18n import _
from ...rules.base import Id, PerClass, per_class
from ...rules.findings import Finding
from ..conditions.node import Getter
from ..formula import Cell, num
from .base import CheckContext, ClauseKind, Effect, credit_reason, formula_points, points

_HUNDRED = Decimal(100)


class Percent(ClauseKind):
    """Credit as a percentage: points x value / 100 for a number field in 0..100."""

    kind: Literal["percent"]
    field: Id
    points: PerClass

    order = 80
    field_type = "number"

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        v = get(self.field)
        p = points(self.points, cls)
        delta = div(mul(p, v), _HUNDRED)
        return delta, delta > 0, (p, v)

    def expr(self, operands) -> str:
        p, v = operands
        return f"{fmt(p, None)} × {fmt(v, None)}%"

    def full_credit(self, fields: dict, cls: str) -> Decimal | None:
        return per_class(self.points, cls)

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return credit_reason(step, self.full_credit(fields, cls), f"{step.expr} = {fmt(step.delta, None)}")

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        p = num(formula_points(self.points, cls))
        return f"{p}*{cell(self.field)}/100", None

    def check_field(self, field, ctx: CheckContext) -> Iterator[Finding]:
        if field.min != 0 or field.max != 100:
            yield Finding(ctx.path + ("field",), "percent-bounds", _("a percent field needs min: 0 and max: 100; set them on the field"))
