"""A small arithmetic over observation fields, for ``{calc: ...}``: numbers,
field ids, ``+ - * /``, a leading minus and parentheses, nothing else.

    failed / checked            a ratio (无法访问的次数占比)
    a + b + c                   a sum (累计)
    published - deadline        two dates: the days between them
    (a - b) * 100 / b           a change in percent

A tiny recursive-descent parser of its own (no ``eval``, no names other
than fields): ``parse`` gives a tree or a ``ParseError`` with the offset of
the offending character, ``check`` the type of the value (a number, or a
date that only a difference of two dates may use) and ``evaluate`` the
exact Decimal value; ``formula`` writes the spreadsheet form.  A field id is
read greedily, so ``a-b`` is the field ``a-b``: write ``a - b`` to subtract.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from ...exact import CONTEXT

NUM, DATE = "number", "date"

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?(?![A-Za-z0-9_]))|(?P<name>[a-z][a-z0-9_.]*(?:-[a-z0-9][a-z0-9_.]*)*)|(?P<op>[-+*/()]))")
MAX_LENGTH = 500
MAX_DEPTH = 30


class ParseError(Exception):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message, self.offset = message, offset


class Undefined(Exception):
    """A division by zero: the value has none."""


@dataclass(frozen=True)
class Node:
    offset: int


@dataclass(frozen=True)
class Number(Node):
    value: Decimal


@dataclass(frozen=True)
class Field(Node):
    name: str


@dataclass(frozen=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of every token, then ("end", "", len)."""
    out = []
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            out.append(("end", "", i))
            return out
        m = _TOKEN.match(text, i)
        if m is None:
            raise ParseError("unexpected", i)
        kind = m.lastgroup
        start = m.start(kind)
        out.append((kind, m.group(kind), start))
        i = m.end()


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def expr(self) -> Node:
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            _k, op, at = self.take()
            node = Binary(at, op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            _k, op, at = self.take()
            node = Binary(at, op, node, self.unary())
        return node

    def unary(self) -> Node:
        kind, text, at = self.peek()
        if kind == "op" and text == "-":
            self.take()
            return Negate(at, self.unary())
        return self.atom()

    def atom(self) -> Node:
        kind, text, at = self.take()
        if kind == "num":
            return Number(at, Decimal(text))
        if kind == "name":
            return Field(at, text)
        if kind == "op" and text == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ParseError("deep", at)
            node = self.expr()
            kind2, text2, at2 = self.take()
            if text2 != ")":
                raise ParseError("close", at2)
            self.depth -= 1
            return node
        raise ParseError("operand" if kind != "end" else "incomplete", at)


def parse(text: str) -> Node:
    """The tree of an expression, or ParseError(reason, offset): reason is
    one of unexpected, operand, incomplete, close, trailing, deep, long."""
    if len(text) > MAX_LENGTH:
        raise ParseError("long", MAX_LENGTH)
    p = _Parser(text)
    node = p.expr()
    kind, _text, at = p.peek()
    if kind != "end":
        raise ParseError("trailing" if kind != "op" or _text != ")" else "unopened", at)
    return node


def fields(node: Node) -> list[str]:
    """The field ids the expression reads, in order, without repeats."""
    out: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Field):
            if n.name not in out:
                out.append(n.name)
        elif isinstance(n, Negate):
            walk(n.operand)
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)

    walk(node)
    return out


def type_of(node: Node, field_type) -> tuple[str | None, tuple[str, int, str] | None]:
    """(NUM or DATE, None), or (None, (reason, offset, detail)) where the
    expression cannot be computed.  ``field_type(name)`` is the field's
    type, or None when undeclared."""
    if isinstance(node, Number):
        return NUM, None
    if isinstance(node, Field):
        t = field_type(node.name)
        if t is None:
            return None, ("unknown", node.offset, node.name)
        if t in ("count", "number", "score"):
            return NUM, None
        if t == "date":
            return DATE, None
        return None, ("type", node.offset, node.name)
    if isinstance(node, Negate):
        t, err = type_of(node.operand, field_type)
        if err is None and t == DATE:
            return None, ("date", node.offset, "-")
        return t, err
    left, err = type_of(node.left, field_type)
    if err is not None:
        return None, err
    right, err = type_of(node.right, field_type)
    if err is not None:
        return None, err
    if left == right == DATE and node.op == "-":
        return NUM, None  # days between two dates
    if DATE in (left, right):
        return None, ("date", node.offset, node.op)
    return NUM, None


def evaluate(node: Node, get) -> Decimal:
    """The exact value (dates subtract to days); Undefined on a division by
    zero; ``get`` raises Missing for a blank field."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Field):
        v = get(node.name)
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, (dt.date, Decimal)):
            return v
        if isinstance(v, int) and not isinstance(v, bool):
            return Decimal(v)
        raise TypeError(f"{node.name} is not a number or a date: {v!r}")
    if isinstance(node, Negate):
        return CONTEXT.minus(evaluate(node.operand, get))
    a, b = evaluate(node.left, get), evaluate(node.right, get)
    if node.op == "-" and isinstance(a, dt.date):
        return Decimal((a - b).days)
    if node.op == "+":
        return CONTEXT.add(a, b)
    if node.op == "-":
        return CONTEXT.subtract(a, b)
    if node.op == "*":
        return CONTEXT.multiply(a, b)
    if b == 0:
        raise Undefined()
    return CONTEXT.divide(a, b)


def divisors(node: Node) -> list[Node]:
    """The right-hand sides of every division, outermost first."""
    out: list[Node] = []
    if isinstance(node, Negate):
        out += divisors(node.operand)
    elif isinstance(node, Binary):
        if node.op == "/":
            out.append(node.right)
        out += divisors(node.left) + divisors(node.right)
    return out


def formula(node: Node, cell, number) -> str:
    """The spreadsheet form: ``cell(field)`` a reference, ``number(d)`` a
    literal; dates subtract to days there too."""
    if isinstance(node, Number):
        return number(node.value)
    if isinstance(node, Field):
        return cell(node.name)
    if isinstance(node, Negate):
        return f"(-{formula(node.operand, cell, number)})"
    return f"({formula(node.left, cell, number)}{node.op}{formula(node.right, cell, number)})"


def text(node: Node, name=None) -> str:
    """The expression written back with single spaces (for reasons);
    ``name(field)`` shows a field, its id by default."""
    if isinstance(node, Number):
        return format(node.value, "f")
    if isinstance(node, Field):
        return node.name if name is None else name(node.name)
    if isinstance(node, Negate):
        inner = text(node.operand, name)
        return f"-{inner}" if isinstance(node.operand, (Number, Field)) else f"-({inner})"
    left, right = text(node.left, name), text(node.right, name)
    if isinstance(node.left, Binary) and _loose(node.left.op, node.op, False):
        left = f"({left})"
    if isinstance(node.right, Binary) and _loose(node.right.op, node.op, True):
        right = f"({right})"
    return f"{left} {node.op} {right}"


def _loose(inner: str, outer: str, right: bool) -> bool:
    """Whether ``inner`` needs parentheses under ``outer``."""
    rank = {"+": 1, "-": 1, "*": 2, "/": 2}
    if rank[inner] < rank[outer]:
        return True
    return right and rank[inner] == rank[outer] and outer in ("-", "/")
