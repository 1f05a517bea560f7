"""Reading a csv as a table of records whose row numbers are line numbers.

Encodings: UTF-8 with or without BOM; UTF-16 with BOM (Excel's "Unicode
text", tab-separated); GBK/GB18030 (what Excel on Chinese Windows writes as
"CSV") is detected when the file is not valid UTF-8.  Line endings may be
mixed.  Each record's row number is the line it starts on.  The whole file
is read once before any record is (``_sniff``): a file holding a NUL byte
is refused before it gives a row, and so is one that is not text in its
encoding, but for UTF-8 past the point where the encoding is certain
(``SURE_UTF8``): there the reading decodes it anyway and refuses it at the
first byte that is not UTF-8, with that byte's position.
"""

from __future__ import annotations

import codecs
import csv
import io
import os

from ..i18n import _
from ..progress import open_counted
from .files import fail
from .layout import un_inert

MAX_CSV_BYTES = 256 * 1024 * 1024


CHUNK = 1024 * 1024
# an encoding as a person knows it (the byte-order mark is not a different one)
_SHOWN = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16"}
# UTF-8 is certain once this many bytes of multi-byte characters decoded
# (a byte-order mark makes it certain at once): GBK text that is also valid
# UTF-8 that long does not occur, so the rest of the file is not decoded
# twice (once here, once as it is read; a tenth of reading a large file)
SURE_UTF8 = 4096


class CsvTable:
    """A csv file as a table whose records are read on demand, one at a
    time: nothing but the current record is held in memory, however large
    the file.  ``records()`` may be called again (it reads the file again)."""

    first_col = 1
    flagged: dict = {}  # a csv cell holds no formula: text is text
    merged: list = []

    def __init__(self, path: str, encoding: str, delimiter: str, quoted: bool = True) -> None:
        self.file, self.title = path, None
        self.encoding, self.delimiter = encoding, delimiter
        # False: ``_sniff`` found no byte 0x27 in the file, so no cell starts
        # with the quote ``inert_csv`` adds and no record needs looking at
        # for one (in UTF-8, GBK/GB18030 and UTF-16 alike an apostrophe holds
        # that byte, and in the first two nothing else does)
        self.quoted = quoted

    def records(self):
        """(line, cells) per record with at least one non-empty cell; the
        cells are texts, "" for an empty one, the quote ``inert_csv`` put
        before a formula-like text removed."""
        path = self.file
        csv.field_size_limit(MAX_CSV_BYTES)  # one huge field is a value to report, not a broken file
        with open_counted(path) as raw:  # a shown progress bar moves as the file is read
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            reader = csv.reader(text, delimiter=self.delimiter)
            prev = 0
            try:
                if not self.quoted:
                    for record in reader:
                        start = prev + 1
                        prev = reader.line_num
                        # the unit's cell first: usually filled, so any() is rarely needed
                        if record and (record[0] or any(record)):
                            yield start, record
                    return
                for record in reader:
                    start = prev + 1
                    prev = reader.line_num
                    joined = "\0".join(record)
                    if joined[:1] == "'" or "\0'" in joined:
                        record = [un_inert(v) if v and v[0] == "'" else v for v in record]
                    if any(record):
                        yield start, record
            except csv.Error as exc:
                raise fail(path, _("line {line}: not well-formed csv ({reason}); save it again as CSV UTF-8").format(line=reader.line_num, reason=exc), "unreadable")
            except UnicodeDecodeError:
                # past the point ``_sniff`` decoded to: where exactly (the
                # text wrapper decodes ahead of the line being read)
                raise _not_text(path, self.encoding) from None
            except OSError as exc:
                raise fail(path, _("cannot read line {line}: {reason}").format(line=reader.line_num + 1, reason=exc), "unreadable")

    def release(self) -> None:
        pass


def _sniff(path: str) -> tuple[str, str, bool]:
    """(encoding, delimiter, whether any byte is an apostrophe), reading the
    file once in chunks: the whole file must decode, and hold no NUL."""
    try:
        size = os.path.getsize(path)
        fh = open(path, "rb")
    except OSError as exc:
        raise fail(path, _("cannot read the file: {reason}").format(reason=exc.strerror or exc), "unreadable")
    with fh:
        if size > MAX_CSV_BYTES:
            raise fail(path, _("larger than {mb} MB, which is refused; split it into several files (they merge)").format(mb=MAX_CSV_BYTES // (1024 * 1024)), "too-large")
        head = fh.read(4)
        if head.startswith(b"\xef\xbb\xbf"):
            candidates = ["utf-8-sig"]
        elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
            candidates = ["utf-16"]
        else:
            candidates = ["utf-8", "gb18030"]
        for enc in candidates:
            fh.seek(0)
            dec = codecs.getincrementaldecoder(enc)()
            first_text = ""
            first = None
            nul = quoted = False
            # in UTF-8 and GB18030 a zero byte is NUL and nothing else: the
            # bytes are searched, faster than the text
            nul_in_text = enc == "utf-16"
            # bytes of multi-byte characters still to decode before UTF-8 is
            # certain (None: decode it all)
            unsure = (0 if enc == "utf-8-sig" else SURE_UTF8) if enc.startswith("utf-8") else None
            try:
                while True:
                    chunk = fh.read(CHUNK)
                    final = not chunk
                    if unsure is not None and unsure <= 0 and first is not None:
                        text = ""  # certain: the reading decodes the rest
                    else:
                        text = dec.decode(chunk, final)
                        if unsure is not None:
                            unsure -= len(chunk) - len(text)
                    if ("\x00" in text) if nul_in_text else (b"\x00" in chunk):
                        nul = True
                    if not quoted and b"'" in chunk:
                        quoted = True
                    if first is None:
                        first_text += text
                        lines = first_text.splitlines(keepends=True)
                        for ln in lines if final else lines[:-1]:
                            if ln.strip():
                                first = ln.splitlines()[0]
                                break
                        else:
                            if final:
                                first = ""
                        if first is not None:
                            first_text = ""
                    if final:
                        break
            except UnicodeDecodeError:
                if enc == "utf-8":
                    continue  # try GBK
                raise _not_text(path, enc) from None
            if nul:
                raise fail(path, _("contains NUL bytes: not a text csv file (an .xlsx renamed to .csv?)"), "unreadable")
            first = first or ""
            return enc, ("\t" if first.count("\t") > first.count(",") else ","), quoted
    raise AssertionError("unreachable")  # pragma: no cover


def _not_text(path: str, encoding: str):
    """The Problem of a file that stops being ``encoding`` text somewhere:
    the first byte that is not, found by decoding the file again."""
    with open(path, "rb") as fh:
        # a byte-order mark is skipped by hand, so that the decoder's
        # offsets count from a known byte
        at = 3 if encoding == "utf-8-sig" and fh.read(3) == b"\xef\xbb\xbf" else 0
        fh.seek(at)
        dec = codecs.getincrementaldecoder("utf-8" if encoding == "utf-8-sig" else encoding)()
        while True:
            chunk = fh.read(CHUNK)
            # the bytes of a character the chunk before cut in two, which
            # the decoder's offsets count
            held = len(dec.getstate()[0])
            try:
                dec.decode(chunk, not chunk)
            except UnicodeDecodeError as exc:
                byte = at - held + exc.start
                if encoding == "gb18030":  # tried after UTF-8 failed: the file is neither
                    return fail(path, _("neither UTF-8 nor GBK text (byte {byte}); save it as CSV UTF-8").format(byte=byte), "bad-encoding")
                return fail(path, _("not valid {encoding} text at byte {byte}; save it again as CSV UTF-8").format(encoding=_SHOWN.get(encoding, encoding), byte=byte), "bad-encoding")
            if not chunk:
                break
            at += len(chunk)
    return fail(path, _("cannot read the file: {reason}").format(reason="UnicodeDecodeError"), "unreadable")  # pragma: no cover


def read_csv(path: str) -> CsvTable:
    enc, delimiter, quoted = _sniff(path)
    return CsvTable(path, enc, delimiter, quoted)
