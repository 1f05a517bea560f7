"""``award``: 得N分, points when a condition holds (``deduct`` is the same
taken off)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from ...exact import ZERO, fmt
from ...rules.base import PerClass, per_class
from ..conditions.node import ConditionNode, Getter
from ..conditions.registry import Condition
from ..formula import Cell, num
from .base import DEDUCTION, ClauseKind, Effect, formula_points, points


class Award(ClauseKind):
    """得N分: points when a condition holds."""

    kind: Literal["award"]
    when: Condition
    points: PerClass

    order = 10

    def body_conditions(self) -> list[tuple[str, ConditionNode]]:
        return [("when", self.when)]

    def label(self) -> str:
        return self.when.describe()

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        ok = self.when.holds(get, held)
        p = points(self.points, cls)
        if not ok:
            return ZERO, False, p
        return (-p if self.direction == DEDUCTION else p), True, p

    def expr(self, operands) -> str:
        return fmt(operands, None)

    def full_credit(self, fields: dict, cls: str) -> Decimal | None:
        return per_class(self.points, cls)

    def reason(self, step, fields: dict, cls: str) -> str | None:
        # an only_if that does not hold leaves nothing to miss (no expr)
        if not step.applied and (self.only_if is None or step.expr):
            return f"未得 {step.expr} 分: {step.text}"
        return None

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        ok = self.when.formula(cell, held)
        p = num(formula_points(self.points, cls))
        return f"IF({ok},{p},0)", ok
