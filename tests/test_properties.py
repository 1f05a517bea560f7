"""Properties of scoring over generated rule files and observations (hypothesis).

Rule files are generated as YAML text (items of the kinds award, deduct_each,
sampled and judged with random per-class maxima, a bonus and a penalty
section with caps) and loaded through the real loader with every check;
observations are built directly as ObservationSets, and once through the
real csv reader with shuffled rows.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkscore.observations.types import Observation, ObservationSet, Source
from gkscore.rules.load import load_rules
from gkscore.scoring import score_unit

D = Decimal
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HALVES = st.integers(min_value=1, max_value=8).map(lambda n: D(n) / 2)  # 0.5 .. 4
TENTHS = st.integers(min_value=1, max_value=9).map(lambda n: D(n) / 10)  # 0.1 .. 0.9


@st.composite
def item_specs(draw):
    kind = draw(st.sampled_from(["award", "deduct_each", "sampled", "judged"]))
    ma, mb = draw(HALVES), draw(HALVES)
    spec = {"kind": kind, "max": {"A": ma, "B": mb}}
    if kind == "award":
        # two checks, each worth part of the item (per class)
        spec["split"] = draw(st.integers(min_value=1, max_value=3))
    elif kind == "deduct_each":
        spec["per"] = draw(TENTHS)
    elif kind == "sampled":
        spec["sample"] = draw(st.integers(min_value=1, max_value=10))
        spec["per"] = draw(TENTHS)
    return spec


def _pts(m: Decimal, split: int) -> tuple[Decimal, Decimal]:
    first = (m * split / 4).quantize(D("0.01"))
    return first, m - first


def item_yaml(i: int, spec: dict) -> str:
    ma, mb = spec["max"]["A"], spec["max"]["B"]
    head = f"          - id: i{i}\n            text: 第{i}项\n            max: {{A: {ma}, B: {mb}}}\n"
    k = spec["kind"]
    if k == "award":
        a1, a2 = _pts(ma, spec["split"])
        b1, b2 = _pts(mb, spec["split"])
        return head + (
            "            start: zero\n"
            "            fields:\n"
            "              - {id: x, type: bool, prompt: 甲}\n"
            "              - {id: y, type: bool, prompt: 乙}\n"
            "            clauses:\n"
            f"              - {{kind: award, when: {{field: x}}, points: {{A: {a1}, B: {b1}}}}}\n"
            f"              - {{kind: award, when: {{field: y}}, points: {{A: {a2}, B: {b2}}}}}\n"
        )
    if k == "deduct_each":
        return head + (
            "            fields:\n"
            "              - {id: n, type: count, prompt: 问题数}\n"
            "            clauses:\n"
            f"              - {{kind: deduct_each, field: n, per: {spec['per']}}}\n"
        )
    if k == "sampled":
        s = spec["sample"]
        return head + (
            "            fields:\n"
            f"              - {{id: ok, type: count, max: {s}, prompt: 合格数}}\n"
            "            clauses:\n"
            f"              - {{kind: sampled, field: ok, sample: {s}, per: {spec['per']}, counts: passed}}\n"
        )
    return head + (
        "            fields:\n"
        f"              - {{id: s, type: score, max: {{A: {ma}, B: {mb}}}, step: 0.5, prompt: 得分}}\n"
        "            clauses:\n"
        "              - {kind: judged, field: s}\n"
    )


@st.composite
def rule_files(draw):
    specs = draw(st.lists(item_specs(), min_size=1, max_size=5))
    bonus_cap, penalty_cap = draw(HALVES), draw(HALVES)
    tot_a = sum(s["max"]["A"] for s in specs)
    tot_b = sum(s["max"]["B"] for s in specs)
    items = "".join(item_yaml(i, s) for i, s in enumerate(specs))
    text = f"""\
format: gkscore/1
id: gen
title: 生成的规则
classes:
  A: {{name: 甲类, max: {tot_a}}}
  B: {{name: 乙类, max: {tot_b}}}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
{items}  - id: plus
    name: 加分项
    kind: bonus
    cap: {bonus_cap}
    groups:
      - id: pg
        name: 加分
        items:
          - id: p1
            text: 加分
            max: 4
            fields:
              - {{id: s, type: score, max: 4, step: 0.5, prompt: 加分}}
            clauses:
              - {{kind: judged, field: s}}
          - id: p2
            text: 加分二
            max: 4
            fields:
              - {{id: s, type: score, max: 4, step: 0.5, prompt: 加分}}
            clauses:
              - {{kind: judged, field: s}}
  - id: minus
    name: 扣分项
    kind: penalty
    cap: {penalty_cap}
    groups:
      - id: mg
        name: 扣分
        items:
          - id: m1
            text: 扣分
            max: 4
            fields:
              - {{id: s, type: score, max: 4, step: 0.5, prompt: 扣分}}
            clauses:
              - {{kind: judged, field: s}}
"""
    lr = load_rules("generated.yaml", data=text.encode("utf-8"))
    return lr, specs, bonus_cap, penalty_cap


@st.composite
def values_for(draw, specs, cls):
    vals = {}
    for i, s in enumerate(specs):
        k = s["kind"]
        if k == "award":
            vals[(f"i{i}", "x")] = draw(st.booleans())
            vals[(f"i{i}", "y")] = draw(st.booleans())
        elif k == "deduct_each":
            vals[(f"i{i}", "n")] = draw(st.integers(min_value=0, max_value=40))
        elif k == "sampled":
            vals[(f"i{i}", "ok")] = draw(st.integers(min_value=0, max_value=s["sample"]))
        else:
            vals[(f"i{i}", "s")] = D(draw(st.integers(min_value=0, max_value=int(s["max"][cls] * 2)))) / 2
    for owner in ("p1", "p2", "m1"):
        vals[(owner, "s")] = D(draw(st.integers(min_value=0, max_value=8))) / 2
    return vals


def obs_set(values: dict, cls: str, unit: str = "某单位", order=None) -> ObservationSet:
    oset = ObservationSet("gen", "sha")
    oset.units[unit] = cls
    keys = list(values)
    if order is not None:
        order.shuffle(keys)
    for line, (owner, field_id) in enumerate(keys, start=2):
        oset.values[(unit, owner, field_id)] = Observation(unit, owner, field_id, values[(owner, field_id)], Source("t.csv", line=line))
    return oset


def run(lr, values, cls, order=None):
    return score_unit(lr.ruleset, cls, "某单位", obs_set(values, cls, order=order))


@st.composite
def cases(draw):
    lr, specs, bcap, pcap = draw(rule_files())
    cls = draw(st.sampled_from(["A", "B"]))
    values = draw(values_for(specs, cls))
    return lr, specs, bcap, pcap, cls, values


EXACT = re.compile(r"^-?\d+(\.\d{1,4})?$")


@SETTINGS
@given(cases())
def test_scores_within_bounds_caps_and_exact(case):
    lr, specs, bcap, pcap, cls, values = case
    res = run(lr, values, cls)
    for it in res.items:
        assert D(0) <= it.score <= it.max, (it.id, it.score, it.max)
    for i, s in enumerate(specs):
        it = next(x for x in res.items if x.id == f"i{i}")
        assert it.max == s["max"][cls]
    assert D(0) <= res.bonus <= bcap
    assert D(0) <= res.penalty <= pcap
    assert res.total == res.base + res.bonus - res.penalty
    for number in (res.total, res.base, res.bonus, res.penalty, *(it.score for it in res.items)):
        assert EXACT.match(str(number)), number  # no float artefact such as 0.30000000000000004


@SETTINGS
@given(cases(), st.data())
def test_one_more_problem_never_raises_a_score(case, data):
    lr, specs, _b, _p, cls, values = case
    base = run(lr, values, cls)
    for i, s in enumerate(specs):
        worse = dict(values)
        if s["kind"] == "deduct_each":
            worse[(f"i{i}", "n")] = values[(f"i{i}", "n")] + 1
        elif s["kind"] == "sampled" and values[(f"i{i}", "ok")] > 0:
            worse[(f"i{i}", "ok")] = values[(f"i{i}", "ok")] - 1
        elif s["kind"] == "award":
            key = (f"i{i}", data.draw(st.sampled_from(["x", "y"])))
            if not values[key]:
                continue
            worse[key] = False
        else:
            continue
        after = run(lr, worse, cls)
        b = next(x for x in base.items if x.id == f"i{i}").score
        a = next(x for x in after.items if x.id == f"i{i}").score
        assert a <= b
        assert after.total <= base.total


@SETTINGS
@given(cases())
def test_a_satisfied_check_never_lowers_a_score(case):
    lr, specs, _b, _p, cls, values = case
    base = run(lr, values, cls)
    for i, s in enumerate(specs):
        if s["kind"] != "award":
            continue
        for f in ("x", "y"):
            better = dict(values)
            better[(f"i{i}", f)] = True
            after = run(lr, better, cls)
            assert next(x for x in after.items if x.id == f"i{i}").score >= next(x for x in base.items if x.id == f"i{i}").score
            assert after.total >= base.total


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_order_does_not_matter_and_scoring_is_repeatable(case, rnd):
    lr, _specs, _b, _p, cls, values = case
    one = run(lr, values, cls)
    two = run(lr, values, cls)
    shuffled = run(lr, values, cls, order=rnd)
    for other in (two, shuffled):
        assert other.total == one.total and other.bonus == one.bonus and other.penalty == one.penalty
        assert [(x.id, x.score) for x in other.items] == [(x.id, x.score) for x in one.items]


def test_order_of_csv_rows_and_files_through_the_real_reader(tmp_path):
    """Shuffled rows and files, read by the csv reader: the same totals."""
    from test_obs_helpers import demo_template, fill_csv, read_csv_rows, write_csv_rows

    from gkscore.pipeline import Options, run as run_pipeline
    from test_obs_helpers import DEMO_RULES, DEMO_UNITS

    src = demo_template(tmp_path, "obs.csv")
    fill_csv(src, 7)
    rows = read_csv_rows(src)
    head, body = rows[0], [r for r in rows[1:] if r]

    def totals(paths):
        result = run_pipeline(Options(observations=[str(p) for p in paths], rules=[str(DEMO_RULES)], units=str(DEMO_UNITS)))
        return sorted((r.unit, r.total, tuple((i.id, i.score) for i in r.items)) for r in result.results)

    want = totals([src])
    rng = random.Random(11)
    for n in range(3):
        shuffled = body[:]
        rng.shuffle(shuffled)
        cut = rng.randint(1, len(shuffled) - 1)
        a, b = tmp_path / f"a{n}.csv", tmp_path / f"b{n}.csv"
        write_csv_rows(a, [head] + shuffled[:cut])
        write_csv_rows(b, [head] + shuffled[cut:])
        assert totals([a, b]) == want
        assert totals([b, a]) == want
