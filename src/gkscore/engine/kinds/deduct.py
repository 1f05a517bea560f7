"""``deduct``: 扣N分 once when a condition holds (an award taken off)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from .award import Award
from .base import DEDUCTION, deduction_reason


class Deduct(Award):
    """扣N分 once when a condition holds."""

    kind: Literal["deduct"]

    order = 20
    direction = DEDUCTION

    def full_credit(self, fields: dict, cls: str) -> Decimal | None:
        return None

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return deduction_reason(step)
