"""The 评分细则 phrasings gkscore draft recognises, one at a time.

Each case reads one rule text with read_item and checks the fields and
clauses it became -- or that it became a judged item with a 待核 note -- and
that the item, wrapped in a rule file, passes the ordinary loader.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from gkscore.draft.reading import read_item
from gkscore.draft.yamlwrite import dump_rules
from gkscore.rules.load import load_rules


def read(text, max_=D(2), kind="base", year=2020, void=None):
    maxima = max_ if isinstance(max_, dict) else {"c": max_}
    draft = read_item(text, maxima, kind, year, void)
    _loads(text, maxima, kind, draft)
    return draft


def _loads(text, maxima, kind, draft):
    """The drafted item is a valid rule file item."""
    values = {c: m for c, m in maxima.items()}
    total = {c: (m or D(0)) if kind == "base" else D(0) for c, m in maxima.items()}
    item = {"id": "s1.g1.i1", "text": text, "max": values if len(values) > 1 else next(iter(values.values()))}
    if draft.start:
        item["start"] = draft.start
    if draft.checks:
        item["note"] = "待核 — " + ";".join(draft.checks)
    item["fields"] = draft.fields
    item["clauses"] = draft.clauses
    section = {"id": "s1", "name": "一级", "groups": [{"id": "s1.g1", "name": "二级", "items": [item]}]}
    if kind != "base":
        section["kind"] = kind
        section["cap"] = values if len(values) > 1 else next(iter(values.values()))
    data = {"format": "gkscore/1", "id": "t", "title": "t", "classes": {c: {"name": c, "max": total[c]} for c in maxima},
            "sections": [section]}
    if kind != "base":
        data["sections"].insert(0, {"id": "s0", "name": "基础", "groups": [{"id": "s0.g1", "name": "g", "items": [
            {"id": "s0.i", "text": "x", "max": D(1), "fields": [{"id": "a", "type": "bool", "prompt": "?"}],
             "clauses": [{"kind": "award", "when": {"field": "a"}, "points": D(1)}]}]}]})
        for c in maxima:
            data["classes"][c]["max"] = D(1)
    load_rules("case.yaml", data=dump_rules(data, {}, ["test"]).encode("utf-8"))


def kinds(draft):
    return [c["kind"] for c in draft.clauses]


def field(draft, fid):
    return next(f for f in draft.fields if f["id"] == fid)


def test_award_points_per_sentence():
    d = read("地区概况类栏目更新及时,得0.5分;地区概况类栏目信息准确,得0.5分。", D(1))
    assert d.recognised and kinds(d) == ["award", "award"]
    assert [c["points"] for c in d.clauses] == [D("0.5"), D("0.5")]
    assert [f["type"] for f in d.fields] == ["bool", "bool"]
    assert field(d, "yes1")["prompt"] == "是否做到:地区概况类栏目更新及时?"
    assert d.clauses[0]["text"] == "地区概况类栏目更新及时,得0.5分"


def test_two_awards_in_one_sentence_split_after_the_figure():
    d = read("1.将政务公开工作纳入政府目标绩效考核,得1分,分值比重不低于4%,得1分。")
    assert kinds(d) == ["award", "award"]
    assert d.clauses[1]["when"] == {"field": "value1", "ge": D(4)}
    assert field(d, "value1") | {} == {"id": "value1", "type": "number", "min": D(0), "max": D(100), "unit": "%",
                                        "prompt": "分值比重不低于4%——实际是多少(%)?"}


def test_counts_thresholds():
    d = read("领导作出重要批示不少于2次,得1分;1年内开展征集超过6次,1分。")
    assert d.clauses[0]["when"] == {"field": "count1", "ge": D(2)}
    assert d.clauses[1]["when"] == {"field": "count2", "gt": D(6)}
    assert field(d, "count1")["type"] == "count"


def test_a_threshold_among_other_requirements_stays_one_question():
    # reading only "不少于30天" would silently drop the other requirements
    d = read("意见征集区分征集状态,期限不少于30天或说明理由,公布意见采纳反馈情况,1分。", D(1))
    assert d.recognised and d.clauses[0]["when"] == {"field": "yes1"}
    assert field(d, "yes1")["type"] == "bool"


def test_complement_is_not_a_second_clause():
    d = read("建立工作机制的,得2分;未建立的不得分。")
    assert d.recognised and kinds(d) == ["award"]
    assert d.clauses[0]["points"] == D(2)


def test_negative_only_phrase_gives_the_full_points():
    d = read("未按时报送年度总结的,不得分。", D(3))
    assert d.recognised and kinds(d) == ["award"]
    assert d.clauses[0]["points"] == D(3)
    assert field(d, "yes1")["prompt"] == "是否按时报送年度总结?"


@pytest.mark.parametrize(
    "text,per,unit",
    [
        ("漏报政务新媒体、超过3个工作日不审核的,每发现1个扣0.2分,扣完为止。", D("0.2"), "个"),
        ("每发现1处错链扣0.5分,扣完为止。", D("0.5"), "处"),
        ("接通测试,每发现一次未接通扣1分;", D(1), "次"),
        ("未按规定期限答复的,每次扣2分。", D(2), "次"),
        ("工单办理群众不满意的,一次扣2分", D(2), "次"),
        ("在5个工作日内答复,每超期1件,扣1分。", D(1), "件"),
        ("检查发现有应关未关的网站每个扣1分。", D(1), "个"),
        ("被省级通报或点名批评一个,扣2分", D(2), "个"),
        ("公布领导姓名、照片、简历等信息,每缺失一项或不准确、不完整扣1分,扣完为止。", D(1), "项"),
    ],
)
def test_deduct_each(text, per, unit):
    d = read(text, D(4))
    assert d.recognised, d.checks
    assert kinds(d) == ["deduct_each"] and d.clauses[0]["per"] == per
    assert d.start is None  # deductions only: starts at the 分值
    assert field(d, "count1")["type"] == "count" and field(d, "count1")["prompt"].endswith(f"共几{unit}?")


def test_deduct_each_prompt_names_what_is_counted():
    d = read("漏报政务新媒体、超过3个工作日不审核的,每发现1个扣0.2分,扣完为止。", D(1))
    assert field(d, "count1")["prompt"] == "漏报政务新媒体、超过3个工作日不审核的,每发现1个——共几个?"
    assert d.readings == ["扣完为止:本项最低0分"]


def test_cap_on_a_deduction():
    d = read("每发现1个错别字扣0.5分,最多扣2分。", D(5))
    assert d.recognised and d.clauses[0]["cap"] == D(2)


def test_deduct_once_and_three_of_them_start_at_max():
    d = read("许可、处罚信息未在统一平台公开的,扣2分;未公开抽查结果的,扣2分;建议提案复文未全文公布的,扣2分。", D(6))
    assert d.recognised and kinds(d) == ["deduct", "deduct", "deduct"]
    assert field(d, "yes1")["prompt"] == "是否存在:许可、处罚信息未在统一平台公开?"


def test_deduct_without_each_but_floor_is_read_per_occurrence_and_flagged():
    d = read("检查发现问题未及时整改销号,扣1分,扣完为止。", D(2))
    assert kinds(d) == ["deduct_each"]
    assert not d.recognised and "未写“每…”" in d.checks[0]


def test_weight_wording_is_flagged():
    d = read("被国务院办公厅通报或点名批评一个,扣权重8分;被省级通报或点名批评一个,扣2分。", D(8))
    assert kinds(d) == ["deduct_each", "deduct_each"]
    assert not d.recognised and "扣权重8分" in d.checks[0]


def test_per_class_figures():
    d = read("未按要求履行的,A类一次扣2分,B类一次扣3分。", {"A": D(4), "B": D(4)})
    assert d.recognised and d.clauses[0]["per"] == {"A": D(2), "B": D(3)}
    assert field(d, "count1")["prompt"] == "未按要求履行的——共几次?"


def test_sampled_passed_and_failed():
    d = read("随机抽查网站已发布的4个政策文件,被解读的文件数量每少一个,扣0.5分。", D(2))
    assert d.recognised and d.clauses == [{"kind": "sampled", "field": "count1", "sample": 4, "per": D("0.5"), "counts": "passed"}]
    assert field(d, "count1")["max"] == 4
    d = read("随机抽查网站已发布的3个解读稿;该政策文件与解读稿未相关联的,每发现一处,扣0.5分。", D(1))
    assert d.recognised and d.clauses[0]["counts"] == "failed" and d.clauses[0]["sample"] == 3


def test_coverage_of_forms_is_read_and_flagged():
    text = "通过在线访谈、图表图解、音视频、新闻发布会等多种形式开展解读,0.5分。(4种形式均涉及得满分)。负责人解读的,0.5分。"
    d = read(text, D(1))
    assert kinds(d) == ["coverage", "award"]
    cov = d.clauses[0]
    assert cov["full_at"] == 4 and cov["mode"] == "proportional" and len(cov["fields"]) == 4
    assert [field(d, f)["prompt"] for f in cov["fields"]][0] == "是否涉及“在线访谈”?"
    assert not d.recognised and "mode 改为 all" in d.checks[0]


@pytest.mark.parametrize(
    "text,expected,checked",
    [
        ("2020年8月底前,制定本地区具体工作方案。", dt.date(2020, 8, 31), False),
        ("1. 2020年1月31日前在市政府门户网站发布。", dt.date(2020, 1, 31), False),
        ("本级政府3月31日前发布的,1分;部门1月31日前发布的1分。", dt.date(2020, 3, 31), True),
    ],
)
def test_dates(text, expected, checked):
    d = read(text, D(2))
    assert d.clauses[0]["when"] == {"field": "date1", "le": expected}
    assert field(d, "date1")["type"] == "date"
    assert (not d.recognised) == checked  # no year written: a person checks the year


def test_a_deadline_among_other_requirements_stays_one_question():
    d = read("各县市区于每年1月31日前在门户网站发布,并在网站突出展示年度报表的。", D(1))
    assert d.recognised and d.clauses[0]["when"] == {"field": "yes1"}


def test_requirement_without_figure_earns_the_points():
    d = read("在法定期限答复的。", D(2))
    assert d.recognised and d.clauses == [{"kind": "award", "when": {"field": "yes1"}, "points": D(2)}]
    assert d.readings == ["细则未写分数:做到即得本项分值"]


@pytest.mark.parametrize(
    "text,why",
    [
        ("重大建设项目审批信息公开完备度情况。", "“完备”"),
        ("设有重大决策事项目录,并在平台发布。(无决策事项,公布情况说明事由。)", "列有多项要求"),
        ("落实列席会议制度,1年内至少开展1次,100%", "百分数"),
        ("3.各县市区报送信息准确的,得0.3分。漏报的,每发现1个扣0.2分,扣完为止。", "0.3分"),
        ("开展创新工作,社会反响好。", "未写分数"),
    ],
)
def test_not_read_with_confidence_becomes_judged(text, why):
    d = read(text, D(1) if "0.3" in text else D(2))
    assert kinds(d) == ["judged"] and d.fields[0]["type"] == "score"
    assert not d.recognised and why in d.checks[0] and "暂作评定项" in d.checks[0]


def test_figure_differs_from_class_points_is_flagged():
    d = read("部门预算、决算公开到位的,1分。", {"A": D(1), "B": D(2)})
    assert d.clauses[0]["points"] == {"A": D(1), "B": D(2)}
    assert not d.recognised and "细则写1分,而分值为A类1、B类2分" in d.checks[0]


def test_not_applicable_class_is_left_out_of_points():
    d = read("部门网站发布年度报表的。", {"A": D(1), "B": None})
    assert d.clauses[0]["points"] == D(1)


def test_item_level_proviso_zeroes_the_item():
    d = read("文件公开3个工作日内发布解读信息。", D(1), void="文件公开数量明显与实际制发数量存在较大出入的,不得分")
    assert kinds(d) == ["award", "deduct"] and d.start == "zero"
    assert d.clauses[1]["points"] == D(1)
    assert field(d, "void1")["prompt"] == "是否存在:文件公开数量明显与实际制发数量存在较大出入?"


def test_bonus_award_and_per_count_bonus():
    d = read("被国务院办公厅表扬的,加2分。", D(2), kind="bonus")
    assert d.recognised and d.clauses[0]["points"] == D(2)
    d = read("每有1篇经验被省级刊物采用加0.5分,最高加2分。", D(2), kind="bonus")
    assert kinds(d) == ["judged"] and "按次加分" in d.checks[0]
    assert d.fields[0]["prompt"] == "评定加分(0-2分)"


def test_penalty_deduction_is_the_points_taken_off():
    d = read("发生泄密事件的,扣3分。", D(3), kind="penalty")
    assert d.recognised and d.clauses[0]["kind"] == "award" and d.clauses[0]["points"] == D(3)
    d = read("被媒体曝光造成恶劣影响的。", D(5), kind="penalty")
    assert kinds(d) == ["judged"] and d.fields[0]["prompt"] == "应扣分数(0-5分,无此类情形填0)"


def test_full_width_text_is_read_the_same():
    d = read("地区概况类栏目更新及时，得０．５分；信息准确，得０．５分。", D(1))
    assert d.recognised and [c["points"] for c in d.clauses] == [D("0.5"), D("0.5")]
    assert d.clauses[0]["text"] == "地区概况类栏目更新及时，得０．５分"


def test_bonus_awards_above_the_points_are_capped_by_them():
    d = read("被国务院表彰的加3分,被省政府表彰的加2分,最高加3分。", D(3), kind="bonus")
    assert d.recognised and kinds(d) == ["award", "award"]
    assert d.readings[-1] == "各项加分之和5分超过分值时按分值3分计"
    d = read("被国务院表彰的加3分,被省政府表彰的加2分,最高加4分。", D(3), kind="bonus")
    assert kinds(d) == ["judged"] and "加分上限与分值不一致" in d.checks[0]
    d = read("被国务院表彰的加1分。", D(3), kind="bonus")  # less than the 分值 and no rule for the rest
    assert kinds(d) == ["judged"]
