"""The documents' pure parts: fixed decimals, Windows-safe names, the notice
file, what-was-found words, column widths, title lines, chart fonts."""

import datetime as dt
from decimal import Decimal as D

import pytest

from gkscore.documents.filenames import USABLE_PATH, is_reserved, safe_name, unique_names
from gkscore.documents.found import label, statement
from gkscore.documents.notice import DEFAULTS, load_notice
from gkscore.documents.notice_docx import chinese_number, title_lines
from gkscore.documents.textfit import column_widths, text_mm
from gkscore.documents.view import fixed
from gkscore.problems import ProblemsError


@pytest.mark.parametrize(
    "value, places, text",
    [(D("95"), 2, "95.00"), (D("94.5"), 2, "94.50"), (D("0.125"), 2, "0.13"), (D("-0.001"), 2, "0.00"), (D("99.1"), 0, "99"), (D("1E+1"), 1, "10.0"), (None, 2, "—")],
)
def test_fixed_pads_and_rounds_half_away_from_zero(value, places, text):
    assert fixed(value, places) == text


@pytest.mark.parametrize(
    "name, safe",
    [
        ("市/区:一*?", "市／区：一＊？"),
        ('a"b<c>d|e\\f', "a＂b＜c＞d｜e＼f"),
        ("尾点. ", "尾点"),
        ("CON", "CON_"),
        ("nul.txt", "nul_.txt"),
        ("Com1", "Com1_"),
        ("...", "未命名"),
        ("  ", "未命名"),
        ("a\x01b", "ab"),
    ],
)
def test_safe_name_follows_windows_rules(name, safe):
    out = safe_name(name)
    assert out == safe
    assert not set(out) & set('\\/:*?"<>|')
    assert not out.endswith((" ", "."))
    assert not is_reserved(out) and not is_reserved(out + ".docx")


def test_unique_names_ignore_case_and_cut_long_names():
    assert unique_names(["Abc", "abc", "ABC"]) == ["Abc", "abc（2）", "ABC（3）"]
    assert len(safe_name("长" * 500)) == 80
    assert USABLE_PATH == 259


@pytest.mark.parametrize(
    "prompt, value, words",
    [
        ("是否明确本单位政务公开工作机构?", False, "未明确本单位政务公开工作机构"),
        ("是否明确本单位政务公开工作机构?", True, "明确本单位政务公开工作机构"),
        ("年报是否按国办规定格式编写?", False, "年报未按国办规定格式编写"),
        ("是否有月度、年度备案工作台账(统计清单)?", False, "无月度、年度备案工作台账(统计清单)"),
        ("与上年度比较,年报是否无简单照搬抄袭?", False, "与上年度比较,年报有简单照搬抄袭"),
        ("通过站内搜索能否搜索到相关文件?", False, "通过站内搜索不能搜索到相关文件"),
        ("公开指南所列电话是否畅通、邮箱是否准确?", False, "公开指南所列电话是否畅通、邮箱是否准确：否"),
    ],
)
def test_a_yes_no_question_becomes_what_was_found(prompt, value, words):
    assert statement(prompt, value) == words


@pytest.mark.parametrize(
    "prompt, name, measure",
    [
        ("发现工单未及时签收几次?", "发现工单未及时签收", "次"),
        ("12345热线工单未及时签收的次数", "12345热线工单未及时签收", "次"),
        ("政府信息公开平台空白栏目的个数", "政府信息公开平台空白栏目", "个"),
        ("本级政府领导姓名、照片等信息中,缺失或不准确、不完整的共几项?", "本级政府领导姓名、照片等信息中,缺失或不准确、不完整", "项"),
        ("政务公开工作在政府目标绩效考核中的分值比重是多少(%)?", "政务公开工作在政府目标绩效考核中的分值比重", "%"),
        ("意见征集期限是多少天?", "意见征集期限", "天"),
    ],
)
def test_label_of_a_counted_or_measured_field(prompt, name, measure):
    assert label(prompt) == (name, measure)


def _notice(tmp_path, text, **kw):
    path = tmp_path / "通报.yaml"
    path.write_text(text, encoding="utf-8")
    return load_notice(str(path), year=2020, units=56, rule_titles=["甲表", "乙表"], **kw)


def test_default_notice_fills_the_year_and_the_rule_titles():
    n = load_notice(None, year=2021, units=3, rule_titles=["甲表"], today=dt.date(2022, 1, 5))
    assert n.title == "关于2021年度政务公开工作考评结果的通报"
    assert n.opening == ["根据《甲表》，对3个单位2021年度政务公开工作进行了考评。现将考评结果通报如下。"]
    assert n.date == "2022年1月5日" and n.header is False and n.signature is None
    assert "{" not in DEFAULTS["结尾"]


def test_notice_file_texts_paragraphs_and_date(tmp_path):
    n = _notice(tmp_path, "format: gkscore-notice/1\n发文机关: 某某办公室\n文号: 某办〔{年度}〕1号\n开头: |\n  第一段{单位数}个。\n\n  第二段。\n结尾: [甲, 乙]\n日期: 2021-01-20\n")
    assert n.header is True and n.signature == "某某办公室" and n.number == "某办〔2020〕1号"
    assert n.opening == ["第一段56个。", "第二段。"] and n.closing == ["甲", "乙"]
    assert n.date == "2021年1月20日"


def test_notice_file_problems_have_positions(tmp_path):
    with pytest.raises(ProblemsError) as exc:
        _notice(tmp_path, "format: gkscore-notice/1\n标题: 关于{年份}的通报\n落款: 某办\n版头: 是的\n")
    found = sorted((p.line, p.col, p.code) for p in exc.value.problems)
    assert found == [(2, 5, "notice-placeholder"), (3, 5, "notice-schema"), (4, 5, "notice-schema")], exc.value.problems
    messages = " ".join(p.message for p in exc.value.problems)
    assert "{年份}" in messages and "落款" in messages


def test_notice_file_duplicate_key_is_refused(tmp_path):
    with pytest.raises(ProblemsError) as exc:
        _notice(tmp_path, "标题: 一\n标题: 二\n")
    assert exc.value.problems[0].line == 2


def test_chinese_heading_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_long_title_is_cut_into_balanced_lines_never_inside_a_number():
    lines = title_lines("关于2020年度全市政务公开工作考评结果的通报")
    assert "".join(lines) == "关于2020年度全市政务公开工作考评结果的通报"
    assert len(lines) == 2 and all("202" not in l or "2020" in l for l in lines)
    assert title_lines("短标题") == ["短标题"]


def test_column_widths_keep_numbers_on_one_line_and_add_up():
    head = ["排名", "单位", "日常管理\n（22分）", "加分", "总分", "等次"]
    rows = [["1", "市政务服务和大数据管理局", "20.60", "2.00", "99.10", "优秀"]]
    widths = column_widths(head, rows, total_mm=156, text_pt=10.5, wide=[0, 1])
    assert abs(sum(widths) - 156) < 1e-6
    for i in (2, 3, 4):
        assert widths[i] >= text_mm(rows[0][i], 10.5)


def test_chart_font_is_chinese():
    from matplotlib.ft2font import FT2Font

    from gkscore.documents.charts import chart_font

    name, path = chart_font()
    assert "CJK" in name or name in ("Microsoft YaHei", "SimHei", "黑体", "WenQuanYi Zen Hei")
    face = FT2Font(path)
    assert all(face.get_char_index(ord(c)) for c in "县市区政府考评总分排名黄冈")


def test_pdf_fonts_map_to_installed_chinese_fonts_or_say_what_to_install():
    from gkscore.documents.fonts import pdf_replacements

    mapped = pdf_replacements(frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Sans"}))
    assert mapped["仿宋"] == mapped["宋体"] == mapped["方正小标宋简体"] == "Noto Serif CJK SC"
    assert mapped["黑体"] == "Noto Sans CJK SC"
    assert pdf_replacements(frozenset({"仿宋", "方正小标宋简体", "黑体", "楷体", "宋体"})) == {}
    with pytest.raises(ProblemsError) as exc:
        pdf_replacements(frozenset({"DejaVu Sans"}))
    assert exc.value.exit_code == 2 and "fonts-noto-cjk" in exc.value.problems[0].message


def test_charts_without_a_chinese_font_say_what_to_install(monkeypatch):
    from matplotlib import font_manager

    from gkscore.documents import charts

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [e for e in font_manager.fontManager.ttflist if "CJK" not in e.name])
    monkeypatch.setattr(charts, "CHART_FONTS", ("Noto Sans CJK SC",))
    with pytest.raises(ProblemsError) as exc:
        charts.chart_font.__wrapped__()
    assert exc.value.exit_code == 2 and "fonts-noto-cjk" in exc.value.problems[0].message


def test_the_notice_example_in_the_docs_loads(tmp_path):
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "documents.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    n = _notice(tmp_path, block)
    assert n.title == "关于2020年度全市政务公开工作考评结果的通报" and n.header and n.date == "2021年1月20日"


def test_a_package_of_members_deflated_beforehand_is_byte_for_byte_what_zipfile_writes():
    """The per-unit documents reuse the template's parts deflated once; the
    archive must be the one ``zipfile`` would have written, names in any
    script included, so a pack is the same file however it was made."""
    import io
    import os
    import zipfile

    from gkscore.documents.docx_package import FIXED_DATE, Record, package

    parts = [
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", "<w:document>正文 ".encode("utf-8") * 500),
        ("word/styles.xml", os.urandom(3000) + b"a" * 5000),
        ("word/media/图表.png", b""),
    ]
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    made = package([Record(name, data) for name, data in parts])
    assert made == expected.getvalue()
    with zipfile.ZipFile(io.BytesIO(made)) as z:
        assert z.testzip() is None
        assert [(i.filename, z.read(i)) for i in z.infolist()] == parts


def test_ranking_rows_escape_and_clean_their_texts():
    """The rows written as XML text: markup characters escaped, characters
    XML cannot hold replaced, a line break a ``w:br``; the texts read back
    as they went in, whatever they hold (the joining separator included)."""
    from lxml import etree

    from gkscore.documents.notice_docx import body_rows

    rows = [["1", "A&B<C>\"'", "x"], ["2\n（并列）", "\ufdd0分隔\x01", "\r"], ["3", "", "  空 格 "]]
    xml = body_rows(rows)
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    tbl = etree.fromstring(f'<w:tbl xmlns:w="{ns}">{xml}</w:tbl>')
    got = [["\n".join(t.text or "" for t in tc.iter(f"{{{ns}}}t")) for tc in tr.iter(f"{{{ns}}}tc")] for tr in tbl]
    assert got == [["1", "A&B<C>\"'", "x"], ["2\n（并列）", "\ufdd0分隔\ufffd", "\r"], ["3", "", "  空 格 "]]
    assert len(list(tbl.iter(f"{{{ns}}}br"))) == 1
