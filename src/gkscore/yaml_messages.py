"""What a YAML syntax error means, in words a rule author can act on.

PyYAML (libyaml or its pure-Python parser, whose wordings differ) reports
"did not find expected key" or "mapping values are not allowed here"; the
author needs to hear that the indentation does not line up or that a value
holding ": " needs quotes.  Each known wording maps to one message with the
fix; an unknown one is shown as PyYAML wrote it, with a general hint.
"""

from __future__ import annotations

import re

from .i18n import N_, _
from .problems import quote

TAB = N_("a tab character is used for indentation here; YAML indents with spaces only: replace the tab with spaces")
INDENT = N_(
    "the indentation does not line up here: keys of one mapping, and the dashes (-) of one list, "
    "must start in the same column; check this line and the one above"
)

# (pattern on PyYAML's problem text, message id); first match wins.
KNOWN = (
    (r"mapping values are not allowed", N_("\": \" (a colon and a space) cannot stand here: put the whole value in quotes if it contains \": \", or check the indentation")),
    (r"could not find expected ':'", N_("a key here has no colon after it: write key: value, or close a quote left open on the line above")),
    (r"found a tab character|found character '\\t'", TAB),
    (r"did not find expected key|expected <block end>", INDENT),
    (r"block sequence entries are not allowed|sequence entries are not allowed", N_("a list item (-) cannot stand here: check the indentation, or put a value that starts with - in quotes")),
    (r"did not find expected '-' indicator", N_("a list item starting with - is expected here: check the indentation")),
    (r"found unexpected end of stream", N_("the file ends inside a quote or a bracket: close the quote or bracket opened before this line")),
    (r"unknown escape character", N_("unknown escape (\\) inside double quotes: use single quotes instead, or write \\\\ for a backslash")),
    (r"expected ',' or '\]'|did not find expected ',' or '\]'", N_("a list in [ ] is not closed: add the ] or a comma between the values")),
    (r"expected ',' or '\}'|did not find expected ',' or '\}'", N_("a mapping in { } is not closed: add the } or a comma between the pairs")),
    (r"did not find expected node content|expected the node content", N_("a value is missing here")),
    (r"chomping or indentation indicators|while scanning a block scalar", N_("after | or > the text starts on the next line, indented: move it there")),
    (r"did not find expected comment or line break", N_("unexpected text after the value on this line: put the whole value in quotes")),
    (r"constructor for the tag|undefined tag handle|failed to decode base64", N_("tags (!name, !!type) are not used in gkscore files: delete the tag, or put the value in quotes")),
    (r"directive", N_("directive lines starting with % are not used in gkscore files: delete the line")),
    (r"found unexpected ':'", N_("\": \" (a colon and a space) cannot stand here: put the whole value in quotes if it contains \": \", or check the indentation")),
)
_COMPILED = tuple((re.compile(pattern), message) for pattern, message in KNOWN)
_CANNOT_START = re.compile(r"cannot start any token")


def syntax_message(problem: str, text: str, mark) -> str:
    """The message for PyYAML's ``problem`` at ``mark`` (0-based line and
    column) in ``text``."""
    problem = " ".join(problem.split())
    if _CANNOT_START.search(problem):
        ch = _char_at(text, mark)
        if ch == "\t" or "'\\t'" in problem:
            return _(TAB)
        if ch:
            return _("a value cannot start with {char}: put the whole value in quotes").format(char=quote(ch))
    for pattern, message in _COMPILED:
        if pattern.search(problem):
            return _(message)
    return _("{problem}; check the indentation, the colons and the quotes here").format(problem=problem or "?")


def _char_at(text: str, mark) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines):
        return ""
    line = lines[mark.line]
    return line[mark.column] if 0 <= mark.column < len(line) else ""
