"""The rule language as spreadsheet formula text (Excel and LibreOffice alike).

Every condition, clause and item of a rule file has a formula form, built
from a handful of functions both programs compute identically: SUM, SUMIF,
SUMPRODUCT, MIN, MAX, IF, AND, OR, NOT, EXACT, DATE, ROUND and NA.  Each
clause kind and condition node writes its own (their ``formula`` methods in
``engine/kinds`` and ``engine/conditions``); an item's formula is assembled
here.  The formulas compute what the engine computes:

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

from decimal import Decimal

from ..engine.formula import NO, YES, Cell, Unexpressible, blank_test, num
from ..engine.kinds.registry import is_deduction
from ..i18n import _

# Excel's limits: 8192 characters per formula, 64 nested function levels.
MAX_FORMULA_CHARS = 8000
MAX_NESTING = 60


def decimals(value: Decimal | None) -> int:
    """Decimal places of a rule number (0 for whole numbers)."""
    if value is None:
        return 0
    exp = Decimal(value).normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def clause_formula(clause, cls: str, cell: Cell, held: dict[str, str], guard: bool, penalty: bool = False) -> tuple[str, str]:
    """(signed term, holds) for one clause: the kind's formula (``formula``
    of its module), signed, under its only_if and, with ``guard`` (a
    --partial run), 0 when a field it reads is blank.  The term is added to
    the item's start (``+...`` or ``-...``); ``holds`` is the boolean a later
    clause's ``{clause: id}`` sees (the Step's ``applied``).  In a penalty
    section every clause adds what it takes off (``penalty``)."""
    magnitude, holds = clause.formula(cls, cell, held)
    if holds is None:
        holds = f"{magnitude}>0"
    if clause.only_if is not None:
        only = clause.only_if.formula(cell, held)
        magnitude = f"IF({only},{magnitude},0)"
        holds = f"IF({only},{holds},FALSE)"
    if guard:
        blank = blank_test(clause.reads(), cell)
        if blank is not None:
            magnitude = f"IF({blank},0,{magnitude})"
            holds = f"IF({blank},FALSE,{holds})"
    return ("-" if is_deduction(clause.kind) and not penalty else "+") + magnitude, holds


def item_formula(item, cls: str, m: Decimal, start: Decimal, precision: int, cell: Cell, guard: bool, penalty: bool = False) -> str:
    """``ROUND(MIN(分值, MAX(0, start ± clauses)), precision)`` (no leading =):
    clamped to [0, 分值] and rounded once, halves away from zero, as
    ``exact.q`` does; an item without a 分值 of its own is only floored."""
    body = f"MAX(0,{item_body(item, cls, start, cell, guard, penalty)})"
    return f"ROUND({body},{precision})" if m.is_infinite() else f"ROUND(MIN({num(m)},{body}),{precision})"


def item_body(item, cls: str, start: Decimal, cell: Cell, guard: bool, penalty: bool = False) -> str:
    """``start ± clauses``: the item's raw score, before it is clamped and rounded."""
    held: dict[str, str] = {}
    terms: list[str] = []
    for clause in item.clauses:
        term, holds = clause_formula(clause, cls, cell, held, guard, penalty)
        if clause.id:
            held[clause.id] = f"({holds})" if not holds.startswith(("IF(", "AND(", "OR(", "NOT(")) else holds
        terms.append(term)
    body = "".join(terms)
    if start != 0:
        body = num(start) + body
    elif body.startswith("+"):
        body = body[1:]
    return body


def applies_formula(conditions: list, cell: Cell, guard: bool) -> str:
    """The 适用 cell: 是 when every applicability condition holds; with
    ``guard`` (a --partial run) one whose fields are blank does not make the
    item not applicable, as in scoring."""
    parts = []
    for cond in conditions:
        f = cond.formula(cell)
        blank = blank_test(cond.field_ids(), cell) if guard else None
        parts.append(f"IF({blank},TRUE,{f})" if blank else f)
    test = parts[0] if len(parts) == 1 else "AND(" + ",".join(parts) + ")"
    return f'IF({test},"{YES}","{NO}")'


def unfilled_formula(item, cls: str, applies: list, cell: Cell) -> str | None:
    """True when a field the item needs is blank (``engine.needs``): the
    fields of its applicability conditions, of its clauses without only_if
    and of those whose only_if holds or cannot be decided, and the fields no
    clause reads."""
    held: dict[str, str] = {}
    always: list[str] = [f for c in applies for f in c.field_ids()]
    conditional: list[tuple[str, list[str]]] = []
    read: set[str] = set()
    for clause in item.clauses:
        _term, holds = clause_formula(clause, cls, cell, held, True)
        reads = clause.reads()
        read.update(reads)
        if clause.only_if is None:
            always += reads
        else:
            only = clause.only_if.field_ids()
            always += only
            active = clause.only_if.formula(cell, held)
            blank = blank_test(only, cell)
            conditional.append((f"OR({blank},{active})" if blank else active, [f for f in reads if f not in only]))
        if clause.id:
            held[clause.id] = f"({holds})" if not holds.startswith(("IF(", "AND(", "OR(", "NOT(")) else holds
    always += [f.id for f in item.fields if f.id not in read]
    always = list(dict.fromkeys(always))
    parts = []
    blank = blank_test(always, cell)
    if blank is not None:
        parts.append(blank)
    for active, fields in conditional:
        blank = blank_test([f for f in fields if f not in always], cell)
        if blank is not None:
            parts.append(f"AND({active},{blank})")
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "OR(" + ",".join(parts) + ")"


def check_formula(formula: str) -> None:
    """Refuse a formula a spreadsheet would reject or truncate."""
    if len(formula) > MAX_FORMULA_CHARS:
        raise Unexpressible(_("the formula would be {n} characters long (a spreadsheet allows {limit})").format(n=len(formula), limit=MAX_FORMULA_CHARS))
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
        raise Unexpressible(_("the formula nests {n} levels deep (a spreadsheet allows {limit})").format(n=deepest, limit=MAX_NESTING))


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
