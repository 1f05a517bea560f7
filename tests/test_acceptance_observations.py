"""Acceptance tests of observation templates and strict reading of filled sheets.

Everything on the real Huanggang tables, through the CLI.  (LibreOffice opening
the templates is checked in test_acceptance_libreoffice.py, in one soffice run.)
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import random
import re
import shutil
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from gkscore.observations.layout import header_key  # noqa: E402
from test_acceptance_helpers import (
    type_key,
    CITYDEPT_RULES,
    COUNTY_RULES,
    EX_COUNTY,
    cli,
    csv_line_of,
    csv_line_of_record,
    fill_full_credit,
    find_value_cell,
    full_credit_value,
    header_columns,
    load_json,
    make_csv_template,
    random_valid_value,
    read_csv,
    unit_sheets,
    write_csv,
)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    d = tmp_path_factory.mktemp("tpl")
    out = {}
    for stem in ("county_2020", "citydept_2020"):
        x = d / f"{stem}.xlsx"
        r = cli("template", stem, "-o", x)
        assert r.exit_code == 0, r.stderr
        c = d / f"{stem}.csv"
        r = cli("template", stem, "-o", c)
        assert r.exit_code == 0, r.stderr
        out[stem] = {"xlsx": x, "csv": c, "wb": openpyxl.load_workbook(x)}
    return out


def _score_json(*args):
    r = cli("score", *args, "--format", "json")
    return r, (load_json(r.stdout) if r.stdout.strip() else None)


# ------------------------------------------------------------------ template

def test_templates_for_all_56_units_open_in_openpyxl(templates):
    c = unit_sheets(templates["county_2020"]["wb"])
    d = unit_sheets(templates["citydept_2020"]["wb"])
    assert len(c) == 10 and len(d) == 46
    names = {ws["B1"].value for ws in c + d}
    assert len(names) == 56


def test_template_has_a_cover_sheet_first(templates):
    for t in templates.values():
        wb = t["wb"]
        cover = wb.worksheets[0]
        assert cover.title == "Instructions"  # the run's language; 说明 in Chinese
        text = " ".join(str(v) for row in cover.iter_rows(values_only=True) for v in row if v)
        assert "How to fill in" in text  # explains how to fill it in


def test_sheet_names_are_safe_and_unique_ignoring_case(templates):
    for t in templates.values():
        titles = t["wb"].sheetnames
        for s in titles:
            assert len(s) <= 31 and not re.search(r"[\\*?:/\[\]]", s), s
        assert len({s.casefold() for s in titles}) == len(titles)


def test_template_records_rule_id_and_sha256_of_the_rule_file(templates):
    for stem, path in (("county_2020", COUNTY_RULES), ("citydept_2020", CITYDEPT_RULES)):
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        wb = templates[stem]["wb"]
        meta = next(ws for ws in wb.worksheets if ws.sheet_state != "visible" and ws.title.startswith("_gk"))
        kv = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, meta.max_row + 1)}
        assert kv["rules_sha256"] == sha
        assert kv["rules_id"] == ("huanggang-county-2020" if stem == "county_2020" else "huanggang-citydept-2020")
        _, rows = read_csv(templates[stem]["csv"])
        assert {r["rules"] for r in rows} == {f"{kv['rules_id']}@{sha}"}


def test_csv_template_has_the_required_long_form_columns(templates):
    for t in templates.values():
        head, rows = read_csv(t["csv"])
        for col in ("unit", "item", "field", "type", "allowed", "value", "evidence", "scorer", "prompt"):
            assert col in head
        assert {r["type"] for r in rows} <= {"bool", "count", "number", "date", "score", "choice"}
        assert all(r["value"] == "" and r["prompt"] for r in rows)


def test_sampled_counts_are_bounded_by_the_sample_size_in_allowed(templates):
    _, rows = read_csv(templates["county_2020"]["csv"])
    allowed = {(r["item"], r["field"]): r["allowed"] for r in rows}
    assert allowed[("zdgk.zcjd.jdbl", "interpreted")] == "0..4"  # 随机抽查4个
    assert allowed[("zdgk.zcjd.jdgl", "unlinked")] == "0..3"  # 随机抽查3个
    assert allowed[("zdgk.zdly.zdxm", "completeness")] == "0..2 step 0.5"


def test_items_not_applying_to_the_class_are_left_out(templates):
    _, rows = read_csv(templates["citydept_2020"]["csv"])
    a = {(r["item"], r["field"]) for r in rows if r["unit"] == "市教育局"}
    b = {(r["item"], r["field"]) for r in rows if r["unit"] == "市财政局"}
    assert ("ndbb.fb", "fbbb") in a and ("ndbb.fb", "fbbb") not in b  # B类 blank
    assert ("fwgk.fwqk", "tyjd") in b  # B类 0分: applies, worth 0
    assert a - b == {("ndbb.fb", "fbbb")}


# -------------------------------------------------- data validation emulated

def _excel_eval(formula: str, ref: str, value) -> bool:
    """Evaluate the custom validation formulas gkscore writes (AND/ISNUMBER/ROUND/INT, comparisons)."""
    expr = formula.replace(ref, "__V__")
    expr = expr.replace("<>", " != ").replace(">=", " __GE__ ").replace("<=", " __LE__ ")
    expr = expr.replace("=", " == ").replace("__GE__", ">=").replace("__LE__", "<=")
    assert re.fullmatch(r"[A-Z_() ,.\d+\-*/<>=!]+", expr.replace("__V__", "")), formula
    isnum = isinstance(value, (int, float, D)) and not isinstance(value, bool)

    def _round(x, n):
        return D(x).quantize(D(1).scaleb(-int(n)))

    env = {
        "AND": lambda *a: all(a),
        "OR": lambda *a: any(a),
        "ISNUMBER": lambda x: isnum,
        "ROUND": _round,
        "INT": lambda x: D(int(D(x).to_integral_value(rounding="ROUND_FLOOR"))),
        "__V__": D(str(value)) if isnum else value,
    }
    expr = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])", r"D('\1')", expr)
    env["D"] = D
    try:
        return bool(eval(expr, {"__builtins__": {}}, env))  # noqa: S307 - our own formula text, checked above
    except TypeError:  # text compared with numbers: Excel's AND would be FALSE since ISNUMBER is
        return False


def _dv_accepts(dv, ref: str, value) -> bool:
    """What Excel does with ``value`` typed into a cell under ``dv`` (a stop-style validation)."""
    isnum = isinstance(value, (int, float, D)) and not isinstance(value, bool)
    if dv.type == "list":
        return str(value) in dv.formula1.strip('"').split(",")
    if dv.type in ("whole", "decimal"):
        if not isnum or (dv.type == "whole" and D(str(value)) != int(D(str(value)))):
            return False
        v, a = D(str(value)), D(dv.formula1)
        b = D(dv.formula2) if dv.formula2 is not None else None
        return {
            "between": lambda: a <= v <= b,
            "greaterThanOrEqual": lambda: v >= a,
            "lessThanOrEqual": lambda: v <= a,
        }[dv.operator or "between"]()
    if dv.type == "date":
        return isinstance(value, (dt.date, dt.datetime)) or (isnum and D(dv.formula1) <= D(str(value)) <= D(dv.formula2))
    if dv.type == "custom":
        return _excel_eval(dv.formula1, ref, value)
    raise AssertionError(dv.type)


WRONG = {
    "bool": ["有点", "yes", 1],
    "count": [-1, 1.5, "三"],
    "number": [-0.5, 100.5, "多"],
    "score": [-0.5, "好"],
    "date": ["下周", "2021-13-01"],
}


def _wrong_for(allowed: str, t: str):
    vals = list(WRONG[t])
    if t == "count" and re.fullmatch(r"\d+\.\.\d+", allowed):
        vals.append(int(allowed.split("..")[1]) + 1)  # above the sample size
    if t == "score":
        lo_hi, step = allowed.split(" step ")
        lo, hi = (D(x) for x in lo_hi.split(".."))
        vals.append(float(hi + D(step)))  # above the item
        vals.append(float(lo + D(step) / 2 + D("0.05")))  # off the step
    if t == "number" and allowed.endswith(".."):
        vals = [v for v in vals if v != 100.5]
    return vals


def _right_for(row_type: str, allowed: str):
    if row_type == "bool":
        return ["是", "否"]
    if row_type == "count":
        hi = allowed.split("..")[1]
        return [0, int(hi) if hi else 7]
    if row_type == "number":
        return [0, 4.5]
    if row_type == "score":
        lo_hi, step = allowed.split(" step ")
        lo, hi = (D(x) for x in lo_hi.split(".."))
        return [float(lo), float(hi), float(hi - D(step))]
    if row_type == "date":
        return [dt.datetime(2020, 3, 31)]
    raise AssertionError(row_type)


def test_every_input_cell_has_a_stop_validation_that_rejects_wrong_entries(templates):
    checked = 0
    for t in templates.values():
        for ws in unit_sheets(t["wb"]):
            cols = header_columns(ws)
            dvs = list(ws.data_validations.dataValidation)
            for r in range(5, ws.max_row + 1):
                typ = type_key(ws.cell(r, cols["type"]).value)
                if not typ:
                    continue
                allowed = ws.cell(r, cols["allowed"]).value
                ref = ws.cell(r, cols["value"]).coordinate
                found = [dv for dv in dvs if ref in dv.sqref]
                assert len(found) == 1, (ws.title, ref)
                dv = found[0]
                assert dv.showErrorMessage is True, (ws.title, ref)
                assert dv.errorStyle in (None, "stop"), (ws.title, ref)
                for v in _wrong_for(allowed, typ):
                    assert not _dv_accepts(dv, ref, v), (ws.title, ref, allowed, v)
                for v in _right_for(typ, allowed):
                    assert _dv_accepts(dv, ref, v), (ws.title, ref, allowed, v)
                checked += 1
    assert checked > 3000


def test_only_value_evidence_and_scorer_cells_are_unlocked_and_header_frozen(templates):
    ws = templates["citydept_2020"]["wb"]["市教育局"]
    cols = header_columns(ws)
    assert ws.protection.sheet
    assert ws.freeze_panes == "C5"  # the item and the question stay in view
    editable = {cols["value"], cols["evidence"], cols["scorer"]}
    for r in range(1, ws.max_row + 1):
        for c in range(1, ws.max_column + 1):
            assert ws.cell(r, c).protection.locked == (not (r >= 5 and c in editable)), ws.cell(r, c).coordinate
    assert (ws.column_dimensions[openpyxl.utils.get_column_letter(cols["text"])].width or 0) >= 30


# -------------------------------------------------------------- reading

def test_csv_template_filled_with_random_valid_values_scores_without_error(templates, tmp_path):
    for stem, t in templates.items():
        head, rows = read_csv(t["csv"])
        rng = random.Random(stem)
        for r in rows:
            r["value"] = random_valid_value(r, rng)
        p = write_csv(tmp_path / f"{stem}_random.csv", head, rows)
        r, d = _score_json(p)
        assert r.exit_code == 0, r.stderr
        assert len(d["units"]) == (10 if stem == "county_2020" else 46)
        assert all(u["complete"] for u in d["units"])
        for u in d["units"]:
            for it in u["items"]:
                assert 0 <= it["score"] <= it["max"]


def test_long_layout_filled_gives_the_same_result_as_the_csv(tmp_path):
    c = make_csv_template(tmp_path, "county_2020", "c.csv", "黄州区", "团风县")
    fill_full_credit(c, {("团风县", "zdgk.hygq.jttc", "not_connected"): "3"})
    x = tmp_path / "long.xlsx"
    assert cli("template", "county_2020", "--unit", "黄州区", "--unit", "团风县", "--layout", "long", "-o", x).exit_code == 0
    wb = openpyxl.load_workbook(x)
    ws = wb.worksheets[1]  # the long sheet (观测, Observation sheet)
    head = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
    key = {header_key(h): c for h, c in head.items()}
    _, rows = read_csv(c)
    want = {(r["unit"], r["item"], r["field"]): r["value"] for r in rows}
    hr = 1
    for r in range(hr + 1, ws.max_row + 1):
        k = (ws.cell(r, key["unit"]).value, ws.cell(r, key["item"]).value, ws.cell(r, key["field"]).value)
        if k in want:
            ws.cell(r, key["value"]).value = want[k]
    wb.save(x)
    a = _score_json(c)[1]
    b = _score_json(x)[1]
    assert [(u["unit"], u["total"]) for u in a["units"]] == [(u["unit"], u["total"]) for u in b["units"]]
    assert b["units"][1]["unit"] == "团风县" and b["units"][1]["total"] == 100 - 3  # 4 - 1 × 3 = 1


@pytest.fixture
def filled_pair(tmp_path):
    p = make_csv_template(tmp_path, "citydept_2020", "obs.csv", "市教育局", "市财政局")
    fill_full_credit(p)
    head, rows = read_csv(p)
    return tmp_path, head, rows


def _row(rows, _unit, _item, _field):
    return next(r for r in rows if (r["unit"], r["item"], r["field"]) == (_unit, _item, _field))


PLANTS = {
    # name: (function(rows) -> rows, (unit, item, field) of the planted row or None for appended, code, needle)
    "unknown-unit": (lambda rs: _set(rs, "市教育局", "zztj.1", "mqjg", unit="市教育厅"), "unknown-unit", "'市教育厅'"),
    "unit-of-another-class": (lambda rs: _set(rs, "市教育局", "zztj.1", "mqjg", unit="黄州区"), "wrong-class", "县(市、区)人民政府"),
    "class-column-disagrees": (lambda rs: _set(rs, "市教育局", "zztj.2", "hyyj", **{"class": "B"}), "wrong-class", "'B'"),
    "unknown-item": (lambda rs: _set(rs, "市教育局", "zztj.3", "hypx", item="zztj.9"), "unknown-item", "'zztj.9'"),
    "unknown-field": (lambda rs: _set(rs, "市教育局", "zztj.3", "hypx", field="hypx2"), "unknown-field", "'hypx2'"),
    "missing-value": (lambda rs: _set(rs, "市教育局", "jdjc.nrbz", "wlxcs", value=""), "missing-value", "监督检查 item 1"),
    "not-a-yes-no": (lambda rs: _set(rs, "市教育局", "zztj.1", "mqjg", value="有点"), "bad-value", "'有点'"),
    "count-not-whole": (lambda rs: _set(rs, "市财政局", "gkpt.3", "kblm", value="1.5"), "bad-value", "'1.5'"),
    "negative-count": (lambda rs: _set(rs, "市财政局", "gkpt.3", "kblm", value="-1"), None, "'-1'"),
    "date-not-a-date": (lambda rs: _set(rs, "市财政局", "gknb.1", "fbrq", value="2020-02-30"), "bad-value", "'2020-02-30'"),
    "judged-score-above-item": (lambda rs: _set(rs, "市教育局", "zdly.jszygy", "ggzy", value="2.5"), "out-of-range", "'2.5'"),
    "judged-score-off-step": (lambda rs: _set(rs, "市教育局", "zdly.jszygy", "ggzy", value="1.3"), "off-step", "'1.3'"),
    "bonus-above-item": (lambda rs: _set(rs, "市财政局", "cxal.al", "cxpf", value="6"), "out-of-range", "'6'"),
}


def _set(rows, _unit, _item, _field, **kw):
    r = _row(rows, _unit, _item, _field)
    r.update(kw)
    r["_planted"] = True
    return rows


@pytest.mark.parametrize("name", sorted(PLANTS))
def test_planted_problem_in_csv_exits_1_naming_its_line(filled_pair, name):
    tmp, head, rows = filled_pair
    fn, code, needle = PLANTS[name]
    rows = fn(copy.deepcopy(rows))
    p = write_csv(tmp / f"{name}.csv", head, rows)
    idx = next(i for i, r in enumerate(rows) if r.get("_planted"))
    line = csv_line_of_record(p, idx)
    for cmd in ("check", "score"):
        r = cli(cmd, p)
        assert r.exit_code == 1, (cmd, r.stdout, r.stderr)
        hit = [l for l in r.stderr.splitlines() if l.startswith(f"{p}:{line}: ")]
        assert hit, (cmd, line, r.stderr)
        assert needle in hit[0], hit
        if code:
            assert hit[0].endswith(f"({code})"), hit
        assert r.stdout == "" or cmd == "check"  # nothing is scored


def test_value_for_an_item_not_applying_to_the_class_exits_1_naming_its_line(filled_pair):
    tmp, head, rows = filled_pair
    a = _row(rows, "市教育局", "ndbb.fb", "fbbb")
    rows = rows + [dict(a, unit="市财政局", **{"class": "B"})]
    p = write_csv(tmp / "na.csv", head, rows)
    r = cli("check", p)
    assert r.exit_code == 1
    assert re.search(rf"^{re.escape(str(p))}:{csv_line_of_record(p, len(rows) - 1)}: .* does not apply to 市财政局 .*\(not-applicable\)$", r.stderr, re.M), r.stderr


def test_field_given_twice_in_one_file_exits_1_naming_both_lines(filled_pair):
    tmp, head, rows = filled_pair
    dup = dict(_row(rows, "市财政局", "zztj.2", "hyyj"))
    first_idx = rows.index(_row(rows, "市财政局", "zztj.2", "hyyj"))
    rows = rows + [dup]
    p = write_csv(tmp / "dup.csv", head, rows)
    first = csv_line_of_record(p, first_idx)
    last = csv_line_of_record(p, len(rows) - 1)
    r = cli("check", p)
    assert r.exit_code == 1
    assert re.search(rf"^{re.escape(str(p))}:{last}: .*{re.escape(str(p))}:{first}\b.*\(duplicate-field\)$", r.stderr, re.M), r.stderr


def test_every_planted_problem_reported_in_one_run(filled_pair):
    tmp, head, rows = filled_pair
    rows = copy.deepcopy(rows)
    _set(rows, "市教育局", "zztj.1", "mqjg", value="有点")
    _set(rows, "市教育局", "zdly.jszygy", "ggzy", value="1.3")
    _set(rows, "市财政局", "gkpt.3", "kblm", value="")
    _set(rows, "市财政局", "zztj.3", "hypx", item="zztj.9")
    p = write_csv(tmp / "four.csv", head, rows)
    r = cli("check", p)
    assert r.exit_code == 1
    codes = re.findall(r"\(([a-z-]+)\)$", r.stderr, re.M)
    for c in ("bad-value", "off-step", "missing-value", "unknown-item"):
        assert c in codes, r.stderr


def test_blank_value_is_never_read_as_zero_or_full_credit(filled_pair):
    tmp, head, rows = filled_pair
    rows = copy.deepcopy(rows)
    _set(rows, "市教育局", "jdjc.nrbz", "wlxcs", value="")
    p = write_csv(tmp / "blank.csv", head, rows)
    r, _ = _score_json(p)
    assert r.exit_code == 1 and "missing-value" in r.stderr and r.stdout == ""
    r, d = _score_json(p, "--partial", "--lang", "zh")
    assert r.exit_code == 1
    u = next(u for u in d["units"] if u["unit"] == "市教育局")
    other = next(u for u in d["units"] if u["unit"] == "市财政局")
    it = next(i for i in u["items"] if i["id"] == "jdjc.nrbz")
    assert u["complete"] is False and it["complete"] is False and other["complete"] is True
    assert any("未填写" in x for x in it["reasons"])


def test_partial_result_is_marked_in_terminal_csv_md_and_xlsx(filled_pair):
    tmp, head, rows = filled_pair
    rows = copy.deepcopy(rows)
    _set(rows, "市财政局", "gkpt.3", "kblm", value="")
    p = write_csv(tmp / "partial.csv", head, rows)
    # a Chinese user's reports
    r = cli("--lang", "zh", "score", p, "--partial")
    assert r.exit_code == 1 and "不是最终结果" in r.stderr
    line = next(l for l in r.stdout.splitlines() if "市财政局" in l)
    assert "不完整" in line or "未完成" in line, r.stdout
    line = next(l for l in r.stdout.splitlines() if "市教育局" in l)
    assert "不完整" not in line and "未完成" not in line
    r = cli("--lang", "zh", "score", p, "--partial", "--format", "csv")
    assert r.exit_code == 1
    rows = [dict(zip(r.stdout.splitlines()[0].split(","), l.split(","))) for l in r.stdout.splitlines()[1:]]
    # a Chinese run: the csv's headers and yes/no are Chinese
    assert {x["单位"]: x["是否完整"] for x in rows} == {"市教育局": "是", "市财政局": "否"}
    r = cli("--lang", "zh", "score", p, "--partial", "--format", "md")
    assert r.exit_code == 1
    line = next(l for l in r.stdout.splitlines() if "市财政局" in l)
    assert "不完整" in line or "未完成" in line
    x = tmp / "partial.xlsx"
    r = cli("--lang", "zh", "score", p, "--partial", "-o", x)
    assert r.exit_code == 1 and x.exists()
    wb = openpyxl.load_workbook(x)
    cells = [str(v) for row in wb["明细"].iter_rows(values_only=True) if "市财政局" in row and "gkpt.3" in row for v in row]
    assert any(v in ("不完整", "未完成") for v in cells), cells
    summary = [row for row in wb["汇总"].iter_rows(values_only=True) if "市财政局" in row]
    assert summary and any(v in ("不完整", "未完成") for v in summary[0]), summary


def test_incomplete_item_arithmetic_does_not_claim_rounding(filled_pair):
    tmp, head, rows = filled_pair
    rows = copy.deepcopy(rows)
    _set(rows, "市财政局", "jdjc.nrbz", "wlxcs", value="")
    p = write_csv(tmp / "partial.csv", head, rows)
    r = cli("explain", p, "--unit", "市财政局", "--partial", "--lang", "zh")
    assert r.exit_code == 1
    block = r.stdout.split("[监督检查第1项]", 1)[1].split("\n[", 1)[0]
    assert "暂计0分" in block
    calc = next(l for l in block.splitlines() if "计算" in l)
    assert "四舍五入" not in calc, calc


def _xlsx_copy(tmp_path: Path) -> Path:
    p = tmp_path / "county.xlsx"
    shutil.copyfile(EX_COUNTY, p)
    return p


@pytest.mark.parametrize(
    "item, field, value, code, shown",
    [
        ("rcgl.zztj.3", "meetings_training", "有点", "bad-value", "expected 是 or 否, found '有点'"),
        ("zdgk.zcjd.jdbl", "interpreted", 5, "out-of-range", "'5'"),
        ("zdgk.zdly.zdxm", "completeness", 1.3, "off-step", "'1.3'"),
        ("rcgl.jdjc.jctb", "provincial", None, "missing-value", ""),
        ("zdgk.gknb.1", "government_date", "三月底", "bad-value", "'三月底'"),
    ],
)
def test_planted_problem_in_xlsx_exits_1_naming_sheet_and_cell(tmp_path, item, field, value, code, shown):
    p = _xlsx_copy(tmp_path)
    wb = openpyxl.load_workbook(p)
    cell = find_value_cell(wb["罗田县"], item, field)
    cell.value = value
    ref = cell.coordinate
    wb.save(p)
    r = cli("check", p)
    assert r.exit_code == 1
    hit = [l for l in r.stderr.splitlines() if l.startswith(f"{p}:罗田县!{ref}: ")]
    assert hit, r.stderr
    assert shown in hit[0] and hit[0].endswith(f"({code})"), hit


def test_unknown_unit_on_a_sheet_is_reported_at_the_unit_cell(tmp_path):
    p = _xlsx_copy(tmp_path)
    wb = openpyxl.load_workbook(p)
    wb["英山县"]["B1"].value = "英山市"
    wb.save(p)
    r = cli("check", p)
    assert r.exit_code == 1
    assert re.search(rf"^{re.escape(str(p))}:英山县!B1: .*英山市.*\(unknown-unit\)$", r.stderr, re.M), r.stderr


def test_sheet_recording_another_class_is_reported_at_the_class_cell(tmp_path):
    p = _xlsx_copy(tmp_path)
    wb = openpyxl.load_workbook(p)
    wb["英山县"]["B2"].value = "A"
    wb.save(p)
    r = cli("check", p)
    assert r.exit_code == 1
    assert re.search(rf"^{re.escape(str(p))}:英山县!B2: .*\(wrong-class\)$", r.stderr, re.M), r.stderr


def test_template_made_from_other_rules_is_refused(tmp_path):
    # next year's clerk edits one text: the template made from it is not for the bundled rules
    changed = tmp_path / "county_2020.yaml"
    changed.write_text(COUNTY_RULES.read_text(encoding="utf-8").replace("累计扣完为止", "累计扣完为止(修订)", 1), encoding="utf-8")
    p = tmp_path / "obs.csv"
    assert cli("template", changed, "--unit", "黄州区", "-o", p).exit_code == 0
    fill_full_credit(p)
    r = cli("check", p)
    assert r.exit_code == 1 and "rules-mismatch" in r.stderr and str(p) in r.stderr
    assert cli("check", p, "--rules", changed).exit_code == 0
    x = tmp_path / "obs.xlsx"
    assert cli("template", changed, "--unit", "黄州区", "-o", x).exit_code == 0
    wb = openpyxl.load_workbook(x)
    ws = wb["黄州区"]
    cols = header_columns(ws)
    for rr in range(5, ws.max_row + 1):
        row = {k: ws.cell(rr, c).value for k, c in cols.items()}
        row["type"] = type_key(row["type"])
        ws.cell(rr, cols["value"]).value = full_credit_value(row)
    wb.save(x)
    r = cli("score", x)
    assert r.exit_code == 1 and "rules-mismatch" in r.stderr


# ------------------------------------------------------------------ merging

def _split(tmp, head, rows, name_a, name_b, pred):
    a = write_csv(tmp / name_a, head, [r for r in rows if pred(r)])
    b = write_csv(tmp / name_b, head, [r for r in rows if not pred(r)])
    return a, b


def test_two_scorers_files_merge_and_equal_overlap_is_fine(filled_pair):
    tmp, head, rows = filled_pair
    whole, _ = _score_json(write_csv(tmp / "whole.csv", head, rows))
    a, b = _split(tmp, head, rows, "a.csv", "b.csv", lambda r: r["item"] < "j")
    # scorer 乙 also fills one of 甲's rows with the same value
    _, brows = read_csv(b)
    extra = dict(_row(rows, "市教育局", "gknb.1", "fbrq"), scorer="乙")
    write_csv(b, head, brows + [extra])
    r, d = _score_json(a, b)
    assert r.exit_code == 0, r.stderr
    assert [(u["unit"], u["total"]) for u in d["units"]] == [(u["unit"], u["total"]) for u in _score_json(tmp / "whole.csv")[1]["units"]]
    it = next(i for i in next(u for u in d["units"] if u["unit"] == "市教育局")["items"] if i["id"] == "gknb.1")
    assert "乙" in " ".join(map(str, it["scorers"])) and "QA" in " ".join(map(str, it["scorers"]))


def test_one_conflicting_value_in_two_files_is_refused_naming_both(filled_pair):
    tmp, head, rows = filled_pair
    a, b = _split(tmp, head, rows, "scorer_a.csv", "scorer_b.csv", lambda r: r["unit"] == "市教育局")
    _, brows = read_csv(b)
    clash = dict(_row(rows, "市教育局", "hygz.rx.qs", "wjsqs"), value="1", scorer="乙")
    write_csv(b, head, brows + [clash])
    line_a = csv_line_of(a, lambda r: r["item"] == "hygz.rx.qs")
    line_b = csv_line_of_record(b, len(brows))
    for cmd in ("check", "score"):
        r = cli(cmd, a, b)
        assert r.exit_code == 1, r.stderr
        assert "conflict" in r.stderr
        assert f"{a}:{line_a}" in r.stderr and f"{b}:{line_b}" in r.stderr, r.stderr
        if cmd == "score":
            assert r.stdout == ""


def test_conflict_between_an_xlsx_and_a_csv_names_the_cell_and_the_line(tmp_path):
    c = make_csv_template(tmp_path, "county_2020", "fix.csv", "黄州区")
    head, rows = read_csv(c)
    row = next(r for r in rows if (r["item"], r["field"]) == ("rcgl.zztj.3", "meetings_training"))
    row["value"] = "否"
    write_csv(c, head, [row])
    wb = openpyxl.load_workbook(EX_COUNTY)
    cell = find_value_cell(wb["黄州区"], "rcgl.zztj.3", "meetings_training")
    assert cell.value == "是"
    r = cli("check", EX_COUNTY, c)
    assert r.exit_code == 1
    assert f"黄州区!{cell.coordinate}" in r.stderr and f"{c}:2" in r.stderr and "conflict" in r.stderr, r.stderr


# -------------------------------------------------------------- round trip

def _observations_sheet(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]  # the long sheet (观测, Observation sheet)
    head = [c.value for c in ws[1]]
    iu, ii, ifl, iv = (head.index(h) for h in ("单位", "指标/对象", "字段", "观测值"))
    return {(r[iu], r[ii], r[ifl]): r[iv] for r in ws.iter_rows(min_row=2, values_only=True) if r[iu]}


def _as_written(value: str, typ: str):
    if typ in ("count",):
        return int(value)
    if typ in ("number", "score"):
        return D(value)
    if typ == "date":
        return dt.date.fromisoformat(value)
    return value


def _norm(v):
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, float):
        return D(repr(v))
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    return v


def test_round_trip_csv_template_filled_read_gives_back_exactly_the_values(tmp_path):
    p = make_csv_template(tmp_path, "county_2020", "rt.csv", "蕲春县", "黄梅县")
    head, rows = read_csv(p)
    rng = random.Random(7)
    for r in rows:
        r["value"] = random_valid_value(r, rng)
    write_csv(p, head, rows)
    audit = tmp_path / "audit.xlsx"
    r = cli("score", p, "--format", "xlsx", "--formulas", "-o", audit)
    assert r.exit_code == 0, r.stderr
    got = _observations_sheet(audit)
    for row in rows:
        want = _as_written(row["value"], row["type"])
        have = _norm(got[(row["unit"], row["item"], row["field"])])
        if isinstance(want, D) or isinstance(have, D):
            assert D(str(have)) == D(str(want)), (row, have)
        else:
            assert have == want, (row, have)
    assert len(got) == len(rows)


def test_round_trip_xlsx_template_typed_values_are_read_back_exactly(tmp_path):
    x = tmp_path / "rt.xlsx"
    assert cli("template", "citydept_2020", "--unit", "市统计局", "--unit", "市审计局", "-o", x).exit_code == 0
    wb = openpyxl.load_workbook(x)
    rng = random.Random(11)
    written = {}
    for ws in unit_sheets(wb):
        cols = header_columns(ws)
        for rr in range(5, ws.max_row + 1):
            row = {k: ws.cell(rr, c).value for k, c in cols.items()}
            row["type"] = type_key(row["type"])
            v = random_valid_value(row, rng)
            typed = {"count": int, "score": lambda s: float(s), "date": lambda s: dt.datetime.fromisoformat(s)}.get(row["type"], str)(v)
            ws.cell(rr, cols["value"]).value = typed
            written[(ws["B1"].value, row["item"], row["field"])] = _as_written(v, row["type"])
    wb.save(x)
    audit = tmp_path / "audit.xlsx"
    r = cli("score", x, "--format", "xlsx", "--formulas", "-o", audit)
    assert r.exit_code == 0, r.stderr
    got = _observations_sheet(audit)
    assert set(got) == set(written)
    for k, want in written.items():
        have = _norm(got[k])
        if isinstance(want, D):
            assert D(str(have)) == want, (k, have)
        else:
            assert have == want, (k, have)


# ------------------------------------------------------------ what people type

def test_spellings_office_staff_type_score_like_the_canonical_values(tmp_path):
    p = make_csv_template(tmp_path, "county_2020", "canon.csv", "麻城市")
    fill_full_credit(p, {("麻城市", "zdgk.hygq.jttc", "not_connected"): "2", ("麻城市", "zdgk.gknb.1", "government_date"): "2020-04-01"})
    head, rows = read_csv(p)
    canon = _score_json(p)[1]
    variants = {"是": ["√", "有", "Y", "TRUE", "1", " 是 ", "yes"], "否": ["×", "无", "N", "false", "0", "no"]}
    rng = random.Random(3)
    typed = copy.deepcopy(rows)
    for r in typed:
        if r["type"] == "bool":
            r["value"] = rng.choice(variants[r["value"]])
    _set(typed, "麻城市", "zdgk.hygq.jttc", "not_connected", value="２")  # full-width digit
    _set(typed, "麻城市", "rcgl.zztj.1", "kpi_weight", value="5%")
    _set(typed, "麻城市", "zdgk.gknb.1", "government_date", value="2020年4月1日")
    _set(typed, "麻城市", "zdgk.gknb.1", "departments_latest", value="2020/1/20")
    _set(typed, "麻城市", "jcgk.ccfa.1", "plan_date", value="2020.8.1")
    typed[0]["unit"] = " 麻城市 "
    q = write_csv(tmp_path / "typed.csv", head, typed)
    r, d = _score_json(q)
    assert r.exit_code == 0, r.stderr
    assert d["units"][0]["total"] == canon["units"][0]["total"] == 100 - 2 - 1  # 12345: 4-1×2; 年报 after 3月31日


# ------------------------------------------------------------ order and noise

def test_row_order_does_not_change_the_result(filled_pair):
    tmp, head, rows = filled_pair
    rows = copy.deepcopy(rows)
    _set(rows, "市教育局", "gkpt.3", "gxbjs", value="2")
    a = write_csv(tmp / "ordered.csv", head, rows)
    shuffled = rows[:]
    random.Random(5).shuffle(shuffled)
    b = write_csv(tmp / "shuffled.csv", head, shuffled)
    ra, rb = cli("score", a, "--format", "json"), cli("score", b, "--format", "json")
    assert ra.exit_code == rb.exit_code == 0
    assert _strip_sources(load_json(ra.stdout)) == _strip_sources(load_json(rb.stdout))


def _strip_sources(d):
    """Results minus where each value came from (file names and positions legitimately differ)."""
    for u in d["units"]:
        for it in u["items"]:
            it.pop("evidence", None)
            it.pop("scorers", None)
    return d


def test_file_order_does_not_change_the_result(filled_pair):
    tmp, head, rows = filled_pair
    a, b = _split(tmp, head, rows, "x1.csv", "x2.csv", lambda r: r["field"] < "m")
    r1, r2 = cli("score", a, b, "--format", "json"), cli("score", b, a, "--format", "json")
    assert r1.exit_code == r2.exit_code == 0
    assert r1.stdout == r2.stdout


def test_sheet_order_does_not_change_the_result(tmp_path):
    p = _xlsx_copy(tmp_path)
    wb = openpyxl.load_workbook(p)
    for ws in unit_sheets(wb)[:5]:
        wb.move_sheet(ws, offset=len(wb.sheetnames))
    q = tmp_path / "reordered.xlsx"
    wb.save(q)
    a = load_json(cli("score", p, "--format", "json").stdout)
    b = load_json(cli("score", q, "--format", "json").stdout)
    assert [(u["unit"], u["total"], u["rank"]) for u in a["units"]] == [(u["unit"], u["total"], u["rank"]) for u in b["units"]]


def test_notes_sheet_total_row_extra_column_and_hidden_rows_handled(tmp_path):
    p = _xlsx_copy(tmp_path)
    base = load_json(cli("score", p, "--format", "json").stdout)
    wb = openpyxl.load_workbook(p)
    notes = wb.create_sheet("备注")
    notes["A1"] = "本表由考评专班填写,如有疑问请联系王敏。"
    ws = wb["黄梅县"]
    cols = header_columns(ws)
    last = ws.max_row
    ws.cell(last + 2, cols["item"]).value = "合计"
    ws.cell(last + 2, cols["value"]).value = 123
    extra = ws.max_column + 2
    ws.cell(4, extra).value = "备注"
    ws.cell(6, extra).value = "已电话核实"
    # a hidden row is read like any other: hide the row of a deduction and change it
    cell = find_value_cell(ws, "zdgk.hygq.jttc", "not_connected")
    before = cell.value
    cell.value = (before or 0) + 1
    ws.row_dimensions[cell.row].hidden = True
    q = tmp_path / "noisy.xlsx"
    wb.save(q)
    r = cli("score", q, "--format", "json")
    assert r.exit_code == 0, r.stderr
    got = {u["unit"]: u for u in load_json(r.stdout)["units"]}
    want = {u["unit"]: u for u in base["units"]}
    for name in want:
        if name != "黄梅县":
            assert got[name]["total"] == want[name]["total"]
    jttc = lambda u: next(i for i in u["items"] if i["id"] == "zdgk.hygq.jttc")["score"]  # noqa: E731
    expected = max(D(0), D(4) - (before or 0) - 1)  # 每发现一次未接通扣1分, from 4
    assert jttc(got["黄梅县"]) == expected
