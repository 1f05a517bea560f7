"""What every condition node can do, and ``Missing``.

A condition over a missing value is neither true nor false: ``holds`` raises
``Missing`` so that the caller marks the item incomplete instead of silently
scoring it as 0 or as full credit.
"""

from __future__ import annotations

from typing import Callable, ClassVar, Iterator

from ...rules.base import Strict
from ...rules.findings import Finding
from ..formula import Cell


class Missing(Exception):
    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


Getter = Callable[[str], object]  # field id -> value, raises Missing

# The test a bare ``{field: x}`` makes: the value is True.
TRUTH = ("is", True)
# What a node that computes with a field's value (``{calc: ...}``) "tests":
# the value itself, which a memo key must then keep whole.
RAW = ("value", None)


class ConditionNode(Strict):
    """A node of a condition tree.  ``tag`` is the key that marks the node in
    a rule file ({field: ...}, {all: [...]}, ...)."""

    tag: ClassVar[str]
    shape: ClassVar[str]  # how it is written, for messages: {all: [...]}

    def holds(self, get: Getter, held: dict[str, bool] | None = None) -> bool:
        """Whether it holds for the values ``get`` gives (``held``: which
        earlier clauses of the item took effect)."""
        raise NotImplementedError

    def children(self) -> list["ConditionNode"]:
        return []

    def own_tests(self) -> list[tuple[str, tuple]]:
        """(field, comparison) of the field this node itself tests."""
        return []

    def tests(self) -> Iterator[tuple[str, tuple]]:
        """(field, comparison) of every field test in the tree, in order."""
        yield from self.own_tests()
        for child in self.children():
            yield from child.tests()

    def field_ids(self) -> list[str]:
        """The fields the tree reads, in order, without repeats."""
        out: list[str] = []
        for field, _test in self.tests():
            if field not in out:
                out.append(field)
        return out

    def describe(self, name: Callable[[str], str] | None = None) -> str:
        """A short human rendering, e.g. ``weight ≥ 4`` or ``a 且 b``;
        ``name(field)`` shows a field (its id by default)."""
        raise NotImplementedError

    def formula(self, cell: Cell, held: dict[str, str] | None = None) -> str:
        """The boolean spreadsheet formula (``held``: clause id -> the formula
        of "that clause took effect")."""
        raise NotImplementedError

    def check(self, fields: dict, path: tuple, clause_ids_before: set[str] | None) -> Iterator[Finding]:
        """What a rule file may get wrong in this node: ``fields`` are the
        fields declared where the condition is, ``clause_ids_before`` the ids
        of the earlier clauses of the item (None outside an item)."""
        return iter(())
