"""Data safety: inputs never change, outputs are atomic, an output over an input is
refused, results are deterministic, formula-looking text stays inert, --debug."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from test_obs_helpers import DEMO_RULES, DEMO_UNITS, demo_template, fill_csv, fill_xlsx, read_csv_rows, write_csv_rows

from gkscore.cli import main
from gkscore.fsutil import atomic_path, write_text_atomic

R, U = str(DEMO_RULES), str(DEMO_UNITS)
FORMULA_UNIT = "=HYPERLINK(x)局"


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def cli(*args, catch=False):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=catch)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("safety")
    x = demo_template(d, "obs.xlsx")
    fill_xlsx(x, 3)
    c = demo_template(d, "obs.csv")
    fill_csv(c, 3)
    # the csv split in two files by unit (for file-order tests)
    rows = read_csv_rows(c)
    head, body = rows[0], [r for r in rows[1:] if r]
    iu = head.index("unit")
    units = sorted({r[iu] for r in body})
    a, b = d / "part_a.csv", d / "part_b.csv"
    write_csv_rows(a, [head] + [r for r in body if r[iu] in units[::2]])
    write_csv_rows(b, [head] + [r for r in body if r[iu] not in units[::2]])
    adj = d / "adjust.yaml"
    adj.write_text("format: gkscore-adjustments/1\nadjustments: []\n", encoding="utf-8")
    return {"dir": d, "xlsx": x, "csv": c, "a": a, "b": b, "adjust": adj}


def _inputs(files) -> list[Path]:
    return [Path(R), Path(U), files["xlsx"], files["csv"], files["a"], files["b"], files["adjust"]]


def test_inputs_unchanged_after_every_command(files, tmp_path):
    before = {p: sha(p) for p in _inputs(files)}
    mtimes = {p: os.stat(p).st_mtime_ns for p in _inputs(files)}
    o = tmp_path
    runs = [
        ("template", R, "--units", U, "-o", o / "t.xlsx"),
        ("template", R, "--units", U, "-o", o / "t.csv"),
        ("template", R, "--units", U, "--layout", "long", "-o", o / "tl.xlsx"),
        ("check", files["xlsx"], "--rules", R, "--units", U),
        ("check", files["csv"], "--rules", R, "--units", U),
    ]
    for fmt in ("json", "csv", "md", "xlsx", "table"):
        runs.append(("score", files["xlsx"], "--rules", R, "--units", U, "--adjust", files["adjust"], "--format", fmt, "-o", o / f"s.{fmt}"))
        runs.append(("score", files["a"], files["b"], "--rules", R, "--units", U, "--format", fmt, "-o", o / f"p.{fmt}"))
    runs.append(("score", files["xlsx"], "--rules", R, "--units", U, "--format", "xlsx", "--formulas", "-o", o / "f.xlsx"))
    runs.append(("score", files["csv"], "--rules", R, "--units", U, "--format", "json"))
    runs.append(("explain", files["xlsx"], "--unit", "市教育局", "--rules", R, "--units", U))
    for args in runs:
        res = cli(*args)
        assert res.exit_code == 0, (args, res.stderr)
    assert {p: sha(p) for p in _inputs(files)} == before
    assert {p: os.stat(p).st_mtime_ns for p in _inputs(files)} == mtimes
    assert not [p for p in o.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_interrupted_write_leaves_target_untouched(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old report", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_path(str(target)) as tmp:
            Path(tmp).write_text("half a rep", encoding="utf-8")
            raise RuntimeError("power cut")
    assert target.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    fresh = tmp_path / "new.json"
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(str(fresh)) as tmp:
            Path(tmp).write_text("half", encoding="utf-8")
            raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_interrupted_cli_write_leaves_no_partial_output(files, tmp_path, monkeypatch):
    import gkscore.fsutil as fsutil

    def boom(_fd):
        raise KeyboardInterrupt

    out = tmp_path / "scores.json"
    out.write_text("previous", encoding="utf-8")
    monkeypatch.setattr(fsutil.os, "fsync", boom)
    res = cli("score", files["xlsx"], "--rules", R, "--units", U, "-o", out)
    assert res.exit_code == 130
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.json"]


def test_interrupted_template_leaves_nothing(tmp_path, monkeypatch):
    from openpyxl.workbook.workbook import Workbook

    def save(self, filename):
        Path(filename).write_bytes(b"PK\x03\x04 partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(Workbook, "save", save)
    res = cli("template", R, "--units", U, "-o", tmp_path / "t.xlsx")
    assert res.exit_code == 130
    assert list(tmp_path.iterdir()) == []


def test_write_text_atomic_replaces_whole_file(tmp_path):
    p = tmp_path / "x.md"
    write_text_atomic(str(p), "一" * 1000)
    write_text_atomic(str(p), "二")
    assert p.read_text(encoding="utf-8") == "二"
    assert [q.name for q in tmp_path.iterdir()] == ["x.md"]


@pytest.mark.parametrize("which", ["rules", "units", "obs", "adjust", "link"])
def test_output_equal_to_an_input_is_refused(files, tmp_path, which):
    obs = tmp_path / "obs.xlsx"
    obs.write_bytes(files["xlsx"].read_bytes())
    rules = tmp_path / "rules.yaml"
    rules.write_bytes(Path(R).read_bytes())
    units = tmp_path / "units.yaml"
    units.write_bytes(Path(U).read_bytes())
    adjust = tmp_path / "adjust.yaml"
    adjust.write_bytes(files["adjust"].read_bytes())
    link = tmp_path / "link.xlsx"
    os.link(obs, link)
    target = {"rules": rules, "units": units, "obs": obs, "adjust": adjust, "link": link}[which]
    before = {p: sha(p) for p in (obs, rules, units, adjust)}
    res = cli("score", obs, "--rules", rules, "--units", units, "--adjust", adjust, "--format", "json", "-o", target)
    assert res.exit_code == 2 and "output-is-input" in res.stderr
    if which in ("rules", "units"):
        res = cli("template", rules, "--units", units, "-o", target)
        assert res.exit_code == 2 and "output-is-input" in res.stderr
    assert {p: sha(p) for p in (obs, rules, units, adjust)} == before


def _score(paths, fmt, out):
    res = cli("score", *paths, "--rules", R, "--units", U, "--format", fmt, "-o", out)
    assert res.exit_code == 0, res.stderr
    return Path(out).read_bytes()


@pytest.mark.parametrize("fmt", ["json", "csv", "md"])
def test_text_reports_are_byte_identical(files, tmp_path, fmt):
    one = _score([files["a"], files["b"]], fmt, tmp_path / f"1.{fmt}")
    two = _score([files["a"], files["b"]], fmt, tmp_path / f"2.{fmt}")
    swapped = _score([files["b"], files["a"]], fmt, tmp_path / f"3.{fmt}")
    assert one == two == swapped
    whole = _score([files["csv"]], fmt, tmp_path / f"4.{fmt}")
    if fmt != "json":  # json names the observation files
        assert whole == one


def _cells(path) -> dict:
    wb = load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_xlsx_report_has_identical_cells(files, tmp_path):
    _score([files["a"], files["b"]], "xlsx", tmp_path / "1.xlsx")
    _score([files["b"], files["a"]], "xlsx", tmp_path / "2.xlsx")
    assert _cells(tmp_path / "1.xlsx") == _cells(tmp_path / "2.xlsx")


def test_formula_looking_text_is_inert_in_every_output(files, tmp_path):
    # the unit name and the evidence and scorer look like formulas
    rows = read_csv_rows(files["csv"])
    head = rows[0]
    for row in rows[1:]:
        if row and row[head.index("unit")].lstrip("'") == FORMULA_UNIT:
            row[head.index("evidence")] = "=HYPERLINK(\"http://evil\",\"x\")"
            row[head.index("scorer")] = "@SUM(A1)"
    src = tmp_path / "obs.csv"
    write_csv_rows(src, rows)
    out = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "csv", "md", "xlsx")}
    for fmt, path in out.items():
        res = cli("score", src, "--rules", R, "--units", U, "--detail" if fmt in ("csv", "md") else "--format", *([] if fmt in ("csv", "md") else [fmt]), "-o", path)
        assert res.exit_code == 0, res.stderr
    text = out["csv"].read_bytes().decode("utf-8-sig")
    for record in csv.reader(io.StringIO(text)):
        for cell in record:
            assert not cell.startswith(("=", "+", "@")) or cell.startswith("'"), cell
            assert not (cell.startswith("-") and not _is_number(cell)), cell
    assert FORMULA_UNIT in out["json"].read_text(encoding="utf-8")
    assert FORMULA_UNIT in out["md"].read_text(encoding="utf-8")
    wb = load_workbook(out["xlsx"])
    found = False
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("=") and "HYPERLINK(x)" in c.value:
                    assert c.data_type == "s", (ws.title, c.coordinate)
                    found = True
    assert found


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_internal_error_is_exit_3_without_traceback_and_debug_shows_it(files, monkeypatch):
    import gkscore.pipeline as pipeline

    def broken(*_a, **_k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(pipeline, "run", broken)
    res = cli("score", files["csv"], "--rules", R, "--units", U, catch=True)
    assert res.exit_code == 3
    assert "internal error" in res.stderr and "--debug" in res.stderr and "Traceback" not in res.stderr
    res = cli("score", files["csv"], "--rules", R, "--units", U, "--debug", catch=True)
    assert isinstance(res.exception, RuntimeError) and str(res.exception) == "simulated bug"
    assert res.exc_info is not None and res.exc_info[2] is not None  # a traceback to show
