"""The compact observation store behaves as a mapping."""

from __future__ import annotations


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
