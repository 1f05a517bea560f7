"""The JSON writer: the json module's text byte for byte, with exact decimals.

The oracle is the json module itself (``indent=2, ensure_ascii=False``) on
the same content with each Decimal as the float whose repr is the same text;
Decimals whose digits no float carries are checked by their text."""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from gkscore.exact import fmt
from gkscore.jsonout import dumps

# Decimals whose exact text is also a float's repr (so the json module can
# write the same bytes): a few digits, as figures are
_decimals = st.builds(lambda n, e: Decimal(n).scaleb(-e), st.integers(-10**6, 10**6), st.integers(0, 3)).filter(
    lambda d: repr(float(fmt(d, None))) == fmt(d, None) and "." in fmt(d, None))
_scalars = st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.text() | _decimals
_values = st.recursive(_scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=6), kids, max_size=4), max_leaves=30)


def _as_floats(value):
    if isinstance(value, Decimal):
        return float(fmt(value, None))
    if isinstance(value, dict):
        return {k: _as_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_floats(v) for v in value]
    return value


@settings(max_examples=300, deadline=None)
@given(_values)
def test_the_json_modules_text_indented(value):
    assert dumps(value) == json.dumps(_as_floats(value), indent=2, ensure_ascii=False) + "\n"


@settings(max_examples=200, deadline=None)
@given(_values)
def test_the_json_modules_text_compact(value):
    assert dumps(value, indent=None) == json.dumps(_as_floats(value), separators=(",", ":"), ensure_ascii=False) + "\n"


@settings(max_examples=100, deadline=None)
@given(_values, st.integers(0, 5))
def test_a_text_started_deeper_is_the_same_text_reindented(value, level):
    pad = "  " * level
    assert dumps(value, level=level) == dumps(value).replace("\n", "\n" + pad)[: -len(pad) or None]


def test_decimals_are_written_exactly():
    text = dumps({"a": Decimal("0.1") + Decimal("0.2"), "b": Decimal("12345678901234567890.123456789012"), "c": Decimal("2.50"),
                  "d": Decimal("1E+3"), "e": Decimal("-0.000"), "f": Decimal("0.0000001")}, indent=None)
    assert text == '{"a":0.3,"b":12345678901234567890.123456789012,"c":2.5,"d":1000,"e":0,"f":0.0000001}\n'


def test_other_types_as_before():
    value = OrderedDict([(1, (True, False, None)), (False, dt.date(2020, 5, 1)), ("中文\n\"", ["\u2028", "\x00"])])
    assert dumps(value, indent=None) == '{"1":[true,false,null],"False":"2020-05-01","中文\\n\\"":["\u2028","\\u0000"]}\n'


def test_floats_are_refused():
    import pytest

    with pytest.raises(TypeError):
        dumps({"x": 0.1})
