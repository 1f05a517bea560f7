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
  rank, each a formula over 明细 (and 观测 for void/veto conditions).

Changing one observation in Excel or LibreOffice updates the item, the
subtotals, the total, the grade and the ranking.  Every figure is rounded in
the formulas exactly where ``scoring.py`` rounds it (ROUND halves away from
zero, like ``exact.q``), and every exact sum is rounded to the decimals it can
have, so equal totals compare equal and rank as ties.

openpyxl cannot store a formula's cached value: the workbook asks for a full
recalculation on load, which Excel and LibreOffice both do.

A rule that has no faithful formula form is refused (ProblemsError naming the
rule file and item) instead of being written wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..exact import ZERO
from ..fsutil import atomic_path
from ..problems import Problem, ProblemsError
from ..rules.resolve import item_max, item_start, per_class
from ..engine.formula import NO, YES, Unexpressible, blank_test, num, text
from . import formula_expr as fx

OBS, DETAIL, SUMMARY, README = "观测", "明细", "汇总", "说明"

OBS_HEADERS = ["单位", "评分表", "指标/对象", "字段", "观测值", "来源文件", "位置", "原文", "佐证", "评分人"]
OBS_VALUE_COL = "E"


def write_formula_workbook(run, output: str) -> None:
    """Build the workbook for a pipeline ``Run`` and write it atomically."""
    book = build_formula_workbook(run)
    with atomic_path(output) as tmp:
        book.save(tmp)


# ------------------------------------------------------------------ plan


@dataclass
class _Rules:
    lr: object
    rs: object
    p: int  # precision of item scores
    sd: int  # decimals any exact sum of this rule file's figures can have
    na_scopes: dict  # scope (None = the class total, or a section id) -> True
    redistribute: bool

    @property
    def id(self) -> str:
        return self.rs.id


@dataclass
class _Row:
    """One 明细 row."""

    row: int
    section: object
    group: object
    item: object
    m: Decimal


@dataclass
class _Unit:
    result: object
    rules: _Rules
    obs_set: object
    summary_row: int = 0
    rows: list = field(default_factory=list)  # _Row
    group_rows: dict = field(default_factory=dict)  # group id -> (first, last)
    section_rows: dict = field(default_factory=dict)  # section id -> (first, last)


def _rules_context(lr) -> _Rules:
    rs = lr.ruleset
    p = rs.precision
    places = [p]
    for section in rs.sections:
        for value in _class_values(section.cap):
            places.append(fx.decimals(value))
        for group in section.groups:
            for value in _class_values(group.max_lost):
                places.append(fx.decimals(value))
            for item in group.items:
                for value in _class_values(item.max):
                    places.append(fx.decimals(value))
    for veto in rs.vetoes:
        places.append(fx.decimals(veto.total))
    scopes: dict = {}
    if rs.na_policy != "none":
        for section in rs.sections:
            if section.kind != "base":
                continue
            if any(it.applies_if is not None for g in section.groups for it in g.items):
                scopes[section.id if rs.composition == "weighted" else None] = True
    return _Rules(lr=lr, rs=rs, p=p, sd=max(places), na_scopes=scopes, redistribute=rs.na_policy == "redistribute" and bool(scopes))


def _class_values(value):
    if value is None:
        return []
    if isinstance(value, dict):
        return [v for v in value.values() if v is not None]
    return [value]


def _owners(rs, cls: str):
    """(owner id, fields) a unit of this class is observed on, in rule order."""
    from ..observations.spec import owners

    for owner in owners(rs).values():
        if cls in owner.classes:
            yield owner.id, [spec.field for spec in owner.specs.values()]


def _find_set(run, rules_id: str, unit: str):
    for s in run.sets:
        if s.rules_id == rules_id and unit in s.units:
            return s
    for s in run.sets:
        if s.rules_id == rules_id:
            return s
    raise ProblemsError([Problem(file="", code="formula-internal", message=f"no observations for unit {unit!r}")], exit_code=3)


# ------------------------------------------------------------------ cells


def _put(ws, ref: str, value) -> None:
    """Write a constant; text is always text, even when it starts with '='."""
    cell = ws[ref]
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value


def _put_formula(ws, ref: str, formula: str) -> None:
    fx.check_formula(formula)
    ws[ref] = "=" + formula


def _obs_value(value):
    if value is None:
        return None
    if value is True:
        return YES
    if value is False:
        return NO
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# ------------------------------------------------------------------ build


def build_formula_workbook(run):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter as col

    rules = {lr.ruleset.id: _rules_context(lr) for lr in run.rules}
    units = [_Unit(result=r, rules=rules[r.rules_id], obs_set=_find_set(run, r.rules_id, r.unit)) for r in run.results]

    wb = Workbook()
    readme = wb.active
    readme.title = README
    ws_obs = wb.create_sheet(OBS)
    ws_det = wb.create_sheet(DETAIL)
    ws_sum = wb.create_sheet(SUMMARY)
    bold = Font(bold=True)

    # ---- 观测: one row per observation, in unit and rule order.
    for i, h in enumerate(OBS_HEADERS, start=1):
        ws_obs.cell(1, i, h).font = bold
    obs_cell: dict[tuple, str] = {}
    row = 2
    guard = False
    for u in units:
        r, rs = u.result, u.rules.rs
        seen = set()
        keys = [(owner, f.id) for owner, fields in _owners(rs, r.cls) for f in fields]
        known = set(keys)
        extra = [(o, f) for (unit, o, f) in u.obs_set.values if unit == r.unit and (o, f) not in known]
        for owner, field_id in keys + extra:
            if (owner, field_id) in seen:
                continue
            seen.add((owner, field_id))
            o = u.obs_set.get(r.unit, owner, field_id)
            value = None if o is None else _obs_value(o.value)
            if value is None and (owner, field_id) in keys:
                guard = True
            _put(ws_obs, f"A{row}", r.unit)
            _put(ws_obs, f"B{row}", rs.id)
            _put(ws_obs, f"C{row}", owner)
            _put(ws_obs, f"D{row}", field_id)
            if value is not None:
                _put(ws_obs, f"{OBS_VALUE_COL}{row}", value)
                if isinstance(value, dt.date):
                    ws_obs[f"{OBS_VALUE_COL}{row}"].number_format = "yyyy-mm-dd"
            if o is not None:
                src = o.source
                _put(ws_obs, f"F{row}", str(src.file))
                where = f"{src.sheet}!{src.cell}" if src.sheet is not None and src.cell is not None else (f"第{src.line}行" if src.line is not None else "")
                _put(ws_obs, f"G{row}", where)
                _put(ws_obs, f"H{row}", o.raw or "")
                _put(ws_obs, f"I{row}", o.evidence or "")
                _put(ws_obs, f"J{row}", o.scorer or "")
            obs_cell[(rs.id, r.unit, owner, field_id)] = f"{OBS}!{OBS_VALUE_COL}{row}"
            row += 1

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
    na_col: dict[tuple, str] = {}
    for ctx in rules.values():
        for scope in ctx.na_scopes:
            label = "不适用分值" if scope is None else f"不适用分值({_section(ctx.rs, scope).name})"
            headers.append(label if len(rules) == 1 else f"{label}({ctx.id})")
            na_col[(ctx.id, scope)] = col(len(headers))
    for i, h in enumerate(headers, start=1):
        _put(ws_sum, f"{col(i)}1", h)
        ws_sum.cell(1, i).font = bold
    for i, u in enumerate(units):
        u.summary_row = i + 2
    last_sum_row = len(units) + 1

    # ---- 明细 columns.
    redis = any(ctx.redistribute for ctx in rules.values())
    det_headers = ["单位", "类别", "评分表", "指标", "一级指标", "二级指标", "分值", "适用"]
    if redis:
        det_headers += ["计分分值", "折算前得分"]
    det_headers += ["得分", "失分", "评分细则"]
    D = {h: col(i) for i, h in enumerate(det_headers, start=1)}
    raw_c = D["折算前得分"] if redis else D["得分"]
    for i, h in enumerate(det_headers, start=1):
        ws_det.cell(1, i, h).font = bold

    problems: list[Problem] = []

    def refuse(ctx: _Rules, what: str, path: tuple, exc: Exception) -> None:
        from ..yamlio import position_of

        line, c = position_of(ctx.lr.positions or {}, path) if getattr(ctx.lr, "positions", None) else (None, None)
        problems.append(Problem(file=ctx.lr.path, code="formula-unexpressible", line=line, col=c, message=f"cannot express {what} as a formula: {exc}"))

    row = 2
    for u in units:
        r, ctx = u.result, u.rules
        rs, cls, p, sd = ctx.rs, r.cls, ctx.p, ctx.sd
        srow = u.summary_row

        def cell_for(owner):
            def cell(field_id: str) -> str:
                key = (rs.id, r.unit, owner, field_id)
                if key not in obs_cell:
                    raise Unexpressible(f"field {field_id!r} of {owner!r} is not observed")
                return obs_cell[key]

            return cell

        for si, section in enumerate(rs.sections):
            first_in_section = row
            for gi, group in enumerate(section.groups):
                items = [(ii, it) for ii, it in enumerate(group.items) if item_max(it, cls) is not None]
                if not items:
                    continue
                void = None
                if group.void_if is not None:
                    try:
                        void = _guarded_condition(group.void_if, cell_for(group.id), guard)
                    except Unexpressible as exc:
                        refuse(ctx, f"the void_if of group {group.id!r}", ("sections", si, "groups", gi, "void_if"), exc)
                first_in_group = row
                for ii, it in items:
                    m = item_max(it, cls)
                    start = m if item_start(it) == "max" else ZERO
                    u.rows.append(_Row(row, section, group, it, m))
                    for key, value in (("单位", r.unit), ("类别", cls), ("评分表", rs.id), ("指标", it.id), ("一级指标", section.name), ("二级指标", group.name), ("评分细则", it.text)):
                        _put(ws_det, f"{D[key]}{row}", value)
                    _put(ws_det, f"{D['分值']}{row}", _number(m))
                    app = f"{D['适用']}{row}"
                    path = ("sections", si, "groups", gi, "items", ii)
                    try:
                        cell = cell_for(it.id)
                        if it.applies_if is not None:
                            cond = it.applies_if.formula(cell)
                            blank = blank_test(it.applies_if.field_ids(), cell) if guard else None
                            f = f'IF({cond},"{YES}","{NO}")'
                            if blank:
                                f = f'IF({blank},"{YES}",{f})'
                            _put_formula(ws_det, app, f)
                        else:
                            _put(ws_det, app, YES)
                        f = fx.item_formula(it, cls, m, start, p, cell, guard)
                        if guard:
                            # Mirrors scoring: an item with any unfilled field scores 0.
                            unfilled = blank_test([fd.id for fd in it.fields], cell)
                            if unfilled is not None:
                                f = f"IF({unfilled},0,{f})"
                        if void is not None:
                            f = f"IF({void},0,{f})"
                        if it.applies_if is not None:
                            f = f'IF({app}="{NO}",0,{f})'
                        na = _na_ref(ctx, section, na_col, srow)
                        max_ref = f"{D['分值']}{row}"
                        if redis:
                            _put_formula(ws_det, f"{raw_c}{row}", f)
                            raw_ref = f"{raw_c}{row}"
                            if ctx.redistribute and na is not None:
                                full = _scope_full(rs, section, cls, ctx)
                                smax = _scaled(max_ref, na, full, p)
                                score = _scaled(raw_ref, na, full, p)
                            else:
                                smax, score = max_ref, raw_ref
                            if it.applies_if is not None:
                                smax = f'IF({app}="{NO}",0,{smax})'
                            _put_formula(ws_det, f"{D['计分分值']}{row}", smax)
                            _put_formula(ws_det, f"{D['得分']}{row}", score)
                            lost = f"ROUND({D['计分分值']}{row}-{D['得分']}{row},{sd})"
                        else:
                            _put_formula(ws_det, f"{D['得分']}{row}", f)
                            lost = f"ROUND({max_ref}-{D['得分']}{row},{sd})"
                            if it.applies_if is not None:
                                lost = f'IF({app}="{NO}",0,{lost})'
                        _put_formula(ws_det, f"{D['失分']}{row}", lost)
                    except Unexpressible as exc:
                        refuse(ctx, f"item {it.id!r} (class {cls})", path, exc)
                    row += 1
                u.group_rows[group.id] = (first_in_group, row - 1, void)
            if row > first_in_section:
                u.section_rows[section.id] = (first_in_section, row - 1)

        # ---- 汇总 row of this unit.
        R = str(srow)
        for key, value in (("单位", r.unit), ("类别", cls), ("评分表", rs.id), ("排名组", r.rank_group)):
            _put(ws_sum, f"{S[key]}{R}", value)
        try:
            for (rid, scope), c in na_col.items():
                if rid != rs.id:
                    continue
                sections = [s for s in rs.sections if s.kind == "base" and (scope is None or s.id == scope)]
                parts = []
                for s in sections:
                    if s.id in u.section_rows:
                        a, b = u.section_rows[s.id]
                        parts.append(f'SUMIF({DETAIL}!{D["适用"]}{a}:{D["适用"]}{b},"{NO}",{DETAIL}!{D["分值"]}{a}:{D["分值"]}{b})')
                _put_formula(ws_sum, f"{c}{R}", f"ROUND({'+'.join(parts) or '0'},{sd})")
            base_cells, bonus_parts, penalty_parts = [], [], []
            for s in rs.sections:
                c = section_col[(rs.id, s.id)]
                f = _section_formula(u, s, ctx, D, raw_c, na_col, srow)
                _put_formula(ws_sum, f"{c}{R}", f)
                if s.kind == "base":
                    base_cells.append(f"{c}{R}")
                else:
                    cap = per_class(s.cap, cls) or ZERO
                    (bonus_parts if s.kind == "bonus" else penalty_parts).append(f"MIN({c}{R},{num(cap)})")
            base = f"ROUND({'+'.join(base_cells)},{sd})" if base_cells else "0"
            _put_formula(ws_sum, f"{S['基础分']}{R}", base)
            bonus = f"ROUND({'+'.join(bonus_parts)},{sd})" if bonus_parts else "0"
            gates = [g for g in rs.gates if g.kind == "bonus_requires_base"]
            if gates:
                tests = [f"{S['基础分']}{R}<{num(g.min_base)}" for g in gates]
                bonus = f"IF({tests[0] if len(tests) == 1 else 'OR(' + ','.join(tests) + ')'},0,{bonus})"
            _put_formula(ws_sum, f"{S['加分']}{R}", bonus)
            _put_formula(ws_sum, f"{S['扣分']}{R}", f"ROUND({'+'.join(penalty_parts)},{sd})" if penalty_parts else "0")
            veto = '""'
            for vi in reversed(range(len(rs.vetoes))):
                v = rs.vetoes[vi]
                try:
                    cond = _guarded_condition(v.when, cell_for(v.id), guard)
                except Unexpressible as exc:
                    refuse(ctx, f"veto {v.id!r}", ("vetoes", vi, "when"), exc)
                    cond = "FALSE"
                veto = f"IF({cond},{text(v.id)},{veto})"
            if rs.vetoes:
                _put_formula(ws_sum, f"{S['单项否决']}{R}", veto)
            else:
                _put(ws_sum, f"{S['单项否决']}{R}", "")
            K = f"{S['单项否决']}{R}"
            total = f"ROUND({S['基础分']}{R}+{S['加分']}{R}-{S['扣分']}{R},{sd})"
            for v in reversed(rs.vetoes):
                if v.total is not None:
                    total = f"IF({K}={text(v.id)},{num(v.total)},{total})"
            _put_formula(ws_sum, f"{S['总分']}{R}", total)
            grade = None
            if rs.grades is not None:
                grade = '""'
                for band in reversed(rs.grades.bands):
                    grade = text(band.grade) if band.min is None else f"IF({S['总分']}{R}>={num(band.min)},{text(band.grade)},{grade})"
            for g in rs.gates:
                if g.kind == "fail_below":
                    grade = f"IF({S['基础分']}{R}<{num(g.base_below)},{text(g.grade)},{grade or chr(34) * 2})"
            for v in reversed(rs.vetoes):
                if v.grade is not None:
                    grade = f"IF({K}={text(v.id)},{text(v.grade)},{grade or chr(34) * 2})"
            if grade is not None:
                _put_formula(ws_sum, f"{S['等次']}{R}", grade)
            G, T = S["排名组"], S["总分"]
            _put_formula(ws_sum, f"{S['排名']}{R}", f"1+SUMPRODUCT((${G}$2:${G}${last_sum_row}={G}{R})*(${T}$2:${T}${last_sum_row}>{T}{R}))")
        except Unexpressible as exc:
            refuse(ctx, f"the totals of unit {r.unit!r}", (), exc)

    if problems:
        raise ProblemsError(problems)

    _readme(readme, run, rules, guard, bold)
    for ws, widths in ((ws_obs, [16, 22, 14, 16, 12, 28, 14, 16, 30, 14]), (ws_det, [16, 8, 22, 14, 14, 16] + [9] * (len(det_headers) - 7) + [60]), (ws_sum, [16, 8, 22] + [9] * (len(headers) - 3))):
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[col(i)].width = w
        ws.freeze_panes = "B2"
    wb.calculation.fullCalcOnLoad = True
    wb.active = wb.index(ws_sum)
    return wb


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _section(rs, section_id: str):
    return next(s for s in rs.sections if s.id == section_id)


def _guarded_condition(cond, cell, guard: bool) -> str:
    """A unit-level condition; with a missing value it does not hold (void_if, veto)."""
    f = cond.formula(cell)
    blank = blank_test(cond.field_ids(), cell) if guard else None
    return f"AND(NOT({blank}),{f})" if blank else f


def _na_ref(ctx: _Rules, section, na_col: dict, srow: int) -> str | None:
    """The 汇总 cell with this unit's not-applicable points for this base section's scope."""
    if section.kind != "base" or not ctx.na_scopes:
        return None
    scope = section.id if ctx.rs.composition == "weighted" else None
    c = na_col.get((ctx.id, scope))
    return None if c is None else f"{SUMMARY}!${c}${srow}"


def _scope_full(rs, section, cls: str, ctx: _Rules) -> Decimal:
    """The full points an N/A share is taken from: the class total, or the section's (weighted)."""
    if rs.composition == "weighted":
        return sum((item_max(i, cls) or ZERO for g in section.groups for i in g.items), ZERO)
    return rs.classes[cls].max


def _scaled(x: str, na: str, full: Decimal, p: int) -> str:
    """``q(x × full / (full - na))`` when some points are not applicable (0 when none apply)."""
    F = num(full)
    return f"IF({na}>0,IF({F}-{na}<=0,0,ROUND({x}*{F}/({F}-{na}),{p})),{x})"


def _section_formula(u: _Unit, section, ctx: _Rules, D: dict, raw_c: str, na_col: dict, srow: int) -> str:
    """A section's subtotal on 汇总 (scoring.py's sections[name] / section_totals)."""
    rs, cls, p, sd = ctx.rs, u.result.cls, ctx.p, ctx.sd
    if section.id not in u.section_rows:
        return "0"
    a, b = u.section_rows[section.id]
    reliefs = []
    for group in section.groups:
        if group.id not in u.group_rows:
            continue
        cap = per_class(group.max_lost, cls)
        if cap is None:
            continue
        g0, g1, void = u.group_rows[group.id]
        items = [it for it in group.items if item_max(it, cls) is not None]
        gsum = f"SUM({DETAIL}!{raw_c}{g0}:{raw_c}{g1})"
        if any(it.applies_if is not None for it in items):
            gmax = f'SUMIF({DETAIL}!{D["适用"]}{g0}:{D["适用"]}{g1},"{YES}",{DETAIL}!{D["分值"]}{g0}:{D["分值"]}{g1})'
        else:
            gmax = num(sum((item_max(it, cls) for it in items), ZERO))
        relief = f"MAX(0,{gmax}-{num(cap)}-{gsum})"
        if void is not None:
            relief = f"IF({void},0,{relief})"
        reliefs.append(relief)
    plus = "".join("+" + x for x in reliefs)
    sec = f"ROUND(SUM({DETAIL}!{raw_c}{a}:{raw_c}{b}){plus},{sd})"
    if section.kind != "base":
        return sec
    value = sec
    na = _na_ref(ctx, section, na_col, srow)
    if na is not None:
        full = _scope_full(rs, section, cls, ctx)
        F = num(full)
        if ctx.redistribute:
            scaled_items = f"SUM({DETAIL}!{D['得分']}{a}:{D['得分']}{b})"
            if reliefs:
                rel = "+".join(reliefs)
                scaled_items += f"+ROUND(({rel})*{F}/({F}-{na}),{p})"
            value = f"IF({na}>0,IF({F}-{na}<=0,0,ROUND({scaled_items},{sd})),{sec})"
        else:
            value = _scaled(sec, na, full, p)
    if rs.composition == "weighted":
        value = f"ROUND({num(section.weight or ZERO)}*{value},{p})"
    return value


def _readme(ws, run, rules: dict, guard: bool, bold) -> None:
    from .. import __version__ as version

    lines = [
        ("gkscore 公式版评分结果", True),
        (f"gkscore {version}", False),
        ("", False),
        ("观测: 每个观测值及其来源(文件与单元格)、原文、佐证与评分人。是/否 填写为 是 或 否,日期为日期,数字为数字。", False),
        ("明细: 每个单位每项指标一行;得分为按评分细则写成的公式,引用观测表中的单元格。", False),
        ("汇总: 一级指标小计、加分与扣分(含上限)、基础分、总分、等次与排名,均为引用明细的公式。", False),
        ("修改观测表中的任一观测值,Excel 或 LibreOffice 会重新计算该单位的得分、总分、等次与排名。", False),
        ("", False),
        ("取整规则: 每项指标得分 = ROUND(MIN(分值, MAX(0, 起始分 ± 各条款)), 小数位数),四舍五入(与 gkscore 一致);小计与总分为已取整得分之和。", False),
    ]
    for ctx in rules.values():
        lines.append((f"评分表 {ctx.id}: {ctx.rs.title};得分保留 {ctx.p} 位小数", False))
    if guard:
        lines.append(("本结果含未填写的观测值(--partial):未填写的单元格为空,涉及它的条款计 0 分,与 gkscore 一致;结果不是最终结果。", False))
    for i, (value, strong) in enumerate(lines, start=1):
        _put(ws, f"A{i}", value)
        if strong:
            ws[f"A{i}"].font = bold
    ws.column_dimensions["A"].width = 120


__all__ = ["write_formula_workbook", "build_formula_workbook"]
