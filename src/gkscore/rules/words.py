"""Rule-file pieces in words, for people comparing two versions of a table.

``clause_words(clause)`` reads a clause back the way an annex would say it
("每个扣0.2分,最多扣1分", "抽查4个,每少1个扣0.5分"), ``condition_words``
a condition ("instructions 不少于 2"), ``points_words`` a per-class figure
("A类2、B类3").  ``gkscore rules diff`` builds its messages from these, so a
changed figure reads "扣0.2分 → 扣0.5分".
"""

from __future__ import annotations

from decimal import Decimal

from ..exact import fmt
from .model import AllOf, AnyOf, ClauseHolds, FieldTest, NotOf

OP_WORDS = {"eq": "等于", "ne": "不等于", "ge": "不少于", "gt": "超过", "le": "不超过", "lt": "少于", "in": "属于"}
DATE_OP_WORDS = {"ge": "不早于", "gt": "晚于", "le": "不晚于", "lt": "早于"}


def number(value) -> str:
    if value is None:
        return "不适用"
    if isinstance(value, Decimal):
        return fmt(value, None)
    return str(value)


def points_words(value) -> str:
    """2 -> '2'; {A: 2, B: 3} -> 'A类2、B类3'; null per class -> 不适用."""
    if isinstance(value, dict):
        return "、".join(f"{c}类{number(v)}" for c, v in value.items())
    return number(value)


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return number(value)


def _op(op: str, value) -> str:
    if hasattr(value, "isoformat") and op in DATE_OP_WORDS:
        return DATE_OP_WORDS[op]
    return OP_WORDS[op]


def condition_words(cond, rename: dict[str, str] | None = None) -> str:
    """``rename`` maps field ids to the names to show (a field renamed between
    two versions reads as its new name, so only real changes differ)."""
    if cond is None:
        return ""
    if isinstance(cond, FieldTest):
        name = (rename or {}).get(cond.field, cond.field)
        tests = cond.comparisons()
        if not tests:
            return f"{name}=是"
        return "且".join(f"{name}{_op(op, v)}{_scalar(v)}" for op, v in tests)
    if isinstance(cond, AllOf):
        return "(" + " 且 ".join(condition_words(c, rename) for c in cond.all) + ")"
    if isinstance(cond, AnyOf):
        return "(" + " 或 ".join(condition_words(c, rename) for c in cond.any) + ")"
    if isinstance(cond, NotOf):
        return "非" + condition_words(cond.not_, rename)
    if isinstance(cond, ClauseHolds):
        return f"条款{cond.clause}成立"
    return str(cond)


def _cap(clause) -> str:
    cap = getattr(clause, "cap", None)
    return f",最多扣{points_words(cap)}分" if cap is not None else ""


def figure_words(clause) -> str:
    """Only the figure of a clause: '得1分', '扣2分', '每个扣0.2分'."""
    kind = clause.kind
    if kind == "award":
        return f"得{points_words(clause.points)}分"
    if kind == "deduct":
        return f"扣{points_words(clause.points)}分"
    if kind == "deduct_each":
        return f"每个扣{points_words(clause.per)}分"
    if kind == "sampled":
        return f"每{'少' if clause.counts == 'passed' else '发现'}1个扣{points_words(clause.per)}分"
    if kind in ("coverage", "percent"):
        return f"满分{points_words(clause.points)}分"
    if kind == "graded":
        return "、".join(f"{k}{number(v)}分" for k, v in clause.levels.items())
    return "评定"


def clause_words(clause, rename: dict[str, str] | None = None) -> str:
    kind = clause.kind
    when = condition_words(getattr(clause, "when", None), rename)
    only = condition_words(clause.only_if, rename)
    prefix = f"仅当{only}时," if only else ""
    if kind == "award":
        return f"{prefix}{when}时得{points_words(clause.points)}分"
    if kind == "deduct":
        return f"{prefix}{when}时扣{points_words(clause.points)}分"
    if kind == "deduct_each":
        return f"{prefix}按{clause.field}每个扣{points_words(clause.per)}分{_cap(clause)}"
    if kind == "sampled":
        what = "每少1个" if clause.counts == "passed" else "每发现1个"
        return f"{prefix}抽查{clause.sample}个({clause.field}),{what}扣{points_words(clause.per)}分"
    if kind == "coverage":
        full = f"涉及{clause.full_at}项" if clause.full_at else "全部涉及"
        how = "按比例" if clause.mode == "proportional" else "全有才得分"
        return f"{prefix}{'、'.join(clause.fields)}中{full}得满分{points_words(clause.points)}分({how})"
    if kind == "judged":
        return f"{prefix}评分人评定({clause.field})"
    if kind == "graded":
        return f"{prefix}按{clause.field}分档:{figure_words(clause)}"
    if kind == "percent":
        return f"{prefix}按{clause.field}百分比得分,满分{points_words(clause.points)}分"
    return kind
