"""One unit's pack: its results and lost points as a Word form and a workbook.

Both hold that unit alone (its name, figures and items; the size of its rank
group but no other unit's name or score): the 总分, 排名 and 等次 in its group,
each 一级指标 subtotal, and one row per item that cost points with the
indicator, the 评分细则, 分值, 得分, 失分 (= 分值 − 得分; a 扣分项's deduction),
what was found in words, the evidence, and empty 整改措施 / 整改时限 columns for
the unit to fill in and return.
"""

from __future__ import annotations

import datetime as dt
import io
from copy import copy

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH

from . import docx_style as st
from .notice import Notice
from .docx_package import Prototypes, Template
from .notice_docx import new_document, title_lines
from .textfit import CELL_MARGIN_MM
from .view import VETOED, UnitSheet

LOST_HEAD = ["序号", "指标", "评分细则", "分值", "得分", "失分", "检查发现", "证据", "整改措施", "整改时限"]
# mm of the landscape type area (225 mm): long texts get the room, figures one line
LOST_WIDTHS = [9, 27, 44, 11, 11, 11, 42, 24, 31, 15]
SECTION_HEAD = ["一级指标", "分值", "得分"]
NOTHING_LOST = "本单位各项指标均未失分。"
RETURN_LINE = "单位（盖章）：                    联系人：                联系电话："
PACK_PT = 10.5
FIXED_TIME = dt.datetime(2000, 1, 1)  # workbook times: the same data gives the same file


def title_of(sheet: UnitSheet) -> str:
    year = f"{sheet.year}年度" if sheet.year else ""
    return f"{year}政务公开考评结果及整改反馈表"


def standing(sheet: UnitSheet) -> str:
    """The unit's place in words: its total, rank in its group and grade."""
    if sheet.stopped_by is not None:
        # a veto stopped scoring: its words, and the total it gives (or none)
        shown = "不计总分" if sheet.total == VETOED else f"总分 {sheet.total} 分"
        parts = [f"单项否决：{sheet.stopped_by}，不再对其他指标进行评分，{shown}"]
    elif sheet.parts:  # a table made of parts: each part's score
        parts = [f"总分 {sheet.total} 分（" + "，".join(f"{name} {score} 分" for name, score, _max in sheet.sections) + "）"]
    else:
        parts = [f"总分 {sheet.total} 分（基础分 {sheet.base} 分，加分 {sheet.bonus} 分，扣分 {sheet.penalty} 分）"]
    if sheet.rank is None:
        parts.append(f"评分尚未完成，不参加{sheet.class_name}排名")
    else:
        tie = "（并列）" if sheet.tied else ""
        parts.append(f"在{sheet.class_name}（共 {sheet.group_size} 个单位）中排名第 {sheet.rank} 名{tie}")
        if sheet.grade:
            parts.append(f"等次为{sheet.grade}")
    return "，".join(parts) + "。"


def lost_rows(sheet: UnitSheet) -> list[list[str]]:
    rows = []
    for i, lp in enumerate(sheet.lost, start=1):
        rows.append([str(i), " / ".join(lp.path), lp.rule_text, lp.max, lp.score, lp.lost, lp.found, lp.evidence, "", ""])
    return rows


def unit_notes(sheet: UnitSheet) -> list[str]:
    """Notes in words only: a note that quotes internal ids is left to the
    office's own report."""
    return [n for n in sheet.notes if not any("a" <= c.lower() <= "z" for c in n)]


# ------------------------------------------------------------ docx


class UnitDocx:
    """Makes every unit's Word form from one template and prototypes built
    once per run (``docx_package``): a unit costs copies of finished rows."""

    def __init__(self) -> None:
        doc = new_document(landscape=True)
        keep = self.prototypes = Prototypes()
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        st.set_run_font(p.add_run("标题"), "title", st.TITLE_PT)
        st.exact_lines(p, 35)
        keep.keep_paragraph("title", p)
        keep.keep_paragraph("heading", st.paragraph(doc, "单位", role="heading"))
        keep.keep_paragraph("plain", st.paragraph(doc, "文字"))
        keep.keep_paragraph("indented", st.paragraph(doc, "文字", first_line_chars=2))
        caption = st.paragraph(doc, "扣分明细", role="heading", align=WD_ALIGN_PARAGRAPH.CENTER)
        caption.paragraph_format.keep_with_next = True
        keep.keep_paragraph("caption", caption)
        keep.keep_paragraph("empty", st.paragraph(doc))
        st.table_styles(doc, PACK_PT, space_pt=1)
        keep.keep_table("sections", _table(doc, SECTION_HEAD, [60, 30, 30]), _column_styles(len(SECTION_HEAD), centre=(1, 2)))
        keep.keep_table("lost", _table(doc, LOST_HEAD, LOST_WIDTHS), _column_styles(len(LOST_HEAD), centre=(0, 3, 4, 5)))
        self.template = Template(doc)

    def __call__(self, sheet: UnitSheet, notice: Notice) -> bytes:
        k = self.prototypes
        body = [k.paragraph("title", "\n".join(title_lines(title_of(sheet), per_line=28)))]
        body.append(k.paragraph("heading", f"单位：{sheet.unit}"))
        body.append(k.paragraph("plain", f"考评类别：{sheet.class_name}（依据《{sheet.rules_title}》）"))
        body.append(k.paragraph("indented", standing(sheet)))
        body.append(k.table("sections", [[name, full, score] for name, score, full in sheet.sections]))
        body += [k.paragraph("plain", f"说明：{text}") for text in unit_notes(sheet)]
        body += [k.paragraph("indented", text) for text in notice.feedback]
        rows = lost_rows(sheet)
        if rows:
            body += [k.paragraph("caption", "扣分明细"), k.table("lost", rows)]
        else:
            body.append(k.paragraph("indented", NOTHING_LOST))
        body += [k.paragraph("empty"), k.paragraph("plain", RETURN_LINE)]
        return self.template.render(body)


def _table(doc, head: list[str], widths: list[float]) -> object:
    """A bordered table of fixed widths and a header row repeated on every
    page; its cells' layout is the table styles' (``docx_style.table_styles``)."""
    t = doc.add_table(rows=1, cols=len(head))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    st.table_borders(t)
    st.cell_margins(t, CELL_MARGIN_MM)
    st.fixed_widths(t, widths)
    header = t.rows[0]
    st.cell_widths(header, widths)
    st.keep_row_together(header)
    st.repeat_header(header)
    for cell, text in zip(header.cells, head):
        p = cell.paragraphs[0]
        p._p.style = st.TABLE_HEAD
        p.add_run(text)
    return t


def _column_styles(n: int, centre) -> list[str]:
    return [st.TABLE_BODY if c in centre else st.TABLE_LEFT for c in range(n)]


# ------------------------------------------------------------ xlsx


def _lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` Excel units wide (a CJK
    character is two units)."""
    from ..render.textsafe import display_width

    room = max(width - 1, 1)
    return sum(max(1, -(-display_width(line) // room)) for line in str(text).split("\n"))


def unit_xlsx(sheet: UnitSheet, notice: Notice) -> bytes:
    """The same content as a workbook: one sheet, printable on landscape A4,
    the section table in the lost-point table's columns (指标, 分值, 得分)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.merge import MergedCellRange

    from ..render.textsafe import clean_xml_text

    wb = Workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    ws = wb.active
    ws.title = "扣分明细"
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    widths = [round(w * 0.62, 1) for w in LOST_WIDTHS]  # mm -> Excel's character units, roughly
    last_col = len(LOST_HEAD)

    # a style set once per workbook, then copied to every cell that has it:
    # setting a font, border or alignment looks it up among the workbook's
    # styles by hashing it, which cost more than writing the cells
    styled: dict[tuple, tuple] = {}

    def text(row: int, col: int, value: str, **style):
        cell = ws.cell(row=row, column=col, value=clean_xml_text(value))
        cell.data_type = "s"  # a unit name like =HYPERLINK(...) is shown, never run
        if style:
            key = tuple((k, id(v)) for k, v in style.items())
            made = styled.get(key)
            if made is None:
                for k, v in style.items():
                    setattr(cell, k, v)
                styled[key] = (cell._style, style)  # the style objects kept: their ids stay theirs
            else:
                cell._style = copy(made[0])
        return cell

    def merge_across(row: int) -> None:
        """Merge the row's cells across the width, its first cell holding the
        text and no border: what ``merge_cells`` does there (the other cells
        become merged cells), without giving each of them the first cell's
        default protection one by one, a look-up among the workbook's styles
        per cell that changes nothing in the file."""
        ws.merged_cells.add(MergedCellRange(ws, f"A{row}:{get_column_letter(last_col)}{row}"))
        for c in range(2, last_col + 1):
            ws._cells[row, c] = MergedCell(ws, row, c)

    def line(row: int, value: str, **style) -> None:
        """A sentence across the whole width."""
        text(row, 1, value, alignment=wrap, **style)
        merge_across(row)
        ws.row_dimensions[row].height = 15 * _lines(value, sum(widths))

    text(1, 1, title_of(sheet), font=Font(size=16, bold=True), alignment=Alignment(horizontal="center"))
    merge_across(1)
    ws.row_dimensions[1].height = 24
    line(2, f"单位：{sheet.unit}", font=Font(bold=True))
    line(3, f"考评类别：{sheet.class_name}（依据《{sheet.rules_title}》）")
    line(4, standing(sheet))
    r = 6
    for c, h in ((2, "一级指标"), (4, "分值"), (5, "得分")):
        text(r, c, h, font=Font(bold=True), border=box, alignment=centre)
    text(r, 3, "", border=box)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
    boxed: list = []  # the style merge_cells gives the covered cell of a boxed B:C merge

    for name, score, full in sheet.sections:
        r += 1
        text(r, 2, name, border=box, alignment=wrap)
        if not boxed:
            text(r, 3, "", border=box)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
            boxed.append(ws._cells[r, 3]._style)
        else:
            # the same merge again: the range, and the covered cell with the
            # border merge_cells gave the first one (looking each border up
            # among the workbook's styles again costs more than the row)
            ws.merged_cells.add(MergedCellRange(ws, f"B{r}:C{r}"))
            covered = ws._cells[r, 3] = MergedCell(ws, r, 3)
            covered._style = copy(boxed[0])
        text(r, 4, full, border=box, alignment=centre)
        text(r, 5, score, border=box, alignment=centre)
    r += 1
    for note in unit_notes(sheet):
        r += 1
        line(r, f"说明：{note}")
    for para in notice.feedback:
        r += 1
        line(r, para)
    r += 2
    head_row = r
    rows = lost_rows(sheet)
    if rows:
        for c, h in enumerate(LOST_HEAD, start=1):
            text(r, c, h, font=Font(bold=True), border=box, alignment=centre)
        for values in rows:
            r += 1
            for c, v in enumerate(values, start=1):
                text(r, c, v, border=box, alignment=centre if c in (1, 4, 5, 6) else wrap)
            ws.row_dimensions[r].height = 15 * max(_lines(v, widths[c]) for c, v in enumerate(values))
    else:
        line(r, NOTHING_LOST)
    line(r + 2, RETURN_LINE)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + c)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if rows:
        ws.print_title_rows = f"{head_row}:{head_row}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
