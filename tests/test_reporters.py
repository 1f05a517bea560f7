"""One writer interface: every format is a reporter of the registry, chosen
by --format or by the name of -o, and every reporter gets the same run,
adjustments included; the reports speak the language of the run."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from conftest import ROOT, run_cli

from gkscore.cli.score_cmds import FORMATS
from gkscore.render.reporters import REPORTERS, by_extension, reporter

COUNTY = str(ROOT / "examples" / "county_2020_filled.xlsx")
ADJUST = str(ROOT / "examples" / "adjustments.yaml")


def test_every_format_is_a_reporter_and_every_extension_names_one():
    assert set(FORMATS) == set(REPORTERS)
    seen = {}
    for name, rep in REPORTERS.items():
        assert rep.name == name and rep.extensions
        for ext in rep.extensions:
            assert ext not in seen, (ext, seen.get(ext), name)
            seen[ext] = name
            assert by_extension(ext.upper()) is rep
    assert by_extension(".xls") is None
    # what the run keeps follows what the report shows
    from gkscore.render.reporters import ReportOptions

    assert reporter("csv").shows_texts(ReportOptions(detail=True)) and not reporter("csv").shows_texts(ReportOptions())
    assert reporter("json").shows_texts(ReportOptions()) and not reporter("md").shows_texts(ReportOptions(detail=True))


def test_csv_and_md_detail_carry_the_adjustments():
    """json and xlsx always had them; csv and md --detail lost them."""
    res = run_cli("--lang", "zh", "score", COUNTY, "--adjust", ADJUST, "--format", "csv", "--detail")
    assert res.exit_code == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    notes = {(r["单位"], r["指标编号"]): r["复核调整"] for r in rows if r["复核调整"]}
    assert set(notes) == {("黄州区", "zdgk.hygq.jttc"), ("团风县", "zdgk.gknb.1")}
    # the observation item by the question the template asks
    assert notes[("黄州区", "zdgk.hygq.jttc")].startswith("复核 接通测试中,发现未接通几次: 原值 1 → 新值 0")
    md = run_cli("--lang", "zh", "score", COUNTY, "--adjust", ADJUST, "--format", "md", "--detail")
    assert md.exit_code == 0
    assert "## 复核调整" in md.stdout and "| 团风县 | zdgk.gknb.1 | 本级政府年度报告在何日发布 | 2020-04-08 | 2020-03-30 |" in md.stdout
    # without --adjust: no adjustment column, no adjustment list
    plain = run_cli("score", COUNTY, "--format", "csv", "--detail")
    assert "adjusted" not in plain.stdout.splitlines()[0]
    assert "复核" not in run_cli("--lang", "zh", "score", COUNTY, "--format", "md", "--detail").stdout


def test_the_json_and_the_workbook_show_the_same_adjustments():
    import json

    data = json.loads(run_cli("score", COUNTY, "--adjust", ADJUST, "--format", "json").stdout)
    in_json = {(u["unit"], i["id"]) for u in data["units"] for i in u["items"] if i["adjustments"]}
    assert in_json == {("黄州区", "zdgk.hygq.jttc"), ("团风县", "zdgk.gknb.1")}


@pytest.mark.parametrize("lang,words", [("zh", ("排名", "单位", "总分", "等次")), ("en", ("Ranking", "Unit", "Total", "Grade"))])
def test_reports_speak_the_language_of_the_run(tmp_path, lang, words):
    table = run_cli("--lang", lang, "score", COUNTY)
    md = run_cli("--lang", lang, "score", COUNTY, "--format", "md")
    for w in words:
        assert w in table.stdout and w in md.stdout
    out = tmp_path / "r.xlsx"
    assert run_cli("--lang", lang, "score", COUNTY, "-o", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    expected = ["汇总", "图表", "明细", "复核调整"] if lang == "zh" else ["Summary", "Charts", "Detail", "Adjustments"]
    assert wb.sheetnames[:4] == expected
    head = [c.value for c in wb[expected[0]][2]]
    assert all(w in head for w in words)
    # csv columns: the documented ASCII names in English, the published words in Chinese
    head = "rules,rank_group,rank,unit,class," if lang == "en" else "规则文件,排名组,排名,单位,类别,"
    assert run_cli("--lang", lang, "score", COUNTY, "--format", "csv").stdout.startswith(head)
