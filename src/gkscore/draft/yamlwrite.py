"""Writing a drafted rule file as YAML that a person can read and edit.

Strings are written double-quoted (JSON escapes are valid YAML), so no text
from a table -- colons, '#', leading '-' or '*' -- can change the meaning of
the file; numbers are written from their Decimal text, dates as YYYY-MM-DD.
Small mappings (a field, a condition, points per class) go on one line, as in
the hand-written rule files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

FLOW_WIDTH = 150
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_./-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text  # ids, kinds, types: as the hand-written files write them
    return json.dumps(text, ensure_ascii=False)


def _flow(value) -> str | None:
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            f = _flow(v)
            if f is None:
                return None
            parts.append(f"{k}: {f}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        parts = [_flow(v) for v in value]
        if any(p is None for p in parts):
            return None
        return "[" + ", ".join(parts) + "]"
    return scalar(value)


def _block(value, indent: int, out: list[str], comments: dict[str, list[str]]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            _entry(f"{pad}{k}:", v, indent, out, comments)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, dict) and "id" in v and v["id"] in comments:
                out.extend(f"{pad}# 读作: {line}" for line in comments[v["id"]])
            flow = _flow(v) if not isinstance(v, dict) or not _is_big(v) else None
            if flow is not None and len(pad) + 2 + len(flow) <= FLOW_WIDTH:
                out.append(f"{pad}- {flow}")
                continue
            sub: list[str] = []
            _block(v, indent + 2, sub, comments)
            sub[0] = pad + "- " + sub[0][indent + 2 :]
            out.extend(sub)


def _is_big(d: dict) -> bool:
    return any(isinstance(v, list) and v and isinstance(v[0], dict) for v in d.values()) or "kind" in d or "text" in d


def _entry(head: str, v, indent: int, out: list[str], comments) -> None:
    if isinstance(v, (dict, list)) and v:
        flow = _flow(v)
        if flow is not None and len(head) + 1 + len(flow) <= FLOW_WIDTH and not (isinstance(v, list) and isinstance(v[0], dict)):
            out.append(f"{head} {flow}")
            return
        out.append(head)
        _block(v, indent + 2, out, comments)
        return
    out.append(f"{head} {_flow(v) if isinstance(v, (dict, list)) else scalar(v)}")


def dump_rules(data: dict, comments: dict[str, list[str]], header: list[str]) -> str:
    out = [f"# {line}" if line else "#" for line in header]
    for key, value in data.items():
        if key == "sections":
            out.append("")
            out.append("sections:")
            for section in value:
                title = section["name"]
                if "points" in section:
                    title += f" ({_points(section['points'])}分)"
                out.append(f"  # {'-' * 60} {title}")
                _block([section], 2, out, comments)
            continue
        _entry(f"{key}:", value, 0, out, comments)
    return "\n".join(out) + "\n"


def _points(value) -> str:
    if isinstance(value, dict):
        return "、".join(f"{k}类{scalar(v)}" for k, v in value.items())
    return scalar(value)
