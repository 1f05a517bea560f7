"""One matched pair of items compared: texts, 分值 per class, start, fields
and clauses, each change reported in words through ``add(kind, what, old, new)``."""

from __future__ import annotations

import re

from ..i18n import N_, _
from ..problems import quote
from .resolve import per_class
from .words import cap_words, clause_words, condition_words, figure_words, listing, number


def item_changes(o, n, add) -> None:
    if (o.description or "") != (n.description or ""):
        add("description", _("description now: {text}").format(text=n.description or _("(none)")), o.description, n.description)
    if o.text != n.text:
        add("text", _("scoring rule now: {text}").format(text=short(n.text, 60)), o.text, n.text)
    for what, a, b in per_class_changes(N_("points"), o.max, n.max, classes_of(o.max, n.max)):
        add("max", what, a, b)
    if o.start != n.start:
        default = _("default")
        add("start", _("{what}: {old} → {new}").format(what=_("start"), old=o.start or default, new=n.start or default), o.start, n.start)
    _clauses(o, n, add, _fields(o, n, add))


def per_class_changes(label: str, a, b, classes: list[str]) -> list[tuple[str, str, str]]:
    """``label`` is a marked message id (N_), translated here."""
    out = []
    for c in classes:
        x, y = per_class(a, c), per_class(b, c)
        if x != y:
            name = _("{what}, class {cls}").format(what=_(label), cls=c) if len(classes) > 1 else _(label)
            shown = lambda v: number(v) if v is not None else _("none")  # noqa: E731
            out.append((_("{what}: {old} → {new}").format(what=name, old=shown(x), new=shown(y)), number(x), number(y)))
    return out


def classes_of(*objs) -> list[str]:
    seen: list[str] = []
    for value in objs:
        if isinstance(value, dict):
            for c in value:
                if c not in seen:
                    seen.append(c)
    return seen or ["*"]


def short(text: str, n: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def _fields(o, n, add) -> dict[str, str]:
    """Report added, removed, renamed and retyped fields; return old id -> new id
    for the renamed ones (same place among the item's fields, same type)."""
    a = {f.id: f for f in o.fields}
    b = {f.id: f for f in n.fields}
    gone = [f for f in a if f not in b]
    new = [f for f in b if f not in a]
    rename: dict[str, str] = {}
    for f in list(gone):
        pos = list(a).index(f)
        cand = list(b)[pos] if pos < len(b) else None
        if cand in new and b[cand].type == a[f].type:
            rename[f] = cand
            gone.remove(f)
            new.remove(cand)
    retyped = [f for f in a if f in b and a[f].type != b[f].type]
    parts = []
    if rename:
        parts.append(_("renamed {fields}").format(fields=listing(f"{x}→{y}" for x, y in rename.items())))
    if new:
        parts.append(_("added {fields}").format(fields=listing(new)))
    if gone:
        parts.append(_("removed {fields}").format(fields=listing(gone)))
    if retyped:
        parts.append(_("type changed {fields}").format(fields=listing(f"{f} ({a[f].type}→{b[f].type})" for f in retyped)))
    if parts:
        add("fields", _("fields: {changes}").format(changes="; ".join(parts)), ",".join(a), ",".join(b))
    return rename


def _label(i: int, clause) -> str:
    if clause.text:
        return _("clause {n} {text}").format(n=i + 1, text=quote(short(clause.text, 20)))
    return _("clause {n}").format(n=i + 1)


def _clauses(o, n, add, rename: dict[str, str]) -> None:
    a, b = list(o.clauses), list(n.clauses)
    words_a = lambda c: clause_words(c, rename)  # noqa: E731 - old clauses in the new field names
    if len(a) == len(b):
        pairs = list(zip(range(len(a)), range(len(b))))
    else:
        pairs = []
        used: set[int] = set()
        for i, ca in enumerate(a):
            j = next((j for j, cb in enumerate(b) if j not in used and cb.kind == ca.kind and _anchor(ca, rename) == _anchor(cb, {})), None)
            if j is not None:
                pairs.append((i, j))
                used.add(j)
        for i in [i for i in range(len(a)) if i not in {p[0] for p in pairs}]:
            add("clause", _("clause removed: {clause}").format(clause=words_a(a[i])), words_a(a[i]), None)
        for j in [j for j in range(len(b)) if j not in used]:
            add("clause", _("clause added: {clause}").format(clause=clause_words(b[j])), None, clause_words(b[j]))
    for i, j in pairs:
        ca, cb = a[i], b[j]
        label = _label(j, cb)
        change = lambda x, y: _("{what}: {old} → {new}").format(what=label, old=x, new=y)  # noqa: E731
        if ca.kind != cb.kind:
            add("clause", change(words_a(ca), clause_words(cb)), words_a(ca), clause_words(cb))
            continue
        fa, fb = figure_words(ca), figure_words(cb)
        if fa != fb:
            add("clause", change(fa, fb), fa, fb)
        cap_a, cap_b = getattr(ca, "cap", None), getattr(cb, "cap", None)
        if cap_a != cap_b:
            add("cap", change(cap_words(cap_a), cap_words(cap_b)), cap_words(cap_a), cap_words(cap_b))
        for attr, word in (("sample", N_("sample of {n}")), ("full_at", N_("full points at {n}"))):
            x, y = getattr(ca, attr, None), getattr(cb, attr, None)
            if x != y:
                add("threshold", change(_(word).format(n=x), _(word).format(n=y)), str(x), str(y))
        for attr in ("when", "only_if"):
            wa, wb = condition_words(getattr(ca, attr, None), rename), condition_words(getattr(cb, attr, None))
            if wa != wb:
                kind = "threshold" if _shape(wa) == _shape(wb) else "condition"
                always = _("always")
                add(kind, change(wa or always, wb or always), wa, wb)
        fa_, fb_ = _field_of(ca, rename), _field_of(cb, {})
        if fa_ != fb_:
            add("condition", change(_("field {id}").format(id=fa_), _("field {id}").format(id=fb_)), fa_, fb_)
        if getattr(ca, "mode", None) != getattr(cb, "mode", None) or getattr(ca, "counts", None) != getattr(cb, "counts", None):
            add("clause", change(words_a(ca), clause_words(cb)), words_a(ca), clause_words(cb))


def _field_of(clause, rename: dict[str, str]):
    f = getattr(clause, "field", None)
    if f is not None:
        return rename.get(f, f)
    fields = getattr(clause, "fields", None)
    return ",".join(rename.get(x, x) for x in fields) if fields else None


def _anchor(clause, rename: dict[str, str]) -> str:
    return _field_of(clause, rename) or condition_words(getattr(clause, "when", None), rename)


def _shape(words: str) -> str:
    """A condition in words with its figures and dates taken out: two
    conditions of one shape differ only in a threshold."""
    return re.sub(r"\d[\d.\-/]*", "#", words)
