"""Items that do not apply in a table made of parts ("网站占30%,新媒体占70%",
a unit without 互动交流, 政务微博 or any new media): every na_policy makes up
a part's N/A points within the part, on the part's scale, and a part none of
whose base items applies is left out, its weight shared by the others.  The
example of docs/rule-language.md §14.2 scored as its text works it out by
hand, through the template and the command line; figures and details
agree; the formula workbook is proved equal by LibreOffice."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from conftest import run_cli
from gkscore.exact import ZERO, div, mul, q
from gkscore.rules.model import na_kind
from gkscore.rules.part_checks import part_base_max
from gkscore.rules.resolve import item_max
from gkscore.scoring import Scorer, compile_rules
from scenarios import doc_example, filled, units_file, write
from test_memoised_scoring import items_of, summary
from test_thresholds import load, obs_set

D = Decimal
EXAMPLE = doc_example("parts-na")
POLICIES = {
    "rescale": "rescale",
    "redistribute": "redistribute",
    "normalize": "normalize",
    "prorata-last": "{kind: spread, share: pro_rata, remainder: last}",
    "even-first": "{kind: spread, share: even, remainder: first}",
}


def with_policy(name: str, text: str = EXAMPLE) -> str:
    assert "na_policy: rescale\n" in text
    return text.replace("na_policy: rescale\n", f"na_policy: {POLICIES[name]}\n")


# (unit, answers (item, field) -> text, the units file's attributes): the document's units
UNITS = {
    "甲": ({("unit", "has_talk"): "是", ("unit", "has_weibo"): "是", ("unit", "has_wechat"): "是", ("info", "n"): "2", ("talk", "n"): "1", ("service", "n"): "0", ("design", "n"): "3", ("weibo", "s"): "36", ("wechat", "s"): "55"}, ""),
    "乙": ({("unit", "has_talk"): "否", ("unit", "has_weibo"): "是", ("unit", "has_wechat"): "是", ("info", "n"): "1", ("service", "n"): "3", ("design", "n"): "4", ("weibo", "s"): "30", ("wechat", "s"): "50"}, ""),
    # no new media at all, said in the units file: the template does not ask for it
    "丙": ({("unit", "has_talk"): "是", ("info", "n"): "0", ("talk", "n"): "2", ("service", "n"): "1", ("design", "n"): "0"}, "{has_weibo: false, has_wechat: false}"),
    "丁": ({("unit", "has_talk"): "是", ("unit", "has_weibo"): "否", ("unit", "has_wechat"): "是", ("info", "n"): "0", ("talk", "n"): "0", ("service", "n"): "0", ("design", "n"): "0", ("wechat", "s"): "54"}, ""),
}

# policy -> unit -> (网站, 新媒体 or None when left out, total), as docs/rule-language.md §14.2 works them out
BY_HAND = {
    "rescale": {"甲": (94, 91, D("91.9")), "乙": (D("88.58"), 80, D("82.57")), "丙": (97, None, 97), "丁": (100, 90, 93)},
    "normalize": {"甲": (94, 91, D("91.9")), "乙": (D("88.57"), 80, D("82.57")), "丙": (97, None, 97), "丁": (100, 90, 93)},
    "prorata-last": {"甲": (94, 91, D("91.9")), "乙": (92, 80, D("83.6")), "丙": (97, None, 97), "丁": (100, 94, D("95.8"))},
    "redistribute": {"甲": (94, 91, D("91.9")), "乙": (D("88.58"), 80, D("82.57")), "丙": (97, None, 97), "丁": (100, 90, 93)},
}


@pytest.fixture(scope="module")
def filled_example(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parts-na")
    units = units_file(tmp, [(u, "A", attrs) for u, (_answers, attrs) in UNITS.items()])
    rules = {name: write(tmp, f"{name}.yaml", with_policy(name)) for name in POLICIES}
    answers = {(u, item, field): v for u, (given, _attrs) in UNITS.items() for (item, field), v in given.items()}
    obs = {name: filled(tmp, path, units, answers, f"{name}.csv") for name, path in rules.items()}  # a template per rule file
    return rules, units, obs


def _json(filled_example, policy: str) -> dict:
    rules, units, obs = filled_example
    r = run_cli("--lang", "zh", "score", str(obs[policy]), "--rules", str(rules[policy]), "--units", str(units), "--format", "json")
    assert r.exit_code == 0, r.stderr
    return {u["unit"]: u for u in json.loads(r.stdout, parse_float=D, parse_int=D)["units"]}


@pytest.mark.parametrize("policy", sorted(BY_HAND))
def test_scored_as_worked_by_hand(filled_example, policy):
    units = _json(filled_example, policy)
    got = {name: (u["parts"]["政府网站"], u["parts"]["政务新媒体"], u["total"]) for name, u in units.items()}
    assert got == BY_HAND[policy]


def test_rescale_in_one_part(filled_example):
    units = _json(filled_example, "rescale")
    b = units["乙"]
    # 24 × 100/70 = 34.285… → 34.29 and 38 × 100/70 = 54.285… → 54.29, each rounded; 新媒体 untouched
    assert b["sections"] == {"网站内容": D("34.29"), "网站功能": D("54.29"), "新媒体检查": 80}
    assert b["notes"] == [
        "内容第2项: 不适用 (网站是否开设互动交流栏目 = 是 不成立)",
        "政府网站: 不适用指标 30 分,按 100/70 折算为百分制",
        "总分 0.3 × 88.58 + 0.7 × 80 = 82.574 → 82.57",
    ]
    assert units["丁"]["notes"][1:] == ["政务新媒体: 不适用指标 40 分,按 100/60 折算为百分制", "总分 0.3 × 100 + 0.7 × 90 = 93"]
    # nothing of 甲 is not applicable: scored as without a policy
    assert units["甲"]["notes"] == ["总分 0.3 × 94 + 0.7 × 91 = 91.9"]


def test_spread_pro_rata_with_its_remainder_in_one_part(filled_example):
    units = _json(filled_example, "prorata-last")
    items = {i["id"]: (i["max"], i["score"]) for i in units["乙"]["items"]}
    # 30 × 25/70 = 10.714… → 10.71 twice; the last, 功能设计, 30 × 20/70 = 8.57 plus the remainder 0.01
    assert items == {"info": (D("35.71"), D("34.71")), "service": (D("35.71"), D("32.71")), "design": (D("28.58"), D("24.58")), "weibo": (40, 30), "wechat": (60, 50)}
    assert sum(m for m, _s in list(items.values())[:3]) == 100  # the part's full points
    # 丁: 政务微信 takes all 40 points of 政务微博: 分值 100, 54 + 40
    assert {i["id"]: (i["max"], i["score"]) for i in units["丁"]["items"]}["wechat"] == (100, 94)
    assert units["乙"]["notes"][1] == "政府网站: 不适用指标 30 分按分值比例计入其余指标,扣分不变"


def test_spread_evenly_remainder_first():
    rs = load_text(with_policy("even-first"))
    r = score_one(rs, "乙")
    # 30 ÷ 3 = 10 each, no remainder: 35, 35, 30; each deduction keeps its size: 34 + 32 + 26
    assert {i.id: (i.max, i.score) for i in r.items if i.section_id.startswith("web")} == {"info": (35, 34), "service": (35, 32), "design": (30, 26)}
    assert (r.parts, r.total) == ({"政府网站": 92, "政务新媒体": 80}, D("83.6"))


def test_redistribute_scales_the_items_of_one_part():
    r = score_one(load_text(with_policy("redistribute")), "乙")
    # × 100/70: 25 → 35.71, 20 → 28.57; 24 → 34.29, 22 → 31.43, 16 → 22.86; 新媒体 untouched
    assert {i.id: (i.max, i.score) for i in r.items} == {
        "info": (D("35.71"), D("34.29")), "service": (D("35.71"), D("31.43")), "design": (D("28.57"), D("22.86")), "weibo": (40, 30), "wechat": (60, 50),
    }
    assert (r.parts, r.total) == ({"政府网站": D("88.58"), "政务新媒体": 80}, D("82.57"))


def test_normalize_rounds_once_per_part(filled_example):
    units = _json(filled_example, "normalize")
    b = units["乙"]
    # the subtotals as scored; the part's base (24 + 38) ÷ 70 × 100 = 88.571… rounded once (rescale: 88.58)
    assert b["sections"] == {"网站内容": 24, "网站功能": 38, "新媒体检查": 80}
    assert b["notes"][1:] == ["政府网站: 不适用指标 30 分,按适用指标总分 70 折算: 62 ÷ 70 × 100 = 88.57", "总分 0.3 × 88.57 + 0.7 × 80 = 82.571 → 82.57"]


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_a_part_with_nothing_applicable_is_left_out(filled_example, policy):
    units = _json(filled_example, policy)
    c = units["丙"]
    assert (c["parts"], c["total"], c["grade"]) == ({"政府网站": 97, "政务新媒体": None}, 97, None)  # json: null
    assert c["notes"][2:] == ["政务新媒体: 本部分指标均不适用(共 100 分),该部分不计,其权重由其他部分按权重分摊", "总分 (0.3 × 97) ÷ 0.3 = 97"]
    assert [i["id"] for i in c["items"]] == ["info", "talk", "service", "design"]


def test_reports_leave_the_left_out_part_blank(filled_example):
    rules, units, obs = filled_example
    r = run_cli("--lang", "zh", "score", str(obs["rescale"]), "--rules", str(rules["rescale"]), "--units", str(units), "--format", "csv")
    # a Chinese run: the csv's headers are the published tables' words
    rows = {row["单位"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    assert (rows["丙"]["政府网站"], rows["丙"]["政务新媒体"], rows["丙"]["总分"]) == ("97", "", "97")
    assert (rows["乙"]["政府网站"], rows["乙"]["政务新媒体"], rows["乙"]["总分"]) == ("88.58", "80", "82.57")
    md = run_cli("--lang", "zh", "score", str(obs["rescale"]), "--rules", str(rules["rescale"]), "--units", str(units), "--format", "md").stdout
    assert "| 序号 | 单位 | 类别 | 政府网站 | 政务新媒体 | 加分 | 扣分 | 总分 | 等次 | 排名 |" in md
    assert "| 1 | 丙 | 各部门 | 97 |  |  |  | 97 |  | 1 |" in md  # the class by its name
    # the terminal table takes its columns from the first unit, 丙, whose 政务新媒体 is left out: still both, in order
    table = run_cli("--lang", "zh", "score", str(obs["rescale"]), "--rules", str(rules["rescale"]), "--units", str(units)).stdout.replace("┃", "│")
    assert "│ 政府网站 │ 政务新媒体 │" in table
    lines = [line for line in table.splitlines() if "│ 丙 " in line or "│ 乙 " in line]
    assert [[c.strip() for c in line.split("│")[4:6]] for line in lines] == [["97", ""], ["88.58", "80"]]
    explain = run_cli("--lang", "zh", "explain", str(obs["rescale"]), "--unit", "丙", "--rules", str(rules["rescale"]), "--units", str(units)).stdout
    assert explain.splitlines()[1].startswith("总分 97 (政府网站 97)")


def test_left_out_with_uneven_weights_is_divided_last(tmp_path, zh):
    """(0.35 × 97.35) ÷ 0.35 is 97.35 exactly; a weight re-spread by a
    rounded factor (1 ÷ 0.35 = 2.857…) would not be."""
    text = with_policy("rescale").replace("weight: 0.3,", "weight: 0.35,").replace("weight: 0.7,", "weight: 0.65,")
    text = text.replace("扣1分。\n            max: 20", "扣0.05分。\n            max: 20").replace(
        "              - {id: n, type: count, prompt: 功能设计发现问题多少处？}\n            clauses:\n              - {kind: deduct, each: n, points: 1}",
        "              - {id: n, type: count, prompt: 功能设计发现问题多少处？}\n            clauses:\n              - {kind: deduct, each: n, points: 0.05}",
    )
    rs = load(tmp_path, text).ruleset
    values = {("unit", "has_talk"): True, ("unit", "has_weibo"): False, ("unit", "has_wechat"): False, ("info", "n"): 2, ("talk", "n"): 0, ("service", "n"): 0, ("design", "n"): 13}
    r = Scorer(compile_rules(rs), obs_set(rs, {"戊": ("A", values)})).figures("戊", "A")
    assert (r.parts, r.total) == ({"政府网站": D("97.35"), "政务新媒体": None}, D("97.35"))
    assert r.notes[-1] == "总分 (0.35 × 97.35) ÷ 0.35 = 97.35"


def test_every_part_left_out_scores_zero(tmp_path):
    text = with_policy("rescale")
    for item in ("info", "service", "design"):  # nothing of the website applies either
        text = text.replace(f"          - id: {item}\n", f"          - id: {item}\n            applies_if: {{field: has_talk}}\n", 1)
    rs = load(tmp_path, text).ruleset
    values = {("unit", "has_talk"): False, ("unit", "has_weibo"): False, ("unit", "has_wechat"): False}
    r = Scorer(compile_rules(rs), obs_set(rs, {"己": ("A", values)})).figures("己", "A")
    assert (r.parts, r.total) == ({"政府网站": None, "政务新媒体": None}, 0)
    assert r.notes[-1] == "no indicator applies"


def test_checks_keep_refusing_weighted_composition(tmp_path):
    path = write(tmp_path, "w.yaml", EXAMPLE.replace("na_policy: rescale\n", "na_policy: rescale\ncomposition: weighted\n"))
    r = run_cli("--lang", "zh", "validate", str(path))
    assert r.exit_code == 1 and "w.yaml:7:" in r.stderr and "(parts)" in r.stderr, r.stderr
    for name in POLICIES:
        path = write(tmp_path, f"{name}.yaml", with_policy(name))
        assert run_cli("validate", str(path)).exit_code == 0
        lint = run_cli("lint", str(path))
        assert lint.exit_code == 0 and "(note)" in lint.stdout + lint.stderr and "(parts)" not in lint.stdout + lint.stderr


def test_rules_json_shows_the_parts_and_the_policy(tmp_path):
    path = write(tmp_path, "p.yaml", with_policy("prorata-last"))
    tree = json.loads(run_cli("rules", str(path), "--format", "json").stdout)
    assert tree["na_policy"] == {"kind": "spread", "share": "pro_rata", "remainder": "last"}
    assert tree["parts"] == [{"id": "web", "name": "政府网站", "weight": 0.3, "max": {"A": 100}}, {"id": "media", "name": "政务新媒体", "weight": 0.7, "max": {"A": 100}}]


# ------------------------------------------- figures and details agree


def load_text(text: str, name: str = "rules"):
    import tempfile
    from pathlib import Path

    return load(Path(tempfile.mkdtemp(prefix="gk-parts-na-")), text, name).ruleset


def typed(given: dict) -> dict:
    out = {}
    for key, v in given.items():
        out[key] = {"是": True, "否": False}.get(v, D(v) if v.replace(".", "").isdigit() else v)
    return out


def score_values(unit: str) -> dict:
    """A document unit's answers, typed, its units file's attributes included."""
    given, attrs = UNITS[unit]
    values = typed(given)
    if attrs:
        values.update({("unit", "has_weibo"): False, ("unit", "has_wechat"): False})
    return values


def score_one(rs, unit: str):
    scorer = Scorer(compile_rules(rs), obs_set(rs, {unit: ("A", score_values(unit))}))
    return scorer.detail(scorer.figures(unit, "A"))


def folded_parts(rs, d) -> tuple[dict, Decimal]:
    """A unit's part scores and total from its detail's items, as
    docs/rule-language.md §14.2 states them (a table without bonus, penalty,
    gates or vetoes): per part, the N/A points are its base points less the
    分值 its applicable items had; rescale scales each section, normalize the
    part's sum, once; redistributed and spread items carry their new scores;
    a part with nothing applicable is left out."""
    kind, p, cls = na_kind(rs), rs.precision, d.cls
    parts, weighted, weights = {}, ZERO, ZERO
    for part in rs.parts:
        full = part_base_max(rs, part.id, cls)
        sections = [s for s in rs.sections if s.part == part.id and s.kind == "base"]
        applicable = sum((item_max(it, cls) for s in sections for g in s.groups for it in g.items if any(i.id == it.id for i in d.items)), ZERO)
        if applicable == 0:
            parts[part.name] = None
            continue
        subtotal = {s.id: sum((i.score for i in d.items if i.section_id == s.id), ZERO) for s in sections}
        if applicable == full or kind in ("redistribute", "spread"):
            score = sum(subtotal.values(), ZERO)
        elif kind == "rescale":
            score = sum((q(div(mul(v, full), applicable), p) for v in subtotal.values()), ZERO)
        else:
            score = q(div(mul(sum(subtotal.values(), ZERO), full), applicable), p)
        parts[part.name] = score
        weighted += mul(part.weight, score)
        weights += part.weight
    return parts, (q(div(weighted, weights), p) if weights else ZERO)


@pytest.mark.parametrize("policy", sorted(POLICIES))
@pytest.mark.parametrize("partial", [False, True], ids=["filled", "blanks"])
def test_figures_and_details_agree(policy, partial):
    """Memoised figures (cold, warm, in reverse order) equal each unit
    scored alone; each detail carries the figures and its items fold back
    into the parts and the total."""
    from test_formulas import random_set

    from gkscore.rules.load import load_rules

    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp(prefix="gk-parts-na-")) / "r.yaml"
    path.write_text(with_policy(policy), encoding="utf-8")
    lr = load_rules(str(path))
    rs = lr.ruleset
    obs = random_set(lr, {f"单位{i:02d}": "A" for i in range(60)}, seed=20260 + 2 * sorted(POLICIES).index(policy) + partial, missing=0.1 if partial else 0.0)
    compiled = compile_rules(rs)
    alone = {}
    for unit, cls in obs.units.items():
        scorer = Scorer(compiled, obs)
        figures = scorer.figures(unit, cls)
        alone[unit] = (summary(figures), figures.parts, items_of(scorer.detail(figures)))
    shared = Scorer(compiled, obs)
    for _round in range(2):  # cold, then warm
        for unit, cls in obs.units.items():
            r = shared.figures(unit, cls)
            assert (summary(r), r.parts) == alone[unit][:2]
    other = Scorer(compiled, obs)
    for unit, cls in reversed(list(obs.units.items())):
        r = other.figures(unit, cls)
        assert (summary(r), r.parts) == alone[unit][:2]
    left_out = made_up = 0
    for unit, cls in obs.units.items():
        r = shared.figures(unit, cls)
        d = shared.detail(r)
        assert (summary(d), d.parts, items_of(d)) == alone[unit]
        assert folded_parts(rs, d) == (r.parts, r.total), unit
        left_out += None in r.parts.values()
        made_up += any("不适用" in n or "do not apply" in n for n in r.notes)
    assert left_out and made_up  # the random units exercise both


# ------------------------------------------------------- formula workbook

# Parts with N/A items, a group max_lost, each part's bonus or penalty with
# its cap, gates, a part veto that stops scoring the part, one that fixes its
# score and the grade, and a veto of the whole table.
FX_PARTS_NA = """\
format: gkscore/1
id: fx-parts-na
title: 公式测试(分部加权,不适用指标)
precision: 2
classes:
  F: {name: 己类, max: 100}
na_policy: POLICY
grades:
  bands: [{grade: 优秀, at_least: 90}, {grade: 良好, above: 80}, {grade: 合格, at_least: 60}, {grade: 不合格}]
unit_fields:
  - {id: talk, type: bool, prompt: 是否开设互动交流}
  - {id: weibo, type: bool, prompt: 是否开设微博}
  - {id: wechat, type: bool, prompt: 是否开设微信}
parts:
  - {id: pa, name: 网站部分, weight: 0.35, points: 100}
  - {id: pb, name: 新媒体部分, weight: 0.65, points: 100}
vetoes:
  - id: pa.stop
    part: pa
    text: 网站被篡改的,网站部分计0分,不再评分
    fields: [{id: hacked, type: bool, prompt: 是否被篡改}]
    when: {field: hacked}
    total: 0
    stops: true
  - id: pb.idle
    part: pb
    text: 新媒体停更的,新媒体部分计40分,等次为不合格
    fields: [{id: idle, type: bool, prompt: 是否停更}]
    when: {field: idle}
    total: 40
    grade: 不合格
  - id: whole
    text: 弄虚作假的,总分计0分
    fields: [{id: fake, type: bool, prompt: 是否弄虚作假}]
    when: {field: fake}
    total: 0
gates:
  - {kind: bonus_requires_base, part: pa, above: 80}
  - {kind: fail_below, part: pb, below: 50, grade: 不合格}
sections:
  - id: pa.base
    name: 网站检查
    part: pa
    groups:
      - id: pa.g
        name: 网站
        max_lost: 25
        items:
          - id: pa.1
            text: 评定0-40分。
            max: 40
            fields: [{id: s, type: score, max: 40, step: 0.05, prompt: 评定}]
            clauses:
              - {kind: judged, field: s}
          - id: pa.2
            text: 开设互动交流的,每个问题扣1.5分。
            max: 30
            applies_if: {field: talk}
            fields: [{id: n, type: count, prompt: 问题数}]
            clauses:
              - {kind: deduct_each, field: n, per: 1.5}
  - id: pa.more
    name: 网站功能
    part: pa
    groups:
      - id: pa.h
        name: 功能
        items:
          - id: pa.3
            text: 每个问题扣1分。
            max: 30
            fields: [{id: n, type: count, prompt: 问题数}]
            clauses:
              - {kind: deduct, each: n, points: 1}
  - id: pa.plus
    name: 网站加分
    part: pa
    kind: bonus
    cap: 6
    groups:
      - id: pa.plus.g
        name: 加分
        items:
          - id: pa.plus.1
            text: 创新加4分。
            max: 4
            fields: [{id: new, type: bool, prompt: 是否创新}]
            clauses:
              - {kind: award, when: {field: new}, points: 4}
          - id: pa.plus.2
            text: 评定加0-5分。
            max: 5
            fields: [{id: s, type: score, max: 5, step: 0.5, prompt: 评定}]
            clauses:
              - {kind: judged, field: s}
  - id: pb.base
    name: 新媒体检查
    part: pb
    groups:
      - id: pb.g
        name: 新媒体
        items:
          - id: pb.1
            text: 开设微博的,评定0-45分。
            max: 45
            applies_if: {field: weibo}
            fields: [{id: s, type: score, max: 45, step: 0.25, prompt: 评定}]
            clauses:
              - {kind: judged, field: s}
          - id: pb.2
            text: 开设微信的,评定0-55分。
            max: 55
            applies_if: {field: wechat}
            fields: [{id: s, type: score, max: 55, step: 0.5, prompt: 评定}]
            clauses:
              - {kind: judged, field: s}
  - id: pb.minus
    name: 新媒体扣分
    part: pb
    kind: penalty
    cap: 5
    groups:
      - id: pb.minus.g
        name: 扣分
        items:
          - id: pb.minus.1
            text: 被通报的扣3分。
            max: 3
            fields: [{id: named, type: bool, prompt: 是否被通报}]
            clauses:
              - {kind: award, when: {field: named}, points: 3}
          - id: pb.minus.2
            text: 舆情处置不当每起扣2分,最多4分。
            max: 4
            fields: [{id: k, type: count, max: 3, prompt: 起数}]
            clauses:
              - {kind: award, when: {field: k, ge: 1}, points: 2}
              - {kind: award, when: {field: k, ge: 2}, points: 2}
"""


def fx_values(talk=True, weibo=True, wechat=True, hacked=False, idle=False) -> dict:
    """Answers to FX_PARTS_NA: every item half way or so."""
    return {
        ("unit", "talk"): talk, ("unit", "weibo"): weibo, ("unit", "wechat"): wechat, ("pa.1", "s"): D("33.35"), ("pa.2", "n"): 3, ("pa.3", "n"): 2,
        ("pa.plus.1", "new"): True, ("pa.plus.2", "s"): D("3.5"), ("pb.1", "s"): D("40.25"), ("pb.2", "s"): D("41.5"), ("pb.minus.1", "named"): True,
        ("pb.minus.2", "k"): 2, ("pa.stop", "hacked"): hacked, ("pb.idle", "idle"): idle, ("whole", "fake"): False,
    }


# a part's veto with nothing of the part applicable: the veto scores the part, which keeps its weight
VETOED_UNITS = {
    "停更无新媒体": {"weibo": False, "wechat": False, "idle": True},
    "篡改无互动": {"talk": False, "hacked": True, "weibo": False},
    "无新媒体": {"weibo": False, "wechat": False},
}


def test_a_part_its_veto_scores_keeps_its_weight(tmp_path):
    rs = load(tmp_path, FX_PARTS_NA.replace("POLICY", "rescale")).ruleset
    figures = {u: Scorer(compile_rules(rs), obs_set(rs, {u: ("F", fx_values(**given))})).figures(u, "F") for u, given in VETOED_UNITS.items()}
    idle = figures["停更无新媒体"]
    # 网站: 33.35 + 30 - 4.5 + 30 - 2 = 86.85 above 80: bonus 4 + 3.5 capped at 6; 新媒体: the veto's 40, grade 不合格
    assert (idle.parts, idle.total, idle.grade) == ({"网站部分": D("92.85"), "新媒体部分": 40}, D("58.50"), "不合格")  # 32.4975 + 26 = 58.4975
    hacked = figures["篡改无互动"]
    # 网站 stopped at 0; 新媒体: 41.5 × 100/55 = 75.45, less the penalty 3 + 4 capped at 5
    assert (hacked.parts, hacked.total) == ({"网站部分": 0, "新媒体部分": D("70.45")}, D("45.79"))  # 0.65 × 70.45 = 45.7925
    alone = figures["无新媒体"]
    # 新媒体 left out, with its penalty: the total is the website's 92.85
    assert (alone.parts, alone.total, alone.grade) == ({"网站部分": D("92.85"), "新媒体部分": None}, D("92.85"), "优秀")


def test_the_formula_workbook_computes_what_gkscore_does(tmp_path):
    """Every policy, on random units (and with blanks, --partial) of a table
    of parts with bonus, penalty, gates and vetoes, and on the document's
    units: LibreOffice's figures equal gkscore's, and a part left out is a
    blank cell."""
    from lo import computed, recalc_many
    from test_formulas import disagreements, make_run, random_set

    from gkscore.render.xlsx_formulas import write_formula_workbook

    paths, runs = [], []
    for n, (name, policy) in enumerate(POLICIES.items()):
        lr = load(tmp_path, FX_PARTS_NA.replace("POLICY", policy).replace("fx-parts-na", f"fx-parts-na-{name}"), name)
        doc = load(tmp_path, with_policy(name).replace("parts-na-demo", f"parts-na-{name}"), f"{name}-doc")
        documented = obs_set(doc.ruleset, {u: ("A", score_values(u)) for u in UNITS})
        vetoed = load(tmp_path, FX_PARTS_NA.replace("POLICY", policy).replace("fx-parts-na", f"fx-vetoed-{name}"), f"{name}-vetoed")
        for partial in (False, True):
            units = {f"单位{i:02d}": "F" for i in range(50)}
            run = make_run([
                (lr, random_set(lr, units, seed=20270 + 2 * n + partial, missing=0.08 if partial else 0.0)),
                (doc, documented),
                (vetoed, obs_set(vetoed.ruleset, {unit: ("F", fx_values(**given)) for unit, given in VETOED_UNITS.items()})),
            ])
            path = tmp_path / f"{name}-{partial}.xlsx"
            write_formula_workbook(run, str(path))
            paths.append(path)
            runs.append(run)
    results = [r for run in runs for r in run.results if r.rules_id.startswith("fx-parts-na")]
    notes = [n for r in results for n in r.notes]
    # the random units exercise what matters: N/A points in each part, a part left out, vetoes, gates, caps
    for part in ("网站部分: ", "新媒体部分: "):
        assert any(n.startswith(part) and "不适用" in n or n.startswith(part) and "do not apply" in n for n in notes), part
    assert any(None in r.parts.values() for r in results) and any(r.veto for r in results)
    recalculated = recalc_many(paths, tmp_path / "out")
    for run, path in zip(runs, recalculated):
        assert disagreements(run, path) == []
        wb = computed(path)
        rows = list(wb["汇总"].iter_rows(values_only=True))
        head = rows[0]
        by_unit = {row[0]: dict(zip(head, row)) for row in rows[1:]}
        for r in run.results:
            rs = next(lr.ruleset for lr in run.rules if lr.ruleset.id == r.rules_id)
            for part in rs.parts:
                col = next(h for h in head if h == part.name or h == f"{part.name}({rs.id})")
                if r.parts[part.name] is None:  # left out: blank
                    assert by_unit[r.unit][col] in (None, ""), (r.unit, part.name, by_unit[r.unit][col])
