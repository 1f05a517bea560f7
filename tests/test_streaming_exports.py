"""Exports at province and national scale: every report is written unit by
unit from figures-only scoring (``pipeline.Run.detail`` gives one unit's
items at a time), text reports are streamed to their file, and the workbook
is written in openpyxl's write-only mode.

The streamed output must be exactly what the whole-document renderers give
for results scored with their items; the workbook switches to one long
扣分明细 sheet above ``UNIT_SHEETS_MAX`` units, continues a sheet past Excel's
row limit and draws no chart for a very large rank group.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from gkscore import i18n
from gkscore.fsutil import atomic_text_writer, text_output
from gkscore.jsonout import dumps
from gkscore.pipeline import Options, Run, run
from gkscore.render import xlsx_report, xlsx_summary
from gkscore.render.json_report import results_dict
from gkscore.render.reporters import ReportOptions, reporter

from conftest import run_cli
from test_render_common import ADJUSTMENTS, HYPERLINK, county, mixed, partial, workbook, write_xlsx  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [str(ROOT / "examples" / "county_2020_filled.xlsx"), str(ROOT / "examples" / "citydept_2020_filled.xlsx")]
ADJUST = str(ROOT / "examples" / "adjustments.yaml")


@pytest.fixture(autouse=True)
def _in_chinese():
    """Every document here is a Chinese user's: texts worded lazily (the
    arithmetic, the reasons of a unit's detail) are worded in Chinese too."""
    with i18n.using("zh"):
        yield


@pytest.fixture(scope="module", params=[[], [ADJUST]], ids=["plain", "adjusted"])
def both(request):
    """The examples scored with items (the whole-document way) and figures
    only with the texts kept (the streaming way)."""
    adjust = request.param
    # scored in the reports' language: reasons are worded when items are built
    with i18n.using("zh"):
        whole = run(Options(observations=EXAMPLES, adjust=adjust, keep_items=True))
        lean = run(Options(observations=EXAMPLES, adjust=adjust, keep_items=False, keep_text=True))
    assert not any(hasattr(r, "items") for r in lean.results)
    return whole, lean


UNIT_HEAD = ["测评指标", "指标分值", "得分", "扣分", "失分原因", "证据"]
DETAIL_HEAD = ["单位", "类别", "指标编号", "一级指标", "二级指标", "评分细则", "分值", "得分", "扣分", "失分原因", "计算", "观测值", "证据", "评分人", "完整性", "复核调整"]
NOTHING_LOST = "本单位各项指标均未失分"


def _streamed(fmt: str, r, lang: str = "zh", **options) -> str:
    """What the reporter of ``fmt`` writes for the run ``r``."""
    out = io.StringIO()
    with i18n.using(lang):
        reporter(fmt).stream(r, out, ReportOptions(**{"decimals": 2, **options}))
    return out.getvalue()


def _book_bytes(r) -> bytes:
    with i18n.using("zh"):
        return xlsx_report.build_workbook(r, 2).bytes()


# ------------------------------------------------- text reports, streamed


def test_json_streamed_is_the_whole_document(both):
    whole, lean = both
    expected = dumps(results_dict(whole, 2))
    got = _streamed("json", lean)
    assert got == expected
    assert '"reasons"' in got and '"evidence"' in got  # items are there


@pytest.mark.parametrize("detail", [False, True])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_streamed_is_the_whole_document(both, detail, bom):
    whole, lean = both
    expected = _streamed("csv", whole, detail=detail, bom=bom)
    got = _streamed("csv", lean, detail=detail, bom=bom)
    assert got == expected
    rows = list(csv.reader(io.StringIO(got)))
    assert len(rows) == (sum(len(r.items) for r in whole.results) if detail else len(whole.results)) + 1
    assert ("复核调整" in rows[0]) == (detail and bool(whole.adjustments))


@pytest.mark.parametrize("detail", [False, True])
def test_md_streamed_is_the_whole_document(both, detail):
    whole, lean = both
    expected = _streamed("md", whole, detail=detail)
    got = _streamed("md", lean, detail=detail)
    assert got == expected
    assert ("## 复核调整" in got) == bool(whole.adjustments)
    assert got.endswith("|\n") or got.endswith("。\n") or got.endswith("\n")
    assert not got.endswith("\n\n")


def test_empty_results_stream_like_the_whole_document():
    empty = Run(results=[], rules=[])
    assert _streamed("json", empty) == dumps(results_dict(empty, 2))
    assert _streamed("md", empty) == "\n"
    assert _streamed("csv", empty, detail=True) == ",".join(["规则文件", "单位", "类别", "指标编号", "指标", "分值", "得分", "失分", "失分原因", "计算", "证据", "评分人", "是否完整"]) + "\r\n"
    assert _streamed("csv", empty, "en", detail=True) == ",".join(["rules", "unit", "class", "item", "path", "max", "score", "lost", "reasons", "arithmetic", "evidence", "scorer", "complete"]) + "\r\n"


def test_md_lines_trim_trailing_newlines_like_join_and_rstrip():
    from gkscore.render.md_report import _Lines

    for lines in ([], [""], ["a", "", ""], ["a\n", "", "b", ""], ["", "x", "\n\n"], ["a\nb", "c\n"]):
        out = io.StringIO()
        writer = _Lines(out)
        for line in lines:
            writer.add(line)
        writer.close()
        assert out.getvalue() == "\n".join(lines).rstrip("\n") + "\n", lines


# ------------------------------------------------------ re-derived items


def test_detail_gives_the_items_scoring_with_items_gives(both):
    whole, lean = both

    def items(r):
        return [(i.id, i.max, i.score, i.lost, i.complete, list(i.reasons), i.arithmetic(), i.evidence, i.scorers, [o.field for o in i.observations])
                for i in r.items]

    assert [(r.unit, r.rank_group, r.rank) for r in whole.results] == [(r.unit, r.rank_group, r.rank) for r in lean.results]
    for w, u in zip(whole.results, lean.results):
        f = lean.detail(u)
        assert f is not u and f.items
        assert (f.unit, f.rank_group, f.rank, f.total, f.notes, f.sections) == (w.unit, w.rank_group, w.rank, w.total, w.notes, w.sections)
        assert items(f) == items(w)
    # a result that carries its items is its own detail
    assert whole.detail(whole.results[0]) is whole.results[0]


def test_detail_keeps_the_figures_it_is_given(both):
    """A unit's detail adds its items to its figures; it never scores the
    unit a second time (the memoised evaluator gave both)."""
    _, lean = both
    import dataclasses

    given = dataclasses.replace(lean.results[0], notes=["given"])
    detail = lean.detail(given)
    assert detail.notes == ["given"] and detail.items


# ---------------------------------------------------------------- files


def test_atomic_text_writer_replaces_on_success(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old", encoding="utf-8")
    with atomic_text_writer(str(path)) as fh:
        fh.write("第一\n")
        fh.write("second\r\n")  # newlines are written as given
        assert path.read_text(encoding="utf-8") == "old"  # nothing visible before the end
    assert path.read_bytes() == "第一\nsecond\r\n".encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_atomic_text_writer_keeps_the_old_file_on_error(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_text_writer(str(path)) as fh:
            fh.write("half a report")
            raise RuntimeError("interrupted")
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_text_output_without_a_path_is_stdout(capsys):
    with text_output(None) as out:
        out.write("to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"


@pytest.mark.parametrize("args", [["--format", "json"], ["--format", "csv", "--detail"], ["--format", "md", "--detail"]])
def test_cli_file_and_stdout_agree(tmp_path, args):
    out = tmp_path / "report.txt"
    to_file = run_cli("score", *EXAMPLES, "--adjust", ADJUST, *args, "-o", str(out))
    to_stdout = run_cli("score", *EXAMPLES, "--adjust", ADJUST, *args)
    assert to_file.exit_code == to_stdout.exit_code == 0, to_file.stderr + to_stdout.stderr
    text = out.read_text(encoding="utf-8")
    # a csv file starts with a byte-order mark (Excel), stdout does not
    assert text.removeprefix("\ufeff") == to_stdout.stdout
    assert len(text) > 10_000


def test_cli_json_equals_the_whole_document(tmp_path):
    whole = run(Options(observations=EXAMPLES, adjust=[ADJUST], keep_items=True))
    res = run_cli("--lang", "zh", "score", *EXAMPLES, "--adjust", ADJUST, "--format", "json")
    assert res.exit_code == 0
    assert res.stdout == dumps(results_dict(whole, whole.precision))


def test_cli_md_detail_shows_what_it_showed_without_the_evidence_kept():
    """md --detail lists reasons, never evidence or scorers, so it reads the
    observations without their texts and still writes the same document."""
    whole = run(Options(observations=EXAMPLES, adjust=[ADJUST], keep_items=True))
    res = run_cli("--lang", "zh", "score", *EXAMPLES, "--adjust", ADJUST, "--format", "md", "--detail")
    assert res.exit_code == 0
    assert res.stdout == _streamed("md", whole, lang="zh", decimals=whole.precision, detail=True)


# -------------------------------------------------------------- workbook


def test_xlsx_streamed_equals_xlsx_from_results_with_items(both):
    whole, lean = both
    assert _book_bytes(whole) == _book_bytes(lean)


def test_xlsx_sheet_xml_is_what_openpyxl_normal_mode_writes(county, tmp_path):
    """The rows gkscore writes into each sheet read back with the values,
    types and styles openpyxl would give them."""
    path = tmp_path / "r.xlsx"
    write_xlsx(county, path, adjustments=ADJUSTMENTS)
    wb = openpyxl.load_workbook(path)
    detail = wb["明细"]
    assert detail.dimensions == f"A1:P{1 + 3 * 5}"
    cell = next(c for row in detail.iter_rows(min_row=2) for c in row if c.value == HYPERLINK)
    assert cell.data_type == "s" and cell.alignment.vertical == "top"
    numbers = [c for row in detail.iter_rows(min_row=2, min_col=7, max_col=9) for c in row if c.value is not None]
    assert numbers and all(c.data_type == "n" and c.number_format == "0.00" for c in numbers)
    head = detail["A1"]
    assert head.font.b and head.fill.fgColor.rgb.endswith("D9E1F2") and head.alignment.wrap_text


def _data_rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows(min_row=2)]


def test_long_lost_sheet_above_the_threshold(county, tmp_path):
    per_unit = openpyxl.load_workbook(io.BytesIO(workbook(county, adjustments=ADJUSTMENTS).bytes()))
    long = openpyxl.load_workbook(io.BytesIO(workbook(county, adjustments=ADJUSTMENTS, unit_sheets_max=2).bytes()))
    assert long.sheetnames == ["汇总", "图表", "明细", "复核调整", "扣分明细"]
    ws = long["扣分明细"]
    head = [c.value for c in ws[1]]
    assert head == ["单位", *UNIT_HEAD, "复核调整"]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == f"A1:H{ws.max_row}"
    rows = _data_rows(ws)
    # every unit's list is the one its own sheet had, behind the unit's name
    for u in county:
        own = per_unit[next(n for n in per_unit.sheetnames if n.startswith("扣分明细-") and per_unit[n]["B3"].value == u.unit)]
        top = next(r for r in range(1, own.max_row + 1) if own.cell(row=r, column=1).value == "测评指标")
        listed = [[c.value for c in row][:6] for row in own.iter_rows(min_row=top + 1)]
        mine = [r[1:7] for r in rows if r[0] == u.unit and r[1] != "说明"]
        if listed[0][0] == NOTHING_LOST:
            assert mine == [[NOTHING_LOST, None, None, None, None, None]]
        else:
            assert mine == listed
    # the other sheets do not change
    for name in ("汇总", "明细", "复核调整"):
        assert [[c.value for c in r] for r in long[name].iter_rows()] == [[c.value for c in r] for r in per_unit[name].iter_rows()]


def test_notes_go_on_the_long_sheet(partial):
    wb = openpyxl.load_workbook(io.BytesIO(workbook(partial, unit_sheets_max=0).bytes()))
    ws = wb["扣分明细"]
    assert [c.value for c in ws[1]] == ["单位", *UNIT_HEAD, "完整性"]
    rows = _data_rows(ws)
    incomplete = [r for r in rows if r[0] == "团风县" and r[7] == "未完成"]
    assert incomplete and incomplete[0][1].endswith("（网站建设第1项）")
    assert ws.cell(row=2 + rows.index(incomplete[0]), column=1).fill.fgColor.rgb.endswith("FFF2CC")


def test_sheets_continue_past_the_row_limit(county):
    whole = openpyxl.load_workbook(io.BytesIO(workbook(county, unit_sheets_max=0).bytes()))
    split = openpyxl.load_workbook(io.BytesIO(workbook(county, unit_sheets_max=0, row_limit=5).bytes()))
    names = split.sheetnames
    assert names[:6] == ["汇总", "图表", "明细", "明细 (2)", "明细 (3)", "明细 (4)"]
    assert "复核调整" in names
    parts = [n for n in names if n.startswith("明细")]
    for name in parts:
        ws = split[name]
        assert [c.value for c in ws[1]] == DETAIL_HEAD  # each part has the header
        assert 2 <= ws.max_row <= 5
        assert ws.freeze_panes == "D2" and ws.auto_filter.ref == f"A1:P{ws.max_row}"
        assert ws.column_dimensions["F"].width == whole["明细"].column_dimensions["F"].width
    assert [r for n in parts for r in _data_rows(split[n])] == _data_rows(whole["明细"])
    lost = [n for n in names if n.startswith("扣分明细")]
    assert len(lost) > 1 and [r for n in lost for r in _data_rows(split[n])] == _data_rows(whole["扣分明细"])


def test_a_very_large_rank_group_gets_a_note_not_a_chart(mixed, monkeypatch):
    monkeypatch.setattr(xlsx_summary, "CHART_MAX_UNITS", 2)
    wb = workbook(mixed)
    charts = wb["图表"]._charts
    assert len(charts) == 2  # A and B (two units each) keep theirs; the three counties do not
    loaded = openpyxl.load_workbook(io.BytesIO(wb.bytes()))
    note = loaded["图表"]["A1"].value
    assert "共 3 个单位" in note and "不绘制图表" in note
    assert len(loaded["图表"]._charts) == 2


# ---------------------------------------------------------------- memory


def _peak_mb(args: list[str]) -> float:
    """Peak resident memory of ``gkscore`` run in a child process."""
    proc = subprocess.Popen([sys.executable, "-m", "gkscore", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.returncode == 0, err
    return usage.ru_maxrss / 1024


@pytest.fixture(scope="module")
def thousand_units(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("gkscore_bench_gen_streaming", ROOT / "benchmarks" / "gen.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = tmp_path_factory.mktemp("units1000")
    made = gen.generate(1000, out, tables=("county",), formats=("csv",))["county"]
    return [str(p) for p in made["csv"]], str(made["units"]), out


def test_item_reports_take_little_more_memory_than_the_summary(thousand_units):
    """Scoring every unit with its items and keeping them took about 0.5 MB
    a unit for json (5 GB at 10,000 units) and 0.2 MB for --detail; streamed,
    an item report needs about what the summary needs (the evidence texts
    are kept as well), whatever the number of units."""
    obs, units, out = thousand_units
    base = ["--lang", "zh", "score", *obs, "--units", units]
    summary = _peak_mb([*base, "--format", "csv", "-o", str(out / "s.csv")])
    for fmt in (["--format", "json"], ["--format", "csv", "--detail"], ["--format", "md", "--detail"], ["--format", "xlsx"]):
        peak = _peak_mb([*base, *fmt, "-o", str(out / f"r.{fmt[1]}")])
        assert peak < summary + 60, (fmt, peak, summary)
    wb = openpyxl.load_workbook(out / "r.xlsx", read_only=True)
    try:
        assert wb.sheetnames == ["汇总", "图表", "明细", "复核调整", "扣分明细"]  # 1,000 units: one long 扣分明细
    finally:
        wb.close()


def test_too_many_units_for_one_summary_sheet_is_refused(county, monkeypatch):
    from gkscore.problems import ProblemsError

    monkeypatch.setattr(xlsx_summary, "ROW_LIMIT", 4)  # title, header and 3 units make 5 rows
    with pytest.raises(ProblemsError) as exc:
        workbook(county)
    assert exc.value.problems[0].code == "too-many-units"


# -------------------------------------------------------------- terminal


def test_a_long_rank_group_prints_in_aligned_pages(monkeypatch):
    from gkscore.render import terminal

    r = run(Options(observations=EXAMPLES[:1], keep_items=False))
    whole = io.StringIO()
    with i18n.using("zh"):
        terminal.print_results(r.results, 2, file=whole)
    monkeypatch.setattr(terminal, "PAGE_ROWS", 4)
    paged = io.StringIO()
    with i18n.using("zh"):
        terminal.print_results(r.results, 2, file=paged)
    text = paged.getvalue()
    assert "（续，第 5–8 行）" in text and "（续，第 9–10 行）" in text
    body = [line for line in text.splitlines() if line.startswith("│")]
    assert [line.split("│")[2].strip() for line in body] == [u.unit for u in r.results]  # every unit, in order
    assert len({len(line) for line in body}) == 1  # the pages line up
    assert text.count("┃ 排名 ┃") == 3
    assert whole.getvalue().count("┃ 排名 ┃") == 1


def test_md_asks_each_table_once_whether_it_is_incomplete(monkeypatch):
    """It used to ask per row, and each asking walks every unit of the table:
    quadratic, hours for a rank group of 100,000 units."""
    from gkscore.render import view

    r = run(Options(observations=EXAMPLES, keep_items=False))
    asked = []
    original = view.Block.incomplete

    def counted(self):
        asked.append(self.group)
        return original.fget(self)

    monkeypatch.setattr(view.Block, "incomplete", property(counted))
    _streamed("md", r)
    groups = {u.rank_group for u in r.results}
    assert len(groups) == 3 and len(asked) <= 3 * len(groups)


@pytest.mark.parametrize("fmt", ["csv", "md", "json", "xlsx"])
def test_a_report_asks_for_each_units_detail_once_and_the_run_counts_it(both, tmp_path, fmt):
    """The writing step's progress is the units written: every report that
    shows items asks ``Run.detail`` once per unit (never scoring a unit's
    items twice), and ``Run.counting`` is told of each; outside it nothing
    is counted."""
    _whole, lean = both
    asked = []
    out = tmp_path / f"report.{fmt}"
    with lean.counting(lambda: asked.append(1)):
        reporter(fmt).write(lean, str(out), ReportOptions(detail=True, decimals=2))
    assert out.stat().st_size > 0
    assert len(asked) == len(lean.results)
    lean.detail(lean.results[0])
    assert len(asked) == len(lean.results)
