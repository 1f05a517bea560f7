"""The long-layout xlsx template, streamed to its file.

The same workbook as the sheet-per-unit template's siblings (cover, hidden
metadata and lists sheets; see ``template_xlsx``) with one sheet ``观测``
holding a row per unit and field, written with openpyxl's write-only mode:
each row goes to the file as it is made, so a province's 10,000 units take
the memory of one row plus the validations of the sheet, not a cell object
per cell (4.7 GB).  A sheet holds at most Excel's 1,048,576 rows; past that
the units go on in ``观测 (2)``, ``观测 (3)`` ... (a unit's rows never
straddle two sheets), each read like the first.

What a user sees is what the in-memory template gives: the header styled and
frozen, only the value, evidence and scorer cells unlocked and yellow, a
date format on date values, the validations of ``validation``, a filter over
the header and the sheets protected.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..fsutil import atomic_path
from ..i18n import _
from ..progress import step
from .layout import COVER_SHEET, INPUT_COLUMNS, LABELS, LONG_COLUMNS, LONG_SHEET, META_SHEET, WIDTHS, clean_text, header_text, rules_tag
from .template_rows import long_record, unit_specs
from .template_xlsx import COVER_WIDTHS, HEADER_FILL, INPUT_FILL, UNLOCKED, WRAP, add_doc_props, cover_lines, meta_rows, protect
from .validation import ListStore, Validations

ROW_LIMIT = 1_048_576  # rows of one Excel sheet, the header included
DATE_FORMAT = "yyyy-mm-dd"


def sheet_titles(row_counts: list[int], row_limit: int = ROW_LIMIT) -> list[str]:
    """The sheet of each unit, given its number of rows: ``观测`` until it is
    full, then ``观测 (2)`` ..."""
    titles, n, used = [], 1, 1  # the header row
    for rows in row_counts:
        if used + rows > row_limit and used > 1:
            n, used = n + 1, 1
        used += rows
        titles.append(LONG_SHEET if n == 1 else f"{LONG_SHEET} ({n})")
    return titles


class _Texts:
    """Text cells of one sheet: cleaned once per distinct text, and a text
    that starts with ``=`` kept as text (never a formula)."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.clean: dict[str, str] = {}

    def cell(self, text: str):
        value = self.clean.get(text)
        if value is None:
            value = clean_text(text)
            if len(self.clean) < 65536:
                self.clean[text] = value
        if value.startswith("="):
            cell = WriteOnlyCell(self.ws, value)
            cell.data_type = "s"
            return cell
        return value


def _styled(ws, value=None, *, font=None, fill=None, align=None, protection=None, number_format=None):
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if align is not None:
        cell.alignment = align
    if protection is not None:
        cell.protection = protection
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _cover(wb, loaded_rules, pairs) -> None:
    ws = wb.create_sheet(COVER_SHEET)
    for letter, width in COVER_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    protect(ws)
    for text, font in cover_lines(loaded_rules, "long"):
        ws.append([_styled(ws, clean_text(text), font=font)])
    bold = Font(bold=True)
    ws.append([_styled(ws, LABELS["unit"], font=bold), _styled(ws, LABELS["class"], font=bold), _styled(ws, "工作表", font=bold)])
    texts = _Texts(ws)
    for unit, cls, title in pairs:
        ws.append([texts.cell(unit), texts.cell(cls), texts.cell(title)])


def _long_sheet(wb, title: str, tag: str, units_specs, store: ListStore, advance) -> None:
    ws = wb.create_sheet(title)
    for i, key in enumerate(LONG_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[key]
    ws.freeze_panes = "A2"
    protect(ws)
    bold = Font(bold=True)
    ws.append([_styled(ws, header_text(k), font=bold, fill=HEADER_FILL, align=WRAP) for k in LONG_COLUMNS])
    # One cell object per kind of input cell: a write-only sheet writes a
    # row out as it is appended, so the same styled cell serves every row.
    blank = _styled(ws, fill=INPUT_FILL, protection=UNLOCKED)
    date = _styled(ws, fill=INPUT_FILL, protection=UNLOCKED, number_format=DATE_FORMAT)
    value_column = get_column_letter(LONG_COLUMNS.index("value") + 1)
    texts = _Texts(ws)
    text = texts.cell
    vals = Validations(ws, store)
    row = 1
    for unit, specs in units_specs:
        advance()
        for spec in specs:
            row += 1
            rec = long_record(tag, unit, spec)
            is_date = spec.field.type == "date"
            ws.append([(date if is_date and k == "value" else blank) if k in INPUT_COLUMNS else text(rec[k]) for k in LONG_COLUMNS])
            vals.add_at(spec.field, unit.cls, value_column, row)
    vals.finish()
    ws.auto_filter.ref = f"A1:{get_column_letter(len(LONG_COLUMNS))}{max(row, 2)}"
    # written out now: its validations need not wait for the workbook's end
    ws.close()
    ws.data_validations.dataValidation = []


def write_long_template(loaded_rules, loaded_units, units, out_path: str, scope=None, *, row_limit: int = ROW_LIMIT) -> None:
    units_specs = unit_specs(loaded_rules, units)
    titles = sheet_titles([len(specs) for _unit, specs in units_specs], row_limit)
    sheets = list(dict.fromkeys(titles)) or [LONG_SHEET]
    tag = rules_tag(loaded_rules.ruleset.id, loaded_rules.sha256, scope)
    wb = Workbook(write_only=True)
    _cover(wb, loaded_rules, [(u.name, u.cls, t) for (u, _specs), t in zip(units_specs, titles)])
    store = ListStore()
    with step(_("writing the template"), len(units_specs)) as advance:
        for title in sheets:
            _long_sheet(wb, title, tag, [us for us, t in zip(units_specs, titles) if t == title], store, advance)
    ws = wb.create_sheet(META_SHEET)
    rows, listed = meta_rows(loaded_rules, loaded_units, "long", sheets, scope)
    for k, v in rows + listed:
        ws.append([_styled(ws, clean_text(k)), _styled(ws, clean_text(str(v)))])
    ws.sheet_state = "veryHidden"
    add_doc_props(wb, rows)
    store.write(wb)
    with atomic_path(out_path) as tmp, step(_("saving {file}").format(file=out_path)):
        wb.save(tmp)
