"""Timing the documents (issue 13): the 通报 (docx, pdf), the per-unit packs
and the charts, against the same content written without layout, and the two
PDF routes (LibreOffice converting the docx; fpdf2 drawing the tables).

    python benchmarks/documents.py --units 500 [--out DIR]
    python benchmarks/documents.py --units 10000 --notice-only --runs 3

fpdf2 is not a gkscore dependency: install it to time the second route
(``pip install fpdf2``); without it that line is left out.  Prints one line
per measurement (seconds, best of ``--runs``); docs/documents.md quotes them.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _gen():
    spec = importlib.util.spec_from_file_location("gkscore_bench_gen", ROOT / "benchmarks" / "gen.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def best(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def plain_docx(template_parts, rows_of_tables, paragraphs) -> bytes:
    """The same texts as a docx without any layout: bare paragraphs and bare
    tables (no fonts, sizes, borders, widths), into python-docx's default package."""
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t>{escape(t)}</w:t></w:r></w:p>" for t in paragraphs)
    for rows in rows_of_tables:
        body += "<w:tbl>" + "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:tc>" for c in r) + "</w:tr>" for r in rows) + "</w:tbl>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in template_parts:
            if name == "word/document.xml":
                text = data.decode("utf-8")
                start, end = text.index("<w:body>") + len("<w:body>"), text.index("<w:sectPr")
                data = (text[:start] + body + text[end:]).encode("utf-8")
            z.writestr(name, data)
    return out.getvalue()


def plain_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fpdf_notice(tables, font_path: str) -> bytes:
    """The ranking tables drawn with fpdf2 and an embedded Noto CJK font: the
    PDF-library route (no title page, no charts: the tables alone)."""
    from fpdf import FPDF

    from gkscore.documents.notice_docx import table_cells, table_head

    pdf = FPDF(format="A4")
    pdf.set_margins(28, 37, 26)
    pdf.add_font("cjk", "", font_path, collection_font_number=2)  # SC face of the collection
    pdf.set_font("cjk", size=10.5)
    for t in tables:
        pdf.add_page()
        head = [h.replace("\n", "") for h in table_head(t)]
        from fpdf.fonts import FontFace

        with pdf.table(repeat_headings=1, line_height=6, headings_style=FontFace(emphasis="")) as table:
            table.row(head)
            for r in t.rows:
                table.row(table_cells(r))
    return bytes(pdf.output())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=500)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--packs-only", action="store_true", help="time the per-unit packs only (CPU seconds beside wall seconds)")
    ap.add_argument("--notice-only", action="store_true", help="time the tables-only 通报 docx only (CPU seconds, medians of --runs)")
    a = ap.parse_args(argv)
    work = a.out or Path(tempfile.mkdtemp(prefix="gkscore-docs-bench-"))
    made = _gen().generate(a.units, work / "in", tables=("citydept",), formats=("csv",))["citydept"]

    from gkscore.documents import api
    from gkscore.documents.charts import chart_files, pictures
    from gkscore.documents.pdf import docx_to_pdf
    from gkscore.documents.unit_pack import UnitDocx, lost_rows, unit_xlsx
    from gkscore.documents.view import ranking_tables, unit_sheets
    from gkscore.pipeline import Options, run

    t = time.perf_counter()
    result = run(Options(observations=[str(p) for p in made["csv"]], units=str(made["units"]), keep_items=False, keep_text=True))
    print(f"score {a.units} units (for reference): {time.perf_counter() - t:.2f} s")
    opts = api.DocumentOptions(charts_in_notice=False)
    tables = ranking_tables(result, 2)

    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        default_parts = [(n, z.read(n)) for n in z.namelist()]

    from gkscore.documents.notice_docx import table_cells, table_head

    if a.packs_only:
        return _packs(result, tables, default_parts, a.runs)
    if a.notice_only:
        return _notice_only(result, tables, default_parts, a.runs)
    docx_plain = best(lambda: plain_docx(default_parts, [[table_head(t)] + [table_cells(r) for r in t.rows] for t in tables], ["标题", "开头", "结尾"]), a.runs)
    docx_laid = best(lambda: api.notice_docx_bytes(result, opts), a.runs)
    print(f"通报 docx, tables only: laid out {docx_laid:.2f} s, without layout {docx_plain:.2f} s, ratio {docx_laid / docx_plain:.1f}")
    with_charts = best(lambda: api.notice_docx_bytes(result, api.DocumentOptions()), 1)
    n_pictures = sum(len(t.ranked) // 30 + 1 for t in tables)
    print(f"通报 docx with its {n_pictures} chart pictures: {with_charts:.2f} s")

    docx = api.notice_docx_bytes(result, api.DocumentOptions())
    if shutil.which("soffice"):
        lo = best(lambda: docx_to_pdf(docx, str(work / "通报.pdf")), a.runs)
        print(f"PDF route LibreOffice (docx -> pdf, own profile, start-up included): {lo:.2f} s")
    if importlib.util.find_spec("fpdf") is not None:
        font = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
        if os.path.exists(font):
            fp = best(lambda: fpdf_notice(tables, font), a.runs)
            size = len(fpdf_notice(tables, font))
            print(f"PDF route fpdf2 (tables only, CJK font subset embedded): {fp:.2f} s, {size // 1024} KiB")
    sheets = [s for _, s in unit_sheets(result, tables, 2)]
    notice = api._notice(result, opts)
    maker = UnitDocx()
    packs = best(lambda: [(maker(s, notice), unit_xlsx(s, notice)) for s in sheets], a.runs)
    plain_packs = best(lambda: [(plain_docx(default_parts, [lost_rows(s)], [s.unit, s.total]), plain_xlsx(lost_rows(s))) for s in sheets], a.runs)
    print(f"per-unit packs ({len(sheets)} units, docx + xlsx, content only): laid out {packs:.2f} s, without layout {plain_packs:.2f} s, ratio {packs / plain_packs:.1f}")
    t = time.perf_counter()
    list(unit_sheets(result, tables, 2))
    print(f"  of which each unit's items scored again and described: {time.perf_counter() - t:.2f} s")
    charts = best(lambda: [chart_files(t) for t in tables], 1)
    print(f"chart files (PNG + SVG per group, {len(tables)} groups): {charts:.2f} s")
    del pictures
    return 0


def cpu_median(fn, runs: int) -> float:
    """CPU seconds of ``fn()``, the median of ``runs`` (the machine is
    shared: its other jobs' turns count in wall time, not in CPU time)."""
    out = []
    for _ in range(runs):
        c = time.process_time()
        fn()
        out.append(time.process_time() - c)
    return statistics.median(out)


def _notice_only(result, tables, default_parts, runs: int) -> int:
    """The tables-only 通报 beside its texts without layout: the whole of
    ``notice_docx_bytes`` (its ranking tables and texts made from the run,
    then written) and the writing alone, from the same tables."""
    from gkscore.documents import api
    from gkscore.documents.notice_docx import notice_docx, table_cells, table_head

    opts = api.DocumentOptions(charts_in_notice=False)
    notice = api._notice(result, opts)
    # as ``gkscore score`` writes its reports and documents: the run's
    # objects out of the cycle collector's sight (gc.freeze), or each full
    # collection would walk 100,000 units' results again
    gc.collect()
    gc.freeze()
    plain = cpu_median(lambda: plain_docx(default_parts, [[table_head(t)] + [table_cells(r) for r in t.rows] for t in tables], ["标题", "开头", "结尾"]), runs)
    written = cpu_median(lambda: notice_docx(notice, tables, None), runs)
    whole = cpu_median(lambda: api.notice_docx_bytes(result, opts), runs)
    print(f"通报 docx, tables only ({sum(len(t.rows) for t in tables)} units, CPU, median of {runs}): written from its tables {written:.3f} s, "
          f"without layout {plain:.3f} s, ratio {written / plain:.2f}; with its tables made from the run {whole:.3f} s, ratio {whole / plain:.2f}")
    gc.unfreeze()
    return 0


def _packs(result, tables, default_parts, runs: int) -> int:
    """The per-unit packs beside the same content without layout, in CPU
    seconds (the machine is shared: its other jobs' turns count in wall
    time, not in CPU time) and wall seconds."""
    from gkscore.documents import api
    from gkscore.documents.unit_pack import UnitDocx, lost_rows, unit_xlsx
    from gkscore.documents.view import unit_sheets

    sheets = [s for _, s in unit_sheets(result, tables, 2)]
    notice = api._notice(result, api.DocumentOptions(charts_in_notice=False))
    maker = UnitDocx()

    def cpu_and_wall(fn) -> tuple[float, float]:
        out = []
        for _ in range(runs):
            c, w = time.process_time(), time.perf_counter()
            fn()
            out.append((time.process_time() - c, time.perf_counter() - w))
        return min(out)

    laid = cpu_and_wall(lambda: [(maker(s, notice), unit_xlsx(s, notice)) for s in sheets])
    plain = cpu_and_wall(lambda: [(plain_docx(default_parts, [lost_rows(s)], [s.unit, s.total]), plain_xlsx(lost_rows(s))) for s in sheets])
    print(f"per-unit packs ({len(sheets)} units, docx + xlsx, content only): laid out {laid[0]:.2f} s CPU ({laid[1]:.2f} s wall), "
          f"without layout {plain[0]:.2f} s CPU ({plain[1]:.2f} s wall), ratio {laid[0] / plain[0]:.2f} (CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
