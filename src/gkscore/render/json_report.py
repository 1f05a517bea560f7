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

from ..exact import to_json_number
from ..jsonout import dumps


def results_dict(results, rules, *, precision: int = 2, adjustments=None) -> dict:
    num = lambda d: to_json_number(d, precision)  # noqa: E731
    adj_by_item: dict[tuple[str, str], list] = {}
    for a in adjustments or []:
        adj_by_item.setdefault((a.unit, a.item), []).append(
            {"field": a.field, "before": a.before, "after": a.after, "reason": a.reason, "approved_by": a.approved_by, "date": a.date}
        )
    units = []
    for r in results:
        units.append(
            {
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
        )
    return {
        "format": "gkscore-results/1",
        "rules": [{"id": lr.ruleset.id, "title": lr.ruleset.title, "sha256": lr.sha256} for lr in rules],
        "units": units,
    }


def results_json(results, rules, *, precision: int = 2, adjustments=None) -> str:
    return dumps(results_dict(results, rules, precision=precision, adjustments=adjustments))
