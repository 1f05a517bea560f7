"""The observation file layouts: column keys, headers, marker cells, text safety.

Three layouts share one set of column keys:

* csv (long form) and the xlsx long layout (sheet ``观测``): a header row with
  the keys of ``LONG_COLUMNS``, one row per unit and field;
* xlsx sheet per unit: the unit's canonical name and class in the cells ``B1``
  and ``B2`` (labels in ``A1``/``A2``), a header row with ``SHEET_COLUMNS``,
  one row per field.

Every xlsx template carries a hidden metadata sheet ``_gkscore`` naming the
rule file it was made from (id and sha256), the sheets it made and the units
it was made for; csv rows carry the rule file in the ``rules`` column as
``<id>@<sha256>``, and a csv template made for some of the units lists them
in rows whose item is ``_scope``.
"""

from __future__ import annotations

import re

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

# The item of the rows by which a csv template records the units it was made
# for (only a template for some of the units has them): never data.
SCOPE_ITEM = "_scope"

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


def rules_tag(rules_id: str, sha256: str) -> str:
    return f"{rules_id}@{sha256}"


def parse_rules_tag(text: str) -> tuple[str, str] | None:
    text = text.strip()
    if "@" not in text:
        return None
    rid, sha = text.rsplit("@", 1)
    if not rid or not re.fullmatch(r"[0-9a-fA-F]{64}", sha):
        return None
    return rid, sha.lower()
