"""Rule-file pieces in words, for people comparing two versions of a table.

``clause_words(clause)`` reads a clause back the way an annex would say it
("每个扣0.2分,最多扣1分" in Chinese), ``condition_words`` a condition
("instructions 不少于 2"), ``points_words`` a per-class figure ("A类2、B类3"),
``figure_words`` just a clause's figure.  ``gkscore rules diff`` builds its
messages from these, so a changed figure reads "扣0.2分 → 扣0.5分".  All in
the language of the run.
"""

from __future__ import annotations

from decimal import Decimal

from ..exact import fmt
from ..i18n import N_, _, pgettext
from ..engine.conditions.calc import Calc
from .model import AllOf, AnyOf, ClauseHolds, FieldTest, NotOf

OP_WORDS = {"eq": N_("equal to"), "ne": N_("not equal to"), "ge": N_("at least"), "gt": N_("more than"),
            "le": N_("at most"), "lt": N_("fewer than"), "in": N_("one of")}
DATE_OP_WORDS = {"ge": N_("on or after"), "gt": N_("after"), "le": N_("on or before"), "lt": N_("before")}


def number(value) -> str:
    if value is None:
        return _("not applicable")
    if isinstance(value, Decimal):
        return fmt(value, None)
    return str(value)


def listing(parts) -> str:
    return pgettext("list separator", ", ").join(parts)


def points_words(value) -> str:
    """2 -> '2'; {A: 2, B: 3} -> 'A: 2, B: 3' ('A类2、B类3'); null per class -> not applicable."""
    if isinstance(value, dict):
        return listing(_("{cls}: {value}").format(cls=c, value=number(v)) for c, v in value.items())
    return number(value)


def _scalar(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return number(value)


def _op(op: str, value) -> str:
    if hasattr(value, "isoformat") and op in DATE_OP_WORDS:
        return _(DATE_OP_WORDS[op])
    return _(OP_WORDS[op])


def condition_words(cond, rename: dict[str, str] | None = None) -> str:
    """``rename`` maps field ids to the names to show (a field renamed between
    two versions reads as its new name, so only real changes differ)."""
    if cond is None:
        return ""
    if isinstance(cond, FieldTest):
        name = (rename or {}).get(cond.field, cond.field)
        tests = cond.comparisons()
        if not tests:
            return _("{field} = yes").format(field=name)
        return _(" and ").join(_("{field} {op} {value}").format(field=name, op=_op(op, v), value=_scalar(v)) for op, v in tests)
    if isinstance(cond, AllOf):
        return "(" + _(" and ").join(condition_words(c, rename) for c in cond.all) + ")"
    if isinstance(cond, AnyOf):
        return "(" + _(" or ").join(condition_words(c, rename) for c in cond.any) + ")"
    if isinstance(cond, NotOf):
        return _("not {condition}").format(condition=condition_words(cond.not_, rename))
    if isinstance(cond, ClauseHolds):
        return _("clause {id} holds").format(id=cond.clause)
    if isinstance(cond, Calc):
        op, value = cond.test
        shown = cond.expression((lambda f: rename.get(f, f)) if rename else None)
        return _("{field} {op} {value}").format(field=shown, op=_op(op, value), value=_scalar(value))
    return str(cond)


def band_words(band) -> str:
    """'优秀≥90', '优秀>90', or the lowest band's name."""
    bound = band.bound
    if bound is None:
        return band.grade
    return f"{band.grade}{'>' if bound[0] == 'gt' else '≥'}{number(bound[1])}"


def gate_words(gate) -> str:
    op, n = gate.bound
    if gate.kind == "bonus_requires_base":
        text = (_("bonus only with a base above {n}") if op == "gt" else _("bonus only with a base of at least {n}")).format(n=number(n))
    else:
        text = (_("a base of at most {n} is {grade}") if op == "le" else _("a base below {n} is {grade}")).format(n=number(n), grade=gate.grade)
    if gate.classes is not None:
        text = _("{gate} (classes {classes})").format(gate=text, classes=listing(gate.classes))
    return text


def policy_words(policy) -> str:
    """An na_policy as written: its name, or a spread's keys."""
    if isinstance(policy, str):
        return policy
    return f"{{kind: {policy.kind}, share: {policy.share}, remainder: {policy.remainder}}}"


def cap_words(cap) -> str:
    return _("at most {points} off").format(points=points_words(cap)) if cap is not None else _("no limit")


def figure_words(clause) -> str:
    """Only the figure of a clause: '得1分', '扣2分', '每个扣0.2分' in Chinese."""
    kind = clause.kind
    if kind in ("award", "deduct"):
        each = clause.each is not None
        if clause.share is not None:
            share = f"{fmt(clause.share * 100, None)}%"
            if kind == "award":
                return (_("{share} of the item's points each") if each else _("{share} of the item's points")).format(share=share)
            return (_("{share} of the item's points off each") if each else _("{share} of the item's points off")).format(share=share)
        points = points_words(clause.points)
        if kind == "award":
            return (_("{points} points each") if each else _("{points} points")).format(points=points)
        return (_("{points} off each") if each else _("{points} off")).format(points=points)
    if kind == "deduct_each":
        return _("{points} off each").format(points=points_words(clause.per))
    if kind == "sampled":
        if clause.counts == "passed":
            return _("{points} off for each one short").format(points=points_words(clause.per))
        return _("{points} off for each one found").format(points=points_words(clause.per))
    if kind in ("coverage", "percent"):
        return _("up to {points} points").format(points=points_words(clause.points))
    if kind == "graded":
        return listing(_("{level}: {points}").format(level=k, points=number(v)) for k, v in clause.levels.items())
    return _("judged")


def clause_words(clause, rename: dict[str, str] | None = None) -> str:
    kind = clause.kind
    name = lambda f: (rename or {}).get(f, f)  # noqa: E731
    when = condition_words(getattr(clause, "when", None), rename)
    if kind in ("award", "deduct") and clause.each is not None:
        if clause.share is not None:
            text = _("for each {field}: {figure}").format(field=name(clause.each), figure=figure_words(clause))
        elif kind == "deduct":
            text = _("{points} off for each {field}").format(points=points_words(clause.points), field=name(clause.each))
        else:
            text = _("{points} points for each {field}").format(points=points_words(clause.points), field=name(clause.each))
        if clause.cap is not None:
            text += pgettext("list separator", ", ") + (cap_words(clause.cap) if kind == "deduct" else _("at most {points} points").format(points=points_words(clause.cap)))
    elif kind in ("award", "deduct") and clause.share is not None:
        text = _("{figure} when {condition}").format(figure=figure_words(clause), condition=when)
    elif kind == "award":
        text = _("{points} points when {condition}").format(points=points_words(clause.points), condition=when)
    elif kind == "deduct":
        text = _("{points} off when {condition}").format(points=points_words(clause.points), condition=when)
    elif kind == "deduct_each":
        text = _("{points} off for each {field}").format(points=points_words(clause.per), field=name(clause.field))
        if clause.cap is not None:
            text += pgettext("list separator", ", ") + cap_words(clause.cap)
    elif kind == "sampled":
        text = _("sample of {n} ({field}): {figure}").format(n=clause.sample, field=name(clause.field), figure=figure_words(clause))
    elif kind == "coverage":
        fields = listing(name(f) for f in clause.fields)
        if clause.mode == "proportional":
            text = _("up to {points} points for {full} of {fields}, in proportion").format(points=points_words(clause.points), full=clause.full_at or len(clause.fields), fields=fields)
        else:
            text = _("{points} points when {full} of {fields}").format(points=points_words(clause.points), full=clause.full_at or len(clause.fields), fields=fields)
    elif kind == "judged":
        text = _("judged by the scorer ({field})").format(field=name(clause.field))
    elif kind == "graded":
        text = _("graded by {field}: {levels}").format(field=name(clause.field), levels=figure_words(clause))
    elif kind == "percent":
        text = _("a share of {points} points by {field}").format(points=points_words(clause.points), field=name(clause.field))
    else:
        text = kind
    only = condition_words(clause.only_if, rename)
    return _("only when {condition}: {clause}").format(condition=only, clause=text) if only else text
