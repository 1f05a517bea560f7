"""One matched pair of items compared: texts, 分值 per class, start, fields
and clauses, each change reported in words through ``add(kind, what, old, new)``."""

from __future__ import annotations

import re

from .resolve import per_class
from .words import clause_words, condition_words, figure_words, number, points_words


def item_changes(o, n, add) -> None:
    if (o.description or "") != (n.description or ""):
        add("description", f"指标说明改为:{n.description or '(无)'}", o.description, n.description)
    if o.text != n.text:
        add("text", f"评分细则改为:{short(n.text, 60)}", o.text, n.text)
    for what, a, b in per_class_changes("分值", o.max, n.max, classes_of(o.max, n.max)):
        add("max", what, a, b)
    if o.start != n.start:
        add("start", f"起算方式:{o.start or '默认'} → {n.start or '默认'}", o.start, n.start)
    _clauses(o, n, add, _fields(o, n, add))


def per_class_changes(label: str, a, b, classes: list[str]) -> list[tuple[str, str, str]]:
    out = []
    for c in classes:
        x, y = per_class(a, c), per_class(b, c)
        if x != y:
            name = f"{label} {c}类" if len(classes) > 1 else label
            out.append((f"{name}:{number(x) if x is not None else '无'} → {number(y) if y is not None else '无'}", number(x), number(y)))
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
        parts.append("改名 " + "、".join(f"{x}→{y}" for x, y in rename.items()))
    if new:
        parts.append("新增 " + "、".join(new))
    if gone:
        parts.append("删除 " + "、".join(gone))
    if retyped:
        parts.append("类型改变 " + "、".join(f"{f}({a[f].type}→{b[f].type})" for f in retyped))
    if parts:
        add("fields", "观测项:" + ";".join(parts), ",".join(a), ",".join(b))
    return rename


def _label(i: int, clause) -> str:
    return f"第{i + 1}条" + (f"“{short(clause.text, 20)}”" if clause.text else "")


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
            add("clause", f"删除条款:{words_a(a[i])}", words_a(a[i]), None)
        for j in [j for j in range(len(b)) if j not in used]:
            add("clause", f"新增条款:{clause_words(b[j])}", None, clause_words(b[j]))
    for i, j in pairs:
        ca, cb = a[i], b[j]
        label = _label(j, cb)
        if ca.kind != cb.kind:
            add("clause", f"{label}:{words_a(ca)} → {clause_words(cb)}", words_a(ca), clause_words(cb))
            continue
        fa, fb = figure_words(ca), figure_words(cb)
        if fa != fb:
            add("clause", f"{label}:{fa} → {fb}", fa, fb)
        cap_a, cap_b = getattr(ca, "cap", None), getattr(cb, "cap", None)
        if cap_a != cap_b:
            wa = f"最多扣{points_words(cap_a)}分" if cap_a is not None else "不限"
            wb = f"最多扣{points_words(cap_b)}分" if cap_b is not None else "不限"
            add("cap", f"{label}:{wa} → {wb}", wa, wb)
        for attr, word in (("sample", "抽查{}个"), ("full_at", "涉及{}项得满分")):
            x, y = getattr(ca, attr, None), getattr(cb, attr, None)
            if x != y:
                add("threshold", f"{label}:{word.format(x)} → {word.format(y)}", str(x), str(y))
        for attr in ("when", "only_if"):
            wa, wb = condition_words(getattr(ca, attr, None), rename), condition_words(getattr(cb, attr, None))
            if wa != wb:
                kind = "threshold" if _shape(wa) == _shape(wb) else "condition"
                add(kind, f"{label}:{wa or '无条件'} → {wb or '无条件'}", wa, wb)
        fa_, fb_ = _field_of(ca, rename), _field_of(cb, {})
        if fa_ != fb_:
            add("condition", f"{label}:观测项 {fa_} → {fb_}", fa_, fb_)
        if getattr(ca, "mode", None) != getattr(cb, "mode", None) or getattr(ca, "counts", None) != getattr(cb, "counts", None):
            add("clause", f"{label}:{words_a(ca)} → {clause_words(cb)}", words_a(ca), clause_words(cb))


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
