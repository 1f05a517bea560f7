"""The adjustments form (复核表): ``gkscore template RULES --adjustments -o 复核.xlsx``.

A sheet of instructions (说明), then the form: one header row (单位, 指标,
观测项, 值, 理由, 批准人, 日期, frozen, printed on every page), rows to fill
with drop-down lists -- the units of the rule file's classes, its
indicators (组织推进第2项 12345热线受理情况（id）), and the questions of the
indicator chosen on the row -- and a hidden sheet holding the lists.  The
lists warn, never refuse: a name typed by hand (an alias, an id) is read
as well, and the reader checks every cell again.  Printed A4 landscape, one
page wide.  Everything is in the active language.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..fsutil import atomic_path
from ..i18n import _, pgettext
from .columns import KEYS, column_name
from .names import Indicators, field_label_in_form

ROWS = 200  # rows with drop-down lists; more may be added below
COVER_WIDTH = 64  # characters: within an A4 page, whatever the font
WIDTHS = {"unit": 16, "item": 42, "field": 42, "value": 12, "reason": 34, "approved_by": 12, "date": 12}
LISTS = "_lists"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def _text(ws, row: int, col: int, value: str, **style):
    cell = ws.cell(row=row, column=col, value=value)
    cell.data_type = "s"  # a name starting with = stays text
    for k, v in style.items():
        setattr(cell, k, v)
    return cell


def form_title() -> str:
    return _("Adjustments")


def instructions(rules_title: str) -> list[str]:
    return [
        _("{rules}: adjustments form (复核)").format(rules=rules_title),
        "",
        _("1. One row per value corrected after review: the unit, the indicator, the observation item (the question the template asks), the value after review, the reason and who approved it; the date is optional."),
        _("2. Choose the unit, the indicator and the observation item from the drop-down lists; the list of observation items follows the indicator chosen on the row."),
        _("3. An indicator may also be written by its number as the reports show it (such as rcgl.zztj.2) or its name (组织推进第2项); the observation item may be left empty when the indicator has only one."),
        _("4. Write the value as in the template: 是/否, a number, or a date such as 2021-03-31."),
        _("5. Then score with the form: gkscore score OBSERVATIONS --adjust this file. Every cell is checked again; a mistake is reported at its cell, and nothing is applied until the whole form is right."),
        _("6. The report shows every adjustment, and each adjusted unit's total and rank before and after; a row that changes nothing is reported as a warning."),
    ]


def write_form(loaded_rules, units, out_path: str) -> int:
    """Write the form for ``units`` (of the rule file's classes); returns
    the number of indicators in its list."""
    from ..observations.spec import owners

    rs = loaded_rules.ruleset
    index = owners(rs)
    names = Indicators(rs, index)
    classes = {u.cls for u in units}
    listed = [o for o in index.values() if o.specs and o.classes & classes]  # what applies to the units listed
    wb = Workbook()
    cover = wb.active
    cover.title = pgettext("adjustments form", "Instructions")
    for r, line in enumerate(instructions(rs.title), start=1):
        _text(cover, r, 1, line, font=Font(bold=True, size=14) if r == 1 else Font(size=11), alignment=WRAP)
        # rows grow to their wrapped lines (Excel does not measure them itself)
        cover.row_dimensions[r].height = (22 if r == 1 else 16) * max(1, -(-_width(line) // COVER_WIDTH))
    cover.column_dimensions["A"].width = COVER_WIDTH
    _page(cover, portrait=True)

    ws = wb.create_sheet(form_title())
    col = {k: i for i, k in enumerate(KEYS, start=1)}
    for k, c in col.items():
        _text(ws, 1, c, column_name(k), font=Font(bold=True), fill=HEADER_FILL, alignment=WRAP, border=GRID)
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS[k]
    for r in range(2, ROWS + 2):
        for c in col.values():
            cell = ws.cell(row=r, column=c)
            cell.fill, cell.border, cell.alignment = INPUT_FILL, GRID, WRAP
        ws.cell(row=r, column=col["date"]).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _page(ws, portrait=False)

    lists = wb.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    for r, u in enumerate(units, start=1):
        _text(lists, r, 1, u.name)
    labels = {o.id: _label(names, o.id) for o in listed}
    for r, o in enumerate(listed, start=1):
        _text(lists, r, 2, labels[o.id])
    r = 0
    for o in listed:
        for fid in o.specs:
            r += 1
            _text(lists, r, 4, labels[o.id])
            _text(lists, r, 5, field_label_in_form(o, fid))
    n_fields = r

    def rng(c: str) -> str:
        return f"{c}2:{c}{ROWS + 1}"

    letters = {k: get_column_letter(c) for k, c in col.items()}
    checks = [
        ("unit", f"{LISTS}!$A$1:$A${max(len(units), 1)}", _("the unit's name as the units file writes it")),
        ("item", f"{LISTS}!$B$1:$B${max(len(listed), 1)}", _("the indicator's number (as the reports show it) or its name")),
        # the questions of the indicator chosen on the row (its rows of the list)
        ("field", f"OFFSET({LISTS}!$E$1,MATCH(${letters['item']}2,{LISTS}!$D$1:$D${n_fields},0)-1,0,COUNTIF({LISTS}!$D$1:$D${n_fields},${letters['item']}2),1)",
         _("the question of the observation item, as the template asks it")),
    ]
    for key, formula, prompt in checks:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True, errorStyle="warning", showInputMessage=True)
        dv.promptTitle, dv.prompt = column_name(key), prompt
        dv.errorTitle, dv.error = column_name(key), _("not in the list; gkscore reads it if it names one of them (an alias, a number)")
        dv.add(rng(letters[key]))
        ws.add_data_validation(dv)
    for key, prompt in (("value", _("the value after review, written as in the template")), ("reason", _("why the value is changed")),
                        ("approved_by", _("who approved the change")), ("date", _("the date of approval, such as 2021-03-31 (optional)"))):
        dv = DataValidation(allow_blank=True, showInputMessage=True)
        dv.promptTitle, dv.prompt = column_name(key), prompt
        dv.add(rng(letters[key]))
        ws.add_data_validation(dv)
    wb.active = 1
    with atomic_path(out_path) as tmp:
        wb.save(tmp)
    return len(listed)


def write_form_csv(out_path: str) -> None:
    """The form as a csv: the header row alone (UTF-8 with BOM, for Excel)."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([column_name(k) for k in KEYS])
    with atomic_path(out_path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(buf.getvalue())


def _label(names: Indicators, owner: str) -> str:
    """组织推进第2项 12345热线受理情况（rcgl.zztj.2）: what the list shows, read back by its id."""
    described = names.described.get(owner, "")
    shown = names.shown.get(owner, owner)
    return f"{shown} {described}（{owner}）" if described else f"{shown}（{owner}）"


def _width(text: str) -> int:
    """Display width: a Chinese character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _page(ws, portrait: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
