"""The 观测 sheet of the formula workbook: every observation value as read,
one row per (unit, owner, field), which the formulas of 明细 and 汇总 refer
to; and the 说明 sheet that says how to read the workbook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..engine.formula import NO, YES

OBS, README = "观测", "说明"

OBS_HEADERS = ["单位", "评分表", "指标/对象", "字段", "观测值", "来源文件", "位置", "原文", "佐证", "评分人"]
OBS_VALUE_COL = "E"
OBS_WIDTHS = [16, 22, 14, 16, 12, 28, 14, 16, 30, 14]


def owners_of(rs, cls: str):
    """(owner id, fields) a unit of this class is observed on, in rule order."""
    from ..observations.spec import owners

    for owner in owners(rs).values():
        if cls in owner.classes:
            yield owner.id, [spec.field for spec in owner.specs.values()]


def expected_keys(rs, cls: str) -> list[tuple[str, str]]:
    """(owner, field) of every value a unit of the class answers, in rule order."""
    keys = [(owner, f.id) for owner, fields in owners_of(rs, cls) for f in fields]
    seen: set = set()
    return [k for k in keys if not (k in seen or seen.add(k))]


class ObservedKeys:
    """The (owner, field) rows of each unit on 观测: those its class expects,
    then any other the set holds for it, found in one pass over the set (not
    one per unit)."""

    def __init__(self) -> None:
        self._expected: dict[tuple[int, str], list] = {}
        self._known: dict[tuple[int, str], set] = {}
        self._extra: dict[int, dict[str, list]] = {}

    def expected(self, rs, cls: str) -> list[tuple[str, str]]:
        key = (id(rs), cls)
        keys = self._expected.get(key)
        if keys is None:
            keys = self._expected[key] = expected_keys(rs, cls)
            self._known[key] = set(keys)
        return keys

    def of(self, rs, obs_set, unit: str, cls: str) -> list[tuple[str, str]]:
        keys = self.expected(rs, cls)
        extra = self._extra.get(id(obs_set))
        if extra is None:
            extra = self._extra[id(obs_set)] = {}
            classes = obs_set.units
            for u, owner, field in obs_set.values:
                known = self._known.get((id(rs), classes.get(u, "")))
                if known is None:
                    known = set(self.expected(rs, classes.get(u, "")))
                if (owner, field) not in known:
                    extra.setdefault(u, []).append((owner, field))
        more = extra.get(unit)
        if not more:
            return keys
        seen = set(keys)
        return keys + [k for k in more if not (k in seen or seen.add(k))]


def has_blanks(units, sets_of, observed: ObservedKeys) -> bool:
    """A value a unit's class expects is blank (``--partial``): every formula
    then guards against empty cells."""
    for r, rs in units:
        obs_set = sets_of(r)
        for owner, field_id in observed.expected(rs, r.cls):
            o = obs_set.get(r.unit, owner, field_id)
            if o is None or o.value is None:
                return True
    return False


def obs_value(value):
    """A value as the 观测 cell holds it: 是/否, a date, a number, text."""
    if value is None:
        return None
    if value is True:
        return YES
    if value is False:
        return NO
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write_unit_obs(sheet, row: int, r, rs, obs_set, keys) -> tuple[int, dict[tuple[str, str], str]]:
    """The unit's rows of 观测 from ``row`` on; returns the next row and
    (owner, field) -> the value's cell, for the unit's formulas."""
    put = sheet.put
    cells: dict[tuple[str, str], str] = {}
    for owner, field_id in keys:
        o = obs_set.get(r.unit, owner, field_id)
        value = None if o is None else obs_value(o.value)
        put(f"A{row}", r.unit)
        put(f"B{row}", rs.id)
        put(f"C{row}", owner)
        put(f"D{row}", field_id)
        if value is not None:
            put(f"{OBS_VALUE_COL}{row}", value, number_format="yyyy-mm-dd" if isinstance(value, dt.date) else None)
        if o is not None:
            src = o.source
            put(f"F{row}", str(src.file))
            where = f"{src.sheet}!{src.cell}" if src.sheet is not None and src.cell is not None else (f"第{src.line}行" if src.line is not None else "")
            put(f"G{row}", where)
            put(f"H{row}", o.raw or "")
            put(f"I{row}", o.evidence or "")
            put(f"J{row}", o.scorer or "")
        cells[(owner, field_id)] = f"{OBS}!{OBS_VALUE_COL}{row}"
        row += 1
    return row, cells


def write_readme(ws, run, rules: dict, guard: bool, bold) -> None:
    from openpyxl.cell import WriteOnlyCell

    from .. import __version__ as version

    lines = [
        ("gkscore 公式版评分结果", True),
        (f"gkscore {version}", False),
        ("", False),
        ("观测: 每个观测值及其来源(文件与单元格)、原文、佐证与评分人。是/否 填写为 是 或 否,日期为日期,数字为数字。", False),
        ("明细: 每个单位每项指标一行;得分为按评分细则写成的公式,引用观测表中的单元格。", False),
        ("汇总: 一级指标小计、加分与扣分(含上限)、基础分、总分、等次与排名,均为引用明细的公式。", False),
        ("修改观测表中的任一观测值,Excel 或 LibreOffice 会重新计算该单位的得分、总分、等次与排名。", False),
        ("", False),
        ("取整规则: 每项指标得分 = ROUND(MIN(分值, MAX(0, 起始分 ± 各条款)), 小数位数),四舍五入(与 gkscore 一致);小计与总分为已取整得分之和。", False),
    ]
    for ctx in rules.values():
        lines.append((f"评分表 {ctx.id}: {ctx.rs.title};得分保留 {ctx.p} 位小数", False))
    if guard:
        lines.append(("本结果含未填写的观测值(--partial):未填写的单元格为空,涉及它的条款计 0 分,与 gkscore 一致;结果不是最终结果。", False))
    ws.column_dimensions["A"].width = 120
    for value, strong in lines:
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        if strong:
            cell.font = bold
        ws.append([cell])
