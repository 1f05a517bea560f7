"""The xlsx template: a cover sheet, one sheet per unit (or one long sheet),
a hidden metadata sheet naming the rule file (id and sha256).

Unit sheets: A1/B1 单位 and the canonical unit name, A2/B2 类别 and the class,
row 4 the header (frozen), one row per field from row 5.  Only the value,
evidence and scorer cells are unlocked; the sheet is protected (no password).
All text we write is forced to be text (``data_type = "s"``), so a rule text
or unit name starting with ``=`` can never become a formula.
"""

from __future__ import annotations

import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from .. import __version__
from ..fsutil import atomic_path
from ..i18n import _
from ..progress import step
from .allowed import allowed_text
from .layout import (
    CLASS_ROW,
    COVER_SHEET,
    COVER_TITLES,
    FORMAT,
    FROZEN_SHEET,
    HEADER_ROW_SHEET,
    INPUT_COLUMNS,
    LISTS_SHEET,
    LONG_SHEET,
    LONG_TITLES,
    META_SHEET,
    SHEET_COLUMNS,
    UNIT_ROW,
    UNPRINTED,
    WRAPPED,
    clean_text,
    column_name,
    column_width,
    cover_title,
    header_text,
    long_title,
    row_height,
    type_word,
)
from .template_rows import class_label, prompt_text, unit_specs
from .validation import ListStore, Validations
from .values import ACCEPTED_BOOL, accepted_dates

_BAD_TITLE = re.compile(r"[\\*?:/\[\]]")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


def safe_titles(names: list[str], reserved=(COVER_SHEET, META_SHEET, LISTS_SHEET, LONG_SHEET)) -> list[str]:
    """Sheet titles: at most 31 characters, no \\ * ? : / [ ], unique ignoring case."""
    used = {r.casefold() for r in (*reserved, *COVER_TITLES.texts.values(), *LONG_TITLES.texts.values(), cover_title(), long_title())} | {"history"}
    out = []
    for name in names:
        base = _BAD_TITLE.sub("_", clean_text(name)).strip().strip("'").strip() or "单位"
        title = base[:31]
        n = 2
        while title.casefold() in used:
            suffix = f"~{n}"
            title = base[: 31 - len(suffix)] + suffix
            n += 1
        used.add(title.casefold())
        out.append(title)
    return out


def put(ws, row: int, col: int, value, *, font=None, fill=None, align=None):
    if isinstance(value, str):
        value = clean_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if align is not None:
        cell.alignment = align
    return cell


def protect(ws) -> None:
    p = ws.protection
    p.sheet = True
    p.formatColumns = False  # allowed: widen columns
    p.formatRows = False
    p.autoFilter = False
    p.sort = False


def meta_rows(loaded_rules, loaded_units, layout: str, sheets: list[str], scope) -> tuple[list, list]:
    """The metadata sheet's rows: (the rule file, the layout, ..., also kept as
    document properties), then the subset of units the template was made for
    (``scope``: None for all, or (classes, unit names) as asked) and the
    sheets made."""
    rs = loaded_rules.ruleset
    rows = [
        ("format", FORMAT),
        ("layout", layout),
        ("rules_id", rs.id),
        ("rules_sha256", loaded_rules.sha256),
        ("rules_title", rs.title),
        ("units_id", loaded_units.units.id),
        ("units_sha256", loaded_units.sha256),
        ("gkscore", __version__),
        ("scope", "all" if scope is None else "subset"),
    ]
    classes, names = scope or ((), ())
    listed = [("scope_class", c) for c in classes] + [("scope_unit", n) for n in names] + [("sheet", title) for title in sheets]
    return rows, listed


def add_doc_props(wb, rows) -> None:
    try:
        from openpyxl.packaging.custom import StringProperty

        for k, v in rows:
            wb.custom_doc_props.append(StringProperty(name=f"gkscore.{k}", value=str(v)))
    except Exception:  # pragma: no cover - custom properties are a convenience
        pass


def _meta(wb, loaded_rules, loaded_units, layout: str, sheets: list[str], scope) -> None:
    """The metadata sheet (see ``meta_rows``)."""
    ws = wb.create_sheet(META_SHEET)
    rows, listed = meta_rows(loaded_rules, loaded_units, layout, sheets, scope)
    for r, (k, v) in enumerate(rows + listed, start=1):
        put(ws, r, 1, k)
        put(ws, r, 2, str(v))
    ws.sheet_state = "veryHidden"
    add_doc_props(wb, rows)


def cover_lines(loaded_rules, layout: str) -> list[tuple[str, Font | None]]:
    """The cover's text above its table of units, with the font of each line,
    in the active language."""
    rs = loaded_rules.ruleset
    bold = Font(bold=True, size=14)
    how = (_("1. One sheet per unit. Fill in only the three yellow columns {value}, {evidence} and {scorer}, right of the question; the other cells are locked.")
           if layout == "sheets" else
           _("1. Each row of the sheet {sheet} is one field of one unit. Fill in only the three yellow columns {value}, {evidence} and {scorer}, right of the question; the other cells are locked."))
    # a document's quotation marks (messages quote with ``problems.quote``)
    names = {k: f"“{column_name(k)}”" for k in ("value", "evidence", "scorer", "prompt", "text", "allowed", "type")}
    lines = [
        (_("{title}: observation sheets").format(title=rs.title), bold),
        (_("Rule file: {id} (checksum {sha}); made by gkscore {version}.").format(id=rs.id, sha=loaded_rules.sha256[:12], version=__version__), None),
        ("", None),
        (_("How to fill in"), Font(bold=True)),
        (how.format(sheet=f"“{long_title()}”", **names), None),
        (_("2. The column {prompt} is the question the field answers, {text} the rule's own words; {allowed} and {type} say what may be filled in.").format(**names), None),
        (_("3. A yes/no field has a drop-down list; {words} are accepted too.").format(words=ACCEPTED_BOOL), None),
        (_("4. A count is a whole number not below 0, and a sampled count not above the sample; a score lies in its range on its step (0..2, step 0.5: 0, 0.5, 1, 1.5 or 2)."), None),
        (_("5. A date may be written {forms}. Full-width digits and spaces are converted.").format(forms=accepted_dates()), None),
        (_("6. {evidence}: a web address, a screenshot's file name or a note; {scorer}: the scorer's name. One {evidence} or {scorer} cell may be merged over several rows of the same unit.").format(**names), None),
        (_("7. Pasted values bypass the drop-down lists, but gkscore checks every cell again when it reads the sheet: a value it cannot read, out of range or missing is reported at its cell, never scored as 0 or as full marks."), None),
        (_("8. Do not change the unit's name, the item numbers or the field column, and do not delete the hidden sheets; comments and notes in the columns right of the table are allowed (gkscore check lists them, and does not read them)."), None),
        (_("9. Several scorers may each fill the same unit: gkscore check / score merges their files, and reports two different values for one field as a conflict."), None),
        ("", None),
        (_("Units and sheets"), Font(bold=True)),
    ]
    return lines


COVER_WIDTHS = {"A": 30, "B": 16, "C": 30}
COVER_TEXT_WIDTH = sum(COVER_WIDTHS.values())


def cover_text_rows(lines) -> list[tuple[str, Font | None, float | None]]:
    """The cover's lines with the height of each, merged over the columns
    of the table of units below them and wrapped."""
    return [(text, font, row_height([(text, COVER_TEXT_WIDTH)])) for text, font in lines]


def cover_header() -> list[str]:
    """The header of the cover's table of units."""
    return [column_name("unit"), column_name("class"), _("Sheet")]


def _cover(ws, loaded_rules, pairs: list[tuple[str, str, str]], layout: str) -> None:
    r = 1
    for text, font, height in cover_text_rows(cover_lines(loaded_rules, layout)):
        put(ws, r, 1, text, font=font, align=WRAP)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(COVER_WIDTHS))
        if height is not None:
            ws.row_dimensions[r].height = height
        r += 1
    for c, text in enumerate(cover_header(), start=1):
        put(ws, r, c, text, font=Font(bold=True))
    for unit, cls, title in pairs:
        r += 1
        put(ws, r, 1, unit)
        put(ws, r, 2, cls)
        put(ws, r, 3, title)
    for letter, width in COVER_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    print_setup(ws, landscape=False)
    protect(ws)


def print_setup(ws, *, landscape: bool = True, title_rows: str | None = None) -> None:
    """Print on A4, as wide as one page (as many pages down as it takes),
    the header row repeated on every page."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows is not None:
        ws.print_title_rows = title_rows


def printed_columns(keys: list[str]) -> int:
    """How many columns from A are printed: up to the last one for paper."""
    return max(i for i, k in enumerate(keys, start=1) if k not in UNPRINTED)


def _widths(ws, keys: list[str]) -> None:
    for i, k in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column_width(k)


def _unit_sheet(ws, unit, cls_text: str, specs, store: ListStore) -> None:
    bold = Font(bold=True)
    put(ws, UNIT_ROW, 1, column_name("unit"), font=bold)
    put(ws, UNIT_ROW, 2, unit.name, font=Font(bold=True, size=13))
    put(ws, CLASS_ROW, 1, column_name("class"), font=bold)
    put(ws, CLASS_ROW, 2, cls_text, font=bold)
    for c, key in enumerate(SHEET_COLUMNS, start=1):
        put(ws, HEADER_ROW_SHEET, c, header_text(key), font=bold, fill=HEADER_FILL, align=WRAP)
    col = {k: i for i, k in enumerate(SHEET_COLUMNS, start=1)}
    vals = Validations(ws, store)
    last = HEADER_ROW_SHEET
    for r, spec in enumerate(specs, start=HEADER_ROW_SHEET + 1):
        last = r
        rec = {
            "item": spec.owner,
            "field": spec.field_id,
            "section": spec.section,
            "group": spec.group,
            "text": spec.text,
            "prompt": prompt_text(spec),
            "type": type_word(spec.field.type),
            "allowed": allowed_text(spec.field, unit.cls),
        }
        for k, v in rec.items():
            put(ws, r, col[k], v, align=WRAP)
        height = row_height([(rec[k], column_width(k)) for k in WRAPPED])
        if height is not None:
            ws.row_dimensions[r].height = height
        for k in INPUT_COLUMNS:
            cell = ws.cell(row=r, column=col[k])
            cell.protection = UNLOCKED
            cell.fill = INPUT_FILL
            cell.alignment = WRAP
        vcell = ws.cell(row=r, column=col["value"])
        if spec.field.type == "date":
            vcell.number_format = "yyyy-mm-dd"
        vals.add(spec.field, unit.cls, vcell.coordinate)
    vals.finish()
    # the item and the question stay in view, scrolling down or right
    ws.freeze_panes = ws.cell(row=HEADER_ROW_SHEET + 1, column=len(FROZEN_SHEET) + 1).coordinate
    _widths(ws, SHEET_COLUMNS)
    print_setup(ws, title_rows=f"{HEADER_ROW_SHEET}:{HEADER_ROW_SHEET}")
    ws.print_area = f"A1:{get_column_letter(printed_columns(SHEET_COLUMNS))}{last}"
    protect(ws)


def build_workbook(loaded_rules, loaded_units, units, layout: str = "sheets", scope=None) -> Workbook:
    """The sheet-per-unit template as a workbook in memory (the long layout
    is streamed to its file: ``template_long``).  ``scope``: (classes, unit
    names) when the units are a subset chosen with --class/--unit, recorded
    as what the template was made for."""
    if layout != "sheets":
        raise ValueError(f"unknown layout {layout!r}")
    wb = Workbook()
    cover = wb.active
    cover.title = cover_title()
    store = ListStore()
    pairs_specs = unit_specs(loaded_rules, units)
    rs = loaded_rules.ruleset
    titles = safe_titles([u.name for u, _specs in pairs_specs])
    _cover(cover, loaded_rules, [(u.name, class_label(rs, u.cls), t) for (u, _specs), t in zip(pairs_specs, titles)], layout)
    with step(_("writing the template"), len(pairs_specs)) as advance:
        for (unit, specs), title in zip(pairs_specs, titles):
            _unit_sheet(wb.create_sheet(title), unit, class_label(rs, unit.cls), specs, store)
            advance()
    _meta(wb, loaded_rules, loaded_units, layout, titles, scope)
    store.write(wb)  # after the data sheets
    return wb


def write_xlsx_template(loaded_rules, loaded_units, units, out_path: str, layout: str = "sheets", scope=None) -> None:
    wb = build_workbook(loaded_rules, loaded_units, units, layout, scope)
    with atomic_path(out_path) as tmp, step(_("saving {file}").format(file=out_path)):
        wb.save(tmp)
