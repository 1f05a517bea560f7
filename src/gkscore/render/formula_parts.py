"""The 汇总 formulas of a table made of parts (``engine/parts.py``): per part,
the veto that applied to it (a cell of its own), its score -- its base
sections, its bonus and penalty sections within their caps, its gates, or
its veto's total -- and the unit's total, Σ weight × part score rounded once.
Written into the 汇总 row by ``formula_totals.summary_row``."""

from __future__ import annotations

from ..engine.formula import num, text
from ..rules.model import applies_to
from ..rules.resolve import section_cap
from ..rules.threshold import FORMULA_OP, NEGATION


def veto_chain(vetoes: list, cond_of) -> str:
    """The id of the first of ``vetoes`` whose condition holds, or ""."""
    out = '""'
    for v in reversed(vetoes):
        out = f"IF({cond_of(v)},{text(v.id)},{out})"
    return out


def part_formulas(rs, cls: str, R: str, sd: int, p: int, section_ref, part_col: dict, veto_col: dict, cond_of) -> tuple[list, str, callable]:
    """(cells of the parts: (ref, formula, True), the unweighted... the
    weighted total formula, a function that wraps a grade formula in the
    grades the parts' vetoes and gates force).  ``section_ref(section)``:
    the 汇总 cell of a section's subtotal; ``cond_of(veto)``: its condition."""
    cells = []
    terms = []
    forcing = []  # per part, in order: (veto cell, vetoes with a grade, fail gates, base formula)
    for part in rs.parts:
        sections = [s for s in rs.sections if s.part == part.id]
        base = f"ROUND({'+'.join(section_ref(s) for s in sections if s.kind == 'base')},{sd})"
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
        cells.append((f"{part_col[part.id]}{R}", score, True))
        terms.append(f"{num(part.weight)}*{part_col[part.id]}{R}")
        forcing.append((K, [v for v in vetoes if v.grade is not None], [g for g in gates if g.kind == "fail_below"], base))
    total = f"ROUND({'+'.join(terms)},{p})"

    def forced(grade: str) -> str:
        """``grade`` unless a part forces one: the first part that does, by
        its veto's grade, else the last of its failing gates."""
        out = grade
        for K, graded, fails, base in reversed(forcing):
            inner = '""'
            for g in fails:  # the last that applies wins, as in a whole table
                inner = f"IF({base}{FORMULA_OP[g.bound[0]]}{num(g.bound[1])},{text(g.grade)},{inner})"
            if K is not None:
                inner = f'IF({K}<>"","",{inner})'  # a part its veto scored has no gates
                for v in reversed(graded):
                    inner = f"IF({K}={text(v.id)},{text(v.grade)},{inner})"
            if inner != '""':
                out = f'IF({inner}<>"",{inner},{out})'
        return out

    return cells, total, forced
