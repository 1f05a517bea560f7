"""What the 通报 says around its tables: a small YAML notice file.

::

    format: gkscore-notice/1
    发文机关: 黄冈市政务公开领导小组办公室
    文号: 黄公开办〔2021〕1号
    标题: 关于{年度}年度全市政务公开工作考评结果的通报
    主送: 各县（市、区）人民政府，市直各部门：
    开头: 根据{考评指标}，……现将考评结果通报如下。
    结尾: 请各单位对照扣分明细逐项整改……
    署名: 黄冈市政务公开领导小组办公室
    日期: 2021-01-20
    反馈要求: 请对照扣分明细……

Every key may be left out; ``DEFAULTS`` says what is used then (no 版头 and
no 署名 without a 发文机关, today's date).  Texts may use ``{年度}`` (the
year of the rule files), ``{单位数}`` (units scored) and ``{考评指标}`` (the
rule files' titles in 《》), so the same file gives next year's notice
unchanged.  A paragraph break is an empty line, or a list of paragraphs.

The file is read strictly (``gkscore.yamlio``: no duplicate keys, no aliases)
and checked with pydantic; every problem is reported at its ``line:col``.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from typing import Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..i18n import N_, _, pgettext
from ..problems import Problem, ProblemsError, unreadable
from ..yamlio import load_yaml, position_of

FORMAT = "gkscore-notice/1"
MAX_NOTICE_BYTES = 256 * 1024
PLACEHOLDERS = ("年度", "单位数", "考评指标")

DEFAULTS = {
    "标题": "关于{年度}年度政务公开工作考评结果的通报",
    "开头": "根据{考评指标}，对{单位数}个单位{年度}年度政务公开工作进行了考评。现将考评结果通报如下。",
    "结尾": "请各单位对照扣分明细，逐项分析原因、认真整改，切实提升政务公开工作水平。",
    "反馈要求": "请对照以下扣分明细逐项研究整改，在“整改措施”“整改时限”栏填写后按要求报送。",
}

Paragraphs = Union[str, list[str]]


class NoticeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)

    format: str = Field(FORMAT, pattern=re.escape(FORMAT))
    issuer: Optional[str] = Field(None, alias="发文机关", min_length=1, max_length=60)
    number: Optional[str] = Field(None, alias="文号", min_length=1, max_length=60)
    title: Optional[str] = Field(None, alias="标题", min_length=1, max_length=200)
    addressee: Optional[str] = Field(None, alias="主送", min_length=1, max_length=300)
    opening: Optional[Paragraphs] = Field(None, alias="开头")
    closing: Optional[Paragraphs] = Field(None, alias="结尾")
    signature: Optional[str] = Field(None, alias="署名", min_length=1, max_length=60)
    date: Optional[Union[dt.date, str]] = Field(None, alias="日期")
    header: Optional[bool] = Field(None, alias="版头")
    feedback: Optional[Paragraphs] = Field(None, alias="反馈要求")


@dataclass
class Notice:
    """A notice's texts with the placeholders filled in."""

    title: str
    opening: list[str]
    closing: list[str]
    feedback: list[str]
    issuer: str | None = None
    number: str | None = None
    addressee: str | None = None
    signature: str | None = None
    date: str = ""
    header: bool = False


def chinese_date(day: dt.date) -> str:
    """2021年1月20日: Arabic numerals, as GB/T 9704-2012 writes the 成文日期."""
    return f"{day.year}年{day.month}月{day.day}日"


# The notice file's problems by pydantic's error type, translated where used.
_MESSAGES = {
    "missing": N_("missing: give this key"),
    "extra_forbidden": N_("unknown key; the keys are: 发文机关, 文号, 标题, 主送, 开头, 结尾, 署名, 日期, 版头, 反馈要求"),
    "string_type": N_("should be text"),
    "bool_type": N_("should be true or false"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("too long"),
    "string_pattern_mismatch": N_("format should be {format}"),
    "date_type": N_("should be a date (such as 2021-01-20) or text"),
    "list_type": N_("should be a paragraph of text or a list of paragraphs"),
}


def _problems(path: str, exc: ValidationError, positions) -> list[Problem]:
    out = []
    seen = set()
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in ("str", "list[str]", "date")))
        key = loc[:1]
        if key in seen and err["type"] in ("string_type", "list_type", "date_type"):
            continue  # one message for a value that fits none of a union's forms
        seen.add(key)
        line, col = position_of(positions, loc)
        where = pgettext("list separator", ", ").join(str(p) for p in loc) or _("the notice file")
        what = _(_MESSAGES[err["type"]]).format(format=FORMAT) if err["type"] in _MESSAGES else err["msg"]
        out.append(Problem(file=path, code="notice-schema", line=line, col=col, message=_("{where}: {what}").format(where=where, what=what)))
    return out


def read_notice_file(path: str) -> tuple[NoticeFile, object]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_NOTICE_BYTES + 1)
    except FileNotFoundError:
        raise unreadable(path, _("no notice file here; check the folder and the spelling of its name"), code="not-found")
    except OSError as exc:
        raise unreadable(path, _("cannot read the notice file: {error}").format(error=exc.strerror or exc))
    raw, positions = load_yaml(data, path, limit=MAX_NOTICE_BYTES, what="notice files")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ProblemsError([Problem(file=path, code="notice-schema", line=1, col=1, message=_("a notice file holds keys and their values (format: {format}, 标题, 开头 ...)").format(format=FORMAT))])
    problems = _placeholder_problems(raw, path, positions)
    try:
        spec = NoticeFile.model_validate(raw)
    except ValidationError as exc:
        problems = _problems(path, exc, positions) + problems
    if problems:
        raise ProblemsError(problems)
    return spec, positions


TEXT_KEYS = ("发文机关", "文号", "标题", "主送", "开头", "结尾", "署名", "反馈要求")


def _placeholder_problems(raw: dict, path: str, positions) -> list[Problem]:
    """Every unknown placeholder of the file, found with its schema problems."""
    problems: list[Problem] = []
    values = {name: "" for name in PLACEHOLDERS}
    for key in TEXT_KEYS:
        value = raw.get(key)
        if isinstance(value, str):
            _fill(value, values, path, positions, (key,), problems)
        elif isinstance(value, list):
            for i, part in enumerate(value):
                if isinstance(part, str):
                    _fill(part, values, path, positions, (key, i), problems)
    return problems


class _Strict(string.Formatter):
    """str.format over the known placeholders only; ``{{`` is a literal brace."""

    def __init__(self, values: dict) -> None:
        self.values = values
        self.unknown: list[str] = []

    def get_value(self, key, args, kwargs):
        if key in self.values:
            return self.values[key]
        self.unknown.append(str(key))
        return "{" + str(key) + "}"


def _fill(text: str, values: dict, path: str, positions, loc: tuple, problems: list) -> str:
    f = _Strict(values)
    try:
        out = f.vformat(text, (), {})
    except (ValueError, IndexError, KeyError) as exc:
        line, col = position_of(positions, loc) if positions is not None else (None, None)
        problems.append(Problem(file=path, code="notice-placeholder", line=line, col=col, message=_("{key}: a brace is written wrongly ({error}); write a literal brace as {{{{ or }}}}").format(key=loc[0], error=exc)))
        return text
    for name in f.unknown:
        line, col = position_of(positions, loc) if positions is not None else (None, None)
        problems.append(Problem(file=path, code="notice-placeholder", line=line, col=col, message=_("{key}: unknown placeholder {placeholder}; the placeholders are: {known}").format(
            key=loc[0], placeholder="{" + name + "}", known=pgettext("list separator", ", ").join("{" + p + "}" for p in PLACEHOLDERS))))
    return out


def _paragraphs(value: Paragraphs | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"\n\s*\n", value.strip()) if p.strip()]
    return [p.strip() for p in value if p.strip()]


def load_notice(path: str | None, *, year: int | None, units: int, rule_titles: list[str], today: dt.date | None = None) -> Notice:
    """The notice for a run: ``path``'s texts (or ``DEFAULTS``), placeholders filled."""
    if path is None:
        spec, positions, source = NoticeFile(), None, "(默认通报)"
    else:
        spec, positions = read_notice_file(path)
        source = path
    values = {
        "年度": str(year) if year is not None else "",
        "单位数": str(units),
        "考评指标": "、".join(f"《{t}》" for t in rule_titles),
    }
    problems: list[Problem] = []

    def text(value, key: str) -> str:
        return _fill(value if value is not None else DEFAULTS[key], values, source, positions, (key,), problems)

    def paras(value, key: str) -> list[str]:
        chosen = value if value is not None else DEFAULTS[key]
        out = []
        for i, p in enumerate(_paragraphs(chosen)):
            loc = (key, i) if isinstance(chosen, list) else (key,)
            out.append(_fill(p, values, source, positions, loc, problems))
        return out

    title = text(spec.title, "标题")
    opening = paras(spec.opening, "开头")
    closing = paras(spec.closing, "结尾")
    feedback = paras(spec.feedback, "反馈要求")
    plain = {k: _fill(v, values, source, positions, (k,), problems) if v is not None else None for k, v in (("发文机关", spec.issuer), ("文号", spec.number), ("主送", spec.addressee), ("署名", spec.signature))}
    if problems:
        raise ProblemsError(problems)
    day = spec.date
    date = chinese_date(day) if isinstance(day, dt.date) else (day or chinese_date(today or dt.date.today()))
    issuer = plain["发文机关"]
    return Notice(
        title=title,
        opening=opening,
        closing=closing,
        feedback=feedback,
        issuer=issuer,
        number=plain["文号"],
        addressee=plain["主送"],
        signature=plain["署名"] or issuer,
        date=date,
        header=spec.header if spec.header is not None else issuer is not None,
    )
