"""The clause kinds of the rule language, by name.

Every module of this package defines one kind (a ``ClauseKind`` subclass
with ``kind: Literal["name"]``) and is registered when the registry loads, in
the order of the kinds' ``order`` (the union's, the JSON schema's and the
messages' order): adding a module adds the kind.  ``register`` adds one from
elsewhere (a plug-in, a test).  On every change the ``Clause`` union of
``rules/model.py`` is rebuilt to accept exactly the registered kinds; the
engine, the checks and the formula workbook ask the kind for its behaviour.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import typing
from typing import Callable

from .base import DEDUCTION, ClauseKind

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


def _modules_kinds() -> list[type[ClauseKind]]:
    """The kinds the modules of this package define."""
    found = []
    for info in pkgutil.iter_modules([os.path.dirname(__file__)]):
        if info.name in ("base", "registry"):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        found += [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, ClauseKind) and v.__module__ == module.__name__]
    return sorted(found, key=lambda k: (k.order, kind_name(k)))


for _kind in _modules_kinds():
    register(_kind)
