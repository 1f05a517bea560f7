"""Thresholds as the tables write them (高于/超过 above, 不低于/达到 at least,
低于/不足 below, 不高于/不超过 at most) in field tests, gates and grade bands;
gates and vetoes limited to classes; a note on every element.

Each scenario is scored against a hand computation written next to it, the
documented examples are scored too, and the formula workbook is proved equal
to gkscore by LibreOffice on the boundary values.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from gkscore.observations.spec import expected_fields
from gkscore.observations.types import Observation, ObservationSet, Source
from gkscore.problems import ProblemsError
from gkscore.rules.load import load_rules
from gkscore.scoring import score_unit
from test_docs_examples import BLOCKS

D = Decimal
DOCS = dict(BLOCKS)


def load(tmp_path, text: str, name: str = "rules"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_rules(str(path))


def problems(tmp_path, text: str) -> list[tuple]:
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, text)
    return [(p.line, p.col, p.code) for p in err.value.problems]


def obs_set(rs, units: dict) -> ObservationSet:
    """``units``: name -> (class, {(owner, field): value})."""
    s = ObservationSet(rs.id, "sha")
    for unit, (cls, values) in units.items():
        s.units[unit] = cls
        for line, ((owner, field), value) in enumerate(values.items(), start=2):
            s.values[(unit, owner, field)] = Observation(unit, owner, field, value, Source("t.csv", line=line))
    return s


def score(rs, cls: str, values: dict, unit: str = "某单位"):
    return score_unit(rs, cls, unit, obs_set(rs, {unit: (cls, values)}))


# ------------------------------------------------------------ field tests

WORDS = """\
format: gkscore/1
id: words
title: 阈值用语
classes:
  A: {name: 甲类, max: 4}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 比重高于4%得1分;不低于4%得1分;次数低于3次得1分;不超过3次得1分。
            max: 4
            fields:
              - {id: w, type: number, min: 0, max: 100, prompt: 比重}
              - {id: n, type: count, prompt: 次数}
            clauses:
              - {kind: award, when: {field: w, above: 4}, points: 1}
              - {kind: award, when: {field: w, at_least: 4}, points: 1}
              - {kind: award, when: {field: n, below: 3}, points: 1}
              - {kind: award, when: {field: n, at_most: 3}, points: 1}
"""


@pytest.mark.parametrize(
    "w, n, expected",
    [
        # w = 4: above 4 fails, at least 4 holds; n = 3: below 3 fails, at most 3 holds -> 0 + 1 + 0 + 1
        (D("4"), 3, D(2)),
        # w = 4.01 passes both; n = 2 passes both -> 4
        (D("4.01"), 2, D(4)),
        # w = 3.99 passes neither; n = 4 passes neither -> 0
        (D("3.99"), 4, D(0)),
    ],
)
def test_threshold_words_in_field_tests(tmp_path, w, n, expected):
    rs = load(tmp_path, WORDS).ruleset
    assert score(rs, "A", {("i", "w"): w, ("i", "n"): n}).total == expected


def test_a_word_means_its_short_form(tmp_path):
    """above is gt, at_least ge, below lt, at_most le: the same comparisons."""
    rs = load(tmp_path, WORDS).ruleset
    short = load(tmp_path, WORDS.replace("above:", "gt:").replace("at_least:", "ge:").replace("below:", "lt:").replace("at_most:", "le:"), "short").ruleset
    for clause, other in zip(rs.sections[0].groups[0].items[0].clauses, short.sections[0].groups[0].items[0].clauses):
        assert clause.when.comparisons() == other.when.comparisons()
        assert clause.when.describe() == other.when.describe()


def test_two_comparisons_in_one_test_are_refused(tmp_path):
    text = WORDS.replace("{field: w, above: 4}", "{field: w, above: 4, ge: 5}")
    assert problems(tmp_path, text) == [(20, 37, "bad-condition")]


def test_a_word_that_does_not_suit_the_field_is_reported_at_the_word(tmp_path):
    text = WORDS.replace("{field: n, below: 3}", "{field: n, below: 2021-01-01}")
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, text)
    (p,) = err.value.problems
    assert (p.line, p.col, p.code) == (22, 55, "bad-condition")
    assert "with below: 2021-01-01" in p.message


# ------------------------------------------------------------------ gates


def gates_rules(tmp_path):
    return load(tmp_path, DOCS["gates"], "gates").ruleset


@pytest.mark.parametrize(
    "cls, base, bonus, total, grade",
    [
        # above: 80 -- a base of exactly 80 does not pass: the 3 bonus points are dropped; 80 -> 合格
        ("A", D(80), D(3), D(80), "合格"),
        ("B", D(80), D(3), D(80), "合格"),
        # a base of 80.5 passes: 80.5 + 3 = 83.5 -> 合格
        ("B", D("80.5"), D(3), D("83.5"), "合格"),
        # 85 + 5 = 90: B by the bands 优秀; A's base 85 is at most 85 (A only) -> 合格
        ("B", D(85), D(5), D(90), "优秀"),
        ("A", D(85), D(5), D(90), "合格"),
        # an A base of 85.5 is above 85: graded by its total 90.5 -> 优秀
        ("A", D("85.5"), D(5), D("90.5"), "优秀"),
        # below: 60 -- 60 is not below 60 (合格 by the bands); 59.5 is -> 不合格
        ("B", D(60), D(0), D(60), "合格"),
        ("B", D("59.5"), D(0), D("59.5"), "不合格"),
    ],
)
def test_gates_documented_example(tmp_path, cls, base, bonus, total, grade):
    rs = gates_rules(tmp_path)
    r = score(rs, cls, {("g.1", "s"): base, ("plus.1", "s"): bonus})
    assert (r.base, r.total, r.grade) == (base, total, grade)


def test_gate_notes_say_the_threshold_in_words(tmp_path, zh):
    rs = gates_rules(tmp_path)
    assert score(rs, "B", {("g.1", "s"): D(80), ("plus.1", "s"): D(3)}).notes == ["基础分 80 不高于 80,加分 3 不计"]
    assert score(rs, "A", {("g.1", "s"): D(85), ("plus.1", "s"): D(0)}).notes == ["基础分 85 不高于 85,等次为合格"]
    assert score(rs, "B", {("g.1", "s"): D(50), ("plus.1", "s"): D(0)}).notes == ["基础分 50 低于 60,等次为不合格"]


def test_older_gate_spellings_mean_at_least_and_below(tmp_path):
    old = DOCS["gates"].replace("    above: 80\n", "    min_base: 80\n").replace("below: 60", "base_below: 60")
    rs = load(tmp_path, old, "old").ruleset
    # min_base 80 is at least 80: 80 + 3 = 83
    assert score(rs, "B", {("g.1", "s"): D(80), ("plus.1", "s"): D(3)}).total == D(83)
    assert score(rs, "B", {("g.1", "s"): D("59.5"), ("plus.1", "s"): D(0)}).grade == "不合格"


GATE_FILE = """\
format: gkscore/1
id: g
title: 门槛
classes:
  A: {name: 甲类, max: 10}
gates:
  - {kind: bonus_requires_base, GATE}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 评定。
            max: 10
            fields:
              - {id: s, type: score, max: 10, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
"""


def test_a_gate_needs_exactly_one_threshold(tmp_path):
    assert problems(tmp_path, GATE_FILE.replace("GATE", "note: 无门槛")) == [(7, 5, "threshold")]
    assert problems(tmp_path, GATE_FILE.replace("GATE", "at_least: 6, above: 6")) == [(7, 53, "threshold")]
    # a bonus gate's threshold is at_least or above, never below
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, GATE_FILE.replace("GATE", "below: 6"))
    (p,) = err.value.problems
    assert ((p.line, p.col, p.code), p.message) == ((7, 40, "schema"), "the key 'below' does not belong here; check which keys this element takes in docs/rule-language.md, or delete it")


def test_gate_and_veto_classes_must_be_declared(tmp_path):
    assert problems(tmp_path, GATE_FILE.replace("GATE", "at_least: 6, classes: [A, Z]")) == [(7, 59, "unknown-class")]


# ------------------------------------------------------------ grade bands


@pytest.mark.parametrize(
    "total, grade",
    # above 90: 90 itself is 良好; at least 80: 80 is 良好, 79.99 合格; at least 60: 60 合格, 59.99 不合格
    [(D("90.01"), "优秀"), (D(90), "良好"), (D(80), "良好"), (D("79.99"), "合格"), (D(60), "合格"), (D("59.99"), "不合格")],
)
def test_grade_bands_documented_example(tmp_path, total, grade):
    rs = load(tmp_path, DOCS["grades"], "grades").ruleset
    assert score(rs, "A", {("g.1", "s"): total}).grade == grade


BANDS = """\
format: gkscore/1
id: b
title: 等次
classes:
  A: {name: 甲类, max: 10}
grades:
  bands:
BANDS
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 评定。
            max: 10
            fields:
              - {id: s, type: score, max: 10, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
"""


def bands(text: str) -> str:
    return BANDS.replace("BANDS", textwrap.indent(textwrap.dedent(text).strip("\n"), "    "))


def test_a_band_above_n_may_precede_a_band_at_least_n(tmp_path):
    rs = load(tmp_path, bands("- {grade: 好, above: 8}\n- {grade: 中, at_least: 8}\n- {grade: 差}")).ruleset
    assert [score(rs, "A", {("i", "s"): D(x)}).grade for x in ("8.5", "8", "7.5")] == ["好", "中", "差"]


def test_band_order_counts_strictness(tmp_path):
    # at least 8 then above 8: the second band could never be reached
    assert problems(tmp_path, bands("- {grade: 好, at_least: 8}\n- {grade: 中, above: 8}\n- {grade: 差}")) == [(9, 25, "grade-bands")]
    assert problems(tmp_path, bands("- {grade: 好, at_least: 8, above: 9}\n- {grade: 差}")) == [(8, 38, "threshold")]
    assert problems(tmp_path, bands("- {grade: 好, at_least: 8}\n- {grade: 差, above: 2}")) == [(9, 25, "grade-bands")]


# ---------------------------------------------------------------- vetoes


def test_a_veto_limited_to_classes_is_not_asked_of_the_others(tmp_path):
    rs = load(tmp_path, DOCS["veto-classes"], "veto").ruleset
    assert ("veto.site", "serious") in {s.key for s in expected_fields(rs, "web")}
    assert ("veto.site", "serious") not in {s.key for s in expected_fields(rs, "noweb")}
    # web, serious errors: vetoed -> 不合格 whatever the score (9 would be 合格)
    r = score(rs, "web", {("g.1", "s"): D(9), ("veto.site", "serious"): True})
    assert (r.total, r.grade, r.veto) == (D(9), "不合格", rs.vetoes[0].text)
    # noweb: no veto field, nothing missing, graded by the total (9 >= 6 -> 合格)
    r = score(rs, "noweb", {("g.1", "s"): D(9)})
    assert (r.total, r.grade, r.veto, r.complete) == (D(9), "合格", None, True)


# ------------------------------------------------------------------ notes


def test_every_element_can_carry_a_note_and_lint_lists_it(tmp_path):
    text = """\
    format: gkscore/1
    id: notes
    title: 说明
    note: 全文
    classes:
      A: {name: 甲类, max: 2, note: 类别}
    grades:
      note: 等次
      bands: [{grade: 好, at_least: 1, note: 档}, {grade: 差}]
    gates:
      - {kind: fail_below, below: 1, grade: 差, note: 门槛}
    vetoes:
      - id: v
        text: 否决
        note: 否决说明
        fields: [{id: x, type: bool, prompt: x, note: 否决字段}]
        when: {field: x}
        grade: 差
    sections:
      - id: s
        name: 基础
        note: 一级
        groups:
          - id: g
            name: 组
            note: 二级
            items:
              - id: i
                text: 做到得2分。
                max: 2
                note: 指标
                fields:
                  - {id: ok, type: bool, prompt: 是否做到, note: 字段}
                clauses:
                  - {kind: award, when: {field: ok}, points: 2, note: 条款}
    """
    lr = load(tmp_path, text)
    notes = [(w.line, w.message) for w in lr.warnings if w.code == "note"]
    assert notes == [
        (4, "全文"),
        (6, "A: 类别"),
        (8, "等次"),
        (9, "好: 档"),
        (11, "fail_below: 门槛"),
        (15, "v: 否决说明"),
        (16, "v.x: 否决字段"),
        (22, "基础: 一级"),
        (26, "组: 二级"),
        (31, "i: 指标"),
        (33, "i.ok: 字段"),
        (35, "i (ok = 是): 条款"),
    ]


# ------------------------------------------------------- formula workbook


def test_thresholds_classes_and_bands_in_the_formula_workbook(tmp_path):
    """Units on every boundary of the documented gates, bands and class-limited
    veto; LibreOffice's figures equal gkscore's."""
    from lo import recalc_many
    from test_formulas import disagreements, make_run

    from gkscore.render.xlsx_formulas import write_formula_workbook

    gates = load(tmp_path, DOCS["gates"], "gates")
    bases = ["59.5", "60", "80", "80.5", "85", "85.5", "90"]
    units = {f"门槛{cls}{b}-{x}": (cls, {("g.1", "s"): D(b), ("plus.1", "s"): D(x)}) for cls in "AB" for b in bases for x in ("0", "5")}
    grades = load(tmp_path, DOCS["grades"], "grades")
    graded = {f"等次{t}": ("A", {("g.1", "s"): D(t)}) for t in ("90.01", "90", "80", "79.99", "60", "59.99")}
    veto = load(tmp_path, DOCS["veto-classes"], "veto")
    vetoed = {"网站1": ("web", {("g.1", "s"): D(9), ("veto.site", "serious"): True}), "网站2": ("web", {("g.1", "s"): D(5), ("veto.site", "serious"): False}), "无网站": ("noweb", {("g.1", "s"): D(7)})}
    run = make_run([(gates, obs_set(gates.ruleset, units)), (grades, obs_set(grades.ruleset, graded)), (veto, obs_set(veto.ruleset, vetoed))])
    # the boundaries are really exercised: bonus dropped at 80, kept at 80.5; A forced to 合格 at 85
    by_unit = {r.unit: r for r in run.results}
    assert (by_unit["门槛A80-5"].total, by_unit["门槛A80.5-5"].total) == (D(80), D("85.5"))
    assert (by_unit["门槛A85-5"].grade, by_unit["门槛B85-5"].grade) == ("合格", "优秀")
    path = tmp_path / "thresholds.xlsx"
    write_formula_workbook(run, str(path))
    (recalculated,) = recalc_many([path], tmp_path / "out")
    assert disagreements(run, recalculated) == []
