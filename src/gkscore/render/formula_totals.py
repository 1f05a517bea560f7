"""The 汇总 sheet of the formula workbook as formula text: per unit, the
section subtotals (group 扣分上限 included), the not-applicable points and
their rescaling, the weighted composition, bonus and penalty with their caps
and gates, the veto, the total, the grade and the rank, each a formula over
明细 (and 观测 for veto conditions), computing what ``engine/totals.py``
computes and rounding where it rounds (``render/xlsx_formulas.py`` writes
them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..engine.formula import NO, YES, Unexpressible, blank_test, num, text
from ..exact import ZERO
from ..i18n import _
from ..problems import quote
from ..rules.base import per_class
from ..rules.model import applies_to, na_kind
from ..rules.part_checks import part_base_max
from ..rules.resolve import applies_conditions, item_max, section_cap
from ..rules.threshold import FORMULA_OP, NEGATION
from .formula_expr import decimals
from .formula_parts import part_formulas, veto_chain

DETAIL, SUMMARY = "明细", "汇总"
VETOED = "单项否决"  # the total of a unit a veto left without one


@dataclass
class RulesContext:
    lr: object
    rs: object
    p: int  # precision of item scores
    sd: int  # decimals any exact sum of this rule file's figures can have
    na_scopes: dict  # scope (None = the class total, or a section id) -> True
    redistribute: bool
    na_kind: str = "none"  # the rule file's na_policy (rules.model.na_kind)

    @property
    def spread(self) -> bool:
        return self.na_kind == "spread" and bool(self.na_scopes)

    @property
    def items_changed(self) -> bool:
        """Whether the N/A policy changes items' 分值 and scores on 明细."""
        return self.redistribute or self.spread

    @property
    def id(self) -> str:
        return self.rs.id


@dataclass
class DetailRow:
    """One 明细 row."""

    row: int
    section: object
    group: object
    item: object
    m: Decimal


@dataclass
class UnitRows:
    result: object
    rules: RulesContext
    obs_set: object
    summary_row: int = 0
    rows: list = field(default_factory=list)  # DetailRow
    group_rows: dict = field(default_factory=dict)  # group id -> (first, last)
    section_rows: dict = field(default_factory=dict)  # section id -> (first, last)


def rules_context(lr) -> RulesContext:
    rs = lr.ruleset
    p = rs.precision
    places = [p]
    for section in rs.sections:
        for value in _class_values(section.cap):
            places.append(decimals(value))
        for group in section.groups:
            for value in _class_values(group.max_lost):
                places.append(decimals(value))
            for item in group.items:
                for value in _class_values(item.max):
                    places.append(decimals(value))
    for veto in rs.vetoes:
        places.append(decimals(veto.total))
    scopes: dict = {}
    if rs.na_policy != "none":
        for section in rs.sections:
            if section.kind != "base":
                continue
            if any(applies_conditions(section, g, it) for g in section.groups for it in g.items):
                scopes[na_scope(rs, section)] = True
    return RulesContext(lr=lr, rs=rs, p=p, sd=max(places), na_scopes=scopes, redistribute=rs.na_policy == "redistribute" and bool(scopes), na_kind=na_kind(rs))


def _class_values(value):
    if value is None:
        return []
    if isinstance(value, dict):
        return [v for v in value.values() if v is not None]
    return [value]


@dataclass
class Columns:
    """Where things are: the 汇总 columns by header (``S``), each rule file's
    section columns and not-applicable columns, the 明细 columns by header
    (``D``) and the one holding an item's score before redistribution."""

    S: dict
    section_col: dict
    na_col: dict
    D: dict
    raw_c: str
    last_sum_row: int
    text_totals: bool = False  # some total may be 单项否决 (a veto gives none)
    # a table made of parts: rules id -> part id -> the column of its score / of its veto
    part_col: dict = field(default_factory=dict)
    part_veto_col: dict = field(default_factory=dict)


def summary_row(u: UnitRows, ctx: RulesContext, cols: Columns, cell_for, guard: bool, refuse) -> list[tuple[str, str, bool]]:
    """(cell, content, is a formula) of a unit's 汇总 row after its name
    cells; ``refuse(ctx, what, path, exc)`` records a rule that has no formula."""
    out: list[tuple[str, str, bool]] = []
    r = u.result
    rs, cls, sd = ctx.rs, r.cls, ctx.sd
    S, section_col, na_col, D, raw_c, last_sum_row = cols.S, cols.section_col, cols.na_col, cols.D, cols.raw_c, cols.last_sum_row
    srow = u.summary_row
    R = str(srow)
    try:
        for (rid, scope), c in na_col.items():
            if rid != rs.id:
                continue
            sections = [s for s in rs.sections if s.kind == "base" and (scope is None or na_scope(rs, s) == scope)]
            parts = []
            for s in sections:
                if s.id in u.section_rows:
                    a, b = u.section_rows[s.id]
                    parts.append(f'SUMIF({DETAIL}!{D["适用"]}{a}:{D["适用"]}{b},"{NO}",{DETAIL}!{D["分值"]}{a}:{D["分值"]}{b})')
            out.append((f"{c}{R}", f"ROUND({'+'.join(parts) or '0'},{sd})", True))
        base_cells, bonus_parts, penalty_parts = [], [], []
        for s in rs.sections:
            c = section_col[(rs.id, s.id)]
            f = section_formula(u, s, ctx, D, raw_c, na_col, srow)
            out.append((f"{c}{R}", f, True))
            if s.kind == "base":
                base_cells.append(f"{c}{R}")
            else:
                cap = section_cap(s, cls)
                (bonus_parts if s.kind == "bonus" else penalty_parts).append(f"{c}{R}" if cap is None else f"MIN({c}{R},{num(cap)})")
        gates = [g for g in rs.gates if applies_to(g, cls)]

        def cond_of(v) -> str:
            try:
                return guarded_condition(v.when, cell_for(v.id, v.fields), guard)
            except Unexpressible as exc:
                refuse(ctx, _("the when of veto {veto}").format(veto=quote(v.id)), ("vetoes", rs.vetoes.index(v), "when"), exc)
                return "FALSE"

        if rs.parts:
            # each part scored on its own scale, weighted into the total: no base, bonus or penalty of the whole
            na_of = {part.id: f"{na_col[(rs.id, part.id)]}{R}" for part in rs.parts if (rs.id, part.id) in na_col}
            cells, core, forced = part_formulas(
                rs, cls, R, sd, ctx.p, lambda s: f"{section_col[(rs.id, s.id)]}{R}", cols.part_col[rs.id], cols.part_veto_col[rs.id], cond_of, na_of, ctx.na_kind == "normalize"
            )
            out += cells
            out += [(f"{S[k]}{R}", "", False) for k in ("基础分", "加分", "扣分")]
            for part in rs.parts:  # a part its veto stopped shows no section subtotal
                pstop = stop_test([v for v in rs.vetoes if v.part == part.id and applies_to(v, cls)], f"{cols.part_veto_col[rs.id].get(part.id)}{R}")
                if pstop is not None:
                    mine = {f"{section_col[(rs.id, s.id)]}{R}" for s in rs.sections if s.part == part.id}
                    out = [(ref, f'IF({pstop},"",{content})' if ref in mine else content, f) for ref, content, f in out]
            gates = []
        else:
            base = f"ROUND({'+'.join(base_cells)},{sd})" if base_cells else "0"
            if ctx.na_kind == "normalize" and (rs.id, None) in na_col and base_cells:
                # Σ subtotals / the points that apply × the class total, rounded once
                na, F = f"{na_col[(rs.id, None)]}{R}", num(rs.classes[cls].max)
                base = f"IF({na}>0,IF({F}-{na}<=0,0,ROUND(({'+'.join(base_cells)})*{F}/({F}-{na}),{ctx.p})),{base})"
            out.append((f"{S['基础分']}{R}", base, True))
            bonus = f"ROUND({'+'.join(bonus_parts)},{sd})" if bonus_parts else "0"
            # a bonus gate that does not pass takes the bonus away
            tests = [f"{S['基础分']}{R}{FORMULA_OP[NEGATION[g.bound[0]]]}{num(g.bound[1])}" for g in gates if g.kind == "bonus_requires_base"]
            if tests:
                bonus = f"IF({tests[0] if len(tests) == 1 else 'OR(' + ','.join(tests) + ')'},0,{bonus})"
            out.append((f"{S['加分']}{R}", bonus, True))
            out.append((f"{S['扣分']}{R}", f"ROUND({'+'.join(penalty_parts)},{sd})" if penalty_parts else "0", True))
            core = f"ROUND({S['基础分']}{R}+{S['加分']}{R}-{S['扣分']}{R},{sd})"
            forced = None
        # the vetoes of the whole table (a part's are the part's)
        vetoes = [(vi, v) for vi, v in enumerate(rs.vetoes) if applies_to(v, cls) and v.part is None]
        veto = veto_chain([v for _vi, v in vetoes], cond_of)
        if vetoes:
            out.append((f"{S['单项否决']}{R}", veto, True))
        else:
            out.append((f"{S['单项否决']}{R}", "", False))
        K = f"{S['单项否决']}{R}"
        stop = stop_test([v for _vi, v in vetoes], K)
        if stop is not None:
            # a veto that stops scoring: nothing but its total and grade
            scored = {f"{section_col[(rs.id, s.id)]}{R}" for s in rs.sections} | {f"{S[k]}{R}" for k in ("基础分", "加分", "扣分")}
            out = [(ref, f'IF({stop},"",{content})' if ref in scored else content, f) for ref, content, f in out]
        total = core
        for _vi, v in reversed(vetoes):
            if v.total is not None:
                total = f"IF({K}={text(v.id)},{num(v.total)},{total})"
            elif v.stops:
                total = f"IF({K}={text(v.id)},{text(VETOED)},{total})"
        out.append((f"{S['总分']}{R}", total, True))
        bands = None
        if rs.grades is not None:
            bands = '""'
            for band in reversed(rs.grades.bands):
                bound = band.bound
                bands = text(band.grade) if bound is None else f"IF({S['总分']}{R}{FORMULA_OP[bound[0]]}{num(bound[1])},{text(band.grade)},{bands})"
        grade = bands
        if forced is not None:
            grade = forced(grade or chr(34) * 2)
        for g in gates:
            if g.kind == "fail_below":
                grade = f"IF({S['基础分']}{R}{FORMULA_OP[g.bound[0]]}{num(g.bound[1])},{text(g.grade)},{grade or chr(34) * 2})"
        for _vi, v in reversed(vetoes):
            if v.grade is not None:
                grade = f"IF({K}={text(v.id)},{text(v.grade)},{grade or chr(34) * 2})"
            elif v.stops:
                # the grade of its total by the bands alone, or none without a total
                grade = f"IF({K}={text(v.id)},{(bands or chr(34) * 2) if v.total is not None else chr(34) * 2},{grade or chr(34) * 2})"
        if grade is not None:
            out.append((f"{S['等次']}{R}", grade, True))
        G, T = S["排名组"], S["总分"]
        same = f"(${G}$2:${G}${last_sum_row}={G}{R})"
        if cols.text_totals:
            # 单项否决 (no total) ranks after every unit of its group with a total
            numbers = f"ISNUMBER(${T}$2:${T}${last_sum_row})"
            rank = f"IF(ISNUMBER({T}{R}),1+SUMPRODUCT({same}*{numbers}*(${T}$2:${T}${last_sum_row}>{T}{R})),1+SUMPRODUCT({same}*{numbers}))"
        else:
            rank = f"1+SUMPRODUCT({same}*(${T}$2:${T}${last_sum_row}>{T}{R}))"
        out.append((f"{S['排名']}{R}", rank, True))
    except Unexpressible as exc:
        refuse(ctx, _("the totals of unit {unit}").format(unit=quote(r.unit)), (), exc)
    return out


def stop_test(vetoes: list, veto_cell: str) -> str | None:
    """True when the veto in ``veto_cell`` (the 单项否决 cell) is one that
    stops scoring; None when none of ``vetoes`` does."""
    ids = [v.id for v in vetoes if v.stops]
    if not ids:
        return None
    tests = [f"{veto_cell}={text(i)}" for i in ids]
    return tests[0] if len(tests) == 1 else "OR(" + ",".join(tests) + ")"


def guarded_condition(cond, cell, guard: bool) -> str:
    """A unit-level condition; with a missing value it does not hold (void_if, veto)."""
    f = cond.formula(cell)
    blank = blank_test(cond.field_ids(), cell) if guard else None
    return f"AND(NOT({blank}),{f})" if blank else f


def na_scope(rs, section) -> str | None:
    """The scope a base section's not-applicable points are made up in
    (``engine/na_policy.py``): its part, itself (weighted), or None (the
    class total)."""
    if rs.parts:
        return section.part
    return section.id if rs.composition == "weighted" else None


def scope_label(rs, scope: str | None) -> str:
    """The 汇总 header of a scope's not-applicable points."""
    if scope is None:
        return "不适用分值"
    return f"不适用分值({next(x.name for x in (*rs.parts, *rs.sections) if x.id == scope)})"


def na_ref(ctx: RulesContext, section, na_col: dict, srow: int) -> str | None:
    """The 汇总 cell with this unit's not-applicable points for this base section's scope."""
    if section.kind != "base" or not ctx.na_scopes:
        return None
    c = na_col.get((ctx.id, na_scope(ctx.rs, section)))
    return None if c is None else f"{SUMMARY}!${c}${srow}"


def scope_full(rs, section, cls: str, ctx: RulesContext) -> Decimal:
    """The full points an N/A share is taken from: the class total, the
    section's (weighted) or its part's base points."""
    if rs.parts:
        return part_base_max(rs, section.part, cls)
    if rs.composition == "weighted":
        return sum((item_max(i, cls) or ZERO for g in section.groups for i in g.items), ZERO)
    return rs.classes[cls].max


def scaled(x: str, na: str, full: Decimal, p: int) -> str:
    """``q(x × full / (full - na))`` when some points are not applicable (0 when none apply)."""
    F = num(full)
    return f"IF({na}>0,IF({F}-{na}<=0,0,ROUND({x}*{F}/({F}-{na}),{p})),{x})"


def section_formula(u: UnitRows, section, ctx: RulesContext, D: dict, raw_c: str, na_col: dict, srow: int) -> str:
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
        if any(applies_conditions(section, group, it) for it in items):
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
    na = na_ref(ctx, section, na_col, srow)
    if na is not None:
        full = scope_full(rs, section, cls, ctx)
        F = num(full)
        if ctx.redistribute:
            scaled_items = f"SUM({DETAIL}!{D['得分']}{a}:{D['得分']}{b})"
            if reliefs:
                rel = "+".join(reliefs)
                scaled_items += f"+ROUND(({rel})*{F}/({F}-{na}),{p})"
            value = f"IF({na}>0,IF({F}-{na}<=0,0,ROUND({scaled_items},{sd})),{sec})"
        elif ctx.spread:
            # the items with their shares; a group's relief as it was
            value = f"IF({na}>0,IF({F}-{na}<=0,0,ROUND(SUM({DETAIL}!{D['得分']}{a}:{D['得分']}{b}){plus},{sd})),{sec})"
        elif ctx.na_kind != "normalize":  # normalize divides the base, not the sections
            value = scaled(sec, na, full, p)
    if rs.composition == "weighted":
        value = f"ROUND({num(section.weight or ZERO)}*{value},{p})"
    return value
