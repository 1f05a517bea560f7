"""``deduct``: 扣N分 once when a condition holds."""

from __future__ import annotations

from typing import Literal

from ...exact import ZERO, fmt
from ...rules.base import PerClass
from ..conditions.node import ConditionNode, Getter
from ..conditions.registry import Condition
from ..formula import Cell, num
from .base import DEDUCTION, ClauseKind, Effect, deduction_reason, formula_points, points


class Deduct(ClauseKind):
    """扣N分 once when a condition holds."""

    kind: Literal["deduct"]
    when: Condition
    points: PerClass

    order = 20
    direction = DEDUCTION

    def body_conditions(self) -> list[tuple[str, ConditionNode]]:
        return [("when", self.when)]

    def label(self) -> str:
        return self.when.describe()

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        ok = self.when.holds(get, held)
        p = points(self.points, cls)
        return (-p if ok else ZERO), ok, p

    def expr(self, operands) -> str:
        return fmt(operands, None)

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return deduction_reason(step)

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        ok = self.when.formula(cell, held)
        p = num(formula_points(self.points, cls))
        return f"IF({ok},{p},0)", ok
