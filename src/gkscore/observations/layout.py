"""The observation file layouts: column keys, headers, marker cells, text safety.

Three layouts share one set of column keys:

* csv (long form) and the xlsx long layout (sheet ``观测``): a header row with
  the keys of ``LONG_COLUMNS``, one row per unit and field;
* xlsx sheet per unit: the unit's canonical name and class in the cells ``B1``
  and ``B2`` (labels in ``A1``/``A2``), a header row with ``SHEET_COLUMNS``,
  one row per field.

Every xlsx template carries a hidden metadata sheet ``_gkscore`` naming the
rule file it was made from (id and sha256), the sheets it made and the
subset of units it was made for; csv rows carry the rule file in the
``rules`` column as ``<id>@<sha256>``, followed, for a template made for a
subset (--class, --unit), by ``;classes=A/B`` and/or ``;units=X/Y``.
"""

from __future__ import annotations

import re

from ..i18n import N_, Labels
from ..normalize import norm_name

FORMAT = "gkscore-obs/1"
META_SHEET = "_gkscore"
LISTS_SHEET = "_lists"
COVER_SHEET = "说明"
LONG_SHEET = "观测"

# key -> Chinese label shown in xlsx headers (the key is shown too, so the
# reader can always find its columns).
LABELS = {
    "unit": "单位",
    "class": "类别",
    "item": "指标编号",
    "field": "字段",
    "section": "一级指标",
    "group": "二级指标",
    "text": "评分细则",
    "prompt": "问题",
    "type": "类型",
    "allowed": "允许值",
    "value": "填写值",
    "evidence": "佐证",
    "scorer": "评分人",
    "rules": "规则",
}

# The columns as messages (and, in either language, the readers) name them.
COLUMN_NAMES = Labels(
    unit=N_("Unit"),
    **{"class": N_("Class")},
    item=N_("Item no."),
    field=N_("Field"),
    section=N_("Section"),
    group=N_("Group"),
    text=N_("Rule text"),
    prompt=N_("Question"),
    type=N_("Type"),
    allowed=N_("Allowed values"),
    value=N_("Value filled"),
    evidence=N_("Evidence"),
    scorer=N_("Scorer"),
    rules=N_("Rules"),
)


def column_name(key: str) -> str:
    """A column's name in the active language (单位, 填写值 ...)."""
    return COLUMN_NAMES[key]


LONG_COLUMNS = ["unit", "class", "item", "field", "type", "allowed", "value", "evidence", "scorer", "prompt", "rules", "section", "group", "text"]
SHEET_COLUMNS = ["item", "field", "section", "group", "text", "prompt", "type", "allowed", "value", "evidence", "scorer"]
INPUT_COLUMNS = ("value", "evidence", "scorer")
REQUIRED_SHEET = ("item", "field", "value")
REQUIRED_LONG = ("unit", "item", "field", "value")

# Rows of a unit sheet: labels in column A, values in column B.
UNIT_ROW = 1
CLASS_ROW = 2
HEADER_ROW_SHEET = 4

TOTAL_WORDS = {"合计", "总计", "小计", "total", "sum", "总分"}



WIDTHS = {
    "unit": 22, "class": 8, "item": 14, "field": 14, "section": 16, "group": 18, "text": 60,
    "prompt": 40, "type": 8, "allowed": 18, "value": 14, "evidence": 36, "scorer": 12, "rules": 30,
}


def header_text(key: str) -> str:
    return f"{LABELS[key]}\n{key}"


def _variants(key: str) -> set[str]:
    zh = LABELS[key]
    return {norm_name(v) for v in (key, zh, zh + key, f"{zh}({key})", f"{zh}（{key}）")}


_HEADER_LOOKUP = {v: key for key in LABELS for v in _variants(key)}


def header_key(text) -> str | None:
    """The column key a header cell names, or None (extra columns are ignored)."""
    if not isinstance(text, str):
        return None
    return _HEADER_LOOKUP.get(norm_name(text))


def label_key(text) -> str | None:
    """``unit`` or ``class`` for the label cells at the top of a unit sheet."""
    key = header_key(text)
    return key if key in ("unit", "class") else None


# ------------------------------------------------------------ text safety

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@")


def clean_text(text: str) -> str:
    """Remove control characters that xlsx cannot hold (openpyxl raises on them)."""
    return _ILLEGAL.sub("", text)


def _looks_inert(text: str) -> bool:
    """Quotes, then a formula-leading character: what ``inert_csv`` writes."""
    rest = text.lstrip("'")
    return rest != text and rest[:1] in _FORMULA_START


def inert_csv(text: str) -> str:
    """Neutralise a csv cell that a spreadsheet would read as a formula: a
    leading ``'``.  A text that already looks so (a unit named ``'=x``) gets
    one more, so that ``un_inert`` gives it back exactly."""
    text = clean_text(text)
    if text.startswith(_FORMULA_START) or _looks_inert(text):
        return "'" + text
    return text


def un_inert(text: str) -> str:
    """Undo ``inert_csv``: strip exactly the one quote it added."""
    if _looks_inert(text):
        return text[1:]
    return text


def _escape(name: str) -> str:
    return name.replace("\\", "\\\\").replace("/", "\\/").replace(";", "\\;")


def split_escaped(text: str) -> list[str]:
    """``a/b\\/c`` -> ["a", "b/c"]: a list written with ``/`` between its
    entries, ``\\`` before a ``/`` or ``\\`` inside one."""
    parts, cur, i = [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            cur += text[i + 1]
            i += 2
            continue
        if ch == "/":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    parts.append(cur)
    return parts


Scope = tuple  # (classes, unit names): the subset a template was made for


def rules_tag(rules_id: str, sha256: str, scope: Scope | None = None) -> str:
    """``<id>@<sha256>``, then ``;classes=A/B`` and ``;units=X/Y`` for a
    template made for a subset of the units (``/`` and ``;`` in a name are
    written ``\\/`` and ``\\;``)."""
    tag = f"{rules_id}@{sha256}"
    if scope is not None:
        classes, names = scope
        if classes:
            tag += ";classes=" + "/".join(_escape(c) for c in classes)
        if names:
            tag += ";units=" + "/".join(_escape(n) for n in names)
    return tag


def _fields(text: str) -> list[str]:
    """The tag cut at unescaped semicolons."""
    out, cur, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            cur += text[i : i + 2]
            i += 2
            continue
        if text[i] == ";":
            out.append(cur)
            cur = ""
        else:
            cur += text[i]
        i += 1
    return out + [cur]


def parse_rules_tag(text: str) -> tuple[str, str] | None:
    """(rules id, sha256) of a tag, whatever scope follows."""
    head = _fields(text.strip())[0]
    if "@" not in head:
        return None
    rid, sha = head.rsplit("@", 1)
    if not rid or not re.fullmatch(r"[0-9a-fA-F]{64}", sha):
        return None
    return rid, sha.lower()


def tag_scope(text: str) -> Scope | None:
    """The subset a tag records: (classes, unit names), or None."""
    classes: list[str] = []
    names: list[str] = []
    for field in _fields(text.strip())[1:]:
        key, _sep, value = field.partition("=")
        if key == "classes":
            classes += [c for c in split_escaped(value) if c]
        elif key == "units":
            names += [n for n in split_escaped(value) if n]
    return (tuple(classes), tuple(names)) if classes or names else None
