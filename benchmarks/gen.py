"""Synthetic inputs for the benchmark: a units file and filled observations.

    python benchmarks/gen.py --units 1000 --out benchmarks/data/1000

For each bundled table (county: class county; citydept: classes A and B) and a
size N, writes under the output folder:

* ``units_<table>.yaml``: N synthetic units of the table's classes
  (format gkscore-units/1, the bundled classes);
* ``<table>.csv``: every unit's fields, filled with random valid values
  (columns unit,class,item,field,type,value,evidence,scorer,rules);
* ``<table>_long.xlsx``: the same rows on one long-layout sheet (观测),
  columns unit,class,item,field,value,evidence,scorer, the rules recorded in
  the hidden ``_gkscore`` sheet;
* ``<table>_sheets.xlsx`` (N <= 1000): the sheet-per-unit template filled in.

Large sizes are split into several files (``<table>.part01.csv`` ...) so that
each stays within the readers' size limits (256 MB csv, 256 MB per xlsx part)
and Excel's 1,048,576 rows; gkscore merges the parts (集中评分).  Values come
from a seeded generator, so the files are the same from run to run.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from gkscore.observations.layout import LONG_SHEET, META_SHEET, rules_tag
from gkscore.observations.samples import as_text, sample_value
from gkscore.observations.spec import expected_fields, owners
from gkscore.rules.load import bundled_paths, load_rules

TABLES = {"county": (0, ["county"]), "citydept": (1, ["A", "B"])}
COLUMNS = ["unit", "class", "item", "field", "type", "value", "evidence", "scorer", "rules"]
SCORERS = ["考评专班-王敏", "考评专班-李强", "考评专班-陈静", "考评专班-周涛"]
CSV_UNITS_PER_FILE = 10_000  # ~130 MB of csv for the county table
XLSX_UNITS_PER_FILE = 10_000  # 960k rows (Excel: 1,048,576), ~230 MB of sheet xml (reader cap: 256 MiB)
# The long xlsx names its rules in the hidden _gkscore sheet, as the template
# does, and leaves out the type and rules columns: that keeps a 10k-unit county
# sheet within the reader's 256 MiB per-part limit.
XLSX_COLUMNS = ["unit", "class", "item", "field", "value", "evidence", "scorer"]


def unit_names(table: str, n: int) -> list[tuple[str, str]]:
    classes = TABLES[table][1]
    prefix = "县" if table == "county" else "部门"
    width = len(str(n))
    return [(f"{prefix}{i:0{width}d}", classes[i % len(classes)]) for i in range(1, n + 1)]


def units_yaml(table: str, n: int) -> str:
    out = io.StringIO()
    out.write("format: gkscore-units/1\n")
    out.write(f"id: bench-{table}-{n}\n")
    out.write(f"title: benchmark {table} {n}\n")
    out.write("classes: {county: 县(市、区)人民政府, A: 开设有网站的市直部门(A类), B: 未开设网站的市直部门(B类)}\n")
    out.write("units:\n")
    for name, cls in unit_names(table, n):
        out.write(f"- {{name: {name}, class: {cls}}}\n")
    return out.getvalue()


def table_tag(table: str) -> str:
    lr = load_rules(bundled_paths()[TABLES[table][0]])
    return rules_tag(lr.ruleset.id, lr.sha256)


def records(table: str, units: list[tuple[str, str]], seed: int = 2020):
    """One list per row, in COLUMNS order, typed values (value column typed)."""
    lr = load_rules(bundled_paths()[TABLES[table][0]])
    rs = lr.ruleset
    tag = rules_tag(rs.id, lr.sha256)
    index = owners(rs)
    specs = {c: expected_fields(rs, c, index) for c in rs.classes}
    rng = random.Random(seed)
    for name, cls in units:
        for spec in specs[cls]:
            value = sample_value(spec.field, cls, rng)
            evidence = f"https://gov.example/{name}/{spec.owner}" if rng.random() < 0.3 else ""
            scorer = SCORERS[rng.randrange(len(SCORERS))]
            yield [name, cls, spec.owner, spec.field_id, spec.field.type, value, evidence, scorer, tag]


def write_csv(path: Path, rows) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(COLUMNS)
        for r in rows:
            r[5] = as_text(r[5])
            w.writerow(r)
    os.replace(tmp, path)


def _col(c: int) -> str:
    s = ""
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def write_long_xlsx(path: Path, rows, tag: str) -> None:
    """A minimal long-layout workbook (shared strings, numbers as numbers), as
    Excel or openpyxl would save it, written directly for speed."""
    strings: dict[str, int] = {}

    def sst(text: str) -> int:
        i = strings.get(text)
        if i is None:
            i = strings[text] = len(strings)
        return i

    letters = [_col(c) for c in range(1, len(XLSX_COLUMNS) + 1)]
    keep = [COLUMNS.index(k) for k in XLSX_COLUMNS]
    vi = XLSX_COLUMNS.index("value")
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            fh = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            fh.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            buf = []

            def emit(r: int, vals) -> None:
                cells = []
                for letter, v in zip(letters, vals):
                    if v is None or v == "":
                        continue
                    if isinstance(v, bool):
                        v = "是" if v else "否"
                    if isinstance(v, (int, Decimal)):
                        cells.append(f'<c r="{letter}{r}"><v>{v}</v></c>')
                    else:
                        cells.append(f'<c r="{letter}{r}" t="s"><v>{sst(str(v))}</v></c>')
                buf.append(f'<row r="{r}">{"".join(cells)}</row>')

            emit(1, XLSX_COLUMNS)
            for r, vals in enumerate(rows, start=2):
                vals = [vals[i] for i in keep]
                if not isinstance(vals[vi], (bool, int, Decimal)):
                    vals[vi] = as_text(vals[vi])
                emit(r, vals)
                if len(buf) >= 10000:
                    fh.write("".join(buf))
                    buf.clear()
            fh.write("".join(buf))
            fh.write("</sheetData></worksheet>")
            fh.flush()
            fh.detach()
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as raw:
            fh = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            fh.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">')
            fh.write("".join(f"<si><t>{escape(s)}</t></si>" for s in strings))
            fh.write("</sst>")
            fh.flush()
            fh.detach()
        rid, sha = tag.rsplit("@", 1)
        meta = "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{k}</t></is></c><c r="B{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c></row>'
            for r, (k, v) in enumerate((("format", "gkscore-obs/1"), ("rules_id", rid), ("rules_sha256", sha), ("layout", "long")), start=1))
        zf.writestr("xl/worksheets/sheet2.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{meta}</sheetData></worksheet>'))
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"))
        zf.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        zf.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{LONG_SHEET}" sheetId="1" r:id="rId1"/>'
            f'<sheet name="{META_SHEET}" sheetId="2" state="hidden" r:id="rId3"/></sheets></workbook>'))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
            "</Relationships>"))
    os.replace(tmp, path)


def write_sheets_xlsx(path: Path, table: str, units_path: Path, seed: int = 2020) -> None:
    """The sheet-per-unit template, filled in (small sizes only: openpyxl)."""
    from gkscore.observations.layout import HEADER_ROW_SHEET, header_key
    from gkscore.observations.samples import as_cell
    from gkscore.observations.template_rows import select_units
    from gkscore.observations.template_xlsx import build_workbook
    from gkscore.rules.load import load_units

    lr = load_rules(bundled_paths()[TABLES[table][0]])
    lu = load_units(str(units_path))
    wb = build_workbook(lr, lu, select_units(lr, lu), layout="sheets")
    index = owners(lr.ruleset)
    rng = random.Random(seed)
    for ws in wb.worksheets:
        if ws.title == META_SHEET or ws.cell(row=HEADER_ROW_SHEET, column=1).value is None:
            continue
        cls = ws.cell(row=2, column=2).value
        cols = {header_key(ws.cell(row=HEADER_ROW_SHEET, column=c).value): c for c in range(1, ws.max_column + 1)}
        if "value" not in cols:
            continue
        for r in range(HEADER_ROW_SHEET + 1, ws.max_row + 1):
            item = ws.cell(row=r, column=cols["item"]).value
            field = ws.cell(row=r, column=cols["field"]).value
            if item is None or field is None:
                continue
            spec = index[item].specs[field]
            ws.cell(row=r, column=cols["value"]).value = as_cell(sample_value(spec.field, cls, rng))
            ws.cell(row=r, column=cols["scorer"]).value = SCORERS[rng.randrange(len(SCORERS))]
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    os.replace(tmp, path)


def chunks(units, size):
    for i in range(0, len(units), size):
        yield units[i:i + size]


def generate(n: int, out: Path, *, sheets_max: int = 1000, tables=tuple(TABLES), formats=("csv", "xlsx", "sheets")) -> dict:
    """Write every input for size n (skipping files already there); returns
    {table: {"units": path, "csv": [paths], "xlsx": [paths], "sheets": [paths]}}."""
    out.mkdir(parents=True, exist_ok=True)
    made: dict = {}
    for table in tables:
        units = unit_names(table, n)
        entry = made[table] = {"units": out / f"units_{table}.yaml", "csv": [], "xlsx": [], "sheets": []}
        if not entry["units"].exists():
            entry["units"].write_text(units_yaml(table, n), encoding="utf-8")
        for fmt, per_file in (("csv", CSV_UNITS_PER_FILE), ("xlsx", XLSX_UNITS_PER_FILE)):
            if fmt not in formats:
                continue
            parts = list(chunks(units, per_file))
            suffix = ".csv" if fmt == "csv" else "_long.xlsx"
            for i, part in enumerate(parts, start=1):
                name = f"{table}{suffix}" if len(parts) == 1 else f"{table}.part{i:02d}{suffix}"
                path = out / name
                if not path.exists():
                    # seed per part so the values do not depend on the chunking
                    rows = records(table, part, seed=2020 + i)
                    if fmt == "csv":
                        write_csv(path, rows)
                    else:
                        write_long_xlsx(path, rows, table_tag(table))
                entry[fmt].append(path)
        if "sheets" in formats and n <= sheets_max:
            path = out / f"{table}_sheets.xlsx"
            if not path.exists():
                write_sheets_xlsx(path, table, entry["units"])
            entry["sheets"].append(path)
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--tables", default=",".join(TABLES))
    ap.add_argument("--formats", default="csv,xlsx,sheets")
    a = ap.parse_args(argv)
    made = generate(a.units, a.out, tables=tuple(a.tables.split(",")), formats=tuple(a.formats.split(",")))
    for table, entry in made.items():
        for k, v in entry.items():
            print(table, k, v if not isinstance(v, list) else " ".join(map(str, v)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
