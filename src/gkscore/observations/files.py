"""What kind of file we were given, and the one-line refusal of a file that
cannot be read (exit 2)."""

from __future__ import annotations

import os

from ..problems import Problem, ProblemsError


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
