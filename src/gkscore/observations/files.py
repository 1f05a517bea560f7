"""What kind of file we were given, and the one-line refusal of a file that
cannot be read (exit 2)."""

from __future__ import annotations

import os

from ..i18n import _
from ..problems import Problem, ProblemsError


def fail(path: str, message: str, code: str = "not-xlsx") -> ProblemsError:
    return ProblemsError([Problem(file=path, code=code, message=message)], exit_code=2)


def sniff(path: str) -> str:
    """'xlsx' or 'csv'; raises a one-line Problem (exit 2) for what we cannot read."""
    if os.path.isdir(path):
        raise fail(path, _("this is a folder, not a file; give the path of a file in it"), "unreadable")
    if os.path.exists(path) and not os.path.isfile(path):
        raise fail(path, _("not a regular file (a device or a pipe?); give the path of a workbook or csv file"), "unreadable")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise fail(path, _("no such file; check the folder and the spelling of the name"), "not-found")
    except OSError as exc:
        raise fail(path, _("cannot read the file: {reason}").format(reason=exc.strerror or exc), "unreadable")
    ext = os.path.splitext(path)[1].lower()
    if not head:
        raise fail(path, _("the file is empty (0 bytes); save the filled sheet again"), "unreadable")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if _encrypted_ole(path):
            raise fail(path, _("a password-protected workbook: open it in Excel or WPS, remove the password and save it as .xlsx without a password"), "encrypted")
        raise fail(path, _("a password-protected or old .xls workbook: open it in Excel or WPS and save it as .xlsx without a password"))
    if head.startswith(b"PK"):
        return "xlsx"
    if ext in (".xlsx", ".xlsm", ".xltx", ".xls", ".xlsb", ".ods"):
        if ext in (".xls", ".xlsb", ".ods"):
            raise fail(path, _("{ext} files are not read: save it as .xlsx (Excel workbook) or .csv (UTF-8)").format(ext=ext))
        raise fail(path, _("not a valid .xlsx file (cut short, or not a spreadsheet); save it again as .xlsx"))
    return "csv"


def _encrypted_ole(path: str) -> bool:
    """An OLE container holding an encrypted OOXML package (its stream names are UTF-16)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(4 * 1024 * 1024)
    except OSError:
        return False
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data
