"""The closest known names to one typed wrongly: ``黄洲区`` -> 黄州区.

Names are compared as ``normalize.norm_name`` folds them (full-width and
half-width alike, spaces and case ignored), aliases included, each alias
standing for its canonical name.  A name that contains a known one, or is
contained in one (黄州区人民政府办公室, 州区), is a match; otherwise difflib's
ratio decides.  Only for names that are not found, so never in the reader's
hot path; a budget keeps a file of thousands of different wrong names
against a roster of 100,000 from taking minutes (past it, no suggestion).
"""

from __future__ import annotations

import difflib

from ..normalize import norm_name

MAX_SHOWN = 3
CUTOFF = 0.6
BUDGET = 5_000_000  # name comparisons per Suggester


class Suggester:
    """Closest canonical names among ``names``: (typed name, canonical name) pairs."""

    def __init__(self, names) -> None:
        self.canonical: dict[str, str] = {}
        for typed, name in names:
            key = norm_name(typed)
            if key:
                self.canonical.setdefault(key, name)
        self.keys = list(self.canonical)
        self.budget = BUDGET
        self.cache: dict[str, list[str]] = {}

    def closest(self, text: str) -> list[str]:
        """Up to three canonical names, the closest first (none: nothing near)."""
        key = norm_name(text or "")
        if not key:
            return []
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        if self.budget < len(self.keys):
            return []
        self.budget -= len(self.keys)
        out: list[str] = []

        def add(k: str) -> None:
            name = self.canonical[k]
            if name not in out:
                out.append(name)

        contained = [k for k in self.keys if len(k) >= 2 and len(key) >= 2 and (k in key or key in k)]
        for k in sorted(contained, key=lambda k: (abs(len(k) - len(key)), k)):
            add(k)
        for k in difflib.get_close_matches(key, self.keys, n=MAX_SHOWN * 3, cutoff=CUTOFF):
            add(k)
        out = out[:MAX_SHOWN]
        if len(self.cache) < 10_000:
            self.cache[key] = out
        return out


def of_units(units) -> Suggester:
    """A Suggester over the units' names and aliases."""
    return Suggester((name, u.name) for u in units for name in (u.name, *u.aliases))


def of_names(names) -> Suggester:
    return Suggester((n, n) for n in names)
