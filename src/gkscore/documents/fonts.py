"""Fonts: the names written into Word documents and the installed fonts that
stand in for them in a PDF or a chart.

A docx names its fonts and carries none.  The names are those of GB/T
9704-2012 as Windows offices have them: 仿宋 (body; Windows has it as
simfang.ttf), 方正小标宋简体 (title; installed in most offices, else Word and
WPS substitute 宋体, which the document names as its alternative), 黑体
(first-level headings), 楷体 (second-level headings) and 宋体 (page numbers);
Windows has 仿宋, 宋体, 黑体 and 楷体 out of the box.

No free font carries those names, so for a PDF made on Linux each name is
mapped to the first installed font of its ``ROLES`` list (Debian:
``fonts-noto-cjk`` gives Noto Serif CJK SC and Noto Sans CJK SC).  A machine
that has the real fonts installed uses them.  Charts use the first installed
font of ``CHART_FONTS``.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

from ..i18n import N_, _, pgettext
from ..problems import Problem, ProblemsError

INSTALL_HINT = N_("install Chinese fonts and try again (Debian/Ubuntu: apt-get install fonts-noto-cjk; Windows has 仿宋, 宋体, 黑体 and 楷体 already)")


@dataclass(frozen=True)
class Role:
    name: str  # the font named in the docx
    alternatives: tuple[str, ...]  # written as the docx font's altName: Word/WPS look for these next
    stand_ins: tuple[str, ...]  # installed fonts for a PDF, best first
    family: str = "roman"  # roman (serif) or swiss (sans): Word's hint for a substitute


_SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing CN", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Droid Sans Fallback")
_SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Serif CJK SC", "Droid Sans Fallback")

ROLES: dict[str, Role] = {
    "title": Role("方正小标宋简体", ("方正小标宋_GBK", "华文中宋", "宋体"), ("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "Noto Serif CJK SC SemiBold", "Noto Serif CJK SC Bold", "Source Han Serif SC SemiBold", *_SERIF)),
    "body": Role("仿宋", ("仿宋_GB2312", "FangSong"), ("仿宋", "仿宋_GB2312", "FangSong", *_SERIF)),
    "heading": Role("黑体", ("SimHei",), ("黑体", "SimHei", *_SANS), family="swiss"),
    "subheading": Role("楷体", ("楷体_GB2312", "KaiTi"), ("楷体", "楷体_GB2312", "KaiTi", "AR PL UKai CN", *_SERIF)),
    "page": Role("宋体", ("SimSun",), ("宋体", "SimSun", *_SERIF)),
}

CHART_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", "黑体", "PingFang SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Serif CJK SC", "SimSun", "Droid Sans Fallback")


@functools.lru_cache(maxsize=1)
def installed_families() -> frozenset[str] | None:
    """Font family names fontconfig knows (every alias of each family); None
    where there is no fontconfig (Windows: LibreOffice uses the system's
    fonts, which have the names the docx uses)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, ":", "family"], capture_output=True, text=True, timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = set()
    for line in out.splitlines():
        for name in line.split(","):
            name = name.strip().replace("\\-", "-")
            if name:
                names.add(name)
    return frozenset(names)


def stand_in(role: Role, installed: frozenset[str]) -> str | None:
    """The first installed font of the role's list."""
    for name in role.stand_ins:
        if name in installed:
            return name
    return None


def pdf_replacements(installed: frozenset[str] | None = None) -> dict[str, str]:
    """docx font name -> installed font, for every role whose named font is
    not installed.  Refused with a one-line install hint when no Chinese font
    can stand in."""
    installed = installed_families() if installed is None else installed
    if installed is None:
        return {}
    out: dict[str, str] = {}
    missing = []
    for role in ROLES.values():
        if role.name in installed:
            continue
        found = stand_in(role, installed)
        if found is None:
            missing.append(role.name)
        else:
            out[role.name] = found
            for alt in role.alternatives:
                if alt not in installed:
                    out.setdefault(alt, found)
    if missing:
        message = _("no Chinese font for the PDF ({fonts}): {hint}").format(fonts=pgettext("list separator", ", ").join(missing), hint=_(INSTALL_HINT))
        raise ProblemsError([Problem(file=_("fonts"), code="no-cjk-font", message=message)], exit_code=2)
    return out
