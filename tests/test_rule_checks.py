"""Invalid rule files give the right code at the right line:column.

Like yamllint's tests, every case asserts the exact ``(line, col, code)``
tuples (1-based) of the problems ``load_rules`` reports; the messages are
checked only where their wording matters to a rule author.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gkscore.problems import ProblemsError
from gkscore.rules.load import load_rules


def _write(tmp_path: Path, text: str | bytes, name: str = "rules.yaml") -> str:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    else:
        path.write_bytes(text)
    return str(path)


def problems(tmp_path: Path, text: str | bytes) -> list[tuple[int, int, str]]:
    """(line, col, code) of every error; fails if the file loads."""
    path = _write(tmp_path, text)
    with pytest.raises(ProblemsError) as info:
        load_rules(path)
    for p in info.value.problems:
        assert p.file == path
    return [(p.line, p.col, p.code) for p in info.value.problems]


def messages(tmp_path: Path, text: str | bytes) -> list[str]:
    path = _write(tmp_path, text)
    with pytest.raises(ProblemsError) as info:
        load_rules(path)
    return [p.message for p in info.value.problems]


def warnings(tmp_path: Path, text: str) -> list[tuple[int, int, str]]:
    loaded = load_rules(_write(tmp_path, text))
    return sorted((w.line, w.col, w.code) for w in loaded.warnings)


# A valid file; every case below is a small variation of it, written out in
# full so that line and column can be counted by eye.
VALID = """\
format: gkscore/1
id: t
title: 测试
classes:
  A: {name: 甲类, max: 3}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 做到得1分,次数不少于2次得2分。
            max: 3
            fields:
              - {id: done, type: bool, prompt: 是否做到}
              - {id: n, type: count, prompt: 次数}
            clauses:
              - {kind: award, when: {field: done}, points: 1}
              - {kind: award, when: {field: n, ge: 2}, points: 2}
"""


def test_valid_file_loads_without_warnings(tmp_path):
    assert warnings(tmp_path, VALID) == []


# --------------------------------------------------------------- YAML level


def test_duplicate_key(tmp_path):
    text = VALID.replace("            max: 3\n", "            max: 3\n            max: 2\n")
    assert problems(tmp_path, text) == [(16, 13, "yaml-duplicate-key")]
    assert messages(tmp_path, text) == ["duplicate key 'max' (first given on line 15); delete or rename one of them"]


def test_duplicate_item_id_key_in_flow_mapping(tmp_path):
    text = VALID.replace("{id: done, type: bool, prompt: 是否做到}", "{id: done, type: bool, id: x, prompt: 是否做到}")
    assert problems(tmp_path, text) == [(17, 40, "yaml-duplicate-key")]


def test_alias(tmp_path):
    text = """\
    format: gkscore/1
    id: t
    title: 测试
    classes:
      A: &cls {name: 甲类, max: 3}
      B: *cls
    sections: []
    """
    assert problems(tmp_path, text) == [(6, 6, "yaml-alias")]


def test_merge_key(tmp_path):
    text = """\
    format: gkscore/1
    id: t
    title: 测试
    classes:
      A: {name: 甲类, max: 3}
      B:
        <<: {name: 乙类}
        max: 3
    sections: []
    """
    assert problems(tmp_path, text) == [(7, 5, "yaml-merge")]


def test_yaml_syntax_error_has_a_position(tmp_path):
    text = VALID.replace("{id: n, type: count, prompt: 次数}", "{id: n, type: count, prompt: 次数")
    [(line, col, code)] = problems(tmp_path, text)
    assert code == "yaml-syntax"
    assert line == 19  # where the parser noticed the unclosed mapping


def test_empty_file(tmp_path):
    assert problems(tmp_path, b"") == [(1, 1, "schema")]


def test_comment_only_file(tmp_path):
    assert problems(tmp_path, b"# nothing yet\n\n") == [(1, 1, "schema")]


def test_file_that_is_a_list(tmp_path):
    text = "- format: gkscore/1\n- id: t\n"
    assert problems(tmp_path, text) == [(1, 1, "schema")]
    assert messages(tmp_path, text) == [
        "a rule file is a mapping with the keys format, id, title, classes and sections; compare with a bundled rule file such as county_2020.yaml"
    ]


def test_file_that_is_a_scalar(tmp_path):
    assert problems(tmp_path, "gkscore\n") == [(1, 1, "schema")]


def test_units_file_given_as_rules(tmp_path):
    assert problems(tmp_path, "format: gkscore-units/1\nid: u\n") == [(1, 1, "wrong-kind")]


# ------------------------------------------------------------ bytes and text


def test_control_character(tmp_path):
    text = VALID.replace("title: 测试", "title: 测\x07试")
    assert problems(tmp_path, text.encode("utf-8")) == [(3, 9, "control-char")]
    assert messages(tmp_path, text.encode("utf-8")) == ["invisible control character U+0007 is not allowed; delete it (it often comes with copied text)"]


def test_nul_character(tmp_path):
    text = VALID.replace("            text: 做到", "            text: \x00做到")
    assert problems(tmp_path, text.encode("utf-8")) == [(14, 19, "control-char")]


def test_tab_in_a_quoted_string_is_allowed(tmp_path):
    text = VALID.replace("title: 测试", 'title: "测\t试"')
    assert load_rules(_write(tmp_path, text)).ruleset.title == "测\t试"


def test_not_utf8(tmp_path):
    data = VALID.replace("title: 测试", "title: X").encode("utf-8").replace(b"title: X", b"title: \xb2\xe2\xca\xd4")
    assert problems(tmp_path, data) == [(3, 8, "encoding")]


def test_gbk_file(tmp_path):
    # A file saved from a Chinese-locale editor: the first non-ASCII byte is on line 3.
    assert problems(tmp_path, VALID.encode("gbk")) == [(3, 8, "encoding")]
    assert messages(tmp_path, VALID.encode("gbk")) == ["the file is not UTF-8 text; save it again with the encoding UTF-8"]


def test_utf8_bom_is_accepted(tmp_path):
    loaded = load_rules(_write(tmp_path, b"\xef\xbb\xbf" + VALID.encode("utf-8")))
    assert loaded.ruleset.title == "测试"
    assert loaded.warnings == []


def test_bom_keeps_positions(tmp_path):
    text = VALID.replace("max: 3}", "max: 30}")
    assert problems(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8")) == [(5, 22, "class-total")]


# ------------------------------------------------------------------ schema


def test_unknown_clause_kind_points_at_kind(tmp_path):
    text = VALID.replace(
        "              - {kind: award, when: {field: n, ge: 2}, points: 2}\n",
        "              - when: {field: n, ge: 2}\n                kind: awrad\n                points: 2\n",
    )
    assert problems(tmp_path, text) == [(22, 23, "schema")]
    [message] = messages(tmp_path, text)
    assert message.startswith("unknown kind 'awrad'; did you mean 'award'? Use one of: award, deduct, ")


def test_unknown_clause_kind_in_flow_mapping(tmp_path):
    text = VALID.replace("{kind: award, when: {field: done}, points: 1}", "{kind: bonus, when: {field: done}, points: 1}")
    assert problems(tmp_path, text) == [(20, 24, "schema")]


def test_number_written_as_text(tmp_path):
    text = VALID.replace("{kind: award, when: {field: done}, points: 1}", '{kind: award, when: {field: done}, points: "1"}')
    assert problems(tmp_path, text) == [(20, 60, "schema")]
    # One problem, in plain words, with no pydantic internals in it.
    assert messages(tmp_path, text) == [
        "expected a number, found the text '1'; write the number without quotes (at sections.0.groups.0.items.0.clauses.0.points)"
    ]


def test_number_written_as_text_in_a_class_mapping(tmp_path):
    text = VALID.replace("            max: 3\n", '            max: {A: "3"}\n')
    assert problems(tmp_path, text) == [(15, 22, "schema")]
    [message] = messages(tmp_path, text)
    assert message.startswith("expected a number, found the text '3'; write the number without quotes")
    assert "0x" not in message and "function-" not in message


def test_class_max_written_as_text(tmp_path):
    text = VALID.replace("max: 3}", 'max: "3"}')
    assert problems(tmp_path, text) == [(5, 22, "schema")]


def test_negative_points(tmp_path):
    text = VALID.replace("{field: done}, points: 1}", "{field: done}, points: -1}")
    assert problems(tmp_path, text) == [(20, 60, "schema")]


def test_yes_is_not_a_boolean(tmp_path):
    # YAML 1.1 would read `yes` as true; gkscore reads it as text, so the
    # comparison of a yes/no field with the text 'yes' is refused.
    text = VALID.replace("when: {field: done}", "when: {field: done, eq: yes}")
    assert problems(tmp_path, text) == [(20, 55, "bad-condition")]


def test_unknown_key_points_at_the_key(tmp_path):
    text = VALID.replace("            max: 3\n", "            max: 3\n            maxx: 2\n")
    assert problems(tmp_path, text) == [(16, 13, "schema")]
    assert messages(tmp_path, text) == ["unknown key 'maxx'; did you mean 'max'? Correct the spelling or delete the key"]


def test_missing_key_points_at_the_mapping(tmp_path):
    text = VALID.replace("            text: 做到得1分,次数不少于2次得2分。\n", "")
    assert problems(tmp_path, text) == [(13, 13, "schema")]
    assert messages(tmp_path, text) == ["the required key 'text' is missing here; add it (at sections.0.groups.0.items.0.text)"]


def test_wrong_format(tmp_path):
    assert problems(tmp_path, VALID.replace("format: gkscore/1", "format: gkscore/2")) == [(1, 9, "schema")]


def test_bad_id(tmp_path):
    assert problems(tmp_path, VALID.replace("      - id: g\n", "      - id: 组一\n")) == [(10, 13, "schema")]


# ---------------------------------------------------------------- semantic


def test_id_reused(tmp_path):
    text = VALID.replace("      - id: g\n", "      - id: s\n")
    assert problems(tmp_path, text) == [(10, 13, "duplicate-id")]


def test_item_id_reused_across_groups(tmp_path):
    text = VALID + textwrap.indent(
        textwrap.dedent(
            """\
            - id: g2
              name: 组二
              items:
                - id: i
                  text: 做到得1分。
                  max: 1
                  fields:
                    - {id: done, type: bool, prompt: 是否做到}
                  clauses:
                    - {kind: award, when: {field: done}, points: 1}
            """
        ),
        "      ",
    )
    text = text.replace("max: 3}", "max: 4}")
    assert problems(tmp_path, text) == [(25, 17, "duplicate-id")]


def test_clause_id_reused(tmp_path):
    text = VALID.replace("{kind: award, when: {field: done}", "{id: c, kind: award, when: {field: done}").replace(
        "{kind: award, when: {field: n", "{id: c, kind: award, when: {field: n"
    )
    assert problems(tmp_path, text) == [(21, 22, "duplicate-id")]


def test_field_declared_twice(tmp_path):
    text = VALID.replace("{id: n, type: count, prompt: 次数}", "{id: done, type: count, prompt: 次数}").replace(
        "{field: n, ge: 2}", "{field: done, ge: 2}"
    )
    assert (18, 22, "duplicate-field") in problems(tmp_path, text)


def test_group_points_not_equal_to_item_sum(tmp_path):
    text = VALID.replace("        name: 组\n", "        name: 组\n        points: 4\n")
    assert problems(tmp_path, text) == [(12, 17, "group-sum")]
    assert messages(tmp_path, text) == ["the group '组' declares 4 points for the class A, but its items add up to 3; correct points or the items' max"]


def test_section_points_not_equal_to_item_sum(tmp_path):
    text = VALID.replace("    name: 基础\n", "    name: 基础\n    points: 2\n")
    assert problems(tmp_path, text) == [(9, 13, "section-sum")]


def test_class_total_not_equal_to_items(tmp_path):
    text = VALID.replace("max: 3}", "max: 100}")
    assert problems(tmp_path, text) == [(5, 22, "class-total")]
    assert messages(tmp_path, text) == ["the class A declares a total of 100, but its base items add up to 3; correct the class's max or the items' max"]


def test_class_total_per_class(tmp_path):
    text = VALID.replace("  A: {name: 甲类, max: 3}\n", "  A: {name: 甲类, max: 3}\n  B: {name: 乙类, max: 3}\n").replace(
        "            max: 3\n", "            max: {A: 3, B: 2}\n"
    )
    assert problems(tmp_path, text) == [(6, 22, "class-total")]


def test_class_missing_from_item_max(tmp_path):
    text = VALID.replace("  A: {name: 甲类, max: 3}\n", "  A: {name: 甲类, max: 3}\n  B: {name: 乙类, max: 3}\n").replace(
        "            max: 3\n", "            max: {A: 3}\n"
    )
    assert problems(tmp_path, text) == [(6, 22, "class-total"), (16, 18, "class-missing")]


def test_unknown_class(tmp_path):
    text = VALID.replace("            max: 3\n", "            max: {A: 3, C: 1}\n")
    assert problems(tmp_path, text) == [(15, 28, "unknown-class")]


def test_item_that_applies_to_no_class(tmp_path):
    text = VALID.replace("max: 3}", "max: 0}").replace("            max: 3\n", "            max: {A: null}\n")
    assert problems(tmp_path, text) == [(15, 18, "never-applies")]


BONUS_WITHOUT_CAP = """\
format: gkscore/1
id: t
title: 测试
classes:
  A: {name: 甲类, max: 1}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 做到得1分。
            max: 1
            fields:
              - {id: done, type: bool, prompt: 是否做到}
            clauses:
              - {kind: award, when: {field: done}, points: 1}
  - id: plus
    name: 加分项
    kind: bonus
    groups:
      - id: plus.g
        name: 创新
        items:
          - id: plus.1
            text: 创新做法加2分。
            max: 2
            fields:
              - {id: done, type: bool, prompt: 是否有创新做法}
            clauses:
              - {kind: award, when: {field: done}, points: 2}
"""


def test_bonus_and_penalty_sections_without_cap_load(tmp_path):
    """A table that sets no cap on its bonus or penalty section: none is
    required; the section adds (takes off) at most its items' 分值, 2 here."""
    from gkscore.rules.tree import rules_tree

    for kind in ("bonus", "penalty"):
        lr = load_rules(str(_write(tmp_path, BONUS_WITHOUT_CAP.replace("kind: bonus", f"kind: {kind}"))))
        tree = rules_tree(lr.ruleset)
        assert (tree["bonus_max"], tree["penalty_max"]) == (({"A": 2}, {"A": 0}) if kind == "bonus" else ({"A": 0}, {"A": 2}))


def test_base_section_with_cap(tmp_path):
    text = BONUS_WITHOUT_CAP.replace("    name: 基础\n", "    name: 基础\n    cap: 1\n").replace("kind: bonus", "kind: bonus\n    cap: 2")
    assert problems(tmp_path, text) == [(9, 10, "cap")]


def test_penalty_item_starting_from_its_maximum(tmp_path):
    # In a penalty section the item's score is what is taken off, counted from 0.
    text = (
        BONUS_WITHOUT_CAP.replace("kind: bonus", "kind: penalty\n    cap: 2")
        .replace("{id: done, type: bool, prompt: 是否有创新做法}", "{id: n, type: count, prompt: 舆情事件数}")
        .replace("{kind: award, when: {field: done}, points: 2}", "{kind: deduct_each, field: n, per: 1}")
        .replace("            max: 2\n", "            max: 2\n            start: max\n")
    )
    assert problems(tmp_path, text) == [(31, 20, "penalty-start")]


def test_unknown_field_in_condition(tmp_path):
    text = VALID.replace("when: {field: done}", "when: {field: dnoe}")
    assert problems(tmp_path, text) == [(20, 45, "unknown-field")]
    assert messages(tmp_path, text) == ["the field 'dnoe' is not declared here (declared: done, n); correct the name, or declare it under fields"]


def test_unknown_field_in_nested_condition(tmp_path):
    text = VALID.replace("when: {field: n, ge: 2}", "when: {all: [{field: done}, {not: {field: m}}]}")
    assert problems(tmp_path, text) == [(21, 73, "unknown-field")]


def test_unknown_field_of_a_counting_clause(tmp_path):
    text = VALID.replace("{kind: award, when: {field: n, ge: 2}, points: 2}", "{kind: deduct_each, field: m, per: 1}").replace(
        "            max: 3\n", "            max: 3\n            start: zero\n"
    )
    assert (22, 44, "unknown-field") in problems(tmp_path, text)


def test_field_of_the_wrong_type(tmp_path):
    text = VALID.replace("{kind: award, when: {field: n, ge: 2}, points: 2}", "{kind: judged, field: n}")
    assert problems(tmp_path, text) == [(21, 39, "field-type")]


def test_comparison_of_the_wrong_type(tmp_path):
    text = VALID.replace("when: {field: done}", "when: {field: done, ge: 2}")
    assert problems(tmp_path, text) == [(20, 55, "bad-condition")]


def test_count_tested_like_a_yes_no_field(tmp_path):
    text = VALID.replace("when: {field: n, ge: 2}", "when: {field: n}")
    assert problems(tmp_path, text) == [(21, 37, "bad-condition")]


ONLY_IF = """\
format: gkscore/1
id: t
title: 测试
classes:
  A: {name: 甲类, max: 10}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 未按时发布的扣2分;逾期超过30天的,再扣5分。
            max: 10
            fields:
              - {id: late, type: bool, prompt: 是否未按时发布}
              - {id: days, type: count, prompt: 逾期天数}
            clauses:
              - {id: late, kind: deduct, when: {field: late}, points: 2}
              - {kind: deduct, when: {field: days, gt: 30}, points: 5, only_if: {clause: late}}
"""


def test_clause_reference_valid(tmp_path):
    assert warnings(tmp_path, ONLY_IF) == []


def test_clause_reference_to_a_later_clause(tmp_path):
    text = ONLY_IF.replace(
        "              - {id: late, kind: deduct, when: {field: late}, points: 2}\n"
        "              - {kind: deduct, when: {field: days, gt: 30}, points: 5, only_if: {clause: late}}\n",
        "              - {kind: deduct, when: {field: days, gt: 30}, points: 5, only_if: {clause: late}}\n"
        "              - {id: late, kind: deduct, when: {field: late}, points: 2}\n",
    )
    assert problems(tmp_path, text) == [(20, 90, "bad-reference")]
    assert messages(tmp_path, text) == ["no clause with the id 'late' comes before this one in the item; refer to a clause listed above, by its id"]


def test_clause_reference_to_itself(tmp_path):
    text = ONLY_IF.replace("{kind: deduct, when: {field: days", "{id: again, kind: deduct, when: {field: days").replace(
        "{clause: late}", "{clause: again}"
    )
    assert problems(tmp_path, text) == [(21, 101, "bad-reference")]


def test_clause_reference_to_an_unknown_clause(tmp_path):
    text = ONLY_IF.replace("{clause: late}", "{clause: lat}")
    assert problems(tmp_path, text) == [(21, 90, "bad-reference")]


def test_clause_reference_outside_an_item(tmp_path):
    text = VALID.replace(
        "        name: 组\n",
        "        name: 组\n"
        "        fields:\n"
        "          - {id: bad, type: bool, prompt: 是否不符}\n"
        "        void_if: {clause: x}\n"
        "        void_text: 不得分\n",
    )
    assert problems(tmp_path, text) == [(14, 27, "bad-reference")]


def test_void_if_needs_void_text(tmp_path):
    text = VALID.replace(
        "        name: 组\n",
        "        name: 组\n        fields:\n          - {id: bad, type: bool, prompt: 是否不符}\n        void_if: {field: bad}\n",
    )
    assert problems(tmp_path, text) == [(14, 18, "void-text")]


SAMPLED = """\
format: gkscore/1
id: t
title: 测试
classes:
  A: {name: 甲类, max: 2.5}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 随机抽查5条,每少1条符合要求扣0.5分。
            max: 2.5
            fields:
              - {id: ok, type: count, max: 5, prompt: 符合要求的条数}
            clauses:
              - {kind: sampled, field: ok, sample: 5, per: 0.5, counts: passed}
"""


def test_sampled_valid(tmp_path):
    assert warnings(tmp_path, SAMPLED) == []


def test_sampled_field_without_max(tmp_path):
    text = SAMPLED.replace("{id: ok, type: count, max: 5, prompt", "{id: ok, type: count, prompt")
    assert problems(tmp_path, text) == [(19, 52, "sample-bound")]
    assert messages(tmp_path, text) == ["the field 'ok' must be bounded by the sample size: give it max: 5"]


def test_sampled_field_with_another_max(tmp_path):
    text = SAMPLED.replace("max: 5, prompt", "max: 4, prompt")
    assert problems(tmp_path, text) == [(19, 52, "sample-bound")]


def test_score_field_off_step(tmp_path):
    text = VALID.replace("{id: n, type: count, prompt: 次数}", "{id: s, type: score, max: 2, step: 0.3, prompt: 评分}").replace(
        "{kind: award, when: {field: n, ge: 2}, points: 2}", "{kind: judged, field: s}"
    )
    assert problems(tmp_path, text) == [(18, 52, "step")]
    assert messages(tmp_path, text) == ["the range from 0 to 2 is not a whole number of steps of 0.3; change step, min or max"]


def test_score_field_with_min_off_step(tmp_path):
    text = VALID.replace(
        "{id: n, type: count, prompt: 次数}", "{id: s, type: score, min: 0.25, max: 2, step: 0.5, prompt: 评分}"
    ).replace("{kind: award, when: {field: n, ge: 2}, points: 2}", "{kind: judged, field: s}")
    assert problems(tmp_path, text) == [(18, 63, "step")]


def test_judged_above_the_item_max(tmp_path):
    text = VALID.replace("{id: n, type: count, prompt: 次数}", "{id: s, type: score, max: 5, step: 0.5, prompt: 评分}").replace(
        "{kind: award, when: {field: n, ge: 2}, points: 2}", "{kind: judged, field: s}"
    )
    assert problems(tmp_path, text) == [(21, 39, "over-max")]


def test_graded_levels_must_match_choices(tmp_path):
    text = VALID.replace("{id: n, type: count, prompt: 次数}", "{id: lv, type: choice, choices: [优, 良, 差], prompt: 等次}").replace(
        "{kind: award, when: {field: n, ge: 2}, points: 2}", "{kind: graded, field: lv, levels: {优: 2, 良: 1}}"
    )
    assert problems(tmp_path, text) == [(21, 51, "levels")]


def test_percent_field_bounds(tmp_path):
    text = VALID.replace("{id: n, type: count, prompt: 次数}", "{id: r, type: number, min: 0, max: 1, prompt: 比例}").replace(
        "{kind: award, when: {field: n, ge: 2}, points: 2}", "{kind: percent, field: r, points: 2}"
    )
    assert problems(tmp_path, text) == [(21, 40, "percent-bounds")]


def test_coverage_full_at_above_fields(tmp_path):
    text = VALID.replace("{id: n, type: count, prompt: 次数}", "{id: n, type: bool, prompt: 次数}").replace(
        "{kind: award, when: {field: n, ge: 2}, points: 2}", "{kind: coverage, fields: [done, n], points: 2, full_at: 3, mode: all}"
    )
    assert problems(tmp_path, text) == [(21, 73, "full-at")]


GRADES = """\
format: gkscore/1
id: t
title: 测试
classes:
  A: {name: 甲类, max: 1}
grades:
  bands:
    - {grade: 优秀, min: 90}
    - {grade: 良好, min: 80}
    - {grade: 不合格}
sections:
  - id: s
    name: 基础
    groups:
      - id: g
        name: 组
        items:
          - id: i
            text: 做到得1分。
            max: 1
            fields:
              - {id: done, type: bool, prompt: 是否做到}
            clauses:
              - {kind: award, when: {field: done}, points: 1}
"""


def test_grade_bands_valid(tmp_path):
    assert warnings(tmp_path, GRADES) == []


def test_grade_bands_out_of_order(tmp_path):
    text = GRADES.replace("{grade: 优秀, min: 90}", "{grade: 优秀, min: 70}")
    assert problems(tmp_path, text) == [(9, 24, "grade-bands")]
    assert messages(tmp_path, text) == ["bands must be listed from the highest bound down; reorder them"]


def test_grade_bands_equal_bounds(tmp_path):
    text = GRADES.replace("{grade: 良好, min: 80}", "{grade: 良好, min: 90}")
    assert problems(tmp_path, text) == [(9, 24, "grade-bands")]


def test_grade_band_without_min_before_the_last(tmp_path):
    text = GRADES.replace("{grade: 良好, min: 80}", "{grade: 良好}")
    assert problems(tmp_path, text) == [(9, 7, "grade-bands")]


def test_lowest_grade_band_with_min(tmp_path):
    text = GRADES.replace("{grade: 不合格}", "{grade: 不合格, min: 0}")
    assert problems(tmp_path, text) == [(10, 25, "grade-bands")]


def test_grade_name_twice(tmp_path):
    text = GRADES.replace("{grade: 良好, min: 80}", "{grade: 优秀, min: 80}")
    assert problems(tmp_path, text) == [(8, 5, "grade-bands")]


def test_veto_grade_not_a_band_is_a_warning(tmp_path):
    text = GRADES.replace(
        "sections:\n",
        "vetoes:\n"
        "  - id: v\n"
        "    text: 发生泄密事件的,等次为不合格。\n"
        "    fields:\n"
        "      - {id: leak, type: bool, prompt: 是否发生泄密事件}\n"
        "    when: {field: leak}\n"
        "    grade: 不及格\n"
        "sections:\n",
    )
    assert warnings(tmp_path, text) == [(17, 12, "unknown-grade")]
    assert warnings(tmp_path, text.replace("grade: 不及格", "grade: 不合格")) == []


def test_veto_without_outcome(tmp_path):
    text = GRADES.replace(
        "sections:\n",
        "vetoes:\n"
        "  - id: v\n"
        "    text: 发生泄密事件的。\n"
        "    fields:\n"
        "      - {id: leak, type: bool, prompt: 是否发生泄密事件}\n"
        "    when: {field: leak}\n"
        "sections:\n",
    )
    assert problems(tmp_path, text) == [(12, 5, "veto-outcome")]


def test_gate_grade_not_a_band_is_a_warning(tmp_path):
    text = GRADES.replace("sections:\n", "gates:\n  - {kind: fail_below, base_below: 60, grade: 不合格了}\nsections:\n")
    assert warnings(tmp_path, text) == [(12, 47, "unknown-grade")]


def test_mixing_credits_and_deductions_without_start(tmp_path):
    text = VALID.replace("{kind: award, when: {field: n, ge: 2}, points: 2}", "{kind: deduct_each, field: n, per: 1}")
    assert problems(tmp_path, text) == [(20, 15, "start-required")]
    ok = text.replace("            max: 3\n", "            max: 3\n            start: max\n")
    load_rules(_write(tmp_path, ok))


def test_weights_must_add_up_to_one(tmp_path):
    text = """\
    format: gkscore/1
    id: t
    title: 测试
    classes:
      A: {name: 甲类, max: 1}
    composition: weighted
    sections:
      - id: web
        name: 网站
        weight: 0.3
        groups:
          - id: g1
            name: 组
            items:
              - id: i1
                text: 做到得1分。
                max: 1
                fields:
                  - {id: done, type: bool, prompt: 是否做到}
                clauses:
                  - {kind: award, when: {field: done}, points: 1}
      - id: nm
        name: 新媒体
        weight: 0.6
        groups:
          - id: g2
            name: 组
            items:
              - id: i2
                text: 做到得1分。
                max: 1
                fields:
                  - {id: done, type: bool, prompt: 是否做到}
                clauses:
                  - {kind: award, when: {field: done}, points: 1}
    """
    assert problems(tmp_path, text) == [(5, 22, "class-total"), (6, 14, "weights")]


def test_applies_if_needs_na_policy(tmp_path):
    text = VALID.replace("            max: 3\n", "            max: 3\n            applies_if: {field: done}\n")
    assert problems(tmp_path, text) == [(16, 25, "na-policy")]  # at the applies_if


def test_na_policy_without_applies_if_is_a_warning(tmp_path):
    text = VALID.replace("sections:\n", "na_policy: rescale\nsections:\n")
    assert warnings(tmp_path, text) == [(6, 12, "na-policy")]


# ------------------------------------------------------------------ lint


def test_lint_warnings_have_positions(tmp_path):
    text = VALID.replace(
        "              - {id: n, type: count, prompt: 次数}\n",
        "              - {id: n, type: count, prompt: 次数}\n              - {id: spare, type: bool, prompt: 多余}\n",
    ).replace("points: 2}", "points: 1}")
    assert warnings(tmp_path, text) == [(15, 18, "clause-sum"), (19, 17, "unused-field")]


def test_notes_are_reported_by_lint(tmp_path):
    text = VALID.replace("            max: 3\n", "            max: 3\n            note: 不少于2次读作>=2。\n")
    loaded = load_rules(_write(tmp_path, text))
    assert [(w.line, w.col, w.code, w.message) for w in loaded.warnings] == [(16, 19, "note", "i: 不少于2次读作>=2。")]


def test_every_problem_is_reported_at_once(tmp_path):
    text = VALID.replace("max: 3}", "max: 4}").replace("when: {field: done}", "when: {field: dnoe}")
    # Semantic checks run together: both findings in one pass.
    assert problems(tmp_path, text) == [(5, 22, "class-total"), (20, 45, "unknown-field")]


def test_not_utf8_column_counts_characters(tmp_path):
    # The column is in characters: two CJK characters before the bad byte are 2 columns, not 6.
    data = "title: 测试".encode("utf-8") + b"\xff\n"
    assert problems(tmp_path, data) == [(1, 10, "encoding")]


# --------------------------------------------------------------- class names


def test_classes_named_alike_in_reports(tmp_path):
    two = "  A: {name: 甲类, max: 3}\n  B: {name: 乙类, short: 甲类, max: 3}\n"
    text = VALID.replace("  A: {name: 甲类, max: 3}\n", two)
    assert problems(tmp_path, text) == [(6, 24, "class-name")]
    assert messages(tmp_path, text) == ["classes 'A' and 'B' are both named '甲类' in reports; give each its own short name (short:)"]
    distinct = VALID.replace("  A: {name: 甲类, max: 3}\n", "  A: {name: 甲类, max: 3}\n  B: {name: 乙类, short: 乙, max: 3}\n")
    assert warnings(tmp_path, distinct) == []
