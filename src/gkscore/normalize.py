"""Normalising what office staff type: full-width characters, stray spaces."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_SPACES = {"\u3000", "\u00a0", "\u2002", "\u2003", "\u2009", "\u200b", "\ufeff"}


def fold(text: str) -> str:
    """NFKC (full-width digits, letters and punctuation -> ASCII) and trimmed."""
    if text.isascii():
        # NFKC leaves ASCII unchanged and none of _SPACES is ASCII.
        return text.strip()
    return _fold(text)


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    # Sheets repeat the same few texts (unit names, 是/否, choices) on every
    # row: cache the Unicode work.
    text = unicodedata.normalize("NFKC", text)
    for sp in _SPACES:
        text = text.replace(sp, " ")
    return text.strip()


@lru_cache(maxsize=1 << 16)
def norm_name(text: str) -> str:
    """Key for matching unit names: folded, inner whitespace removed, case-folded."""
    return "".join(fold(text).split()).casefold()
