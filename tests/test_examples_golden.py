"""Golden results for the bundled examples.

Four units are filled by hand-written scenarios in examples/make_examples.py
(every other field at its full-credit value); their totals are worked out here
by hand from the notice's wording, independently of the scoring code.
"""

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

COUNTY = str(ROOT / "examples" / "county_2020_filled.xlsx")
CITYDEPT = str(ROOT / "examples" / "citydept_2020_filled.xlsx")


@pytest.fixture(scope="module")
def results():
    r = run_cli("score", COUNTY, CITYDEPT, "--format", "json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout, parse_float=D, parse_int=D)
    return {u["unit"]: u for u in data["units"]}


def test_huangzhou_by_hand(results):
    u = results["黄州区"]
    # 组织推进1: 纳入考核 1, 比重 3.5% < 4%: 0          -> lost 1
    # 备案3: 1 - 0.2 × 2 = 0.6                          -> lost 0.4
    # 12345 接通测试: 4 - 1 × 1 = 3                     -> lost 1
    # 重大建设项目 完备度 1.5 of 2                      -> lost 0.5
    base = D(100) - 1 - D("0.4") - 1 - D("0.5")
    assert base == D("97.1")
    assert u["base"] == base
    assert u["bonus"] == 2  # 优秀创新案例 judged 2, under the cap of 5
    assert u["penalty"] == 0
    assert u["total"] == base + 2 == D("99.1")
    assert u["grade"] == "优秀"
    assert u["sections"]["日常管理"] == 22 - 1 - D("0.4")
    assert u["sections"]["主动公开"] == 58 - 1 - D("0.5")


def test_tuanfeng_by_hand(results):
    u = results["团风县"]
    # 政策解读 (5分) voided: 文件公开数量明显与实际制发数量存在较大出入的,不得分 -> lost 5
    # 公开年报1: 本级政府年报 2020-04-08, after 3月31日: 0 of 1; 部门乡镇 1 -> lost 1
    # 媒体曝光: 扣 3 (cap 5)
    assert u["base"] == 100 - 5 - 1 == 94
    assert u["penalty"] == 3
    assert u["total"] == 94 - 3 == 91
    voided = [i for i in u["items"] if i["id"].startswith("zdgk.zcjd.")]
    assert len(voided) == 4 and all(i["score"] == 0 for i in voided)
    assert all("不得分" in i["reasons"][0] for i in voided)


def test_education_bureau_by_hand(results):
    u = results["市教育局"]
    assert u["class"] == "A"
    # 市政府门户网站内容保障: A类一次扣2分 × 1 -> 4 - 2 = 2
    # 检查通报: 被市级通报一个扣4分 -> 8 - 4 = 4
    # 社会公益事业 1.5 of 2 -> lost 0.5
    assert u["base"] == 100 - 2 - 4 - D("0.5") == D("93.5")
    # 优秀创新案例 3 + 专题公开 2 = 5, under the cap of 7
    assert u["bonus"] == 5
    assert u["total"] == D("98.5")


def test_finance_bureau_by_hand(results):
    u = results["市财政局"]
    assert u["class"] == "B"
    # 内容保障: B类扣3分 × 1 -> 4 - 3 = 1
    # 领导信息: 每缺一项扣1分 × 4 = 4 > B 分值 3 -> 扣完为止, 0
    assert u["base"] == 100 - 3 - 3 == 94
    assert u["penalty"] == D("1.5")
    assert u["total"] == D("92.5")
    item = next(i for i in u["items"] if i["id"] == "ldxx.ldjs")
    assert item["max"] == 3 and item["score"] == 0


def test_every_unit_is_consistent(results):
    assert len(results) == 56
    classes = {}
    for u in results.values():
        classes[u["class"]] = classes.get(u["class"], 0) + 1
        assert u["total"] == u["base"] + u["bonus"] - u["penalty"]
        assert u["base"] == sum(u["sections"].values())
        for i in u["items"]:
            assert 0 <= i["score"] <= i["max"]
            assert i["lost"] == i["max"] - i["score"]
    assert classes == {"county": 10, "A": 37, "B": 9}


def test_ranks_follow_totals_with_ties_shared(results):
    groups = {}
    for u in results.values():
        groups.setdefault(u["rank_group"], []).append(u)
    assert set(groups) == {"county", "A", "B"}
    for members in groups.values():
        for u in members:
            assert u["rank"] == 1 + sum(1 for v in members if v["total"] > u["total"])
