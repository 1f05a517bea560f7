"""``deduct_each``: 每发现1个扣N分, per occurrence counted in a field, with an
optional cap."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, Optional

from pydantic import Field

from ...exact import fmt, mul
from ...rules.base import Id, PerClass, per_class
from ..conditions.node import Getter
from ..formula import Cell, num
from .base import DEDUCTION, ClauseKind, Effect, deduction_reason, formula_points, points


class DeductEach(ClauseKind):
    """每发现1个扣N分: ``per`` points for every occurrence counted in ``field``."""

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
        d = mul(per, Decimal(n))
        cap = per_class(self.cap, cls) if self.cap is not None else None
        capped = cap is not None and d > cap
        if capped:
            d = cap
        return -d, d > 0, (per, n, cap if capped else None)

    def expr(self, operands) -> str:
        per, n, cap = operands
        text = f"{fmt(per, None)} × {n}"
        return text if cap is None else f"min({text}, {fmt(cap, None)})"

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return deduction_reason(step)

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        per = num(formula_points(self.per, cls))
        magnitude = f"{per}*{cell(self.field)}"
        cap = per_class(self.cap, cls) if self.cap is not None else None
        if cap is not None:
            magnitude = f"MIN({magnitude},{num(cap)})"
        return magnitude, None
