"""Shared helpers for the observation tests (no tests here)."""

from __future__ import annotations

import csv
import io
import random
import sys
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from openpyxl import load_workbook  # noqa: E402

from gkscore.observations.api import load_observations, write_template  # noqa: E402
from gkscore.observations.layout import header_key, label_key, un_inert  # noqa: E402
from gkscore.observations.samples import as_cell, as_text, sample_value  # noqa: E402
from gkscore.observations.spec import owners  # noqa: E402
from gkscore.problems import ProblemsError  # noqa: E402
from gkscore.rules.load import load_rules, load_units  # noqa: E402

DATA = HERE / "data" / "obs"
DEMO_RULES = DATA / "rules_demo.yaml"
DEMO_UNITS = DATA / "units_demo.yaml"
COUNTY = REPO / "rules" / "county_2020.yaml"
CITYDEPT = REPO / "rules" / "citydept_2020.yaml"
UNITS = REPO / "rules" / "units.yaml"


@lru_cache(maxsize=None)
def rules(path=DEMO_RULES):
    return load_rules(str(path))


@lru_cache(maxsize=None)
def units(path=DEMO_UNITS):
    return load_units(str(path))


def demo_template(tmp_path, name="obs.xlsx", *, fmt=None, layout="sheets", rules_path=DEMO_RULES, units_path=DEMO_UNITS, **kw) -> Path:
    out = tmp_path / name
    fmt = fmt or ("csv" if name.endswith(".csv") else "xlsx")
    if "classes" not in kw and "unit_names" not in kw and units_path == DEMO_UNITS:
        kw["classes"] = ["A", "B"]
    write_template(rules(rules_path), units(units_path), str(out), fmt=fmt, layout=layout, **kw)
    return out


def field_of(lr, owner, field):
    return owners(lr.ruleset)[owner].specs[field].field


def column(head, key: str) -> int:
    """The index of the header cell that names ``key`` (in either language, or the key)."""
    return next(i for i, h in enumerate(head) if header_key(h) == key)


def class_of(uu, unit_name) -> str:
    """A unit's class id (the template writes the class's name)."""
    return next(u.cls for u in uu.units.units if u.name == unit_name)


def read_csv_rows(path) -> list[list[str]]:
    text = Path(path).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def write_csv_rows(path, rows, *, encoding="utf-8-sig") -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    Path(path).write_bytes(buf.getvalue().encode(encoding))


def fill_csv(path, seed=0, lr=None, uu=None, value_fn=None, fixed=None) -> dict:
    """Fill every value cell with a random valid value (``fixed``: (item,
    field) -> the value to give instead); returns {key: value}."""
    lr, uu = lr or rules(), uu or units()
    rng = random.Random(seed)
    rows = read_csv_rows(path)
    head = rows[0]
    col = {k: column(head, k) for k in ("unit", "class", "item", "field", "value", "scorer")}
    expected = {}
    for row in rows[1:]:
        if not row:
            continue
        f = field_of(lr, row[col["item"]], row[col["field"]])
        v = sample_value(f, class_of(uu, un_inert(row[col["unit"]])), rng)
        v = (fixed or {}).get((row[col["item"]], row[col["field"]]), v)
        row[col["value"]] = value_fn(v) if value_fn else as_text(v)
        row[col["scorer"]] = "张三"
        expected[(un_inert(row[col["unit"]]), row[col["item"]], row[col["field"]])] = v
    write_csv_rows(path, rows)
    return expected


def _sheet_layout(ws):
    """(unit, class, header row, {key: col}) of a unit sheet or long sheet."""
    unit = cls = None
    for r in range(1, 31):
        keys = {}
        for c in range(1, ws.max_column + 1):
            v = ws.cell(r, c).value
            k = header_key(v)
            if k and k not in keys:
                keys[k] = c
            lk = label_key(v)
            if lk == "unit" and unit is None:
                unit = ws.cell(r, c + 1).value
            if lk == "class" and cls is None:
                cls = ws.cell(r, c + 1).value
        if {"item", "field", "value"} <= set(keys):
            return unit, cls, r, keys
    return None


def fill_xlsx(path, seed=0, lr=None, uu=None, cell_fn=None, fixed=None) -> dict:
    lr, uu = lr or rules(), uu or units()
    rng = random.Random(seed)
    wb = load_workbook(path)
    expected = {}
    for ws in wb.worksheets:
        lay = _sheet_layout(ws)
        if lay is None:
            continue
        unit, cls, hr, keys = lay
        for r in range(hr + 1, ws.max_row + 1):
            item = ws.cell(r, keys["item"]).value
            if not item:
                continue
            field = ws.cell(r, keys["field"]).value
            u = ws.cell(r, keys["unit"]).value if "unit" in keys else unit
            v = sample_value(field_of(lr, item, field), class_of(uu, u), rng)
            v = (fixed or {}).get((item, field), v)
            ws.cell(r, keys["value"]).value = cell_fn(v) if cell_fn else as_cell(v)
            ws.cell(r, keys["scorer"]).value = "李四"
            expected[(u, item, field)] = v
    wb.save(path)
    return expected


def find_xlsx(path, unit, item, field, key="value"):
    """(sheet title, cell coordinate) of a unit's field in a filled workbook."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        lay = _sheet_layout(ws)
        if lay is None:
            continue
        u, _c, hr, keys = lay
        for r in range(hr + 1, ws.max_row + 1):
            uu = ws.cell(r, keys["unit"]).value if "unit" in keys else u
            if uu == unit and ws.cell(r, keys["item"]).value == item and ws.cell(r, keys["field"]).value == field:
                return ws.title, ws.cell(r, keys[key]).coordinate
    raise KeyError((unit, item, field))


def set_xlsx(path, sheet, cell, value) -> None:
    wb = load_workbook(path)
    wb[sheet][cell].value = value
    wb.save(path)


def find_csv(path, unit, item, field) -> int:
    """1-based physical line where a unit's field starts in a csv."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    head = next(reader)
    iu, ii, iff = column(head, "unit"), column(head, "item"), column(head, "field")
    prev = reader.line_num
    for row in reader:
        start, prev = prev + 1, reader.line_num
        if row and un_inert(row[iu]) == unit and row[ii] == item and row[iff] == field:
            return start
    raise KeyError((unit, item, field))


def set_csv(path, unit, item, field, key, text) -> int:
    """Set one cell of a csv; returns the line of that record."""
    line = find_csv(path, unit, item, field)
    rows = read_csv_rows(path)
    head = rows[0]
    for row in rows[1:]:
        if row and un_inert(row[column(head, "unit")]) == unit and row[column(head, "item")] == item and row[column(head, "field")] == field:
            row[column(head, key)] = text
    write_csv_rows(path, rows)
    return line


def load(paths, **kw):
    kw.setdefault("units", units())
    kw.setdefault("rules", [rules()])
    return load_observations([str(p) for p in paths], **kw)


def problems_of(paths, **kw) -> list[tuple]:
    """[(file name, sheet, cell or line, code)] of the problems raised."""
    try:
        load(paths, **kw)
    except ProblemsError as exc:
        return [(Path(p.file).name, p.sheet, p.cell or p.line, p.code) for p in exc.problems]
    return []


def values_of(sets) -> dict:
    return {k: o.value for s in sets for k, o in s.values.items()}
