"""Which sheets hold observations, and where: the header row, its columns,
the unit and class cells (``plan``), and what the template recorded in its
metadata sheet (``read_meta``).

A sheet is an observation sheet when it has a header row naming the item,
field and value columns (and the unit column: the long layout).  A sheet is
also taken for a unit sheet -- and then a header it lacks is a problem at
the header cell, never a reason to skip it -- when the template recorded it
as one of its sheets, when its title is a unit's name, when it has a 单位
(unit) label beside a unit's name, or when a row near the top names three
or more observation columns.  Only the other sheets (the cover, a sheet
someone added) are ignored, each with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import _, pgettext
from ..problems import Problem, quote
from .layout import (
    HEADER_ROW_SHEET,
    LISTS_SHEET,
    LONG_COLUMNS,
    column_name,
    META_SHEET,
    REQUIRED_LONG,
    REQUIRED_SHEET,
    SHEET_COLUMNS,
    header_key,
    is_cover,
    label_key,
    rules_tag,
)
from .raw import Positions, col_letter, problem_at
from .types import Source
from .values import cell_text, is_blank

HEADER_SCAN = 30
MARK_COLUMNS = 3  # a row naming this many observation columns is a header, however broken


@dataclass
class Meta:
    """What the template recorded in its metadata sheet (all optional)."""

    tag: str | None = None  # <rules id>@<sha256>, and the subset the template was made for
    tag_src: Source | None = None
    layout: str | None = None
    sheets: set = field(default_factory=set)  # titles of the sheets the template made


@dataclass
class Plan:
    kind: str  # "long" or "unit"
    header_row: int
    cols: dict
    unit: object = None
    unit_src: Source | None = None
    cls: object = None
    cls_src: Source | None = None


def top_rows(table, limit: int) -> list[tuple[int, dict]]:
    """(row, {column: cell}) of the non-empty cells of the first ``limit`` rows."""
    out = []
    c0 = table.first_col
    for r, rec in table.records():
        if r > limit:
            break
        cells = {c0 + i: v for i, v in enumerate(rec) if not is_blank(v)}
        if cells:
            out.append((r, cells))
    return out


def read_meta(table) -> Meta:
    """The rules tag (with the subset the template was made for), layout and
    sheet list of the metadata sheet."""
    meta = Meta()
    classes: list[str] = []
    units: list[str] = []
    rid = sha = None
    for r, cells in top_rows(table, 1 << 20):
        key = cells.get(1)
        value = cells.get(2)
        if not isinstance(key, str):
            continue
        key = key.strip()
        text = "" if value is None else cell_text(value).strip()
        if key == "rules_id":
            rid = text
        elif key == "rules_sha256":
            sha, meta.tag_src = text, Source(table.file, sheet=table.title, cell=f"B{r}")
        elif key == "layout":
            meta.layout = text
        elif key == "sheet" and text:
            meta.sheets.add(text)
        elif key == "scope_class" and text:
            classes.append(text)
        elif key == "scope_unit" and text:
            units.append(text)
    if rid is not None and sha is not None:
        meta.tag = rules_tag(rid, sha, (tuple(classes), tuple(units)) if classes or units else None)
    return meta


def _keys(cells: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in sorted(cells):
        key = header_key(cells[c])
        if key is not None and key not in out:
            out[key] = c
    return out


def _header(rows, need) -> tuple[int, dict, list] | None:
    for r, cells in rows:
        cols: dict[str, int] = {}
        dups: list[tuple[str, int]] = []
        for c in sorted(cells):
            key = header_key(cells[c])
            if key is None:
                continue
            if key in cols:
                dups.append((key, c))
            else:
                cols[key] = c
        if all(k in cols for k in need):
            return r, cols, dups
    return None


def plan(table, meta: Meta, units, problems: list[Problem], notes: list[Problem], blocked: set | None = None) -> Plan | None:
    """How to read ``table`` (None: nothing to read); problems and notes are
    appended, and the unit of a unit sheet that cannot be read to ``blocked``."""
    is_csv = table.title is None
    if not is_csv and table.title in (META_SHEET, LISTS_SHEET):
        return None
    pos = Positions(table.file, table.title)
    rows = top_rows(table, 1 if is_csv else HEADER_SCAN)
    if is_csv:
        rows = rows[:1]
    found = _header(rows, REQUIRED_LONG)
    if found is None and is_csv:
        first, cells = rows[0] if rows else (1, {})
        keys = [header_key(v) for v in cells.values()]
        missing = [k for k in REQUIRED_LONG if k not in keys]
        message = _("the first row must name the columns {columns} (missing: {missing}); start from the csv that gkscore template writes").format(
            columns=_names(REQUIRED_LONG), missing=_names(missing))
        problems.append(Problem(file=table.file, line=first, code="bad-header", message=message))
        return None
    kind = "long"
    if found is None:
        found = _header(rows, REQUIRED_SHEET)
        kind = "unit"
    if found is None:
        unit = _unreadable_header(table, rows, meta, units, pos, problems, notes)
        if unit is not None and blocked is not None:
            blocked.add(unit.name)
        return None
    hr, cols, dups = found
    for key, c in dups:
        problems.append(problem_at(pos.at(hr, c), "duplicate-column", _("the column {column} appears twice; delete one of them").format(column=quote(column_name(key)))))
    if kind == "long":
        return Plan("long", hr, cols)
    labels: dict[str, tuple[object, Source]] = {}
    for r, cells in rows:
        if r >= hr:
            break
        for c, v in cells.items():
            key = label_key(v)
            if key and key not in labels:
                labels[key] = (_cell(rows, r, c + 1), pos.at(r, c + 1))
    if "unit" not in labels:
        message = _("this sheet has observation columns but no {unit} cell above them; write {unit} in A1 and the unit's name in B1").format(unit=quote(column_name("unit")))
        problems.append(problem_at(pos.at(1, 1), "unknown-unit", message))
        return None
    unit, unit_src = labels["unit"]
    cls, cls_src = labels.get("class", (None, None))
    return Plan("unit", hr, cols, unit, unit_src, cls, cls_src)


def _names(keys) -> str:
    return pgettext("list separator", ", ").join(quote(column_name(k)) for k in keys)


def _cell(rows, r: int, c: int):
    for row, cells in rows:
        if row == r:
            return cells.get(c)
    return None


def _unreadable_header(table, rows, meta: Meta, units, pos: Positions, problems: list[Problem], notes: list[Problem]):
    """A sheet without a complete header: a problem if it is a unit sheet
    (saying which header cell is wrong), else a note that it is ignored.
    Returns the unit the sheet names, if any."""
    title = table.title
    best_row, best, long_row, long_best = 0, {}, 0, {}
    for r, cells in rows:
        keys = _keys(cells)
        columns = {k: c for k, c in keys.items() if k not in ("unit", "class")}
        if len(columns) > len(best):
            best_row, best = r, columns
        if "unit" in keys and len(columns) >= 2 and len(keys) > len(long_best):
            long_row, long_best = r, keys
    unit = None
    for r, cells in rows:
        for c, v in cells.items():
            if label_key(v) == "unit" and unit is None:
                unit = units.find(cell_text(_cell(rows, r, c + 1) or ""))
    if is_cover(title) and meta.tag is not None:
        unit = None  # the template's cover lists the units: not a unit sheet
    marked = title in meta.sheets or units.find(title) is not None or unit is not None or len(best) >= MARK_COLUMNS
    if not marked:
        if not is_cover(title) or meta.tag is None:
            message = _("not an observation sheet (no {unit} cell, no header row naming {columns}): ignored").format(
                unit=quote(column_name("unit")), columns=_names(REQUIRED_SHEET))
            notes.append(problem_at(pos.sheet(), "ignored-sheet", message, "note"))
        return None
    long = bool(long_best) and meta.layout != "sheets"
    order, need = (LONG_COLUMNS, REQUIRED_LONG) if long else (SHEET_COLUMNS, REQUIRED_SHEET)
    if long:
        best_row, best = long_row, long_best
    if not best:
        row = 1 if long else HEADER_ROW_SHEET
        message = _("this unit sheet has no header row: copy row {row} of the template, which names the columns {columns}").format(row=row, columns=_names(need))
        problems.append(problem_at(pos.at(row, 1), "bad-header", message))
        return unit
    cells = dict(next(c for r, c in rows if r == best_row))
    for key in need:
        if key in best:
            continue
        col = order.index(key) + 1
        wrong = cells.get(col)
        expected = quote(column_name(key))
        if wrong is not None and header_key(wrong) is None:
            message = _("the header cell reads {found}; it should read {expected}").format(found=quote(cell_text(wrong)[:40]), expected=expected)
            problems.append(problem_at(pos.at(best_row, col), "bad-header", message, found=cell_text(wrong)[:40], fill=column_name(key)))
        else:
            message = _("the header row {row} has no {expected} column ({cell} in the template); copy the header row from the template").format(
                row=best_row, expected=expected, cell=f"{col_letter(col)}{best_row}")
            problems.append(problem_at(pos.at(best_row, col if wrong is None else 1), "bad-header", message))
    return unit
