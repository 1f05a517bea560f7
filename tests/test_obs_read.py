"""Reading filled observation files: round trips, spellings, merging, order,
and the reader against openpyxl (the test oracle)."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import shutil
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from oracle import cells_of, openpyxl_reader
from gkscore.observations.layout import SHEET_COLUMNS  # noqa: E402
from test_obs_helpers import (
    column,
    CITYDEPT,
    COUNTY,
    UNITS,
    demo_template,
    fill_csv,
    fill_xlsx,
    find_csv,
    find_xlsx,
    load,
    problems_of,
    read_csv_rows,
    rules,
    set_csv,
    set_xlsx,
    units,
    values_of,
    write_csv_rows,
)

A = "市教育局"
B = "市档案馆[历史]/资料*中心?名称特别长的一个单位名称超过三十一字"


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("kind", ["csv", "sheets", "long"])
def test_round_trip_gives_back_exactly_the_values(tmp_path, kind, seed):
    if kind == "csv":
        path = demo_template(tmp_path, "obs.csv")
        expected = fill_csv(path, seed)
    else:
        path = demo_template(tmp_path, "obs.xlsx", layout=kind)
        expected = fill_xlsx(path, seed)
    sets = load([path])
    assert len(sets) == 1
    got = values_of(sets)
    assert got == expected
    for key, value in expected.items():  # same kinds, not only equal numbers
        assert type(got[key]) is type(value), key
    assert sets[0].units == {u: c for u, c in [(A, "A"), ("市财政局", "A"), ("=HYPERLINK(x)局", "A"), (B, "B"), (B[:-2] + "二字", "B")]}
    assert all(o.scorer in ("张三", "李四") for o in sets[0].values.values())
    assert not sets[0].missing


@pytest.mark.parametrize("layout", ["sheets", "long"])
def test_observations_are_those_openpyxl_reads(tmp_path, layout):
    path = demo_template(tmp_path, "obs.xlsx", layout=layout)
    fill_xlsx(path, 7)
    assert cells_of(path) == cells_of(path, oracle=True)
    a = load([path])
    with openpyxl_reader():
        b = load([path])
    assert a[0].values == b[0].values  # values, sources, raw text, scorer
    # and identical problem positions
    sheet, cell = find_xlsx(path, A, "i2", "passed")
    set_xlsx(path, sheet, cell, 9)
    sheet2, cell2 = find_xlsx(path, A, "i1", "done")
    set_xlsx(path, sheet2, cell2, "有点")
    pa = problems_of([path])
    with openpyxl_reader():
        pb = problems_of([path])
    assert pa == pb
    assert ("obs.xlsx", sheet, cell, "out-of-range") in pa


def test_calamine_offsets_give_true_positions(tmp_path, zh):
    """A long sheet that starts at C4 (calamine trims empty rows/columns)."""
    path = demo_template(tmp_path, "obs.xlsx", layout="long")
    fill_xlsx(path, 3)
    wb = load_workbook(path)
    ws = wb["观测"]
    ws.protection.sheet = False
    ws.insert_rows(1, 3)
    ws.insert_cols(1, 2)
    wb.save(path)
    a = load([path])
    with openpyxl_reader():
        b = load([path])
    assert a[0].values == b[0].values
    some = next(iter(a[0].values.values()))
    assert some.source.cell.startswith("G")  # value column E moved to G
    assert int(some.source.cell[1:]) >= 5


def test_order_of_rows_sheets_and_files_does_not_matter(tmp_path):
    path = demo_template(tmp_path, "obs.csv")
    fill_csv(path, 11)
    base = values_of(load([path]))
    rows = read_csv_rows(path)
    body = rows[1:]
    random.Random(5).shuffle(body)
    shuffled = tmp_path / "shuffled.csv"
    write_csv_rows(shuffled, [rows[0]] + body)
    assert values_of(load([shuffled])) == base

    x = demo_template(tmp_path, "obs.xlsx")
    fill_xlsx(x, 12)
    first = load([x])
    wb = load_workbook(x)
    wb._sheets.reverse()
    wb.active = 0
    y = tmp_path / "reversed.xlsx"
    wb.save(y)
    second = load([y])
    assert values_of(first) == values_of(second)
    assert {k: (o.source.sheet, o.source.cell) for k, o in first[0].values.items()} == {k: (o.source.sheet, o.source.cell) for k, o in second[0].values.items()}

    # two files splitting the work: either order, same result
    p1, p2 = _split(tmp_path, 13)
    assert load([p1, p2])[0].values == load([p2, p1])[0].values


def _split(tmp_path, seed):
    """Two csv files, each filling half of the fields of every unit."""
    full = demo_template(tmp_path, "full.csv")
    fill_csv(full, seed)
    rows = read_csv_rows(full)
    vi = column(rows[0], "value")
    a = [rows[0]] + [r if i % 2 else r[:vi] + [""] + r[vi + 1:] for i, r in enumerate(rows[1:])]
    b = [rows[0]] + [r if not i % 2 else r[:vi] + [""] + r[vi + 1:] for i, r in enumerate(rows[1:])]
    p1, p2 = tmp_path / "part1.csv", tmp_path / "part2.csv"
    write_csv_rows(p1, a)
    write_csv_rows(p2, b)
    return p1, p2


def test_files_merge_and_equal_values_are_fine(tmp_path):
    full = demo_template(tmp_path, "full.csv")
    expected = fill_csv(full, 21)
    p1, p2 = _split(tmp_path, 21)
    assert values_of(load([p1, p2])) == expected
    # the same file twice (equal values) is fine; scorers are kept
    copy = tmp_path / "copy.csv"
    shutil.copy(full, copy)
    set_csv(copy, A, "i1", "done", "scorer", "王五")
    sets = load([full, copy])
    assert values_of(sets) == expected
    # scorers of both files, in file-name order (copy.csv < full.csv); the earliest source is kept
    assert sets[0].get(A, "i1", "done").scorer == "王五; 张三"
    assert sets[0].get(A, "i1", "done").source.file == str(copy)
    assert load([copy, full])[0].values == sets[0].values


def test_conflict_names_both_files(tmp_path):
    a = demo_template(tmp_path, "a.csv")
    fill_csv(a, 4)
    b = tmp_path / "b.xlsx"
    demo_template(tmp_path, "b.xlsx")
    fill_xlsx(b, 4)
    # make b agree with a everywhere, except one value
    sets_a = load([a])
    wb = load_workbook(b)
    from gkscore.observations.samples import as_cell

    for (unit, item, field), obs in sets_a[0].values.items():
        sheet, cell = find_xlsx_cached(wb, unit, item, field)
        wb[sheet][cell].value = as_cell(obs.value)
    wb.save(b)
    assert values_of(load([a, b])) == values_of(sets_a)
    line = find_csv(a, A, "i1", "pct")
    old = sets_a[0].get(A, "i1", "pct").value
    set_csv(a, A, "i1", "pct", "value", str(old + 1 if old < 100 else old - 1))
    sheet, cell = find_xlsx(b, A, "i1", "pct")
    probs = problems_of([a, b])
    assert probs == [("a.csv", None, line, "conflict"), ("b.xlsx", sheet, cell, "conflict")]
    from gkscore.problems import ProblemsError

    with pytest.raises(ProblemsError) as exc:
        load([b, a])
    msgs = [p.format() for p in exc.value.problems]
    assert f"b.xlsx:{sheet}!{cell}" in msgs[0] and f"a.csv:{line}" in msgs[1] or f"a.csv:{line}" in msgs[0]
    assert all("a.csv" in m and "b.xlsx" in m for m in msgs)


_cache: dict = {}


def find_xlsx_cached(wb, unit, item, field):
    key = id(wb)
    if key not in _cache:
        from test_obs_helpers import _sheet_layout

        index = {}
        for ws in wb.worksheets:
            lay = _sheet_layout(ws)
            if lay is None:
                continue
            u, _c, hr, keys = lay
            for r in range(hr + 1, ws.max_row + 1):
                index[(u, ws.cell(r, keys["item"]).value, ws.cell(r, keys["field"]).value)] = (ws.title, ws.cell(r, keys["value"]).coordinate)
        _cache[key] = index
    return _cache[key][(unit, item, field)]


def test_what_office_staff_type_is_accepted(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx", unit_names=[A])
    fill_xlsx(path, 1)
    cases = [
        ("i1", "done", "√", True), ("veto.leak", "leaked", "×", False), ("g1", "no_site", " 无 ", False),
        ("i1", "pct", "１２.５", Decimal("12.5")), ("i2", "passed", "３", 3), ("i3", "score", "1.50", Decimal("1.5")),
        ("w1", "date", "2021年3月31日", dt.date(2021, 3, 31)), ("w2", "level", "　一般 ", "一般"), ("w2", "errors", 2.0, 2),
    ]
    wb = load_workbook(path)
    for item, field, cell_value, _ in cases:
        sheet, cell = find_xlsx_cached(wb, A, item, field)
        wb[sheet][cell].value = cell_value
    wb.save(path)
    for reader in (contextlib.nullcontext, openpyxl_reader):
        with reader():
            sets = load([path])
        for item, field, _, want in cases:
            got = sets[0].get(A, item, field).value
            assert got == want and type(got) is type(want), (reader, item, field, got)


@pytest.mark.parametrize("text,want", [
    ("是", True), ("否", False), ("√", True), ("×", False), ("有", True), ("无", False), ("Y", True), ("n", False),
    ("1", True), ("0", False), ("TRUE", True), ("false", False), ("Ｙ", True),
])
def test_bool_spellings(text, want):
    from gkscore.observations.values import read_value
    from test_obs_helpers import field_of

    assert read_value(field_of(rules(), "i1", "done"), "A", text) == (want, None)


@pytest.mark.parametrize("text", ["2021-03-31", "2021/3/31", "2021年3月31日", "２０２１-０３-３１", " 2021.3.31 ", dt.datetime(2021, 3, 31)])
def test_date_spellings(text):
    from gkscore.observations.values import read_value
    from test_obs_helpers import field_of

    assert read_value(field_of(rules(), "w1", "date"), "A", text) == (dt.date(2021, 3, 31), None)


def test_unit_names_match_through_aliases_and_normalisation(tmp_path):
    path = demo_template(tmp_path, "obs.csv", unit_names=[A])
    expected = fill_csv(path, 2)
    rows = read_csv_rows(path)
    iu = column(rows[0], "unit")
    for i, row in enumerate(rows[1:]):
        row[iu] = ["　教育局 ", "市 教育局", "市教育局\u00a0"][i % 3]
    write_csv_rows(path, rows)
    assert values_of(load([path])) == expected


def test_gbk_bom_and_mixed_line_endings(tmp_path):
    path = demo_template(tmp_path, "obs.csv", unit_names=[A])
    expected = fill_csv(path, 3)
    rows = read_csv_rows(path)
    gbk = tmp_path / "gbk.csv"
    write_csv_rows(gbk, rows, encoding="gbk")
    assert values_of(load([gbk])) == expected
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    mixed = "".join(ln + ("\n" if i % 2 else "\r\n") for i, ln in enumerate(lines) if ln)
    m = tmp_path / "mixed.csv"
    m.write_bytes(mixed.encode("utf-8"))  # no BOM
    assert values_of(load([m])) == expected
    u16 = tmp_path / "u16.csv"
    u16.write_bytes("\n".join("\t".join(r) for r in rows).encode("utf-16"))
    assert values_of(load([u16])) == expected


def test_ignored_rows_sheets_columns_and_hidden_rows(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx")
    expected = fill_xlsx(path, 8)
    wb = load_workbook(path)
    ws = wb[A]
    ws.protection.sheet = False
    last = ws.max_row
    col = {k: i for i, k in enumerate(SHEET_COLUMNS, start=1)}
    ws.cell(last + 2, 1).value = "合计"
    ws.cell(last + 2, col["value"]).value = 35
    ws.cell(last + 3, col["text"]).value = "备注：由张三核对"
    ws.cell(4, 14).value = "备注"
    ws.cell(5, 14).value = "extra column"
    ws.row_dimensions[6].hidden = True
    notes = wb.create_sheet("我的笔记")
    notes["A1"] = "单位"
    notes["B1"] = "随便写写"
    notes["A3"] = 123
    wb.save(path)
    assert values_of(load([path])) == expected
    with openpyxl_reader():
        assert values_of(load([path])) == expected


def test_partial_records_missing_values(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx", unit_names=[A, B])
    # the group is not voided, so its items' fields are asked for
    fill_xlsx(path, 9, fixed={("g1", "no_site"): False})
    sheet, cell = find_xlsx(path, A, "i3", "score")
    set_xlsx(path, sheet, cell, None)
    assert problems_of([path]) == [("obs.xlsx", sheet, cell, "missing-value")]
    sets = load([path], partial=True)
    assert sets[0].missing == {(A, "i3", "score")}
    assert sets[0].get(A, "i3", "score").value is None
    assert sets[0].get(A, "i3", "score").source.cell == cell


@pytest.mark.parametrize("rules_path", [COUNTY, CITYDEPT])
def test_real_rules_csv_filled_with_random_values_loads(tmp_path, rules_path):
    lr, uu = rules(rules_path), units(UNITS)
    path = demo_template(tmp_path, "real.csv", rules_path=rules_path, units_path=UNITS)
    expected = fill_csv(path, 5, lr=lr, uu=uu)
    sets = load([path], rules=[lr], units=uu)
    assert values_of(sets) == expected
    assert len(sets[0].units) == (10 if rules_path == COUNTY else 46)
    # the bundled rules are found from what the file records
    assert values_of(load([path], rules=None, units=uu)) == expected
