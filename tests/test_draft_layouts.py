"""Other layouts of an indicator table that gkscore draft reads."""

from __future__ import annotations

import openpyxl

from conftest import run_cli as _run_cli


def run_cli(*args):
    return _run_cli("--lang", "zh", *args)
from gkscore.rules.load import load_rules


def _sheet(path, rows, merges=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    for row in rows:
        ws.append(row)
    for m in merges:
        ws.merge_cells(m)
    wb.save(str(path))
    return path


def _draft(tmp_path, path, *args):
    out = tmp_path / "out.yaml"
    r = run_cli("draft", str(path), "-o", str(out), *args)
    assert r.exit_code == 0, r.stderr
    return load_rules(str(out)).ruleset


def test_section_title_rows_across_the_table(tmp_path):
    rows = [
        ["二级指标", "评分细则", "分值"],
        ["一、日常管理(4分)"],
        ["组织推进", "以政府名义研究部署的,得2分。", 2],
        ["信息报送", "每迟报1次扣0.5分,扣完为止。", 2],
        ["加分项(最高加3分)"],
        ["创新", "被国务院办公厅表扬的,加3分。", 3],
        ["宣传", "被省级媒体报道的,加1分。", 1],
    ]
    rs = _draft(tmp_path, _sheet(tmp_path / "t.xlsx", rows, ["A2:C2", "A5:C5"]))
    assert [(s.name, s.kind, s.points, s.cap) for s in rs.sections] == [("一、日常管理", "base", 4, None), ("加分项(最高加3分)", "bonus", None, 3)]
    assert [g.name for g in rs.sections[0].groups] == ["组织推进", "信息报送"]
    assert rs.classes["all"].max == 4


def test_numbered_columns_and_project_headers(tmp_path):
    rows = [
        ["序号", "考核项目", "考核内容", "评分标准", "分值", "备注"],
        [1, "组织领导", "工作机制", "建立政务公开工作机制的,得2分。", "2分", "见文件"],
        [2, None, "培训", "开展业务培训不少于2次,得1分。", "1", None],
        [3, "依申请公开", "答复", "在法定期限答复的。", "3", None],
    ]
    rs = _draft(tmp_path, _sheet(tmp_path / "t.xlsx", rows, ["B2:B3"]))
    assert [s.name for s in rs.sections] == ["组织领导", "依申请公开"]
    items = rs.sections[0].groups[0].items
    assert [(i.description, i.max) for i in items] == [("工作机制", 2), ("培训", 1)]
    assert items[1].clauses[0].when.ge == 2


def test_two_header_rows_with_classes_below_the_points(tmp_path):
    rows = [
        ["一级指标", "二级指标", "评分细则", "分值", None],
        [None, None, None, "甲类", "乙类"],
        ["日常管理", "组织推进", "建立工作机制的,得2分。", 2, 2],
        [None, None, "有网站的,网站运维规范,得1分。", 1, None],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "A3:A4", "B3:B4"]
    rs = _draft(tmp_path, _sheet(tmp_path / "t.xlsx", rows, merges), "--classes", "A=有网站,B=无网站")
    assert {c: v.name for c, v in rs.classes.items()} == {"A": "有网站", "B": "无网站"}
    items = rs.sections[0].groups[0].items
    assert [i.max for i in items] == [{"A": 2, "B": 2}, {"A": 1, "B": None}]
    assert {c: v.max for c, v in rs.classes.items()} == {"A": 3, "B": 2}


def test_total_row_and_footnote(tmp_path):
    rows = [
        ["一级指标", "二级指标", "评分细则", "分值"],
        ["日常管理", "组织推进", "建立工作机制的,得2分。", 2],
        ["加分项", "创新", "被表扬的,加2分。", 2],
        [None, "宣传", "被报道的,加2分。", 2],
        ["合计", None, None, 101],
        ["注:加分项累计不超过3分。"],
    ]
    rs = _draft(tmp_path, _sheet(tmp_path / "t.xlsx", rows, ["A3:A4", "A6:D6"]))
    assert rs.sections[1].cap == 3 and rs.sections[1].note is None
    assert "表注(表第6行):注:加分项累计不超过3分。" in rs.note
    assert "待核 — 合计行写101分,而各项分值之和为2分" in rs.note
    lint = run_cli("lint", str(tmp_path / "out.yaml"))
    assert "待核 — 合计行写101分" in lint.stdout


def test_veto_rows_and_negative_penalty_points(tmp_path):
    rows = [
        ["一级指标", "二级指标", "评分细则", "分值"],
        ["日常管理", "组织推进", "建立工作机制的,得2分。", 2],
        ["扣分项", "泄密", "发生泄密事件的,扣5分。", "-5"],
        ["一票否决", "弄虚作假", "考评中弄虚作假的,考评等次直接为不合格。", None],
        [None, "重大事故", "发生重大舆情事故的,总分计0分。", None],
        [None, "其他", "其他严重情形。", None],
    ]
    rs = _draft(tmp_path, _sheet(tmp_path / "t.xlsx", rows, ["A5:A7"]))
    assert [s.kind for s in rs.sections] == ["base", "penalty"]
    assert rs.sections[1].groups[0].items[0].max == 5
    assert [(v.id, v.grade, v.total) for v in rs.vetoes] == [("veto1", "不合格", None), ("veto2", None, 0), ("veto3", "不合格", None)]
    assert "待核 — 否决项 veto3“其他严重情形。”未写否决的结果" in rs.note


def test_negative_points_outside_a_penalty_section(tmp_path):
    rows = [["一级指标", "二级指标", "评分细则", "分值"], ["日常管理", "组织推进", "建立工作机制的,得2分。", -2]]
    r = run_cli("draft", str(_sheet(tmp_path / "t.xlsx", rows)))
    assert r.exit_code == 1 and '表!D2: 分值 "-2" 为负数' in r.stderr


def test_points_cells_as_offices_write_them():
    from decimal import Decimal as D

    import pytest

    from gkscore.draft.layout import parse_points

    cases = {"2": D(2), "2分": D(2), "０.５": D("0.5"), "0": D(0), "": None, "—": None, "0-5": D(5), "0～2": D(2),
             "≤5": D(5), "最高5分": D(5), "不超过2分": D(2), "-5": D(-5), "扣5分": D(-5)}
    for text, want in cases.items():
        assert parse_points(text) == want, text
    for bad in ("二分", "2-5", "约2", "2/3"):
        with pytest.raises(ValueError):
            parse_points(bad)


def test_other_header_words(tmp_path):
    rows = [["考核指标", "考核要求", "分值(分)"], ["组织领导", "建立工作机制的,得2分。", 2]]
    rs = _draft(tmp_path, _sheet(tmp_path / "t.xlsx", rows))
    assert rs.sections[0].name == "组织领导" and rs.sections[0].groups[0].items[0].max == 2
