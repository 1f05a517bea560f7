"""Reading an adjustments file into rows: YAML, csv, or the xlsx form.

Every format gives ``Row``s: the cells by column key and where each is
(``at``: file:line for YAML and csv, sheet!cell for xlsx), so a message
names the cell to correct.  Cells are handed over as found (a number in
an xlsx is a float, a date a date) for the observation checker to read.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from ..i18n import _, pgettext
from ..observations.raw import col_letter
from ..observations.types import Source
from ..observations.values import cell_text
from ..problems import Problem, ProblemsError, quote
from .columns import KEYS, REQUIRED, column_key, column_name, header_of

FORMAT = "gkscore-adjustments/1"
HEADER_SEARCH_ROWS = 20  # a title or a note may stand above the header


@dataclass
class Row:
    file: str
    line: int  # the YAML or csv line, or the xlsx row
    cells: dict  # key -> the cell as found
    sheet: str | None = None
    cols: dict = field(default_factory=dict)  # key -> column number (xlsx)
    unknown: tuple = ()  # keys of a YAML mapping that name no column
    # cells whose value is not used (a formula, an error value ...): key -> (code, message)
    flagged: dict = field(default_factory=dict)

    def at(self, key: str | None = None) -> Source:
        """Where the row (or its cell of ``key``) is."""
        if self.sheet is None:
            return Source(self.file, line=self.line)
        col = self.cols.get(key) if key is not None else None
        if col is None:
            col = min(self.cols.values(), default=1)
        return Source(self.file, sheet=self.sheet, cell=f"{col_letter(col)}{self.line}")

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key)).strip()


def problem(src: Source, code: str, message: str, severity: str = "error", **facts) -> Problem:
    return Problem(file=src.file, code=code, message=message, sheet=src.sheet, cell=src.cell, line=src.line, severity=severity, **facts)


def read_rows(path: str):
    """The rows of an adjustments file, by its content: an xlsx workbook, a
    YAML document (``format: gkscore-adjustments/1``) or a csv."""
    from ..observations.files import sniff

    kind = sniff(path)
    if kind == "xlsx":
        return list(_rows_xlsx(path))
    ext = os.path.splitext(path)[1].lower()
    if ext in (".yaml", ".yml"):
        return list(_rows_yaml(path))
    if ext in (".csv", ".txt", ".tsv"):
        return list(_rows_csv(path))
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return list(_rows_yaml(path) if FORMAT.encode() in head else _rows_csv(path))


def _missing_columns(found: dict, src: Source) -> None:
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        sep = pgettext("list separator", ", ")
        message = _("missing column(s) {missing}; the header row names {columns}").format(
            missing=sep.join(column_name(k) for k in missing), columns=sep.join(column_name(k) for k in KEYS))
        raise ProblemsError([problem(src, "adjust-format", message)])


def _rows_csv(path: str):
    from ..observations.read_csv import read_csv

    header = None
    for line, record in read_csv(path).records():
        if header is None:
            header = header_of(record)
            if header is None:
                sep = pgettext("list separator", ", ")
                message = _("the first row is not a header: it names no {unit} and {item} column; the header row names {columns}").format(
                    unit=quote(column_name("unit")), item=quote(column_name("item")), columns=sep.join(column_name(k) for k in KEYS))
                raise ProblemsError([problem(Source(path, line=line), "adjust-format", message)])
            _missing_columns(header, Source(path, line=line))
            continue
        yield Row(path, line, {k: (record[i] if i < len(record) else "") for k, i in header.items()})


def _rows_xlsx(path: str):
    from ..observations.read_xlsx import read_workbook

    tables = []
    for table in read_workbook(path):
        found = _xlsx_header(table)
        if found is not None:
            tables.append((table, found))
        table.release()
    if not tables:
        sep = pgettext("list separator", ", ")
        message = _("no sheet has a header row naming {unit} and {item}; use the form written by gkscore template RULES --adjustments, "
                    "or a sheet whose first row names {columns}").format(
            unit=quote(column_name("unit")), item=quote(column_name("item")), columns=sep.join(column_name(k) for k in KEYS))
        raise ProblemsError([Problem(file=path, code="adjust-format", message=message)])
    for table, (header_row, header, rows) in tables:
        cols = {k: table.first_col + i for k, i in header.items()}
        _missing_columns(header, Source(path, sheet=table.title, cell=f"{col_letter(table.first_col)}{header_row}"))
        for r, cells in rows:
            values = {k: (cells[i] if i < len(cells) else "") for k, i in header.items()}
            flagged = {k: _flag(table, r, c) for k, c in cols.items() if (r, c) in table.flagged}
            if not flagged and all(cell_text(v).strip() == "" for v in values.values()):
                continue
            yield Row(path, r, values, sheet=table.title, cols=cols, flagged=flagged)


def _flag(table, r: int, c: int) -> tuple[str, str]:
    """(code, message) of a cell whose value is not used, worded as the
    observation reader words it."""
    code = table.flagged[(r, c)]
    info = table.info
    detail = {"formula": info.formulas, "error-value": info.errors}.get(code, {}).get((r, c), "")
    detail = " ".join(str(detail).split())[:40]
    if code == "formula":
        return code, _("the cell holds a formula ({detail}), not a value; type the value itself (or paste as values only)").format(detail=detail)
    if code == "error-value":
        return code, _("the cell shows the error {detail}; type the value itself").format(detail=detail)
    return code, _("the cell holds {detail} (an unusual workbook); type the value again").format(detail=_("something that is not a value"))


def _xlsx_header(table):
    """(header row, key -> index, the rows under it) of a sheet holding
    adjustments, else None.  The sheet's rows are read here, once."""
    rows = list(table.records())
    for r, cells in rows[:HEADER_SEARCH_ROWS]:
        found = header_of(cells)
        if found is not None:
            return r, found, [(rr, cc) for rr, cc in rows if rr > r]
    return None


def _yaml_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _rows_yaml(path: str):
    from ..rules.load import read_bytes
    from ..yamlio import load_yaml, position_of

    raw, positions = load_yaml(read_bytes(path), path)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("adjustments"), list):
        raise ProblemsError([Problem(file=path, code="adjust-format", line=1, col=1, message=_("an adjustments file has format: gkscore-adjustments/1 and a list under adjustments"))])
    for i, entry in enumerate(raw["adjustments"]):
        line, _col = position_of(positions, ("adjustments", i))
        if not isinstance(entry, dict):
            yield Row(path, line, {}, unknown=(None,))
            continue
        cells: dict = {}
        unknown = []
        for k, v in entry.items():
            key = column_key(str(k))
            if key is None or key in cells:
                unknown.append(str(k))
            else:
                cells[key] = _yaml_text(v)
        yield Row(path, line, cells, unknown=tuple(unknown))
