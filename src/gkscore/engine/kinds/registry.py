"""The clause kinds of the rule language, by name.

``register`` adds a kind (a ``ClauseKind`` subclass with ``kind:
Literal["name"]``): the ``Clause`` union of ``rules/model.py`` is rebuilt to
accept it, and the engine, the checks and the formula workbook ask it for its
behaviour.  The built-in kinds are registered here, in the order the rule
language documents them (the union's and the JSON schema's order).
"""

from __future__ import annotations

import typing
from typing import Callable

from .award import Award
from .base import DEDUCTION, ClauseKind
from .coverage import Coverage
from .deduct import Deduct
from .deduct_each import DeductEach
from .graded import Graded
from .judged import Judged
from .percent import Percent
from .sampled import Sampled

_KINDS: dict[str, type[ClauseKind]] = {}
_LISTENERS: list[Callable[[], None]] = []


def kind_name(kind: type[ClauseKind]) -> str:
    """The name a rule file gives the kind (its ``kind`` literal)."""
    (name,) = typing.get_args(kind.model_fields["kind"].annotation)
    return name


def register(kind: type[ClauseKind]) -> None:
    """Make ``kind`` part of the rule language (replacing a kind of the same name)."""
    if not (isinstance(kind, type) and issubclass(kind, ClauseKind)):
        raise TypeError(f"{kind!r} is not a ClauseKind")
    _KINDS[kind_name(kind)] = kind
    for listener in _LISTENERS:
        listener()


def unregister(name: str) -> None:
    del _KINDS[name]
    for listener in _LISTENERS:
        listener()


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever a kind is registered or unregistered."""
    _LISTENERS.append(listener)


def kinds() -> tuple[type[ClauseKind], ...]:
    return tuple(_KINDS.values())


def kind_names() -> tuple[str, ...]:
    return tuple(_KINDS)


def is_deduction(name: str) -> bool:
    return _KINDS[name].direction == DEDUCTION


for _kind in (Award, Deduct, DeductEach, Sampled, Coverage, Judged, Graded, Percent):
    register(_kind)
