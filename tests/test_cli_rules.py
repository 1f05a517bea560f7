"""validate, lint, rules, schema: the rule-file commands end to end."""

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

COUNTY = str(ROOT / "rules" / "county_2020.yaml")
CITYDEPT = str(ROOT / "rules" / "citydept_2020.yaml")


def test_validate_bundled_without_arguments():
    r = run_cli("validate")
    assert r.exit_code == 0, r.stderr
    # each file by its title, not its id
    assert "county_2020: valid (2020年黄冈市政务公开及政府网站考评指标(县市区), 57 items" in r.stdout
    assert "huanggang-county-2020" not in r.stdout
    assert "56 units" in r.stdout


def test_every_command_has_help():
    from gkscore.cli import main

    assert main.commands, "no commands registered"
    for name in main.commands:
        for flag in ("-h", "--help"):
            r = run_cli(name, flag)
            assert r.exit_code == 0
            assert "Usage:" in r.stdout
            assert len(main.commands[name].help or "") > 20, f"{name} needs real help text"


def test_version():
    import gkscore

    r = run_cli("--version")
    assert r.exit_code == 0
    assert gkscore.__version__ in r.stdout


@pytest.mark.parametrize(
    "path,classes",
    [(COUNTY, ["county"]), (CITYDEPT, ["A", "B"])],
)
def test_rules_json_contract(path, classes):
    r = run_cli("rules", path, "--format", "json")
    assert r.exit_code == 0, r.stderr
    tree = json.loads(r.stdout, parse_float=Decimal)
    assert tree["classes"] == classes
    for c in classes:
        assert tree["max"][c] == 100
        base = sum(Decimal(str(i["max"][c] or 0)) for i in tree["items"] if i["section"] == "base")
        assert base == 100
    for item in tree["items"]:
        assert set(item) == {"id", "path", "section", "max"}
        assert item["section"] in ("base", "bonus", "penalty")
        assert isinstance(item["path"], list) and len(item["path"]) >= 2


def test_rules_json_citydept_class_values():
    tree = json.loads(run_cli("rules", CITYDEPT, "--format", "json").stdout)
    by_path = {tuple(i["path"][1:3]): i for i in tree["items"]}
    # Worth 0 for B (applies, scores nothing) is not the same as not applicable (null).
    assert by_path[("服务公开", "服务公开情况")]["max"] == {"A": 1, "B": 0}
    assert by_path[("政府网站工作年度报表发布", "政府网站发布《政府网站工作年度报表》的情况")]["max"] == {"A": 1, "B": None}
    assert tree["bonus_max"] == {"A": 7, "B": 7}
    assert tree["penalty_max"] == {"A": 5, "B": 5}


def test_rules_table_output():
    r = run_cli("rules", COUNTY)
    assert r.exit_code == 0
    assert "组织推进" in r.stdout and "100" in r.stdout


def test_rules_unknown_class_is_usage_error():
    r = run_cli("rules", COUNTY, "--class", "Z")
    assert r.exit_code == 2
    assert "no class 'Z'" in r.stderr


def _copy_with(tmp_path: Path, old: str, new: str, count: int = 1) -> str:
    text = Path(COUNTY).read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / "county.yaml"
    out.write_text(text.replace(old, new, count), encoding="utf-8")
    return str(out)


def _line_of(path: str, needle: str, nth: int = 1) -> int:
    seen = 0
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return n
    raise AssertionError(needle)


def test_duplicated_key_names_line_and_column(tmp_path):
    path = _copy_with(tmp_path, "title: 2020年", "title: x\ntitle: 2020年")
    r = run_cli("validate", path)
    assert r.exit_code == 1
    line = _line_of(path, "title: 2020年")
    assert f"{path}:{line}:1: duplicate key 'title'" in r.stderr


def test_broken_group_sum_names_the_group_points(tmp_path):
    # 组织推进 declares 8; change its first item's 分值 from 2 to 3.
    text = Path(COUNTY).read_text(encoding="utf-8")
    path = tmp_path / "county.yaml"
    lines = text.splitlines(keepends=True)
    idx = next(i for i, l in enumerate(lines) if l.strip().startswith("- id: rcgl.zztj.1"))
    j = next(i for i in range(idx, len(lines)) if lines[i].strip().startswith("max: 2"))
    lines[j] = lines[j].replace("max: 2", "max: 3")
    path.write_text("".join(lines), encoding="utf-8")
    r = run_cli("validate", str(path))
    assert r.exit_code == 1
    assert "group-sum" in r.stderr and "组织推进" in r.stderr
    group_line = next(n for n, l in enumerate(lines, start=1) if l.strip().startswith("points: 8"))
    assert f":{group_line}:" in r.stderr
    assert "class-total" in r.stderr  # the class total breaks too: both reported in one run


def test_unknown_rule_kind_points_at_kind(tmp_path):
    path = _copy_with(tmp_path, "kind: deduct_each", "kind: deduct_every")
    r = run_cli("validate", path)
    assert r.exit_code == 1
    line = _line_of(path, "kind: deduct_every")
    assert f":{line}:" in r.stderr and "unknown kind 'deduct_every'" in r.stderr


def test_unreadable_file_exits_2(tmp_path):
    r = run_cli("validate", str(tmp_path / "missing.yaml"))
    assert r.exit_code == 2
    assert "no such file" in r.stderr


def test_all_problems_across_files_in_one_run(tmp_path):
    bad1 = tmp_path / "a.yaml"
    bad1.write_text("a: 1\na: 2\n", encoding="utf-8")
    bad2 = tmp_path / "b.yaml"
    bad2.write_text("x: &a [1]\ny: *a\n", encoding="utf-8")
    r = run_cli("validate", str(bad1), str(bad2))
    assert r.exit_code == 1
    assert f"{bad1}:2:1:" in r.stderr and "yaml-duplicate-key" in r.stderr
    assert f"{bad2}:2:4:" in r.stderr and "yaml-alias" in r.stderr


def test_lint_reports_notes_and_strict_fails():
    r = run_cli("lint", COUNTY)
    assert r.exit_code == 0
    assert "得0.3分" in r.stdout  # the 备案 item 3 reading is reported
    r = run_cli("lint", "--strict", COUNTY)
    assert r.exit_code == 1


def test_committed_rules_schema_matches_code():
    from gkscore.rules.schema import rules_schema_text

    committed = (ROOT / "schema" / "rules.schema.json").read_text(encoding="utf-8")
    assert committed == rules_schema_text(), "run: gkscore schema rules > schema/rules.schema.json"


def test_committed_results_schema_matches_code():
    from gkscore.render.results_schema import results_schema_text

    committed = (ROOT / "schema" / "results.schema.json").read_text(encoding="utf-8")
    assert committed == results_schema_text(), "run: gkscore schema results > schema/results.schema.json"


def test_rule_files_reference_the_schema():
    for path in (COUNTY, CITYDEPT):
        first = Path(path).read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/rules.schema.json"


def test_pre_commit_hook_manifest():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "gkscore-validate")
    assert hook["entry"].startswith("gkscore validate")
    assert hook["language"] == "python"


def test_version_and_help_do_not_import_heavy_libraries():
    code = (
        "import sys\n"
        "from gkscore.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('openpyxl', 'python_calamine', 'pydantic', 'rich') if m in sys.modules]\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY=" in out.stderr
    assert out.stderr.strip().endswith("HEAVY="), out.stderr
