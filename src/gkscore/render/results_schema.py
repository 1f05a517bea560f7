"""JSON Schema of the results JSON (committed as schema/results.schema.json)."""

from __future__ import annotations

import json

_NUM = {"type": "number"}
_STR_LIST = {"type": "array", "items": {"type": "string"}}


def results_schema() -> dict:
    item = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "path", "section", "max", "score", "lost", "complete", "reasons", "arithmetic", "evidence", "scorers", "adjustments"],
        "properties": {
            "id": {"type": "string", "description": "Item id from the rule file."},
            "path": {**_STR_LIST, "description": "一级指标, 二级指标 (and 指标说明 where it differs)."},
            "section": {"enum": ["base", "bonus", "penalty"]},
            "max": {"type": ["number", "null"], "minimum": 0, "description": "分值 for the unit's class; null for a bonus or penalty item without a 分值 of its own."},
            "score": {**_NUM, "minimum": 0, "description": "Within [0, max]; for penalty items, the points deducted."},
            "lost": {"type": ["number", "null"], "minimum": 0, "description": "max - score; null when max is null."},
            "complete": {"type": "boolean", "description": "False when a value was missing (--partial)."},
            "reasons": {**_STR_LIST, "description": "Why points were lost, one line per clause."},
            "arithmetic": {"type": "string", "description": "e.g. '2 - 0.5 × 3 = 0.5'."},
            "evidence": _STR_LIST,
            "scorers": _STR_LIST,
            "adjustments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["field", "before", "after", "reason", "approved_by", "date"],
                    "properties": {k: {"type": "string"} for k in ("field", "before", "after", "reason", "approved_by", "date")},
                },
            },
        },
    }
    unit = {
        "type": "object",
        "additionalProperties": False,
        "required": ["unit", "class", "rules", "rank_group", "rank", "total", "base", "bonus", "penalty", "grade", "complete", "veto", "notes", "sections", "items"],
        "properties": {
            "unit": {"type": "string"},
            "class": {"type": "string"},
            "rules": {"type": "string", "description": "Id of the rule file that scored the unit."},
            "rank_group": {"type": "string"},
            "rank": {"type": "integer", "minimum": 1, "description": "Standard competition ranking within rank_group (1, 2, 2, 4)."},
            "total": {"type": ["number", "null"], "description": "base + bonus - penalty, unless a veto fixed it; null when a veto that stops scoring gives no total (published as 单项否决)."},
            "base": {"type": ["number", "null"], "description": "Sum of sections; null when a veto stopped scoring (nothing else was scored)."},
            "bonus": {"type": ["number", "null"], "minimum": 0, "description": "After its cap and gates; null when a veto stopped scoring."},
            "penalty": {"type": ["number", "null"], "minimum": 0, "description": "After its cap; null when a veto stopped scoring."},
            "grade": {"type": ["string", "null"]},
            "complete": {"type": "boolean"},
            "veto": {"type": ["string", "null"]},
            "notes": _STR_LIST,
            "sections": {"type": "object", "additionalProperties": _NUM, "description": "一级指标 -> subtotal, in rule order."},
            "parts": {"type": "object", "additionalProperties": {"type": ["number", "null"]}, "description": "Only in a table made of parts: part name -> the part's score, in rule order (base, bonus and penalty are then null); null for a part none of whose base items applies to the unit (left out, its weight shared by the other parts)."},
            "items": {"type": "array", "items": item},
        },
    }
    figures = {
        "type": "object",
        "additionalProperties": False,
        "required": ["total", "rank", "grade"],
        "properties": {"total": {"type": ["number", "null"]}, "rank": {"type": "integer", "minimum": 1}, "grade": {"type": ["string", "null"]}},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://gkscore.invalid/schema/results.schema.json",
        "title": "gkscore results (format gkscore-results/1)",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "rules", "units"],
        "properties": {
            "format": {"const": "gkscore-results/1"},
            "rules": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "title", "sha256"],
                    "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
                },
            },
            "units": {"type": "array", "items": unit},
            "missing_units": {
                "type": "array",
                "description": "Units of the roster without any observation (--partial): not scored, not ranked (未完成). Absent when there are none.",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["unit", "class", "rules", "rank_group"],
                    "properties": {k: {"type": "string"} for k in ("unit", "class", "rules", "rank_group")},
                },
            },
            "adjusted_units": {
                "type": "array",
                "description": "With --adjust: each adjusted unit's total, rank and grade before and after the adjustments (复核前后), "
                "in report order; the rank before is the unit's place among its rank group's totals without any adjustment. Absent without adjustments.",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["unit", "class", "rules", "rank_group", "adjustments", "before", "after"],
                    "properties": {
                        **{k: {"type": "string"} for k in ("unit", "class", "rules", "rank_group")},
                        "adjustments": {"type": "integer", "minimum": 1, "description": "How many adjustments changed the unit's values."},
                        "before": figures,
                        "after": figures,
                    },
                },
            },
        },
    }


def results_schema_text() -> str:
    return json.dumps(results_schema(), ensure_ascii=False, indent=2) + "\n"
