"""The header row of an indicator table: which column holds what.

A header cell's words name its column: 一级指标, 二级指标, 指标说明 (or
考评内容, 三级指标 ...), 评分细则 (or 评分标准, 考评标准 ...), 分值 (one column
per class: A类分值, B类 ...), 序号, 备注; 考核项目 / 考核指标 are the next
free of 一级 and 二级指标.  The header may take two rows, 分值 merged over
A类 | B类.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..normalize import fold
from .table import TableGrid

TEXT_WORDS = ("评分细则", "评分标准", "考评标准", "考核标准", "评分办法", "评分方法", "计分方法", "评分要求", "扣分标准",
              "评价标准", "考评细则", "评分规则", "评分依据", "计分标准", "考核细则", "评分说明", "考评方法", "考核要求",
              "考评要求", "评分要点", "评估标准", "测评标准", "计分办法", "扣分细则", "考核办法", "评分方式")
DESC_WORDS = ("指标说明", "考评内容", "考核内容", "指标内容", "评价内容", "测评内容", "考评要点", "指标解释", "考核要点",
              "内容", "说明", "要点", "三级指标")
POINTS_WORDS = ("分值", "分数", "标准分", "满分", "权重")
_CLASS_LABEL = re.compile(r"([A-Za-z0-9]+)\s*类")


def compact(text: str) -> str:
    return "".join(fold(text).split())


def column_role(header: str) -> str | None:
    h = compact(header)
    if not h:
        return None
    if "一级" in h:
        return "l1"
    if "二级" in h:
        return "l2"
    if any(w in h for w in TEXT_WORDS):
        return "text"
    if h in ("序号", "编号"):
        return "seq"
    if "备注" in h:
        return "note"
    if any(w in h for w in POINTS_WORDS) or re.fullmatch(r"[A-Za-z0-9]+类", h):
        return "points"
    if any(w in h for w in DESC_WORDS):
        return "desc"
    if any(w in h for w in ("项目", "指标", "类别", "维度")):
        return "level"  # 考核项目, 考核指标: the next free of 一级, 二级指标
    return None


@dataclass
class ClassColumn:
    col: int
    id: str
    name: str


@dataclass
class Header:
    row: int
    end: int  # first body row
    roles: dict[str, int]  # l1/l2/desc/text -> column
    classes: list[ClassColumn]


def find_header(grid: TableGrid) -> Header | None:
    for r in range(min(len(grid.rows), 20)):
        roles: dict[str, int] = {}
        points: list[int] = []
        seen: set[tuple[int, int]] = set()
        for c in range(grid.width):
            cell = grid.cell(r, c)
            role = column_role(cell.text)
            if role == "points":
                points.append(c)
            elif role == "level" and cell.anchor not in seen:
                free = next((k for k in ("l1", "l2") if k not in roles), None)
                if free:
                    roles[free] = c
            elif role and role not in roles and cell.anchor not in seen:
                roles[role] = c
            seen.add(cell.anchor)
        if "text" in roles and points:
            return _header(grid, r, roles, points)
    return None


def _header(grid: TableGrid, r: int, roles: dict[str, int], points: list[int]) -> Header:
    end = r + 1
    # 分值 merged over A类 | B类 in the row below: two header rows.
    if end < len(grid.rows):
        below = [grid.cell(end, c) for c in points]
        if len({grid.cell(r, c).anchor for c in points}) < len(points) and all(b.anchor[0] == end for b in below):
            labels = [b.text for b in below]
            end += 1
            return Header(r, end, roles, _classes(points, labels))
    # several 分值 columns may share one merged header cell only in the two-row form above
    distinct: list[int] = []
    anchors: set = set()
    for c in points:
        a = grid.cell(r, c).anchor
        if a not in anchors:
            anchors.add(a)
            distinct.append(c)
    return Header(r, end, roles, _classes(distinct, [grid.cell(r, c).text for c in distinct]))


def _classes(cols: list[int], labels: list[str]) -> list[ClassColumn]:
    out: list[ClassColumn] = []
    if len(cols) == 1:
        m = _CLASS_LABEL.search(fold(labels[0]))
        cid = m.group(1) if m else "all"
        return [ClassColumn(cols[0], cid, _class_name(labels[0]) if m else "全部单位")]
    used: set[str] = set()
    for i, (c, label) in enumerate(zip(cols, labels), 1):
        m = _CLASS_LABEL.search(fold(label))
        cid = m.group(1) if m and m.group(1) not in used else f"c{i}"
        used.add(cid)
        out.append(ClassColumn(c, cid, _class_name(label) or f"第{i}类"))
    return out


def _class_name(label: str) -> str:
    """'A类分值' -> 'A类'; '分值(未开设网站)' -> '未开设网站'."""
    name = compact(label)
    for w in POINTS_WORDS:
        name = name.replace(w, "")
    return name.strip("()（）:：")
