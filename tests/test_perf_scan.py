"""The xlsx scan's fast path decides exactly what the careful per-cell loop
decides, and the used-range rule refuses sparse ranges but not dense ones;
the compact observation store behaves as a mapping."""

from __future__ import annotations

import pytest

from gkscore.observations import xlsx_scan as X
from gkscore.problems import ProblemsError

CHUNKS = [
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1.5</v></c></row><row r="2"><c r="C2" s="1"/></row>',
    b'<row r="9"><c r="A9" t="inlineStr"><is><t>x</t></is></c></row><row r="12"><c r="AB12"><v>3</v></c></row>',
    b'<row r="3"><c r="A3"><f>SUM(B1:B2)</f><v>3</v></c><c r="B3" t="e"><v>#N/A</v></c></row>',
    b'<row r="4"><c r="A4" s="2"></c><c r="D4"><v>1</v></c></row>',
    b'<x:row r="5"><x:c r="E5"><x:v>1</x:v></x:c></x:row>',
    b'<row r="100"><c r="B100"><v>1</v></c></row><row r="99"><c r="C99"><v>2</v></c></row>',
]


@pytest.mark.parametrize("data", CHUNKS)
def test_fast_path_agrees_with_the_careful_loop(data):
    fast, slow = X.SheetInfo("s", "p"), X.SheetInfo("s", "p")
    X._scan_rows(data, fast, "f.xlsx")
    X._scan_cells(data, slow, "f.xlsx")
    assert (fast.max_row, fast.max_col, fast.cells, fast.formulas, fast.errors) == (slow.max_row, slow.max_col, slow.cells, slow.formulas, slow.errors)


def test_dense_full_sheet_accepted_sparse_range_refused():
    dense = X.SheetInfo("s", "p", max_row=1_048_576, max_col=14, cells=1_048_576 * 14)
    X._check_area(dense, "f.xlsx")  # a long layout filling every row: read
    sparse = X.SheetInfo("s", "p", max_row=1_048_576, max_col=16_384, cells=200)
    with pytest.raises(ProblemsError) as e:
        X._check_area(sparse, "f.xlsx")
    assert "stray" in e.value.problems[0].message
    small = X.SheetInfo("s", "p", max_row=900, max_col=26, cells=3)
    X._check_area(small, "f.xlsx")  # a note far to the side of a small sheet: fine


def test_compact_values_mapping(tmp_path):
    from gkscore.observations.api import load_observations
    from gkscore.rules.load import load_units
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    units = load_units(str(root / "rules" / "units.yaml"))
    sets = load_observations([str(root / "examples" / "county_2020_filled.xlsx")], units=units)
    values = sets[0].values
    keys = list(values)
    assert len(keys) == len(values) and len(set(keys)) == len(keys)
    k = keys[0]
    o = values[k]
    assert k in values and values.get(k) == o and sets[0].value(*k) == o.value
    copy = dict(values)
    assert copy[k] == o
    values[k] = o.__class__(o.unit, o.owner, o.field, "x", o.source)
    assert values[k].value == "x" and sets[0].value(*k) == "x"
    assert ("nobody", "x", "y") not in values and values.get(("nobody", "x", "y")) is None
