"""``{all: [...]}``, ``{any: [...]}`` and ``{not: ...}``.

``Condition`` (the union of every node type) is a forward reference here;
``conditions/registry`` resolves it once the union is built."""

from __future__ import annotations

from typing import ClassVar, Iterator

from pydantic import ConfigDict, Field

from ...i18n import _
from ...rules.findings import Finding
from ..formula import Cell, all_of, any_of
from .node import ConditionNode, Getter


def conjunction(conditions, name=None) -> str:
    """Conditions that must all hold, in words: ``a 且 b``."""
    return _(" and ").join(c.describe(name) for c in conditions)


class AllOf(ConditionNode):
    tag: ClassVar[str] = "all"
    shape: ClassVar[str] = "{all: [...]}"

    all: list["Condition"] = Field(min_length=1)  # noqa: F821 - resolved by the registry

    def holds(self, get: Getter, held: dict[str, bool] | None = None) -> bool:
        # Evaluate every part so a missing value anywhere is reported, rather
        # than hidden behind an early False.
        results = [c.holds(get, held) for c in self.all]
        return all(results)

    def children(self) -> list[ConditionNode]:
        return self.all

    def describe(self, name=None) -> str:
        return conjunction(self.all, name)

    def formula(self, cell: Cell, held: dict[str, str] | None = None) -> str:
        return all_of([c.formula(cell, held) for c in self.all])

    def check(self, fields: dict, path: tuple, clause_ids_before: set[str] | None) -> Iterator[Finding]:
        for i, c in enumerate(self.all):
            yield from c.check(fields, path + ("all", i), clause_ids_before)


class AnyOf(ConditionNode):
    tag: ClassVar[str] = "any"
    shape: ClassVar[str] = "{any: [...]}"

    any: list["Condition"] = Field(min_length=1)  # noqa: F821

    def holds(self, get: Getter, held: dict[str, bool] | None = None) -> bool:
        results = [c.holds(get, held) for c in self.any]
        return any(results)

    def children(self) -> list[ConditionNode]:
        return self.any

    def describe(self, name=None) -> str:
        return "(" + _(" or ").join(c.describe(name) for c in self.any) + ")"

    def formula(self, cell: Cell, held: dict[str, str] | None = None) -> str:
        return any_of([c.formula(cell, held) for c in self.any])

    def check(self, fields: dict, path: tuple, clause_ids_before: set[str] | None) -> Iterator[Finding]:
        for i, c in enumerate(self.any):
            yield from c.check(fields, path + ("any", i), clause_ids_before)


class NotOf(ConditionNode):
    tag: ClassVar[str] = "not"
    shape: ClassVar[str] = "{not: ...}"

    not_: "Condition" = Field(alias="not")  # noqa: F821
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def holds(self, get: Getter, held: dict[str, bool] | None = None) -> bool:
        return not self.not_.holds(get, held)

    def children(self) -> list[ConditionNode]:
        return [self.not_]

    def describe(self, name=None) -> str:
        return _("not ({condition})").format(condition=self.not_.describe(name))

    def formula(self, cell: Cell, held: dict[str, str] | None = None) -> str:
        return f"NOT({self.not_.formula(cell, held)})"

    def check(self, fields: dict, path: tuple, clause_ids_before: set[str] | None) -> Iterator[Finding]:
        yield from self.not_.check(fields, path + ("not",), clause_ids_before)
