"""From a table's cells to the indicator tree: sections, groups, items.

Below the header (``header``), the merges carry the
structure: the rows one 一级指标 cell spans are a section, the rows one
二级指标 cell spans a group, and the rows one 分值 cell spans one item (a
分值 cell merged over three 评分细则 rows is one item whose text is those
three rows, joined by line breaks).  Nothing here reads the 评分细则: that
is ``phrases``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..normalize import fold
from ..i18n import _
from ..problems import Problem, quote
from .header import ClassColumn, Header, compact
from .table import Cell, TableGrid

TOTAL_WORDS = ("合计", "总计", "总分", "合计分值", "总分值", "小计")
NOTE_PREFIXES = ("注", "说明", "备注", "附注")
_POINTS_TAIL = re.compile(r"[（(]\s*(?P<body>[^()（）]*\d[^()（）]*?)\s*[)）]\s*$")
_POINTS_BARE = re.compile(r"(?:^|\s)(?P<body>\d+(?:\.\d+)?\s*分)\s*$")
_NUMBER = re.compile(r"^[-−]?\d+(?:\.\d+)?$")


@dataclass
class RawItem:
    rows: list[int]
    description: str | None
    text: str
    max: dict[str, Decimal | None]
    text_at: tuple[int, int]
    checks: list[str] = field(default_factory=list)  # what a person must check about the rows themselves


@dataclass
class RawGroup:
    name: str
    points: dict[str, Decimal] | None
    row: int
    col: int
    items: list[RawItem] = field(default_factory=list)


@dataclass
class RawSection:
    name: str
    kind: str
    points: dict[str, Decimal] | None
    row: int
    col: int
    groups: list[RawGroup] = field(default_factory=list)


@dataclass
class RawTable:
    grid: TableGrid
    title: str
    classes: list[ClassColumn]
    sections: list[RawSection]
    stated_totals: dict[str, Decimal] | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    item_checks: dict[int, list[str]] = field(default_factory=dict)  # first row of an item -> 待核 points

# --------------------------------------------------------------- numbers


def parse_points(text: str, number=None) -> Decimal | None:
    """A 分值 cell: '' -> None (does not apply); '2', '2分', '２' -> Decimal;
    '-5', '扣5分' -> -5 (a 扣分项 may write its points so); else ValueError."""
    if number is not None:
        return number
    t = compact(text)
    if t in ("", "/", "-", "—", "——", "／"):
        return None
    t = t.removesuffix("分").replace("−", "-")
    if t.startswith("扣"):
        t = "-" + t[1:]
    # a range or an upper bound: '0-5', '0～2', '≤5', '最高5分', '不超过2分' -> its top
    t = re.sub(r"^(?:0(?:\.0+)?\s*[-~～—至]\s*|[≤<]=?|最高|最多|不超过|上限)(?=\d)", "", t)
    if not _NUMBER.match(t):
        raise ValueError(text)
    try:
        return Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError(text)


def split_name_points(text: str, class_ids: list[str]) -> tuple[str, dict[str, Decimal] | None, str | None]:
    """'日常管理\\n(22分)' -> ('日常管理', {cls: 22}, None).  A bracket that holds
    figures we cannot read stays in the name and is returned as the third
    element, for a 待核 note."""
    raw = text.strip()
    m = _POINTS_TAIL.search(raw) or _POINTS_BARE.search(raw)
    if not m:
        return _join_lines(raw), None, None
    body = fold(m.group("body"))
    name = _join_lines(raw[: m.start()])
    simple = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*分?\s*", body)
    if simple:
        v = Decimal(simple.group(1))
        return name, {c: v for c in class_ids}, None
    per = dict(re.findall(r"([A-Za-z0-9]+)\s*类[^0-9]*?(\d+(?:\.\d+)?)\s*分", body))
    if per and set(per) == set(class_ids):
        return name, {c: Decimal(per[c]) for c in class_ids}, None
    return _join_lines(raw), None, m.group(0).strip()


def _join_lines(text: str) -> str:
    # A name broken over lines in a narrow column is one name.
    return "".join(line.strip() for line in text.strip().split("\n"))


def section_kind(name: str) -> str:
    if "否决" in name:
        return "veto"  # 一票否决: each row is a veto, with no 分值
    if "加分" in name:
        return "bonus"
    if "扣分" in name or "减分" in name:
        return "penalty"
    return "base"


# ------------------------------------------------------------------ body


@dataclass
class _Row:
    r: int
    l1: Cell | None
    l2: Cell | None
    desc: Cell | None
    text: Cell
    points: list[Cell]


def read_structure(grid: TableGrid, header: Header) -> RawTable:
    roles, classes = header.roles, header.classes
    class_ids = [c.id for c in classes]
    table = RawTable(grid=grid, title=_title(grid, header), classes=classes, sections=[])
    header_texts = [compact(grid.cell(header.row, c).text) for c in range(grid.width)]
    rows: list[_Row] = []
    pending_section: Cell | None = None
    for r in range(header.end, len(grid.rows)):
        cells = grid.rows[r]
        texts = [compact(c.text) for c in cells]
        if not any(texts):
            continue
        if texts == header_texts[: len(texts)]:
            continue  # the header repeated on a new page
        if len({c.anchor for c in cells}) == 1:
            # one cell across the table: a footnote (注:…), else a 一级指标 title row
            whole = cells[0].text.strip()
            if compact(whole).startswith(NOTE_PREFIXES):
                table.notes.append(f"表注({grid.name}第{r + 1}行):{whole}")
            else:
                pending_section = cells[0]
            continue
        first = next(t for t in texts if t)
        if first in TOTAL_WORDS:
            table.stated_totals = _totals(grid, r, classes, table.problems)
            continue
        l1 = grid.cell(r, roles["l1"]) if "l1" in roles else None
        if l1 is None or (not l1.text and l1.anchor == (r, roles["l1"]) and pending_section is not None):
            l1 = pending_section
        elif l1.text:
            pending_section = None
        l2 = grid.cell(r, roles["l2"]) if "l2" in roles else None
        text = grid.cell(r, roles["text"])
        desc = grid.cell(r, roles["desc"]) if "desc" in roles else None
        if desc is not None and (desc.anchor in (text.anchor, l2.anchor if l2 else None) or not desc.text):
            desc = None
        if l2 is not None and l1 is not None and l2.anchor == l1.anchor:
            l2 = None  # 加分项 written across both columns: the section is its own group
        if not text.text and desc is not None:
            text, desc = desc, None  # only a 考评内容 column filled: it is the rule
        rows.append(_Row(r, l1, l2, desc, text, [grid.cell(r, c.col) for c in classes]))
    _build(table, rows, roles, class_ids)
    return table


def _title(grid: TableGrid, header: Header) -> str:
    above = [grid.cell(r, 0).text.strip() for r in range(header.row) if grid.cell(r, 0).text.strip()]
    for text in reversed(above):
        if not (compact(text).startswith("附件") and len(compact(text)) <= 6):
            return _join_lines(text)
    return _join_lines(grid.caption)


def _totals(grid: TableGrid, r: int, classes: list[ClassColumn], problems: list[Problem]) -> dict[str, Decimal] | None:
    out: dict[str, Decimal] = {}
    for c in classes:
        cell = grid.cell(r, c.col)
        try:
            v = parse_points(cell.text, cell.number)
        except ValueError:
            problems.append(grid.problem(r, c.col, "bad-points", _("the total {value} is not a number").format(value=quote(cell.text))))
            continue
        if v is not None:
            out[c.id] = v
    return out or None


def _blank(row: _Row) -> bool:
    """Every 分值 cell of the row empty and not part of a merge from above."""
    return all(not c.text and c.number is None and c.anchor[0] == row.r for c in row.points)


def _same(a: Cell | None, b: Cell | None) -> bool:
    return a is not None and b is not None and a.anchor == b.anchor


def _continues(cell: Cell | None, prev: Cell | None) -> bool:
    """The row stays under the previous 一级/二级指标: the same merged cell, or
    an empty unmerged cell below it (a sheet where nobody merged the cells)."""
    if cell is None or prev is None:
        return cell is None and prev is None
    return cell.anchor == prev.anchor or (not cell.text and cell.anchor[0] > prev.anchor[0])


def _build(table: RawTable, rows: list[_Row], roles: dict[str, int], class_ids: list[str]) -> None:
    grid = table.grid
    section: RawSection | None = None
    group: RawGroup | None = None
    item_rows: list[_Row] = []
    prev: _Row | None = None

    def close_item() -> None:
        if item_rows and group is not None:
            item = _item(grid, item_rows, class_ids, table.problems, section.kind)
            if item is not None:
                item.checks = table.item_checks.get(item_rows[0].r, [])
                group.items.append(item)
        item_rows.clear()

    for row in rows:
        new_section = prev is None or not _continues(row.l1, prev.l1)
        new_group = new_section or not _continues(row.l2, prev.l2)
        if new_group and prev is not None and any(_same(a, b) for a, b in zip(row.points, prev.points)):
            r, c = row.points[0].anchor
            table.problems.append(grid.problem(row.r, c, "points-across", _("a 分值 cell merged across two 二级指标: which item it belongs to cannot be told; unmerge it")))
        if new_section:
            close_item()
            cell = row.l1
            name_text = cell.text if cell is not None and cell.text else ""
            if not name_text:
                table.problems.append(grid.problem(row.r, roles.get("l1", 0), "no-section", _("this row has no 一级指标 name")))
                name_text = "一级指标"
            name, points, odd = split_name_points(name_text, class_ids)
            at = cell.anchor if cell is not None else (row.r, 0)
            section = RawSection(name=name, kind=section_kind(name), points=points, row=at[0], col=at[1])
            if odd:
                table.notes.append(f"待核 — 一级指标“{name}”的分值“{odd}”未能识别")
            table.sections.append(section)
        if new_group:
            close_item()
            cell = row.l2
            if cell is not None and cell.text:
                name, points, odd = split_name_points(cell.text, class_ids)
                at = cell.anchor
                if odd:
                    table.notes.append(f"待核 — 二级指标“{name}”的分值“{odd}”未能识别")
            else:
                name, points, at = section.name, None, (row.r, roles.get("l2", 0))
            group = RawGroup(name=name, points=points, row=at[0], col=at[1])
            section.groups.append(group)
        elif section.kind == "veto":
            close_item()  # one veto a row
        elif item_rows and _blank(row):
            # nobody merged the 分值 cells: the row shares the 分值 above, and a person checks that
            table.item_checks.setdefault(item_rows[0].r, []).append(f"第{row.r + 1}行没有分值,按与上一行共用一个分值起草")
        elif item_rows and not any(_same(a, b) for a, b in zip(row.points, item_rows[-1].points)):
            close_item()
        item_rows.append(row)
        prev = row
    close_item()
    # groups and sections whose every row was refused (each with its problem) are left out
    for sec in table.sections:
        sec.groups = [g for g in sec.groups if g.items]
    table.sections = [s for s in table.sections if s.groups]


def _item(grid: TableGrid, rows: list[_Row], class_ids: list[str], problems: list[Problem], kind: str) -> RawItem | None:
    texts: list[str] = []
    descs: list[str] = []
    seen: set[tuple[int, int]] = set()
    for row in rows:
        if row.text.anchor not in seen and row.text.text:
            seen.add(row.text.anchor)
            texts.append(row.text.text)
        if row.desc is not None and row.desc.anchor not in seen:
            seen.add(row.desc.anchor)
            descs.append(row.desc.text)
    first = rows[0]
    maxima: dict[str, Decimal | None] = {}
    bad = False
    for cid, cell in zip(class_ids, first.points):
        try:
            maxima[cid] = parse_points(cell.text, cell.number)
        except ValueError:
            r, c = cell.anchor
            problems.append(grid.problem(r, c, "bad-points", _("分值 {value} is not a number (write 2 or 0.5; leave it empty where the item does not apply)").format(value=quote(cell.text))))
            bad = True
    for cid, cell in zip(class_ids, first.points):
        v = maxima.get(cid)
        if v is not None and v < 0:
            if kind == "penalty":
                maxima[cid] = -v  # "-5" in a 扣分项: worth at most 5 points off
            else:
                r, c = cell.anchor
                problems.append(grid.problem(r, c, "bad-points", _("分值 {value} is negative: only a 扣分项 may write its points so").format(value=quote(cell.text))))
                bad = True
    if bad:
        return None
    text_col = first.text.anchor[1]
    if not texts:
        problems.append(grid.problem(first.r, text_col, "no-text", _("this row has a 分值 but no 评分细则")))
        return None
    if all(v is None for v in maxima.values()) and kind != "veto":
        problems.append(
            grid.problem(first.r, first.points[0].anchor[1], "no-points",
                         _("this row has no 分值: if it shares the 分值 of the row above, merge their 分值 cells; if it scores nothing, write 0"))
        )
        return None
    return RawItem(rows=[r.r for r in rows], description="\n".join(descs) or None, text="\n".join(texts),
                   max=maxima, text_at=(first.r, text_col))
