"""The benchmark's generator works at a tiny size, and the xlsx reader reads
what openpyxl (the oracle) reads from what it writes (no timings here: see
benchmarks/run.py)."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from pathlib import Path

import pytest
from oracle import openpyxl_reader

from gkscore.observations.api import load_observations
from gkscore.pipeline import Options, run
from gkscore.jsonout import dumps
from gkscore.render.json_report import results_dict
from gkscore.rules.load import load_units

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gen():
    path = ROOT / "benchmarks" / "gen.py"
    spec = importlib.util.spec_from_file_location("gkscore_bench_gen", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def made(gen, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    return gen.generate(12, out, sheets_max=5, tables=("county", "citydept"), formats=("csv", "xlsx"))


def _flat(sets, exact=True):
    """Everything read; ``exact=False`` compares numbers by value (a csv keeps
    "31.50" as typed, an xlsx cell holds the number 31.5)."""
    return [
        (s.rules_id, dict(s.units), sorted(
            (k, type(o.value).__name__, str(o.value) if exact else o.value, o.raw if exact else "", o.evidence, o.scorer)
            for k, o in s.values.items()))
        for s in sets
    ]


@pytest.mark.parametrize("table", ["county", "citydept"])
def test_generated_files_read_alike(made, table):
    files = made[table]
    units = load_units(str(files["units"]))
    assert len(units.units.units) == 12
    from_csv = load_observations([str(p) for p in files["csv"]], units=units)
    by_calamine = load_observations([str(p) for p in files["xlsx"]], units=units)
    with openpyxl_reader():
        by_openpyxl = load_observations([str(p) for p in files["xlsx"]], units=units)
    assert len(from_csv[0].units) == 12
    # the same values from csv and xlsx; what openpyxl reads from the same cells
    assert _flat(from_csv, exact=False) == _flat(by_calamine, exact=False)
    assert _flat(by_calamine) == _flat(by_openpyxl)
    # and the same positions
    src = lambda sets: {k: str(o.source) for s in sets for k, o in s.values.items()}  # noqa: E731
    assert src(by_calamine) == src(by_openpyxl)
    assert all("!" in v for v in src(by_calamine).values())


def test_generated_results_are_those_of_the_oracle(made):
    files = made["county"]
    outs = []
    for reader in (contextlib.nullcontext, openpyxl_reader):
        with reader():
            r = run(Options(observations=[str(p) for p in files["xlsx"]], units=str(files["units"])))
        outs.append(dumps(results_dict(r, r.precision)))
    assert outs[0] == outs[1]


def test_sheet_per_unit_generator(gen, tmp_path):
    made = gen.generate(3, tmp_path, sheets_max=5, tables=("citydept",), formats=("sheets",))
    path = made["citydept"]["sheets"][0]
    units = load_units(str(made["citydept"]["units"]))
    a = load_observations([str(path)], units=units)
    with openpyxl_reader():
        b = load_observations([str(path)], units=units)
    assert _flat(a) == _flat(b) and len(a[0].units) == 3
