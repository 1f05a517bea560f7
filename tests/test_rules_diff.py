"""gkscore rules diff: the county table against a copy with known edits
lists exactly those edits, in words."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_cli
from gkscore import i18n
from gkscore.rules.diff import diff_rules
from gkscore.rules.load import load_rules

COUNTY = ROOT / "rules" / "county_2020.yaml"

NEW_ITEM = """          - id: zdgk.hykf.zb
            description: 会议直播情况
            text: 涉及公众利益的会议进行网络直播的,得1分。
            max: 1
            fields:
              - {id: live, type: bool, prompt: "是否进行网络直播?"}
            clauses:
              - kind: award
                when: {field: live}
                points: 1
"""


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _block(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i)]


def edited_county(tmp_path):
    t = COUNTY.read_text(encoding="utf-8")
    t = _edit(t, "per: 0.2", "per: 0.5")  # a clause's figure
    t = _edit(t, "{field: instructions, ge: 2}", "{field: instructions, ge: 3}")  # a threshold
    t = _edit(t, "field: not_connected\n                per: 1", "field: not_connected\n                per: 1\n                cap: 3")  # a cap
    t = _edit(t, "text: 接通测试,每发现一次未接通扣1分;\n            max: 4", "text: 接通测试,每发现一次未接通扣1分;\n            max: 3")
    t = _edit(t, "text: 工单及时签收,每发现一次未及时签收扣2分\n            max: 2", "text: 工单及时签收,每发现一次未及时签收扣2分\n            max: 3")
    t = _edit(t, _block(t, "          - id: zdgk.hykf.kf", "      - id: zdgk.zxgk"), NEW_ITEM)  # one removed, one added
    t = _edit(t, "        name: 公开指南\n", "        name: 政府信息公开指南\n")  # a group renamed
    t = _edit(t, "text: 在法定期限答复的。", "text: 在法定期限内答复的。")  # a text changed
    t = _edit(t, "id: ptjs.ipv6.1", "id: ptjs.ipv6.gz")  # an id changed
    t = _edit(t, "le: 2020-08-31", "le: 2020-09-30")  # a deadline
    moved = _block(t, "          - id: jcgk.bzml.1", "          - id: jcgk.bzml.2")
    t = _edit(t, moved, "")
    t = _edit(t, "      - id: jcgk.bzml\n", moved.replace("jcgk.bzml.1", "jcgk.bzml.1") + "      - id: jcgk.bzml\n")  # moved to 出台方案
    t = _edit(t, "name: 出台方案\n        points: 1", "name: 出台方案\n        points: 2")
    t = _edit(t, "name: 编制目录\n        points: 3", "name: 编制目录\n        points: 2")
    t = _edit(t, "    kind: bonus\n    points: 5\n    cap: 5", "    kind: bonus\n    points: 5\n    cap: 6")  # a section cap
    path = tmp_path / "county_edited.yaml"
    path.write_text(t, encoding="utf-8")
    return path


EXPECTED = [
    ("threshold", "rcgl.zztj.2", '第2条"县(市、区)政府领导对政务公开或政府网…"：instructions不少于2 → instructions不少于3'),
    ("clause", "rcgl.jdjc.ba3", '第1条"漏报政务新媒体、上报账号信息不准确(如…"：每个扣0.2分 → 每个扣0.5分'),
    ("max", "zdgk.hygq.jttc", "分值：4 → 3"),
    ("cap", "zdgk.hygq.jttc", "第1条：不限 → 最多扣3分"),
    ("max", "zdgk.hygq.qs", "分值：2 → 3"),
    ("removed", "zdgk.hykf.kf", "删除：对于涉及公众利益、需要社会广泛知晓的电视电话会议,通过广播电视、网络或新媒体直…"),
    ("added", "zdgk.hykf.zb", "新增：涉及公众利益的会议进行网络直播的,得1分。（分值 1）"),
    ("renamed", "zdgk.gkzn", '二级指标改名："公开指南" → "政府信息公开指南"'),
    ("text", "ysqgk.hfjs.1", "评分细则改为：在法定期限内答复的。"),
    ("renamed", "ptjs.ipv6.gz", "编号 ptjs.ipv6.1 → ptjs.ipv6.gz"),
    ("points", "jcgk.ccfa", "二级指标分值：1 → 2"),
    ("threshold", "jcgk.ccfa.1", "第1条：plan_date不晚于2020-08-31 → plan_date不晚于2020-09-30"),
    ("moved", "jcgk.bzml.1", '从 "基层政务公开 / 编制目录" 移到 "基层政务公开 / 出台方案"'),
    ("points", "jcgk.bzml", "二级指标分值：3 → 2"),
    ("cap", "jfx", "上限：5 → 6"),
]


def test_diff_lists_exactly_the_edits(tmp_path):
    with i18n.using("zh"):
        changes = diff_rules(load_rules(str(COUNTY)).ruleset, load_rules(str(edited_county(tmp_path))).ruleset)
    assert [(c.kind, c.id, c.what) for c in changes] == EXPECTED


def test_the_same_edits_in_english(tmp_path):
    changes = diff_rules(load_rules(str(COUNTY)).ruleset, load_rules(str(edited_county(tmp_path))).ruleset)
    assert [(c.kind, c.id) for c in changes] == [(k, i) for k, i, _w in EXPECTED]
    words = {c.id: c.what for c in changes}
    assert words["rcgl.jdjc.ba3"].endswith("0.2 off each → 0.5 off each")
    assert words["rcgl.zztj.2"].endswith("instructions at least 2 → instructions at least 3")
    assert words["jfx"] == "cap: 5 → 6"


def test_cli_exit_codes_and_formats(tmp_path):
    edited = str(edited_county(tmp_path))
    same = run_cli("--lang", "zh", "rules", "diff", str(COUNTY), str(COUNTY))
    assert same.exit_code == 0 and "均相同" in same.stdout
    r = run_cli("--lang", "zh", "rules", "diff", str(COUNTY), edited)
    assert r.exit_code == 1 and f"共 {len(EXPECTED)} 处变化" in r.stdout
    assert "每个扣0.2分 → 每个扣0.5分" in r.stdout
    r = run_cli("rules", "diff", str(COUNTY), edited)
    assert r.exit_code == 1 and f"{len(EXPECTED)} changes" in r.stdout and "0.2 off each → 0.5 off each" in r.stdout
    r = run_cli("rules", "diff", str(COUNTY), edited, "--format", "json")
    doc = json.loads(r.stdout)
    assert r.exit_code == 1 and doc["format"] == "gkscore-rules-diff/1" and not doc["equal"]
    assert [(c["kind"], c["id"]) for c in doc["changes"]] == [(k, i) for k, i, _ in EXPECTED]
    assert set(doc["changes"][0]) == {"kind", "level", "id", "path", "what", "old", "new"}
    out = tmp_path / "diff.md"
    r = run_cli("--lang", "zh", "rules", "diff", str(COUNTY), edited, "--format", "md", "-o", str(out))
    md = out.read_text(encoding="utf-8")
    assert r.exit_code == 1 and md.startswith("# 规则变化") and md.count("\n| ") == len(EXPECTED) + 1


def test_rules_command_still_shows_the_tree():
    r = run_cli("rules", str(COUNTY), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["id"] == "huanggang-county-2020"
    assert run_cli("rules", "show", str(COUNTY)).exit_code == 0
    r = run_cli("rules", "-h")
    assert r.exit_code == 0 and "rules diff [OPTIONS] OLD NEW" in r.stdout and "rules [OPTIONS] FILE" in r.stdout
    r = run_cli("--lang", "zh", "rules", "-h")
    assert "rules diff [选项] 旧文件 新文件" in r.stdout and "rules [选项] 文件" in r.stdout


def test_invalid_input(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: gkscore/1\nid: x\n", encoding="utf-8")
    r = run_cli("rules", "diff", str(COUNTY), str(bad))
    assert r.exit_code == 1 and "bad.yaml" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("rules", "diff", str(COUNTY), str(tmp_path / "missing.yaml"))
    assert r.exit_code == 2


@pytest.mark.parametrize("other", ["citydept_2020.yaml"])
def test_diff_of_two_different_tables_is_symmetric_in_size(other):
    a = load_rules(str(COUNTY)).ruleset
    b = load_rules(str(ROOT / "rules" / other)).ruleset
    forward, backward = diff_rules(a, b), diff_rules(b, a)
    added = lambda cs: sum(c.kind == "added" for c in cs)  # noqa: E731
    removed = lambda cs: sum(c.kind == "removed" for c in cs)  # noqa: E731
    assert added(forward) == removed(backward) and removed(forward) == added(backward)


def test_drafts_of_two_versions_of_a_table(tmp_path):
    """Drafted files number items by position: a row inserted in the table
    renumbers the items after it, and the diff still sees one added item."""
    from draft_tables import Row, annex, write_docx
    from gkscore.draft import draft_table

    ax = annex(2)
    old = tmp_path / "old.yaml"
    old.write_text(draft_table(str(write_docx(ax, tmp_path / "old.docx")), classes="county").yaml_text, encoding="utf-8")
    # a new row in 组织推进 after its first item, and a new 分值 for the third
    rows = list(ax.rows)
    rows.insert(1, Row(cells={"评分细则": "4.建立政务公开工作联络员制度的,得1分。", "分值": "1"}))
    rows[3] = Row(cells={**rows[3].cells, "分值": "1"})
    changed = type(ax)(ax.number, ax.title, ax.header, rows)
    new = tmp_path / "new.yaml"
    new.write_text(draft_table(str(write_docx(changed, tmp_path / "new.docx")), classes="county").yaml_text, encoding="utf-8")
    with i18n.using("zh"):
        changes = diff_rules(load_rules(str(old)).ruleset, load_rules(str(new)).ruleset)
    summary = [(c.kind, c.id) for c in changes if c.kind != "renamed"]
    assert ("added", "s1.g1.i2") in summary
    assert ("max", "s1.g1.i4") in summary  # 3.组织开展…: 2 -> 1, now the fourth item
    renamed = [c.what for c in changes if c.kind == "renamed"]
    assert "编号 s1.g1.i2 → s1.g1.i3" in renamed and "编号 s1.g1.i3 → s1.g1.i4" in renamed
    assert not [c for c in changes if c.kind in ("removed", "text", "moved")]
