"""The resolved indicator tree: the public JSON contract of ``gkscore rules``.

    {"id", "title", "classes": [...], "max": {class: n}, "bonus_max": {class: n},
     "penalty_max": {class: n},
     "parts": [{"id", "name", "weight", "max": {class: n}}],  (only when declared)
     "vetoes": [{"id", "text", "total", "grade", "stops", "classes", "part"?}],   (only when declared)
     "gates": [{"kind", "above"|"at_least"|"below"|"at_most": n, "grade", "classes", "part"?}],   (only when declared)
     "grades": [{"grade", "above"|"at_least": n}],       (only when declared; the lowest band has no bound)
     "na_policy": "rescale"|"redistribute"|"normalize"|{"kind": "spread", "share", "remainder"},   (only when declared)
     "unit_fields": [{"id", "type", "prompt"}],          (only when declared)
     "items": [{"id", "path": [一级指标, 二级指标, ...], "section": "base"|"bonus"|"penalty",
                "max": {class: n or null},
                "part": "web",                            (only in a table made of parts)
                "applies_if": "has_site = 是 ..."}]}      (only when it has one)

Items are listed in the annex's order; numbers are JSON numbers; null where
the item does not apply to the class.
"""

from __future__ import annotations

from decimal import Decimal

from ..exact import to_json_number
from ..i18n import _
from .model import RuleSet, applies_to
from .resolve import applies_conditions, item_max, item_path, section_cap, walk
from .threshold import WORDS


def _cap(rs: RuleSet, kind: str, cls: str) -> Decimal | None:
    """The most the bonus (or penalty) sections add (take off) for a class: a
    section's cap, or the sum of its items' 分值 when it has none; None when
    that has no bound (an uncapped section with an item without 分值)."""
    total = Decimal(0)
    for s in rs.sections:
        if s.kind == kind:
            cap = section_cap(s, cls)
            total += cap if cap is not None else sum((item_max(i, cls) or Decimal(0) for g in s.groups for i in g.items), Decimal(0))
    return total if total.is_finite() else None


# a threshold as the JSON contract says it: the word of its comparison
_WORD = {op: word for word, op in WORDS.items()}


def _gate(gate, classes: list[str], num) -> dict:
    op, bound = gate.bound
    out = {"kind": gate.kind, _WORD[op]: num(bound)}
    if gate.kind == "fail_below":
        out["grade"] = gate.grade
    out["classes"] = [c for c in classes if applies_to(gate, c)]
    return out


def _band(band, num) -> dict:
    out = {"grade": band.grade}
    if band.bound is not None:
        op, bound = band.bound
        out[_WORD[op]] = num(bound)
    return out


def rules_tree(rs: RuleSet, classes: list[str] | None = None) -> dict:
    classes = classes or list(rs.classes)
    num = lambda d: to_json_number(d, None)  # noqa: E731 - exact, no rounding
    items = []
    for _si, section, _gi, group, _ii, item in walk(rs):
        # max null (not a mapping): the item has no 分值 of its own
        maxes = None if item.max is None else {c: num(item_max(item, c)) for c in classes}
        if maxes is not None and all(v is None for v in maxes.values()):
            continue
        entry = {"id": item.id, "path": item_path(section, group, item), "section": section.kind, "max": maxes}
        if section.part is not None:
            entry["part"] = section.part
        applies = applies_conditions(section, group, item)
        if applies:
            entry["applies_if"] = _(" and ").join(c.describe() for c in applies)
        items.append(entry)
    tree = {
        "id": rs.id,
        "title": rs.title,
        "classes": classes,
        "max": {c: num(rs.classes[c].max) for c in classes},
        "bonus_max": {c: num(_cap(rs, "bonus", c)) for c in classes},
        "penalty_max": {c: num(_cap(rs, "penalty", c)) for c in classes},
    }
    if rs.parts:
        from .part_checks import part_base_max

        tree["parts"] = [{"id": p.id, "name": p.name, "weight": num(p.weight), "max": {c: num(part_base_max(rs, p.id, c)) for c in classes}} for p in rs.parts]
    if rs.vetoes:
        tree["vetoes"] = [
            {"id": v.id, "text": v.text, "total": num(v.total), "grade": v.grade, "stops": v.stops, "classes": [c for c in classes if applies_to(v, c)]}
            | ({"part": v.part} if v.part is not None else {})
            for v in rs.vetoes
        ]
    if rs.gates:
        tree["gates"] = [_gate(g, classes, num) for g in rs.gates]
    if rs.grades is not None:
        tree["grades"] = [_band(b, num) for b in rs.grades.bands]
    if rs.na_policy != "none":
        policy = rs.na_policy
        tree["na_policy"] = policy if isinstance(policy, str) else {"kind": policy.kind, "share": policy.share, "remainder": policy.remainder}
    if rs.unit_fields:
        tree["unit_fields"] = [{"id": f.id, "type": f.type, "prompt": f.prompt} for f in rs.unit_fields]
    tree["items"] = items
    return tree
