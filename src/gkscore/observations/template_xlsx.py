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
    FORMAT,
    HEADER_ROW_SHEET,
    INPUT_COLUMNS,
    LABELS,
    LISTS_SHEET,
    LONG_COLUMNS,
    LONG_SHEET,
    META_SHEET,
    SHEET_COLUMNS,
    UNIT_ROW,
    WIDTHS,
    clean_text,
    header_text,
)
from .template_rows import prompt_text, unit_specs
from .validation import ListStore, Validations
from .values import ACCEPTED_BOOL, ACCEPTED_DATE

_BAD_TITLE = re.compile(r"[\\*?:/\[\]]")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


def safe_titles(names: list[str], reserved=(COVER_SHEET, META_SHEET, LISTS_SHEET, LONG_SHEET)) -> list[str]:
    """Sheet titles: at most 31 characters, no \\ * ? : / [ ], unique ignoring case."""
    used = {r.casefold() for r in reserved} | {"history"}
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
    """The cover's text above its table of units, with the font of each line."""
    rs = loaded_rules.ruleset
    bold = Font(bold=True, size=14)
    lines = [
        (f"{rs.title}：观测记录表", bold),
        (f"规则文件：{rs.id}（内容校验码 {loaded_rules.sha256[:12]}）；由 gkscore {__version__} 生成。", None),
        ("", None),
        ("填写方法", Font(bold=True)),
        ("1. 每个单位一个工作表（长表格式为“观测”工作表每行一个单位的一个字段）。只需填写黄色的“填写值”“佐证”“评分人”三列，其他单元格已锁定。" if layout == "sheets" else "1. “观测”工作表每行是一个单位的一个字段。只需填写黄色的“填写值”“佐证”“评分人”三列，其他单元格已锁定。", None),
        ("2. “问题”列是本字段要回答的问题，“评分细则”列是原文；“允许值”列写明可以填写的内容。", None),
        (f"3. 是/否 字段可从下拉列表选择；也接受 {ACCEPTED_BOOL}。", None),
        ("4. 个数填写不小于 0 的整数，抽查项不能超过抽查样本数；评分项填写范围内、符合步长的分数（如 0..2 step 0.5 表示 0、0.5、1、1.5、2）。", None),
        (f"5. 日期可填写 {ACCEPTED_DATE}。全角数字和空格会自动转换。", None),
        ("6. 佐证列填写网址、截图文件名或说明；评分人列填写评分人员姓名。", None),
        ("7. 粘贴的内容不受下拉列表限制，但 gkscore 读取时会逐格再次检查：任何无法识别、超出范围或漏填的值都会报告到具体单元格，绝不会按 0 分或满分处理。", None),
        ("8. 请勿修改单位名称、指标编号、字段列，也不要删除隐藏的工作表；可以增加批注或在表格之外的列书写备注。", None),
        ("9. 多人分别填写同一单位时，可各自填写后一起交给 gkscore check / score 合并；同一字段两人填写不同的值会被报告为冲突。", None),
        ("", None),
        ("单位与工作表", Font(bold=True)),
    ]
    return lines


COVER_WIDTHS = {"A": 40, "B": 10, "C": 34}


def _cover(ws, loaded_rules, pairs: list[tuple[str, str, str]], layout: str) -> None:
    r = 1
    for text, font in cover_lines(loaded_rules, layout):
        put(ws, r, 1, text, font=font)
        r += 1
    put(ws, r, 1, LABELS["unit"], font=Font(bold=True))
    put(ws, r, 2, LABELS["class"], font=Font(bold=True))
    put(ws, r, 3, "工作表", font=Font(bold=True))
    for unit, cls, title in pairs:
        r += 1
        put(ws, r, 1, unit)
        put(ws, r, 2, cls)
        put(ws, r, 3, title)
    for letter, width in COVER_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    protect(ws)


def _widths(ws, keys: list[str]) -> None:
    for i, k in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[k]


def _unit_sheet(ws, unit, specs, store: ListStore) -> None:
    bold = Font(bold=True)
    put(ws, UNIT_ROW, 1, f"{LABELS['unit']} unit", font=bold)
    put(ws, UNIT_ROW, 2, unit.name, font=Font(bold=True, size=13))
    put(ws, CLASS_ROW, 1, f"{LABELS['class']} class", font=bold)
    put(ws, CLASS_ROW, 2, unit.cls, font=bold)
    for c, key in enumerate(SHEET_COLUMNS, start=1):
        put(ws, HEADER_ROW_SHEET, c, header_text(key), font=bold, fill=HEADER_FILL, align=WRAP)
    col = {k: i for i, k in enumerate(SHEET_COLUMNS, start=1)}
    vals = Validations(ws, store)
    for r, spec in enumerate(specs, start=HEADER_ROW_SHEET + 1):
        rec = {
            "item": spec.owner,
            "field": spec.field_id,
            "section": spec.section,
            "group": spec.group,
            "text": spec.text,
            "prompt": prompt_text(spec),
            "type": spec.field.type,
            "allowed": allowed_text(spec.field, unit.cls),
        }
        for k, v in rec.items():
            put(ws, r, col[k], v, align=WRAP)
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
    ws.freeze_panes = ws.cell(row=HEADER_ROW_SHEET + 1, column=1).coordinate
    _widths(ws, SHEET_COLUMNS)
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
    cover.title = COVER_SHEET
    store = ListStore()
    pairs_specs = unit_specs(loaded_rules, units)
    titles = safe_titles([u.name for u, _specs in pairs_specs])
    _cover(cover, loaded_rules, [(u.name, u.cls, t) for (u, _specs), t in zip(pairs_specs, titles)], layout)
    with step(_("writing the template"), len(pairs_specs)) as advance:
        for (unit, specs), title in zip(pairs_specs, titles):
            _unit_sheet(wb.create_sheet(title), unit, specs, store)
            advance()
    _meta(wb, loaded_rules, loaded_units, layout, titles, scope)
    store.write(wb)  # after the data sheets
    return wb


def write_xlsx_template(loaded_rules, loaded_units, units, out_path: str, layout: str = "sheets", scope=None) -> None:
    wb = build_workbook(loaded_rules, loaded_units, units, layout, scope)
    with atomic_path(out_path) as tmp, step(_("saving {file}").format(file=out_path)):
        wb.save(tmp)
