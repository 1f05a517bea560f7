"""A spread of the points that do not apply (``na_policy: {kind: spread}``,
``engine/na_policy.py``) in the formula workbook: on 明细, each applicable
base item's share (计入(取整): evenly or pro rata, rounded; 计入分值: with the
rounding's remainder on the first or last applicable item of its scope), its
new 分值 (计分分值) and its score, its raw score plus its share kept within
0 and the new 分值.  The scope is the unit's base rows, or with composition:
weighted a section's, or in a table made of parts a part's; the points that
do not apply are the 汇总 cell of the scope (``na_ref``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..engine.formula import NO, YES, num
from .formula_totals import na_ref, na_scope, scope_full

SHARE_BASE, SHARE = "计入(取整)", "计入分值"


@dataclass
class SpreadRow:
    """A 明细 row of a rule file with a spread: its raw score formula and
    what makes it 0 (an unfilled field, a voided group, not applicable)."""

    row: int
    section: object
    body: str  # start ± clauses, before clamping
    wrap: Callable[[str], str]


def _ranges(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of row numbers."""
    out: list[tuple[int, int]] = []
    for r in sorted(rows):
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _count(col: str, ranges: list[tuple[int, int]]) -> str:
    """How many of these rows apply (适用 = 是)."""
    return "+".join(f'SUMPRODUCT(({col}{a}:{col}{b}="{YES}")*1)' for a, b in ranges) or "0"


def spread_cells(u, ctx, D: dict, na_col: dict, rows: list[SpreadRow]) -> list[tuple[SpreadRow, str, str]]:
    """(row, cell, formula) of the share, 计分分值, 得分 and 失分 cells of a
    unit's spread rows, as ``na_policy.spread_items`` computes them (the row:
    a cell of an item a part's veto stopped scoring is blank)."""
    if not rows:
        return []
    rs, cls, p, sd = ctx.rs, u.result.cls, ctx.p, ctx.sd
    policy = rs.na_policy
    A, M, SB, SH, MX, S, L = D["适用"], D["分值"], D[SHARE_BASE], D[SHARE], D["计分分值"], D["得分"], D["失分"]
    scopes: dict = {}
    for sr in rows:
        if sr.section.kind == "base":
            key = na_scope(rs, sr.section)
            if key in ctx.na_scopes:
                scopes.setdefault(key, []).append(sr)
    out: list[tuple[SpreadRow, str, str]] = []
    shared = set()
    for members in scopes.values():
        ranges = _ranges([sr.row for sr in members])
        na = na_ref(ctx, members[0].section, na_col, u.summary_row)
        F = num(scope_full(rs, members[0].section, cls, ctx))
        total = "+".join(f"SUM({SB}{a}:{SB}{b})" for a, b in ranges)
        for sr in members:
            r = sr.row
            applies = f'{A}{r}="{YES}"'
            if policy.share == "even":
                base = f"IF(AND({applies},{na}>0),ROUND({na}/({_count(A, ranges)}),{p}),0)"
            else:
                base = f"IF(AND({applies},{na}>0,{F}-{na}>0),ROUND({na}*{M}{r}/({F}-{na}),{p}),0)"
            others = [(a, min(b, r - 1)) for a, b in ranges if a <= r - 1] if policy.remainder == "first" else [(max(a, r + 1), b) for a, b in ranges if b >= r + 1]
            takes = f"AND({applies},{_count(A, others)}=0)" if others else applies
            out.append((sr, f"{SB}{r}", base))
            out.append((sr, f"{SH}{r}", f"{SB}{r}+IF({takes},{na}-({total}),0)"))
            shared.add(r)
    for sr in rows:
        r = sr.row
        share = f"+{SH}{r}" if r in shared else ""
        out.append((sr, f"{MX}{r}", f'IF({A}{r}="{NO}",0,{M}{r}{share})'))
        out.append((sr, f"{S}{r}", sr.wrap(f"ROUND(MIN({MX}{r},MAX(0,{sr.body}{share})),{p})")))
        out.append((sr, f"{L}{r}", f"ROUND({MX}{r}-{S}{r},{sd})"))
    return out
