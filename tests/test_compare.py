"""gkscore compare: two years' results side by side."""

from __future__ import annotations

import json
from decimal import Decimal as D

import openpyxl
import pytest

from conftest import ROOT, run_cli
from gkscore import i18n
from gkscore.compare import compare_results, rank_change_phrase


def unit(name, rank, total, sections, group="county", maxima=None):
    maxima = maxima or {"日常管理": 20, "主动公开": 80}
    items = [{"id": f"{s}.1", "path": [s, "g"], "section": "base", "max": m, "score": 0} for s, m in maxima.items()]
    return {"unit": name, "class": group, "rules": "r", "rank_group": group, "rank": rank, "total": total, "base": total,
            "bonus": 0, "penalty": 0, "grade": None, "complete": True, "veto": None, "notes": [],
            "sections": sections, "items": items}


def doc(*units):
    return {"format": "gkscore-results/1", "rules": [], "units": list(units)}


LAST = doc(
    unit("黄州区", 1, 90, {"日常管理": 18, "主动公开": 72}),
    unit("团风县", 2, 85, {"日常管理": 15, "主动公开": 70}),
    unit("红安县", 3, 80, {"日常管理": 10, "主动公开": 70}),
    unit("罗田县", 4, 70, {"日常管理": 10, "主动公开": 60}),
)
# This year 主动公开 is worth 70 and 日常管理 30: shares, not points, are compared.
THIS_MAX = {"日常管理": 30, "主动公开": 70}
THIS = doc(
    unit("团风县人民政府", 1, 92, {"日常管理": 27, "主动公开": 65}, maxima=THIS_MAX),  # an alias of 团风县
    unit("黄州区", 2, 88, {"日常管理": 24, "主动公开": 64}, maxima=THIS_MAX),
    unit("红安县", 2, 88, {"日常管理": 30, "主动公开": 58}, maxima=THIS_MAX),
    unit("新区", 4, 60, {"日常管理": 15, "主动公开": 45}, maxima=THIS_MAX),
)
ALIASES = {"团风县人民政府": "团风县", "团风县": "团风县"}


def test_ranks_totals_and_shares():
    cmp = compare_results(LAST, THIS, ALIASES)
    rows = {c.unit: c for c in cmp.groups["county"]}
    assert [c.unit for c in cmp.groups["county"]] == ["团风县人民政府", "红安县", "黄州区", "新区", "罗田县"]
    assert rows["团风县人民政府"].last_unit == "团风县"
    with i18n.using("zh"):
        assert [(u, rows[u].mark) for u in rows] == [("团风县人民政府", "↑1"), ("红安县", "↑1"), ("黄州区", "↓1"), ("新区", "新增"), ("罗田县", "未参评")]
    assert rows["新区"].mark == "new" and rows["罗田县"].mark == "not evaluated"
    assert rows["黄州区"].total_delta == D(-2)
    # 日常管理: 18/20 = 90% -> 24/30 = 80%; 主动公开: 72/80 = 90% -> 64/70 = 91.43%
    assert rows["黄州区"].share_delta("日常管理") == D("-10.0")
    assert rows["黄州区"].share_delta("主动公开") == D("1.4")
    assert rows["新区"].share_delta("日常管理") is None
    assert cmp.sections == {"county": ["日常管理", "主动公开"]}


def test_phrases_for_the_report():
    cmp = compare_results(LAST, THIS, ALIASES)
    assert cmp.phrase("团风县") == "较上年提升1位"  # either name finds the unit
    assert cmp.phrase("团风县人民政府") == "较上年提升1位"
    assert cmp.phrase("黄州区") == "较上年下降1位"
    assert cmp.phrase("新区") == "首次参评"
    assert cmp.phrase("罗田县") == "" and cmp.phrase("不存在") == ""
    assert rank_change_phrase(5, 5) == "与上年持平"
    assert rank_change_phrase(None, 3) == "首次参评"
    assert rank_change_phrase(2, 7) == "较上年下降5位"


def test_a_unit_that_changed_rank_group_is_not_ranked_against_itself():
    last = doc(unit("市某局", 3, 80, {"日常管理": 10, "主动公开": 70}, group="A"))
    this = doc(unit("市某局", 1, 90, {"日常管理": 20, "主动公开": 70}, group="B"))
    c = compare_results(last, this).groups["B"][0]
    assert c.mark == "group changed (A→B)" and c.rank_delta is None and c.phrase() == ""
    with i18n.using("zh"):
        assert c.mark == "类别变化（A→B）"


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    d = tmp_path_factory.mktemp("years")
    examples = [str(ROOT / "examples" / "county_2020_filled.xlsx"), str(ROOT / "examples" / "citydept_2020_filled.xlsx")]
    r = run_cli("score", *examples, "--format", "json", "-o", str(d / "last.json"))
    assert r.exit_code == 0, r.stderr
    r = run_cli("score", *examples, "--adjust", str(ROOT / "examples" / "adjustments.yaml"), "--format", "json", "-o", str(d / "this.json"))
    assert r.exit_code == 0, r.stderr
    return d / "last.json", d / "this.json"


def test_results_written_without_class_names_keep_the_group_ids():
    from gkscore.compare.core import compare_results

    doc = {"format": "gkscore-results/1", "rules": [], "units": [unit("甲", 1, 90, {})]}
    assert compare_results(doc, doc).group_name("county") == "county"
    named = {**doc, "rules": [{"id": "r", "title": "t", "sha256": "0" * 64, "classes": {"county": "县(市、区)政府"}}]}
    assert compare_results(doc, named).group_name("county") == "县(市、区)政府"


def test_cli_table_md_xlsx(two_years, tmp_path):
    last, this = map(str, two_years)
    r = run_cli("--lang", "zh", "compare", last, this, "--last-name", "2019年", "--this-name", "2020年")
    assert r.exit_code == 0, r.stderr
    # each rank group by its class's name in the rule file, never its id
    assert "排名变化：县(市、区)政府（2019年 → 2020年）" in r.stdout and "排名变化：开设有网站的市直部门(A类)" in r.stdout
    assert "county" not in r.stdout
    r = run_cli("compare", last, this)
    assert r.exit_code == 0 and "Rank changes: 县(市、区)政府 (last year → this year)" in r.stdout
    md = tmp_path / "c.md"
    assert run_cli("--lang", "zh", "compare", last, this, "-o", str(md)).exit_code == 0
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# 考评结果对比：上年 → 本年") and "## 排名组别：县(市、区)政府" in text and "## 排名组别：未开设网站的市直部门(B类)" in text and "97.4→99.1(+1.7)" in text
    xlsx = tmp_path / "c.xlsx"
    assert run_cli("--lang", "zh", "compare", last, this, "-o", str(xlsx)).exit_code == 0
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["排名变化", "一级指标得分率"]
    values = [[c.value for c in row] for row in wb["排名变化"].iter_rows()]
    assert ["排名组别：县(市、区)政府"] + [None] * (len(values[2]) - 1) == values[2]
    assert values[3][:4] == ["单位", "上年名次", "本年名次", "名次变化"]
    by_unit = {r[0]: r for r in values if r and isinstance(r[1], int)}
    last_doc, this_doc = (json.loads(p.read_text(encoding="utf-8")) for p in two_years)
    for u in this_doc["units"]:
        assert by_unit[u["unit"]][2] == u["rank"]
    assert {u["unit"]: u["rank"] for u in last_doc["units"]} == {k: v[1] for k, v in by_unit.items()}


def test_cli_problems(two_years, tmp_path):
    last, this = map(str, two_years)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    r = run_cli("--lang", "zh", "compare", last, str(bad))
    assert r.exit_code == 1 and "不是 gkscore 的结果文件" in r.stderr
    bad.write_text("not json", encoding="utf-8")
    assert run_cli("compare", last, str(bad)).exit_code == 2
    assert run_cli("compare", last, str(tmp_path / "missing.json")).exit_code == 2
    r = run_cli("compare", last, this, "--format", "xlsx")
    assert r.exit_code == 2 and "-o" in r.stderr
    before = two_years[0].read_bytes()
    r = run_cli("compare", last, this, "--format", "md", "-o", last)
    assert r.exit_code == 2 and two_years[0].read_bytes() == before
