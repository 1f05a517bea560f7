"""A newcomer adds a clause kind by writing one module: here the module is
this test's ``Tally`` (每项得N分,最多计M项), registered through the public
registry and nothing else edited.  The rule language then accepts it, the
checks check it, the engine scores it (figures through the memo, details
with reasons and arithmetic, in agreement) and the formula workbook writes
it, proved equal to gkscore by LibreOffice.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from typing import Iterator, Literal

import pytest

from gkscore.engine.conditions.node import Getter
from gkscore.engine.formula import Cell, num
from gkscore.engine.kinds import registry
from gkscore.engine.kinds.base import CheckContext, ClauseKind, Effect, credit_reason, formula_points, points
from gkscore.exact import fmt, mul
from gkscore.problems import ProblemsError
from gkscore.rules.base import Id, PerClass, Whole
from gkscore.rules.findings import Finding
from gkscore.rules.load import load_rules


class Tally(ClauseKind):
    """每项得N分,最多计M项: ``per`` points for each occurrence counted in ``field``, at most ``most`` of them."""

    kind: Literal["tally"]
    field: Id
    per: PerClass
    most: Whole

    field_type = "count"

    def apply(self, get: Getter, cls: str, held: dict[str, bool]) -> Effect:
        n = get(self.field)
        per = points(self.per, cls)
        counted = min(n, self.most)
        delta = mul(per, Decimal(counted))
        return delta, delta > 0, (per, counted)

    def expr(self, operands) -> str:
        per, counted = operands
        return f"{fmt(per, None)} × {counted}"

    def full_credit(self, fields: dict, cls: str) -> Decimal | None:
        return mul(points(self.per, cls), Decimal(self.most))

    def reason(self, step, fields: dict, cls: str) -> str | None:
        return credit_reason(step, self.full_credit(fields, cls), f"{step.expr} = {fmt(step.delta, None)}")

    def formula(self, cls: str, cell: Cell, held: dict[str, str]) -> tuple[str, str | None]:
        return f"{num(formula_points(self.per, cls))}*MIN({cell(self.field)},{self.most})", None

    def check_field(self, field, ctx: CheckContext) -> Iterator[Finding]:
        if self.most <= 0:
            yield Finding(ctx.path + ("most",), "most", "most must be at least 1")


RULES = """\
format: gkscore/1
id: toy
title: 新条款类型
classes:
  A: {name: 甲类, max: 10}
  B: {name: 乙类, max: 8}
grades:
  bands: [{grade: 好, min: 6}, {grade: 差}]
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: t
            text: 每发布1篇得1分(乙类0.5分),最多计4篇;另设专栏得2分。
            max: {A: 6, B: 4}
            fields:
              - {id: n, type: count, prompt: 篇数}
              - {id: col, type: bool, prompt: 是否设专栏}
            clauses:
              - {kind: tally, field: n, per: {A: 1, B: 0.5}, most: 4}
              - {kind: award, when: {field: col}, points: 2}
          - id: d
            text: 每个错误扣1分。
            max: 4
            fields:
              - {id: e, type: count, prompt: 错误数}
            clauses:
              - {kind: deduct_each, field: e, per: 1}
"""


@pytest.fixture
def tally():
    registry.register(Tally)
    try:
        yield Tally
    finally:
        registry.unregister("tally")


def _load(tmp_path, text: str = RULES):
    path = tmp_path / "toy.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_rules(str(path))


def test_an_unregistered_kind_is_refused(tmp_path):
    with pytest.raises(ProblemsError) as err:
        _load(tmp_path)
    assert any("unknown kind 'tally'" in p.message for p in err.value.problems)


def test_the_new_kind_is_checked(tmp_path, tally):
    with pytest.raises(ProblemsError) as err:
        _load(tmp_path, RULES.replace("field: n, per", "field: col, per"))
    assert any("a tally clause needs a field of type count" in p.message for p in err.value.problems)
    lr = _load(tmp_path)
    # its full credit counts towards the lint of credits adding up to 分值
    assert not [w for w in lr.warnings if w.code == "clause-sum"]


def test_the_new_kind_scores_on_the_full_and_summary_paths(tmp_path, tally, zh):
    from test_memoised_scoring import compare, obs_of

    from gkscore.scoring import score_unit

    rs = _load(tmp_path).ruleset
    units = [(f"单位{i}", "AB"[i % 2], {("t", "n"): i, ("t", "col"): i % 3 == 0, ("d", "e"): i % 2}) for i in range(12)]
    obs = obs_of(rs, units, partial=False)
    compare(rs, obs)  # memoised figures == each unit alone; details fold into the figures
    one = score_unit(rs, "A", "单位2", obs)
    t = next(i for i in one.items if i.id == "t")
    assert t.score == Decimal(2)
    assert t.arithmetic() == "1 × 2 + 0 = 2"
    assert t.reasons == ["得 1 × 2 = 2 分 (满分 4): 每发布1篇得1分(乙类0.5分),最多计4篇;另设专栏得2分。 (篇数)", "未得 2 分: 每发布1篇得1分(乙类0.5分),最多计4篇;另设专栏得2分。 (是否设专栏 = 是)"]
    many = score_unit(rs, "B", "单位9", obs)
    assert next(i for i in many.items if i.id == "t").score == Decimal(4)  # 0.5 × min(9, 4) + 2


def test_the_new_kind_has_a_formula_libreoffice_agrees_with(tmp_path, tally):
    from lo import recalc_many
    from test_formulas import disagreements, make_run, random_set

    from gkscore.render.xlsx_formulas import write_formula_workbook

    lr = _load(tmp_path)
    run = make_run([(lr, random_set(lr, {f"单位{i:02d}": "AB"[i % 2] for i in range(30)}, seed=7))])
    assert {i.score for r in run.results for i in r.items if i.id == "t"} >= {Decimal(0), Decimal(2)}
    path = tmp_path / "toy.xlsx"
    write_formula_workbook(run, str(path))
    (recalculated,) = recalc_many([path], tmp_path / "out")
    assert disagreements(run, recalculated) == []
