"""``{calc: "failed / checked", above: 0.05}``: a test on simple arithmetic of
fields (a ratio, a sum, the days between two dates), in exact decimals.

The expression (``expression.py``) is parsed once, when the rule file is
read; its value is exact, rounded to ``PLACES`` decimals (halves away from
zero) before it is compared, so that the formula workbook, which computes in
binary floating point, compares the same value.  A division by zero gives no
value, and a comparison with no value does not hold (0 failures out of 0
checks are not "more than 5%"); ``{not: ...}`` of it does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, Iterator, Optional

from pydantic import Field, PrivateAttr

from ...exact import q
from ...i18n import N_, _
from ...problems import quote
from ...rules.base import Num
from ...rules.findings import Finding, listed
from ...rules.threshold import WORDS
from ..formula import Cell, any_of, num
from . import expression as ex
from .field_test import OPS, compare
from .node import RAW, ConditionNode, Getter

PLACES = 10
_OP_TEXT = {"eq": "=", "ne": "≠", "ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
_OP_FORMULA = {"eq": "=", "ne": "<>", "ge": ">=", "gt": ">", "le": "<=", "lt": "<"}

_PARSE = {
    "unexpected": N_("this character cannot be read here; an expression has numbers, field ids, + - * / and parentheses"),
    "operand": N_("a number, a field id or ( is missing here"),
    "incomplete": N_("the expression ends too early; a number, a field id or ( is missing at the end"),
    "close": N_("a ) is missing here"),
    "unopened": N_("this ) closes nothing; delete it or add its ("),
    "trailing": N_("an operator (+ - * /) is missing here"),
    "deep": N_("the parentheses nest too deep; simplify the expression"),
    "long": N_("the expression is too long (500 characters at most); simplify it"),
}
_TYPE = {
    "unknown": N_("the field {name} is not declared here (declared: {declared}); correct the name, or declare it under fields{hint}"),
    "type": N_("the field {name} is not a number (count, number, score) or a date, so it cannot be computed with"),
    "date": N_("dates can only be subtracted from each other (the days between them); {op} cannot be used with a date here"),
}


class Calc(ConditionNode):
    """A comparison of simple arithmetic of fields (numbers, field ids,
    + - * /, parentheses): ``{calc: "failed / checked", above: 0.05}``.  Two
    date fields subtract to the days between them.  The value is rounded to
    10 decimal places before it is compared; a division by zero makes the
    test false."""

    tag: ClassVar[str] = "calc"
    shape: ClassVar[str] = "{calc: ...}"

    calc: str = Field(min_length=1, max_length=ex.MAX_LENGTH, description="The expression, e.g. failed / checked, or a + b, or published - deadline (days).")
    eq: Optional[Num] = None
    ne: Optional[Num] = None
    ge: Optional[Num] = None
    gt: Optional[Num] = None
    le: Optional[Num] = None
    lt: Optional[Num] = None
    above: Optional[Num] = None
    at_least: Optional[Num] = None
    below: Optional[Num] = None
    at_most: Optional[Num] = None

    # the parsed expression (None when it does not parse: ``check`` says why)
    _tree: Any = PrivateAttr(None)
    _error: Any = PrivateAttr(None)

    def model_post_init(self, context: Any) -> None:
        try:
            self._tree = ex.parse(self.calc)
        except ex.ParseError as exc:
            self._error = exc

    def written(self) -> list[tuple[str, str, Decimal]]:
        """(key as written, comparison, value) of every comparison given."""
        out = [(op, op, getattr(self, op)) for op in OPS if getattr(self, op) is not None]
        out += [(key, op, getattr(self, key)) for key, op in WORDS.items() if getattr(self, key) is not None]
        return out

    @property
    def test(self) -> tuple[str, Decimal]:
        (_key, op, want), *_rest = self.written()
        return op, want

    def value(self, get: Getter) -> Decimal | None:
        """The rounded value; None when a division by zero leaves it undefined."""
        try:
            return q(ex.evaluate(self._tree, get), PLACES)
        except ex.Undefined:
            return None

    def holds(self, get: Getter, held: dict[str, bool] | None = None) -> bool:
        v = self.value(get)
        if v is None:
            return False
        op, want = self.test
        return compare(v, op, want)

    def own_tests(self) -> list[tuple[str, tuple]]:
        # the values themselves are used, not one comparison of each
        return [(f, RAW) for f in ex.fields(self._tree)] if self._tree is not None else []

    def expression(self, name=None) -> str:
        """The expression written back with single spaces; ``name(field)``
        shows a field (its id by default)."""
        return ex.text(self._tree, name)

    def describe(self, name=None) -> str:
        op, want = self.test
        return f"{self.expression(name)} {_OP_TEXT[op]} {format(want.normalize(), 'f')}"

    def formula(self, cell: Cell, held: dict[str, str] | None = None) -> str:
        op, want = self.test
        value = f"ROUND({ex.formula(self._tree, cell, num)},{PLACES})"
        test = f"{value}{_OP_FORMULA[op]}{num(want)}"
        zero = [f"ROUND({ex.formula(d, cell, num)},{PLACES})=0" for d in ex.divisors(self._tree)]
        return f"IF({any_of(zero)},FALSE,{test})" if zero else test

    def check(self, fields: dict, path: tuple, clause_ids_before: set[str] | None) -> Iterator[Finding]:
        at = path + ("calc",)
        if self._error is not None:
            yield Finding(at, "bad-expression", _(_PARSE[self._error.message]), offset=self._error.offset)
            return
        comps = self.written()
        if len(comps) != 1:
            message = _("give one comparison of the value, e.g. above: 0.05 (or at_least, below, at_most, eq, ne)")
            yield Finding(path, "bad-condition", message)

        def field_type(name: str):
            f = fields.get(name)
            return None if f is None else f.type

        kind, err = ex.type_of(self._tree, field_type)
        if err is not None:
            reason, offset, detail = err
            hint = _("; write spaces around - to subtract (a - b)") if reason == "unknown" and "-" in detail else ""
            message = _(_TYPE[reason]).format(name=quote(detail), declared=listed(fields) or _("none"), hint=hint, op=detail)
            code = "unknown-field" if reason == "unknown" else "bad-expression"
            yield Finding(at, code, message, offset=offset)
        elif kind == ex.DATE:
            message = _("the value of this expression is a date; compare a date field with a field test ({field: x, at_most: 2021-03-31}), or subtract two dates to count days")
            yield Finding(at, "bad-expression", message)
