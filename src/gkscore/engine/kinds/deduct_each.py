"""``deduct_each``: 每发现1个扣N分, per occurrence counted in a field, with an
optional cap: ``deduct`` with ``each``, under its older name (the arithmetic
is ``award``'s)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from ...rules.base import Id, PerClass, per_class
from ..conditions.node import Getter
from ..formula import Cell, num
from .award import per_occurrence, per_occurrence_expr, per_occurrence_formula
from .base import DEDUCTION, ClauseKind, Effect, deduction_reason, formula_points, points


class DeductEach(ClauseKind):
    """每发现1个扣N分: ``per`` points for every occurrence counted in ``field``
    (the same as a deduct clause with each: field and points: per)."""

    kind: Literal["deduct_each"]
    field: Id
    per: PerClass
    cap: Optional[PerClass] = Field(None, description="Most this clause can deduct; the item floor (扣完为止) applies anyway.")

    order = 30
    direction = DEDUCTION
    field_type = "count"

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        n = get(self.field)
        per = points(self.per, cls)
        d, capped = per_occurrence(per, n, per_class(self.cap, cls))
        return -d, d > 0, (per, n, capped)

    def expr(self, operands) -> str:
        return per_occurrence_expr(*operands)

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return deduction_reason(step)

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        return per_occurrence_formula(num(formula_points(self.per, cls)), cell(self.field), per_class(self.cap, cls)), None
