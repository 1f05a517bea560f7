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

from openpyxl.utils import get_column_letter

from ..normalize import fold
from ..problems import Problem
from .allowed import display, is_blank
from .grid import Grid
from .layout import LISTS_SHEET, META_SHEET, REQUIRED_LONG, REQUIRED_SHEET, TOTAL_WORDS, header_key, label_key
from .types import Source

HEADER_SCAN = 30


_LAZY = object()


class RawRow:
    """One observation row as found.  Positions are built only when a message
    (or an explain/detail report) needs them: ``pos`` (the sheet or csv file),
    ``r`` (row or line) and ``cols`` (column numbers by key) say where."""

    __slots__ = ("file", "unit", "cls", "item", "field", "value", "evidence", "scorer", "tag", "flagged",
                 "pos", "r", "cols", "_unit_src", "_cls_src", "_tag_src")

    def __init__(self, *, file, unit, cls, item, field, value, evidence, scorer, tag, pos, r, cols,
                 unit_src=_LAZY, cls_src=_LAZY, tag_src=_LAZY, flagged=False):
        self.file, self.unit, self.cls, self.item, self.field = file, unit, cls, item, field
        self.value, self.evidence, self.scorer, self.tag = value, evidence, scorer, tag
        self.pos, self.r, self.cols = pos, r, cols
        self._unit_src, self._cls_src, self._tag_src = unit_src, cls_src, tag_src
        # the value cell holds a formula or an error value: already reported
        # where it was read, so it is neither a value nor a missing value
        self.flagged = flagged

    def _at(self, key: str) -> Source:
        return self.pos.at(self.r, self.cols[key])

    @property
    def unit_src(self) -> Source:
        return self._at("unit") if self._unit_src is _LAZY else self._unit_src

    @property
    def item_src(self) -> Source:
        return self._at("item")

    @property
    def field_src(self) -> Source:
        return self._at("field")

    @property
    def value_src(self) -> Source:
        return self._at("value")

    @property
    def cls_src(self) -> Source | None:
        if self._cls_src is _LAZY:
            return self._at("class") if "class" in self.cols else None
        return self._cls_src

    @property
    def tag_src(self) -> Source | None:
        return self._at("rules") if self._tag_src is _LAZY else self._tag_src


def src_key(s: Source) -> tuple:
    from ..problems import _cell_key

    return (s.file, s.sheet or "", _cell_key(s.cell), s.line or 0)


def problem_at(src: Source, code: str, message: str) -> Problem:
    return Problem(file=src.file, code=code, message=message, sheet=src.sheet, cell=src.cell, line=src.line)


_LETTERS: dict[int, str] = {}


def col_letter(col: int) -> str:
    text = _LETTERS.get(col)
    if text is None:
        text = _LETTERS[col] = get_column_letter(col)
    return text


class Positions:
    """Where the rows of one sheet (or csv file) are; ``at`` builds a Source."""

    __slots__ = ("file", "grid", "is_csv", "title")

    def __init__(self, file: str, grid: Grid, is_csv: bool) -> None:
        self.file, self.grid, self.is_csv = file, grid, is_csv
        self.title = None if is_csv else grid.title

    def at(self, row: int, col: int) -> Source:
        if self.is_csv:
            return Source(self.file, line=row)
        return Source(self.file, sheet=self.title, cell=f"{col_letter(col)}{row}")

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
    c_item, c_field = cols["item"], cols["field"]
    rest_cols = [cols[k] for k in ("value", "evidence", "scorer") if k in cols]
    for r, row in pos.grid.rows():
        if r <= start:
            continue
        item, field = _text(row.get(c_item)), _text(row.get(c_field))
        if not field and any(isinstance(v, str) and fold(v).casefold() in TOTAL_WORDS for v in row.values()):
            continue  # a total row: never data (data rows name a field)
        if not item and not field:
            if all(is_blank(row.get(c)) for c in rest_cols):
                continue
            problems.append(problem_at(pos.at(r, c_item), "unknown-item", "a row with a value but no item and field; fill in the item and field or delete the row"))
            continue
        yield r, row, item, field


def _csv_long_rows(file: str, grid, pos: Positions, hr: int, cols: dict[str, int], meta_tag, problems: list[Problem], lane=None):
    """The long layout's rows of a csv, from its records (lists of texts): the
    same RawRows as the generic loop in iter_grid, where an empty text is an
    absent cell (None) and every cell is a str.  With a ``lane`` (see
    ``iter_grid``), rows its checker can take whole never become RawRows."""
    c_unit, c_value, c_item, c_field = cols["unit"] - 1, cols["value"] - 1, cols["item"] - 1, cols["field"] - 1
    c_class, c_rules = cols.get("class"), cols.get("rules")
    c_evidence, c_scorer = cols.get("evidence"), cols.get("scorer")
    c_class = None if c_class is None else c_class - 1
    c_rules = None if c_rules is None else c_rules - 1
    c_evidence = None if c_evidence is None else c_evidence - 1
    c_scorer = None if c_scorer is None else c_scorer - 1
    rest = [cols[k] - 1 for k in ("value", "evidence", "scorer") if k in cols]
    width = max(cols.values())
    pad = [""] * width
    meta_t, meta_src = meta_tag
    lane_tag, add_plain = _LAZY, None
    fast = 0
    try:
        for r, rec in grid.records():
            if r <= hr:
                continue
            if len(rec) < width:
                rec = rec + pad[len(rec):]
            item = rec[c_item].strip()
            field = rec[c_field].strip()
            if not field and any(v and fold(v).casefold() in TOTAL_WORDS for v in rec):
                continue  # a total row: never data (data rows name a field)
            if not item and not field:
                if all(is_blank(rec[c] or None) for c in rest):
                    continue
                problems.append(problem_at(pos.at(r, c_item + 1), "unknown-item", "a row with a value but no item and field; fill in the item and field or delete the row"))
                continue
            tag = (rec[c_rules].strip() or None) if c_rules is not None else None
            unit = rec[c_unit] or None
            cls = (rec[c_class] or None) if c_class is not None else None
            value = rec[c_value] or None
            evidence = rec[c_evidence].strip() if c_evidence is not None else ""
            scorer = rec[c_scorer].strip() if c_scorer is not None else ""
            if lane is not None:
                t = tag or meta_t
                if add_plain is None or t != lane_tag:
                    lane_tag, add_plain = t, lane.for_tag(t)
                if add_plain is not None and add_plain(pos, r, unit, cls, item, field, value, evidence, scorer):
                    fast += 1
                    continue
            yield RawRow(
                file=file, unit=unit, cls=cls, item=item, field=field, value=value,
                evidence=evidence, scorer=scorer,
                tag=tag or meta_t, tag_src=_LAZY if tag else meta_src,
                pos=pos, r=r, cols=cols, flagged=False,
            )
    finally:
        if lane is not None:
            lane.rows += fast


def _generic_long_rows(file: str, grid, pos: Positions, hr: int, cols: dict[str, int], meta_tag, problems: list[Problem], checked: bool):
    """The long layout's rows from any Grid's ``rows()`` (dicts of normalised
    cells), with _data_rows and _text inlined for plain text cells."""
    c_unit, c_value = cols["unit"], cols["value"]
    c_class, c_rules = cols.get("class"), cols.get("rules")
    c_evidence, c_scorer = cols.get("evidence"), cols.get("scorer")
    meta_t, meta_src = meta_tag
    c_item, c_field = cols["item"], cols["field"]
    rest_cols = [cols[k] for k in ("value", "evidence", "scorer") if k in cols]
    for r, row in grid.rows():
        if r <= hr:
            continue
        get = row.get
        v = get(c_item)
        item = "" if v is None else v.strip() if type(v) is str else _text(v)
        v = get(c_field)
        field = "" if v is None else v.strip() if type(v) is str else _text(v)
        if not field and any(isinstance(v, str) and fold(v).casefold() in TOTAL_WORDS for v in row.values()):
            continue  # a total row: never data (data rows name a field)
        if not item and not field:
            if all(is_blank(get(c)) for c in rest_cols):
                continue
            problems.append(problem_at(pos.at(r, c_item), "unknown-item", "a row with a value but no item and field; fill in the item and field or delete the row"))
            continue
        flagged = _check_cells(pos, r, cols, problems) if checked else False
        if c_rules is not None:
            v = get(c_rules)
            tag = ("" if v is None else v.strip() if type(v) is str else _text(v)) or None
        else:
            tag = None
        if c_evidence is not None:
            v = get(c_evidence)
            evidence = "" if v is None else v.strip() if type(v) is str else _text(v)
        else:
            evidence = ""
        if c_scorer is not None:
            v = get(c_scorer)
            scorer = "" if v is None else v.strip() if type(v) is str else _text(v)
        else:
            scorer = ""
        yield RawRow(
            file=file, unit=get(c_unit), cls=get(c_class) if c_class is not None else None,
            item=item, field=field, value=get(c_value),
            evidence=evidence, scorer=scorer,
            tag=tag or meta_t, tag_src=_LAZY if tag else meta_src,
            pos=pos, r=r, cols=cols, flagged=flagged,
        )


def _calamine_long_rows(file: str, grid, pos: Positions, hr: int, cols: dict[str, int], meta_tag, problems: list[Problem], lane=None):
    """The long layout's rows of a sheet read by calamine (no formula or error
    value in it), from its raw row lists: the same RawRows as the generic loop
    in iter_grid, normalising only the cells read.  Falls back to that loop
    when a column we read lies outside calamine's range."""
    c0, width = grid.first_col, grid.width
    at = {k: c - c0 - 1 for k, c in cols.items()}
    if any(not 0 <= i < width for i in at.values()):
        yield from _generic_long_rows(file, grid, pos, hr, cols, meta_tag, problems, False)
        return
    norm = grid.normaliser()
    i_unit, i_value, i_item, i_field = at["unit"], at["value"], at["item"], at["field"]
    i_class, i_rules = at.get("class"), at.get("rules")
    i_evidence, i_scorer = at.get("evidence"), at.get("scorer")
    rest = [at[k] for k in ("value", "evidence", "scorer") if k in at]
    meta_t, meta_src = meta_tag
    lane_tag, add_plain = _LAZY, None
    fast = 0
    try:
        for r, row in grid.raw_rows():
            if r <= hr:
                continue
            v = row[i_item]
            item = v.strip() if v.__class__ is str else _text(norm(v))
            v = row[i_field]
            field = v.strip() if v.__class__ is str else _text(norm(v))
            if not field and any(isinstance(x, str) and fold(x).casefold() in TOTAL_WORDS for x in map(norm, row)):
                continue  # a total row: never data (data rows name a field)
            if not item and not field:
                if all(is_blank(norm(row[i])) for i in rest):
                    continue
                problems.append(problem_at(pos.at(r, cols["item"]), "unknown-item", "a row with a value but no item and field; fill in the item and field or delete the row"))
                continue
            if i_rules is not None:
                v = row[i_rules]
                tag = (v.strip() if v.__class__ is str else _text(norm(v))) or None
            else:
                tag = None
            if i_evidence is not None:
                v = row[i_evidence]
                evidence = v.strip() if v.__class__ is str else _text(norm(v))
            else:
                evidence = ""
            if i_scorer is not None:
                v = row[i_scorer]
                scorer = v.strip() if v.__class__ is str else _text(norm(v))
            else:
                scorer = ""
            v = row[i_unit]
            unit = (v or None) if v.__class__ is str else norm(v)  # norm, inlined for text
            if i_class is not None:
                v = row[i_class]
                cls = (v or None) if v.__class__ is str else norm(v)
            else:
                cls = None
            v = row[i_value]
            value = (v or None) if v.__class__ is str else norm(v)
            if lane is not None:
                t = tag or meta_t
                if add_plain is None or t != lane_tag:
                    lane_tag, add_plain = t, lane.for_tag(t)
                if add_plain is not None and add_plain(pos, r, unit, cls, item, field, value, evidence, scorer):
                    fast += 1
                    continue
            yield RawRow(
                file=file, unit=unit, cls=cls, item=item, field=field, value=value,
                evidence=evidence, scorer=scorer,
                tag=tag or meta_t, tag_src=_LAZY if tag else meta_src,
                pos=pos, r=r, cols=cols, flagged=False,
            )
    finally:
        if lane is not None:
            lane.rows += fast


def extract_grid(file: str, grid: Grid, *, is_csv: bool, meta_tag=(None, None), problems: list[Problem]) -> list[RawRow]:
    return list(iter_grid(file, grid, is_csv=is_csv, meta_tag=meta_tag, problems=problems))


def iter_grid(file: str, grid: Grid, *, is_csv: bool, meta_tag=(None, None), problems: list[Problem], lane=None):
    """The observation rows of one sheet (or csv file), one at a time.

    ``lane`` (optional): an object with ``for_tag(tag)`` -> a checker's
    ``add_plain`` (or None) and a counter ``rows``.  In the long layout, a
    plain row (no formula or error value in the sheet) is first offered to
    ``add_plain``; a row it takes is counted in ``lane.rows`` instead of
    being yielded.  A million rows at 10k units: building a RawRow for each
    cost more than checking it."""
    if not is_csv and grid.title in (META_SHEET, LISTS_SHEET):
        return
    pos = Positions(file, grid, is_csv)
    long = _header(grid, REQUIRED_LONG, 1 if is_csv else HEADER_SCAN)
    if is_csv and long is None:
        first, cells = next(iter(grid.rows()), (1, {}))
        found = [header_key(v) for v in cells.values()]
        missing = [k for k in REQUIRED_LONG if k not in found]
        problems.append(Problem(file=file, line=first, code="bad-header", message=f"the first row must name the columns {','.join(REQUIRED_LONG)} (missing: {','.join(missing)})"))
        return
    if long is not None:
        hr, cols, dups = long
        for key, c in dups:
            problems.append(problem_at(pos.at(hr, c), "duplicate-column", f"column {key!r} appears twice"))
        _check_merged(pos, hr, cols, problems)
        checked = bool(grid.formulas or grid.errors)
        if is_csv and not checked and hasattr(grid, "records"):
            yield from _csv_long_rows(file, grid, pos, hr, cols, meta_tag, problems, lane)
            return
        if not checked and hasattr(grid, "raw_rows"):
            yield from _calamine_long_rows(file, grid, pos, hr, cols, meta_tag, problems, lane)
            return
        yield from _generic_long_rows(file, grid, pos, hr, cols, meta_tag, problems, checked)
        return
    head = _header(grid, REQUIRED_SHEET, HEADER_SCAN)
    if head is None:
        return  # not an observation sheet: the cover, notes ...
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
        return
    unit, unit_src = labels["unit"]
    for key in ("unit", "class"):
        if key in labels and labels[key][1].cell is not None:
            from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

            letters, row_no = coordinate_from_string(labels[key][1].cell)
            p = _cell_problem(pos, row_no, column_index_from_string(letters))
            if p is not None:
                problems.append(p)
                if key == "unit":
                    return
    _check_merged(pos, hr, cols, problems)
    if is_blank(unit):
        problems.append(problem_at(unit_src, "unknown-unit", "the unit cell is empty"))
        return
    cls, cls_src = labels.get("class", (None, None))
    c_value = cols["value"]
    c_evidence, c_scorer = cols.get("evidence"), cols.get("scorer")
    checked = bool(grid.formulas or grid.errors)
    for r, row, item, field in _data_rows(pos, hr, cols, problems):
        flagged = _check_cells(pos, r, cols, problems) if checked else False
        yield RawRow(
            file=file, unit=unit, unit_src=unit_src, cls=cls, cls_src=cls_src,
            item=item, field=field, value=row.get(c_value),
            evidence=_text(row.get(c_evidence)) if c_evidence is not None else "",
            scorer=_text(row.get(c_scorer)) if c_scorer is not None else "",
            tag=meta_tag[0], tag_src=meta_tag[1],
            pos=pos, r=r, cols=cols, flagged=flagged,
        )
