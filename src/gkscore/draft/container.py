"""Checks on a .docx/.xlsx file before a parser sees it.

Both are zip archives of XML.  A damaged file, a renamed .doc/.xls, an
encrypted document or a zip bomb must each give one clear message (exit 2),
never a traceback from deep inside python-docx or openpyxl.
"""

from __future__ import annotations

import os
import zipfile

from ..i18n import _
from ..problems import unreadable

MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_FILE_BYTES = 64 * 1024 * 1024

_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _save_as(kind: str) -> str:
    if kind == "docx":
        return _("save it again as .docx in Word or WPS and try again")
    return _("save it again as .xlsx in Excel or WPS and try again")


def table_kind(path: str) -> str:
    """'docx' or 'xlsx' from the file name; anything else is a usage error."""
    ext = os.path.splitext(path)[1].lower()
    if ext in (".docx", ".docm"):
        return "docx"
    if ext in (".xlsx", ".xlsm"):
        return "xlsx"
    if ext in (".doc", ".xls", ".wps", ".et", ".pdf", ".odt", ".ods"):
        kind = "docx" if ext in (".doc", ".wps", ".odt", ".pdf") else "xlsx"
        raise unreadable(path, _("cannot read a {ext} file: only .docx and .xlsx are read; {advice}").format(ext=ext, advice=_save_as(kind)), "not-supported")
    raise unreadable(path, _("the indicator table is read from a Word (.docx) or Excel (.xlsx) file only"), "not-supported")


def check_container(path: str, kind: str) -> None:
    """Refuse what cannot be read safely (exit 2, one message)."""
    if os.path.isdir(path):
        raise unreadable(path, _("this is a folder, not a file; give the path of a file in it"))
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise unreadable(path, _("no such file; check the folder and the spelling of the name"), "not-found")
    except OSError as exc:
        raise unreadable(path, _("cannot read the file: {reason}").format(reason=exc.strerror or exc))
    if size > MAX_FILE_BYTES:
        raise unreadable(path, _("the file is too large for an indicator table ({size} bytes)").format(size=size), "too-large")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = 0
            for info in infos:
                if info.file_size > MAX_PART_BYTES:
                    raise unreadable(path, _("part {part} would unpack to {size} bytes; refusing to read it (zip bomb guard)").format(part=info.filename, size=info.file_size), "too-large")
                total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise unreadable(path, _("the file would unpack to {size} bytes; refusing to read it (zip bomb guard)").format(size=total), "too-large")
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        if _looks_encrypted(path):
            raise unreadable(path, _("the file is protected by a password; {advice}, without a password").format(advice=_save_as(kind)), "encrypted")
        raise unreadable(path, _("not a valid .{kind} file (damaged, or an older format); {advice}").format(kind=kind, advice=_save_as(kind)), f"not-{kind}")
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        raise unreadable(path, _("cannot read the file: {reason}").format(reason=exc))
    if _MAIN_PART[kind] not in names:
        raise unreadable(path, _("a zip file but not a .{kind} document; {advice}").format(kind=kind, advice=_save_as(kind)), f"not-{kind}")


def _looks_encrypted(path: str) -> bool:
    # An encrypted Office file is an OLE compound file, like the old .doc/.xls.
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and os.path.splitext(path)[1].lower() in (".docx", ".xlsx", ".docm", ".xlsm")

