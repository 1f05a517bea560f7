"""Draft a rule file from an indicator table in Word (.docx) or Excel (.xlsx).

    draft_table(path, title=None, year=None, classes=None, rules_id=None, table=None) -> Draft

The table is read with its merges (``read_docx``/``read_xlsx`` -> ``table``),
its structure taken from the header and the merged cells (``layout``), each
评分细则 read into clauses where a common phrasing is recognised
(``phrases``, ``reading``), and the whole written as YAML (``build``,
``yamlwrite``).  The draft is loaded back with the ordinary rule loader
before it is returned: a draft that does not validate is a bug, never a
file handed to the user.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ..problems import Problem, ProblemsError
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
        cid, _, name = part.partition("=")
        cid = cid.strip()
        if not _CLASS_ID.match(cid):
            raise ProblemsError([Problem(file="--classes", code="usage", message=f"类别代号“{cid}”只能用英文字母、数字和下划线(如 A、B、county)")], exit_code=2)
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
            raise ProblemsError([Problem(file=path, code="usage", message=f"--classes 给了 {len(wanted)} 个类别,而{grid.name}有 {len(header.classes)} 个分值列({found})")], exit_code=2)
        for col, (cid, name) in zip(header.classes, wanted):
            col.id = cid
            col.name = name or col.name
    raw = read_structure(grid, header)
    if raw.problems:
        raise ProblemsError(raw.problems)
    if not raw.sections:
        raise ProblemsError([Problem(file=path, code="no-items", message=f"{grid.name}的表头下面没有带分值的指标行")])
    title = title or raw.title or os.path.splitext(os.path.basename(path))[0]
    if year is None:
        m = _YEAR.search(title)
        year = int(m.group(1)) if m else None
    if rules_id is None:
        rules_id = f"draft-{year}" if year else "draft"
    elif not _RULES_ID.match(rules_id):
        raise ProblemsError([Problem(file="--id", code="usage", message=f"规则文件代号“{rules_id}”只能用小写英文字母、数字和 _ . -,以字母或数字开头")], exit_code=2)
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
            [Problem(file=path, code="draft-invalid", message=f"起草结果未通过校验(程序缺陷,请报告):{p.format()}") for p in exc.problems],
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
                    raise ProblemsError([Problem(file=path, code="no-header", message=f"{g.name}没有找到表头:表头需有“评分细则”(或评分标准)列和“分值”列")])
                return g, h
        names = "、".join(g.name for g in grids) or "(没有表格)"
        raise ProblemsError([Problem(file=path, code="usage", message=f"没有“{wanted}”这张表;可选:{names}")], exit_code=2)
    if not candidates:
        raise ProblemsError([Problem(file=path, code="no-header", message="没有找到指标表:表头需有“评分细则”(或评分标准)列和“分值”列")])
    if len(candidates) > 1:
        listing = ";".join(f"{g.name} {(g.caption or '')[:30]}".strip() for g, _ in candidates)
        raise ProblemsError([Problem(file=path, code="several-tables", message=f"文件中有 {len(candidates)} 张指标表({listing}),请用 --table 指定一张")], exit_code=2)
    return candidates[0]
