"""From Grids to raw rows with cell provenance, before any rule is consulted.

A sheet is read when it has a header row naming at least the item, field and
value columns (and the unit column, for the long layout), or when it is a
unit sheet (单位 label above such a header).  Other sheets (the cover, notes
someone added) are ignored; a sheet with observation columns but no unit is a
problem.  Below the header: fully empty rows are skipped, as are rows with no
item, field, value, evidence or scorer (notes) and a total row (合计 ...).
Anything else without an item and field is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ..normalize import fold
from ..problems import Problem
from .allowed import display, is_blank
from .grid import Grid
from .layout import LISTS_SHEET, META_SHEET, REQUIRED_LONG, REQUIRED_SHEET, TOTAL_WORDS, header_key, label_key
from .types import Source

HEADER_SCAN = 30


@dataclass
class RawRow:
    file: str
    unit: object
    unit_src: Source
    cls: object
    cls_src: Source | None
    item: str
    item_src: Source
    field: str
    field_src: Source
    value: object
    value_src: Source
    evidence: str
    scorer: str
    tag: str | None
    tag_src: Source | None
    # the value cell holds a formula or an error value: already reported here,
    # so it is neither a value nor a missing value
    flagged: bool = False


def src_key(s: Source) -> tuple:
    from ..problems import _cell_key

    return (s.file, s.sheet or "", _cell_key(s.cell), s.line or 0)


def problem_at(src: Source, code: str, message: str) -> Problem:
    return Problem(file=src.file, code=code, message=message, sheet=src.sheet, cell=src.cell, line=src.line)


class Positions:
    def __init__(self, file: str, grid: Grid, is_csv: bool) -> None:
        self.file, self.grid, self.is_csv = file, grid, is_csv

    def at(self, row: int, col: int) -> Source:
        if self.is_csv:
            return Source(self.file, line=row)
        return Source(self.file, sheet=self.grid.title, cell=f"{get_column_letter(col)}{row}")

    def sheet(self) -> Source:
        return Source(self.file) if self.is_csv else Source(self.file, sheet=self.grid.title)


def _text(v) -> str:
    return "" if v is None else fold(display(v)) if not isinstance(v, str) else v.strip()


def _header(grid: Grid, need: tuple[str, ...], limit: int):
    for r, row in grid.rows():
        if r > limit:
            return None
        cols: dict[str, int] = {}
        dups: list[tuple[str, int]] = []
        for c in sorted(row):
            key = header_key(row[c])
            if key is None:
                continue
            if key in cols:
                dups.append((key, c))
            else:
                cols[key] = c
        if all(k in cols for k in need):
            return r, cols, dups
    return None


def read_meta(grid: Grid, file: str) -> tuple[str | None, Source | None]:
    """The rules tag recorded in the metadata sheet."""
    vals: dict[str, tuple[object, int]] = {}
    for r, row in grid.rows():
        k = row.get(1)
        if isinstance(k, str):
            vals[k.strip()] = (row.get(2), r)
    rid, sha = vals.get("rules_id"), vals.get("rules_sha256")
    if rid is None or sha is None:
        return None, None
    src = Source(file, sheet=grid.title, cell=f"B{sha[1]}")
    return f"{_text(rid[0])}@{_text(sha[0])}", src


CHECKED_COLUMNS = ("unit", "class", "item", "field", "value", "evidence", "scorer", "rules")


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _cell_problem(pos: Positions, r: int, c: int) -> Problem | None:
    """A formula or an error value in a cell we read (xlsx only)."""
    g = pos.grid
    if (r, c) in g.errors:
        return problem_at(pos.at(r, c), "error-value", f"the cell shows the error {_short(g.errors[(r, c)])}; type the value itself")
    if (r, c) in g.formulas:
        return problem_at(pos.at(r, c), "formula", f"a formula ({_short(g.formulas[(r, c)])}) in an input cell; type the value itself (paste as values)")
    return None


def _check_cells(pos: Positions, r: int, cols: dict[str, int], problems: list[Problem]) -> bool:
    """Report formulas and error values in the row's cells; True when the value cell has one."""
    g = pos.grid
    if not g.formulas and not g.errors:
        return False
    flagged = False
    for key in CHECKED_COLUMNS:
        c = cols.get(key)
        if c is None:
            continue
        p = _cell_problem(pos, r, c)
        if p is not None:
            problems.append(p)
            flagged = flagged or key == "value"
    return flagged


def _check_merged(pos: Positions, header_row: int, cols: dict[str, int], problems: list[Problem]) -> None:
    """Merged ranges over the cells we read below the header: each row needs its own cell."""
    from openpyxl.utils import get_column_letter

    used = {cols[k] for k in CHECKED_COLUMNS if k in cols}
    for r1, c1, r2, c2 in pos.grid.merged:
        if r2 <= header_row or not any(c1 <= c <= c2 for c in used):
            continue
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        problems.append(problem_at(pos.at(max(r1, header_row + 1), c1), "merged-cells", f"cells {ref} are merged over input cells; unmerge them and fill each cell"))


def _data_rows(pos: Positions, start: int, cols: dict[str, int], problems: list[Problem]):
    for r, row in pos.grid.rows():
        if r <= start:
            continue
        get = lambda k: row.get(cols[k]) if k in cols else None  # noqa: E731
        item, field = _text(get("item")), _text(get("field"))
        if not field and any(isinstance(v, str) and fold(v).casefold() in TOTAL_WORDS for v in row.values()):
            continue  # a total row: never data (data rows name a field)
        if not item and not field:
            rest = [get(k) for k in ("value", "evidence", "scorer")]
            if all(is_blank(v) for v in rest):
                continue
            problems.append(problem_at(pos.at(r, cols["item"]), "unknown-item", "a row with a value but no item and field; fill in the item and field or delete the row"))
            continue
        yield r, row, get, item, field


def extract_grid(file: str, grid: Grid, *, is_csv: bool, meta_tag=(None, None), problems: list[Problem]) -> list[RawRow]:
    if not is_csv and grid.title in (META_SHEET, LISTS_SHEET):
        return []
    pos = Positions(file, grid, is_csv)
    out: list[RawRow] = []
    long = _header(grid, REQUIRED_LONG, 1 if is_csv else HEADER_SCAN)
    if is_csv and long is None:
        first = min(grid.cells) if grid.cells else 1
        found = [header_key(v) for v in grid.cells.get(first, {}).values()]
        missing = [k for k in REQUIRED_LONG if k not in found]
        problems.append(Problem(file=file, line=first, code="bad-header", message=f"the first row must name the columns {','.join(REQUIRED_LONG)} (missing: {','.join(missing)})"))
        return out
    if long is not None:
        hr, cols, dups = long
        for key, c in dups:
            problems.append(problem_at(pos.at(hr, c), "duplicate-column", f"column {key!r} appears twice"))
        _check_merged(pos, hr, cols, problems)
        for r, row, get, item, field in _data_rows(pos, hr, cols, problems):
            flagged = _check_cells(pos, r, cols, problems)
            tag = _text(get("rules")) or None
            tag_src = pos.at(r, cols["rules"]) if tag else meta_tag[1]
            c_unit = cols["unit"]
            out.append(RawRow(
                file=file, unit=get("unit"), unit_src=pos.at(r, c_unit),
                cls=get("class"), cls_src=pos.at(r, cols["class"]) if "class" in cols else None,
                item=item, item_src=pos.at(r, cols["item"]), field=field, field_src=pos.at(r, cols["field"]),
                value=get("value"), value_src=pos.at(r, cols["value"]),
                evidence=_text(get("evidence")), scorer=_text(get("scorer")),
                tag=tag or meta_tag[0], tag_src=tag_src, flagged=flagged,
            ))
        return out
    head = _header(grid, REQUIRED_SHEET, HEADER_SCAN)
    if head is None:
        return out  # not an observation sheet: the cover, notes ...
    hr, cols, dups = head
    for key, c in dups:
        problems.append(problem_at(pos.at(hr, c), "duplicate-column", f"column {key!r} appears twice"))
    labels: dict[str, tuple[object, Source]] = {}
    for r, row in grid.rows():
        if r >= hr:
            break
        for c, v in row.items():
            key = label_key(v)
            if key and key not in labels:
                labels[key] = (row.get(c + 1), pos.at(r, c + 1))
    if "unit" not in labels:
        problems.append(problem_at(pos.at(1, 1), "unknown-unit", "this sheet has observation columns but no 单位 (unit) cell above them"))
        return out
    unit, unit_src = labels["unit"]
    for key in ("unit", "class"):
        if key in labels and labels[key][1].cell is not None:
            from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

            letters, row_no = coordinate_from_string(labels[key][1].cell)
            p = _cell_problem(pos, row_no, column_index_from_string(letters))
            if p is not None:
                problems.append(p)
                if key == "unit":
                    return out
    _check_merged(pos, hr, cols, problems)
    if is_blank(unit):
        problems.append(problem_at(unit_src, "unknown-unit", "the unit cell is empty"))
        return out
    cls, cls_src = labels.get("class", (None, None))
    for r, row, get, item, field in _data_rows(pos, hr, cols, problems):
        flagged = _check_cells(pos, r, cols, problems)
        out.append(RawRow(
            file=file, unit=unit, unit_src=unit_src, cls=cls, cls_src=cls_src,
            item=item, item_src=pos.at(r, cols["item"]), field=field, field_src=pos.at(r, cols["field"]),
            value=get("value"), value_src=pos.at(r, cols["value"]),
            evidence=_text(get("evidence")), scorer=_text(get("scorer")),
            tag=meta_tag[0], tag_src=meta_tag[1], flagged=flagged,
        ))
    return out
