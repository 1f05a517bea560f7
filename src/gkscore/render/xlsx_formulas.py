"""An auditable results workbook: every score a live spreadsheet formula.

``gkscore score ... --format xlsx --formulas -o audit.xlsx`` writes

* 观测: every observation value as read (yes/no as 是/否, numbers as numbers,
  dates as dates, choices as text), with its source file, cell, raw text,
  evidence and scorer;
* 明细: one row per unit and item; the score is a formula over the 观测 cells
  implementing the item's rule (``formula_expr``), the loss is 分值 - 得分;
* 汇总: per unit, every section subtotal (group 扣分上限 included), the
  not-applicable points and their rescaling, the weighted composition, bonus
  and penalty with their caps and gates, the veto, the total, the grade and the
  rank, each a formula over 明细 (and 观测 for void/veto conditions), written
  by ``formula_totals``.

Changing one observation in Excel or LibreOffice updates the item, the
subtotals, the total, the grade and the ranking.  Every figure is rounded in
the formulas exactly where the engine rounds it (ROUND halves away from zero,
like ``exact.q``), and every exact sum is rounded to the decimals it can have,
so equal totals compare equal and rank as ties.

openpyxl cannot store a formula's cached value: the workbook asks for a full
recalculation on load, which Excel and LibreOffice both do.

A rule that has no faithful formula form is refused (ProblemsError naming the
rule file and item) instead of being written wrong.
"""

from __future__ import annotations

import contextlib
import os
from decimal import Decimal

from ..engine.formula import NO, YES, Unexpressible
from ..exact import ZERO
from ..fsutil import atomic_path
from ..i18n import _
from ..problems import Problem, ProblemsError, quote
from ..rules.model import UNIT_OWNER, applies_to
from ..rules.resolve import applies_conditions, item_max, item_start
from . import formula_expr as fx
from .formula_na import SHARE, SHARE_BASE, SpreadRow, spread_cells
from .formula_obs import OBS, OBS_HEADERS, OBS_WIDTHS, README, ObservedKeys, has_blanks, write_readme, write_unit_obs
from .formula_sheet import RowSheet
from .formula_totals import (
    DETAIL,
    SUMMARY,
    Columns,
    DetailRow,
    RulesContext,
    UnitRows,
    guarded_condition,
    na_ref,
    rules_context,
    scaled,
    scope_full,
    scope_label,
    stop_test,
    summary_row,
)


def write_formula_workbook(run, output: str) -> None:
    """Write the workbook of a pipeline ``Run`` atomically, unit by unit: the
    unit's observations (观测), its items (明细) and its totals (汇总), then
    the next unit; nothing of a unit is kept once it is written."""
    from openpyxl import Workbook

    with atomic_path(output) as tmp:
        wb = Workbook(write_only=True)
        try:
            _build(run, wb)
        except BaseException:
            _discard(wb)
            raise
        wb.save(tmp)


def _discard(wb) -> None:
    """Close the write-only sheets of a workbook that will not be saved (a
    rule refused as a formula) and remove their temporary files."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        spool = getattr(getattr(ws, "_writer", None), "out", None)
        if isinstance(spool, str):
            with contextlib.suppress(OSError):
                os.remove(spool)


def _find_set(run, rules_id: str, unit: str):
    for s in run.sets:
        if s.rules_id == rules_id and unit in s.units:
            return s
    for s in run.sets:
        if s.rules_id == rules_id:
            return s
    raise ProblemsError([Problem(file="", code="formula-internal", message=f"no observations for unit {unit!r}")], exit_code=3)


# ------------------------------------------------------------------ cells


def _put(sheet: RowSheet, ref: str, value) -> None:
    """A constant; text is always text, even when it starts with '='."""
    sheet.put(ref, value)


def _put_formula(sheet: RowSheet, ref: str, formula: str) -> None:
    fx.check_formula(formula)
    sheet.formula(ref, formula)


# ------------------------------------------------------------------ build


def _build(run, wb) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter as col

    rules = {lr.ruleset.id: rules_context(lr) for lr in run.rules}
    sets: dict[tuple[str, str], object] = {}

    def set_of(r):
        key = (r.rules_id, r.unit)
        s = sets.get(key)
        if s is None:
            s = sets[key] = _find_set(run, r.rules_id, r.unit)
        return s

    readme = wb.create_sheet(README)
    ws_obs = wb.create_sheet(OBS)
    ws_det = wb.create_sheet(DETAIL)
    ws_sum = wb.create_sheet(SUMMARY)
    bold = Font(bold=True)
    observed = ObservedKeys()
    # a blank value anywhere (--partial): every formula guards against empty cells
    guard = has_blanks(((r, rules[r.rules_id].rs) for r in run.results), set_of, observed)
    sets.clear()

    # ---- 汇总 columns: fixed, then sections of every rule file, then helpers.
    fixed = ["单位", "类别", "评分表", "总分", "等次", "排名", "排名组", "基础分", "加分", "扣分", "单项否决"]
    S = {name: col(i) for i, name in enumerate(fixed, start=1)}
    headers = list(fixed)
    section_col: dict[tuple, str] = {}
    names = [s.name for ctx in rules.values() for s in ctx.rs.sections]
    for ctx in rules.values():
        for s in ctx.rs.sections:
            headers.append(s.name if names.count(s.name) == 1 and s.name not in fixed else f"{s.name}({ctx.id})")
            section_col[(ctx.id, s.id)] = col(len(headers))
    # a table made of parts: a column per part (its score) and per part with vetoes (the one that applied)
    part_col: dict[str, dict] = {}
    part_veto_col: dict[str, dict] = {}
    for ctx in rules.values():
        part_col[ctx.id], part_veto_col[ctx.id] = {}, {}
        for part in ctx.rs.parts:
            label = part.name if part.name not in headers else f"{part.name}(部分)"
            headers.append(label if len(rules) == 1 else f"{label}({ctx.id})")
            part_col[ctx.id][part.id] = col(len(headers))
            if any(v.part == part.id for v in ctx.rs.vetoes):
                headers.append(f"{part.name}否决" if len(rules) == 1 else f"{part.name}否决({ctx.id})")
                part_veto_col[ctx.id][part.id] = col(len(headers))
    na_col: dict[tuple, str] = {}
    for ctx in rules.values():
        for scope in ctx.na_scopes:
            label = scope_label(ctx.rs, scope)
            headers.append(label if len(rules) == 1 else f"{label}({ctx.id})")
            na_col[(ctx.id, scope)] = col(len(headers))
    last_sum_row = len(run.results) + 1

    # ---- 明细 columns.
    redis = any(ctx.items_changed for ctx in rules.values())
    det_headers = ["单位", "类别", "评分表", "指标", "一级指标", "二级指标", "分值", "适用"]
    if any(ctx.spread for ctx in rules.values()):
        det_headers += [SHARE_BASE, SHARE]
    if redis:
        det_headers += ["计分分值", "折算前得分"]
    det_headers += ["得分", "失分", "评分细则"]
    D = {h: col(i) for i, h in enumerate(det_headers, start=1)}
    raw_c = D["折算前得分"] if redis else D["得分"]
    text_totals = any(v.stops and v.total is None for ctx in rules.values() for v in ctx.rs.vetoes)
    cols = Columns(S=S, section_col=section_col, na_col=na_col, D=D, raw_c=raw_c, last_sum_row=last_sum_row, text_totals=text_totals,
                   part_col=part_col, part_veto_col=part_veto_col)
    # widths and frozen panes go before the rows in a write-only sheet
    det_widths = [16, 8, 22, 14, 14, 16] + [9] * (len(det_headers) - 7) + [60]
    for ws, widths in ((ws_obs, OBS_WIDTHS), (ws_det, det_widths), (ws_sum, [16, 8, 22] + [9] * (len(headers) - 3))):
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[col(i)].width = w
        ws.freeze_panes = "B2"
    write_readme(readme, run, rules, guard, bold)
    obs, det, summ = RowSheet(ws_obs), RowSheet(ws_det), RowSheet(ws_sum)
    for sheet, heads in ((obs, OBS_HEADERS), (det, det_headers), (summ, headers)):
        for i, h in enumerate(heads, start=1):
            sheet.put(f"{col(i)}1", h, font=bold)
        sheet.flush()

    problems: list[Problem] = []

    def refuse(ctx: RulesContext, what: str, path: tuple, exc: Exception) -> None:
        from ..yamlio import position_of

        line, c = position_of(ctx.lr.positions or {}, ctx.rs.yaml_path(path)) if getattr(ctx.lr, "positions", None) else (None, None)
        message = _("cannot express {what} as a formula: {why}; simplify this rule, or write the report without --formulas")
        problems.append(Problem(file=ctx.lr.path, code="formula-unexpressible", line=line, col=c, message=message.format(what=what, why=exc)))

    row, obs_row = 2, 2
    for i, r in enumerate(run.results):
        ctx = rules[r.rules_id]
        u = UnitRows(result=r, rules=ctx, obs_set=_find_set(run, r.rules_id, r.unit), summary_row=i + 2)
        rs, cls, p, sd = ctx.rs, r.cls, ctx.p, ctx.sd
        srow = u.summary_row
        obs_row, obs_cell = write_unit_obs(obs, obs_row, r, rs, u.obs_set, observed.of(rs, u.obs_set, r.unit, cls))
        obs.flush()
        # a veto that stops scoring leaves every item unscored (blank)
        stop = stop_test([v for v in rs.vetoes if applies_to(v, cls) and v.part is None], f"{SUMMARY}!${S['单项否决']}${srow}")
        # and a part's veto, the items of the part
        part_stop = {
            part.id: stop_test([v for v in rs.vetoes if applies_to(v, cls) and v.part == part.id], f"{SUMMARY}!${part_veto_col[rs.id][part.id]}${srow}")
            for part in rs.parts if part.id in part_veto_col[rs.id]
        }
        section_stop = None

        def put_scored(ref: str, formula: str) -> None:
            tests = [t for t in (stop, section_stop) if t is not None]
            if tests:
                formula = f'IF({tests[0] if len(tests) == 1 else "OR(" + ",".join(tests) + ")"},"",{formula})'
            _put_formula(det, ref, formula)

        unit_fields = {f.id for f in rs.unit_fields}

        def cell_for(owner, own_fields=()):
            own = {f.id for f in own_fields}

            def cell(field_id: str) -> str:
                # a unit field the owner does not declare is the unit's answer
                who = UNIT_OWNER if field_id in unit_fields and field_id not in own else owner
                key = (who, field_id)
                if key not in obs_cell:
                    if who == UNIT_OWNER:
                        raise Unexpressible(_("the unit field {field} has no cell on the observations sheet").format(field=quote(field_id)))
                    raise Unexpressible(_("the field {field} of {owner} has no cell on the observations sheet").format(field=quote(field_id), owner=quote(who)))
                return obs_cell[key]

            return cell

        spread_rows: list[SpreadRow] = []
        for si, section in enumerate(rs.sections):
            section_stop = part_stop.get(section.part)
            first_in_section = row
            for gi, group in enumerate(section.groups):
                items = [(ii, it) for ii, it in enumerate(group.items) if item_max(it, cls) is not None]
                if not items:
                    continue
                void = None
                if group.void_if is not None:
                    try:
                        void = guarded_condition(group.void_if, cell_for(group.id, group.fields), guard)
                    except Unexpressible as exc:
                        refuse(ctx, _("the void_if of group {group}").format(group=quote(group.id)), ("sections", si, "groups", gi, "void_if"), exc)
                first_in_group = row
                for ii, it in items:
                    m = item_max(it, cls)
                    start = m if item_start(it, section.kind) == "max" else ZERO
                    u.rows.append(DetailRow(row, section, group, it, m))
                    for key, value in (("单位", r.unit), ("类别", cls), ("评分表", rs.id), ("指标", it.id), ("一级指标", section.name), ("二级指标", group.name), ("评分细则", it.text)):
                        _put(det, f"{D[key]}{row}", value)
                    unlimited = m.is_infinite()  # no 分值 of its own: a blank 分值, no 失分
                    if not unlimited:
                        _put(det, f"{D['分值']}{row}", _number(m))
                    app = f"{D['适用']}{row}"
                    path = ("sections", si, "groups", gi, "items", ii)
                    applies = applies_conditions(section, group, it)
                    try:
                        cell = cell_for(it.id, it.fields)
                        if applies:
                            _put_formula(det, app, fx.applies_formula(applies, cell, guard))
                        else:
                            _put(det, app, YES)
                        penalty = section.kind == "penalty"
                        # Mirrors scoring: an item with a field it needs unfilled scores 0,
                        # as does a voided group's and an item that does not apply
                        zero_if = [fx.unfilled_formula(it, cls, applies, cell) if guard else None, void, f'{app}="{NO}"' if applies else None]

                        def wrap(x: str, zero_if=tuple(z for z in zero_if if z is not None)) -> str:
                            for z in zero_if:
                                x = f"IF({z},0,{x})"
                            return x

                        f = wrap(fx.item_formula(it, cls, m, start, p, cell, guard, penalty=penalty))
                        na = na_ref(ctx, section, na_col, srow)
                        max_ref = f"{D['分值']}{row}"
                        if ctx.spread:
                            # the share, new 分值 and score follow once the unit's rows are known
                            put_scored(f"{raw_c}{row}", f)
                            spread_rows.append(SpreadRow(row, section, fx.item_body(it, cls, start, cell, guard, penalty), wrap))
                        elif redis:
                            put_scored(f"{raw_c}{row}", f)
                            raw_ref = f"{raw_c}{row}"
                            if ctx.redistribute and na is not None:
                                full = scope_full(rs, section, cls, ctx)
                                smax = scaled(max_ref, na, full, p)
                                score = scaled(raw_ref, na, full, p)
                            else:
                                smax, score = max_ref, raw_ref
                            if applies:
                                smax = f'IF({app}="{NO}",0,{smax})'
                            put_scored(f"{D['计分分值']}{row}", smax)
                            put_scored(f"{D['得分']}{row}", score)
                            lost = f"ROUND({D['计分分值']}{row}-{D['得分']}{row},{sd})"
                        else:
                            put_scored(f"{D['得分']}{row}", f)
                            lost = f"ROUND({max_ref}-{D['得分']}{row},{sd})"
                            if applies:
                                lost = f'IF({app}="{NO}",0,{lost})'
                        if not ctx.spread and not unlimited:
                            put_scored(f"{D['失分']}{row}", lost)
                    except Unexpressible as exc:
                        refuse(ctx, _("item {item} (class {cls})").format(item=quote(it.id), cls=quote(cls)), path, exc)
                    row += 1
                u.group_rows[group.id] = (first_in_group, row - 1, void)
            if row > first_in_section:
                u.section_rows[section.id] = (first_in_section, row - 1)
        for sr, ref, formula in spread_cells(u, ctx, D, na_col, spread_rows):
            section_stop = part_stop.get(sr.section.part)  # the stop of the row's part, not the last section's
            put_scored(ref, formula)

        # ---- 汇总 row of this unit.
        R = str(srow)
        for key, value in (("单位", r.unit), ("类别", cls), ("评分表", rs.id), ("排名组", r.rank_group)):
            _put(summ, f"{S[key]}{R}", value)
        for ref, content, is_formula in summary_row(u, ctx, cols, cell_for, guard, refuse):
            (_put_formula if is_formula else _put)(summ, ref, content)
        det.flush()
        summ.flush()

    if problems:
        raise ProblemsError(problems)

    wb.calculation.fullCalcOnLoad = True
    wb.active = wb.index(ws_sum)


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


__all__ = ["write_formula_workbook"]
