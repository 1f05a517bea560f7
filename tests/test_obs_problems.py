"""Each kind of problem planted in a filled file: exit 1 and the exact cell or line."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from oracle import openpyxl_reader
from test_obs_helpers import (
    DEMO_RULES,
    DEMO_UNITS,
    demo_template,
    fill_csv,
    fill_xlsx,
    find_csv,
    find_xlsx,
    load,
    problems_of,
    read_csv_rows,
    set_csv,
    set_xlsx,
    write_csv_rows,
)

from gkscore.cli import main
from gkscore.problems import ProblemsError
from gkscore.rules.load import load_rules

A = "市教育局"
B = "市档案馆[历史]/资料*中心?名称特别长的一个单位名称超过三十一字"

# (unit, item, field, text typed, code)
VALUE_CASES = [
    (A, "i1", "done", "有点", "bad-value"),
    (A, "i1", "pct", "一百", "bad-value"),
    (A, "i1", "pct", "101", "out-of-range"),
    (A, "i2", "passed", "6", "out-of-range"),  # above the sample size
    (A, "i2", "passed", "2.5", "bad-value"),
    (A, "w2", "errors", "-1", "out-of-range"),
    (A, "i3", "score", "2.5", "out-of-range"),  # above the item
    (B, "i3", "score", "1.5", "out-of-range"),  # class B: at most 1
    (A, "i3", "score", "0.3", "off-step"),
    (A, "w1", "date", "2021-02-30", "bad-value"),
    (A, "w2", "level", "很好", "bad-value"),
]


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    d = tmp_path_factory.mktemp("filled")
    # groups not voided, so that every field is asked for
    asked = {("g1", "no_site"): False}
    c = demo_template(d, "obs.csv")
    fill_csv(c, 1, fixed=asked)
    x = demo_template(d, "obs.xlsx")
    fill_xlsx(x, 1, fixed=asked)
    lg = demo_template(d, "long.xlsx", layout="long")
    fill_xlsx(lg, 1, fixed=asked)
    return {"csv": c, "xlsx": x, "long": lg}


def _copy(filled, kind, tmp_path) -> Path:
    src = filled[kind]
    dst = tmp_path / src.name
    shutil.copy(src, dst)
    return dst


@pytest.mark.parametrize("case", VALUE_CASES, ids=[f"{c[1]}.{c[2]}={c[3]}" for c in VALUE_CASES])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_bad_values(filled, tmp_path, kind, case):
    unit, item, field, text, code = case
    path = _copy(filled, kind, tmp_path)
    if kind == "csv":
        line = set_csv(path, unit, item, field, "value", text)
        want = [(path.name, None, line, code)]
    else:
        sheet, cell = find_xlsx(path, unit, item, field)
        set_xlsx(path, sheet, cell, text)
        want = [(path.name, sheet, cell, code)]
    assert problems_of([path]) == want
    with openpyxl_reader():
        assert problems_of([path]) == want


def test_message_names_file_sheet_cell_value_and_expectation(filled, tmp_path):
    path = _copy(filled, "xlsx", tmp_path)
    sheet, cell = find_xlsx(path, A, "i1", "done")
    set_xlsx(path, sheet, cell, "有点")
    with pytest.raises(ProblemsError) as exc:
        load([path])
    assert exc.value.exit_code == 1
    assert [p.format() for p in exc.value.problems] == [f"{path}:{sheet}!{cell}: expected 是 or 否, found '有点'; pick 是 or 否 from the list (bad-value)"]


def test_unknown_unit_and_wrong_class_in_csv(filled, tmp_path):
    path = _copy(filled, "csv", tmp_path)
    rows = read_csv_rows(path)
    iu = rows[0].index("unit")
    lines = {}
    for n, row in enumerate(rows[1:], start=2):
        if row[iu] == "市财政局":
            row[iu] = "市不存在局"
            lines.setdefault("unknown", n)
        elif row[iu] == A:
            row[iu] = "市气象局"  # class C: not scored by these rules
            lines.setdefault("wrong", n)
    write_csv_rows(path, rows)
    assert problems_of([path]) == [(path.name, None, None, "missing-unit")] + sorted([  # the two units lost their rows
        (path.name, None, lines["unknown"], "unknown-unit"),
        (path.name, None, lines["wrong"], "wrong-class"),
    ], key=lambda t: t[2])


def test_unknown_unit_and_recorded_class_in_xlsx(filled, tmp_path):
    path = _copy(filled, "xlsx", tmp_path)
    set_xlsx(path, "市财政局", "B1", "市不存在局")
    set_xlsx(path, A, "B2", "B")
    assert problems_of([path]) == [(path.name, None, None, "missing-unit"), (path.name, A, "B2", "wrong-class"), (path.name, "市财政局", "B1", "unknown-unit")]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "long"])
def test_unknown_item_field_duplicate_missing_not_applicable(filled, tmp_path, kind):
    path = _copy(filled, kind, tmp_path)
    if kind == "csv":
        rows = read_csv_rows(path)
        h = rows[0]
        ii, iff, iv, iu = h.index("item"), h.index("field"), h.index("value"), h.index("unit")

        def line_of(unit, item, field):
            return next(n for n, r in enumerate(rows, 1) if r[iu] == unit and r[ii] == item and r[iff] == field)

        l_item = line_of(A, "i1", "done")
        rows[l_item - 1][ii] = "i9"
        l_field = line_of(A, "i1", "pct")
        rows[l_field - 1][iff] = "pctx"
        l_missing = line_of(A, "i3", "score")
        rows[l_missing - 1][iv] = ""
        dup = list(rows[line_of(A, "w2", "level") - 1])
        na = list(rows[line_of(A, "w1", "date") - 1])
        na[iu] = B
        na[h.index("class")] = "B"
        rows.append(dup)
        rows.append(na)
        write_csv_rows(path, rows)
        n = len(rows)
        want = [
            (path.name, None, l_item, "unknown-item"), (path.name, None, l_field, "unknown-field"),
            (path.name, None, l_missing, "missing-value"), (path.name, None, n - 1, "duplicate-field"),
            (path.name, None, n, "not-applicable"),
            # the renamed rows leave their fields without a row
            (path.name, None, None, "missing-value"), (path.name, None, None, "missing-value"),
        ]
    else:
        from openpyxl import load_workbook

        s1, c_item = find_xlsx(path, A, "i1", "done", key="item")
        s2, c_field = find_xlsx(path, A, "i1", "pct", key="field")
        s3, c_missing = find_xlsx(path, A, "i3", "score")
        set_xlsx(path, s1, c_item, "i9")
        set_xlsx(path, s2, c_field, "pctx")
        set_xlsx(path, s3, c_missing, None)
        wb = load_workbook(path)
        ws = wb[s1]
        ws.protection.sheet = False
        # duplicate a row at the end of the sheet
        sd, cd = find_xlsx(path, A, "w2", "level")
        r = int(cd[1:])
        last = ws.max_row + 1
        for c in range(1, ws.max_column + 1):
            ws.cell(last, c).value = ws.cell(r, c).value
        value_col = cd[0]
        dup_cell = f"{value_col}{last}"
        if kind == "long":
            # a value for an item that does not apply to class B
            sw, cw = find_xlsx(path, A, "w1", "date")
            rw = int(cw[1:])
            for c in range(1, ws.max_column + 1):
                ws.cell(last + 1, c).value = ws.cell(rw, c).value
            ws.cell(last + 1, 1).value = B
            ws.cell(last + 1, 2).value = "B"
            na = (path.name, s1, f"{value_col}{last + 1}", "not-applicable")
            sheet_missing = (path.name, s1, None, "missing-value")
        else:
            wsb = wb[[t for t in wb.sheetnames if t.startswith("市档案馆")][0]]
            wsb.protection.sheet = False
            lb = wsb.max_row + 1
            sw, cw = find_xlsx(path, A, "w1", "date")
            rw = int(cw[1:])
            for c in range(1, ws.max_column + 1):
                wsb.cell(lb, c).value = ws.cell(rw, c).value
            na = (path.name, wsb.title, f"{value_col}{lb}", "not-applicable")
            sheet_missing = (path.name, s1, None, "missing-value")
        wb.save(path)
        want = [
            (path.name, s1, c_item, "unknown-item"), (path.name, s2, c_field, "unknown-field"),
            (path.name, s3, c_missing, "missing-value"), (path.name, sd, dup_cell, "duplicate-field"), na,
            sheet_missing, sheet_missing,
        ]
    got = problems_of([path])
    assert sorted(got, key=repr) == sorted(want, key=repr)
    with openpyxl_reader():
        assert problems_of([path]) == got


def test_rules_mismatch(filled, tmp_path):
    changed = tmp_path / "rules_changed.yaml"
    changed.write_text(DEMO_RULES.read_text(encoding="utf-8").replace("title: 观测测试规则", "title: 观测测试规则（修订）"), encoding="utf-8")
    lr = load_rules(str(changed))
    for kind in ("csv", "xlsx", "long"):
        path = _copy(filled, kind, tmp_path)
        with pytest.raises(ProblemsError) as exc:
            load([path], rules=[lr])
        probs = exc.value.problems
        assert [p.code for p in probs] == ["rules-mismatch"], kind
        assert "this template was made from another version of the rules" in probs[0].message
        if kind == "csv":
            assert probs[0].line == 2
        elif kind == "long":  # recorded on every row, like the csv
            assert (probs[0].sheet, probs[0].cell) == ("Observation sheet", "N2")  # the rules column
        else:
            assert (probs[0].sheet, probs[0].cell) == ("_gkscore", "B4")


def test_conflict_refused_by_cli(filled, tmp_path):
    a = _copy(filled, "csv", tmp_path)
    b = tmp_path / "b.csv"
    shutil.copy(a, b)
    line = set_csv(b, A, "w2", "level", "value", "差" if "差" not in read_csv_rows(a)[find_csv(a, A, "w2", "level") - 1] else "优")
    res = CliRunner().invoke(main, ["check", str(a), str(b), "--rules", str(DEMO_RULES), "--units", str(DEMO_UNITS)], catch_exceptions=False)
    assert res.exit_code == 1
    lines = [ln for ln in res.stderr.splitlines() if "(conflict)" in ln]
    assert len(lines) == 2
    assert sorted(lines) == lines
    byfile = {ln.split(":")[0]: ln for ln in lines}
    assert byfile[str(a)].startswith(f"{a}:{line}: conflict") and f"{b}:{line}" in byfile[str(a)]
    assert byfile[str(b)].startswith(f"{b}:{line}: conflict") and f"{a}:{line}" in byfile[str(b)]


def _run(args):
    return CliRunner().invoke(main, ["check", *map(str, args), "--rules", str(DEMO_RULES), "--units", str(DEMO_UNITS)], catch_exceptions=False)


@pytest.mark.parametrize("name,content,needle", [
    ("junk.xlsx", b"this is not a workbook", "not a valid .xlsx"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
    ("binary.xlsb", None, ".xlsb"),
    ("sheet.ods", None, ".ods"),
    ("truncated.xlsx", None, "not a valid .xlsx"),
])
def test_unreadable_files_give_one_line_and_exit_2(filled, tmp_path, name, content, needle):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    elif name.endswith(".xlsb"):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("[Content_Types].xml", "<x/>")
            zf.writestr("xl/workbook.bin", b"\0\1")
    elif name.endswith(".ods"):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            zf.writestr("content.xml", "<x/>")
    else:
        data = filled["xlsx"].read_bytes()
        path.write_bytes(data[: len(data) // 2])
    res = _run([path])
    assert res.exit_code == 2
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and needle in err[0] and err[0].startswith(str(path))


def test_zip_bomb_guard(filled, tmp_path, monkeypatch):
    from gkscore.observations import xlsx_guard

    monkeypatch.setattr(xlsx_guard, "MAX_MEMBER_BYTES", 1000)
    res = _run([filled["xlsx"]])
    assert res.exit_code == 2 and "zip bombs" in res.stderr


def test_csv_in_unknown_encoding_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"unit,item,field,value\r\n\xff\xff\xff\xfe\xfe,\x81\x30\x81,a,b\r\n")
    res = _run([path])
    assert res.exit_code == 2 and "bad-encoding" in res.stderr


def test_csv_without_required_columns(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("单位,指标,数值\r\n市教育局,i1,1\r\n", encoding="utf-8")
    assert problems_of([path]) == [("cols.csv", None, 1, "bad-header")]
