"""Reading a csv into a Grid whose row numbers are the csv's line numbers.

Encodings: UTF-8 with or without BOM; UTF-16 with BOM (Excel's "Unicode
text", tab-separated); GBK/GB18030 (what Excel on Chinese Windows writes as
"CSV") is detected when the file is not valid UTF-8.  Line endings may be
mixed.  Each record's row number is the line it starts on.
"""

from __future__ import annotations

import codecs
import csv
import io
import os

from .grid import Grid, fail
from .layout import un_inert

MAX_CSV_BYTES = 256 * 1024 * 1024


def decode(path: str, data: bytes) -> tuple[str, str]:
    """(text, encoding name) or a one-line Problem (exit 2)."""
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    else:
        enc = None
    if enc is not None:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            raise fail(path, f"not valid {enc} text at byte {exc.start}; save it again as CSV UTF-8", "bad-encoding")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise fail(path, f"neither UTF-8 nor GBK text (byte {exc.start}); save it as CSV UTF-8", "bad-encoding")


CHUNK = 1024 * 1024


class CsvGrid(Grid):
    """A csv file as a Grid whose rows are read on demand, one record at a
    time: nothing but the current record is held in memory, however large the
    file.  ``rows()`` may be called again (it reads the file again)."""

    def __init__(self, path: str, encoding: str, delimiter: str) -> None:
        super().__init__(title="")
        self.path, self.encoding, self.delimiter = path, encoding, delimiter

    def rows(self):
        """(line, {column: text}) per record with a non-empty cell: the
        records as the generic Grid interface has them."""
        for start, record in self._records():
            row = {c: value for c, value in enumerate(record, 1) if value}
            if row:
                yield start, row

    def records(self):
        """(line, cells) per record with at least one non-empty cell, as a
        list (column c at index c - 1; an empty string for an empty cell).
        The long layout's reader (extract.iter_grid) uses it: no dict per
        record."""
        return self._records()

    def _records(self):
        path = self.path
        with open(path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            reader = csv.reader(text, delimiter=self.delimiter)
            prev = 0
            try:
                for record in reader:
                    start = prev + 1
                    prev = reader.line_num
                    joined = "\0".join(record)
                    if joined[:1] == "'" or "\0'" in joined:
                        record = [un_inert(v) if v and v[0] == "'" else v for v in record]
                    if any(record):
                        yield start, record
            except csv.Error as exc:
                raise fail(path, f"line {reader.line_num}: malformed csv ({exc})", "unreadable")


def _sniff(path: str) -> tuple[str, str]:
    """(encoding, delimiter), reading the file once in chunks: the whole file
    must decode, and hold no NUL."""
    try:
        size = os.path.getsize(path)
        fh = open(path, "rb")
    except OSError as exc:
        raise fail(path, f"cannot read: {exc.strerror or exc}", "unreadable")
    with fh:
        if size > MAX_CSV_BYTES:
            raise fail(path, f"larger than {MAX_CSV_BYTES // (1024 * 1024)} MB; refusing to read it", "too-large")
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
            offset = 0
            first_text = ""
            first = None
            nul = False
            try:
                while True:
                    chunk = fh.read(CHUNK)
                    final = not chunk
                    text = dec.decode(chunk, final)
                    offset += len(chunk)
                    if "\x00" in text:
                        nul = True
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
                # rare: read it whole for the exact message (byte position)
                fh.seek(0)
                decode(path, fh.read())
                raise AssertionError("unreachable")  # pragma: no cover
            if nul:
                raise fail(path, "contains NUL bytes: not a text csv file (an .xlsx renamed to .csv?)", "unreadable")
            first = first or ""
            return enc, ("\t" if first.count("\t") > first.count(",") else ",")
    raise AssertionError("unreachable")  # pragma: no cover


def read_csv_grid(path: str) -> Grid:
    enc, delimiter = _sniff(path)
    return CsvGrid(path, enc, delimiter)
