"""A veto that stops scoring ("不再对其他指标进行评分", "…的单位得59分"): the
example of docs/rule-language.md §11.1 filled as the document says, scored
and reported in every format, against the figures worked out by hand."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import run_cli
from scenarios import check, doc_example, filled, units_file, write

D = Decimal
LEAK = "发生失泄密事件的,直接判定为不合格,不再对其他指标进行评分。"
LATE = "未按时报送自查报告的单位得59分,不再对其他指标进行评分。"


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("veto")
    rules = write(tmp, "v.yaml", doc_example("veto-stops"))
    units = units_file(tmp, [("甲", "A"), ("乙", "A"), ("丙", "A"), ("丁", "A")])
    answers = {
        ("甲", "veto.leak", "leak"): "否", ("甲", "veto.late", "no_report"): "否", ("甲", "g.1", "s"): "85", ("甲", "g.2", "links"): "2",
        ("乙", "veto.leak", "leak"): "是",
        ("丙", "veto.leak", "leak"): "否", ("丙", "veto.late", "no_report"): "是",
        ("丁", "veto.leak", "leak"): "否", ("丁", "veto.late", "no_report"): "否", ("丁", "g.1", "s"): "60", ("丁", "g.2", "links"): "0",
    }
    return tmp, rules, units, filled(tmp, rules, units, answers)


def _score(case, *args):
    _tmp, rules, units, obs = case
    # the reports of a Chinese user (their words follow the language)
    return run_cli("--lang", "zh", "score", str(obs), "--rules", str(rules), "--units", str(units), *args)


def test_check_asks_nothing_after_the_veto(case):
    _tmp, rules, units, obs = case
    r = check(obs, rules, units)
    assert r.exit_code == 0, r.stderr
    filled_of = {line.split()[0]: line.split()[2] for line in r.stdout.splitlines()[1:5]}
    assert filled_of == {"甲": "4/4", "乙": "1/1", "丙": "2/2", "丁": "4/4"}


def test_json_by_hand(case):
    r = _score(case, "--format", "json", "--lang", "zh")
    assert r.exit_code == 0, r.stderr
    units = {u["unit"]: u for u in json.loads(r.stdout, parse_float=D, parse_int=D)["units"]}
    assert [(u, units[u]["rank"], units[u]["total"], units[u]["grade"]) for u in ("甲", "丁", "丙", "乙")] == [
        ("甲", 1, 93, "优秀"),  # 85 + (10 - 2)
        ("丁", 2, 70, "合格"),  # 60 + 10
        ("丙", 3, 59, "不合格"),  # the veto's total; the band of 59
        ("乙", 4, None, "不合格"),  # no total: after every scored unit
    ]
    for name, text in (("乙", LEAK), ("丙", LATE)):
        u = units[name]
        assert u["veto"] == text and u["base"] is None and u["bonus"] is None and u["penalty"] is None
        assert u["sections"] == {} and u["items"] == [] and u["complete"] is True
        assert u["notes"][0] == f"单项否决: {text}"
    assert units["乙"]["notes"][1] == "不再对其他指标进行评分,不计总分"
    assert units["丙"]["notes"][1] == "不再对其他指标进行评分,总分计 59 分"


def test_csv_md_and_terminal_say_which_veto(case):
    rows = list(csv.reader(io.StringIO(_score(case, "--format", "csv").stdout)))
    head = rows[0]
    by = {r[head.index("单位")]: r for r in rows[1:]}
    assert head[-1] == "否决" and by["乙"][head.index("总分")] == "" and by["乙"][-1] == LEAK
    assert by["丙"][head.index("总分")] == "59" and by["丙"][head.index("基础分")] == "" and by["丙"][-1] == LATE
    assert by["甲"][-1] == ""
    md = _score(case, "--format", "md").stdout
    assert "| 4 | 乙 | 甲类 |  |  |  | 单项否决 | 不合格 | 4 |" in md and f"- 单项否决：乙 — {LEAK}" in md
    table = _score(case).stdout
    assert f"单项否决：丙 — {LATE}" in table and "单项否决 │ 不合格" in table


def test_xlsx_report(case):
    tmp = case[0]
    out = tmp / "r.xlsx"
    assert _score(case, "-o", str(out)).exit_code == 0
    ws = load_workbook(out)["汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(r for r in rows if r and "总分" in r)
    line = next(r for r in rows if r and r[1] == "乙")
    assert line[head.index("总分")] == "单项否决" and line[head.index("等次")] == "不合格"
    assert any(r and r[0] == f"单项否决：乙 — {LEAK}" for r in rows)


def test_explain(case):
    _tmp, rules, units, obs = case
    r = run_cli("--lang", "zh", "explain", str(obs), "--unit", "乙", "--rules", str(rules), "--units", str(units), "--lang", "zh")
    assert r.exit_code == 0
    assert r.stdout.splitlines()[1] == "单项否决,不计总分；等次 不合格；甲类 第 4 名"
    assert "单项否决,其他指标未评分。" in r.stdout


def test_unit_pack_says_the_veto(case):
    tmp = case[0]
    out = tmp / "packs"
    assert _score(case, "--per-unit", str(out), "-o", str(tmp / "n.md")).exit_code == 0
    packs = sorted(p.name for p in out.rglob("*.xlsx"))
    assert packs and any("乙" in p for p in packs)
    from gkscore.documents.unit_pack import standing
    from gkscore.documents.view import UnitSheet

    sheet = UnitSheet("乙", "甲类", "t", None, 4, False, 4, "不合格", True, "单项否决", "—", "—", "—", [], [], [], LEAK)
    assert standing(sheet) == f"单项否决：{LEAK}，不再对其他指标进行评分，不计总分，在甲类（共 4 个单位）中排名第 4 名，等次为不合格。"


def test_rules_json_lists_the_vetoes(case):
    _tmp, rules, _units, _obs = case
    tree = json.loads(run_cli("--lang", "zh", "rules", str(rules), "--format", "json").stdout)
    assert tree["vetoes"] == [
        {"id": "veto.leak", "text": LEAK, "total": None, "grade": "不合格", "stops": True, "classes": ["A"]},
        {"id": "veto.late", "text": LATE, "total": 59, "grade": None, "stops": True, "classes": ["A"]},
    ]


def test_csv_detail_keeps_a_unit_whose_scoring_a_veto_stopped(case):
    """A unit with no item scored still has its line in the detail, saying
    which veto stopped it: no unit vanishes from the list units rectify by."""
    rows = list(csv.DictReader(io.StringIO(_score(case, "--format", "csv", "--detail").stdout)))
    by = {}
    for r in rows:
        by.setdefault(r["单位"], []).append(r)
    assert set(by) == {"甲", "乙", "丙", "丁"}
    (leak,) = by["乙"]
    assert leak["指标编号"] == "" and leak["得分"] == "" and leak["是否完整"] == "是"
    assert leak["失分原因"] == f"单项否决: {LEAK}；不再对其他指标进行评分,不计总分"
    (late,) = by["丙"]
    assert late["失分原因"] == f"单项否决: {LATE}；不再对其他指标进行评分,总分计 59 分"
    assert len(by["甲"]) == 2


def test_md_detail_does_not_say_nothing_was_lost_where_a_veto_stopped_scoring(case):
    """The md list of lost points says that no item was scored for a unit a
    veto stopped, and why, never "未失分" (no points lost)."""
    md = _score(case, "--format", "md", "--detail").stdout
    blocks = {b.split("**")[0]: b for b in md.split("\n- **")[1:]}
    for unit, veto in (("乙", LEAK), ("丙", LATE)):
        block = blocks[unit]
        assert "本单位没有评分的指标" in block and "未失分" not in block
        assert veto in block
    assert "未失分" not in blocks["甲"] and "本单位没有评分的指标" not in blocks["甲"]
