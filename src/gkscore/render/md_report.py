"""The markdown report, for pasting into a report: one GitHub table per
ranking table (rule file x rank group) with the columns of the 汇总 sheet;
with ``--detail`` each unit's lost points follow its table, and the
adjustments (复核) close the document when the run has any."""

from __future__ import annotations

from typing import IO, Iterable, Iterator

from ..exact import fmt
from ..i18n import _
from .textsafe import md_cell
from .view import (
    ADJUSTMENT_KEYS,
    Block,
    adjustment_header,
    adjustment_note,
    adjustment_values,
    adjustments_index,
    blocks,
    class_names,
    completeness,
    item_figures,
    group_title,
    missing_note,
    num,
    item_names,
    path_text,
    reasons_text,
    section_value,
    shared_made,
    summary_header,
    total_text,
    unit_items,
    words,
)


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(w, block: Block, precision: int, names: dict) -> Iterator[str]:
    """``names``: (rules id, class id) -> the class's name in its rule file."""
    head = summary_header(w, block)
    # once per table: asking the block per row walked every unit for every
    # row, hours for a rank group of 100,000 units
    incomplete = block.incomplete
    numeric = len(block.sections) + 3  # sections, 加分, 扣分, 总分
    align = ["---:", ":---", ":---"] + ["---:"] * numeric + [":---", "---:"] + ([":---"] if incomplete else [])
    yield _row(md_cell(h) for h in head)
    yield _row(align)
    for i, u in enumerate(block.units, start=1):
        cells = [
            str(i),
            md_cell(u.unit),
            md_cell(names.get((u.rules_id, u.cls), u.cls)),
            *[num(section_value(u, s), precision) for s in block.sections],
            fmt(u.bonus, precision),
            fmt(u.penalty, precision),
            total_text(w, u, precision) + ("\\*" if not u.complete else ""),
            md_cell(u.grade or ""),
            str(u.rank) if u.rank else "",
        ]
        if incomplete:
            cells.append(completeness(w, u.complete))
        yield _row(cells)
    for i, m in enumerate(block.missing, start=len(block.units) + 1):
        # listed, never ranked: no figure, no grade, no rank
        yield _row([str(i), md_cell(m.unit), md_cell(names.get((m.rules_id, m.cls), m.cls)), *[""] * (len(block.sections) + 5), w.incomplete])


def _unit_detail(w, u, rows: list, item, precision: int, adjustments: dict, item_names: dict) -> list[str]:
    """``u``: the unit's figures; ``rows``, ``item``: its items
    (``view.unit_items``); ``item_names``: (rules id, item id) -> the indicator as a person names
    it (组织推进第2项), which the list shows instead of the item's id."""
    lines = [f"- **{md_cell(u.unit)}**" + _(" (total {total}, rank {rank})").format(total=total_text(w, u, precision), rank=u.rank)]
    # an item's line is the same for every unit with the same explanation:
    # made once (``ItemResult.shared``)
    what = ("md detail", precision)
    listed_any = False
    for shown, _texts, ref in rows:
        line = shared_made(shown, what, item, ref, _item_line, precision, item_names, u.rules_id)
        if line is None:  # no point lost, filled in: not on the list
            continue
        listed_any = True
        lines.append(line)
        if adjustments:
            for adj in adjustments.get((u.unit, item(ref).id), ()):
                lines.append(f"    - {md_cell(adjustment_note(adj))}")
    if not rows:
        # a veto stopped the scoring (its note follows): "no points lost"
        # would say the opposite of what happened
        lines.insert(1, "  - " + _("no item of the unit was scored"))
    elif not listed_any:
        lines.insert(1, "  - " + _("no points lost"))
    for note in u.notes:
        lines.append("  - " + _("Note: {note}").format(note=md_cell(note)))
    return lines


def _item_line(it, precision: int, item_names: dict, rules_id: str) -> str | None:
    """The item's line on the unit's list of lost points, or None when it is
    not listed (``view.listed``); ``item_names``: as in ``_unit_detail``."""
    _m, _s, pts = item_figures(it)
    if not ((pts or 0) > 0 or not it.complete):
        return None
    name = item_names.get((rules_id, it.id))
    mark = _(" (incomplete)") if not it.complete else ""
    return "  - " + _("{path}: {points} points lost{mark}. {reasons}").format(
        path=md_cell(path_text(it, name)), points=fmt(pts or 0, precision), mark=mark, reasons=md_cell(reasons_text(it)))


def write_md(run, out: IO[str], options) -> None:
    """The document written to ``out`` line by line; the lost-point lists
    ask ``run.detail`` for one unit at a time."""
    lines = _Lines(out)
    for line in _document(run, options.decimals, options.detail):
        lines.add(line)
    lines.close()


def _document(run, precision: int, detail: bool) -> Iterator[str]:
    w = words()
    adjustments = list(run.adjustments or ())
    index = adjustments_index(adjustments)
    names = class_names(run.rules)
    names_of_items = item_names(run.rules) if detail else {}
    for b in blocks(run.results, run.missing):
        # named as the rule file names it: its title and the group's classes
        yield f"## {md_cell(group_title(b, run.rules))}"
        yield ""
        yield from _table(w, b, precision, names)
        if any(not u.complete for u in b.units):
            yield ""
            yield "\\* " + _("Not completely scored (--partial): items without observations count 0 for now.")
        vetoed = [u for u in b.units if u.veto]
        if vetoed:
            yield ""
            for u in vetoed:
                yield f"- {w.vetoed}：{md_cell(u.unit)} — {md_cell(u.veto)}"
        if b.missing:
            yield ""
            yield md_cell(missing_note(b))
        if detail:
            yield ""
            yield "### " + _("Points lost by unit")
            yield ""
            for u in b.units:
                rows, item = unit_items(run, u, texts=False)
                # a unit's lines as one piece: 100,000 units' lists are
                # millions of lines, each handed on would cost more than its making
                yield "\n".join(_unit_detail(w, u, rows, item, precision, index, names_of_items))
            for m in b.missing:
                yield f"- **{md_cell(m.unit)}**" + _(" (incomplete: no observations, not scored)")
        yield ""
    if adjustments:
        yield "## " + w.adjustments
        yield ""
        yield _row(adjustment_header(w))
        yield _row([":---"] * len(ADJUSTMENT_KEYS))
        for a in adjustments:
            yield _row(md_cell(v) for v in adjustment_values(a))
        yield ""
    if run.adjustment_changes:
        yield from _changes(run, precision)


def _changes(run, precision: int) -> Iterator[str]:
    """复核前后: each adjusted unit's total and rank before and after."""
    from .adjust_view import change_header, change_texts, change_words, group_names

    w = change_words()
    named = group_names(run.rules)
    yield "## " + w.title
    yield ""
    yield _row(md_cell(h) for h in change_header(w))
    yield _row([":---", ":---"] + ["---:"] * 6)
    for c in run.adjustment_changes:
        yield _row(md_cell(t) for t in change_texts(w, c, precision, named))
    yield ""


class _Lines:
    """Lines joined by "\\n", trailing newlines trimmed, one "\\n" at the end:
    ``"\\n".join(lines).rstrip("\\n") + "\\n"`` written as the lines come.
    Newlines that may turn out to be trailing are held back until text
    follows them."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.held = ""
        self.first = True

    def add(self, line: str) -> None:
        piece = line if self.first else "\n" + line
        self.first = False
        body = piece.rstrip("\n")
        if body:
            self.out.write(self.held + body)
            self.held = piece[len(body):]
        else:
            self.held += piece

    def close(self) -> None:
        self.out.write("\n")
