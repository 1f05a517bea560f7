"""Terminal output with rich (CJK-width aware)."""

from __future__ import annotations

import errno
import os
import sys
from types import SimpleNamespace

from ..exact import fmt
from ..i18n import N_, Labels, _
from .view import blocks, class_names, columns_of, completeness, group_title, missing_note, total_text, words


def console(stderr: bool = False):
    from rich.console import Console

    return _raising(Console(stderr=stderr, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=False))


def _raising(con):
    """rich ends the process itself (exit 1, silently) when its output is a
    closed pipe: raise instead, so the command says so and exits 2."""

    def broken_pipe() -> None:
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    con.on_broken_pipe = broken_pipe
    return con


def _max_text(maxes: dict | None, cls: str) -> str:
    """An item's 分值 for a class: — where it does not apply, 不限 where the
    item has no 分值 of its own."""
    if maxes is None:
        return _("no limit")
    return "—" if maxes[cls] is None else fmt(maxes[cls], None)


def _limit_text(limit) -> str:
    return _("no limit") if limit is None else fmt(limit, None)


# The words of the rules tree (``gkscore rules``).
TREE_WORDS = Labels(
    id=N_("Item id"),
    indicator=N_("Indicator"),
    part=N_("Part"),
    bonus=N_("Bonus"),
    penalty=N_("Penalty"),
    base_total=N_("Total (base points)"),
    bonus_cap=N_("Bonus cap"),
    penalty_cap=N_("Penalty cap"),
)


def print_rules_tree(tree: dict, class_labels: dict[str, str] | None = None) -> None:
    """``class_labels``: class id -> the class as the rule file names it in
    reports (its short name, else its name); without it, the ids."""
    from rich.table import Table

    w = SimpleNamespace(**{k: TREE_WORDS[k] for k in TREE_WORDS.keys()})
    labels = class_labels or {}
    classes = tree["classes"]
    table = Table(title=tree["title"], show_lines=False)
    table.add_column(w.id, no_wrap=True)
    table.add_column(w.indicator)
    table.add_column(w.part)
    for c in classes:
        table.add_column(labels.get(c, c), justify="right")
    for item in tree["items"]:
        table.add_row(
            item["id"],
            " / ".join(item["path"]),
            {"base": "", "bonus": w.bonus, "penalty": w.penalty}[item["section"]],
            *[_max_text(item["max"], c) for c in classes],
        )
    table.add_row("", w.base_total, "", *[fmt(tree["max"][c], None) for c in classes], end_section=True)
    table.add_row("", w.bonus_cap, "", *[_limit_text(tree["bonus_max"][c]) for c in classes])
    table.add_row("", w.penalty_cap, "", *[_limit_text(tree["penalty_max"][c]) for c in classes])
    con = console()
    if not sys.stdout.isatty():
        con.width = max(con.width, 160)
    con.print(table)


# A rank group longer than this is printed in pages of this many units, each
# with the header and the same column widths: rich lays a table out whole, in
# memory, which for a national check (100,000 units) would cost gigabytes.
PAGE_ROWS = 1000


def write_table(run, out, options, *, to_file: bool) -> None:
    """One rich table per rank group: the published ranking layout, to
    ``out`` (a file: no colours, 200 columns) or the terminal."""
    print_results(run.results, options.decimals, file=out if to_file else None, missing=run.missing, rules=run.rules)
    if run.adjustment_changes:
        print_changes(run, options.decimals, file=out if to_file else None)


def print_changes(run, places: int, file=None) -> None:
    """复核前后: each adjusted unit's total and rank before and after."""
    from rich.console import Console

    from .adjust_view import change_header, change_texts, change_words, group_names

    if file is not None:
        con = _raising(Console(file=file, no_color=True, highlight=False, width=200))
    else:
        con = console()
        if not sys.stdout.isatty():
            con.width = max(con.width, 160)
    w = change_words()
    head = change_header(w)
    named = group_names(run.rules)
    rows = [change_texts(w, c, places, named) for c in run.adjustment_changes]
    con.print(_table(w.title, head, {0, 1}, rows, None))


def print_results(results, places: int = 2, file=None, missing=(), rules=()) -> None:
    """``rules``: the run's rule files, for the names of classes and rank
    groups as the rule files give them (without them, the ids)."""
    from rich.console import Console

    if file is not None:
        con = _raising(Console(file=file, no_color=True, highlight=False, width=200))
    else:
        con = console()
        if not sys.stdout.isatty():
            con.width = max(con.width, 160)
    w = words()
    names = class_names(rules)
    for b in blocks(results, missing):
        title = group_title(b, rules) if rules else f"{b.rules_title} — {b.group}"
        named = lambda u: names.get((b.rules_id, u.cls), u.cls)  # noqa: E731
        members = b.units
        sections = list(columns_of(members[0])) if members else []
        incomplete = b.incomplete
        head = [w.rank, w.unit, w.cls, *sections, w.bonus, w.penalty, w.total, w.grade] + ([w.completeness] if incomplete else [])
        left = {1, 2, len(sections) + 7, len(sections) + 8}  # 单位, 类别, 等次, 完整性
        widths = _widths(head, (_row(w, r, sections, places, incomplete, named) for r in members)) if len(members) > PAGE_ROWS else None
        for start in range(0, len(members), PAGE_ROWS):
            page = members[start : start + PAGE_ROWS]
            caption = title
            if start:
                caption += _(" (continued, rows {first}–{last})").format(first=start + 1, last=start + len(page))
            rows = [_row(w, r, sections, places, incomplete, named) for r in page]
            if start + PAGE_ROWS >= len(members):  # the last page: the units without observations after the ranked ones
                rows += [["", m.unit, named(m), *[""] * (len(sections) + 4), w.incomplete] for m in b.missing]
            con.print(_table(caption, head, left, rows, widths))
        if not members:
            con.print(_table(title, head, left, [["", m.unit, named(m), *[""] * (len(sections) + 4), w.incomplete] for m in b.missing], None))
        for r in members:
            if r.veto:  # which veto applied, and why
                con.print(f"{w.vetoed}：{r.unit} — {r.veto}", markup=False, highlight=False)
        if b.missing:
            con.print(missing_note(b))


def _row(w, r, sections: list[str], places: int, incomplete: bool, named=lambda u: u.cls) -> list[str]:
    row = [str(r.rank), r.unit, named(r), *[fmt(columns_of(r).get(s), places) for s in sections], fmt(r.bonus, places), fmt(r.penalty, places), total_text(w, r, places), r.grade or ""]
    if incomplete:
        row.append(completeness(w, r.complete))
    return row


def _widths(head: list[str], rows) -> list[int]:
    """Each column's widest cell (CJK counts 2), so that the pages of a long
    group line up."""
    from rich.cells import cell_len

    widths = [cell_len(h) for h in head]
    for row in rows:
        for i, cell in enumerate(row):
            n = cell_len(cell)
            if n > widths[i]:
                widths[i] = n
    return widths


def _table(title: str, head: list[str], left: set[int], rows: list[list[str]], widths: list[int] | None):
    """``left``: the columns of text (单位, 类别, 等次, 完整性), by position;
    the unit's name (column 1) never wraps."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, col in enumerate(head):
        fixed = {} if widths is None else {"min_width": widths[i], "max_width": widths[i]}
        table.add_column(col, justify="left" if i in left else "right", no_wrap=i == 1, **fixed)
    for row in rows:
        table.add_row(*row)
    return table
