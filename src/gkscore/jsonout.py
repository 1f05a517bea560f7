"""JSON with exact decimals.

The standard encoder can only write Decimals through float; this writer emits
a Decimal's exact value in plain digits (no exponent, no trailing zeros), so
0.1 + 0.2 prints as 0.3 and nothing else.  The rest is the json module's own
text, byte for byte: strings through its C string encoder
(``ensure_ascii=False``), ``indent`` spaces per level, ``": "`` after a key,
``","`` at a line end (``":"`` and ``","`` without indent).

It is written for the results of 100,000 units (4 GB of text): each
container's text is one ``join`` of its members' texts, the members that are
strings (most of them) are encoded in place without a call per value, and
the line starts of each depth are made once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from json.encoder import encode_basestring as _text_of_str
from json.encoder import encode_basestring_ascii as _ascii_text_of_str

from .exact import fmt


def dumps(value, indent: int | None = 2, *, level: int = 0) -> str:
    """``value`` as JSON text with a final newline.  ``level`` starts the
    text that deep in a larger document (its lines indented as there; the
    first line is not, it follows whatever comes before it)."""
    return _writer(indent).text(value, level) + "\n"


@lru_cache(maxsize=None)
def _writer(indent: int | None) -> "_Writer":
    return _Writer(indent)


class _Writer:
    def __init__(self, indent: int | None) -> None:
        self.indent = indent
        # the line break and indentation before a member at each depth ("" and
        # the compact separators without indent, as the json module)
        self._starts: list[str] = []
        self._grow(32)
        self._sep = ": " if indent is not None else ":"
        # a key's text with its separator, for the few keys a document repeats
        self._keys: dict[str, str] = {}

    def _grow(self, level: int) -> list[str]:
        starts = self._starts
        while len(starts) <= level:
            starts.append("" if self.indent is None else "\n" + " " * (self.indent * len(starts)))
        return starts

    def key(self, k) -> str:
        text = self._keys.get(k)
        if text is None:
            text = (_text_of_str(k) if isinstance(k, str) else _text_of_str(str(k))) + self._sep
            if type(k) is str and len(self._keys) < 4096:  # True and 1 are one dict key
                self._keys[k] = text
        return text

    def text(self, value, level: int) -> str:
        kind = type(value)
        if kind is str:
            return _text_of_str(value)
        if kind is Decimal:
            return fmt(value, None)
        if kind is int:
            return int.__repr__(value)
        if kind is dict:
            if not value:
                return "{}"
            starts = self._starts if level + 1 < len(self._starts) else self._grow(level + 1)
            inner = starts[level + 1]
            keys, key, text = self._keys, self.key, self.text
            deeper = level + 1
            members = [
                (keys.get(k) or key(k)) + (_text_of_str(v) if type(v) is str else text(v, deeper))
                for k, v in value.items()
            ]
            return "{" + inner + ("," + inner).join(members) + starts[level] + "}"
        if kind is list or kind is tuple:
            if not value:
                return "[]"
            starts = self._starts if level + 1 < len(self._starts) else self._grow(level + 1)
            inner = starts[level + 1]
            try:  # a list of strings, the most common (paths, reasons, evidence)
                members = list(map(_text_of_str, value))
            except TypeError:
                text = self.text
                members = [_text_of_str(v) if type(v) is str else text(v, level + 1) for v in value]
            return "[" + inner + ("," + inner).join(members) + starts[level] + "]"
        if isinstance(value, dict):
            return self.text(dict(value), level)
        if isinstance(value, (list, tuple)):
            return self.text(list(value), level)
        return _scalar(value)


def _scalar(value) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return fmt(value, None)
    if isinstance(value, float):  # pragma: no cover - guarded: floats never reach here
        raise TypeError("refusing to write a float; convert to Decimal first")
    if isinstance(value, str):
        return _text_of_str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return _ascii_text_of_str(value.isoformat())
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
