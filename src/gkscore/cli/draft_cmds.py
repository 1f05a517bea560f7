"""draft, rules diff, compare: a new year's table and last year's results.

``gkscore rules`` becomes a group whose default is the existing tree
command, so ``gkscore rules FILE [--class C] [--format F]`` works exactly as
before and ``gkscore rules diff OLD NEW`` is added beside it.  Like every
command, these are built with English active (``help=_("...")`` holds the
message id) and translated for each run.
"""

from __future__ import annotations

import click

from .. import i18n
from ..i18n import _
from .common import CONTEXT_SETTINGS, debug_option, guarded
from .helpformat import width
from .localize import LocalizedGroup
from .rules_cmds import rules_cmd

DEFAULT_RULES_COMMAND = "show"


def _output(output: str | None, inputs: list[str]):
    from ..fsutil import refuse_overwriting_inputs, text_output

    if output:
        refuse_overwriting_inputs(output, inputs)
    return text_output(output)


def _usage_error(where: str, message: str):
    from ..problems import Problem, ProblemsError

    return ProblemsError([Problem(file=where, code="usage", message=message)], exit_code=2)


# ------------------------------------------------------------------ draft


@click.command(
    context_settings=CONTEXT_SETTINGS,
    short_help=_("Draft a rule file from an indicator table (.docx or .xlsx)."),
    help=_(
        "Draft a rule file from an indicator table in Word (.docx) or Excel (.xlsx).\n\n"
        "Reads the columns of the level-1 and level-2 indicators, their descriptions, the scoring rules and the points "
        "(merged cells as the table shows them) and writes the common phrasings of the scoring rules (N points; N off for "
        "each one found; down to zero; a sample of N, N off for each one short; before a date; at least N%) as clauses. "
        "An item it cannot read with confidence becomes a judged item with a note marked 待核 (to check).\n\n"
        "The draft always passes gkscore validate; gkscore lint lists every point to check. See docs/draft.md."
    ),
)
@click.argument("table", type=click.Path(dir_okay=False), metavar=_("TABLE"))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help=_("Write the rule file here (default: the screen)."))
@click.option("--title", help=_("Title of the rule file (default: the title above the table)."))
@click.option("--year", type=click.IntRange(1990, 2100), help=_("Year evaluated (default: the year in the title); dates written without a year get it."))
@click.option(
    "--classes",
    help=_("The class of each points column, in column order: county, or A=units with a website,B=units without one."),
)
@click.option("--id", "rules_id", help=_("Id of the rule file (lower-case letters, digits, . _ -; default draft-YEAR)."))
@click.option("--table", "table_name", help=_("Which table when the file holds several: its number in a Word file, the sheet name in Excel."))
@debug_option
@guarded
def draft(table, output, title, year, classes, rules_id, table_name, debug):
    from ..draft import draft_table

    result = draft_table(table, title=title, year=year, classes=classes, rules_id=rules_id, table=table_name)
    with _output(output, [table]) as out:
        out.write(result.yaml_text)
    s = result.stats
    click.echo(
        _("Drafted {where} from {table}: {items} items, {read} read into clauses, {pending} to check; {checks} points to check in all.").format(
            where=output or _("the screen"), table=result.table_name, items=s.items, read=s.recognised,
            pending=s.items - s.recognised, checks=len(s.checks),
        ),
        err=True,
    )
    if output:
        click.echo(_("Next: gkscore lint {file} lists the points to check; gkscore rules {file} shows the points of each item to compare with the table.").format(file=output), err=True)
    return 0


# -------------------------------------------------------------- rules diff


@click.command(
    name="diff",
    context_settings=CONTEXT_SETTINGS,
    short_help=_("Compare two rule files."),
    help=_(
        "Compare two rule files: items added, removed, moved and renamed, points per class, "
        "clause figures (0.2 off → 0.5 off), caps and thresholds.\n\n"
        "Exit 0 when they are the same, 1 when they differ (usable in CI)."
    ),
)
@click.argument("old", type=click.Path(dir_okay=False), metavar=_("OLD"))
@click.argument("new", type=click.Path(dir_okay=False), metavar=_("NEW"))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table", show_default=True, help=_("Output format."))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help=_("Write to this file (json, md)."))
@debug_option
@guarded
def rules_diff(old, new, fmt, output, debug):
    from ..problems import ProblemsError
    from ..rules.diff import diff_rules
    from ..rules.diff_report import print_table, write_json, write_md
    from ..rules.load import load_rules

    loaded, problems, code = [], [], 1
    for path in (old, new):
        try:
            loaded.append(load_rules(path))
        except ProblemsError as exc:
            problems.extend(exc.problems)
            code = max(code, exc.exit_code)
    if problems:
        raise ProblemsError(problems, exit_code=code)
    changes = diff_rules(loaded[0].ruleset, loaded[1].ruleset)
    if fmt == "table":
        if output:
            raise _usage_error(output, _("the table format is for the screen; to write a file use --format md or json"))
        print_table(old, new, changes)
    else:
        with _output(output, [old, new]) as out:
            (write_json if fmt == "json" else write_md)(out, old, new, changes)
    return 1 if changes else 0


class RulesGroup(LocalizedGroup):
    """``rules``: a group whose first argument, when it is not a subcommand,
    goes to the default command (``rules FILE`` is ``rules show FILE``).  Its
    subcommands are translated into the language of the run as it starts."""

    def parse_args(self, ctx, args):
        self.localize(i18n.language())
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = [DEFAULT_RULES_COMMAND, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, f"{_('[OPTIONS]')} {_('FILE')}")
        indent = " " * width(_("Usage:") + " ")  # display columns: 用法： is six
        formatter.write_usage(ctx.command_path, f"diff {_('[OPTIONS]')} {_('OLD')} {_('NEW')}", prefix=indent)


rules_group = RulesGroup(
    name="rules",
    context_settings=CONTEXT_SETTINGS,
    short_help=_("Show the indicator tree of a rule file with its points per class."),
    help=_(
        "Show the indicator tree of a rule file with its points per class (gkscore rules FILE), "
        "or compare two rule files (gkscore rules diff OLD NEW)."
    ),
)
rules_group.add_command(rules_cmd, DEFAULT_RULES_COMMAND)
rules_group.add_command(rules_diff)


# ---------------------------------------------------------------- compare


@click.command(
    context_settings=CONTEXT_SETTINGS,
    short_help=_("Compare two years' results: ranks, totals, shares won."),
    help=_(
        "Compare two years' results (the output of gkscore score --format json).\n\n"
        "Units are paired by name and alias; for each rank group the report shows the rank change "
        "(↑3, ↓1, new, not evaluated), the change of the total, and per level-1 indicator the change of the share "
        "of its points won (shares, not points, since the points change between years)."
    ),
)
@click.argument("last", type=click.Path(dir_okay=False), metavar=_("LAST"))
@click.argument("this", type=click.Path(dir_okay=False), metavar=_("THIS"))
@click.option("--format", "fmt", type=click.Choice(["table", "xlsx", "md"]), help=_("Output format (default: from -o's suffix, else table)."))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help=_("Write to this file (needed for xlsx)."))
@click.option("--units", type=click.Path(dir_okay=False), help=_("Units file whose aliases pair renamed units (default: the bundled Huanggang units)."))
@click.option("--last-name", help=_("What to call LAST in the headings (default: last year)."))
@click.option("--this-name", help=_("What to call THIS in the headings (default: this year)."))
@debug_option
@guarded
def compare(last, this, fmt, output, units, last_name, this_name, debug):
    from ..compare.core import aliases_from_units, compare_results, load_results
    from ..compare.report import print_table, write_md, write_xlsx
    from ..pipeline import load_units_option
    from ..problems import ProblemsError

    if fmt is None:
        lower = (output or "").lower()
        fmt = "xlsx" if lower.endswith(".xlsx") else "md" if lower.endswith((".md", ".markdown")) else "table"
    if fmt == "xlsx" and not output:
        raise _usage_error("-o", _("the xlsx format needs an output file: give -o FILE"))
    if fmt == "table" and output:
        raise _usage_error(output, _("the table format is for the screen; to write a file use --format md or xlsx"))
    docs, problems, code = [], [], 1
    for path in (last, this):
        try:
            docs.append(load_results(path))
        except ProblemsError as exc:
            problems.extend(exc.problems)
            code = max(code, exc.exit_code)
    if problems:
        raise ProblemsError(problems, exit_code=code)
    aliases = aliases_from_units(load_units_option(units).units)
    result = compare_results(docs[0], docs[1], aliases, last_name=last_name or _("last year"), this_name=this_name or _("this year"))
    if fmt == "xlsx":
        from ..fsutil import refuse_overwriting_inputs

        refuse_overwriting_inputs(output, [last, this])
        write_xlsx(output, result)
        click.echo(_("wrote {file}").format(file=output), err=True)
    elif fmt == "md":
        with _output(output, [last, this]) as out:
            write_md(out, result)
    else:
        print_table(result)
    return 0


COMMANDS = [draft, rules_group, compare]
