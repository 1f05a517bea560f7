"""``gkscore explain``: every point a unit lost, with the rule, the observation,
the evidence and the arithmetic.

A person reads it: the indicator is named as the annex names it
(组织推进第2项), an observation by the question its field asks, the class
and rank group by the rule file's names for them; ids only when the rule
file is not at hand."""

from __future__ import annotations

from ..exact import fmt
from ..i18n import _
from ..observations.types import show_value
from ..rules.model import RuleSet
from ..rules.resolve import field_label, fields_index, item_names


class _Names:
    """How the rule file names what the text mentions (ids without it)."""

    def __init__(self, rs: RuleSet | None) -> None:
        self.rs = rs
        self.items = item_names(rs) if rs is not None else {}
        self.fields = fields_index(rs) if rs is not None else {}

    def item(self, item_id: str) -> str:
        return self.items.get(item_id, item_id)

    def field(self, owner: str, field_id: str) -> str:
        field = self.fields.get(owner, {}).get(field_id)
        return field_label(field) if field is not None else field_id

    def cls(self, cls: str) -> str:
        return self.rs.class_label(cls) if self.rs is not None else cls

    def group(self, group: str) -> str:
        from ..ranking import group_label

        return group_label(group, self.cls)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _value(value) -> str:
    return _("(not filled)") if value is None else show_value(value)


def explain_text(r, adjustments=(), precision: int = 2, rules: RuleSet | None = None, change=None) -> str:
    """The explanation of one unit's detail ``r``; ``rules``: its rule set,
    for the names of indicators, questions and classes; ``change``: its
    figures before and after the adjustments (``adjustments.effect.UnitChange``)."""
    names = _Names(rules)
    if r.stopped:  # a veto stopped scoring: no figure but the veto's
        if r.total is not None:
            figures = _("total {total} (veto)").format(total=fmt(r.total, precision))
        else:
            figures = _("veto: no total")
    elif getattr(r, "parts", None) is not None:  # a table made of parts: each part's score
        figures = _("total {total} ({parts})").format(total=fmt(r.total, precision), parts=_(", ").join(f"{name} {fmt(score, precision)}" for name, score in r.parts.items() if score is not None))
    else:
        figures = _("total {total} = base {base} + bonus {bonus} - penalty {penalty}").format(
            total=fmt(r.total, precision), base=fmt(r.base, precision), bonus=fmt(r.bonus, precision), penalty=fmt(r.penalty, precision))
    parts = [figures]
    if r.grade:
        parts.append(_("grade {grade}").format(grade=r.grade))
    parts.append(_("rank {rank} in {group}").format(rank=r.rank, group=names.group(r.rank_group)))
    if not r.complete:
        parts.append(_("scoring not complete (--partial: items not filled in count 0 for now)"))
    sep = _("; ")
    lines = [
        _("{unit} ({cls}) — {title}").format(unit=r.unit, cls=names.cls(r.cls), title=r.rules_title),
        sep.join(parts),
    ]
    if change is not None:
        total = lambda v: _("vetoed") if v is None else fmt(v, precision)  # noqa: E731
        lines.append(_("Before review: total {before}, rank {rank_before}; after: total {after}, rank {rank_after} ({n} adjustments)").format(
            before=total(change.total_before), rank_before=change.rank_before, after=total(change.total_after), rank_after=change.rank_after, n=change.adjustments))
    if r.veto:
        lines.append(_("Veto: {text}").format(text=r.veto))
    for note in r.notes:
        lines.append(_("Note: {note}").format(note=note))
    lost_any = False
    for i in r.items:
        if i.section_kind == "bonus":
            continue  # 加分 is not lost: shown in the totals line
        where = f"[{names.item(i.id)}] {' / '.join(i.path)}"
        if i.section_kind == "penalty":
            if i.score == 0:
                continue
            if i.max is None:  # no 分值 of its own: no "at most"
                header = _("{indicator} penalty {score}").format(indicator=where, score=fmt(i.score, precision))
            else:
                header = _("{indicator} penalty {score} (at most {max})").format(indicator=where, score=fmt(i.score, precision), max=fmt(i.max, precision))
        elif i.lost == 0 and i.complete:
            continue
        else:
            header = _("{indicator} points {max}, scored {score}, lost {lost}").format(
                indicator=where, max=fmt(i.max, precision), score=fmt(i.score, precision), lost=fmt(i.lost, precision))
        lost_any = True
        lines.append("")
        lines.append(header)
        rule_label = _("  Scoring rule: ")
        lines.append(rule_label + i.text.replace("\n", "\n" + " " * _width(rule_label)))
        for reason in i.reasons:
            lines.append(_("  Why: {reason}").format(reason=reason))
        lines.append(_("  Arithmetic: {arithmetic}").format(arithmetic=i.arithmetic()))
        for o in i.observations:
            seen = _("  Observed: {question}: {value} ({source})").format(question=names.field(o.owner, o.field), value=_value(o.value), source=o.source)
            if o.scorer:
                seen += _(" scorer {scorer}").format(scorer=o.scorer)
            lines.append(seen)
            if o.evidence:
                lines.append(_("  Evidence: {evidence}").format(evidence=o.evidence))
        for a in adjustments:
            if a.item == i.id:
                lines.append(_("  Review: {question} was {before} → now {after}; reason {reason}; approved by {approved_by} {date}").format(
                    question=names.field(a.item, a.field), before=a.before or _("(empty)"), after=a.after, reason=a.reason, approved_by=a.approved_by, date=a.date))
    if r.stopped:
        lines.append("")
        lines.append(_("Veto: no other indicator was scored."))
    elif not lost_any:
        lines.append("")
        lines.append(_("No points lost."))
    return "\n".join(lines) + "\n"
