"""The results workbook as an office prints and publishes it: 汇总 with the
notice's title, tables named by rule file and class, borders, the header on
every printed page, as wide as a page; 明细 as wide as a page; each chart of
图表 on a page of its own.  Printed by LibreOffice, the examples take about a
hundred pages, not 1,239."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from conftest import ROOT, run_cli
from lo import soffice

EXAMPLES = [str(ROOT / "examples" / "county_2020_filled.xlsx"), str(ROOT / "examples" / "citydept_2020_filled.xlsx")]
CM = 360000  # EMU in a centimetre


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("publication") / "结果.xlsx"
    res = run_cli("--lang", "zh", "score", *EXAMPLES, "-o", str(out))
    assert res.exit_code == 0, res.stderr
    return out


def _fit_width(ws) -> bool:
    return bool(ws.sheet_properties.pageSetUpPr.fitToPage) and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0


def test_summary_is_ready_to_print(report):
    wb = openpyxl.load_workbook(report)
    ws = wb["汇总"]
    assert ws["A1"].value == "关于2020年度政务公开工作考评结果的通报"
    assert ws["A1"].font.b and any(str(r) == f"A1:{ws.cell(row=2, column=ws.max_column).column_letter}1" for r in ws.merged_cells.ranges)
    assert ws.print_title_rows == "$2:$2" and ws.freeze_panes == "C3"
    assert ws.page_setup.orientation == "landscape" and _fit_width(ws)
    head = [c.value for c in ws[2]]
    assert head[:3] == ["序号", "单位", "类别"]
    # every cell of the header and of the tables' rows has its borders
    table_rows = [row for row in ws.iter_rows(min_row=2) if isinstance(row[0].value, int) or row[0].value == "序号"]
    assert len(table_rows) == 1 + 56
    for row in table_rows:
        for c in row[: len(head)]:
            assert c.border.left.style == c.border.right.style == c.border.top.style == c.border.bottom.style == "thin", c.coordinate
    # the class is named as the rule file names it: no internal id in the table
    assert {row[2].value for row in table_rows[1:]} == {"县(市、区)政府", "开设有网站的市直部门(A类)", "未开设网站的市直部门(B类)"}


def test_a_notice_file_gives_the_summary_its_title(tmp_path):
    notice = tmp_path / "通报.yaml"
    notice.write_text("format: gkscore-notice/1\n标题: 关于{年度}年度全市政务公开考评情况的通报\n", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    res = run_cli("--lang", "zh", "score", EXAMPLES[0], "--notice", str(notice), "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert openpyxl.load_workbook(out)["汇总"]["A1"].value == "关于2020年度全市政务公开考评情况的通报"


def test_detail_prints_as_wide_as_a_page(report):
    ws = openpyxl.load_workbook(report)["明细"]
    assert ws.page_setup.orientation == "landscape" and _fit_width(ws) and ws.print_title_rows == "$1:$1"


def test_each_chart_prints_on_a_page_of_its_own(report):
    ws = openpyxl.load_workbook(report)["图表"]
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and _fit_width(ws)
    charts = ws._charts
    assert len(charts) == 3
    starts = [c.anchor._from.row for c in charts]  # 0-based rows
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks == [s for s in starts[1:]]  # a page ends right above every chart but the first
    for c in charts:
        # within A4 portrait's printable area (21 x 29.7 cm less margins)
        assert c.width <= 17 and c.height <= 24


def test_printed_by_libreoffice_in_about_a_hundred_pages(report, tmp_path):
    """The example workbook printed 1,239 pages before 明细 fitted the page width."""
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo, "poppler-utils (pdfinfo, pdftotext) is required: apt-get install poppler-utils"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(report)],
                   check=True, capture_output=True, timeout=600)
    pdf = tmp_path / "结果.pdf"
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages < 150, pages
    # the three charts: one title per page, each on its own page
    texts = [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True, text=True, check=True).stdout for p in range(1, 9)]
    chart_pages = [i for i, t in enumerate(texts) if "总分" in t and "序号" not in t and "指标编号" not in t]
    assert len(chart_pages) == 3, [t[:80] for t in texts]
