"""The template a scorer fills, as a person sees it and prints it, in
Chinese and in English, and read back whatever language it was written in:
the input cells right of the question, panes frozen on both axes, wrapped
rule text, an A4 page wide, the type and class words, merged 评分人 cells,
notes in columns the template does not use."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gkscore import i18n
from gkscore.cli import main
from gkscore.observations.layout import LONG_COLUMNS, SHEET_COLUMNS, header_key
from gkscore.observations.spec import owners
from gkscore.observations.template_rows import prompt_text
from gkscore.rules.load import load_rules
from scenarios import doc_example, write
from test_obs_helpers import (
    COUNTY,
    DEMO_RULES,
    DEMO_UNITS,
    UNITS,
    column,
    demo_template,
    fill_csv,
    fill_xlsx,
    load,
    problems_of,
    read_csv_rows,
    rules,
    units,
    values_of,
    write_csv_rows,
)

A = "市教育局"
TYPE_WORDS_ZH = {"是/否", "整数", "数值", "日期", "评分", "选项"}
TYPE_WORDS_EN = {"yes/no", "whole number", "number", "date", "score", "choice"}


def _header(ws, row: int) -> dict[str, int]:
    return {header_key(ws.cell(row, c).value): c for c in range(1, ws.max_column + 1) if header_key(ws.cell(row, c).value)}


def _in(lang: str):
    return i18n.using(lang)


# ------------------------------------------------------------ layout


@pytest.mark.parametrize("layout", ["sheets", "long"])
def test_the_input_cell_is_right_of_the_question_and_both_stay_in_view(tmp_path, layout):
    with _in("zh"):
        path = demo_template(tmp_path, f"{layout}.xlsx", layout=layout, rules_path=COUNTY, units_path=UNITS, unit_names=["黄州区"])
    wb = load_workbook(path)
    ws = wb["黄州区"] if layout == "sheets" else wb["观测"]
    hr = 4 if layout == "sheets" else 1
    cols = _header(ws, hr)
    assert cols["value"] == cols["prompt"] + 1  # next to the question, not 190 widths away
    assert cols["evidence"] > cols["value"] and cols["scorer"] > cols["value"]
    # frozen below the header and right of the question: both axes
    assert ws.freeze_panes == f"{get_column_letter(cols['prompt'] + 1)}{hr + 1}"
    # the question and the rule text wrap, and their rows are tall enough
    r = hr + 1
    assert ws.cell(r, cols["prompt"]).alignment.wrap_text and ws.cell(r, cols["text"]).alignment.wrap_text
    long_rows = [rr for rr in range(hr + 1, ws.max_row + 1) if len(ws.cell(rr, cols["text"]).value or "") > 60]
    assert long_rows and all((ws.row_dimensions[rr].height or 0) >= 30 for rr in long_rows)
    # printed on A4, one page wide, the header on every page
    ps = ws.page_setup
    assert ps.paperSize in (9, "9") and ps.fitToWidth in (1, "1") and ps.fitToHeight in (0, "0")
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${hr}:${hr}"
    assert ws.print_area  # the columns for paper, not the field ids
    cover = wb.worksheets[0]
    assert cover.title == "说明" and cover.page_setup.paperSize in (9, "9") and cover.sheet_properties.pageSetUpPr.fitToPage


# ------------------------------------------------------------ words


@pytest.mark.parametrize("lang, words, headers", [("zh", TYPE_WORDS_ZH, ("单位", "填写值", "评分人")), ("en", TYPE_WORDS_EN, ("Unit", "Value filled", "Scorer"))])
@pytest.mark.parametrize("layout", ["sheets", "long", "csv"])
def test_type_words_headers_and_class_names_in_each_language(tmp_path, lang, words, headers, layout):
    with _in(lang):
        name = "t.csv" if layout == "csv" else f"{layout}.xlsx"
        path = demo_template(tmp_path, name, rules_path=COUNTY, units_path=UNITS, layout="sheets" if layout == "csv" else layout, unit_names=["黄州区", "团风县"])
    if layout == "csv":
        rows = read_csv_rows(path)
        head, body = rows[0], rows[1:]
        if lang == "zh":
            assert head[:5] == ["单位", "类别", "指标编号", "问题", "填写值"]
        else:
            assert head[:5] == ["unit", "class", "item", "prompt", "value"]  # the keys, as scripts name them
        types = {r[column(head, "type")] for r in body}
        classes = {r[column(head, "class")] for r in body}
    else:
        wb = load_workbook(path)
        ws = wb["黄州区"] if layout == "sheets" else wb.worksheets[1]
        hr = 4 if layout == "sheets" else 1
        cols = _header(ws, hr)
        got = [ws.cell(hr, c).value for c in range(1, ws.max_column + 1)]
        assert all(h in got for h in headers[1:]) and all("\n" not in h for h in got)
        types = {ws.cell(r, cols["type"]).value for r in range(hr + 1, ws.max_row + 1)} - {None}
        if layout == "sheets":
            assert ws["A1"].value == headers[0] and ws["A2"].value in ("类别", "Class")
            classes = {ws["B2"].value}
        else:
            classes = {ws.cell(r, cols["class"]).value for r in range(hr + 1, ws.max_row + 1)}
    assert types <= words and len(types) == 5  # the county table has no choice field
    assert classes == {"县市区"}  # the rule file's short name, never the id county


def _worded(lr, which):
    spec = next(s for o in owners(lr.ruleset).values() for s in o.specs.values() if which(s.asked_when))
    with _in("zh"):
        zh = prompt_text(spec)
    with _in("en"):
        en = prompt_text(spec)
    return zh, en


def test_when_a_field_is_asked_is_worded_in_the_runs_language(tmp_path):
    zh, en = _worded(rules(COUNTY), lambda w: w.void)
    assert zh.endswith("（mismatch = 是 时不必填写）") and en.endswith(" (not needed when mismatch = 是)")
    lr = load_rules(str(write(tmp_path, "uf.yaml", doc_example("unit-fields"))))
    zh, en = _worded(lr, lambda w: w.conditions)
    assert "（仅当 " in zh and zh.endswith(" 时填写）") and "fill only when" not in zh
    assert " (fill only when " in en and "仅当" not in en


# ------------------------------------------------------------ read back in the other language


@pytest.mark.parametrize("written, read", [("zh", "en"), ("en", "zh")])
@pytest.mark.parametrize("kind", ["obs.xlsx", "long.xlsx", "obs.csv"])
def test_a_template_written_in_one_language_reads_back_in_the_other(tmp_path, written, read, kind):
    with _in(written):
        path = demo_template(tmp_path, kind, layout="long" if kind == "long.xlsx" else "sheets")
        expected = (fill_csv if kind.endswith(".csv") else fill_xlsx)(path, 4)
    with _in(read):
        assert values_of(load([path])) == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_english_and_chinese_csv_headers_read_in_either_mode(tmp_path, lang):
    path = demo_template(tmp_path, "obs.csv")
    expected = fill_csv(path, 5)
    rows = read_csv_rows(path)
    zh_head = ["单位", "类别", "指标编号", "问题", "填写值", "允许值", "佐证", "评分人", "类型", "评分细则", "一级指标", "二级指标", "字段", "规则"]
    en_head = ["Unit", "Class", "Item no.", "Question", "Value filled", "Allowed values", "Evidence", "Scorer", "Type", "Rule text", "Section", "Group", "Field", "Rules"]
    for head in (zh_head, en_head, LONG_COLUMNS):
        write_csv_rows(path, [list(head)] + rows[1:])
        with _in(lang):
            assert values_of(load([path])) == expected, head


def test_the_older_headers_with_both_words_still_read(tmp_path):
    """Templates written before (单位\\nunit, 填写值\\nvalue) are filled out there."""
    path = demo_template(tmp_path, "obs.csv")
    expected = fill_csv(path, 6)
    rows = read_csv_rows(path)
    old = {"unit": "单位", "class": "类别", "item": "指标编号", "field": "字段", "value": "填写值", "scorer": "评分人", "rules": "规则"}
    head = [f"{old[k]}\n{k}" if k in old else k for k in (header_key(h) for h in rows[0])]
    write_csv_rows(path, [head] + rows[1:])
    assert values_of(load([path])) == expected


# ------------------------------------------------------------ everyday habits


def _unit_sheet(path):
    wb = load_workbook(path)
    ws = wb[A]
    ws.protection.sheet = False
    return wb, ws, {k: get_column_letter(i) for i, k in enumerate(SHEET_COLUMNS, start=1)}


def test_a_merged_scorer_or_evidence_cell_gives_every_row_its_value(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx")
    fill_xlsx(path, 2)
    wb, ws, col = _unit_sheet(path)
    items = [(ws[f"{col['item']}{r}"].value, ws[f"{col['field']}{r}"].value) for r in (5, 6, 7)]
    ws[f"{col['scorer']}5"] = "王五"
    ws[f"{col['evidence']}6"] = "截图1.png"
    for r in (6, 7):
        ws[f"{col['scorer']}{r}"] = None
    ws[f"{col['evidence']}7"] = None
    ws.merge_cells(f"{col['scorer']}5:{col['scorer']}7")
    ws.merge_cells(f"{col['evidence']}6:{col['evidence']}7")
    wb.save(path)
    got = load([path])[0]
    assert [got.get(A, i, f).scorer for i, f in items] == ["王五"] * 3
    assert [got.get(A, i, f).evidence for i, f in items[1:]] == ["截图1.png"] * 2


def test_a_cell_merged_over_an_input_value_stays_an_error_at_its_cell(tmp_path):
    path = demo_template(tmp_path, "obs.xlsx")
    fill_xlsx(path, 3)
    wb, ws, col = _unit_sheet(path)
    ws.merge_cells(f"{col['value']}6:{col['value']}7")
    wb.save(path)
    assert ("obs.xlsx", A, f"{col['value']}6", "merged-cells") in problems_of([path])
    res = CliRunner().invoke(main, ["--lang", "zh", "check", str(path), "--rules", str(DEMO_RULES), "--units", str(DEMO_UNITS)], catch_exceptions=False)
    assert res.exit_code == 1
    line = next(x for x in res.stderr.splitlines() if "(merged-cells)" in x)
    assert f"{A}!{col['value']}6" in line and f"{col['value']}6:{col['value']}7" in line and "逐格填写" in line


@pytest.mark.parametrize("lang, words", [("zh", "模板不使用的列"), ("en", "a column the template does not use")])
def test_a_note_in_an_unused_column_is_listed_by_check_and_is_not_an_error(tmp_path, lang, words):
    path = demo_template(tmp_path, "obs.xlsx")
    expected = fill_xlsx(path, 4)
    wb, ws, col = _unit_sheet(path)
    beyond = get_column_letter(len(SHEET_COLUMNS) + 2)
    ws[f"{beyond}6"] = "请核实网址"
    ws[f"{beyond}9"] = "已核实"
    wb.save(path)
    assert values_of(load([path])) == expected
    res = CliRunner().invoke(main, ["--lang", lang, "check", str(path), "--rules", str(DEMO_RULES), "--units", str(DEMO_UNITS)], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    line = next(x for x in res.stderr.splitlines() if "(ignored-cell)" in x)
    assert f"{A}!{beyond}6" in line and "请核实网址" in line and words in line
