"""The value model: a cell as the reader gives it becomes one typed value,
with the spellings office staff type and nothing stretched to fit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_obs_helpers import field_of, rules

from gkscore.observations.values import cell_text, is_blank, read_value


def _read(owner, field, cell):
    return read_value(field_of(rules(), owner, field), "A", cell)


@pytest.mark.parametrize("cell,want", [
    ("12.5", Decimal("12.5")), (" 3.5 ", Decimal("3.5")), ("１２．５", Decimal("12.5")), ("\u30003\u3000", Decimal(3)),
    (12.5, Decimal("12.5")), (3.0, Decimal(3)), (3, Decimal(3)), ("+7", Decimal(7)), ("85%", Decimal(85)), ("85％", Decimal(85)),
    (0.1, Decimal("0.1")), (-0.0, Decimal(0)),
])
def test_numbers(cell, want):
    value, err = _read("i1", "pct", cell)
    assert err is None and value == want and type(value) is Decimal


@pytest.mark.parametrize("cell", [
    "1_0", "inf", "nan", "-inf", "Infinity", "1e1", "1E1", "1 0", "٣", "۳", "²", "¹", "①", "१", "३.५", "0x1", "", "一",
    float("inf"), float("nan"), True, dt.date(2021, 1, 1),
])
def test_what_only_looks_like_a_number_is_a_bad_value(cell):
    for owner, field in (("i1", "pct"), ("i2", "passed")):
        value, err = _read(owner, field, cell)
        assert value is None and err is not None and err[0] == "bad-value", (cell, owner)


@pytest.mark.parametrize("cell,want", [("３", 3), (2.0, 2), ("2", 2), (" 0 ", 0)])
def test_counts(cell, want):
    assert _read("i2", "passed", cell) == (want, None)


@pytest.mark.parametrize("cell", ["¹", "²", "⁰", "١", "①", "yes!", "是的", 2.0, "1.0"])
def test_what_only_looks_like_yes_or_no_is_a_bad_value(cell):
    value, err = _read("i1", "done", cell)
    assert value is None and err[0] == "bad-value", cell


@pytest.mark.parametrize("cell,want", [(1.0, True), (0.0, False), (True, True), ("Ｙ", True), ("ｎｏ", False), ("\u00a0是 ", True)])
def test_yes_and_no(cell, want):
    assert _read("i1", "done", cell) == (want, None)


@pytest.mark.parametrize("cell", ["２０２１-０３-３１", dt.datetime(2021, 3, 31), dt.date(2021, 3, 31), "2021年3月31日"])
def test_dates(cell):
    assert _read("w1", "date", cell) == (dt.date(2021, 3, 31), None)


@pytest.mark.parametrize("cell", ["٢٠٢١-٠٣-٣١", "2021-3-31 ", "2021-02-30", dt.time(0), dt.datetime(2021, 3, 31, 12)])
def test_bad_dates(cell):
    value, err = _read("w1", "date", cell)
    if cell == "2021-3-31 ":
        assert value == dt.date(2021, 3, 31)
    else:
        assert value is None and err[0] == "bad-value", cell


def test_text_of_a_cell():
    assert [cell_text(c) for c in (None, "", "x", True, 3.0, 0.1, 1e20, -0.0, dt.datetime(2021, 3, 31), dt.datetime(2021, 3, 31, 8), dt.date(2021, 3, 31))] == [
        "", "", "x", "TRUE", "3", "0.1", "100000000000000000000", "0", "2021-03-31", "2021-03-31T08:00:00", "2021-03-31"]
    assert is_blank("") and is_blank("\u3000 ") and is_blank(None) and not is_blank(0.0) and not is_blank("0")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_a_float_reads_as_its_shortest_text(x):
    """The number a float holds is the number its shortest repr says: the
    same as the text typed, never float arithmetic."""
    value, err = read_value(field_of(rules(), "i1", "pct"), "A", x)
    if err is None:
        assert value == Decimal(repr(x))
        if "e" not in repr(x):
            assert read_value(field_of(rules(), "i1", "pct"), "A", repr(x)) == (value, None)
