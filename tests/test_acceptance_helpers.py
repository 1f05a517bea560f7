"""Shared helpers for the black-box acceptance tests (tests/test_acceptance_*.py).

No tests live here.  Everything goes through the installed ``gkscore``
executable (subprocess) or the click app in-process, as a user would.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
COUNTY_RULES = RULES_DIR / "county_2020.yaml"
CITYDEPT_RULES = RULES_DIR / "citydept_2020.yaml"
UNITS = RULES_DIR / "units.yaml"
EX_COUNTY = ROOT / "examples" / "county_2020_filled.xlsx"
EX_CITYDEPT = ROOT / "examples" / "citydept_2020_filled.xlsx"
SEED = ROOT / "tests" / "data" / "seed_huanggang_2020.txt"

COUNTIES = ["黄州区", "团风县", "红安县", "罗田县", "英山县", "浠水县", "蕲春县", "黄梅县", "麻城市", "武穴市"]


def gkscore_exe() -> str:
    """The installed console script next to the running interpreter (the venv's)."""
    cand = Path(sys.executable).parent / "gkscore"
    if cand.exists():
        return str(cand)
    found = shutil.which("gkscore")
    assert found, "the gkscore console script is not installed"
    return found


def run_exe(*args: str, timeout: float = 60, cwd: str | Path | None = None, env: dict | None = None):
    """Run the real executable; returns CompletedProcess (text)."""
    e = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    if env:
        e.update(env)
    return subprocess.run(
        [gkscore_exe(), *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=e
    )


def cli(*args: str):
    """The click app in-process (fast); stdout and stderr kept apart."""
    from click.testing import CliRunner

    from gkscore.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def load_json(text: str):
    return json.loads(text, parse_float=D, parse_int=D)


# --------------------------------------------------------------- csv templates

def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    text = Path(path).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    head = rows[0]
    out = [dict(zip(head, r)) for r in rows[1:]]
    for r in out:
        if "type" in r:
            r["type"] = type_key(r["type"])
    return head, out


def type_key(text):
    """The field type a template's type column names (是/否 or yes/no -> bool)."""
    from gkscore.observations.layout import TYPE_WORDS

    return TYPE_WORDS.key_of(text) or text if isinstance(text, str) else text


def write_csv(path: Path, head: list[str], rows: list[dict]) -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(head)
    for r in rows:
        w.writerow([r.get(k, "") for k in head])
    Path(path).write_bytes(("\ufeff" + buf.getvalue()).encode("utf-8"))
    return Path(path)


def csv_line_of(path: Path, pred) -> int:
    """1-based physical line on which the first row matching ``pred`` starts."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    head = next(reader)
    line = reader.line_num + 1
    for row in reader:
        if pred(dict(zip(head, row))):
            return line
        line = reader.line_num + 1
    raise AssertionError("no such row")


def csv_line_of_record(path: Path, index: int) -> int:
    """1-based physical line on which data record ``index`` (0-based, after the header) starts."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    line = reader.line_num + 1
    for i, _ in enumerate(reader):
        if i == index:
            return line
        line = reader.line_num + 1
    raise AssertionError(index)


def make_csv_template(tmp: Path, rules: str, name: str, *units: str, extra: tuple[str, ...] = ()) -> Path:
    out = Path(tmp) / name
    args = ["template", rules, "--format", "csv", "-o", str(out), *extra]
    for u in units:
        args += ["--unit", u]
    r = cli(*args)
    assert r.exit_code == 0, r.stderr
    return out


# Full credit, derived from each item's wording in rules/*.yaml (not from gkscore):
#  * a yes/no question asks about something good, except where it asks whether
#    something bad happened (listed below) -> 否;
#  * counts count faults (0 is full credit), except the ones an award needs;
#  * dates before their deadlines; judged base scores at their maximum;
#    bonus/penalty judged scores at 0.
BAD_BOOLS = {
    ("zdgk.zcjd", "mismatch"),  # 文件公开数量明显与实际制发数量存在较大出入 -> 不得分
    ("jdjc.ba.3", "lbmb"),  # 漏报瞒报 -> 扣1分
    ("jdjc.ba.3", "xxbzq"),  # 信息不准确 -> 扣1分
    ("jggk.jg", "xkcf"),  # 未...公开 -> 扣2分
    ("jggk.jg", "ssj"),
    ("jggk.jg", "jyta"),
    ("jcgk.mlgk", "wjcsm"),  # only for units without 决策事项; 设有目录 (szml) is 是
}
GOOD_COUNTS = {
    ("rcgl.zztj.2", "instructions"): "2",  # 批示不少于2次
    ("zdgk.jcgk.ygk", "consultations"): "7",  # 征集超过6次
    ("zdgk.hykf.lx", "times"): "1",  # 至少开展1次
    ("hykf.lx", "lxcs"): "1",  # 至少开展1次
    ("zdgk.zcjd.jdbl", "interpreted"): "4",  # 抽查4个,全部被解读
}
GOOD_NUMBERS = {("rcgl.zztj.1", "kpi_weight"): "5", ("zdgk.jcgk.ygk", "period_days"): "30"}
GOOD_DATES = {
    ("zdgk.gknb.1", "government_date"): "2020-03-20",  # 3月31日前
    ("zdgk.gknb.1", "departments_latest"): "2020-01-20",  # 1月31日前
    ("jcgk.ccfa.1", "plan_date"): "2020-08-01",  # 8月底前
    ("gknb.1", "fbrq"): "2020-01-15",  # 2020年1月31日前
}
EXTRA_ITEMS = {"jfx.cxal.1", "kfx.mtbg.1", "cxal.al", "ztgk.zt", "mtbg.bg"}


def full_credit_value(row: dict) -> str:
    key = (row["item"], row["field"])
    t = type_key(row["type"])
    if t == "bool":
        return "否" if key in BAD_BOOLS else "是"
    if t == "count":
        return GOOD_COUNTS.get(key, "0")
    if t == "number":
        return GOOD_NUMBERS[key]
    if t == "date":
        return GOOD_DATES[key]
    if t == "score":
        if row["item"] in EXTRA_ITEMS:
            return "0"
        return row["allowed"].split("..")[1].split()[0]
    raise AssertionError(f"unexpected field {key} of type {t}")


def fill_full_credit(path: Path, overrides: dict | None = None, scorer: str = "QA") -> Path:
    """Fill every row at full credit; ``overrides``: {(unit, item, field): value}."""
    head, rows = read_csv(path)
    overrides = dict(overrides or {})
    for r in rows:
        r["value"] = full_credit_value(r)
        r["scorer"] = scorer
        k = (r["unit"], r["item"], r["field"])
        if k in overrides:
            r["value"] = overrides.pop(k)
    assert not overrides, f"overrides name rows that are not in the template: {overrides}"
    return write_csv(path, head, rows)


def random_valid_value(row: dict, rng: random.Random) -> str:
    """A random value that the row's machine-readable ``allowed`` column permits."""
    t, allowed = type_key(row["type"]), row["allowed"]
    if t == "bool":
        return rng.choice(["是", "否"])  # as the Chinese list offers them (the English one: yes/no)
    if t == "choice":
        return rng.choice(allowed.split("/"))
    if t == "date":
        return f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if t == "count":
        lo, hi = allowed.split("..")
        hi = int(hi) if hi else 12
        return str(rng.randint(int(lo or 0), hi))
    if t == "number":
        lo, hi = allowed.split("..")
        lo = D(lo or 0)
        hi = D(hi) if hi else lo + 100
        steps = int((hi - lo) * 100)
        return str(lo + D(rng.randint(0, steps)) / 100)
    if t == "score":
        rng_part, step = allowed.split(" step ")
        lo, hi = (D(x) for x in rng_part.split(".."))
        n = int((hi - lo) / D(step))
        return str(lo + D(step) * rng.randint(0, n))
    raise AssertionError(t)


# ------------------------------------------------------------ xlsx templates

def header_columns(ws, header_row: int = 4) -> dict[str, int]:
    """{key: column index} from a unit sheet's header (in either language)."""
    from gkscore.observations.layout import header_key

    out = {}
    for c in range(1, ws.max_column + 1):
        key = header_key(ws.cell(header_row, c).value)
        if key is not None:
            out.setdefault(key, c)
    return out


def find_value_cell(ws, item: str, field: str, header_row: int = 4):
    cols = header_columns(ws, header_row)
    for r in range(header_row + 1, ws.max_row + 1):
        if ws.cell(r, cols["item"]).value == item and ws.cell(r, cols["field"]).value == field:
            return ws.cell(r, cols["value"])
    raise AssertionError(f"{ws.title}: no row {item}.{field}")


def unit_sheets(wb):
    """Worksheets that are unit sheets (B1 holds the unit name, row 4 the header)."""
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible" and "item" in header_columns(ws)]
