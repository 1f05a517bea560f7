"""The documents end to end: the 通报 as docx and pdf, one pack per
unit, the ranking charts, on the bundled examples and on 500 generated units.

Checked against ``--format json``: every unit in a ranking table with the same
total and rank; the PDF (made by LibreOffice, read back with pdftotext) holds
every unit name and total; each pack names its own unit only and its lost
points add up; the charts exist per group.  LibreOffice, Noto CJK and poppler
are required (CI installs them: scripts/test.sh), never skipped.
"""

import html
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from docx import Document

from conftest import ROOT, run_cli

COUNTY = str(ROOT / "examples" / "county_2020_filled.xlsx")
CITYDEPT = str(ROOT / "examples" / "citydept_2020_filled.xlsx")
NOTICE = str(ROOT / "examples" / "notice.yaml")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is required (poppler-utils); scripts/test.sh installs it", pytrace=False)
    return found


def _json(*args) -> list[dict]:
    r = run_cli("score", *args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout, parse_float=D)["units"]


def _fixed(value) -> str:
    return format(D(str(value)).quantize(D("0.01")), "f")


def docx_rankings(path) -> dict[str, tuple[str, str]]:
    """unit -> (排名 text, 总分) from every ranking table of the 通报."""
    out = {}
    for table in Document(str(path)).tables:
        rows = table.rows
        head = [c.text for c in rows[0].cells]
        if head[0] != "排名":
            continue
        total_col = head.index("总分")
        for row in rows[1:]:
            cells = [c.text for c in row.cells]
            assert cells[1] not in out, f"{cells[1]} listed twice"
            out[cells[1]] = (cells[0].replace("\n", ""), cells[total_col])
    return out


def _check_against_json(rankings: dict, units: list[dict]) -> None:
    assert set(rankings) == {u["unit"] for u in units}
    for u in units:
        rank_text, total = rankings[u["unit"]]
        assert total == _fixed(u["total"]), u["unit"]
        if u["complete"]:
            assert re.fullmatch(rf"{u['rank']}(（并列）)?", rank_text), (u["unit"], rank_text, u["rank"])
        else:
            assert rank_text == "未完成"


def pdf_text(path) -> str:
    """The PDF's text in the order it was written (-raw): a table cell's
    wrapped lines stay together instead of mixing with the next column's."""
    return subprocess.run([_tool("pdftotext"), "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def zip_text(path) -> str:
    """Every text of a docx or xlsx, tags removed (fast for a thousand files)."""
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml") and ("document" in n or "sheet" in n or "sharedStrings" in n))
    return html.unescape(re.sub(r"<[^>]+>", "", xml))


def check_pack(folder: Path, units: list[dict], sample_every: int = 1) -> None:
    """One docx and one xlsx per unit, each naming its own unit only; lost
    points add up per item and to the unit's base points lost."""
    names = {u["unit"] for u in units}
    docx = sorted(folder.rglob("*.docx"))
    xlsx = sorted(folder.rglob("*.xlsx"))
    assert len(docx) == len(xlsx) == len(units)
    assert {p.stem for p in docx} == {p.stem for p in xlsx} == names
    for path in docx + xlsx:
        text = zip_text(path)
        own = path.stem
        assert own in text
        others = [n for n in names if n != own and n in text and n not in own]
        assert not others, f"{path} names {others[:3]}"
    by_name = {u["unit"]: u for u in units}
    for path in docx[::sample_every]:
        check_lost_points(path, by_name[path.stem])


def check_lost_points(path: Path, unit: dict) -> None:
    doc = Document(str(path))
    sections, lost = doc.tables[0], (doc.tables[1] if len(doc.tables) > 1 else None)
    full = sum(D(r.cells[1].text) for r in sections.rows[1:])
    got = sum(D(r.cells[2].text) for r in sections.rows[1:])
    assert _fixed(got) == _fixed(unit["base"])
    listed = D(0)
    if lost is not None:
        head = [c.text for c in lost.rows[0].cells]
        assert head == ["序号", "指标", "评分细则", "分值", "得分", "失分", "检查发现", "证据", "整改措施", "整改时限"]
        for row in lost.rows[1:]:
            c = [x.text for x in row.cells]
            assert c[8] == c[9] == "", "整改措施/整改时限 are left for the unit to fill"
            assert c[6], f"{path}: no words for what was found in {c[1]}"
            if c[3] != "—":  # a 扣分项 has no 分值/得分
                assert D(c[3]) - D(c[4]) == D(c[5]), (path, c[1])
                listed += D(c[5])
    assert listed == full - got, f"{path}: listed {listed}, lost {full - got}"


# ------------------------------------------------------------ bundled examples


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    r = run_cli("score", COUNTY, CITYDEPT, "-o", str(out / "通报.docx"), "--notice", NOTICE, "--per-unit", str(out / "各单位"), "--chart", str(out / "图"))
    assert r.exit_code == 0, r.stderr
    r = run_cli("score", COUNTY, CITYDEPT, "-o", str(out / "通报.pdf"), "--notice", NOTICE)
    assert r.exit_code == 0, r.stderr
    return out, _json(COUNTY, CITYDEPT)


def test_docx_ranking_tables_match_json(examples):
    out, units = examples
    _check_against_json(docx_rankings(out / "通报.docx"), units)


def test_ties_are_marked_and_listed_in_roster_order(examples):
    import yaml

    out, units = examples
    roster = [u["name"] for u in yaml.safe_load((ROOT / "rules" / "units.yaml").read_text(encoding="utf-8"))["units"]]
    doc = Document(str(out / "通报.docx"))
    tied_groups = 0
    for table in doc.tables:
        rows = [[c.text.replace("\n", "") for c in r.cells] for r in table.rows[1:]]
        by_rank: dict[str, list[str]] = {}
        for rank, unit, *_ in rows:
            by_rank.setdefault(rank, []).append(unit)
        for rank, names in by_rank.items():
            if len(names) > 1:
                tied_groups += 1
                assert rank.endswith("（并列）")
                assert names == sorted(names, key=roster.index)
            else:
                assert "并列" not in rank
    assert tied_groups >= 2


def test_docx_layout_follows_gbt_9704(examples):
    out, _ = examples
    doc = Document(str(out / "通报.docx"))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert (round(s.top_margin.mm), round(s.left_margin.mm)) == (37, 28)
    assert round(s.page_width.mm - s.left_margin.mm - s.right_margin.mm) == 156
    assert round(s.page_height.mm - s.top_margin.mm - s.bottom_margin.mm) == 225
    xml = zipfile.ZipFile(out / "通报.docx").read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋"' in xml and 'w:eastAsia="方正小标宋简体"' in xml and 'w:eastAsia="黑体"' in xml
    assert xml.count("<w:tblHeader") == 3, "each ranking table repeats its header row"
    assert xml.count("<w:tblBorders>") == 3
    assert '<w:sz w:val="44"/>' in xml, "title 2号 (22 pt)"
    styles = zipfile.ZipFile(out / "通报.docx").read("word/styles.xml").decode("utf-8")
    assert '<w:sz w:val="32"/>' in styles, "body 3号 (16 pt)"
    settings = zipfile.ZipFile(out / "通报.docx").read("word/settings.xml").decode("utf-8")
    assert "evenAndOddHeaders" in settings
    fonts = zipfile.ZipFile(out / "通报.docx").read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="方正小标宋简体"' in fonts and "宋体" in fonts
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "黄冈市政务公开领导小组办公室" in text and "2021年1月20日" in text
    assert not re.search(r"huanggang|county|citydept|\brank\b", text + " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)), "no internal ids or English words"


def test_ranking_cells_take_their_layout_from_styles(examples):
    """Every cell's fonts (Latin and East Asian), size, alignment and spacing
    come from its paragraph style: the header 黑体, the unit's name left, the
    rest centred, all 五号 off the body's grid; every row kept whole."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    out, _ = examples
    doc = Document(str(out / "通报.docx"))
    expected = {"gkTableHead": ("黑体", WD_ALIGN_PARAGRAPH.CENTER), "gkTableLeft": ("仿宋", WD_ALIGN_PARAGRAPH.LEFT), "gkTableBody": ("仿宋", WD_ALIGN_PARAGRAPH.CENTER)}
    for style_id, (font, align) in expected.items():
        style = next(s for s in doc.styles if s.style_id == style_id)
        assert style.base_style.name == "Normal"
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert {a: fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia")} == dict.fromkeys(("ascii", "hAnsi", "eastAsia"), font)
        assert style.font.size == Pt(10.5)
        pf = style.paragraph_format
        assert (pf.alignment, pf.line_spacing, pf.space_before, pf.space_after) == (align, 1.0, Pt(1.5), Pt(1.5))
        assert style.element.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    assert len(doc.tables) == 3
    for table in doc.tables:
        for n, row in enumerate(table.rows):
            tr_pr = row._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None, "a row never splits across pages"
            assert (tr_pr.find(qn("w:tblHeader")) is not None) == (n == 0), "the header row repeats on every page"
            for i, cell in enumerate(row.cells):
                want = "gkTableHead" if n == 0 else "gkTableLeft" if i == 1 else "gkTableBody"
                for p in cell.paragraphs:
                    assert p.style.style_id == want, (n, i, cell.text)
                    # nothing in the cell overrides its style
                    assert p._p.pPr.find(qn("w:jc")) is None and all(r._r.rPr is None for r in p.runs)
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        assert [int(c._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for c in table.rows[0].cells] == grid, "the header's cells give the grid's widths"


def test_pack_tables_take_their_layout_from_styles(examples):
    """A unit's form: the same styles (1 pt above and below), figures
    centred, texts left, the header repeated, rows kept whole."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    out, _ = examples
    doc = Document(str(out / "各单位" / "县(市、区)政府" / "黄州区.docx"))
    styles = {s.style_id: s for s in doc.styles if s.style_id.startswith("gkTable")}
    for style_id, font, align in (("gkTableHead", "黑体", WD_ALIGN_PARAGRAPH.CENTER), ("gkTableBody", "仿宋", WD_ALIGN_PARAGRAPH.CENTER), ("gkTableLeft", "仿宋", WD_ALIGN_PARAGRAPH.LEFT)):
        style = styles[style_id]
        assert style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == font and style.font.size == Pt(10.5)
        assert (style.paragraph_format.alignment, style.paragraph_format.space_before) == (align, Pt(1))
    lost = doc.tables[1]
    assert [c.text for c in lost.rows[0].cells][:3] == ["序号", "指标", "评分细则"]
    assert lost.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for row in lost.rows[1:]:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert [c.paragraphs[0].style.style_id for c in row.cells] == ["gkTableBody", "gkTableLeft", "gkTableLeft", "gkTableBody", "gkTableBody", "gkTableBody", "gkTableLeft", "gkTableLeft", "gkTableLeft", "gkTableLeft"]


def test_pdf_embeds_chinese_fonts_and_holds_every_unit(examples):
    out, units = examples
    fonts = subprocess.run([_tool("pdffonts"), str(out / "通报.pdf")], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all("yes" in r[-5:-3] for r in rows), fonts  # emb and sub columns
    assert any("CJK" in r[0] for r in rows), fonts
    text = pdf_text(out / "通报.pdf")
    flat = re.sub(r"\s", "", text)
    for u in units:
        assert u["unit"] in flat, u["unit"]
        assert _fixed(u["total"]) in text, (u["unit"], u["total"])
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text), "page numbers — 1 —"


def test_per_unit_packs(examples):
    out, units = examples
    check_pack(out / "各单位", units)
    assert {p.name for p in (out / "各单位").iterdir()} == {"县(市、区)政府", "开设有网站的市直部门(A类)", "未开设网站的市直部门(B类)"}


def test_what_was_found_is_in_words(examples):
    out, _ = examples
    doc = Document(str(out / "各单位" / "县(市、区)政府" / "黄州区.docx"))
    found = [r.cells[6].text for r in doc.tables[1].rows[1:]]
    assert "政务公开工作在政府目标绩效考核中的分值比重 3.5%，低于 4%，未得 1 分" in found
    assert any("× 0.2 分" in f for f in found)


def test_chart_files_per_group(examples):
    from PIL import Image

    out, _ = examples
    pngs = sorted((out / "图").glob("*.png"))
    svgs = sorted((out / "图").glob("*.svg"))
    assert [p.stem for p in pngs] == [p.stem for p in svgs] and len(pngs) == 3
    for p in pngs:
        with Image.open(p) as im:
            assert im.width > 600 and im.height > 300
    for s in svgs:
        assert "<path" in s.read_text(encoding="utf-8")


def test_pdf_without_libreoffice_says_how_to_install(monkeypatch, tmp_path):
    from gkscore.documents import pdf

    monkeypatch.setattr(pdf, "soffice", lambda: None)
    r = run_cli("score", COUNTY, "-o", str(tmp_path / "通报.pdf"))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "apt-get install libreoffice-writer-nogui" in lines[0]
    assert not (tmp_path / "通报.pdf").exists()


def test_docx_needs_an_output_file_and_a_bad_notice_is_refused_before_scoring(tmp_path):
    r = run_cli("score", COUNTY, "--format", "docx")
    assert r.exit_code == 2 and "-o" in r.stderr
    bad = tmp_path / "n.yaml"
    bad.write_text("标题: 关于{年份}\n", encoding="utf-8")
    r = run_cli("score", COUNTY, "-o", str(tmp_path / "x.docx"), "--notice", str(bad))
    assert r.exit_code == 1 and "n.yaml:1:5" in r.stderr
    assert not (tmp_path / "x.docx").exists()


def test_windows_unsafe_unit_names(tmp_path):
    """Units named CON, with / : * ? or a trailing dot get files Windows opens."""
    gen = _gen()
    made = gen.generate(3, tmp_path / "in", tables=("county",), formats=("csv",))["county"]
    names = {"县1": "CON", "县2": "市/区:一*?", "县3": "尾点."}
    for path in (made["units"], made["csv"][0]):
        text = path.read_text(encoding="utf-8")
        for old, new in names.items():
            text = text.replace(f"{old},", f"{new},").replace(f"name: {old},", f"name: '{new}',").replace(f"name: {old}}}", f"name: '{new}'}}")
        path.write_text(text, encoding="utf-8")
    r = run_cli("score", "--units", str(made["units"]), str(made["csv"][0]), "--per-unit", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    files = sorted(p.name for p in (tmp_path / "out").rglob("*.docx"))
    assert files == sorted(["CON_.docx", "市／区：一＊？.docx", "尾点.docx"]), files


def test_help_does_not_import_document_libraries():
    code = (
        "import sys\n"
        "from gkscore.cli import main\n"
        "try:\n    main(['score', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('docx', 'matplotlib', 'lxml', 'openpyxl', 'pydantic') if m in sys.modules]\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip().endswith("HEAVY="), out.stderr


# ------------------------------------------------------------ 500 units


def _gen():
    spec = importlib.util.spec_from_file_location("gkscore_bench_gen_documents", ROOT / "benchmarks" / "gen.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_500_units(tmp_path):
    made = _gen().generate(500, tmp_path / "in", tables=("citydept",), formats=("csv",))["citydept"]
    args = ["--units", str(made["units"]), str(made["csv"][0])]
    out = tmp_path / "out"
    out.mkdir()
    r = run_cli("score", *args, "-o", str(out / "通报.pdf"), "--per-unit", str(out / "packs"), "--chart", str(out / "charts"))
    assert r.exit_code == 0, r.stderr
    r = run_cli("score", *args, "-o", str(out / "通报.docx"))
    assert r.exit_code == 0, r.stderr
    units = _json(*args)
    assert len(units) == 500
    _check_against_json(docx_rankings(out / "通报.docx"), units)
    text = pdf_text(out / "通报.pdf")
    flat = re.sub(r"\s", "", text)  # pdftotext puts a space where the font changes (部门 346)
    for u in units:
        assert re.sub(r"\s", "", u["unit"]) in flat and _fixed(u["total"]) in flat
    check_pack(out / "packs", units, sample_every=25)
    assert len(list((out / "charts").glob("*.png"))) == len(list((out / "charts").glob("*.svg"))) == 2
