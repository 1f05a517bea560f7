"""File and folder names that Windows accepts, made from unit and group names.

A pack is written on one machine and opened on the staff's Windows PCs (or
unpacked there from a zip), so every name follows Windows' rules whatever the
system writing it: none of ``\\ / : * ? " < > |`` or control characters, no
trailing dot or space, none of the reserved device names (CON, PRN, AUX, NUL,
COM1-9, LPT1-9, with or without an extension, in any case), and a whole path
within the classic 260-character limit (``MAX_PATH``; Explorer and many
programs still refuse longer ones).  Forbidden characters become their
full-width forms, which read the same to a person (``A/B`` -> ``A／B``).
"""

from __future__ import annotations

import os
import re

MAX_PATH = 260
# Windows counts MAX_PATH with the terminating NUL: 259 characters are usable.
USABLE_PATH = MAX_PATH - 1
_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in '/:*?"<>|'}
_FULL_WIDTH["\\"] = "＼"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
# COM¹ and friends are reserved too on current Windows
_RESERVED |= {f"{p}{s}" for p in ("COM", "LPT") for s in "¹²³"}


def is_reserved(name: str) -> bool:
    """CON, nul.txt, Com1.docx ...: the device names Windows will not open as files."""
    stem = name.split(".", 1)[0].rstrip(" ")
    return stem.upper() in _RESERVED


def safe_name(text: str, *, fallback: str = "未命名", limit: int = 80) -> str:
    """``text`` as one path component valid on Windows (and everywhere else).

    ``limit`` caps the length in characters so that folder + file stay well
    within ``MAX_PATH``; a cut name keeps its start (the part people read)."""
    name = _CONTROL.sub("", str(text))
    name = "".join(_FULL_WIDTH.get(c, c) for c in name)
    name = name.strip(" ")
    if len(name) > limit:
        name = name[:limit]
    name = name.rstrip(" .")
    if not name or set(name) <= {"."}:
        name = fallback
    if is_reserved(name):
        # the device name is the part before the first dot: mark that part
        stem, dot, rest = name.partition(".")
        name = f"{stem.rstrip(' ')}_{dot}{rest}"
    return name


def unique_names(names: list[str], *, suffix: str = "") -> list[str]:
    """Safe names, one per entry, made distinct ignoring case (Windows file
    names are case-insensitive): a repeat gets （2）, （3） ... before ``suffix``."""
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        base = safe_name(n)
        candidate, k = base, 1
        while (candidate + suffix).casefold() in seen:
            k += 1
            candidate = f"{base}（{k}）"
        seen.add((candidate + suffix).casefold())
        out.append(candidate)
    return out


def windows_length(path: str) -> int:
    """Length of ``path`` as Windows counts it (UTF-16 code units)."""
    return len(os.path.abspath(path).encode("utf-16-le")) // 2
