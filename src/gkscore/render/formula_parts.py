"""The 汇总 formulas of a table made of parts (``engine/parts.py``): per part,
the veto that applied to it (a cell of its own), its score -- its base
sections, its bonus and penalty sections within their caps, its gates, or
its veto's total -- and the unit's total, Σ weight × part score rounded once.
With an na_policy a part's sections are made up on the part's scale (by
``formula_totals.section_formula``), normalize divides the part's base, and
a part none of whose base items applies (no veto of it holding) is left out:
its cell blank, the total Σ weight × score ÷ Σ weight over the other parts.
Written into the 汇总 row by ``formula_totals.summary_row``."""

from __future__ import annotations

from ..engine.formula import num, text
from ..rules.model import applies_to
from ..rules.part_checks import part_base_max
from ..rules.resolve import section_cap
from ..rules.threshold import FORMULA_OP, NEGATION


def veto_chain(vetoes: list, cond_of) -> str:
    """The id of the first of ``vetoes`` whose condition holds, or ""."""
    out = '""'
    for v in reversed(vetoes):
        out = f"IF({cond_of(v)},{text(v.id)},{out})"
    return out


def part_formulas(rs, cls: str, R: str, sd: int, p: int, section_ref, part_col: dict, veto_col: dict, cond_of, na_of: dict, normalize: bool) -> tuple[list, str, callable]:
    """(cells of the parts: (ref, formula, True), the weighted total
    formula, a function that wraps a grade formula in the grades the parts'
    vetoes and gates force).  ``section_ref(section)``: the 汇总 cell of a
    section's subtotal; ``cond_of(veto)``: its condition; ``na_of``: part id
    -> the 汇总 cell of its not-applicable points (parts that may have
    some); ``normalize``: the na_policy divides each part's base."""
    cells = []
    terms = []
    left_out = {}  # part cell -> the test that the part is left out, for the parts that may be
    forcing = []  # per part, in order: (veto cell, vetoes with a grade, fail gates, base formula, left-out test)
    for part in rs.parts:
        sections = [s for s in rs.sections if s.part == part.id]
        subtotals = "+".join(section_ref(s) for s in sections if s.kind == "base")
        base = f"ROUND({subtotals},{sd})"
        na = na_of.get(part.id)
        F = num(part_base_max(rs, part.id, cls)) if na is not None else None
        if na is not None and normalize:  # Σ subtotals ÷ the part's applicable points × its full points, rounded once
            base = f"IF({na}>0,IF({F}-{na}<=0,0,ROUND(({subtotals})*{F}/({F}-{na}),{p})),{base})"
        bonus_parts, penalty_parts = [], []
        for s in sections:
            if s.kind == "base":
                continue
            cap = section_cap(s, cls)
            ref = section_ref(s)
            (bonus_parts if s.kind == "bonus" else penalty_parts).append(ref if cap is None else f"MIN({ref},{num(cap)})")
        bonus = f"ROUND({'+'.join(bonus_parts)},{sd})" if bonus_parts else "0"
        gates = [g for g in rs.gates if g.part == part.id and applies_to(g, cls)]
        tests = [f"{base}{FORMULA_OP[NEGATION[g.bound[0]]]}{num(g.bound[1])}" for g in gates if g.kind == "bonus_requires_base"]
        if tests:
            bonus = f"IF({tests[0] if len(tests) == 1 else 'OR(' + ','.join(tests) + ')'},0,{bonus})"
        penalty = f"ROUND({'+'.join(penalty_parts)},{sd})" if penalty_parts else "0"
        score = f"ROUND({base}+{bonus}-{penalty},{sd})"
        vetoes = [v for v in rs.vetoes if v.part == part.id and applies_to(v, cls)]
        K = f"{veto_col[part.id]}{R}" if vetoes else None
        if vetoes:
            cells.append((K, veto_chain(vetoes, cond_of), True))
            for v in reversed(vetoes):
                score = f"IF({K}={text(v.id)},{num(v.total)},{score})"
        P = f"{part_col[part.id]}{R}"
        out = None
        if na is not None:  # nothing of the part applies and no veto of it holds
            out = f"AND({na}>0,{F}-{na}<=0)" if K is None else f'AND({K}="",{na}>0,{F}-{na}<=0)'
            score = f'IF({out},"",{score})'
            left_out[P] = out
        cells.append((P, score, True))
        terms.append(f"{num(part.weight)}*{P}")
        forcing.append((K, [v for v in vetoes if v.grade is not None], [g for g in gates if g.kind == "fail_below"], base, out))
    total = f"ROUND({'+'.join(terms)},{p})"
    if left_out:
        # the weights of the parts left out shared by the others: Σ weight × score ÷ Σ weight, rounded once
        cells_weights = [(f"{part_col[part.id]}{R}", num(part.weight)) for part in rs.parts]
        kept = "+".join(f"IF({left_out[P]},0,{w}*{P})" if P in left_out else f"{w}*{P}" for P, w in cells_weights)
        weights = "+".join(f"IF({left_out[P]},0,{w})" if P in left_out else w for P, w in cells_weights)
        tests = list(left_out.values())
        some_out = tests[0] if len(tests) == 1 else "OR(" + ",".join(tests) + ")"
        total = f"IF({some_out},IF(({weights})<=0,0,ROUND(({kept})/({weights}),{p})),{total})"

    def forced(grade: str) -> str:
        """``grade`` unless a part forces one: the first part that does, by
        its veto's grade, else the last of its failing gates."""
        out = grade
        for K, graded, fails, base, out_test in reversed(forcing):
            inner = '""'
            for g in fails:  # the last that applies wins, as in a whole table
                inner = f"IF({base}{FORMULA_OP[g.bound[0]]}{num(g.bound[1])},{text(g.grade)},{inner})"
            if out_test is not None and fails:
                inner = f'IF({out_test},"",{inner})'  # a part left out has no gates
            if K is not None:
                inner = f'IF({K}<>"","",{inner})'  # a part its veto scored has no gates
                for v in reversed(graded):
                    inner = f"IF({K}={text(v.id)},{text(v.grade)},{inner})"
            if inner != '""':
                out = f'IF({inner}<>"",{inner},{out})'
        return out

    return cells, total, forced
