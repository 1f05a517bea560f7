"""``{clause: id}``: true when an earlier clause of the same item took effect."""

from __future__ import annotations

from typing import ClassVar, Iterator

from ...i18n import _
from ...problems import quote
from ...rules.base import Id
from ...rules.findings import Finding
from ..formula import Cell, Unexpressible
from .node import ConditionNode, Getter


class ClauseHolds(ConditionNode):
    """True when another clause of the same item took effect (awarded or deducted)."""

    tag: ClassVar[str] = "clause"
    shape: ClassVar[str] = "{clause: ...}"

    clause: Id

    def holds(self, get: Getter, held: dict[str, bool] | None = None) -> bool:
        return bool((held or {}).get(self.clause, False))

    def describe(self, name=None) -> str:
        return _("clause {id} holds").format(id=self.clause)

    def formula(self, cell: Cell, held: dict[str, str] | None = None) -> str:
        if held is None:
            raise Unexpressible(_("a clause reference outside an item"))
        # An unknown or later clause never held, as in ``holds``.
        return held.get(self.clause, "FALSE")

    def check(self, fields: dict, path: tuple, clause_ids_before: set[str] | None) -> Iterator[Finding]:
        if clause_ids_before is None:
            message = _("a clause reference (clause:) can only be used inside an item; test a field here instead (field:)")
            yield Finding(path + ("clause",), "bad-reference", message)
        elif self.clause not in clause_ids_before:
            message = _("no clause with the id {id} comes before this one in the item; refer to a clause listed above, by its id")
            yield Finding(path + ("clause",), "bad-reference", message.format(id=quote(self.clause)))
