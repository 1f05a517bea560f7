"""A units file is read without keeping positions (100,000 units would hold
~90 MB of them for the whole run); every message that names a place still
gets the right line:column, and ``LoadedUnits.positions`` rebuilds them."""

from __future__ import annotations

import pytest

from gkscore.problems import ProblemsError
from gkscore.rules.load import load_units

HEAD = "format: gkscore-units/1\nid: t\ntitle: t\nclasses: {A: 甲, B: 乙}\nunits:\n"


def _problems(tmp_path, text):
    p = tmp_path / "units.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError) as exc:
        load_units(str(p))
    return [(x.line, x.col, x.code) for x in exc.value.problems]


def test_unknown_class_and_duplicate_names_are_placed(tmp_path):
    text = HEAD + "- {name: 甲局, class: A}\n- {name: 乙局, class: C}\n- {name: 丙局, class: B, aliases: [甲局]}\n"
    assert _problems(tmp_path, text) == [(7, 21, "unknown-class"), (8, 34, "duplicate-unit")]


def test_schema_error_is_placed(tmp_path):
    text = HEAD + "- {name: 甲局, class: A}\n- {name: 乙局, klass: B}\n"
    got = _problems(tmp_path, text)
    assert got == [(7, 3, "schema"), (7, 14, "schema")]  # the same places as when positions were kept


def test_rule_file_given_as_units_is_placed(tmp_path):
    assert _problems(tmp_path, "format: gkscore/1\nid: x\n") == [(1, 9, "wrong-kind")]


def test_positions_are_rebuilt_on_demand(tmp_path):
    p = tmp_path / "units.yaml"
    p.write_text(HEAD + "- {name: 甲局, class: A}\n- {name: 乙局, class: B}\n", encoding="utf-8")
    lu = load_units(str(p))
    assert lu._positions is None  # nothing kept after a clean load
    assert lu.positions[("units", 1, "class")] == (7, 21)
    assert [u.name for u in lu.units.units] == ["甲局", "乙局"]
