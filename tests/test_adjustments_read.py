"""Adjustments (复核) as offices write them: Chinese headers, indicators by
number or name, observation items by their question, csv and xlsx alike;
every mistake one line at its row or cell with the closest names."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT

COUNTY = str(ROOT / "examples" / "county_2020_filled.xlsx")
ZH_HEAD = "单位,指标,观测项,值,理由,批准人,日期\n"


def zh_cli(*args):
    from click.testing import CliRunner

    from gkscore.cli import main

    return CliRunner().invoke(main, ["--lang", "zh", *map(str, args)], catch_exceptions=False, env={"GKSCORE_LANG": "zh"})


def totals(*extra) -> dict:
    r = zh_cli("score", COUNTY, "--format", "json", *extra)
    assert r.exit_code == 0, r.stderr
    return {u["unit"]: u for u in json.loads(r.stdout)["units"]}


@pytest.fixture(scope="module")
def plain():
    return totals()


def _csv(tmp_path: Path, body: str, name="复核.csv") -> Path:
    p = tmp_path / name
    p.write_text(ZH_HEAD + body, encoding="utf-8-sig")
    return p


@pytest.mark.parametrize(
    "item, field",
    [
        ("zdgk.hygq.jttc", "not_connected"),  # ids
        ("回应关切第1项", '"接通测试中,发现未接通几次?"'),  # place in its group, the question as the template asks it
        ("回应关切第一项", "接通测试中，发现未接通几次"),  # 第一项, full-width comma, no question mark
        ("回应关切第1项", ""),  # the only observation item of the indicator
        ("12345热线受理情况", '"接通测试中,发现未接通几次?"'),  # a description four indicators share, told apart by the question
        ("主动公开 / 回应关切 / 12345热线受理情况 / zdgk.hygq.jttc", ""),  # the path as the reports print it
        ("回应关切第1项（zdgk.hygq.jttc）", "not_connected"),  # the form's list
        ("回应关切", "接通测试中，发现未接通几次"),  # the group (二级指标) and the question
    ],
)
def test_chinese_csv_names_indicators_by_number_or_name(tmp_path, plain, item, field):
    adj = _csv(tmp_path, f"黄州区,{item},{field},0,复核接通测试,刘主任,2021-01-15\n")
    after = totals("--adjust", adj)
    assert after["黄州区"]["total"] == plain["黄州区"]["total"] + 1
    it = next(i for i in after["黄州区"]["items"] if i["id"] == "zdgk.hygq.jttc")
    assert it["adjustments"][0]["field"] == "not_connected" and it["adjustments"][0]["after"] == "0"


def test_xlsx_with_chinese_headers_and_a_title_row_is_read(tmp_path, plain):
    p = tmp_path / "复核.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "复核"
    ws.append(["2020年度复核调整"])
    ws.append(["单位", "指标", "观测项", "值", "理由", "批准人", "日期"])
    ws.append(["黄州区", "回应关切第1项", "接通测试中,发现未接通几次?", 0, "复核", "刘主任", "2021-01-15"])
    ws.append(["团风县", "公开年报第1项", "本级政府年度报告在何日发布?", "2020-03-30", "漏查", "刘主任", None])
    wb.save(p)
    after = totals("--adjust", p)
    assert after["黄州区"]["total"] == plain["黄州区"]["total"] + 1
    assert after["团风县"]["total"] == plain["团风县"]["total"] + 1


def test_mistakes_are_one_line_each_at_their_cell_with_closest_names(tmp_path):
    p = tmp_path / "复核.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "复核"
    ws.append(["单位", "指标", "观测项", "值", "理由", "批准人", "日期"])
    ws.append(["黄洲区", "回应关切第1项", "", 0, "复核", "刘主任", None])  # unit typo
    ws.append(["黄州区", "回应关切第9项", "", 0, "复核", "刘主任", None])  # no such indicator
    ws.append(["黄州区", "回应关切第1项", "接通测式中发现未接通几次", 0, "复核", "刘主任", None])  # question typo
    ws.append(["黄州区", "公开年报第1项", "", "2020-03-30", "复核", "刘主任", None])  # two observation items
    ws.append(["黄州区", "回应关切第1项", "", "很多", "复核", "", None])  # bad value, no approver
    wb.save(p)
    r = zh_cli("score", COUNTY, "--adjust", p)
    assert r.exit_code == 1 and r.stdout == ""
    lines = r.stderr.splitlines()
    by_cell = {ln.split(": ", 1)[0].rsplit("!", 1)[-1]: ln for ln in lines if "!" in ln}
    assert "未知单位" in by_cell["A2"] and "黄州区" in by_cell["A2"] and "(unknown-unit)" in by_cell["A2"]
    assert '未知指标"回应关切第9项"' in by_cell["B3"] and '是否为"回应关切第5项"' in by_cell["B3"]
    assert "接通测式" in by_cell["C4"] and '是否为"接通测试中,发现未接通几次"' in by_cell["C4"]
    assert "本级政府年度报告在何日发布" in by_cell["C5"] and "观测项" in by_cell["C5"]
    assert "很多" in by_cell["D6"] and "(bad-value)" in by_cell["D6"]
    assert "批准人" in by_cell["F6"] and "(adjust-missing)" in by_cell["F6"]
    assert all(f"{p}:复核!" in ln for ln in lines if "(" in ln and "个问题" not in ln)


def test_csv_mistakes_name_the_line(tmp_path):
    adj = _csv(tmp_path, "黄州区,会议开放第11项,,1,复核,刘主任,\n黄州区,12345热线受理情况,,0,复核,刘主任,\n")
    r = zh_cli("score", COUNTY, "--adjust", adj)
    assert r.exit_code == 1
    assert f'{adj}:2: 未知指标"会议开放第11项"' in r.stderr and '是否为"会议开放第1项"' in r.stderr
    # a name several indicators share, and no question to tell them apart
    assert f'{adj}:3: "12345热线受理情况"对应多个指标（回应关切第1项（zdgk.hygq.jttc）、' in r.stderr and "请填写指标编号 (ambiguous-item)" in r.stderr


def test_a_file_without_the_needed_columns_says_which(tmp_path):
    p = tmp_path / "复核.csv"
    p.write_text("单位,指标,值\n黄州区,回应关切第1项,0\n", encoding="utf-8")
    r = zh_cli("score", COUNTY, "--adjust", p)
    assert r.exit_code == 1
    assert f"{p}:1: 缺少列 理由、批准人" in r.stderr


def test_english_headers_and_yaml_with_chinese_keys(tmp_path, plain):
    y = tmp_path / "adj.yaml"
    y.write_text(
        "format: gkscore-adjustments/1\nadjustments:\n"
        "  - 单位: 黄州区\n    指标: 回应关切第1项\n    值: 0\n    理由: 复核\n    批准人: 刘主任\n",
        encoding="utf-8",
    )
    assert totals("--adjust", y)["黄州区"]["total"] == plain["黄州区"]["total"] + 1
    c = tmp_path / "adj.csv"
    c.write_text("Unit,Indicator no. or name,Observation item,Value,Reason,Approved by,Date\n黄州区,zdgk.hygq.jttc,,0,r,a,\n", encoding="utf-8")
    assert totals("--adjust", c)["黄州区"]["total"] == plain["黄州区"]["total"] + 1


def test_messages_are_english_in_english_mode(tmp_path):
    from conftest import run_cli

    p = tmp_path / "adj.csv"
    p.write_text("unit,item,field,value,reason,approved_by,date\n"
                 "黄州区,回应关切第9项,,0,r,a,\n"
                 "黄州区,回应关切 item 1,接通测式中,0,r,a,\n"
                 "黄州区,回应关切 item 1,,0,,a,\n", encoding="utf-8")
    r = run_cli("score", COUNTY, "--adjust", str(p))
    assert r.exit_code == 1
    err = r.stderr
    assert f"{p}:2: unknown indicator '回应关切第9项': neither the number nor the name of an indicator of" in err and "did you mean" in err
    assert f"{p}:3: unknown observation item '接通测式中' of 回应关切 item 1（zdgk.hygq.jttc）" in err
    assert f"{p}:4: 'Reason' is required; fill in why the value is changed (adjust-missing)" in err


def test_yaml_with_an_unknown_key_names_it(tmp_path):
    y = tmp_path / "adj.yaml"
    y.write_text("format: gkscore-adjustments/1\nadjustments:\n"
                 "  - 单位: 黄州区\n    指标: 回应关切第1项\n    值: 0\n    理由: 复核\n    批准人: 刘主任\n    备注: 无\n", encoding="utf-8")
    r = zh_cli("score", COUNTY, "--adjust", y)
    assert r.exit_code == 1
    assert f'{y}:3: 未知的键 "备注"；每条复核应写明 单位、指标、观测项、值、理由、批准人、日期 (adjust-format)' in r.stderr


def test_headers_in_the_words_offices_use():
    from gkscore.adjustments.columns import column_key, header_of

    assert [column_key(h) for h in ("单位\nunit", "指标编号", "观测项（字段）", "新值", "审批人", " 日期 ", "Approved by", "备注")] == [
        "unit", "item", "field", "value", "approved_by", "date", "approved_by", None]
    assert header_of(["序号", "单位", "指标", "值"]) == {"unit": 1, "item": 2, "value": 3}
    assert header_of(["2020年度复核调整"]) is None


def test_the_chinese_csv_example_says_what_the_yaml_example_says():
    """examples/adjustments.csv names by place and question what
    examples/adjustments.yaml names by id (the question retyped without its
    comma and question mark)."""
    by_csv = json.loads(zh_cli("score", COUNTY, "--adjust", ROOT / "examples" / "adjustments.csv", "--format", "json").stdout)
    by_yaml = json.loads(zh_cli("score", COUNTY, "--adjust", ROOT / "examples" / "adjustments.yaml", "--format", "json").stdout)
    scores = lambda doc: [(u["unit"], u["total"], [(i["id"], i["score"], [a["field"] for a in i["adjustments"]]) for i in u["items"]]) for u in doc["units"]]  # noqa: E731
    assert scores(by_csv) == scores(by_yaml) and by_csv["adjusted_units"] == by_yaml["adjusted_units"]
    assert [u["unit"] for u in by_csv["adjusted_units"]] == ["黄州区", "团风县"]


def test_a_formula_in_the_form_is_refused_at_its_cell(tmp_path):
    p = tmp_path / "复核.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "复核"
    ws.append(["单位", "指标", "观测项", "值", "理由", "批准人", "日期"])
    ws.append(["黄州区", "回应关切第1项", "", "=1-1", "复核", "刘主任", None])
    wb.save(p)
    r = zh_cli("score", COUNTY, "--adjust", p)
    assert r.exit_code == 1
    assert f"{p}:复核!D2: 单元格是公式（=1-1）而不是值；请直接填写值" in r.stderr and "(formula)" in r.stderr
