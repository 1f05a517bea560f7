"""The csv report: one row per unit (the summary) or, with ``--detail``,
one row per unit and item.

The column names follow the language of the run: the documented ASCII words
in English (``rules,rank_group,rank,unit,class,...``), the words of the
published tables in Chinese (``规则文件,排名组,排名,单位,类别,...``);
``SUMMARY_COLUMNS.key_of`` and ``DETAIL_COLUMNS.key_of`` read a header in
either.  What a reader sees are names, never internal ids: the rule file's
title, the rank group and the class by the names the rule file gives them;
the item's id stays in the detail (it is what an adjustments file names).
Numbers are plain decimal text from ``exact.fmt`` (never a float).  Every
text cell from an input goes through ``inert_csv`` so a unit name such as
``=HYPERLINK(...)`` is shown, not run, by a spreadsheet program.  RFC 4180:
CRLF line ends, and a field holding CR or LF is quoted, so a text never
starts a row of its own.
"""

from __future__ import annotations

import csv
import re
from typing import IO, Iterator

from ..i18n import NP_, Labels, _
from .textsafe import CSV_TRIGGERS, inert_csv
from .view import (
    REASON_SEP,
    adjustments_index,
    adjustments_text,
    blocks,
    class_names,
    group_name,
    item_figures,
    is_missing,
    num,
    reasons_text,
    section_union,
    section_value,
    shared_made,
    unit_items,
)

# The English of each column is its documented name; "csv column" tells
# these words from the same English elsewhere ("complete" of a status).
SUMMARY_COLUMNS = Labels(
    rules=NP_("csv column", "rules"),
    rank_group=NP_("csv column", "rank_group"),
    rank=NP_("csv column", "rank"),
    unit=NP_("csv column", "unit"),
    cls=NP_("csv column", "class"),
    base=NP_("csv column", "base"),
    bonus=NP_("csv column", "bonus"),
    penalty=NP_("csv column", "penalty"),
    total=NP_("csv column", "total"),
    grade=NP_("csv column", "grade"),
    complete=NP_("csv column", "complete"),
    veto=NP_("csv column", "veto"),
    total_before_review=NP_("csv column", "total_before_review"),
    rank_before_review=NP_("csv column", "rank_before_review"),
)
DETAIL_COLUMNS = Labels(
    rules=NP_("csv column", "rules"),
    unit=NP_("csv column", "unit"),
    cls=NP_("csv column", "class"),
    item=NP_("csv column", "item"),
    path=NP_("csv column", "path"),
    max=NP_("csv column", "max"),
    score=NP_("csv column", "score"),
    lost=NP_("csv column", "lost"),
    reasons=NP_("csv column", "reasons"),
    arithmetic=NP_("csv column", "arithmetic"),
    evidence=NP_("csv column", "evidence"),
    scorer=NP_("csv column", "scorer"),
    complete=NP_("csv column", "complete"),
    adjusted=NP_("csv column", "adjusted"),
)
SUMMARY_HEAD = ["rules", "rank_group", "rank", "unit", "cls"]
SUMMARY_TAIL = ["base", "bonus", "penalty", "total", "grade", "complete"]
DETAIL_HEAD = ["rules", "unit", "cls", "item", "path", "max", "score", "lost", "reasons", "arithmetic", "evidence", "scorer", "complete"]


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _grouped(run) -> Iterator[tuple[str, str, object]]:
    """(rank group's name, class's name, unit) in report order: each table's
    ranked units, then its units without observations."""
    names = class_names(run.rules)
    for b in blocks(run.results, run.missing):
        group = group_name(b, run.rules)
        for u in (*b.units, *b.missing):
            yield group, names.get((u.rules_id, u.cls), u.cls), u


def summary_rows(run, precision: int) -> Iterator[list[str]]:
    """One row per unit; a unit without observations (--partial) after the
    ranked units of its group, with no rank and no figure."""
    results = run.results
    sections = section_union(results)
    # which veto applied, when one did: a column of its own (a veto that
    # stops scoring leaves base, bonus, penalty and perhaps total blank)
    vetoed = any(u.veto for u in results)
    # with --adjust, an adjusted unit's total and rank before review (复核前);
    # blank for the units no adjustment touched
    changed = {(c.rules_id, c.unit): c for c in run.adjustment_changes}
    before = ["total_before_review", "rank_before_review"] if changed else []
    yield (
        [SUMMARY_COLUMNS[k] for k in SUMMARY_HEAD] + [inert_csv(s) for s in sections] + [SUMMARY_COLUMNS[k] for k in SUMMARY_TAIL]
        + ([SUMMARY_COLUMNS["veto"]] if vetoed else []) + [SUMMARY_COLUMNS[k] for k in before]
    )
    for group, cls, u in _grouped(run):
        head = [inert_csv(u.rules_title), inert_csv(group)]
        if is_missing(u):
            yield head + ["", inert_csv(u.unit), inert_csv(cls), *[""] * (len(sections) + 5), _yes(False)] + ([""] if vetoed else []) + [""] * len(before)
            continue
        row = head + [
            str(u.rank) if u.rank else "",
            inert_csv(u.unit),
            inert_csv(cls),
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
        if changed:
            c = changed.get((u.rules_id, u.unit))
            row += ["", ""] if c is None else [num(c.total_before, precision), str(c.rank_before)]
        yield row


def csv_field(text: str) -> str:
    """``text`` as the csv module writes a field with the dialect of these
    reports (comma, double quote, CRLF, QUOTE_MINIMAL): quoted when it holds
    a comma, a quote, CR or LF, its quotes doubled."""
    if _NEEDS_QUOTES.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


_NEEDS_QUOTES = re.compile('[",\r\n]')


def csv_text(text) -> str:
    """A text from an input as a csv field: made inert (``inert_csv``) and
    quoted (``csv_field``).  Most texts need neither: one search says so
    (a detail of 100,000 units asks for millions)."""
    if text.__class__ is str and _CHANGED_ANYWHERE.search(text) is None and not text.startswith(CSV_TRIGGERS):
        return text
    return csv_field(inert_csv(text))


# what ``inert_csv`` or ``csv_field`` would change anywhere: a control
# character (tab, CR and LF among them), a lone surrogate or non-character,
# a quote or a comma (one character set: the regex engine's fast scan; an
# alternation with "^" is slower than both searches were); and first, one
# of ``CSV_TRIGGERS``
_CHANGED_ANYWHERE = re.compile(r'[\x00-\x1f\ud800-\udfff\ufffe\uffff",]')


def detail_lines(run, precision: int) -> Iterator[bytes]:
    """The detail as csv in UTF-8, a unit's lines at a time: one line per
    unit and item, with an ``adjusted`` column (the 复核 notes of the item)
    when the run has adjustments.

    Written as bytes rather than through ``csv.writer`` because most of a
    line repeats: the unit's cells for each of its items, and an item's
    cells (path, figures, reasons, arithmetic) for every unit with the same
    explanation.  Each is quoted (``csv_field``) and encoded once, so a line
    costs one formatting of bytes instead of quoting thirteen cells and
    encoding them again: the bytes are those ``csv.writer`` writes in UTF-8
    (tests compare them)."""
    index = adjustments_index(run.adjustments)
    with_adj = bool(run.adjustments)
    head = [DETAIL_COLUMNS[k] for k in DETAIL_HEAD] + ([DETAIL_COLUMNS["adjusted"]] if with_adj else [])
    yield (",".join(map(csv_field, head)) + EOL).encode()
    not_scored = _("no observations: not scored, not ranked")
    # an item's cells but the unit's own texts, made once per explanation
    # (every unit with the same values shows the same cells)
    what = ("csv detail", precision)

    def item_cells(it) -> tuple[bytes, bytes]:
        mx, score, lost = item_figures(it)
        cells = [
            csv_text(it.id), csv_text(" / ".join(it.path)), num(mx, precision), num(score, precision), num(lost, precision),
            csv_text(reasons_text(it)), csv_text(it.arithmetic()),
        ]
        return (",".join(cells) + ",").encode(), ("," + _yes(it.complete)).encode()

    def line_of(lead: str, row: list[str]) -> bytes:
        return (lead + ",".join(map(csv_text, row)) + EOL).encode()

    scorers_of = _Known()
    known = scorers_of.made.get
    for _group, class_name, unit in _grouped(run):
        lead_text = ",".join([csv_text(unit.rules_title), csv_text(unit.unit), csv_text(class_name)]) + ","
        if is_missing(unit):
            yield line_of(lead_text, ["", "", "", "", "", not_scored, "", "", "", _yes(False)] + ([""] if with_adj else []))
            continue
        lead = lead_text.encode()
        lines = []
        rows, item = unit_items(run, unit)
        for shown, (evidence, scorers), ref in rows:
            # ``shared_made`` spelt out (the cells are a tuple, never None):
            # a call per line was 1% of the whole command
            made = shown.get(what) if shown is not None else None
            cells, complete = made if made is not None else item(ref).shared(what, item_cells)
            # csv_text leaves no lone surrogate: the text encodes
            evidence = csv_text(evidence).encode() if evidence else b""
            scorers = known(scorers) or scorers_of(scorers)
            adjusted = ("," + csv_text(adjustments_text(index, unit.unit, item(ref).id))).encode() if with_adj else b""
            lines.append(b"%s%s%s,%s%s%s\r\n" % (lead, cells, evidence, scorers, complete, adjusted))
        if not rows:
            # no item scored (a veto that stops scoring): the unit still has
            # its line, saying why, never vanishes from the detail
            why = REASON_SEP.join(unit.notes) or _("no item of the unit was scored")
            lines.append(line_of(lead_text, ["", "", "", "", "", why, "", "", "", _yes(unit.complete)] + ([""] if with_adj else [])))
        yield b"".join(lines)


EOL = "\r\n"  # RFC 4180


class _Known:
    """``csv_text`` of the scorers' names in UTF-8, remembered: the same
    names come back item after item (the evidence mostly differs, and is
    made afresh).  A bounded memory: past ``CAP`` texts the rest are made
    afresh."""

    CAP = 1 << 14

    def __init__(self) -> None:
        self.made: dict[str, bytes] = {"": b""}

    def __call__(self, text: str) -> bytes:
        made = self.made.get(text)
        if made is None:
            made = csv_text(text).encode()
            if len(self.made) < self.CAP:
                self.made[text] = made
        return made


def write_csv(run, out: IO[str], options, *, bom: bool = False, raw: IO[bytes] | None = None) -> None:
    """The summary or (``options.detail``) the detail, row by row; ``bom``
    prefixes a UTF-8 byte-order mark so that Excel opens the file as UTF-8.
    ``raw``: the UTF-8 file under ``out``, which the detail is written to
    as it is made (the text layer would decode and encode it again)."""
    if bom:
        out.write("\ufeff")
    if options.detail:
        if raw is not None:
            out.flush()  # the mark, before the bytes
            for chunk in detail_lines(run, options.decimals):
                raw.write(chunk)
        else:
            for chunk in detail_lines(run, options.decimals):
                out.write(chunk.decode())
        return
    # RFC 4180: CRLF line ends; a field holding CR or LF (both in the line
    # terminator) is quoted, so a bare CR never starts a new row
    writer = csv.writer(out, lineterminator=EOL, quoting=csv.QUOTE_MINIMAL)
    for row in summary_rows(run, options.decimals):
        writer.writerow(row)
