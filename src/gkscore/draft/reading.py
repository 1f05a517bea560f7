"""One item's 评分细则 read into fields and clauses, or left to a person.

``read_item`` turns the pieces of ``phrases`` into the rule language.  It
accepts a reading only when every piece was recognised and the figures agree
with the 分值 cells; otherwise the item becomes a ``judged`` item (the
evaluators enter its score) with a 待核 note that names what a person must
check.  Readings that are certain but worth knowing (扣完为止 is the item's
floor, a figure-less row earns its 分值) go into ``readings``, written as
YAML comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from . import phrases as ph

CREDITS = ("award", "coverage")
DEDUCTIONS = ("deduct", "deduct_each", "sampled")
JUDGEMENT_WORDS = ("完备", "完整度", "合理", "质量", "效果", "成效", "丰富", "创新", "亮点", "程度", "评价", "酌情")


@dataclass
class ItemDraft:
    fields: list[dict] = field(default_factory=list)
    clauses: list[dict] = field(default_factory=list)
    start: str | None = None
    checks: list[str] = field(default_factory=list)  # 待核: a person must check these
    readings: list[str] = field(default_factory=list)  # how it was read, for the YAML comments

    @property
    def recognised(self) -> bool:
        return not self.checks


class Unread(Exception):
    """The item cannot be read with confidence; the message says why."""


def read_item(text: str, maxima: dict[str, Decimal | None], section_kind: str, year: int | None,
              void: str | None = None) -> ItemDraft:
    try:
        draft = _read(text, maxima, section_kind, year)
    except Unread as exc:
        return judged(maxima, section_kind, why=str(exc))
    if void:
        fid = draft_field(draft, "void", {"type": "bool", "prompt": f"是否存在:{_q(ph.not_scored_cond(void))}?"})
        draft.clauses.append({"kind": "deduct", "text": void, "when": {"field": fid}, "points": _points_value(_per_class(None, maxima))})
        if any(c["kind"] in CREDITS for c in draft.clauses):
            draft.start = "zero"
        draft.readings.append(f"“{void}”读作:出现该情形时本项扣完(得0分)")
    return draft


# ------------------------------------------------------------- helpers


def draft_field(draft: ItemDraft, prefix: str, spec: dict) -> str:
    ids = {f["id"] for f in draft.fields}
    n = 1
    while f"{prefix}{n}" in ids:
        n += 1
    draft.fields.append({"id": f"{prefix}{n}", **spec})
    return f"{prefix}{n}"


def _points_value(values: dict[str, Decimal]) -> object:
    distinct = set(values.values())
    return distinct.pop() if len(distinct) == 1 else dict(values)


def _per_class(points, maxima: dict[str, Decimal | None]) -> dict[str, Decimal]:
    """A clause's figure for each class the item applies to (None = the 分值)."""
    out = {}
    for c, m in maxima.items():
        if m is None:
            continue
        if points is None:
            out[c] = m
        elif isinstance(points, dict):
            if c in points:
                out[c] = points[c]
        else:
            out[c] = points
    return out


def _q(text: str) -> str:
    return ph.NUMBERING.sub("", text.strip()).rstrip("。,,;；:：")


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def shown(value) -> str:
    if isinstance(value, dict):
        return "、".join(f"{c}类{v}" for c, v in value.items())
    return str(value)


def judged(maxima: dict[str, Decimal | None], section_kind: str, why: str) -> ItemDraft:
    applicable = {c: m for c, m in maxima.items() if m is not None}
    top = _points_value(applicable)
    step = _step(list(applicable.values()))
    if section_kind == "penalty":
        prompt, what = f"应扣分数(0-{shown(top)}分,无此类情形填0)", "评分值为扣除的分数"
    elif section_kind == "bonus":
        prompt, what = f"评定加分(0-{shown(top)}分)", "由评分人评定加分"
    else:
        prompt, what = f"评定得分(0-{shown(top)}分)", "由评分人评定得分"
    spec = {"type": "score", "max": top, "step": step, "prompt": prompt}
    d = ItemDraft(fields=[{"id": "score", **spec}], clauses=[{"kind": "judged", "field": "score"}])
    d.checks.append(f"{why};暂作评定项,{what}(0至{shown(top)}分,步长{step}),请核对或改写为计分条款")
    return d


def _step(values: list[Decimal]) -> Decimal:
    for step in (Decimal("0.5"), Decimal("0.1"), Decimal("0.01"), Decimal("0.001")):
        if all(v % step == 0 for v in values):
            return step
    return Decimal("0.001")


# ------------------------------------------------------------ the reading


def _read(text: str, maxima, section_kind: str, year: int | None) -> ItemDraft:
    d = ItemDraft()
    if not ph.has_figure(text):
        return _requirement(text, maxima, section_kind, year, d)
    pieces = [ph.classify(p) for p in ph.split_pieces(text)]
    unknown = [p.text for p in pieces if p.kind == "unknown"]
    if unknown:
        raise Unread("未能识别“" + "”“".join(_short(u) for u in unknown) + "”的计分方法")
    for p in pieces:
        _apply(p, d, maxima, section_kind, year)
    if not d.clauses:
        raise Unread("细则中没有可计分的条款")
    return _settle(d, maxima, section_kind)


def _requirement(text: str, maxima, section_kind: str, year: int | None, d: ItemDraft) -> ItemDraft:
    """A row that states one requirement and no figure: its 分值 is earned by
    meeting it (a deadline or a threshold in it is read as such)."""
    body = ph.fold_same_length(text).strip().rstrip("。")
    if section_kind == "bonus":
        raise Unread("加分项未写加分办法")
    if section_kind == "penalty":
        raise Unread("扣分项未写扣分办法")
    if "\n" in body or "。" in body:
        raise Unread("细则未写分数,且列有多项要求,未能确定如何给分")
    if "%" in body:
        raise Unread("细则未写分数,其中的百分数含义不明")
    words = [w for w in JUDGEMENT_WORDS if w in body]
    if words:
        raise Unread(f"细则未写分数,且“{words[0]}”等要求需评分人判断")
    piece = ph.Piece(text, ph.fold_same_length(text), kind="award", points=None, cond=ph.bare(text))
    ph.condition(piece)
    _award(piece, d, year)
    d.clauses[-1].pop("text")
    d.clauses[-1]["points"] = _points_value(_per_class(None, maxima))
    d.readings.append("细则未写分数:做到即得本项分值")
    return d


def _apply(p: ph.Piece, d: ItemDraft, maxima, section_kind: str, year: int | None) -> None:
    k = p.kind
    if k == "floor":
        d.readings.append("扣完为止:本项最低0分")
        _floor_last(d)
    elif k == "cap":
        last = next((c for c in reversed(d.clauses) if c["kind"] == "deduct_each"), None)
        if last is None:
            raise Unread(f"“{_short(p.text)}”之前没有可限定的扣分条款")
        last["cap"] = p.points
    elif k == "coverage":
        _coverage(p, d)
    elif k == "complement":
        if any(c["kind"] in CREDITS for c in d.clauses):
            d.readings.append(f"“{p.text}”是得分条件的反面,不另计分")
            return
        if not p.cond:
            raise Unread(f"“{_short(p.text)}”之前没有得分条款")
        fid = draft_field(d, "yes", {"type": "bool", "prompt": f"是否{_q(p.cond)}?"})
        d.clauses.append({"kind": "award", "text": p.text, "when": {"field": fid}, "points": None})
    elif k == "void":
        fid = draft_field(d, "void", {"type": "bool", "prompt": f"是否存在:{_q(p.cond)}?"})
        d.clauses.append({"kind": "deduct", "text": p.text, "when": {"field": fid}, "points": _points_value(_per_class(None, maxima))})
        d.readings.append(f"“{p.text}”读作:出现该情形时本项扣完(得0分)")
    elif k == "credit_each":
        raise Unread(f"“{_short(p.text)}”按次加分,规则语言没有按次加分的条款")
    elif k == "bonus_cap":
        applicable = {m for m in maxima.values() if m is not None}
        if section_kind != "bonus" or applicable != {p.points}:
            raise Unread(f"“{_short(p.text)}”的加分上限与分值不一致")
        d.readings.append(f"“{p.text}”即本项分值:加分之和超过时按分值计")
    elif section_kind == "penalty" and k in DEDUCTIONS:
        _penalty(p, d)
    elif k == "award":
        _award(p, d, year)
    elif k == "deduct":
        fid = draft_field(d, "yes", {"type": "bool", "prompt": f"是否存在:{_q(p.cond)}?"})
        d.clauses.append({"kind": "deduct", "text": p.text, "when": {"field": fid}, "points": p.points})
        if p.extra.get("floor"):
            _floor_last(d)
    elif k == "deduct_each":
        fid = draft_field(d, "count", {"type": "count", "prompt": f"{_q(p.cond)}——共几{p.extra.get('unit', '个')}?"})
        clause = {"kind": "deduct_each", "text": p.text, "field": fid, "per": p.points}
        if "cap" in p.extra:
            clause["cap"] = p.extra["cap"]
        d.clauses.append(clause)
        for c in p.extra.get("counter_missing", []):
            d.checks.append(f"“{_short(p.text)}”中{c}类未写“每次/一次”,按每次扣{p.points[c]}分起草")
    elif k == "sampled":
        n, unit = p.extra["sample"], p.extra.get("unit", "个")
        fid = draft_field(d, "count", {"type": "count", "max": n, "prompt": f"随机抽查的{n}{unit}中,{_q(p.cond)}有几{unit}?"})
        d.clauses.append({"kind": "sampled", "text": p.text, "field": fid, "sample": n, "per": p.points, "counts": p.extra["counts"]})
    else:
        raise Unread(f"未能识别“{_short(p.text)}”的计分方法")
    if p.extra.get("weight_word"):
        d.checks.append(f"“{_short(p.text)}”中的“扣权重{p.points}分”按扣{p.points}分起草")


def _floor_last(d: ItemDraft) -> None:
    """'扣N分,扣完为止' without 每: 扣完 can only happen by repeated deductions."""
    last = d.clauses[-1] if d.clauses else None
    if last is None or last["kind"] != "deduct":
        return
    old = last["when"]["field"]
    d.fields = [f for f in d.fields if f["id"] != old]
    fid = draft_field(d, "count", {"type": "count", "prompt": f"{_q(ph.before_deduction(last['text']))}——共几次?"})
    d.clauses[-1] = {"kind": "deduct_each", "text": last["text"], "field": fid, "per": last["points"]}
    d.checks.append(f"“{_short(last['text'])}”未写“每…”,因有“扣完为止”按每发现一次扣{last['points']}分起草")


def _award(p: ph.Piece, d: ItemDraft, year: int | None) -> None:
    cond = _q(p.cond) or _q(p.text)
    if "threshold" in p.extra:
        th = p.extra["threshold"]
        if th["unit"] == "%":
            spec = {"type": "number", "min": Decimal(0), "max": Decimal(100), "unit": "%", "prompt": f"{cond}——实际是多少(%)?"}
            fid = draft_field(d, "value", spec)
        elif th["value"] == th["value"].to_integral_value() and th["unit"] not in ("天", "日"):
            fid = draft_field(d, "count", {"type": "count", "prompt": f"{cond}——实际是多少{th['unit']}?"})
        else:
            spec = {"type": "number", "min": Decimal(0), "unit": th["unit"], "prompt": f"{cond}——实际是多少{th['unit']}?"}
            fid = draft_field(d, "value", spec)
        when = {"field": fid, th["op"]: th["value"]}
    elif "date" in p.extra and year is not None:
        info = p.extra["date"]
        when_date = ph.deadline(info, year)
        fid = draft_field(d, "date", {"type": "date", "prompt": f"{cond}——实际日期?"})
        when = {"field": fid, "le": when_date}
        if info["year"] is None:
            d.checks.append(f"“{_short(p.text)}”未写年份,按{when_date.isoformat()}(含当日)起草,请核对年份")
        else:
            d.readings.append(f"“{_short(p.text)}”读作{when_date.isoformat()}当日或之前")
    else:
        fid = draft_field(d, "yes", {"type": "bool", "prompt": f"是否做到:{cond}?"})
        when = {"field": fid}
    d.clauses.append({"kind": "award", "text": p.text, "when": when, "points": p.points})


def _coverage(p: ph.Piece, d: ItemDraft) -> None:
    last = d.clauses[-1] if d.clauses else None
    if last is None or last["kind"] != "award" or set(last["when"]) != {"field"}:
        raise Unread(f"“{_short(p.text)}”之前没有列出各种形式的得分条款")
    forms = ph.forms_listed(last["text"])
    n = p.extra["n"]
    if len(forms) < n:
        raise Unread(f"“{_short(p.text)}”:前文列出的形式少于{n}种")
    old = last["when"]["field"]
    d.fields = [f for f in d.fields if f["id"] != old]
    ids = [draft_field(d, "form", {"type": "bool", "prompt": f"是否涉及“{form}”?"}) for form in forms]
    d.clauses[-1] = {"kind": "coverage", "text": last["text"] + p.text, "fields": ids, "points": last["points"],
                     "mode": "proportional", "full_at": n}
    d.checks.append(f"“{p.text}”:涉及不足{n}种时按比例得分(每种占1/{n});若应为不得分,请把 mode 改为 all")


def _penalty(p: ph.Piece, d: ItemDraft) -> None:
    """In a 扣分项 an item's score is the points taken off: 'X的,扣N分' is N
    points when X happened.  Per-occurrence deductions cannot be written so."""
    if p.kind != "deduct":
        raise Unread(f"“{_short(p.text)}”按次扣分,扣分项中无法按次计算")
    fid = draft_field(d, "yes", {"type": "bool", "prompt": f"是否存在:{_q(p.cond)}?"})
    d.clauses.append({"kind": "award", "text": p.text, "when": {"field": fid}, "points": p.points})
    d.readings.append("扣分项:本项分数即扣除的分数")


def _settle(d: ItemDraft, maxima, section_kind: str) -> ItemDraft:
    """Figures against the 分值 cells; where the item starts."""
    applicable = {c: m for c, m in maxima.items() if m is not None}
    credits = [c for c in d.clauses if c["kind"] in CREDITS]
    deductions = [c for c in d.clauses if c["kind"] in DEDUCTIONS]
    if deductions and section_kind != "base":
        raise Unread("加分项中出现扣分条款")
    for clause in d.clauses:
        key = "per" if "per" in clause else "points"
        if key in clause:
            clause[key] = _points_value(_per_class(clause[key], maxima))
        if "cap" in clause:
            clause["cap"] = _points_value(_per_class(clause["cap"], maxima))
    if credits:
        sums = {c: sum((_per_class(cl["points"], maxima).get(c, Decimal(0)) for cl in credits), Decimal(0)) for c in applicable}
        said = shown(_points_value(sums))
        if section_kind == "bonus" and all(s >= applicable[c] for c, s in sums.items()):
            if any(s > applicable[c] for c, s in sums.items()):
                d.readings.append(f"各项加分之和{said}分超过分值时按分值{shown(_points_value(applicable))}分计")
        elif any(s != applicable[c] for c, s in sums.items()):
            # one figure that is some class's 分值 ("得1分" where A类 is 1 and B类 2) is read
            # as "the 分值 of each class"; any other mismatch is left to a person
            if len(credits) != 1 or deductions or not set(sums.values()) & set(applicable.values()):
                raise Unread(f"细则各项得分之和为{said}分,而分值为{shown(_points_value(applicable))}分")
            clause = credits[0]
            clause["points"] = _points_value(applicable)
            d.checks.append(f"细则写{said}分,而分值为{shown(clause['points'])}分:按分值计")
        if deductions:
            d.start = "zero"
    if len(d.clauses) == 1 and d.clauses[0].get("text") is not None and not d.clauses[0]["kind"] == "coverage":
        d.clauses[0].pop("text")  # the item's text says it already
    return d
