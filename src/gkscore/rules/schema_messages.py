"""Pydantic's validation errors of a rule or units file, as Problems in the
user's language.

Pydantic words its messages itself ("Input should be a valid dictionary"),
in English and about Python types; each error type it reports for our
models has a message of ours here, built from the error's context (the
limit, the expected values, the value found) and saying how to fix it.  A
message of our own validators (a ValueError in model.py) is already
translated and passes through.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Callable

from ..i18n import _
from ..problems import Problem, quote
from ..yamlio import position_of

# Parts of pydantic's error locations that are not keys in the file.
_NOT_KEYS = ("function-after", "function-before", "[key]")

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
CLASS_PATTERN = r"^[A-Za-z0-9_]{1,32}$"


def _key(err: dict) -> str:
    loc = [p for p in err["loc"] if isinstance(p, str) and p not in _NOT_KEYS]
    return quote(loc[-1]) if loc else "?"


def _found(err: dict) -> str:
    return quote(err.get("input"))


def _ctx(err: dict, name: str, default: Any = "?") -> Any:
    return (err.get("ctx") or {}).get(name, default)


def _listed(expected: str) -> str:
    """pydantic's "'base', 'bonus' or 'penalty'" as "base, bonus, penalty"."""
    values = re.findall(r"'([^']*)'", expected)
    return ", ".join(values) if values else expected


def _missing(err: dict) -> str:
    return _("the required key {key} is missing here; add it").format(key=_key(err))


def _extra(err: dict) -> str:
    loc = [p for p in err["loc"] if isinstance(p, str)]
    key = loc[-1] if loc else ""
    known = known_keys()
    if key in known:
        # a key of the language, written where it does not belong
        return _("the key {key} does not belong here; check which keys this element takes in docs/rule-language.md, or delete it").format(key=quote(key))
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.7) if key else []
    if close:
        return _("unknown key {key}; did you mean {suggestion}? Correct the spelling or delete the key").format(key=quote(key), suggestion=quote(close[0]))
    return _("unknown key {key}; check its spelling, or delete it").format(key=quote(key))


def _tag_invalid(err: dict) -> str:
    disc = str(_ctx(err, "discriminator", "kind")).strip("'")
    tag = _ctx(err, "tag", "")
    expected = _listed(str(_ctx(err, "expected_tags", "")))
    close = difflib.get_close_matches(str(tag), expected.split(", "), n=1, cutoff=0.6)
    if close:
        return _("unknown {key} {value}; did you mean {suggestion}? Use one of: {expected}").format(
            key=disc, value=quote(tag), suggestion=quote(close[0]), expected=expected
        )
    return _("unknown {key} {value}; use one of: {expected}").format(key=disc, value=quote(tag), expected=expected)


def _tag_missing(err: dict) -> str:
    disc = str(_ctx(err, "discriminator", "kind")).strip("'")
    return _("the key {key} is missing here: it says what this entry is; add it").format(key=quote(disc))


def _condition(err: dict) -> str:
    # No .format(): the braces are YAML, not placeholders.
    return _("a condition is one of {field: ...}, {all: [...]}, {any: [...]}, {not: ...}, {clause: ...}")


def _literal(err: dict) -> str:
    return _("{value} is not allowed here; use one of: {expected}").format(value=_found(err), expected=_listed(str(_ctx(err, "expected", ""))))


def _pattern(err: dict) -> str:
    pattern = _ctx(err, "pattern", "")
    if pattern == ID_PATTERN:
        return _(
            "{value} is not a valid id: use lower-case letters a-z, digits and _ . - only, starting with a letter or digit"
        ).format(value=_found(err))
    if pattern == CLASS_PATTERN:
        return _("{value} is not a valid class name: use letters A-Z a-z, digits and _ only, at most 32 of them").format(value=_found(err))
    return _("{value} does not have the form {pattern}").format(value=_found(err), pattern=pattern)


def _too_short_text(err: dict) -> str:
    n = _ctx(err, "min_length", 1)
    if n == 1:
        return _("must not be empty; write the text, or delete the key")
    return _("too short: at least {n} characters").format(n=n)


def _too_long_text(err: dict) -> str:
    found = err.get("input")
    length = len(found) if isinstance(found, str) else "?"
    return _("too long: at most {limit} characters, found {n}; shorten it").format(limit=_ctx(err, "max_length"), n=length)


def _too_short_list(err: dict) -> str:
    return _("needs at least {limit} entries, found {n}").format(limit=_ctx(err, "min_length"), n=_ctx(err, "actual_length"))


def _too_long_list(err: dict) -> str:
    return _("allows at most {limit} entries, found {n}").format(limit=_ctx(err, "max_length"), n=_ctx(err, "actual_length"))


def _value_error(err: dict) -> str:
    # Our validators raise translated ValueErrors; pydantic prefixes them.
    return str(err["msg"]).removeprefix("Value error, ")


def _inexact_date(err: dict) -> str:
    found = err.get("input")
    day = found.date().isoformat() if hasattr(found, "date") else "2021-03-31"
    return _("expected a date without a time of day, found {value}; write {date}").format(value=_found(err), date=day)


# pydantic error type -> message of ours (more are added by _register_simple).
MESSAGES: dict[str, Callable[[dict], str]] = {
    "missing": _missing,
    "extra_forbidden": _extra,
    "union_tag_invalid": _tag_invalid,
    "union_tag_not_found": _tag_missing,
    "condition": _condition,
    "literal_error": _literal,
    "string_pattern_mismatch": _pattern,
    "string_too_short": _too_short_text,
    "string_too_long": _too_long_text,
    "too_short": _too_short_list,
    "too_long": _too_long_list,
    "value_error": _value_error,
    "date_from_datetime_inexact": _inexact_date,
}


def _register_simple() -> None:
    # Each template is written out in an _() call so that the extractor finds it.
    text = lambda err: _("expected text, found {value}").format(value=_found(err))  # noqa: E731
    whole = lambda err: _("expected a whole number, found {value}").format(value=_found(err))  # noqa: E731
    number = lambda err: _("expected a number, found {value}").format(value=_found(err))  # noqa: E731
    boolean = lambda err: _("expected true or false, found {value}").format(value=_found(err))  # noqa: E731
    day = lambda err: _("expected a date such as 2021-03-31, found {value}").format(value=_found(err))  # noqa: E731
    mapping = lambda err: _("expected a mapping (lines of key: value), found {value}").format(value=_found(err))  # noqa: E731
    listing = lambda err: _("expected a list (one entry per line, starting with - ), found {value}").format(value=_found(err))  # noqa: E731
    at_least = lambda err: _("must be at least {limit}, found {value}").format(limit=quote(_ctx(err, "ge")), value=_found(err))  # noqa: E731
    above = lambda err: _("must be more than {limit}, found {value}").format(limit=quote(_ctx(err, "gt")), value=_found(err))  # noqa: E731
    at_most = lambda err: _("must be at most {limit}, found {value}").format(limit=quote(_ctx(err, "le")), value=_found(err))  # noqa: E731
    below = lambda err: _("must be less than {limit}, found {value}").format(limit=quote(_ctx(err, "lt")), value=_found(err))  # noqa: E731
    for types, fn in (
        (("string_type", "string_unicode"), text),
        (("int_type", "int_parsing", "int_from_float"), whole),
        (("decimal_type", "decimal_parsing", "float_type", "float_parsing", "finite_number"), number),
        (("bool_type", "bool_parsing"), boolean),
        (("date_type", "date_parsing", "date_from_datetime_parsing"), day),
        (("dict_type", "mapping_type", "model_type", "model_attributes_type"), mapping),
        (("list_type", "iterable_type"), listing),
        (("greater_than_equal",), at_least),
        (("greater_than",), above),
        (("less_than_equal",), at_most),
        (("less_than",), below),
    ):
        for t in types:
            MESSAGES[t] = fn


_register_simple()


def schema_message(err: dict) -> str:
    """One pydantic error as a message in the active language."""
    make = MESSAGES.get(err["type"])
    if make is None:
        return _("invalid value {value} ({reason})").format(value=_found(err), reason=err.get("msg", err["type"]))
    return make(err)


def schema_problems(file: str, exc, positions: dict) -> list[Problem]:
    """Problems for a pydantic ValidationError on a file read with ``positions``."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        message = schema_message(err)
        if err["type"] == "extra_forbidden":
            line, col = positions.get(loc + ("__key__",), position_of(positions, loc))
            out.append(Problem(file=file, code="schema", message=message, line=line, col=col))
            continue
        if err["type"] == "union_tag_invalid":
            loc = loc + (str(_ctx(err, "discriminator", "kind")).strip("'"),)
        line, col = position_of(positions, loc)
        where = ".".join(str(p) for p in _file_path(positions, loc, err["type"]))
        if where:
            message = _("{message} (at {where})").format(message=message, where=where)
        out.append(Problem(file=file, code="schema", message=message, line=line, col=col))
    return out


def _file_path(positions: dict, loc: tuple, etype: str) -> list:
    """The parts of ``loc`` that are keys or indexes in the file: pydantic adds
    the tags of unions (number, map, award ...) and validator names, which a
    person cannot find in the file.  A missing key is named as well."""
    path: tuple = ()
    for part in loc:
        if path + (part,) in positions:
            path = path + (part,)
    out = list(path)
    if etype == "missing" and loc and isinstance(loc[-1], str) and loc[-1] not in out[-1:]:
        out.append(loc[-1])
    return out


_known: list[str] = []


def known_keys() -> list[str]:
    """Every key of the rule language (field names and aliases of the models)."""
    if not _known:
        from pydantic import BaseModel

        from . import model

        keys: set[str] = set()
        for obj in vars(model).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
                for name, info in obj.model_fields.items():
                    keys.add(info.alias or name)
        _known.extend(sorted(keys))
    return _known
