"""Matching unit names as typed (trimmed, full-width folded) through the aliases."""

from __future__ import annotations

from ..normalize import norm_name
from ..rules.units_model import Unit


class UnitsIndex:
    def __init__(self, loaded_units) -> None:
        self.loaded = loaded_units
        self.units: list[Unit] = list(loaded_units.units.units)
        self.order = {u.name: i for i, u in enumerate(self.units)}
        self._by_key: dict[str, Unit] = {}
        self._suggester = None
        for u in self.units:
            for name in [u.name, *u.aliases]:
                self._by_key.setdefault(norm_name(name), u)

    def find(self, text) -> Unit | None:
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        key = norm_name(text)
        return self._by_key.get(key) if key else None

    def suggest(self, text: str) -> list[str]:
        """The closest units' names to a name not found (aliases and
        full/half-width forms tried), closest first."""
        if self._suggester is None:
            from .suggest import of_units

            self._suggester = of_units(self.units)
        return self._suggester.closest(text)

    def of_class(self, classes) -> list[Unit]:
        return [u for u in self.units if u.cls in classes]
