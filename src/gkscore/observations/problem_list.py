"""check's problems as a list an office sends back to its scorers.

``check --format xlsx -o 问题清单.xlsx`` writes one row per problem -- who
filled the row (评分人), the unit, the file and sheet!cell (or line), the
indicator in words, the value found, what to fill and the whole message --
sorted by scorer and unit, so each scorer finds their rows together; and a
second sheet with check's table of every unit (class, values filled /
expected, problems, scorers).  ``--format csv`` gives the problem rows,
``--format json`` both tables, for scripts (json keys stay English; texts
follow the language).

A problem whose row names no scorer (a unit cell, a missing row) is given
to the unit's scorers as check's table lists them.  Notes (a sheet ignored)
are listed too, after the problems: the list holds everything check prints.
Every text from a filled sheet is written as text (never a formula) and
made safe for csv; a list longer than a sheet holds continues on the next.
"""

from __future__ import annotations

import csv
import os
from typing import Iterable

from ..bundled import shown_path
from ..fsutil import atomic_path, atomic_text_writer
from ..i18n import N_, Labels, _, pgettext
from ..problems import Problem, cell_key, severity_label
from ..render.textsafe import clean_xml_text, display_width, inert_csv

FORMATS = ("xlsx", "csv", "json")
JSON_FORMAT = "gkscore-check/1"
ROW_LIMIT = 1_048_576  # rows of an Excel sheet

COLUMNS = Labels(
    scorer=N_("Scorer"),
    unit=N_("Unit"),
    file=N_("File"),
    where=N_("Cell"),
    indicator=N_("Indicator of the problem"),
    found=N_("Value found"),
    fill=N_("What to fill"),
    message=N_("Problem"),
    code=N_("Code"),
    level=N_("Severity"),
)
ORDER = ("scorer", "unit", "file", "where", "indicator", "found", "fill", "message", "code", "level")
WIDTHS = {"scorer": 12, "unit": 12, "file": 14, "where": 11, "indicator": 30, "found": 12, "fill": 28, "message": 46, "code": 13, "level": 6}
WRAPPED = {"indicator", "found", "fill", "message"}

STATUS = Labels(unit=N_("Unit"), cls=N_("Class"), filled=N_("Filled/expected"), problems=N_("Problems"), scorers=N_("Scorers"))
STATUS_ORDER = ("unit", "cls", "filled", "problems", "scorers")
STATUS_WIDTHS = {"unit": 22, "cls": 26, "filled": 14, "problems": 8, "scorers": 30}
LINE_PT = 14  # the height of a line of 10-point text
SHEETS = Labels(problems=N_("Problems to fix"), units=N_("Units"))


def _sep() -> str:
    return pgettext("list separator", ", ")


def class_name(cls: str, rulesets: dict, rules_id: str) -> str:
    rs = rulesets.get(rules_id)
    return rs.classes[cls].name if rs is not None and cls in rs.classes else cls


def status_rows(lines, rulesets: dict) -> list[list[str]]:
    """check's table of every unit, as text, without its header."""
    rows = []
    for line in lines:
        filled = f"{line.filled}/{line.expected}" if line.found else _("not submitted {filled}").format(filled=f"0/{line.expected}")
        rows.append([line.unit, class_name(line.cls, rulesets, line.rules_id), filled, str(line.problems), _sep().join(line.scorers)])
    return rows


def status_header() -> list[str]:
    return [STATUS[k] for k in STATUS_ORDER]


def _where(p: Problem) -> str:
    if p.sheet is not None and p.cell is not None:
        return f"{p.sheet}!{p.cell}"
    if p.sheet is not None:
        return p.sheet
    if p.line is not None:
        return _("line {line}").format(line=p.line)
    return ""


def problem_rows(problems: Iterable[Problem], notes: Iterable[Problem], lines) -> list[dict]:
    """One dict per problem (keys of ``ORDER``), sorted by scorer, unit and
    place; the notes after the problems."""
    scorers_of = {line.unit: _sep().join(line.scorers) for line in lines}
    order = {line.unit: i for i, line in enumerate(lines)}
    rows = []
    for rank, group in ((0, problems), (1, notes)):
        for p in group:
            scorer = p.scorer or (scorers_of.get(p.unit, "") if p.unit else "")
            row = {
                "scorer": scorer,
                "unit": p.unit or "",
                "file": shown_path(p.file),
                "where": _where(p),
                "indicator": p.subject or "",
                "found": p.found or "",
                "fill": p.fill or "",
                "message": p.message,
                "code": p.code,
                "level": severity_label(p.severity),
            }
            key = (rank, scorer == "", scorer, p.unit is None, order.get(p.unit or "", len(order)), p.unit or "",
                   p.file, p.sheet or "", cell_key(p.cell), p.line or 0, p.code, p.message)
            rows.append((key, row))
    rows.sort(key=lambda t: t[0])
    return [row for _key, row in rows]


def write_problem_list(path: str, fmt: str, problems, notes, lines, rulesets: dict) -> int:
    """Write the list in ``fmt`` (xlsx, csv, json) to ``path`` ("-": standard
    output); returns the number of problem rows."""
    rows = problem_rows(problems, notes, lines)
    if fmt == "xlsx":
        _write_xlsx(path, rows, status_rows(lines, rulesets))
    elif fmt == "csv":
        _write_csv(path, rows)
    elif fmt == "json":
        _write_json(path, rows, lines, rulesets)
    else:
        raise ValueError(fmt)
    return len(rows)


def format_of(path: str | None, fmt: str | None) -> str | None:
    """The format said, else the one of the output's extension."""
    if fmt or not path or path == "-":
        return fmt
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    return ext if ext in FORMATS else None


# ------------------------------------------------------------ writers

def _write_csv(path: str, rows: list[dict]) -> None:
    with atomic_text_writer(path) as fh:
        fh.write("\ufeff")  # so that Excel opens it as UTF-8
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow([COLUMNS[k] for k in ORDER])
        for row in rows:
            w.writerow([inert_csv(row[k]) for k in ORDER])


def _write_json(path: str, rows: list[dict], lines, rulesets: dict) -> None:
    from ..jsonout import dumps

    units = [
        {"unit": line.unit, "class": line.cls, "class_name": class_name(line.cls, rulesets, line.rules_id), "rules": line.rules_id,
         "submitted": line.found, "filled": line.filled, "expected": line.expected, "problems": line.problems, "scorers": list(line.scorers)}
        for line in lines
    ]
    keys = {"indicator": "indicator", "found": "found", "fill": "fill", "message": "message", "code": "code", "scorer": "scorer",
            "unit": "unit", "file": "file", "where": "where"}
    doc = {"format": JSON_FORMAT, "problems": [{k: row[v] for k, v in keys.items()} | {"level": row["level"]} for row in rows], "units": units}
    with atomic_text_writer(path) as fh:
        fh.write(dumps(doc))


def _write_xlsx(path: str, rows: list[dict], status: list[list[str]]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    header = [COLUMNS[k] for k in ORDER]
    chunk = ROW_LIMIT - 1
    parts = [rows[i : i + chunk] for i in range(0, len(rows), chunk)] or [[]]
    for n, part in enumerate(parts, start=1):
        title = SHEETS["problems"] if n == 1 else f"{SHEETS['problems']} ({n})"
        _sheet(wb, title, header, ([row[k] for k in ORDER] for row in part), [WIDTHS[k] for k in ORDER], len(part),
               {i for i, k in enumerate(ORDER) if k in WRAPPED})
    _sheet(wb, SHEETS["units"], status_header(), iter(status), [STATUS_WIDTHS[k] for k in STATUS_ORDER], len(status), {1, 4})
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _sheet(wb, title: str, header: list[str], rows, widths: list[int], n: int, wrap: set[int]) -> None:
    """One sheet, streamed: each row's height set for its wrapped texts (no
    program computes it on opening a streamed workbook)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    last = get_column_letter(len(header))
    ws.auto_filter.ref = f"A1:{last}{max(n + 1, 2)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    font, bold, fill = Font(size=10), Font(size=10, bold=True), PatternFill("solid", fgColor="DDEBF7")
    top, wrapped = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    head = []
    for text in header:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill, cell.alignment = bold, fill, wrapped
        head.append(cell)
    ws.append(head)
    r = 1
    for values in rows:
        out = []
        lines = 1
        for i, v in enumerate(values):
            text = clean_xml_text(v)
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"  # a value found such as "=1+1" stays text
            cell.font = font
            if i in wrap:
                cell.alignment = wrapped
                lines = max(lines, _lines(text, widths[i]))
            else:
                cell.alignment = top
            out.append(cell)
        r += 1
        if lines > 1:
            ws.row_dimensions[r].height = lines * LINE_PT
        ws.append(out)
        ws.row_dimensions.pop(r, None)  # written: a million rows keep no dimensions


def _lines(text: str, width: int) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide."""
    n = 0
    for part in text.split("\n"):
        n += max(1, -(-display_width(part) // max(width - 1, 1)))
    return n
