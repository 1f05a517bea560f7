"""Draft a rule file from an indicator table in Word (.docx) or Excel (.xlsx).

    draft_table(path, title=None, year=None, classes=None, rules_id=None, table=None) -> Draft

The table is read with its merges (``read_docx``/``read_xlsx`` -> ``table``),
its structure taken from the header and the merged cells (``layout``), each
评分细则 read into clauses where a common phrasing is recognised
(``phrases``, ``reading``), and the whole written as YAML (``build``,
``yamlwrite``).  The draft is loaded back with the ordinary rule loader
before it is returned: a draft that does not validate is a bug, never a
file handed to the user.

Messages to the user go through ``i18n``; the words written into the rule
file (its notes, prompts and comments, 待核 included) are Chinese, the
language of the table they come from: they are the file's content.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ..i18n import _
from ..problems import Problem, ProblemsError, quote
from .build import DraftStats

_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
_CLASS_ID = re.compile(r"^[A-Za-z0-9_]{1,32}$")
_RULES_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@dataclass
class Draft:
    yaml_text: str
    stats: DraftStats
    table_name: str
    warnings: list[Problem]  # what `gkscore lint` will say about the draft


def parse_classes(spec: str) -> list[tuple[str, str | None]]:
    """'A,B' or 'A=开设网站的部门,B=未开设网站的部门' -> [(id, name)]."""
    out = []
    for part in re.split(r"[,，]", spec):
        part = part.strip()
        if not part:
            continue
        cid, _sep, name = part.partition("=")
        cid = cid.strip()
        if not _CLASS_ID.match(cid):
            message = _("class id {id} may hold only ASCII letters, digits and _ (such as A, B, county)").format(id=quote(cid))
            raise ProblemsError([Problem(file="--classes", code="usage", message=message)], exit_code=2)
        out.append((cid, name.strip() or None))
    return out


def draft_table(path: str, *, title: str | None = None, year: int | None = None, classes: str | None = None,
                rules_id: str | None = None, table: str | None = None) -> Draft:
    from ..rules.load import load_rules
    from .build import build
    from .container import table_kind
    from .header import find_header
    from .layout import read_structure
    from .yamlwrite import dump_rules

    kind = table_kind(path)
    if kind == "docx":
        from .read_docx import read_docx_tables

        grids = read_docx_tables(path)
    else:
        from .read_xlsx import read_xlsx_tables

        grids = read_xlsx_tables(path)
    grid, header = _choose(path, grids, table, find_header)
    if classes:
        wanted = parse_classes(classes)
        if len(wanted) != len(header.classes):
            found = "、".join(grid.cell(header.row if header.end == header.row + 1 else header.end - 1, c.col).text or c.name for c in header.classes)
            message = _("--classes names {given} classes but {table} has {columns} 分值 columns ({found})").format(
                given=len(wanted), table=grid.name, columns=len(header.classes), found=found)
            raise ProblemsError([Problem(file=path, code="usage", message=message)], exit_code=2)
        for col, (cid, name) in zip(header.classes, wanted):
            col.id = cid
            col.name = name or col.name
    raw = read_structure(grid, header)
    if raw.problems:
        raise ProblemsError(raw.problems)
    if not raw.sections:
        raise ProblemsError([Problem(file=path, code="no-items", message=_("{table} has no rows with 分值 below its header").format(table=grid.name))])
    title = title or raw.title or os.path.splitext(os.path.basename(path))[0]
    if year is None:
        m = _YEAR.search(title)
        year = int(m.group(1)) if m else None
    if rules_id is None:
        rules_id = f"draft-{year}" if year else "draft"
    elif not _RULES_ID.match(rules_id):
        message = _("rule file id {id} may hold only lower-case ASCII letters, digits, _ . and -, starting with a letter or digit").format(id=quote(rules_id))
        raise ProblemsError([Problem(file="--id", code="usage", message=message)], exit_code=2)
    built = build(raw, title=title, year=year, rules_id=rules_id, source=f"{os.path.basename(path)} {grid.name}")
    header_lines = [
        f"由 gkscore draft 根据 {os.path.basename(path)}({grid.name})起草,请逐项核对后再使用。",
        f"共 {built.stats.items} 项,其中 {built.stats.recognised} 项的评分细则已识别为计分条款;",
        f"待核 {len(built.stats.checks)} 处,见各处 note(gkscore lint 本文件 逐条列出),核对后删去“待核”说明。",
        "编号规则:第n个一级指标为 s<n>,其中第m个二级指标为 s<n>.g<m>,其中第k项为 s<n>.g<m>.i<k>。",
    ]
    text = dump_rules(built.data, built.comments, header_lines)
    try:
        loaded = load_rules(f"{os.path.splitext(path)[0]}.yaml", data=text.encode("utf-8"))
    except ProblemsError as exc:
        raise ProblemsError(
            [Problem(file=path, code="draft-invalid", message=_("the draft does not validate (a bug in gkscore; please report it): {problem}").format(problem=p.format())) for p in exc.problems],
            exit_code=3,
        )
    return Draft(yaml_text=text, stats=built.stats, table_name=grid.name, warnings=loaded.warnings)


def _choose(path: str, grids, wanted: str | None, find_header):
    found = [(g, find_header(g)) for g in grids]
    candidates = [(g, h) for g, h in found if h is not None]
    if wanted is not None:
        for i, (g, h) in enumerate(found, 1):
            if wanted in (str(i), g.name, f"表{i}"):
                if h is None:
                    raise ProblemsError([Problem(file=path, code="no-header", message=_("{table} has no header row: it needs a 评分细则 (or 评分标准) column and a 分值 column").format(table=g.name))])
                return g, h
        names = ", ".join(g.name for g in grids) or _("(no tables)")
        raise ProblemsError([Problem(file=path, code="usage", message=_("no table {table}; the tables are: {names}").format(table=quote(wanted), names=names))], exit_code=2)
    if not candidates:
        raise ProblemsError([Problem(file=path, code="no-header", message=_("no indicator table found: its header needs a 评分细则 (or 评分标准) column and a 分值 column"))])
    if len(candidates) > 1:
        listing = "; ".join(f"{g.name} {(g.caption or '')[:30]}".strip() for g, _h in candidates)
        message = _("the file holds {n} indicator tables ({listing}); choose one with --table").format(n=len(candidates), listing=listing)
        raise ProblemsError([Problem(file=path, code="several-tables", message=message)], exit_code=2)
    return candidates[0]
