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
from unicodedata import east_asian_width

from ..i18n import N_, Labels, _
from ..normalize import norm_name

FORMAT = "gkscore-obs/1"
META_SHEET = "_gkscore"
LISTS_SHEET = "_lists"
# The cover sheet's and the long sheet's titles; a template written in
# either language is read in the other.
COVER_TITLES = Labels(cover=N_("Instructions"))
LONG_TITLES = Labels(long=N_("Observation sheet"))
COVER_SHEET = "说明"  # the Chinese title (older templates have it in either language)
LONG_SHEET = "观测"


def cover_title() -> str:
    """The cover sheet's title in the active language."""
    return COVER_TITLES["cover"]


def long_title() -> str:
    """The long sheet's title in the active language."""
    return LONG_TITLES["long"]


def is_cover(title) -> bool:
    """A sheet titled as a template's cover, in either language."""
    return isinstance(title, str) and (title == COVER_SHEET or COVER_TITLES.key_of(title) == "cover")


# key -> the Chinese label of each column (older templates wrote it above
# the key: 单位\nunit); headers are now written in the active language
# (``header_text``), and read in either.
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


# The input cells sit right of the question; what the reader needs besides
# (the field id, the rules tag) and the annex's words follow.
LONG_COLUMNS = ["unit", "class", "item", "prompt", "value", "allowed", "evidence", "scorer", "type", "text", "section", "group", "field", "rules"]
SHEET_COLUMNS = ["item", "prompt", "value", "allowed", "evidence", "scorer", "type", "text", "section", "group", "field"]
# The columns that stay in view when scrolling right (frozen panes).
FROZEN_LONG = ("unit", "class", "item", "prompt")
FROZEN_SHEET = ("item", "prompt")
INPUT_COLUMNS = ("value", "evidence", "scorer")
REQUIRED_SHEET = ("item", "field", "value")
REQUIRED_LONG = ("unit", "item", "field", "value")

# Rows of a unit sheet: labels in column A, values in column B.
UNIT_ROW = 1
CLASS_ROW = 2
HEADER_ROW_SHEET = 4

TOTAL_WORDS = {"合计", "总计", "小计", "total", "sum", "总分"}



WIDTHS = {
    "unit": 16, "class": 8, "item": 14, "field": 11, "section": 10, "group": 12, "text": 50,
    "prompt": 40, "type": 7, "allowed": 14, "value": 12, "evidence": 20, "scorer": 10, "rules": 24,
}
# Columns whose texts wrap (the others are short), and the columns printed
# (the field id and the rules tag are for the reader, not for paper).
WRAPPED = ("prompt", "text", "group", "section")
UNPRINTED = ("field", "rules")

LINE_HEIGHT = 15  # points: one line of 11-point text, as Excel and WPS lay it out
MAX_ROW_HEIGHT = 409  # Excel's largest row height, in points


def display_width(text: str) -> int:
    """How many column-width units a text takes: a CJK character two."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def row_height(cells) -> float | None:
    """The height of a row whose cells wrap their text, from (text, column
    width) pairs; None when every text fits on one line.  Set explicitly:
    LibreOffice keeps the default height of a row that has none."""
    lines = 1
    for text, width in cells:
        if not text:
            continue
        usable = max(width - 1, 1)
        n = sum(max(1, -(-display_width(part) // usable)) for part in text.split("\n"))
        lines = max(lines, n)
    return None if lines == 1 else min(lines * LINE_HEIGHT + 2, MAX_ROW_HEIGHT)


# The words of the type column; read back in either language.
TYPE_WORDS = Labels(
    bool=N_("yes/no"),
    count=N_("whole number"),
    number=N_("number"),
    date=N_("date"),
    score=N_("score"),
    choice=N_("choice"),
)


def column_width(key: str) -> float:
    """A column's width in the template: ``WIDTHS``, and the type column as
    wide as its longest word in the active language (whole number)."""
    if key == "type":
        return max(WIDTHS[key], 1 + max(display_width(type_word(t)) for t in TYPE_WORDS.keys()))
    return WIDTHS[key]


def type_word(field_type: str) -> str:
    """A field's type as the template's type column says it (是/否, 整数 ...)."""
    return TYPE_WORDS[field_type] if field_type in TYPE_WORDS else field_type


def header_text(key: str) -> str:
    """A column's header in the active language (the reader takes either)."""
    return _(COLUMN_NAMES.texts[key])


def _variants(key: str) -> set[str]:
    zh = LABELS[key]
    en = COLUMN_NAMES.texts[key]
    return {norm_name(v) for v in (key, zh, en, zh + key, f"{zh}({key})", f"{zh}（{key}）", zh + en, en + zh, f"{zh}({en})", f"{zh}（{en}）", f"{en}({zh})")}


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
