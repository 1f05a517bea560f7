"""Finding the indicator and the observation item an adjustment names.

A person names an indicator as the reports and the rule file do: by its id
(``rcgl.zztj.2``), its place (组织推进第2项, in either language), its path as
the reports print it (日常管理 / 组织推进 / … / rcgl.zztj.2), its description
(指标说明), its group's name (二级指标, the question then telling its items
apart), a label ending in its id (组织推进第2项（rcgl.zztj.2）, as the form's
list writes it), a group's name for the fields of its void condition, or a
veto's text.  An observation item is named by its id or by
the question the template asks (its punctuation may be left out).
Names are compared as ``normalize.norm_name`` folds them (full-width,
spaces, case).  A name two indicators share is resolved by the
observation item when only one of them has it; a name nothing matches gets
the closest names (``observations.suggest``).
"""

from __future__ import annotations

import re
import unicodedata

from ..i18n import every_language
from ..normalize import norm_name
from ..observations.suggest import Suggester
from ..rules.model import UNIT_OWNER, implicit
from ..rules.resolve import field_label, item_name, item_path

PATH_SEP = " / "
# an id at the end of a label: "… / rcgl.zztj.2", "组织推进第2项（rcgl.zztj.2）"
_TRAILING_ID = re.compile(r"(?:^|[\s/／(（])([A-Za-z0-9_][A-Za-z0-9_.\-]*)\s*[)）]?\s*$")


_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PLACE = re.compile(r"第([一二两三四五六七八九十]+)项")


def _numeral(text: str) -> int:
    """一 .. 九十九 as a number."""
    if "十" not in text:
        return _NUMERALS.get(text, 0)
    tens, _ten, ones = text.partition("十")
    return (_NUMERALS.get(tens, 0) if tens else 1) * 10 + (_NUMERALS.get(ones, 0) if ones else 0)


def _arabic_places(text: str) -> str:
    """组织推进第二项 -> 组织推进第2项."""
    return _PLACE.sub(lambda m: f"第{_numeral(m.group(1))}项", text) if "第" in text else text


def _loose(text: str) -> str:
    """``norm_name`` without punctuation: a question retyped without its
    commas or question mark is the same question."""
    return "".join(ch for ch in norm_name(text) if not unicodedata.category(ch).startswith("P"))


def _trailing_id(text: str) -> str | None:
    m = _TRAILING_ID.search(text.strip())
    return m.group(1) if m else None


class Indicators:
    """The indicators (owners of fields) of one rule file by every name a
    person may give them."""

    def __init__(self, rs, owners: dict) -> None:
        self.rs, self.owners = rs, owners
        self._by_key: dict[str, list[str]] = {}
        self._names: list[str] = []  # every human name, for suggestions
        self.shown: dict[str, str] = {}  # owner id -> 组织推进第2项
        self.described: dict[str, str] = {}  # owner id -> its description or path, for lists
        self._suggester: Suggester | None = None
        for section in rs.sections:
            for group in section.groups:
                if group.id in owners:
                    self._add(group.id, group.id, group.name)
                    self.shown[group.id] = group.name
                for n, item in enumerate(group.items, start=1):
                    if item.id not in owners:
                        continue
                    names = [item.id]
                    template = "item {n}" if implicit(group) else "{group} item {n}"
                    names += [t.format(group=group.name, n=n) for t in every_language(template)]
                    path = item_path(section, group, item)
                    if path:
                        names += [PATH_SEP.join(path), PATH_SEP.join(path + [item.id])]
                    if item.description:
                        names.append(item.description)
                    self._add(item.id, *names)
                    if not implicit(group):
                        # 二级指标 alone: its items, told apart by the question
                        # (never suggested: a place names one item)
                        self._add(item.id, group.name, suggest=False)
                    self.shown[item.id] = item_name(group, n)
                    self.described[item.id] = item.description or (path[-1] if path else "")
        for veto in rs.vetoes:
            if veto.id in owners:
                names = [veto.id, veto.text] + [t.format(text=veto.text) for t in every_language("veto: {text}")]
                self._add(veto.id, *names)
                spec = next(iter(owners[veto.id].specs.values()), None)
                self.shown[veto.id] = spec.indicator() if spec is not None else veto.id
        if UNIT_OWNER in owners:
            from ..observations.spec import UNIT_SECTION

            self._add(UNIT_OWNER, UNIT_OWNER, UNIT_SECTION, *every_language("the unit's own facts"))
            self.shown[UNIT_OWNER] = next(iter(owners[UNIT_OWNER].specs.values())).indicator()

    def _add(self, owner: str, *names: str, suggest: bool = True) -> None:
        for name in names:
            key = norm_name(name or "")
            if not key:
                continue
            ids = self._by_key.setdefault(key, [])
            if owner not in ids:
                ids.append(owner)
            if suggest and name != owner:
                self._names.append(name)

    def find(self, text: str) -> list[str]:
        """The indicators ``text`` may name (none, one, or several)."""
        text = (text or "").strip()
        if text in self.owners:
            return [text]
        hit = self._by_key.get(norm_name(_arabic_places(text)))
        if hit:
            return list(hit)
        tail = _trailing_id(text)
        if tail is not None and tail in self.owners:
            return [tail]
        return []

    def closest(self, text: str) -> list[str]:
        if self._suggester is None:
            self._suggester = Suggester((n, n) for n in self._names)
        return self._suggester.closest(text)

    def label(self, owner: str) -> str:
        """How the form's list and the messages name an indicator: 组织推进第2项（rcgl.zztj.2）."""
        return f"{self.shown.get(owner, owner)}（{owner}）"


def field_names(owner) -> dict[str, str]:
    """field id -> the question as the template asks it."""
    return {fid: field_label(spec.field) for fid, spec in owner.specs.items()}


def find_field(owner, text: str) -> str | None:
    """The field of ``owner`` that ``text`` names (its id or its question);
    an empty text names the only field of an indicator that has one."""
    text = (text or "").strip()
    if not text:
        return next(iter(owner.specs)) if len(owner.specs) == 1 else None
    if text in owner.specs:
        return text
    key = norm_name(text)
    for fid, spec in owner.specs.items():
        prompt = getattr(spec.field, "prompt", None) or ""
        if key in (norm_name(fid), norm_name(field_label(spec.field)), norm_name(prompt)):
            return fid
    tail = _trailing_id(text)
    if tail in owner.specs:
        return tail
    loose = _loose(text)
    found = [fid for fid, spec in owner.specs.items() if loose and loose == _loose(field_label(spec.field))]
    return found[0] if len(found) == 1 else None


def closest_fields(owner, text: str) -> list[str]:
    """The questions (or ids) closest to a mistyped observation item."""
    names = field_names(owner)
    return Suggester([(fid, label) for fid, label in names.items()] + [(label, label) for label in names.values()]).closest(text)


def field_label_in_form(owner, fid: str) -> str:
    """A field as the form's list writes it: its question, or the question
    and its id when two fields of the indicator ask alike."""
    names = field_names(owner)
    label = names[fid]
    if sum(1 for other in names.values() if norm_name(other) == norm_name(label)) > 1:
        return f"{label}（{fid}）"
    return label
