"""The comparison itself: pure, on the documented results json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from ..exact import q
from ..normalize import norm_name
from ..i18n import _, pgettext
from ..problems import Problem, ProblemsError, unreadable

FORMAT = "gkscore-results/1"
_UNIT_KEYS = ("unit", "class", "rank_group", "rank", "total", "sections", "items")


def load_results(path: str) -> dict:
    """A results json as gkscore writes it; anything else is one clear problem."""
    from ..rules.load import read_bytes

    data = read_bytes(path)
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_float=Decimal, parse_int=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        message = _("not a gkscore results file (the JSON cannot be read: {reason}); write one with gkscore score --format json -o FILE")
        raise unreadable(path, message.format(reason=exc), "bad-results")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("units"), list):
        message = _("not a gkscore results file (its format should be {format}); write one with gkscore score --format json -o FILE")
        raise ProblemsError([Problem(file=path, code="bad-results", message=message.format(format=FORMAT))])
    problems = []
    for i, u in enumerate(doc["units"]):
        missing = [k for k in _UNIT_KEYS if not isinstance(u, dict) or k not in u]
        if missing:
            message = _("units[{i}] lacks {keys}").format(i=i, keys=", ".join(missing))
            problems.append(Problem(file=path, code="bad-results", message=message))
    if problems:
        raise ProblemsError(problems)
    return doc


def rank_change_phrase(last_rank: int | None, this_rank: int | None) -> str:
    """'较上年提升3位', '较上年下降1位', '与上年持平', '首次参评' (no last rank), '' (no rank this year)."""
    if this_rank is None:
        return ""
    if last_rank is None:
        return "首次参评"
    delta = int(last_rank) - int(this_rank)
    if delta > 0:
        return f"较上年提升{delta}位"
    if delta < 0:
        return f"较上年下降{-delta}位"
    return "与上年持平"


@dataclass
class UnitChange:
    unit: str
    rank_group: str
    status: str  # both | new (新增) | gone (未参评)
    last_unit: str | None = None  # last year's name, when written differently
    last_group: str | None = None
    last_rank: int | None = None
    this_rank: int | None = None
    last_total: Decimal | None = None
    this_total: Decimal | None = None
    # 一级指标 -> (last share, this share), each a fraction of that 一级指标's points won, or None
    shares: dict[str, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)

    @property
    def comparable(self) -> bool:
        """Ranks compare only within one rank group."""
        return self.status == "both" and self.last_group == self.rank_group

    @property
    def rank_delta(self) -> int | None:
        """Places gained (positive) or lost (negative)."""
        if not self.comparable or self.last_rank is None or self.this_rank is None:
            return None
        return self.last_rank - self.this_rank

    @property
    def mark(self) -> str:
        """↑3, ↓1, —, or new / not evaluated / group changed, in the language of the run."""
        if self.status == "new":
            return _("new")
        if self.status == "gone":
            return _("not evaluated")
        if not self.comparable:
            return _("group changed ({old}→{new})").format(old=self.last_group, new=self.rank_group)
        d = self.rank_delta
        return f"↑{d}" if d > 0 else f"↓{-d}" if d < 0 else "—"

    @property
    def total_delta(self) -> Decimal | None:
        if self.last_total is None or self.this_total is None:
            return None
        return self.this_total - self.last_total

    def phrase(self) -> str:
        """The words of the 通报 (Chinese, as the 通报 is): see ``rank_change_phrase``."""
        if self.status == "gone":
            return ""
        if self.status == "new":
            return "首次参评"
        if not self.comparable:
            return ""
        return rank_change_phrase(self.last_rank, self.this_rank)

    def share_delta(self, section: str) -> Decimal | None:
        """Change of the share won, in percentage points, one decimal."""
        last, this = self.shares.get(section, (None, None))
        if last is None or this is None:
            return None
        return q((this - last) * 100, 1)


@dataclass
class Comparison:
    last_name: str
    this_name: str
    sections: dict[str, list[str]]  # rank group -> base 一级指标 present in both years, in this year's order
    only_last: list[str]  # 一级指标 of last year that are gone
    only_this: list[str]  # new 一级指标
    groups: dict[str, list[UnitChange]]  # rank group -> units, by this year's rank (gone ones last)
    # rank group -> its name for readers: its classes as the rule files name them
    group_names: dict[str, str] = field(default_factory=dict)

    def group_name(self, group: str) -> str:
        return self.group_names.get(group, group)

    def unit(self, name: str) -> UnitChange | None:
        key = norm_name(name)
        for changes in self.groups.values():
            for c in changes:
                if norm_name(c.unit) == key or (c.last_unit and norm_name(c.last_unit) == key):
                    return c
        return None

    def phrase(self, name: str) -> str:
        """For the 通报: '较上年提升3位' etc.; '' when the unit is unknown or not comparable."""
        c = self.unit(name)
        return c.phrase() if c is not None else ""


def share(value: Decimal | None) -> str:
    """A share as a percentage with one decimal: '87.5%'."""
    return "—" if value is None else f"{q(value * 100, 1)}%"


def _shares(unit: dict) -> dict[str, Decimal | None]:
    maxima: dict[str, Decimal] = {}
    for item in unit.get("items") or []:
        if item.get("section") == "base" and item.get("path"):
            maxima[item["path"][0]] = maxima.get(item["path"][0], Decimal(0)) + Decimal(item["max"])
    out: dict[str, Decimal | None] = {}
    for name, subtotal in (unit.get("sections") or {}).items():
        m = maxima.get(name)
        if m:
            out[name] = Decimal(subtotal) / m
        elif name in maxima:
            out[name] = None
    return out


def _base_sections(units) -> list[str]:
    names: list[str] = []
    for unit in units:
        for item in unit.get("items") or []:
            if item.get("section") == "base" and item.get("path") and item["path"][0] not in names:
                names.append(item["path"][0])
    return names


def compare_results(last: dict, this: dict, aliases: dict[str, str] | None = None, *,
                    last_name: str = "", this_name: str = "") -> Comparison:
    """``aliases``: folded name or alias -> canonical name (from a units file)."""
    aliases = aliases or {}

    def key(name: str) -> str:
        k = norm_name(name)
        return norm_name(aliases.get(k, name))

    last_by = {key(u["unit"]): u for u in last["units"]}
    this_by = {key(u["unit"]): u for u in this["units"]}
    s_last, s_this = _base_sections(last["units"]), _base_sections(this["units"])
    groups: dict[str, list[UnitChange]] = {}
    for k, u in this_by.items():
        old = last_by.get(k)
        c = UnitChange(unit=u["unit"], rank_group=str(u["rank_group"]), status="both" if old else "new",
                       this_rank=int(u["rank"]), this_total=_total(u))
        mine = _shares(u)
        theirs = _shares(old) if old is not None else {}
        if old is not None:
            c.last_unit = old["unit"] if old["unit"] != u["unit"] else None
            c.last_group = str(old["rank_group"])
            c.last_rank, c.last_total = int(old["rank"]), _total(old)
        c.shares = {s: (theirs.get(s), mine.get(s)) for s in s_this if s in s_last}
        groups.setdefault(c.rank_group, []).append(c)
    for k, u in last_by.items():
        if k not in this_by:
            c = UnitChange(unit=u["unit"], rank_group=str(u["rank_group"]), status="gone", last_group=str(u["rank_group"]),
                           last_rank=int(u["rank"]), last_total=_total(u))
            groups.setdefault(c.rank_group, []).append(c)
    sections: dict[str, list[str]] = {}
    for group, changes in groups.items():
        changes.sort(key=lambda c: (c.status == "gone", c.this_rank if c.this_rank is not None else c.last_rank or 0, c.unit))
        names = {k for k, u in this_by.items() if str(u["rank_group"]) == group}
        both = _base_sections(this_by[k] for k in names if k in last_by)
        last_side = _base_sections(last_by[k] for k in names if k in last_by)
        sections[group] = [s for s in both if s in last_side]
    return Comparison(last_name=last_name or _("last year"), this_name=this_name or _("this year"), sections=sections,
                      only_last=[s for s in s_last if s not in s_this], only_this=[s for s in s_this if s not in s_last],
                      groups=groups, group_names=_group_names(last, this))


def _group_names(*docs: dict) -> dict[str, str]:
    """rank group -> the names of its classes as the rule files give them
    (results written before the names were recorded keep the group's id)."""
    names = {(r.get("id"), c): n for doc in docs for r in doc.get("rules", ()) for c, n in (r.get("classes") or {}).items()}
    classes: dict[str, list[str]] = {}
    for doc in docs:
        for u in doc["units"]:
            found = classes.setdefault(str(u["rank_group"]), [])
            name = names.get((u.get("rules"), u.get("class")))
            if name is not None and name not in found:
                found.append(name)
    return {group: pgettext("list separator", ", ").join(found) for group, found in classes.items() if found}


def aliases_from_units(units) -> dict[str, str]:
    """folded name or alias -> canonical name, from a loaded units file (``UnitsFile``)."""
    out: dict[str, str] = {}
    for unit in units.units:
        for name in [unit.name, *unit.aliases]:
            out[norm_name(name)] = unit.name
    return out


def _total(unit: dict) -> Decimal | None:
    """A unit's total; None when a veto left it without one (单项否决)."""
    return None if unit.get("total") is None else Decimal(unit["total"])
