"""Every rule kind and feature of the rule language, each with a small rule file of its own.

For each kind: full credit, each partial case, the floor at zero (扣完为止),
caps, class differences, not applicable, and exact Decimal results.  Scores
are always compared with ``Decimal("...")``, never with floats.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkscore.exact import q
from gkscore.observations.types import Observation, ObservationSet, Source
from gkscore.rules.load import load_rules
from gkscore.rules.model import RuleSet
from gkscore.rules.tree import rules_tree
from gkscore.scoring import ItemResult, UnitResult, grade_for, score_unit

D = Decimal


# ---------------------------------------------------------------- helpers


@pytest.fixture
def load(tmp_path: Path):
    """Write a rule file to tmp_path and load it (all checks run); returns the RuleSet."""
    counter = iter(range(1000))

    def _load(text: str) -> RuleSet:
        path = tmp_path / f"rules{next(counter)}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return load_rules(str(path)).ruleset

    return _load


def single_item(item: str, classes: str = "A: {name: 甲类, max: 10}", precision: int = 2) -> str:
    """A complete rule file with one base section, one group and the given item."""
    body = textwrap.indent(textwrap.dedent(item).strip("\n"), " " * 10)
    cls = textwrap.indent(textwrap.dedent(classes).strip("\n"), "  ")
    return f"""\
format: gkscore/1
id: kinds
title: 规则类型测试
precision: {precision}
classes:
{cls}
sections:
  - id: s
    name: 基础指标
    groups:
      - id: g
        name: 测试组
        items:
{body}
"""


def score(rs: RuleSet, values: dict, cls: str = "A", unit: str = "某单位") -> UnitResult:
    """Score one unit; ``values`` maps (owner id, field id) -> observed value."""
    obs = ObservationSet(rs.id, "sha")
    obs.units[unit] = cls
    for line, ((owner, field_id), value) in enumerate(values.items(), start=2):
        obs.values[(unit, owner, field_id)] = Observation(unit, owner, field_id, value, Source("t.csv", line=line))
    return score_unit(rs, cls, unit, obs)


def item(result: UnitResult, item_id: str) -> ItemResult:
    found = [r for r in result.items if r.id == item_id]
    assert len(found) == 1, f"item {item_id} not in {[r.id for r in result.items]}"
    return found[0]


def obs_for(owner: str, **fields) -> dict:
    return {(owner, k): v for k, v in fields.items()}


# ------------------------------------------------------------------ award

AWARD_THRESHOLDS = single_item(
    """
    - id: i
      text: 做到得1分;次数不少于2次得1分;比重高于4%得1.5分;差错率不超过10%得1.5分。
      max: 5
      fields:
        - {id: done, type: bool, prompt: 是否做到}
        - {id: times, type: count, prompt: 次数}
        - {id: weight, type: number, min: 0, max: 100, prompt: 比重}
        - {id: errors, type: number, min: 0, max: 100, prompt: 差错率}
      clauses:
        - {kind: award, when: {field: done}, points: 1}
        - {kind: award, when: {field: times, ge: 2}, points: 1}
        - {kind: award, when: {field: weight, gt: 4}, points: 1.5}
        - {kind: award, when: {field: errors, le: 10}, points: 1.5}
    """,
    classes="A: {name: 甲类, max: 5}",
)

FULL_AWARD = dict(done=True, times=3, weight=D("12"), errors=D("0"))


@pytest.mark.parametrize(
    "change, expected",
    [
        ({}, "5"),
        ({"done": False}, "4"),
        ({"times": 2}, "5"),  # ge: the boundary counts
        ({"times": 1}, "4"),
        ({"times": 0}, "4"),
        ({"weight": D("4")}, "3.5"),  # gt: the boundary does not count
        ({"weight": D("4.01")}, "5"),
        ({"errors": D("10")}, "5"),  # le: the boundary counts
        ({"errors": D("10.01")}, "3.5"),
        ({"done": False, "times": 1, "weight": D("4"), "errors": D("50")}, "0"),
    ],
)
def test_award_thresholds(load, change, expected):
    rs = load(AWARD_THRESHOLDS)
    r = item(score(rs, obs_for("i", **{**FULL_AWARD, **change})), "i")
    assert r.score == D(expected)
    assert r.complete
    assert r.max == D(5)


def test_award_reasons_name_the_missed_clause(load, zh):
    rs = load(AWARD_THRESHOLDS)
    r = item(score(rs, obs_for("i", **{**FULL_AWARD, "weight": D("4")})), "i")
    # The exact wording belongs to the renderers; what matters is one reason, for 1.5 points.
    [reason] = r.reasons
    assert reason.startswith("未得 1.5 分: 做到得1分;")


AWARD_DATE = single_item(
    """
    - id: report
      text: 2021年3月31日前(含)发布年度报告,得2分。
      max: 2
      fields:
        - {id: published, type: date, prompt: 发布日期}
      clauses:
        - {kind: award, when: {field: published, le: 2021-03-31}, points: 2}
    """,
    classes="A: {name: 甲类, max: 2}",
)


@pytest.mark.parametrize(
    "when, expected",
    [
        (dt.date(2021, 1, 15), "2"),
        (dt.date(2021, 3, 30), "2"),
        (dt.date(2021, 3, 31), "2"),  # the deadline day itself counts
        (dt.datetime(2021, 3, 31, 23, 59), "2"),  # a spreadsheet datetime on the day
        (dt.date(2021, 4, 1), "0"),
        (dt.date(2022, 1, 1), "0"),
    ],
)
def test_award_date_deadline(load, when, expected):
    rs = load(AWARD_DATE)
    assert item(score(rs, obs_for("report", published=when)), "report").score == D(expected)


AWARD_LOGIC = single_item(
    """
    - id: logic
      text: 甲乙均做到得1分;甲乙任一做到得1分;未发生丙得1分。
      max: 3
      fields:
        - {id: a, type: bool, prompt: 甲}
        - {id: b, type: bool, prompt: 乙}
        - {id: c, type: bool, prompt: 丙}
      clauses:
        - {kind: award, when: {all: [{field: a}, {field: b}]}, points: 1}
        - {kind: award, when: {any: [{field: a}, {field: b}]}, points: 1}
        - {kind: award, when: {not: {field: c}}, points: 1}
    """,
    classes="A: {name: 甲类, max: 3}",
)


@pytest.mark.parametrize(
    "a, b, c, expected",
    [
        (True, True, False, "3"),
        (True, True, True, "2"),
        (True, False, False, "2"),
        (False, True, False, "2"),
        (False, False, False, "1"),
        (False, False, True, "0"),
    ],
)
def test_award_all_any_not(load, a, b, c, expected):
    rs = load(AWARD_LOGIC)
    assert item(score(rs, obs_for("logic", a=a, b=b, c=c)), "logic").score == D(expected)


AWARD_CHOICE = single_item(
    """
    - id: ch
      text: 以正式文件或会议形式部署的,得1分。
      max: 1
      fields:
        - {id: how, type: choice, choices: [正式文件, 会议, 口头, 未部署], prompt: 部署形式}
      clauses:
        - {kind: award, when: {field: how, in: [正式文件, 会议]}, points: 1}
    """,
    classes="A: {name: 甲类, max: 1}",
)


@pytest.mark.parametrize("how, expected", [("正式文件", "1"), ("会议", "1"), ("口头", "0"), ("未部署", "0")])
def test_award_choice_in(load, how, expected):
    rs = load(AWARD_CHOICE)
    assert item(score(rs, obs_for("ch", how=how)), "ch").score == D(expected)


# ----------------------------------------------------------------- deduct

DEDUCT = single_item(
    """
    - id: d
      text: 未按时报送的扣1分;报送内容错误的扣2.5分,扣完为止。
      max: 3
      fields:
        - {id: late, type: bool, prompt: 是否未按时报送}
        - {id: wrong, type: bool, prompt: 是否报送内容错误}
      clauses:
        - {kind: deduct, when: {field: late}, points: 1}
        - {kind: deduct, when: {field: wrong}, points: 2.5}
    """,
    classes="A: {name: 甲类, max: 3}",
)


@pytest.mark.parametrize(
    "late, wrong, expected, raw",
    [
        (False, False, "3", "3"),
        (True, False, "2", "2"),
        (False, True, "0.5", "0.5"),
        (True, True, "0", "-0.5"),  # 扣完为止
    ],
)
def test_deduct_once(load, late, wrong, expected, raw):
    rs = load(DEDUCT)
    r = item(score(rs, obs_for("d", late=late, wrong=wrong)), "d")
    assert r.start == D(3)  # only deductions: starts at the 分值
    assert r.score == D(expected)
    assert r.raw == D(raw)
    assert r.lost == D(3) - D(expected)


def test_deduct_floor_is_explained(load, zh):
    rs = load(DEDUCT)
    r = item(score(rs, obs_for("d", late=True, wrong=True)), "d")
    assert r.reasons[-1] == "扣分合计超过分值 3,扣完为止"
    assert r.arithmetic().endswith("= -0.5 → 0 (扣完为止)")


# ------------------------------------------------------------ deduct_each

DEDUCT_EACH = single_item(
    """
    - id: de
      text: 发现严重错误每个扣8分,一般错误每个扣2分,轻微错误每个扣1分;未整改的加扣3分,扣完为止。
      max: 10
      fields:
        - {id: serious, type: count, prompt: 严重错误个数}
        - {id: medium, type: count, prompt: 一般错误个数}
        - {id: minor, type: count, prompt: 轻微错误个数}
        - {id: unfixed, type: bool, prompt: 是否存在未整改问题}
      clauses:
        - {kind: deduct_each, field: serious, per: 8}
        - {kind: deduct_each, field: medium, per: 2}
        - {kind: deduct_each, field: minor, per: 1}
        - {kind: deduct, when: {field: unfixed}, points: 3}
    """,
)


@pytest.mark.parametrize(
    "serious, medium, minor, unfixed, expected, raw",
    [
        (0, 0, 0, False, "10", "10"),
        (0, 0, 1, False, "9", "9"),
        (0, 0, 3, False, "7", "7"),
        (0, 1, 0, False, "8", "8"),
        (0, 1, 3, False, "5", "5"),
        (1, 0, 0, False, "2", "2"),
        (0, 0, 0, True, "7", "7"),
        (0, 2, 3, True, "0", "0"),  # exactly used up
        (1, 1, 0, False, "0", "0"),
        (1, 0, 0, True, "0", "-1"),  # 扣完为止
        (2, 0, 0, False, "0", "-6"),
        (3, 5, 9, True, "0", "-36"),
    ],
)
def test_deduct_each_counters(load, serious, medium, minor, unfixed, expected, raw):
    rs = load(DEDUCT_EACH)
    r = item(score(rs, obs_for("de", serious=serious, medium=medium, minor=minor, unfixed=unfixed)), "de")
    assert r.score == D(expected)
    assert r.raw == D(raw)
    assert 0 <= r.score <= r.max


def test_deduct_each_arithmetic_is_shown(load):
    rs = load(DEDUCT_EACH)
    r = item(score(rs, obs_for("de", serious=0, medium=1, minor=3, unfixed=True)), "de")
    assert r.arithmetic() == "10 - 2 × 1 - 1 × 3 - 3 = 2"
    assert r.score == D(2)


DEDUCT_EACH_CLASSES = single_item(
    """
    - id: dc
      text: 每发现1个问题,A类扣2分,B类扣3分,扣完为止。
      max: {A: 4, B: 6}
      fields:
        - {id: n, type: count, prompt: 问题个数}
      clauses:
        - {kind: deduct_each, field: n, per: {A: 2, B: 3}}
    """,
    classes="""
    A: {name: 甲类, max: 4}
    B: {name: 乙类, max: 6}
    """,
)


@pytest.mark.parametrize(
    "cls, n, expected",
    [("A", 0, "4"), ("A", 1, "2"), ("A", 2, "0"), ("A", 3, "0"), ("B", 0, "6"), ("B", 1, "3"), ("B", 2, "0"), ("B", 3, "0")],
)
def test_deduct_each_per_class(load, cls, n, expected):
    rs = load(DEDUCT_EACH_CLASSES)
    r = item(score(rs, obs_for("dc", n=n), cls=cls), "dc")
    assert r.max == (D(4) if cls == "A" else D(6))
    assert r.score == D(expected)


DEDUCT_EACH_CAP = single_item(
    """
    - id: dcap
      text: 每发现1处错链扣1分,最多扣3分;另有未备案的扣2分,扣完为止。
      max: 5
      fields:
        - {id: links, type: count, prompt: 错链个数}
        - {id: unfiled, type: bool, prompt: 是否未备案}
      clauses:
        - {kind: deduct_each, field: links, per: 1, cap: 3}
        - {kind: deduct, when: {field: unfiled}, points: 2}
    """,
    classes="A: {name: 甲类, max: 5}",
)


@pytest.mark.parametrize(
    "links, unfiled, expected",
    [(0, False, "5"), (2, False, "3"), (3, False, "2"), (4, False, "2"), (50, False, "2"), (50, True, "0"), (2, True, "1")],
)
def test_deduct_each_cap(load, links, unfiled, expected):
    rs = load(DEDUCT_EACH_CAP)
    r = item(score(rs, obs_for("dcap", links=links, unfiled=unfiled)), "dcap")
    assert r.score == D(expected)


def test_deduct_each_cap_arithmetic(load):
    rs = load(DEDUCT_EACH_CAP)
    r = item(score(rs, obs_for("dcap", links=7, unfiled=False)), "dcap")
    assert r.arithmetic() == "5 - min(1 × 7, 3) = 2"


def test_deduct_each_decimal_per_is_exact(load):
    rs = load(
        single_item(
            """
            - id: tenth
              text: 每发现1个扣0.1分。
              max: 0.3
              fields:
                - {id: n, type: count, prompt: 个数}
              clauses:
                - {kind: deduct_each, field: n, per: 0.1}
            """,
            classes="A: {name: 甲类, max: 0.3}",
        )
    )
    assert rs.sections[0].groups[0].items[0].clauses[0].per == D("0.1")
    r = item(score(rs, obs_for("tenth", n=3)), "tenth")
    # 0.3 - 0.1 × 3 is exactly 0 (in binary floating point it is -5.5e-17)
    assert r.raw == D(0)
    assert r.score == D(0)
    assert item(score(rs, obs_for("tenth", n=1)), "tenth").score == D("0.2")


# ----------------------------------------------------------------- sampled

SAMPLED = single_item(
    """
    - id: sp
      text: 随机抽查5条信息,每少1条符合要求扣0.5分。
      max: 2.5
      fields:
        - {id: ok, type: count, max: 5, prompt: 抽查5条中符合要求的条数}
      clauses:
        - {kind: sampled, field: ok, sample: 5, per: 0.5, counts: passed}
    - id: sf
      text: 随机抽查5条信息,每发现1条不符合要求扣1分,扣完为止。
      max: 3
      fields:
        - {id: bad, type: count, max: 5, prompt: 抽查5条中不符合要求的条数}
      clauses:
        - {kind: sampled, field: bad, sample: 5, per: 1, counts: failed}
    """,
    classes="A: {name: 甲类, max: 5.5}",
)


@pytest.mark.parametrize("ok, expected", [(5, "2.5"), (4, "2"), (3, "1.5"), (1, "0.5"), (0, "0")])
def test_sampled_counts_passed(load, ok, expected):
    rs = load(SAMPLED)
    r = item(score(rs, {**obs_for("sp", ok=ok), **obs_for("sf", bad=0)}), "sp")
    assert r.score == D(expected)


@pytest.mark.parametrize("bad, expected, raw", [(0, "3", "3"), (1, "2", "2"), (3, "0", "0"), (4, "0", "-1"), (5, "0", "-2")])
def test_sampled_counts_failed(load, bad, expected, raw):
    rs = load(SAMPLED)
    r = item(score(rs, {**obs_for("sp", ok=5), **obs_for("sf", bad=bad)}), "sf")
    assert r.score == D(expected)
    assert r.raw == D(raw)


def test_sampled_arithmetic(load):
    rs = load(SAMPLED)
    r = item(score(rs, {**obs_for("sp", ok=3), **obs_for("sf", bad=0)}), "sp")
    assert r.arithmetic() == "2.5 - 0.5 × (5 - 3) = 1.5"


# ---------------------------------------------------------------- coverage

COVERAGE = single_item(
    """
    - id: all4
      text: 图片、音频、视频、图表4种解读形式均涉及的,得2分。
      max: 2
      fields:
        - {id: pic, type: bool, prompt: 图片}
        - {id: audio, type: bool, prompt: 音频}
        - {id: video, type: bool, prompt: 视频}
        - {id: chart, type: bool, prompt: 图表}
      clauses:
        - {kind: coverage, fields: [pic, audio, video, chart], points: 2, mode: all}
    - id: any3
      text: 4种形式中涉及3种及以上的,得1分。
      max: 1
      fields:
        - {id: pic, type: bool, prompt: 图片}
        - {id: audio, type: bool, prompt: 音频}
        - {id: video, type: bool, prompt: 视频}
        - {id: chart, type: bool, prompt: 图表}
      clauses:
        - {kind: coverage, fields: [pic, audio, video, chart], points: 1, full_at: 3, mode: all}
    - id: prop
      text: 4种形式每涉及1种得0.125分。
      max: 0.5
      fields:
        - {id: pic, type: bool, prompt: 图片}
        - {id: audio, type: bool, prompt: 音频}
        - {id: video, type: bool, prompt: 视频}
        - {id: chart, type: bool, prompt: 图表}
      clauses:
        - {kind: coverage, fields: [pic, audio, video, chart], points: 0.5, mode: proportional}
    - id: prop3
      text: 涉及3种即得满分1分,不足3种按比例得分。
      max: 1
      fields:
        - {id: pic, type: bool, prompt: 图片}
        - {id: audio, type: bool, prompt: 音频}
        - {id: video, type: bool, prompt: 视频}
        - {id: chart, type: bool, prompt: 图表}
      clauses:
        - {kind: coverage, fields: [pic, audio, video, chart], points: 1, full_at: 3, mode: proportional}
    """,
    classes="A: {name: 甲类, max: 4.5}",
)


def _covered(k: int) -> dict:
    flags = dict(zip(["pic", "audio", "video", "chart"], [i < k for i in range(4)]))
    out = {}
    for owner in ("all4", "any3", "prop", "prop3"):
        out.update(obs_for(owner, **flags))
    return out


@pytest.mark.parametrize(
    "k, all4, any3, prop, prop_raw, prop3",
    [
        (4, "2", "1", "0.5", "0.5", "1"),
        (3, "0", "1", "0.38", "0.375", "1"),  # 0.375 -> 0.38 (half away from zero)
        (2, "0", "0", "0.25", "0.25", "0.67"),  # 2/3 -> 0.67
        (1, "0", "0", "0.13", "0.125", "0.33"),  # 0.125 -> 0.13, never 0.12
        (0, "0", "0", "0", "0", "0"),
    ],
)
def test_coverage(load, k, all4, any3, prop, prop_raw, prop3):
    rs = load(COVERAGE)
    res = score(rs, _covered(k))
    assert item(res, "all4").score == D(all4)
    assert item(res, "any3").score == D(any3)
    assert item(res, "prop").score == D(prop)
    assert item(res, "prop").raw == D(prop_raw)
    assert item(res, "prop3").score == D(prop3)
    assert res.base == sum((D(x) for x in (all4, any3, prop, prop3)), D(0))


def test_coverage_precision_one(load):
    text = COVERAGE.replace("precision: 2", "precision: 1")
    rs = load(text)
    assert item(score(rs, _covered(1)), "prop").score == D("0.1")
    assert item(score(rs, _covered(3)), "prop").score == D("0.4")


# ------------------------------------------------------------------ judged

JUDGED = single_item(
    """
    - id: j
      text: 根据栏目设置合理性、信息完备度评分。
      max: {A: 5, B: 3}
      fields:
        - {id: s, type: score, max: {A: 5, B: 3}, step: 0.5, prompt: 评分}
      clauses:
        - {kind: judged, field: s}
    """,
    classes="""
    A: {name: 甲类, max: 5}
    B: {name: 乙类, max: 3}
    """,
)


@pytest.mark.parametrize("cls, value", [("A", "5"), ("A", "3.5"), ("A", "0"), ("B", "3"), ("B", "2.5"), ("B", "0")])
def test_judged(load, cls, value):
    rs = load(JUDGED)
    r = item(score(rs, obs_for("j", s=D(value)), cls=cls), "j")
    assert r.score == D(value)
    assert r.max == (D(5) if cls == "A" else D(3))


def test_judged_reason_names_full_marks(load, zh):
    rs = load(JUDGED)
    r = item(score(rs, obs_for("j", s=D("3.5"))), "j")
    [reason] = r.reasons
    assert reason.startswith("得 3.5 分 (满分 5)")


# ------------------------------------------------------------------ graded

GRADED = single_item(
    """
    - id: gr
      text: 按优、良、一般、差分别得10、8、6、0分。
      max: 10
      fields:
        - {id: level, type: choice, choices: [优, 良, 一般, 差], prompt: 评定等次}
      clauses:
        - {kind: graded, field: level, levels: {优: 10, 良: 8, 一般: 6, 差: 0}}
    """,
)


@pytest.mark.parametrize("level, expected", [("优", "10"), ("良", "8"), ("一般", "6"), ("差", "0")])
def test_graded(load, level, expected):
    rs = load(GRADED)
    assert item(score(rs, obs_for("gr", level=level)), "gr").score == D(expected)


# ----------------------------------------------------------------- percent

PERCENT = single_item(
    """
    - id: pc
      text: 按办结率折算得分,满分4分。
      max: 4
      fields:
        - {id: rate, type: number, min: 0, max: 100, unit: "%", prompt: 办结率}
      clauses:
        - {kind: percent, field: rate, points: 4}
    - id: pc5
      text: 按公开率折算得分,满分5分。
      max: 5
      fields:
        - {id: rate, type: number, min: 0, max: 100, unit: "%", prompt: 公开率}
      clauses:
        - {kind: percent, field: rate, points: 5}
    """,
    classes="A: {name: 甲类, max: 9}",
)


@pytest.mark.parametrize(
    "rate, pc, pc5, pc5_raw",
    [
        ("100", "4", "5", "5"),
        ("87.5", "3.5", "4.38", "4.375"),
        ("53.5", "2.14", "2.68", "2.675"),  # 2.675 -> 2.68 exactly (a float would give 2.67)
        ("0", "0", "0", "0"),
    ],
)
def test_percent(load, rate, pc, pc5, pc5_raw):
    rs = load(PERCENT)
    res = score(rs, {**obs_for("pc", rate=D(rate)), **obs_for("pc5", rate=D(rate))})
    assert item(res, "pc").score == D(pc)
    assert item(res, "pc5").score == D(pc5)
    assert item(res, "pc5").raw == D(pc5_raw)
    assert res.base == D(pc) + D(pc5)  # sums of rounded figures


# ----------------------------------------------------------------- only_if

ONLY_IF = single_item(
    """
    - id: oi
      text: 未按时发布的扣2分;逾期超过30天的,再扣5分。
      max: 10
      fields:
        - {id: late, type: bool, prompt: 是否未按时发布}
        - {id: days, type: count, prompt: 逾期天数}
      clauses:
        - {id: late, kind: deduct, when: {field: late}, points: 2}
        - kind: deduct
          text: 逾期超过30天的,再扣5分
          only_if: {clause: late}
          when: {field: days, gt: 30}
          points: 5
    """,
)


@pytest.mark.parametrize(
    "late, days, expected",
    [(False, 0, "10"), (False, 40, "10"), (True, 10, "8"), (True, 30, "8"), (True, 31, "3")],
)
def test_only_if_clause_reference(load, late, days, expected):
    rs = load(ONLY_IF)
    r = item(score(rs, obs_for("oi", late=late, days=days)), "oi")
    assert r.score == D(expected)
    assert r.complete


def test_only_if_does_not_need_the_guarded_value(load):
    rs = load(ONLY_IF)
    res = score(rs, obs_for("oi", late=False))  # days left blank: not needed
    r = item(res, "oi")
    assert r.score == D(10)
    assert r.complete and res.complete
    res = score(rs, obs_for("oi", late=True))  # now it is needed
    assert not item(res, "oi").complete
    assert not res.complete


# ----------------------------------------------------------------- void_if

VOID_IF = """\
format: gkscore/1
id: void
title: 整组不得分
classes:
  A: {name: 甲类, max: 5}
sections:
  - id: s
    name: 主动公开
    groups:
      - id: g.jd
        name: 政策解读
        points: 3
        fields:
          - {id: mismatch, type: bool, prompt: "文件公开数量是否明显与实际制发数量存在较大出入?"}
        void_if: {field: mismatch}
        void_text: 文件公开数量明显与实际制发数量存在较大出入的,不得分
        items:
          - id: g.jd.1
            text: 文件公开3个工作日内发布解读信息,得1分。
            max: 1
            fields:
              - {id: timely, type: bool, prompt: 是否及时}
            clauses:
              - {kind: award, when: {field: timely}, points: 1}
          - id: g.jd.2
            text: 解读形式多样,得2分。
            max: 2
            fields:
              - {id: forms, type: bool, prompt: 是否多样}
            clauses:
              - {kind: award, when: {field: forms}, points: 2}
      - id: g.other
        name: 其他
        items:
          - id: g.other.1
            text: 做到得2分。
            max: 2
            fields:
              - {id: done, type: bool, prompt: 是否做到}
            clauses:
              - {kind: award, when: {field: done}, points: 2}
"""


def _void_obs(mismatch):
    out = {**obs_for("g.jd.1", timely=True), **obs_for("g.jd.2", forms=True), **obs_for("g.other.1", done=True)}
    if mismatch is not None:
        out[("g.jd", "mismatch")] = mismatch
    return out


def test_void_if_false_scores_normally(load):
    rs = load(VOID_IF)
    res = score(rs, _void_obs(False))
    assert [r.score for r in res.items] == [D(1), D(2), D(2)]
    assert res.total == D(5)
    assert not any(r.voided for r in res.items)


def test_void_if_true_zeroes_the_whole_group_with_reason(load):
    rs = load(VOID_IF)
    res = score(rs, _void_obs(True))
    for item_id in ("g.jd.1", "g.jd.2"):
        r = item(res, item_id)
        assert r.voided
        assert r.score == D(0)
        [reason] = r.reasons
        assert reason.startswith("文件公开数量明显与实际制发数量存在较大出入的,不得分")
    assert item(res, "g.other.1").score == D(2)  # other groups are untouched
    assert res.total == D(2)
    assert res.complete


def test_void_if_unanswered_is_incomplete(load):
    rs = load(VOID_IF)
    res = score(rs, _void_obs(None))
    assert not res.complete
    assert any("政策解读" in n and "mismatch" in n for n in res.notes)


def test_voided_item_needs_no_values(load):
    rs = load(VOID_IF)
    values = {("g.jd", "mismatch"): True, **obs_for("g.other.1", done=True)}
    res = score(rs, values)
    assert item(res, "g.jd.1").score == D(0)
    assert res.complete


# ----------------------------------------------------- bonus and penalty caps

BONUS_PENALTY = """\
format: gkscore/1
id: caps
title: 加分项与扣分项
classes:
  A: {name: 甲类, max: 10}
grades:
  bands: [{grade: 优秀, min: 9}, {grade: 合格}]
sections:
  - id: base
    name: 基础
    groups:
      - id: b
        name: 基础组
        items:
          - id: b.1
            text: 评分。
            max: 10
            fields:
              - {id: s, type: score, max: 10, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
  - id: plus
    name: 加分项
    kind: bonus
    cap: 3
    groups:
      - id: plus.g
        name: 创新
        items:
          - id: plus.1
            text: 创新案例,0-2分。
            max: 2
            fields:
              - {id: s, type: score, max: 2, step: 0.5, prompt: 加分}
            clauses:
              - {kind: judged, field: s}
          - id: plus.2
            text: 专题公开,得2分。
            max: 2
            fields:
              - {id: done, type: bool, prompt: 是否开设专题}
            clauses:
              - {kind: award, when: {field: done}, points: 2}
  - id: minus
    name: 扣分项
    kind: penalty
    cap: 2
    groups:
      - id: minus.g
        name: 负面事件
        items:
          - id: minus.1
            text: 被媒体曝光的,扣0-2分。
            max: 2
            fields:
              - {id: s, type: score, max: 2, step: 0.5, prompt: 扣分}
            clauses:
              - {kind: judged, field: s}
          - id: minus.2
            text: 每发生1起舆情事件扣1分。
            max: 2
            start: zero
            fields:
              - {id: n, type: count, prompt: 舆情事件数}
            clauses:
              - {kind: award, when: {field: n, ge: 1}, points: 1}
              - {kind: award, when: {field: n, ge: 2}, points: 1}
"""


def _bp(base, plus1, plus2, minus1, minus2):
    return {
        ("b.1", "s"): D(base),
        ("plus.1", "s"): D(plus1),
        ("plus.2", "done"): plus2,
        ("minus.1", "s"): D(minus1),
        ("minus.2", "n"): minus2,
    }


@pytest.mark.parametrize(
    "values, bonus, bonus_raw, penalty, penalty_raw, total",
    [
        (("8", "0", False, "0", 0), "0", "0", "0", "0", "8"),
        (("8", "1", False, "0", 0), "1", "1", "0", "0", "9"),
        (("8", "1", True, "0", 0), "3", "3", "0", "0", "11"),  # exactly the cap
        (("8", "2", True, "0", 0), "3", "4", "0", "0", "11"),  # above the cap: capped
        (("8", "0", False, "0.5", 1), "0", "0", "1.5", "1.5", "6.5"),
        (("8", "0", False, "1", 1), "0", "0", "2", "2", "6"),  # exactly the cap
        (("8", "0", False, "2", 5), "0", "0", "2", "4", "6"),  # above the cap: capped
        (("8", "2", True, "2", 5), "3", "4", "2", "4", "9"),
    ],
)
def test_bonus_and_penalty_caps(load, values, bonus, bonus_raw, penalty, penalty_raw, total, zh):
    rs = load(BONUS_PENALTY)
    res = score(rs, _bp(*values))
    assert res.base == D(values[0])
    assert (res.bonus, res.bonus_raw) == (D(bonus), D(bonus_raw))
    assert (res.penalty, res.penalty_raw) == (D(penalty), D(penalty_raw))
    assert res.total == D(total)
    assert res.max == D(10)  # bonus and penalty lie outside the base total
    if D(bonus_raw) > D(bonus):
        assert "加分 4 超过上限,计 3" in res.notes
    if D(penalty_raw) > D(penalty):
        assert "扣分 4 超过上限,计 2" in res.notes


def test_bonus_penalty_tree(load):
    tree = rules_tree(load(BONUS_PENALTY))
    assert tree["max"] == {"A": 10}
    assert tree["bonus_max"] == {"A": 3}
    assert tree["penalty_max"] == {"A": 2}
    assert [(i["id"], i["section"]) for i in tree["items"]] == [
        ("b.1", "base"),
        ("plus.1", "bonus"),
        ("plus.2", "bonus"),
        ("minus.1", "penalty"),
        ("minus.2", "penalty"),
    ]


# ---------------------------------------------------------------- max_lost

MAX_LOST = """\
format: gkscore/1
id: maxlost
title: 组内扣分上限
classes:
  A: {name: 甲类, max: 8}
  B: {name: 乙类, max: 8}
sections:
  - id: s
    name: 监督检查
    groups:
      - id: g
        name: 检查发现问题
        points: 8
        max_lost: {A: 3, B: 5}
        items:
          - id: g.1
            text: 每发现1个问题扣1分。
            max: 4
            fields:
              - {id: n, type: count, prompt: 问题个数}
            clauses:
              - {kind: deduct_each, field: n, per: 1}
          - id: g.2
            text: 每发现1个问题扣1分。
            max: 4
            fields:
              - {id: n, type: count, prompt: 问题个数}
            clauses:
              - {kind: deduct_each, field: n, per: 1}
"""


@pytest.mark.parametrize(
    "cls, n1, n2, expected",
    [
        ("A", 0, 0, "8"),
        ("A", 1, 1, "6"),
        ("A", 2, 1, "5"),  # exactly the group cap
        ("A", 2, 2, "5"),  # 4 lost, only 3 count
        ("A", 9, 9, "5"),
        ("B", 2, 2, "4"),
        ("B", 3, 2, "3"),
        ("B", 9, 9, "3"),
    ],
)
def test_group_max_lost(load, cls, n1, n2, expected):
    rs = load(MAX_LOST)
    res = score(rs, {**obs_for("g.1", n=n1), **obs_for("g.2", n=n2)}, cls=cls)
    assert res.total == D(expected)
    assert res.sections == {"监督检查": D(expected)}


# ------------------------------------------------------------------- vetoes

VETO = """\
format: gkscore/1
id: veto
title: 单项否决
classes:
  A: {name: 甲类, max: 100}
grades:
  bands: [{grade: 优秀, min: 90}, {grade: 合格, min: 60}, {grade: 不合格}]
vetoes:
  - id: v.leak
    text: 发生泄密事件的,实行一票否决,总分计0分,等次为不合格。
    fields:
      - {id: leak, type: bool, prompt: 是否发生泄密事件}
    when: {field: leak}
    grade: 不合格
    total: 0
  - id: v.fake
    text: 弄虚作假的,等次为不合格。
    fields:
      - {id: fake, type: bool, prompt: 是否弄虚作假}
    when: {field: fake}
    grade: 不合格
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: g.1
            text: 评分。
            max: 100
            fields:
              - {id: s, type: score, max: 100, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
"""


def _veto_obs(s="95", leak=False, fake=False):
    out = {("g.1", "s"): D(s)}
    if leak is not None:
        out[("v.leak", "leak")] = leak
    if fake is not None:
        out[("v.fake", "fake")] = fake
    return out


def test_no_veto(load):
    res = score(load(VETO), _veto_obs())
    assert (res.total, res.grade, res.veto) == (D(95), "优秀", None)


def test_veto_with_grade_and_total(load):
    res = score(load(VETO), _veto_obs(leak=True, fake=True))
    assert res.total == D(0)
    assert res.grade == "不合格"
    assert res.veto == "发生泄密事件的,实行一票否决,总分计0分,等次为不合格。"
    assert res.base == D(95)  # the items keep their scores for the record


def test_veto_with_grade_only_keeps_the_total(load):
    res = score(load(VETO), _veto_obs(fake=True))
    assert res.total == D(95)
    assert res.grade == "不合格"
    assert res.veto == "弄虚作假的,等次为不合格。"


def test_veto_unanswered_is_incomplete(load):
    res = score(load(VETO), _veto_obs(leak=None))
    assert not res.complete
    assert res.veto is None
    assert any("v.leak" in n for n in res.notes)


# -------------------------------------------------------------------- gates

GATE_BONUS = """\
format: gkscore/1
id: gate-bonus
title: 基础分达标方可加分
classes:
  A: {name: 甲类, max: 100}
gates:
  - {kind: bonus_requires_base, min_base: 60}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: g.1
            text: 评分。
            max: 100
            fields:
              - {id: s, type: score, max: 100, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
  - id: plus
    name: 加分项
    kind: bonus
    cap: 5
    groups:
      - id: plus.g
        name: 创新
        items:
          - id: plus.1
            text: 0-5分。
            max: 5
            fields:
              - {id: s, type: score, max: 5, step: 0.5, prompt: 加分}
            clauses:
              - {kind: judged, field: s}
"""


@pytest.mark.parametrize(
    "base, bonus, expected_bonus, total",
    [("80", "3", "3", "83"), ("60", "3", "3", "63"), ("59.5", "3", "0", "59.5"), ("0", "5", "0", "0"), ("59.5", "0", "0", "59.5")],
)
def test_gate_bonus_requires_base(load, base, bonus, expected_bonus, total, zh):
    res = score(load(GATE_BONUS), {("g.1", "s"): D(base), ("plus.1", "s"): D(bonus)})
    assert res.bonus == D(expected_bonus)
    assert res.bonus_raw == D(bonus)
    assert res.total == D(total)
    if D(expected_bonus) < D(bonus):
        assert f"基础分 {base} 低于 60,加分 {bonus} 不计" in res.notes


GATE_FAIL = """\
format: gkscore/1
id: gate-fail
title: 基础分不足即不合格
classes:
  A: {name: 甲类, max: 100}
grades:
  bands: [{grade: 优秀, min: 90}, {grade: 合格, min: 50}, {grade: 不合格}]
gates:
  - {kind: fail_below, base_below: 50, grade: 不合格}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: g.1
            text: 评分。
            max: 100
            fields:
              - {id: s, type: score, max: 100, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
  - id: plus
    name: 加分项
    kind: bonus
    cap: 5
    groups:
      - id: plus.g
        name: 创新
        items:
          - id: plus.1
            text: 0-5分。
            max: 5
            fields:
              - {id: s, type: score, max: 5, step: 0.5, prompt: 加分}
            clauses:
              - {kind: judged, field: s}
"""


@pytest.mark.parametrize(
    "base, bonus, total, grade",
    [
        ("50", "0", "50", "合格"),  # not below: the bound is strict
        ("49.5", "0", "49.5", "不合格"),
        ("48", "5", "53", "不合格"),  # the total would be 合格, the base decides
        ("90", "0", "90", "优秀"),
    ],
)
def test_gate_fail_below(load, base, bonus, total, grade):
    res = score(load(GATE_FAIL), {("g.1", "s"): D(base), ("plus.1", "s"): D(bonus)})
    assert res.total == D(total)
    assert res.grade == grade


# ---------------------------------------------------------------- na_policy

NA = """\
format: gkscore/1
id: na
title: 不适用指标
classes:
  A: {name: 甲类, max: 10}
na_policy: {policy}
sections:
  - id: s
    name: 平台建设
    groups:
      - id: g
        name: 组
        items:
          - id: g.1
            text: 评分。
            max: 3
            fields:
              - {id: s, type: score, max: 3, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
          - id: g.site
            text: 开设网站的,网站运行情况评分。
            max: 4
            applies_if: {field: has_site}
            fields:
              - {id: has_site, type: bool, prompt: 是否开设网站}
              - {id: s, type: score, max: 4, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
          - id: g.3
            text: 评分。
            max: 3
            fields:
              - {id: s, type: score, max: 3, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
"""


def _na(has_site, s1="2", site="3", s3="3"):
    out = {("g.1", "s"): D(s1), ("g.site", "has_site"): has_site, ("g.3", "s"): D(s3)}
    if site is not None:
        out[("g.site", "s")] = D(site)
    return out


@pytest.mark.parametrize("policy", ["rescale", "redistribute"])
def test_na_policy_applicable_scores_normally(load, policy):
    rs = load(NA.replace("{policy}", policy))
    res = score(rs, _na(True))
    assert res.base == D(8)
    assert [r.id for r in res.items] == ["g.1", "g.site", "g.3"]


def test_na_policy_rescale(load, zh):
    rs = load(NA.replace("{policy}", "rescale"))
    res = score(rs, _na(False, site=None))
    assert [r.id for r in res.items] == ["g.1", "g.3"]
    # (2 + 3) × 10/6 = 8.333... -> 8.33
    assert res.base == D("8.33")
    assert res.sections == {"平台建设": D("8.33")}
    assert res.complete
    assert any("不适用" in n for n in res.notes)
    full = score(rs, _na(False, s1="3", site=None))
    assert full.base == D(10)  # full marks on what applies is full marks


def test_na_policy_redistribute(load):
    rs = load(NA.replace("{policy}", "redistribute"))
    res = score(rs, _na(False, site=None))
    # each applicable item carries its share: 3 × 10/6 = 5
    assert [(r.id, r.max, r.score) for r in res.items] == [("g.1", D(5), D("3.33")), ("g.3", D(5), D(5))]
    assert res.base == D("8.33")
    assert res.max == D(10)


def test_na_policy_unanswered_applicability_is_incomplete(load):
    rs = load(NA.replace("{policy}", "rescale"))
    values = _na(True)
    del values[("g.site", "has_site")]
    res = score(rs, values)
    assert not res.complete
    assert "g.site" in [r.id for r in res.items]  # not silently dropped


# ------------------------------------------------------ weighted composition

WEIGHTED = """\
format: gkscore/1
id: weighted
title: 网站30%+新媒体70%
classes:
  A: {name: 甲类, max: 100}
composition: weighted
sections:
  - id: web
    name: 政府网站
    weight: 0.3
    points: 100
    groups:
      - id: web.g
        name: 网站
        items:
          - id: web.1
            text: 网站评分。
            max: 100
            fields:
              - {id: s, type: score, max: 100, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
  - id: nm
    name: 政务新媒体
    weight: 0.7
    points: 100
    groups:
      - id: nm.g
        name: 新媒体
        items:
          - id: nm.1
            text: 新媒体评分。
            max: 100
            fields:
              - {id: s, type: score, max: 100, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
"""


@pytest.mark.parametrize(
    "web, nm, web_w, nm_w, total",
    [
        ("100", "100", "30", "70", "100"),
        ("80", "90", "24", "63", "87"),
        ("85.5", "77.5", "25.65", "54.25", "79.9"),
        ("0", "100", "0", "70", "70"),
    ],
)
def test_weighted_composition(load, web, nm, web_w, nm_w, total):
    rs = load(WEIGHTED)
    res = score(rs, {("web.1", "s"): D(web), ("nm.1", "s"): D(nm)})
    assert res.sections == {"政府网站": D(web_w), "政务新媒体": D(nm_w)}
    assert res.base == D(total)
    assert res.total == D(total)


def test_weighted_rounds_each_section(load):
    rs = load(WEIGHTED.replace("step: 0.5", "step: 0.05"))
    # 0.3 × 33.35 = 10.005 -> 10.01; 0.7 × 33.35 = 23.345 -> 23.35
    res = score(rs, {("web.1", "s"): D("33.35"), ("nm.1", "s"): D("33.35")})
    assert res.sections == {"政府网站": D("10.01"), "政务新媒体": D("23.35")}
    assert res.total == D("33.36")


# -------------------------------------------------------------- grade bands

GRADES = single_item(
    """
    - id: all
      text: 总评分。
      max: 100
      fields:
        - {id: s, type: score, max: 100, step: 0.01, prompt: 评分}
      clauses:
        - {kind: judged, field: s}
    """,
    classes="A: {name: 甲类, max: 100}",
).replace(
    "sections:",
    "grades:\n  bands: [{grade: 优秀, min: 90}, {grade: 良好, min: 80}, {grade: 合格, min: 60}, {grade: 不合格}]\nsections:",
)


@pytest.mark.parametrize(
    "total, grade",
    [
        ("100", "优秀"),
        ("90", "优秀"),  # inclusive lower bound
        ("89.99", "良好"),
        ("80", "良好"),
        ("79.99", "合格"),
        ("60", "合格"),
        ("59.99", "不合格"),
        ("0", "不合格"),
    ],
)
def test_grade_bands_inclusive(load, total, grade):
    rs = load(GRADES)
    res = score(rs, obs_for("all", s=D(total)))
    assert res.total == D(total)
    assert res.grade == grade
    assert grade_for(rs, D(total)) == grade


def test_no_grades_gives_no_grade(load):
    rs = load(GRADED)
    assert score(rs, obs_for("gr", level="优")).grade is None


# ------------------------------------------------------ classes and N/A items

CLASSES = single_item(
    """
    - id: both
      text: 做到得2分。
      max: {A: 2, B: 2}
      fields:
        - {id: done, type: bool, prompt: 是否做到}
      clauses:
        - {kind: award, when: {field: done}, points: 2}
    - id: a.only
      text: 开设网站的,得1分。
      max: {A: 1, B: null}
      fields:
        - {id: done, type: bool, prompt: 是否做到}
      clauses:
        - {kind: award, when: {field: done}, points: 1}
    - id: zero.for.b
      text: 做到得1分(B类本项0分)。
      max: {A: 1, B: 0}
      fields:
        - {id: done, type: bool, prompt: 是否做到}
      clauses:
        - {kind: award, when: {field: done}, points: {A: 1, B: 0}}
    """,
    classes="""
    A: {name: 有网站, max: 4}
    B: {name: 无网站, max: 2}
    """,
)

ALL_DONE = {**obs_for("both", done=True), **obs_for("a.only", done=True), **obs_for("zero.for.b", done=True)}


def test_class_a_sees_every_item(load):
    res = score(load(CLASSES), ALL_DONE, cls="A")
    assert [(r.id, r.max, r.score) for r in res.items] == [("both", D(2), D(2)), ("a.only", D(1), D(1)), ("zero.for.b", D(1), D(1))]
    assert res.total == res.max == D(4)


def test_not_applicable_item_is_absent_and_zero_item_is_present(load):
    res = score(load(CLASSES), ALL_DONE, cls="B")
    # null: blank cell, the item does not exist for B; 0: it exists and is worth 0
    assert [(r.id, r.max, r.score) for r in res.items] == [("both", D(2), D(2)), ("zero.for.b", D(0), D(0))]
    assert res.total == res.max == D(2)


def test_not_applicable_needs_no_value(load):
    values = {**obs_for("both", done=True), **obs_for("zero.for.b", done=False)}
    res = score(load(CLASSES), values, cls="B")
    assert res.complete


def test_tree_distinguishes_null_from_zero(load):
    tree = rules_tree(load(CLASSES))
    assert {i["id"]: i["max"] for i in tree["items"]} == {
        "both": {"A": 2, "B": 2},
        "a.only": {"A": 1, "B": None},
        "zero.for.b": {"A": 1, "B": 0},
    }
    assert tree["max"] == {"A": 4, "B": 2}


# ---------------------------------------------------------- missing values

MISSING = single_item(
    """
    - id: aw
      text: 做到得1分;次数不少于2次得1分。
      max: 2
      fields:
        - {id: done, type: bool, prompt: 是否做到}
        - {id: times, type: count, prompt: 次数}
      clauses:
        - {kind: award, when: {field: done}, points: 1}
        - {kind: award, when: {field: times, ge: 2}, points: 1}
    - id: de
      text: 每发现1个问题扣1分。
      max: 2
      fields:
        - {id: n, type: count, prompt: 问题个数}
      clauses:
        - {kind: deduct_each, field: n, per: 1}
    """,
    classes="A: {name: 甲类, max: 4}",
)


def test_missing_value_makes_the_item_incomplete(load, zh):
    rs = load(MISSING)
    res = score(rs, {**obs_for("aw", done=True), **obs_for("de", n=0)})
    r = item(res, "aw")
    assert not r.complete
    assert not res.complete
    assert r.steps[1].missing == ["times"]
    assert r.reasons == ["未填写观测值 (times),暂计0分"]
    assert r.score == 0  # not the 1 point its filled clause would give: partial items count 0
    assert item(res, "de").complete


def test_missing_count_is_not_read_as_zero(load):
    rs = load(MISSING)
    res = score(rs, obs_for("aw", done=True, times=2))
    r = item(res, "de")
    assert not r.complete  # a deduction-only item with no count is not "full marks"
    assert r.steps[0].missing == ["n"]
    assert r.score == 0
    assert not res.complete


def test_none_value_is_missing(load):
    rs = load(MISSING)
    res = score(rs, {**obs_for("aw", done=None, times=3), **obs_for("de", n=0)})
    assert not item(res, "aw").complete


def test_zero_is_a_value(load):
    rs = load(MISSING)
    res = score(rs, {**obs_for("aw", done=False, times=0), **obs_for("de", n=0)})
    assert res.complete
    assert item(res, "aw").score == D(0)
    assert item(res, "de").score == D(2)


def test_missing_in_any_part_of_all_is_reported(load):
    rs = load(AWARD_LOGIC)
    res = score(rs, obs_for("logic", a=False, c=False))  # b missing; all() would short-circuit on a
    r = item(res, "logic")
    assert not r.complete
    assert "b" in r.steps[0].missing


# ------------------------------------------------------------------ rounding


@pytest.mark.parametrize(
    "value, places, expected",
    [
        ("0.125", 2, "0.13"),
        ("0.375", 2, "0.38"),
        ("2.675", 2, "2.68"),
        ("2.665", 2, "2.67"),  # half-even would give 2.66
        ("0.5", 0, "1"),
        ("1.5", 0, "2"),
        ("2.5", 0, "3"),  # half-even would give 2
        ("-0.125", 2, "-0.13"),  # away from zero on both sides
        ("0.124999", 2, "0.12"),
        ("8.333333", 2, "8.33"),
    ],
)
def test_round_half_away_from_zero(value, places, expected):
    got = q(D(value), places)
    assert got == D(expected)
    assert str(got) == expected


def test_precision_zero(load):
    text = PERCENT.replace("precision: 2", "precision: 0")
    rs = load(text)
    res = score(rs, {**obs_for("pc", rate=D("62.5")), **obs_for("pc5", rate=D("50"))})
    assert item(res, "pc").score == D(3)  # 2.5 -> 3
    assert item(res, "pc5").score == D(3)  # 2.5 -> 3


# ------------------------------------------------------------ property tests

PER_AMOUNTS = ["0.1", "0.2", "0.25", "0.5", "1", "2", "3", "8"]
MAXIMA = ["0.5", "1", "2", "3", "5", "10"]


def _deduct_item_text(max_: str, pers: list[str], caps: list[str | None]) -> str:
    fields = "\n".join(f"    - {{id: n{i}, type: count, prompt: 个数{i}}}" for i in range(len(pers)))
    clauses = []
    for i, (per, cap) in enumerate(zip(pers, caps)):
        extra = f", cap: {cap}" if cap else ""
        clauses.append(f"    - {{kind: deduct_each, field: n{i}, per: {per}{extra}}}")
    return single_item(
        f"- id: p\n  text: 每发现1个扣分,扣完为止。\n  max: {max_}\n  fields:\n{fields}\n  clauses:\n" + "\n".join(clauses),
        classes=f"A: {{name: 甲类, max: {max_}}}",
    )


def _award_item_text(points: list[str], start: str, per: str) -> str:
    fields = "\n".join(f"    - {{id: b{i}, type: bool, prompt: 是否{i}}}" for i in range(len(points)))
    fields += "\n    - {id: n, type: count, prompt: 问题个数}"
    total = sum((D(p) for p in points), D(0))
    clauses = [f"    - {{kind: award, when: {{field: b{i}}}, points: {p}}}" for i, p in enumerate(points)]
    clauses.append(f"    - {{kind: deduct_each, field: n, per: {per}}}")
    return single_item(
        f"- id: p\n  text: 做到得分,每发现1个问题扣分。\n  max: {total}\n  start: {start}\n  fields:\n{fields}\n  clauses:\n"
        + "\n".join(clauses),
        classes=f"A: {{name: 甲类, max: {total}}}",
    )


_CACHE: dict[str, RuleSet] = {}


def _load_text(text: str) -> RuleSet:
    if text not in _CACHE:
        _CACHE[text] = load_rules("generated.yaml", data=text.encode("utf-8")).ruleset
    return _CACHE[text]


@st.composite
def deduct_cases(draw):
    k = draw(st.integers(1, 3))
    max_ = draw(st.sampled_from(MAXIMA))
    pers = draw(st.lists(st.sampled_from(PER_AMOUNTS), min_size=k, max_size=k))
    caps = draw(st.lists(st.one_of(st.none(), st.sampled_from(["1", "2.5", "4"])), min_size=k, max_size=k))
    counts = draw(st.lists(st.integers(0, 12), min_size=k, max_size=k))
    which = draw(st.integers(0, k - 1))
    return _deduct_item_text(max_, pers, caps), counts, which


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deduct_cases())
def test_property_deduct_each_bounded_and_monotone(case):
    text, counts, which = case
    rs = _load_text(text)
    values = {("p", f"n{i}"): n for i, n in enumerate(counts)}
    r = item(score(rs, values), "p")
    assert D(0) <= r.score <= r.max
    assert r.complete
    more = dict(values)
    more[("p", f"n{which}")] += 1
    r2 = item(score(rs, more), "p")
    assert D(0) <= r2.score <= r2.max
    assert r2.score <= r.score  # one more occurrence never raises the score


@st.composite
def award_cases(draw):
    k = draw(st.integers(1, 4))
    points = draw(st.lists(st.sampled_from(["0.5", "1", "1.5", "2", "3"]), min_size=k, max_size=k))
    start = draw(st.sampled_from(["zero", "max"]))
    per = draw(st.sampled_from(PER_AMOUNTS))
    flags = draw(st.lists(st.booleans(), min_size=k, max_size=k))
    n = draw(st.integers(0, 8))
    which = draw(st.integers(0, k - 1))
    return _award_item_text(points, start, per), flags, n, which


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(award_cases())
def test_property_award_bounded_and_monotone(case):
    text, flags, n, which = case
    rs = _load_text(text)
    values = {("p", f"b{i}"): f for i, f in enumerate(flags)}
    values[("p", "n")] = n
    r = item(score(rs, values), "p")
    assert D(0) <= r.score <= r.max
    satisfied = dict(values)
    satisfied[("p", f"b{which}")] = True
    r_sat = item(score(rs, satisfied), "p")
    assert r_sat.score >= r.score  # a satisfied award never lowers the score
    more = dict(values)
    more[("p", "n")] = n + 1
    assert item(score(rs, more), "p").score <= r.score


@settings(max_examples=40, deadline=None)
@given(
    plus=st.lists(st.sampled_from(["0", "0.5", "1", "1.5", "2"]), min_size=1, max_size=1),
    plus2=st.booleans(),
    minus=st.sampled_from(["0", "0.5", "1", "1.5", "2"]),
    n=st.integers(0, 5),
)
def test_property_bonus_penalty_caps_hold(plus, plus2, minus, n):
    rs = _load_text(BONUS_PENALTY)
    res = score(rs, _bp("5", plus[0], plus2, minus, n))
    assert D(0) <= res.bonus <= D(3)
    assert D(0) <= res.penalty <= D(2)
    assert res.total == res.base + res.bonus - res.penalty


# ------------------------------------------- regressions fixed in scoring.py

NA_BONUS = """\
format: gkscore/1
id: na-bonus
title: 加分项不适用不影响基础分
classes:
  A: {name: 甲类, max: 10}
na_policy: rescale
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: g.1
            text: 评分。
            max: 10
            fields:
              - {id: s, type: score, max: 10, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
  - id: plus
    name: 加分项
    kind: bonus
    cap: 2
    groups:
      - id: plus.g
        name: 网站加分
        items:
          - id: plus.site
            text: 开设网站且获评优秀的,加2分。
            max: 2
            applies_if: {field: has_site}
            fields:
              - {id: has_site, type: bool, prompt: 是否开设网站}
              - {id: good, type: bool, prompt: 是否获评优秀}
            clauses:
              - {kind: award, when: {field: good}, points: 2}
"""


def test_na_bonus_item_does_not_rescale_the_base(load):
    # Regression: an N/A bonus item used to shrink the base denominator
    # (base 5 became 5 × 10/8 = 6.25).
    res = score(load(NA_BONUS), {("g.1", "s"): D(5), ("plus.site", "has_site"): False})
    assert res.base == D(5)
    assert res.bonus == D(0)
    assert [r.id for r in res.items] == ["g.1"]


WEIGHTED_NA = """\
format: gkscore/1
id: weighted-na
title: 加权与不适用
classes:
  A: {name: 甲类, max: 100}
composition: weighted
na_policy: {policy}
sections:
  - id: web
    name: 政府网站
    weight: 0.3
    groups:
      - id: web.g
        name: 网站
        items:
          - id: web.1
            text: 评分。
            max: 60
            fields:
              - {id: s, type: score, max: 60, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
          - id: web.2
            text: 开设互动栏目的,评分。
            max: 40
            applies_if: {field: has}
            fields:
              - {id: has, type: bool, prompt: 是否开设互动栏目}
              - {id: s, type: score, max: 40, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
  - id: nm
    name: 政务新媒体
    weight: 0.7
    groups:
      - id: nm.g
        name: 新媒体
        items:
          - id: nm.1
            text: 评分。
            max: 100
            fields:
              - {id: s, type: score, max: 100, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
"""


@pytest.mark.parametrize("policy", ["rescale", "redistribute"])
def test_weighted_na_rescales_each_section_on_its_own(load, policy):
    # Regression: one class-wide factor (100/60) was applied to every section,
    # so full marks on what applies gave 133.34.
    rs = load(WEIGHTED_NA.replace("{policy}", policy))
    res = score(rs, {("web.1", "s"): D(60), ("web.2", "has"): False, ("nm.1", "s"): D(100)})
    assert res.sections == {"政府网站": D(30), "政务新媒体": D(70)}
    assert res.total == D(100)
    res = score(rs, {("web.1", "s"): D(30), ("web.2", "has"): False, ("nm.1", "s"): D(80)})
    # web 30/60 -> 50 of 100 -> × 0.3 = 15; nm 80 × 0.7 = 56
    assert res.sections == {"政府网站": D(15), "政务新媒体": D(56)}
    assert res.total == D(71)


MAX_LOST_NA = """\
format: gkscore/1
id: maxlost-na
title: 组内扣分上限与不适用
classes:
  A: {name: 甲类, max: 8}
na_policy: redistribute
sections:
  - id: s
    name: 监督检查
    groups:
      - id: g
        name: 检查发现问题
        max_lost: 3
        items:
          - id: g.1
            text: 每发现1个问题扣1分。
            max: 4
            fields:
              - {id: n, type: count, prompt: 问题个数}
            clauses:
              - {kind: deduct_each, field: n, per: 1}
          - id: g.2
            text: 开设网站的,每发现1个问题扣1分。
            max: 4
            applies_if: {field: has}
            fields:
              - {id: has, type: bool, prompt: 是否开设网站}
              - {id: n, type: count, prompt: 问题个数}
            clauses:
              - {kind: deduct_each, field: n, per: 1}
"""


def test_redistribute_keeps_max_lost_relief(load):
    # Regression: redistribute recomputed the section from the item scores and
    # dropped the group's max_lost relief.
    rs = load(MAX_LOST_NA)
    res = score(rs, {("g.1", "n"): 4, ("g.2", "has"): False})
    # g.1 scores 0 of 4, lost 4 > cap 3 -> relief 1; × 8/4 -> item 0 of 8, relief 2
    assert [(r.id, r.max, r.score) for r in res.items] == [("g.1", D(8), D(0))]
    assert res.total == D(2)
    res = score(rs, {("g.1", "n"): 1, ("g.2", "has"): False})
    assert res.total == D(6)  # 3 of 4 -> 6 of 8, no relief


def test_max_lost_does_not_undo_void_if(load):
    # Regression: a voided group got max_lost relief back (5 points voided, cap 2 -> 3).
    text = VOID_IF.replace("        points: 3\n", "        points: 3\n        max_lost: 1\n")
    res = score(load(text), _void_obs(True))
    assert item(res, "g.jd.1").score == D(0)
    assert res.total == D(2)  # only the other group's 2 points
