"""check --format xlsx|csv|json -o: the problems as a list an office sends
back to its scorers, and the table of every unit.

The workbook is opened by LibreOffice (converted to csv, as an office's other
programs would read it) and must list every problem check prints, each with
its unit, scorer, cell, indicator, value found and what to fill, sorted by
scorer and unit.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

from conftest import run_cli
from lo import soffice
from test_acceptance_helpers import EX_COUNTY, find_value_cell

PLANTS = [
    ("黄州区", "rcgl.zztj.2", "instructions", "3次"),
    ("黄州区", "rcgl.zztj.1", "in_kpi", "已建立"),
    ("团风县", "zdgk.zcjd.jdbl", "interpreted", "三"),
    ("红安县", "zdgk.gknb.1", "government_date", "2021-02-30"),
    ("罗田县", "rcgl.zztj.3", "meetings_training", "=1+1"),  # a text that looks like a formula stays text
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("list")
    p = d / "县市区.xlsx"
    shutil.copy(EX_COUNTY, p)
    wb = openpyxl.load_workbook(p)
    for sheet, item, field, value in PLANTS:
        cell = find_value_cell(wb[sheet], item, field)
        cell.value = value
        cell.data_type = "s"
    wb["红安县"].cell(6, 11).value = "李四"  # another scorer on one row
    wb["武穴市"]["B1"].value = "武穴巿"  # a mistyped unit: no scorer on the unit cell
    wb.create_sheet("备注")["A1"] = "随手记"  # a note: the sheet is ignored
    wb.save(p)
    return p


def _printed(stderr: str, path: Path) -> list[tuple[str, str]]:
    """(where, code) of every problem and note check printed."""
    out = []
    for line in stderr.splitlines():
        m = re.match(rf"^{re.escape(str(path))}(?::(\S+?))?: .*\(([a-z-]+)\)$", line)
        if m:
            out.append((m.group(1) or "", m.group(2)))
    return out


def _lo_csv(xlsx: Path, sheet: int) -> list[list[str]]:
    """The sheet as LibreOffice reads it (converted to UTF-8 csv)."""
    with tempfile.TemporaryDirectory(prefix="gkscore-lo-") as tmp:
        out = Path(tmp) / "out"
        cmd = [soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
               "--convert-to", f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}", "--outdir", str(out), str(xlsx)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        (found,) = list(out.iterdir())
        return list(csv.reader(io.StringIO(found.read_text(encoding="utf-8"))))


def test_the_workbook_lists_every_problem_check_prints(planted, tmp_path):
    out = tmp_path / "问题清单.xlsx"
    r = run_cli("--lang", "zh", "check", str(planted), "-o", str(out))
    assert r.exit_code == 1  # the problems still make check fail
    printed = _printed(r.stderr, planted)
    assert len(printed) == len(PLANTS) + 3  # the unit typo, 武穴市 missing, the ignored sheet
    rows = _lo_csv(out, 1)
    head, body = rows[0], rows[1:]
    assert head == ["评分人", "单位", "文件", "位置", "指标", "填写值", "应填", "问题说明", "代码", "级别"]
    col = {h: i for i, h in enumerate(head)}
    listed = sorted((row[col["位置"]], row[col["代码"]]) for row in body)
    assert listed == sorted(printed)
    by_where = {row[col["位置"]]: row for row in body}
    wb = openpyxl.load_workbook(planted)
    cell = find_value_cell(wb["黄州区"], "rcgl.zztj.2", "instructions").coordinate
    row = by_where[f"黄州区!{cell}"]
    assert row[col["单位"]] == "黄州区" and row[col["评分人"]] == "考评专班-王敏" and row[col["填写值"]] == "3次"
    assert row[col["指标"]].startswith("组织推进第2项：") and row[col["应填"]] == "不小于 0 的整数；请只填数字，如 3"
    assert row[col["文件"]] == planted.name or row[col["文件"]] == str(planted)
    formula_like = by_where[f"罗田县!{find_value_cell(wb['罗田县'], 'rcgl.zztj.3', 'meetings_training').coordinate}"]
    assert formula_like[col["填写值"]] == "=1+1"  # shown as typed, never computed
    typo = by_where["武穴市!B1"]
    assert typo[col["评分人"]] == "" and "是否为\"武穴市\"？" in typo[col["应填"]]
    # sorted by scorer, then unit (in the units file's order), the notes last
    keys = [(row[col["级别"]] == "提示", row[col["评分人"]] == "", row[col["评分人"]]) for row in body]
    assert keys == sorted(keys)
    units = [row[col["单位"]] for row in body if row[col["评分人"]] == "考评专班-王敏"]
    order = ["黄州区", "团风县", "红安县", "罗田县"]
    assert units == sorted(units, key=order.index)
    assert body[-1][col["代码"]] == "ignored-sheet" and body[-1][col["级别"]] == "提示"


def test_the_second_sheet_is_checks_table(planted, tmp_path):
    out = tmp_path / "问题清单.xlsx"
    r = run_cli("--lang", "zh", "check", str(planted), "--format", "xlsx", "-o", str(out))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["问题清单", "各单位情况"]
    table = [[c if c is not None else "" for c in row] for row in wb["各单位情况"].iter_rows(values_only=True)]
    assert table[0] == ["单位", "类别", "已填/应填", "问题", "评分人"]
    printed = [line.split() for line in r.stdout.splitlines()[1:]]
    assert [row[0] for row in table[1:]] == [line[0] for line in printed]
    assert {row[0]: row[3] for row in table[1:]}["黄州区"] == "2"
    assert {row[0]: row[2] for row in table[1:]}["武穴市"] == "未提交 0/96"
    ws = wb["问题清单"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage


def test_csv_and_json_give_the_same_for_scripts(planted, tmp_path):
    x = tmp_path / "a.xlsx"
    run_cli("--lang", "zh", "check", str(planted), "-o", str(x))
    xlsx_rows = [[c if c is not None else "" for c in row] for row in openpyxl.load_workbook(x)["问题清单"].iter_rows(values_only=True)]
    c = tmp_path / "a.csv"
    assert run_cli("--lang", "zh", "check", str(planted), "-o", str(c)).exit_code == 1
    text = c.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == xlsx_rows[0]
    assert [r[:5] + r[6:] for r in rows[1:]] == [r[:5] + r[6:] for r in xlsx_rows[1:]]
    found = [(r[5], x[5]) for r, x in zip(rows[1:], xlsx_rows[1:]) if r[5] != x[5]]
    assert found == [("'=1+1", "=1+1")]  # made inert for spreadsheet programs
    r = run_cli("check", str(planted), "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["format"] == "gkscore-check/1" and len(doc["problems"]) == len(rows) - 1
    p = next(p for p in doc["problems"] if p["found"] == "3次")
    assert p["unit"] == "黄州区" and p["code"] == "bad-value" and p["fill"].startswith("a whole number")
    u = next(u for u in doc["units"] if u["unit"] == "武穴市")
    assert u["submitted"] is False and u["expected"] == 96 and u["class"] == "county"


def test_usage(planted, tmp_path):
    assert run_cli("check", str(planted), "--format", "xlsx").exit_code == 2  # a workbook needs -o
    r = run_cli("check", str(planted), "-o", str(tmp_path / "list.txt"))
    assert r.exit_code == 2 and "--format" in r.stderr
    r = run_cli("check", str(planted), "-o", str(planted))
    assert r.exit_code == 2 and "output-is-input" in r.stderr
    ok = tmp_path / "ok.xlsx"
    shutil.copy(EX_COUNTY, ok)
    out = tmp_path / "empty.xlsx"
    assert run_cli("check", str(ok), "-o", str(out)).exit_code == 0
    assert [row for row in openpyxl.load_workbook(out)["Problems to fix"].iter_rows(values_only=True)][1:] == []
