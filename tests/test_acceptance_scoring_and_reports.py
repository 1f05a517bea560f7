"""Acceptance tests of scoring, ranking and the published reports.

Invariants are checked on the bundled examples; the hand-computed scenarios
below fill fresh templates with values chosen here and derive every expected
figure from the notice's wording (the item text in rules/*.yaml), written out
as arithmetic.  (LibreOffice opening the report: test_acceptance_libreoffice.py.)
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal as D

import openpyxl
import pytest

from test_acceptance_helpers import (
    EX_CITYDEPT,
    EX_COUNTY,
    ROOT,
    cli,
    fill_full_credit,
    load_json,
    make_csv_template,
    run_exe,
)

EXAMPLES = (str(EX_COUNTY), str(EX_CITYDEPT))


@pytest.fixture(scope="module")
def ex_json(outputs):
    code, stdout, stderr = outputs["json"]
    assert code == 0, stderr
    return load_json(stdout)


@pytest.fixture(scope="module")
def ex_xlsx(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "通报.xlsx"
    r = cli("--lang", "zh", "score", *EXAMPLES, "-o", out)  # format from the suffix; a Chinese user's workbook
    assert r.exit_code == 0, r.stderr
    return openpyxl.load_workbook(out)


# ------------------------------------------------------------ every format

FORMATS = {
    "table": ("--format", "table"),
    "json": ("--format", "json"),
    "csv": ("--format", "csv"),
    "csv-detail": ("--format", "csv", "--detail"),
    "md": ("--format", "md"),
    "md-detail": ("--format", "md", "--detail"),
}


@pytest.fixture(scope="module")
def outputs():
    out = {}
    for name, args in FORMATS.items():
        r = cli("score", *EXAMPLES, *args)
        out[name] = (r.exit_code, r.stdout, r.stderr)
    return out


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_examples_score_with_exit_0_in_every_text_format(outputs, fmt):
    code, stdout, stderr = outputs[fmt]
    assert code == 0, stderr
    assert "黄州区" in stdout and "湖北龙感湖国家级自然保护区管理局" in stdout


def test_examples_score_with_exit_0_to_a_file_format_from_its_suffix(tmp_path, ex_xlsx):
    out = tmp_path / "通报.md"
    r = cli("score", *EXAMPLES, "-o", out)
    assert r.exit_code == 0, r.stderr
    assert out.read_text(encoding="utf-8").count("|") > 100
    assert "汇总" in ex_xlsx.sheetnames  # the xlsx one: the module fixture, written with -o 通报.xlsx


def test_real_executable_scores_the_examples_to_json_with_exit_0():
    r = run_exe("score", *EXAMPLES, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert len(load_json(r.stdout)["units"]) == 56


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_output_shows_a_float_artefact_or_more_than_two_decimals(outputs, fmt):
    out = outputs[fmt][1]
    nums = re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", out)
    bad = [n for n in nums if len(n.split(".")[1]) > 2]
    assert not bad, bad[:5]
    assert not re.search(r"\d\.\d*0000000\d|\d\.\d*9999999\d|e-\d\d", out)


# ------------------------------------------------------------ invariants

def test_total_is_base_plus_bonus_minus_penalty_for_every_unit(ex_json):
    for u in ex_json["units"]:
        if u["veto"]:
            continue
        assert u["total"] == u["base"] + u["bonus"] - u["penalty"], u["unit"]


def test_base_is_the_sum_of_its_sections_for_every_unit(ex_json):
    for u in ex_json["units"]:
        base_sections = {s: v for s, v in u["sections"].items() if s not in ("加分项", "扣分项")}
        assert u["base"] == sum(base_sections.values()), u["unit"]


def test_each_section_is_the_exact_sum_of_its_item_scores(ex_json):
    for u in ex_json["units"]:
        by = {}
        for it in u["items"]:
            if it["section"] == "base":
                by[it["path"][0]] = by.get(it["path"][0], 0) + it["score"]
        for s, v in by.items():
            assert u["sections"][s] == v, (u["unit"], s)


def test_bonus_and_penalty_are_the_capped_sums_of_their_items(ex_json):
    for u in ex_json["units"]:
        cap_b = 5 if u["class"] == "county" else 7  # 加分项 (5分) / 优秀创新案例 5 + 专题公开 2
        b = sum(it["score"] for it in u["items"] if it["section"] == "bonus")
        p = sum(it["score"] for it in u["items"] if it["section"] == "penalty")
        assert u["bonus"] == min(b, cap_b), u["unit"]
        assert u["penalty"] == min(p, 5), u["unit"]


def test_every_item_score_lies_within_0_and_its_max_and_lost_is_the_rest(ex_json):
    n = 0
    for u in ex_json["units"]:
        for it in u["items"]:
            assert 0 <= it["score"] <= it["max"], (u["unit"], it["id"])
            assert it["lost"] == it["max"] - it["score"], (u["unit"], it["id"])
            n += 1
    assert n == 10 * 57 + 37 * 47 + 9 * 46


def test_items_lost_points_carry_a_reason(ex_json):
    for u in ex_json["units"]:
        for it in u["items"]:
            if it["lost"] > 0 and it["section"] == "base":
                assert it["reasons"], (u["unit"], it["id"])


def test_ranks_follow_totals_within_each_group_with_ties_shared(ex_json):
    groups = {}
    for u in ex_json["units"]:
        groups.setdefault(u["rank_group"], []).append(u)
    assert set(groups) == {"county", "A", "B"}
    assert (len(groups["county"]), len(groups["A"]), len(groups["B"])) == (10, 37, 9)
    for g, us in groups.items():
        for u in us:
            # standard competition ranking: 1 + the number of units with a strictly higher total
            assert u["rank"] == 1 + sum(1 for v in us if v["total"] > u["total"]), (g, u["unit"])


def test_units_are_listed_by_total_then_name_within_each_group(ex_json):
    seen = []
    for u in ex_json["units"]:
        if not seen or seen[-1][0] != u["rank_group"]:
            seen.append((u["rank_group"], []))
        seen[-1][1].append(u)
    for _, us in seen:
        totals = [u["total"] for u in us]
        assert totals == sorted(totals, reverse=True)
        for a, b in zip(us, us[1:]):
            if a["total"] == b["total"]:
                assert a["unit"] <= b["unit"] or a["rank"] == b["rank"]


def test_grades_follow_the_declared_local_bands(ex_json):
    for u in ex_json["units"]:
        t = u["total"]
        want = "优秀" if t >= 90 else "良好" if t >= 80 else "合格" if t >= 60 else "不合格"
        if not u["veto"]:
            assert u["grade"] == want, (u["unit"], t)


def test_csv_summary_agrees_with_json(ex_json, outputs):
    text = outputs["csv"][1].lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    by = {row["unit"]: row for row in rows}
    for u in ex_json["units"]:
        row = by[u["unit"]]
        assert D(row["total"]) == u["total"] and int(row["rank"]) == u["rank"] and row["grade"] == u["grade"]


def test_rank_by_merges_a_and_b_into_one_group(ex_json):
    r = cli("score", *EXAMPLES, "--format", "json", "--rank-by", "A+B")
    assert r.exit_code == 0, r.stderr
    d = load_json(r.stdout)
    merged = [u for u in d["units"] if u["class"] in ("A", "B")]
    assert len({u["rank_group"] for u in merged}) == 1
    for u in merged:
        assert u["rank"] == 1 + sum(1 for v in merged if v["total"] > u["total"])
    counties = [u for u in d["units"] if u["class"] == "county"]
    assert {u["rank_group"] for u in counties} == {"county"}


def test_results_name_the_rules_used_with_their_sha256(ex_json):
    import hashlib

    want = {
        "huanggang-county-2020": hashlib.sha256((ROOT / "rules" / "county_2020.yaml").read_bytes()).hexdigest(),
        "huanggang-citydept-2020": hashlib.sha256((ROOT / "rules" / "citydept_2020.yaml").read_bytes()).hexdigest(),
    }
    assert {r["id"]: r["sha256"] for r in ex_json["rules"]} == want


def test_scoring_without_adjust_file_is_unchanged_and_with_it_changes_only_what_it_names(ex_json):
    r = cli("score", *EXAMPLES, "--format", "json", "--adjust", ROOT / "examples" / "adjustments.yaml")
    assert r.exit_code == 0, r.stderr
    adj = load_json(r.stdout)
    changed = {u["unit"] for u in adj["units"] if any(it["adjustments"] for it in u["items"])}
    assert changed
    before = {u["unit"]: u["total"] for u in ex_json["units"]}
    for u in adj["units"]:
        if u["unit"] not in changed:
            assert u["total"] == before[u["unit"]], u["unit"]


# ------------------------------------------------------------ xlsx report

def test_xlsx_report_has_summary_detail_and_a_lost_point_sheet_per_unit(ex_xlsx, ex_json):
    wb = ex_xlsx
    assert "汇总" in wb.sheetnames and "明细" in wb.sheetnames
    per_unit = [s for s in wb.sheetnames if s.startswith("扣分明细")]
    assert len(per_unit) == len(ex_json["units"]) == 56


def test_xlsx_summary_header_holds_the_published_words(ex_xlsx):
    ws = ex_xlsx["汇总"]
    headers = [list(r) for r in ws.iter_rows(values_only=True) if r and r[0] == "序号"]
    assert len(headers) == 1  # one frozen header over the county, A and B tables
    # each table under a heading that names the rule file and its class, no ids
    titles = [r[0] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str) and r[0].startswith("2020年黄冈市")]
    assert [t.split(" ", 1)[1] for t in titles] == ["县(市、区)政府", "开设有网站的市直部门(A类)", "未开设网站的市直部门(B类)"]
    assert ws["A1"].value == "关于2020年度政务公开工作考评结果的通报"
    for h in headers:
        words = [w for w in h if w]
        for w in ("序号", "单位", "类别", "加分", "扣分", "总分", "等次", "排名"):
            assert w in words, (w, words)
        for section in ("日常管理", "主动公开", "依申请公开", "平台建设"):
            assert section in words
    assert "基层政务公开" in headers[0]


def test_xlsx_summary_values_equal_the_json(ex_xlsx, ex_json):
    ws = ex_xlsx["汇总"]
    head = None
    got = {}
    for row in ws.iter_rows(values_only=True):
        if row and row[0] == "序号":
            head = list(row)
            continue
        if head and row and isinstance(row[0], int):
            rec = dict(zip(head, row))
            got[rec["单位"]] = rec
    for u in ex_json["units"]:
        rec = got[u["unit"]]
        assert D(str(rec["总分"])) == u["total"] and rec["排名"] == u["rank"] and rec["等次"] == u["grade"]
        assert D(str(rec["加分"])) == u["bonus"] and D(str(rec["扣分"])) == u["penalty"]


def test_xlsx_report_has_a_native_bar_chart_per_rank_group(ex_xlsx):
    from openpyxl.chart import BarChart

    wb = ex_xlsx
    charts = [c for ws in wb.worksheets for c in ws._charts]
    assert len(charts) >= 3 and all(isinstance(c, BarChart) for c in charts)


def test_xlsx_detail_has_every_unit_item_with_max_score_lost_reason_evidence_scorer(ex_xlsx, ex_json):
    ws = ex_xlsx["明细"]
    head = [c.value for c in ws[1]]
    for w in ("分值", "得分", "扣分", "失分原因", "证据", "评分人"):
        assert w in head, head
    assert ws.max_row - 1 == sum(len(u["items"]) for u in ex_json["units"])
    assert ws.freeze_panes and ws.auto_filter.ref


def test_xlsx_lost_point_sheet_lists_the_units_lost_points(ex_xlsx):
    wb = ex_xlsx
    # the reasons in the language of the workbook (ex_xlsx is a Chinese user's)
    r = cli("--lang", "zh", "score", *EXAMPLES, "--format", "json")
    assert r.exit_code == 0, r.stderr
    u = next(u for u in load_json(r.stdout)["units"] if u["unit"] == "团风县")
    ws = wb["扣分明细-团风县"]
    text = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    head = next(r for r in text if r and r[0] == "测评指标" or (r and "失分原因" in r))
    for w in ("测评指标", "指标分值", "得分", "扣分", "失分原因", "证据"):
        assert w in head, head
    lost_ids = [it for it in u["items"] if it["lost"] > 0 and it["section"] == "base"]
    body = "\n".join(" ".join(str(c) for c in r if c is not None) for r in text)
    for it in lost_ids:
        assert it["reasons"][0][:10] in body


def test_text_from_inputs_is_never_written_as_a_formula(ex_xlsx):
    wb = ex_xlsx
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


# ------------------------------------------------------------ hand-computed scenarios

@pytest.fixture(scope="module")
def county_scenarios(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hand")
    p = make_csv_template(tmp, "county_2020", "county.csv", "红安县", "罗田县", "英山县", "浠水县")
    fill_full_credit(
        p,
        {
            # 红安县
            ("红安县", "rcgl.zztj.1", "kpi_weight"): "4",  # 分值比重不低于4%: exactly 4 counts
            ("红安县", "rcgl.zztj.2", "instructions"): "1",  # 批示不少于2次: 1 is not
            ("红安县", "rcgl.jdjc.jctb", "provincial"): "1",
            ("红安县", "rcgl.jdjc.jctb", "municipal"): "2",
            ("红安县", "rcgl.jdjc.jctb", "portal"): "1",
            ("红安县", "rcgl.jdjc.ba3", "faults"): "6",
            ("红安县", "zdgk.zcjd.jdxs", "press_conference"): "否",
            ("红安县", "zdgk.zcjd.jdbl", "interpreted"): "1",
            ("红安县", "zdgk.gknb.1", "government_date"): "2020-03-31",
            ("红安县", "zdgk.gknb.1", "departments_latest"): "2020-02-01",
            ("红安县", "jcgk.ccfa.1", "plan_date"): "2020-09-01",
            ("红安县", "zdgk.jcgk.ygk", "period_days"): "20",
            ("红安县", "zdgk.jcgk.ygk", "reason"): "否",
            ("红安县", "zdgk.jcgk.ygk", "consultations"): "6",
            ("红安县", "jfx.cxal.1", "score"): "4.5",
            ("红安县", "kfx.mtbg.1", "deducted"): "2",
            # 罗田县
            ("罗田县", "zdgk.zcjd", "mismatch"): "是",
            ("罗田县", "zdgk.zcjd.jdgl", "unlinked"): "3",
            ("罗田县", "zdgk.ldxx.1", "faults"): "5",
            ("罗田县", "zdgk.hygq.jttc", "not_connected"): "2",
            ("罗田县", "zdgk.zdly.zdxm", "completeness"): "1.5",
            ("罗田县", "rcgl.zztj.1", "in_kpi"): "否",
            ("罗田县", "rcgl.zztj.1", "kpi_weight"): "10",
            ("罗田县", "jfx.cxal.1", "score"): "5",
            ("罗田县", "kfx.mtbg.1", "deducted"): "5",
            # 英山县, 浠水县: full credit, no bonus, no penalty (a tie)
        },
    )
    r = cli("score", p, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return p, {u["unit"]: u for u in load_json(r.stdout)["units"]}, load_json(r.stdout)


def _item(u, item_id):
    return next(i for i in u["items"] if i["id"] == item_id)


def test_hand_hongan_items(county_scenarios):
    _, res, _ = county_scenarios
    u = res["红安县"]
    # 纳入考核 1 + 比重 4% 不低于4% 1 = 2
    assert _item(u, "rcgl.zztj.1")["score"] == 2
    # 部署 1 + 批示 1次 (<2次) 0 = 1
    assert _item(u, "rcgl.zztj.2")["score"] == 1
    # 8 - 省级2×1 - 市级1×2 - 门户加扣3×1 = 1
    assert _item(u, "rcgl.jdjc.jctb")["score"] == 8 - 2 * 1 - 1 * 2 - 3 * 1 == 1
    # 1 - 0.2×6 = -0.2 -> 扣完为止 0
    assert _item(u, "rcgl.jdjc.ba3")["score"] == max(0, 1 - D("0.2") * 6) == 0
    # 预公开: 草案 1; 征集 20天 (<30) 且未说明理由 0; 征集6次 (不超过6) 0
    assert _item(u, "zdgk.jcgk.ygk")["score"] == 1
    # 解读比例: 抽查4个, 被解读1个, 每少一个扣0.5: 2 - 0.5×(4-1) = 0.5
    assert _item(u, "zdgk.zcjd.jdbl")["score"] == 2 - D("0.5") * (4 - 1) == D("0.5")
    # 解读形式: 3 of 4 forms: 0.5×3/4 = 0.375; + 负责人解读 0.5 = 0.875 -> 0.88 (half away from zero)
    assert _item(u, "zdgk.zcjd.jdxs")["score"] == D("0.88")
    # 年报: 本级 2020-03-31 (3月31日前, the day itself counts) 1; 部门乡镇 2020-02-01 (after 1月31日) 0
    assert _item(u, "zdgk.gknb.1")["score"] == 1
    # 出台方案 2020-09-01: after 8月底 -> 0
    assert _item(u, "jcgk.ccfa.1")["score"] == 0


def test_hand_hongan_total(county_scenarios):
    _, res, _ = county_scenarios
    u = res["红安县"]
    lost = {
        "批示": 1,
        "通报": 7,
        "备案3": 1,
        "解读形式": 1 - D("0.88"),
        "解读比例": D("1.5"),
        "年报": 1,
        "方案": 1,
        "预公开": 2,
    }
    base = 100 - sum(lost.values())
    assert base == D("85.38")
    assert u["base"] == base
    assert u["sections"] == {
        "日常管理": 22 - 1 - 7 - 1,
        "主动公开": 58 - D("0.12") - D("1.5") - 1 - 2,
        "依申请公开": 4,
        "平台建设": 12,
        "基层政务公开": 4 - 1,
    }
    assert (u["bonus"], u["penalty"]) == (D("4.5"), 2)
    assert u["total"] == base + D("4.5") - 2 == D("87.88")
    assert u["grade"] == "良好"  # 80 <= 87.88 < 90


def test_hand_luotian_voided_group_and_caps(county_scenarios):
    _, res, _ = county_scenarios
    u = res["罗田县"]
    # 政策解读 (5分) voided: 文件公开数量明显与实际制发数量存在较大出入的,不得分
    for i in ("zdgk.zcjd.jdgx", "zdgk.zcjd.jdbl", "zdgk.zcjd.jdxs", "zdgk.zcjd.jdgl"):
        assert _item(u, i)["score"] == 0
    # 领导信息: 2 - 1×5 -> 0; 接通测试: 4 - 1×2 = 2; 完备度 1.5 of 2; 未纳入考核: 0 of 2 (比重 point needs 纳入)
    assert _item(u, "zdgk.ldxx.1")["score"] == 0
    assert _item(u, "zdgk.hygq.jttc")["score"] == 2
    assert _item(u, "rcgl.zztj.1")["score"] == 0
    base = 100 - 5 - 2 - 2 - D("0.5") - 2
    assert u["base"] == base == D("88.5")
    # bonus 5 (cap 5), penalty 5 (cap 5)
    assert u["total"] == base + 5 - 5 == D("88.5")


def test_hand_ties_share_a_rank_and_are_listed_by_name(county_scenarios):
    _, res, raw = county_scenarios
    assert res["英山县"]["total"] == res["浠水县"]["total"] == 100
    ranks = {n: res[n]["rank"] for n in res}
    assert ranks == {"英山县": 1, "浠水县": 1, "罗田县": 3, "红安县": 4}  # 100, 100, 88.5, 87.88
    order = [u["unit"] for u in raw["units"]]
    assert order[2:] == ["罗田县", "红安县"]
    assert sorted(order[:2]) == order[:2]


def test_hand_explain_shows_rule_observation_and_arithmetic(county_scenarios):
    p, _, _ = county_scenarios
    r = cli("explain", p, "--unit", "红安县")
    assert r.exit_code == 0, r.stderr
    # the item's block, found by its verbatim rule text (explain names items
    # by their indicator, not by their id)
    block = next(b for b in r.stdout.split("\n[") if "随机抽查网站已发布的4个" in b)
    assert re.search(r"Observed: [^\n]*: 1 \(", block), block  # the observation, by its question
    assert re.search(r"2 - 0\.5 × \(?(4 - 1|3)\)? = 0\.5", block), block
    assert "87.88" in r.stdout.split("\n\n", 1)[0] or "87.88" in r.stdout


@pytest.fixture(scope="module")
def citydept_scenarios(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hand_d")
    p = make_csv_template(tmp, "citydept_2020", "dept.csv", "市教育局", "市财政局")
    fill_full_credit(
        p,
        {
            # 市教育局 (A类)
            ("市教育局", "jdjc.nrbz", "wlxcs"): "1",
            ("市教育局", "jdjc.jctb", "shjtb"): "1",
            ("市教育局", "jggk.jg", "xkcf"): "是",
            ("市教育局", "jggk.jg", "jyta"): "是",
            ("市教育局", "gkpt.3", "kblm"): "1",
            ("市教育局", "gkpt.3", "gxbjs"): "3",
            ("市教育局", "zdly.jszygy", "zdjs"): "1.5",
            ("市教育局", "zdly.jszygy", "shgy"): "0.5",
            ("市教育局", "gknb.1", "fbrq"): "2020-02-01",
            ("市教育局", "ndbb.fb", "fbbb"): "否",
            ("市教育局", "cxal.al", "cxpf"): "5",
            ("市教育局", "ztgk.zt", "ztpf"): "2",
            ("市教育局", "mtbg.bg", "kfz"): "0.5",
            # 市财政局 (B类)
            ("市财政局", "jdjc.nrbz", "wlxcs"): "1",
            ("市财政局", "jdjc.jctb", "sjtb"): "1",
            ("市财政局", "fwgk.fwqk", "tyjd"): "否",
            ("市财政局", "ldxx.ldjs", "qsx"): "1",
        },
    )
    r = cli("score", p, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return p, {u["unit"]: u for u in load_json(r.stdout)["units"]}


def test_hand_education_bureau_class_a(citydept_scenarios):
    _, res = citydept_scenarios
    u = res["市教育局"]
    # 内容保障: A类一次扣2分: 4 - 2×1 = 2
    assert _item(u, "jdjc.nrbz")["score"] == 4 - 2 * 1
    # 通报: 市级一个扣4分: 8 - 4 = 4
    assert _item(u, "jdjc.jctb")["score"] == 8 - 4
    # 结果公开: 许可处罚 扣2, 建议提案 扣2: 6 - 2 - 2 = 2
    assert _item(u, "jggk.jg")["score"] == 6 - 2 - 2
    # 空白栏目 1×2 + 更新不及时 3×1: 4 - 2 - 3 = -1 -> 0
    assert _item(u, "gkpt.3")["score"] == 0
    # 三个领域完备度 1.5 + 2 + 0.5 = 4 (of 6)
    assert _item(u, "zdly.jszygy")["score"] == D("1.5") + 2 + D("0.5")
    base = 100 - 2 - 4 - 4 - 4 - 2 - 2 - 1  # nrbz, jctb, jggk, gkpt.3, jszygy, 年报 after 2020-01-31, 年度报表
    assert u["base"] == base == 81
    assert u["sections"]["日常管理"] == (2 * 5 + 4 + 8 + 2 + 1 + 1 + 1) - 2 - 4 == 21
    assert u["bonus"] == 5 + 2  # 优秀创新案例 5 + 专题公开 2, cap 7
    assert u["penalty"] == D("0.5")
    assert u["total"] == 81 + 7 - D("0.5") == D("87.5")
    assert u["grade"] == "良好"


def test_hand_finance_bureau_class_b(citydept_scenarios):
    _, res = citydept_scenarios
    u = res["市财政局"]
    # B类扣3分: 4 - 3×1 = 1
    assert _item(u, "jdjc.nrbz")["score"] == 1
    # 通报 B类分值2: 省级一个扣6分: 2 - 6 -> 0
    assert _item(u, "jdjc.jctb")["score"] == 0
    # 服务公开 B类 0分: applies, max 0, score 0, nothing lost
    fw = _item(u, "fwgk.fwqk")
    assert (fw["max"], fw["score"], fw["lost"]) == (0, 0, 0)
    # 政府网站工作年度报表: B blank -> not in B's results at all
    assert all(i["id"] != "ndbb.fb" for i in u["items"])
    # 领导信息 B类3分: 3 - 1 = 2
    assert _item(u, "ldxx.ldjs")["score"] == 2
    assert u["base"] == 100 - 3 - 2 - 1 == 94
    assert u["total"] == 94 and u["grade"] == "优秀"
    assert u["rank_group"] == "B" and u["rank"] == 1


def test_hand_merged_rank_group(citydept_scenarios):
    p, _ = citydept_scenarios
    d = load_json(cli("score", p, "--format", "json", "--rank-by", "A+B").stdout)
    assert [(u["unit"], u["rank"]) for u in d["units"]] == [("市财政局", 1), ("市教育局", 2)]  # 94 > 87.5


def test_hand_several_tables_in_one_result(county_scenarios, citydept_scenarios):
    pc, _, _ = county_scenarios
    pd, _ = citydept_scenarios
    d = load_json(cli("score", pc, pd, "--format", "json").stdout)
    by = {u["unit"]: u for u in d["units"]}
    assert by["红安县"]["rules"] == "huanggang-county-2020" and by["市教育局"]["rules"] == "huanggang-citydept-2020"
    assert by["红安县"]["total"] == D("87.88") and by["市教育局"]["total"] == D("87.5")
    assert {u["rank_group"] for u in d["units"]} == {"county", "A", "B"}


def test_hand_adjustment_after_appeal(citydept_scenarios, tmp_path):
    # 复核: the B unit shows 未及时整改 was wrongly counted -> 市级通报 0
    p, res = citydept_scenarios
    adj = tmp_path / "adj.csv"
    adj.write_text(
        "unit,item,field,value,reason,approved_by,date\n"
        "市财政局,jdjc.jctb,sjtb,0,通报对象为其他单位,市公开办,2021-02-01\n",
        encoding="utf-8",
    )
    r = cli("score", p, "--adjust", adj, "--format", "json")
    assert r.exit_code == 0, r.stderr
    u = next(u for u in load_json(r.stdout)["units"] if u["unit"] == "市财政局")
    assert u["total"] == 94 + 2  # 通报 item back to its 分值 2
    it = _item(u, "jdjc.jctb")
    assert it["adjustments"] and "通报对象为其他单位" in str(it["adjustments"]) and "市公开办" in str(it["adjustments"])


def test_summary_header_is_frozen_in_the_main_job_workbook(ex_xlsx):
    ws = ex_xlsx["汇总"]
    header_row = next(i for i, r in enumerate(ws.iter_rows(values_only=True), start=1) if r and r[0] == "序号")
    top = openpyxl.utils.cell.coordinate_from_string(ws.freeze_panes or "A1")[1]
    assert top > header_row, (ws.freeze_panes, header_row)


@pytest.mark.parametrize(
    "line, code",
    [
        ("市教育局,zdly.jszygy,zdjs,2.5,复核,市公开办,2021-02-01", "out-of-range"),  # above the item's 2
        ("市财政局,ndbb.fb,fbbb,是,复核,市公开办,2021-02-01", "not-applicable"),  # B类 blank
        ("市教育局,zdly.jszygy,zdxx,2,复核,市公开办,2021-02-01", "unknown"),
        ("市教育厅,zdly.jszygy,zdjs,2,复核,市公开办,2021-02-01", "unknown"),
        ("市教育局,zdly.jszygy,zdjs,2,,,", "required"),  # reason and approver are part of the record
    ],
)
def test_hand_bad_adjustment_is_an_error_naming_its_line(citydept_scenarios, tmp_path, line, code):
    p, _ = citydept_scenarios
    adj = tmp_path / "adj.csv"
    adj.write_text("unit,item,field,value,reason,approved_by,date\n" + line + "\n", encoding="utf-8")
    r = cli("score", p, "--adjust", adj, "--format", "json")
    assert r.exit_code == 1 and r.stdout == ""
    assert re.search(rf"^{re.escape(str(adj))}:2: .*{code}", r.stderr, re.M), r.stderr


def test_hand_unit_typed_by_its_alias_in_a_csv(tmp_path):
    p = make_csv_template(tmp_path, "citydept_2020", "alias.csv", "市发改革")
    fill_full_credit(p, {("市发改革", "jdjc.wtzg", "wzgs"): "1"})  # A: 2 - 1 = 1
    text = p.read_bytes().decode("utf-8-sig").replace("市发改革,", "市发改委,")
    p.write_bytes(("\ufeff" + text).encode("utf-8"))
    d = load_json(cli("score", p, "--format", "json").stdout)
    assert [(u["unit"], u["total"]) for u in d["units"]] == [("市发改革", 99)]
