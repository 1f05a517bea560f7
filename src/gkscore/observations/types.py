"""What a filled observation sheet becomes once read: typed values with provenance.

This is the contract between the reader (csv, xlsx sheet-per-unit, xlsx long
layout) and the scoring core.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union

# bool for yes/no, int for count, Decimal for number and score, date, str for choice.
Value = Union[bool, int, Decimal, dt.date, str]


def show_value(value: "Value | None") -> str:
    """A typed observation value as reports and messages show it (是/否, exact
    decimals, ISO dates, (未填) for a missing value)."""
    from ..exact import fmt

    if value is None:
        return "(未填)"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, Decimal):
        return fmt(value, None)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value was read: file and sheet!cell, or file and csv line."""

    file: str
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.sheet is not None and self.cell is not None:
            return f"{self.file}:{self.sheet}!{self.cell}"
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return self.file


@dataclass(frozen=True, slots=True)
class Observation:
    unit: str  # canonical unit name from the units file
    owner: str  # item id, group id (for group fields) or veto id
    field: str  # field id
    value: Value | None  # None only when reading with --partial (missing value)
    source: Source
    raw: str = ""  # the text as found, for messages and the audit trail
    evidence: str = ""
    scorer: str = ""


@dataclass
class ObservationSet:
    """All observations for one rule file, keyed by (unit, owner, field)."""

    rules_id: str
    rules_sha256: str
    values: dict[tuple[str, str, str], Observation] = field(default_factory=dict)
    # units found in the observations, with their class, in first-seen order
    units: dict[str, str] = field(default_factory=dict)
    # (unit, owner, field) that were expected but missing (only with partial=True)
    missing: set[tuple[str, str, str]] = field(default_factory=set)
    # units of the roster with no observation at all, in the units file's
    # order (only with partial=True; without it they are a missing-unit
    # problem): shown as 未完成, never scored or ranked
    missing_units: list[str] = field(default_factory=list)
    # the LoadedRules the values were checked against (set by the reader), so
    # the scorer never has to find and load the rule file a second time
    rules: object = None

    def get(self, unit: str, owner: str, field_id: str) -> Observation | None:
        return self.values.get((unit, owner, field_id))

    def texts(self, unit: str, owner: str, field_id: str) -> tuple[str, str] | None:
        """(evidence, scorer) of a value, without building its Observation
        when the store can avoid it (None: no value)."""
        v = self.values
        texts_of = getattr(v, "texts_of", None)
        if texts_of is not None:
            return texts_of((unit, owner, field_id))
        o = v.get((unit, owner, field_id))
        return None if o is None else (o.evidence, o.scorer)

    def unit_texts(self, unit: str):
        """``texts`` of each (owner, field) of the keys for ``unit``, as a
        function of the keys: the store finds the unit once for all its items."""
        many = getattr(self.values, "unit_texts", None)
        if many is not None:
            return many(unit)
        return lambda keys: [self.texts(unit, owner, field) for owner, field in keys]

    def code_rows(self, keys: list[tuple[str, str]]):
        """The values of these (owner, field) positions unit by unit as codes
        (``store.CodeRows``), when the values are in the compact store; else
        None (read them with ``value``)."""
        code_rows = getattr(self.values, "code_rows", None)
        return None if code_rows is None else code_rows(keys)

    def value(self, unit: str, owner: str, field_id: str):
        """The value only (None when absent or blank): no Observation is built."""
        v = self.values
        value_of = getattr(v, "value_of", None)
        if value_of is not None:
            return value_of((unit, owner, field_id))
        o = v.get((unit, owner, field_id))
        return None if o is None else o.value
