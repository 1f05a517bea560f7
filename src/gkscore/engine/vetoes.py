"""A veto that stops scoring (``stops: true``): "存在以下情况之一的,直接判定
为不合格,不再对其他指标进行评分".

Vetoes are tried in the order written and the first that holds applies.  When
that one stops scoring, the unit's result is the veto's: its fixed ``total``
(e.g. 59), or no total at all (published as 单项否决 and ranked after every
scored unit of its rank group), with its ``grade`` (or the grade of its
total).  Nothing else is scored, and nothing else is asked for
(``engine/needs.py``).  A veto whose fields are blank cannot be decided: it
is skipped, as ``totals.finish`` skips it, and leaves the unit incomplete.
"""

from __future__ import annotations

from ..exact import fmt
from ..i18n import _
from .compiled import ClassPlan, VetoPlan
from .results import UnitFigures

def undecided_veto(veto_id: str, fields) -> str:
    """The note of a veto whose fields are blank."""
    return _("{veto}: {fields} not filled in; cannot tell whether the veto applies").format(veto=veto_id, fields=", ".join(fields))


def veto_note(text: str) -> str:
    """The note of a veto that applied."""
    return _("veto (单项否决): {text}").format(text=text)


def stopping_veto(plan: ClassPlan, outcome) -> tuple[VetoPlan | None, list[str]]:
    """(the veto that stops scoring, or None; the notes of the vetoes before
    it that could not be decided).  ``outcome(i, veto)``: True, False, or
    the names of the unanswered fields."""
    notes: list[str] = []
    for vp in plan.vetoes:
        if vp.veto.part is not None:
            continue  # a part's veto: engine/parts.py
        held = outcome(vp.i, vp.veto)
        if held.__class__ is tuple:
            notes.append(undecided_veto(vp.veto.id, held))
            continue
        if held:
            return (vp if vp.veto.stops else None), notes
    return None, notes


def stopped_figures(plan: ClassPlan, unit: str, vp: VetoPlan, notes: list[str], grade_for) -> UnitFigures:
    """The figures of a unit whose scoring ``vp`` stopped: the veto's total
    (None: no total) and grade; no sections, base, bonus or penalty."""
    veto = vp.veto
    total = veto.total
    grade = veto.grade if veto.grade is not None else (grade_for(plan.rs, total) if total is not None else None)
    shown = _("the total counts {total} points").format(total=fmt(total, None)) if total is not None else _("no total")
    return UnitFigures(
        unit=unit,
        cls=plan.cls,
        rules_id=plan.rs.id,
        rules_title=plan.rs.title,
        sections={},
        base=None,
        bonus=None,
        penalty=None,
        total=total,
        bonus_raw=None,
        penalty_raw=None,
        grade=grade,
        complete=not notes,
        notes=notes + [veto_note(veto.text), _("nothing else is scored; {total}").format(total=shown)],
        veto=veto.text,
        stopped=True,
    )
