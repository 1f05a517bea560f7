"""What the adjustments changed: each adjusted unit's total and rank before and
after (terminal, json, md, the workbook's 复核调整 sheet), and a warning for
an adjustment that changes nothing (exit 0 all the same)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from conftest import ROOT
from test_adjustments_read import COUNTY, ZH_HEAD, zh_cli

# 黄州区 接通测试 1 -> 0 (+1); 团风县 年报 on time (+1, overtakes 英山县);
# 武穴市 已是 0 (nothing changes); 麻城市 年报 a later date, still late (no score changes)
ROWS = (
    "黄州区,回应关切第1项,,0,复核接通测试,刘主任,2021-01-15\n"
    "团风县,公开年报第1项,本级政府年度报告在何日发布?,2020-03-30,原采样漏查,刘主任,2021-01-15\n"
    "武穴市,回应关切第1项,,0,复核,刘主任,\n"
)


@pytest.fixture
def adj(tmp_path):
    p = tmp_path / "复核.csv"
    p.write_text(ZH_HEAD + ROWS, encoding="utf-8")
    return p


def _units(r) -> dict:
    return {u["unit"]: u for u in json.loads(r.stdout)["units"]}


def test_json_gives_each_adjusted_unit_before_and_after(adj):
    plain = _units(zh_cli("score", COUNTY, "--format", "json"))
    r = zh_cli("score", COUNTY, "--adjust", adj, "--format", "json")
    assert r.exit_code == 0, r.stderr  # a warning does not fail the run
    doc = json.loads(r.stdout)
    changed = {c["unit"]: c for c in doc["adjusted_units"]}
    assert list(changed) == ["黄州区", "武穴市", "团风县"]  # report order
    for name, c in changed.items():
        assert c["before"]["total"] == plain[name]["total"] and c["before"]["rank"] == plain[name]["rank"]
        after = _units(r)[name]
        assert c["after"] == {"total": after["total"], "rank": after["rank"], "grade": after["grade"]}
        assert c["adjustments"] == 1 and c["rank_group"] == "county"
    assert changed["团风县"]["before"]["rank"] == 7 and changed["团风县"]["after"]["rank"] == 6
    # the document still follows its schema
    from decimal import Decimal

    from test_cli_score import _check

    exact = json.loads(r.stdout, parse_float=Decimal)
    schema = json.loads((ROOT / "schema" / "results.schema.json").read_text(encoding="utf-8"))
    _check(exact, schema, schema)


def test_without_adjustments_there_is_no_before_and_after():
    doc = json.loads(zh_cli("score", COUNTY, "--format", "json").stdout)
    assert "adjusted_units" not in doc


def test_an_adjustment_to_the_value_observed_is_a_warning_at_its_line(adj):
    r = zh_cli("score", COUNTY, "--adjust", adj)
    assert r.exit_code == 0
    warnings = [ln for ln in r.stderr.splitlines() if "[警告]" in ln]
    assert warnings == [f'{adj}:4: [警告] 这条复核没有改变任何值："武穴市"回应关切第1项"接通测试中,发现未接通几次"原来就是"0"；请更正值或删除这一行 (adjust-same-value)']


def test_an_adjustment_that_moves_no_figure_is_a_warning(tmp_path):
    # 团风县's report was late (2020-04-08); a later date is as late: no point changes
    p = tmp_path / "复核.csv"
    p.write_text(ZH_HEAD + "团风县,公开年报第1项,本级政府年度报告在何日发布,2020-04-09,更正日期,刘主任,\n"
                 "黄州区,回应关切第1项,,0,复核,刘主任,\n"
                 "黄州区,公开年报第1项,本级政府年度报告在何日发布,2020-03-20,更正日期,刘主任,\n", encoding="utf-8")
    r = zh_cli("score", COUNTY, "--adjust", p)
    assert r.exit_code == 0
    warnings = [ln for ln in r.stderr.splitlines() if "[警告]" in ln]
    assert [w.split(": ", 1)[0] for w in warnings] == [f"{p}:2", f"{p}:4"], r.stderr
    assert warnings[0].startswith(f'{p}:2: [警告] 这条复核没有改变"团风县"的任何得分（总分 91）：公开年报第1项"本级政府年度报告在何日发布"由"2020-04-08"改为"2020-04-09"后得分不变')
    assert warnings[0].endswith("(adjust-no-effect)")
    # 黄州区 has two adjustments: each is judged with the other applied, so
    # the date still on time is a warning and the answered call is not
    assert '"黄州区"的任何得分（总分 100.1）：公开年报第1项' in warnings[1]


def test_terminal_shows_before_and_after_in_chinese(adj):
    r = zh_cli("score", COUNTY, "--adjust", adj)
    out = r.stdout
    assert "复核前后：被调整单位的总分与排名" in out
    line = next(ln for ln in out.splitlines() if "团风县" in ln and "+1" in ln)
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells == ["团风县", "县(市、区)政府", "91", "7", "92", "6", "+1", "1"]


def test_md_and_workbook_show_before_and_after(adj, tmp_path):
    md = zh_cli("score", COUNTY, "--adjust", adj, "--format", "md").stdout
    assert "## 复核前后：被调整单位的总分与排名" in md
    assert "| 团风县 | 县(市、区)政府 | 91 | 7 | 92 | 6 | +1 | 1 |" in md
    # the adjustments list names the observation item by its question
    assert "| 黄州区 | zdgk.hygq.jttc | 接通测试中,发现未接通几次 | 1 | 0 | 复核接通测试 | 刘主任 | 2021-01-15 |" in md
    out = tmp_path / "结果.xlsx"
    assert zh_cli("score", COUNTY, "--adjust", adj, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["复核调整"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    title = next(i for i, r in enumerate(rows) if r[0] == "复核前后：被调整单位的总分与排名")
    assert rows[title + 1][:8] == ["单位", "排名组别", "复核前总分", "复核前排名", "复核后总分", "复核后排名", "总分变化", "调整条数"]
    assert rows[title + 4][:8] == ["团风县", "县(市、区)政府", 91, 7, 92, 6, 1, 1]


def test_before_is_computed_for_the_adjusted_units_only(adj, monkeypatch):
    """Only the adjusted units are scored again (three here, not ten)."""
    from gkscore.engine import scorer as scorer_module
    from gkscore.pipeline import Options, run

    calls = []
    original = scorer_module.Scorer.figures

    def counted(self, unit, cls):
        calls.append((type(self.obs).__name__, unit))
        return original(self, unit, cls)

    monkeypatch.setattr(scorer_module.Scorer, "figures", counted)
    result = run(Options(observations=[COUNTY], adjust=[str(adj)], keep_items=False))
    again = [u for kind, u in calls if kind != "ObservationSet"]
    assert sorted(again) == sorted(["黄州区", "团风县", "武穴市"])
    assert [c.unit for c in result.adjustment_changes] == ["黄州区", "武穴市", "团风县"]


def test_explain_says_the_units_total_and_rank_before_and_after(adj):
    r = zh_cli("explain", COUNTY, "--unit", "团风县", "--adjust", adj)
    assert r.exit_code == 0
    assert r.stdout.splitlines()[2] == "复核前：总分 91，第 7 名；复核后：总分 92，第 6 名（1 条复核调整）"
    assert "复核前" not in zh_cli("explain", COUNTY, "--unit", "英山县", "--adjust", adj).stdout  # not adjusted



def test_a_value_adjusted_in_two_files_is_before_as_read(adj, tmp_path):
    """A second review of the same value: "before" is the value as read, and
    the second file's row is judged against the first's."""
    again = tmp_path / "复核2.csv"
    again.write_text(ZH_HEAD + "团风县,公开年报第1项,本级政府年度报告在何日发布,2020-03-31,再次复核,刘主任,\n", encoding="utf-8")
    r = zh_cli("score", COUNTY, "--adjust", adj, "--adjust", again, "--format", "json")
    assert r.exit_code == 0, r.stderr
    changed = {c["unit"]: c for c in json.loads(r.stdout)["adjusted_units"]}
    assert changed["团风县"]["before"] == {"total": 91, "rank": 7, "grade": "优秀"} and changed["团风县"]["adjustments"] == 2
    # 03-30 -> 03-31 is on time either way: the second row changes no figure
    assert f"{again}:2: [警告] 这条复核没有改变\"团风县\"的任何得分" in r.stderr
