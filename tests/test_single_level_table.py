"""A table with a single level (类别 | 分值 | 考核标准): its rows under ``items``
at the top of the rule file, without invented sections and groups, scored as
base items; positions of mistakes are the rows' own; reports and the rules
JSON show a row by its category; the formula workbook agrees (LibreOffice).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from gkscore.problems import ProblemsError
from gkscore.rules.tree import rules_tree
from test_docs_examples import BLOCKS
from test_thresholds import load, obs_set, score

D = Decimal
TABLE = dict(BLOCKS)["single-level"]


def values(down=0, stale=False, blank=0, s=D(30), times=0) -> dict:
    return {("access", "down"): down, ("update", "stale"): stale, ("update", "blank"): blank, ("service", "s"): s, ("kfx.1", "times"): times}


@pytest.mark.parametrize(
    "change, base, penalty, total",
    [
        ({}, D(100), D(0), D(100)),
        # the documented unit: (30 - 5) + (40 - 10 - 2 × 3) + 25 = 74
        ({"down": 1, "stale": True, "blank": 3, "s": D(25)}, D(74), D(0), D(74)),
        # down 7 times: 30 - 35 -> 0 (扣完为止); 2 circulars: 2 × 2 = 4 off
        ({"down": 7, "times": 2}, D(70), D(4), D(66)),
        # 25 blank columns: 40 - 50 -> 0; 30 + 0 + 12.5 = 42.5; 4 circulars: 2 × 4 = 8, at most the item's 6
        ({"blank": 25, "s": D("12.5"), "times": 4}, D("42.5"), D(6), D("36.5")),
    ],
)
def test_single_level_documented_example(tmp_path, change, base, penalty, total):
    rs = load(tmp_path, TABLE).ruleset
    r = score(rs, "A", values(**change))
    assert (r.base, r.penalty, r.total) == (base, penalty, total)
    # one subtotal: the rows'
    assert r.sections == {"考评指标": base}


def test_rows_are_shown_by_their_category(tmp_path):
    rs = load(tmp_path, TABLE).ruleset
    tree = rules_tree(rs)
    assert [(i["id"], i["path"], i["section"]) for i in tree["items"]] == [
        ("access", ["可用性"], "base"),
        ("update", ["信息更新"], "base"),
        ("service", ["互动回应"], "base"),
        ("kfx.1", ["扣分项", "通报"], "penalty"),
    ]
    assert (tree["max"], tree["penalty_max"]) == ({"A": 100}, {"A": 6})
    it = score(rs, "A", values(down=1)).items[0]
    assert (it.path, it.arithmetic()) == (["可用性"], "30 - 5 × 1 = 25")


def test_mistakes_in_rows_are_reported_at_the_rows(tmp_path):
    text = TABLE.replace("{kind: deduct, when: {field: stale}, points: 10}", "{kind: deduct, when: {field: stael}, points: 10}").replace("    max: 30\n    fields:\n      - {id: down", "    max: 31\n    fields:\n      - {id: down")
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, text)
    lines = text.splitlines()
    found = [(p.code, lines[p.line - 1][p.col - 1 :]) for p in err.value.problems]
    assert sorted(found) == [("class-total", "100}"), ("unknown-field", "stael}, points: 10}")]


def test_ids_of_rows_and_sections_are_one_namespace(tmp_path):
    text = TABLE.replace("- id: kfx.1", "- id: access")
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, text)
    (p,) = err.value.problems
    assert (p.code, p.line) == ("duplicate-id", text.splitlines().index("          - id: access") + 1)
    assert "(first on line 7)" in p.message


def test_a_rule_file_needs_rows_or_sections(tmp_path):
    text = TABLE.split("items:")[0]
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, text)
    assert [p.code for p in err.value.problems] == ["no-items", "class-total"]


def test_single_level_table_in_the_formula_workbook(tmp_path):
    from lo import recalc_many
    from test_formulas import disagreements, make_run, random_set

    from gkscore.render.xlsx_formulas import write_formula_workbook

    lr = load(tmp_path, TABLE)
    units = {f"单位{i:02d}": "A" for i in range(20)}
    b = load(tmp_path, TABLE.replace("single-level-demo", "single-level-b"), "b")
    run = make_run([(lr, random_set(lr, units, seed=11)), (b, obs_set(b.ruleset, {"样例": ("A", values(down=1, stale=True, blank=3, s=D(25)))}))])
    assert next(r for r in run.results if r.unit == "样例").total == D(74)
    path = tmp_path / "single.xlsx"
    write_formula_workbook(run, str(path))
    (recalculated,) = recalc_many([path], tmp_path / "out")
    assert disagreements(run, recalculated) == []
