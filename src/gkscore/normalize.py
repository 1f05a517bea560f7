"""Normalising what office staff type: full-width characters, stray spaces."""

from __future__ import annotations

import unicodedata

_SPACES = {"\u3000", "\u00a0", "\u2002", "\u2003", "\u2009", "\u200b", "\ufeff"}


def fold(text: str) -> str:
    """NFKC (full-width digits, letters and punctuation -> ASCII) and trimmed."""
    text = unicodedata.normalize("NFKC", text)
    for sp in _SPACES:
        text = text.replace(sp, " ")
    return text.strip()


def norm_name(text: str) -> str:
    """Key for matching unit names: folded, inner whitespace removed, case-folded."""
    return "".join(fold(text).split()).casefold()
