"""score and explain: the main job."""

from __future__ import annotations

import contextlib
import os
import sys

import click

from ..i18n import _, ngettext
from .common import CONTEXT_SETTINGS, debug_option, guarded, print_problems

# The formats, in the order --help lists them (the reporters' registry holds
# what each writes: gkscore.render.reporters).
FORMATS = ["table", "json", "csv", "xlsx", "md", "docx", "pdf"]


def output_format(fmt: str | None, output: str | None) -> str:
    """The format: --format, else the extension of -o, else the terminal
    table.  An extension that no format writes, or that belongs to another
    format than --format, is a usage error: a file named 通报.pdf must hold
    a PDF."""
    from ..fsutil import STDOUT, writes_in_place
    from ..render.reporters import REPORTERS, by_extension, reporter

    if not output or output == STDOUT or writes_in_place(output):
        return fmt or "table"  # stdout, a device, a FIFO: no name to follow
    ext = os.path.splitext(output)[1].lower()
    owner = by_extension(ext)
    if fmt is None:
        if owner is None and ext:
            known = " ".join(e for r in REPORTERS.values() for e in r.extensions)
            raise click.UsageError(_("no format writes {ext} files; name the output {known}, or choose one with --format").format(ext=ext, known=known))
        return owner.name if owner is not None else "table"
    if owner is not None and owner.name != fmt and not (ext == ".txt" and reporter(fmt).text):
        raise click.UsageError(_("--format {fmt} cannot write a {ext} file; name the output {expected}").format(fmt=fmt, ext=ext, expected=" ".join(reporter(fmt).extensions)))
    return fmt


def _input_options(fn):
    fn = click.option("--adjust", "adjust", multiple=True, type=click.Path(dir_okay=False), help=_("Adjustments file (the results of a review), YAML or csv; repeatable."))(fn)
    fn = click.option("--partial", is_flag=True, help=_("Score what is filled; mark units and items incomplete; exit 1."))(fn)
    fn = click.option("--units", type=click.Path(dir_okay=False), help=_("Units file (default: the bundled Huanggang units)."))(fn)
    fn = click.option("--rules", "rules", multiple=True, type=click.Path(dir_okay=False), help=_("Rule file; default: the rules recorded in the observations. Repeatable."))(fn)
    return fn


def _run(observations, rules, units, partial, subset, adjust, rank_by=(), keep_items=True, keep_text=None):
    from ..pipeline import Options, run

    return run(
        Options(
            observations=list(observations), rules=list(rules), units=units, partial=partial, classes=list(subset[0]), unit_names=list(subset[1]),
            adjust=list(adjust), rank_by=list(rank_by), keep_items=keep_items, keep_text=keep_text,
        )
    )


# ------------------------------------------------------------ documents
# The per-unit packs and the ranking charts: gkscore.documents.


def _document_options(fn):
    fn = click.option("--chart-style", type=click.Choice(["bar", "dot"]), default="bar", show_default=True, help=_("Charts: bar (axis from 0) or dot (close scores, axis over the scores only)."))(fn)
    fn = click.option("--chart", "chart", type=click.Path(file_okay=False), metavar=_("DIR"), help=_("Write one ranking chart per rank group (PNG and SVG) into DIR."))(fn)
    fn = click.option("--per-unit", "per_unit", type=click.Path(file_okay=False), metavar=_("DIR"), help=_("Write DIR/<rank group>/<unit>.docx and .xlsx: each unit's own results and lost points, to rectify."))(fn)
    fn = click.option("--notice", type=click.Path(dir_okay=False), metavar=_("FILE"), help=_("Notice file (YAML: issuing office, document number, title, opening, closing, signature, date; see examples/notice.yaml) for the published notice and the per-unit packs."))(fn)
    return fn


def _check_documents(notice: str | None) -> None:
    if notice:
        from ..documents.notice import read_notice_file

        read_notice_file(notice)  # a mistake in it is said before scoring


def _write_documents(result, places: int, notice: str | None, per_unit: str | None, chart: str | None, chart_style: str, inputs: list[str]) -> None:
    from ..documents.api import DocumentOptions

    options = DocumentOptions(decimals=places, notice=notice, chart_style=chart_style, inputs=tuple(inputs))
    if per_unit:
        from ..documents.api import write_unit_packs

        n = len(write_unit_packs(result, per_unit, options))
        click.echo(ngettext("wrote {n} file into {folder}", "wrote {n} files into {folder}", n).format(n=n, folder=per_unit), err=True)
    if chart:
        from ..documents.api import write_charts

        n = len(write_charts(result, chart, options))
        click.echo(ngettext("wrote {n} chart into {folder}", "wrote {n} charts into {folder}", n).format(n=n, folder=chart), err=True)


@click.command(
    context_settings=CONTEXT_SETTINGS,
    help=_(
        "Score filled observation sheets (xlsx or csv) and rank units.\n\n"
        "Several files merge (scorers who each filled a part); several tables (county and city departments) give "
        "one result with each unit under its own table.  Exit 0 when every unit is complete, 1 on invalid input or "
        "a --partial result.\n\n"
        "Reports are written unit by unit, so a province or the whole country (100,000 units) fits in memory.  "
        "The xlsx report has a sheet of lost points per unit up to 200 units and one long Lost points sheet "
        "(filter on Unit) above; a sheet longer than Excel's 1,048,576 rows goes on in a second one (Detail (2), "
        "...); a rank group of more than 200 units gets no chart."
    ),
)
@click.argument("observations", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_input_options
@click.option("--class", "classes", multiple=True, help=_("Only units of this class are expected (repeatable): score a subset."))
@click.option("--unit", "unit_names", multiple=True, help=_("Only this unit is expected, by name or alias (repeatable): score a subset."))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help=_("Output format (default: from -o's suffix, else table)."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), help=_("Write to this file (a new file renamed into place; a device or FIFO is written as it is), or - for stdout."))
@click.option("--detail", is_flag=True, help=_("csv/md: one row per unit and item instead of the summary."))
@click.option("--rank-by", "rank_by", multiple=True, metavar=_("GROUPS"), help=_("Merge rank groups, e.g. A+B, or 'all'. Default: one group per class."))
@click.option("--decimals", type=click.IntRange(0, 6), help=_("Decimals shown (default: the rule file's precision, 2)."))
@click.option("--formulas", is_flag=True, help=_("xlsx: every score a live Excel formula over the observations."))
@_document_options
@debug_option
@guarded
def score(observations, rules, units, partial, classes, unit_names, adjust, fmt, output, detail, rank_by, decimals, formulas, notice, per_unit, chart, chart_style, debug):
    from dataclasses import replace

    from ..fsutil import STDOUT, refuse_overwriting_inputs
    from ..render.reporters import ReportOptions, reporter

    inputs = list(observations) + list(rules) + list(adjust) + ([units] if units else []) + ([notice] if notice else [])
    if output:
        refuse_overwriting_inputs(output, inputs)
    report_to = reporter(output_format(fmt, output))
    if report_to.needs_file and not output:
        raise click.UsageError(_("{format} needs -o FILE").format(format=report_to.name))
    if formulas and report_to.name != "xlsx":
        raise click.UsageError(_("--formulas needs --format xlsx"))
    if notice and not report_to.uses_notice and not per_unit:
        raise click.UsageError(_("--notice is for a notice written with -o notice.docx, .pdf or .xlsx, or for --per-unit"))
    options = ReportOptions(detail=detail, formulas=formulas, notice=notice, chart_style=chart_style)
    report_to.check(output, options)
    _check_documents(notice)
    from ..timing import gc_paused, mark, report

    # Ranking needs each unit's figures only, so units are scored without
    # their items whatever the format; a report that shows items asks
    # ``result.detail`` for one unit at a time while it writes.  The
    # evidence and scorer texts are kept only for the reports that show
    # them (md --detail lists the reasons, not the evidence).
    shows_texts = report_to.shows_texts(options) or bool(per_unit)
    # Reading builds millions of live observations, and every full collection
    # would walk them all again: no cycle collection while they are built.
    from ..progress import shown_on_terminal

    with gc_paused(), shown_on_terminal():
        result = _run(observations, rules, units, partial, (classes, unit_names), adjust, rank_by, keep_items=False, keep_text=shows_texts)
        print_problems(result.warnings)  # warnings never fail a run
        places = decimals if decimals is not None else result.precision
        with _collecting_new_garbage(), _writing(result, report_to.name):
            # Reports are written streaming: text goes out unit by unit (to a
            # temporary file renamed into place at the end, or to stdout) and
            # never exists whole.
            report_to.write(result, output, replace(options, decimals=places))
            _write_documents(result, places, notice, per_unit, chart, chart_style, inputs)
    mark(f"output {report_to.name}")
    report()
    if output and output != STDOUT:
        n_units = len(result.results)
        click.echo(ngettext("wrote {output} ({n} unit)", "wrote {output} ({n} units)", n_units).format(output=output, n=n_units), err=True)
    if not result.complete:
        n = sum(1 for r in result.results if not r.complete)
        absent = [u for _rid, u in result.missing_units]
        if absent:
            click.echo(_("incomplete, no observations, not ranked: {units}").format(units=", ".join(absent)), err=True)
        n += len(absent)
        click.echo(ngettext("partial result: {n} unit incomplete; not final", "partial result: {n} units incomplete; not final", n).format(n=n), err=True)
        return 1
    return 0


@contextlib.contextmanager
def _collecting_new_garbage():
    """Cycle collection on while reports are written, over new objects only.

    Writing scores every unit again with its items and lets it go; those
    objects are short-lived, and a few (an exception kept with its
    traceback) form cycles that only the collector frees.  Freezing first
    moves everything read so far out of its sight, so collections stay as
    cheap as for a small run and memory stays flat over 100,000 units."""
    import gc

    was = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()
        gc.unfreeze()


@contextlib.contextmanager
def _writing(result, fmt: str):
    """The writing step's progress: one unit each time a report asks for a
    unit's detail (a summary asks for none; its bar shows the time)."""
    from ..progress import step

    with step(_("writing {format}").format(format=fmt), len(result.results)) as advance, result.counting(advance):
        yield


@click.command(
    context_settings=CONTEXT_SETTINGS,
    help=_(
        "Every point UNIT lost: the verbatim rule text, the observation, the evidence and the arithmetic "
        "(e.g. 2 - 0.5 × 3 = 0.5)."
    ),
)
@click.argument("observations", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--unit", "unit_name", required=True, help=_("Unit name or alias."))
@_input_options
@debug_option
@guarded
def explain(observations, unit_name, rules, units, partial, adjust, debug):
    from ..problems import Problem, ProblemsError, quote
    from ..render.explain import explain_text

    result = _run(observations, rules, units, partial, ((), (unit_name,)), adjust, keep_items=False, keep_text=True)  # the one unit is expected
    print_problems(result.warnings)
    unit = result.units_index.find(unit_name)
    match = [r for r in result.results if unit is not None and r.unit == unit.name]
    if not match:
        known = "; ".join(r.unit for r in result.results[:8])
        raise ProblemsError([Problem(file=observations[0], code="unknown-unit", message=_("no unit {unit} in these observations (e.g. {known})").format(unit=quote(unit_name), known=known))], exit_code=2)
    detail = result.detail(match[0])
    rules = next((lr.ruleset for lr in result.rules if lr.ruleset.id == detail.rules_id), None)
    change = next((c for c in result.adjustment_changes if c.unit == detail.unit and c.rules_id == detail.rules_id), None)
    sys.stdout.write(explain_text(detail, adjustments=[a for a in result.adjustments if a.unit == detail.unit], precision=result.precision, rules=rules, change=change))
    return 0 if detail.complete else 1


COMMANDS = [score, explain]
