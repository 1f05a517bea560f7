"""The formula workbook (``score --format xlsx --formulas``), proved by LibreOffice.

Every workbook written here is recalculated by LibreOffice headless (all in
ONE soffice start, see ``lo.recalc_many``) and every item score, loss,
section subtotal, base, bonus, penalty, total, grade and rank it computes must
equal gkscore's own Decimal result exactly:

* three small rule files that together use every rule kind and feature
  (award with all/any/not, yes/no, number, date and choice tests; deduct;
  deduct_each with and without cap; sampled passed/failed; coverage all and
  proportional; judged; graded; percent; only_if with clause references;
  start max/zero; per-class points; items not applying to a class; applies_if
  with na_policy redistribute and rescale; weighted composition; void_if;
  group max_lost; bonus and penalty caps; both gates; vetoes with a fixed
  total and/or grade; grade bands; precision 1, 2 and 3 with maxima finer
  than the precision; ties and merged rank groups), scored on seeded random
  observation sets biased to the thresholds;
* the same with missing values (--partial);
* the bundled examples, then the examples with one observation changed in
  the workbook (the unit's total and rank move exactly as gkscore's do).

LibreOffice is never optional here: a missing soffice fails the tests.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import random
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, run_cli
from scenarios import doc_example, filled, units_file, write
from gkscore.observations.types import Observation, ObservationSet, Source
from gkscore.pipeline import Run
from gkscore.problems import ProblemsError
from gkscore.ranking import parse_rank_by, rank
from gkscore.render.formula_expr import functions_used
from gkscore.render.xlsx_formulas import write_formula_workbook
from gkscore.rules.load import load_rules
from gkscore.rules.model import UNIT_OWNER, AllOf, AnyOf, FieldTest, NotOf
from gkscore.rules.resolve import item_max, per_class
from gkscore.scoring import score_set
from lo import computed, recalc_many

D = Decimal

# Functions Excel and LibreOffice compute identically; nothing else may appear.
ALLOWED_FUNCTIONS = {"SUM", "SUMIF", "SUMPRODUCT", "MIN", "MAX", "IF", "AND", "OR", "NOT", "EXACT", "DATE", "ROUND", "NA", "ISNUMBER"}

# ------------------------------------------------------------- rule files

SUM_RULES = """\
format: gkscore/1
id: fx-sum
title: 公式测试(合计,不适用按比例分配)
precision: 2
na_policy: redistribute
classes:
  A: {name: 甲类, max: 31.5}
  B: {name: 乙类, max: 28}
grades:
  bands: [{grade: 优秀, min: 28}, {grade: 良好, min: 22}, {grade: 合格, min: 16.5}, {grade: 不合格}]
gates:
  - {kind: bonus_requires_base, min_base: 15}
  - {kind: fail_below, base_below: 10, grade: 不合格}
vetoes:
  - id: v.leak
    text: 发生失泄密事件
    fields: [{id: leak, type: bool, prompt: 是否发生失泄密事件}]
    when: {field: leak}
    grade: 不合格
    total: 0
  - id: v.refuse
    text: 拒不整改
    fields: [{id: refused, type: choice, choices: [是, 否, 部分], prompt: 是否拒不整改}]
    when: {field: refused, eq: 是}
    grade: 合格
sections:
  - id: s1
    name: 基础管理
    groups:
      - id: g1
        name: 组织与抽查
        max_lost: {A: 3, B: 2}
        fields: [{id: fake, type: bool, prompt: 是否弄虚作假}]
        void_if: {field: fake}
        void_text: 弄虚作假的,本组不得分
        items:
          - id: award
            text: 做到得1分;不少于2次得1分;比重高于4%得1.5分;按期或甲类得0.75分;甲乙类得0.75分。
            max: {A: 5, B: 4.5}
            fields:
              - {id: done, type: bool, prompt: 是否做到}
              - {id: times, type: count, prompt: 次数}
              - {id: weight, type: number, min: 0, max: 100, prompt: 比重}
              - {id: day, type: date, prompt: 完成日期}
              - {id: kind, type: choice, choices: [甲, 乙, 丙], prompt: 类别}
            clauses:
              - {kind: award, when: {field: done}, points: 1}
              - {kind: award, when: {field: times, ge: 2}, points: 1}
              - {kind: award, when: {all: [{field: done}, {field: weight, gt: 4}]}, points: {A: 1.5, B: 1}}
              - {kind: award, when: {any: [{field: day, le: 2021-03-31}, {not: {field: kind, ne: 甲}}]}, points: 0.75}
              - {kind: award, when: {field: kind, in: [甲, 乙]}, points: 0.75}
          - id: deduct
            text: 迟报扣1分;每个错误扣0.5分;抽查5个每少1个扣0.4分;抽查4个每个不合格扣0.3分。
            max: {A: 4, B: 3}
            fields:
              - {id: late, type: bool, prompt: 是否迟报}
              - {id: errors, type: count, prompt: 错误数}
              - {id: passed, type: count, max: 5, prompt: 合格数}
              - {id: failed, type: count, max: 4, prompt: 不合格数}
            clauses:
              - {kind: deduct, when: {field: late, eq: true}, points: 1}
              - {kind: deduct_each, field: errors, per: 0.5, cap: {A: 2, B: 1.5}}
              - {kind: sampled, field: passed, sample: 5, per: 0.4, counts: passed}
              - {kind: sampled, field: failed, sample: 4, per: {A: 0.3, B: 0.35}, counts: failed}
      - id: g2
        name: 覆盖与评定
        items:
          - id: cover
            text: 四种形式涉及三种得2分;三种形式按比例得1分;最高2.5分。
            max: 2.5
            fields:
              - {id: c1, type: bool, prompt: 形式1}
              - {id: c2, type: bool, prompt: 形式2}
              - {id: c3, type: bool, prompt: 形式3}
              - {id: c4, type: bool, prompt: 形式4}
            clauses:
              - {kind: coverage, fields: [c1, c2, c3, c4], full_at: 3, mode: all, points: 2}
              - {kind: coverage, fields: [c1, c2, c3], mode: proportional, points: 1}
          - id: judge
            text: 评定得分;等次得分;达标率折算2分。
            max: 9
            fields:
              - {id: sc, type: score, max: 4, step: 0.5, prompt: 评定}
              - {id: lvl, type: choice, choices: [优, 良, 中, 差], prompt: 等次}
              - {id: pct, type: number, min: 0, max: 100, prompt: 达标率}
            clauses:
              - {kind: judged, field: sc}
              - {kind: graded, field: lvl, levels: {优: 3, 良: 2, 中: 1.5, 差: 0}}
              - {kind: percent, field: pct, points: 2}
          - id: refs
            text: 做到得2分,其中有差错再扣1分;未做到但有替代做法得1分;每个问题扣0.25分,有问题且无差错另得2分。
            start: zero
            max: 4
            fields:
              - {id: x, type: bool, prompt: x}
              - {id: y, type: bool, prompt: y}
              - {id: z, type: bool, prompt: z}
              - {id: n, type: count, prompt: n}
            clauses:
              - {id: a1, kind: award, when: {field: x}, points: 2}
              - {kind: deduct, only_if: {clause: a1}, when: {field: y}, points: 1}
              - {kind: award, only_if: {not: {clause: a1}}, when: {field: z}, points: 1}
              - {id: d1, kind: deduct_each, field: n, per: 0.25}
              - {kind: award, only_if: {all: [{clause: d1}, {field: z}]}, when: {field: y, eq: false}, points: 2}
          - id: na1
            text: 有此项业务的,做到得2分。
            applies_if: {field: has, eq: true}
            max: 2
            fields:
              - {id: has, type: bool, prompt: 是否有此项业务}
              - {id: ok, type: bool, prompt: 是否做到}
            clauses:
              - {kind: award, when: {field: ok}, points: 2}
  - id: s2
    name: 平台建设
    groups:
      - id: g3
        name: 网站
        max_lost: 1.5
        items:
          - id: na2
            text: 有网站的,每个错链扣1分。
            applies_if: {field: hasweb}
            max: 3
            fields:
              - {id: hasweb, type: bool, prompt: 是否有网站}
              - {id: broken, type: count, prompt: 错链数}
            clauses:
              - {kind: deduct_each, field: broken, per: 1}
          - id: onlya
            text: 甲类单位做到得2分。
            max: {A: 2, B: null}
            fields:
              - {id: ok, type: bool, prompt: 是否做到}
            clauses:
              - {kind: award, when: {field: ok}, points: 2}
  - id: bonus
    name: 加分项
    kind: bonus
    cap: {A: 2, B: 1.5}
    groups:
      - id: gb
        name: 创新
        items:
          - id: b1
            text: 创新评定0-2分。
            max: 2
            fields:
              - {id: s, type: score, max: 2, step: 0.5, prompt: 评定}
            clauses:
              - {kind: judged, field: s}
          - id: b2
            text: 获表彰得1.5分。
            max: 1.5
            fields:
              - {id: won, type: bool, prompt: 是否获表彰}
            clauses:
              - {kind: award, when: {field: won}, points: 1.5}
  - id: pen
    name: 扣分项
    kind: penalty
    cap: 2
    groups:
      - id: gp
        name: 曝光
        items:
          - id: p1
            text: 曝光评定扣0-3分。
            max: 3
            fields:
              - {id: deducted, type: score, max: 3, step: 0.5, prompt: 扣分}
            clauses:
              - {kind: judged, field: deducted}
          - id: p2
            text: 涉及的,被通报扣1分。
            applies_if: {field: relevant}
            max: 1
            fields:
              - {id: relevant, type: bool, prompt: 是否涉及}
              - {id: notified, type: bool, prompt: 是否被通报}
            clauses:
              - {kind: award, when: {field: notified}, points: 1}
"""

WEIGHTED_RULES = """\
format: gkscore/1
id: fx-weighted
title: 公式测试(加权,不适用折算)
precision: 1
composition: weighted
na_policy: rescale
classes:
  C: {name: 丙类, max: 15}
grades:
  bands: [{grade: 好, min: 12}, {grade: 中, min: 9.5}, {grade: 差}]
gates:
  - {kind: bonus_requires_base, min_base: 7.5}
vetoes:
  - id: v.fix
    text: 数据造假
    fields: [{id: forged, type: bool, prompt: 是否数据造假}]
    when: {all: [{field: forged}, {not: {field: forged, eq: false}}]}
    total: 2.5
sections:
  - id: w1
    name: 网站
    weight: 0.4
    groups:
      - id: w1.g
        name: 网站组
        max_lost: 4
        items:
          - id: w1.judged
            text: 评定0-10分。
            max: 10
            fields:
              - {id: s, type: score, max: 10, step: 0.25, prompt: 评定}
            clauses:
              - {kind: judged, field: s}
          - id: w1.na
            text: 有栏目的,做到得2分。
            applies_if: {field: has}
            max: 2
            fields:
              - {id: has, type: bool, prompt: 是否有栏目}
              - {id: ok, type: bool, prompt: 是否做到}
            clauses:
              - {kind: award, when: {field: ok}, points: 2}
          - id: w1.cnt
            text: 每个问题扣0.75分。
            max: 3
            fields:
              - {id: n, type: count, prompt: 问题数}
            clauses:
              - {kind: deduct_each, field: n, per: 0.75}
  - id: w2
    name: 新媒体
    weight: 0.6
    groups:
      - id: w2.g
        name: 新媒体组
        items:
          - id: w2.pct
            text: 更新率折算10分。
            applies_if: {field: has, eq: true}
            max: 10
            fields:
              - {id: has, type: bool, prompt: 是否开设}
              - {id: rate, type: number, min: 0, max: 100, prompt: 更新率}
            clauses:
              - {kind: percent, field: rate, points: 10}
          - id: w2.smp
            text: 抽查4条,每条不合格扣1.25分。
            max: 5
            fields:
              - {id: bad, type: count, max: 4, prompt: 不合格数}
            clauses:
              - {kind: sampled, field: bad, sample: 4, per: 1.25, counts: failed}
  - id: wb
    name: 加分
    kind: bonus
    cap: 1.25
    groups:
      - id: wb.g
        name: 加分组
        items:
          - id: wb.1
            text: 评定0-2分。
            max: 2
            fields:
              - {id: s, type: score, max: 2, step: 0.25, prompt: 评定}
            clauses:
              - {kind: judged, field: s}
"""

PRECISE_RULES = """\
format: gkscore/1
id: fx-precise
title: 公式测试(三位小数)
precision: 3
classes:
  D: {name: 丁类, max: 6.4375}
sections:
  - id: p
    name: 精细
    groups:
      - id: p.g
        name: 精细组
        max_lost: 0.5625
        items:
          - id: p.each
            text: 每个问题扣0.0625分。
            max: 1.0625
            fields:
              - {id: n, type: count, prompt: 问题数}
            clauses:
              - {kind: deduct_each, field: n, per: 0.0625}
          - id: p.pct
            text: 达标率折算2.3333分。
            max: 2.375
            fields:
              - {id: r, type: number, min: 0, max: 100, prompt: 达标率}
            clauses:
              - {kind: percent, field: r, points: 2.3333}
          - id: p.cov
            text: 七种形式涉及六种得满分,按比例。
            max: 3
            fields:
              - {id: f1, type: bool, prompt: f1}
              - {id: f2, type: bool, prompt: f2}
              - {id: f3, type: bool, prompt: f3}
              - {id: f4, type: bool, prompt: f4}
              - {id: f5, type: bool, prompt: f5}
              - {id: f6, type: bool, prompt: f6}
              - {id: f7, type: bool, prompt: f7}
            clauses:
              - {kind: coverage, fields: [f1, f2, f3, f4, f5, f6, f7], full_at: 6, mode: proportional, points: 3}
"""


# Unit fields tested by a section's, a group's and an item's applies_if, by a
# clause and by a veto; a clause under only_if whose field may be left blank.
UNIT_FIELD_RULES = """\
format: gkscore/1
id: fx-unit
title: 公式测试(单位属性)
precision: 2
na_policy: rescale
classes:
  E: {name: 戊类, max: 20}
unit_fields:
  - {id: has_site, type: bool, prompt: 是否开设网站}
  - {id: windows, type: count, max: 9, prompt: 服务窗口数}
vetoes:
  - id: v.unit
    text: 有网站但无服务窗口的,等次为不合格
    fields: [{id: fake, type: bool, prompt: 是否弄虚作假}]
    when: {any: [{field: fake}, {all: [{field: has_site}, {field: windows, eq: 0}]}]}
    grade: 不合格
  - id: v.stop
    text: 拒不整改的,直接判定为不合格,不再对其他指标进行评分
    fields: [{id: refuse, type: bool, prompt: 是否拒不整改}]
    when: {field: refuse}
    grade: 不合格
    stops: true
  - id: v.stop59
    text: 服务窗口9个及以上却未公开的,得59分,不再评分
    fields: [{id: hidden, type: bool, prompt: 是否未公开}]
    when: {any: [{field: hidden}, {field: windows, ge: 9}]}
    total: 59
    stops: true
grades:
  bands: [{grade: 良好, min: 12}, {grade: 不合格}]
sections:
  - id: web
    name: 网站
    applies_if: {field: has_site}
    groups:
      - id: web.g
        name: 网站建设
        items:
          - id: web.1
            text: 栏目合理得6分。
            max: 6
            fields: [{id: ok, type: bool, prompt: 栏目是否合理}]
            clauses:
              - {kind: award, when: {field: ok}, points: 6}
  - id: svc
    name: 服务
    groups:
      - id: svc.g
        name: 窗口服务
        applies_if: {field: windows, ge: 1}
        items:
          - id: svc.1
            text: 窗口不少于3个得2分;每个投诉扣0.5分。
            max: 4
            start: zero
            fields: [{id: complaints, type: count, prompt: 投诉数}, {id: good, type: bool, prompt: 是否规范}]
            clauses:
              - {kind: award, when: {field: windows, ge: 3}, points: 2}
              - {kind: award, when: {field: good}, points: 2}
              - {kind: deduct_each, field: complaints, per: 0.5}
      - id: svc.h
        name: 年报
        items:
          - id: svc.late
            text: 未按时发布扣4分;逾期超过30天的,再扣3分;有网站未在网站发布的扣3分。
            max: 10
            fields:
              - {id: late, type: bool, prompt: 是否未按时发布}
              - {id: days, type: count, prompt: 逾期天数}
              - {id: on_site, type: bool, prompt: 是否在网站发布}
            clauses:
              - {id: late, kind: deduct, when: {field: late}, points: 4}
              - {kind: deduct, only_if: {clause: late}, when: {field: days, gt: 30}, points: 3}
              - {kind: deduct, only_if: {field: has_site}, when: {not: {field: on_site}}, points: 3}
"""

# A table made of parts: each part's bonus with its cap and gate, a penalty
# section, a part veto that stops scoring the part, one that fixes the part's
# score and the grade, a veto of the whole table, a failing gate of one part.
PARTS_RULES = """\
format: gkscore/1
id: fx-parts
title: 公式测试(分部加权)
precision: 2
classes:
  F: {name: 己类, max: 100}
grades:
  bands: [{grade: 优秀, at_least: 90}, {grade: 良好, above: 80}, {grade: 合格, at_least: 60}, {grade: 不合格}]
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
        items:
          - id: pa.1
            text: 评定0-70分。
            max: 70
            fields: [{id: s, type: score, max: 70, step: 0.05, prompt: 评定}]
            clauses:
              - {kind: judged, field: s}
          - id: pa.2
            text: 每个错链扣1.5分。
            max: 30
            fields: [{id: n, type: count, prompt: 错链数}]
            clauses:
              - {kind: deduct_each, field: n, per: 1.5}
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
            text: 评定0-100分。
            max: 100
            fields: [{id: s, type: score, max: 100, step: 0.25, prompt: 评定}]
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

# A redistribution whose exact result lies on a rounding half point:
# 0.03 x 110 / 60 = 0.055 -> 0.06.
HALF_POINT_RULES = """\
format: gkscore/1
id: fx-half
title: 公式测试(折算恰为半分)
precision: 2
na_policy: redistribute
classes:
  A: {name: 甲类, max: 110}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: big
            text: 评定0-60分。
            max: 60
            fields:
              - {id: s, type: score, max: 60, step: 0.01, prompt: 评定}
            clauses:
              - {kind: judged, field: s}
          - id: na
            text: 有此业务的,做到得50分。
            applies_if: {field: has}
            max: 50
            fields:
              - {id: has, type: bool, prompt: 是否有此业务}
              - {id: ok, type: bool, prompt: 是否做到}
            clauses:
              - {kind: award, when: {field: ok}, points: 50}
"""


def _load(tmp: Path, name: str, text: str):
    path = tmp / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_rules(str(path))


# ------------------------------------------------------ random observations


def _owners(rs, cls):
    if rs.unit_fields:
        yield UNIT_OWNER, rs.unit_fields
    for section in rs.sections:
        for group in section.groups:
            items = [it for it in group.items if item_max(it, cls) is not None]
            if not items:
                continue
            if group.fields:
                yield group.id, group.fields
            for it in items:
                yield it.id, it.fields
    for veto in rs.vetoes:
        yield veto.id, veto.fields


def _thresholds(rs) -> dict:
    """(owner, field) -> the constants the rules compare it with."""
    out: dict = {}

    def walk(owner, cond):
        if cond is None:
            return
        if isinstance(cond, FieldTest):
            for _, want in cond.comparisons():
                if isinstance(want, (Decimal, dt.date)):
                    out.setdefault((owner, cond.field), []).append(want)
        for part in getattr(cond, "all", None) or getattr(cond, "any", None) or []:
            walk(owner, part)
        if isinstance(cond, NotOf):
            walk(owner, cond.not_)

    for section in rs.sections:
        for group in section.groups:
            walk(group.id, group.void_if)
            for it in group.items:
                walk(it.id, it.applies_if)
                for c in it.clauses:
                    walk(it.id, getattr(c, "when", None))
                    walk(it.id, c.only_if)
    for v in rs.vetoes:
        walk(v.id, v.when)
    return out


def _value(rng: random.Random, owner: str, f, cls: str, near: list, veto: bool):
    t = f.type
    if t == "bool":
        return rng.random() < (0.07 if veto else 0.6)
    if t == "count":
        hi = f.max if f.max is not None else 7
        return min(hi, rng.choice([0, 0, 1, 2, 3, hi, rng.randint(0, hi)]))
    if t == "number":
        lo, hi = f.min if f.min is not None else D(0), f.max if f.max is not None else D(100)
        options = [D(rng.randint(0, 10000)) / 100, D(rng.randint(0, 100000)) / 1000, lo, hi]
        for x in near:
            options += [x, x + D("0.01"), x - D("0.01")]
        return max(lo, min(hi, rng.choice(options)))
    if t == "date":
        base = rng.choice(near) if near else dt.date(2021, 3, 31)
        return base + dt.timedelta(days=rng.randint(-2, 2))
    if t == "score":
        m = per_class(f.max, cls)
        steps = int((m - f.min) / f.step)
        return f.min + f.step * rng.randint(0, steps)
    if t == "choice":
        if veto:
            return rng.choice(f.choices[1:] * 8 + f.choices[:1])
        return rng.choice(f.choices)
    raise AssertionError(t)


def random_set(lr, units: dict[str, str], seed: int, missing: float = 0.0, ties: int = 3) -> ObservationSet:
    rs = lr.ruleset
    rng = random.Random(seed)
    near = _thresholds(rs)
    veto_ids = {v.id for v in rs.vetoes}
    s = ObservationSet(rs.id, lr.sha256)
    names = list(units)
    for ui, unit in enumerate(names):
        cls = units[unit]
        s.units[unit] = cls
        twin = names[ui - 1] if ui >= 1 and ui % 7 < ties and units[names[ui - 1]] == cls else None
        line = 2
        for owner, fields in _owners(rs, cls):
            for f in fields:
                if twin is not None:  # an exact copy of the previous unit: a tie
                    prev = s.values.get((twin, owner, f.id))
                    value = None if prev is None else prev.value
                else:
                    value = _value(rng, owner, f, cls, near.get((owner, f.id), []), owner in veto_ids)
                    if missing and rng.random() < missing:
                        value = None
                key = (unit, owner, f.id)
                if value is None:
                    s.missing.add(key)
                s.values[key] = Observation(unit, owner, f.id, value, Source(f"填报_{rs.id}.xlsx", sheet=unit[:31], cell=f"D{line}"), raw="" if value is None else str(value), evidence=f"=证据{line}" if line % 5 == 0 else "", scorer="测试")
                line += 1
    return s


def make_run(pairs: list, rank_by=()) -> Run:
    results = []
    for lr, s in pairs:
        results.extend(score_set(lr.ruleset, s))
    ranked = rank(results, parse_rank_by(rank_by))
    return Run(results=ranked, rules=[lr for lr, _ in pairs], adjustments=[], units_index=None, sets=[s for _, s in pairs])


# ------------------------------------------------------------- comparison


def _dec(value) -> Decimal:
    assert isinstance(value, (int, float)) and not isinstance(value, bool), f"not a number: {value!r}"
    return Decimal(str(round(float(value), 9)))


def _table(ws) -> tuple[list, list[dict]]:
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [dict(zip(header, r)) for r in rows[1:]]


def disagreements(run: Run, recalculated: Path) -> list[str]:
    """Every figure LibreOffice computed that differs from gkscore's own result."""
    wb = computed(recalculated)
    header, summary = _table(wb["汇总"])
    _, detail = _table(wb["明细"])
    by_unit = {row["单位"]: row for row in summary}
    by_item: dict = {}
    for row in detail:
        by_item.setdefault(row["单位"], []).append(row)
    bad: list[str] = []

    def check(where: str, got, want) -> None:
        if want is None:  # a veto stopped scoring: blank, or 单项否决 for the total
            ok = got in (None, "", "单项否决")
        else:
            try:
                ok = _dec(got) == Decimal(want)
            except AssertionError:
                ok = False
        if not ok:
            bad.append(f"{where}: LibreOffice {got!r}, gkscore {want}")

    assert len(by_unit) == len(run.results) == len(summary)
    for r in run.results:
        s = by_unit[r.unit]
        u = r.unit
        check(f"{u} 总分", s["总分"], r.total)
        check(f"{u} 基础分", s["基础分"], r.base)
        check(f"{u} 加分", s["加分"], r.bonus)
        check(f"{u} 扣分", s["扣分"], r.penalty)
        if s["排名"] != r.rank:
            bad.append(f"{u} 排名: LibreOffice {s['排名']!r}, gkscore {r.rank}")
        if s["排名组"] != r.rank_group:
            bad.append(f"{u} 排名组: {s['排名组']!r} != {r.rank_group}")
        if (s["等次"] or None) != r.grade:
            bad.append(f"{u} 等次: LibreOffice {s['等次']!r}, gkscore {r.grade}")
        if (s["单项否决"] or None) != ({v.text: v.id for lr in run.rules for v in lr.ruleset.vetoes}.get(r.veto) if r.veto else None):
            bad.append(f"{u} 单项否决: {s['单项否决']!r}, gkscore {r.veto}")
        for name, value in r.sections.items():
            col = name if name in header else f"{name}({r.rules_id})"
            check(f"{u} {name}", s[col], value)
        for name, value in (r.parts or {}).items():  # a table made of parts: each part's score
            col = name if name in header else f"{name}({r.rules_id})"
            check(f"{u} {name}", s[col], value)
        if r.stopped:  # no section is scored
            rs = next(lr.ruleset for lr in run.rules if lr.ruleset.id == r.rules_id)
            for sec in rs.sections:
                col = sec.name if sec.name in header else f"{sec.name}({r.rules_id})"
                check(f"{u} {sec.name}", s[col], None)
        rows = {row["指标"]: row for row in by_item[u]}
        scored = {i.id for i in r.items}
        for it in r.items:
            row = rows.pop(it.id)
            check(f"{u} {it.id} 得分", row["得分"], it.score)
            check(f"{u} {it.id} 失分", row["失分"], it.lost)
            if "计分分值" in row:
                check(f"{u} {it.id} 计分分值", row["计分分值"], it.max)
            if row["适用"] != "是":
                bad.append(f"{u} {it.id} 适用: {row['适用']!r}")
        for item_id, row in rows.items():  # not applicable (applies_if false), or not scored (a veto stopped scoring)
            assert item_id not in scored
            if r.stopped or _part_stopped(run, r, row["一级指标"]):
                if row["得分"] not in (None, "") or row["失分"] not in (None, ""):
                    bad.append(f"{u} {item_id}: gkscore: not scored (veto); workbook 得分={row['得分']!r}")
            elif row["适用"] != "否" or row["得分"] != 0:
                bad.append(f"{u} {item_id}: gkscore: not applicable; workbook 适用={row['适用']!r} 得分={row['得分']!r}")
    return bad


def _part_stopped(run: Run, r, section_name: str) -> bool:
    """Whether a veto of the part of this section stopped scoring the part."""
    rs = next(lr.ruleset for lr in run.rules if lr.ruleset.id == r.rules_id)
    part = next((s.part for s in rs.sections if s.name == section_name), None)
    if part is None:
        return False
    name = next(p.name for p in rs.parts if p.id == part)
    texts = {v.text for v in rs.vetoes if v.part == part and v.stops}
    from gkscore.engine.vetoes import veto_note  # the note in the language the run was worded in

    return any(n == f"{name}: " + veto_note(t) for n in r.notes for t in texts)


def _formulas(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    out.append(c.value)
    return out


# --------------------------------------------------------------- fixtures

EXAMPLES = [ROOT / "examples" / "county_2020_filled.xlsx", ROOT / "examples" / "citydept_2020_filled.xlsx"]


def _example_run() -> Run:
    from gkscore.pipeline import Options, run

    for p in EXAMPLES:
        assert p.exists(), f"{p} is missing: run examples/make_examples.py"
    return run(Options(observations=[str(p) for p in EXAMPLES]))


def _rescore(run: Run, sets: list) -> Run:
    pairs = []
    for s in sets:
        lr = next(lr for lr in run.rules if lr.ruleset.id == s.rules_id)
        pairs.append((lr, s))
    return make_run(pairs)


def _pick_change(run: Run):
    """A count observed as 0 that some deduct_each reads, whose change to 2 moves
    that unit's total and rank (first such, in a stable order)."""
    fallback = None
    for s in run.sets:
        rs = next(lr.ruleset for lr in run.rules if lr.ruleset.id == s.rules_id)
        counted = {(it.id, c.field) for sec in rs.sections for g in sec.groups for it in g.items for c in it.clauses if c.kind == "deduct_each"}
        for (unit, owner, field_id), o in sorted(s.values.items()):
            if (owner, field_id) not in counted or o.value != 0:
                continue
            changed = copy.copy(s)
            changed.values = dict(s.values)
            changed.values[(unit, owner, field_id)] = dataclasses.replace(o, value=2)
            new = _rescore(run, [changed if x is s else x for x in run.sets])
            before = next(r for r in run.results if r.unit == unit)
            after = next(r for r in new.results if r.unit == unit)
            if after.total != before.total:
                if after.rank != before.rank:
                    return (unit, owner, field_id), new
                fallback = fallback or ((unit, owner, field_id), new)
    assert fallback is not None, "no count observation to change in the examples"
    return fallback


@pytest.fixture(scope="module")
def proved(tmp_path_factory):
    """Write every workbook, recalculate them all in one LibreOffice start."""
    tmp = tmp_path_factory.mktemp("formulas")
    rules_dir = tmp / "rules"
    rules_dir.mkdir()
    fx_sum = _load(rules_dir, "sum", SUM_RULES)
    fx_weighted = _load(rules_dir, "weighted", WEIGHTED_RULES)
    fx_precise = _load(rules_dir, "precise", PRECISE_RULES)
    fx_unit = _load(rules_dir, "unit", UNIT_FIELD_RULES)
    fx_parts = _load(rules_dir, "parts", PARTS_RULES)

    runs: dict[str, Run] = {}
    sum_units = {f"单位{i:02d}": "A" if i % 3 else "B" for i in range(60)}
    sum_units["=SUM(1,2)单位"] = "A"  # text that looks like a formula stays text
    runs["random"] = make_run(
        [
            (fx_sum, random_set(fx_sum, sum_units, seed=20201)),
            (fx_weighted, random_set(fx_weighted, {f"加权{i:02d}": "C" for i in range(40)}, seed=20202)),
            (fx_precise, random_set(fx_precise, {f"精细{i:02d}": "D" for i in range(30)}, seed=20203)),
            (fx_unit, random_set(fx_unit, {f"属性{i:02d}": "E" for i in range(40)}, seed=20206)),
            (fx_parts, random_set(fx_parts, {f"分部{i:02d}": "F" for i in range(60)}, seed=20208)),
        ],
        rank_by=["A+B"],
    )
    runs["partial"] = make_run(
        [
            (fx_sum, random_set(fx_sum, {f"缺项{i:02d}": "A" if i % 2 else "B" for i in range(40)}, seed=20204, missing=0.15)),
            (fx_weighted, random_set(fx_weighted, {f"缺项加权{i:02d}": "C" for i in range(20)}, seed=20205, missing=0.15)),
            (fx_unit, random_set(fx_unit, {f"缺项属性{i:02d}": "E" for i in range(40)}, seed=20207, missing=0.15)),
            (fx_parts, random_set(fx_parts, {f"缺项分部{i:02d}": "F" for i in range(30)}, seed=20209, missing=0.15)),
        ]
    )
    fx_half = _load(rules_dir, "half", HALF_POINT_RULES)
    half = ObservationSet(fx_half.ruleset.id, fx_half.sha256)
    half.units["折算单位"] = "A"
    for (owner, field_id), value in {("big", "s"): D("0.03"), ("na", "has"): False, ("na", "ok"): False}.items():
        half.values[("折算单位", owner, field_id)] = Observation("折算单位", owner, field_id, value, Source("t.csv", line=2))
    runs["half"] = make_run([(fx_half, half)])
    runs["examples"] = _example_run()
    change, runs["changed"] = _pick_change(runs["examples"])

    src = tmp / "src"
    src.mkdir()
    paths = {}
    for name in ("random", "partial", "examples", "half"):
        paths[name] = src / f"{name}.xlsx"
        write_formula_workbook(runs[name], str(paths[name]))
    # The same change made by hand in the examples workbook.
    unit, owner, field_id = change
    wb = openpyxl.load_workbook(paths["examples"])
    ws = wb["观测"]
    hits = [r for r in range(2, ws.max_row + 1) if (ws[f"A{r}"].value, ws[f"C{r}"].value, ws[f"D{r}"].value) == (unit, owner, field_id)]
    assert len(hits) == 1 and ws[f"E{hits[0]}"].value == 0
    ws[f"E{hits[0]}"].value = 2
    paths["changed"] = src / "changed.xlsx"
    wb.save(paths["changed"])

    names = list(paths)
    out = recalc_many([paths[n] for n in names], tmp / "out")
    return {"runs": runs, "written": paths, "recalculated": dict(zip(names, out)), "change": change}


# ------------------------------------------------------------------ tests


@pytest.mark.parametrize("name", ["random", "partial", "examples", "changed"])
def test_libreoffice_agrees_with_gkscore(proved, name):
    run = proved["runs"][name]
    bad = disagreements(run, proved["recalculated"][name])
    assert not bad, f"{len(bad)} disagreement(s):\n" + "\n".join(bad[:30])


def test_redistribution_on_a_half_point(proved):
    # 0.03 × 110/60 = 0.055 exactly -> 0.06; a factor 110/60 rounded to 34
    # digits first would give 0.05 (fixed in scoring.py: divide last).
    bad = disagreements(proved["runs"]["half"], proved["recalculated"]["half"])
    assert not bad, "\n".join(bad)


def test_random_sets_exercise_every_feature(proved):
    """Guard against a silently weak random set: each feature shows up in both branches."""
    results = proved["runs"]["random"].results
    items = [i for r in results for i in r.items]
    assert any(r.veto for r in results) and any(not r.veto for r in results)
    assert any(i.voided for i in items)
    assert any("given back" in n for r in results for n in r.notes)  # group max_lost relief
    assert any("does not apply" in n for r in results for n in r.notes)  # applies_if false
    assert any(r.bonus_raw > r.bonus > 0 for r in results)  # bonus cap
    assert any(n.startswith("base score") and "not counted" in n for r in results for n in r.notes)  # bonus gate
    assert any(r.penalty_raw > r.penalty for r in results)  # penalty cap
    assert any(i.raw < 0 for i in items) and any(i.raw > i.max for i in items)  # floor and cap
    grades = {r.grade for r in results if r.rules_id == "fx-sum"}
    assert {"优秀", "良好", "合格", "不合格"} <= grades or len(grades) >= 3
    ranks = [r.rank for r in results]
    assert len(ranks) != len(set(ranks)), "no tie in the random run"
    assert {r.rank_group for r in results} == {"A+B", "C", "D", "E", "F"}
    assert any(not r.complete for r in proved["runs"]["partial"].results)
    units = [r for r in results if r.rules_id == "fx-unit"]
    # a veto that stops scoring, with a fixed total and without one; ranked after the scored units
    assert any(r.stopped and r.total == 59 for r in units) and any(r.stopped and r.total is None for r in units)
    last = max(r.rank for r in units)
    assert all(r.rank == last for r in units if r.total is None) and len([r for r in units if r.rank == last]) == len([r for r in units if r.total is None])
    # a section and a group applying by a unit field, both ways (the notes name the indicator: 网站建设第1项)
    for item, name in (("web.1", "网站建设 item 1"), ("svc.1", "窗口服务 item 1")):
        assert any(f"{name}: does not apply" in n for r in units for n in r.notes) and any(i.id == item for r in units for i in r.items)
    # a blank the unit need not answer (only_if does not hold, not applicable) leaves it complete
    parted = [r for r in results if r.rules_id == "fx-parts"]
    notes = [n for r in parted for n in r.notes]
    for part in ("网站部分: ", "新媒体部分: "):  # a part's veto, stopping and not
        assert any(n.startswith(part) and "单项否决" in n for n in notes)
    assert any(n.startswith("网站部分") and ("不计" in n or "not counted" in n) for n in notes)  # a part's gate
    assert any(r.veto for r in parted) and any(r.grade == "不合格" and not r.veto for r in parted)
    partial = proved["runs"]["partial"]
    missing = {u for s in partial.sets for (u, _o, _f) in s.missing}
    assert any(r.complete and r.unit in missing for r in partial.results if r.rules_id == "fx-unit")


def test_changing_one_observation_moves_total_and_rank(proved):
    unit, _, _ = proved["change"]
    before = next(r for r in proved["runs"]["examples"].results if r.unit == unit)
    after = next(r for r in proved["runs"]["changed"].results if r.unit == unit)
    assert after.total != before.total and after.rank != before.rank
    wb = computed(proved["recalculated"]["changed"])
    _, rows = _table(wb["汇总"])
    row = next(r for r in rows if r["单位"] == unit)
    assert _dec(row["总分"]) == after.total
    assert row["排名"] == after.rank


def test_examples_totals_match_json(proved, tmp_path):
    """The check from the issue: the CLI's json totals equal LibreOffice's, unit by unit."""
    import json

    out = tmp_path / "audit.xlsx"
    result = run_cli("score", *map(str, EXAMPLES), "--format", "xlsx", "--formulas", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.exists()
    data = json.loads(run_cli("score", *map(str, EXAMPLES), "--format", "json").stdout)
    wb = computed(proved["recalculated"]["examples"])
    _, rows = _table(wb["汇总"])
    got = {r["单位"]: (_dec(r["总分"]), r["排名"]) for r in rows}
    want = {u["unit"]: (Decimal(str(u["total"])), u["rank"]) for u in data["units"]}
    assert got == want


def test_only_portable_functions(proved):
    used = set()
    for name in ("random", "partial", "examples"):
        for f in _formulas(proved["written"][name]):
            used |= functions_used(f)
    assert used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS
    assert {"ROUND", "IF", "MIN", "MAX", "SUMPRODUCT"} <= used


def test_item_formula_reads_like_the_rule(proved):
    wb = openpyxl.load_workbook(proved["written"]["random"])
    ws = wb["明细"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    formulas = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[col["单位"]] == "单位01":
            formulas[row[col["指标"]]] = row[col["折算前得分"]]
    deduct = formulas["deduct"]
    assert deduct.startswith("=IF(观测!E") and "ROUND(MIN(4,MAX(0,4-IF(观测!E" in deduct
    assert "MIN(0.5*观测!E" in deduct and ",2)" in deduct  # deduct_each with its cap
    assert "0.4*(5-观测!E" in deduct  # sampled, counts passed
    assert 'EXACT(观测!E' in formulas["award"] and "DATE(2021,3,31)" in formulas["award"]


def test_text_stays_text(proved):
    """Unit names and evidence that look like formulas are written, and read back, as text."""
    wb = openpyxl.load_workbook(proved["written"]["random"])
    ws = wb["观测"]
    texts = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert texts and all(c.data_type == "s" for c in texts)
    recalculated = computed(proved["recalculated"]["random"])
    names = {r[0] for r in recalculated["汇总"].iter_rows(min_row=2, values_only=True)}
    assert "=SUM(1,2)单位" in names


def _refusal(tmp_path: Path, item_yaml: str, fields_values: dict) -> ProblemsError:
    text = f"""\
format: gkscore/1
id: fx-refuse
title: 无法写成公式
classes:
  A: {{name: 甲类, max: 5}}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
{textwrap.indent(textwrap.dedent(item_yaml).strip(), " " * 10)}
"""
    lr = _load(tmp_path, "refuse", text)
    s = ObservationSet(lr.ruleset.id, lr.sha256)
    s.units["某单位"] = "A"
    for (owner, field_id), value in fields_values.items():
        s.values[("某单位", owner, field_id)] = Observation("某单位", owner, field_id, value, Source("t.csv", line=2))
    out = tmp_path / "refused.xlsx"
    with pytest.raises(ProblemsError) as exc:
        write_formula_workbook(make_run([(lr, s)]), str(out))
    assert not out.exists()
    return exc.value


def test_refuses_a_number_a_spreadsheet_cannot_hold(tmp_path):
    err = _refusal(
        tmp_path,
        """
        - id: fine
          text: 做到得分。
          max: 5
          fields: [{id: ok, type: bool, prompt: 是否做到}]
          clauses:
            - {kind: award, when: {field: ok}, points: 1.234567890123456789}
        """,
        {("fine", "ok"): True},
    )
    (problem,) = err.problems
    assert problem.code == "formula-unexpressible"
    assert "item 'fine'" in problem.message and "significant digits" in problem.message
    assert problem.file.endswith("refuse.yaml") and problem.line is not None


def test_refuses_a_formula_nested_too_deep(tmp_path):
    choices = [f"L{i}" for i in range(70)]
    levels = ", ".join(f"{c}: {D(i) / 20}" for i, c in enumerate(choices))
    err = _refusal(
        tmp_path,
        f"""
        - id: deep
          text: 七十个等次。
          max: 5
          fields: [{{id: lvl, type: choice, choices: [{", ".join(choices)}], prompt: 等次}}]
          clauses:
            - {{kind: graded, field: lvl, levels: {{{levels}}}}}
        """,
        {("deep", "lvl"): "L3"},
    )
    (problem,) = err.problems
    assert "item 'deep'" in problem.message and "nests" in problem.message


def test_cli_refusal_exit_code(tmp_path, monkeypatch):
    """The command says which item and writes nothing (exit 1)."""
    import gkscore.render.formula_expr as fx

    monkeypatch.setattr(fx, "MAX_NESTING", 3)
    out = tmp_path / "audit.xlsx"
    result = run_cli("score", str(EXAMPLES[0]), "--format", "xlsx", "--formulas", "-o", str(out))
    assert result.exit_code == 1
    assert "cannot express item" in result.stderr and "formula-unexpressible" in result.stderr
    assert not out.exists()


def test_a_refusal_reads_in_chinese(tmp_path):
    """A Chinese user reads which rule has no formula, and why, in Chinese;
    the YAML key stays as written, so the rule can be found in the file."""
    text = doc_example("void-if").replace(
        "- {id: mismatch, type: bool, prompt: 文件公开数量是否明显与实际制发数量存在较大出入？}",
        "- {id: gap, type: number, prompt: 公开数量与实际制发数量相差的比例}",
    ).replace("void_if: {field: mismatch}", "void_if: {field: gap, gt: 0.1234567890123456789}")
    rules = write(tmp_path, "void.yaml", text)
    units = units_file(tmp_path, [("某县", "county")])
    answers = {("某县", "zdgk.zcjd", "gap"): "0.5", ("某县", "zdgk.zcjd.1", "timely"): "是", ("某县", "zdgk.zcjd.2", "varied"): "否"}
    obs = filled(tmp_path, rules, units, answers)
    out = tmp_path / "audit.xlsx"
    r = run_cli("--lang", "zh", "score", str(obs), "--rules", str(rules), "--units", str(units), "--format", "xlsx", "--formulas", "-o", str(out))
    assert r.exit_code == 1 and not out.exists()
    (line,) = [x for x in r.stderr.splitlines() if "formula-unexpressible" in x]
    row = next(i for i, x in enumerate(text.splitlines(), start=1) if "void_if:" in x)
    where = f"{rules}:{row}:{text.splitlines()[row - 1].index('{') + 1}: "
    assert line.startswith(where)
    message = line[len(where):]
    assert message == (
        '无法把二级指标 "zdgk.zcjd" 的 void_if（整组不得分条件）写成公式：'
        "数值 0.1234567890123456789 的有效数字超过 15 位，电子表格无法精确保存；"
        "请简化这条规则，或不加 --formulas 输出报告 (formula-unexpressible)"
    )
    # no English left but the YAML key, the ids, the option and the code
    assert set(re.findall(r"[A-Za-z]+", message)) == {"void", "if", "zdgk", "zcjd", "formulas", "formula", "unexpressible"}
