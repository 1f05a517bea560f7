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


def print_results(results, places: int = 2, file=None) -> None:
    """One rich table per rank group: the published ranking layout."""
    from rich.console import Console
    from rich.table import Table

    if file is not None:
        con = Console(file=file, no_color=True, highlight=False, width=200)
    else:
        con = console()
        if not sys.stdout.isatty():
            con.width = max(con.width, 160)
    groups: dict[tuple[str, str], list] = {}
    for r in results:
        groups.setdefault((r.rules_title, r.rank_group), []).append(r)
    for (title, group), members in groups.items():
        sections = list(members[0].sections)
        incomplete = any(not r.complete for r in members)
        table = Table(title=f"{title} — {group}", title_justify="left")
        for col in ["排名", "单位", "类别", *sections, "加分", "扣分", "总分", "等次"]:
            table.add_column(col, justify="right" if col not in ("单位", "类别", "等次") else "left", no_wrap=col == "单位")
        if incomplete:
            table.add_column("完整性")
        for r in members:
            row = [str(r.rank), r.unit, r.cls, *[fmt(r.sections.get(s), places) for s in sections], fmt(r.bonus, places), fmt(r.penalty, places), fmt(r.total, places), r.grade or ""]
            if incomplete:
                row.append("完整" if r.complete else "未完成")
            table.add_row(*row)
        con.print(table)
