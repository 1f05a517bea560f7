"""Many small Word documents from one template, fast.

python-docx builds a document cell by cell through its object model (a
ranking row or a lost-point row costs milliseconds) and opens its template
package for every new document.  A pack of hundreds of units would spend
minutes there.  Instead the layout is made once with python-docx: a template
document (page setup, styles, footers, font table, the table cells' paragraph
styles), prototype paragraphs carrying their fonts, and tables with their
borders, widths and header row.  Each unit's document is then those
paragraphs copied with new texts and those tables with rows written as XML
text (a style id and a text per cell: ``rows_xml``), placed into the
template's body, and the package written with the template's other parts
unchanged.  ``Splices`` puts such rows into a document python-docx saves (the
通报).
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
import zlib

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from ..render.textsafe import clean_xml_text

W_R, W_T, W_BR = qn("w:r"), qn("w:t"), qn("w:br")
DOCUMENT = "word/document.xml"
FIXED_DATE = (2000, 1, 1, 0, 0, 0)  # zip member times: the same content gives the same file
MARK = "\ue000gkscore-body\ue000"


XML_SPACE = qn("xml:space")


def set_text(run, text: str) -> None:
    """The run's text; each line break of ``text`` becomes a ``w:br``."""
    for child in list(run):
        if child.tag in (W_T, W_BR):
            run.remove(child)
    # children made in the run's own document (python-docx's element classes,
    # its namespace prefixes): far cheaper than parsing each from text
    add = etree.SubElement
    for i, line in enumerate(str(text).split("\n")):
        if i:
            add(run, W_BR)
        t = add(run, W_T)
        t.set(XML_SPACE, "preserve")
        t.text = line


def clean(text: str) -> str:
    """Characters XML cannot hold become U+FFFD (never an unreadable file)."""
    return clean_xml_text(text, None)


class Prototypes:
    """Paragraphs and table rows made once, copied for every document."""

    def __init__(self) -> None:
        self.paragraphs: dict[str, object] = {}
        self.tables: dict[str, tuple] = {}  # name -> (XML up to the end of the header row, the rest, column styles)

    def keep_paragraph(self, name: str, paragraph) -> None:
        p = paragraph._p
        p.getparent().remove(p)
        self.paragraphs[name] = p

    def keep_table(self, name: str, table, styles: list[str]) -> None:
        """``table``: its properties, grid and header row; ``styles``: the
        paragraph style of each column's cells (``rows_xml``)."""
        tbl = table._tbl
        tbl.getparent().remove(tbl)
        xml = etree.tostring(tbl, encoding="utf-8")
        end = xml.rindex(b"</w:tbl>")
        self.tables[name] = (xml[:end], xml[end:], styles)

    def paragraph(self, name: str, text: str = ""):
        p = copy.deepcopy(self.paragraphs[name])
        runs = list(p.iterchildren(W_R))
        if runs:
            set_text(runs[0], clean(text))
        return p

    def table(self, name: str, rows: list[list[str]]) -> bytes:
        """The table with ``rows`` after its header, as XML (``Template.render`` takes it)."""
        head, tail, styles = self.tables[name]
        return head + rows_xml(rows, styles, preserve=True).encode("utf-8") + tail


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
        # the other parts (styles alone are 800 kB) are the same in every
        # document: deflated once, not once per unit
        self.records = {name: Record(name, data) for name, data in self.parts if name != DOCUMENT}

    def render(self, elements) -> bytes:
        """``elements``: body elements, or body XML as bytes."""
        body = b"".join(e if isinstance(e, bytes) else etree.tostring(e, encoding="utf-8") for e in elements)
        return package(
            [Record(name, self.head + body + self.tail) if name == DOCUMENT else self.records[name] for name, _data in self.parts]
        )


class Splices:
    """Body XML kept as text until the document is saved: the rows of a long
    table made as one string are far cheaper than as elements, which lxml
    would copy one by one and serialise again.  Each stands in the tree as a
    comment (user text is escaped there, so no text can pose as one) and is
    put in its place when the document part is written."""

    _MARK = re.compile(rb"<!--gkscore-splice-(\d+)-->")

    def __init__(self) -> None:
        self.xml: list[bytes] = []

    def add(self, parent, xml: str) -> None:
        """``xml`` (well-formed, its texts escaped) as ``parent``'s last children."""
        parent.append(etree.Comment(f"gkscore-splice-{len(self.xml)}"))
        self.xml.append(xml.encode("utf-8"))

    def save(self, doc) -> bytes:
        """The package of ``doc`` (python-docx's writer) with the document part's spliced XML."""
        from docx.opc.oxml import serialize_part_xml
        from docx.opc.pkgwriter import PackageWriter

        main = doc.part
        package = main.package
        for part in package.parts:
            part.before_marshal()
        pieces = self._MARK.split(serialize_part_xml(main.element))
        # split gives text, index, text, index, ...: each index is the splice's
        pieces[1::2] = [self.xml[int(i)] for i in pieces[1::2]]
        blob = b"".join(pieces)
        out = io.BytesIO()
        PackageWriter.write(out, package.rels, [_WithBlob(p, blob) if p is main else p for p in package.parts])
        return out.getvalue()


class _WithBlob:
    """A part as the package writer sees it, with other bytes."""

    def __init__(self, part, blob: bytes) -> None:
        self._part, self.blob = part, blob

    def __getattr__(self, name):
        return getattr(self._part, name)


def rows_xml(rows: list[list[str]], styles: list[str], *, preserve: bool = False) -> str:
    """Table rows as WordprocessingML: each row kept whole on a page, each
    cell one paragraph of its column's style (the style carries the fonts,
    size, alignment and spacing) holding the cell's text.  The cells name no
    width: in a fixed layout the columns are the table grid's and the first
    row's (the header's), and a cell that names no width asks for none.
    ``preserve``: keep the texts' leading and trailing spaces."""
    k = len(styles)
    if any(len(r) != k for r in rows):
        raise ValueError(f"every row needs {k} cells")
    t_open = '<w:t xml:space="preserve">' if preserve else "<w:t>"
    cell = '<w:tc><w:p><w:pPr><w:pStyle w:val="{}"/></w:pPr><w:r>' + t_open + "{{}}</w:t></w:r></w:p></w:tc>"
    row = "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cell.format(style) for style in styles) + "</w:tr>"
    texts = run_texts([text for r in rows for text in r], t_open=t_open)
    return "".join(map(row.format, *(texts[i::k] for i in range(k))))


_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_SEPARATOR = "\ufdd0"  # a noncharacter: a text holding it takes the slow way


def run_texts(texts: list[str], *, t_open: str = "<w:t>") -> list[str]:
    """Each text cleaned (``clean``) and escaped for a ``w:t``, a line break
    closing the ``w:t`` for a ``w:br`` and opening the next (``t_open``):
    what ``set_text`` makes, as XML text.  Done on all the texts at once,
    joined."""
    if not texts:
        return []
    joined = _SEPARATOR.join(map(str, texts))
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a text holds the separator
        return [_run_text(str(t), t_open) for t in texts]
    return _run_text(joined, t_open).split(_SEPARATOR)


def _run_text(text: str, t_open: str) -> str:
    text = clean(text)
    for char, escaped in _ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    if "\n" in text:
        text = text.replace("\n", "</w:t><w:br/>" + t_open)
    return text


class Record:
    """One member of a package as ``zipfile`` writes it (deflated, the
    fixed time, no extra field): its ZipInfo and its local header and bytes."""

    __slots__ = ("info", "local")

    def __init__(self, name: str, data: bytes) -> None:
        info = self.info = zipfile.ZipInfo(name, FIXED_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16  # what ZipFile.writestr gives a member without one
        deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        packed = deflate.compress(data) + deflate.flush()
        info.file_size, info.compress_size, info.CRC = len(data), len(packed), zlib.crc32(data)
        self.local = info.FileHeader(False) + packed


def package(records: list[Record]) -> bytes:
    """The zip archive of ``records`` in order: byte for byte what
    ``zipfile.ZipFile`` writes for the same members (a test holds it to
    that), from members deflated beforehand."""
    out = bytearray()
    central = bytearray()
    for r in records:
        info = r.info
        offset = len(out)
        out += r.local
        y, mo, d, h, mi, sec = info.date_time
        name = info.filename.encode("ascii") if info.filename.isascii() else info.filename.encode("utf-8")
        flags = info.flag_bits if info.filename.isascii() else info.flag_bits | 0x800
        central += struct.pack(
            zipfile.structCentralDir, zipfile.stringCentralDir, info.create_version, info.create_system, info.extract_version,
            info.reserved, flags, info.compress_type, h << 11 | mi << 5 | sec // 2, (y - 1980) << 9 | mo << 5 | d,
            info.CRC, info.compress_size, info.file_size, len(name), 0, 0, 0, info.internal_attr, info.external_attr, offset,
        ) + name
    end = struct.pack(zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, len(records), len(records), len(central), len(out), 0)
    return bytes(out + central + end)
