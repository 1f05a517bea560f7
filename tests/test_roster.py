"""Nothing vanishes silently: every unit of the roster is scored or named,
a unit sheet is never skipped, a subset is said, a template records the
units it was made for, and check shows who has submitted what."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from test_obs_helpers import (
    DEMO_RULES,
    DEMO_UNITS,
    demo_template,
    fill_csv,
    fill_xlsx,
    find_xlsx,
    load,
    problems_of,
    read_csv_rows,
    rules,
    set_xlsx,
    units,
    values_of,
    write_csv_rows,
)

from gkscore.cli import main
from gkscore.observations.api import read_observations
from gkscore.observations.roster import Subset
from gkscore.problems import ProblemsError

A, F = "市教育局", "市财政局"
H = "=HYPERLINK(x)局"
B1 = "市档案馆[历史]/资料*中心?名称特别长的一个单位名称超过三十一字"
B2 = "市档案馆[历史]/资料*中心?名称特别长的一个单位名称超过三十二字"
ROSTER = [A, F, H, B1, B2]


def _cli(*args):
    return CliRunner().invoke(main, [*map(str, args), "--rules", str(DEMO_RULES), "--units", str(DEMO_UNITS)], catch_exceptions=False)


def _missing(exc) -> list[str]:
    return [p.message for p in exc.problems if p.code == "missing-unit"]


def test_two_of_the_files_is_not_the_ranking(tmp_path):
    """One template per unit: scoring two of them is refused, naming the
    others in the units file's order; all of them is fine."""
    files = []
    for name in ROSTER:
        p = demo_template(tmp_path, f"{len(files)}.xlsx", unit_names=[name])
        fill_xlsx(p, len(files))
        files.append(p)
    with pytest.raises(ProblemsError) as exc:
        load(files[:2])
    (msg,) = _missing(exc.value)
    assert msg.startswith("3 units that") and msg.index(H) < msg.index(B1) < msg.index(B2) and A not in msg
    assert exc.value.exit_code == 1
    for cmd in ("check", "score"):
        res = _cli(cmd, *files[:2])
        assert res.exit_code == 1 and "(missing-unit)" in res.stderr and B2 in res.stderr
    assert len(load(files)[0].units) == 5
    # a subset said on purpose
    assert len(load(files[:2], subset=Subset(unit_names=[A, F]))[0].units) == 2
    for cmd in ("check", "score"):
        assert _cli(cmd, *files[:2], "--unit", A, "--unit", F).exit_code == 0
        assert _cli(cmd, *files[:2], "--class", "A").exit_code == 1  # H is class A too
    # and one file alone expects what it was made for
    assert len(load(files[:1])[0].units) == 1


def test_a_template_for_a_class_expects_that_class(tmp_path):
    for name in ("b.xlsx", "b.csv", "bl.xlsx"):
        p = demo_template(tmp_path, name, classes=["B"], layout="long" if name == "bl.xlsx" else "sheets")
        (fill_csv if name.endswith(".csv") else fill_xlsx)(p, 1)
        assert set(load([p])[0].units) == {B1, B2}, name
    # the csv records it on every row, with the rule file: split and sorted, still known
    rows = read_csv_rows(tmp_path / "b.csv")
    assert {r[rows[0].index("rules")] for r in rows[1:]} == {f"obs-demo@{rules().sha256};classes=B"}
    first = tmp_path / "first.csv"
    write_csv_rows(first, rows[:5])
    with pytest.raises(ProblemsError) as exc:
        load([first])
    assert B2 in _missing(exc.value)[0] and B1 not in _missing(exc.value)[0]  # the other unit of class B is missing



def test_rows_of_a_unit_deleted_from_a_full_template(tmp_path):
    path = demo_template(tmp_path, "obs.csv")
    fill_csv(path, 2)
    rows = read_csv_rows(path)
    write_csv_rows(path, [r for r in rows if r[0] != F])
    with pytest.raises(ProblemsError) as exc:
        load([path])
    assert len(_missing(exc.value)) == 1 and F in _missing(exc.value)[0]


def test_an_old_template_without_a_record_expects_the_roster(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx", unit_names=[A])
    fill_xlsx(path, 3)
    assert set(load([path])[0].units) == {A}
    wb = load_workbook(path)
    meta = wb["_gkscore"]
    for r in range(meta.max_row, 0, -1):
        if meta.cell(r, 1).value in ("scope", "scope_unit", "sheet"):
            meta.delete_rows(r)
    wb.save(path)
    with pytest.raises(ProblemsError) as exc:
        load([path])
    assert "4 units that" in _missing(exc.value)[0]
    assert load([path], subset=Subset(unit_names=["教育局"]))[0].units == {A: "A"}


def test_partial_lists_missing_units_and_exits_1(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx", unit_names=[A, F])
    fill_xlsx(path, 4)
    other = tmp_path / "other.xlsx"
    shutil.copy(path, other)
    reading = read_observations([str(path)], rules=[rules()], units=units(), partial=True, subset=Subset(classes=["A"]))
    assert not reading.problems
    (s,) = reading.sets
    assert s.missing_units == [H] and H not in s.units
    res = _cli("score", path, "--class", "A", "--partial", "--format", "json")
    assert res.exit_code == 1 and "incomplete" in res.stderr and H in res.stderr
    data = json.loads(res.stdout)
    assert H not in {u["unit"] for u in data["units"]}  # never scored or ranked
    assert [m["unit"] for m in data["missing_units"]] == [H]  # but listed
    res = _cli("check", path, "--class", "A", "--partial")
    assert res.exit_code == 1 and f"incomplete: {H}: not submitted" in res.stderr
    assert any(line.startswith(H) and "not submitted" in line for line in res.stdout.splitlines())


def test_check_table_shows_who_filled_what(tmp_path):
    a = demo_template(tmp_path, "a.xlsx", unit_names=[A, F])
    fill_xlsx(a, 5)
    sheet, cell = find_xlsx(a, A, "i1", "done")
    set_xlsx(a, sheet, cell, "有点")
    res = _cli("check", a, "--class", "A")
    assert res.exit_code == 1
    table = {line.split()[0]: line for line in res.stdout.splitlines()[1:]}
    assert set(table) == {A, F, H}
    assert "not submitted 0/" in table[H] and "李四" in table[A]
    filled, expected = map(int, table[A].split()[2].split("/"))
    assert filled == expected - 1 and table[A].split()[3] == "1"  # the bad value: not filled, one problem
    assert table[F].split()[2] == f"{expected}/{expected}"
    assert table[F].split()[3] == "0"


def test_a_unit_sheet_with_a_broken_header_is_named_not_skipped(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx")
    fill_xlsx(path, 6)
    wb = load_workbook(path)
    ws = wb[A]
    assert ws["C4"].value == "Value filled"  # right of the question (B)
    ws["C4"].value = "Valu filled"
    wb.create_sheet("我的笔记")["A1"] = "随便写写"
    wb.save(path)
    with pytest.raises(ProblemsError) as exc:
        load([path])
    got = [(p.sheet, p.cell, p.code) for p in exc.value.problems]
    assert got == [(A, "C4", "bad-header")]  # and not missing-unit: the sheet is named already
    assert "it should read 'Value filled'" in exc.value.problems[0].message
    res = _cli("check", path)
    assert res.exit_code == 1 and f"{A}!C4" in res.stderr
    assert "我的笔记: [note]" in res.stderr and "(ignored-sheet)" in res.stderr
    # the header row deleted
    wb = load_workbook(path)
    wb[A].delete_rows(4)
    wb.save(path)
    assert problems_of([path])[0][1:] == (A, "A4", "bad-header")


def test_a_sheet_named_like_a_unit_is_a_unit_sheet(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx")
    fill_xlsx(path, 7)
    wb = load_workbook(path)
    ws = wb.create_sheet("教育局")  # an alias
    ws["A1"] = "随便写写"
    wb.save(path)
    assert (path.name, "教育局", "A4", "bad-header") in problems_of([path])
    ws["A1"] = "评分细则"  # a column name: the header row is that row
    wb.save(path)
    assert {p[1:] for p in problems_of([path])} >= {("教育局", "A1", "bad-header"), ("教育局", "C1", "bad-header")}


@pytest.mark.parametrize("kind", ["obs.csv", "obs.xlsx", "long.xlsx"])
def test_a_unit_named_like_a_quoted_formula_survives_its_round_trip(tmp_path, kind):
    odd = tmp_path / "units.yaml"
    odd.write_text(DEMO_UNITS.read_text(encoding="utf-8").replace('{name: 市财政局, class: A}', '''{name: "'=x", class: A}'''), encoding="utf-8")
    uu = units(odd)
    path = demo_template(tmp_path, kind, units_path=odd, classes=["A", "B"], layout="long" if kind == "long.xlsx" else "sheets")
    expected = (fill_csv if kind.endswith(".csv") else fill_xlsx)(path, 8, uu=uu)
    sets = load([path], units=uu)
    assert "'=x" in sets[0].units and values_of(sets) == expected
    res = CliRunner().invoke(main, ["score", str(path), "--rules", str(DEMO_RULES), "--units", str(odd), "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0 and "'=x" in res.stdout


def test_a_file_failing_part_way_gives_its_problems_and_nothing_else(tmp_path):
    """Its second unit sheet breaks calamine after the first was read: the
    file contributes nothing, in one pass; the other file's values stand."""
    import zipfile

    good = demo_template(tmp_path, "good.csv")
    fill_csv(good, 9)
    bad = demo_template(tmp_path, "bad.xlsx")
    fill_xlsx(bad, 9)
    with zipfile.ZipFile(bad) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    # the third sheet: a number cell calamine cannot parse (the guard lets it be)
    parts["xl/worksheets/sheet4.xml"] = parts["xl/worksheets/sheet4.xml"].replace(b"</row></sheetData>", b'<c r="Z99" t="n"><v>abc</v></c></row></sheetData>')
    with zipfile.ZipFile(bad, "w") as zf:
        for k, v in parts.items():
            zf.writestr(k, v)
    reading = read_observations([str(good), str(bad)], rules=[rules()], units=units())
    assert reading.exit_code == 2 and [p.code for p in reading.problems] == ["not-xlsx"]
    assert "cannot read sheet" in reading.problems[0].message
    assert values_of(reading.sets) == values_of(load([good]))
    assert all(o.source.file == str(good) for o in reading.sets[0].values.values())
    from gkscore.observations import api

    assert not hasattr(api, "_FileFailed")


def test_adjustments_are_checked_with_the_observation_messages(tmp_path):
    from gkscore.adjustments import load_adjustments
    from gkscore.observations.units_index import UnitsIndex

    path = demo_template(tmp_path, "obs.csv")
    fill_csv(path, 10)
    rows = read_csv_rows(path)
    head = rows[0]
    rows[1][head.index("unit")] = "市不存在局"
    rows[2][head.index("value")] = "有点"
    write_csv_rows(path, rows)
    with pytest.raises(ProblemsError) as exc:
        load([path])
    obs_msgs = {p.code: p.message for p in exc.value.problems}
    adj = tmp_path / "adj.csv"
    item, field = rows[2][head.index("item")], rows[2][head.index("field")]
    adj.write_text(
        "unit,item,field,value,reason,approved_by,date\n"
        f"市不存在局,i1,done,是,复核,张三,2021-01-01\n"
        f"{rows[2][head.index('unit')]},{item},{field},有点,复核,张三,2021-01-01\n",
        encoding="utf-8",
    )
    good = demo_template(tmp_path, "good.csv")
    fill_csv(good, 10)
    sets = load([good])
    with pytest.raises(ProblemsError) as exc:
        load_adjustments(str(adj), sets, {s.rules_id: s.rules for s in sets}, UnitsIndex(units()))
    adj_msgs = {p.code: p.message for p in exc.value.problems}
    assert adj_msgs["unknown-unit"] == obs_msgs["unknown-unit"]
    assert adj_msgs["bad-value"] == obs_msgs["bad-value"]
