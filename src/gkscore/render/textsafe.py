"""Text that is safe to put in a spreadsheet, a CSV file or a markdown table.

Everything here is pure and small: the renderers call these helpers on every
piece of text that comes from an input (unit names, reasons, evidence, notes).
"""

from __future__ import annotations

import re
import unicodedata

# Characters XML 1.0 forbids (openpyxl raises IllegalCharacterError for the C0
# ones; lone surrogates and U+FFFE/U+FFFF would make the file unreadable).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"

# Excel refuses more than 32767 characters in one cell.
CELL_MAX = 32767

# Sheet titles: Excel forbids these characters, a leading or trailing
# apostrophe, more than 31 characters and the reserved name "History".
_SHEET_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
SHEET_MAX = 31

# A CSV cell starting with one of these is run as a formula by spreadsheet
# programs (OWASP "CSV injection").
# what starts a formula in a spreadsheet cell (inert_csv guards it)
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def clean_xml_text(text: object, limit: int | None = CELL_MAX) -> str:
    """``text`` as a string that can go into an xlsx cell: characters XML cannot
    hold are replaced with U+FFFD (never an error), and text longer than a cell
    can hold is cut with an ellipsis."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    s = _XML_ILLEGAL.sub(REPLACEMENT, s)
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


def char_width(ch: str) -> int:
    w = _WIDTHS.get(ch)
    if w is None:
        w = 0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if len(_WIDTHS) < _WIDTHS_MAX:
            _WIDTHS[ch] = w
    return w


# the width of each character met, by the character: a document of 100,000
# units measures the same few thousand characters again and again
_WIDTHS: dict[str, int] = {}
_WIDTHS_MAX = 1 << 16


def display_width(text: object) -> int:
    """Columns the text takes in a grid font: CJK and full-width characters count
    2, others 1; for several lines, the widest line."""
    if text is None:
        return 0
    s = text if isinstance(text, str) else str(text)
    w = _TEXT_WIDTHS.get(s)
    if w is None:
        w = max((sum(map(char_width, line)) for line in s.split("\n")), default=0)
        if len(_TEXT_WIDTHS) < _WIDTHS_MAX:
            _TEXT_WIDTHS[s] = w
    return w


# and of each text measured: the same item names and reasons come back unit
# after unit (bounded: past the limit, texts are measured afresh)
_TEXT_WIDTHS: dict[str, int] = {}


def safe_sheet_title(name: object, taken: set[str], *, limit: int = SHEET_MAX) -> str:
    """A valid, unused worksheet title derived from ``name``.

    Forbidden characters become ``_``; the title is cut to 31 characters; a
    title already in ``taken`` (compared ignoring case) gets ``~2``, ``~3``...
    with the stem cut so the whole stays within 31 characters.  The chosen
    title is added to ``taken`` (as its case-folded form).
    """
    s = clean_xml_text(name, None)
    s = s.replace(REPLACEMENT, "_")
    s = _SHEET_FORBIDDEN.sub("_", s)
    s = " ".join(s.split())  # newlines and tabs are not welcome in a tab name
    s = s.strip("'").strip() or "Sheet"
    if s.casefold() == "history":
        s += "_"
    s = s[:limit].rstrip("'") or "Sheet"
    folded = {t.casefold() for t in taken}
    candidate = s
    n = 1
    while candidate.casefold() in folded:
        n += 1
        suffix = f"~{n}"
        candidate = s[: limit - len(suffix)].rstrip("'") + suffix
    taken.add(candidate.casefold())
    return candidate


# A line break inside a cell followed by one of the formula characters: a
# program that splits on a bare CR (or a person pasting one line) would see
# a cell starting with a formula.
_CSV_LINE_TRIGGER = re.compile("(\r\n|\r|\n)(?=[=+\\-@\t\uff1d\uff0b\uff0d\uff20])")


# a text without these is left as it is by clean_xml_text and has no line
# break after which a formula character could start a line
_CSV_INERT = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")


def inert_csv(text: object) -> str:
    """Text for a CSV cell that a spreadsheet program will not run as a formula:
    text starting with = + - @ (or tab, CR, LF, or their full-width forms) gets
    a leading apostrophe, and so does every line inside the cell that starts
    with one of them.  Control characters other than tab, CR and LF are
    replaced with U+FFFD, as in the workbook."""
    if text.__class__ is str and _CSV_INERT.search(text) is None and not text.startswith(CSV_TRIGGERS):
        return text  # most texts: nothing to replace, no line to guard (a report of 100,000 units asks for millions)
    s = clean_xml_text(text, None)
    if s.startswith(CSV_TRIGGERS):
        s = "'" + s
    if "\r" in s or "\n" in s:
        s = _CSV_LINE_TRIGGER.sub("\\1'", s)
    return s


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def md_cell(text: object) -> str:
    """Text for one cell of a GitHub markdown table: ``|`` and markdown syntax
    escaped, newlines as ``<br>``, HTML brackets as entities."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    s = _XML_ILLEGAL.sub(REPLACEMENT, s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return "<br>".join(line.strip() for line in s.split("\n")).strip()
