"""``{field: x, <comparison>: value}``: a test on one observation field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar, Iterator, Optional, Union

from pydantic import ConfigDict, Field, PrivateAttr

from ...i18n import _
from ...problems import quote
from ...rules.base import Id, Num
from ...rules.findings import Finding, listed
from ...rules.threshold import WORDS
from ..formula import NO, YES, Cell, Unexpressible, any_of, date, num, text
from .node import TRUTH, ConditionNode, Getter

Scalar = Union[bool, Num, dt.date, str]

OPS = ("eq", "ne", "ge", "gt", "le", "lt")
_OP_TEXT = {"eq": "=", "ne": "≠", "ge": "≥", "gt": ">", "le": "≤", "lt": "<", "in": "∈"}
_OP_FORMULA = {"eq": "=", "ne": "<>", "ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
# what each field type may be compared with (value checks in ``check``)
_ORDERED = ("count", "number", "score")


class FieldTest(ConditionNode):
    """A test on one observation field.

    ``{field: x}`` is true when the yes/no field x is 是.  Comparisons:
    ``eq``, ``ne``, ``ge`` (>=), ``gt`` (>), ``le`` (<=), ``lt`` (<), ``in``,
    or in the words of the tables: ``above`` (高于/超过, >), ``at_least``
    (不低于/达到, >=), ``below`` (低于/不足, <), ``at_most`` (不高于/不超过, <=).
    Give at most one.  Dates compare as dates: ``le: 2021-03-31`` means on or
    before that day.
    """

    tag: ClassVar[str] = "field"
    shape: ClassVar[str] = "{field: ...}"

    field: Id
    eq: Optional[Scalar] = None
    ne: Optional[Scalar] = None
    ge: Optional[Union[Num, dt.date]] = None
    gt: Optional[Union[Num, dt.date]] = None
    le: Optional[Union[Num, dt.date]] = None
    lt: Optional[Union[Num, dt.date]] = None
    in_: Optional[list[str]] = Field(None, alias="in")
    above: Optional[Union[Num, dt.date]] = None
    at_least: Optional[Union[Num, dt.date]] = None
    below: Optional[Union[Num, dt.date]] = None
    at_most: Optional[Union[Num, dt.date]] = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    # the comparison the test makes (the first given; ``check`` refuses more)
    _test: Any = PrivateAttr(None)

    def model_post_init(self, context: Any) -> None:
        comps = self.comparisons()
        self._test = comps[0] if comps else None

    def comparisons(self) -> list[tuple[str, Any]]:
        """(comparison, value) of every comparison given; a threshold word
        is the comparison it names (``above`` is ``gt``)."""
        return [(op, value) for _key, op, value in self.written()]

    def written(self) -> list[tuple[str, str, Any]]:
        """(key as written, comparison, value) of every comparison given."""
        out = []
        for op in OPS:
            value = getattr(self, op)
            if value is not None:
                out.append((op, op, value))
        for key, op in WORDS.items():
            value = getattr(self, key)
            if value is not None:
                out.append((key, op, value))
        if self.in_ is not None:
            out.append(("in", "in", self.in_))
        return out

    @property
    def test(self) -> tuple | None:
        """(op, value) of the comparison, None for a bare yes/no test."""
        return self._test

    def holds(self, get: Getter, held: dict[str, bool] | None = None) -> bool:
        value = get(self.field)
        test = self._test
        if test is None:
            return value is True
        return compare(value, test[0], test[1])

    def own_tests(self) -> list[tuple[str, tuple]]:
        return [(self.field, TRUTH if self._test is None else self._test)]

    def describe(self, name=None) -> str:
        field = self.field if name is None else name(self.field)
        if self._test is None:
            return f"{field} = 是"
        op, want = self._test
        if isinstance(want, bool):
            want = "是" if want else "否"
        elif isinstance(want, list):
            want = "/".join(want)
        elif isinstance(want, Decimal):
            want = format(want.normalize(), "f")
        return f"{field} {_OP_TEXT[op]} {want}"

    def formula(self, cell: Cell, held: dict[str, str] | None = None) -> str:
        ref = cell(self.field)
        if self._test is None:
            return f'{ref}="{YES}"'
        op, want = self._test
        if isinstance(want, bool):
            if op not in ("eq", "ne"):
                raise Unexpressible(_("a yes/no field compared with {op} (only eq and ne have a formula)").format(op=op))
            is_yes = want if op == "eq" else not want
            return f'{ref}="{YES if is_yes else NO}"'
        if op == "in":
            return any_of([f"EXACT({ref},{text(str(v))})" for v in want])
        if isinstance(want, str):
            # gkscore compares text exactly; ``=`` in a spreadsheet ignores case
            if op == "eq":
                return f"EXACT({ref},{text(want)})"
            if op == "ne":
                return f"NOT(EXACT({ref},{text(want)}))"
            raise Unexpressible(_("a text value compared with {op} (only eq, ne and in have a formula)").format(op=op))
        if isinstance(want, dt.date):
            return f"{ref}{_OP_FORMULA[op]}{date(want)}"
        if isinstance(want, (Decimal, int)):
            return f"{ref}{_OP_FORMULA[op]}{num(want)}"
        raise Unexpressible(_("a comparison with {value}, which has no formula").format(value=quote(want)))

    def check(self, fields: dict, path: tuple, clause_ids_before: set[str] | None) -> Iterator[Finding]:
        field = fields.get(self.field)
        if field is None:
            message = _("the field {field} is not declared here (declared: {declared}); correct the name, or declare it under fields")
            yield Finding(path + ("field",), "unknown-field", message.format(field=quote(self.field), declared=listed(fields) or _("none")))
            return
        comps = self.written()
        if len(comps) > 1:
            yield Finding(path, "bad-condition", _("give at most one comparison in a field test; combine several tests with all: or any:"))
            return
        if not comps:
            if field.type != "bool":
                message = _("{{field: {name}}} alone tests a yes/no field, but {name} is of type {type}; add a comparison such as ge: 1")
                yield Finding(path, "bad-condition", message.format(name=self.field, type=field.type))
            return
        key, op, value = comps[0]
        ok = True
        if field.type == "bool":
            ok = op in ("eq", "ne") and isinstance(value, bool)
        elif field.type == "date":
            ok = op != "in" and isinstance(value, dt.date)
        elif field.type in _ORDERED:
            ok = op != "in" and isinstance(value, Decimal)
        elif field.type == "choice":
            values = value if op == "in" else [value]
            ok = op in ("eq", "ne", "in") and all(isinstance(v, str) and v in field.choices for v in values)
        if not ok:
            message = _("cannot compare the field {field} (type {type}) with {op}: {value}; {hint}").format(
                field=quote(self.field), type=field.type, op=key, value=quote(value), hint=_comparison_hint(field)
            )
            yield Finding(path + (key,), "bad-condition", message)


def _comparison_hint(field) -> str:
    """How a field of this type is tested."""
    if field.type == "bool":
        return _("test a yes/no field with {{field: {name}}}, or with eq: true / eq: false").format(name=field.id)
    if field.type == "date":
        return _("compare a date field with a date, e.g. le: 2021-03-31")
    if field.type == "choice":
        return _("use eq, ne or in with its choices: {choices}").format(choices=listed(field.choices))
    return _("compare it with a number, e.g. ge: 1")


def compare(value, op: str, want) -> bool:
    """``value <op> want`` as the rule language means it: yes/no only with
    eq/ne and never equal to a number, counts as decimals, dates as dates."""
    if isinstance(value, bool) or isinstance(want, bool):
        if op == "eq":
            return value is want
        if op == "ne":
            return value is not want
        raise TypeError("booleans compare with eq/ne only")
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if op == "eq":
        return value == want
    if op == "ne":
        return value != want
    if op == "in":
        return value in want
    if op == "ge":
        return value >= want
    if op == "gt":
        return value > want
    if op == "le":
        return value <= want
    if op == "lt":
        return value < want
    raise TypeError(f"unknown comparison {op}")  # pragma: no cover
