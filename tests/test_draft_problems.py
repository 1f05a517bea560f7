"""gkscore draft on tables that are not as expected: every problem is named
with its file and position (表N!第R行第C列 in Word, sheet!cell in Excel),
nothing is dropped without a word, and no traceback."""

from __future__ import annotations

import zipfile

import docx
import openpyxl
import pytest

from conftest import run_cli as _run_cli


def run_cli(*args):
    """In Chinese, as the office reads it."""
    return _run_cli("--lang", "zh", *args)

HEADER = ["一级指标", "二级指标", "指标说明", "评分细则", "分值"]


def _docx(path, rows, header=HEADER, merges=(), tables=1):
    document = docx.Document()
    for _ in range(tables):
        document.add_paragraph("某市政务公开考评指标")
        t = document.add_table(rows=1 + len(rows), cols=len(header))
        for c, h in enumerate(header):
            t.cell(0, c).text = h
        for r, row in enumerate(rows, 1):
            for c, v in enumerate(row):
                if v is not None:
                    t.cell(r, c).text = v
        for (r1, c1, r2, c2) in merges:
            keep = t.cell(r1, c1).text
            m = t.cell(r1, c1).merge(t.cell(r2, c2))
            m.text = keep
    document.save(str(path))
    return path


def _xlsx(path, rows, header=HEADER, merges=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(header)
    for row in rows:
        ws.append(row)
    for m in merges:
        ws.merge_cells(m)
    wb.save(str(path))
    return path


ROWS = [
    ["日常管理(4分)", "组织推进(4分)", "部署情况", "以政府名义研究部署政务公开工作,得2分。", "2"],
    [None, None, None, "按时报送年度总结的,得2分。", "2"],
]


def test_small_table_with_merges_and_equal_neighbours(tmp_path):
    """Two rows holding the same 分值 '2' are two items; a merged 一级指标 is one section."""
    path = _docx(tmp_path / "t.docx", ROWS, merges=[(1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2)])
    out = tmp_path / "t.yaml"
    r = run_cli("draft", str(path), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("- id: s1.g1.i") == 2 and "points: 4" in text
    assert run_cli("validate", str(out)).exit_code == 0


def test_bad_points_cell_named_in_word(tmp_path):
    rows = [list(ROWS[0]), ["日常管理(4分)", "组织推进(4分)", "部署情况", "按时报送的,得2分。", "二分"]]
    path = _docx(tmp_path / "t.docx", rows, merges=[(1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2)])
    r = run_cli("draft", str(path), "-o", str(tmp_path / "t.yaml"))
    assert r.exit_code == 1
    assert f'{path}:表1!第3行第5列: 分值 "二分" 不是数字' in r.stderr
    assert not (tmp_path / "t.yaml").exists()


def test_bad_points_cell_named_in_excel(tmp_path):
    rows = [list(ROWS[0]), [None, None, None, "按时报送的,得2分。", "两分"], [None, None, None, "另一项,得1分。", "x"]]
    path = _xlsx(tmp_path / "t.xlsx", rows, merges=["A2:A4", "B2:B4", "C2:C4"])
    r = run_cli("draft", str(path))
    assert r.exit_code == 1
    assert f'{path}:指标!E3: 分值 "两分" 不是数字' in r.stderr
    assert f'{path}:指标!E4: 分值 "x" 不是数字' in r.stderr  # every problem in one run


def test_a_row_without_points_shares_the_points_above_and_is_checked(tmp_path):
    rows = [["日常管理", "组织推进", "部署情况", "1.以政府名义研究部署政务公开工作,得1分;", "2"],
            [None, None, None, "2.按时报送年度总结的,得1分。", None]]
    path = _xlsx(tmp_path / "t.xlsx", rows, merges=["A2:A3", "B2:B3", "C2:C3"])
    out = tmp_path / "t.yaml"
    assert run_cli("draft", str(path), "-o", str(out)).exit_code == 0
    lint = run_cli("lint", str(out))
    assert "s1.g1.i1: 待核 — 第3行没有分值,按与上一行共用一个分值起草" in lint.stdout
    from gkscore.rules.load import load_rules

    item = load_rules(str(out)).ruleset.sections[0].groups[0].items[0]
    assert item.text == "1.以政府名义研究部署政务公开工作,得1分;\n2.按时报送年度总结的,得1分。" and item.max == 2
    assert [c.kind for c in item.clauses] == ["award", "award"]


def test_a_group_whose_first_row_has_no_points(tmp_path):
    rows = [["日常管理", "组织推进", "部署情况", "以政府名义研究部署政务公开工作,得2分。", None]]
    r = run_cli("draft", str(_xlsx(tmp_path / "t.xlsx", rows)))
    assert r.exit_code == 1 and "指标!E2: 这一行没有分值" in r.stderr and "合并" in r.stderr


def test_stated_points_that_do_not_add_up_are_a_check_not_an_error(tmp_path):
    rows = [["日常管理(5分)", "组织推进(3分)", "部署情况", "以政府名义研究部署政务公开工作,得2分。", "2"],
            [None, None, None, "按时报送年度总结的,得2分。", "2"]]
    path = _xlsx(tmp_path / "t.xlsx", rows, merges=["A2:A3", "B2:B3", "C2:C3"])
    out = tmp_path / "t.yaml"
    assert run_cli("draft", str(path), "-o", str(out)).exit_code == 0
    lint = run_cli("lint", str(out))
    assert "待核 — 表中写明5分,而各项分值之和为4分" in lint.stdout
    assert "待核 — 表中写明3分,而各项分值之和为4分" in lint.stdout


def test_no_indicator_table(tmp_path):
    path = _docx(tmp_path / "t.docx", [["a", "b"]], header=["序号", "单位"])
    r = run_cli("draft", str(path))
    assert r.exit_code == 1 and "没有找到指标表" in r.stderr


def test_several_tables_need_a_choice(tmp_path):
    path = _docx(tmp_path / "t.docx", ROWS, tables=2)
    r = run_cli("draft", str(path))
    assert r.exit_code == 2 and "--table" in r.stderr
    r = run_cli("draft", str(path), "--table", "2")
    assert r.exit_code == 0, r.stderr
    r = run_cli("draft", str(path), "--table", "5")
    assert r.exit_code == 2 and "没有 \"5\" 这张表" in r.stderr


@pytest.mark.parametrize(
    "name,content,code,words",
    [
        ("t.doc", b"\xd0\xcf\x11\xe0 old word", 2, "只支持 .docx 和 .xlsx"),
        ("t.docx", b"not a zip at all", 2, "不是有效的 .docx 文件"),
        ("t.xlsx", b"PK\x03\x04 truncated", 2, "不是有效的 .xlsx 文件"),
        ("t.txt", b"hello", 2, "只能读取"),
    ],
)
def test_unreadable_files(tmp_path, name, content, code, words):
    path = tmp_path / name
    path.write_bytes(content)
    r = run_cli("draft", str(path))
    assert r.exit_code == code and words in r.stderr and "Traceback" not in r.stderr


def test_zip_that_is_not_a_document(tmp_path):
    path = tmp_path / "t.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    r = run_cli("draft", str(path))
    assert r.exit_code == 2 and "不是 .docx 文档" in r.stderr


def test_missing_file(tmp_path):
    r = run_cli("draft", str(tmp_path / "none.docx"))
    assert r.exit_code == 2 and "找不到该文件" in r.stderr


def test_classes_must_match_the_points_columns(tmp_path):
    path = _xlsx(tmp_path / "t.xlsx", [ROWS[0]])
    r = run_cli("draft", str(path), "--classes", "A,B")
    assert r.exit_code == 2 and "--classes 给了 2 个类别" in r.stderr
    r = run_cli("draft", str(path), "--classes", "县市区")
    assert r.exit_code == 2 and "只能用英文字母" in r.stderr


def test_output_is_never_the_input(tmp_path):
    path = _xlsx(tmp_path / "t.xlsx", [ROWS[0]])
    r = run_cli("draft", str(path), "-o", str(path))
    assert r.exit_code == 2
    assert openpyxl.load_workbook(path).active["D2"].value == ROWS[0][3]


def test_text_with_yaml_specials_is_kept_verbatim(tmp_path):
    text = "- *重点* [要求]: #1 {注意} 'a' \"b\" @c,得2分。"
    path = _xlsx(tmp_path / "t.xlsx", [["日常管理", "组织推进", "说明: x", text, "2"]])
    out = tmp_path / "t.yaml"
    assert run_cli("draft", str(path), "-o", str(out)).exit_code == 0
    from gkscore.rules.load import load_rules

    item = load_rules(str(out)).ruleset.sections[0].groups[0].items[0]
    assert item.text == text and item.description == "说明: x"
