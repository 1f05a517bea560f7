"""Acceptance tests: a hostile corpus of our own, none of it in
tests/data/hostile/make_corpus.py, run against validate, rules, template, check
and score.

Every case must end cleanly: the expected exit code (never 3; 0 only for odd but
well-formed files, whose result must then be right), no traceback, a message
naming the file, under 10 s, and the input bytes unchanged.  The heavy cases also
run through the real executable with their peak memory measured (< 500 MB).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from gkscore.observations.layout import is_cover  # noqa: E402
from test_acceptance_helpers import (
    type_key,
    COUNTY_RULES,
    EX_COUNTY,
    ROOT,
    UNITS,
    cli,
    fill_full_credit,
    find_value_cell,
    full_credit_value,
    header_columns,
    gkscore_exe,
    make_csv_template,
    read_csv,
    write_csv,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TIME_LIMIT = 10.0
RSS_LIMIT_KB = 500 * 1024
BAD = frozenset({1, 2})


@dataclass
class Case:
    name: str
    path: Path
    commands: list  # argv lists; "{p}" is replaced by the file
    expect: frozenset = BAD
    needle: str = ""  # a word the message must hold (besides the file name)
    exe: list | None = None  # the command run through the real executable (default: the last one)


def _sha(p: Path):
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else None


def _obs_cmds(p):
    return [["check", p], ["score", p, "--format", "json"]]


def _csv_cmds(p):
    return [["check", p], ["score", p, "--format", "json"]]


def _rules_cmds(p, base_csv):
    return [["validate", p], ["rules", p], ["template", p, "-o", str(Path(p).parent / f"tpl_{Path(p).stem}.xlsx")],
            ["score", base_csv, "--rules", p, "--format", "json"]]


def _xlsx_with(tmp: Path, name: str, fn) -> Path:
    p = tmp / name
    shutil.copyfile(tmp / "base.xlsx", p)
    wb = openpyxl.load_workbook(p)
    fn(wb)
    wb.save(p)
    return p


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile_acceptance")
    base = make_csv_template(tmp, "county_2020", "base.csv", "黄州区")
    fill_full_credit(base)
    head, rows = read_csv(base)
    base_s = str(base)
    bx = tmp / "base.xlsx"  # a small filled workbook (two units)
    assert cli("template", "county_2020", "--unit", "黄州区", "--unit", "团风县", "-o", bx).exit_code == 0
    wbx = openpyxl.load_workbook(bx)
    for ws in wbx.worksheets:
        if ws.sheet_state == "visible" and not is_cover(ws.title):
            cols = header_columns(ws)
            for rr in range(5, ws.max_row + 1):
                row = {k: ws.cell(rr, c).value for k, c in cols.items()}
                row["type"] = type_key(row["type"])
                ws.cell(rr, cols["value"]).value = full_credit_value(row)
    wbx.save(bx)
    cases: list[Case] = []

    def add(name, path, commands, expect=BAD, needle="", exe=None):
        if exe is None and str(path).endswith(".xlsx") and commands and commands[0][0] == "check":
            exe = ["score", str(path), "--format", "json"]
        cases.append(Case(name, Path(path), commands, frozenset(expect), needle, exe))

    def csv_variant(name, item, fld, value, **kw):
        rs = copy.deepcopy(rows)
        for r in rs:
            if (r["item"], r["field"]) == (item, fld):
                r["value"] = value
        p = write_csv(tmp / name, head, rs)
        add(name, p, _csv_cmds(str(p)), **kw)

    # --- observation files -------------------------------------------------
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "黄州区"  # named like a unit, but it is someone's own score sheet
    ws.append(["指标", "得分"])
    ws.append(["组织推进", 8])
    p = tmp / "unit_named_sheet_wrong_header.xlsx"
    wb.save(p)
    add(p.name, p, _obs_cmds(str(p)), expect={1})

    p = tmp / "nul_in_evidence.csv"
    rs = copy.deepcopy(rows)
    rs[3]["evidence"] = "截图\x00见附件"
    write_csv(p, head, rs)
    add(p.name, p, _csv_cmds(str(p)))

    p = write_csv(tmp / "ten_thousand_columns.csv", head + [f"备注{i}" for i in range(10_000)], rows)
    add(p.name, p, _csv_cmds(str(p)), expect={0})  # extra columns are ignored: a correct result

    p = _xlsx_with(tmp, "value_40000_chars.xlsx",
                   lambda wb: setattr(find_value_cell(wb["黄州区"], "rcgl.zztj.3", "meetings_training"), "value", "是" * 40_000))
    add(p.name, p, _obs_cmds(str(p)), expect={1}, needle="bad-value")

    p = tmp / "zip_path_traversal.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("../../gkscore_evil.txt", "pwned")
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    add(p.name, p, _obs_cmds(str(p)), expect={2})

    p = tmp / "empty_zip.xlsx"
    with zipfile.ZipFile(p, "w"):
        pass
    add(p.name, p, _obs_cmds(str(p)), expect={2})

    p = tmp / "csv_text_named.xlsx"
    shutil.copyfile(base, p)
    add(p.name, p, _obs_cmds(str(p)), expect={2})

    p = _xlsx_with(tmp, "unit_cell_is_a_formula.xlsx", lambda wb: wb["黄州区"].__setitem__("B1", "=团风县!B1"))
    add(p.name, p, _obs_cmds(str(p)), expect={1}, needle="B1")

    def _err(wb):
        c = wb["黄州区"]["B1"]
        c.value = "#N/A"
        c.data_type = "e"

    p = _xlsx_with(tmp, "unit_cell_is_an_error.xlsx", _err)
    add(p.name, p, _obs_cmds(str(p)), expect={1}, needle="B1")

    def _dup(wb):
        wb.copy_worksheet(wb["黄州区"]).title = "黄州区(副本)"

    p = _xlsx_with(tmp, "same_unit_on_two_sheets.xlsx", _dup)
    add(p.name, p, _obs_cmds(str(p)), expect={1}, needle="duplicate-field")

    def _date(value):
        def fn(wb):
            c = find_value_cell(wb["黄州区"], "jcgk.ccfa.1", "plan_date")
            c.value = value
            c.number_format = "yyyy-mm-dd"
        return fn

    p = _xlsx_with(tmp, "date_serial_beyond_9999.xlsx", _date(99_999_999))
    add(p.name, p, _obs_cmds(str(p)), expect={1}, needle="黄州区!")

    def _chartsheet(wb):
        wb.create_chartsheet("图表", 0)

    p = _xlsx_with(tmp, "chartsheet_first.xlsx", _chartsheet)
    # (only the default reader: openpyxl itself cannot load a workbook with an empty chartsheet)
    add(p.name, p, [["check", str(p)], ["score", str(p), "--format", "json"]], expect={0})

    for tag, value in (("nan", "NaN"), ("snan", "sNaN"), ("infinity", "-Infinity"), ("exp", "1e400"), ("underscore", "1_0")):
        csv_variant(f"count_{tag}.csv", "zdgk.hygq.jttc", "not_connected", value, expect={1}, needle="bad-value")
        csv_variant(f"score_{tag}.csv", "zdgk.zdly.zdxm", "completeness", value, expect={1})
    csv_variant("percent_nan.csv", "rcgl.zztj.1", "kpi_weight", "nan%", expect={1})
    csv_variant("date_year_99999.csv", "jcgk.ccfa.1", "plan_date", "99999-01-01", expect={1}, needle="bad-value")
    csv_variant("date_zeros.csv", "jcgk.ccfa.1", "plan_date", "0000-00-00", expect={1}, needle="bad-value")

    rs = copy.deepcopy(rows)
    for r in rs:
        r["rules"] = "../../../etc/passwd@" + "0" * 64
    p = write_csv(tmp / "rules_column_path_traversal.csv", head, rs)
    add(p.name, p, _csv_cmds(str(p)), expect={1}, needle="unknown-rules")

    p = tmp / "symlink_to_dev_zero.csv"
    os.symlink("/dev/zero", p)
    add(p.name, p, _csv_cmds(str(p)), expect={2})

    d = tmp / "a_folder.xlsx"
    d.mkdir()
    add(d.name, d, [["check", str(d)], ["score", str(d)]], expect={2})

    # --- rule, units and adjustment files ----------------------------------
    p = tmp / "deep_flow_10000.yaml"
    p.write_text("format: gkscore/1\nid: x\ntitle: t\nclasses: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    add(p.name, p, _rules_cmds(str(p), base_s), expect={1})

    p = tmp / "county_with_tabs.yaml"
    p.write_text(COUNTY_RULES.read_text(encoding="utf-8").replace("\n    groups:\n", "\n\tgroups:\n", 1), encoding="utf-8")
    add(p.name, p, _rules_cmds(str(p), base_s), expect={1}, needle="tab")

    nest = "{field: ok}"
    for _ in range(200):
        nest = "{not: " + nest + "}"
    p = tmp / "condition_nested_200.yaml"
    p.write_text(
        "format: gkscore/1\nid: nest\ntitle: 嵌套\nclasses:\n  A: {name: 甲, max: 1}\nsections:\n  - id: s\n    name: 一\n"
        "    groups:\n      - id: g\n        name: 二\n        items:\n          - id: g.1\n            text: 得1分。\n"
        "            max: 1\n            fields:\n              - {id: ok, type: bool, prompt: 是否?}\n"
        f"            clauses:\n              - {{kind: award, when: {nest}, points: 1}}\n",
        encoding="utf-8",
    )
    add(p.name, p, _rules_cmds(str(p), base_s), expect={1})

    p = tmp / "units.yaml"
    shutil.copyfile(UNITS, p)
    add("units_file_as_rules", p, [["rules", str(p)], ["template", str(p), "-o", str(tmp / "t_u.xlsx")],
                                   ["score", base_s, "--rules", str(p), "--format", "json"]], expect={1}, needle="units")

    p = tmp / "county_2020.yaml"
    shutil.copyfile(COUNTY_RULES, p)
    add("rule_file_as_observations", p, [["check", str(p)], ["score", str(p)]], expect={1, 2})
    add("rule_file_as_adjustments", p, [["score", base_s, "--adjust", str(p)]], expect={1})

    p = tmp / "workbook_as_rules.xlsx"
    shutil.copyfile(EX_COUNTY, p)
    add("workbook_as_rules", p, [["validate", str(p)], ["rules", str(p)], ["template", str(p), "-o", str(tmp / "t_w.xlsx")]], expect={1, 2})

    p = tmp / "adjust_alias_bomb.yaml"
    lines = ["format: gkscore-adjustments/1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 9)]
    lines += ["adjustments: *a8"]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    add(p.name, p, [["score", base_s, "--adjust", str(p)]], expect={1})

    p = tmp / "adjust_formula_text.csv"
    p.write_text("unit,item,field,value,reason,approved_by,date\n=HYPERLINK(\"http://x\"),rcgl.zztj.3,meetings_training,否,@SUM(1),+1,2021-02-01\n", encoding="utf-8")
    add(p.name, p, [["score", base_s, "--adjust", str(p)]], expect={1}, needle="unknown")

    return {"dir": tmp, "cases": cases, "base": base}


def _run_inprocess(argv):
    t = time.perf_counter()
    r = cli(*argv)
    return r.exit_code, r.stdout, r.stderr, time.perf_counter() - t


@pytest.fixture(scope="module")
def outcomes(corpus):
    before = {c.name: _sha(c.path) for c in corpus["cases"]}
    base_before = _sha(corpus["base"])
    res = {}
    for c in corpus["cases"]:
        for argv in c.commands:
            res[(c.name, " ".join(argv[:1] + [a for a in argv[2:] if a.startswith("--")]))] = (c, argv, _run_inprocess(argv))
    after = {c.name: _sha(c.path) for c in corpus["cases"]}
    return {"res": res, "before": before, "after": after, "base": (base_before, _sha(corpus["base"]))}


def test_corpus_has_at_least_25_new_cases(corpus):
    assert len(corpus["cases"]) >= 25


def test_every_case_exits_as_expected_never_3(outcomes):
    bad = []
    for (name, label), (case, argv, (code, out, err, secs)) in outcomes["res"].items():
        if code not in case.expect:
            bad.append(f"{name} [{label}]: exit {code}, expected {sorted(case.expect)}: {err.strip()[:300]}")
    assert not bad, "\n".join(bad)


def test_no_traceback_and_the_message_names_the_file(outcomes):
    bad = []
    for (name, label), (case, argv, (code, out, err, secs)) in outcomes["res"].items():
        if "Traceback" in err or "Traceback" in out:
            bad.append(f"{name} [{label}]: traceback")
        if code != 0 and case.path.name not in err:
            bad.append(f"{name} [{label}]: message does not name {case.path.name}: {err.strip()[:200]}")
        if code != 0 and case.needle and case.needle not in err:
            bad.append(f"{name} [{label}]: message lacks {case.needle!r}: {err.strip()[:200]}")
    assert not bad, "\n".join(bad)


def test_every_case_ends_within_10_seconds(outcomes):
    slow = [f"{n} [{l}]: {v[2][3]:.1f}s" for (n, l), v in outcomes["res"].items() if v[2][3] > TIME_LIMIT]
    assert not slow, slow


def test_no_input_file_changes(outcomes):
    assert outcomes["before"] == outcomes["after"]
    assert outcomes["base"][0] == outcomes["base"][1]


def test_zip_member_paths_are_never_extracted(corpus, outcomes):
    d = corpus["dir"]
    for up in (d, d.parent, d.parent.parent, Path.cwd(), ROOT):
        assert not (up / "gkscore_evil.txt").exists(), up


def test_odd_but_wellformed_files_give_the_right_result(corpus, outcomes):
    want = cli("score", corpus["base"], "--format", "json").stdout
    wide = next(v for (n, l), v in outcomes["res"].items() if n == "ten_thousand_columns.csv" and l == "score --format")
    assert wide[2][0] == 0 and wide[2][1] == want
    ex = cli("score", corpus["dir"] / "base.xlsx", "--format", "json").stdout
    chart = next(v for (n, l), v in outcomes["res"].items() if n == "chartsheet_first.xlsx" and l == "score --format")
    assert chart[2][0] == 0 and chart[2][1] == ex


def test_nothing_is_written_for_a_refused_template(corpus, outcomes):
    d = corpus["dir"]
    leftovers = [p.name for p in d.iterdir() if p.name.startswith(("tpl_", "t_u", "t_w"))]
    assert leftovers == []
    assert not [p.name for p in d.iterdir() if p.name.startswith(".") or p.suffix in (".tmp", ".part")]


# The executable is started by a small launcher process that reports the
# child's rusage: a child started straight from this (large) pytest process
# by vfork inherits its high-water mark in ru_maxrss, so the figure would be
# pytest's size, not gkscore's.
_LAUNCH = (
    "import json, os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss]))\n"
)


def _measured(argv, cwd):
    """Run the real executable; (exit code, stderr, seconds, peak RSS in KB)."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _LAUNCH, gkscore_exe(), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=cwd, env={**os.environ, "NO_COLOR": "1"}, start_new_session=True)
    timer = threading.Timer(TIME_LIMIT * 3, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    out, err = proc.communicate()
    timer.cancel()
    try:
        code, rss = json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        code, rss = proc.returncode, 0
    return code, err.decode("utf-8", "replace"), time.perf_counter() - t, rss


def test_real_executable_heavy_cases_time_and_memory(corpus):
    # the heavy or memory-relevant cases (the rest run in-process above)
    heavy = ("columns", "40000", "zip", "zero", "deep_flow", "alias_bomb", "nested", "csv_text", "units_file",
             "wrong_header", "9999", "count_nan")
    jobs = [(c, c.exe or c.commands[-1]) for c in corpus["cases"] if any(h in c.name for h in heavy)]
    assert len(jobs) >= 12
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda j: (j[0], _measured(j[1], corpus["dir"])), jobs))
    bad = []
    for case, (code, err, secs, rss) in results:
        if code not in case.expect or code == 3 or "Traceback" in err:
            bad.append(f"{case.name}: exit {code}: {err.strip()[:200]}")
        if secs > TIME_LIMIT:
            bad.append(f"{case.name}: {secs:.1f}s")
        if rss > RSS_LIMIT_KB:
            bad.append(f"{case.name}: {rss // 1024} MB")
    assert not bad, "\n".join(bad)


# ------------------------------------------------------------ known product bugs

def test_count_with_5000_digits_is_a_clean_error_or_scored_never_internal(tmp_path):
    p = make_csv_template(tmp_path, "county_2020", "huge.csv", "黄州区")
    fill_full_credit(p, {("黄州区", "zdgk.hygq.jttc", "not_connected"): "9" * 5000})
    rc = cli("check", p)
    rs = cli("score", p, "--format", "json")
    assert rs.exit_code != 3, rs.stderr
    assert rc.exit_code == rs.exit_code, (rc.exit_code, rs.exit_code)


def test_message_for_a_huge_cell_value_is_short(corpus, outcomes):
    v = next(v for (n, l), v in outcomes["res"].items() if n == "value_40000_chars.xlsx" and l == "check")
    err = v[2][2]
    assert v[2][0] == 1
    assert max(len(line) for line in err.splitlines()) < 1000


def test_rule_file_given_as_units_is_one_wrong_kind_line(tmp_path):
    r = cli("template", "county_2020", "--units", COUNTY_RULES, "-o", tmp_path / "t.xlsx")
    assert r.exit_code == 1
    # named as given: by its stem where it is the bundled copy (an editable
    # install), else by its path (the repository's rules/ beside an installed wheel)
    lines = [l for l in r.stderr.splitlines() if l.startswith(("county_2020:", f"{COUNTY_RULES}:"))]
    assert len(lines) == 1 and "wrong-kind" in lines[0], r.stderr


def test_negative_date_serial_is_refused_by_both_readers(tmp_path):
    p = tmp_path / "neg_date.xlsx"
    assert cli("template", "county_2020", "--unit", "黄州区", "-o", p).exit_code == 0
    wb = openpyxl.load_workbook(p)
    ws = wb["黄州区"]
    cols = header_columns(ws)
    for rr in range(5, ws.max_row + 1):
        row = {k: ws.cell(rr, c).value for k, c in cols.items()}
        ws.cell(rr, cols["value"]).value = full_credit_value(row)
    c = find_value_cell(ws, "jcgk.ccfa.1", "plan_date")
    c.value = -5
    c.number_format = "yyyy-mm-dd"
    wb.save(p)
    a = cli("check", p)
    b = cli("score", p, "--format", "json")
    assert a.exit_code == 1 and "bad-value" in a.stderr
    assert b.exit_code == 1 and "bad-value" in b.stderr, b.stdout + b.stderr
