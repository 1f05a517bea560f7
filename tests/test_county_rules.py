"""The county rule file encodes Annex 2 of 黄公开办【2020】2号 faithfully."""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO / "src") not in sys.path:  # running without PYTHONPATH=src
    sys.path.insert(0, str(REPO / "src"))

from gkscore.rules.load import load_rules, load_units  # noqa: E402
from gkscore.rules.resolve import item_max, walk  # noqa: E402

RULES = REPO / "rules" / "county_2020.yaml"
UNITS = REPO / "rules" / "units.yaml"
SEED_COPY = HERE / "data" / "seed_huanggang_2020.txt"
SEED_SHARED = Path(__file__).resolve().parents[2] / "shared/seeds/000_50238bad140dc6e8.txt"

# 分值 of every row of Annex 2 that has its own 分值 cell, in the annex's order,
# transcribed from the seed; then 加分项 and 扣分项.
BASE_MAXIMA = [
    # 日常管理
    "2", "2", "2", "2",
    "8", "2", "1", "2", "1",
    # 主动公开
    "1",
    "2",
    "2", "1",
    "1", "3",
    "6",
    "1", "2", "1", "1",
    "4", "2", "2", "2", "2",
    "2", "1",
    "1", "1",
    "1",
    "1",
    "1", "1", "2",
    "1", "2", "2", "2",
    "2",
    "2", "1", "1",
    "1",
    # 依申请公开
    "1", "2", "1",
    # 平台建设
    "2", "4", "1", "1", "1", "3",
    # 基层政务公开
    "1", "1", "2",
]
ALL_MAXIMA = [Decimal(m) for m in BASE_MAXIMA] + [Decimal(5), Decimal(5)]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed() -> str:
    return squash(SEED_COPY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def annex2(seed) -> str:
    start = seed.index("附件2 2020年黄冈市政务公开及政府网站考评指标(县市区)")
    end = seed.index("附件3 2020年黄冈市政务公开及政府网站考评指标(市直部门)")
    return seed[start:end]


@pytest.fixture(scope="module")
def loaded():
    return load_rules(str(RULES))  # raises ProblemsError on any error


SEED_SHA256 = "225ded64012777912f129d36d12d5ded1c3557cbad42d39d99372faee276f1a3"


def test_seed_copy_is_the_notice():
    # The committed copy is byte-identical to shared/seeds/000_50238bad140dc6e8.txt
    # (pinned by hash, so this holds wherever the tests run).
    import hashlib

    assert hashlib.sha256(SEED_COPY.read_bytes()).hexdigest() == SEED_SHA256
    if SEED_SHARED.exists():
        assert SEED_COPY.read_bytes() == SEED_SHARED.read_bytes()


def test_loads_without_errors(loaded):
    assert loaded.ruleset.id == "huanggang-county-2020"
    codes = {w.code for w in loaded.warnings}
    # only recorded readings (notes); no unused fields, no clause sums off
    assert codes <= {"note"}, [w.format() for w in loaded.warnings if w.code != "note"]


def test_class_total(loaded):
    rs = loaded.ruleset
    assert list(rs.classes) == ["county"]
    assert rs.classes["county"].max == Decimal(100)
    base = sum(item_max(i, "county") for _, s, _, _, _, i in walk(rs) if s.kind == "base")
    assert base == Decimal(100)


def test_item_maxima_in_annex_order(loaded):
    maxima = [item_max(i, "county") for *_, i in walk(loaded.ruleset)]
    assert maxima == ALL_MAXIMA


def test_bonus_and_penalty_caps(loaded):
    by_kind = {s.kind: s for s in loaded.ruleset.sections if s.kind != "base"}
    assert by_kind["bonus"].cap == Decimal(5)
    assert by_kind["penalty"].cap == Decimal(5)
    assert [s.id for s in loaded.ruleset.sections] == ["rcgl", "zdgk", "ysqgk", "ptjs", "jcgk", "jfx", "kfx"]


def test_texts_are_verbatim(loaded, annex2):
    # Rows sharing one merged 分值 cell are joined with "\n" in the item text;
    # in the seed a 分值 cell sits between those lines, so each line is checked.
    missing = []
    for _, section, _, group, _, item in walk(loaded.ruleset):
        pieces = [section.name, group.name] + item.text.split("\n")
        if item.description:
            pieces.append(item.description)
        pieces += [c.text for c in item.clauses if c.text]
        if group.void_text:
            pieces.append(group.void_text)
        for piece in pieces:
            if squash(piece) not in annex2:
                missing.append((item.id, piece))
    assert not missing


def test_units():
    uf = load_units(str(UNITS)).units
    by_class: dict[str, list[str]] = {}
    for unit in uf.units:
        by_class.setdefault(unit.cls, []).append(unit.name)
    assert len(by_class["county"]) == 10
    assert len(by_class["A"]) == 37
    assert len(by_class["B"]) == 9
    fgw = next(u for u in uf.units if u.name == "市发改革")
    assert "市发改委" in fgw.aliases


def test_unit_names_verbatim_from_annex1(seed):
    uf = load_units(str(UNITS)).units
    a_line = seed.split("一、开设有网站的市直部门(A类)")[1].split("二、")[0].strip()
    b_line = seed.split("二、未开设网站的市直部门(B类)")[1].split("附件2")[0].strip()
    assert [u.name for u in uf.units if u.cls == "A"] == a_line.split("、")
    assert [u.name for u in uf.units if u.cls == "B"] == b_line.split("、")
