"""JSON with exact decimals.

The standard encoder can only write Decimals through float; this writer emits
a Decimal's own digits, so 0.1 + 0.2 prints as 0.3 and nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from .exact import fmt


def dumps(value, indent: int | None = 2) -> str:
    parts: list[str] = []
    _write(value, parts, indent, 0)
    return "".join(parts) + "\n"


def _write(value, out: list[str], indent, level) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        out.append(fmt(value, None))
    elif isinstance(value, float):  # pragma: no cover - guarded: floats never reach here
        raise TypeError("refusing to write a float; convert to Decimal first")
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, (dt.date, dt.datetime)):
        out.append(json.dumps(value.isoformat()))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        items = list(value.items())
        for i, (k, v) in enumerate(items):
            if indent is not None:
                out.append("\n" + " " * (indent * (level + 1)))
            out.append(json.dumps(str(k), ensure_ascii=False))
            out.append(": " if indent is not None else ":")
            _write(v, out, indent, level + 1)
            if i < len(items) - 1:
                out.append(",")
        if indent is not None:
            out.append("\n" + " " * (indent * level))
        out.append("}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        out.append("[")
        for i, v in enumerate(value):
            if indent is not None:
                out.append("\n" + " " * (indent * (level + 1)))
            _write(v, out, indent, level + 1)
            if i < len(value) - 1:
                out.append(",")
        if indent is not None:
            out.append("\n" + " " * (indent * level))
        out.append("]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")
