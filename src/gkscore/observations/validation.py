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
from ..i18n import _, pgettext
from .allowed import allowed_text, score_bounds
from .layout import LISTS_SHEET, clean_text

MAX_DATE_SERIAL = 2958465  # 9999-12-31


class ListStore:
    """Long choice lists, written by ``write`` to a hidden sheet after the
    data sheets (one column per list) once every list is known."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, ...], str] = {}

    def ref(self, choices: list[str]) -> str:
        key = tuple(choices)
        if key in self.known:
            return self.known[key]
        letter = get_column_letter(len(self.known) + 1)
        ref = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}"
        self.known[key] = ref
        return ref

    def write(self, wb):
        """The lists sheet, when a list needs one (a workbook in write-only
        mode gets its rows appended)."""
        if not self.known:
            return None
        ws = wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        lists = list(self.known)
        if getattr(wb, "write_only", False):
            from openpyxl.cell import WriteOnlyCell

            def text(choice: str):
                cell = WriteOnlyCell(ws, clean_text(choice))
                cell.data_type = "s"
                return cell

            for row in range(max(len(c) for c in lists)):
                ws.append([text(c[row]) if row < len(c) else None for c in lists])
            return ws
        for col, choices in enumerate(lists, start=1):
            for row, choice in enumerate(choices, start=1):
                cell = ws.cell(row=row, column=col, value=clean_text(choice))
                cell.data_type = "s"
        return ws


def bool_choices() -> list[str]:
    """The drop-down list of a yes/no cell (是/否, or yes/no): the reader
    takes both languages' words."""
    return [pgettext("answer", "yes"), pgettext("answer", "no")]


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
        kw = dict(type="list", formula1=_list_formula(bool_choices(), store))
        msg = _("choose yes or no from the drop-down list")
    elif t == "choice":
        kw = dict(type="list", formula1=_list_formula(list(field.choices), store))
        msg = _("choose from the drop-down list: {allowed}").format(allowed=allowed)
    elif t == "count":
        if field.max is None:
            kw = dict(type="whole", operator="greaterThanOrEqual", formula1="0")
            msg = _("fill in a whole number not below 0")
        else:
            kw = dict(type="whole", operator="between", formula1="0", formula2=str(field.max))
            msg = _("fill in a whole number from 0 to {max} (the sample has {max})").format(max=field.max)
    elif t == "number":
        lo = _n(field.min) if field.min is not None else "-1E+307"
        hi = _n(field.max) if field.max is not None else "1E+307"
        kw = dict(type="decimal", operator="between", formula1=lo, formula2=hi)
        msg = _("fill in a number: {allowed}").format(allowed=allowed)
    elif t == "date":
        kw = dict(type="date", operator="between", formula1="1", formula2=str(MAX_DATE_SERIAL))
        msg = _("fill in a date, such as 2021-03-31")
    elif t == "score":
        lo, hi, step = score_bounds(field, cls)
        lo_s, hi_s, st = _n(lo), _n(hi), _n(step)
        q = f"ROUND(({cell}-{lo_s})/{st},9)"
        formula = f"AND(ISNUMBER({cell}),{cell}>={lo_s},{cell}<={hi_s},{q}=INT({q}))"
        kw = dict(type="custom", formula1=formula)
        msg = _("fill in a score from {low} to {high} on steps of {step}").format(low=lo_s, high=hi_s, step=st)
        return (tuple(sorted(kw.items())) + (("_msg", msg),), True)
    else:  # pragma: no cover
        raise ValueError(t)
    return (tuple(sorted(kw.items())) + (("_msg", msg),), False)


_CELL = re.compile(r"([A-Z]+)(\d+)")
# stands for the cell in a rule worked out once for many cells
_HERE = "\x00"


class Validations:
    """Collects the input cells of one sheet, row by row, and adds the
    validations at the end: cells with one rule share one validation over
    runs of rows (I5:I7), a rule that names its own cell gets one per cell."""

    def __init__(self, ws, store: ListStore) -> None:
        self.ws = ws
        self.store = store
        self.groups: dict[tuple, list[list]] = {}  # rule -> runs [column, first row, last row]
        self.singles: list[tuple[tuple, str]] = []
        self._rules: dict[tuple[int, str], tuple[tuple, bool]] = {}  # (id(field), class) -> rule_for

    def add(self, field, cls: str, cell: str) -> None:
        m = _CELL.fullmatch(cell)
        self.add_at(field, cls, m.group(1), int(m.group(2)))

    def add_at(self, field, cls: str, column: str, row: int) -> None:
        known = self._rules.get((id(field), cls))
        if known is None:
            known = self._rules[(id(field), cls)] = rule_for(field, cls, _HERE, self.store)
        key, per_cell = known
        if per_cell:
            cell = f"{column}{row}"
            self.singles.append((tuple((k, v.replace(_HERE, cell) if type(v) is str else v) for k, v in key), cell))
            return
        runs = self.groups.get(key)
        if runs is None:
            runs = self.groups[key] = []
        last = runs[-1] if runs else None
        if last is not None and last[0] == column and last[2] == row - 1:
            last[2] = row
        else:
            runs.append([column, row, row])

    @staticmethod
    def _make(key: tuple) -> DataValidation:
        kw = dict(key)
        msg = kw.pop("_msg")
        return DataValidation(
            **kw,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=_("Not accepted"),
            error=msg,
            showInputMessage=True,
            promptTitle=_("What to fill in"),
            prompt=msg[:255],
        )

    def finish(self) -> None:
        add = self.ws.data_validations.append
        for key, runs in self.groups.items():
            dv = self._make(key)
            # The ranges are disjoint: set them at once (dv.add checks each
            # new range against all earlier ones, quadratic in their number).
            dv.sqref = MultiCellRange(" ".join(f"{c}{a}" if a == b else f"{c}{a}:{c}{b}" for c, a, b in runs))
            add(dv)
        for key, cell in self.singles:
            dv = self._make(key)
            dv.add(cell)
            add(dv)
        self.groups.clear()
        self.singles.clear()
