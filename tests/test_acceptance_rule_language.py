"""Acceptance tests of the rule language, the encodings and the foundation.

Black box: the installed ``gkscore`` (subprocess) or the click app, on copies of
the bundled rule files with one planted mistake each; the seed text is parsed
here independently of the rule files.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_acceptance_helpers import (
    CITYDEPT_RULES,
    COUNTY_RULES,
    ROOT,
    SEED,
    UNITS,
    cli,
    load_json,
    read_csv,
    run_exe,
)


# ----------------------------------------------------------------- the seed

def _numeric_lines(text: str) -> list[tuple[int, str]]:
    lines = text.splitlines()
    return [(i, l.strip()) for i, l in enumerate(lines) if re.fullmatch(r"\d+(\.\d+)?", l.strip())]


def seed_annex2() -> list[str]:
    """The 分值 column of Annex 2, top to bottom (one number per 分值 cell)."""
    t = SEED.read_text(encoding="utf-8")
    a2 = t[t.index("附件2\n\n2020年"): t.index("附件3\n\n2020年")]
    return [v for _, v in _numeric_lines(a2)]


def seed_annex3() -> list[tuple[str, str | None]]:
    """(A类分值, B类分值) of Annex 3, top to bottom; B is None where its cell is blank."""
    t = SEED.read_text(encoding="utf-8")
    a3 = t[t.index("附件3\n\n2020年"):]
    lines = a3.splitlines()
    nums = _numeric_lines(a3)
    out, i = [], 0
    while i < len(nums):
        li, v = nums[i]
        if i + 1 < len(nums) and all(not x.strip() for x in lines[li + 1: nums[i + 1][0]]):
            out.append((v, nums[i + 1][1]))
            i += 2
        else:  # a row whose B cell is blank (政府网站工作年度报表发布)
            out.append((v, None))
            i += 1
    return out


@functools.lru_cache(maxsize=None)
def _rules_json(path) -> dict:
    r = run_exe("rules", path, "--format", "json")
    assert r.returncode == 0, r.stderr
    return load_json(r.stdout)


# ------------------------------------------------------------ validate & rules

def test_validate_without_arguments_exits_0_from_any_folder(tmp_path):
    r = run_exe("validate", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr


def test_bundled_rules_found_in_the_installed_package_layout(tmp_path):
    """A non-editable install puts rules/ at gkscore/bundled (pyproject force-include):
    with only that layout importable and the repository out of reach, validate still works."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "src" / "gkscore", site / "gkscore", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "rules", site / "gkscore" / "bundled")
    shutil.copytree(ROOT / "schema", site / "gkscore" / "schema")
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    probe = subprocess.run(
        [sys.executable, "-c", "import gkscore, sys; print(gkscore.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    )
    assert probe.stdout.strip().startswith(str(site)), probe.stdout + probe.stderr
    r = subprocess.run(
        [sys.executable, "-m", "gkscore", "validate"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "gkscore", "rules", "county_2020", "--format", "json"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    )
    # either the stem is accepted or the command says it needs a path; never a crash
    assert r.returncode in (0, 2) and "Traceback" not in r.stderr


def test_county_rules_json_gives_100_and_caps_5():
    d = _rules_json(COUNTY_RULES)
    assert d["classes"] == ["county"]
    assert d["max"] == {"county": 100}
    assert d["bonus_max"] == {"county": 5} and d["penalty_max"] == {"county": 5}


def test_county_item_maxima_equal_the_seed_row_by_row():
    d = _rules_json(COUNTY_RULES)
    got = [str(i["max"]["county"]) for i in d["items"]]
    assert got == seed_annex2()
    sections = [i["section"] for i in d["items"]]
    assert sections[-2:] == ["bonus", "penalty"] and set(sections[:-2]) == {"base"}


def test_citydept_rules_json_gives_100_per_class_and_bonus_7_penalty_5():
    d = _rules_json(CITYDEPT_RULES)
    assert d["classes"] == ["A", "B"]
    assert d["max"] == {"A": 100, "B": 100}
    # 优秀创新案例 (5) + 专题公开 (2); 媒体曝光 (5)
    assert d["bonus_max"] == {"A": 7, "B": 7} and d["penalty_max"] == {"A": 5, "B": 5}


def test_citydept_item_maxima_equal_the_seed_row_by_row_for_A_and_B():
    d = _rules_json(CITYDEPT_RULES)
    got = [(str(i["max"]["A"]), None if i["max"]["B"] is None else str(i["max"]["B"])) for i in d["items"]]
    assert got == seed_annex3()


def test_base_items_of_the_seed_add_up_to_100_per_class():
    # independent of gkscore: the seed's 分值 column itself
    from decimal import Decimal as D

    a2 = [D(x) for x in seed_annex2()]
    assert sum(a2[:-2]) == 100
    a3 = seed_annex3()
    assert sum(D(a) for a, _ in a3[:-3]) == 100
    assert sum(D(b) for _, b in a3[:-3] if b is not None) == 100


def test_rules_json_blank_cell_is_null_and_zero_is_zero():
    raw = run_exe("rules", CITYDEPT_RULES, "--format", "json").stdout
    d = json.loads(raw)
    items = {i["id"]: i for i in d["items"]}
    site_report = next(i for i in d["items"] if "年度报表" in "".join(i["path"]))
    assert site_report["max"] == {"A": 1, "B": None}
    service = next(i for i in d["items"] if i["path"][1] == "服务公开")
    assert service["max"]["B"] == 0 and service["max"]["B"] is not None
    # numbers are JSON numbers, never strings
    assert all(isinstance(v, (int, float)) or v is None for i in items.values() for v in i["max"].values())


def test_rules_json_class_filter_drops_items_blank_for_that_class():
    d = _rules_json(CITYDEPT_RULES)
    r = cli("rules", CITYDEPT_RULES, "--class", "B", "--format", "json")
    assert r.exit_code == 0, r.stderr
    b = load_json(r.stdout)
    assert b["classes"] == ["B"]
    assert len(b["items"]) == len(d["items"]) - 1
    assert all(i["max"]["B"] is not None for i in b["items"])


def test_rules_json_items_carry_path_and_stable_unique_ids():
    for path in (COUNTY_RULES, CITYDEPT_RULES):
        d = _rules_json(path)
        ids = [i["id"] for i in d["items"]]
        assert len(ids) == len(set(ids))
        assert all(re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,63}", i) for i in ids)
        assert all(len(i["path"]) >= 2 for i in d["items"])


# ------------------------------------------------------- planted rule mistakes

def _copy_replacing(tmp_path: Path, src: Path, old: str, new: str, *, after: str | None = None) -> Path:
    text = src.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    j = text.index(old, start)
    out = tmp_path / src.name
    out.write_text(text[:j] + new + text[j + len(old):], encoding="utf-8")
    return out


def _pos(path: Path, needle: str, *, after: str | None = None, offset_in_needle: int = 0) -> tuple[int, int]:
    """(line, column) of ``needle`` (1-based), searched after ``after``."""
    text = path.read_text(encoding="utf-8")
    j = text.index(needle, text.index(after) if after else 0) + offset_in_needle
    line = text.count("\n", 0, j) + 1
    col = j - (text.rfind("\n", 0, j) + 1) + 1
    return line, col


def test_changed_item_points_breaking_a_group_sum_exit_1_at_group_points_line_and_column(tmp_path):
    # 领导信息公开 (2分) has one item of 分值 2; make it 3.
    p = _copy_replacing(tmp_path, COUNTY_RULES, "max: 2", "max: 3", after="- id: zdgk.ldxx.1")
    r = run_exe("validate", p)
    assert r.returncode == 1
    line, col = _pos(p, "points: 2", after="name: 领导信息公开", offset_in_needle=len("points: "))
    assert re.search(rf"^{re.escape(str(p))}:{line}:{col}: .*领导信息公开.*\(group-sum\)$", r.stderr, re.M), r.stderr
    assert "Traceback" not in r.stderr


def test_changed_item_points_in_citydept_breaks_class_total_for_that_class_only(tmp_path):
    # B-class 分值 of 领导信息公开 3 -> 4: class B no longer adds up to 100, class A is untouched.
    p = _copy_replacing(tmp_path, CITYDEPT_RULES, "max: {A: 2, B: 3}", "max: {A: 2, B: 4}", after="- id: ldxx.ldjs")
    r = cli("validate", p)
    assert r.exit_code == 1
    lines = [l for l in r.stderr.splitlines() if l.startswith(f"{p}:")]
    assert lines, r.stderr
    assert all(re.match(rf"{re.escape(str(p))}:\d+:\d+: ", l) for l in lines)
    assert any("class B" in l and "101" in l for l in lines), r.stderr
    assert not any("class A" in l for l in lines), r.stderr


def test_duplicated_key_inside_an_item_exit_1_at_the_second_key(tmp_path):
    p = _copy_replacing(tmp_path, COUNTY_RULES, "max: 2\n", "max: 2\n            max: 2\n", after="- id: rcgl.jdjc.jg")
    r = run_exe("validate", p)
    assert r.returncode == 1
    first, _ = _pos(p, "max: 2", after="- id: rcgl.jdjc.jg")
    assert f"{p}:{first + 1}:13: duplicate key 'max'" in r.stderr, r.stderr


def test_unknown_rule_kind_exit_1_at_the_kind_value(tmp_path):
    p = _copy_replacing(tmp_path, COUNTY_RULES, "kind: sampled", "kind: sampling")
    r = run_exe("validate", p)
    assert r.returncode == 1
    line, col = _pos(p, "kind: sampling", offset_in_needle=len("kind: "))
    assert f"{p}:{line}:{col}: unknown kind 'sampling'" in r.stderr, r.stderr


def test_number_written_as_text_exit_1_at_the_value(tmp_path):
    p = _copy_replacing(tmp_path, CITYDEPT_RULES, "per: {A: 2, B: 3}", 'per: {A: "2", B: 3}')
    r = cli("validate", p)
    assert r.exit_code == 1
    line, col = _pos(p, '"2"')
    assert f"{p}:{line}:{col}:" in r.stderr, r.stderr


def test_reused_item_id_exit_1_naming_the_id(tmp_path):
    p = _copy_replacing(tmp_path, COUNTY_RULES, "- id: rcgl.zztj.2", "- id: rcgl.zztj.1")
    r = cli("validate", p)
    assert r.exit_code == 1
    assert "rcgl.zztj.1" in r.stderr and "duplicate-id" in r.stderr


def test_two_schema_mistakes_both_reported_in_one_run(tmp_path):
    text = COUNTY_RULES.read_text(encoding="utf-8")
    text = text.replace("kind: sampled", "kind: sampling", 1).replace("per: 0.2", 'per: "0.2"', 1)
    p = tmp_path / "two.yaml"
    p.write_text(text, encoding="utf-8")
    r = cli("validate", p)
    assert r.exit_code == 1
    lines = [l for l in r.stderr.splitlines() if l.startswith(f"{p}:")]
    assert len(lines) == 2, r.stderr
    assert all(re.match(rf"{re.escape(str(p))}:\d+:\d+: \S.*\(schema\)$", l) for l in lines)


def test_two_group_sum_mistakes_both_reported_in_one_run(tmp_path):
    text = COUNTY_RULES.read_text(encoding="utf-8")
    for item in ("- id: zdgk.ldxx.1", "- id: zdgk.gkzn.1"):
        i = text.index(item)
        j = text.index("max: 2", i)
        text = text[:j] + "max: 3" + text[j + 6:]
    p = tmp_path / "two.yaml"
    p.write_text(text, encoding="utf-8")
    r = cli("validate", p)
    assert r.exit_code == 1
    assert "领导信息公开" in r.stderr and "公开指南" in r.stderr, r.stderr
    assert r.stderr.count("(group-sum)") == 2


def test_two_duplicated_keys_both_reported_in_one_run(tmp_path):
    text = COUNTY_RULES.read_text(encoding="utf-8")
    text = text.replace("title: 2020年", "title: x\ntitle: 2020年", 1).replace("year: 2020\n", "year: 2020\nyear: 2021\n", 1)
    p = tmp_path / "dup2.yaml"
    p.write_text(text, encoding="utf-8")
    r = cli("validate", p)
    assert r.exit_code == 1
    assert "duplicate key 'title'" in r.stderr
    assert "duplicate key 'year'" in r.stderr

def test_units_file_with_unknown_class_exit_1_at_the_class(tmp_path):
    text = UNITS.read_text(encoding="utf-8")
    m = re.search(r"class: B\b", text)
    assert m, "units.yaml lists B-class units"
    p = tmp_path / "units.yaml"
    p.write_text(text[: m.start()] + "class: C" + text[m.end():], encoding="utf-8")
    r = cli("validate", p, COUNTY_RULES, CITYDEPT_RULES)
    assert r.exit_code == 1, r.stdout + r.stderr
    line = text.count("\n", 0, m.start()) + 1
    assert re.search(rf"{re.escape(str(p))}:{line}:\d+: .*\bC\b", r.stderr), r.stderr


# ------------------------------------------------------------ exit codes

def test_validate_exit_codes_0_1_2(tmp_path):
    assert run_exe("validate", COUNTY_RULES, CITYDEPT_RULES, UNITS).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: gkscore/1\nid: x\n", encoding="utf-8")
    assert run_exe("validate", bad).returncode == 1
    assert run_exe("validate", tmp_path / "absent.yaml").returncode == 2
    assert run_exe("validate", "--no-such-option").returncode == 2
    assert run_exe("validate", tmp_path).returncode == 2  # a folder is not a readable file


def test_validate_quiet_prints_nothing_when_valid():
    r = run_exe("validate", "-q")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


# ------------------------------------------------------------------ lint

def test_lint_reports_each_known_seed_ambiguity():
    r = run_exe("lint", COUNTY_RULES, CITYDEPT_RULES)
    assert r.returncode == 0, r.stderr
    out = r.stdout + r.stderr
    assert "rcgl.jdjc.ba3" in out and "0.3" in out  # 得0.3分 but 分值 1
    assert re.search(r"gknb\.1: .*2020年1月31日", out)  # 公开年报 "2020年1月31日前" read for the 2019 report
    assert "zdly.jszygy" in out  # three rows sharing one merged 分值 of 6


def test_lint_strict_exit_1_on_warnings_and_0_on_a_clean_file(tmp_path):
    assert run_exe("lint", "--strict", COUNTY_RULES).returncode == 1
    clean = tmp_path / "clean.yaml"
    clean.write_text(
        "format: gkscore/1\nid: clean\ntitle: 干净\nclasses:\n  A: {name: 甲, max: 1}\nsections:\n"
        "  - id: s\n    name: 一\n    groups:\n      - id: g\n        name: 二\n        items:\n"
        "          - id: g.1\n            text: 做到的,得1分。\n            max: 1\n            fields:\n"
        "              - {id: ok, type: bool, prompt: 是否做到?}\n            clauses:\n"
        "              - {kind: award, when: {field: ok}, points: 1}\n",
        encoding="utf-8",
    )
    r = run_exe("lint", "--strict", clean)
    assert r.returncode == 0, r.stdout + r.stderr


# ------------------------------------------------------------------ schema

def test_committed_rules_schema_equals_generated():
    r = run_exe("schema", "rules")
    assert r.returncode == 0
    assert json.loads(r.stdout) == json.loads((ROOT / "schema" / "rules.schema.json").read_text(encoding="utf-8"))


def test_each_bundled_rule_file_references_an_existing_schema():
    for p in (COUNTY_RULES, CITYDEPT_RULES):
        first = p.read_text(encoding="utf-8").splitlines()[0]
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert m, first
        assert (p.parent / m.group(1)).resolve() == (ROOT / "schema" / "rules.schema.json").resolve()


# ------------------------------------------------------------------ units

@pytest.mark.parametrize("cls, n", [("A", 37), ("B", 9)])
def test_units_of_annex1_by_class(tmp_path, cls, n):
    out = tmp_path / f"{cls}.csv"
    r = cli("template", "citydept_2020", "--class", cls, "-o", out)
    assert r.exit_code == 0, r.stderr
    _, rows = read_csv(out)
    assert len({row["unit"] for row in rows}) == n
    assert {row["class"] for row in rows} == {f"{cls}类"}  # the class as the rule file names it (A类), never its id


def test_the_ten_counties_are_class_county(tmp_path):
    out = tmp_path / "c.csv"
    assert cli("template", "county_2020", "-o", out).exit_code == 0
    _, rows = read_csv(out)
    want = {"黄州区", "团风县", "红安县", "罗田县", "英山县", "浠水县", "蕲春县", "黄梅县", "麻城市", "武穴市"}
    assert {row["unit"] for row in rows} == want


def test_alias_shi_fagaiwei_resolves_to_the_seed_name(tmp_path):
    out = tmp_path / "f.csv"
    r = cli("template", "citydept_2020", "--unit", "市发改委", "-o", out)
    assert r.exit_code == 0, r.stderr
    _, rows = read_csv(out)
    assert {row["unit"] for row in rows} == {"市发改革"}


# ------------------------------------------------------------ README, CI

def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sec = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", sec, re.S)
    cmds = [l.strip() for b in blocks for l in b.splitlines() if l.strip() and not l.strip().startswith("#")]
    return cmds


def test_readme_quick_start_has_exactly_two_commands():
    cmds = _quick_start_commands()
    assert len(cmds) == 2, cmds
    assert "pip install" in cmds[0] and "gkscore" in cmds[0]
    assert cmds[1] == "bash scripts/test.sh"


def test_readme_main_job_command_runs_on_the_bundled_examples():
    first = _quick_start_commands()[0]
    job = first.split("&&")[-1].strip()
    argv = job.split()
    assert argv[0].endswith("gkscore") and argv[1] == "score"
    r = run_exe(*argv[1:], cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "黄州区" in r.stdout and "市教育局" in r.stdout


def test_ci_runs_the_readme_test_command_and_propagates_failure():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -e" in ci and re.search(r"^(exec )?bash scripts/test\.sh\b", ci, re.M)
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "set -e" in script
    # the last command is pytest (exec'd), so its exit code is the script's
    last = [l for l in script.splitlines() if l.strip() and not l.strip().startswith("#")][-1]
    assert last.startswith("exec ") and "pytest" in last
    assert 'install --quiet ".[test]"' in script or "install .[test]" in script or '".[test]"' in script
    assert "-e ." not in script and "--editable" not in script


def test_test_extra_declares_pytest_and_hypothesis():
    tomllib = pytest.importorskip("tomllib")

    py = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = " ".join(py["project"]["optional-dependencies"]["test"])
    assert "pytest" in extra and "hypothesis" in extra
    assert py["project"]["requires-python"] == ">=3.10"
    deps = " ".join(py["project"]["dependencies"])
    for dep in ("click", "pyyaml", "pydantic", "openpyxl", "rich", "defusedxml"):
        assert dep in deps


def test_pre_commit_hook_runs_gkscore_validate():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "gkscore-validate")
    assert "gkscore validate" in hook["entry"] or hook["entry"].split()[:2] == ["gkscore", "validate"]


def test_every_command_answers_help_and_version():
    r = run_exe("--version")
    assert r.returncode == 0 and re.search(r"\d+\.\d+", r.stdout)
    for cmd in ("validate", "lint", "rules", "schema", "template", "check", "score", "explain"):
        r = cli(cmd, "-h")
        assert r.exit_code == 0 and "Usage" in r.stdout, cmd
