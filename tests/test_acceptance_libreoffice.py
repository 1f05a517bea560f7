"""Acceptance checks that need LibreOffice, all in ONE headless soffice run.

* the templates for all 56 units (sheet layout and long layout) open in LibreOffice;
* the results workbook (汇总, 明细, 扣分明细, chart) opens in LibreOffice;
* the ``--formulas`` workbook recalculated by LibreOffice gives, for every
  unit, gkscore's own totals, grades and ranks (bundled examples, the examples with
  one observation changed in the workbook, and held-back hand-made observation sets).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from gkscore.observations.layout import header_key

from test_acceptance_helpers import (
    EX_CITYDEPT,
    EX_COUNTY,
    cli,
    fill_full_credit,
    find_value_cell,
    load_json,
    make_csv_template,
)

EXAMPLES = (str(EX_COUNTY), str(EX_CITYDEPT))

# 黄州区's 省级通报 count is changed from its example value to this in the formula workbook
CHANGED_UNIT, CHANGED_ITEM, CHANGED_FIELD, CHANGED_VALUE = "黄州区", "rcgl.jdjc.jctb", "provincial", 3


def _soffice() -> str:
    for cand in (shutil.which("soffice"), shutil.which("libreoffice"), "/usr/bin/soffice"):
        if cand and os.path.exists(cand):
            return cand
    pytest.fail("LibreOffice (soffice) is required for these acceptance tests", pytrace=False)


def _ok(r):
    assert r.exit_code == 0, r.stderr
    return r


def _json(*args):
    return load_json(_ok(cli("score", *args, "--format", "json")).stdout)


@pytest.fixture(scope="module")
def lo(tmp_path_factory):
    src = tmp_path_factory.mktemp("lo_in")
    out = tmp_path_factory.mktemp("lo_out")
    files = {}

    # templates
    files["tpl_county"] = src / "tpl_county.xlsx"
    _ok(cli("template", "county_2020", "-o", files["tpl_county"]))
    files["tpl_citydept"] = src / "tpl_citydept.xlsx"
    _ok(cli("template", "citydept_2020", "-o", files["tpl_citydept"]))

    # the report
    files["report"] = src / "report.xlsx"
    _ok(cli("--lang", "zh", "score", *EXAMPLES, "-o", files["report"]))

    # formulas for the examples ...
    files["audit"] = src / "audit.xlsx"
    _ok(cli("score", *EXAMPLES, "--format", "xlsx", "--formulas", "-o", files["audit"]))

    # ... the same workbook with one observation changed in it, and gkscore's view of that change
    wb = openpyxl.load_workbook(files["audit"])
    ws = wb["观测"]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    row = next(
        r for r in range(2, ws.max_row + 1)
        if (ws.cell(r, col["单位"]).value, ws.cell(r, col["指标/对象"]).value, ws.cell(r, col["字段"]).value)
        == (CHANGED_UNIT, CHANGED_ITEM, CHANGED_FIELD)
    )
    old_value = ws.cell(row, col["观测值"]).value
    assert old_value != CHANGED_VALUE
    ws.cell(row, col["观测值"]).value = CHANGED_VALUE
    files["audit_changed"] = src / "audit_changed.xlsx"
    wb.save(files["audit_changed"])
    changed_obs = src / "county_changed.xlsx"
    wbo = openpyxl.load_workbook(EX_COUNTY)
    find_value_cell(wbo[CHANGED_UNIT], CHANGED_ITEM, CHANGED_FIELD).value = CHANGED_VALUE
    wbo.save(changed_obs)

    # ... and held-back observation sets made here (never seen by the developers)
    c = make_csv_template(src, "county_2020", "held_county.csv", "团风县", "蕲春县", "武穴市")
    fill_full_credit(c, {
        ("团风县", "zdgk.zcjd.jdxs", "graphics"): "否",  # 0.5×3/4 = 0.375, + 0.5 -> 0.875 -> 0.88
        ("团风县", "rcgl.jdjc.ba3", "faults"): "2",  # 1 - 0.2×2 = 0.6
        ("蕲春县", "zdgk.zcjd", "mismatch"): "是",  # 政策解读 voided
        ("蕲春县", "jfx.cxal.1", "score"): "3.5",
        ("蕲春县", "kfx.mtbg.1", "deducted"): "1.5",
        ("武穴市", "rcgl.jdjc.jctb", "state_council"): "2",  # 8 - 16 -> 0
        ("武穴市", "zdgk.gknb.1", "government_date"): "2020-03-31",
    })
    d = make_csv_template(src, "citydept_2020", "held_dept.csv", "市公安局", "市国资委", "市统计局")
    fill_full_credit(d, {
        ("市公安局", "jdjc.nrbz", "wlxcs"): "2",  # A: 4 - 2×2 = 0
        ("市国资委", "jdjc.nrbz", "wlxcs"): "1",  # B: 4 - 3×1 = 1
        ("市国资委", "gkpt.3", "gxbjs"): "4",  # B: 6 - 4 = 2
        ("市统计局", "jdjc.nrbz", "wlxcs"): "1",  # B: 4 - 3 = 1
        ("市统计局", "gkpt.3", "gxbjs"): "4",  # tie with 市国资委
        ("市统计局", "cxal.al", "cxpf"): "5",
        ("市统计局", "ztgk.zt", "ztpf"): "2",
        ("市统计局", "mtbg.bg", "kfz"): "5",  # +7 -5: still a tie? 91 + 7 - 5 = 93 vs 91
    })
    files["audit_held"] = src / "audit_held.xlsx"
    _ok(cli("score", c, d, "--format", "xlsx", "--formulas", "-o", files["audit_held"]))

    cmd = [
        _soffice(), "--headless", "--norestore", "--nologo",
        f"-env:UserInstallation=file://{tmp_path_factory.mktemp('lo_profile')}/p",
        "--convert-to", "xlsx", "--outdir", str(out), *map(str, files.values()),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    conv = {k: out / v.name for k, v in files.items()}
    missing = [k for k, v in conv.items() if not v.exists()]
    assert proc.returncode == 0 and not missing, (proc.returncode, missing, proc.stdout, proc.stderr)
    return {
        "src": files,
        "conv": conv,
        "json_examples": _json(*EXAMPLES),
        "json_changed": _json(str(changed_obs), str(EX_CITYDEPT)),
        "json_held": _json(c, d),
    }


def _summary(path: Path) -> dict:
    """{unit: {header: value}} from a recalculated formula workbook's 汇总."""
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    rows = list(wb["汇总"].iter_rows(values_only=True))
    head = list(rows[0])
    return {r[head.index("单位")]: dict(zip(head, r)) for r in rows[1:] if r[head.index("单位")]}


def _detail(path: Path) -> dict:
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    rows = list(wb["明细"].iter_rows(values_only=True))
    head = list(rows[0])
    iu, ii, isc = head.index("单位"), head.index("指标"), head.index("得分")
    return {(r[iu], r[ii]): r[isc] for r in rows[1:] if r[iu]}


def _num(v) -> D:
    assert isinstance(v, (int, float)) and not isinstance(v, bool), v
    return D(repr(v)) if isinstance(v, float) else D(v)


def _agree(summary: dict, results: dict):
    assert set(summary) == {u["unit"] for u in results["units"]}
    for u in results["units"]:
        s = summary[u["unit"]]
        assert _num(s["总分"]) == u["total"], (u["unit"], s["总分"], u["total"])
        assert s["排名"] == u["rank"], (u["unit"], s["排名"], u["rank"])
        assert s["等次"] == u["grade"], (u["unit"], s["等次"], u["grade"])
        assert _num(s["基础分"]) == u["base"] and _num(s["加分"]) == u["bonus"] and _num(s["扣分"]) == u["penalty"]


# ------------------------------------------------------------ templates

def test_templates_for_all_56_units_open_in_libreoffice(lo):
    names = []
    for key in ("tpl_county", "tpl_citydept"):
        wb = openpyxl.load_workbook(lo["conv"][key], read_only=True)
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(min_row=1, max_row=4, values_only=True))
            if len(rows) >= 4 and rows[3] and any(header_key(v) == "item" for v in rows[3]):
                names.append(rows[0][1])
    assert len(names) == 56 and len(set(names)) == 56


def test_template_data_validations_survive_libreoffice(lo):
    ws = openpyxl.load_workbook(lo["conv"]["tpl_county"])["黄州区"]
    dvs = list(ws.data_validations.dataValidation)
    assert any(dv.type == "list" for dv in dvs) and any(dv.type == "whole" for dv in dvs)
    assert all(dv.showErrorMessage for dv in dvs)


# ------------------------------------------------------------ the report

def test_results_workbook_opens_in_libreoffice_with_its_sheets_and_chart(lo):
    wb = openpyxl.load_workbook(lo["conv"]["report"])
    assert "汇总" in wb.sheetnames and "明细" in wb.sheetnames
    assert sum(1 for s in wb.sheetnames if s.startswith("扣分明细")) == 56
    assert sum(len(ws._charts) for ws in wb.worksheets) >= 3


def test_results_workbook_values_unchanged_by_libreoffice(lo):
    want = {u["unit"]: u["total"] for u in lo["json_examples"]["units"]}
    ws = openpyxl.load_workbook(lo["conv"]["report"], read_only=True)["汇总"]
    head, got = None, {}
    for row in ws.iter_rows(values_only=True):
        if row and row[0] == "序号":
            head = list(row)
        elif head and row and isinstance(row[0], (int, float)):
            rec = dict(zip(head, row))
            got[rec["单位"]] = _num(rec["总分"])
    assert got == want


# ------------------------------------------------------------ the formula workbook

def test_formula_workbook_of_the_examples_recalculated_equals_score_json(lo):
    _agree(_summary(lo["conv"]["audit"]), lo["json_examples"])


def test_formula_workbook_item_scores_recalculated_equal_score_json(lo):
    got = _detail(lo["conv"]["audit"])
    n = 0
    for u in lo["json_examples"]["units"]:
        for it in u["items"]:
            assert _num(got[(u["unit"], it["id"])]) == it["score"], (u["unit"], it["id"])
            n += 1
    assert n == len(got)


def test_formula_cells_are_live_formulas_not_values(lo):
    wb = openpyxl.load_workbook(lo["src"]["audit"], read_only=True)
    rows = list(wb["汇总"].iter_rows(min_row=1, max_row=3, values_only=True))
    rec = dict(zip(rows[0], rows[1]))
    for h in ("总分", "等次", "排名", "基础分", "加分", "扣分"):
        assert isinstance(rec[h], str) and rec[h].startswith("="), (h, rec[h])


def test_changing_one_observation_in_the_workbook_moves_total_and_rank_as_gkscore_would(lo):
    before = _summary(lo["conv"]["audit"])
    after = _summary(lo["conv"]["audit_changed"])
    assert _num(after[CHANGED_UNIT]["总分"]) < _num(before[CHANGED_UNIT]["总分"])
    _agree(after, lo["json_changed"])
    moved = [u for u in after if after[u]["排名"] != before[u]["排名"]]
    assert CHANGED_UNIT in moved  # the change is large enough to change the ranking


def test_held_back_observation_sets_recalculated_equal_score_json(lo):
    _agree(_summary(lo["conv"]["audit_held"]), lo["json_held"])
    got = _detail(lo["conv"]["audit_held"])
    for u in lo["json_held"]["units"]:
        for it in u["items"]:
            assert _num(got[(u["unit"], it["id"])]) == it["score"], (u["unit"], it["id"])


def test_held_back_sets_match_hand_computation(lo):
    s = _summary(lo["conv"]["audit_held"])
    # 团风县: 解读形式 1 - 0.88 = 0.12 lost; 备案3 1 - 0.2×2 = 0.6 -> 0.4 lost
    assert _num(s["团风县"]["总分"]) == 100 - D("0.12") - D("0.4") == D("99.48")
    # 蕲春县: 政策解读 voided (5); + 3.5 - 1.5
    assert _num(s["蕲春县"]["总分"]) == 100 - 5 + D("3.5") - D("1.5") == 97
    # 武穴市: 国办通报 2个: 8 - 8×2 -> 0 (8 lost); 年报 2020-03-31 is on time
    assert _num(s["武穴市"]["总分"]) == 92
    assert [s[u]["排名"] for u in ("团风县", "蕲春县", "武穴市")] == [1, 2, 3]
    # A: 市公安局 4 - 2×2 = 0 -> 96; B: 市国资委 4-3 = 1 (3 lost), 6-4 = 2 (4 lost) -> 93;
    # 市统计局 the same 93 + 7 (bonus cap 7) - 5 = 95
    assert _num(s["市公安局"]["总分"]) == 96
    assert _num(s["市国资委"]["总分"]) == 93 and _num(s["市统计局"]["总分"]) == 95
    assert (s["市统计局"]["排名"], s["市国资委"]["排名"]) == (1, 2)
