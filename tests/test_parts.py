"""A table made of parts with their own weights, vetoes, gates and bonus
("网站占30%,新媒体占70%", "加分项仅在扣分后得分高于80分时计入"): the example of
docs/rule-language.md §14.1 filled as the document's table says, scored and
reported, against the figures worked out by hand; the checks of parts."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from conftest import run_cli
from scenarios import check, doc_example, filled, units_file, write

D = Decimal

ANSWERS = {
    "甲": {("web.hacked", "hacked"): "否", ("web.1", "s"): "55", ("web.2", "links"): "3", ("web.plus.1", "new"): "是", ("web.plus.2", "prize"): "是", ("media.1", "s"): "90.5"},
    "乙": {("web.hacked", "hacked"): "否", ("web.1", "s"): "50", ("web.2", "links"): "10", ("web.plus.1", "new"): "是", ("web.plus.2", "prize"): "否", ("media.1", "s"): "85"},
    "丙": {("web.hacked", "hacked"): "是", ("media.1", "s"): "95"},
    "丁": {("web.hacked", "hacked"): "否", ("web.1", "s"): "48", ("web.2", "links"): "4", ("web.plus.1", "new"): "是", ("web.plus.2", "prize"): "否", ("media.1", "s"): "77.5"},
    "戊": {("web.hacked", "hacked"): "否", ("web.1", "s"): "54.05", ("web.2", "links"): "3", ("web.plus.1", "new"): "否", ("web.plus.2", "prize"): "否", ("media.1", "s"): "90.25"},
}


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parts")
    rules = write(tmp, "p.yaml", doc_example("parts"))
    units = units_file(tmp, [(u, "A") for u in ANSWERS])
    answers = {(u, item, field): v for u, given in ANSWERS.items() for (item, field), v in given.items()}
    return tmp, rules, units, filled(tmp, rules, units, answers)


def _score(case, *args):
    _tmp, rules, units, obs = case
    return run_cli("--lang", "zh", "score", str(obs), "--rules", str(rules), "--units", str(units), *args)


def test_a_vetoed_part_is_not_asked(case):
    _tmp, rules, units, obs = case
    r = check(obs, rules, units)
    assert r.exit_code == 0, r.stderr
    assert [line.split()[2] for line in r.stdout.splitlines()[1:6]] == ["6/6", "6/6", "2/2", "6/6", "6/6"]


def test_scored_as_worked_by_hand(case):
    r = _score(case, "--format", "json")
    assert r.exit_code == 0, r.stderr
    units = {u["unit"]: u for u in json.loads(r.stdout, parse_float=D, parse_int=D)["units"]}
    got = {name: (u["parts"]["政府网站"], u["parts"]["政务新媒体"], u["total"], u["grade"], u["rank"]) for name, u in units.items()}
    assert got == {
        "甲": (99, D("90.5"), D("93.05"), "优秀", 1),  # bonus 13 capped at 10
        "戊": (D("88.05"), D("90.25"), D("89.59"), "合格", 2),  # rounded once, not 26.42 + 63.18 = 89.60
        "乙": (70, 85, D("80.5"), "合格", 3),  # base 70 not above 80: no bonus
        "丁": (80, D("77.5"), D("78.25"), "合格", 4),  # 80 is not above 80
        "丙": (0, 95, D("66.5"), "合格", 5),  # the part's veto: 网站 0, its items not scored
    }
    assert all(u["base"] is None and u["bonus"] is None and u["penalty"] is None for u in units.values())
    assert units["戊"]["notes"] == ["总分 0.3 × 88.05 + 0.7 × 90.25 = 89.59"]
    assert units["乙"]["notes"][0] == "政府网站: 基础分 70 不高于 80,加分 5 不计"
    assert units["丙"]["notes"][:2] == ["政府网站: 单项否决: 网站被攻击篡改的,网站部分计0分,不再对网站其他指标评分。", "政府网站: 计 0 分,不再对本部分其他指标评分"]
    assert [i["id"] for i in units["丙"]["items"]] == ["media.1"] and units["丙"]["sections"] == {"新媒体检查": 95}
    assert units["甲"]["sections"] == {"网站检查": 89, "新媒体检查": D("90.5")}


def test_reports_show_each_part_and_the_weighted_total(case):
    rows = list(csv.reader(io.StringIO(_score(case, "--format", "csv").stdout)))
    head = rows[0]
    assert head[5:7] == ["政府网站", "政务新媒体"]
    first = dict(zip(head, rows[1]))
    assert (first["单位"], first["政府网站"], first["政务新媒体"], first["基础分"], first["总分"]) == ("甲", "99", "90.5", "", "93.05")
    md = _score(case, "--format", "md").stdout
    assert "| 序号 | 单位 | 类别 | 政府网站 | 政务新媒体 | 加分 | 扣分 | 总分 | 等次 | 排名 |" in md
    assert "| 2 | 戊 | 甲类 | 88.05 | 90.25 |  |  | 89.59 | 合格 | 2 |" in md
    table = _score(case).stdout
    assert "│ 政府网站 │ 政务新媒体 │" in table.replace("┃", "│")


def test_rules_json(case):
    _tmp, rules, _units, _obs = case
    tree = json.loads(run_cli("--lang", "zh", "rules", str(rules), "--format", "json").stdout)
    assert tree["parts"] == [{"id": "web", "name": "政府网站", "weight": 0.3, "max": {"A": 100}}, {"id": "media", "name": "政务新媒体", "weight": 0.7, "max": {"A": 100}}]
    assert {i["id"]: i["part"] for i in tree["items"]} == {"web.1": "web", "web.2": "web", "web.plus.1": "web", "web.plus.2": "web", "media.1": "media"}
    assert tree["vetoes"][0]["part"] == "web"


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    "old, new, needle, code",
    [
        ("    part: media\n", "", "  - id: media.base", "part"),  # a section without its part
        ("    part: media\n", "    part: press\n", "part: press", "part"),  # an unknown part
        ("weight: 0.7, points: 100", "weight: 0.6, points: 100", "  - {id: web, name: 政府网站", "weights"),
        ("weight: 0.7, points: 100", "weight: 0.7, points: 90", "{id: media, name: 政务新媒体", "part-sum"),
        ("{kind: bonus_requires_base, part: web, above: 80}", "{kind: bonus_requires_base, above: 80}", "kind: bonus_requires_base", "part"),
        ("    total: 0\n    stops: true\n", "    stops: true\n", "  - id: web.hacked", "veto-outcome"),
    ],
)
def test_checks_of_parts_point_at_the_line(tmp_path, old, new, needle, code):
    text = doc_example("parts")
    assert old in text
    text = text.replace(old, new, 1)
    path = write(tmp_path, "p.yaml", text)
    r = run_cli("--lang", "zh", "validate", str(path))
    line = _line_of(text, needle)
    assert r.exit_code == 1 and f"p.yaml:{line}:" in r.stderr and f"({code})" in r.stderr, r.stderr


def test_parts_messages_in_chinese(tmp_path):
    text = doc_example("parts").replace("    part: media\n", "    part: press\n", 1)
    path = write(tmp_path, "p.yaml", text)
    from click.testing import CliRunner

    from gkscore.cli import main

    r = CliRunner().invoke(main, ["validate", str(path), "--lang", "zh"], catch_exceptions=False)
    assert r.exit_code == 1 and "没有声明部分 'press'" in r.stderr or "没有声明部分 \"press\"" in r.stderr


def test_explain_shows_each_part(case):
    _tmp, rules, units, obs = case
    r = run_cli("--lang", "zh", "explain", str(obs), "--unit", "戊", "--rules", str(rules), "--units", str(units))
    assert r.exit_code == 0 and r.stdout.splitlines()[1].startswith("总分 89.59 (政府网站 88.05,政务新媒体 90.25)")
    assert "说明：总分 0.3 × 88.05 + 0.7 × 90.25 = 89.59" in r.stdout
