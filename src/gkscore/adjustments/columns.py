"""The columns of an adjustments file (复核), as the form writes them and as
the readers accept them.

A header names a column in either language (单位 or Unit), by its key
(``unit``), in the observation template's two-line form (``单位\\nunit``), or
by one of the words offices use for it (指标编号, 字段, 新值, 审批人 ...).
"""

from __future__ import annotations

import re

from ..i18n import N_, Labels, every_language
from ..normalize import norm_name

KEYS = ("unit", "item", "field", "value", "reason", "approved_by", "date")
# what every adjustment must say: who, what, the new value, why and who
# approved it; a file must have these columns (the field may stay empty for
# an indicator with one observation item; the date is recorded when given)
REQUIRED = ("unit", "item", "value", "reason", "approved_by")

COLUMNS = Labels(
    unit=N_("Unit"),
    item=N_("Indicator no. or name"),
    field=N_("Observation item"),
    value=N_("Value"),
    reason=N_("Reason"),
    approved_by=N_("Approved by"),
    date=N_("Date"),
)

# other words for the columns: the observation template's, and what offices write
OTHER_WORDS = {
    "unit": ("单位名称", "被考评单位", "考评对象"),
    "item": ("指标", "指标编号", "指标名称", "测评指标", "item_id", "indicator"),
    "field": ("字段", "问题", "观测点", "field_id", "question"),
    "value": ("值", "填写值", "新值", "复核值", "复核后的值", "调整值", "new_value"),
    "reason": ("复核理由", "调整理由", "原因", "理由说明"),
    "approved_by": ("审批人", "批准", "批准人员", "approved"),
    "date": ("批准日期", "复核日期", "日期"),
}

_SPLIT = re.compile(r"[\n\r()（）]+")
_LOOKUP: dict[str, str] | None = None


def _lookup() -> dict[str, str]:
    global _LOOKUP
    if _LOOKUP is None:
        out: dict[str, str] = {}
        for key in KEYS:
            for word in (key, *OTHER_WORDS.get(key, ())):
                out.setdefault(norm_name(word), key)
        for key in KEYS:
            for spelling in every_language(COLUMNS.texts[key]):
                out.setdefault(norm_name(spelling), key)
        _LOOKUP = out
    return _LOOKUP


def column_key(text) -> str | None:
    """The column a header cell names, or None (other columns are ignored)."""
    if not isinstance(text, str) or not text.strip():
        return None
    lookup = _lookup()
    whole = lookup.get(norm_name(text))
    if whole is not None:
        return whole
    for part in _SPLIT.split(text):  # 单位\nunit, 单位（unit）
        key = lookup.get(norm_name(part)) if part.strip() else None
        if key is not None:
            return key
    return None


def header_of(cells) -> dict[str, int] | None:
    """key -> index in ``cells`` when the cells are a header row (they name
    the unit and the indicator), else None.  The first cell naming a key wins."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = column_key(cell)
        if key is not None and key not in found:
            found[key] = i
    return found if "unit" in found and "item" in found else None


def column_name(key: str) -> str:
    """A column as the active language names it (单位, 指标 ...)."""
    return COLUMNS[key]
