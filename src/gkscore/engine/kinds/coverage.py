"""``coverage``: 4种形式均涉及得满分, credit by how many yes/no fields hold."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, Optional

from pydantic import Field

from ...exact import ZERO, div, fmt, mul
from ...i18n import _
from ...problems import quote
from ...rules.base import Id, PerClass, Whole, per_class
from ...rules.findings import Finding
from ..conditions.node import Getter, Missing
from ..formula import YES, Cell, num
from .base import CheckContext, Checks, ClauseKind, Effect, credit_reason, formula_points, points, unknown_field


class Coverage(ClauseKind):
    """Credit by coverage (4种形式均涉及得满分): yes/no fields, one per form.

    ``mode: all`` awards ``points`` only when at least ``full_at`` are covered;
    ``mode: proportional`` awards points x min(covered, full_at) / full_at.
    """

    kind: Literal["coverage"]
    fields: list[Id] = Field(min_length=2)
    points: PerClass
    full_at: Optional[Whole] = Field(None, gt=0)
    mode: Literal["all", "proportional"]

    order = 50

    def value_fields(self) -> list[str]:
        return list(self.fields)

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        # read every field, so that each blank one is reported
        values = []
        missing = None
        for f in self.fields:
            try:
                values.append(get(f))
            except Missing as exc:
                missing = exc
        if missing is not None:
            raise missing
        covered = sum(1 for v in values if v is True)
        full = self.full_at or len(self.fields)
        p = points(self.points, cls)
        if self.mode == "all":
            delta = p if covered >= full else ZERO
            return delta, delta > 0, (p, covered >= full)
        shown = min(covered, full)
        delta = div(mul(p, Decimal(shown)), Decimal(full))
        return delta, delta > 0, (p, shown)

    def expr(self, operands) -> str:
        p, got = operands
        if self.mode == "all":
            return fmt(p, None) if got else "0"
        return f"{fmt(p, None)} × {got}/{self.full_at or len(self.fields)}"

    def full_credit(self, fields: dict, cls: str) -> Decimal | None:
        return per_class(self.points, cls)

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return credit_reason(step, self.full_credit(fields, cls), f"{step.expr} = {fmt(step.delta, None)}")

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        covered = "(" + "+".join(f'({cell(f)}="{YES}")' for f in self.fields) + ")"
        full = self.full_at or len(self.fields)
        p = num(formula_points(self.points, cls))
        if self.mode == "all":
            return f"IF({covered}>={full},{p},0)", None
        return f"{p}*MIN({covered},{full})/{full}", None

    def check(self, ctx: CheckContext) -> Checks:
        for fi, name in enumerate(self.fields):
            f = ctx.fields.get(name)
            if f is None:
                yield unknown_field(ctx, name, ctx.path + ("fields", fi))
            elif f.type != "bool":
                message = _("coverage counts yes/no fields (type: bool); {field} is of type {type}")
                yield Finding(ctx.path + ("fields", fi), "field-type", message.format(field=quote(name), type=f.type))
        if self.full_at is not None and self.full_at > len(self.fields):
            message = _("full_at {n} is more than the {count} fields listed; lower it to at most {count}")
            yield Finding(ctx.path + ("full_at",), "full-at", message.format(n=self.full_at, count=len(self.fields)))
        return False
