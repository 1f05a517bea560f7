"""Checks on a .docx/.xlsx file before a parser sees it.

Both are zip archives of XML.  A damaged file, a renamed .doc/.xls, an
encrypted document or a zip bomb must each give one clear message (exit 2),
never a traceback from deep inside python-docx or openpyxl.
"""

from __future__ import annotations

import os
import zipfile

from ..problems import unreadable

MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_FILE_BYTES = 64 * 1024 * 1024

_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_SAVE_AS = {"docx": "请用 Word/WPS 另存为 .docx 后再试", "xlsx": "请用 Excel/WPS 另存为 .xlsx 后再试"}


def table_kind(path: str) -> str:
    """'docx' or 'xlsx' from the file name; anything else is a usage error."""
    ext = os.path.splitext(path)[1].lower()
    if ext in (".docx", ".docm"):
        return "docx"
    if ext in (".xlsx", ".xlsm"):
        return "xlsx"
    if ext in (".doc", ".xls", ".wps", ".et", ".pdf", ".odt", ".ods"):
        raise unreadable(path, f"不能读取 {ext} 文件:只支持 .docx 和 .xlsx,{_SAVE_AS['docx' if ext in ('.doc', '.wps', '.odt', '.pdf') else 'xlsx']}", "not-supported")
    raise unreadable(path, "只能读取 Word(.docx) 或 Excel(.xlsx) 文件中的指标表", "not-supported")


def check_container(path: str, kind: str) -> None:
    """Refuse what cannot be read safely (exit 2, one message)."""
    if os.path.isdir(path):
        raise unreadable(path, "这是一个文件夹,不是文件")
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise unreadable(path, "文件不存在", "not-found")
    except OSError as exc:
        raise unreadable(path, f"无法读取:{exc.strerror or exc}")
    if size > MAX_FILE_BYTES:
        raise unreadable(path, f"文件过大({size} 字节),指标表不会这么大", "too-large")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = 0
            for info in infos:
                if info.file_size > MAX_PART_BYTES:
                    raise unreadable(path, f"文件中的 {info.filename} 解压后有 {info.file_size} 字节,拒绝读取(防止压缩炸弹)", "too-large")
                total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise unreadable(path, f"文件解压后共 {total} 字节,拒绝读取(防止压缩炸弹)", "too-large")
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        if _looks_encrypted(path):
            raise unreadable(path, f"文件设有密码保护,{_SAVE_AS[kind]}(不设密码)", "encrypted")
        raise unreadable(path, f"不是有效的 .{kind} 文件(可能已损坏或是旧格式),{_SAVE_AS[kind]}", f"not-{kind}")
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        raise unreadable(path, f"无法读取:{exc}")
    if _MAIN_PART[kind] not in names:
        raise unreadable(path, f"是 zip 文件但不是 .{kind} 文档,{_SAVE_AS[kind]}", f"not-{kind}")


def _looks_encrypted(path: str) -> bool:
    # An encrypted Office file is an OLE compound file, like the old .doc/.xls.
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and os.path.splitext(path)[1].lower() in (".docx", ".xlsx", ".docm", ".xlsm")

