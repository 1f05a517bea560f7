"""The common phrasings of a 评分细则, each recognised into one piece.

A rule text is cut into pieces -- at 。；; and line breaks outside brackets,
and after a points figure followed by a comma ("…考核,得1分,分值比重不低于
4%,得1分" is two pieces) -- and each piece is matched against the phrasings
below.  A piece is either a scoring phrase (得N分, 扣N分, 每发现1个扣N分,
随机抽查N个…每少一个扣N分, 加N分), a modifier of the piece before it (扣完为止,
最多扣N分, N种形式均涉及得满分, 未…不得分), or ``unknown``.  What an unknown
piece means for the item is decided in ``reading``.

Matching runs on a folded copy of the text of the same length (full-width
digits and punctuation made ASCII), so every match maps back to the verbatim
words.
"""

from __future__ import annotations

import datetime as dt
import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

NUM = r"(\d+(?:\.\d+)?)"
COUNTER = r"(人次|个|处|次|条|件|项|篇|家|例|份|起|期|场)"
_CN_ONE = r"(?:一|1)"

_EACH = re.compile(
    rf"每\s*(?:发现|出现|有|缺失|缺少|缺|少|超期|超过|发生|存在|被)?\s*{_CN_ONE}?\s*{COUNTER}"
    rf"|{_CN_ONE}\s*{COUNTER}(?=[^;。]{{0,16}}?(?:加扣|再扣|扣))"
)
_DEDUCT = re.compile(rf"(加扣|再扣|扣除|扣减|扣)(权重)?\s*{NUM}\s*分")
_AWARD_END = re.compile(rf"(得|计|给|加|记)?\s*{NUM}\s*分\s*$")
_FULL_END = re.compile(r"(?:得|计|给)满分\s*$")
_CREDIT_EACH = re.compile(rf"每[^,;。]{{0,12}}?{COUNTER}?[^,;。]{{0,12}}?加\s*{NUM}\s*分")
_CAP = re.compile(rf"(?:最多|最高|至多|累计最多|累计最高|上限)\s*扣\s*{NUM}\s*分|扣分(?:不超过|不超出|最多|上限为?)\s*{NUM}\s*分")
_BONUS_CAP = re.compile(rf"(?:最多|最高|至多|累计最多|累计最高|上限)\s*加\s*{NUM}\s*分|加分(?:不超过|最多|最高|上限为?)\s*{NUM}\s*分")
_FLOOR = re.compile(r"^(?:累计|直至|直到)?扣完为止$")
_COVER = re.compile(r"(\d+)\s*种(?:形式|方式|渠道|类型)?\s*(?:均|都|全部)\s*(?:涉及|具备|采用|有|覆盖)\S*?得满分")
_FORMS = re.compile(r"通过([^,;。]+?)等(?:多种|各种|\d+种)?(?:形式|方式|渠道)")
_NOT_SCORED = r"(?:本项|该项|此项)?(?:不得分|不计分|得0分|计0分)"
_COMPLEMENT = re.compile(rf"^(?:否则|反之)?(?:未|没有|无|不)(.+?)的?,?\s*{_NOT_SCORED}$")
_OTHERWISE = re.compile(rf"^(?:否则|反之)\s*,?\s*{_NOT_SCORED}$")
_VOID = re.compile(rf"^(.+?)的?,\s*{_NOT_SCORED}$")
_THRESHOLD = re.compile(
    rf"(不少于|不低于|至少|达到|超过|多于|高于|大于|不足|少于|低于)[^\d,;。]{{0,8}}?{NUM}\s*(%|人次|次|个|件|条|篇|项|家|天|日|期|场|份)(以上|及以上|以下)?"
    rf"|{NUM}\s*(%|人次|次|个|件|条|篇|项|家|天|日|期|场|份)(以上|及以上)"
)
_DATE = re.compile(r"(每年)?(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日|(底|末))?\s*(?:前|之前|以前)")
_SAMPLE = re.compile(rf"抽查[^\d,;。]{{0,24}}?(\d+)\s*{COUNTER}")
_SHORT = re.compile(rf"每少\s*{_CN_ONE}\s*{COUNTER}")
_PER_CLASS = re.compile(rf"([A-Za-z0-9]+)\s*类[^,;。A-Za-z]{{0,8}}?(?:加扣|扣|得|加)?\s*{NUM}\s*分")
NUMBERING = re.compile(r"^\s*[\(（]?\d+[\.．、\)）]\s*")
_SEPARATORS = ",;。:"
_OPEN, _CLOSE = "(（[【《“", ")）]】》”"

_ALSO = re.compile(r"或|并|且|同时|以及")  # after a threshold: a second requirement or an alternative
OPS = {"不少于": "ge", "不低于": "ge", "至少": "ge", "达到": "ge", "超过": "gt", "多于": "gt", "高于": "gt", "大于": "gt",
       "不足": "lt", "少于": "lt", "低于": "lt"}


def fold_same_length(text: str) -> str:
    """NFKC per character where it keeps one character (，→, ２→2 （→( ％→%)."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out).replace("\u3000", " ").replace("\xa0", " ")


@dataclass
class Piece:
    text: str  # verbatim
    norm: str  # folded, same length
    kind: str = "unknown"
    points: object = None  # Decimal, or {class: Decimal}
    cond: str = ""  # the condition words, verbatim
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text


# ------------------------------------------------------------ splitting


def split_pieces(text: str) -> list[Piece]:
    pieces: list[Piece] = []
    for line in text.split("\n"):
        if line.strip():
            pieces.extend(_join_unscored(line, _split_line(line)))
    return pieces


def _split_line(line: str) -> list[tuple[int, int]]:
    """(start, end) of each piece of one line, end without trailing ,;: """
    norm = fold_same_length(line)
    cuts: list[int] = []
    depth = 0
    for i, ch in enumerate(norm):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ";。":
            cuts.append(i + 1)
    # after a figure and a comma: "…,得1分,分值比重…"
    for m in re.finditer(r"\d\s*分\s*,", norm):
        if _depth_at(norm, m.start()) == 0 and not re.match(r"\s*[A-Za-z0-9]+\s*类", norm[m.end():]):
            cuts.append(m.end())  # but "A类一次扣2分,B类扣3分" stays one phrase
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in sorted(set(cuts)) + [len(line)]:
        seg = norm[start:cut]
        if seg.strip(" " + _SEPARATORS):
            lead = len(seg) - len(seg.lstrip(" " + ",;:"))
            end = len(seg.rstrip(" " + ",;:"))
            spans.append((start + lead, start + end))
        start = cut
    return spans


def _scored(norm: str) -> bool:
    """Does a piece say anything about points (a figure, 不得分, 扣完为止, 得满分)?"""
    return bool(re.search(r"\d\s*分|满分|不得分|不计分|扣完为止", norm))


def _join_unscored(line: str, spans: list[tuple[int, int]]) -> list[Piece]:
    """A piece that says nothing about points belongs to the next one:
    "按…要求开设政务新媒体。得1分" and "名称设置规范;随机抽查…,0.5分" are
    one condition each, "随机抽查…3个解读稿;…每发现一处,扣0.5分" one check."""
    norm = fold_same_length(line)
    out: list[Piece] = []
    start = None
    for i, (a, b) in enumerate(spans):
        if start is None:
            start = a
        if not _scored(norm[a:b]) and i + 1 < len(spans):
            continue
        out.append(Piece(line[start:b], norm[start:b]))
        start = None
    return out


def _depth_at(norm: str, pos: int) -> int:
    depth = 0
    for ch in norm[:pos]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
    return depth


# ---------------------------------------------------------- classifying


def bare(norm: str) -> str:
    """Without numbering, brackets around the whole piece and end punctuation."""
    t = NUMBERING.sub("", norm).strip()
    t = t.strip("。" + _SEPARATORS + " ")
    if t[:1] == "(" and t[-1:] == ")":
        t = t[1:-1].strip("。" + _SEPARATORS + " ")
    return t


def classify(p: Piece) -> Piece:
    t = bare(p.norm)
    if _FLOOR.match(t):
        p.kind = "floor"
        return p
    m = _CAP.search(t)
    if m and not _DEDUCT.search(_CAP.sub("", t)):
        p.kind, p.points = "cap", Decimal(m.group(1) or m.group(2))
        return p
    m = _BONUS_CAP.search(t)
    if m and not _AWARD_END.search(_BONUS_CAP.sub("", t).strip("," + " ")):
        p.kind, p.points = "bonus_cap", Decimal(m.group(1) or m.group(2))
        return p
    m = _COVER.search(t)
    if m and len(t) <= m.end() - m.start() + 4:
        p.kind, p.extra = "coverage", {"n": int(m.group(1))}
        return p
    if _OTHERWISE.match(t):
        p.kind = "complement"
        return p
    m = _COMPLEMENT.match(t)
    if m and not re.search(r"\d\s*分", t):
        p.kind, p.cond = "complement", _verbatim(p, m.group(1))
        return p
    m = _VOID.match(t)
    if m and not re.search(r"\d\s*分", t):
        p.kind, p.cond = "void", _verbatim(p, m.group(1))
        return p
    per_class = _per_class(t)
    d = _DEDUCT.search(t)
    sample = _SAMPLE.search(t)
    if d and sample:
        p.extra = {"sample": int(sample.group(1)), "unit": sample.group(2)}
        return sampled_deduction(p, t, d)
    if d:
        return _deduction(p, t, d, per_class)
    c = _CREDIT_EACH.search(t)
    if c:
        p.kind, p.points, p.cond = "credit_each", Decimal(c.group(2)), _verbatim(p, t[: c.start()])
        return p
    m = _AWARD_END.search(t)
    if m or per_class:
        p.kind = "award"
        p.points = per_class or Decimal(m.group(2))
        end = m.start() if m else _PER_CLASS.search(t).start()
        p.cond = _verbatim(p, t[:end].rstrip(", ").removesuffix("的").rstrip(", "))
        condition(p)
        return p
    m = _FULL_END.search(t)
    if m:
        p.kind, p.points = "award", None  # 得满分: the item's 分值
        p.cond = _verbatim(p, t[: m.start()].rstrip(", ").removesuffix("的").rstrip(", "))
        condition(p)
        return p
    return p


def _per_class(t: str) -> dict[str, Decimal] | None:
    found = _PER_CLASS.findall(t)
    if len(found) >= 2 and len({c for c, _ in found}) == len(found):
        return {c: Decimal(v) for c, v in found}
    return None


def _verbatim(p: Piece, folded_part: str) -> str:
    """The verbatim words of a part found in the folded text."""
    folded_part = folded_part.strip()
    i = p.norm.find(folded_part)
    if i < 0 or not folded_part:
        return folded_part
    return p.text[i : i + len(folded_part)]


def _deduction(p: Piece, t: str, d: re.Match, per_class) -> Piece:
    p.points = per_class or Decimal(d.group(3))
    if d.group(2):
        p.extra["weight_word"] = True  # 扣权重N分
    each = _EACH.search(t[: d.end()])
    if each:
        p.kind = "deduct_each"
        p.extra["unit"] = next(g for g in each.groups() if g) if any(each.groups()) else "个"
        p.cond = _verbatim(p, _count_subject(t, each.start()))
        if per_class:
            first = _PER_CLASS.search(t).start()
            parts = re.findall(r"([A-Za-z0-9]+)\s*类([^A-Za-z]*)", t[first:])
            p.extra["counter_missing"] = [c for c, part in parts if not _EACH.search(part)]
    else:
        p.kind = "deduct"
        p.cond = _verbatim(p, t[: d.start()].rstrip(", ").rstrip(",").removesuffix("的").rstrip(", "))
        if not p.cond:
            p.cond = _verbatim(p, t)
    cap = _CAP.search(t)
    if cap:
        p.extra["cap"] = Decimal(cap.group(1) or cap.group(2))
    if re.search(r"扣完为止", t):
        p.extra["floor"] = True
    return p


def _count_subject(t: str, at: int) -> str:
    """The words that say what is counted: the comma-separated part holding
    the counter, and the part before it when that one starts with 每."""
    parts_before = re.split(r"[,;]", t[:at])
    seg_start = at - len(parts_before[-1])
    seg_end = len(t)
    d = _DEDUCT.search(t, at)
    if d:
        seg_end = d.start()
    subject = t[seg_start:seg_end].rstrip(", ")
    if re.match(r"\s*[A-Za-z0-9]+\s*类", subject) and len(parts_before) > 1:
        subject = parts_before[-2].strip()  # "…未按要求履行的,A类一次扣2分": what is counted comes first
    elif subject.lstrip().startswith("每") and len(parts_before) > 1:
        subject = parts_before[-2].strip() + "," + subject
    return NUMBERING.sub("", subject).strip(", ")


def sampled_deduction(p: Piece, t: str, d: re.Match) -> Piece:
    """The deduction part of 随机抽查N个…: 每少一个 counts the passed cases,
    每发现一处(未…) the failed ones."""
    p.points = Decimal(d.group(3))
    short = _SHORT.search(t)
    each = _EACH.search(t[: d.end()])
    if short:
        p.kind, p.extra["counts"] = "sampled", "passed"
        what = re.split(r"[,;]", t[: short.start()])[-1].strip()
    elif each:
        p.kind, p.extra["counts"] = "sampled", "failed"
        what = _count_subject(t, each.start())
        what = re.split(r",\s*每", what)[0]
    else:
        p.kind = "unknown"
        return p
    p.cond = _verbatim(p, what)
    return p


# ------------------------------------------------------------ conditions


def condition(p: Piece) -> None:
    """What an award's condition asks: a threshold, a date, or yes/no.

    A threshold or a deadline is read only when it is the whole condition
    (a deadline may stand before the action: "2020年8月底前,制定…方案");
    "区分征集状态,期限不少于30天或说明理由,公布…" stays one yes/no question,
    since reading only its 30 days would drop the rest."""
    c = fold_same_length(p.cond)
    parts = [x for x in re.split(r"[,;]", c) if x.strip()]
    m = _THRESHOLD.search(c)
    if m and len(parts) == 1 and not _ALSO.search(c[m.end():]):
        if m.group(1):
            op, value, unit, tail = OPS[m.group(1)], m.group(2), m.group(3), m.group(4)
            if m.group(1) == "达到" and tail not in ("以上", "及以上"):
                op = "ge"
        else:
            op, value, unit = "ge", m.group(5), m.group(6)
        p.extra["threshold"] = {"op": op, "value": Decimal(value), "unit": unit}
        return
    m = _DATE.search(c)
    if m and not _ALSO.search(c[m.end():]):
        own = next(x for x in parts if m.group(0) in x)
        rest = own.replace(m.group(0), "").strip(" 于在")
        if len(parts) == 1 or (len(parts) == 2 and not rest):
            _every, year, month, day, _end = m.groups()
            p.extra["date"] = {"year": int(year) if year else None, "month": int(month), "day": int(day) if day else None}


def deadline(info: dict, year: int) -> dt.date:
    y = info["year"] or year
    day = info["day"] or calendar.monthrange(y, info["month"])[1]
    return dt.date(y, info["month"], day)


def forms_listed(cond: str) -> list[str]:
    """'通过在线访谈、图表图解、音视频、新闻发布会等多种形式' -> the four forms."""
    m = _FORMS.search(fold_same_length(cond))
    if not m:
        return []
    start = m.start(1)
    return [f.strip() for f in cond[start : m.end(1)].split("、") if f.strip()]


def has_figure(text: str) -> bool:
    return bool(re.search(r"\d\s*分|得满分|不得分", fold_same_length(text)))


def before_deduction(text: str) -> str:
    """The words before 扣N分."""
    m = _DEDUCT.search(fold_same_length(text))
    return text[: m.start()] if m else text


def not_scored_cond(text: str) -> str:
    """'文件公开数量…存在较大出入的,不得分' -> '文件公开数量…存在较大出入'."""
    t = fold_same_length(text)
    m = re.search(rf"的?,?\s*{_NOT_SCORED}\s*$", t)
    return text[: m.start()] if m else text
