"""Help pages that wrap Chinese text at the terminal's width.

click measures text by its number of characters and breaks lines only at
spaces; a Chinese character takes two columns in a terminal and Chinese has
no spaces, so a Chinese paragraph came out as one line twice the width, and
an option column holding a Chinese metavar ("--class 类别") pushed its
description out of line.  This formatter measures display columns and may
break between two Chinese characters (never before closing punctuation such
as "，" or "）", never after an opening one).  English text wraps exactly as
click wraps it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence

import click
from click.formatting import HelpFormatter, iter_rows

# No line starts with these, and none ends with the opening ones.
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…—,.;:?!)]}%")
_NO_LINE_END = set("（《「『【〔“‘([{")
_TOKEN = re.compile(r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


def width(text: str) -> int:
    """Columns the text takes in a terminal: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _tokens(text: str) -> list[str]:
    """Words, single CJK characters and spaces, with punctuation kept on the
    side it belongs to, so that a break between two tokens is allowed."""
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if out and not tok.isspace() and not out[-1].isspace():
            if tok[0] in _NO_LINE_START or out[-1][-1] in _NO_LINE_END:
                out[-1] += tok
                continue
        out.append(tok)
    return out


def wrap_paragraph(text: str, limit: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """Greedy wrap of one paragraph to ``limit`` display columns."""
    lines: list[str] = []
    line, used = initial_indent, width(initial_indent)
    start = used
    for tok in _tokens(" ".join(text.split("\n"))):
        if tok.isspace():
            if used > start:
                line, used = line + " ", used + 1
            continue
        w = width(tok)
        if used + w > limit and used > start:
            lines.append(line.rstrip())
            line, used = subsequent_indent, width(subsequent_indent)
            start = used
        line, used = line + tok, used + w
    if used > start or not lines:
        lines.append(line.rstrip())
    return lines


def wrap_text(text: str, limit: int, initial_indent: str = "", subsequent_indent: str = "", preserve_paragraphs: bool = False) -> str:
    """click's ``wrap_text`` measured in display columns."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return "\n".join(wrap_paragraph(text, limit, initial_indent, subsequent_indent))
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        if not paragraph.strip():
            continue
        if paragraph.lstrip().startswith("\b"):
            # click's marker: keep this paragraph's lines as written.
            kept = paragraph.lstrip().removeprefix("\b").lstrip("\n")
            out.append("\n".join(initial_indent + line for line in kept.splitlines()))
            continue
        indent = len(paragraph) - len(paragraph.lstrip())
        extra = " " * indent
        out.append("\n".join(wrap_paragraph(paragraph.strip(), limit, initial_indent + extra, subsequent_indent + extra)))
    return "\n\n".join(out)


class WideHelpFormatter(HelpFormatter):
    """click's help formatter, measuring and wrapping in display columns."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap_text(text, self.width, initial_indent=indent, subsequent_indent=indent, preserve_paragraphs=True))
        self.write("\n")

    def write_heading(self, heading: str) -> None:
        # A Chinese heading ends with a full-width colon, as 用法： does.
        colon = "：" if width(heading) > len(heading) else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        # The layout of click's write_dl, with display widths.
        rows = list(rows)
        first_width = max((width(first) for first, _second in rows), default=0)
        first_col = min(first_width, col_max) + col_spacing
        for first, second in iter_rows(rows, 2):
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n")
                self.write(" " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            if not lines:
                self.write("\n")
                continue
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


class WideContext(click.Context):
    formatter_class = WideHelpFormatter


def widest(lines: Iterable[str]) -> int:
    """The display width of the widest line (for tests and checks)."""
    return max((width(line) for line in lines), default=0)
