"""JSON Schema of the rule format, generated from the pydantic models."""

from __future__ import annotations

import json


def rules_schema() -> dict:
    from .model import RuleSet

    schema = RuleSet.model_json_schema(by_alias=True, mode="validation")
    out = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://gkscore.invalid/schema/rules.schema.json",
        "title": "gkscore rule file (format gkscore/1)",
    }
    out.update({k: v for k, v in schema.items() if k != "title"})
    return out


def rules_schema_text() -> str:
    return json.dumps(rules_schema(), ensure_ascii=False, indent=2) + "\n"
