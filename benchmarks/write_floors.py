"""The bare write floors: the content gkscore wrote, written again with nothing
but the library, timed around the writing only.

    python benchmarks/write_floors.py KIND SOURCE... OUT

Each floor takes what gkscore wrote (or, for a template, the rows gkscore's
template functions give) without timing it (reading or making the content
is not writing it) and writes the same content with the bare library into
OUT, unit by unit or row by row, so that 100,000 units fit in memory as
gkscore's own writers do.  It prints ``floor-seconds S`` (the CPU time of the writing alone: the
figure the benchmark compares with gkscore's CPU time), and for the
xlsx floors each writer's own figure (``floor-openpyxl``, ``floor-xlsxwriter``;
the floor is the faster one, XlsxWriter only when installed).

json: the json module (``json.dumps(unit, indent=2, ensure_ascii=False)``,
the layout gkscore writes; numbers as floats, whose repr is the same text
for these figures).  csv: the csv module's ``writerow`` of gkscore's rows.
text: the lines of a markdown or text report.  xlsx: every sheet of a report
workbook (read with python-calamine), its cells written in openpyxl's
write-only mode (the writer gkscore uses); xlsx-formulas: the same for the
formula workbook, its formulas read with openpyxl.  template-csv, template-long,
template-sheets RULES UNITS OUT: the template's cells, from gkscore's own
rows, with the csv module, or with openpyxl write-only and XlsxWriter
constant_memory: the same cells, the input cells styled (unlocked, filled,
date format) and the same data validations.
"""

from __future__ import annotations

import json
import sys
import time


def _json_units(path: str):
    """The results document's units one at a time: after the line that opens
    ``"units"``, gkscore writes each unit from a line ``    {`` to a line
    ``    }`` (or ``    },``)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith('  "units": '):
                break
        buf: list[str] | None = None
        for line in fh:
            if buf is None:
                if line == "    {\n":
                    buf = [line]
                continue
            buf.append(line)
            if line in ("    }\n", "    },\n"):
                yield json.loads("".join(buf).rstrip().rstrip(","))
                buf = None


def json_floor(src: str, out: str) -> tuple[float, int]:
    clock, n = Clock(), 0
    with open(src, encoding="utf-8") as fh:
        head = json.loads(fh.read(1 << 16).split('"units": ', 1)[0].rstrip().rstrip(",") + "}")
    with open(out, "w", encoding="utf-8") as fh:
        with clock:
            fh.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "units": [')
        first = True
        for unit in _json_units(src):
            with clock:
                fh.write(("\n" if first else ",\n") + json.dumps(unit, indent=2, ensure_ascii=False))
            first = False
            n += 1
        with clock:
            fh.write("\n  ]\n}\n")
    return clock.spent, n


class Clock:
    """CPU seconds spent inside ``with clock:`` blocks (this process's: on a
    shared machine the wall clock also counts the other processes' turns)."""

    def __init__(self) -> None:
        self.spent = 0.0

    def __enter__(self):
        self._t = time.process_time()

    def __exit__(self, *exc):
        self.spent += time.process_time() - self._t


def csv_floor(src: str, out: str) -> tuple[float, int]:
    import csv

    clock, n = Clock(), 0
    with open(src, encoding="utf-8-sig", newline="") as fh, open(out, "w", encoding="utf-8", newline="") as fo:
        w = csv.writer(fo, lineterminator="\r\n")
        with clock:
            fo.write("\ufeff")
        batch = []
        for row in csv.reader(fh):
            batch.append(row)
            if len(batch) >= 1000:
                with clock:
                    w.writerows(batch)
                n += len(batch)
                batch = []
        with clock:
            w.writerows(batch)
        n += len(batch)
    return clock.spent, n


def text_floor(src: str, out: str) -> tuple[float, int]:
    clock, n = Clock(), 0
    with open(src, encoding="utf-8") as fh, open(out, "w", encoding="utf-8") as fo:
        batch = []
        for line in fh:
            batch.append(line)
            if len(batch) >= 1000:
                with clock:
                    fo.write("".join(batch))
                n += len(batch)
                batch = []
        with clock:
            fo.write("".join(batch))
        n += len(batch)
    return clock.spent, n


def xlsx_floor(src: str, out: str) -> tuple[float, int]:
    import python_calamine as pc
    from openpyxl import Workbook

    clock, n = Clock(), 0
    book = pc.CalamineWorkbook.from_path(src)
    with clock:
        wb = Workbook(write_only=True)
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        with clock:
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append([None if v == "" else v for v in row])
        n += len(rows)
        del rows
    with clock:
        wb.save(out)
    return clock.spent, n


def xlsx_formulas_floor(src: str, out: str) -> tuple[float, int]:
    """A formula workbook's cells, formulas as formulas (openpyxl reads them;
    python-calamine gives only cached values, which it has none of)."""
    from openpyxl import Workbook, load_workbook

    clock, n = Clock(), 0
    book = load_workbook(src, read_only=True, data_only=False)
    with clock:
        wb = Workbook(write_only=True)
    for sheet in book.worksheets:
        with clock:
            ws = wb.create_sheet(sheet.title)
        batch = []
        for row in sheet.iter_rows(values_only=True):
            batch.append(row)
            if len(batch) >= 1000:
                with clock:
                    for r in batch:
                        ws.append(r)
                n += len(batch)
                batch = []
        with clock:
            for r in batch:
                ws.append(r)
        n += len(batch)
    book.close()
    with clock:
        wb.save(out)
    return clock.spent, n


# ------------------------------------------------------------ templates


def _template_content(rules: str, units: str):
    """(units file loaded, [(unit, [(row values, field type, validation key, per cell)])])
    from gkscore's own template rows and validation rules."""
    from gkscore.observations.layout import INPUT_COLUMNS, LONG_COLUMNS, SHEET_COLUMNS, rules_tag
    from gkscore.observations.template_rows import class_label, long_record, select_units, unit_specs
    from gkscore.observations.validation import ListStore, rule_for
    from gkscore.rules.load import load_rules, load_units

    lr, lu = load_rules(rules), load_units(units)
    tag = rules_tag(lr.ruleset.id, lr.sha256)
    store = ListStore()
    chosen = select_units(lr, lu)
    for unit, specs in unit_specs(lr, chosen):
        rows = []
        cls = class_label(lr.ruleset, unit.cls)
        for spec in specs:
            rec = long_record(tag, unit, spec, cls)
            key, per_cell = rule_for(spec.field, unit.cls, "{cell}", store)
            rows.append((rec, spec.field.type, key, per_cell))
        yield unit, rows, (LONG_COLUMNS, SHEET_COLUMNS, INPUT_COLUMNS)


def template_csv_floor(rules: str, units: str, out: str) -> tuple[float, int]:
    import csv

    from gkscore.observations.layout import LONG_COLUMNS, inert_csv

    clock, n = Clock(), 0
    with open(out, "w", encoding="utf-8", newline="") as fo:
        w = csv.writer(fo, lineterminator="\r\n")
        with clock:
            fo.write("\ufeff")
            w.writerow(LONG_COLUMNS)
        for _unit, rows, _cols in _template_content(rules, units):
            cells = [[inert_csv(str(rec[k])) for k in LONG_COLUMNS] for rec, _t, _k, _p in rows]
            with clock:
                w.writerows(cells)
            n += len(cells)
    return clock.spent, n


def _openpyxl_template(rules: str, units: str, out: str, layout: str) -> tuple[float, int]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    clock, n = Clock(), 0
    with clock:
        wb = Workbook(write_only=True)
        fill, unlocked = PatternFill("solid", fgColor="FFF2CC"), Protection(locked=False)
    ws, row_no, sheet_no = None, 0, 0
    for unit, rows, (long_cols, sheet_cols, inputs) in _template_content(rules, units):
        cols = long_cols if layout == "long" else sheet_cols
        vcol = chr(ord("A") + cols.index("value"))
        with clock:
            if ws is None or layout == "sheets" or row_no + len(rows) > 1_048_575:
                if ws is not None:
                    ws.close()
                sheet_no += 1
                ws = wb.create_sheet(f"s{sheet_no}")
                ws.protection.sheet = True
                blank = WriteOnlyCell(ws)
                blank.fill, blank.protection = fill, unlocked
                date = WriteOnlyCell(ws)
                date.fill, date.protection, date.number_format = fill, unlocked, "yyyy-mm-dd"
                ws.append(cols)
                row_no = 1
            groups = {}
            for rec, ftype, key, per_cell in rows:
                row_no += 1
                ws.append([(date if ftype == "date" and k == "value" else blank) if k in inputs else rec[k] for k in cols])
                if per_cell:
                    kw = dict(key)
                    kw["formula1"] = kw["formula1"].replace("{cell}", f"{vcol}{row_no}")
                    kw.pop("_msg")
                    dv = DataValidation(**kw, allow_blank=True, showErrorMessage=True)
                    dv.sqref = f"{vcol}{row_no}"
                    ws.data_validations.append(dv)
                else:
                    groups.setdefault(key, []).append(f"{vcol}{row_no}")
            for key, cells in groups.items():
                kw = dict(key)
                kw.pop("_msg")
                dv = DataValidation(**kw, allow_blank=True, showErrorMessage=True)
                dv.sqref = " ".join(cells)
                ws.data_validations.append(dv)
        n += len(rows)
    with clock:
        wb.save(out)
    return clock.spent, n


def _xlsxwriter_template(rules: str, units: str, out: str, layout: str) -> tuple[float, int]:
    import xlsxwriter

    clock, n = Clock(), 0
    with clock:
        wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
        blank = wb.add_format({"locked": False, "bg_color": "#FFF2CC"})
        date = wb.add_format({"locked": False, "bg_color": "#FFF2CC", "num_format": "yyyy-mm-dd"})
    ws, row_no, sheet_no = None, 0, 0
    names = {"list": "list", "whole": "integer", "decimal": "decimal", "date": "date", "custom": "custom"}
    for unit, rows, (long_cols, sheet_cols, inputs) in _template_content(rules, units):
        cols = long_cols if layout == "long" else sheet_cols
        vi = cols.index("value")
        with clock:
            if ws is None or layout == "sheets" or row_no + len(rows) > 1_048_575:
                sheet_no += 1
                ws = wb.add_worksheet(f"s{sheet_no}")
                ws.protect()
                ws.write_row(0, 0, cols)
                row_no = 0
            for rec, ftype, key, _per_cell in rows:
                row_no += 1
                for c, k in enumerate(cols):
                    if k in inputs:
                        ws.write_blank(row_no, c, None, date if ftype == "date" and k == "value" else blank)
                    else:
                        ws.write_string(row_no, c, rec[k])
                kw = dict(key)
                opts = {"validate": names[kw["type"]], "ignore_blank": True, "error_type": "stop"}
                f1 = kw.get("formula1", "").replace("{cell}", xlsxwriter.utility.xl_rowcol_to_cell(row_no, vi))
                if kw["type"] == "list":
                    opts["source"] = f1 if not f1.startswith('"') else f1.strip('"').split(",")
                elif kw["type"] == "custom":
                    opts["value"] = f1
                else:
                    opts["criteria"] = {"between": "between", "greaterThanOrEqual": ">="}.get(kw.get("operator"), "between")
                    if opts["criteria"] == "between":
                        opts["minimum"], opts["maximum"] = f1, kw.get("formula2")
                    else:
                        opts["value"] = f1
                    if kw["type"] == "date":
                        import datetime as dt

                        opts["minimum"], opts["maximum"] = dt.date(1900, 1, 1), dt.date(9999, 12, 31)
                ws.data_validation(row_no, vi, row_no, vi, opts)
        n += len(rows)
    with clock:
        wb.close()
    return clock.spent, n


def _template_xlsx(layout: str):
    def floor(rules: str, units: str, out: str, writers: str = "openpyxl,xlsxwriter") -> tuple[float, int]:
        # ``writers``: both by default; one alone where the smaller sizes
        # showed which is faster (each takes most of an hour at 100,000 units)
        chosen = writers.split(",")
        figures = []
        if "openpyxl" in chosen:
            spent, n = _openpyxl_template(rules, units, out, layout)
            print(f"floor-openpyxl {spent:.4f}")
            figures.append(spent)
        if "xlsxwriter" in chosen:
            try:
                import xlsxwriter  # noqa: F401
            except ImportError:
                if not figures:
                    raise SystemExit("the XlsxWriter floor needs XlsxWriter: pip install xlsxwriter")
            else:
                other, n = _xlsxwriter_template(rules, units, out + ".xlsxwriter.xlsx", layout)
                print(f"floor-xlsxwriter {other:.4f}")
                figures.append(other)
        if not figures:
            raise SystemExit(f"no template floor writer among {writers!r}: openpyxl, xlsxwriter")
        return min(figures), n

    return floor


FLOORS = {"json": json_floor, "csv": csv_floor, "text": text_floor, "xlsx": xlsx_floor, "xlsx-formulas": xlsx_formulas_floor,
          "template-csv": template_csv_floor, "template-long": _template_xlsx("long"), "template-sheets": _template_xlsx("sheets")}


def main(argv: list[str]) -> int:
    kind, args = argv[0], argv[1:]
    if kind not in FLOORS:
        raise SystemExit(f"unknown floor {kind!r}; one of {', '.join(FLOORS)}")
    spent, n = FLOORS[kind](*args)
    print(f"floor-seconds {spent:.4f}")
    print(f"written {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
