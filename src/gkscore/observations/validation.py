"""Excel data validation for input cells that actually rejects wrong entries.

Every validation has ``showErrorMessage=True`` and ``errorStyle='stop'`` (the
openpyxl default writes 0 and lets anything through).  Cells with the same
rule share one validation object; judged scores get one per cell because their
formula refers to the cell itself.  Lists longer than Excel's 255-character
inline limit, or whose entries contain a comma or a quote, go on a hidden
sheet.  Pasting bypasses validation: the reader checks every value again.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation

from ..exact import fmt
from .allowed import allowed_text, score_bounds
from .layout import LISTS_SHEET, clean_text

MAX_DATE_SERIAL = 2958465  # 9999-12-31


class ListStore:
    """Long choice lists written to a hidden sheet, one column per list."""

    def __init__(self, wb) -> None:
        self.wb = wb
        self.ws = None
        self.known: dict[tuple[str, ...], str] = {}

    def ref(self, choices: list[str]) -> str:
        key = tuple(choices)
        if key in self.known:
            return self.known[key]
        if self.ws is None:
            self.ws = self.wb.create_sheet(LISTS_SHEET)
            self.ws.sheet_state = "hidden"
        col = len(self.known) + 1
        letter = get_column_letter(col)
        for row, choice in enumerate(choices, start=1):
            cell = self.ws.cell(row=row, column=col, value=clean_text(choice))
            cell.data_type = "s"
        ref = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}"
        self.known[key] = ref
        return ref


def _n(d) -> str:
    return fmt(d, None)


def _list_formula(choices: list[str], store: ListStore) -> str:
    inline = '"' + ",".join(choices) + '"'
    if len(inline) <= 255 and not any("," in c or '"' in c for c in choices):
        return inline
    return store.ref(choices)


def rule_for(field, cls: str, cell: str, store: ListStore) -> tuple[tuple, bool]:
    """(kwargs as a hashable tuple, per_cell) for one input cell."""
    t = field.type
    allowed = allowed_text(field, cls)
    if t == "bool":
        kw = dict(type="list", formula1='"是,否"')
        msg = "请从下拉列表选择 是 或 否"
    elif t == "choice":
        kw = dict(type="list", formula1=_list_formula(list(field.choices), store))
        msg = f"请从下拉列表选择：{allowed}"
    elif t == "count":
        if field.max is None:
            kw = dict(type="whole", operator="greaterThanOrEqual", formula1="0")
            msg = "请填写不小于 0 的整数"
        else:
            kw = dict(type="whole", operator="between", formula1="0", formula2=str(field.max))
            msg = f"请填写 0 到 {field.max} 之间的整数（抽查样本数 {field.max}）"
    elif t == "number":
        lo = _n(field.min) if field.min is not None else "-1E+307"
        hi = _n(field.max) if field.max is not None else "1E+307"
        kw = dict(type="decimal", operator="between", formula1=lo, formula2=hi)
        msg = f"请填写数字：{allowed}"
    elif t == "date":
        kw = dict(type="date", operator="between", formula1="1", formula2=str(MAX_DATE_SERIAL))
        msg = "请填写日期，例如 2021-03-31"
    elif t == "score":
        lo, hi, step = score_bounds(field, cls)
        lo_s, hi_s, st = _n(lo), _n(hi), _n(step)
        q = f"ROUND(({cell}-{lo_s})/{st},9)"
        formula = f"AND(ISNUMBER({cell}),{cell}>={lo_s},{cell}<={hi_s},{q}=INT({q}))"
        kw = dict(type="custom", formula1=formula)
        msg = f"请填写 {lo_s} 到 {hi_s} 之间、以 {st} 为步长的分数"
        return (tuple(sorted(kw.items())) + (("_msg", msg),), True)
    else:  # pragma: no cover
        raise ValueError(t)
    return (tuple(sorted(kw.items())) + (("_msg", msg),), False)


def _ranges(cells: list[str]) -> list[str]:
    """Compress cells of one column into ranges: I5 I6 I7 -> I5:I7."""
    by_col: dict[str, list[int]] = {}
    for cell in cells:
        m = re.fullmatch(r"([A-Z]+)(\d+)", cell)
        by_col.setdefault(m.group(1), []).append(int(m.group(2)))
    out = []
    for col, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            out.append(f"{col}{start}" if start == prev else f"{col}{start}:{col}{prev}")
            if r is not None:
                start = prev = r
    return out


class Validations:
    """Collects input cells of one sheet and adds the validations at the end."""

    def __init__(self, ws, store: ListStore) -> None:
        self.ws = ws
        self.store = store
        self.groups: dict[tuple, list[str]] = {}
        self.singles: list[tuple[tuple, str]] = []

    def add(self, field, cls: str, cell: str) -> None:
        key, per_cell = rule_for(field, cls, cell, self.store)
        if per_cell:
            self.singles.append((key, cell))
        else:
            self.groups.setdefault(key, []).append(cell)

    @staticmethod
    def _make(key: tuple) -> DataValidation:
        kw = dict(key)
        msg = kw.pop("_msg")
        return DataValidation(
            **kw,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="输入有误",
            error=msg,
            showInputMessage=True,
            promptTitle="填写要求",
            prompt=msg[:255],
        )

    def finish(self) -> None:
        for key, cells in self.groups.items():
            dv = self._make(key)
            # The ranges are disjoint: set them at once (dv.add checks each
            # new range against all earlier ones, quadratic in their number).
            dv.sqref = MultiCellRange(" ".join(_ranges(cells)))
            self.ws.add_data_validation(dv)
        for key, cell in self.singles:
            dv = self._make(key)
            dv.add(cell)
            self.ws.add_data_validation(dv)
