"""The documents' entry points, each ``write(run, out, options)``: the 通报 as
docx or pdf, one pack per unit (``--per-unit DIR``) and the ranking charts
(``--chart DIR``).

Every file is written atomically (a temporary file renamed into place), so an
interrupted run never leaves half a document; folders are created as needed,
files already in them that this run does not write are left alone.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from ..fsutil import write_bytes_atomic
from ..i18n import _
from ..problems import Problem, ProblemsError
from .filenames import USABLE_PATH, safe_name, unique_names, windows_length

CHART_STYLES = ("bar", "dot")


@dataclass
class DocumentOptions:
    decimals: int = 2
    notice: str | None = None  # the notice file (YAML); None: the documented defaults
    chart_style: str = "bar"  # bar (axis from 0) or dot (close scores)
    charts_in_notice: bool = True
    today: dt.date | None = None  # the default 成文日期; None: today
    inputs: tuple[str, ...] = ()  # files this run read: never written over


def _write(path: str, data: bytes, options: DocumentOptions) -> None:
    if options.inputs:
        from ..fsutil import refuse_overwriting_inputs

        refuse_overwriting_inputs(path, options.inputs)
    write_bytes_atomic(path, data)


def notice_for(run, notice_file: str | None, today: dt.date | None = None):
    """The notice of a run: ``notice_file``'s texts (or the defaults) with the
    rule files' year and titles and the number of units filled in."""
    from .notice import load_notice

    years = [getattr(getattr(lr, "ruleset", lr), "year", None) for lr in run.rules]
    years = [y for y in years if y is not None]
    titles = [getattr(lr, "ruleset", lr).title for lr in run.rules]
    return load_notice(notice_file, year=max(years) if years else None, units=len(run.results), rule_titles=titles, today=today)


def _notice(run, options: DocumentOptions):
    return notice_for(run, options.notice, options.today)


def notice_docx_bytes(run, options: DocumentOptions) -> bytes:
    from .charts import pictures
    from .notice_docx import notice_docx
    from .view import ranking_tables

    notice = _notice(run, options)
    tables = ranking_tables(run, options.decimals)
    charts = (lambda t: pictures(t, style=options.chart_style)) if options.charts_in_notice else None
    return notice_docx(notice, tables, charts)


def write_notice_docx(run, out: str, options: DocumentOptions) -> None:
    write_bytes_atomic(out, notice_docx_bytes(run, options))


def write_notice_pdf(run, out: str, options: DocumentOptions) -> None:
    from .pdf import check_converter, docx_to_pdf

    exe = check_converter(out)  # before any work: a missing program is said at once
    write_bytes_atomic(out, docx_to_pdf(notice_docx_bytes(run, options), out, exe=exe))


def check_pdf_route(out: str) -> None:
    """Refuse a PDF before scoring when LibreOffice or a Chinese font is missing."""
    from .pdf import check_converter

    check_converter(out)


# ------------------------------------------------------------ folders


def _folder(path: str) -> None:
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise ProblemsError([Problem(file=path, code="no-folder", message=_("cannot create the folder: {error}").format(error=exc.strerror or exc))], exit_code=2)


def group_folders(tables) -> list[str]:
    """A folder name per table: the classes' names, or with the rule file's
    title where two rule files share a class name."""
    names = [t.name for t in tables]
    chosen = [t.title if names.count(t.name) > 1 else t.name for t in tables]
    return unique_names(chosen)


def _fit(folder: str, name: str, suffixes: tuple[str, ...]) -> str:
    """``name`` cut so that every ``folder/name+suffix`` stays within Windows' MAX_PATH."""
    longest = max(suffixes, key=len)
    room = USABLE_PATH - windows_length(os.path.join(folder, longest)) - 0
    if room < 8:
        raise ProblemsError([Problem(file=folder, code="path-too-long", message=_("the output folder's path is too long for Windows to open the files in it (at most {n} characters); choose a shorter folder").format(n=USABLE_PATH))], exit_code=2)
    return safe_name(name, limit=min(80, room))


def write_unit_packs(run, folder: str, options: DocumentOptions) -> list[str]:
    """``folder/<group>/<unit>.docx`` and ``.xlsx`` for every unit; returns the paths."""
    from .unit_pack import UnitDocx, unit_xlsx
    from .view import ranking_tables, unit_sheets

    notice = _notice(run, options)
    tables = ranking_tables(run, options.decimals)
    unit_docx = UnitDocx()
    folders = dict(zip((id(t) for t in tables), group_folders(tables)))
    file_names: dict[int, dict[str, str]] = {}
    for t in tables:
        sub = os.path.join(folder, folders[id(t)])
        units = [r.unit for r in t.rows]
        fitted = [_fit(sub, u, (".docx", ".xlsx")) for u in units]
        file_names[id(t)] = dict(zip(units, unique_names(fitted)))
    written: list[str] = []
    made: set[str] = set()
    for t, sheet in unit_sheets(run, tables, options.decimals):
        sub = os.path.join(folder, folders[id(t)])
        if sub not in made:
            _folder(sub)
            made.add(sub)
        base = os.path.join(sub, file_names[id(t)][sheet.unit])
        for suffix, make in ((".docx", unit_docx), (".xlsx", unit_xlsx)):
            _write(base + suffix, make(sheet, notice), options)
            written.append(base + suffix)
    return written


def write_charts(run, folder: str, options: DocumentOptions) -> list[str]:
    """``folder/<group>.png`` and ``.svg`` for every rank group; returns the paths."""
    from .charts import chart_files
    from .view import ranking_tables

    tables = ranking_tables(run, options.decimals)
    _folder(folder)
    written = []
    for t, name in zip(tables, group_folders(tables)):
        name = _fit(folder, name, (".png", ".svg"))
        for fmt, data in chart_files(t, style=options.chart_style).items():
            path = os.path.join(folder, f"{name}.{fmt}")
            _write(path, data, options)
            written.append(path)
    return written
