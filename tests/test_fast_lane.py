"""The fast lane of the long layout -- RowChecker.taker, fed by the one
row loop of rows.long_rows -- decides exactly what the full path
(a RawRow through RowChecker.add) decides: the same observations, sources,
texts, missing keys and problems, on filled templates mutated at random
(duplicates, conflicts, bad and blank values, unknown units, items and
fields, wrong class texts, interleaved units, several files)."""

from __future__ import annotations

import random
import shutil

import pytest
from openpyxl import load_workbook

from oracle import openpyxl_reader
from test_obs_helpers import _sheet_layout, demo_template, fill_csv, fill_xlsx, load, read_csv_rows, write_csv_rows

from gkscore.observations import api
from gkscore.problems import ProblemsError

BAD_TEXTS = ["", " ", "\u3000", "不知道", "-1", "1e3", "3.14159", "是", "否", "2020-13-01", "  2  ", "'=1+1", "0"]


def _dump(paths, *, partial=False, keep_text=True):
    """Everything a reader gives: per set, every observation in full; or the
    problems, each with its position."""
    try:
        sets = load(paths, partial=partial, keep_text=keep_text)
    except ProblemsError as exc:
        return ("problems", exc.exit_code, [p.format() for p in exc.problems])
    out = []
    for s in sets:
        obs = sorted(
            ((k, repr(o.value), type(o.value).__name__, str(o.source), o.raw, o.evidence, o.scorer) for k, o in s.values.items()),
            key=lambda t: t[0],
        )
        out.append((s.rules_id, s.rules_sha256, list(s.units.items()), sorted(s.missing), obs))
    return ("sets", out)


def _both(monkeypatch, paths, **kw):
    fast = _dump(paths, **kw)
    with monkeypatch.context() as m:
        m.setattr(api._Lane, "for_tag", lambda self, tag, layout: None)  # every row the full way
        full = _dump(paths, **kw)
    return fast, full


def _mutate_rows(rows: list[list], col: dict[str, int], rng: random.Random, n: int) -> None:
    """Apply n random edits to data rows (lists of cell values) in place."""
    body = list(range(1, len(rows)))
    for _ in range(n):
        i = rng.choice(body)
        row = rows[i]
        kind = rng.randrange(9)
        if kind == 0:  # the same slot again, same or another value
            dup = list(row)
            if rng.random() < 0.5:
                dup[col["value"]] = rng.choice(BAD_TEXTS)
            rows.insert(rng.randrange(1, len(rows) + 1), dup)
            body = list(range(1, len(rows)))
        elif kind == 1:
            row[col["value"]] = rng.choice(BAD_TEXTS)
        elif kind == 2:
            row[col["unit"]] = rng.choice(["没有这个单位", " " + str(row[col["unit"]]), ""])
        elif kind == 3:
            row[col["class"]] = rng.choice(["B", "A", " A ", "", "X"])
        elif kind == 4:
            row[col["item"]] = rng.choice(["no.such.item", " " + str(row[col["item"]]) + " ", ""])
        elif kind == 5:
            row[col["field"]] = rng.choice(["nosuchfield", ""])
        elif kind == 6:  # interleave units: move a row elsewhere
            rows.insert(rng.randrange(1, len(rows)), rows.pop(i))
        elif kind == 7:
            row[col["evidence"]] = rng.choice(["", " 见附件 ", "http://x"])
        else:
            row[col["scorer"]] = rng.choice(["", "王五", " 赵六 "])


@pytest.mark.parametrize("seed", range(8))
def test_csv_fast_lane_equals_full_path(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    path = demo_template(tmp_path, "obs.csv")
    fill_csv(path, seed)
    rows = read_csv_rows(path)
    col = {k: rows[0].index(k) for k in ("unit", "class", "item", "field", "value", "evidence", "scorer")}
    _mutate_rows(rows, col, rng, rng.randrange(0, 12))
    write_csv_rows(path, rows)
    for partial in (False, True):
        fast, full = _both(monkeypatch, [path], partial=partial)
        assert fast == full
    fast, full = _both(monkeypatch, [path], keep_text=False)
    assert fast == full


def _mutate_long_xlsx(path, rng: random.Random, n: int) -> None:
    wb = load_workbook(path)
    for ws in wb.worksheets:
        lay = _sheet_layout(ws)
        if lay is not None:
            break
    _u, _c, hr, keys = lay
    width = ws.max_column
    rows = [[ws.cell(r, c).value for c in range(1, width + 1)] for r in range(hr, ws.max_row + 1)]
    col = {k: keys[k] - 1 for k in ("unit", "class", "item", "field", "value", "evidence", "scorer")}
    _mutate_rows(rows, col, rng, n)
    for r, row in enumerate(rows, start=hr):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c).value = v if v != "" else None
    wb.save(path)


@pytest.mark.parametrize("seed", range(6))
def test_calamine_fast_lane_equals_full_path(tmp_path, monkeypatch, seed):
    rng = random.Random(100 + seed)
    path = demo_template(tmp_path, "obs.xlsx", layout="long")
    fill_xlsx(path, seed)
    _mutate_long_xlsx(path, rng, rng.randrange(0, 12))
    fast, full = _both(monkeypatch, [path])
    assert fast == full
    # and openpyxl, reading the same cells, gives the same
    with openpyxl_reader():
        assert _dump([path]) == fast


def test_fast_lane_across_files_and_conflicts(tmp_path, monkeypatch):
    """Two scorers' files of the same units: every slot given twice (equal or
    conflicting): the lane must leave all of them to merge."""
    a = demo_template(tmp_path, "a.csv")
    fill_csv(a, 1)
    b = tmp_path / "b.csv"
    shutil.copy(a, b)
    fast, full = _both(monkeypatch, [a, b])
    assert fast == full and fast[0] == "sets"
    fill_csv(b, 2)  # other values: conflicts
    fast, full = _both(monkeypatch, [a, b])
    assert fast == full and fast[0] == "problems"
    x = demo_template(tmp_path, "c.xlsx", layout="long")
    fill_xlsx(x, 1)
    fast, full = _both(monkeypatch, [a, x])
    assert fast == full


def test_the_lane_takes_most_rows_of_a_clean_file(tmp_path):
    """Not only equal: the lane is actually used (else it would be dead code)."""
    path = demo_template(tmp_path, "obs.csv")
    fill_csv(path, 3)
    taken = []
    real = api._Lane.__init__

    def spy(self, by_tag):
        real(self, by_tag)
        taken.append(self)

    api._Lane.__init__ = spy
    try:
        load([path])
    finally:
        api._Lane.__init__ = real
    rows = len([r for r in read_csv_rows(path)[1:] if any(r)])
    # the first row of each unit and the first of each distinct value go the
    # full way (they fill the caches); on this small file that is most rows
    assert rows > 20
    assert 0 < taken[0].rows < rows


def test_one_row_loop_for_csv_and_xlsx(tmp_path):
    """The long layout's one loop reads a csv and an xlsx sheet alike: the
    same rows and problems from the same cells, whatever their types
    (numbers, dates, booleans), with total rows, rows without item and
    field, and a sheet whose first column is empty (calamine's range
    starts later); and openpyxl reads the xlsx the same."""
    from openpyxl import Workbook
    import csv
    import datetime as dt

    from gkscore.observations.rows import FileReading, file_rows
    from gkscore.observations.values import cell_text

    table = [
        ["unit", "class", "item", "field", "value", "evidence", "scorer", "rules"],
        ["县1", "county", "a.b", "x", 1.5, " ev ", "s", "r@1"],
        ["县1", "county", " a.b ", "y", True, None, None, None],
        ["县1", "county", "a.b", "z", dt.datetime(2020, 3, 1), 3, 4.0, None],
        [None, None, None, None, 5, None, None, None],
        ["合计", None, None, None, None, None, None, None],
        [12, "county", 7, 8.25, "  ", "", None, " r@2 "],
        [None, None, None, None, None, None, None, None],
        ["县2", "county", "a.c", "w", -0.0, None, None, None],
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "观测"
    for row in table:
        ws.append([None] + row)
    xlsx = tmp_path / "long.xlsx"
    wb.save(xlsx)
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["" if v is None else cell_text(v) if not isinstance(v, str) else v for v in row] for row in table])

    def rows_of(p):
        problems = []
        rows = [
            (r.unit, r.cls, r.item, r.field, "" if r.value is None else cell_text(r.value).strip(), r.evidence, r.scorer, r.tag, r.r)
            for r in file_rows(FileReading(str(p)), None, problems, [])
        ]
        return rows, [(p.code, p.message) for p in problems]

    got = rows_of(xlsx)
    assert len(got[0]) == 5 and got[1]  # the row without item/field is reported
    assert got == rows_of(path)
    with openpyxl_reader():
        assert rows_of(xlsx) == got


def test_evidence_texts_round_trip_through_the_compact_store():
    """Evidence is kept as UTF-8 bytes one after another: every text comes
    back exactly, repeated or not, past the size of the repeat cache."""
    from gkscore.observations.check_rows import RowChecker

    checker = RowChecker.__new__(RowChecker)
    RowChecker.__init__(checker, _FakeRules(), {}, None, keep_evidence=True)
    texts = ["", "见附件", "https://example.gov.cn/a?b=1&c=二", "😀 emoji", "x" * 5000, "见附件"]
    texts += [f"文号{i}" for i in range(5000)] + ["见附件", "文号7"]
    idx = [checker._evidence(t) for t in texts]
    assert [checker.evidence_at(i) for i in idx] == texts
    assert idx[0] == 0 and idx[1] == idx[5] == idx[-2]
    off = RowChecker.__new__(RowChecker)
    RowChecker.__init__(off, _FakeRules(), {}, None, keep_evidence=False)
    assert off._evidence("见附件") == 0 and off.evidence_at(0) == ""


class _FakeRules:
    class ruleset:
        id = "t"
        classes = {"A": None}
