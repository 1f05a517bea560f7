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
from .xlsx_scan import scan_xlsx
from .xlsx_sheet import SheetInfo

READERS = ("calamine", "openpyxl")
_NO = object()


class CalamineGrid(Grid):
    """A sheet read by calamine whose rows become Python values on demand, one
    row at a time (``rows()`` may be called again): the cells are never all
    held as Python objects at once."""

    def __init__(self, title: str, sheet) -> None:
        super().__init__(title)
        self._sheet = sheet

    def release(self) -> None:
        super().release()
        self._sheet = None  # calamine's whole range: ~450 MB for 10,000 counties

    def normaliser(self):
        """A function: calamine's value -> the normalised cell (None for
        empty), as ``norm_cell`` gives it.  norm_cell of a float depends only
        on its value (equal floats have one repr; 0.0 and -0.0 both give 0):
        a sheet repeats a few numbers, so floats are cached."""
        fcache: dict[float, object] = {}

        def norm(value):
            t = value.__class__
            if t is str:
                return value or None  # norm_cell keeps a non-empty str as it is
            if value is None:
                return None
            if t is float:
                v = fcache.get(value, _NO)
                if v is _NO:
                    v = norm_cell(value)
                    if len(fcache) < 65536:
                        fcache[value] = v
                return v
            return norm_cell(value)

        return norm

    @property
    def first_col(self) -> int:
        """The sheet column (0-based) of index 0 in ``raw_rows``' lists."""
        start = self._sheet.start
        return 0 if start is None else start[1]

    @property
    def width(self) -> int:
        return self._sheet.width if self._sheet.start is not None else 0

    def raw_rows(self):
        """(row number, calamine's values as a list of ``width`` cells from
        column ``first_col`` + 1), without normalising or error texts: for
        the long layout's reader, which normalises the cells it reads."""
        sheet = self._sheet
        if sheet.start is None:
            return iter(())
        # iter_rows() (python-calamine 0.9) yields rows from the sheet's first
        # row (A1's row), but columns from the range's first column only;
        # tests/test_obs_read.py (calamine offsets) holds this in place.
        return enumerate(sheet.iter_rows(), 1)

    def rows(self):
        norm = self.normaliser()
        errors = self.errors
        by_row: dict[int, dict[int, str]] = {}
        for (r, c), text in errors.items():
            by_row.setdefault(r, {})[c] = text
        c0 = self.first_col
        for r, row in self.raw_rows():
            out = {}
            c = c0
            for value in row:
                c += 1
                v = norm(value)
                if v is not None:
                    out[c] = v
            if by_row:
                extra = by_row.pop(r, None)
                if extra:
                    out.update(extra)
            if out:
                yield r, out
        for r in sorted(by_row):  # error cells outside calamine's range (not expected)
            yield r, by_row[r]


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
            if infos[meta.name].max_row == 0:
                grids.append(Grid(meta.name))
                continue  # nothing in it: do not let calamine build a range
            grids.append(CalamineGrid(meta.name, wb.get_sheet_by_name(meta.name)))
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
        if isinstance(g, CalamineGrid):
            continue  # its rows() puts the error texts in
        for (r, c), text in info.errors.items():
            # calamine and openpyxl spell error cells differently: use the file's text
            g.cells.setdefault(r, {})[c] = text
    return grids
