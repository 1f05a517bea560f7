"""The results JSON: a public contract, described by schema/results.schema.json.

    {"format": "gkscore-results/1",
     "rules": [{"id", "title", "sha256"}],
     "units": [{"unit", "class", "rules", "rank_group", "rank", "total", "base",
                "bonus", "penalty", "grade", "complete", "veto", "notes",
                "sections": {一级指标: n},
                "items": [{"id", "path", "max", "score", "lost", "complete",
                           "reasons": [...], "arithmetic", "evidence": [...],
                           "scorers": [...], "adjustments": [...]}]}]}

Numbers are JSON numbers shown with at most the rule file's precision (2
decimals for the bundled tables) and never a float artefact.
"""

from __future__ import annotations

from typing import IO, Iterator

from ..exact import to_json_number
from ..jsonout import dumps

FORMAT = "gkscore-results/1"
# the units' depth in the document (``dumps`` indents by 2 per level)
UNIT_LEVEL = 2
UNIT_INDENT = " " * 2 * UNIT_LEVEL


def _adjustments_by_item(adjustments) -> dict[tuple[str, str], list]:
    out: dict[tuple[str, str], list] = {}
    for a in adjustments or []:
        out.setdefault((a.unit, a.item), []).append(
            {"field": a.field, "before": a.before, "after": a.after, "reason": a.reason, "approved_by": a.approved_by, "date": a.date}
        )
    return out


def unit_dict(r, *, precision: int, adj_by_item: dict) -> dict:
    """One unit of the document; ``r`` must carry its items."""
    num = lambda d: to_json_number(d, precision)  # noqa: E731
    return {
        "unit": r.unit,
        "class": r.cls,
        "rules": r.rules_id,
        "rank_group": r.rank_group,
        "rank": r.rank,
        "total": num(r.total),
        "base": num(r.base),
        "bonus": num(r.bonus),
        "penalty": num(r.penalty),
        "grade": r.grade,
        "complete": r.complete,
        "veto": r.veto,
        "notes": list(r.notes),
        "sections": {name: num(v) for name, v in r.sections.items()},
        **({"parts": {name: num(v) for name, v in r.parts.items()}} if getattr(r, "parts", None) is not None else {}),
        "items": [
            {
                "id": i.id,
                "path": list(i.path),
                "section": i.section_kind,
                "max": num(i.max),
                "score": num(i.score),
                "lost": num(i.lost),
                "complete": i.complete,
                "reasons": list(i.reasons),
                "arithmetic": i.arithmetic(),
                "evidence": i.evidence,
                "scorers": i.scorers,
                "adjustments": adj_by_item.get((r.unit, i.id), []),
            }
            for i in r.items
        ],
    }


def _head(rules) -> dict:
    return {"format": FORMAT, "rules": [{"id": lr.ruleset.id, "title": lr.ruleset.title, "sha256": lr.sha256} for lr in rules]}


def results_dict(run, precision: int) -> dict:
    """The whole document as one dict (``write_json`` writes its text piece
    by piece); every unit must carry its items or ``run.detail`` give them."""
    adj_by_item = _adjustments_by_item(run.adjustments)
    doc = {**_head(run.rules), "units": [unit_dict(run.detail(r), precision=precision, adj_by_item=adj_by_item) for r in run.results]}
    if run.missing:
        doc["missing_units"] = _missing(run)
    if run.adjustment_changes:
        doc["adjusted_units"] = _changes(run, precision)
    return doc


def _changes(run, precision: int) -> list[dict]:
    """复核前后: each adjusted unit's total, rank and grade before and after."""
    num = lambda d: to_json_number(d, precision)  # noqa: E731
    return [
        {"unit": c.unit, "class": c.cls, "rules": c.rules_id, "rank_group": c.rank_group, "adjustments": c.adjustments,
         "before": {"total": num(c.total_before), "rank": c.rank_before, "grade": c.grade_before},
         "after": {"total": num(c.total_after), "rank": c.rank_after, "grade": c.grade_after}}
        for c in run.adjustment_changes
    ]


def _missing(run) -> list[dict]:
    """The units without observations (--partial): never scored, never ranked."""
    return [{"unit": m.unit, "class": m.cls, "rules": m.rules_id, "rank_group": m.rank_group} for m in run.missing]


def iter_results_json(run, precision: int) -> Iterator[str]:
    """The text of the document in pieces, one unit per piece, so that the
    document for 100,000 units never exists whole: ``run.detail(u)`` gives a
    unit with its items and is called for one unit at a time.  Joined, the
    pieces are exactly ``dumps(results_dict(...))``: the head is that
    document without its units, and each unit is ``dumps`` of the unit
    at its depth."""
    adj_by_item = _adjustments_by_item(run.adjustments)
    head = dumps(_head(run.rules))
    assert head.endswith("\n}\n")
    yield head[: -len("\n}\n")] + ',\n  "units": '
    first = True
    for r in run.results:
        unit = unit_dict(run.detail(r), precision=precision, adj_by_item=adj_by_item)
        text = dumps(unit, level=UNIT_LEVEL)[:-1]
        yield ("[\n" if first else ",\n") + UNIT_INDENT + text
        first = False
    tail = ""
    if run.missing:
        # the key as ``dumps`` writes it inside the document
        tail = ",\n" + dumps({"missing_units": _missing(run)})[len("{\n") : -len("\n}\n")]
    if run.adjustment_changes:
        tail += ",\n" + dumps({"adjusted_units": _changes(run, precision)})[len("{\n") : -len("\n}\n")]
    yield ("[]" if first else "\n  ]") + tail + "\n}\n"


def write_json(run, out: IO[str], options) -> None:
    for piece in iter_results_json(run, options.decimals):
        out.write(piece)
