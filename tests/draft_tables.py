"""Indicator tables of the seed notice, rebuilt as Word and Excel files.

The seed holds Annex 2 and Annex 3 as a web page's table flattened to text:
one paragraph per cell, row by row, and a merged cell only once, in the row
where it starts (an empty cell shows as one more blank line).  ``annex_rows``
parses that text back into rows -- which cells start in each row, and so how
far every merged cell reaches -- and ``write_docx`` / ``write_xlsx`` lay the
rows out as the notice prints them: 一级/二级指标 and shared 指标说明 and
分值 cells merged down, the 加分项/扣分项 rows with one wide text cell.

Which paragraph is which column is not written in the seed; it follows from
the table's grammar -- every row has one 评分细则 cell and ends with its
分值 cells unless the 分值 is merged from the row above; a new 一级指标 starts
a new 二级指标, which starts a new 指标说明 -- and from how the cells read
(a 指标说明 is a label, a 评分细则 a sentence; in Annex 2 the 一级指标 has
its points on a line of its own and a 二级指标 in brackets).  Each run of
cells between two 分值 groups is split into rows at the least cost
(``_parse_segment``).  Nothing of the hand-made rule files is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the committed copy of the seed notice (test_county_rules pins it by hash to shared/seeds/000_50238bad140dc6e8.txt)
SEED = ROOT / "tests" / "data" / "seed_huanggang_2020.txt"

HEADER_WORDS = ("一级指标", "二级指标", "指标说明", "评分细则", "分值", "A类分值", "B类分值")
_L1_MARK = re.compile(r"^\(\d+(?:\.\d+)?分\)$")
_L2_MARK = re.compile(r"\(\d+(?:\.\d+)?分\)$")
_NUMBERED = re.compile(r"^\d+[.．]")
_POINTS = re.compile(r"^\d+(?:\.\d+)?$")
_BONUS = ("加分项", "扣分项")


@dataclass
class Row:
    cells: dict[str, str] = field(default_factory=dict)  # role -> text, for the cells that start here
    wide: bool = False  # 指标说明 and 评分细则 are one cell (the 加分项/扣分项 rows)


@dataclass
class Annex:
    number: int
    title: str
    header: list[str]
    rows: list[Row]

    @property
    def point_roles(self) -> list[str]:
        return [h for h in self.header if "分值" in h]


# ------------------------------------------------------------ the seed


def _paragraphs(lines: list[str]) -> list[str]:
    """Cells in order; a run of k blank lines between cells is k-1 empty cells;
    a '(22分)' line belongs to the cell before it (the 一级指标 cell)."""
    out: list[str] = []
    blanks = 0
    for line in lines:
        text = line.strip()
        if not text:
            blanks += 1
            continue
        if out and blanks > 1:
            out.extend([""] * (blanks - 1))
        blanks = 0
        if _L1_MARK.match(text) and out:
            out[-1] += "\n" + text
        else:
            out.append(text)
    return out


@lru_cache(maxsize=None)
def annex(number: int) -> Annex:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip() == f"附件{number}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip().startswith(("附件", "Produced By"))), len(lines))
    paras = _paragraphs(lines[start + 1 : end])
    title = paras[0]
    header = []
    i = 1
    while paras[i] in HEADER_WORDS:
        header.append(paras[i])
        i += 1
    return Annex(number, title, header, _parse(paras[i:], header))


def _parse(paras: list[str], header: list[str]) -> list[Row]:
    n_points = sum("分值" in h for h in header)
    markers = any("\n(" in p for p in paras)
    rows: list[Row] = []
    segment: list[str] = []
    i = 0
    in_bonus = False
    while i < len(paras):
        p = paras[i]
        if _POINTS.match(p) or (p == "" and i + 1 < len(paras) and _POINTS.match(paras[i + 1])):
            group = paras[i : i + n_points]
            assert all(_POINTS.match(g) or g == "" for g in group), group
            new_rows, in_bonus = _parse_segment(segment, markers, in_bonus)
            for role, value in zip([h for h in header if "分值" in h], group):
                new_rows[-1].cells[role] = value
            rows.extend(new_rows)
            segment = []
            i += n_points
            continue
        segment.append(p)
        i += 1
    assert not segment, segment
    return rows


# ------------------------------------------------------- reading cells


def _label_cost(p: str) -> float:
    """How badly p reads as a label (一级/二级指标, 指标说明)."""
    if _NUMBERED.match(p):
        return 3
    if re.search(r"\d分", p):
        return 2
    if re.search(r"[。;；]", p):
        return 1
    if re.search(r"[,，]", p):
        return 0.5 if len(p) <= 15 else 1
    return 0


def _text_cost(p: str) -> float:
    """How badly p reads as a 评分细则."""
    return 1 if len(p) <= 12 and not re.search(r"[,，。;；分]", p) else 0


def _l1_cost(p: str, markers: bool) -> float | None:
    name = p.split("\n")[0]
    if name in _BONUS:
        return 0
    if markers:
        return 0 if "\n(" in p else None
    return 0.3 + _label_cost(p)


def _l2_cost(p: str, markers: bool, bonus: bool) -> float | None:
    if "\n(" in p or p in _BONUS:
        return None
    if markers:
        if _L2_MARK.search(p):
            return 0
        return 0.3 if bonus else None
    return 0.3 + _label_cost(p)


def _desc_cost(p: str) -> float | None:
    if "\n(" in p or _L2_MARK.search(p):
        return None
    return _label_cost(p)


CONTINUATION = 1.5  # a row whose 分值 is merged from the row above


def _last_row_options(cells: list[str], markers: bool, in_bonus: bool):
    """(cost, Row, in_bonus after) for every way ``cells`` is one row with its own 分值."""
    n = len(cells)
    text = cells[-1]
    for has_l1 in (True, False):
        for has_l2 in (True, False):
            if has_l1 and not has_l2:
                continue
            prefix = cells[:-1]
            k = int(has_l1) + int(has_l2)
            if len(prefix) < k:
                continue
            cost = 0.0
            row = Row()
            bonus = in_bonus
            if has_l1:
                c = _l1_cost(prefix[0], markers)
                if c is None:
                    continue
                cost += c
                row.cells["一级指标"] = prefix[0]
                bonus = prefix[0].split("\n")[0] in _BONUS
            if has_l2:
                c = _l2_cost(prefix[k - 1], markers, bonus)
                if c is None:
                    continue
                cost += c
                row.cells["二级指标"] = prefix[k - 1]
            rest = prefix[k:]
            if bonus:
                if rest or not has_l2:
                    continue  # 加分项 rows: 二级指标 + one wide text cell
                row.wide = True
            else:
                if len(rest) > 1 or (has_l2 and not rest):
                    continue
                if rest:
                    c = _desc_cost(rest[0])
                    if c is None:
                        continue
                    cost += c
                    row.cells["指标说明"] = rest[0]
            cost += _text_cost(text)
            row.cells["评分细则"] = text
            yield cost, row, bonus
    del n


def _parse_segment(cells: list[str], markers: bool, in_bonus: bool) -> tuple[list[Row], bool]:
    """Split the cells between two 分值 groups into rows, cheapest reading first:
    continuation rows ([指标说明] 评分细则, 分值 merged from above), then the
    row that owns the 分值 group."""
    best = None
    n = len(cells)

    def continuation(start: int, end: int):
        # rows [desc] text over cells[start:end], each with its own cost
        if start == end:
            yield 0.0, []
            return
        for size in (1, 2):
            if start + size > end:
                continue
            part = cells[start : start + size]
            if in_bonus:
                continue
            cost = CONTINUATION + _text_cost(part[-1])
            row = Row(cells={"评分细则": part[-1]})
            if size == 2:
                c = _desc_cost(part[0])
                if c is None:
                    continue
                cost += c
                row.cells["指标说明"] = part[0]
            for rest_cost, rest in continuation(start + size, end):
                yield cost + rest_cost, [row] + rest

    for split in range(n):
        for last_cost, last_row, bonus_after in _last_row_options(cells[split:], markers, in_bonus):
            for cont_cost, cont_rows in continuation(0, split):
                total = cont_cost + last_cost
                if best is None or total < best[0]:
                    best = (total, cont_rows + [last_row], bonus_after)
    assert best is not None, cells
    return best[1], best[2]


# ----------------------------------------------------------- layout


@dataclass
class Span:
    row: int
    col: int
    rows: int
    cols: int
    text: str


def spans(ax: Annex) -> list[Span]:
    """Every cell of the notice's layout, merged as printed."""
    cols = {h: i for i, h in enumerate(ax.header)}
    out: list[Span] = []
    n = len(ax.rows)

    def reach(r: int, roles: tuple[str, ...]) -> int:
        end = r + 1
        while end < n and not any(k in ax.rows[end].cells for k in roles):
            end += 1
        return end - r

    for r, row in enumerate(ax.rows):
        for role, text in row.cells.items():
            c = cols[role]
            if role == "一级指标":
                out.append(Span(r, c, reach(r, ("一级指标",)), 1, text))
            elif role == "二级指标":
                out.append(Span(r, c, reach(r, ("一级指标", "二级指标")), 1, text))
            elif role == "指标说明":
                out.append(Span(r, c, reach(r, ("一级指标", "二级指标", "指标说明")), 1, text))
            elif role == "评分细则":
                if row.wide:
                    out.append(Span(r, cols["指标说明"], 1, 2, text))
                else:
                    out.append(Span(r, c, 1, 1, text))
            else:  # a 分值 column
                out.append(Span(r, c, reach(r, (role,)), 1, text))
    return out


def write_docx(ax: Annex, path: Path, *, caption: bool = True) -> Path:
    import docx

    document = docx.Document()
    if caption:
        document.add_paragraph(f"附件{ax.number}")
        document.add_paragraph(ax.title)
    table = document.add_table(rows=1 + len(ax.rows), cols=len(ax.header))
    table.style = "Table Grid"
    for c, h in enumerate(ax.header):
        table.cell(0, c).text = h
    for s in spans(ax):
        top = table.cell(1 + s.row, s.col)
        cell = top if (s.rows, s.cols) == (1, 1) else top.merge(table.cell(s.row + s.rows, s.col + s.cols - 1))
        lines = s.text.split("\n")
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    document.save(str(path))
    return path


def write_xlsx(ax: Annex, path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"附件{ax.number}"
    ws.cell(1, 1, f"附件{ax.number}")
    ws.cell(2, 1, ax.title)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(ax.header))
    for c, h in enumerate(ax.header, 1):
        ws.cell(3, c, h)
    base = 4
    for s in spans(ax):
        value: object = s.text
        if _POINTS.match(s.text):
            value = int(s.text) if "." not in s.text else float(s.text)
        elif s.text == "":
            value = None
        ws.cell(base + s.row, 1 + s.col, value)
        if (s.rows, s.cols) != (1, 1):
            ws.merge_cells(start_row=base + s.row, start_column=1 + s.col,
                           end_row=base + s.row + s.rows - 1, end_column=s.col + s.cols)
    wb.save(str(path))
    return path
