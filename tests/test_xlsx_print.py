"""The results workbook on paper, read back with openpyxl: every sheet on A4
(landscape but 图表), as wide as one page, the header row on every page, the
sheet's name above and page numbers below; text columns no wider than their
sheet's cap, text wider than its column wrapped at the top of a row as high
as the wrapped text; numbers unwrapped.  What LibreOffice makes of it is in
test_xlsx_publication."""

from __future__ import annotations

import io
import math
import zipfile

import openpyxl
import pytest

from gkscore import i18n
from gkscore.render.textsafe import display_width
from gkscore.render.view import words
from gkscore.render.xlsx_report import ADJUSTMENT_CAP, ADJUSTMENT_CAPS, DETAIL_CAPS, LOST_CAPS

from conftest import ROOT, run_cli
from test_render_common import ADJUSTMENTS, partial, workbook  # noqa: F401  (fixtures)

EXAMPLES = [str(ROOT / "examples" / "county_2020_filled.xlsx"), str(ROOT / "examples" / "citydept_2020_filled.xlsx")]
A4 = 9  # paperSize
FOOTER = "第 &P 页，共 &N 页"


@pytest.fixture(scope="module")
def report_path(tmp_path_factory):
    """The examples' report, with their adjustments (复核调整 has rows)."""
    out = tmp_path_factory.mktemp("print") / "结果.xlsx"
    res = run_cli("--lang", "zh", "score", *EXAMPLES, "--adjust", str(ROOT / "examples" / "adjustments.csv"), "-o", str(out))
    assert res.exit_code == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def report(report_path):
    return openpyxl.load_workbook(report_path)


def zh_words():
    with i18n.using("zh"):
        return words()


def caps_by_header(caps: dict[str, int]) -> dict[str, int]:
    w = zh_words()
    return {getattr(w, name): cap for name, cap in caps.items()}


def header_row(ws, first: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == first)


def check_page_setup(ws, orientation: str = "landscape") -> None:
    ps = ws.page_setup
    assert int(ps.paperSize) == A4 and ps.orientation == orientation, ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth == 1 and ps.fitToHeight == 0, ws.title
    assert ws.oddHeader.center.text == "&A", ws.title  # the sheet's name
    assert ws.oddFooter.center.text == FOOTER, ws.title
    assert ws.page_margins.left <= 0.4 and ws.page_margins.right <= 0.4, ws.title


def check_wrapping(ws, head_row: int, caps: dict[str, int], last_row: int | None = None) -> int:
    """Capped text columns, wrapped long text, unwrapped numbers below
    ``head_row`` (to ``last_row``); returns how many cells wrap (a check that
    found nothing to check is no check)."""
    head = [c.value for c in ws[head_row]]
    wrapped = 0
    for col, name in enumerate(head, start=1):
        if name is None:
            continue
        letter = openpyxl.utils.get_column_letter(col)
        width = ws.column_dimensions[letter].width
        cap = caps.get(name)
        if cap is not None:
            assert width <= cap, (ws.title, name, width, cap)
        room = width - 1
        for r in range(head_row + 1, (last_row or ws.max_row) + 1):
            cell = ws.cell(row=r, column=col)
            if isinstance(cell.value, (int, float)):
                assert not cell.alignment.wrap_text and cell.alignment.horizontal in (None, "general", "right"), cell.coordinate
            elif isinstance(cell.value, str):
                lines = [display_width(line) for line in cell.value.split("\n")]
                if len(lines) > 1 or lines[0] > room:
                    assert cell.alignment.wrap_text and cell.alignment.vertical == "top", (ws.title, cell.coordinate)
                    # the row is as high as the wrapped lines (LibreOffice fits no row itself)
                    need = sum(max(1, math.ceil(n / room)) for n in lines)
                    assert ws.row_dimensions[r].height >= min(409, 16 * need), (ws.title, cell.coordinate)
                    wrapped += 1
    return wrapped


def test_every_sheet_prints_on_a4_one_page_wide_named_and_numbered(report):
    for ws in report.worksheets:
        check_page_setup(ws, "portrait" if ws.title == "图表" else "landscape")
    assert report["汇总"].print_title_rows == "$2:$2"
    for title in ("明细", "复核调整"):
        assert report[title].print_title_rows == "$1:$1", title
    units = [ws for ws in report.worksheets if ws.title.startswith("扣分明细-")]
    assert len(units) == 56
    for ws in units:
        row = header_row(ws, "测评指标")
        assert ws.print_title_rows == f"${row}:${row}", ws.title


def test_long_text_wraps_within_capped_columns(report):
    assert check_wrapping(report["明细"], 1, caps_by_header(DETAIL_CAPS)) > 1000
    lost = caps_by_header(LOST_CAPS)
    wrapped = 0
    for ws in report.worksheets:
        if ws.title.startswith("扣分明细-"):
            wrapped += check_wrapping(ws, header_row(ws, "测评指标"), lost)
    assert wrapped > 100
    w = zh_words()
    adjustments = report["复核调整"]
    head = [c.value for c in adjustments[1]]
    caps = {name: ADJUSTMENT_CAPS.get(key, ADJUSTMENT_CAP) for name, key in zip(head, ("unit", "item", "field", "before", "after", "reason", "approved_by", "date"))}
    assert caps[w.reason] == ADJUSTMENT_CAPS["reason"]
    last = next(r for r in range(2, adjustments.max_row + 2) if adjustments.cell(row=r, column=1).value is None) - 1
    assert last == 3  # the examples' two adjustments; 复核前后 below shares the widths
    assert check_wrapping(adjustments, 1, caps, last) >= 1


def test_row_heights_are_not_marked_as_set_by_hand(report_path):
    """A wrapped row carries its height (LibreOffice prints one line of each
    wrapped cell without one) but not customHeight, so a spreadsheet refits
    it when a cell is edited."""
    with zipfile.ZipFile(report_path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sum(x.count(' ht="') for x in sheets) > 1000
    assert not any("customHeight" in x for x in sheets)


def test_the_long_lost_points_sheet_prints_the_same_way(partial):
    """Above ``unit_sheets_max`` units, one 扣分明细 sheet with a 单位 column."""
    wb = openpyxl.load_workbook(io.BytesIO(workbook(partial, adjustments=ADJUSTMENTS, unit_sheets_max=0).bytes()))
    ws = wb["扣分明细"]
    check_page_setup(ws)
    assert ws.print_title_rows == "$1:$1"
    w = zh_words()
    head = [c.value for c in ws[1]]
    assert head[0] == w.unit and w.completeness in head and w.adjustments in head
    check_wrapping(ws, 1, caps_by_header(LOST_CAPS))
    for name in (w.unit, w.indicator, w.reasons, w.evidence):
        letter = openpyxl.utils.get_column_letter(head.index(name) + 1)
        assert ws.column_dimensions[letter].width <= caps_by_header(LOST_CAPS)[name]


def test_page_numbers_follow_the_language(partial):
    wb = openpyxl.load_workbook(io.BytesIO(workbook(partial, lang="en").bytes()))
    assert {ws.oddFooter.center.text for ws in wb.worksheets} == {"Page &P of &N"}
    assert {ws.oddHeader.center.text for ws in wb.worksheets} == {"&A"}
