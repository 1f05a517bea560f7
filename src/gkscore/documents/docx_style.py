"""Word layout by GB/T 9704-2012 (党政机关公文格式), as python-docx calls.

The figures of the standard, where they apply to a notice's body and tables:
A4 paper; type area 156 mm × 225 mm with the top margin 37 mm and the binding
(left) margin 28 mm, so right 26 mm and bottom 35 mm; body text 3号仿宋
(16 pt), 22 lines a page and 28 characters a line (Word's document grid:
line pitch 225 mm / 22 = 28.95 pt, character pitch 156 mm / 28); title
2号小标宋 (22 pt); first-level headings 黑体, second-level 楷体; page numbers
4号 (14 pt) half-width 宋体 digits between em dashes ("— 1 —"), their lower
edge 7 mm below the type area, odd pages at the right and even pages at the
left, one character in from the edge.

python-docx's pitfalls handled here: a run's ``font.name`` sets only the
Latin font, so the East Asian font (``w:eastAsia``) is set too; table borders
and the header row repeated on every page (``w:tblHeader``) have no API and
are written as XML.
"""

from __future__ import annotations

import copy

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .fonts import ROLES

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 10.5  # 五号: a ranking table has up to a dozen columns in 156 mm
LINE_PITCH_PT = 28.95  # 225 mm / 22 lines
CHAR_PITCH_PT = 156 / 28 / 25.4 * 72  # 15.79 pt: 28 characters in 156 mm
CONDENSE_TWIPS = -5  # 16 pt characters 0.25 pt closer: 28 of them fit in 156 mm
TYPE_WIDTH_MM = 156
TYPE_HEIGHT_MM = 225
RED = "FF0000"


def set_run_font(run, role: str, size_pt: float | None = None, *, bold: bool | None = None, color: str | None = None) -> None:
    """Name the role's font for Latin and East Asian text alike."""
    name = ROLES[role].name
    set_font_name(run, name)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        from docx.shared import RGBColor

        run.font.color.rgb = RGBColor.from_string(color)


def set_font_name(run_or_style, name: str) -> None:
    """Latin, East Asian and complex-script font of a run or a style."""
    run_or_style.font.name = name
    fonts = run_or_style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def page_setup(section, *, landscape: bool = False) -> None:
    """A4, GB/T 9704 margins (portrait), or the same margins turned (landscape:
    a per-unit form whose table needs the width)."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(37), Mm(297 - 37 - TYPE_HEIGHT_MM)
    section.left_margin, section.right_margin = Mm(28), Mm(210 - 28 - TYPE_WIDTH_MM)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    # page number's lower edge 7 mm below the type area
    section.footer_distance = section.bottom_margin - Mm(7)
    section.header_distance = Mm(15)
    _document_grid(section)


def _document_grid(section) -> None:
    """Word's line grid: 22 lines a page.  The 28 characters a line come from
    the body style's character spacing (``CONDENSE_TWIPS``), not from a
    character grid: LibreOffice gives a 16 pt character two cells of a
    15.79 pt grid, which would halve the line."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))


def document_defaults(doc) -> None:
    """3号仿宋, Chinese, no space between paragraphs, fixed 28.95 pt lines, in
    the document defaults (Word and LibreOffice measure the character grid
    from them) and the Normal style; font table entries that tell Word/WPS
    which fonts to try when a named one is missing."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for child in list(rpr):
        rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), ROLES["body"].name)
    rpr.append(fonts)
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(BODY_PT * 2))
        rpr.append(el)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        for attr in list(spacing.attrib):
            del spacing.attrib[attr]
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    normal = doc.styles["Normal"]
    set_font_name(normal, ROLES["body"].name)
    normal.font.size = Pt(BODY_PT)
    condense = OxmlElement("w:spacing")
    condense.set(qn("w:val"), str(CONDENSE_TWIPS))
    normal.element.get_or_add_rPr().append(condense)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PITCH_PT)
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = False
    _font_table(doc)


def _font_table(doc) -> None:
    """Each named font in the font table with its alternatives (``altName``),
    the GB2312 character set and its family, which Word and WPS use to pick a
    substitute on a machine that lacks it."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = next((rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for role in ROLES.values():
        if role.name in have:
            continue
        have.add(role.name)
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), role.name)
        for tag, value in (("w:altName", ",".join(role.alternatives)), ("w:charset", "86"), ("w:family", role.family), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def paragraph(doc_or_cell, text: str = "", *, role: str = "body", size: float = BODY_PT, align=None, first_line_chars: float = 0, bold: bool | None = None, color: str | None = None, space_after_pt: float | None = None):
    p = doc_or_cell.add_paragraph()
    if text:
        set_run_font(p.add_run(text), role, size, bold=bold, color=color)
    if align is not None:
        p.alignment = align
    if first_line_chars:
        p.paragraph_format.first_line_indent = Pt(size * first_line_chars)
    if space_after_pt is not None:
        p.paragraph_format.space_after = Pt(space_after_pt)
    return p


def exact_lines(p, pt: float) -> None:
    pf = p.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(pt)


def off_grid(p) -> None:
    """Table text keeps its own line height instead of snapping to the body's
    28.95 pt grid lines."""
    ppr = p._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.insert(0, snap)


def bottom_rule(p, color: str = RED, size_eighths: int = 12) -> None:
    """A line under the paragraph (the red separator below the 版头)."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    ppr.append(borders)


def page_numbers(doc, section) -> None:
    """"— N —" in 4号宋体: odd pages right, even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(footer, align) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    indent = Pt(PAGE_NUMBER_PT)  # 空一字
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        pf.right_indent = indent
    else:
        pf.left_indent = indent
    set_run_font(p.add_run("— "), "page", PAGE_NUMBER_PT)
    _field(p, "PAGE")
    set_run_font(p.add_run(" —"), "page", PAGE_NUMBER_PT)


def _field(p, instruction: str) -> None:
    """A Word field (PAGE) as begin / instruction / separate / result / end runs."""
    def run_with(child):
        r = p.add_run()
        set_run_font(r, "page", PAGE_NUMBER_PT)
        r._r.append(child)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    r = p.add_run("1")
    set_run_font(r, "page", PAGE_NUMBER_PT)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# ------------------------------------------------------------ tables


def table_borders(table, size_eighths: int = 4) -> None:
    """Single black lines around and between every cell."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size_eighths))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def cell_margins(table, side_mm: float) -> None:
    """Left and right cell margins of the whole table (Word's default is 1.9 mm)."""
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(side_mm / 25.4 * 1440)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def fixed_widths(table, widths_mm: list[float]) -> None:
    """Fixed layout: columns keep these widths in Word, WPS and LibreOffice."""
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(round(sum(widths_mm) / 25.4 * 1440)))
    width.set(qn("w:type"), "dxa")
    old = tbl_pr.find(qn("w:tblW"))
    if old is not None:
        tbl_pr.remove(old)
    tbl_pr.append(width)
    grid = tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(round(w / 25.4 * 1440)))


def repeat_header(row) -> None:
    """The row is repeated at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def keep_row_together(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def cell_widths(row, widths_mm: list[float]) -> None:
    for tc, w in zip(row._tr.tc_lst, widths_mm):
        tc_pr = tc.get_or_add_tcPr()
        el = tc_pr.find(qn("w:tcW"))
        if el is None:
            el = OxmlElement("w:tcW")
            tc_pr.insert(0, el)
        el.set(qn("w:w"), str(round(w / 25.4 * 1440)))
        el.set(qn("w:type"), "dxa")


# paragraph styles of table cells (styleId, name Word shows, font role, alignment)
TABLE_BODY, TABLE_LEFT, TABLE_HEAD = "gkTableBody", "gkTableLeft", "gkTableHead"
_TABLE_STYLES = (
    (TABLE_BODY, "表格正文", "body", "center"),
    (TABLE_LEFT, "表格文字", "body", "left"),
    (TABLE_HEAD, "表格标题", "heading", "center"),
)


def table_styles(doc, size_pt: float = TABLE_PT, space_pt: float = 1.5) -> None:
    """The cells' layout as paragraph styles, defined once in styles.xml so
    that a row of thousands carries only a style id per cell: based on
    Normal (its condensed characters), the role's font for Latin and East
    Asian text, the size, the alignment, single lines off the body's grid,
    ``space_pt`` above and below.  Written as XML: python-docx's
    ``add_style`` looks through every style of the template for each one it
    adds."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    normal = doc.styles["Normal"].style_id
    root = doc.styles.element
    space = round(space_pt * 20)
    for style_id, name, role, align in _TABLE_STYLES:
        font = ROLES[role].name
        root.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:basedOn w:val="{normal}"/>'
            f'<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto" w:before="{space}" w:after="{space}"/><w:jc w:val="{align}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/><w:sz w:val="{round(size_pt * 2)}"/></w:rPr>'
            "</w:style>"
        ))


def clone(element):
    return copy.deepcopy(element)
