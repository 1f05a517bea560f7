"""Terminal output with rich (CJK-width aware)."""

from __future__ import annotations

import os
import sys

from ..exact import fmt


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=False)


def print_rules_tree(tree: dict) -> None:
    from rich.table import Table

    classes = tree["classes"]
    table = Table(title=f"{tree['title']} ({tree['id']})", show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("指标")
    table.add_column("部分")
    for c in classes:
        table.add_column(f"{c}", justify="right")
    for item in tree["items"]:
        table.add_row(
            item["id"],
            " / ".join(item["path"]),
            {"base": "", "bonus": "加分", "penalty": "扣分"}[item["section"]],
            *[("—" if item["max"][c] is None else fmt(item["max"][c], None)) for c in classes],
        )
    table.add_row("", "合计 (基础分)", "", *[fmt(tree["max"][c], None) for c in classes], end_section=True)
    table.add_row("", "加分上限", "", *[fmt(tree["bonus_max"][c], None) for c in classes])
    table.add_row("", "扣分上限", "", *[fmt(tree["penalty_max"][c], None) for c in classes])
    con = console()
    if not sys.stdout.isatty():
        con.width = max(con.width, 160)
    con.print(table)
