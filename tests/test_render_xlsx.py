"""The results workbook: layout, text safety, numbers, determinism, LibreOffice."""

from __future__ import annotations

import csv
import dataclasses
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl

from gkscore.render.textsafe import display_width
from gkscore.render.xlsx_report import DETAIL_CAPS

from test_render_common import (  # noqa: F401  (fixtures)
    ADJUSTMENTS,
    BELL_EVIDENCE,
    HYPERLINK,
    county,
    mixed,
    partial,
    workbook,
    write_xlsx,
)

D = Decimal
COUNTY_HEADER = ["序号", "单位", "类别", "日常管理", "平台建设", "加分", "扣分", "总分", "等次", "排名"]
DETAIL_HEADER = ["单位", "类别", "指标编号", "一级指标", "二级指标", "评分细则", "分值", "得分", "扣分", "失分原因", "计算", "观测值", "证据", "评分人", "完整性"]


def write(results, tmp_path: Path, name: str = "results.xlsx", **kw) -> Path:
    path = tmp_path / name
    write_xlsx(results, path, **{("decimals" if k == "precision" else k): v for k, v in kw.items()})
    return path


def row_values(ws, row: int) -> list:
    values = [c.value for c in ws[row]]
    while values and values[-1] is None:
        values.pop()
    return values


def unit_sheets(wb) -> list[str]:
    return [n for n in wb.sheetnames if n.startswith("扣分明细-")]


# ---------------------------------------------------------------- layout


def test_sheets_and_summary_header(county, tmp_path):
    wb = openpyxl.load_workbook(write(county, tmp_path))
    assert wb.sheetnames[:4] == ["汇总", "图表", "明细", "复核调整"]
    assert len(unit_sheets(wb)) == len(county) == 3
    ws = wb["汇总"]
    assert ws["A1"].value == "政务公开考评结果"  # no notice and no year: the plain title
    assert row_values(ws, 2) == COUNTY_HEADER
    # the table's heading: the rule file's title and the class's name, no id
    assert ws["A3"].value == "县区考评示例 县(市、区)政府"
    assert [ws.cell(row=r, column=2).value for r in (4, 5, 6)] == ["黄州区", HYPERLINK, "团风县"]
    assert [ws.cell(row=r, column=3).value for r in (4, 5, 6)] == ["县(市、区)政府"] * 3
    assert [ws.cell(row=r, column=1).value for r in (4, 5, 6)] == [1, 2, 3]
    assert [ws.cell(row=r, column=10).value for r in (4, 5, 6)] == [1, 2, 3]
    assert [ws.cell(row=r, column=9).value for r in (4, 5, 6)] == ["优秀", "良好", "不合格"]
    assert ws.freeze_panes == "C3"


def test_summary_totals_equal_results_and_add_up(county, tmp_path):
    ws = openpyxl.load_workbook(write(county, tmp_path))["汇总"]
    for r, u in zip((4, 5, 6), county):
        values = [ws.cell(row=r, column=c).value for c in range(4, 9)]
        sections, bonus, penalty, total = values[:2], values[2], values[3], values[4]
        assert D(str(total)) == u.total
        assert [D(str(v)) for v in sections] == list(u.sections.values())
        assert sum(D(str(v)) for v in sections) + D(str(bonus)) - D(str(penalty)) == u.total
        for c in range(4, 9):
            assert ws.cell(row=r, column=c).number_format == "0.00"
            assert ws.cell(row=r, column=c).data_type == "n"
        assert ws.cell(row=r, column=1).number_format == "0"


def test_precision_sets_number_format(county, tmp_path):
    wb = openpyxl.load_workbook(write(county, tmp_path, precision=1))
    assert wb["汇总"]["H4"].number_format == "0.0"
    assert wb["明细"]["H2"].number_format == "0.0"


MIXED_HEADER = ["序号", "单位", "类别", "日常管理", "平台建设", "网站建设", "加分", "扣分", "总分", "等次", "排名"]


def test_mixed_rule_files_one_block_each_in_order(mixed, tmp_path):
    wb = openpyxl.load_workbook(write(mixed, tmp_path))
    ws = wb["汇总"]
    # One header row (the union of the tables' 一级指标), frozen; each ranking
    # table below it starts with a title row of its own.
    assert row_values(ws, 2) == MIXED_HEADER
    assert ws.freeze_panes == "C3"
    headings = ["县区考评示例 县(市、区)政府", "市直部门考评示例 有网站", "市直部门考评示例 无网站"]
    titles = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value in headings]
    assert [ws.cell(row=r, column=1).value for r in titles] == headings
    assert [ws.cell(row=titles[1] + i, column=2).value for i in (1, 2)] == ["市教育局", "市发改委"]
    b_row = titles[2] + 1
    assert ws.cell(row=b_row, column=2).value == "市档案馆"
    assert ws.cell(row=b_row, column=3).value == "无网站"
    # 网站建设 does not apply to class B, 平台建设 is not in the department table: blank, not 0
    assert ws.cell(row=b_row, column=MIXED_HEADER.index("网站建设") + 1).value is None
    assert ws.cell(row=b_row, column=MIXED_HEADER.index("平台建设") + 1).value is None
    assert len(unit_sheets(wb)) == 6
    assert len(wb["图表"]._charts) == 3


def test_chart_per_rank_group_references_summary(county, mixed):
    wb = workbook(county)
    charts = wb["图表"]._charts
    assert len(charts) == 1
    series = charts[0].series[0]
    assert series.val.numRef.f == "'汇总'!$H$4:$H$6"
    assert series.cat.strRef.f == "'汇总'!$B$4:$B$6"
    assert series.tx.v == "总分"
    assert charts[0].tagname == "barChart"
    assert len(workbook(mixed)["图表"]._charts) == 3


def test_chart_survives_save_and_load(county, tmp_path):
    path = write(county, tmp_path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert any(n.startswith("xl/charts/chart") for n in names)
        chart_xml = z.read(next(n for n in names if n.startswith("xl/charts/chart"))).decode("utf-8")
    assert "<barChart>" in chart_xml and "'汇总'!$H$4:$H$6" in chart_xml and "'汇总'!$B$4:$B$6" in chart_xml
    assert len(openpyxl.load_workbook(path)["图表"]._charts) == 1


def test_detail_sheet(county, tmp_path):
    ws = openpyxl.load_workbook(write(county, tmp_path))["明细"]
    assert row_values(ws, 1) == DETAIL_HEADER + ["复核调整"]
    assert ws.max_row == 1 + 3 * 5
    assert ws.freeze_panes == "D2"
    assert ws.auto_filter.ref == "A1:P16"
    rows = {(ws.cell(row=r, column=1).value, ws.cell(row=r, column=3).value): r for r in range(2, ws.max_row + 1)}
    r = rows[(HYPERLINK, "rcgl.zz.2")]
    assert [ws.cell(row=r, column=c).value for c in (7, 8, 9)] == [3, 2.4, 0.6]
    assert ws.cell(row=r, column=11).value == "3 - 0.2 × 3 = 2.4"
    assert ws.cell(row=r, column=12).value == "n=3"
    assert ws.cell(row=r, column=14).value == "张三"
    assert ws.cell(row=r, column=15).value == "完整"
    assert "minus 0.2 × 3 = 0.6: " in ws.cell(row=r, column=10).value
    # penalty item: 扣分 is the deduction, 得分 blank
    r = rows[(HYPERLINK, "kfx.mt.1")]
    assert ws.cell(row=r, column=4).value == "扣分项"
    assert ws.cell(row=r, column=8).value is None and ws.cell(row=r, column=9).value == 0.5
    # bonus item: 得分 is the bonus, 扣分 blank
    r = rows[("黄州区", "jfx.cx.1")]
    assert ws.cell(row=r, column=8).value == 1 and ws.cell(row=r, column=9).value is None


def test_unit_sheets_list_only_lost_points(county, tmp_path):
    wb = openpyxl.load_workbook(write(county, tmp_path))
    ws = wb["扣分明细-黄州区"]
    labels = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    assert ws.cell(row=labels["单位"], column=2).value == "黄州区"
    assert ws.cell(row=labels["总分"], column=2).value == 11
    assert ws.cell(row=labels["排名"], column=2).value == 1
    head = labels["测评指标"]
    assert row_values(ws, head) == ["测评指标", "指标分值", "得分", "扣分", "失分原因", "证据"]
    assert ws.cell(row=head + 1, column=1).value == "本单位各项指标均未失分"
    assert ws.max_row == head + 1
    assert ws.freeze_panes == f"A{head + 1}"

    name = next(n for n in unit_sheets(wb) if "HYPERLINK" in n)
    ws = wb[name]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "测评指标")
    listed = [ws.cell(row=r, column=1).value for r in range(head + 1, ws.max_row + 1)]
    assert listed == [  # each indicator as a person names it, not by its id
        "日常管理 / 组织推进（组织推进第1项）",
        "日常管理 / 组织推进（组织推进第2项）",
        "平台建设 / 网站建设（网站建设第1项）",
        "扣分项 / 媒体曝光（媒体曝光第1项）",
    ]
    assert [ws.cell(row=head + 2, column=c).value for c in (2, 3, 4)] == [3, 2.4, 0.6]


def test_unit_sheet_titles_are_safe_and_unique(county, tmp_path):
    long = "黄冈市人民政府办公室政务公开科信息与网站管理中心第一分部"
    names = [long + "甲", long + "乙", "a/b\\c?d*e:f[g]"]
    renamed = [dataclasses.replace(u, unit=n) for u, n in zip(county, names)]
    wb = openpyxl.load_workbook(write(renamed, tmp_path))
    titles = unit_sheets(wb)
    assert len(titles) == 3
    assert all(len(t) <= 31 for t in titles)
    assert len({t.casefold() for t in wb.sheetnames}) == len(wb.sheetnames)
    assert not any(ch in t for t in titles for ch in "\\*?:/[]")
    assert "扣分明细-a_b_c_d_e_f_g_" in titles
    # the full name is still in the sheet
    assert {wb[t]["B3"].value for t in titles} == set(names)


# ----------------------------------------------------------- text safety


def test_input_text_is_never_a_formula(county, tmp_path):
    path = write(county, tmp_path, adjustments=ADJUSTMENTS)
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    assert ws["B5"].value == HYPERLINK and ws["B5"].data_type == "s"
    detail = wb["明细"]
    evidence = {detail.cell(row=r, column=13).value: detail.cell(row=r, column=13) for r in range(2, detail.max_row + 1)}
    for text in ("+1", "@SUM(A1)"):
        assert evidence[text].data_type == "s" and evidence[text].value == text
    units = [detail.cell(row=r, column=1) for r in range(2, detail.max_row + 1) if detail.cell(row=r, column=1).value == HYPERLINK]
    assert units and all(c.data_type == "s" for c in units)
    adj = wb["复核调整"]
    assert adj["F3"].value == "=申诉成立" and adj["F3"].data_type == "s"
    # and no formula anywhere in the package
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_control_characters_do_not_crash(county, tmp_path):
    wb = openpyxl.load_workbook(write(county, tmp_path))
    detail = wb["明细"]
    cells = [detail.cell(row=r, column=13).value for r in range(2, detail.max_row + 1)]
    assert "截图\ufffd见附件\ufffd二" in cells
    assert BELL_EVIDENCE not in cells


def test_control_characters_in_unit_names_and_reasons(county, tmp_path):
    bad = [dataclasses.replace(county[0], unit="黄州\x01区\x1b")] + county[1:]
    bad[0].items[0].reasons.append("理由\x0b换行")
    wb = openpyxl.load_workbook(write(bad, tmp_path))
    assert wb["汇总"]["B4"].value == "黄州\ufffd区\ufffd"
    assert any(n.startswith("扣分明细-黄州_区") for n in wb.sheetnames)


# ------------------------------------------------------------ partial


def test_partial_marks_incomplete_everywhere(partial, tmp_path):
    wb = openpyxl.load_workbook(write(partial, tmp_path))
    ws = wb["汇总"]
    assert row_values(ws, 2) == COUNTY_HEADER + ["完整性"]
    marks = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=11).value for r in (4, 5, 6)}
    assert marks == {"黄州区": "完整", HYPERLINK: "完整", "团风县": "未完成"}
    r = next(r for r in (4, 5, 6) if ws.cell(row=r, column=2).value == "团风县")
    assert ws.cell(row=r, column=8).fill.fgColor.rgb.endswith("FFF2CC")
    assert any("未完成" in str(ws.cell(row=r, column=1).value) for r in range(7, ws.max_row + 1))
    detail = wb["明细"]
    incomplete = [(detail.cell(row=r, column=1).value, detail.cell(row=r, column=3).value) for r in range(2, detail.max_row + 1)
                  if detail.cell(row=r, column=15).value == "未完成"]
    assert incomplete == [("团风县", "ptjs.wz.1")]
    r = next(r for r in range(2, detail.max_row + 1) if detail.cell(row=r, column=15).value == "未完成")
    assert detail.cell(row=r, column=12).value == "score=(未填)"
    unit = wb["扣分明细-团风县"]
    col_a = [unit.cell(row=r, column=1).value for r in range(1, unit.max_row + 1)]
    assert "完整性" in col_a
    head = col_a.index("测评指标") + 1
    assert row_values(unit, head)[-1] == "完整性"
    assert "未完成" in [unit.cell(row=r, column=7).value for r in range(head + 1, unit.max_row + 1)]
    chart = wb["图表"]._charts[0]
    assert "未完成" in "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))


# -------------------------------------------------------- adjustments


def test_adjustments_sheet_and_notes(county, tmp_path):
    wb = openpyxl.load_workbook(write(county, tmp_path, adjustments=ADJUSTMENTS))
    adj = wb["复核调整"]
    assert row_values(adj, 1) == ["单位", "指标编号", "观测项", "原值", "新值", "理由", "批准人", "日期", "调整后得分", "调整后扣分"]
    assert row_values(adj, 2) == [HYPERLINK, "rcgl.zz.2", "n", "5", "3", "复核时撤销2个问题", "李四", "2021-03-01", 2.4, 0.6]
    assert adj["D2"].data_type == "s"  # values before/after are text, as given
    detail = wb["明细"]
    assert row_values(detail, 1) == DETAIL_HEADER + ["复核调整"]
    notes = {detail.cell(row=r, column=3).value: detail.cell(row=r, column=16).value for r in range(2, detail.max_row + 1)
             if detail.cell(row=r, column=1).value == HYPERLINK}
    assert notes["rcgl.zz.2"] == "复核 n: 原值 5 → 新值 3 (复核时撤销2个问题; 李四, 2021-03-01)"
    assert notes["rcgl.zz.1"] is None
    unit = wb[next(n for n in unit_sheets(wb) if "HYPERLINK" in n)]
    head = next(r for r in range(1, unit.max_row + 1) if unit.cell(row=r, column=1).value == "测评指标")
    assert row_values(unit, head)[-1] == "复核调整"


def test_empty_adjustments_list_still_gives_sheet(county, tmp_path):
    wb = openpyxl.load_workbook(write(county, tmp_path, adjustments=[]))
    assert wb["复核调整"]["A2"].value == "无复核调整"


# ------------------------------------------------------- widths, output


def test_widths_fit_chinese_text(county, tmp_path):
    wb = openpyxl.load_workbook(write(county, tmp_path))
    ws = wb["汇总"]
    assert ws.column_dimensions["B"].width == display_width(HYPERLINK) + 2
    detail = wb["明细"]
    texts = [detail.cell(row=r, column=6).value for r in range(1, detail.max_row + 1)]
    assert detail.column_dimensions["F"].width == min(DETAIL_CAPS["rule_text"], max(display_width(t) for t in texts) + 2)
    # reasons are long: capped and wrapped, the row as high as the wrapped text
    cap = DETAIL_CAPS["reasons"]
    assert detail.column_dimensions["J"].width == cap
    long_row = next(r for r in range(2, detail.max_row + 1) if display_width(detail.cell(row=r, column=10).value or "") > 2 * cap)
    assert detail.cell(row=long_row, column=10).alignment.wrap_text
    assert detail.row_dimensions[long_row].height and detail.row_dimensions[long_row].height >= 3 * 16


def test_deterministic_output(county, tmp_path):
    a = write(county, tmp_path, "a.xlsx", adjustments=ADJUSTMENTS)
    b = write(county, tmp_path, "b.xlsx", adjustments=ADJUSTMENTS)
    assert a.read_bytes() == b.read_bytes()
    wa, wb = openpyxl.load_workbook(a), openpyxl.load_workbook(b)
    for name in wa.sheetnames:
        assert [[c.value for c in row] for row in wa[name].iter_rows()] == [[c.value for c in row] for row in wb[name].iter_rows()]
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z</dcterms:modified>" in core
    assert workbook(county).bytes() == workbook(county).bytes()


def test_written_atomically_without_leftovers(county, tmp_path):
    path = write(county, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx" or ".tmp" in p.name) == ["results.xlsx"]
    assert zipfile.is_zipfile(path)


def test_no_results_gives_an_empty_but_valid_workbook(tmp_path):
    wb = openpyxl.load_workbook(write([], tmp_path))
    assert wb.sheetnames == ["汇总", "图表", "明细", "复核调整"]
    assert row_values(wb["明细"], 1) == DETAIL_HEADER + ["复核调整"]


# ---------------------------------------------------------- LibreOffice


def soffice() -> str:
    exe = shutil.which("soffice") or ("/usr/bin/soffice" if os.path.exists("/usr/bin/soffice") else None)
    assert exe, "LibreOffice (soffice) is required for this test: apt-get install libreoffice-calc-nogui"
    return exe


def test_libreoffice_converts_the_workbook(mixed, tmp_path):
    path = write(mixed, tmp_path, adjustments=ADJUSTMENTS)
    out = tmp_path / "lo"
    out.mkdir()
    # UTF-8 (76), every sheet to its own file (last token -1).
    filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    proc = subprocess.run(
        [soffice(), "--headless", "-env:UserInstallation=file:///tmp/lo_profile_render", "--convert-to", filt, "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    produced = {p.name: p for p in out.iterdir()}
    summary = produced.get("results-汇总.csv")
    assert summary is not None, (sorted(produced), proc.stdout, proc.stderr)
    rows = list(csv.reader(summary.read_text(encoding="utf-8").splitlines()))
    assert MIXED_HEADER in [r[: len(MIXED_HEADER)] for r in rows]
    unit_row = next(r for r in rows if len(r) > 1 and r[1] == HYPERLINK)  # shown as text, not evaluated
    assert unit_row[MIXED_HEADER.index("总分")] == "7.4"
    assert "results-明细.csv" in produced
    detail = produced["results-明细.csv"].read_text(encoding="utf-8")
    assert "@SUM(A1)" in detail and "复核 n: 原值 5 → 新值 3" in detail
