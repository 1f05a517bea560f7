"""The csv report: one row per unit (the summary) or, with ``--detail``,
one row per unit and item.

The column names are the same ASCII words in every language (a script reads
them); the texts come from the view model.  Numbers are plain decimal text
from ``exact.fmt`` (never a float).  Every text cell from an input goes
through ``inert_csv`` so a unit name such as ``=HYPERLINK(...)`` is shown,
not run, by a spreadsheet program.  RFC 4180: CRLF line ends, and a field
holding CR or LF is quoted, so a text never starts a row of its own.
"""

from __future__ import annotations

import csv
from typing import IO, Iterator

from ..i18n import _
from .textsafe import inert_csv
from .view import (
    adjustments_index,
    adjustments_text,
    evidence_text,
    item_figures,
    is_missing,
    num,
    ordered_rows,
    reasons_text,
    scorers_text,
    section_union,
    section_value,
    with_items,
)

SUMMARY_HEAD = ["rules", "rank_group", "rank", "unit", "class"]
SUMMARY_TAIL = ["base", "bonus", "penalty", "total", "grade", "complete"]
DETAIL_HEAD = ["rules", "unit", "class", "item", "path", "max", "score", "lost", "reasons", "arithmetic", "evidence", "scorer", "complete"]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def summary_rows(run, precision: int) -> Iterator[list[str]]:
    """One row per unit; a unit without observations (--partial) after the
    ranked units of its group, with no rank and no figure."""
    results = run.results
    sections = section_union(results)
    # which veto applied, when one did: a column of its own (a veto that
    # stops scoring leaves base, bonus, penalty and perhaps total blank)
    vetoed = any(u.veto for u in results)
    yield SUMMARY_HEAD + [inert_csv(s) for s in sections] + SUMMARY_TAIL + (["veto"] if vetoed else [])
    for u in ordered_rows(results, run.missing):
        if is_missing(u):
            yield [inert_csv(u.rules_id), inert_csv(u.rank_group), "", inert_csv(u.unit), inert_csv(u.cls), *[""] * (len(sections) + 5), _yes(False)] + ([""] if vetoed else [])
            continue
        row = [
            inert_csv(u.rules_id),
            inert_csv(u.rank_group),
            str(u.rank) if u.rank else "",
            inert_csv(u.unit),
            inert_csv(u.cls),
            *[num(section_value(u, s), precision) for s in sections],
            num(u.base, precision),
            num(u.bonus, precision),
            num(u.penalty, precision),
            num(u.total, precision),
            inert_csv(u.grade or ""),
            _yes(u.complete),
        ]
        if vetoed:
            row.append(inert_csv(u.veto or ""))
        yield row


def detail_rows(run, precision: int) -> Iterator[list[str]]:
    """One row per unit and item, with an ``adjusted`` column (the 复核
    notes of the item) when the run has adjustments."""
    index = adjustments_index(run.adjustments)
    with_adj = bool(run.adjustments)
    yield DETAIL_HEAD + (["adjusted"] if with_adj else [])
    not_scored = _("no observations: not scored, not ranked")
    for u in with_items(ordered_rows(run.results, run.missing), run.detail):
        if is_missing(u):
            row = [inert_csv(u.rules_id), inert_csv(u.unit), inert_csv(u.cls), "", "", "", "", "", inert_csv(not_scored), "", "", "", _yes(False)]
            yield row + ([""] if with_adj else [])
            continue
        for it in u.items:
            mx, score, lost = item_figures(it)
            row = [
                inert_csv(u.rules_id),
                inert_csv(u.unit),
                inert_csv(u.cls),
                inert_csv(it.id),
                inert_csv(" / ".join(it.path)),
                num(mx, precision),
                num(score, precision),
                num(lost, precision),
                inert_csv(reasons_text(it)),
                inert_csv(it.arithmetic()),
                inert_csv(evidence_text(it)),
                inert_csv(scorers_text(it)),
                _yes(it.complete),
            ]
            if with_adj:
                row.append(inert_csv(adjustments_text(index, u.unit, it.id)))
            yield row


def write_csv(run, out: IO[str], options, *, bom: bool = False) -> None:
    """The summary or (``options.detail``) the detail, row by row; ``bom``
    prefixes a UTF-8 byte-order mark so that Excel opens the file as UTF-8."""
    rows = detail_rows(run, options.decimals) if options.detail else summary_rows(run, options.decimals)
    if bom:
        out.write("\ufeff")
    # RFC 4180: CRLF line ends; a field holding CR or LF (both in the line
    # terminator) is quoted, so a bare CR never starts a new row
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(row)
