"""``judged``: a judged score (完备度情况, 栏目设置合理...), the value of a
score field."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator, Literal

from ...exact import fmt
from ...rules.base import Id, per_class
from ...i18n import _
from ...problems import quote
from ...rules.findings import Finding, number_text
from ..conditions.node import Getter
from ..formula import Cell
from .base import CheckContext, ClauseKind, Effect, credit_reason


class Judged(ClauseKind):
    """A judged score (完备度情况, 栏目设置合理...): the value of a score field."""

    kind: Literal["judged"]
    field: Id

    order = 60
    field_type = "score"

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        v = get(self.field)
        return v, v > 0, v

    def expr(self, operands) -> str:
        return fmt(operands, None)

    def full_credit(self, fields: dict, cls: str) -> Decimal | None:
        f = fields.get(self.field)
        return None if f is None or f.type != "score" else per_class(f.max, cls)

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return credit_reason(step, self.full_credit(fields, cls), step.expr)

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        return cell(self.field), None

    def check_field(self, field, ctx: CheckContext) -> Iterator[Finding]:
        for c in ctx.classes:
            m = per_class(ctx.item.max, c)
            fm = per_class(field.max, c)
            if m is not None and fm is None:
                message = _("the score field {field} has no max for the class {cls}; add it")
                yield Finding(ctx.item_path + ("fields",), "class-missing", message.format(field=quote(field.id), cls=c))
            elif m is not None and fm > m:
                message = _("a judged score up to {score} exceeds the item's maximum {max} for the class {cls}; lower the field's max to at most {max}")
                yield Finding(ctx.path + ("field",), "over-max", message.format(score=number_text(fm), max=number_text(m), cls=c))
