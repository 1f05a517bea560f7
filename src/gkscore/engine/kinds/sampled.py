"""``sampled``: 随机抽查N个...每少一个扣X分, a count out of a sample."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator, Literal

from pydantic import Field

from ...exact import fmt, mul
from ...i18n import _
from ...problems import quote
from ...rules.base import Id, PerClass, Whole
from ...rules.findings import Finding
from ..conditions.node import Getter
from ..formula import Cell, num
from .base import DEDUCTION, CheckContext, ClauseKind, Effect, deduction_reason, formula_points, points


class Sampled(ClauseKind):
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

    order = 40
    direction = DEDUCTION
    field_type = "count"

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        n = get(self.field)
        per = points(self.per, cls)
        bad = self.sample - n if self.counts == "passed" else n
        d = mul(per, Decimal(bad))
        return -d, d > 0, (per, n)

    def expr(self, operands) -> str:
        per, n = operands
        if self.counts == "passed":
            return f"{fmt(per, None)} × ({self.sample} - {n})"
        return f"{fmt(per, None)} × {n}"

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return deduction_reason(step)

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        per = num(formula_points(self.per, cls))
        ref = cell(self.field)
        return (f"{per}*({self.sample}-{ref})" if self.counts == "passed" else f"{per}*{ref}"), None

    def check_field(self, field, ctx: CheckContext) -> Iterator[Finding]:
        if field.max != self.sample:
            message = _("the field {field} must be bounded by the sample size: give it max: {n}")
            yield Finding(ctx.path + ("sample",), "sample-bound", message.format(field=quote(self.field), n=self.sample))
