"""The checks of a table made of parts ("网站占30%,新媒体占70%"): every
section, part veto and gate names a declared part, the weights add up to 1,
each part's declared scale equals its base items, and what a table of parts
does not combine with (composition: weighted) is refused.  An na_policy makes
up the points that do not apply within each part (``engine/na_policy.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..i18n import _
from ..problems import quote
from .findings import Finding, listed, number_text
from .model import RuleSet
from .resolve import item_max, per_class


def part_base_max(rs: RuleSet, part_id: str, cls: str) -> Decimal:
    """The sum of the 分值 of a part's base items for a class: its scale."""
    return sum(
        (item_max(i, cls) or Decimal(0) for s in rs.sections if s.kind == "base" and s.part == part_id for g in s.groups for i in g.items),
        Decimal(0),
    )


def _elements(rs: RuleSet) -> Iterator[tuple[tuple, object]]:
    """(YAML path, element) of every section, veto and gate."""
    yield from ((("sections", i), s) for i, s in enumerate(rs.sections))
    yield from ((("vetoes", i), v) for i, v in enumerate(rs.vetoes))
    yield from ((("gates", i), g) for i, g in enumerate(rs.gates))


def check_parts(rs: RuleSet) -> Iterator[Finding]:
    if not rs.parts:
        for path, element in _elements(rs):
            if element.part is not None:
                yield Finding(path + ("part",), "part", _("part: names a part, but the file declares no parts; declare them under parts:, or delete part:"))
        return
    ids = [p.id for p in rs.parts]
    seen: set[str] = set()
    for pi, part in enumerate(rs.parts):
        if part.id in seen:
            yield Finding(("parts", pi, "id"), "duplicate-id", _("the id {id} is already used; ids must be unique: rename one of them").format(id=quote(part.id)))
        seen.add(part.id)
    for path, element in _elements(rs):
        name = element.part
        if name is None:
            if path[0] == "sections":
                yield Finding(path, "part", _("in a table made of parts every section belongs to one: add part: with one of {parts}").format(parts=listed(ids)))
            elif path[0] == "gates":
                yield Finding(path, "part", _("in a table made of parts a gate tests the base score of one part: add part: with one of {parts}").format(parts=listed(ids)))
        elif name not in ids:
            yield Finding(path + ("part",), "part", _("no part {part} is declared; use one of {parts}").format(part=quote(name), parts=listed(ids)))
    for vi, veto in enumerate(rs.vetoes):
        if veto.part is not None and veto.total is None:
            yield Finding(("vetoes", vi), "veto-outcome", _("a part's veto gives the part a score: add total: (the part's score when the veto holds)"))
    weights = sum((p.weight for p in rs.parts), Decimal(0))
    if weights != 1:
        yield Finding(("parts",), "weights", _("the part weights add up to {total}, not 1; correct them").format(total=number_text(weights)))
    if rs.composition != "sum":
        yield Finding(("composition",), "parts", _("a table made of parts weights its parts, not its sections: delete composition: weighted"))
    for pi, part in enumerate(rs.parts):
        if not any(s.part == part.id and s.kind == "base" for s in rs.sections):
            yield Finding(("parts", pi), "part", _("the part {part} has no base section; give it one, or delete the part").format(part=quote(part.id)))
        for c in rs.classes:
            declared = per_class(part.points, c)
            total = part_base_max(rs, part.id, c)
            if declared is not None and declared != total:
                message = _("the part {name} declares {declared} points for the class {cls}, but its base items add up to {total}; correct points or the items' max")
                yield Finding(("parts", pi, "points"), "part-sum", message.format(name=quote(part.name), declared=number_text(declared), cls=c, total=number_text(total)))
