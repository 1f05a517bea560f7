"""Credits and deductions as the tables write them: per occurrence with a
cap in either direction (award/deduct with each:), a share of the item's 分值
(share:), deductions in a penalty section (每次倒扣N分), bonus and penalty
sections without a cap, and conditions over arithmetic of fields (calc:).

Every scenario is scored against the hand computation written next to it;
the documented examples are scored as documented; the memo is checked
against units scored alone; the formula workbook is proved equal to gkscore
by LibreOffice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gkscore.problems import ProblemsError
from gkscore.rules.tree import rules_tree
from test_docs_examples import BLOCKS
from test_thresholds import load, obs_set, problems, score

D = Decimal
DOCS = dict(BLOCKS)


def item(result, item_id: str):
    (found,) = [i for i in result.items if i.id == item_id]
    return found


# -------------------------------------------------------- per occurrence


@pytest.mark.parametrize(
    "cases, expected, arithmetic",
    [
        (0, D(0), "+ 0 = 0"),  # nothing published
        (2, D(4), "2 × 2 = 4"),  # 2 × 2 = 4
        (3, D(6), "2 × 3 = 6"),  # 2 × 3 = 6, exactly the cap
        (4, D(6), "min(2 × 4, 6) = 6"),  # 2 × 4 = 8, capped at 6
    ],
)
def test_award_each_with_a_cap(tmp_path, cases, expected, arithmetic):
    rs = load(tmp_path, DOCS["award-each"]).ruleset
    it = item(score(rs, "A", {("g.1", "cases"): cases}), "g.1")
    assert (it.score, it.arithmetic()) == (expected, arithmetic.replace("+ 0", "0") if cases == 0 else arithmetic)


def test_award_each_says_what_was_missed(tmp_path, zh):
    rs = load(tmp_path, DOCS["award-each"]).ruleset
    it = item(score(rs, "A", {("g.1", "cases"): 1}), "g.1")
    # 2 × 1 = 2 of the clause's most, its cap 6
    assert it.reasons == ["得 2 × 1 = 2 分 (满分 6): 每发布1篇典型案例得2分,最高不超过6分。"]
    assert not [w for w in load(tmp_path, DOCS["award-each"], "again").warnings if w.code == "clause-sum"]


@pytest.mark.parametrize(
    "cls, found, status, found_score, fix_score",
    [
        # 5 found: min(0.5 × 5, 2) = 2 off, 2.5 - 2 = 0.5; 整改不到位: 60% of 5 = 3 off -> 2
        ("A", 5, "整改不到位", D("0.5"), D(2)),
        # B: 60% of 2.5 = 1.5 off -> 1; 2 found: 0.5 × 2 = 1 off -> 1.5
        ("B", 2, "整改不到位", D("1.5"), D(1)),
        # 未整改: share 1, the whole 分值 -> 0; nothing found -> 2.5
        ("A", 0, "未整改", D("2.5"), D(0)),
        ("B", 0, "已整改", D("2.5"), D("2.5")),
    ],
)
def test_deduct_each_and_share_documented_example(tmp_path, cls, found, status, found_score, fix_score):
    rs = load(tmp_path, DOCS["deduct-share"]).ruleset
    r = score(rs, cls, {("g.found", "found"): found, ("g.fix", "status"): status})
    assert (item(r, "g.found").score, item(r, "g.fix").score) == (found_score, fix_score)


def test_a_share_is_exact_and_rounded_once_with_the_item(tmp_path, zh):
    """60% of 3.33 is 1.998: the item 3.33 - 1.998 = 1.332 is rounded once to 1.33."""
    text = DOCS["deduct-share"].replace("max: {A: 5, B: 2.5}", "max: {A: 3.33, B: 2.5}").replace("max: 7.5}", "max: 5.83}")
    rs = load(tmp_path, text).ruleset
    it = item(score(rs, "A", {("g.found", "found"): 0, ("g.fix", "status"): "整改不到位"}), "g.fix")
    assert (it.raw, it.score) == (D("1.332"), D("1.33"))
    assert it.reasons == ["扣 1.998 = 1.998 分: 未整改的,扣除该项全部分值;整改不到位的,仍扣该项分值的60%。 (整改情况 = 整改不到位)"]


def test_deduct_each_is_deduct_with_each(tmp_path):
    """The older deduct_each and deduct with each: score alike."""
    older = DOCS["deduct-share"].replace("{kind: deduct, each: found, points: 0.5, cap: 2}", "{kind: deduct_each, field: found, per: 0.5, cap: 2}")
    a, b = load(tmp_path, DOCS["deduct-share"]).ruleset, load(tmp_path, older, "older").ruleset
    for n in range(7):
        values = {("g.found", "found"): n, ("g.fix", "status"): "已整改"}
        x, y = item(score(a, "A", values), "g.found"), item(score(b, "A", values), "g.found")
        assert (x.score, x.arithmetic(), x.reasons) == (y.score, y.arithmetic(), y.reasons)


# ------------------------------------------------------- penalty sections


@pytest.mark.parametrize(
    "exposed, incidents, penalty",
    [
        (False, 0, D(0)),  # nothing happened: nothing taken off
        (False, 1, D(1)),  # one incident: 1 × 1
        (True, 0, D(2)),  # exposed: 2
        (True, 3, D(2)),  # 2 + min(1 × 3, item max 2) = 4, the section's cap 2
    ],
)
def test_deductions_in_a_penalty_section_take_off_what_they_say(tmp_path, exposed, incidents, penalty):
    rs = load(tmp_path, DOCS["bonus-penalty"]).ruleset
    values = {("base.1", "s"): D(10), ("jfx.cx.1", "featured"): False, ("jfx.cx.2", "topic"): D(0), ("kfx.mt.1", "exposed"): exposed, ("kfx.mt.2", "incidents"): incidents}
    r = score(rs, "A", values)
    assert (r.penalty, r.total) == (penalty, D(10) - penalty)


def test_a_penalty_item_shows_what_it_took_off(tmp_path, zh):
    rs = load(tmp_path, DOCS["bonus-penalty-uncapped"]).ruleset
    r = score(rs, "A", {("base.1", "s"): D(90), ("jfx.1", "promoted"): 0, ("jfx.2", "honoured"): False, ("kfx.1", "times"): 3})
    it = item(r, "kfx.1")
    # 5 × 3 = 15 taken off, at most the item's 10
    assert (it.score, it.arithmetic(), it.reasons) == (D(10), "5 × 3 = 15 → 10 (不超过分值)", ["扣 10 分: 被国务院办公厅通报的,每次倒扣5分(本项最多扣10分)。"])
    assert (r.penalty, r.total) == (D(10), D(80))


@pytest.mark.parametrize(
    "promoted, honoured, times, bonus, penalty, total",
    [
        # the documented case: 90 + (min(2 × 4, 6) + 3) - 5 × 1 = 94; no section cap
        (4, True, 1, D(9), D(5), D(94)),
        (1, False, 0, D(2), D(0), D(92)),
        # 2 × 3 = 6 + 3 = 9 bonus; 5 × 2 = 10 off
        (3, True, 2, D(9), D(10), D(89)),
    ],
)
def test_bonus_and_penalty_without_caps_documented_example(tmp_path, promoted, honoured, times, bonus, penalty, total):
    rs = load(tmp_path, DOCS["bonus-penalty-uncapped"]).ruleset
    r = score(rs, "A", {("base.1", "s"): D(90), ("jfx.1", "promoted"): promoted, ("jfx.2", "honoured"): honoured, ("kfx.1", "times"): times})
    assert (r.bonus, r.penalty, r.total) == (bonus, penalty, total)
    assert not r.notes  # nothing was capped


def test_rules_json_counts_an_uncapped_section_by_its_items(tmp_path):
    tree = rules_tree(load(tmp_path, DOCS["bonus-penalty-uncapped"]).ruleset)
    # bonus: 6 + 3; penalty: 10
    assert (tree["bonus_max"], tree["penalty_max"]) == ({"A": 9}, {"A": 10})


# ------------------------------------------------------------------ checks

EACH = """\
format: gkscore/1
id: e
title: 按次
classes:
  A: {name: 甲类, max: 6}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 每项得2分,最高6分。
            max: 6
            fields:
              - {id: n, type: count, prompt: 项数}
              - {id: ok, type: bool, prompt: 是否做到}
            clauses:
              - CLAUSE
"""


@pytest.mark.parametrize(
    "clause, expected",
    [
        ("{kind: award, each: n, when: {field: ok}, points: 2}", [(20, 17, "clause-keys")]),
        ("{kind: award, points: 2}", [(20, 17, "clause-keys")]),
        ("{kind: award, each: n, points: 2, share: 0.5}", [(20, 17, "clause-keys")]),
        ("{kind: award, when: {field: ok}, share: 1.5}", [(20, 57, "share")]),
        ("{kind: award, when: {field: ok}, points: 2, cap: 6}", [(20, 66, "clause-keys")]),
        ("{kind: award, each: ok, points: 2}", [(20, 37, "field-type")]),
        ("{kind: deduct, each: nn, points: 2}", [(20, 38, "unknown-field")]),
    ],
)
def test_award_and_deduct_keys_are_checked(tmp_path, clause, expected):
    assert problems(tmp_path, EACH.replace("CLAUSE", clause)) == expected


# -------------------------------------------------------------------- calc


def calc_values(failed=0, checked=20, typos=0, broken=0, blank=0, due=dt.date(2022, 1, 31), published=dt.date(2022, 1, 31)) -> dict:
    return {
        ("g.access", "failed"): failed,
        ("g.access", "checked"): checked,
        ("g.errors", "typos"): typos,
        ("g.errors", "broken"): broken,
        ("g.errors", "blank"): blank,
        ("g.report", "due"): due,
        ("g.report", "published"): published,
    }


@pytest.mark.parametrize(
    "change, total",
    [
        ({}, D(6)),
        ({"failed": 1}, D(6)),  # 1 / 20 = 5%: not above 5%
        ({"failed": 2}, D(3)),  # 2 / 20 = 10%: 3 off
        ({"failed": 1, "checked": 19}, D(3)),  # 1 / 19 = 0.0526...: 3 off
        ({"failed": 0, "checked": 0}, D(6)),  # 0 / 0 has no value: not above 5%
        ({"typos": 2, "broken": 2, "blank": 1}, D(6)),  # 5 in all: not above 5
        ({"typos": 2, "broken": 2, "blank": 2}, D(4)),  # 6: 2 off
        ({"published": dt.date(2022, 2, 10)}, D(6)),  # 10 days late: not above 10
        ({"published": dt.date(2022, 2, 11)}, D(5)),  # 11 days late: 1 off
        ({"published": dt.date(2021, 12, 1)}, D(6)),  # 61 days early: -61
    ],
)
def test_calc_documented_example(tmp_path, change, total):
    rs = load(tmp_path, DOCS["calc"]).ruleset
    assert score(rs, "A", calc_values(**change)).total == total


def test_calc_reasons_say_the_arithmetic(tmp_path, zh):
    rs = load(tmp_path, DOCS["calc"]).ruleset
    it = item(score(rs, "A", calc_values(failed=2)), "g.access")
    assert it.reasons == ["扣 3 = 3 分: 监测期内无法访问的次数占比超过5%的,扣3分。"]
    assert rs.sections[0].groups[0].items[0].clauses[0].when.describe() == "failed / checked > 0.05"


def test_a_blank_field_in_calc_leaves_the_item_incomplete(tmp_path):
    rs = load(tmp_path, DOCS["calc"]).ruleset
    values = calc_values()
    del values[("g.access", "checked")]
    r = score(rs, "A", values)
    assert (item(r, "g.access").complete, item(r, "g.access").score, r.complete) == (False, D(0), False)


def test_calc_rounds_a_quotient_to_ten_places(tmp_path):
    """1/3 is 0.3333333333 at 10 places: at least 0.3333333333, not above it."""
    text = DOCS["calc"].replace("{calc: failed / checked, above: 0.05}", "{calc: failed / checked, at_least: 0.3333333333}")
    rs = load(tmp_path, text).ruleset
    assert score(rs, "A", calc_values(failed=1, checked=3)).total == D(3)
    rs = load(tmp_path, text.replace("at_least: 0.3333333333", "above: 0.3333333333"), "above").ruleset
    assert score(rs, "A", calc_values(failed=1, checked=3)).total == D(6)


CALC = DOCS["calc"]


@pytest.mark.parametrize(
    "expression, expected, message",
    [
        ("failed / (checked", (20, 63, "bad-expression"), "a ) is missing here"),
        ("failed / checked)", (20, 62, "bad-expression"), "this ) closes nothing; delete it or add its ("),
        ("failed checked", (20, 53, "bad-expression"), "an operator (+ - * /) is missing here"),
        ("failed / ", (20, 55, "bad-expression"), "the expression ends too early; a number, a field id or ( is missing at the end"),
        ("failed % checked", (20, 53, "bad-expression"), "this character cannot be read here; an expression has numbers, field ids, + - * / and parentheses"),
        ("failed / chekced", (20, 55, "unknown-field"), "the field 'chekced' is not declared here (declared: failed, checked); correct the name, or declare it under fields"),
        ("failed-checked", (20, 46, "unknown-field"), "the field 'failed-checked' is not declared here (declared: failed, checked); correct the name, or declare it under fields; write spaces around - to subtract (a - b)"),
    ],
)
def test_calc_mistakes_are_reported_at_the_character(tmp_path, expression, expected, message):
    text = CALC.replace("{calc: failed / checked, above: 0.05}", f"{{calc: '{expression}', above: 0.05}}")
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, text)
    (p,) = err.value.problems
    assert ((p.line, p.col, p.code), p.message) == (expected, message)


@pytest.mark.parametrize(
    "when, message",
    [
        ("{calc: published + due, above: 10}", "dates can only be subtracted from each other (the days between them); + cannot be used with a date here"),
        ("{calc: published * 2, above: 10}", "dates can only be subtracted from each other (the days between them); * cannot be used with a date here"),
        ("{calc: published - 1, above: 10}", "dates can only be subtracted from each other (the days between them); - cannot be used with a date here"),
        ("{calc: published, above: 10}", "the value of this expression is a date; compare a date field with a field test ({field: x, at_most: 2021-03-31}), or subtract two dates to count days"),
        ("{calc: published - due}", "give one comparison of the value, e.g. above: 0.05 (or at_least, below, at_most, eq, ne)"),
    ],
)
def test_calc_types_are_checked(tmp_path, when, message):
    text = CALC.replace("{calc: published - due, above: 10}", when)
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, text)
    assert [p.message for p in err.value.problems] == [message]


def test_calc_refuses_a_yes_no_field(tmp_path):
    text = CALC.replace("{id: checked, type: count", "{id: checked, type: bool")
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, text)
    assert [(p.code, p.message) for p in err.value.problems] == [("bad-expression", "the field 'checked' is not a number (count, number, score) or a date, so it cannot be computed with")]


# ------------------------------------------------------------------ memo

MEMO = """\
format: gkscore/1
id: memo
title: 记忆
classes:
  A: {name: 甲类, max: 6}
  B: {name: 乙类, max: 4}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 监测不少于10次得2分;无法访问占比超过10%扣该项分值的50%;每个错误扣1分,最多扣3分。
            max: {A: 6, B: 4}
            start: zero
            fields:
              - {id: failed, type: count, prompt: 无法访问次数}
              - {id: checked, type: count, prompt: 监测次数}
              - {id: errors, type: count, prompt: 错误数}
            clauses:
              - {kind: award, when: {field: checked, at_least: 10}, share: 1}
              - {kind: deduct, when: {calc: failed / checked, above: 0.1}, share: 0.5}
              - {kind: award, each: errors, points: {A: 1, B: 0.5}, cap: 3}
  - id: pen
    name: 扣分项
    kind: penalty
    groups:
      - id: pen.g
        name: 通报
        items:
          - id: p
            text: 每次通报倒扣1.5分。
            max: 4.5
            fields:
              - {id: n, type: count, prompt: 通报次数}
            clauses:
              - {kind: deduct, each: n, points: 1.5}
"""


def test_the_memo_keeps_values_used_in_arithmetic_whole(tmp_path):
    """checked is read by a threshold (>= 10) and by a quotient: units equal
    by the threshold but not by the quotient must not share a result."""
    from test_memoised_scoring import compare, obs_of

    rs = load(tmp_path, MEMO).ruleset
    units = [(f"单位{i:02d}", "AB"[i % 2], {("i", "failed"): i % 4, ("i", "checked"): 10 + i % 5, ("i", "errors"): i % 6, ("p", "n"): i % 4}) for i in range(40)]
    compare(rs, obs_of(rs, units, partial=False))


def test_the_memo_keeps_values_used_in_arithmetic_whole_hand(tmp_path):
    rs = load(tmp_path, MEMO).ruleset
    # A, 12 checks, 3 failures (25% > 10%): 6 - 3 + min(1 × 2, 3) = 5
    assert item(score(rs, "A", {("i", "failed"): 3, ("i", "checked"): 12, ("i", "errors"): 2, ("p", "n"): 0}), "i").score == D(5)
    # A, 12 checks, 1 failure (8.3%): 6 + 2 = 8 -> capped at 6
    assert item(score(rs, "A", {("i", "failed"): 1, ("i", "checked"): 12, ("i", "errors"): 2, ("p", "n"): 0}), "i").score == D(6)
    # B, 9 checks: no 2 points; 1/9 = 11.1% > 10%: -2; 0.5 × 5 = 2.5 -> 0 - 2 + 2.5 = 0.5
    r = score(rs, "B", {("i", "failed"): 1, ("i", "checked"): 9, ("i", "errors"): 5, ("p", "n"): 3})
    assert (item(r, "i").score, r.penalty) == (D("0.5"), D("4.5"))


# ------------------------------------------------------- formula workbook


def test_credits_deductions_and_calc_in_the_formula_workbook(tmp_path):
    """Every documented example of this file and the memo rules, on random
    values biased to their thresholds and on the boundaries; LibreOffice's
    figures equal gkscore's."""
    from lo import recalc_many
    from test_formulas import disagreements, make_run, random_set

    from gkscore.render.xlsx_formulas import write_formula_workbook

    pairs = []
    for i, title in enumerate(("award-each", "deduct-share", "bonus-penalty", "bonus-penalty-uncapped", "bonus-penalty-no-max")):
        lr = load(tmp_path, DOCS[title], f"doc{i}")
        classes = list(lr.ruleset.classes)
        pairs.append((lr, random_set(lr, {f"{title}{u:02d}": classes[u % len(classes)] for u in range(16)}, seed=i)))
    calc = load(tmp_path, DOCS["calc"], "calc")
    cases = [calc_values(), calc_values(failed=1), calc_values(failed=2), calc_values(failed=1, checked=19), calc_values(failed=0, checked=0), calc_values(failed=3, checked=0),
             calc_values(typos=2, broken=2, blank=1), calc_values(typos=3, broken=2, blank=1), calc_values(published=dt.date(2022, 2, 10)), calc_values(published=dt.date(2022, 2, 11))]
    pairs.append((calc, obs_set(calc.ruleset, {f"计算{i:02d}": ("A", v) for i, v in enumerate(cases)})))
    memo = load(tmp_path, MEMO, "memo")
    pairs.append((memo, obs_set(memo.ruleset, {f"记忆{i:02d}": ("AB"[i % 2], {("i", "failed"): i % 4, ("i", "checked"): 9 + i % 5, ("i", "errors"): i % 7, ("p", "n"): i % 5}) for i in range(30)})))
    run = make_run(pairs)
    assert {r.total for r in run.results if r.unit.startswith("计算")} == {D(6), D(5), D(4), D(3)}
    path = tmp_path / "credits.xlsx"
    write_formula_workbook(run, str(path))
    (recalculated,) = recalc_many([path], tmp_path / "out")
    assert disagreements(run, recalculated) == []


# ------------------------------------------------------ in words, as found


def test_rules_diff_words_for_each_share_and_calc(tmp_path):
    from gkscore import i18n
    from gkscore.rules.words import clause_words

    each = load(tmp_path, DOCS["award-each"]).ruleset.sections[0].groups[0].items[0].clauses[0]
    share = load(tmp_path, DOCS["deduct-share"], "share").ruleset.sections[0].groups[0].items
    calc = load(tmp_path, DOCS["calc"], "calc").ruleset.sections[0].groups[0].items[0].clauses[0]
    with i18n.using("zh"):
        assert clause_words(each) == "按cases每个得2分、最多得6分"
        # deduct with each reads as deduct_each did
        assert clause_words(share[0].clauses[0]) == "按found每个扣0.5分、最多扣2分"
        assert clause_words(share[1].clauses[1]) == "status等于整改不到位时扣该项分值的60%"
        assert clause_words(calc) == "failed / checked超过0.05时扣3分"


def test_documents_say_what_was_found(tmp_path):
    from gkscore.documents.found import Describer

    rs = load(tmp_path, DOCS["calc"]).ruleset
    r = score(rs, "A", calc_values(failed=2, typos=3, broken=2, blank=2, published=dt.date(2022, 2, 15)))
    describe = Describer(rs)
    assert [describe(i) for i in r.items] == [
        "无法访问 2次 / 共监测 20次 = 0.1，高于 0.05，扣 3 分",
        "错别字 3个 + 错链 2个 + 空白栏目 2个 = 7，高于 5，扣 2 分",
        "年度报告实际发布日期 2022年2月15日 - 年度报告应发布日期 2022年1月31日 = 15，高于 10，扣 1 分",
    ]
    rs = load(tmp_path, DOCS["bonus-penalty-uncapped"], "pen").ruleset
    r = score(rs, "A", {("base.1", "s"): D(90), ("jfx.1", "promoted"): 1, ("jfx.2", "honoured"): False, ("kfx.1", "times"): 2})
    # a penalty item's deduction, counted up from 0
    assert Describer(rs)(item(r, "kfx.1")) == "被国务院办公厅通报 2 次 × 5 分 = 10 分"


# ------------------------------------------------ items without a 分值 of their own


@pytest.mark.parametrize(
    "s, promoted, times, bonus, penalty, total",
    [
        # the documented case: 80 + min(1 × 7, cap 5) - 5 × 3 = 70
        (80, 7, 3, D(5), D(15), D(70)),
        # 95 + 2 - 0 = 97
        (95, 2, 0, D(2), D(0), D(97)),
        # nothing bounds the penalty item: 5 × 25 = 125 off, the total below 0
        (80, 0, 25, D(0), D(125), D(-45)),
    ],
)
def test_items_without_a_max_of_their_own_documented_example(tmp_path, s, promoted, times, bonus, penalty, total):
    rs = load(tmp_path, DOCS["bonus-penalty-no-max"]).ruleset
    r = score(rs, "A", {("base.1", "s"): D(s), ("jfx.1", "promoted"): promoted, ("kfx.1", "times"): times})
    assert (r.bonus, r.penalty, r.total) == (bonus, penalty, total)
    pen = item(r, "kfx.1")
    assert (pen.max, pen.lost, pen.score) == (None, None, penalty)


def test_an_item_without_a_max_is_explained_without_a_limit(tmp_path, zh):
    rs = load(tmp_path, DOCS["bonus-penalty-no-max"]).ruleset
    r = score(rs, "A", {("base.1", "s"): D(80), ("jfx.1", "promoted"): 0, ("kfx.1", "times"): 25})
    it = item(r, "kfx.1")
    assert (it.arithmetic(), it.reasons) == ("5 × 25 = 125", ["扣 125 分: 被国务院办公厅通报的,每次倒扣5分。"])


def test_rules_json_says_an_item_has_no_max_of_its_own(tmp_path):
    tree = rules_tree(load(tmp_path, DOCS["bonus-penalty-no-max"]).ruleset)
    assert [i["max"] for i in tree["items"]] == [{"A": 100}, None, None]
    # the bonus section's cap bounds it; the penalty section has none
    assert (tree["bonus_max"], tree["penalty_max"]) == ({"A": 5}, {"A": None})


def test_the_rules_table_shows_no_limit(tmp_path):
    from conftest import run_cli

    path = tmp_path / "r.yaml"
    path.write_text(DOCS["bonus-penalty-no-max"], encoding="utf-8")
    result = run_cli("rules", str(path), "--lang", "zh")
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 3}
    assert (result.exit_code, rows["kfx.1"].split("│")[4].strip(), rows["jfx.1"].split("│")[4].strip()) == (0, "不限", "不限")


NO_MAX_REFUSED = [
    # a base item has a 分值 that counts in the class total
    ("            max: 100\n            fields:\n              - {id: s", "            fields:\n              - {id: s", "max-required"),
    # nothing may lean on the 分值 the item lacks
    ("              - {kind: award, each: promoted, points: 1}",
     "              - {kind: award, each: promoted, points: 1}\n              - {kind: deduct, when: {field: late}, share: 0.5}", "no-max"),
    ("            text: 工作经验被上级推广的,每项加1分。\n", "            text: 工作经验被上级推广的,每项加1分。\n            start: max\n", "no-max"),
    ("        name: 推广\n", "        name: 推广\n        max_lost: 2\n", "no-max"),
    # deductions only start from the 分值 by default: there is none to start from
    ("              - {kind: award, each: promoted, points: 1}", "              - {kind: deduct, each: promoted, points: 1}", "no-max"),
]


@pytest.mark.parametrize("old, new, code", NO_MAX_REFUSED)
def test_what_leans_on_a_missing_max_is_refused(tmp_path, old, new, code):
    text = DOCS["bonus-penalty-no-max"]
    assert old in text
    late = "              - {id: promoted, type: count, prompt: 工作经验被上级推广多少项？}"
    text = text.replace(old, new, 1).replace(late, late + "\n              - {id: late, type: bool, prompt: 是否迟报？}")
    assert code in [code for _line, _col, code in problems(tmp_path, text)]


def test_an_item_without_a_max_floors_at_zero_and_says_so(tmp_path, zh):
    """A bonus item without a 分值 that credits and deducts, counted from 0:
    1 × 1 - 2 × 2 = -3 is kept at 0, and the reason names no 分值 it lacks."""
    late = "              - {id: promoted, type: count, prompt: 工作经验被上级推广多少项？}"
    text = DOCS["bonus-penalty-no-max"].replace(late, late + "\n              - {id: late, type: count, prompt: 迟报多少次？}").replace(
        "              - {kind: award, each: promoted, points: 1}",
        "              - {kind: award, each: promoted, points: 1}\n              - {kind: deduct, each: late, points: 2}",
    ).replace("            text: 工作经验被上级推广的,每项加1分。\n", "            text: 工作经验被上级推广的,每项加1分。\n            start: zero\n")
    rs = load(tmp_path, text).ruleset
    r = score(rs, "A", {("base.1", "s"): D(80), ("jfx.1", "promoted"): 1, ("jfx.1", "late"): 2, ("kfx.1", "times"): 0})
    it = item(r, "jfx.1")
    assert (it.score, it.max, r.bonus, r.total) == (D(0), None, D(0), D(80))
    assert it.reasons[-1] == "扣分合计超过所得分,该项计 0 分"
