"""Reading a csv into a Grid whose row numbers are the csv's line numbers.

Encodings: UTF-8 with or without BOM; UTF-16 with BOM (Excel's "Unicode
text", tab-separated); GBK/GB18030 (what Excel on Chinese Windows writes as
"CSV") is detected when the file is not valid UTF-8.  Line endings may be
mixed.  Each record's row number is the line it starts on.
"""

from __future__ import annotations

import csv
import io

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


def read_csv_grid(path: str) -> Grid:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise fail(path, f"cannot read: {exc.strerror or exc}", "unreadable")
    if len(data) > MAX_CSV_BYTES:
        raise fail(path, f"larger than {MAX_CSV_BYTES // (1024 * 1024)} MB; refusing to read it", "too-large")
    text, _enc = decode(path, data)
    if "\x00" in text:
        raise fail(path, "contains NUL bytes: not a text csv file (an .xlsx renamed to .csv?)", "unreadable")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    grid = Grid(title="")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    prev = 0
    try:
        for record in reader:
            start = prev + 1
            prev = reader.line_num
            row = {}
            for c, value in enumerate(record, start=1):
                value = un_inert(value)
                if value != "":
                    row[c] = value
            if row:
                grid.cells[start] = row
    except csv.Error as exc:
        raise fail(path, f"line {reader.line_num}: malformed csv ({exc})", "unreadable")
    return grid
