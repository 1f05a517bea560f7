"""Templates: layout, data validation, protection, safety; both real tables; LibreOffice."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import time

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from test_obs_helpers import CITYDEPT, COUNTY, DEMO_RULES, DEMO_UNITS, UNITS, demo_template, read_csv_rows, rules, units

from gkscore.cli import main
from gkscore.observations.allowed import parse_allowed
from gkscore.observations.layout import META_SHEET, TYPE_WORDS, header_key

A = "市教育局"


def _dv_for(ws, coord):
    found = [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
    assert len(found) == 1, (ws.title, coord, found)
    return found[0]


def _rows(ws, hr=4):
    keys = {header_key(ws.cell(hr, c).value): c for c in range(1, ws.max_column + 1)}
    for r in range(hr + 1, ws.max_row + 1):
        yield r, {k: ws.cell(r, c) for k, c in keys.items() if k}


def test_sheets_layout_validation_and_protection(tmp_path, zh):
    path = demo_template(tmp_path, "obs.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "说明"
    titles = wb.sheetnames[1:6]
    assert len(titles) == 5
    for t in titles:
        assert len(t) <= 31 and not re.search(r"[\\*?:/\[\]]", t)
    assert len({t.casefold() for t in wb.sheetnames}) == len(wb.sheetnames)
    meta = wb[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    kv = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, meta.max_row + 1)}
    assert kv["rules_id"] == "obs-demo" and kv["rules_sha256"] == rules().sha256
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["gkscore.rules_sha256"] == rules().sha256

    ws = wb[A]
    assert ws["A1"].value == "单位" and ws["B1"].value == A and ws["A2"].value == "类别" and ws["B2"].value == "有网站"
    assert ws.freeze_panes == "C5"
    assert ws.protection.sheet
    seen = {}
    for r, cells in _rows(ws):
        seen[(cells["item"].value, cells["field"].value)] = cells["allowed"].value
        for k, cell in cells.items():
            assert cell.protection.locked == (k not in ("value", "evidence", "scorer")), (r, k)
        dv = _dv_for(ws, cells["value"].coordinate)
        assert dv.showErrorMessage is True and dv.errorStyle == "stop" and dv.showDropDown in (None, False)
        t = TYPE_WORDS.key_of(cells["type"].value)  # the type column says 是/否, 整数 ...
        assert t is not None and cells["type"].value == {"bool": "是/否", "count": "整数", "number": "数值", "date": "日期", "score": "评分", "choice": "选项"}[t]
        if t == "bool":
            assert (dv.type, dv.formula1) == ("list", '"是,否"')
        elif t == "count" and cells["field"].value == "passed":
            assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "0", "5")
        elif t == "count":
            assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
        elif t == "number":
            assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "0", "100")
        elif t == "date":
            assert dv.type == "date"
        elif t == "score":
            c = cells["value"].coordinate
            assert dv.type == "custom" and f"{c}<=2" in dv.formula1 and "/0.5" in dv.formula1
        elif t == "choice":
            assert (dv.type, dv.formula1) == ("list", '"优,良,一般,差"')
    assert seen == {
        ("g1", "no_site"): "是/否", ("i1", "done"): "是/否", ("i1", "pct"): "0..100", ("i2", "passed"): "0..5",
        ("i3", "score"): "0..2，步长 0.5", ("w1", "date"): "日期，如 2021-03-31", ("w2", "level"): "优/良/一般/差",
        ("w2", "errors"): "0..", ("veto.leak", "leaked"): "是/否",
    }
    # class B: w1 does not apply; the judged score is at most 1
    wsb = wb[titles[3]]
    items = {(c["item"].value, c["field"].value): c for _, c in _rows(wsb)}
    assert ("w1", "date") not in items
    assert items[("i3", "score")]["allowed"].value == "0..1，步长 0.5"
    assert "<=1," in _dv_for(wsb, items[("i3", "score")]["value"].coordinate).formula1


def test_text_is_inert_and_control_characters_do_not_crash(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx")
    wb = load_workbook(path)
    ws = wb["=HYPERLINK(x)局"]
    assert ws["B1"].value == "=HYPERLINK(x)局" and ws["B1"].data_type == "s"
    prompts = [c["prompt"] for _, c in _rows(ws) if c["prompt"].value.startswith("=")]
    assert prompts and all(c.data_type == "s" for c in prompts)
    texts = [c["text"] for _, c in _rows(ws) if c["text"].value.startswith("-")]
    assert texts and all(c.data_type == "s" for c in texts)
    # csv: a leading quote makes them inert
    cpath = demo_template(tmp_path, "obs.csv")
    raw = cpath.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert "'=HYPERLINK(x)局" in raw.decode("utf-8-sig") and "'=是否未开设网站?" in raw.decode("utf-8-sig")
    # control characters in a unit name
    from gkscore.observations.template_xlsx import build_workbook
    from gkscore.rules.units_model import Unit

    odd = Unit.model_validate({"name": "局\x07名\x1b", "class": "A"})
    wb2 = build_workbook(rules(), units(), [odd])
    wb2.save(tmp_path / "ctrl.xlsx")
    assert load_workbook(tmp_path / "ctrl.xlsx").sheetnames[1] == "局名"


def test_csv_template_columns_and_allowed_grammar(tmp_path):
    path = demo_template(tmp_path, "obs.csv")
    rows = read_csv_rows(path)
    head = rows[0]
    assert head == ["unit", "class", "item", "prompt", "value", "allowed", "evidence", "scorer", "type", "text", "section", "group", "field", "rules"]
    tag = f"obs-demo@{rules().sha256}"
    body = [{header_key(h): v for h, v in zip(head, r)} for r in rows[1:]]
    assert all(r["rules"] == tag for r in body)
    assert {r["type"] for r in body} == {"yes/no", "whole number", "number", "date", "score", "choice"}
    assert len(body) == 3 * 9 + 2 * 8
    a_score = next(r for r in body if r["unit"] == A and r["item"] == "i3")
    assert parse_allowed("score", a_score["allowed"]) == {"min": 0, "max": 2, "step": 0.5}
    assert parse_allowed("count", "0..") == {"min": 0, "max": None, "step": None}
    assert parse_allowed("choice", "优/良/a\\/b") == {"choices": ["优", "良", "a/b"]}


@pytest.mark.parametrize("layout", ["sheets", "long"])
def test_long_choice_lists_go_on_a_hidden_sheet(tmp_path, layout, zh):
    text = DEMO_RULES.read_text(encoding="utf-8")
    many = ", ".join(f"选项{i:02d}，很长的说明文字" for i in range(30))
    p = tmp_path / "r.yaml"
    p.write_text(text.replace("choices: [优, 良, 一般, 差]", f"choices: [{many}]").replace("levels: {优: 3, 良: 2, 一般: 1, 差: 0}", "levels: {" + ", ".join(f"选项{i:02d}，很长的说明文字: 0" for i in range(30)) + "}"), encoding="utf-8")
    out = demo_template(tmp_path, "long.xlsx", layout=layout, rules_path=p, unit_names=[A])
    wb = load_workbook(out)
    assert wb["_lists"].sheet_state == "hidden"
    ws = wb[A] if layout == "sheets" else wb["观测"]
    dvs = [dv for dv in ws.data_validations.dataValidation if dv.type == "list" and "_lists" in (dv.formula1 or "")]
    assert len(dvs) == 1 and dvs[0].formula1 == "'_lists'!$A$1:$A$30"


def test_real_tables_for_all_56_units_and_libreoffice_opens_them(tmp_path, zh):
    made = []
    for rp, n in ((COUNTY, 10), (CITYDEPT, 46)):
        for layout in ("sheets", "long"):
            out = demo_template(tmp_path, f"{rp.stem}_{layout}.xlsx", rules_path=rp, units_path=UNITS, layout=layout)
            wb = load_workbook(out, read_only=False)
            if layout == "sheets":
                assert len(wb.sheetnames) == n + 2 + ("_lists" in wb.sheetnames)
            made.append(out)
        c = demo_template(tmp_path, f"{rp.stem}.csv", rules_path=rp, units_path=UNITS)
        assert len({r[0] for r in read_csv_rows(c)[1:]}) == n
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    for _ in range(60):  # LibreOffice may still be being installed
        if os.path.exists(soffice):
            break
        time.sleep(5)
    outdir = tmp_path / "lo"
    profile = f"file://{tmp_path}/lo-profile"
    targets = [made[0], made[3]]  # county sheets, citydept long
    res = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", str(outdir), *map(str, targets)],
        capture_output=True, text=True, timeout=180,
    )
    assert res.returncode == 0, res.stderr
    files = sorted(os.listdir(outdir))
    county_unit = units(UNITS).units.units[0].name
    assert any(county_unit in f for f in files), files
    sheet_csv = next(f for f in files if county_unit in f)
    text = (outdir / sheet_csv).read_text(encoding="utf-8")
    first = next(csv.reader(io.StringIO(text)))
    assert first[:2] == ["单位", county_unit]
    long_csv = next(f for f in files if "观测" in f)
    assert len((outdir / long_csv).read_text(encoding="utf-8").splitlines()) > 1000


def test_cli_template_and_help(tmp_path):
    r = CliRunner()
    for cmd in ("template", "check"):
        res = r.invoke(main, [cmd, "-h"], catch_exceptions=False)
        assert res.exit_code == 0 and "Usage" in res.output
    out = tmp_path / "t.csv"
    res = r.invoke(main, ["template", str(DEMO_RULES), "--units", str(DEMO_UNITS), "--class", "B", "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    assert {row[1] for row in read_csv_rows(out)[1:]} == {"无网站"}  # the class's short name
    res = r.invoke(main, ["template", str(DEMO_RULES), "--units", str(DEMO_UNITS), "--unit", "教育局", "--format", "xlsx", "-o", str(tmp_path / "t.xlsx")], catch_exceptions=False)
    assert res.exit_code == 0 and load_workbook(tmp_path / "t.xlsx").sheetnames[1] == A
    res = r.invoke(main, ["template", str(DEMO_RULES), "--units", str(DEMO_UNITS), "-o", str(DEMO_UNITS)], catch_exceptions=False)
    assert res.exit_code == 2 and "output-is-input" in res.stderr
    res = r.invoke(main, ["template", str(DEMO_RULES), "--units", str(DEMO_UNITS), "--unit", "市气象局", "-o", str(tmp_path / "x.xlsx")], catch_exceptions=False)
    assert res.exit_code == 2 and "wrong-class" in res.stderr
    res = r.invoke(main, ["template", "county_2020", "-o", str(tmp_path / "c.xlsx")], catch_exceptions=False)
    assert res.exit_code == 0


def test_cli_check_summary_and_partial(tmp_path):
    from test_obs_helpers import fill_csv, set_csv

    path = demo_template(tmp_path, "obs.csv")
    fill_csv(path, 3, fixed={("g1", "no_site"): False})  # not voided: every field asked for
    r = CliRunner()
    args = ["check", str(path), "--units", str(DEMO_UNITS)]  # rules found from the rules column? not bundled: give them
    res = r.invoke(main, args + ["--rules", str(DEMO_RULES)], catch_exceptions=False)
    assert res.exit_code == 0 and res.stdout.splitlines()[-1].startswith("ok: 1 file(s), 5 unit(s), 43 value(s)")
    table = res.stdout.splitlines()[:-1]
    assert table[0].split()[:2] == ["Unit", "Class"] and len(table) == 6  # a line per unit
    assert any(line.startswith(A) and "张三" in line for line in table)
    res = r.invoke(main, args, catch_exceptions=False)  # not among the bundled rules
    assert res.exit_code == 1 and "unknown-rules" in res.stderr
    set_csv(path, A, "i1", "done", "value", "")
    res = r.invoke(main, args + ["--rules", str(DEMO_RULES)], catch_exceptions=False)
    assert res.exit_code == 1 and "missing-value" in res.stderr
    res = r.invoke(main, args + ["--rules", str(DEMO_RULES), "--partial"], catch_exceptions=False)
    assert res.exit_code == 1 and f"incomplete: {A}: 1 value not filled: " in res.stderr and "ok:" not in res.stdout
