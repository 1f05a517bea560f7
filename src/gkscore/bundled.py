"""The rule and unit files that ship with gkscore, and how people name them.

A bundled rule file is named by its stem (``county_2020``,
``citydept_2020``) and the units file by its name (``units.yaml``) wherever
a person reads them: where the package happens to be installed (a
site-packages path) means nothing to them.  On the command line either
form is accepted (``--rules county_2020``, ``--units units``), since typing
that path is no one's job.  Only the standard library: ``problems`` uses it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

BUNDLED = ("county_2020.yaml", "citydept_2020.yaml", "units.yaml")


def bundled_dir() -> Path:
    """Where the bundled rule files live: inside the installed package, or the
    repository's top-level rules/ when running from a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "bundled"
    if packaged.is_dir() and (packaged / "units.yaml").exists():
        return packaged
    return here.parent.parent / "rules"


def bundled_paths() -> list[str]:
    base = bundled_dir()
    return [str(base / name) for name in BUNDLED]


def stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def resolve_arg(arg: str) -> str:
    """The file a --rules or --units argument names: a path as given when it
    exists, else the bundled file of that stem (``county_2020``, or
    ``county_2020.yaml``); else the argument unchanged (loading then says
    there is no such file)."""
    if not arg or os.path.exists(arg):
        return arg
    wanted = stem(arg) if arg.endswith((".yaml", ".yml")) and os.sep not in arg and "/" not in arg else arg
    for p in bundled_paths():
        if stem(p) == wanted:
            return p
    return arg


@lru_cache(maxsize=256)
def _bundled_real() -> dict[str, str]:
    return {os.path.realpath(p): (os.path.basename(p) if p.endswith(UNITS) else stem(p)) for p in bundled_paths()}


UNITS = "units.yaml"


@lru_cache(maxsize=4096)
def shown_path(path: str) -> str:
    """A path as a message shows it: a bundled rule file by its stem, the
    bundled units file as units.yaml, any other file as it was given.  Only
    absolute paths are renamed: the loader makes them of a stem, while a
    relative path is what the person typed."""
    if not path or not path.endswith((".yaml", ".yml")) or not os.path.isabs(path):
        return path
    return _bundled_real().get(os.path.realpath(path), path)
