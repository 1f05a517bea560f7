"""Semantic checks on what decides a unit's total beyond its items: the
grade bands, the gates and the vetoes (their thresholds, classes and
grades).  Part of ``rules/checks.py``'s run."""

from __future__ import annotations

from typing import Iterator

from ..i18n import _
from ..problems import WARNING, quote
from .findings import Finding, listed
from .model import RuleSet
from .threshold import written
from .unit_checks import unit_fields, with_unit_fields


def grades(rs: RuleSet) -> Iterator[Finding]:
    if rs.grades is None:
        return
    bands = rs.grades.bands
    previous = None
    for bi, band in enumerate(bands):
        bp = ("grades", "bands", bi)
        last = bi == len(bands) - 1
        given = written(band, band.bound_keys)
        if len(given) > 1:
            yield _one_threshold(bp + (given[1][0],), band.bound_keys)
            continue
        if not given and not last:
            yield Finding(bp, "grade-bands", _("only the lowest band may omit its lower bound; give this band at_least: (or above:)"))
        if not given:
            continue
        key, op, value = given[0]
        if last and bi > 0:
            # A last band with a bound leaves totals below it without a grade.
            yield Finding(bp + (key,), "grade-bands", _("the lowest band must have no lower bound, so that every total gets a grade; delete its {key}").format(key=key))
        # a band above N comes before a band at least N: it is the higher
        rank = (value, op == "gt")
        if previous is not None and rank >= previous:
            yield Finding(bp + (key,), "grade-bands", _("bands must be listed from the highest bound down; reorder them"))
        previous = rank
    names = [b.grade for b in bands]
    if len(set(names)) != len(names):
        yield Finding(("grades", "bands"), "grade-bands", _("a grade name is used twice; rename one of them"))


def _one_threshold(path: tuple, keys: dict[str, str]) -> Finding:
    message = _("give one threshold here, not several: one of {keys}")
    return Finding(path, "threshold", message.format(keys=listed(keys)))


def gates(rs: RuleSet) -> Iterator[Finding]:
    classes = list(rs.classes)
    for gi, gate in enumerate(rs.gates):
        gp = ("gates", gi)
        given = written(gate, gate.bound_keys)
        if len(given) > 1:
            yield _one_threshold(gp + (given[1][0],), gate.bound_keys)
        elif not given:
            message = _("a {kind} gate needs its threshold on the base score: one of {keys}")
            yield Finding(gp, "threshold", message.format(kind=gate.kind, keys=listed(gate.bound_keys)))
        yield from _class_list(gate.classes, gp + ("classes",), classes)


def _class_list(value, path: tuple, classes: list) -> Iterator[Finding]:
    for ci, c in enumerate(value or ()):
        if c not in classes:
            message = _("the class {cls} is not declared under classes ({classes}); use one of them, or declare it")
            yield Finding(path + (ci,), "unknown-class", message.format(cls=quote(c), classes=listed(classes)))


def vetoes(rs: RuleSet) -> Iterator[Finding]:
    # A veto or gate grade that is not one of the grade bands is most likely
    # a typo (不及格 for 不合格) and would invent a grade of its own; lint says so.
    bands = [b.grade for b in rs.grades.bands] if rs.grades is not None else None
    forced = [(("vetoes", vi, "grade"), v.grade) for vi, v in enumerate(rs.vetoes)]
    forced += [(("gates", gi, "grade"), g.grade) for gi, g in enumerate(rs.gates) if g.kind == "fail_below"]
    for path, grade in forced:
        if bands is not None and grade is not None and grade not in bands:
            message = _("the grade {grade} is not one of the grade bands ({bands}); if it is a typo, correct it")
            yield Finding(path, "unknown-grade", message.format(grade=quote(grade), bands=listed(bands)), WARNING)
    for vi, veto in enumerate(rs.vetoes):
        vp = ("vetoes", vi)
        yield from _class_list(veto.classes, vp + ("classes",), list(rs.classes))
        if veto.grade is None and veto.total is None:
            yield Finding(vp, "veto-outcome", _("a veto needs a grade, a fixed total, or both; add grade: or total:"))
        yield from veto.when.check(with_unit_fields(veto.fields, unit_fields(rs)), vp + ("when",), None)
