"""What changed between two rule files: the edits a person made to a table.

    diff_rules(old, new) -> list[Change]

Sections, groups and items are matched by id first (kept only when the texts
are still alike, since drafted files number their items by position), then
by identical text, then by the most similar text (difflib ratio >= 0.6).
Groups and sections that match by neither id nor name are matched by where
most of their items went.  Each matched pair is compared field by field;
what is left over was added or removed.  A removed group is one change
(with its item count), not one per item; the same for sections.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass

from ..i18n import N_, _
from ..problems import quote
from .model import RuleSet
from .diff_items import classes_of, item_changes, per_class_changes, short
from .words import band_words, condition_words, gate_words, listing, number, points_words, policy_words

SIMILAR = 0.6
FILE_KEYS = (("title", N_("title")), ("year", N_("year")), ("precision", N_("decimals")), ("composition", N_("composition")), ("na_policy", N_("na_policy")))
SAME_ID_SIMILAR = 0.3


@dataclass(frozen=True)
class Change:
    kind: str  # added removed moved renamed text description max clause cap threshold condition points fields start file
    level: str  # file | section | group | item
    id: str
    path: str
    what: str
    old: str | None = None
    new: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < SAME_ID_SIMILAR or m.quick_ratio() < SAME_ID_SIMILAR:
        return 0.0
    return m.ratio()


def _match(old: list, new: list, key_id, key_text, extra=None) -> dict[int, int]:
    """old index -> new index, in this order: same id and same text; same text
    (a row inserted above renumbers a drafted file's items, their words stay);
    ``extra`` (parents: where most of their children went); same id with a
    text still alike; the most similar text."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()

    def pair(i: int, j: int) -> None:
        pairs[i] = j
        taken.add(j)

    by_id = {key_id(n): j for j, n in enumerate(new)}
    for i, o in enumerate(old):
        j = by_id.get(key_id(o))
        if j is not None and key_text(o) == key_text(new[j]):
            pair(i, j)
    by_text: dict[str, list[int]] = {}
    for j, n in enumerate(new):
        if j not in taken:
            by_text.setdefault(key_text(n), []).append(j)
    for i, o in enumerate(old):
        free = [j for j in by_text.get(key_text(o), []) if j not in taken] if i not in pairs else []
        if free:
            pair(i, free[0])
    if extra is not None:
        for i, j in extra(pairs, taken):
            pair(i, j)
    for i, o in enumerate(old):
        j = by_id.get(key_id(o))
        if i not in pairs and j is not None and j not in taken and similarity(key_text(o), key_text(new[j])) >= SAME_ID_SIMILAR:
            pair(i, j)
    scored = []
    for i, o in enumerate(old):
        if i in pairs:
            continue
        for j, n in enumerate(new):
            if j not in taken:
                s = similarity(key_text(o), key_text(n))
                if s >= SIMILAR:
                    scored.append((-s, i, j))
    for _score, i, j in sorted(scored):
        if i not in pairs and j not in taken:
            pair(i, j)
    return pairs


@dataclass
class _Node:
    kind: str
    obj: object
    section: object
    group: object | None
    index: int


def _flatten(rs: RuleSet):
    sections, groups, items = [], [], []
    for section in rs.sections:
        sections.append(_Node("section", section, section, None, len(sections)))
        for group in section.groups:
            groups.append(_Node("group", group, section, None, len(groups)))
            for item in group.items:
                items.append(_Node("item", item, section, group, len(items)))
    return sections, groups, items


def _item_text(n: _Node) -> str:
    return f"{n.obj.description or ''}\n{n.obj.text}"


def _path(section, group=None) -> str:
    return section.name if group is None else f"{section.name} / {group.name}"


def _by_majority(children_old, children_new, item_pairs, parent_of):
    """Parents matched by where most of their children went."""

    def extra(pairs, taken):
        votes: dict[tuple[int, int], int] = {}
        for oi, nj in item_pairs.items():
            po, pn = parent_of(children_old[oi], "old"), parent_of(children_new[nj], "new")
            votes[(po, pn)] = votes.get((po, pn), 0) + 1
        for (po, pn), _votes in sorted(votes.items(), key=lambda kv: -kv[1]):
            if po not in pairs and pn not in taken:
                yield po, pn
                taken = taken | {pn}
                pairs = {**pairs, po: pn}

    return extra


def diff_rules(old: RuleSet, new: RuleSet) -> list[Change]:
    o_secs, o_groups, o_items = _flatten(old)
    n_secs, n_groups, n_items = _flatten(new)
    item_pairs = _match(o_items, n_items, lambda n: n.obj.id, _item_text)
    gidx_old = {id(g.obj): g.index for g in o_groups}
    gidx_new = {id(g.obj): g.index for g in n_groups}
    group_pairs = _match(
        o_groups, n_groups, lambda n: n.obj.id, lambda n: n.obj.name,
        _by_majority(o_items, n_items, item_pairs, lambda n, side: (gidx_old if side == "old" else gidx_new)[id(n.group)]),
    )
    sidx_old = {id(s.obj): s.index for s in o_secs}
    sidx_new = {id(s.obj): s.index for s in n_secs}
    section_pairs = _match(
        o_secs, n_secs, lambda n: n.obj.id, lambda n: n.obj.name,
        _by_majority(o_groups, n_groups, group_pairs, lambda n, side: (sidx_old if side == "old" else sidx_new)[id(n.section)]),
    )
    changes: list[tuple[tuple, Change]] = []
    changes += [((-1, -1, -1), c) for c in _file_changes(old, new)]
    _sections(o_secs, n_secs, section_pairs, changes)
    _groups(o_groups, n_groups, group_pairs, section_pairs, sidx_old, sidx_new, changes)
    _items(o_items, n_items, item_pairs, group_pairs, section_pairs, (sidx_old, sidx_new, gidx_old, gidx_new), changes)
    return [c for _key, c in sorted(changes, key=lambda kc: kc[0])]


# ------------------------------------------------------------------ file


def _file_changes(old: RuleSet, new: RuleSet) -> list[Change]:
    out = []

    def add(what, a, b, kind="file"):
        out.append(Change(kind, "file", new.id, "", what, None if a is None else str(a), None if b is None else str(b)))

    for key, label in FILE_KEYS:
        a, b = (policy_words(getattr(rs, key)) if key == "na_policy" else getattr(rs, key) for rs in (old, new))
        if a != b:
            add(_("{what}: {old} → {new}").format(what=_(label), old=a, new=b), a, b)
    for c in old.classes:
        if c not in new.classes:
            add(_("class {cls} ({name}) removed").format(cls=c, name=old.classes[c].name), c, None, "removed")
    for c in new.classes:
        if c not in old.classes:
            add(_("class {cls} ({name}) added").format(cls=c, name=new.classes[c].name), None, c, "added")
        elif old.classes[c].max != new.classes[c].max:
            a, b = number(old.classes[c].max), number(new.classes[c].max)
            add(_("total of class {cls}: {old} → {new}").format(cls=c, old=a, new=b), a, b, "points")
    none = _("none")
    bands = lambda rs: listing(band_words(b) for b in rs.grades.bands) if rs.grades else none  # noqa: E731
    if bands(old) != bands(new):
        add(_("{what}: {old} → {new}").format(what=_("grade bands"), old=bands(old), new=bands(new)), bands(old), bands(new), "threshold")
    gates = lambda rs: listing(gate_words(g) for g in rs.gates) or none  # noqa: E731
    if gates(old) != gates(new):
        add(_("{what}: {old} → {new}").format(what=_("gates"), old=gates(old), new=gates(new)), gates(old), gates(new), "threshold")
    o_v = {v.id: v for v in old.vetoes}
    n_v = {v.id: v for v in new.vetoes}
    for vid in sorted(o_v.keys() - n_v.keys()):
        add(_("veto {id} removed: {text}").format(id=vid, text=o_v[vid].text), o_v[vid].text, None, "removed")
    for vid in sorted(n_v.keys() - o_v.keys()):
        add(_("veto {id} added: {text}").format(id=vid, text=n_v[vid].text), None, n_v[vid].text, "added")
    for vid in sorted(o_v.keys() & n_v.keys()):
        a, b = condition_words(o_v[vid].when), condition_words(n_v[vid].when)
        if a != b:
            add(_("veto {id}, condition: {old} → {new}").format(id=vid, old=a, new=b), a, b, "condition")
        a, b = (listing(v.classes) if v.classes is not None else _("every class") for v in (o_v[vid], n_v[vid]))
        if a != b:
            add(_("veto {id}, classes: {old} → {new}").format(id=vid, old=a, new=b), a, b, "condition")
    return out


# -------------------------------------------------------------- sections


def _sections(o_secs, n_secs, pairs, changes) -> None:
    matched_new = set(pairs.values())
    for i, o in enumerate(o_secs):
        s = o.obj
        if i not in pairs:
            n_items = sum(len(g.items) for g in s.groups)
            what = _("level-1 indicator {name} removed ({n} items)").format(name=quote(s.name), n=n_items)
            changes.append(((o.index, -1, -1), Change("removed", "section", s.id, s.name, what, s.name, None)))
            continue
        n = n_secs[pairs[i]].obj
        key = (pairs[i], -1, -1)
        if s.name != n.name:
            what = _("level-1 indicator renamed: {old} → {new}").format(old=quote(s.name), new=quote(n.name))
            changes.append((key, Change("renamed", "section", n.id, n.name, what, s.name, n.name)))
        elif s.id != n.id:
            changes.append((key, Change("renamed", "section", n.id, n.name, _("id {old} → {new}").format(old=s.id, new=n.id), s.id, n.id)))
        if s.kind != n.kind:
            what = _("{what}: {old} → {new}").format(what=_("kind"), old=s.kind, new=n.kind)
            changes.append((key, Change("section", "section", n.id, n.name, what, s.kind, n.kind)))
        classes = classes_of(s.points, n.points, s.cap, n.cap)
        for what, a, b in per_class_changes(N_("points of the level-1 indicator"), s.points, n.points, classes):
            changes.append((key, Change("points", "section", n.id, n.name, what, a, b)))
        for what, a, b in per_class_changes(N_("cap"), s.cap, n.cap, classes):
            changes.append((key, Change("cap", "section", n.id, n.name, what, a, b)))
    for j, n in enumerate(n_secs):
        if j not in matched_new:
            s = n.obj
            n_items = sum(len(g.items) for g in s.groups)
            what = _("level-1 indicator {name} added ({n} items)").format(name=quote(s.name), n=n_items)
            changes.append(((j, -1, -1), Change("added", "section", s.id, s.name, what, None, s.name)))


def _groups(o_groups, n_groups, pairs, section_pairs, sidx_old, sidx_new, changes) -> None:
    matched_new = set(pairs.values())
    removed_sections = {i for i in range(len(sidx_old)) if i not in section_pairs}
    added_sections = set(range(len(sidx_new))) - set(section_pairs.values())
    for i, o in enumerate(o_groups):
        g = o.obj
        if i not in pairs:
            if sidx_old[id(o.section)] not in removed_sections:
                where = (section_pairs.get(sidx_old[id(o.section)], -1), o.index, -1)
                what = _("level-2 indicator {name} removed ({n} items)").format(name=quote(g.name), n=len(g.items))
                changes.append((where, Change("removed", "group", g.id, _path(o.section), what, g.name, None)))
            continue
        nn = n_groups[pairs[i]]
        n = nn.obj
        key = (sidx_new[id(nn.section)], nn.index, -1)
        path = _path(nn.section, n)
        if g.name != n.name:
            what = _("level-2 indicator renamed: {old} → {new}").format(old=quote(g.name), new=quote(n.name))
            changes.append((key, Change("renamed", "group", n.id, path, what, g.name, n.name)))
        elif g.id != n.id:
            changes.append((key, Change("renamed", "group", n.id, path, _("id {old} → {new}").format(old=g.id, new=n.id), g.id, n.id)))
        if section_pairs.get(sidx_old[id(o.section)]) != sidx_new[id(nn.section)]:
            what = _("moved from {old} to {new}").format(old=quote(o.section.name), new=quote(nn.section.name))
            changes.append((key, Change("moved", "group", n.id, path, what, o.section.name, nn.section.name)))
        classes = classes_of(g.points, n.points, g.max_lost, n.max_lost)
        for what, a, b in per_class_changes(N_("points of the level-2 indicator"), g.points, n.points, classes):
            changes.append((key, Change("points", "group", n.id, path, what, a, b)))
        for what, a, b in per_class_changes(N_("most points lost"), g.max_lost, n.max_lost, classes):
            changes.append((key, Change("cap", "group", n.id, path, what, a, b)))
        rename = {x.id: y.id for x, y in zip(g.fields, n.fields) if x.type == y.type}
        a, b = condition_words(g.void_if, rename), condition_words(n.void_if)
        if a != b or (g.void_text or "") != (n.void_text or ""):
            what = _("{what}: {old} → {new}").format(what=_("condition voiding the group"), old=g.void_text or _("none"), new=n.void_text or _("none"))
            changes.append((key, Change("condition", "group", n.id, path, what, g.void_text, n.void_text)))
    for j, nn in enumerate(n_groups):
        if j not in matched_new and sidx_new[id(nn.section)] not in added_sections:
            g = nn.obj
            what = _("level-2 indicator {name} added ({n} items)").format(name=quote(g.name), n=len(g.items))
            changes.append(((sidx_new[id(nn.section)], j, -1), Change("added", "group", g.id, _path(nn.section), what, None, g.name)))


# ----------------------------------------------------------------- items


def _items(o_items, n_items, pairs, group_pairs, section_pairs, index, changes) -> None:
    sidx_old, sidx_new, gidx_old, gidx_new = index
    matched_new = set(pairs.values())
    removed_groups = {i for i in range(len(gidx_old)) if i not in group_pairs}
    added_groups = set(range(len(gidx_new))) - set(group_pairs.values())
    for i, o in enumerate(o_items):
        it = o.obj
        if i not in pairs:
            if gidx_old[id(o.group)] not in removed_groups:
                where = (section_pairs.get(sidx_old[id(o.section)], -1), group_pairs.get(gidx_old[id(o.group)], -1), o.index)
                what = _("removed: {text}").format(text=short(it.text))
                changes.append((where, Change("removed", "item", it.id, _path(o.section, o.group), what, it.text, None)))
            continue
        nn = n_items[pairs[i]]
        n = nn.obj
        path = _path(nn.section, nn.group)
        key = (sidx_new[id(nn.section)], gidx_new[id(nn.group)], nn.index)

        def add(kind, what, a=None, b=None):
            changes.append((key, Change(kind, "item", n.id, path, what, a, b)))

        if it.id != n.id:
            add("renamed", _("id {old} → {new}").format(old=it.id, new=n.id), it.id, n.id)
        if group_pairs.get(gidx_old[id(o.group)]) != gidx_new[id(nn.group)]:
            add("moved", _("moved from {old} to {new}").format(old=quote(_path(o.section, o.group)), new=quote(path)), _path(o.section, o.group), path)
        item_changes(it, n, add)
    for j, nn in enumerate(n_items):
        if j not in matched_new and gidx_new[id(nn.group)] not in added_groups:
            n = nn.obj
            what = _("added: {text} ({points} points)").format(text=short(n.text), points=points_words(n.max))
            changes.append(((sidx_new[id(nn.section)], gidx_new[id(nn.group)], nn.index), Change("added", "item", n.id, _path(nn.section, nn.group), what, None, n.text)))
