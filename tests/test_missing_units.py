"""--partial and units without observations: every report lists them as 未完成
after the ranked units of their rank group, never ranked, never with a
figure (no 0, no 不合格, no rank 1), and the run still exits 1."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess

import openpyxl
import pytest

from conftest import ROOT, run_cli

COUNTY = ROOT / "examples" / "county_2020_filled.xlsx"
CITYDEPT = ROOT / "examples" / "citydept_2020_filled.xlsx"
B_CLASS = ["市民宗委", "市财政局", "市地方金融工作局"]


@pytest.fixture(scope="module")
def county_partial(tmp_path_factory):
    """武穴市 sent nothing (its sheet removed); 红安县 left one value blank."""
    wb = openpyxl.load_workbook(COUNTY)
    del wb["武穴市"]
    wb["红安县"]["I6"] = None
    path = tmp_path_factory.mktemp("partial") / "county.xlsx"
    wb.save(path)
    return str(path)


@pytest.fixture(scope="module")
def b_class_missing(tmp_path_factory):
    """Three B-class departments sent nothing; and a copy where no B-class
    department did (a rank group with no unit to rank)."""
    import yaml

    roster = yaml.safe_load((ROOT / "rules" / "units.yaml").read_text(encoding="utf-8"))["units"]
    every_b = [u["name"] for u in roster if u["class"] == "B"]
    out = tmp_path_factory.mktemp("nob")
    paths = {}
    for name, gone in (("three", B_CLASS), ("all", every_b)):
        wb = openpyxl.load_workbook(CITYDEPT)
        for unit in gone:
            del wb[unit]
        paths[name] = str(out / f"{name}.xlsx")
        wb.save(paths[name])
    return paths, every_b


def _score(path, *args):
    res = run_cli("--lang", "zh", "score", path, "--partial", *args)
    assert res.exit_code == 1, res.stderr  # a partial result is never final
    assert "武穴市" in res.stderr or "市财政局" in res.stderr
    return res


def test_terminal_lists_the_missing_unit_last_without_figures(county_partial):
    out = _score(county_partial).stdout
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert rows[-1].split("│")[2].strip() == "武穴市"  # after every ranked unit
    cells = [c.strip() for c in rows[-1].split("│")[1:-1]]
    assert cells[0] == "" and cells[-1] == "未完成"  # no rank
    assert all(c == "" for c in cells[3:-1])  # no figure, no grade
    assert "武穴市" in out.split("└")[-1]  # and a line under the table says why


def test_csv_rows_for_the_missing_unit(county_partial):
    rows = list(csv.DictReader(io.StringIO(_score(county_partial, "--format", "csv").stdout)))
    assert rows[-1]["单位"] == "武穴市"
    assert (rows[-1]["排名"], rows[-1]["总分"], rows[-1]["等次"], rows[-1]["基础分"], rows[-1]["是否完整"]) == ("", "", "", "", "否")
    assert sorted(int(r["排名"]) for r in rows[:-1])[0] == 1 and len(rows) == 10
    detail = list(csv.DictReader(io.StringIO(_score(county_partial, "--format", "csv", "--detail").stdout)))
    mine = [r for r in detail if r["单位"] == "武穴市"]
    assert len(mine) == 1 and mine[0]["指标编号"] == "" and mine[0]["分值"] == mine[0]["得分"] == "" and mine[0]["是否完整"] == "否"
    assert "无观测值" in mine[0]["失分原因"]


def test_markdown_row_and_note(county_partial):
    md = _score(county_partial, "--format", "md", "--detail").stdout
    row = next(line for line in md.splitlines() if line.startswith("| ") and "武穴市" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "10" and cells[-1] == "未完成" and all(c == "" for c in cells[3:-1])
    assert "未完成：武穴市 未提交观测值，未评分，不参加排名。" in md
    assert "- **武穴市**（未完成：无观测值，未评分）" in md


def test_json_lists_the_missing_units_apart(county_partial):
    data = json.loads(_score(county_partial, "--format", "json").stdout)
    assert "武穴市" not in {u["unit"] for u in data["units"]}
    assert data["missing_units"] == [{"unit": "武穴市", "class": "county", "rules": "huanggang-county-2020", "rank_group": "county"}]
    from test_cli_score import _check

    schema = json.loads((ROOT / "schema" / "results.schema.json").read_text(encoding="utf-8"))
    _check(data, schema, schema)
    # a complete run has no such key (the document is as before)
    full = json.loads(run_cli("score", str(COUNTY), "--format", "json").stdout)
    assert "missing_units" not in full


def test_workbook_lists_the_missing_unit_outside_the_chart(county_partial, tmp_path):
    out = tmp_path / "r.xlsx"
    _score(county_partial, "-o", str(out))
    wb = openpyxl.load_workbook(out)
    ws = wb["汇总"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    at = next(i for i, r in enumerate(rows) if r[1] == "武穴市")
    assert rows[at][0] == 10 and rows[at][-1] == "未完成" and all(v is None for v in rows[at][3:-1])
    assert all(r[1] != "武穴市" for r in rows[at + 1 :])
    assert any("武穴市 未提交观测值" in str(r[0]) for r in rows[at + 1 :])
    series = wb["图表"]._charts[0].series[0]
    assert series.val.numRef.f.endswith(f"${at}")  # the chart ends at the last ranked unit (row at, 1-based, is the one before)
    detail = [[c.value for c in r] for r in wb["明细"].iter_rows() if r[0].value == "武穴市"]
    assert len(detail) == 1 and detail[0][14] == "未完成" and detail[0][6:9] == [None, None, None]
    assert not [n for n in wb.sheetnames if "武穴市" in n]  # nothing scored: no lost-point sheet


B_GROUP = "未开设网站的市直部门(B类)"  # the B class's name, which names its table


def _group_rows(md: str, group: str) -> list[list[str]]:
    part = md.split(f" {group}\n")[1].split("\n## ")[0]
    lines = [line for line in part.splitlines() if line.startswith("| ") and "---" not in line][1:]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines]


def test_missing_units_follow_the_ranked_ones_of_their_group(b_class_missing, tmp_path):
    paths, every_b = b_class_missing
    rows = _group_rows(_score(paths["three"], "--format", "md").stdout, B_GROUP)
    names = [r[1] for r in rows]
    assert names[-3:] == B_CLASS  # after the ranked ones, in roster order
    assert all(r[-1] == "完整" and r[-2] for r in rows[:-3])  # the others ranked
    assert all(r[-1] == "未完成" and r[-2] == "" for r in rows[-3:])  # never ranked, never rank 1
    # a group where nobody sent anything: its table lists every unit as 未完成
    res = _score(paths["all"], "--format", "md")
    rows = _group_rows(res.stdout, B_GROUP)
    assert [r[1] for r in rows] == every_b and {r[-1] for r in rows} == {"未完成"}
    out = tmp_path / "r.xlsx"
    _score(paths["all"], "-o", str(out))
    wb = openpyxl.load_workbook(out)
    listed = [r[1].value for r in wb["汇总"].iter_rows() if r[-1].value == "未完成"]
    assert listed == every_b
    assert len(wb["图表"]._charts) == 1  # A's chart; B has nothing to draw


def test_notice_table_lists_the_missing_unit(county_partial, tmp_path):
    import docx

    out = tmp_path / "通报.docx"
    _score(county_partial, "-o", str(out))
    doc = docx.Document(str(out))
    last = [c.text for c in doc.tables[0].rows[-1].cells]
    assert last[:2] == ["未完成", "武穴市"] and set(last[2:-1]) == {"—"} and last[-1] == ""
    texts = [p.text for p in doc.paragraphs]
    assert any("未提交观测值，未评分，不参加排名" in t for t in texts)
    pdf = tmp_path / "通报.pdf"
    _score(county_partial, "-o", str(pdf))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    line = next(line for line in text.splitlines() if "武穴市" in line)
    assert "未完成" in line and not re.search(r"\d", line)
