"""From one file to its observation rows (``file_rows``), before any rule is
consulted.

A csv file is one table; an xlsx is one table per worksheet, its metadata
sheet read first.  ``sheets.plan`` says how to read each table.  Below the
header: fully empty rows are skipped, as are rows with no item, field,
value, evidence or scorer (notes) and a total row (合计 ...); anything else
without an item and field is reported.

Both layouts read records -- lists of cells as the reader gives them (see
``values``) -- in one loop each, for csv and xlsx alike.
"""

from __future__ import annotations

from ..i18n import N_, _, ngettext
from ..problems import Problem, quote
from .files import sniff
from .layout import META_SHEET, TOTAL_WORDS
from .raw import LAZY, Positions, RawRow, col_letter, problem_at
from .sheets import Meta, plan, read_meta
from .types import Source
from .values import cell_text, is_blank, narrow

CHECKED_COLUMNS = ("unit", "class", "item", "field", "value", "evidence", "scorer", "rules")

_FLAG_MESSAGES = {
    "formula": N_("the cell holds a formula ({detail}), not a value; type the value itself (or paste as values only)"),
    "error-value": N_("the cell shows the error {detail}; type the value itself"),
    "bad-string-index": N_("the cell points to shared string {detail}, which the workbook does not hold (damaged workbook); type the value again"),
    "unusual-cell": N_("the cell holds {detail} (an unusual workbook); type the value again"),
    "duplicate-cell": N_("this cell is written twice in the workbook file{detail} (damaged workbook), so it is not read; type it again"),
}
_FLAG_FILL = N_("the value itself, typed in")


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _flag_problem(table, pos: Positions, r: int, c: int, code: str) -> Problem:
    info = table.info
    detail = {"formula": info.formulas, "error-value": info.errors, "bad-string-index": info.bad_strings, "unusual-cell": info.odd}.get(code)
    text = _short(str(detail[(r, c)])) if detail is not None else ""
    if code == "unusual-cell":
        text = _(text)  # what is inside the value, in words marked where it is found
    return problem_at(pos.at(r, c), code, _(_FLAG_MESSAGES[code]).format(detail=text), found=text or None, fill=_(_FLAG_FILL))


def _report_flagged(table, pos: Positions, r: int, cols: dict, problems: list[Problem]) -> bool:
    """Report the flagged cells of row r that are read; True when the value cell is one."""
    flagged = table.flagged
    value = False
    for key in CHECKED_COLUMNS:
        c = cols.get(key)
        if c is not None and (r, c) in flagged:
            problems.append(_flag_problem(table, pos, r, c, flagged[(r, c)]))
            value = value or key == "value"
    return value


# Columns whose one cell may be merged over several rows (one scorer, one
# piece of evidence for a few fields): each row takes the merged value.
SHARED_COLUMNS = ("evidence", "scorer")


def _check_merged(table, pos: Positions, header_row: int, cols: dict, problems: list[Problem]) -> list[tuple[int, int, int]]:
    """Merged ranges over the cells we read below the header.  A range down
    one 佐证 (evidence) or 评分人 (scorer) column is what an office does for a
    scorer of several rows: returned as (first row, last row, column), each
    row taking its value.  Any other (over a value, an item, across a row)
    is a problem: each row needs its own cell."""
    used = {cols[k]: k for k in CHECKED_COLUMNS if k in cols}
    shared = []
    for r1, c1, r2, c2 in table.merged:
        if r2 <= header_row:
            continue
        keys = {k for c, k in used.items() if c1 <= c <= c2}
        if not keys:
            continue
        if r1 > header_row and c1 == c2 and keys <= set(SHARED_COLUMNS):
            shared.append((r1, r2, c1))
            continue
        ref = f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"
        problems.append(problem_at(pos.at(max(r1, header_row + 1), c1), "merged-cells", _("cells {ref} are merged over cells that are read; unmerge them and fill each cell").format(ref=ref),
                                   found=ref, fill=_("one value in each cell, not merged")))
    return shared


def _merged_filled(records, spans: list[tuple[int, int, int]], c0: int):
    """The records with each merged evidence or scorer cell's value in every
    row of its range (a reader gives it in the first row only)."""
    below: dict[int, list[tuple[int, int]]] = {}
    for r1, r2, c in spans:
        for r in range(r1 + 1, r2 + 1):
            below.setdefault(r, []).append((r1, c - c0))
    firsts = {(r1, c - c0) for r1, _r2, c in spans}
    held: dict[tuple[int, int], object] = {}
    for r, rec in records:
        fill = below.get(r)
        if fill is not None:
            rec = list(rec)
            for r1, i in fill:
                if i < len(rec) and is_blank(rec[i]):
                    rec[i] = held.get((r1, i), "")
        for key in firsts:
            if key[0] == r and key[1] < len(rec):
                held[key] = rec[key[1]]
        yield r, rec


class StrayNotes:
    """Text typed below the header in a column the template does not use:
    never read, listed by check as a note, one per column (its first cell,
    and how many more)."""

    def __init__(self, table, pos: Positions, cols: dict) -> None:
        self.pos = pos
        self.c0 = table.first_col
        self.known = {c - self.c0 for c in cols.values()}
        self.width = -1
        self.extra: list[int] = []
        self.found: dict[int, list] = {}  # index -> [first row, value, count]

    def look(self, r: int, rec) -> None:
        if len(rec) != self.width:
            self.width = len(rec)
            self.extra = [i for i in range(self.width) if i not in self.known]
        for i in self.extra:
            v = rec[i]
            if not is_blank(v):
                seen = self.found.get(i)
                if seen is None:
                    self.found[i] = [r, v, 1]
                else:
                    seen[2] += 1

    def notes(self) -> list[Problem]:
        out = []
        for i, (r, v, n) in sorted(self.found.items()):
            text = _short(cell_text(v))
            message = _("{value} is in a column the template does not use, so it is not read (a note is fine here)").format(value=quote(text))
            if n > 1:
                message = ngettext("{message}; {n} more cell of this column holds text", "{message}; {n} more cells of this column hold text", n - 1).format(message=message, n=n - 1)
            out.append(problem_at(self.pos.at(r, i + self.c0), "ignored-cell", message, "note", found=text,
                                  fill=_("nothing: a value to be read goes in its row's value column")))
        return out


def _no_item(pos: Positions, r: int, cols: dict) -> Problem:
    message = _("this row has a value but no item and field; copy the item and field from the template, or delete the row")
    return problem_at(pos.at(r, cols["item"]), "unknown-item", message, fill=_("the item and field, as in the template"))


_NONE = object()  # no rules cell met yet


def _text(v) -> str:
    return v.strip() if v.__class__ is str else cell_text(v).strip()


def _is_total(rec) -> bool:
    return any(v.__class__ is str and v and narrow(v).casefold() in TOTAL_WORDS for v in rec)


def long_rows(table, pos: Positions, p, meta: Meta, problems: list[Problem], lane=None, notes: list[Problem] | None = None, shared=()):
    """The rows of the long layout (csv, or the xlsx sheet 观测).  With a
    ``lane`` (see ``file_rows``), each record is offered first, its cells as
    read, to its checker's ``take`` (``lane.py``); a record taken never
    becomes a RawRow.
    ``shared``: merged evidence and scorer ranges (``_check_merged``); text
    in a column the template does not use is added to ``notes``."""
    cols, hr = p.cols, p.header_row
    c0 = table.first_col
    at = {k: c - c0 for k, c in cols.items()}
    width = max(at.values()) + 1
    pad = [""] * width
    i_unit, i_value, i_item, i_field = at["unit"], at["value"], at["item"], at["field"]
    i_class, i_rules, i_evidence, i_scorer = at.get("class"), at.get("rules"), at.get("evidence"), at.get("scorer")
    layout = (i_unit, i_class, i_item, i_field, i_value, i_evidence, i_scorer)
    rest = [at[k] for k in ("value", "evidence", "scorer") if k in at]
    flagged_rows = {r for r, _c in table.flagged} if table.flagged else None
    meta_t, meta_src = meta.tag, meta.tag_src
    # the checker's ``take`` for the rules cell last met (as read): rows repeat it
    take_raw, take = _NONE, None
    fast = 0
    file = table.file
    stray = StrayNotes(table, pos, cols)
    look = stray.look
    plain_width = -1  # a record of this length needs no padding and has no stray column
    records = iter(table.records() if not shared else _merged_filled(table.records(), shared, c0))
    # ``take`` goes on through the records after the one it is given while
    # it can take them (``onward``), and hands back the first it cannot:
    # that record is ``pending``, read next
    onward = records if flagged_rows is None else None
    pending = None
    try:
        while True:
            if pending is None:
                pending = next(records, None)
                if pending is None:
                    break
            r, rec = pending
            pending = None
            if r <= hr:
                continue
            n = len(rec)
            if n != plain_width:
                if n < width:
                    rec = rec + pad[n:]
                look(r, rec)
                plain_width = -1 if stray.extra or n < width else n
            raw_tag = rec[i_rules] if i_rules is not None else None
            if lane is not None and (flagged_rows is None or r not in flagged_rows):
                if raw_tag != take_raw or take is None:
                    tag = (_text(raw_tag) or None) if raw_tag is not None else None
                    take_raw, take = raw_tag, lane.for_tag(tag or meta_t, layout)
                if take is not None:
                    taken, pending = take(pos, r, rec, onward if plain_width >= 0 else None, i_rules, take_raw)
                    if taken:
                        fast += taken
                        continue
                    pending = None  # this record, which goes the full way
            item, field = _text(rec[i_item]), _text(rec[i_field])
            if not field and _is_total(rec):
                continue  # a total row: never data (data rows name a field)
            if not item and not field:
                if all(is_blank(rec[i]) for i in rest):
                    continue
                problems.append(_no_item(pos, r, cols))
                continue
            tag = (_text(raw_tag) or None) if raw_tag is not None else None
            v = rec[i_unit]
            unit = (v or None) if v.__class__ is str else cell_text(v)
            if i_class is not None:
                v = rec[i_class]
                cls = (v or None) if v.__class__ is str else cell_text(v)
            else:
                cls = None
            value = rec[i_value]
            bad = flagged_rows is not None and r in flagged_rows and _report_flagged(table, pos, r, cols, problems)
            yield RawRow(
                file=file, unit=unit, cls=cls, item=item, field=field, value=None if value == "" else value,
                evidence=_text(rec[i_evidence]) if i_evidence is not None else "",
                scorer=_text(rec[i_scorer]) if i_scorer is not None else "",
                tag=tag or meta_t, tag_src=LAZY if tag else meta_src,
                pos=pos, r=r, cols=cols, flagged=bad,
            )
    finally:
        if lane is not None:
            lane.rows += fast
        if notes is not None:
            notes.extend(stray.notes())


def unit_rows(table, pos: Positions, p, meta: Meta, problems: list[Problem], notes: list[Problem] | None = None):
    """The rows of one unit sheet (the sheet-per-unit layout); text in a
    column the template does not use is added to ``notes``."""
    cols, hr = p.cols, p.header_row
    for src in (p.unit_src, p.cls_src):
        if src is None:
            continue
        at = _cell_at(src)
        if at in table.flagged:
            problems.append(_flag_problem(table, pos, *at, table.flagged[at]))
            if src is p.unit_src:
                return
    shared = _check_merged(table, pos, hr, cols, problems)
    if is_blank(p.unit):
        problems.append(problem_at(p.unit_src, "unknown-unit", _("the unit cell is empty; type the unit's name as the units file writes it"), fill=_("the unit's name")))
        return
    unit = p.unit if p.unit.__class__ is str else cell_text(p.unit)
    cls = p.cls if p.cls is None or p.cls.__class__ is str else cell_text(p.cls)
    c0 = table.first_col
    at = {k: c - c0 for k, c in cols.items()}
    width = max(at.values()) + 1
    pad = [""] * width
    i_item, i_field, i_value = at["item"], at["field"], at["value"]
    i_evidence, i_scorer = at.get("evidence"), at.get("scorer")
    rest = [at[k] for k in ("value", "evidence", "scorer") if k in at]
    flagged = table.flagged
    stray = StrayNotes(table, pos, cols)
    for r, rec in (table.records() if not shared else _merged_filled(table.records(), shared, c0)):
        if r <= hr:
            continue
        if len(rec) < width:
            rec = rec + pad[len(rec):]
        stray.look(r, rec)
        item, field = _text(rec[i_item]), _text(rec[i_field])
        if not field and _is_total(rec):
            continue
        if not item and not field:
            if all(is_blank(rec[i]) for i in rest):
                continue
            problems.append(_no_item(pos, r, cols))
            continue
        bad = bool(flagged) and _report_flagged(table, pos, r, cols, problems)
        value = rec[i_value]
        yield RawRow(
            file=table.file, unit=unit, unit_src=p.unit_src, cls=cls, cls_src=p.cls_src,
            item=item, field=field, value=None if value == "" else value,
            evidence=_text(rec[i_evidence]) if i_evidence is not None else "",
            scorer=_text(rec[i_scorer]) if i_scorer is not None else "",
            tag=meta.tag, tag_src=meta.tag_src,
            pos=pos, r=r, cols=cols, flagged=bad,
        )
    if notes is not None:
        notes.extend(stray.notes())


def _cell_at(src: Source) -> tuple[int, int]:
    from .xlsx_plain import column_number

    letters = src.cell.rstrip("0123456789")
    return int(src.cell[len(letters):]), column_number(letters)


class FileReading:
    """What reading one file found besides its rows: the units whose sheets
    could not be read."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.blocked: set[str] = set()  # units whose sheet could not be read (already a problem)


def file_rows(reading: FileReading, units, problems: list[Problem], notes: list[Problem], lane=None):
    """The raw rows of one file, one at a time (a csv is never held whole).
    With a ``lane`` -- an object with ``for_tag(tag, layout)`` giving a
    checker's ``take`` (or None) and a counter ``rows`` -- rows of the long
    layout that a checker takes whole are counted there instead of being
    yielded: a million rows at 10k units, where building a RawRow for each
    cost more than checking it."""
    path = reading.path
    if sniff(path) == "csv":
        from .read_csv import read_csv

        tables = [read_csv(path)]
    else:
        from .read_xlsx import read_workbook

        tables = read_workbook(path, first=META_SHEET)
    meta = Meta()
    for table in tables:
        if table.title == META_SHEET:
            meta = read_meta(table)
            continue
        info = getattr(table, "info", None)
        if info is not None and info.calamine_fails():
            pos = Positions(table.file, table.title)
            for (r, c), raw in sorted(info.bad_strings.items()):
                message = _("the cell points to shared string {detail}, which the workbook does not hold (damaged workbook), so this sheet cannot be read; save the workbook again in Excel or WPS")
                problems.append(problem_at(pos.at(r, c), "bad-string-index", message.format(detail=quote(str(raw)))))
            unit = units.find(table.title) if units is not None else None
            if unit is not None:
                reading.blocked.add(unit.name)
            continue
        p = plan(table, meta, units, problems, notes, reading.blocked)
        if p is not None:
            pos = Positions(table.file, table.title)
            if p.kind == "long":
                shared = _check_merged(table, pos, p.header_row, p.cols, problems)
                yield from long_rows(table, pos, p, meta, problems, lane, notes, shared)
            else:
                yield from unit_rows(table, pos, p, meta, problems, notes)
        table.release()
