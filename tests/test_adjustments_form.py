"""The adjustments form (复核表): ``template RULES --adjustments`` writes it in
the user's language with drop-down lists, and ``score --adjust`` reads it
back filled from those lists."""

from __future__ import annotations

import json

import openpyxl

from conftest import run_cli
from test_adjustments_read import COUNTY, zh_cli


def _form(tmp_path, *args, lang="zh"):
    out = tmp_path / "复核.xlsx"
    r = (zh_cli if lang == "zh" else run_cli)("template", "county_2020", "--adjustments", "-o", str(out), *args)
    assert r.exit_code == 0, r.stderr
    return out, r


def test_the_form_in_chinese_with_lists_frozen_header_and_a4(tmp_path):
    out, r = _form(tmp_path)
    assert "复核调整表，10 个单位、58 项指标" in r.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["填写说明", "复核调整", "_lists"]
    assert wb["_lists"].sheet_state == "hidden"
    cover = wb["填写说明"]
    assert cover["A1"].value == "2020年黄冈市政务公开及政府网站考评指标(县市区)：复核调整表"
    assert cover["A3"].value.startswith("1. 每复核更正一个值填写一行")
    ws = wb["复核调整"]
    assert [c.value for c in ws[1]] == ["单位", "指标", "观测项", "值", "理由", "批准人", "日期"]
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    lists = wb["_lists"]
    units = [c.value for c in lists["A"] if c.value]
    assert units[0] == "黄州区" and len(units) == 10  # the ten counties, no department
    items = [c.value for c in lists["B"] if c.value]
    assert "回应关切第1项 12345热线受理情况（zdgk.hygq.jttc）" in items
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert by_range["A2:A201"].formula1 == "_lists!$A$1:$A$10" and by_range["A2:A201"].showErrorMessage
    assert by_range["B2:B201"].formula1.startswith("_lists!$B$1:$B$")
    assert by_range["C2:C201"].formula1.startswith("OFFSET(_lists!$E$1,MATCH($B2,")  # the questions of the row's indicator
    assert by_range["C2:C201"].prompt == "观测项的问题（与模板一致）"
    assert "调整这个值的理由" == by_range["E2:E201"].prompt


def test_the_form_filled_from_its_lists_is_read_by_score(tmp_path):
    out, _r = _form(tmp_path)
    wb = openpyxl.load_workbook(out)
    lists, ws = wb["_lists"], wb["复核调整"]
    pairs = [(lists.cell(row=r, column=4).value, lists.cell(row=r, column=5).value) for r in range(1, lists.max_row + 1)]
    hotline = next(p for p in pairs if p[0] and "zdgk.hygq.jttc" in p[0])
    report = next(p for p in pairs if p[0] and "zdgk.gknb.1" in p[0] and "本级政府" in p[1])
    for r, (unit, (item, question), value) in enumerate([("黄州区", hotline, 0), ("团风县", report, "2020-03-30")], start=2):
        for c, v in enumerate([unit, item, question, value, "复核", "刘主任", "2021-01-15"], start=1):
            ws.cell(row=r, column=c, value=v)
    wb.save(out)
    plain = {u["unit"]: u["total"] for u in json.loads(zh_cli("score", COUNTY, "--format", "json").stdout)["units"]}
    r = zh_cli("score", COUNTY, "--adjust", out, "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    after = {u["unit"]: u["total"] for u in doc["units"]}
    assert after["黄州区"] == plain["黄州区"] + 1 and after["团风县"] == plain["团风县"] + 1
    assert [c["unit"] for c in doc["adjusted_units"]] == ["黄州区", "团风县"]


def test_the_form_in_english_and_for_a_class(tmp_path):
    out, r = _form(tmp_path, lang="en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Instructions", "Adjustments", "_lists"]
    assert [c.value for c in wb["Adjustments"][1]] == ["Unit", "Indicator no. or name", "Observation item", "Value", "Reason", "Approved by", "Date"]
    assert "an adjustments form for 10 units" in r.stderr
    dept = tmp_path / "b.xlsx"
    r = zh_cli("template", "citydept_2020", "--class", "B", "--adjustments", "-o", dept)
    assert r.exit_code == 0, r.stderr
    lists = openpyxl.load_workbook(dept)["_lists"]
    units = [c.value for c in lists["A"] if c.value]
    assert units and "市教育局" not in units  # an A-class department is not listed
    # an indicator only A-class departments are scored on (年度报表发布) is not offered to B
    assert not any("ndbb.fb" in (c.value or "") for c in lists["B"])
    a_form = tmp_path / "a.xlsx"
    assert zh_cli("template", "citydept_2020", "--class", "A", "--adjustments", "-o", a_form).exit_code == 0
    assert any("ndbb.fb" in (c.value or "") for c in openpyxl.load_workbook(a_form)["_lists"]["B"])


def test_the_csv_form_is_the_header_in_the_language(tmp_path):
    out = tmp_path / "复核.csv"
    assert zh_cli("template", "county_2020", "--adjustments", "-o", out).exit_code == 0
    assert out.read_bytes().decode("utf-8-sig") == "单位,指标,观测项,值,理由,批准人,日期\r\n"
