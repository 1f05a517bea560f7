"""The points of items that do not apply to a unit, as the rule file's
na_policy says: a spread over the other items (evenly or pro rata, each
deduction keeping its size, the rounding's remainder on the first or last
item) and normalisation by the unit's applicable total (rounded once), beside
rescale and redistribute.  Scenarios are computed by hand next to them; the
formula workbook is proved equal to gkscore by LibreOffice.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from gkscore.problems import ProblemsError
from test_docs_examples import BLOCKS
from test_thresholds import load, obs_set, score

D = Decimal
SPREAD = dict(BLOCKS)["na-spread"]


def values(info=0, talk=0, service=0, design=0, serves=False) -> dict:
    out = {("unit", "serves"): serves, ("info", "n"): info, ("talk", "n"): talk, ("design", "n"): design}
    if serves:
        out[("service", "n")] = service
    return out


def by_id(result) -> dict:
    return {i.id: (i.max, i.score) for i in result.items}


# ------------------------------------------------------------------ spread


def test_spread_evenly_the_documented_unit(tmp_path, zh):
    rs = load(tmp_path, SPREAD).ruleset
    r = score(rs, "A", values(info=5, talk=3))
    # 20 / 3 = 6.666... -> 6.67, 6.67 and the last 20 - 13.34 = 6.66
    assert by_id(r) == {"info": (D("36.67"), D("31.67")), "talk": (D("26.67"), D("23.67")), "design": (D("36.66"), D("36.66"))}
    # 31.67 + 23.67 + 36.66 = 92
    assert (r.base, r.total) == (D(92), D(92))
    assert sum(m for m, _s in by_id(r).values()) == D(100)
    assert r.notes == ["检查指标第3项: 不适用 (是否有对外服务职能 = 是 不成立)", "不适用指标 20 分平均计入其余指标,扣分不变"]


def test_spread_keeps_each_deduction_and_raises_the_floor(tmp_path, zh):
    rs = load(tmp_path, SPREAD).ruleset
    r = score(rs, "A", values(info=40, talk=25))
    # info: 36.67 - 40 -> 0; talk: 26.67 - 25 = 1.67 (it would have been 0 of 20)
    assert by_id(r)["info"] == (D("36.67"), D(0))
    assert by_id(r)["talk"] == (D("26.67"), D("1.67"))
    it = next(i for i in r.items if i.id == "talk")
    assert (it.arithmetic(), it.lost) == ("26.67 - 1 × 25 = 1.67", D(25))
    # no longer 扣完为止 at the new 分值; info is, at its new 分值
    assert it.reasons == ["扣 1 × 25 = 25 分: 互动交流,每发现1处问题扣1分。"]
    assert next(i for i in r.items if i.id == "info").reasons[-1] == "扣分合计超过分值 36.67,扣完为止"


def test_nothing_is_spread_when_everything_applies(tmp_path):
    rs = load(tmp_path, SPREAD).ruleset
    r = score(rs, "A", values(info=5, talk=3, service=1, design=0, serves=True))
    # 25 + 17 + 18 + 30
    assert (by_id(r)["service"], r.total, r.notes) == ((D(20), D(18)), D(90), [])


@pytest.mark.parametrize(
    "policy, maxima",
    [
        # pro rata: 20 × 30/80 = 7.5, 20 × 20/80 = 5, 20 × 30/80 = 7.5, exact
        ("{kind: spread, share: pro_rata, remainder: last}", {"info": D("37.5"), "talk": D(25), "design": D("37.5")}),
        # evenly, the remainder first: 20 - 2 × 6.67 = 6.66 on info
        ("{kind: spread, share: even, remainder: first}", {"info": D("36.66"), "talk": D("26.67"), "design": D("36.67")}),
    ],
)
def test_spread_pro_rata_and_remainder_first(tmp_path, policy, maxima):
    rs = load(tmp_path, SPREAD.replace("{kind: spread, share: even, remainder: last}", policy)).ruleset
    r = score(rs, "A", values())
    assert {k: m for k, (m, _s) in by_id(r).items()} == maxima
    assert r.total == D(100)


def test_spread_pro_rata_rounds_and_keeps_the_total(tmp_path):
    """30 points of three items of 30, 30 and 10 spread over 70 points: 30 × 30/70 =
    12.857142... -> 12.86 twice, 30 × 10/70 = 4.285714... -> 4.29; the last item
    takes 30 - 30.01 = -0.01 more: 4.28; the maxima add up to 100."""
    text = """\
    format: gkscore/1
    id: pr
    title: 按比例
    classes:
      A: {name: 甲, max: 100}
    na_policy: {kind: spread, share: pro_rata, remainder: last}
    sections:
      - id: s
        name: 基础
        groups:
          - id: g
            name: 组
            items:
              - {id: a, text: a, max: 30, fields: [{id: n, type: count, prompt: n}], clauses: [{kind: deduct, each: n, points: 1}]}
              - {id: b, text: b, max: 30, fields: [{id: n, type: count, prompt: n}], clauses: [{kind: deduct, each: n, points: 1}]}
              - id: x
                text: x
                max: 30
                applies_if: {field: has}
                fields: [{id: has, type: bool, prompt: has}, {id: n, type: count, prompt: n}]
                clauses: [{kind: deduct, each: n, points: 1}]
              - {id: c, text: c, max: 10, fields: [{id: n, type: count, prompt: n}], clauses: [{kind: deduct, each: n, points: 1}]}
    """
    rs = load(tmp_path, text).ruleset
    r = score(rs, "A", {("a", "n"): 0, ("b", "n"): 1, ("x", "has"): False, ("c", "n"): 5})
    assert {k: m for k, (m, _s) in by_id(r).items()} == {"a": D("42.86"), "b": D("42.86"), "c": D("14.28")}
    # 42.86 + 41.86 + 9.28
    assert r.total == D("94.00")


def test_a_voided_group_scores_zero_with_its_new_maxima(tmp_path):
    text = SPREAD.replace("""        name: 检查指标
        items:""", """        name: 检查指标
        fields: [{id: fake, type: bool, prompt: 是否弄虚作假}]
        void_if: {field: fake}
        void_text: 弄虚作假的,本组不得分
        items:""")
    rs = load(tmp_path, text).ruleset
    v = values(info=5)
    v[("g", "fake")] = True
    r = score(rs, "A", v)
    assert by_id(r) == {"info": (D("36.67"), D(0)), "talk": (D("26.67"), D(0)), "design": (D("36.66"), D(0))}


# --------------------------------------------------------------- normalize

NORMALIZE = SPREAD.replace("na_policy: {kind: spread, share: even, remainder: last}", "na_policy: normalize")


def test_normalize_the_documented_unit(tmp_path, zh):
    rs = load(tmp_path, NORMALIZE).ruleset
    r = score(rs, "A", values(info=5, talk=3))
    # (25 + 17 + 30) / 80 × 100 = 90; the subtotal is shown as scored
    assert (r.sections, r.base, r.total) == ({"政府网站": D(72)}, D(90), D(90))
    assert r.notes[-1] == "不适用指标 20 分,按适用指标总分 80 折算: 72 ÷ 80 × 100 = 90"


def test_normalize_rounds_once(tmp_path):
    rs = load(tmp_path, NORMALIZE).ruleset
    # 71 / 80 × 100 = 88.75; 29 + 20 + 22 = 71
    assert score(rs, "A", values(info=1, design=8)).base == D("88.75")
    # every applicable item full: exactly 100
    assert score(rs, "A", values()).total == D(100)


THREE = """\
format: gkscore/1
id: three
title: 三个一级指标
classes:
  A: {name: 甲, max: 100}
na_policy: POLICY
sections:
  - id: s1
    name: 一
    groups:
      - id: g1
        name: 一
        items:
          - {id: a, text: a, max: 20, fields: [{id: s, type: score, max: 20, step: 0.5, prompt: s}], clauses: [{kind: judged, field: s}]}
          - id: x
            text: x
            max: 10
            applies_if: {field: has}
            fields: [{id: has, type: bool, prompt: has}, {id: s, type: score, max: 10, step: 0.5, prompt: s}]
            clauses: [{kind: judged, field: s}]
  - id: s2
    name: 二
    groups:
      - id: g2
        name: 二
        items:
          - {id: b, text: b, max: 30, fields: [{id: s, type: score, max: 30, step: 0.5, prompt: s}], clauses: [{kind: judged, field: s}]}
  - id: s3
    name: 三
    groups:
      - id: g3
        name: 三
        items:
          - {id: c, text: c, max: 40, fields: [{id: s, type: score, max: 40, step: 0.5, prompt: s}], clauses: [{kind: judged, field: s}]}
"""


def test_normalize_is_exactly_the_total_where_rescaling_each_section_is_not(tmp_path):
    full = {("a", "s"): D(20), ("x", "has"): False, ("b", "s"): D(30), ("c", "s"): D(40)}
    # rescale: 20 × 100/90 = 22.22, 30 × 100/90 = 33.33, 40 × 100/90 = 44.44 -> 99.99
    assert score(load(tmp_path, THREE.replace("POLICY", "rescale")).ruleset, "A", full).total == D("99.99")
    # normalize: 90 / 90 × 100 = 100
    assert score(load(tmp_path, THREE.replace("POLICY", "normalize"), "n").ruleset, "A", full).total == D(100)


def test_normalize_is_refused_with_weighted_sections(tmp_path):
    text = THREE.replace("POLICY", "normalize").replace("na_policy: normalize", "na_policy: normalize\ncomposition: weighted")
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, text)
    assert ("na-policy", 6) in [(p.code, p.line) for p in err.value.problems]


def test_a_spread_policy_is_checked(tmp_path):
    with pytest.raises(ProblemsError) as err:
        load(tmp_path, SPREAD.replace("remainder: last}", "remainder: middle}"))
    (p,) = err.value.problems
    assert ((p.line, p.col, p.code), p.message) == ((6, 51, "schema"), "'middle' is not allowed here; use one of: first, last (at na_policy.remainder)")


# ------------------------------------------------------- formula workbook


def test_spread_and_normalize_in_the_formula_workbook(tmp_path):
    """Random units (with blanks in a --partial run too) and the documented
    ones under each spread and normalize; LibreOffice's figures equal gkscore's."""
    from lo import recalc_many
    from test_formulas import disagreements, make_run, random_set

    from gkscore.render.xlsx_formulas import write_formula_workbook

    policies = {
        "even-last": "{kind: spread, share: even, remainder: last}",
        "even-first": "{kind: spread, share: even, remainder: first}",
        "prorata-last": "{kind: spread, share: pro_rata, remainder: last}",
        "normalize": "normalize",
    }
    paths, runs = [], []
    for name, policy in policies.items():
        text = SPREAD.replace("{kind: spread, share: even, remainder: last}", policy).replace("na-spread-demo", f"na-{name}")
        lr = load(tmp_path, text, name)
        units = {f"单位{i:02d}": "A" for i in range(24)}
        doc = load(tmp_path, text.replace(f"na-{name}", f"na-{name}-doc"), f"{name}-doc")
        documented = obs_set(doc.ruleset, {"文档": ("A", values(info=5, talk=3)), "扣完": ("A", values(info=40, talk=25))})
        for partial in (False, True):
            run = make_run([(lr, random_set(lr, units, seed=len(paths), missing=0.08 if partial else 0.0)), (doc, documented)])
            path = tmp_path / f"{name}-{partial}.xlsx"
            write_formula_workbook(run, str(path))
            paths.append(path)
            runs.append(run)
    # the documented unit scored as documented in every workbook
    assert {next(r.total for r in run.results if r.unit == "文档") for run in runs} == {D(92), D(90)}
    for run, recalculated in zip(runs, recalc_many(paths, tmp_path / "out")):
        assert disagreements(run, recalculated) == []


# ------------------------------------------------------------- rules json


def test_rules_json_says_the_policy_the_gates_and_the_bands(tmp_path):
    from gkscore.rules.tree import rules_tree

    assert rules_tree(load(tmp_path, SPREAD).ruleset)["na_policy"] == {"kind": "spread", "share": "even", "remainder": "last"}
    assert rules_tree(load(tmp_path, NORMALIZE, "n").ruleset)["na_policy"] == "normalize"
    tree = rules_tree(load(tmp_path, dict(BLOCKS)["gates"], "gates").ruleset)
    assert tree["gates"] == [
        {"kind": "bonus_requires_base", "above": 80, "classes": ["A", "B"]},
        {"kind": "fail_below", "below": 60, "grade": "不合格", "classes": ["A", "B"]},
        {"kind": "fail_below", "at_most": 85, "grade": "合格", "classes": ["A"]},
    ]
    assert tree["grades"] == [{"grade": "优秀", "at_least": 90}, {"grade": "合格", "at_least": 60}, {"grade": "不合格"}]
    # older spellings are given in the words
    old = dict(BLOCKS)["gates"].replace("    above: 80\n", "    min_base: 80\n")
    assert rules_tree(load(tmp_path, old, "old").ruleset)["gates"][0] == {"kind": "bonus_requires_base", "at_least": 80, "classes": ["A", "B"]}


def test_rules_diff_says_a_changed_policy_as_written(tmp_path):
    from gkscore.rules.diff import diff_rules

    old, new = load(tmp_path, SPREAD).ruleset, load(tmp_path, NORMALIZE, "n").ruleset
    changes = [c.what for c in diff_rules(old, new) if "na_policy" in c.what]
    assert changes == ["na_policy: {kind: spread, share: even, remainder: last} → normalize"]
