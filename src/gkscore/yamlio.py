"""Strict YAML loading that keeps positions.

PyYAML silently lets a duplicated key win and expands aliases lazily (billion
laughs).  Rule files are small and hand-written, so we refuse both, read
numbers with a fraction straight into Decimal (never through float), and keep a
map from each value's path to its 1-based (line, column) so that pydantic's
error locations can be reported as ``file:line:col``.

The document is built straight from the parser's event stream, not through
PyYAML's composer: an alias is refused at its own position before anything is
shared, the nesting depth and the number of values are bounded while
streaming (no recursion, bounded memory), and the fast libyaml parser can be
used when it is available (the pure-Python parser is some 50 times slower: a
2 MiB hostile file took 20-40 s).  The Python parser is the fallback and
gives the same events and positions.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode

from .i18n import N_, _
from .problems import Problem, ProblemsError, quote
from .yaml_messages import syntax_message

MAX_RULE_FILE_BYTES = 2 * 1024 * 1024
MAX_UNITS_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64
MAX_EXPONENT = 15  # no rule or unit needs a number beyond 10**15 or below 10**-15
MAX_NODES = 1_500_000  # values, keys and containers together: bounds memory whatever the byte size
# A rule file is an indicator table: the largest real ones hold a few thousand
# values.  Building each value costs Python time, so a rule file is held to far
# fewer than a units file (100,000 units need about a million): a 2 MB file of
# bare numbers is refused in a second instead of being built for several.
MAX_RULE_NODES = 200_000

Path = tuple


class Positions(dict):
    """Path -> (line, col), both 1-based; stored packed in one int to keep big files small."""

    def __setitem__(self, key, value) -> None:
        line, col = value
        super().__setitem__(key, (line << 24) | col)

    def __getitem__(self, key) -> tuple[int, int]:
        v = super().__getitem__(key)
        return v >> 24, v & 0xFFFFFF

    def get(self, key, default=None):
        v = super().get(key)
        return default if v is None else (v >> 24, v & 0xFFFFFF)

_STR = "tag:yaml.org,2002:str"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"


class _Refused(Exception):
    def __init__(self, code: str, message: str, mark):
        self.code = code
        self.message = message
        self.mark = mark


_Base = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None


def _strict(base):
    class Strict(base):  # type: ignore[misc, valid-type]
        pass

    # YAML 1.1 reads yes/no/on/off as booleans: a rule author typing 是 vs yes should
    # not get a boolean by accident, so only true/false are booleans here.  Copy the
    # resolver table first: assigning into the inherited one would change every
    # SafeLoader in the process.
    Strict.yaml_implicit_resolvers = {k: list(v) for k, v in base.yaml_implicit_resolvers.items()}
    for first in "yYnNoO":
        Strict.yaml_implicit_resolvers[first] = [(tag, rx) for tag, rx in Strict.yaml_implicit_resolvers.get(first, []) if tag != "tag:yaml.org,2002:bool"]
    return Strict


_PyStrict = _strict(yaml.SafeLoader)
_CStrict = _strict(_Base) if _Base is not None else None
_StrictLoader = _PyStrict  # kept for callers that name it


def _number(value: str, mark) -> Decimal:
    text = value.replace("_", "")
    try:
        out = Decimal(text)
    except InvalidOperation:
        raise _Refused(
            "yaml-number", _("cannot read {value} as an exact number; write plain digits with at most one decimal point, e.g. 2.5").format(value=quote(value)), mark
        )
    if not out.is_finite():
        raise _Refused("yaml-number", _("{value} is not a finite number; write an ordinary number such as 10").format(value=quote(value)), mark)
    if out and not (-MAX_EXPONENT <= out.adjusted() <= MAX_EXPONENT) or len(out.as_tuple().digits) > 28:
        raise _Refused("yaml-number", _out_of_range(value), mark)
    return out


def _out_of_range(value: str) -> str:
    return _("{value} is out of range (at most 28 digits, and no more than {limit}); check for extra digits").format(
        value=quote(value), limit=f"1e{MAX_EXPONENT}"
    )


def _scalar(loader, ev: ScalarEvent) -> Any:
    tag = ev.tag
    if tag is None or tag == "!":
        tag = loader.resolve(ScalarNode, ev.value, ev.implicit)
    if tag == _STR:
        return ev.value
    if tag == _FLOAT:
        return _number(ev.value, ev.start_mark)
    if tag == _MERGE:
        return _MERGE_KEY
    node = ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
    ctor = loader.yaml_constructors.get(tag) or loader.yaml_constructors.get(None)
    try:
        value = ctor(loader, node)
    except (ValueError, TypeError, OverflowError) as exc:
        raise _Refused("yaml-value", _bad_value(ev.value, tag), ev.start_mark) from exc
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_EXPONENT:
        raise _Refused("yaml-number", _out_of_range(ev.value), ev.start_mark)
    return value


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def _bad_value(text: str, tag: str) -> str:
    """What is wrong with a value YAML recognised but could not build (a date
    that does not exist, a tagged value that does not fit its tag)."""
    m = _DATE.match(text)
    if tag.endswith(":timestamp") and m:
        year, month, day = (int(g) for g in m.groups())
        if not 1 <= month <= 12:
            return _("date {value} does not exist: there is no month {month}; write the date as YYYY-MM-DD, e.g. 2021-03-31").format(
                value=quote(text), month=month
            )
        return _("date {value} does not exist: month {month} has no day {day}; write a date that exists").format(
            value=quote(text), month=month, day=day
        )
    return _("cannot read {value}; write it without the !! tag, or put it in quotes").format(value=quote(text))


_MERGE_KEY = object()


class _Frame:
    __slots__ = ("value", "path", "is_map", "key", "key_line", "seen", "index")

    def __init__(self, value, path, is_map):
        self.value, self.path, self.is_map = value, path, is_map
        self.key = _NO_KEY
        self.key_line = 0
        self.seen: dict = {}
        self.index = 0


_NO_KEY = object()


def _build(loader, positions: dict, max_nodes: int, duplicates: list | None = None):
    """Build the single document from the event stream (no recursion).

    Duplicate keys are collected in ``duplicates`` (every one of them is
    reported in one run); the caller refuses the document when any were found.
    """
    stack: list[_Frame] = []
    root: Any = None
    have_root = False
    documents = 0
    nodes = 0
    while True:
        ev = loader.get_event()
        if ev is None:
            break
        if isinstance(ev, DocumentStartEvent):
            documents += 1
            if documents > 1:
                reason = _("a file holds a single document, but a second one starts here (---); delete the extra --- line")
                raise _Refused("yaml-syntax", _("invalid YAML: {reason}").format(reason=reason), ev.start_mark)
            continue
        if isinstance(ev, AliasEvent):
            raise _Refused("yaml-alias", _("aliases (*name) are not allowed; write the value out in full"), ev.start_mark)
        if isinstance(ev, (MappingEndEvent, SequenceEndEvent)):
            frame = stack.pop()
            _place(stack, frame.value, ev.start_mark)
            if not stack:
                root, have_root = frame.value, True
            continue
        if not isinstance(ev, (ScalarEvent, MappingStartEvent, SequenceStartEvent)):
            continue  # stream and document start/end
        nodes += 1
        if nodes > max_nodes:
            raise _Refused("too-large", _("more than {n} values; the file is refused: check that it is the right file, or split it").format(n=max_nodes), ev.start_mark)
        mark = ev.start_mark
        parent = stack[-1] if stack else None
        if parent is not None and parent.is_map and parent.key is _NO_KEY:
            # this event is a key
            if not isinstance(ev, ScalarEvent):
                raise _Refused("yaml-key", _("a key must be a plain word or number, not a list or mapping"), mark)
            key = _scalar(loader, ev)
            if key is _MERGE_KEY:
                raise _Refused("yaml-merge", _("merge keys (<<) are not allowed; write the keys out in full"), mark)
            try:
                hash(key)
            except TypeError:
                raise _Refused("yaml-key", _("a key must be a plain word or number, not a list or mapping"), mark)
            if key in parent.seen:
                message = _("duplicate key {key} (first given on line {line}); delete or rename one of them")
                refused = _Refused("yaml-duplicate-key", message.format(key=quote(key), line=parent.seen[key]), mark)
                if duplicates is None:
                    raise refused
                duplicates.append(refused)
            else:
                parent.seen[key] = mark.line + 1
            parent.key = key
            positions[parent.path + (key, "__key__")] = (mark.line + 1, mark.column + 1)
            continue
        if parent is None:
            path: tuple = ()
        elif parent.is_map:
            path = parent.path + (parent.key,)
        else:
            path = parent.path + (parent.index,)
        positions[path] = (mark.line + 1, mark.column + 1)
        if isinstance(ev, ScalarEvent):
            value = _scalar(loader, ev)
            if value is _MERGE_KEY:
                value = "<<"
            if parent is None:
                root, have_root = value, True
            else:
                _place(stack, value, mark)
            continue
        if len(stack) >= MAX_DEPTH:
            raise _Refused("yaml-depth", _("nested deeper than {n} levels; check the indentation").format(n=MAX_DEPTH), mark)
        stack.append(_Frame({} if isinstance(ev, MappingStartEvent) else [], path, isinstance(ev, MappingStartEvent)))
    return root if have_root else None


def _place(stack: list, value, mark) -> None:
    if not stack:
        return
    parent = stack[-1]
    if parent.is_map:
        parent.value[parent.key] = value
        parent.key = _NO_KEY
    else:
        parent.value.append(value)
        parent.index += 1


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


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
            [Problem(file=file, code="encoding", line=line, col=col, message=_("the file is not UTF-8 text; save it again with the encoding UTF-8"))],
            exit_code=2,
        )
    m = _CONTROL.search(text)
    if m is not None:
        lineno = text.count("\n", 0, m.start()) + 1
        colno = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        ch = m.group()
        message = _("invisible control character U+{code} is not allowed; delete it (it often comes with copied text)").format(code=f"{ord(ch):04X}")
        raise ProblemsError([Problem(file=file, code="control-char", line=lineno, col=colno, message=message)])
    return text


class _Untracked(Positions):
    """Positions that keeps nothing: for a first reading of a large file whose
    positions are needed only if a message must name one."""

    def __setitem__(self, key, value) -> None:
        pass


RULE_FILES = N_("rule files")
UNITS_FILES = N_("units files")


def load_yaml(data: bytes, file: str, *, limit: int = MAX_RULE_FILE_BYTES, what: str = RULE_FILES, track: bool = True) -> tuple[Any, Positions]:
    """Parse one YAML document strictly; returns (data, positions).

    ``limit`` caps the size in bytes (rule files are small; a units file for
    100k units is not); ``what`` names the kind of file in the message, as a
    message id marked with ``N_`` (RULE_FILES, UNITS_FILES).  ``track=False``
    keeps no positions (an empty mapping is returned; YAML errors still
    carry theirs): parse again with tracking when a later message needs one.
    """
    if len(data) > limit:
        message = _("the file is larger than {size} MB, the limit for {what}; check that it is the right file").format(
            size=f"{limit / 2**20:g}", what=_(what)
        )
        raise ProblemsError([Problem(file=file, code="too-large", message=message)], exit_code=2)
    text = decode_text(data, file)
    loader = (_CStrict or _PyStrict)(text)
    positions = Positions() if track else _Untracked()
    try:
        try:
            duplicates: list[_Refused] = []
            out = _build(loader, positions, MAX_RULE_NODES if what == RULE_FILES else MAX_NODES, duplicates)
            if duplicates:
                raise ProblemsError([_at(file, d.mark, d.code, d.message) for d in duplicates])
        except _Refused as exc:
            raise ProblemsError([_at(file, exc.mark, exc.code, exc.message)], exit_code=2 if exc.code == "too-large" else 1)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            reason = syntax_message(exc.problem or exc.context or "", text, mark)
            raise ProblemsError([_at(file, mark, "yaml-syntax", _("invalid YAML: {reason}").format(reason=reason))])
        except yaml.YAMLError as exc:
            reason = syntax_message(_one_line(exc), text, None)
            raise ProblemsError([Problem(file=file, code="yaml-syntax", message=_("invalid YAML: {reason}").format(reason=reason))])
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            message = _("invalid value ({reason}); check the value and its quotes").format(reason=_one_line(exc))
            raise ProblemsError([Problem(file=file, code="yaml-value", message=message)])
        if out is None and not positions:
            positions[()] = (1, 1)
        return out, positions
    finally:
        loader.dispose()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _at(file: str, mark, code: str, message: str) -> Problem:
    message = " ".join(message.split())
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
