"""``gkscore rules diff`` output: a terminal table, Markdown or JSON."""

from __future__ import annotations

import json
from typing import IO

from ..i18n import N_, _, ngettext
from .diff import Change

KIND_WORDS = {
    "added": N_("added"), "removed": N_("removed"), "moved": N_("moved"), "renamed": N_("renamed"), "text": N_("scoring rule"),
    "description": N_("description"), "max": N_("points"), "points": N_("points"), "clause": N_("clause"), "cap": N_("cap"),
    "threshold": N_("threshold"), "condition": N_("condition"), "fields": N_("fields"), "start": N_("start"),
    "file": N_("file"), "section": N_("kind"),
}
LEVEL_WORDS = {"file": N_("file"), "section": N_("level-1 indicator"), "group": N_("level-2 indicator"), "item": N_("item")}


def summary(old_path: str, new_path: str, changes: list[Change]) -> str:
    if not changes:
        return _("{old} and {new}: the same indicators, points and clauses.").format(old=old_path, new=new_path)
    return ngettext("{old} → {new}: {n} change.", "{old} → {new}: {n} changes.", len(changes)).format(old=old_path, new=new_path, n=len(changes))


def write_json(out: IO[str], old_path: str, new_path: str, changes: list[Change]) -> None:
    doc = {"format": "gkscore-rules-diff/1", "old": old_path, "new": new_path, "equal": not changes,
           "changes": [c.as_dict() for c in changes]}
    out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def _md_cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", "<br>")


def write_md(out: IO[str], old_path: str, new_path: str, changes: list[Change]) -> None:
    title = _("Changes of the rules")
    out.write(f"# {title}\n\n{summary(old_path, new_path, changes)}\n\n")
    if not changes:
        return
    heads = (_("Change"), _("Level"), _("Where"), _("Id"), _("What"))
    out.write("| " + " | ".join(heads) + " |\n|---|---|---|---|---|\n")
    for c in changes:
        out.write(f"| {_(KIND_WORDS.get(c.kind, c.kind))} | {_(LEVEL_WORDS[c.level])} | {_md_cell(c.path)} | {_md_cell(c.id)} | {_md_cell(c.what)} |\n")


def print_table(old_path: str, new_path: str, changes: list[Change]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False)
    console.print(Text(summary(old_path, new_path, changes)))
    if not changes:
        return
    table = Table(box=box.SIMPLE_HEAD, show_lines=False)
    for name in (_("Change"), _("Where"), _("Id"), _("What")):
        table.add_column(name, overflow="fold")
    for c in changes:
        # Text, not markup: a rule's words may hold [brackets] rich would read as styles
        table.add_row(*(Text(t) for t in (_(KIND_WORDS.get(c.kind, c.kind)), c.path or _(LEVEL_WORDS[c.level]), c.id, c.what)))
    console.print(table)
