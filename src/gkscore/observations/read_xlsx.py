"""Reading an xlsx into Grids: python-calamine (default, fast) or openpyxl
read-only.  Both give identical grids: calamine trims leading empty rows and
columns, so its ``start`` offset is added back to every position.

Before either reader runs, the zip is checked (``grid.check_zip``) and every
part scanned (``xlsx_scan.scan_xlsx``): hostile files are refused the same way
whichever reader is chosen, the openpyxl reader stops at the last cell that
holds something (a million empty formatted rows cost nothing), and formulas,
error values and merged ranges -- which the readers cannot see or see
differently -- come from the scan, for both.
"""

from __future__ import annotations

from .grid import Grid, check_zip, fail, norm_cell
from .xlsx_scan import SheetInfo, scan_xlsx

READERS = ("calamine", "openpyxl")


def _calamine(path: str, infos: dict[str, SheetInfo]) -> list[Grid]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine raises its own error types
        raise fail(path, f"cannot read the workbook ({type(exc).__name__}: {_short(exc)}); save it again as .xlsx")
    grids = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet or meta.name not in infos:
                continue
            grid = Grid(meta.name)
            grids.append(grid)
            if infos[meta.name].max_row == 0:
                continue  # nothing in it: do not let calamine build a range
            sheet = wb.get_sheet_by_name(meta.name)
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
    except Exception as exc:
        if hasattr(exc, "problems"):
            raise
        raise fail(path, f"cannot read the workbook ({type(exc).__name__}: {_short(exc)}); save it again as .xlsx")
    finally:
        wb.close()
    return grids


def _openpyxl(path: str, infos: dict[str, SheetInfo]) -> list[Grid]:
    import warnings

    from openpyxl import load_workbook

    grids = []
    # A file object, not the path: openpyxl refuses names not ending in .xlsx,
    # while the content decides here (as for calamine).
    with open(path, "rb") as fh:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:
            raise fail(path, f"cannot read the workbook ({type(exc).__name__}: {_short(exc)}); save it again as .xlsx")
        try:
            for ws in wb.worksheets:
                info = infos.get(ws.title)
                if info is None:
                    continue
                grid = Grid(ws.title)
                grids.append(grid)
                if info.max_row == 0:
                    continue
                ws.reset_dimensions()
                rows = ws.iter_rows(min_row=1, max_row=info.max_row, min_col=1, max_col=info.max_col, values_only=True)
                for r, row in enumerate(rows, start=1):
                    out = {}
                    for c, value in enumerate(row, start=1):
                        v = norm_cell(value)
                        if v is not None:
                            out[c] = v
                    if out:
                        grid.cells[r] = out
        except Exception as exc:
            if hasattr(exc, "problems"):
                raise
            raise fail(path, f"cannot read the workbook ({type(exc).__name__}: {_short(exc)}); save it again as .xlsx")
        finally:
            wb.close()
    return grids


def _short(exc: Exception, n: int = 160) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def read_grids(path: str, reader: str = "calamine") -> list[Grid]:
    if reader not in READERS:
        raise ValueError(f"unknown reader {reader!r} (choose {', '.join(READERS)})")
    check_zip(path)
    infos = scan_xlsx(path)
    grids = _calamine(path, infos) if reader == "calamine" else _openpyxl(path, infos)
    for g in grids:
        info = infos[g.title]
        g.formulas, g.errors, g.merged = dict(info.formulas), dict(info.errors), list(info.merged)
        for (r, c), text in info.errors.items():
            # calamine and openpyxl spell error cells differently: use the file's text
            g.cells.setdefault(r, {})[c] = text
    return grids
