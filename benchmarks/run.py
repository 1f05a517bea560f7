"""gkscore benchmark: the installed command on synthetic inputs, beside the floors.

    python benchmarks/run.py --sizes 1000,10000,100000 --runs 3 --write-docs

For every size N (units per table) and both bundled tables it generates (once,
under benchmarks/data/N/) a units file and filled observations in csv and in
the long xlsx layout (and sheet-per-unit xlsx up to --sheets-max units), then
runs, each --runs times, as a user would:

* ``gkscore template`` (csv; xlsx long up to --template-xlsx-max units);
* ``gkscore check`` (read + check + merge);
* ``gkscore score --format csv -o out.csv`` (the summary output): end to end,
  with the phases (read, check and merge, score, rank, output) that gkscore
  reports when GKSCORE_TIMINGS is set;
* every other export (json, md, table, csv --detail, xlsx);
* the floors on the same files: a csv-module pass, a python-calamine pass and
  an openpyxl read-only pass over every cell (openpyxl up to --openpyxl-max);
* start-up (``--version``, ``--help`` and what they import) and ``gkscore
  validate`` on the bundled rules beside ``yamllint`` on the same files.

Wall time from a monotonic clock around the child; peak memory is the child's
maximum resident set (GNU time's %M; os.wait4 when /usr/bin/time is missing).  Figures are medians over the runs and
ratios of medians.  The end-to-end score and the floors run --runs times; the
template, check and export measures run --detail-runs times (default: the
same), which keeps a 100,000-unit run within an hour.  Results go to
benchmarks/results.json (kept in git beside the script); --write-docs
regenerates docs/performance.md.  A size whose predicted peak memory exceeds
--max-mem-gb (from the largest smaller size, linearly) is not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402

TABLE_RULES = {"county": "county_2020", "citydept": "citydept_2020"}
# (name, options, output suffix, write floor of write_floors.py)
EXPORTS = [("json", ["--format", "json"], ".json", "json"), ("md", ["--format", "md"], ".md", "text"),
           ("md-detail", ["--format", "md", "--detail"], ".detail.md", "text"), ("table", ["--format", "table"], ".txt", "text"),
           ("csv-detail", ["--format", "csv", "--detail"], ".csv", "csv"), ("xlsx", ["--format", "xlsx"], ".xlsx", "xlsx"),
           ("formulas", ["--format", "xlsx", "--formulas"], ".formulas.xlsx", "xlsx-formulas")]
# the outputs that have a target beside their floor
FLOOR_TARGET = 3.0
TARGETED = ("json", "md-detail", "csv-detail", "xlsx", "formulas", "template csv", "template xlsx-long", "template xlsx-sheets")


def exe(name: str) -> str:
    """The installed command next to this interpreter (a venv), else on PATH."""
    cand = Path(sys.executable).parent / name
    return str(cand) if cand.exists() else (shutil.which(name) or name)


TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
SHARED = os.environ.get("GKSCORE_BENCH_MACHINE", "shared, so expect noise")


def measure(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> dict:
    """Run once: wall seconds, peak RSS (MB), exit code, timings gkscore reported.

    Peak memory comes from GNU time when installed: a child forked from this
    (larger) Python process would otherwise inherit our own high-water mark
    in its ru_maxrss.  Without it, os.wait4's figure is used."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        full = [TIME, "-f", "gkscore-maxrss-kb %M\ngkscore-cpu %U %S", *cmd] if TIME else cmd
        p = subprocess.Popen(full, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        out.seek(0)
        stdout = out.read(4096).decode("utf-8", "replace")
    phases, cpu_phases = {}, {}
    rss_kb = ru.ru_maxrss
    cpu = ru.ru_utime + ru.ru_stime
    for line in text.splitlines():
        if line.startswith("gkscore-timings "):
            phases = json.loads(line.split(" ", 1)[1])
        elif line.startswith("gkscore-cpu-timings "):
            cpu_phases = json.loads(line.split(" ", 1)[1])
        elif line.startswith("gkscore-maxrss-kb "):
            rss_kb = int(line.split()[1])
        elif line.startswith("gkscore-cpu "):
            cpu = sum(float(x) for x in line.split()[1:])
        elif line.startswith("Command exited with non-zero status"):
            pass
    text = "\n".join(ln for ln in text.splitlines() if not ln.startswith(("gkscore-maxrss-kb ", "gkscore-cpu ", "gkscore-cpu-timings ", "Command exited with non-zero status")))
    floor = {ln.split()[0]: float(ln.split()[1]) for ln in stdout.splitlines() if ln.startswith("floor-")}
    return {"wall": wall, "cpu": cpu, "rss_mb": rss_kb / 1024, "rc": p.returncode, "phases": phases, "cpu_phases": cpu_phases, "floor": floor,
            "stderr": text[-2000:] if p.returncode not in (0,) else "", "stdout": stdout}


def repeat(cmd: list[str], runs: int, **kw) -> dict:
    res = [measure(cmd, **kw) for _ in range(runs)]
    phases: dict[str, float] = {}
    for k in res[0]["phases"]:
        phases[k] = statistics.median(r["phases"].get(k, 0.0) for r in res)
    return {
        "cmd": " ".join(os.path.relpath(c, ROOT) if os.path.isabs(c) and c.startswith(str(ROOT)) else c for c in cmd),
        "wall": statistics.median(r["wall"] for r in res),
        "walls": [round(r["wall"], 3) for r in res],
        "cpu": statistics.median(r["cpu"] for r in res),
        "cpu_phases": {k: statistics.median(r["cpu_phases"].get(k, 0.0) for r in res) for k in res[0]["cpu_phases"]},
        "rss_mb": statistics.median(r["rss_mb"] for r in res),
        "rc": res[0]["rc"],
        "phases": phases,
        "error": res[0]["stderr"].strip().splitlines()[-1] if res[0]["rc"] not in (0,) and res[0]["stderr"].strip() else "",
        **({"floor": {k: statistics.median(r["floor"].get(k, 0.0) for r in res) for k in res[0]["floor"]}} if res[0]["floor"] else {}),
    }


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for dist in ("gkscore", "openpyxl", "python-calamine", "pydantic", "PyYAML", "yamllint", "rich", "XlsxWriter"):
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = "-"
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_mb": mem, "python": platform.python_version(), "shared": SHARED,
            "os": f"{platform.system()} {platform.release()}", "versions": versions, "date": dt.date.today().isoformat()}


def startup(runs: int) -> dict:
    g = exe("gkscore")
    out = {}
    for args in (["--version"], ["--help"]):
        out[" ".join(args)] = repeat([g, *args], runs)
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: sys.stderr.write('gkscore-imported ' + ','.join(m for m in "
             "('openpyxl', 'python_calamine', 'pydantic', 'rich') if m in sys.modules) + '\\n'))\n"
             "from gkscore.cli import main\nsys.argv = ['gkscore'] + sys.argv[1:]\nmain()\n")
    imported = {}
    for args in (["--version"], ["--help"]):
        p = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
        line = [ln for ln in p.stderr.splitlines() if ln.startswith("gkscore-imported")]
        imported[" ".join(args)] = line[0].split(" ", 1)[1] if line and " " in line[0] else ""
    out["imported"] = imported
    rules = [str(ROOT / "rules" / n) for n in ("county_2020.yaml", "citydept_2020.yaml", "units.yaml")]
    out["validate"] = repeat([g, "validate", "-q", *rules], runs)
    yl = exe("yamllint") if (Path(sys.executable).parent / "yamllint").exists() else shutil.which("yamllint")
    out["yamllint"] = repeat([yl, "-d", "relaxed", *rules], runs) if yl else None
    return out


def predicted_mb(results: dict, n: int) -> float:
    smaller = [int(k) for k in results if int(k) < n]
    if not smaller:
        return 0.0
    k = max(smaller)
    peaks = [c["rss_mb"] for t in results[str(k)]["tables"].values() for c in t.get("score", {}).values() if isinstance(c, dict) and "rss_mb" in c]
    return max(peaks, default=0.0) * n / k


def bench_size(n: int, a, results: dict) -> dict:
    g = exe("gkscore")
    data = a.data / str(n)
    limit = a.max_mem_gb * 1024
    pred = predicted_mb(results, n)
    entry: dict = {"units": n, "tables": {}}
    if a.only and str(n) in results:
        # a second pass over some tables keeps the others' figures
        entry["tables"] = dict(results[str(n)].get("tables", {}))
    if pred > limit:
        entry["skipped"] = f"predicted peak {pred / 1024:.1f} GB > --max-mem-gb {a.max_mem_gb}"
        print(f"[{n}] skipped: {entry['skipped']}", flush=True)
        return entry
    print(f"[{n}] generating inputs in {data}", flush=True)
    # the exports and templates read the csv input only: no xlsx to generate for them
    formats = ("csv",) if a.only and "checks" not in a.only else ("csv", "xlsx", "sheets")
    made = gen.generate(n, data, sheets_max=a.sheets_max, tables=tuple(a.tables), formats=formats)
    env = dict(os.environ, GKSCORE_TIMINGS="1", CI="1")
    work = Path(tempfile.mkdtemp(prefix="gkbench"))
    try:
        for table in a.tables:
            files = made[table]
            units = str(files["units"])
            if a.only:
                # a second pass into the entry of an earlier run: after a fix
                # to one step, measure that step again, not everything
                t = results[str(n)]["tables"][table]
                entry["tables"][table] = t
                if "exports" in a.only:
                    # the exports run now replace their earlier figures; the
                    # others (--skip-exports) keep theirs
                    t.setdefault("exports", {})
                    _exports(n, table, t, a, g, units, [str(p) for p in files["csv"]], env, work)
                if "templates" in a.only:
                    t["template"] = {}
                    _templates(n, table, t, a, g, units, work, env)
                if "checks" in a.only:
                    for key in list(t["check"]):
                        fmt = key.partition("/")[0]
                        paths = [str(p) for p in files["csv" if fmt == "csv" else "xlsx" if fmt == "xlsx-long" else "sheets"]]
                        print(f"[{n}] {table} check {key}", flush=True)
                        t["check"][key] = repeat([g, "check", *paths, "--units", units], a.detail_runs, env=env)
                        print(f"      median {t['check'][key]['wall']:.2f} s, {t['check'][key]['rss_mb']:.0f} MB", flush=True)
                a.save(n, entry)
                continue
            t: dict = {"rows": sum(1 for _ in gen.records(table, gen.unit_names(table, min(n, 50))) ) * n // min(n, 50),
                       "files": {k: [os.path.basename(str(p)) for p in v] for k, v in files.items() if isinstance(v, list)},
                       "bytes": {k: sum(os.path.getsize(p) for p in v) for k, v in files.items() if isinstance(v, list)},
                       "units_bytes": os.path.getsize(units), "template": {}, "check": {}, "score": {}, "exports": {}, "floors": {}}
            entry["tables"][table] = t

            def run(key: str, cmd: list[str], runs: int = a.detail_runs) -> dict:
                print(f"[{n}] {table} {key}: {' '.join(os.path.basename(c) for c in cmd[1:])}", flush=True)
                r = repeat(cmd, runs, env=env)
                print(f"      median {r['wall']:.2f} s, {r['rss_mb']:.0f} MB{'  rc=' + str(r['rc']) + ' ' + r['error'] if r['rc'] else ''}", flush=True)
                return r

            _templates(n, table, t, a, g, units, work, env)
            inputs = {"csv": [str(p) for p in files["csv"]], "xlsx-long": [str(p) for p in files["xlsx"]]}
            if files["sheets"]:
                inputs["xlsx-sheets"] = [str(p) for p in files["sheets"]]
            for fmt, paths in inputs.items():
                # one xlsx reader (python-calamine): keys keep its name beside the floors'
                key = fmt if fmt == "csv" else f"{fmt}/calamine"
                t["check"][key] = run(f"check {key}", [g, "check", *paths, "--units", units])
                out_csv = work / f"s-{fmt}.csv"
                t["score"][key] = run(f"score {key}", [g, "score", *paths, "--units", units, "--format", "csv", "-o", str(out_csv)], a.runs)
                # floors on the same files
                if fmt == "csv":
                    t["floors"]["csv/csv"] = run("floor csv", [sys.executable, str(HERE / "floors.py"), "csv", *paths], a.runs)
                else:
                    t["floors"][f"{fmt}/calamine"] = run(f"floor calamine {fmt}", [sys.executable, str(HERE / "floors.py"), "calamine", *paths], a.runs)
                    if n <= a.openpyxl_max:
                        t["floors"][f"{fmt}/openpyxl"] = run(f"floor openpyxl {fmt}", [sys.executable, str(HERE / "floors.py"), "openpyxl", *paths])
            _exports(n, table, t, a, g, units, inputs["csv"], env, work)
            a.save(n, entry)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return entry


def _templates(n: int, table: str, t: dict, a, g: str, units: str, work: Path, env: dict) -> None:
    if a.template_tables and table not in a.template_tables:
        return
    rules = TABLE_RULES[table]
    jobs = [("csv", ["--format", "csv", "-o", str(work / "t.csv")])]
    if n <= a.template_xlsx_max:
        jobs.append(("xlsx-long", ["--format", "xlsx", "--layout", "long", "-o", str(work / "t.xlsx")]))
    if n <= a.sheets_max:
        jobs.append(("xlsx-sheets", ["--format", "xlsx", "-o", str(work / "ts.xlsx")]))
    t.setdefault("template_floors", {})
    rules_path = str(ROOT / "rules" / f"{rules}.yaml")
    for key, args in jobs:
        print(f"[{n}] {table} template {key}", flush=True)
        r = repeat([g, "template", rules, "--units", units, *args], a.detail_runs, env=env)
        print(f"      median {r['wall']:.2f} s, {r['cpu']:.2f} s CPU, {r['rss_mb']:.0f} MB{'  rc=' + str(r['rc']) + ' ' + r['error'] if r['rc'] else ''}", flush=True)
        t["template"][key] = r
        kind = {"csv": "template-csv", "xlsx-long": "template-long", "xlsx-sheets": "template-sheets"}[key]
        writers = [a.template_floor_writers] if key != "csv" else []
        f = repeat([sys.executable, str(HERE / "write_floors.py"), kind, rules_path, units, str(work / f"floor-{key}"), *writers], a.detail_runs, env=env)
        print(f"      floor {f.get('floor', {}).get('floor-seconds', 0):.2f} s CPU", flush=True)
        t["template_floors"][key] = f


def _exports(n: int, table: str, t: dict, a, g: str, units: str, csv_paths: list[str], env: dict, work: Path) -> None:
    """Every export, from the csv input (the reading cost is the same for all)."""
    t.setdefault("export_floors", {})
    for name, args, suffix, floor in EXPORTS:
        if name in a.skip_exports or (n > 10_000 and a.large_export_tables and table not in a.large_export_tables):
            continue
        if name == "formulas" and n > a.formulas_max:
            continue
        out = work / f"e{suffix}"
        cmd = [g, "score", *csv_paths, "--units", units, *args, "-o", str(out)]
        print(f"[{n}] {table} export {name}", flush=True)
        r = repeat(cmd, a.detail_runs, env=env)
        print(f"      median {r['wall']:.2f} s, {r['cpu']:.2f} s CPU, {r['rss_mb']:.0f} MB{'  rc=' + str(r['rc']) + ' ' + r['error'] if r['rc'] else ''}", flush=True)
        t["exports"][name] = r
        if r["rc"] == 0 and name in TARGETED:
            f = repeat([sys.executable, str(HERE / "write_floors.py"), floor, str(out), str(work / f"floor{suffix}")], a.detail_runs, env=env)
            print(f"      floor {f.get('floor', {}).get('floor-seconds', 0):.2f} s CPU", flush=True)
            t["export_floors"][name] = f
        out.unlink(missing_ok=True)


# ------------------------------------------------------------ report


def _s(x) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def _verdict(size, ok: bool, ratio, r: dict) -> str:
    """The target column of an output beside its floor: the issue sets its
    targets at 10,000 and 100,000 units; a smaller run is shown for growth."""
    if r["rc"] != 0:
        return "failed: " + r["error"][:60]
    if int(size) < 10_000:
        return "(targets from 10,000 units)"
    return "holds" if ok else "does not hold" if ratio is not None else "—"


def _ratio(a, b) -> str:
    if not a or not b:
        return "—"
    return f"{a / b:.1f}×"


def render(res: dict) -> str:
    m = res["machine"]
    L: list[str] = []
    w = L.append
    w("# Performance\n")
    w("<!-- generated by `python benchmarks/run.py --write-docs`; do not edit by hand -->\n")
    w("How long gkscore takes, and how much memory it needs, from a city (60 units) to the national checks (tens of thousands), "
      "measured with the installed `gkscore` command beside the bare cost of reading the same files.\n")
    w("## Method\n")
    w("`benchmarks/run.py` generates, for each size N and each bundled table, a units file with N synthetic units "
      "(county table: class county; city-department table: classes A and B alternating) and filled observations with random valid values "
      "(seeded, so the files are the same from run to run): a long-form csv (columns unit, class, item, field, type, value, evidence, scorer, rules) "
      "and a long-layout xlsx (sheet 观测, columns unit, class, item, field, value, evidence, scorer; rules recorded in the hidden `_gkscore` sheet), "
      "plus the sheet-per-unit xlsx template filled in for the smaller sizes. "
      f"The county table has 96 fields per unit, the city-department table 67-68. Above {gen.CSV_UNITS_PER_FILE:,} units (csv) "
      f"and {gen.XLSX_UNITS_PER_FILE:,} units (xlsx) the observations are split into several files, which gkscore merges (集中评分): "
      "a single file would exceed the readers' 256 MB limits and Excel's 1,048,576 rows.\n")
    w("Every step runs the installed command in a child process, as a user would; wall time is taken around the child, "
      "peak memory is the child's maximum resident set (GNU `time -f %M`). With `GKSCORE_TIMINGS=1` gkscore reports its own phases "
      "(read, check and merge, score, rank, output) on stderr; those split the end-to-end time. "
      f"Each end-to-end score and floor figure is the median of {res['runs']} runs (template, check and export figures: of {res.get('detail_runs', res['runs'])}); ratios are ratios of medians. The floors are one pass over every cell of the same files "
      "with nothing else: the csv module, python-calamine (`to_python`) and openpyxl read-only (`iter_rows(values_only=True)`), "
      "each in a fresh interpreter (`benchmarks/floors.py`).\n")
    w("## Machine\n")
    w(f"- {m['cpu']}, {m['cores']} cores, {m['mem_mb'] / 1024:.0f} GiB RAM, {m['os']}; {m.get('shared', 'shared, so expect noise')}")
    w(f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    w(f"- measured {m['date']}; command: `{res['command']}`\n")
    if res.get("note"):
        # which figures come from which pass, when passes were stopped or
        # skipped for time (``--note``)
        w(f"{res['note']}\n")

    sizes = [s for s in res["sizes"]]
    w("## End to end: `gkscore score … --format csv -o out.csv`\n")
    w("Read, check, score, rank and write the summary csv. Ratios are to the floor on the same files.\n")
    w("| units | table | input | rows | gkscore s | peak MB | floor | floor s | ratio | target |")
    w("|---:|---|---|---:|---:|---:|---|---:|---:|---|")
    for s in sizes:
        e = res["sizes"][s]
        if e.get("skipped"):
            w(f"| {int(s):,} | — | — | — | — | — | — | — | — | not run: {e['skipped']} |")
            continue
        for table, t in e["tables"].items():
            for key, r in t["score"].items():
                fmt = key.split("/")[0]
                floor_key = "csv/csv" if fmt == "csv" else f"{fmt}/calamine"
                fl = t["floors"].get(floor_key, {})
                target = ("≤ 8× (stretch 4×)" if fmt == "csv" else "≤ 2×" if fmt == "xlsx-long" and key.endswith("calamine") else "")
                wall = r["wall"] if r["rc"] == 0 else None
                note = "" if r["rc"] == 0 else f" failed: {r['error'][:80]}"
                w(f"| {int(s):,} | {table} | {key} | {t['rows']:,} | {_s(wall)} | {r['rss_mb']:.0f} | {floor_key.split('/')[1]} | {_s(fl.get('wall'))} | "
                  f"{_ratio(wall, fl.get('wall'))} | {target}{note} |")
    w("")
    w("## Phases of the end-to-end run (medians, seconds)\n")
    w("Rows are checked as they are read (nothing but the current row is held), so *read and check* covers reading, "
      "type-checking every value and storing it; *merge* is the merge of files and the missing-value check.\n")
    w("| units | table | input | start-up | rules+units | read and check | merge | score | rank | output |")
    w("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        e = res["sizes"][s]
        for table, t in e.get("tables", {}).items():
            for key, r in t["score"].items():
                p = r["phases"]
                if not p:
                    continue
                w(f"| {int(s):,} | {table} | {key} | {_s(p.get('start-up'))} | {_s(p.get('load rules and units'))} | {_s(p.get('read'))} | "
                  f"{_s(p.get('check and merge'))} | {_s(p.get('score'))} | {_s(p.get('rank'))} | {_s(p.get('output csv'))} |")
    w("")
    w("## Floors (one pass over every cell; medians)\n")
    w("| units | table | files | floor | s | peak MB |")
    w("|---:|---|---|---|---:|---:|")
    for s in sizes:
        for table, t in res["sizes"][s].get("tables", {}).items():
            for key, r in t["floors"].items():
                fmt, kind = key.split("/")
                w(f"| {int(s):,} | {table} | {fmt} ({t['bytes'].get('csv' if fmt == 'csv' else 'xlsx' if fmt == 'xlsx-long' else 'sheets', 0) / 1e6:.0f} MB) | {kind} | {_s(r['wall'])} | {r['rss_mb']:.0f} |")
    w("")
    w("## Reading alone: `gkscore check` (read, check, merge; no scoring)\n")
    w("| units | table | input | s | peak MB | × floor |")
    w("|---:|---|---|---:|---:|---:|")
    for s in sizes:
        for table, t in res["sizes"][s].get("tables", {}).items():
            for key, r in t["check"].items():
                fmt = key.split("/")[0]
                fl = t["floors"].get("csv/csv" if fmt == "csv" else f"{fmt}/{key.split('/')[1]}", {})
                w(f"| {int(s):,} | {table} | {key} | {_s(r['wall'] if r['rc'] == 0 else None)} | {r['rss_mb']:.0f} | {_ratio(r['wall'] if r['rc'] == 0 else None, fl.get('wall'))} |")
    w("")
    w("## Template and exports (csv input)\n")
    w("Export time is the `output` phase gkscore reports; the whole run is beside it.\n")
    w("| units | table | step | output s | whole run s | peak MB |")
    w("|---:|---|---|---:|---:|---:|")
    for s in sizes:
        for table, t in res["sizes"][s].get("tables", {}).items():
            for key, r in t["template"].items():
                w(f"| {int(s):,} | {table} | template {key} | — | {_s(r['wall'] if r['rc'] == 0 else None)} | {r['rss_mb']:.0f} |")
            for key, r in [("csv", t["score"].get("csv"))] + list(t["exports"].items()):
                if not r:
                    continue
                out = next((v for k, v in r["phases"].items() if k.startswith("output")), None)
                w(f"| {int(s):,} | {table} | export {key} | {_s(out)} | {_s(r['wall'] if r['rc'] == 0 else None)} | {r['rss_mb']:.0f} |")
    w("")
    floored = list(_floored(res))
    if floored:
        w("## Outputs beside their floors\n")
        w("Each output's whole command (read the csv input, check, score, rank and write; a template: load the rules and units and write) "
          "beside its floor: the same content written again with nothing but the library, from what gkscore wrote (a template: from gkscore's "
          "own rows), timed around the writing alone (`benchmarks/write_floors.py`): the json module, the csv module, plain text, openpyxl's "
          "write-only mode (the writer gkscore uses), and for the templates the faster of openpyxl write-only and XlsxWriter constant_memory "
          "(same cells, styles and data validations). The ratio is of CPU seconds: the machine is shared with other jobs, whose turns the "
          "wall clock counts too (the wall time of the command is beside it).\n")
        w("*Writing alone* is the CPU time of gkscore's output phase (`GKSCORE_TIMINGS`), for the reports: what the floor is the floor of; "
          "reading the csv input alone is several times the csv and text floors.\n")
        w(f"| units | table | output | gkscore s | gkscore CPU s | peak MB | floor | floor CPU s | × floor | writing alone CPU s | × floor | target ≤ {FLOOR_TARGET:g}×, < 1,024 MB |")
        w("|---:|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|")
        for s, table, name, r, fl, kind in floored:
            ratio = r["cpu"] / fl if r["rc"] == 0 and fl else None
            out_cpu = next((v for k, v in r.get("cpu_phases", {}).items() if k.startswith("output")), None)
            ok = ratio is not None and ratio <= FLOOR_TARGET and r["rss_mb"] < 1024
            w(f"| {int(s):,} | {table} | {name} | {_s(r['wall'] if r['rc'] == 0 else None)} | {_s(r['cpu'])} | {r['rss_mb']:.0f} | {kind} | {_s(fl)} | "
              f"{'—' if ratio is None else f'{ratio:.1f}×'} | {_s(out_cpu)} | {_ratio(out_cpu, fl)} | "
              f"{_verdict(s, ok, ratio, r)} |")
        w("")
    measured = {k for s in sizes for t in res["sizes"][s].get("tables", {}).values() for k in t.get("exports", {})}
    skipped = [name for name, _args, _suffix, _floor in EXPORTS if name not in measured]
    if skipped:
        w(f"Not measured in this run: export {', '.join(skipped)} (see the command above).\n")
    w("## Growth with the number of units\n")
    w("Seconds per 1,000 units of the end-to-end run; linear growth keeps this flat.\n")
    w("| table | input | " + " | ".join(f"{int(s):,}" for s in sizes) + " |")
    w("|---|---|" + "---:|" * len(sizes))
    keys = []
    for s in sizes:
        for table, t in res["sizes"][s].get("tables", {}).items():
            for key in t["score"]:
                if (table, key) not in keys:
                    keys.append((table, key))
    for table, key in keys:
        cells = []
        for s in sizes:
            r = res["sizes"][s].get("tables", {}).get(table, {}).get("score", {}).get(key)
            cells.append(_s(r["wall"] / int(s) * 1000) if r and r["rc"] == 0 else "—")
        w(f"| {table} | {key} | " + " | ".join(cells) + " |")
    w("")
    st = res.get("startup")
    if st:
        w("## Start-up and rule validation\n")
        w("| command | s | peak MB | imports openpyxl / calamine / pydantic / rich |")
        w("|---|---:|---:|---|")
        for k in ("--version", "--help"):
            w(f"| `gkscore {k}` | {_s(st[k]['wall'])} | {st[k]['rss_mb']:.0f} | {st['imported'].get(k) or 'none'} |")
        w(f"| `gkscore validate` (3 bundled files) | {_s(st['validate']['wall'])} | {st['validate']['rss_mb']:.0f} | |")
        if st.get("yamllint"):
            w(f"| `yamllint -d relaxed` (same files) | {_s(st['yamllint']['wall'])} | {st['yamllint']['rss_mb']:.0f} | |")
        w("")
    w("## Targets\n")
    for line in targets(res):
        w(f"- {line}")
    w("")
    w("## Reproduce\n")
    w("```\npip install -e . xlsxwriter  # XlsxWriter only for the template floors\npython benchmarks/run.py --sizes 1000,10000,100000 --runs 3 --detail-runs 1 --template-xlsx-max 1000 --large-export-tables county --write-docs\n```\n")
    w("Generated inputs stay in `benchmarks/data/` (git-ignored) and are reused; the raw figures are in `benchmarks/results.json`.")
    return "\n".join(L) + "\n"


def _floor_kind(name: str, f: dict) -> tuple[float | None, str]:
    """(floor CPU seconds, which floor) of one floor measure."""
    fl = f.get("floor", {})
    if name.startswith("template xlsx"):
        pairs = [(fl[k], k.split("-", 1)[1]) for k in ("floor-openpyxl", "floor-xlsxwriter") if k in fl]
        if pairs:
            sec, lib = min(pairs)
            return sec, {"openpyxl": "openpyxl write-only", "xlsxwriter": "XlsxWriter constant_memory"}[lib]
    kinds = {"json": "json module", "csv-detail": "csv module", "md-detail": "text", "xlsx": "openpyxl write-only",
             "formulas": "openpyxl write-only", "template csv": "csv module"}
    return fl.get("floor-seconds"), kinds.get(name, "")


def _floored(res: dict):
    """(size, table, output, its measure, floor CPU seconds, floor) of every output measured beside a floor."""
    for s in sorted(res["sizes"], key=int):
        for table, t in res["sizes"][s].get("tables", {}).items():
            pairs = [(f"template {k}", t["template"].get(k), f) for k, f in t.get("template_floors", {}).items()]
            pairs += [(k, t["exports"].get(k), f) for k, f in t.get("export_floors", {}).items()]
            for name, r, f in pairs:
                if r is None or "cpu" not in r:
                    continue
                sec, kind = _floor_kind(name, f)
                yield s, table, name, r, sec, kind


def targets(res: dict) -> list[str]:
    out = []

    def read_floor(s, table) -> float | None:
        """Seconds of reading the csv input alone with the csv module."""
        f = res["sizes"].get(s, {}).get("tables", {}).get(table, {}).get("floors", {}).get("csv/csv")
        return f["wall"] if f and f.get("rc") == 0 else None

    for s, table, name, r, fl, kind in _floored(res):
        if int(s) < 10_000:
            continue
        if r["rc"] != 0 or not fl:
            out.append(f"{name}, {int(s):,} units, {table}: not measured ({r.get('error', '')[:80]})")
            continue
        ratio = r["cpu"] / fl
        ok = ratio <= FLOOR_TARGET and r["rss_mb"] < 1024
        out_cpu = next((v for k, v in r.get("cpu_phases", {}).items() if k.startswith("output")), None)
        alone = f", writing alone {out_cpu / fl:.1f}×" if out_cpu else ""
        read = read_floor(s, table) if not name.startswith("template") else None
        # an output whose floor is less than a third of reading the input
        # cannot end within 3× of it, however it is written
        beyond = (f"; out of reach for any program that reads this input: reading the csv alone with the csv module takes "
                  f"{read:.2f} s, {read / fl:.1f}× this floor") if not ok and read and read >= FLOOR_TARGET * fl else ""
        out.append(f"{name}, {int(s):,} units, {table}: {ratio:.1f}× its floor ({kind}{alone}), {r['rss_mb']:.0f} MB "
                   f"(target ≤ {FLOOR_TARGET:g}×, < 1,024 MB): {'holds' if ok else 'does not hold'}{beyond}")
    per_unit: dict = {}
    for s, table, name, r, _fl, _kind in _floored(res):
        if r["rc"] == 0:
            per_unit.setdefault((table, name), []).append((int(s), r["cpu"] / int(s)))
    for (table, name), points in per_unit.items():
        for (lo, a), (hi, b) in zip(points, points[1:]):
            g = b / a
            verdict = "" if lo < 10_000 else f" (target ≤ 1.2×): {'holds' if g <= 1.2 else 'does not hold'}"
            out.append(f"growth {name} {table}: CPU per unit at {hi:,} is {g:.2f}× that at {lo:,}{verdict}")

    def score(s, table, key):
        return res["sizes"].get(s, {}).get("tables", {}).get(table, {}).get("score", {}).get(key)

    def floor(s, table, key):
        return res["sizes"].get(s, {}).get("tables", {}).get(table, {}).get("floors", {}).get(key)

    for s in ("10000", "100000"):
        if s not in res["sizes"]:
            continue
        for table in res["sizes"][s].get("tables", {}):
            r, f = score(s, table, "xlsx-long/calamine"), floor(s, table, "xlsx-long/calamine")
            if r and f and r["rc"] == 0:
                ratio = r["wall"] / f["wall"]
                out.append(f"xlsx long, {int(s):,} units, {table}: {ratio:.1f}× the calamine floor (target ≤ 2×): {'holds' if ratio <= 2 else 'does not hold'}")
            r, f = score(s, table, "csv"), floor(s, table, "csv/csv")
            if r and f and r["rc"] == 0:
                ratio = r["wall"] / f["wall"]
                out.append(f"csv, {int(s):,} units, {table}: {ratio:.1f}× the csv-module floor (target ≤ 8×, stretch 4×): {'holds' if ratio <= 8 else 'does not hold'}")
            elif r:
                out.append(f"csv, {int(s):,} units, {table}: not measured ({r['error'][:100]})")
        if res["sizes"][s].get("skipped"):
            out.append(f"{int(s):,} units: not run ({res['sizes'][s]['skipped']})")
    sizes = sorted((s for s in res["sizes"] if res["sizes"][s].get("tables")), key=int)
    for lo, hi in zip(sizes, sizes[1:]):
        for table in res["sizes"][hi]["tables"]:
            for key in ("csv", "xlsx-long/calamine"):
                a, b = score(lo, table, key), score(hi, table, key)
                if a and b and a["rc"] == 0 and b["rc"] == 0:
                    g = (b["wall"] / int(hi)) / (a["wall"] / int(lo))
                    out.append(f"growth {table} {key}: time per unit at {int(hi):,} is {g:.2f}× that at {int(lo):,} (linear growth: about 1 or less, start-up amortised)")
    for s in ("100000",):
        for table, t in res["sizes"].get(s, {}).get("tables", {}).items():
            r = t["score"].get("csv")
            if r:
                out.append(f"peak memory, 100,000 units csv, {table}: {r['rss_mb']:.0f} MB (target < 1024 MB)")
            r = t["exports"].get("xlsx")
            if r:
                out.append(f"peak memory, 100,000 units xlsx summary, {table}: {r['rss_mb']:.0f} MB (target < 1024 MB)")
    same = [(s, table, t["readers_identical"]) for s, e in res["sizes"].items() for table, t in e.get("tables", {}).items() if "readers_identical" in t]
    for s, table, ok in same:
        out.append(f"readers, {int(s):,} units, {table}: calamine and openpyxl give {'byte-identical' if ok else 'DIFFERENT'} summary results on the same xlsx files")
    st = res.get("startup")
    if st:
        imp = [v for v in st["imported"].values() if v]
        out.append("start-up: --version and --help import " + ("none of openpyxl, python-calamine, pydantic, rich" if not imp else ", ".join(imp)))
        if st.get("yamllint"):
            v, y = st["validate"]["wall"], st["yamllint"]["wall"]
            out.append(f"validate {v:.2f} s vs yamllint {y:.2f} s: {'holds' if v <= y else 'does not hold'}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="gkscore benchmark")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3, help="runs of the end-to-end score and the floors")
    ap.add_argument("--detail-runs", type=int, default=None, help="runs of template, check and exports (default: --runs)")
    ap.add_argument("--tables", default="county,citydept")
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--sheets-max", type=int, default=1000)
    ap.add_argument("--template-xlsx-max", type=int, default=10000)
    ap.add_argument("--formulas-max", type=int, default=1000, help="largest size for the formula workbook")
    ap.add_argument("--template-tables", default="", help="run the templates only for these tables (comma-separated; default all)")
    ap.add_argument("--template-floor-writers", default="openpyxl,xlsxwriter", help="the xlsx template floors' writers (comma-separated): the floor is the faster")
    ap.add_argument("--openpyxl-max", type=int, default=1000, help="largest size for the openpyxl floor (slow)")
    ap.add_argument("--max-mem-gb", type=float, default=12.0)
    ap.add_argument("--skip-exports", default="", help="comma-separated: json,md,table,csv-detail,xlsx")
    ap.add_argument("--large-export-tables", default="", help="above 10,000 units, run the exports only for these tables (comma-separated; default all): each takes minutes there")
    ap.add_argument("--only", help="comma-separated steps among exports,templates,checks: run only these, into the results of an earlier run (benchmarks/results.json)")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--merge", action="store_true", help="keep earlier results of sizes not run now")
    ap.add_argument("--render-only", action="store_true", help="regenerate docs/performance.md from benchmarks/results.json")
    ap.add_argument("--note", help="with --render-only: a paragraph saying which figures come from which pass (kept in results.json)")
    a = ap.parse_args(argv)
    a.tables = a.tables.split(",")
    if a.detail_runs is None:
        a.detail_runs = a.runs
    a.skip_exports = set(filter(None, a.skip_exports.split(",")))
    a.large_export_tables = set(filter(None, a.large_export_tables.split(",")))
    a.template_tables = set(filter(None, a.template_tables.split(",")))
    a.only = set(filter(None, (a.only or "").split(",")))
    if a.only - {"exports", "templates", "checks"}:
        ap.error("--only takes exports, templates, checks")
    a.data.mkdir(parents=True, exist_ok=True)
    out_json = HERE / "results.json"
    if a.render_only:
        res = json.loads(out_json.read_text(encoding="utf-8"))
        if a.note is not None:
            res["note"] = a.note
            out_json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
        (ROOT / "docs" / "performance.md").write_text(render(res), encoding="utf-8")
        print("wrote docs/performance.md")
        return 0
    res = {"runs": a.runs, "detail_runs": a.detail_runs, "command": "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]), "machine": machine(), "sizes": {}}
    if (a.merge or a.only) and out_json.exists():
        old = json.loads(out_json.read_text(encoding="utf-8"))
        res["sizes"].update(old.get("sizes", {}))
        res["command"] = old.get("command", "") + "; then " + res["command"]
        if a.only:
            res["startup"], res["runs"] = old.get("startup"), old.get("runs", a.runs)
    if not a.only:
        res["startup"] = startup(max(a.runs, 5))

    def save(n: int, entry: dict) -> None:
        """Each table's figures kept as soon as they are measured: a run
        stopped part-way loses only the table it was on."""
        res["sizes"][str(n)] = entry
        out_json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")

    a.save = save
    for n in sorted(int(x) for x in a.sizes.split(",")):
        res["sizes"][str(n)] = bench_size(n, a, res["sizes"])
        out_json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    res["sizes"] = dict(sorted(res["sizes"].items(), key=lambda kv: int(kv[0])))
    out_json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    text = render(res)
    if a.write_docs:
        (ROOT / "docs" / "performance.md").write_text(text, encoding="utf-8")
        print("wrote docs/performance.md")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
