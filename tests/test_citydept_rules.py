"""The 市直部门 rule file (黄公开办【2020】2号 附件3) against its source text."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from gkscore.rules.load import load_rules
from gkscore.rules.resolve import item_max, per_class, walk

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "citydept_2020.yaml"
SEED = Path(__file__).resolve().parent / "data" / "seed_huanggang_2020.txt"

# (A, B) 分值 of every base item, in the annex's order; None = blank cell.
EXPECTED_MAXIMA = [
    # 日常管理 / 组织推进
    (2, 2), (2, 2), (2, 2), (2, 2), (2, 2),
    # 日常管理 / 监督检查
    (4, 4), (8, 2), (2, 1), (1, 1), (1, 1), (1, 1),
    # 主动公开
    (2, 3), (1, 2), (1, 1), (1, 1), (1, 1), (2, 2), (6, 6),
    (3, 3), (2, 2), (2, 2), (2, 2),
    (2, 2), (2, 2), (2, 2), (2, 3), (2, 2),
    (2, 2), (2, 2), (1, 0), (6, 6), (1, 2), (6, 6), (2, 2), (2, 2), (2, 2), (1, 1),
    # 依申请公开
    (3, 3), (2, 2), (1, 1),
    # 平台建设
    (2, 4), (2, 3), (4, 6), (1, None),
]


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _dec(value):
    return None if value is None else Decimal(value)


@pytest.fixture(scope="module")
def loaded():
    return load_rules(str(RULES))


@pytest.fixture(scope="module")
def rs(loaded):
    return loaded.ruleset


@pytest.fixture(scope="module")
def seed() -> str:
    """The text of 附件3 only, so that a row copied from 附件2 (县市区) fails."""
    text = SEED.read_text(encoding="utf-8")
    assert text.count("附件3") == 1
    return _collapse(text.split("附件3", 1)[1])


def _items(rs, kind):
    return [item for _, section, _, _, _, item in walk(rs) if section.kind == kind]


def _item_by_text(rs, fragment):
    found = [item for _, _, _, _, _, item in walk(rs) if fragment in item.text or fragment in (item.description or "")]
    assert len(found) == 1, fragment
    return found[0]


def test_loads_without_errors(loaded):
    # load_rules raises ProblemsError on any error; only notes may remain.
    assert [w.code for w in loaded.warnings if w.code != "note"] == []


def test_header(rs):
    assert rs.id == "huanggang-citydept-2020"
    assert rs.title == "2020年黄冈市政务公开及政府网站考评指标(市直部门)"
    assert [s.kind for s in rs.sections] == ["base", "base", "base", "base", "bonus", "penalty"]
    assert [s.name for s in rs.sections] == ["日常管理", "主动公开", "依申请公开", "平台建设", "加分项", "扣分项"]


def test_classes_max_100(rs):
    assert set(rs.classes) == {"A", "B"}
    assert rs.classes["A"].max == Decimal(100)
    assert rs.classes["B"].max == Decimal(100)


@pytest.mark.parametrize("cls", ["A", "B"])
def test_base_items_sum_to_100(rs, cls):
    total = sum((item_max(i, cls) or Decimal(0)) for i in _items(rs, "base"))
    assert total == Decimal(100)


def test_item_maxima_in_annex_order(rs):
    got = [(item_max(i, "A"), item_max(i, "B")) for i in _items(rs, "base")]
    want = [(_dec(a), _dec(b)) for a, b in EXPECTED_MAXIMA]
    assert got == want


def test_zero_versus_not_applicable(rs):
    service = _item_by_text(rs, "与湖北政务服务网同源")
    assert isinstance(service.max, dict) and "B" in service.max
    assert item_max(service, "B") == Decimal(0)
    assert item_max(service, "B") is not None
    report = _item_by_text(rs, "部门网站在市政府门户网站发布《政府网站工作年度报表》的。")
    assert isinstance(report.max, dict) and "B" in report.max
    assert item_max(report, "B") is None
    assert item_max(report, "A") == Decimal(1)


def test_bonus_and_penalty(rs):
    bonus = [(item_max(i, "A"), item_max(i, "B")) for i in _items(rs, "bonus")]
    assert bonus == [(Decimal(5), Decimal(5)), (Decimal(2), Decimal(2))]
    penalty_sections = [s for s in rs.sections if s.kind == "penalty"]
    assert len(penalty_sections) == 1
    assert per_class(penalty_sections[0].cap, "A") == Decimal(5)
    assert per_class(penalty_sections[0].cap, "B") == Decimal(5)
    penalty = [(item_max(i, "A"), item_max(i, "B")) for i in _items(rs, "penalty")]
    assert penalty == [(Decimal(5), Decimal(5))]


def test_texts_are_verbatim(rs, seed):
    """Every name, 指标说明, 评分细则 and clause text occurs in the notice.

    Multi-row items join their rows with a newline; each row must occur."""
    checked = 0
    for _, section, _, group, _, item in walk(rs):
        pieces = [section.name, group.name, *item.text.split("\n")]
        if item.description:
            pieces += item.description.split("\n")
        pieces += [c.text for c in item.clauses if c.text]
        for piece in pieces:
            assert _collapse(piece) in seed, f"{item.id}: {piece!r} is not in the seed"
            checked += 1
    assert checked > 100


def test_whole_cells_not_fragments(rs, seed):
    """A single-row item's text is the whole 评分细则 cell: a line of the seed."""
    annex = SEED.read_text(encoding="utf-8").split("附件3", 1)[1]
    lines = {_collapse(line) for line in annex.splitlines()}
    for _, _, _, _, _, item in walk(rs):
        for row in item.text.split("\n"):
            assert _collapse(row) in lines, f"{item.id}: {row!r} is not a whole cell"
        for row in (item.description or "").split("\n") if item.description else []:
            assert _collapse(row) in lines, f"{item.id}: {row!r} is not a whole cell"


def test_clause_texts_belong_to_their_item(rs):
    for _, _, _, _, _, item in walk(rs):
        for clause in item.clauses:
            if clause.text:
                assert _collapse(clause.text) in _collapse(item.text), item.id
