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
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..fsutil import atomic_path
from ..i18n import _
from ..progress import step
from .layout import (
    FROZEN_LONG,
    INPUT_COLUMNS,
    LONG_COLUMNS,
    META_SHEET,
    WRAPPED,
    clean_text,
    column_width,
    cover_title,
    header_text,
    long_title,
    row_height,
    rules_tag,
)
from .template_rows import class_label, long_record, unit_specs
from .template_xlsx import (
    COVER_WIDTHS,
    HEADER_FILL,
    INPUT_FILL,
    UNLOCKED,
    WRAP,
    add_doc_props,
    cover_header,
    cover_lines,
    cover_text_rows,
    meta_rows,
    print_setup,
    printed_columns,
    protect,
)
from .validation import ListStore, Validations

ROW_LIMIT = 1_048_576  # rows of one Excel sheet, the header included
DATE_FORMAT = "yyyy-mm-dd"


def sheet_titles(row_counts: list[int], row_limit: int = ROW_LIMIT) -> list[str]:
    """The sheet of each unit, given its number of rows: ``观测`` until it is
    full, then ``观测 (2)`` ... (``Observation sheet`` in English)."""
    first = long_title()
    titles, n, used = [], 1, 1  # the header row
    for rows in row_counts:
        if used + rows > row_limit and used > 1:
            n, used = n + 1, 1
        used += rows
        titles.append(first if n == 1 else f"{first} ({n})")
    return titles


class _Texts:
    """Text cells of one sheet: cleaned once per distinct text, and a text
    that starts with ``=`` kept as text (never a formula); ``wrapped``: a
    cell that wraps its text, one per distinct text (a write-only sheet
    writes a cell out as its row is appended, so one serves every row)."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.clean: dict[str, str] = {}
        self.wraps: dict[str, object] = {}

    def wrapped(self, text: str):
        cell = self.wraps.get(text)
        if cell is None:
            cell = _styled(self.ws, clean_text(text), align=WRAP)
            if len(self.wraps) < 65536:
                self.wraps[text] = cell
        return cell

    def cell(self, text: str):
        value = self.clean.get(text)
        if value is None:
            value = clean_text(text)
            if len(self.clean) < 65536:
                self.clean[text] = value
        if value.startswith("="):
            cell = WriteOnlyCell(self.ws, value)
            cell.data_type = "s"
            # a styled cell: the writer takes the next cell of the row into a
            # fresh object, never into this one (which serves many rows)
            cell.quotePrefix = True
            return cell
        return value


def _cells_as_given(ws) -> None:
    """Let the write-only sheet take a row's cell objects as they are.
    openpyxl first tries each value as a plain value and takes a cell object
    only from the error that raises (a repr, a format and an exception per
    styled cell: most of the cost of a row of this sheet, whose input and
    wrapped text cells are shared objects); this does the same with one type
    check.  Plain values go through one scratch cell, as openpyxl does."""

    def values_to_row(values, row_idx):
        scratch = WriteOnlyCell(ws)
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if value.__class__ is Cell:
                cell = value
            else:
                cell = scratch
                cell.value = value
            cell.column = col_idx
            cell.row = row_idx
            yield cell

    if hasattr(ws, "_values_to_row"):
        ws._values_to_row = values_to_row


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


def _height(points: float) -> dict:
    """A row's attributes as the write-only writer takes them from
    ``row_dimensions`` (a plain dict, set before the row is appended and
    dropped after: a RowDimension per row would stay in memory)."""
    return {"ht": str(points), "customHeight": "1"}


def _cover(wb, loaded_rules, pairs) -> None:
    ws = wb.create_sheet(cover_title())
    for letter, width in COVER_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    print_setup(ws, landscape=False)
    protect(ws)
    dims = ws.row_dimensions
    last = get_column_letter(len(COVER_WIDTHS))
    for r, (text, font, height) in enumerate(cover_text_rows(cover_lines(loaded_rules, "long")), start=1):
        if height is not None:
            dims[r] = _height(height)
        ws.append([_styled(ws, clean_text(text), font=font, align=WRAP)])
        ws.merged_cells.add(f"A{r}:{last}{r}")
    dims.clear()
    bold = Font(bold=True)
    ws.append([_styled(ws, text, font=bold) for text in cover_header()])
    texts = _Texts(ws)
    for unit, cls, title in pairs:
        ws.append([texts.cell(unit), texts.cell(cls), texts.cell(title)])


def _long_sheet(wb, title: str, tag: str, rs, units_specs, store: ListStore, advance) -> None:
    ws = wb.create_sheet(title)
    _cells_as_given(ws)
    for i, key in enumerate(LONG_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column_width(key)
    # the unit, item and question stay in view, scrolling down or right
    ws.freeze_panes = f"{get_column_letter(len(FROZEN_LONG) + 1)}2"
    print_setup(ws, title_rows="1:1")
    protect(ws)
    bold = Font(bold=True)
    ws.append([_styled(ws, header_text(k), font=bold, fill=HEADER_FILL, align=WRAP) for k in LONG_COLUMNS])
    # One cell object per kind of input cell: a write-only sheet writes a
    # row out as it is appended, so the same styled cell serves every row.
    blank = _styled(ws, fill=INPUT_FILL, protection=UNLOCKED)
    date = _styled(ws, fill=INPUT_FILL, protection=UNLOCKED, number_format=DATE_FORMAT)
    value_column = get_column_letter(LONG_COLUMNS.index("value") + 1)
    texts = _Texts(ws)
    text, wrapped = texts.cell, texts.wrapped
    vals = Validations(ws, store)
    # a field's cells are the same for every unit of a class: made once
    field_cells: dict[tuple, tuple[list, dict | None]] = {}
    i_unit, i_class = LONG_COLUMNS.index("unit"), LONG_COLUMNS.index("class")
    dims = ws.row_dimensions
    row = 1
    for unit, specs in units_specs:
        advance()
        cls = class_label(rs, unit.cls)
        unit_cell, cls_cell = text(unit.name), text(cls)
        for spec in specs:
            row += 1
            key = (unit.cls, id(spec))
            made = field_cells.get(key)
            if made is None:
                rec = long_record(tag, unit, spec, cls)
                is_date = spec.field.type == "date"
                cells = [(date if is_date and k == "value" else blank) if k in INPUT_COLUMNS else wrapped(rec[k]) if k in WRAPPED else text(rec[k])
                         for k in LONG_COLUMNS]
                height = row_height([(rec[k], column_width(k)) for k in WRAPPED])
                made = field_cells[key] = (cells, None if height is None else _height(height))
            cells, height = made
            cells = cells.copy()
            cells[i_unit], cells[i_class] = unit_cell, cls_cell
            if height is not None:
                dims[row] = height
                ws.append(cells)
                del dims[row]
            else:
                ws.append(cells)
            vals.add_at(spec.field, unit.cls, value_column, row)
    vals.finish()
    ws.auto_filter.ref = f"A1:{get_column_letter(len(LONG_COLUMNS))}{max(row, 2)}"
    ws.print_area = f"A1:{get_column_letter(printed_columns(LONG_COLUMNS))}{max(row, 2)}"
    # written out now: its validations need not wait for the workbook's end
    ws.close()
    ws.data_validations.dataValidation = []


def write_long_template(loaded_rules, loaded_units, units, out_path: str, scope=None, *, row_limit: int = ROW_LIMIT) -> None:
    units_specs = unit_specs(loaded_rules, units)
    titles = sheet_titles([len(specs) for _unit, specs in units_specs], row_limit)
    sheets = list(dict.fromkeys(titles)) or [long_title()]
    tag = rules_tag(loaded_rules.ruleset.id, loaded_rules.sha256, scope)
    wb = Workbook(write_only=True)
    rs = loaded_rules.ruleset
    _cover(wb, loaded_rules, [(u.name, class_label(rs, u.cls), t) for (u, _specs), t in zip(units_specs, titles)])
    store = ListStore()
    with step(_("writing the template"), len(units_specs)) as advance:
        for title in sheets:
            _long_sheet(wb, title, tag, rs, [us for us, t in zip(units_specs, titles) if t == title], store, advance)
    ws = wb.create_sheet(META_SHEET)
    rows, listed = meta_rows(loaded_rules, loaded_units, "long", sheets, scope)
    for k, v in rows + listed:
        ws.append([_styled(ws, clean_text(k)), _styled(ws, clean_text(str(v)))])
    ws.sheet_state = "veryHidden"
    add_doc_props(wb, rows)
    store.write(wb)
    with atomic_path(out_path) as tmp, step(_("saving {file}").format(file=out_path)):
        wb.save(tmp)
