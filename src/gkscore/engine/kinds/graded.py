"""``graded``: graded levels, a choice field mapped to points (优/良/一般/差 =
10/8/6/0)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Iterator, Literal

from pydantic import Field

from ...exact import fmt
from ...rules.base import Id, NonNeg, per_class
from ...i18n import _
from ...rules.findings import Finding, listed, number_text
from ..conditions.node import Getter
from ..formula import Cell, num, text
from .base import CheckContext, ClauseKind, Effect, credit_reason


class Graded(ClauseKind):
    """Graded levels: a choice field mapped to points (优/良/一般/差 = 10/8/6/0)."""

    kind: Literal["graded"]
    field: Id
    levels: dict[Annotated[str, Field(min_length=1, max_length=32)], NonNeg] = Field(min_length=2)

    order = 70
    field_type = "choice"

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        v = get(self.field)
        p = self.levels[v]
        return p, p > 0, (p, v)

    def expr(self, operands) -> str:
        p, v = operands
        return f"{fmt(p, None)}({v})"

    def full_credit(self, fields: dict, cls: str) -> Decimal | None:
        return max(self.levels.values())

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return credit_reason(step, self.full_credit(fields, cls), f"{step.expr} = {fmt(step.delta, None)}")

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        ref = cell(self.field)
        magnitude = "NA()"  # a value outside the levels is an error, never a silent 0
        for level, p in reversed(list(self.levels.items())):
            magnitude = f"IF(EXACT({ref},{text(level)}),{num(p)},{magnitude})"
        return magnitude, None

    def check_field(self, field, ctx: CheckContext) -> Iterator[Finding]:
        if set(field.choices) != set(self.levels):
            message = _("the levels ({levels}) must name exactly the field's choices ({choices}); make the two lists the same")
            yield Finding(ctx.path + ("levels",), "levels", message.format(levels=listed(self.levels), choices=listed(field.choices)))
        for c in ctx.classes:
            m = per_class(ctx.item.max, c)
            if m is not None and max(self.levels.values()) > m:
                message = _("a level is worth more than the item's maximum {max} for the class {cls}; lower the level or raise the maximum")
                yield Finding(ctx.path + ("levels",), "over-max", message.format(max=number_text(m), cls=c))
