"""The long xlsx template, streamed: what the user gets (cells, styles,
validations, protection), and units past Excel's row limit going on in
``观测 (2)`` ..., read back like one sheet."""

from __future__ import annotations

from openpyxl import load_workbook

from test_obs_helpers import demo_template, fill_xlsx, rules, units

from gkscore.observations.api import load_observations
from gkscore.observations.layout import LONG_COLUMNS, META_SHEET, header_key
from gkscore.observations.template_long import sheet_titles, write_long_template
from gkscore.observations.template_rows import long_records, select_units


def test_units_go_on_in_a_new_sheet_whole(zh):
    assert sheet_titles([3, 3, 3], row_limit=7) == ["观测", "观测", "观测 (2)"]
    assert sheet_titles([10, 2], row_limit=7) == ["观测", "观测 (2)"]  # a unit longer than a sheet still gets one
    assert sheet_titles([], row_limit=7) == []


def _long_rows(wb):
    out = []
    for ws in wb.worksheets:
        if ws.title.startswith("观测"):
            keys = [header_key(c.value) for c in ws[1]]
            assert keys == LONG_COLUMNS
            for row in ws.iter_rows(min_row=2):
                out.append((ws.title, {k: c for k, c in zip(keys, row)}))
    return out


def test_every_field_once_with_input_cells_unlocked_and_validated(tmp_path, zh):
    path = demo_template(tmp_path, "long.xlsx", layout="long")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "说明" and wb[META_SHEET].sheet_state == "veryHidden"
    lr, uu = rules(), units()
    expected = [(u.name, spec.owner, spec.field_id, rec) for u, spec, rec in long_records(lr, select_units(lr, uu, ["A", "B"]))]
    rows = _long_rows(wb)
    assert [(c["unit"].value, c["item"].value, c["field"].value) for _t, c in rows] == [e[:3] for e in expected]
    ws = wb["观测"]
    assert ws.freeze_panes == "E2" and ws.protection.sheet and ws.auto_filter.ref == f"A1:N{len(rows) + 1}"
    for (_t, cells), (_u, _i, _f, rec) in zip(rows, expected):
        for k in LONG_COLUMNS:
            cell = cells[k]
            if k in ("value", "evidence", "scorer"):
                assert cell.protection.locked is False and cell.fill.fgColor.rgb.endswith("FFF2CC")
            else:
                assert (cell.value or "") == rec[k] and cell.protection.locked is not False
        v = cells["value"]
        assert (v.number_format == "yyyy-mm-dd") == (rec["type"] == "日期")
        assert sum(1 for dv in ws.data_validations.dataValidation if v.coordinate in dv.sqref) == 1, v.coordinate


def test_past_the_row_limit_the_units_go_on_in_more_sheets_and_read_the_same(tmp_path, zh):
    lr, uu = rules(), units()
    chosen = select_units(lr, uu, ["A", "B"])
    one, split = tmp_path / "one.xlsx", tmp_path / "split.xlsx"
    write_long_template(lr, uu, chosen, str(one))
    write_long_template(lr, uu, chosen, str(split), row_limit=25)
    wb = load_workbook(split)
    sheets = [t for t in wb.sheetnames if t.startswith("观测")]
    assert len(sheets) > 2 and sheets[1] == "观测 (2)"
    meta = wb[META_SHEET]
    assert [meta.cell(r, 2).value for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "sheet"] == sheets
    per_sheet = {}
    for title, cells in _long_rows(wb):
        per_sheet.setdefault(cells["unit"].value, set()).add(title)
        assert any(cells["value"].coordinate in dv.sqref for dv in wb[title].data_validations.dataValidation)
    assert all(len(s) == 1 for s in per_sheet.values())  # a unit on one sheet
    assert max(wb[t].max_row for t in sheets) <= 25
    for path in (one, split):
        fill_xlsx(path, seed=7)
    sets = [load_observations([str(p)], rules=[lr], units=uu) for p in (one, split)]
    read = [sorted((k, o.value) for k, o in s[0].values.items()) for s in sets]
    assert read[0] and read[0] == read[1]
