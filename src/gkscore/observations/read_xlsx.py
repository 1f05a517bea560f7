"""Reading an xlsx into Grids: python-calamine (default, fast) or openpyxl
read-only.  Both give identical grids: calamine trims leading empty rows and
columns, so its ``start`` offset is added back to every position."""

from __future__ import annotations

from .grid import Grid, check_zip, fail, norm_cell

READERS = ("calamine", "openpyxl")


def _calamine(path: str) -> list[Grid]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine raises its own error types
        raise fail(path, f"cannot read the workbook ({type(exc).__name__}: {exc}); save it again as .xlsx")
    grids = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            grid = Grid(meta.name)
            start = sheet.start
            if start is not None:
                r0, c0 = start
                for ri, row in enumerate(sheet.to_python(skip_empty_area=True)):
                    out = {}
                    for ci, value in enumerate(row):
                        v = norm_cell(value)
                        if v is not None:
                            out[c0 + ci + 1] = v
                    if out:
                        grid.cells[r0 + ri + 1] = out
            grids.append(grid)
    except Exception as exc:
        if hasattr(exc, "problems"):
            raise
        raise fail(path, f"cannot read the workbook ({type(exc).__name__}: {exc}); save it again as .xlsx")
    finally:
        wb.close()
    return grids


def _openpyxl(path: str) -> list[Grid]:
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise fail(path, f"cannot read the workbook ({type(exc).__name__}: {exc}); save it again as .xlsx")
    grids = []
    try:
        for ws in wb.worksheets:
            grid = Grid(ws.title)
            ws.reset_dimensions()
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                out = {}
                for c, value in enumerate(row, start=1):
                    v = norm_cell(value)
                    if v is not None:
                        out[c] = v
                if out:
                    grid.cells[r] = out
            grids.append(grid)
    except Exception as exc:
        raise fail(path, f"cannot read the workbook ({type(exc).__name__}: {exc}); save it again as .xlsx")
    finally:
        wb.close()
    return grids


def read_grids(path: str, reader: str = "calamine") -> list[Grid]:
    check_zip(path)
    if reader == "calamine":
        return _calamine(path)
    if reader == "openpyxl":
        return _openpyxl(path)
    raise ValueError(f"unknown reader {reader!r} (choose {', '.join(READERS)})")
