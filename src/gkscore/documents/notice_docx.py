"""The 通报 as a Word document: 版头, title, 主送, opening, one section per rank
group (a sentence, the ranking table, the ranking chart), closing, 署名 and
成文日期, laid out by GB/T 9704-2012 (see ``docx_style``).

A ranking table's layout is defined once: borders, cell margins and column
widths on the table, fonts, sizes, alignment and spacing in the paragraph
styles of its cells (``docx_style.table_styles``).  Its rows are then only
texts with a style id, written as one string of XML and spliced into the
document when it is saved (``docx_package.Splices``): a ranking of 100,000
units costs about what the same texts cost without any layout.
"""

from __future__ import annotations

import io
from typing import Callable

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import docx_style as st
from .docx_package import Splices, rows_xml
from .notice import Notice
from .textfit import CELL_MARGIN_MM, PADDING_MM, column_widths, text_mm
from .view import GroupTable

CHINESE_NUMBERS = "一二三四五六七八九十"
INCOMPLETE_NOTE = "注：标“未完成”的单位尚有观测值未填写，所列得分为暂计，不参加排名。"
MISSING_NOTE = "注：标“未完成”且未列得分的单位未提交观测值，未评分，不参加排名。"
TIE_NOTE = "注：总分相同的单位名次并列，按考评对象名单顺序排列。"


def chinese_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 23 -> 二十三 (heading numbers)."""
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CHINESE_NUMBERS[tens - 1]}十{CHINESE_NUMBERS[ones - 1] if ones else ''}"


def table_head(table: GroupTable) -> list[str]:
    sections = [f"{s}\n（{table.section_max[s]}分）" if s in table.section_max else s for s in table.sections]
    return ["排名", "单位", *sections, "加分", "扣分", "总分", "等次"]


def table_cells(row) -> list[str]:
    return [row.rank_text, row.unit, *row.sections, row.bonus, row.penalty, row.total, row.grade]


def new_document(*, landscape: bool = False):
    doc = Document()
    st.document_defaults(doc)
    section = doc.sections[0]
    st.page_setup(section, landscape=landscape)
    st.page_numbers(doc, section)
    # the template's empty first paragraph would push the 版头 down a line
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def _header(doc, notice: Notice) -> None:
    """版头: the issuer's mark in red 小标宋, the document number, a red rule."""
    st.paragraph(doc, notice.issuer or "", role="title", size=30, align=WD_ALIGN_PARAGRAPH.CENTER, color=st.RED)
    st.paragraph(doc)
    p = st.paragraph(doc, notice.number or "", align=WD_ALIGN_PARAGRAPH.CENTER)
    st.bottom_rule(p)
    st.paragraph(doc)


def title_lines(title: str, per_line: int = 19) -> list[str]:
    """A title too long for one line, cut near the middle into lines of
    nearly equal length (GB/T 9704: 梯形或菱形), never inside a number
    and never before a punctuation mark."""
    if text_width_chars(title) <= per_line:
        return [title]
    parts = int(-(-text_width_chars(title) // per_line))
    out, rest = [], title
    for k in range(parts, 1, -1):
        target = text_width_chars(rest) / k
        best, best_gap = None, None
        width = 0.0
        for i, ch in enumerate(rest[:-1]):
            width += 0.5 if ch.isascii() else 1
            nxt = rest[i + 1]
            if (ch.isdigit() and nxt.isdigit()) or nxt in "，。、；：）》”’,.)" or ch in "（《“‘(":
                continue
            gap = abs(width - target)
            if best_gap is None or gap < best_gap:
                best, best_gap = i + 1, gap
        if best is None:
            break
        out.append(rest[:best])
        rest = rest[best:]
    return out + [rest]


def text_width_chars(text: str) -> float:
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def _title(doc, notice: Notice) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, line in enumerate(title_lines(notice.title)):
        run = p.add_run(line)
        st.set_run_font(run, "title", st.TITLE_PT)
        if i:
            run._r.addprevious(_line_break(run))
    st.exact_lines(p, 35)
    st.paragraph(doc)


def _line_break(run):
    r = OxmlElement("w:r")
    r.append(st.clone(run._r.find(qn("w:rPr"))))
    r.append(OxmlElement("w:br"))
    return r


def body_paragraph(doc, text: str):
    p = st.paragraph(doc, text, first_line_chars=2)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


def group_sentence(table: GroupTable) -> str:
    ranked = table.ranked
    grades: dict[str, int] = {}
    for r in ranked:
        if r.grade:
            grades[r.grade] = grades.get(r.grade, 0) + 1
    text = f"依据《{table.rules_title}》，{table.name}共 {len(table.rows)} 个单位参加考评"
    if grades:
        text += "，其中" + "、".join(f"{g} {n} 个" for g, n in grades.items())
    missing = len(table.rows) - len(ranked)
    if missing:
        text += f"；另有 {missing} 个单位评分未完成，不参加排名"
    return text + "。"


def ranking_table(doc, table: GroupTable, splices: Splices) -> None:
    head = table_head(table)
    cells = [table_cells(r) for r in table.rows]
    widths = column_widths(head, cells, total_mm=st.TYPE_WIDTH_MM, text_pt=st.TABLE_PT, wide=1)
    names_need = max((text_mm(c[1], st.TABLE_PT) for c in cells[:2000]), default=0) + PADDING_MM
    if any(r.tied for r in table.rows) and widths[1] < names_need:
        # names would wrap: the 并列 mark goes under the rank instead
        for c in cells:
            c[0] = c[0].replace("（", "\n（")
        widths = column_widths(head, cells, total_mm=st.TYPE_WIDTH_MM, text_pt=st.TABLE_PT, wide=1)
    t = doc.add_table(rows=1, cols=len(head))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    st.table_borders(t)
    st.cell_margins(t, CELL_MARGIN_MM)
    st.fixed_widths(t, widths)
    header = t.rows[0]
    st.repeat_header(header)
    st.keep_row_together(header)
    st.cell_widths(header, widths)
    for cell, text in zip(header.cells, head):
        for i, line in enumerate(text.split("\n")):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p._p.style = st.TABLE_HEAD  # the style id (python-docx's by-name lookup scans every style)
            p.add_run(line)
    if cells:
        splices.add(t._tbl, body_rows(cells))


def body_rows(cells: list[list[str]]) -> str:
    """The rows of a ranking table as XML: the unit's name left, the rest
    centred (``docx_package.rows_xml``)."""
    k = len(cells[0]) if cells else 0
    return rows_xml(cells, [st.TABLE_LEFT if i == 1 else st.TABLE_BODY for i in range(k)])


def _picture(doc, png: bytes, caption: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    st.off_grid(p)
    p.paragraph_format.line_spacing = 1.0
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(png), width=Mm(st.TYPE_WIDTH_MM))
    c = st.paragraph(doc, caption, role="heading", size=st.TABLE_PT + 1.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    st.off_grid(c)


def _caption(doc, text: str) -> None:
    p = st.paragraph(doc, text, role="heading", size=st.TABLE_PT + 1.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.keep_with_next = True


def _signature(doc, notice: Notice) -> None:
    """署名 centred over the 成文日期, the date four characters in from the right."""
    # kept on one page with the last lines of the closing text
    for p in doc.paragraphs[-1:]:
        p.paragraph_format.keep_with_next = True
    for _ in range(2):
        st.paragraph(doc).paragraph_format.keep_with_next = True
    right = 4 * st.BODY_PT
    if notice.signature:
        shift = (text_width_chars(notice.date) - text_width_chars(notice.signature)) / 2 * st.BODY_PT
        p = st.paragraph(doc, notice.signature, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(max(right + shift, 0))
        p.paragraph_format.keep_with_next = True
    p = st.paragraph(doc, notice.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    p.paragraph_format.right_indent = Pt(right)


def _note(doc, text: str) -> None:
    p = st.paragraph(doc, text, size=st.TABLE_PT + 1.5)
    st.off_grid(p)
    p.paragraph_format.line_spacing = 1.2


def notice_docx(notice: Notice, tables: list[GroupTable], charts: Callable[[GroupTable], list[tuple[str, bytes]]] | None) -> bytes:
    """The whole 通报 as a docx file; ``charts(table)`` gives the pictures of
    a group ((caption, png) pairs), None for none."""
    doc = new_document()
    st.table_styles(doc)
    splices = Splices()
    if notice.header:
        _header(doc, notice)
    _title(doc, notice)
    if notice.addressee:
        st.paragraph(doc, notice.addressee)
    for text in notice.opening:
        body_paragraph(doc, text)
    figure = 0
    for n, table in enumerate(tables, start=1):
        h = st.paragraph(doc, f"{chinese_number(n)}、{table.name}考评结果", role="heading", first_line_chars=2)
        h.paragraph_format.keep_with_next = True
        body_paragraph(doc, group_sentence(table))
        _caption(doc, f"表{n}  {table.name}考评结果排名")
        ranking_table(doc, table, splices)
        notes = []
        if any(r.tied for r in table.rows):
            notes.append(TIE_NOTE)
        if any(not r.complete and not r.missing for r in table.rows):
            notes.append(INCOMPLETE_NOTE)
        # which veto applied to whom, and why
        notes += [f"注：{r.unit}单项否决——{r.veto}" for r in table.rows if r.veto]
        if any(r.missing for r in table.rows):
            notes.append(MISSING_NOTE)
        for text in notes:
            _note(doc, text)
        for caption, png in charts(table) if charts is not None else ():
            figure += 1
            _picture(doc, png, f"图{figure}  {caption}")
    for text in notice.closing:
        body_paragraph(doc, text)
    if notice.signature or notice.date:
        _signature(doc, notice)
    return splices.save(doc)
