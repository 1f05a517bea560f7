"""Shared builders for the renderer tests (xlsx, csv, markdown), and the tests
of the text-safety helpers they rely on.

``scored()`` loads two small rule files written to tmp_path (a county table and
a city-department table with classes A and B), scores hand-built observation
sets with ``score_unit`` and ranks them with ``ranking.rank``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from gkscore import i18n
from gkscore.observations.types import Observation, ObservationSet, Source
from gkscore.pipeline import Run
from gkscore.ranking import rank
from gkscore.render.textsafe import clean_xml_text, display_width, inert_csv, md_cell, safe_sheet_title
from gkscore.rules.load import load_rules
from gkscore.scoring import UnitResult, score_unit

D = Decimal

COUNTY = """\
format: gkscore/1
id: county-demo
title: 县区考评示例
precision: 2
classes:
  county: {name: 县(市、区)政府, max: 10}
grades:
  bands: [{grade: 优秀, min: 9}, {grade: 良好, min: 7}, {grade: 不合格}]
sections:
  - id: rcgl
    name: 日常管理
    groups:
      - id: rcgl.zz
        name: 组织推进
        items:
          - id: rcgl.zz.1
            text: 纳入考核得1分,分值比重不低于4%得1分
            max: 2
            start: zero
            fields:
              - {id: done, type: bool, prompt: 是否纳入考核}
              - {id: pct, type: number, min: 0, max: 100, prompt: 分值比重}
            clauses:
              - {kind: award, when: {field: done}, points: 1}
              - {kind: award, when: {field: pct, ge: 4}, points: 1}
          - id: rcgl.zz.2
            text: 每发现1个问题扣0.2分
            max: 3
            fields:
              - {id: n, type: count, prompt: 问题个数}
            clauses:
              - {kind: deduct_each, field: n, per: 0.2}
  - id: ptjs
    name: 平台建设
    groups:
      - id: ptjs.wz
        name: 网站建设
        items:
          - id: ptjs.wz.1
            text: 栏目设置合理,酌情评分
            max: 5
            fields:
              - {id: score, type: score, min: 0, max: 5, step: 0.5, prompt: 评定得分}
            clauses:
              - {kind: judged, field: score}
  - id: jfx
    name: 加分项
    kind: bonus
    cap: 2
    groups:
      - id: jfx.cx
        name: 创新案例
        items:
          - id: jfx.cx.1
            text: 创新案例加分
            max: 2
            fields:
              - {id: score, type: score, min: 0, max: 2, step: 0.5, prompt: 加分}
            clauses:
              - {kind: judged, field: score}
  - id: kfx
    name: 扣分项
    kind: penalty
    cap: 2
    groups:
      - id: kfx.mt
        name: 媒体曝光
        items:
          - id: kfx.mt.1
            text: 被媒体曝光扣分
            max: 2
            fields:
              - {id: deducted, type: score, min: 0, max: 2, step: 0.5, prompt: 扣分}
            clauses:
              - {kind: judged, field: deducted}
"""

DEPT = """\
format: gkscore/1
id: dept-demo
title: 市直部门考评示例
precision: 2
classes:
  A: {name: 有网站, max: 3}
  B: {name: 无网站, max: 2}
sections:
  - id: rcgl
    name: 日常管理
    groups:
      - id: rcgl.zz
        name: 组织推进
        items:
          - id: rcgl.zz.1
            text: 得1分
            max: 2
            start: zero
            fields:
              - {id: done, type: bool, prompt: 是否}
              - {id: pct, type: number, min: 0, max: 100, prompt: 比重}
            clauses:
              - {kind: award, when: {field: done}, points: 1}
              - {kind: award, when: {field: pct, ge: 4}, points: 1}
  - id: wzjs
    name: 网站建设
    groups:
      - id: wzjs.wz
        name: 网站运维
        items:
          - id: wzjs.wz.1
            text: 每发现1个错链扣0.2分
            max: {A: 1, B: null}
            fields:
              - {id: n, type: count, prompt: 错链个数}
            clauses:
              - {kind: deduct_each, field: n, per: 0.2}
"""

HYPERLINK = '=HYPERLINK("http://x","y")'
BELL_EVIDENCE = "截图\x07见附件\x00二"


@dataclass
class Adj:
    unit: str
    item: str
    field: str
    before: str
    after: str
    reason: str
    approved_by: str
    date: str


# the rule sets loaded by the fixtures, by id: a run of their results names its classes from them
LOADED: dict = {}


def load(tmp_path: Path, text: str, name: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    rs = load_rules(str(path)).ruleset
    LOADED[rs.id] = rs
    return rs


def observe(rs, units: dict[str, tuple[str, dict]], partial: bool = False) -> ObservationSet:
    """units: name -> (class, {(owner, field): value or (value, evidence)})."""
    obs = ObservationSet(rules_id=rs.id, rules_sha256="0" * 64)
    line = 1
    for unit, (cls, values) in units.items():
        obs.units[unit] = cls
        for (owner, field_id), v in values.items():
            value, evidence = v if isinstance(v, tuple) else (v, "")
            line += 1
            obs.values[(unit, owner, field_id)] = Observation(
                unit=unit,
                owner=owner,
                field=field_id,
                value=value,
                source=Source("obs.csv", line=line),
                raw=str(value),
                evidence=evidence,
                scorer="张三",
            )
        if partial:
            for key in list(obs.values):
                if obs.values[key].value is None:
                    obs.missing.add(key)
    return obs


def county_units(evidence: str = "+1") -> dict[str, tuple[str, dict]]:
    return {
        "黄州区": ("county", {
            ("rcgl.zz.1", "done"): True, ("rcgl.zz.1", "pct"): D("5"),
            ("rcgl.zz.2", "n"): 0, ("ptjs.wz.1", "score"): D("5"),
            ("jfx.cx.1", "score"): D("1"), ("kfx.mt.1", "deducted"): D("0"),
        }),
        HYPERLINK: ("county", {
            ("rcgl.zz.1", "done"): (True, "@SUM(A1)"), ("rcgl.zz.1", "pct"): D("3"),
            ("rcgl.zz.2", "n"): (3, BELL_EVIDENCE), ("ptjs.wz.1", "score"): (D("4.5"), evidence),
            ("jfx.cx.1", "score"): D("0"), ("kfx.mt.1", "deducted"): D("0.5"),
        }),
        "团风县": ("county", {
            ("rcgl.zz.1", "done"): False, ("rcgl.zz.1", "pct"): D("0"),
            ("rcgl.zz.2", "n"): 20, ("ptjs.wz.1", "score"): D("4.5"),
            ("jfx.cx.1", "score"): D("0"), ("kfx.mt.1", "deducted"): D("0"),
        }),
    }


def dept_units() -> dict[str, tuple[str, dict]]:
    return {
        "市发改委": ("A", {("rcgl.zz.1", "done"): True, ("rcgl.zz.1", "pct"): D("4"), ("wzjs.wz.1", "n"): 1}),
        "市教育局": ("A", {("rcgl.zz.1", "done"): True, ("rcgl.zz.1", "pct"): D("4"), ("wzjs.wz.1", "n"): 0}),
        "市档案馆": ("B", {("rcgl.zz.1", "done"): True, ("rcgl.zz.1", "pct"): D("1")}),
    }


def score_all(rs, obs) -> list[UnitResult]:
    return [score_unit(rs, cls, unit, obs) for unit, cls in obs.units.items()]


@pytest.fixture
def county(tmp_path) -> list[UnitResult]:
    rs = load(tmp_path, COUNTY, "county.yaml")
    return rank(score_all(rs, observe(rs, county_units())))


@pytest.fixture
def mixed(tmp_path) -> list[UnitResult]:
    """County units and city departments (classes A and B) from two rule files."""
    c = load(tmp_path, COUNTY, "county.yaml")
    d = load(tmp_path, DEPT, "dept.yaml")
    return rank(score_all(c, observe(c, county_units())) + score_all(d, observe(d, dept_units())))


@pytest.fixture
def partial(tmp_path) -> list[UnitResult]:
    """团风县 has not filled in the judged score of ptjs.wz.1 (--partial)."""
    rs = load(tmp_path, COUNTY, "county.yaml")
    units = county_units()
    units["团风县"][1][("ptjs.wz.1", "score")] = None
    return rank(score_all(rs, observe(rs, units, partial=True)))


def as_run(results, adjustments=None, rules=None) -> Run:
    """A scoring run of ``results`` (units with their items), as reporters
    take it; its rule sets are those the results were scored with."""
    results = list(results)
    if rules is None:
        rules = [LOADED[i] for i in dict.fromkeys(r.rules_id for r in results) if i in LOADED]
    return Run(results=results, rules=list(rules), adjustments=list(adjustments or []))


def report_text(fmt: str, results, *, adjustments=None, lang: str = "zh", **options) -> str:
    """What the reporter of ``fmt`` writes for ``results`` (in Chinese, the
    language of the reports these tests read, unless ``lang`` says otherwise)."""
    import io

    from gkscore.render.reporters import ReportOptions, reporter

    out = io.StringIO()
    with i18n.using(lang):
        reporter(fmt).stream(as_run(results, adjustments), out, ReportOptions(**{"decimals": 2, **options}))
    return out.getvalue()


def workbook(results, *, adjustments=None, decimals: int = 2, lang: str = "zh", **kw):
    """The results workbook (``xlsx_report.Book``) of ``results``, in Chinese unless ``lang`` says otherwise."""
    from gkscore.render.xlsx_report import build_workbook

    with i18n.using(lang):
        return build_workbook(as_run(results, adjustments), decimals, **kw)


def write_xlsx(results, path, *, adjustments=None, lang: str = "zh", **options) -> None:
    """The xlsx reporter writing ``results`` to ``path``."""
    from gkscore.render.reporters import ReportOptions, reporter

    with i18n.using(lang):
        reporter("xlsx").write(as_run(results, adjustments), str(path), ReportOptions(**{"decimals": 2, **options}))


ADJUSTMENTS = [
    Adj(HYPERLINK, "rcgl.zz.2", "n", "5", "3", "复核时撤销2个问题", "李四", "2021-03-01"),
    Adj("黄州区", "ptjs.wz.1", "score", "4.5", "5", "=申诉成立", "王五", "2021-03-02"),
]


# ------------------------------------------------------------- the fixtures work


def test_fixtures_score_as_expected(county, mixed, partial):
    by = {u.unit: u for u in county}
    assert [u.unit for u in county] == ["黄州区", HYPERLINK, "团风县"]
    assert by["黄州区"].total == D("11")  # 2 + 3 + 5 + bonus 1
    assert by[HYPERLINK].total == D("7.4")  # 1 + 2.4 + 4.5 - 0.5
    assert by["团风县"].total == D("4.5")
    assert [u.rank for u in county] == [1, 2, 3]
    assert [(u.rules_id, u.rank_group) for u in mixed][-3:] == [("dept-demo", "A")] * 2 + [("dept-demo", "B")]
    assert not next(u for u in partial if u.unit == "团风县").complete


# ------------------------------------------------------------------- textsafe


def test_display_width_counts_cjk_double():
    assert display_width("abc") == 3
    assert display_width("黄州区") == 6
    assert display_width("ＡＢ") == 4  # full-width
    assert display_width("ab\n黄州区政府") == 10  # widest line
    assert display_width("") == 0


def test_clean_xml_text_replaces_illegal_characters():
    assert clean_xml_text("a\x00b\x07c\x1fd") == "a\ufffdb\ufffdc\ufffdd"
    assert clean_xml_text("tab\tnew\nline\r") == "tab\tnew\nline\r"
    assert clean_xml_text("x\ud800y\uffff") == "x\ufffdy\ufffd"
    assert len(clean_xml_text("长" * 40000)) == 32767
    assert clean_xml_text(None) == ""


@pytest.mark.parametrize(
    "text, expected",
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("＝1", "'＝1"), ("黄州区", "黄州区"), ("1-2", "1-2"), ("", ""), (None, ""), ("a\x00b", "a\ufffdb"),
     ("\x07=1", "\ufffd=1"), ("a\nb", "a\nb"), ("a\n=b", "a\n'=b"), ("a\r\n－1", "a\r\n'－1"), ("a\tb", "a\tb"),
     ("＠x", "'＠x"), ("x\ud800", "x\ufffd"), ("x\uffff=", "x\ufffd="), ("a=b", "a=b")],
)
def test_inert_csv(text, expected):
    assert inert_csv(text) == expected


def test_safe_sheet_title_forbidden_length_and_case():
    taken = {"汇总"}
    a = safe_sheet_title("扣分明细-a/b\\c*d?e:f[g]h", taken)
    assert a == "扣分明细-a_b_c_d_e_f_g_h"
    long = "扣分明细-" + "很长的单位名称" * 6
    t1 = safe_sheet_title(long, taken)
    t2 = safe_sheet_title(long, taken)
    assert len(t1) == 31 and len(t2) <= 31 and t1 != t2 and t2.endswith("~2")
    u1 = safe_sheet_title("Sheet-ABC", taken)
    u2 = safe_sheet_title("sheet-abc", taken)
    assert u1 == "Sheet-ABC" and u2.casefold() != u1.casefold()
    assert safe_sheet_title("汇总", taken) == "汇总~2"
    assert safe_sheet_title("'quoted'", taken) == "quoted"
    assert safe_sheet_title("", taken) == "Sheet"
    assert safe_sheet_title("History", taken) == "History_"
    assert safe_sheet_title("a\x07b", taken) == "a_b"


def test_md_cell_escapes_pipes_newlines_and_markup():
    assert md_cell("a|b") == "a\\|b"
    assert md_cell("line1\nline2") == "line1<br>line2"
    assert md_cell("<script>") == "&lt;script&gt;"
    assert md_cell("*x*") == "\\*x\\*"
