"""The rule language as spreadsheet formula text (Excel and LibreOffice alike).

Every condition, clause and item of a rule file has a formula form built here
from a handful of functions both programs compute identically: SUM, SUMIF,
SUMPRODUCT, MIN, MAX, IF, AND, OR, NOT, EXACT, DATE, ROUND and NA.  The
formulas mirror ``scoring.py`` and ``conditions.py`` exactly:

* yes/no observations are the text 是/否 (``cell="是"``), choices are compared
  case-sensitively with EXACT (gkscore compares text exactly; ``=`` in a
  spreadsheet ignores case), dates with DATE(y,m,d), numbers as numbers;
* an item's score is ``ROUND(MIN(分值, MAX(0, start + Σ clauses)), precision)``:
  clamped to [0, 分值] and rounded once, halves away from zero, which is what
  ``exact.q`` does;
* with ``guard`` (a --partial run) a clause whose fields are blank contributes
  0 and does not "hold", as gkscore treats a missing value.

Anything that cannot be written faithfully raises ``Unexpressible`` with the
reason; the workbook writer turns it into a refusal naming the item.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable

from ..exact import fmt
from ..rules.model import AllOf, AnyOf, ClauseHolds, FieldTest, NotOf
from ..rules.resolve import per_class

# Excel's limits: 8192 characters per formula, 64 nested function levels.
MAX_FORMULA_CHARS = 8000
MAX_NESTING = 60
# A spreadsheet number holds 15 significant decimal digits faithfully.
MAX_DIGITS = 15

YES = "是"
NO = "否"


class Unexpressible(Exception):
    """This part of a rule has no faithful formula form (message says why)."""


def num(value: Decimal | int) -> str:
    """A numeric literal, exactly as the rule file wrote it."""
    d = Decimal(value)
    if not d.is_finite():
        raise Unexpressible(f"number {value} is not finite")
    if len(d.normalize().as_tuple().digits) > MAX_DIGITS:
        raise Unexpressible(f"the number {fmt(d, None)} has more than {MAX_DIGITS} significant digits, which a spreadsheet cannot hold exactly")
    return fmt(d, None)


def text(value: str) -> str:
    """A string literal."""
    if len(value) > 255:
        raise Unexpressible("a text constant longer than 255 characters")
    return '"' + value.replace('"', '""') + '"'


def date(value: dt.date) -> str:
    return f"DATE({value.year},{value.month},{value.day})"


def decimals(value: Decimal | None) -> int:
    """Decimal places of a rule number (0 for whole numbers)."""
    if value is None:
        return 0
    exp = Decimal(value).normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


Cell = Callable[[str], str]  # field id -> cell reference, e.g. 观测!D14


def fields_of(cond) -> list[str]:
    """Field ids a condition reads, in order, without repeats (clause references read none)."""
    out: list[str] = []

    def walk(c) -> None:
        if c is None or isinstance(c, ClauseHolds):
            return
        if isinstance(c, FieldTest):
            if c.field not in out:
                out.append(c.field)
        elif isinstance(c, AllOf):
            for part in c.all:
                walk(part)
        elif isinstance(c, AnyOf):
            for part in c.any:
                walk(part)
        elif isinstance(c, NotOf):
            walk(c.not_)

    walk(cond)
    return out


def blank_test(field_ids: list[str], cell: Cell) -> str | None:
    """True when any of these observation cells is empty (a missing value)."""
    if not field_ids:
        return None
    parts = [f'{cell(f)}=""' for f in field_ids]
    return parts[0] if len(parts) == 1 else f"OR({','.join(parts)})"


def condition(cond, cell: Cell, held: dict[str, str] | None = None) -> str:
    """A boolean formula for a condition (``conditions.holds``)."""
    if isinstance(cond, FieldTest):
        ref = cell(cond.field)
        comps = cond.comparisons()
        if not comps:
            return f'{ref}="{YES}"'
        op, want = comps[0]
        return _compare(ref, op, want)
    if isinstance(cond, AllOf):
        parts = [condition(c, cell, held) for c in cond.all]
        return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"
    if isinstance(cond, AnyOf):
        parts = [condition(c, cell, held) for c in cond.any]
        return parts[0] if len(parts) == 1 else f"OR({','.join(parts)})"
    if isinstance(cond, NotOf):
        return f"NOT({condition(cond.not_, cell, held)})"
    if isinstance(cond, ClauseHolds):
        if held is None:
            raise Unexpressible("a clause reference outside an item")
        # An unknown or later clause never held (scoring.py: held.get(id, False)).
        return held.get(cond.clause, "FALSE")
    raise Unexpressible(f"unknown condition {cond!r}")


_OPS = {"eq": "=", "ne": "<>", "ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


def _compare(ref: str, op: str, want) -> str:
    if isinstance(want, bool):
        if op not in ("eq", "ne"):
            raise Unexpressible(f"a yes/no value compared with {op}")
        is_yes = want if op == "eq" else not want
        return f'{ref}="{YES if is_yes else NO}"'
    if op == "in":
        parts = [f"EXACT({ref},{text(str(v))})" for v in want]
        return parts[0] if len(parts) == 1 else f"OR({','.join(parts)})"
    if isinstance(want, str):
        if op == "eq":
            return f"EXACT({ref},{text(want)})"
        if op == "ne":
            return f"NOT(EXACT({ref},{text(want)}))"
        raise Unexpressible(f"a choice compared with {op}")
    if isinstance(want, dt.date):
        return f"{ref}{_OPS[op]}{date(want)}"
    if isinstance(want, (Decimal, int)):
        return f"{ref}{_OPS[op]}{num(want)}"
    raise Unexpressible(f"cannot compare with {want!r}")


def _points(value, cls: str) -> Decimal:
    p = per_class(value, cls)
    if p is None:
        raise Unexpressible(f"no points for class {cls}")
    return p


def clause_fields(clause) -> list[str]:
    """Every field a clause reads (only_if first, as scoring.py evaluates them)."""
    out = fields_of(clause.only_if)
    extra: list[str] = []
    if clause.kind in ("award", "deduct"):
        extra = fields_of(clause.when)
    elif clause.kind == "coverage":
        extra = list(clause.fields)
    else:
        extra = [clause.field]
    for f in extra:
        if f not in out:
            out.append(f)
    return out


def clause_formula(clause, cls: str, cell: Cell, held: dict[str, str], guard: bool) -> tuple[str, str]:
    """(signed term, holds) for one clause: the term is added to the item's
    start (``+...`` or ``-...``); ``holds`` is the boolean a later clause's
    ``{clause: id}`` sees (scoring.py's ``Step.applied``)."""
    kind = clause.kind
    sign = "-" if kind in ("deduct", "deduct_each", "sampled") else "+"
    if kind in ("award", "deduct"):
        ok = condition(clause.when, cell, held)
        p = num(_points(clause.points, cls))
        magnitude = f"IF({ok},{p},0)"
        holds = ok
    else:
        if kind == "deduct_each":
            per = num(_points(clause.per, cls))
            magnitude = f"{per}*{cell(clause.field)}"
            cap = per_class(clause.cap, cls) if clause.cap is not None else None
            if cap is not None:
                magnitude = f"MIN({magnitude},{num(cap)})"
        elif kind == "sampled":
            per = num(_points(clause.per, cls))
            ref = cell(clause.field)
            magnitude = f"{per}*({clause.sample}-{ref})" if clause.counts == "passed" else f"{per}*{ref}"
        elif kind == "coverage":
            covered = "(" + "+".join(f'({cell(f)}="{YES}")' for f in clause.fields) + ")"
            full = clause.full_at or len(clause.fields)
            p = num(_points(clause.points, cls))
            if clause.mode == "all":
                magnitude = f"IF({covered}>={full},{p},0)"
            else:
                magnitude = f"{p}*MIN({covered},{full})/{full}"
        elif kind == "judged":
            magnitude = cell(clause.field)
        elif kind == "graded":
            ref = cell(clause.field)
            magnitude = "NA()"  # a value outside the levels is an error, never a silent 0
            for level, points in reversed(list(clause.levels.items())):
                magnitude = f"IF(EXACT({ref},{text(level)}),{num(points)},{magnitude})"
        elif kind == "percent":
            p = num(_points(clause.points, cls))
            magnitude = f"{p}*{cell(clause.field)}/100"
        else:
            raise Unexpressible(f"unknown clause kind {kind!r}")
        holds = f"{magnitude}>0"
    if clause.only_if is not None:
        only = condition(clause.only_if, cell, held)
        magnitude = f"IF({only},{magnitude},0)"
        holds = f"IF({only},{holds},FALSE)"
    if guard:
        blank = blank_test(clause_fields(clause), cell)
        if blank is not None:
            magnitude = f"IF({blank},0,{magnitude})"
            holds = f"IF({blank},FALSE,{holds})"
    return sign + magnitude, holds


def item_formula(item, cls: str, m: Decimal, start: Decimal, precision: int, cell: Cell, guard: bool) -> str:
    """``ROUND(MIN(分值, MAX(0, start ± clauses)), precision)`` (no leading =)."""
    held: dict[str, str] = {}
    terms: list[str] = []
    for clause in item.clauses:
        term, holds = clause_formula(clause, cls, cell, held, guard)
        if clause.id:
            held[clause.id] = f"({holds})" if not holds.startswith(("IF(", "AND(", "OR(", "NOT(")) else holds
        terms.append(term)
    body = "".join(terms)
    if start != 0:
        body = num(start) + body
    elif body.startswith("+"):
        body = body[1:]
    return f"ROUND(MIN({num(m)},MAX(0,{body})),{precision})"


def check_formula(formula: str) -> None:
    """Refuse a formula a spreadsheet would reject or truncate."""
    if len(formula) > MAX_FORMULA_CHARS:
        raise Unexpressible(f"the formula would be {len(formula)} characters long (the limit is {MAX_FORMULA_CHARS})")
    depth = deepest = 0
    quoted = False
    for ch in formula:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif not quoted and ch == ")":
            depth -= 1
    if deepest > MAX_NESTING:
        raise Unexpressible(f"the formula nests {deepest} levels deep (the limit is {MAX_NESTING})")


def functions_used(formula: str) -> set[str]:
    """Names of the functions a formula calls (for tests and audits)."""
    import re

    out = set()
    quoted = False
    token = ""
    for ch in formula:
        if ch == '"':
            quoted = not quoted
            token = ""
            continue
        if quoted:
            continue
        if ch == "(":
            if re.fullmatch(r"[A-Z][A-Z0-9.]*", token):
                out.add(token)
            token = ""
        elif re.match(r"[A-Za-z0-9_.]", ch):
            token += ch
        else:
            token = ""
    return out
