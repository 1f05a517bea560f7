"""What does not apply is not asked for: the fields of an item that does not
apply, of a clause whose only_if does not hold and of a voided group may be
left blank; unit fields are asked once per unit or given by the units file.
Each case as a user meets it (template, check, score with and without
--partial), on the examples of docs/rule-language.md, computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import run_cli
from scenarios import asked, check, doc_example, filled, problem_codes, score, template_rows, units_file, write

D = Decimal


@pytest.fixture
def only_if(tmp_path):
    return write(tmp_path, "only_if.yaml", doc_example("only-if")), units_file(tmp_path, [("甲局", "A")])


# ------------------------------------------------------------ only_if


def test_only_if_that_does_not_hold_leaves_its_field_unasked(tmp_path, only_if):
    rules, units = only_if
    obs = filled(tmp_path, rules, units, {("甲局", "g.1", "late"): "否"})  # days_late blank
    r = check(obs, rules, units)
    assert r.exit_code == 0, r.stderr
    assert "1/1" in r.stdout  # 已填/应填: only `late` is asked
    for extra in ((), ("--partial",)):
        code, units_out, err = score(obs, rules, units, *extra)
        assert code == 0 and err == ""
        u = units_out["甲局"]
        assert D(str(u["total"])) == 10 and u["complete"] is True


def test_only_if_that_holds_needs_its_field(tmp_path, only_if):
    rules, units = only_if
    obs = filled(tmp_path, rules, units, {("甲局", "g.1", "late"): "是"})
    r = check(obs, rules, units)
    assert r.exit_code == 1 and problem_codes(r.stderr) == ["missing-value"] and "逾期多少天" in r.stderr  # the question, not its id
    code, out, _ = score(obs, rules, units, "--partial")
    assert code == 1 and out["甲局"]["complete"] is False and D(str(out["甲局"]["total"])) == 0
    obs = filled(tmp_path, rules, units, {("甲局", "g.1", "late"): "是", ("甲局", "g.1", "days_late"): "31"}, "full.csv")
    code, out, _ = score(obs, rules, units)
    assert code == 0 and D(str(out["甲局"]["total"])) == 3  # 10 - 2 - 5


def test_only_if_undecided_rules_nothing_out(tmp_path, only_if):
    rules, units = only_if
    obs = filled(tmp_path, rules, units, {})
    r = check(obs, rules, units)
    assert r.exit_code == 1 and problem_codes(r.stderr) == ["missing-value", "missing-value"]


# ------------------------------------------------------------ void_if


def test_voided_group_leaves_its_items_unasked(tmp_path):
    rules = write(tmp_path, "void.yaml", doc_example("void-if"))
    units = units_file(tmp_path, [("甲县", "county"), ("乙县", "county")])
    answers = {("甲县", "zdgk.zcjd", "mismatch"): "是", ("乙县", "zdgk.zcjd", "mismatch"): "否",
               ("乙县", "zdgk.zcjd.1", "timely"): "是"}  # 乙县 leaves `varied` blank: asked, so missing
    obs = filled(tmp_path, rules, units, answers)
    r = check(obs, rules, units)
    assert r.exit_code == 1 and problem_codes(r.stderr) == ["missing-value"] and "filled.csv:7:" in r.stderr and "解读形式是否多样" in r.stderr  # 乙县's row
    code, out, _ = score(obs, rules, units, "--partial")
    assert out["甲县"]["complete"] is True and D(str(out["甲县"]["total"])) == 0
    assert out["乙县"]["complete"] is False and D(str(out["乙县"]["total"])) == 1


# ------------------------------------------------------- applies_if


def test_item_that_does_not_apply_leaves_its_fields_unasked(tmp_path):
    rules = write(tmp_path, "na.yaml", doc_example("na-policy"))
    units = units_file(tmp_path, [("甲局", "A"), ("乙局", "A")])
    answers = {("甲局", "g.media", "s"): "4.5", ("甲局", "g.site", "has_site"): "否",
               ("乙局", "g.media", "s"): "6", ("乙局", "g.site", "has_site"): "是", ("乙局", "g.site", "s"): "2"}
    obs = filled(tmp_path, rules, units, answers)
    r = check(obs, rules, units)
    assert r.exit_code == 0, r.stderr
    code, out, _ = score(obs, rules, units)
    assert code == 0
    assert D(str(out["甲局"]["total"])) == D("7.5")  # 4.5 × 10 / 6
    assert D(str(out["乙局"]["total"])) == 8


def test_undecided_applicability_asks_every_field(tmp_path):
    rules = write(tmp_path, "na.yaml", doc_example("na-policy"))
    units = units_file(tmp_path, [("甲局", "A")])
    obs = filled(tmp_path, rules, units, {("甲局", "g.media", "s"): "6"})
    r = check(obs, rules, units)
    assert r.exit_code == 1 and problem_codes(r.stderr) == ["missing-value", "missing-value"]
    assert "是否开设政府网站" in r.stderr and "网站运维评分" in r.stderr  # has_site and g.site's s, by their questions


# ------------------------------------------------------- unit fields


@pytest.fixture
def unit_fields(tmp_path):
    rules = write(tmp_path, "uf.yaml", doc_example("unit-fields"))
    units = units_file(tmp_path, [("甲局", "A", "{has_site: true}"), ("乙局", "A", "{has_site: false, has_service: false}"), ("丙局", "A")])
    return rules, units


def test_unit_fields_are_asked_once_and_not_when_the_units_file_answers(tmp_path, unit_fields):
    rules, units = unit_fields
    rows = template_rows(tmp_path, rules, units)
    got = asked(rows)
    assert got["甲局"] == [("unit", "has_service"), ("web.1", "ok"), ("svc.1", "guide"), ("svc.2", "late"), ("svc.2", "days"), ("svc.2", "on_site")]
    assert got["乙局"] == [("svc.2", "late"), ("svc.2", "days")]
    assert got["丙局"][:2] == [("unit", "has_site"), ("unit", "has_service")] and len(got["丙局"]) == 7
    prompt = {(r["unit"], r["item"], r["field"]): r["prompt"] for r in rows}
    assert prompt[("甲局", "svc.2", "days")].endswith(" (fill only when “未按时发布年报的扣1分”)")  # （仅当 … 时填写） in Chinese
    assert prompt[("丙局", "web.1", "ok")].endswith(" (fill only when has_site = 是)")
    assert prompt[("丙局", "svc.2", "late")] == "是否未按时发布年报？"


def test_unit_fields_scored_as_computed_by_hand(tmp_path, unit_fields):
    rules, units = unit_fields
    answers = {
        # 甲局 (website): service 是, web 4, guide 否 (0 of 3), late 是 days 40 (-3), on_site 否 (-1) -> 4 + 0 + 0 = 4 of 10
        ("甲局", "unit", "has_service"): "是", ("甲局", "web.1", "ok"): "是", ("甲局", "svc.1", "guide"): "否",
        ("甲局", "svc.2", "late"): "是", ("甲局", "svc.2", "days"): "40", ("甲局", "svc.2", "on_site"): "否",
        # 乙局: only svc.2 applies (3 of 3 points), rescaled to 10
        ("乙局", "svc.2", "late"): "否",
        # 丙局: no website (web.1 N/A, on_site not asked), service: 3 + (3 - 1) = 5 of 6 -> 5 × 10 / 6 = 8.33
        ("丙局", "unit", "has_site"): "否", ("丙局", "unit", "has_service"): "是", ("丙局", "svc.1", "guide"): "是",
        ("丙局", "svc.2", "late"): "是", ("丙局", "svc.2", "days"): "3",
    }
    obs = filled(tmp_path, rules, units, answers)
    r = check(obs, rules, units)
    assert r.exit_code == 0, r.stderr
    code, out, _ = score(obs, rules, units, "--lang", "zh")
    assert code == 0
    assert {u: D(str(v["total"])) for u, v in out.items()} == {"甲局": 4, "乙局": 10, "丙局": D("8.33")}
    assert all(v["complete"] for v in out.values())
    assert [n for n in out["乙局"]["notes"] if "不适用" in n][:2] == ["网站建设第1项: 不适用 (是否开设政府网站 = 是 不成立)", "服务事项第1项: 不适用 (是否有对外服务职能 = 是 不成立)"]


def test_units_file_answer_checked_and_in_conflict_with_a_sheet(tmp_path, unit_fields):
    rules, _units = unit_fields
    units = units_file(tmp_path, [("甲局", "A", "{has_site: 3}"), ("乙局", "A", "{has_site: false, has_service: false}")], name="bad_units.yaml")
    obs = filled(tmp_path, rules, units, {("乙局", "svc.2", "late"): "否"})
    r = check(obs, rules, units)
    # 甲局's has_site is not yes/no: reported at its line in the units file
    assert r.exit_code == 1 and "bad_units.yaml:6:" in r.stderr and "bad-value" in r.stderr
    # a sheet that answers a unit field the units file answers differently: a conflict at both places
    units_ok = units_file(tmp_path, [("乙局", "A", "{has_site: false, has_service: false}")], name="ok_units.yaml")
    obs = filled(tmp_path, rules, units_ok, {("乙局", "svc.2", "late"): "否"}, "ok.csv")
    text = obs.read_bytes().decode("utf-8-sig").rstrip("\r\n").split("\r\n")
    header = text[0].split(",")
    row = ["" for _ in header]
    for k, v in {"unit": "乙局", "class": "A", "item": "unit", "field": "has_site", "value": "是"}.items():
        row[header.index(k)] = v
    obs.write_bytes(("\r\n".join(text + [",".join(row)]) + "\r\n").encode("utf-8-sig"))
    r = check(obs, rules, units_ok)
    # (until it is settled, what has_site decides is asked for too: missing values follow)
    assert r.exit_code == 1 and problem_codes(r.stderr)[:2] == ["conflict", "conflict"]
    assert "ok_units.yaml:" in r.stderr


# ------------------------------------------------------- rule checks


def _validate(tmp_path, text):
    path = write(tmp_path, "r.yaml", text)
    return run_cli("validate", str(path)), run_cli("lint", str(path))


def test_unit_field_checks_point_at_the_line(tmp_path):
    base = doc_example("unit-fields")
    # an item field with a unit field's id
    text = base.replace("{id: ok, type: bool, prompt: 网站栏目设置是否合理？}", "{id: has_site, type: bool, prompt: 网站栏目设置是否合理？}")
    text = text.replace("when: {field: ok}, points: 4", "when: {field: has_site}, points: 4")
    v, _ = _validate(tmp_path, text)
    line = text.splitlines().index(next(x for x in text.splitlines() if "网站栏目设置是否合理" in x)) + 1
    assert v.exit_code == 1 and f"r.yaml:{line}:" in v.stderr and "(duplicate-field)" in v.stderr and "unit field" in v.stderr
    # a section's applies_if may test unit fields only
    text = base.replace("applies_if: {field: has_site}", "applies_if: {field: ok}")
    v, _ = _validate(tmp_path, text)
    assert v.exit_code == 1 and "r.yaml:13:25:" in v.stderr and "(unknown-field)" in v.stderr
    # the id the unit's answers go by
    v, _ = _validate(tmp_path, base.replace("id: svc.g", "id: unit"))
    assert v.exit_code == 1 and "(duplicate-id)" in v.stderr
    # a unit field nobody tests
    text = base.replace("  - {id: has_service, type: bool, prompt: 是否有对外服务职能？}\n", "  - {id: has_service, type: bool, prompt: 是否有对外服务职能？}\n  - {id: spare, type: count, prompt: 备用？}\n")
    v, lint = _validate(tmp_path, text)
    assert v.exit_code == 0 and "r.yaml:10:5:" in lint.stdout and "(unused-field)" in lint.stdout


def test_unit_field_messages_in_chinese(tmp_path):
    base = doc_example("unit-fields").replace("id: svc.g", "id: unit")
    path = write(tmp_path, "r.yaml", base)
    from click.testing import CliRunner

    from gkscore.cli import main

    r = CliRunner().invoke(main, ["validate", str(path), "--lang", "zh"], catch_exceptions=False)
    assert r.exit_code == 1 and "单位属性" in r.stderr


def test_rules_json_lists_unit_fields_and_applicability(tmp_path):
    import json

    path = write(tmp_path, "uf.yaml", doc_example("unit-fields"))
    tree = json.loads(run_cli("rules", str(path), "--format", "json").stdout)
    assert tree["unit_fields"] == [
        {"id": "has_site", "type": "bool", "prompt": "是否开设政府网站？"},
        {"id": "has_service", "type": "bool", "prompt": "是否有对外服务职能？"},
    ]
    assert [(i["id"], i.get("applies_if")) for i in tree["items"]] == [("web.1", "has_site = 是"), ("svc.1", "has_service = 是"), ("svc.2", None)]


# ------------------------------------------------- a veto that stops scoring


def test_stopping_veto_leaves_the_rest_unasked_and_is_undecided_when_blank(tmp_path):
    rules = write(tmp_path, "v.yaml", doc_example("veto-stops"))
    units = units_file(tmp_path, [("甲", "A"), ("乙", "A")])
    # 乙: leak 是, the rest blank: nothing else asked; 甲: leak blank, no_report 是:
    # 乙's veto could be the one that applies, so everything is asked of 甲
    obs = filled(tmp_path, rules, units, {("乙", "veto.leak", "leak"): "是", ("甲", "veto.late", "no_report"): "是"})
    r = check(obs, rules, units)
    assert r.exit_code == 1 and problem_codes(r.stderr) == ["missing-value"] * 3
    assert all(f"filled.csv:{n}:" in r.stderr for n in (2, 3, 4))  # 甲's g.1, g.2 and leak rows
    code, out, _ = score(obs, rules, units, "--partial")
    assert out["乙"]["total"] is None and out["乙"]["complete"] is True
    # 甲: the later veto holds and stops scoring; the blank one leaves it incomplete
    assert out["甲"]["total"] == 59 and out["甲"]["complete"] is False
