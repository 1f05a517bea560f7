"""One cell-grid interface for every reader, and what kind of file we were given.

A ``Grid`` is one sheet: its title and its non-empty cells by true 1-based
(row, column).  Cell values are normalised so that every backend gives the
same thing: numbers -> Decimal (floats through their shortest repr, never
float arithmetic), whole numbers without a fraction part, date-times at
midnight -> date, empty strings dropped.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from ..exact import from_float
from ..problems import Problem, ProblemsError

MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10000


@dataclass
class Grid:
    title: str
    cells: dict[int, dict[int, object]] = field(default_factory=dict)  # row -> col -> value
    # From the xlsx scan (same for every reader): (row, col) -> formula text / error text,
    # and merged ranges (r1, c1, r2, c2).  Empty for csv.
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def get(self, row: int, col: int):
        """One cell; through ``rows()``, so a grid read on demand (csv,
        calamine) answers too."""
        for r, cells in self.rows():
            if r == row:
                return cells.get(col)
            if r > row:
                break
        return None

    def release(self) -> None:
        """Drop the cells once the sheet has been read.  Its Positions live on
        in every observation's source (for messages), and they point here:
        without this, every file's cells would stay in memory to the end."""
        self.cells = {}

    def rows(self):
        for r in sorted(self.cells):
            yield r, self.cells[r]


def norm_cell(value):
    """Backend value -> the one normalised form (None for empty)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        d = from_float(value)
        return Decimal(int(d)) if d == d.to_integral_value() else d
    if isinstance(value, Decimal):
        return value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) and value.tzinfo is None else value
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return value
    return str(value)


def fail(path: str, message: str, code: str = "not-xlsx") -> ProblemsError:
    return ProblemsError([Problem(file=path, code=code, message=message)], exit_code=2)


def sniff(path: str) -> str:
    """'xlsx' or 'csv'; raises a one-line Problem (exit 2) for what we cannot read."""
    if os.path.isdir(path):
        raise fail(path, "is a folder, not a file", "unreadable")
    if os.path.exists(path) and not os.path.isfile(path):
        raise fail(path, "not a regular file (a device or pipe?)", "unreadable")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise fail(path, "no such file", "not-found")
    except OSError as exc:
        raise fail(path, f"cannot read: {exc.strerror or exc}", "unreadable")
    ext = os.path.splitext(path)[1].lower()
    if not head:
        raise fail(path, "the file is empty (0 bytes)", "unreadable")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if _encrypted_ole(path):
            raise fail(path, "a password-protected workbook: open it in Excel or WPS, remove the password and save it as .xlsx without a password", "encrypted")
        raise fail(path, "password-protected or old .xls workbook: open it in Excel or WPS and save it as .xlsx without a password")
    if head.startswith(b"PK"):
        return "xlsx"
    if ext in (".xlsx", ".xlsm", ".xltx", ".xls", ".xlsb", ".ods"):
        if ext in (".xls", ".xlsb", ".ods"):
            raise fail(path, f"{ext} files are not read: save it as .xlsx (Excel workbook) or .csv (UTF-8)")
        raise fail(path, "not a valid .xlsx file (not a zip archive: truncated or not a spreadsheet); save it again as .xlsx")
    return "csv"


def _encrypted_ole(path: str) -> bool:
    """An OLE container holding an encrypted OOXML package (its stream names are UTF-16)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(4 * 1024 * 1024)
    except OSError:
        return False
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data


def check_zip(path: str) -> None:
    """Refuse what is not a readable xlsx before any parser sees it; bomb guard."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if len(infos) > MAX_MEMBERS:
                raise fail(path, f"the workbook has {len(infos)} parts; refusing to read it (limit {MAX_MEMBERS})", "too-large")
            total = 0
            for i in infos:
                total += i.file_size
                if i.file_size > MAX_MEMBER_BYTES or (i.file_size > 10 * 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1)):
                    raise fail(path, f"part {i.filename} would unpack to {i.file_size} bytes; refusing to read it (zip bomb guard)", "too-large")
            if total > MAX_TOTAL_BYTES:
                raise fail(path, f"the workbook would unpack to {total} bytes; refusing to read it (zip bomb guard)", "too-large")
            if "xl/workbook.bin" in names:
                raise fail(path, "this is an .xlsb (binary) workbook: save it as .xlsx")
            if "content.xml" in names and "mimetype" in names:
                raise fail(path, "this is an OpenDocument (.ods) spreadsheet: save it as .xlsx")
            if "xl/workbook.xml" not in names:
                raise fail(path, "a zip file but not an xlsx workbook; save the sheet as .xlsx")
    except zipfile.BadZipFile:
        raise fail(path, "not a valid .xlsx file (damaged or truncated zip); save it again as .xlsx")
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise fail(path, f"cannot open the workbook: {exc}")
