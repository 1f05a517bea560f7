"""Every screen in the user's language: each command's --help and the bundled
example runs, started as a user starts them (the installed ``gkscore`` under
LANG, no GKSCORE_LANG), read for words of the other language.

Under ``LANG=zh_CN.UTF-8`` no English word may remain, except (the allow-list):

- option names (``--partial``) and the values an option takes (``table``,
  ``bar``), and the command names: what the user types;
- file names and paths (``examples/notice.yaml``, ``.docx``), cell references
  (``A12``) and problem codes (``(bad-value)``, at the end of a line);
- the names of formats, programs and encodings (FORMAT_WORDS);
- single letters standing for a value (``N 分``, ``A+B``, ``0<=x<=6``),
  web addresses cited as evidence and markdown's ``<br>``;
- what the rule files and the units file say themselves (their titles,
  notes and names: the user's text, in the language the user wrote it), and
  the identifiers a user types in files and options (item ids such as
  ``zztj.1`` in the rules tree, the ids of classes in ``--classes`` examples:
  IDENTIFIERS).

Under ``LANG=en_US.UTF-8`` no Chinese character may remain, except the rule
files' and units file's own texts (titles, item texts, unit and class names),
what the observation sheets say (evidence, scorers, values typed), the names
of the files the test writes, and the few Chinese words the user types or
finds in a file as they are (CHINESE_LITERALS).  The words of the reports
(REPORT_WORDS: 排名, 单位, ...) are never allowed there, even where a rule
file's text holds them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from conftest import ROOT
from gkscore import i18n
from gkscore.cli import main

GKSCORE = Path(sys.executable).parent / ("gkscore.exe" if os.name == "nt" else "gkscore")
COUNTY_OBS = ROOT / "examples" / "county_2020_filled.xlsx"
CITYDEPT_OBS = ROOT / "examples" / "citydept_2020_filled.xlsx"
RULE_FILES = [ROOT / "rules" / "county_2020.yaml", ROOT / "rules" / "citydept_2020.yaml", ROOT / "rules" / "units.yaml"]

FORMAT_WORDS = {
    "xlsx", "csv", "json", "md", "docx", "pdf", "txt", "JSON", "YAML", "PNG", "SVG", "UTF-8", "BOM",
    "Excel", "Word", "WPS", "gkscore", "GKSCORE_LANG",
}
# The bundled files by their names, class ids of the bundled rules and the id
# a draft gets, as help examples show what to type.
IDENTIFIERS = {p.stem for p in RULE_FILES} | {"county", "draft-", "all"}
# 待核: the marker the draft writes into a rule file, named in draft's help.
CHINESE_LITERALS = ("待核",)


def command_paths(cmd: click.Command = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand, as the words typed after gkscore."""
    out = [prefix]
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            out += command_paths(cmd.commands[name], prefix + (name,))
    return out


def typed_words(path: tuple[str, ...]) -> set[str]:
    """What the user types for a command: its name, its options' values."""
    words = set(path)
    cmd: click.Command = main
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    for c in [main, cmd, *getattr(cmd, "commands", {}).values()]:
        words |= set(getattr(c, "commands", {}))
        for p in c.params:
            if isinstance(p.type, click.Choice):
                words |= {str(v) for v in p.type.choices}
    return words


def _strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for v in [*node.keys(), *node.values()] for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def rule_texts() -> list[str]:
    """The texts of the bundled rule files and units file (not their ids):
    every string with a space or a Chinese character, longest first, each
    also with its white space as a message prints it (one space)."""
    texts = set()
    for path in RULE_FILES:
        for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if " " in s.strip() or re.search(r"[\u4e00-\u9fff]", s):
                texts |= {s.strip(), " ".join(s.split())}
    return sorted(texts, key=len, reverse=True)


RULE_TEXTS = rule_texts()


def sheet_texts() -> str:
    """Every text of the example observation sheets (names, evidence, scorers)."""
    import openpyxl

    out = []
    for path in (COUNTY_OBS, CITYDEPT_OBS):
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                out += [v for v in row if isinstance(v, str)]
        wb.close()
    return "\n".join(out)


def without_rule_texts(text: str) -> str:
    for s in RULE_TEXTS:
        if s in text:
            text = text.replace(s, " ")
    return text


PROBLEM_CODE = re.compile(r"^[a-z]+(-[a-z]+)+$")


def english_words(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """English words of ``text`` outside the allow-list of the module's doc."""
    out = []
    for line in without_rule_texts(text).splitlines():
        line = re.sub(r"\s\([a-z][a-z0-9-]*\)\s*$", "", line)  # the problem code
        line = re.sub(r"https?://\S+", " ", line)  # addresses cited as evidence
        line = line.replace("<br>", " ")  # markdown's line break in a cell
        line = re.sub(r"(?<![\w-])--?[A-Za-z][A-Za-z0-9-]*", " ", line)  # option names
        line = re.sub(r"[^\s:：（(“\"'，,]*[/\\][^\s:：）)”\"'，,]*", " ", line)  # paths
        line = re.sub(r"[\w.-]*\.(xlsx|csv|yaml|yml|json|md|docx|pdf|png|svg|txt|xls)\b", " ", line)  # file names
        line = re.sub(r"\b[A-Z]{1,3}[0-9]+(:[A-Z]{1,3}[0-9]+)?\b", " ", line)  # cell references
        for token in re.findall(r"[A-Za-z][A-Za-z0-9_.'-]*", line):
            word = token.rstrip(".'")
            if len(word) == 1 or word in FORMAT_WORDS or word in IDENTIFIERS or word in allowed or PROBLEM_CODE.match(word):
                continue
            out.append(word)
    return out


# The words of the reports in Chinese: never on an English screen, even
# where a rule file's text holds them too.
REPORT_WORDS = {"排名", "单位", "类别", "加分", "扣分", "总分", "等次", "得分", "分值", "规则文件", "排名组", "指标", "指标编号", "基础分", "已写入", "问题"}


def chinese_words(text: str, data: str = "") -> list[str]:
    """Runs of Chinese characters outside the rule files' own texts and
    ``data`` (what the user's files say: names, evidence, values typed)."""
    text = without_rule_texts(text)
    for literal in CHINESE_LITERALS:
        text = text.replace(literal, " ")
    runs = re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]+", text)
    return [r for r in runs if r in REPORT_WORDS or r not in data]


def _env(lang: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", i18n.ENV_VAR)}
    env.update(LANG=lang, NO_COLOR="1", COLUMNS="200")
    return env


def run(lang: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(GKSCORE), *args], capture_output=True, text=True, encoding="utf-8", env=_env(lang), timeout=300, cwd=cwd)


ZH, EN = "zh_CN.UTF-8", "en_US.UTF-8"


# ------------------------------------------------------------ --help


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "gkscore")
def test_help_is_chinese_from_first_line_to_last(path):
    r = run(ZH, *path, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("用法："), r.stdout
    assert "选项：" in r.stdout and "显示本帮助并退出。" in r.stdout
    assert english_words(r.stdout, typed_words(path)) == [], r.stdout


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "gkscore")
def test_help_is_english_under_an_english_locale(path):
    r = run(EN, *path, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Usage: gkscore"), r.stdout
    assert "Options:" in r.stdout and "Show this message and exit." in r.stdout
    assert chinese_words(r.stdout) == [], r.stdout


def test_the_allow_list_catches_english_and_chinese():
    assert english_words("用法：gkscore score [选项] 观测表...  Rule file; default: the rules", {"score"}) == ["Rule", "file", "default", "the", "rules"]
    assert english_words("a.xlsx:黄州区!I5: 应填整数 (bad-value)\n--partial  A+B  [0<=x<=6]  examples/notice.yaml") == []
    assert chinese_words("Rank  Unit  黄州区  县(市、区)政府  2020年黄冈市政务公开及政府网站考评指标(县市区)") == []
    assert chinese_words("Rank 排名 Unit") == ["排名"]


# ------------------------------------------------------------ the example runs

# (sheet, item, field, value typed): mistakes an office makes in a filled sheet
MISTAKES = [
    ("黄州区", "rcgl.zztj.2", "instructions", "3次"),
    ("团风县", "zdgk.zcjd.jdbl", "interpreted", "三"),
    ("红安县", "zdgk.gknb.1", "government_date", "2021-02-30"),
    ("英山县", "zdgk.zdly.zdxm", "completeness", 1.3),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    """A folder holding a copy of the county example with MISTAKES typed in."""
    import openpyxl

    from test_acceptance_helpers import find_value_cell

    folder = tmp_path_factory.mktemp("runs")
    bad = folder / "填报有误.xlsx"
    shutil.copy(COUNTY_OBS, bad)
    wb = openpyxl.load_workbook(bad)
    for sheet, item, field, value in MISTAKES:
        find_value_cell(wb[sheet], item, field).value = value
    wb.save(bad)
    return folder


def _item_ids() -> set[str]:
    ids = set()
    for path in RULE_FILES[:2]:
        text = path.read_text(encoding="utf-8")
        ids |= set(re.findall(r"^\s*-?\s*id:\s*([a-z0-9_.-]+)\s*$", text, re.M))
    return ids


# What each run may show beyond the module's allow-list: the rules tree,
# lint and the detail list item ids (what an adjustments file names).
ITEM_IDS = _item_ids()
SHEET_TEXTS = sheet_texts()
EXAMPLE_RUNS = {
    "validate": (["validate"], set()),
    "lint": (["lint"], ITEM_IDS),
    "rules": (["rules", "county_2020"], ITEM_IDS),
    "rules-classes": (["rules", "citydept_2020"], ITEM_IDS),
    "template": (["template", "county_2020", "-o", "{dir}/模板.xlsx"], set()),
    "check": (["check", str(COUNTY_OBS), str(CITYDEPT_OBS)], set()),
    "check-bad": (["check", "{dir}/填报有误.xlsx", "-o", "{dir}/问题清单.csv"], set()),
    "score": (["score", str(COUNTY_OBS), str(CITYDEPT_OBS)], set()),
    "score-bad": (["score", "{dir}/填报有误.xlsx"], set()),
    "score-partial": (["score", str(COUNTY_OBS), "--partial", "--class", "county"], set()),
    "score-csv": (["score", str(COUNTY_OBS), str(CITYDEPT_OBS), "-o", "{dir}/结果.csv"], set()),
    "score-csv-detail": (["score", str(COUNTY_OBS), "--detail", "-o", "{dir}/明细.csv"], ITEM_IDS),
    "score-md": (["score", str(COUNTY_OBS), str(CITYDEPT_OBS), "--detail", "-o", "{dir}/结果.md"], set()),
    "explain": (["explain", str(COUNTY_OBS), "--unit", "黄州区"], set()),
}


def _example(runs: Path, lang: str, name: str) -> tuple[subprocess.CompletedProcess, str]:
    """The run's screen (stdout and stderr) and the file it wrote, if any."""
    args, _allowed = EXAMPLE_RUNS[name]
    folder = runs / lang[:2] / name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(runs / "填报有误.xlsx", folder / "填报有误.xlsx")
    args = [a.replace("{dir}", str(folder)) for a in args]
    r = run(lang, *args)
    written = ""
    for path in sorted(folder.iterdir()):
        if path.suffix in (".csv", ".md"):
            written += path.read_text(encoding="utf-8-sig")
    return r, r.stdout + r.stderr + written


@pytest.mark.parametrize("name", list(EXAMPLE_RUNS))
def test_example_runs_are_chinese_under_a_chinese_locale(runs, name):
    r, text = _example(runs, ZH, name)
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert english_words(text, EXAMPLE_RUNS[name][1]) == [], text


@pytest.mark.parametrize("name", list(EXAMPLE_RUNS))
def test_example_runs_are_english_under_an_english_locale(runs, name):
    r, text = _example(runs, EN, name)
    assert r.returncode in (0, 1), r.stderr
    data = SHEET_TEXTS + "".join(str(m[-1]) for m in MISTAKES) + "填报有误问题清单结果明细模板"  # and the names of our files
    assert chinese_words(text, data) == [], text
