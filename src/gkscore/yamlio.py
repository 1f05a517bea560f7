"""Strict YAML loading that keeps positions.

PyYAML silently lets a duplicated key win and expands aliases lazily (billion
laughs).  Rule files are small and hand-written, so we refuse both, read
numbers with a fraction straight into Decimal (never through float), and keep a
map from each value's path to its 1-based (line, column) so that pydantic's
error locations can be reported as ``file:line:col``.

The pure-Python loader is used on purpose: the C loader ignores overrides of
``compose_node``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .problems import Problem, ProblemsError

MAX_RULE_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64

Path = tuple
Positions = dict  # Path -> (line, col), both 1-based


class _Refused(Exception):
    def __init__(self, code: str, message: str, mark):
        self.code = code
        self.message = message
        self.mark = mark


class _StrictLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise _Refused("yaml-alias", "aliases (*name) are not allowed in rule files; write the value out", event.start_mark)
        return super().compose_node(parent, index)


# YAML 1.1 reads yes/no/on/off as booleans: a rule author typing 是 vs yes should
# not get a boolean by accident, so only true/false are booleans here.
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
for _first in list("yYnNoO"):
    _StrictLoader.yaml_implicit_resolvers[_first] = [
        (tag, rx) for tag, rx in _StrictLoader.yaml_implicit_resolvers.get(_first, []) if tag != "tag:yaml.org,2002:bool"
    ]


def _scalar(loader: _StrictLoader, node: ScalarNode) -> Any:
    if node.tag == "tag:yaml.org,2002:float":
        text = node.value.replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _Refused("yaml-number", f"cannot read {node.value!r} as an exact number", node.start_mark)
        if not value.is_finite():
            raise _Refused("yaml-number", f"{node.value!r} is not a finite number", node.start_mark)
        return value
    return loader.construct_object(node, deep=True)


def _build(loader, node, path: tuple, positions: dict, depth: int = 0):
    if depth > MAX_DEPTH:
        raise _Refused("yaml-depth", f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, MappingNode):
        out: dict = {}
        seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Refused("yaml-key", "a mapping key must be a plain value", key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused("yaml-merge", "merge keys (<<) are not allowed in rule files", key_node.start_mark)
            key = _scalar(loader, key_node)
            if isinstance(key, (list, dict)):
                raise _Refused("yaml-key", "a mapping key must be a plain value", key_node.start_mark)
            if key in seen:
                line = seen[key]
                raise _Refused("yaml-duplicate-key", f"duplicate key {key!r} (first given on line {line})", key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
            positions[path + (key, "__key__")] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _build(loader, value_node, path + (key,), positions, depth + 1)
        return out
    if isinstance(node, SequenceNode):
        return [_build(loader, child, path + (i,), positions, depth + 1) for i, child in enumerate(node.value)]
    return _scalar(loader, node)


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 only (a BOM is tolerated); control characters are refused with a position."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1  # characters, not bytes
        raise ProblemsError(
            [Problem(file=file, code="encoding", line=line, col=col, message="not UTF-8 text; save the file as UTF-8")], exit_code=2
        )
    for lineno, line in enumerate(text.split("\n"), start=1):
        for colno, ch in enumerate(line, start=1):
            if (ord(ch) < 32 and ch not in "\t\r") or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
                raise ProblemsError(
                    [Problem(file=file, code="control-char", line=lineno, col=colno, message=f"control character U+{ord(ch):04X} is not allowed")]
                )
    return text


def load_yaml(data: bytes, file: str) -> tuple[Any, Positions]:
    """Parse one YAML document strictly; returns (data, positions)."""
    if len(data) > MAX_RULE_FILE_BYTES:
        raise ProblemsError(
            [Problem(file=file, code="too-large", message=f"file is {len(data)} bytes; rule files are limited to {MAX_RULE_FILE_BYTES}")],
            exit_code=2,
        )
    text = decode_text(data, file)
    loader = _StrictLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except _Refused as exc:
            raise ProblemsError([_at(file, exc.mark, exc.code, exc.message)])
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = (exc.problem or exc.context or "invalid YAML").strip()
            raise ProblemsError([_at(file, mark, "yaml-syntax", f"invalid YAML: {message}")])
        except yaml.YAMLError as exc:
            raise ProblemsError([Problem(file=file, code="yaml-syntax", message=f"invalid YAML: {exc}")])
        if node is None:
            return None, {(): (1, 1)}
        positions: dict = {}
        try:
            data_out = _build(loader, node, (), positions)
        except _Refused as exc:
            raise ProblemsError([_at(file, exc.mark, exc.code, exc.message)])
        except yaml.constructor.ConstructorError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise ProblemsError([_at(file, mark, "yaml-value", f"invalid value: {exc.problem}")])
        except (ValueError, TypeError, OverflowError) as exc:
            raise ProblemsError([Problem(file=file, code="yaml-value", message=f"invalid value: {exc}")])
        return data_out, positions
    finally:
        loader.dispose()


def _at(file: str, mark, code: str, message: str) -> Problem:
    if mark is None:
        return Problem(file=file, code=code, message=message)
    return Problem(file=file, code=code, message=message, line=mark.line + 1, col=mark.column + 1)


def position_of(positions: Positions, loc: tuple) -> tuple[int, int]:
    """Best position for a pydantic error ``loc``.

    Tags of discriminated unions and function-validator names appear in
    ``loc`` without being keys in the file; they are skipped.  A missing key
    is reported at its parent mapping.
    """
    path: tuple = ()
    best = positions.get((), (1, 1))
    for part in loc:
        candidate = path + (part,)
        if candidate in positions:
            path = candidate
            best = positions[path]
    return best
