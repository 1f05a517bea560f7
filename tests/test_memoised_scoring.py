"""The memoised evaluator against itself without a memo, and a unit's detail
against its figures, over generated observations for every clause kind and
feature (N/A policies, composition, gates, vetoes, --partial, adjustments).

Figures and details come from one evaluator behind a memo that looks a group's
(and an item's) result up by the values it reads, so the risks are a key that
merges values the evaluator tells apart (True and 1, Decimal 1 and 1.0, a
blank and a zero), a key that misses a position the result depends on
(void_if, applies_if, only_if, vetoes), and a cached result reused under
other circumstances (another class, a voided group, --partial, an adjusted
value).  Every test scores the same units with the memo cold, warm and filled
in another unit order, and compares them with each unit scored by a fresh
scorer (nothing remembered from another unit); units share value rows (and
classes differ among them) so that memo hits happen.  Each unit's detail must
then carry the items its figures are made of: the test folds the items back
into the figures the way docs/rule-language.md states them.

Observation sets are built both as plain mappings of Observations (memo keys
from the typed values) and through the real csv reader (the compact store:
memo keys from value codes), with adjustments on top.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import test_rule_kinds as kinds
from gkscore.engine import memo as engine_memo
from gkscore.engine.results import ItemResult, Observations
from gkscore.exact import ZERO, clamp, div, mul, q
from gkscore.observations.types import Observation, ObservationSet, Source
from gkscore.rules.load import load_rules
from gkscore.rules.model import na_kind
from gkscore.rules.resolve import fields_index, item_max, per_class
from gkscore.scoring import Scorer, compile_rules, grade_for

D = Decimal
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Every feature at once, two classes: a void group with max_lost and a
# per-class item max, date/number/count thresholds (the memo keys these by
# their test results), applies_if with na_policy redistribute (and a section
# whose only item may not apply), graded, percent, coverage, sampled, only_if
# on a clause, a field no clause reads (a blank one still leaves the item
# incomplete), bonus and penalty caps, both gates and two vetoes (one on a
# number threshold).
MIXED = """\
format: gkscore/1
id: mixed
title: 综合
classes:
  A: {name: 甲类, max: 24}
  B: {name: 乙类, max: 21}
na_policy: redistribute
grades:
  bands: [{grade: 优秀, min: 18}, {grade: 良好, min: 12}, {grade: 合格, min: 6}, {grade: 不合格}]
gates:
  - {kind: bonus_requires_base, min_base: 8}
  - {kind: fail_below, base_below: 3, grade: 不合格}
vetoes:
  - id: v.fake
    text: 弄虚作假的,等次为不合格。
    fields:
      - {id: fake, type: bool, prompt: 是否弄虚作假}
    when: {field: fake}
    grade: 不合格
  - id: v.drop
    text: 得分率下降超过20个百分点的,总分计0分。
    fields:
      - {id: drop, type: number, min: 0, max: 100, prompt: 下降百分点}
    when: {field: drop, gt: 20}
    total: 0
sections:
  - id: a
    name: 一
    groups:
      - id: a.g
        name: 甲组
        max_lost: {A: 3, B: 2}
        fields:
          - {id: mismatch, type: bool, prompt: 是否不符}
          - {id: share, type: number, min: 0, max: 100, prompt: 公开比例}
        void_if: {any: [{field: mismatch}, {field: share, lt: 10}]}
        void_text: 不符的,不得分
        items:
          - id: a.g.date
            text: 按期发布得2分。
            max: 2
            fields:
              - {id: published, type: date, prompt: 发布日期}
            clauses:
              - {kind: award, when: {field: published, le: 2020-03-31}, points: 2}
          - id: a.g.num
            text: 期限不少于30天或说明理由得1分;次数超过2次得1分。
            max: 2
            fields:
              - {id: days, type: number, min: 0, max: 100, prompt: 天数}
              - {id: reason, type: bool, prompt: 是否说明理由}
              - {id: times, type: count, prompt: 次数}
            clauses:
              - kind: award
                when: {any: [{field: days, ge: 30}, {field: reason}]}
                points: 1
              - {kind: award, when: {field: times, gt: 2}, points: 1}
          - id: a.g.each
            text: 每个问题扣1分,每个小问题扣0.5分(最多1.5分)。
            max: {A: 4, B: 3}
            fields:
              - {id: n, type: count, prompt: 问题数}
              - {id: m, type: count, prompt: 小问题数}
            clauses:
              - {kind: deduct_each, field: n, per: 1}
              - {kind: deduct_each, field: m, per: 0.5, cap: 1.5}
      - id: a.h
        name: 乙组
        items:
          - id: a.h.site
            text: 开设网站的,评分。
            max: 3
            applies_if: {field: has_site}
            fields:
              - {id: has_site, type: bool, prompt: 是否开设网站}
              - {id: s, type: score, max: 3, step: 0.5, prompt: 评分}
            clauses:
              - {kind: judged, field: s}
          - id: a.h.lvl
            text: 优2分,良1分,差0分。
            max: {A: 2, B: null}
            fields:
              - {id: level, type: choice, choices: [优, 良, 差], prompt: 等级}
            clauses:
              - {kind: graded, field: level, levels: {优: 2, 良: 1, 差: 0}}
          - id: a.h.pc
            text: 按比例得分。
            max: 3
            fields:
              - {id: rate, type: number, min: 0, max: 100, unit: "%", prompt: 比例}
            clauses:
              - {kind: percent, field: rate, points: 3}
          - id: a.h.cov
            text: 3种形式涉及2种即得满分。
            max: 1
            fields:
              - {id: pic, type: bool, prompt: 图片}
              - {id: video, type: bool, prompt: 视频}
              - {id: chart, type: bool, prompt: 图表}
            clauses:
              - {kind: coverage, fields: [pic, video, chart], points: 1, full_at: 2, mode: proportional}
          - id: a.h.samp
            text: 抽查4个,每少一个合格扣0.5分。
            max: 2
            fields:
              - {id: ok, type: count, max: 4, prompt: 合格数}
            clauses:
              - {kind: sampled, field: ok, sample: 4, per: 0.5, counts: passed}
          - id: a.h.oi
            text: 未按时发布的扣1分;逾期的每天再扣0.5分。
            max: 2
            fields:
              - {id: late, type: bool, prompt: 是否未按时}
              - {id: days_late, type: count, prompt: 逾期天数}
            clauses:
              - {id: late, kind: deduct, when: {field: late}, points: 1}
              - {kind: deduct_each, only_if: {clause: late}, field: days_late, per: 0.5}
              - {kind: deduct, only_if: {field: days_late, ge: 3}, when: {not: {field: late}}, points: 0.5}
      - id: a.k
        name: 丙组
        items:
          - id: a.k.1
            text: 按比例得分,满分2分。
            max: 2
            fields:
              - {id: rate, type: number, min: 0, max: 100, prompt: 比例}
              - {id: checked, type: bool, prompt: 是否核实}
            clauses:
              - {kind: award, when: {field: rate, ge: 50}, points: 1}
              - {kind: percent, field: rate, points: 1}
  - id: b
    name: 二
    groups:
      - id: b.g
        name: 丁组
        items:
          - id: b.g.app
            text: 开设应用的,得1分。
            max: 1
            applies_if: {field: has_app}
            fields:
              - {id: has_app, type: bool, prompt: 是否开设应用}
              - {id: listed, type: bool, prompt: 是否上架}
            clauses:
              - {kind: award, when: {field: listed}, points: 1}
  - id: plus
    name: 加分项
    kind: bonus
    cap: 2
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
            text: 专题公开,得1分。
            max: 1
            fields:
              - {id: done, type: bool, prompt: 是否开设专题}
            clauses:
              - {kind: award, when: {field: done}, points: 1}
  - id: minus
    name: 扣分项
    kind: penalty
    cap: {A: 2, B: 1}
    groups:
      - id: minus.g
        name: 负面事件
        items:
          - id: minus.1
            text: 每发生1起舆情事件扣1分。
            max: 2
            start: zero
            fields:
              - {id: n, type: count, prompt: 舆情事件数}
            clauses:
              - {kind: award, when: {field: n, ge: 1}, points: 1}
              - {kind: award, when: {field: n, ge: 2}, points: 1}
"""

# the rule files of test_rule_kinds (one per kind and feature), and MIXED
RULE_TEXTS = {
    name: getattr(kinds, name)
    for name in (
        "AWARD_THRESHOLDS", "AWARD_DATE", "AWARD_LOGIC", "AWARD_CHOICE", "DEDUCT", "DEDUCT_EACH", "DEDUCT_EACH_CLASSES",
        "DEDUCT_EACH_CAP", "SAMPLED", "COVERAGE", "JUDGED", "GRADED", "PERCENT", "ONLY_IF", "VOID_IF", "BONUS_PENALTY",
        "MAX_LOST", "VETO", "GATE_BONUS", "GATE_FAIL", "WEIGHTED", "GRADES", "CLASSES", "MISSING",
    )
}
RULE_TEXTS.update({f"NA_{p}": kinds.NA.replace("{policy}", p) for p in ("rescale", "redistribute", "normalize")})
RULE_TEXTS["NA_spread"] = kinds.NA.replace("{policy}", "{kind: spread, share: even, remainder: last}")
RULE_TEXTS["MIXED"] = MIXED
# every feature with the N/A points spread pro rata (a void group, max_lost, a section that may not apply)
RULE_TEXTS["MIXED_SPREAD"] = MIXED.replace("na_policy: redistribute", "na_policy: {kind: spread, share: pro_rata, remainder: first}")
RULE_NAMES = sorted(RULE_TEXTS)


@lru_cache(maxsize=None)
def loaded(name: str):
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="gk-lean-memo-")) / f"{name.lower()}.yaml"
    path.write_text(textwrap.dedent(RULE_TEXTS[name]), encoding="utf-8")
    return load_rules(str(path))


def summary(r) -> tuple:
    """Every figure a summary shows, Decimals by their text (0 and 0.00 differ
    in an output)."""
    return (
        r.unit, r.cls, r.rules_id, {k: str(v) for k, v in r.sections.items()}, str(r.base), str(r.bonus), str(r.penalty),
        str(r.total), str(r.bonus_raw), str(r.penalty_raw), r.grade, r.complete, list(r.notes), r.veto, r.base_sections,
    )


def items_of(d) -> list[tuple]:
    """Everything a report shows of a detail's items."""
    return [
        (i.id, i.section_id, i.section, i.section_kind, i.group, list(i.path), i.text, str(i.max), str(i.score), str(i.lost),
         str(i.start), str(i.raw), [(s.clause, s.kind, s.text, str(s.delta), s.expr, s.applied, list(s.missing)) for s in i.steps],
         list(i.reasons), [(o.owner, o.field, o.value, str(o.source), o.evidence, o.scorer) for o in i.observations],
         i.complete, i.voided, i.arithmetic(), i.evidence, i.scorers)
        for i in d.items
    ]


# ------------------------------------------------------------ values

DATES = [dt.date(2019, 12, 31), dt.date(2020, 1, 31), dt.date(2020, 3, 31), dt.date(2020, 4, 1), dt.date(2021, 1, 15), dt.date(2021, 3, 31), dt.date(2021, 4, 1)]
NUMBERS = ["0", "0.0", "3", "4", "4.00", "4.01", "10", "10.5", "29.5", "30", "30.0", "50", "75.25", "100"]


def value_strategy(field, cls: str):
    """Typed values a reader can produce for ``field``, repeating often and
    spelling equal numbers differently (4, 4.00)."""
    t = field.type
    if t == "bool":
        return st.booleans()
    if t == "count":
        return st.integers(min_value=0, max_value=field.max if field.max is not None else 6)
    if t == "number":
        ok = [D(x) for x in NUMBERS if (field.min is None or D(x) >= field.min) and (field.max is None or D(x) <= field.max)]
        return st.sampled_from(ok)
    if t == "date":
        return st.sampled_from(DATES)
    if t == "score":
        from gkscore.observations.allowed import score_bounds

        lo, hi, step = score_bounds(field, cls)
        n = int((hi - lo) / step)
        return st.tuples(st.integers(min_value=0, max_value=n), st.booleans()).map(lambda t: (lo + step * t[0]).quantize(D("0.1")) if t[1] else lo + step * t[0])
    if t == "choice":
        return st.sampled_from(list(field.choices))
    raise ValueError(t)


def expected_keys(rs, cls: str) -> list[tuple[str, str, object]]:
    """(owner, field id, field) of every field a unit of ``cls`` answers:
    applicable items, groups with an applicable item, vetoes."""
    index = fields_index(rs)
    out = []
    for veto in rs.vetoes:
        out += [(veto.id, f.id, f) for f in veto.fields]
    for section in rs.sections:
        for group in section.groups:
            items = [it for it in group.items if item_max(it, cls) is not None]
            if items and group.fields:
                out += [(group.id, f.id, f) for f in group.fields]
            for it in items:
                out += [(it.id, f_id, f) for f_id, f in index[it.id].items()]
    return out


@st.composite
def value_rows(draw, rs, cls: str, blanks: bool):
    """{(owner, field): value or None}; None (a blank) only with ``blanks``."""
    row = {}
    for owner, field_id, field in expected_keys(rs, cls):
        value = draw(value_strategy(field, cls))
        if blanks and draw(st.integers(min_value=0, max_value=9)) == 0:
            value = None
        row[(owner, field_id)] = value
    return row


@st.composite
def unit_sets(draw, name: str, blanks: bool = False):
    """(rule set, [(unit, class, values)]): a few distinct value rows shared
    by more units, of several classes where the rules have them."""
    lr = loaded(name)
    rs = lr.ruleset
    classes = list(rs.classes)
    n_rows = draw(st.integers(min_value=1, max_value=3))
    units = []
    rows: dict[str, list[dict]] = {}
    for u in range(draw(st.integers(min_value=2, max_value=7))):
        cls = draw(st.sampled_from(classes))
        pool = rows.setdefault(cls, [])
        if len(pool) < n_rows:
            pool.append(draw(value_rows(rs, cls, blanks)))
        values = pool[draw(st.integers(min_value=0, max_value=len(pool) - 1))]
        units.append((f"单位{u:02d}", cls, values))
    # the same values for another class too (a memo must not mix classes);
    # a judged score is drawn again, within the other class's maximum
    if len(classes) > 1:
        _u, cls, values = units[0]
        other = next(c for c in classes if c != cls)
        same = {}
        for owner, field_id, field in expected_keys(rs, other):
            key = (owner, field_id)
            same[key] = values[key] if key in values and field.type != "score" else draw(value_strategy(field, other))
        units.append(("单位99", other, same))
    return lr, units


def obs_of(rs, units, partial: bool) -> ObservationSet:
    """A plain ObservationSet; a None value is a blank cell read with
    --partial (in ``missing``), or absent altogether without it."""
    obs = ObservationSet(rs.id, "sha")
    line = 2
    for unit, cls, values in units:
        obs.units[unit] = cls
        for (owner, field_id), value in values.items():
            if value is None:
                if partial:
                    obs.missing.add((unit, owner, field_id))
                continue
            obs.values[(unit, owner, field_id)] = Observation(unit, owner, field_id, value, Source("t.csv", line=line))
            line += 1
    return obs


# ------------------------------------------------------------ comparing


def compare(rs, obs, shared: Scorer | None = None) -> Scorer:
    """Memoised figures (cold, warm, and filled in reverse unit order) equal
    each unit scored on its own; details (from the warm memo) equal each
    unit's detail on its own and fold back into the figures.  ``shared``: a
    scorer whose memo is warm already.  Returns the shared scorer."""
    compiled = shared.compiled if shared is not None else compile_rules(rs)
    alone = {}
    for unit, cls in obs.units.items():
        scorer = Scorer(compiled, obs)
        figures = scorer.figures(unit, cls)
        alone[unit] = (summary(figures), items_of(scorer.detail(figures)))
    expected = [alone[u][0] for u in obs.units]
    shared = shared or Scorer(compiled, obs)
    cold = [shared.figures(unit, cls) for unit, cls in obs.units.items()]
    assert [summary(r) for r in cold] == expected
    warm = [shared.figures(unit, cls) for unit, cls in obs.units.items()]
    assert [summary(r) for r in warm] == expected
    other = Scorer(compiled, obs)
    backwards = [summary(other.figures(unit, cls)) for unit, cls in reversed(list(obs.units.items()))]
    assert backwards[::-1] == expected
    for r in warm:
        d = shared.detail(r)
        assert summary(d) == summary(r)
        assert items_of(d) == alone[r.unit][1]
        assert folded(rs, obs, d) == figures_shown(r), r.unit
        assert explained_items(shared, obs, r) == items_of(d), r.unit
    return shared


def explained_items(scorer: Scorer, obs, figures) -> list[tuple]:
    """The items a report of every unit's items builds from
    ``Scorer.explained`` (the shared fields and the keys of each item), as
    ``items_of`` shows them; a unit whose N/A points an N/A policy gave to
    its other items has figures of its own, so ``explained`` sends the
    report to ``detail`` for it."""
    entries = scorer.explained(figures)
    d = scorer.detail(figures)
    if entries is None:
        assert d.items and all(it.shown is None for it in d.items)
        return items_of(d)
    unit_texts = obs.unit_texts(figures.unit)
    built = [ItemResult.of_explanation(fields, Observations(obs, figures.unit, keys, unit_texts)) for fields, keys in entries]
    assert [(it.shown, it.texts()) for it in built] == [(it.shown, it.texts()) for it in d.items]
    return items_of(SimpleNamespace(items=built))


# ------------------------------------------- the figures from the items


def figures_shown(r) -> tuple:
    return (r.sections, r.base, r.bonus, r.penalty, r.total, r.bonus_raw, r.penalty_raw, r.grade, r.veto, r.base_sections)


def folded(rs, obs, d) -> tuple:
    """The unit's figures from its detail's items, as docs/rule-language.md
    states the rules: group subtotals with their max_lost relief (not for a
    voided group), N/A points rescaled or redistributed, weighted sections,
    bonus and penalty caps, gates, the first veto that holds, grade bands."""
    cls, p = d.cls, rs.precision
    by_id = {i.id: i for i in d.items}
    na_max, na_by, relief_by, section_total, scored_base = ZERO, {}, {}, {}, set()
    for s in rs.sections:
        total = ZERO
        for g in s.groups:
            applicable = [it for it in g.items if item_max(it, cls) is not None]
            if not applicable:
                continue
            gsum = gmax = ZERO
            voided = False
            for it in applicable:
                m = item_max(it, cls)
                r = by_id.get(it.id)
                if r is None:  # does not apply to the unit
                    if s.kind == "base":
                        na_max += m
                        na_by[s.id] = na_by.get(s.id, ZERO) + m
                    continue
                voided = voided or r.voided
                # before any redistribution: clamped to [0, 分值], rounded once
                # (a spread gave the item a share of the N/A points, on its
                # 分值 and its raw score alike)
                share = r.max - m if na_kind(rs) == "spread" else ZERO
                unscaled = ZERO if (r.voided or not r.complete) else q(clamp(r.raw - share, ZERO, m), p)
                gsum += unscaled
                gmax += m
                if s.kind == "base":
                    scored_base.add(s.name)
            cap = per_class(g.max_lost, cls)
            if cap is not None and not voided and gmax - gsum > cap:
                relief = gmax - cap - gsum
                gsum += relief
                relief_by[s.id] = relief_by.get(s.id, ZERO) + relief
            total += gsum
        section_total[s.id] = total
    base_sections = [s for s in rs.sections if s.kind == "base"]
    sections = {s.name: section_total[s.id] for s in base_sections}
    base = None
    if na_kind(rs) == "normalize" and na_max > 0:
        # Σ subtotals / the applicable points × the class total, rounded once
        full, applicable = rs.classes[cls].max, rs.classes[cls].max - na_max
        base = ZERO if applicable <= 0 else q(div(mul(sum(sections.values(), ZERO), full), applicable), p)
    elif rs.na_policy != "none" and na_max > 0:
        for s in base_sections:
            if rs.composition == "weighted":
                if na_by.get(s.id, ZERO) <= 0:
                    continue
                full = sum((item_max(i, cls) or ZERO for g in s.groups for i in g.items), ZERO)
                applicable = full - na_by[s.id]
            else:
                full, applicable = rs.classes[cls].max, rs.classes[cls].max - na_max

            def scaled(x):
                return ZERO if applicable <= 0 else q(div(mul(x, full), applicable), p)

            if rs.na_policy == "redistribute":  # the items carry their scaled scores already
                sections[s.name] = sum((i.score for i in d.items if i.section_id == s.id), ZERO)
                if relief_by.get(s.id):
                    sections[s.name] += scaled(relief_by[s.id])
            elif na_kind(rs) == "spread":  # the items carry their shares already; the relief as it was
                sections[s.name] = sum((i.score for i in d.items if i.section_id == s.id), ZERO) + relief_by.get(s.id, ZERO)
            else:
                sections[s.name] = scaled(sections[s.name])
    if rs.composition == "weighted":
        for s in base_sections:
            sections[s.name] = q(mul(s.weight, sections[s.name]), p)
    if base is None:
        base = sum(sections.values(), ZERO)
    bonus_raw = sum((section_total[s.id] for s in rs.sections if s.kind == "bonus"), ZERO)
    # a section without a cap counts whole
    capped = lambda s: section_total[s.id] if s.cap is None else min(section_total[s.id], per_class(s.cap, cls))  # noqa: E731
    bonus = sum((capped(s) for s in rs.sections if s.kind == "bonus"), ZERO)
    penalty_raw = sum((section_total[s.id] for s in rs.sections if s.kind == "penalty"), ZERO)
    penalty = sum((capped(s) for s in rs.sections if s.kind == "penalty"), ZERO)
    grade = None
    # a gate or veto limited to classes applies to those only; a gate's
    # threshold is at_least/above (bonus) or below/at_most (fail)
    for gate in rs.gates:
        if gate.classes is not None and cls not in gate.classes:
            continue
        op, bound = gate.bound
        passed = {"ge": base >= bound, "gt": base > bound, "lt": base < bound, "le": base <= bound}[op]
        if gate.kind == "bonus_requires_base" and not passed:
            bonus = ZERO
        elif gate.kind == "fail_below" and passed:
            grade = gate.grade
    total = base + bonus - penalty
    veto = None
    for v in rs.vetoes:
        if v.classes is not None and cls not in v.classes:
            continue
        values = {f.id: obs.value(d.unit, v.id, f.id) for f in v.fields}
        if None in [values[f] for f in v.when.field_ids()]:
            continue  # unanswered: the unit is incomplete, the veto not applied
        if v.when.holds(values.__getitem__):
            veto = v.text
            total = v.total if v.total is not None else total
            grade = v.grade if v.grade is not None else grade
            break
    grade = grade if grade is not None else grade_for(rs, total)
    return (sections, base, bonus, penalty, total, bonus_raw, penalty_raw, grade, veto, frozenset(scored_base))


@pytest.mark.parametrize("name", RULE_NAMES)
@SETTINGS
@given(data=st.data())
def test_memo_and_detail_agree_on_generated_units(name, data):
    lr, units = data.draw(unit_sets(name))
    compare(lr.ruleset, obs_of(lr.ruleset, units, partial=False))


@pytest.mark.parametrize("name", RULE_NAMES)
@SETTINGS
@given(data=st.data())
def test_memo_and_detail_agree_with_blanks(name, data):
    """--partial: blank fields (also of void_if, applies_if, vetoes)."""
    lr, units = data.draw(unit_sets(name, blanks=True))
    compare(lr.ruleset, obs_of(lr.ruleset, units, partial=True))


@pytest.mark.parametrize("name", ["MIXED", "VOID_IF", "NA_redistribute", "VETO"])
@SETTINGS
@given(data=st.data())
def test_memo_and_detail_agree_on_absent_values_without_partial(name, data):
    """Absent values with an empty ``missing`` (an API caller's set): the
    memo of a set with ``missing`` is not reused for one without."""
    lr, units = data.draw(unit_sets(name, blanks=True))
    obs = obs_of(lr.ruleset, units, partial=False)
    compare(lr.ruleset, obs)
    obs.missing.add(("nobody", "x", "y"))
    compare(lr.ruleset, obs)


def test_kinds_are_kept_apart_in_memo_keys():
    """True and 1, 1 and Decimal 1, 1 and 1.0: one memo, different keys."""
    tag = engine_memo.tag
    assert tag(True) != tag(1)
    assert tag(1) != tag(D(1))
    assert tag(D("1")) != tag(D("1.0"))
    assert tag(dt.date(2021, 3, 31)) != tag(dt.datetime(2021, 3, 31))
    assert tag(None) is None
    assert tag([1]) != tag([1])  # unhashable: never a hit


def test_a_bool_where_a_count_is_expected_is_not_merged_with_it(tmp_path):
    """An API caller's True in a count field scores as it scores alone
    (Decimal(True) is 1), after a unit with 1 filled the memo."""
    rs = loaded("DEDUCT_EACH_CAP").ruleset
    base = {(o, f): 1 for o, f, _ in expected_keys(rs, "A")}
    odd = {k: True for k in base}
    obs = obs_of(rs, [("甲", "A", base), ("乙", "A", odd)], partial=False)
    compare(rs, obs)


# ------------------------------------------------ through the csv reader


def _as_text(value, variant: int) -> str:
    """Cell text; equal values spelled differently get different value
    indices in the store."""
    if value is True:
        return ["是", "Y", "√"][variant % 3]
    if value is False:
        return ["否", "N", "×"][variant % 3]
    if isinstance(value, dt.date):
        return value.isoformat() if variant % 2 == 0 else f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def read_through_csv(tmp_path: Path, lr, units, variant_seed: int):
    """The units' values written to a csv template and read back (compact
    store), blanks as blank cells read with --partial."""
    from test_obs_helpers import read_csv_rows, write_csv_rows

    from gkscore.observations.api import load_observations, write_template
    from gkscore.rules.load import load_units

    classes = sorted(lr.ruleset.classes)
    units_yaml = tmp_path / "units.yaml"
    body = "".join(f"  - {{name: {u}, class: {c}}}\n" for u, c, _ in units)
    units_yaml.write_text(
        "format: gkscore-units/1\nid: memo-units\nclasses:\n" + "".join(f"  {c}: {c}类\n" for c in classes) + "units:\n" + body,
        encoding="utf-8",
    )
    lu = load_units(str(units_yaml))
    path = tmp_path / "obs.csv"
    write_template(lr, lu, str(path), fmt="csv")
    rows = read_csv_rows(path)
    head = rows[0]
    col = {k: head.index(k) for k in ("unit", "item", "field", "value", "scorer")}
    by_unit = {u: values for u, _c, values in units}
    for i, row in enumerate(rows[1:]):
        if not row:
            continue
        value = by_unit[row[col["unit"]]].get((row[col["item"]], row[col["field"]]))
        row[col["value"]] = "" if value is None else _as_text(value, variant_seed + i)
        row[col["scorer"]] = "张三"
    write_csv_rows(path, rows)
    [obs] = load_observations([str(path)], rules=[lr], units=lu, partial=True, keep_text=False)
    return obs


@pytest.mark.parametrize("name", ["MIXED", "AWARD_DATE", "AWARD_CHOICE", "COVERAGE", "VOID_IF", "VETO", "NA_redistribute", "WEIGHTED", "ONLY_IF", "PERCENT"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_memo_and_detail_agree_through_the_csv_reader_and_adjustments(name, data, tmp_path_factory):
    """Keys from the compact store's value codes; then adjusted values (kept
    beside the arrays, keyed by value) on the same, warm memo."""
    from gkscore.observations.store import CompactValues

    tmp_path = tmp_path_factory.mktemp("memo")
    lr, units = data.draw(unit_sets(name, blanks=True))
    rs = lr.ruleset
    obs = read_through_csv(tmp_path, lr, units, data.draw(st.integers(min_value=0, max_value=5)))
    assert type(obs.values) is CompactValues
    shared = compare(rs, obs)
    # review: change some values, as load_adjustments does
    unit, cls, values = units[data.draw(st.integers(min_value=0, max_value=len(units) - 1))]
    keys = expected_keys(rs, cls)
    for owner, field_id, field in data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique_by=lambda k: k[:2])):
        key = (unit, owner, field_id)
        new = data.draw(value_strategy(field, cls))
        old = obs.values.get(key)
        obs.values[key] = replace(old, value=new) if old is not None else Observation(unit, owner, field_id, new, Source("adj.yaml", line=1))
        obs.missing.discard(key)
    compare(rs, obs, shared)


@pytest.mark.parametrize("cap, budget", [(4, 1 << 16), (1 << 11, 10)])
def test_memo_stays_bounded(monkeypatch, cap, budget):
    """With more distinct value rows than a memo dictionary's cap, or than
    the set's budget, the memos stop growing and the figures stay right."""
    monkeypatch.setattr(engine_memo, "CAP", cap)
    monkeypatch.setattr(engine_memo, "BUDGET", budget)
    rs = loaded("MIXED").ruleset
    units = []
    for u in range(30):
        values = {}
        for owner, field_id, field in expected_keys(rs, "A"):
            if field.type == "count":
                values[(owner, field_id)] = u % (field.max or 7)
            elif field.type == "bool":
                values[(owner, field_id)] = u % 3 == 0
            elif field.type == "number":
                values[(owner, field_id)] = D(u) * 3
            elif field.type == "date":
                values[(owner, field_id)] = dt.date(2020, 1, 1) + dt.timedelta(days=7 * u)
            elif field.type == "score":
                values[(owner, field_id)] = min(D(u) / 2, per_class(field.max, "A"))
            else:
                values[(owner, field_id)] = field.choices[u % len(field.choices)]
        units.append((f"单位{u:02d}", "A", values))
    obs = obs_of(rs, units, partial=False)
    scorer = compare(rs, obs).for_class("A")
    memos = scorer.memos[False]
    tables = memos.groups + memos.by_items + memos.voids + memos.outs + memos.vetoes + [d for pair in memos.items for d in pair]
    assert all(len(t) <= cap for t in tables)
    assert sum(len(t) for t in tables) <= budget
    explained = [d for pair in memos.explained for d in pair]
    assert all(len(t) <= cap for t in explained)
    assert sum(len(t) for t in explained) <= budget
    assert all(len(t) <= cap for _i, _tests, t in scorer.value_classes)


# ------------------------------------------------------------ examples

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [str(ROOT / "examples" / "county_2020_filled.xlsx"), str(ROOT / "examples" / "citydept_2020_filled.xlsx")]
ADJUST = str(ROOT / "examples" / "adjustments.yaml")


@pytest.mark.parametrize("adjust", [[], [ADJUST]], ids=["plain", "adjusted"])
def test_examples_figures_and_details_agree(adjust):
    """The bundled examples as the command scores them: each unit's figures
    equal the unit scored alone, and its detail folds back into them."""
    from gkscore.pipeline import Options, run

    result = run(Options(observations=EXAMPLES, adjust=adjust, keep_items=False))
    rules = {lr.ruleset.id: lr.ruleset for lr in result.rules}
    for r in result.results:
        obs = next(s for s in result.sets if s.rules_id == r.rules_id and r.unit in s.units)
        alone = Scorer(compile_rules(rules[r.rules_id]), obs).figures(r.unit, r.cls)
        assert summary(alone) == summary(r)
        d = result.detail(r)
        assert (d.rank_group, d.rank) == (r.rank_group, r.rank) and d.items
        assert folded(rules[r.rules_id], obs, d) == figures_shown(r), r.unit


def test_units_with_the_same_values_share_an_items_explanation_not_the_item():
    """Every unit's item is its own object with every field of an ItemResult;
    what the explanation gives (lists included) is shared by the units with
    the same values, so changing one unit's item leaves the others as they were."""
    from dataclasses import fields

    from gkscore.engine.results import ItemResult
    from gkscore.pipeline import Options, run

    result = run(Options(observations=EXAMPLES, keep_items=False))
    details = [result.detail(r) for r in result.results]
    names = {f.name for f in fields(ItemResult)}
    by_item: dict = {}
    for d in details:
        for it in d.items:
            assert set(vars(it)) == names, it.id
            by_item.setdefault((d.rules_id, it.id, it.score, tuple(it.reasons)), []).append(it)
    twins = next(items for items in by_item.values() if len(items) > 1 and items[0].reasons)
    a, b = twins[:2]
    assert a is not b and a.reasons is b.reasons  # one explanation, two items
    before = (b.score, list(b.reasons))
    a.score, a.reasons = a.score + 1, a.reasons + ["复核"]
    assert (b.score, b.reasons) == before
