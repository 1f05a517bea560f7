"""Every hostile or malformed file through validate, check, score and template.

The corpus is generated into a temporary folder by
``tests/data/hostile/make_corpus.py`` (rule files, units files and
observation files; see there for the list).  Every case must end in a clean
one-line message naming the file, exit 1 or 2 (never 0 unless the file is a
well-formed oddity that must be read correctly, never 3), no traceback, in
under 10 s and bounded memory, and no input file may change.  Where openpyxl
(the test oracle) can read an xlsx of the corpus, the reader reads the same
cells from it, or refuses it.

To keep the suite fast the commands run in a few child processes (each under
``RLIMIT_AS`` of 1 GiB) that call the click app once per command and time it;
a handful of cases also run through the real ``gkscore`` executable, one
process per command.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "data" / "hostile"))

import make_corpus  # noqa: E402

DEMO = HERE / "data" / "obs"
RULES = str(DEMO / "rules_demo.yaml")
UNITS = str(DEMO / "units_demo.yaml")
# A hostile file must not make a command hang or crawl: each command gets 10
# seconds of CPU time (the process's own, so a busy machine does not fail the
# test), and a wall-clock timeout several times that catches a real hang.
TIME_LIMIT = 10.0
WALL_LIMIT = 6 * TIME_LIMIT
MEMORY_LIMIT = 1 << 30  # address space of a child; the peak resident size is asserted below
RSS_LIMIT_KB = 500 * 1024

BATCH = r"""
import contextlib, io, json, resource, sys, time, traceback
from gkscore.cli import main
jobs = json.load(sys.stdin)
out = []
for job in jobs:
    err, so = io.StringIO(), io.StringIO()
    t = time.process_time()
    code = None
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(so):
        try:
            main.main(job["args"], prog_name="gkscore", standalone_mode=True)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc(file=err)
            code = -1
    out.append({"id": job["id"], "code": code, "stderr": err.getvalue(), "seconds": time.process_time() - t})
json.dump({"results": out, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}, sys.stdout)
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    base = make_corpus.make_base(out / "_base")
    cases = make_corpus.build(out, base, (DEMO / "rules_demo.yaml").read_text("utf-8"), (DEMO / "units_demo.yaml").read_text("utf-8"))
    return {"dir": out, "base": base, "cases": cases}


def _commands(case, base, out_dir: Path) -> list[tuple[str, list[str]]]:
    """(label, argv) for every command the case goes through."""
    p = str(case.path)
    csv = str(base["csv"])
    tpl = str(out_dir / f"tpl_{case.name}.xlsx")
    if case.role == "rules":
        return [
            ("validate", ["validate", p]),
            ("template", ["template", p, "--units", UNITS, "-o", tpl]),
            ("check", ["check", csv, "--rules", p, "--units", UNITS]),
            ("score", ["score", csv, "--rules", p, "--units", UNITS, "--format", "json"]),
        ]
    if case.role == "units":
        return [
            ("validate", ["validate", p]),
            ("template", ["template", RULES, "--units", p, "-o", tpl]),
            ("check", ["check", csv, "--rules", RULES, "--units", p]),
            ("score", ["score", csv, "--rules", RULES, "--units", p, "--format", "json"]),
        ]
    cmds = [
        ("validate", ["validate", p]),
        ("template", ["template", p, "--units", UNITS, "-o", tpl]),
    ]
    cmds.append(("check", ["check", p, "--rules", RULES, "--units", UNITS]))
    cmds.append(("score", ["score", p, "--rules", RULES, "--units", UNITS, "--format", "json"]))
    return cmds


def _run_batch(jobs: list[dict]) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", BATCH],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=WALL_LIMIT * len(jobs) + 30,
        preexec_fn=_limit,
        env={**os.environ, "NO_COLOR": "1", "GKSCORE_DEBUG": ""},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def outcomes(corpus):
    cases = corpus["cases"]
    jobs = []
    for case in cases:
        for label, args in _commands(case, corpus["base"], corpus["dir"]):
            jobs.append({"id": f"{case.name}|{label}", "args": args})
    before = {c.name: _sha(c.path) for c in cases}
    before_base = {k: _sha(v) for k, v in corpus["base"].items() if isinstance(v, Path)}
    # Heavy cases get a process of their own so that one peak does not hide another.
    heavy = ("bomb", "million", "huge", "many", "lying", "stray", "deep", "flow", "long_line")
    groups: list[list[dict]] = [[], []]
    singles: dict[str, list[dict]] = {}
    for i, job in enumerate(jobs):
        name = job["id"].split("|")[0]
        if any(h in name for h in heavy):
            singles.setdefault(name, []).append(job)
        else:
            groups[i % 2].append(job)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(_run_batch, [g for g in groups if g] + list(singles.values())))
    results = {r["id"]: r for run in runs for r in run["results"]}
    rss = {r["id"]: run["maxrss_kb"] for run in runs for r in run["results"]}
    after = {c.name: _sha(c.path) for c in cases}
    after_base = {k: _sha(v) for k, v in corpus["base"].items() if isinstance(v, Path)}
    return {"results": results, "rss": rss, "before": before, "after": after, "base": (before_base, after_base)}


def test_corpus_is_large_and_varied(corpus):
    roles = {c.role for c in corpus["cases"]}
    assert roles == {"rules", "units", "obs"}
    assert len(corpus["cases"]) >= 90


def test_every_case_ends_cleanly(corpus, outcomes):
    failures = []
    for case in corpus["cases"]:
        codes = {}
        for label, _args in _commands(case, corpus["base"], corpus["dir"]):
            r = outcomes["results"][f"{case.name}|{label}"]
            err = r["stderr"]
            codes[label] = r["code"]
            expect = case.expect if (case.role != "obs" or label.startswith(("check", "score"))) else make_corpus.BAD
            why = []
            if r["code"] not in expect:
                why.append(f"exit {r['code']} not in {sorted(expect)}")
            if r["code"] == 3 or "Traceback" in err or "internal error" in err:
                why.append("internal error")
            if r["seconds"] > TIME_LIMIT:
                why.append(f"took {r['seconds']:.1f}s of CPU")
            if outcomes["rss"][r["id"]] > RSS_LIMIT_KB:
                why.append(f"peak memory {outcomes['rss'][r['id']] // 1024} MB")
            if r["code"] not in (0, None):
                lines = [ln for ln in err.splitlines() if ln.strip()]
                if not lines or not any(str(case.path) in ln for ln in lines):
                    why.append("message does not name the file")
                if case.needle and not any(case.needle in ln for ln in lines) and (case.role != "obs" or label.startswith(("check", "score"))):
                    why.append(f"no {case.needle!r} in the message")
            if why:
                failures.append(f"{case.name} {label}: {'; '.join(why)} :: {err.strip()[:300]}")
        if case.role == "obs" and codes["check"] != codes["score"]:
            failures.append(f"{case.name}: check and score differ {codes}")
    assert not failures, "\n".join(failures)


def test_the_reader_reads_what_openpyxl_reads(corpus):
    """Every xlsx of the corpus that openpyxl can read: the same cells, or a
    refusal with a one-line problem."""
    from oracle import cells_of

    from gkscore.problems import ProblemsError

    compared = 0
    for case in corpus["cases"]:
        if case.role != "obs" or not case.path.name.endswith(".xlsx") or any(h in case.name for h in ("bomb", "million", "lying", "many")):
            continue
        try:
            ours = cells_of(case.path)
        except ProblemsError as exc:
            assert exc.problems and all(str(case.path) == p.file for p in exc.problems), case.name
            continue
        try:
            theirs = cells_of(case.path, oracle=True)
        except Exception:  # noqa: BLE001 - openpyxl cannot read it: nothing to compare
            continue
        if "out_of_order" in case.name:
            continue  # openpyxl's read-only mode cannot place rows out of order; checked below against the base file
        assert ours == theirs, case.name
        compared += 1
    assert compared > 30


def test_no_input_changes(corpus, outcomes):
    changed = [n for n, sha in outcomes["before"].items() if outcomes["after"][n] != sha]
    assert not changed
    before, after = outcomes["base"]
    assert before == after


def test_no_stray_temporary_files(corpus, outcomes):
    leftovers = [p.name for p in corpus["dir"].iterdir() if p.name.startswith(".") and ".tmp" in p.name]
    assert not leftovers


@pytest.mark.parametrize("name", ["r_anchor_bomb.yaml", "o_zip_bomb.xlsx", "o_entities_sheet.xlsx", "o_formula_cached.xlsx", "o_far_cell_after_comment.xlsx", "o_stray_far_cell.xlsx", "o_formula_unicode_prefix.xlsx"])
def test_real_executable(corpus, name):
    """The installed entry point, one process per command, with a timeout and a memory limit."""
    case = next(c for c in corpus["cases"] if c.name == name)
    exe = Path(sys.executable).with_name("gkscore")
    argv0 = [str(exe)] if exe.exists() else [sys.executable, "-m", "gkscore"]
    before = _sha(case.path)
    for label, args in _commands(case, corpus["base"], corpus["dir"]):
        proc = subprocess.run(argv0 + args, capture_output=True, text=True, timeout=WALL_LIMIT, preexec_fn=_limit, env={**os.environ, "NO_COLOR": "1"})
        expect = case.expect if (case.role != "obs" or label.startswith(("check", "score"))) else make_corpus.BAD
        assert proc.returncode in expect, (label, proc.returncode, proc.stderr)
        assert "Traceback" not in proc.stderr + proc.stdout
        if proc.returncode:
            assert str(case.path) in proc.stderr
    assert _sha(case.path) == before


def test_formula_error_and_merged_cells_are_reported_at_the_cell(corpus):
    """Same problems, at the same cell, under both readers."""
    from gkscore.observations.api import load_observations
    from gkscore.problems import ProblemsError
    from gkscore.rules.load import load_rules, load_units

    lr, lu = load_rules(RULES), load_units(UNITS)
    cell = corpus["base"]["value_cell"]
    row = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    want = {
        "o_formula_cached.xlsx": ("formula", cell),
        "o_formula_uncached.xlsx": ("formula", cell),
        "o_shared_formula.xlsx": ("formula", cell),
        "o_formula_string.xlsx": ("formula", cell),
        "o_error_na.xlsx": ("error-value", cell),
        "o_error_div0.xlsx": ("error-value", cell),
        "o_formula_in_evidence.xlsx": ("formula", corpus["base"]["evidence_cell"]),
        "o_merged_input_cells.xlsx": ("merged-cells", cell),
        "o_merged_across_row.xlsx": ("merged-cells", f"A{row}"),
    }
    for name, (code, at) in want.items():
        with pytest.raises(ProblemsError) as info:
            load_observations([str(corpus["dir"] / name)], rules=[lr], units=lu)
        got = sorted((p.sheet, p.cell, p.code, p.message) for p in info.value.problems)
        assert (corpus["base"]["sheet"], at, code) in {g[:3] for g in got}, (name, got)
        assert info.value.exit_code == 1


def test_xml_tricks_are_found_at_the_cell(corpus):
    """Whatever the XML says, a formula, a cell given twice, a shared string
    that is not there, a value calamine would misread: a problem at the cell."""
    from gkscore.observations.api import load_observations
    from gkscore.problems import ProblemsError
    from gkscore.rules.load import load_rules, load_units

    lr, lu = load_rules(RULES), load_units(UNITS)
    base = corpus["base"]
    cell = base["value_cell"]
    want = {
        "o_formula_attribute_slash.xlsx": "formula", "o_formula_after_comment.xlsx": "formula",
        "o_formula_unicode_prefix.xlsx": "formula", "o_value_then_formula.xlsx": "formula",
        "o_cdata_value.xlsx": "unusual-cell", "o_reference_in_number.xlsx": "unusual-cell",
        "o_cell_given_twice.xlsx": "duplicate-cell", "o_shared_string_negative.xlsx": "bad-string-index",
        "o_shared_string_past_end.xlsx": "bad-string-index", "o_shared_string_reference.xlsx": "bad-string-index",
        "o_shared_string_spaced.xlsx": "bad-string-index",
    }
    for name, code in want.items():
        with pytest.raises(ProblemsError) as info:
            load_observations([str(corpus["dir"] / name)], rules=[lr], units=lu)
        got = {(p.sheet, p.cell, p.code) for p in info.value.problems}
        assert (base["sheet"], cell, code) in got, (name, got)
        assert not any(p.code == "missing-unit" for p in info.value.problems), name


def test_rows_out_of_order_read_as_in_order(corpus):
    from gkscore.observations.api import load_observations
    from gkscore.rules.load import load_rules, load_units

    lr, lu = load_rules(RULES), load_units(UNITS)
    a = load_observations([str(corpus["base"]["xlsx"])], rules=[lr], units=lu)
    b = load_observations([str(corpus["dir"] / "o_rows_out_of_order.xlsx")], rules=[lr], units=lu)
    assert {k: (o.value, o.source.cell) for k, o in a[0].values.items()} == {k: (o.value, o.source.cell) for k, o in b[0].values.items()}


def test_a_subset_not_said_is_refused_naming_the_units(corpus, outcomes):
    for name in ("o_unit_sheet_removed.xlsx", "o_unit_rows_removed.csv"):
        for cmd in ("check", "score"):
            r = outcomes["results"][f"{name}|{cmd}"]
            assert r["code"] == 1 and "(missing-unit)" in r["stderr"] and "市财政局" in r["stderr"], (name, cmd, r["stderr"])
