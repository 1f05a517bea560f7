"""Many small Word documents from one template, fast.

python-docx builds a document cell by cell through its object model (a
ranking row or a lost-point row costs milliseconds) and opens its template
package for every new document.  A pack of hundreds of units would spend
minutes there.  Instead the layout is made once with python-docx: a template
document (page setup, styles, footers, font table) and prototype paragraphs
and table rows carrying every font and border.  Each unit's document is then
those prototypes copied with new texts, placed into the template's body, and
the package written with the template's other parts unchanged.
"""

from __future__ import annotations

import copy
import io
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

W_P, W_R, W_T, W_TR, W_TC, W_BR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tr"), qn("w:tc"), qn("w:br")
DOCUMENT = "word/document.xml"
FIXED_DATE = (2000, 1, 1, 0, 0, 0)  # zip member times: the same content gives the same file
MARK = "\ue000gkscore-body\ue000"


def set_text(run, text: str) -> None:
    """The run's text; each line break of ``text`` becomes a ``w:br``."""
    for child in list(run):
        if child.tag in (W_T, W_BR):
            run.remove(child)
    for i, line in enumerate(str(text).split("\n")):
        if i:
            run.append(OxmlElement("w:br"))
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = line
        run.append(t)


def clean(text: str) -> str:
    """Characters XML cannot hold become U+FFFD (never an unreadable file)."""
    from ..render.textsafe import clean_xml_text

    return clean_xml_text(text, None)


class Prototypes:
    """Paragraphs and table rows made once, copied for every document."""

    def __init__(self) -> None:
        self.paragraphs: dict[str, object] = {}
        self.tables: dict[str, tuple] = {}  # name -> (table element without rows, header tr, model tr)

    def keep_paragraph(self, name: str, paragraph) -> None:
        p = paragraph._p
        p.getparent().remove(p)
        self.paragraphs[name] = p

    def keep_table(self, name: str, table) -> None:
        """``table``: header row first, model row second (one run per cell)."""
        tbl = table._tbl
        tbl.getparent().remove(tbl)
        rows = list(tbl.iterchildren(W_TR))
        for tr in rows:
            tbl.remove(tr)
        self.tables[name] = (tbl, rows[0], rows[1])

    def paragraph(self, name: str, text: str = ""):
        p = copy.deepcopy(self.paragraphs[name])
        runs = list(p.iterchildren(W_R))
        if runs:
            set_text(runs[0], clean(text))
        return p

    def table(self, name: str, rows: list[list[str]]):
        tbl, header, model = self.tables[name]
        out = copy.deepcopy(tbl)
        out.append(copy.deepcopy(header))
        for texts in rows:
            tr = copy.deepcopy(model)
            for tc, text in zip(tr.iterchildren(W_TC), texts):
                run = tc.find(f"{W_P}/{W_R}")
                set_text(run, clean(text))
            out.append(tr)
        return out


class Template:
    """A python-docx document saved once; ``render`` puts new body content
    into it and returns the package bytes."""

    def __init__(self, doc) -> None:
        body = doc.element.body
        marker = OxmlElement("w:p")
        sect = body.find(qn("w:sectPr"))
        if sect is not None:
            sect.addprevious(marker)
        else:
            body.append(marker)
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = MARK
        r.append(t)
        marker.append(r)
        buf = io.BytesIO()
        doc.save(buf)
        self.parts: list[tuple[str, bytes]] = []
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
            for info in z.infolist():
                self.parts.append((info.filename, z.read(info.filename)))
        xml = dict(self.parts)[DOCUMENT].decode("utf-8")
        start = xml.rindex("<w:p>", 0, xml.index(MARK)) if "<w:p>" in xml else -1
        end = xml.index("</w:p>", xml.index(MARK)) + len("</w:p>")
        if start < 0:  # the marker paragraph as lxml wrote it (it has no attributes)
            raise AssertionError("template marker not found")
        self.head, self.tail = xml[:start].encode("utf-8"), xml[end:].encode("utf-8")

    def render(self, elements) -> bytes:
        body = b"".join(etree.tostring(e, encoding="utf-8") for e in elements)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for name, data in self.parts:
                info = zipfile.ZipInfo(name, FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, self.head + body + self.tail if name == DOCUMENT else data)
        return out.getvalue()
