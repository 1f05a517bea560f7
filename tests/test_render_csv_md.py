"""CSV (summary and --detail) and markdown results."""

from __future__ import annotations

import csv
import dataclasses
import io
from decimal import Decimal

from gkscore.i18n import using
from gkscore.render.csv_report import DETAIL_COLUMNS, DETAIL_HEAD, SUMMARY_COLUMNS

from test_render_common import (  # noqa: F401  (fixtures)
    ADJUSTMENTS,
    HYPERLINK,
    county,
    report_text,
    mixed,
    partial,
)

D = Decimal
SUMMARY = ["规则文件", "排名组", "排名", "单位", "类别", "日常管理", "平台建设", "基础分", "加分", "扣分", "总分", "等次", "是否完整"]
SUMMARY_EN = ["rules", "rank_group", "rank", "unit", "class", "日常管理", "平台建设", "base", "bonus", "penalty", "total", "grade", "complete"]


def english(header: str) -> str:
    """The documented English name of a column written in either language."""
    for labels in (SUMMARY_COLUMNS, DETAIL_COLUMNS):
        key = labels.key_of(header)
        if key is not None:
            return labels.texts[key][1]
    return header


def parse(text: str) -> list[dict[str, str]]:
    """The rows, by the English names of the columns (the reports are Chinese)."""
    reader = csv.reader(io.StringIO(text))
    head = [english(h) for h in next(reader)]
    return [dict(zip(head, row)) for row in reader]


# ------------------------------------------------------------------- csv


def test_summary_columns_and_rows(county):
    text = report_text("csv", county)
    assert text.splitlines()[0].split(",") == SUMMARY
    rows = parse(text)
    assert [(r["rank"], r["unit"], r["total"], r["grade"]) for r in rows] == [
        ("1", "黄州区", "11", "优秀"),
        ("2", "'" + HYPERLINK, "7.4", "良好"),
        ("3", "团风县", "4.5", "不合格"),
    ]
    first = rows[0]
    assert (first["日常管理"], first["平台建设"], first["base"], first["bonus"], first["penalty"]) == ("5", "5", "10", "1", "0")
    assert {r["complete"] for r in rows} == {"是"}
    # RFC 4180: every record ends with CRLF, and no other line break
    assert text.endswith("\r\n") and text.count("\r\n") == len(rows) + 1 and "\n" not in text.replace("\r\n", "")


def test_summary_numbers_are_exact_decimal_text(county):
    county[0].total = D("0.1") + D("0.2")
    county[1].total = D("12345678.125")
    rows = parse(report_text("csv", county, decimals=3))
    assert rows[0]["total"] == "0.3"
    assert rows[1]["total"] == "12345678.125"
    assert parse(report_text("csv", county))[1]["total"] == "12345678.13"  # half away from zero


def test_mixed_rule_files_union_of_sections(mixed):
    text = report_text("csv", mixed)
    head = text.splitlines()[0].split(",")
    assert head[5:8] == ["日常管理", "平台建设", "网站建设"]
    rows = parse(text)
    by = {r["unit"]: r for r in rows}
    assert by["黄州区"]["网站建设"] == ""
    assert by["市发改委"]["平台建设"] == "" and by["市发改委"]["网站建设"] == "0.8"
    assert by["市档案馆"]["网站建设"] == ""  # not applicable to class B
    # names as the rule files give them, never ids
    county_, dept = "县区考评示例", "市直部门考评示例"
    assert [(r["rules"], r["rank_group"], r["rank"], r["class"]) for r in rows] == [
        (county_, "县(市、区)政府", "1", "县(市、区)政府"), (county_, "县(市、区)政府", "2", "县(市、区)政府"), (county_, "县(市、区)政府", "3", "县(市、区)政府"),
        (dept, "有网站", "1", "有网站"), (dept, "有网站", "2", "有网站"), (dept, "无网站", "1", "无网站"),
    ]


def test_detail_rows_and_injection(county):
    text = report_text("csv", county, detail=True)
    rows = parse(text)
    assert list(rows[0]) == [DETAIL_COLUMNS.texts[k][1] for k in DETAIL_HEAD]
    assert len(rows) == 15
    evidence = {r["evidence"] for r in rows}
    assert "'@SUM(A1)" in evidence and "'+1" in evidence
    assert "@SUM(A1)" not in evidence and "+1" not in evidence
    units = {r["unit"] for r in rows}
    assert "'" + HYPERLINK in units and HYPERLINK not in units
    r = next(r for r in rows if r["unit"] == "'" + HYPERLINK and r["item"] == "rcgl.zz.2")
    assert (r["max"], r["score"], r["lost"]) == ("3", "2.4", "0.6")
    assert r["arithmetic"] == "3 - 0.2 × 3 = 2.4"
    assert r["path"] == "日常管理 / 组织推进"
    assert r["evidence"] == "截图\ufffd见附件\ufffd二"  # control characters replaced, no crash
    assert r["scorer"] == "张三" and r["complete"] == "是"
    pen = next(r for r in rows if r["unit"] == "'" + HYPERLINK and r["item"] == "kfx.mt.1")
    assert (pen["score"], pen["lost"]) == ("", "0.5")
    # no cell of any row starts with a formula trigger
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            if cell.startswith("-"):
                D(cell)  # only numbers may start with a minus


def test_detail_adjusted_column_only_with_adjustments(county):
    assert "adjusted" not in parse(report_text("csv", county, detail=True))[0]
    rows = parse(report_text("csv", county, detail=True, adjustments=ADJUSTMENTS))
    notes = {(r["unit"], r["item"]): r["adjusted"] for r in rows if r["adjusted"]}
    assert notes == {
        ("'" + HYPERLINK, "rcgl.zz.2"): "复核 n: 原值 5 → 新值 3 (复核时撤销2个问题; 李四, 2021-03-01)",
        ("黄州区", "ptjs.wz.1"): "复核 score: 原值 4.5 → 新值 5 (=申诉成立; 王五, 2021-03-02)",
    }


def test_bom_and_partial(partial):
    text = report_text("csv", partial, bom=True)
    assert text.startswith("\ufeff规则文件,")
    rows = parse(text.lstrip("\ufeff"))
    assert {r["unit"]: r["complete"] for r in rows}["团风县"] == "否"
    detail = parse(report_text("csv", partial, detail=True))
    assert [(r["unit"], r["item"]) for r in detail if r["complete"] == "否"] == [("团风县", "ptjs.wz.1")]


def test_csv_columns_follow_the_language_and_read_back_in_either(county):
    zh = report_text("csv", county).splitlines()[0].split(",")
    en = report_text("csv", county, lang="en").splitlines()[0].split(",")
    assert zh == SUMMARY and en == SUMMARY_EN
    with using("en"):
        assert [SUMMARY_COLUMNS.key_of(h) for h in zh] == [SUMMARY_COLUMNS.key_of(h) for h in en]
    detail_zh = report_text("csv", county, detail=True, adjustments=ADJUSTMENTS).splitlines()[0].split(",")
    assert detail_zh[:5] == ["规则文件", "单位", "类别", "指标编号", "指标"] and detail_zh[-1] == "复核调整"
    en_rows = parse(report_text("csv", county, lang="en"))
    assert {r["complete"] for r in en_rows} == {"yes"} and en_rows[0]["class"] == "县(市、区)政府"


def test_csv_is_deterministic(mixed):
    assert report_text("csv", mixed, detail=True, adjustments=ADJUSTMENTS) == report_text("csv", mixed, detail=True, adjustments=ADJUSTMENTS)


# -------------------------------------------------------------- markdown


def table_rows(md: str) -> list[list[str]]:
    return [line.strip("|").split(" | ") for line in md.splitlines() if line.startswith("| ") and not line.startswith("| ---")]


def test_markdown_one_table_per_rank_group(mixed):
    md = report_text("md", mixed)
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == ["## 县区考评示例 县(市、区)政府", "## 市直部门考评示例 有网站", "## 市直部门考评示例 无网站"]
    tables = md.split("## ")[1:]
    head = [c.strip() for c in table_rows(tables[0])[0]]
    assert head == ["序号", "单位", "类别", "日常管理", "平台建设", "加分", "扣分", "总分", "等次", "排名"]
    rows = [[c.strip() for c in r] for r in table_rows(tables[0])[1:]]
    assert [r[:3] + r[7:] for r in rows] == [
        ["1", "黄州区", "县(市、区)政府", "11", "优秀", "1"],
        ["2", HYPERLINK, "县(市、区)政府", "7.4", "良好", "2"],
        ["3", "团风县", "县(市、区)政府", "4.5", "不合格", "3"],
    ]
    assert [c.strip() for c in table_rows(tables[2])[0]] == ["序号", "单位", "类别", "日常管理", "加分", "扣分", "总分", "等次", "排名"]
    # every table line has as many cells as the header, alignment row included
    for t in tables:
        lines = [line for line in t.splitlines() if line.startswith("|")]
        assert len({line.count(" | ") for line in lines}) == 1, lines


def test_markdown_escapes_pipes_and_newlines(county):
    county[0] = dataclasses.replace(county[0], unit="黄|州\n区")
    md = report_text("md", county)
    assert "| 1 | 黄\\|州<br>区 | 县(市、区)政府 |" in md
    lines = [line for line in md.splitlines() if line.startswith("|")]
    assert len({line.replace("\\|", "").count("|") for line in lines}) == 1


def test_markdown_partial_and_detail(partial):
    md = report_text("md", partial, detail=True, adjustments=ADJUSTMENTS)
    head = [c.strip() for c in table_rows(md)[0]]
    assert head[-1] == "完整性"
    assert "| 3 | 团风县 | 县(市、区)政府 | 0 | 0 | 0 | 0 | 0\\* | 不合格 | 3 | 未完成 |" in md
    assert "评分未完成" in md
    assert "### 失分明细" in md
    assert "  - 未失分" in md  # 黄州区 lost nothing
    assert "平台建设 / 网站建设（网站建设第1项）：扣 5 分（未完成）" in md  # the indicator by name, not its id
    assert "复核 n: 原值 5 → 新值 3" in md
    assert "## 复核调整" in md


def test_markdown_without_detail_has_no_lists(county):
    md = report_text("md", county)
    assert "失分明细" not in md and "复核调整" not in md
    assert md.endswith("|\n")


# ------------------------------------------------- the detail's own csv text
# The detail is written as text, each repeated piece quoted once, not
# through csv.writer: its bytes must be those csv.writer writes.

QUOTING_CASES = ["", "plain", "黄州区", "a,b", 'say "yes"', '"', "line\nbreak", "cr\ronly", "crlf\r\n", " lead", "trail ", "'=1", "\ufeffbom", "a\tb", ",", '""']


def test_csv_field_quotes_as_the_csv_module():
    from gkscore.render.csv_report import EOL, csv_field

    for left in QUOTING_CASES:
        for right in QUOTING_CASES:
            row = [left, "x", right]
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(row)
            assert ",".join(map(csv_field, row)) + EOL == out.getvalue(), row


def test_csv_text_is_inert_csv_quoted():
    from gkscore.render.csv_report import csv_field, csv_text
    from gkscore.render.textsafe import inert_csv

    for text in [*QUOTING_CASES, "=1", "-1", "＋1", "a\n@b", "x\x07y", "a\ud800", "\t", "ok-1", None, 3]:
        assert csv_text(text) == csv_field(inert_csv(text)), text
    # csv_text passes a text on after one search of its own: every text of
    # up to three characters that matter, at every place, agrees
    import itertools

    chars = ["a", "中", ",", '"', "\n", "\r", "\t", "=", "+", "-", "@", "＝", "＋", "－", "＠", "\x00", "\x1f", "\ud800", "\ufffe", "\uffff", "'", " "]
    for n in range(4):
        for parts in itertools.product(chars, repeat=n):
            text = "".join(parts)
            assert csv_text(text) == csv_field(inert_csv(text)), repr(text)


def _as_csv_module_writes(text: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(row)
    return out.getvalue()


def test_detail_text_is_what_the_csv_module_writes(tmp_path):
    from test_render_common import COUNTY, as_run, county_units, load, observe, rank, score_all

    from gkscore.pipeline import MissingUnit
    from gkscore.render.reporters import ReportOptions, reporter

    rs = load(tmp_path, COUNTY, "county.yaml")
    units = county_units(evidence='他说"好",\r\n=再看,\n+1')
    results = rank(score_all(rs, observe(rs, units)))
    for adjustments in (None, ADJUSTMENTS):
        run = as_run(results, adjustments)
        run.missing = [MissingUnit('未报",单位', "county", rs.id, rs.title, "county")]
        out = io.StringIO()
        with using("zh"):
            reporter("csv").stream(run, out, ReportOptions(decimals=2, detail=True))
        text = out.getvalue()
        assert text == _as_csv_module_writes(text)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len({len(r) for r in rows}) == 1  # every line has every column
        assert any(r[1] == '未报",单位' for r in rows)
        assert any(r[10] == '他说"好",\r\n\'=再看,\n\'+1' for r in rows)
