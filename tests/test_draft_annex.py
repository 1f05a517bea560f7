"""Annex 2 and Annex 3 of the seed, as Word and Excel tables, drafted and
compared with the hand-made rule files: every section, group and item with
its words verbatim, and every 分值 per class."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, run_cli
from draft_tables import annex, write_docx, write_xlsx
from gkscore.draft import draft_table
from gkscore.rules.load import load_rules
from gkscore.rules.resolve import per_class

HAND = {2: ROOT / "rules" / "county_2020.yaml", 3: ROOT / "rules" / "citydept_2020.yaml"}
CLASSES = {2: "county", 3: None}


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    d = tmp_path_factory.mktemp("annex")
    out = {}
    for n in (2, 3):
        out[(n, "docx")] = write_docx(annex(n), d / f"annex{n}.docx")
        out[(n, "xlsx")] = write_xlsx(annex(n), d / f"annex{n}.xlsx")
    return out


def structure(rs):
    """Everything of the table a person typed, resolved per class; ids, fields and clauses left out."""
    classes = list(rs.classes)
    pc = lambda v: None if v is None else tuple(per_class(v, c) for c in classes)  # noqa: E731
    out = []
    for s in rs.sections:
        out.append(("section", s.name, s.kind, pc(s.points), pc(s.cap)))
        for g in s.groups:
            out.append(("group", g.name, pc(g.points)))
            for i in g.items:
                out.append(("item", i.description, i.text, pc(i.max)))
    return classes, out


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_draft_matches_the_hand_encoding(tables, tmp_path, n, kind):
    d = draft_table(str(tables[(n, kind)]), classes=CLASSES[n])
    path = tmp_path / "draft.yaml"
    path.write_text(d.yaml_text, encoding="utf-8")
    drafted = load_rules(str(path)).ruleset
    hand = load_rules(str(HAND[n])).ruleset
    assert structure(drafted) == structure(hand)
    assert {c: v.max for c, v in drafted.classes.items()} == {c: v.max for c, v in hand.classes.items()}
    assert drafted.title == hand.title and drafted.year == 2020


@pytest.mark.parametrize("n", [2, 3])
def test_word_and_excel_give_the_same_draft(tables, n):
    a = draft_table(str(tables[(n, "docx")]), classes=CLASSES[n]).yaml_text
    b = draft_table(str(tables[(n, "xlsx")]), classes=CLASSES[n]).yaml_text
    strip = lambda t: re.sub(r"annex\d\.(docx|xlsx)|表1|附件\d", "", t)  # noqa: E731 - the source names differ
    assert strip(a) == strip(b)


def test_draft_is_the_same_every_time(tables):
    runs = {draft_table(str(tables[(3, "docx")])).yaml_text for _ in range(2)}
    assert len(runs) == 1


@pytest.mark.parametrize("n", [2, 3])
def test_cli_draft_validates_and_lint_lists_every_check(tables, tmp_path, n):
    out = tmp_path / f"annex{n}.yaml"
    args = ["--lang", "zh", "draft", str(tables[(n, "docx")]), "-o", str(out)] + (["--classes", CLASSES[n]] if CLASSES[n] else [])
    r = run_cli(*args)
    assert r.exit_code == 0, r.stderr
    assert "项已识别为计分条款" in r.stderr and "gkscore lint" in r.stderr
    assert run_cli("validate", str(out)).exit_code == 0
    lint = run_cli("lint", str(out))
    assert lint.exit_code == 0
    d = draft_table(str(tables[(n, "docx")]), classes=CLASSES[n])
    checks = [line for line in lint.stdout.splitlines() if "待核" in line]
    # one note per item/section with checks; each check of the draft appears in one
    owners = {owner for owner, _ in d.stats.checks}
    assert len(checks) == len(owners)
    for owner, what in d.stats.checks:
        assert any(what[:30] in line for line in checks), what
    # and nothing unread is left without one: every judged item has a 待核 note
    rs = load_rules(str(out)).ruleset
    for s in rs.sections:
        for g in s.groups:
            for i in g.items:
                if any(c.kind == "judged" for c in i.clauses):
                    assert i.note and i.note.startswith("待核"), i.id


def test_ids_follow_the_structure(tables):
    rs = load_rules_text(draft_table(str(tables[(2, "docx")]), classes="county").yaml_text)
    assert [s.id for s in rs.sections] == [f"s{i}" for i in range(1, 8)]
    assert [g.id for g in rs.sections[1].groups][:3] == ["s2.g1", "s2.g2", "s2.g3"]
    assert [i.id for i in rs.sections[0].groups[0].items] == ["s1.g1.i1", "s1.g1.i2", "s1.g1.i3", "s1.g1.i4"]
    assert rs.sections[5].kind == "bonus" and rs.sections[6].kind == "penalty"


def test_stated_caps_and_unstated_caps(tables):
    county = load_rules_text(draft_table(str(tables[(2, "docx")]), classes="county").yaml_text)
    assert county.sections[5].cap == 5 and county.sections[5].note is None  # 加分项(5分)
    dept = load_rules_text(draft_table(str(tables[(3, "docx")])).yaml_text)
    bonus = dept.sections[4]
    assert bonus.cap == {"A": 7, "B": 7} and bonus.note.startswith("待核 — 表中未写加分上限")


def test_group_proviso_becomes_void_if(tables):
    county = load_rules_text(draft_table(str(tables[(2, "docx")]), classes="county").yaml_text)
    group = county.sections[1].groups[5]
    assert group.name == "政策解读" and group.void_if is not None
    assert group.void_text == "文件公开数量明显与实际制发数量存在较大出入的,不得分"


def test_class_names_and_ids(tables):
    dept = load_rules_text(draft_table(str(tables[(3, "xlsx")]), classes="A=开设有网站的市直部门,B=未开设网站的市直部门").yaml_text)
    assert {c: v.name for c, v in dept.classes.items()} == {"A": "开设有网站的市直部门", "B": "未开设网站的市直部门"}
    dept = load_rules_text(draft_table(str(tables[(3, "xlsx")])).yaml_text)
    assert {c: v.name for c, v in dept.classes.items()} == {"A": "A类", "B": "B类"}


def load_rules_text(text: str):
    return load_rules("draft.yaml", data=text.encode("utf-8")).ruleset
