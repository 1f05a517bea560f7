"""Messages about rule files in words a rule author can act on, in both
languages: pydantic's errors and PyYAML's syntax errors are ours, not theirs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from conftest import ROOT
from gkscore import i18n
from gkscore.problems import ProblemsError
from gkscore.rules.load import load_rules
from gkscore.rules.model import RuleSet
from gkscore.rules.units_model import UnitsFile
from gkscore.rules.schema_messages import MESSAGES, schema_message
from gkscore.yamlio import load_yaml

COUNTY = ROOT / "rules" / "county_2020.yaml"
UNITS = ROOT / "rules" / "units.yaml"

WRONG_VALUES = ["x", "", "Upper Id", Decimal(-1), Decimal("1.5"), 10**9, True, [], {}, None,
                dt.date(2021, 1, 1), dt.datetime(2021, 1, 1, 10), ["a"], {"zz": 1}, "x" * 5000]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


def _errors_of_mutations(raw, model, step):
    paths = [p for p in _paths(raw) if p][::step]
    for path in paths:
        parent = raw
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        original = parent[key]
        for value in [*WRONG_VALUES, "__delete__"]:
            if value == "__delete__":
                if isinstance(parent, list):
                    continue
                del parent[key]
            else:
                parent[key] = value
            try:
                model.model_validate(raw)
            except ValidationError as exc:
                yield from exc.errors(include_url=False)
            parent[key] = original  # restored in place: no copy of the whole file per mutation


def test_every_pydantic_error_of_a_spoilt_rule_file_has_a_message_of_ours():
    raw, _positions = load_yaml(COUNTY.read_bytes(), str(COUNTY))
    units, _positions = load_yaml(UNITS.read_bytes(), str(UNITS), limit=10**8)
    units["units"] = units["units"][:3]
    seen = set()
    for err in [*_errors_of_mutations(raw, RuleSet, 25), *_errors_of_mutations(units, UnitsFile, 1)]:
        seen.add(err["type"])
        assert err["type"] in MESSAGES, err
        message = schema_message(err)
        assert "Input should" not in message and "0x" not in message, message
    # the mutations reach the usual kinds of mistakes
    assert {"missing", "extra_forbidden", "literal_error", "string_type", "dict_type", "list_type", "value_error"} <= seen


def _problems(tmp_path, text: str, lang: str):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with i18n.using(lang), pytest.raises(ProblemsError) as info:
        load_rules(str(path))
    return [(p.line, p.col, p.code, p.message) for p in info.value.problems]


HEAD = "format: gkscore/1\nid: t\ntitle: 测试\nclasses:\n  A: {name: A类, max: 2}\n"


@pytest.mark.parametrize(
    "text,where,en,zh",
    [
        (HEAD + "sections:\n\t- id: s\n", (7, 1, "yaml-syntax"), "replace the tab with spaces", "请把 Tab 换成空格"),
        (HEAD + "note: a: b\n", (6, 8, "yaml-syntax"), "put the whole value in quotes", "请给整个取值加引号"),
        (HEAD + 'note: "open\n', (7, 1, "yaml-syntax"), "close the quote", "未闭合的引号"),
        (HEAD + "year: 2021-02-30\n", (6, 7, "yaml-value"), "month 2 has no day 30", "2月没有30日"),
        (HEAD + "precison: 2\nsections: []\n", (6, 1, "schema"), "did you mean 'precision'?", '是否应为 "precision"？'),
    ],
)
def test_messages_say_how_to_fix(tmp_path, text, where, en, zh):
    (found_en,) = [p for p in _problems(tmp_path, text, "en") if p[:3] == where]
    assert en in found_en[3]
    (found_zh,) = [p for p in _problems(tmp_path, text, "zh") if p[:3] == where]
    assert zh in found_zh[3]


def test_a_clause_kind_typo_suggests_the_kind(tmp_path):
    text = COUNTY.read_text(encoding="utf-8").replace("kind: deduct_each", "kind: deduct_eech", 1)
    (problem,) = _problems(tmp_path, text, "zh")
    assert "未知的 kind 取值 \"deduct_eech\"；是否应为 \"deduct_each\"？" in problem[3]
    assert not [w for w in ("Input", "should", "tag") if w in problem[3]]


def test_a_reused_id_names_the_line_of_the_first(tmp_path):
    text = COUNTY.read_text(encoding="utf-8")
    first = next(n for n, l in enumerate(text.splitlines(), 1) if l.strip() == "- id: rcgl.zztj.1")
    text = text.replace("- id: rcgl.zztj.2", "- id: rcgl.zztj.1", 1)
    (problem,) = [p for p in _problems(tmp_path, text, "zh") if p[2] == "duplicate-id"]
    assert problem[3].endswith(f"（第一次出现在第 {first} 行）")
    (problem,) = [p for p in _problems(tmp_path, text, "en") if p[2] == "duplicate-id"]
    assert problem[3] == f"the id 'rcgl.zztj.1' is already used; ids must be unique: rename one of them (first on line {first})"
