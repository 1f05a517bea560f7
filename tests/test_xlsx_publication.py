"""The results workbook as an office prints and publishes it: 汇总 with the
notice's title, tables named by rule file and class, borders, the header on
every printed page, as wide as a page; 明细 as wide as a page; each chart of
图表 on a page of its own.  Printed by LibreOffice, the text is of a size a
person reads (a unit's 扣分明细 and 汇总 at 70% or more, 明细 at 55% or
more), nothing is printed over anything else, and every page carries its
sheet's name and its number."""

from __future__ import annotations

import html
import re
import shutil
import statistics
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


@pytest.fixture(scope="module")
def pdf(report, tmp_path_factory):
    """The report printed by LibreOffice (one conversion for the module)."""
    assert shutil.which("pdftotext") and shutil.which("pdfinfo"), "poppler-utils (pdfinfo, pdftotext) is required: apt-get install poppler-utils"
    out = tmp_path_factory.mktemp("pdf")
    subprocess.run([soffice(), f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(report)],
                   check=True, capture_output=True, timeout=900)
    return out / "结果.pdf"


def test_printed_by_libreoffice_in_a_few_hundred_pages(pdf):
    """The example workbook printed 1,239 pages before 明细 fitted the page
    width, and 104 with 明细's 2,700 rows at about 19% (unreadable); at a
    readable size 明细 takes some 270 of about 350."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages < 420, pages
    # the three charts: one title per page, each on its own page
    texts = [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True, text=True, check=True).stdout for p in range(1, 9)]
    chart_pages = [i for i, t in enumerate(texts) if "总分" in t and "序号" not in t and "指标编号" not in t]
    assert len(chart_pages) == 3, [t[:80] for t in texts]


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_HANZI = re.compile(r"[\u4e00-\u9fff]+")
BODY_PT = 11  # the cells' font size


def printed_pages(pdf) -> list[dict]:
    """Each page: its header (the top line), footer (the lowest line that
    starts with 第: a chart's labels may be reported lower) and the word
    boxes (x0, y0, x1, y1, text) of the rest."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        words = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(page)]
        top = min(w[1] for w in words)
        footer_y = max((w[1] for w in words if w[4] == "第"), default=None)
        header = [w for w in words if w[1] < top + 2]
        footer = [w for w in words if footer_y is not None and abs(w[1] - footer_y) < 2 and w not in header]
        pages.append({
            "header": "".join(w[4] for w in header),
            "footer": "".join(w[4] for w in footer),
            "body": [w for w in words if w not in header and w not in footer],
        })
    return pages


def print_scale(words) -> float:
    """The scale the page was printed at: a Chinese character is as wide as
    its font is high (1 em), so a run of n of them printed from 11 pt cells
    is n x 11 pt wide at 100%; the median over the page's runs."""
    return statistics.median((w[2] - w[0]) / (len(w[4]) * BODY_PT) for w in words if _HANZI.fullmatch(w[4]))


def overlapping(words) -> list[tuple]:
    """Pairs of words printed over each other (a row lower than its wrapped
    text prints the text's next lines over the next row)."""
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            dx = min(a[2], b[2]) - max(a[0], b[0])
            dy = min(a[3], b[3]) - max(a[1], b[1])
            if dx > 1 and dy > 0.5 * min(a[3] - a[1], b[3] - b[1]):
                found.append((a[4], b[4]))
    return found


def test_printed_at_a_readable_size_named_and_numbered(pdf):
    pages = printed_pages(pdf)
    n = len(pages)
    for i, page in enumerate(pages, start=1):
        assert f"第{i}页，共{n}页" in page["footer"], (i, page["footer"])  # a chart's labels may share its line
    by_sheet: dict[str, list[dict]] = {}
    for page in pages:
        by_sheet.setdefault(page["header"], []).append(page)
    units = [name for name in by_sheet if name.startswith("扣分明细-")]
    assert len(units) == 56 and {"汇总", "图表", "明细", "复核调整"} <= set(by_sheet)
    least = {"汇总": 0.70, "明细": 0.55, **{name: 0.70 for name in units}}
    for name, floor in least.items():
        for page in by_sheet[name][:3]:  # a sheet prints at one scale
            scale = print_scale(page["body"])
            assert scale >= floor, (name, round(scale, 3))
            assert not overlapping(page["body"]), (name, overlapping(page["body"])[:5])
    # 11 pt at 55%: Chinese characters of 明细 at least 6 pt wide on paper
    assert print_scale(by_sheet["明细"][0]["body"]) * BODY_PT >= 6
