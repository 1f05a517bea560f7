"""Messages about filled sheets say how to fix them, in the user's language.

Each planted mistake is one an office meets: a unit after a number, a
sentence meaning yes, a Chinese numeral, a date with a time part, written
20210331 or that does not exist, a mistyped unit name.  The message names
the cell, the value found and what to fill, in Chinese under a Chinese
locale (no English words but file names, cells, codes and option names) and
in English under an English one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import run_cli
from test_acceptance_helpers import EX_COUNTY, find_value_cell
from gkscore import i18n
from gkscore.bundled import bundled_dir
from gkscore.observations import wording
from gkscore.observations.api import load_observations, read_observations
from gkscore.observations.suggest import of_units
from gkscore.observations.values import read_value
from gkscore.rules.load import load_units
from gkscore.rules.model import BoolField, ChoiceField, CountField, DateField, NumberField, ScoreField

GKSCORE = Path(sys.executable).parent / "gkscore"

# (sheet, item, field, value typed, code, what the Chinese message must say)
PLANTS = [
    ("黄州区", "rcgl.zztj.2", "instructions", "3次", "bad-value", "应填不小于 0 的整数，实际为\"3次\"；请只填数字，如 3"),
    ("黄州区", "rcgl.zztj.1", "in_kpi", "已建立", "bad-value", "应填“是”或“否”，实际为\"已建立\"；意思是“是”，请只填“是”"),
    ("团风县", "rcgl.zztj.3", "meetings_training", "是(已整改)", "bad-value", "意思是“是”，请只填“是”"),
    ("团风县", "zdgk.zcjd.jdbl", "interpreted", "三", "bad-value", "应填整数（0–4），实际为\"三\"；请填阿拉伯数字，如 3"),
    ("红安县", "zdgk.gknb.1", "government_date", "2021-02-30", "bad-value", "没有 2021-02-30 这一天：2月没有30日"),
    ("红安县", "jcgk.ccfa.1", "plan_date", "20210331", "bad-value", "实际为\"20210331\"；请写成 2021-03-31"),
    ("罗田县", "zdgk.gknb.1", "government_date", dt.datetime(2021, 3, 31, 10, 30), "bad-value", "日期带有时间（10:30）：请只填日期，如 2021-03-31"),
    ("罗田县", "zdgk.zcjd.jdbl", "interpreted", 5, "out-of-range", "应填整数（0–4），实际为\"5\"；不能超过 4"),
    ("英山县", "zdgk.zdly.zdxm", "completeness", 1.3, "off-step", "实际为\"1.3\"；如 1 或 1.5"),
    ("英山县", "rcgl.zztj.1", "kpi_weight", "85分", "bad-value", "实际为\"85分\"；请只填数字，如 85"),
]
UNIT_TYPOS = [("麻城市", "黄洲区", "是否为\"黄州区\"？"), ("武穴市", "武穴巿", "是否为\"武穴市\"？")]

# English a Chinese screen may show: option values and the program's name.
ALLOWED = {"gkscore", "template", "check", "score", "xlsx", "csv", "units.yaml", "county_2020", "citydept_2020"}


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("planted") / "县市区考评.xlsx"
    shutil.copy(EX_COUNTY, p)
    wb = openpyxl.load_workbook(p)
    for sheet, item, field, value, _code, _zh in PLANTS:
        find_value_cell(wb[sheet], item, field).value = value
    for sheet, typed, _zh in UNIT_TYPOS:
        wb[sheet]["B1"].value = typed
    wb.save(p)
    return p


def _env(lang: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", i18n.ENV_VAR)}
    env.update(LANG=lang, NO_COLOR="1", COLUMNS="200")
    return env


def _check(path: Path, lang: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GKSCORE), "check", str(path)], capture_output=True, text=True, encoding="utf-8", env=_env(lang), timeout=120)


def english_words(text: str) -> list[str]:
    """Latin words that are not file names, cell references, problem codes,
    option names or quoted values."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"\s\([a-z-]+\)$", "", line)  # the problem code
        line = re.sub(r"^\S+?\.(xlsx|csv)(:[^:\s]+)?:", "", line)  # the file and its sheet!cell or line
        line = re.sub(r'"[^"]*"|“[^”]*”', "", line)  # values and names quoted
        line = re.sub(r"--[a-z-]+", "", line)  # option names
        line = re.sub(r"\b[A-Z]{1,3}[0-9]+\b", "", line)  # cell references
        for token in re.findall(r"[A-Za-z][A-Za-z0-9_.'-]*", line):
            word = token.rstrip(".")
            if word not in ALLOWED:
                out.append(word)
    return out


def test_chinese_messages_name_cell_value_and_fix(planted):
    r = _check(planted, "zh_CN.UTF-8")
    assert r.returncode == 1, r.stderr
    lines = r.stderr.splitlines()
    for sheet, item, field, value, code, zh in PLANTS:
        wb_cell = find_value_cell(openpyxl.load_workbook(planted, read_only=False)[sheet], item, field).coordinate
        hit = [line for line in lines if line.startswith(f"{planted}:{sheet}!{wb_cell}: ")]
        assert len(hit) == 1, (sheet, item, field, r.stderr)
        assert zh in hit[0] and hit[0].endswith(f"({code})"), hit[0]
    for sheet, typed, zh in UNIT_TYPOS:
        hit = [line for line in lines if line.startswith(f"{planted}:{sheet}!B1: ")]
        assert len(hit) == 1 and f"未知单位\"{typed}\"" in hit[0] and zh in hit[0] and hit[0].endswith("(unknown-unit)"), hit
        assert "units.yaml" in hit[0]
    assert lines[-1] == f"发现 {len(PLANTS) + len(UNIT_TYPOS) + 1} 个问题"  # and the two units with no sheet
    assert english_words(r.stderr + r.stdout) == [], (english_words(r.stderr + r.stdout), r.stderr)
    assert r.stdout.splitlines()[0].split() == ["单位", "类别", "已填/应填", "问题", "评分人"]
    assert "site-packages" not in r.stderr and str(bundled_dir()) not in r.stderr


def test_english_messages_under_an_english_locale(planted):
    r = _check(planted, "en_US.UTF-8")
    assert r.returncode == 1
    assert "expected a whole number (0 or more), found '3次'; type the number only, e.g. 3 (bad-value)" in r.stderr
    assert "2021-02-30 does not exist: month 2 has no day 30" in r.stderr
    assert "did you mean '黄州区'?" in r.stderr
    assert r.stderr.splitlines()[-1] == f"{len(PLANTS) + len(UNIT_TYPOS) + 1} problems found"
    assert r.stdout.splitlines()[0].split()[:2] == ["Unit", "Class"]


def test_the_problem_carries_what_the_problem_list_shows(planted):
    reading = read_observations([str(planted)], units=load_units("units"))
    by_cell = {(p.sheet, p.cell): p for p in reading.problems}
    wb = openpyxl.load_workbook(planted)
    p = by_cell[("黄州区", find_value_cell(wb["黄州区"], "rcgl.zztj.2", "instructions").coordinate)]
    assert (p.unit, p.found, p.scorer) == ("黄州区", "3次", "考评专班-王敏")
    assert p.subject.startswith("组织推进 item 2: ") and p.fill == "a whole number (0 or more); type the number only, e.g. 3"


# ------------------------------------------------------------ the words, unit by unit


def _msg(field, cell, lang="zh", cls="c"):
    with i18n.using(lang):
        value, issue = read_value(field, cls, cell)
    assert value is None
    return issue


BOOL = BoolField(id="f", type="bool", prompt="?")
COUNT = CountField(id="f", type="count", prompt="?", max=4)
PCT = NumberField(id="f", type="number", prompt="?", min=Decimal(0), max=Decimal(100), unit="%")
DATE = DateField(id="f", type="date", prompt="?")
SCORE = ScoreField(id="f", type="score", prompt="?", min=Decimal(0), max=Decimal(2), step=Decimal("0.5"))
CHOICE = ChoiceField(id="f", type="choice", prompt="?", choices=["优", "良", "一般", "差"])


@pytest.mark.parametrize(
    "field, cell, zh",
    [
        (BOOL, "是的", "意思是“是”，请只填“是”"),
        (BOOL, "已建立", "意思是“是”，请只填“是”"),
        (BOOL, "是（已整改）", "意思是“是”，请只填“是”"),
        (BOOL, "未建立", "意思是“否”，请只填“否”"),
        (BOOL, "有点", "请从下拉列表中选择“是”或“否”"),
        (COUNT, "3次", "请只填数字，如 3"),
        (COUNT, "共2个", "请只填数字，如 2"),
        (COUNT, "三", "请填阿拉伯数字，如 3"),
        (COUNT, "十二", "请填阿拉伯数字，如 12"),
        (COUNT, "无", "如果没有，请填 0"),
        (COUNT, "1.5", "个数应为整数"),
        (COUNT, "-1", "不能为负数"),
        (COUNT, "7", "不能超过 4"),
        (PCT, "百分之五", "请只填数字，如 5"),
        (PCT, "一百零五", "请填阿拉伯数字，如 105"),
        (DATE, "2021-02-30", "2月没有30日"),
        (DATE, "2021-13-01", "没有 13 月"),
        (DATE, "20210331", "请写成 2021-03-31"),
        (DATE, 20210331.0, "请写成 2021-03-31"),
        (DATE, "2021-03-31 9:05", "日期带有时间（9:05）：请只填日期，如 2021-03-31"),
        (DATE, dt.datetime(2021, 3, 31, 9, 5), "日期带有时间（09:05）"),
        (DATE, dt.time(0), "单元格是时间而不是日期"),
        (DATE, "2021.3-31", "请写成 2021-03-31"),
        (DATE, "三月底", "请按 2021-03-31 的格式填写日期"),
        (SCORE, "1.3", "如 1 或 1.5"),
        (SCORE, "1.5分", "请只填数字，如 1.5"),
        (CHOICE, "良好", "是否为\"良\"？"),
        (CHOICE, "很好", "请从下拉列表中选择"),
    ],
)
def test_fix_hints(field, cell, zh):
    issue = _msg(field, cell)
    assert zh in issue.message and zh in issue.fill, issue
    assert issue.message.startswith("应填"), issue
    en = _msg(field, cell, "en")
    rest = re.sub(r"'[^']*'", "", en.message)  # the value found, a suggestion
    for word in ["是", "否", *getattr(field, "choices", [])]:  # what to type, in any language
        rest = rest.replace(word, "")
    assert en.message.startswith("expected ") and not re.search(r"[\u4e00-\u9fff]", rest), en


def test_expected_in_words_never_the_template_grammar():
    with i18n.using("zh"):
        assert wording.expected(COUNT, "c") == "整数（0–4）"
        assert wording.expected(CountField(id="f", type="count", prompt="?"), "c") == "不小于 0 的整数"
        assert wording.expected(PCT, "c") == "数字（0–100）（单位：%）"
        assert wording.expected(SCORE, "c") == "分数（0–2，以 0.5 分为单位）"
        assert wording.expected(CHOICE, "c") == "以下之一：优、良、一般、差"
    with i18n.using("en"):
        assert wording.expected(COUNT, "c") == "a whole number (0–4)"


def test_chinese_numerals():
    cases = {"零": 0, "三": 3, "十": 10, "十二": 12, "二十": 20, "一百零五": 105, "两千": 2000, "一万二千": 12000, "三四": None, "十十": None}
    assert {k: wording.chinese_number(k) for k in cases} == cases


def test_closest_unit_names_through_aliases_and_widths():
    s = of_units(load_units("units").units.units)
    assert s.closest("黄洲区") == ["黄州区"]
    assert s.closest("黄冈市黄洲区")[0] == "黄州区"  # an alias, mistyped
    assert s.closest("黄州区政府办公室")[0] == "黄州区"  # contains a name
    assert s.closest("ｘｙｚ单位") == []


def test_a_valid_file_builds_no_message(monkeypatch):
    """Messages are built for problems only, never per cell."""

    def refuse(*args, **kwargs):
        raise AssertionError("a message was built for a valid value")

    monkeypatch.setattr(wording, "value_message", refuse)
    monkeypatch.setattr(wording, "expected", refuse)
    sets = load_observations([str(EX_COUNTY)], units=load_units("units"))
    assert len(sets[0].units) == 10


def test_bundled_rules_by_stem_for_every_command(tmp_path):
    assert run_cli("score", str(EX_COUNTY), "--rules", "county_2020", "--format", "json").exit_code == 0
    assert run_cli("check", str(EX_COUNTY), "--rules", "county_2020", "--units", "units").exit_code == 0
    assert run_cli("template", "county_2020.yaml", "--unit", "黄州区", "-o", str(tmp_path / "t.xlsx")).exit_code == 0
    r = run_cli("template", "county_2020", "--unit", "黄洲区", "-o", str(tmp_path / "u.xlsx"))
    assert r.exit_code == 2 and "--unit 黄洲区: no such unit in units.yaml" in r.stderr and "did you mean '黄州区'?" in r.stderr
    assert "site-packages" not in r.stderr and str(bundled_dir()) not in r.stderr
