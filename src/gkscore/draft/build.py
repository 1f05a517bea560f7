"""The indicator tree read from a table -> a rule file (as plain data).

Ids follow the table's structure: the n-th 一级指标 is ``s<n>``, the m-th
二级指标 in it ``s<n>.g<m>``, the k-th item (分值 cell) in that group
``s<n>.g<m>.i<k>``; fields are named by what they hold, numbered within
their item (``yes1`` a yes/no question, ``count1`` a count, ``value1`` a
number, ``date1`` a date, ``form1`` one form of a coverage check, ``score``
a judged score, ``void`` a 不得分 condition).  The same table always gives
the same ids; a row inserted before an item renumbers the items after it,
which ``gkscore rules diff`` matches again by their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import phrases as ph
from .layout import RawSection, RawTable
from .reading import ItemDraft, read_item

_PROVISO = re.compile(r"[(（]([^()（）]*?(?:不得分|不计分|得0分)[^()（）]*?)[)）]")
_STATED_CAP = re.compile(r"(?:最高|最多|至多|不超过|上限为?)\s*(?:加|扣)?\s*(\d+(?:\.\d+)?)\s*分")


@dataclass
class DraftStats:
    items: int = 0
    recognised: int = 0
    checks: list[tuple[str, str]] = field(default_factory=list)  # (id, what to check)


@dataclass
class BuiltRules:
    data: dict  # the rule file as plain data, keys in the order they are written
    comments: dict[str, list[str]]  # id -> readings, written as comments above it
    stats: DraftStats


def _sum(values) -> Decimal:
    return sum(values, Decimal(0))


def _per_class_value(values: dict[str, Decimal]):
    """One number for a one-class table; a table with a 分值 column per class
    gets a value per class, as its columns show them."""
    return next(iter(values.values())) if len(values) == 1 else dict(values)


def _shown(value) -> str:
    if isinstance(value, dict):
        return "、".join(f"{c}类{v}" for c, v in value.items())
    return str(value)


def build(table: RawTable, *, title: str, year: int | None, rules_id: str, source: str | None) -> BuiltRules:
    classes = [c.id for c in table.classes]
    stats = DraftStats()
    comments: dict[str, list[str]] = {}
    sections: list[dict] = []
    notes = list(table.notes)
    vetoes: list[dict] = []
    scored = [sec for sec in table.sections if sec.kind != "veto"]
    for si, sec in enumerate(scored, 1):
        sections.append(_section(sec, f"s{si}", classes, year, stats, comments, notes))
    for sec in table.sections:
        if sec.kind == "veto":
            for grp in sec.groups:
                for raw in grp.items:
                    vetoes.append(_veto(raw, len(vetoes) + 1, notes))
    totals = {c: _sum(_class_max(i["max"], c) or Decimal(0)
                      for s in sections if s.get("kind", "base") == "base" for g in s["groups"] for i in g["items"])
              for c in classes}
    if table.stated_totals:
        for c, v in table.stated_totals.items():
            if c in totals and totals[c] != v:
                which = f"{c}类" if len(classes) > 1 else ""
                notes.append(f"待核 — 合计行写{v}分,而{which}各项分值之和为{totals[c]}分")
    data: dict = {"format": "gkscore/1", "id": rules_id, "title": title}
    if source:
        data["source"] = source
    if year is not None:
        data["year"] = year
    data["classes"] = {c.id: {"name": c.name, "max": totals[c.id]} for c in table.classes}
    data["precision"] = _precision(sections)
    if vetoes:
        data["vetoes"] = vetoes
    check_notes = [n for n in notes if n.startswith("待核")]
    if notes:
        data["note"] = "\n".join(notes)
        for n in check_notes:
            stats.checks.append(("(整个文件)", n))
    data["sections"] = sections
    return BuiltRules(data=data, comments=comments, stats=stats)


_VETO_GRADE = re.compile(r"(?:评为|定为|确定为|等次为|结果为|档次为|直接为)\s*[“\"]?(不合格|不称职|较差|差等?|不达标|末位|末等)")
_VETO_ZERO = re.compile(r"(?:总分|得分|成绩|考评分)\s*(?:计|为|按|记)?\s*0\s*分|不得分|计零分|为零分")


def _veto(raw, k: int, notes: list[str]) -> dict:
    """A row of a 一票否决 section: a yes/no question and its outcome."""
    vid = f"veto{k}"
    text = ph.fold_same_length(raw.text)
    out = {"id": vid, "text": raw.text,
           "fields": [{"id": "yes1", "type": "bool", "prompt": f"是否存在:{raw.text.strip().rstrip('。')}?"}],
           "when": {"field": "yes1"}}
    grade = _VETO_GRADE.search(text)
    if grade:
        out["grade"] = grade.group(1)
    elif _VETO_ZERO.search(text):
        out["total"] = Decimal(0)
    else:
        out["grade"] = "不合格"
        check = f"待核 — 否决项 {vid}“{raw.text[:30]}”未写否决的结果,按等次“不合格”起草"
        notes.append(check)
    return out


def _precision(sections: list[dict]) -> int:
    places = 2
    text = repr(sections)
    for m in re.finditer(r"Decimal\('(-?\d+)\.(\d+)'\)", text):
        places = max(places, len(m.group(2).rstrip("0")))
    return min(places, 6)


def _section(sec: RawSection, sid: str, classes: list[str], year, stats, comments, notes) -> dict:
    groups = []
    item_sums = {c: Decimal(0) for c in classes}
    for gi, grp in enumerate(sec.groups, 1):
        g = _group(grp, f"{sid}.g{gi}", classes, sec.kind, year, stats, comments)
        groups.append(g)
        for item in g["items"]:
            for c in classes:
                item_sums[c] += _class_max(item["max"], c) or Decimal(0)
    out: dict = {"id": sid, "name": sec.name}
    if sec.kind != "base":
        out["kind"] = sec.kind
    section_notes: list[str] = []
    if sec.points is not None:
        if sec.points == item_sums:
            out["points"] = _per_class_value(sec.points)
        elif sec.kind == "base":
            section_notes.append(f"待核 — 表中写明{_shown(_per_class_value(sec.points))}分,而各项分值之和为{_shown(_per_class_value(item_sums))}分")
    if sec.kind != "base":
        stated = sec.points or _stated_cap(sec, classes, notes)
        if stated is not None:
            out["cap"] = _per_class_value(stated)
        else:
            out["cap"] = _per_class_value(item_sums)
            what = "加分" if sec.kind == "bonus" else "扣分"
            section_notes.append(f"待核 — 表中未写{what}上限,暂取各项分值之和{_shown(out['cap'])}分")
    if section_notes:
        out["note"] = "\n".join(section_notes)
        stats.checks.extend((sid, n) for n in section_notes)
    out["groups"] = groups
    return out


def _stated_cap(sec: RawSection, classes: list[str], notes: list[str]) -> dict[str, Decimal] | None:
    """A cap in the section's name ("加分项(最高5分)") or in a footnote that
    names the section's kind ("注:加分项累计不超过5分")."""
    m = _STATED_CAP.search(ph.fold_same_length(sec.name))
    if not m:
        word = "加分" if sec.kind == "bonus" else "扣分"
        for note in notes:
            for sentence in re.split(r"[;。；\n]", ph.fold_same_length(note)):
                if word in sentence:
                    m = m or _STATED_CAP.search(sentence)
    return {c: Decimal(m.group(1)) for c in classes} if m else None


def _class_max(value, c: str) -> Decimal | None:
    return value.get(c) if isinstance(value, dict) else value


def _group(grp, gid: str, classes, kind, year, stats, comments) -> dict:
    out: dict = {"id": gid, "name": grp.name}
    sums = {c: _sum(i.max.get(c) or Decimal(0) for i in grp.items) for c in classes}
    group_notes = []
    if grp.points is not None:
        if grp.points == sums:
            out["points"] = _per_class_value(grp.points)
        else:
            group_notes.append(f"待核 — 表中写明{_shown(_per_class_value(grp.points))}分,而各项分值之和为{_shown(_per_class_value(sums))}分")
    provisos = [_proviso(i.text) for i in grp.items]
    shared = provisos[0] if len(grp.items) > 1 and provisos[0] and all(p == provisos[0] for p in provisos) else None
    if shared:
        inner = shared[1]
        out["fields"] = [{"id": "void", "type": "bool", "prompt": f"是否存在:{ph.not_scored_cond(inner)}?"}]
        out["void_if"] = {"field": "void"}
        out["void_text"] = inner
        comments[gid] = [f"各项均附“{shared[0]}”:读作整组的不得分条件"]
    if group_notes:
        out["note"] = "\n".join(group_notes)
        stats.checks.extend((gid, n) for n in group_notes)
    items = []
    for ii, raw in enumerate(grp.items, 1):
        iid = f"{gid}.i{ii}"
        text, void = raw.text, None
        if provisos[ii - 1]:
            text = raw.text.replace(provisos[ii - 1][0], "")
            void = None if shared else provisos[ii - 1][1]
        draft = read_item(text, raw.max, kind, year, void)
        draft.checks[:0] = raw.checks
        items.append(_item(raw, iid, draft))
        stats.items += 1
        if draft.recognised:
            stats.recognised += 1
        else:
            stats.checks.extend((iid, c) for c in draft.checks)
        if draft.readings:
            comments[iid] = draft.readings
    out["items"] = items
    return out


def _proviso(text: str) -> tuple[str, str] | None:
    """'(文件公开数量…的,不得分)' -> (the bracket as written, its words)."""
    m = _PROVISO.search(ph.fold_same_length(text))
    if not m:
        return None
    return text[m.start() : m.end()], text[m.start(1) : m.end(1)]


def _item(raw, iid: str, draft: ItemDraft) -> dict:
    out: dict = {"id": iid}
    if raw.description:
        out["description"] = raw.description
    out["text"] = raw.text
    out["max"] = _per_class_value(raw.max)
    if draft.start:
        out["start"] = draft.start
    if draft.checks:
        out["note"] = "待核 — " + ";".join(draft.checks)
    out["fields"] = draft.fields
    out["clauses"] = draft.clauses
    return out
