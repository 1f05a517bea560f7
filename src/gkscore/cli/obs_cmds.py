"""template, check: commands on observation sheets."""

from __future__ import annotations

import sys

import click

from ..i18n import _, ngettext, pgettext
from .common import CONTEXT_SETTINGS, debug_option, guarded


def default_units(path: str | None) -> str:
    return path or "units"  # the bundled units.yaml, by its stem


@click.command(
    context_settings=CONTEXT_SETTINGS,
    help=_(
        "Write the template a scoring team fills in for RULES (a rule file, or a bundled one by its "
        "name such as county_2020).\n\n"
        "xlsx: a cover sheet with the instructions, one protected sheet per unit with a row per question "
        "and a drop-down list or check on each input cell, and a hidden sheet recording the rule file. "
        "csv: the same in long form (one row per unit and question), UTF-8 with BOM.  Items that do not "
        "apply to a unit's class are left out."
    ),
)
@click.argument("rules")
@click.option("--units", "units_path", type=click.Path(dir_okay=False), help=_("Units file (default: the bundled units.yaml)."))
@click.option("--class", "classes", multiple=True, help=_("Only units of this class (repeatable)."))
@click.option("--unit", "unit_names", multiple=True, help=_("Only this unit, by name or alias (repeatable)."))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), help=_("Output format (default: from the -o extension, else xlsx)."))
@click.option("--layout", type=click.Choice(["sheets", "long"]), default="sheets", show_default=True,
              help=_("xlsx: one sheet per unit (sheets), or one long sheet read like the csv (long)."))
@click.option("--adjustments", "adjustments", is_flag=True,
              help=_("Write the adjustments form for RULES instead (unit, indicator, observation item, value, reason, approver, date; with drop-down lists), for score --adjust."))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help=_("File to write (written atomically)."))
@debug_option
@guarded
def template(rules, units_path, classes, unit_names, fmt, layout, adjustments, output, debug):
    from ..observations.api import write_template
    from ..rules.load import load_rules, load_units

    if fmt is None:
        fmt = "csv" if output.lower().endswith((".csv", ".txt")) else "xlsx"
    if adjustments:
        return _adjustments_form(rules, default_units(units_path), classes, unit_names, fmt, output)
    if fmt == "csv" and layout == "long":
        layout = "sheets"  # csv is always long form
    lr = load_rules(rules)
    lu = load_units(default_units(units_path))
    from ..progress import shown_on_terminal

    with shown_on_terminal():
        written = write_template(lr, lu, output, fmt=fmt, layout=layout, classes=list(classes) or None, unit_names=list(unit_names) or None)
    click.echo(ngettext("{output}: a template for {n} unit ({rules})", "{output}: a template for {n} units ({rules})", len(written)).format(
        output=output, n=len(written), rules=lr.ruleset.title), err=True)
    return 0


def _adjustments_form(rules, units_path, classes, unit_names, fmt, output) -> int:
    from ..adjustments.form import write_form, write_form_csv
    from ..fsutil import refuse_overwriting_inputs
    from ..observations.template_rows import select_units
    from ..rules.load import load_rules, load_units

    lr = load_rules(rules)
    lu = load_units(units_path)
    refuse_overwriting_inputs(output, [lr.path, lu.path])
    units = select_units(lr, lu, list(classes) or None, list(unit_names) or None)
    if fmt == "csv":
        write_form_csv(output)
        click.echo(_("{output}: an adjustments form ({rules})").format(output=output, rules=lr.ruleset.title), err=True)
        return 0
    n = write_form(lr, units, output)
    click.echo(_("{output}: an adjustments form for {units} units and {items} indicators ({rules})").format(
        output=output, units=len(units), items=n, rules=lr.ruleset.title), err=True)
    return 0


@click.command(
    context_settings=CONTEXT_SETTINGS,
    help=_(
        "Check filled observation files (xlsx or csv) without scoring.\n\n"
        "Several files merge (several scorers each filling a part): the same value in two files is fine, "
        "different values are a conflict.  Every unit of the units file that the rules score is expected "
        "(or the units the templates were made for, or those of --class/--unit): a unit without "
        "observations is a problem.  Every problem is printed as file:sheet!cell (or file:line): message "
        "(code), saying what to fill; a table of every unit (values filled, problems, scorers) follows.  "
        "Exit 0 when complete and valid, 1 on problems or (with --partial) anything missing, 2 when a file "
        "cannot be read."
    ),
)
@click.argument("obs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--rules", "rules_paths", multiple=True, type=click.Path(dir_okay=False),
              help=_("Rule file the sheets were made from, or a bundled one by its name such as county_2020 (repeatable; default: the rules the sheets record)."))
@click.option("--units", "units_path", type=click.Path(dir_okay=False), help=_("Units file (default: the bundled units.yaml)."))
@click.option("--class", "classes", multiple=True, help=_("Only units of this class are expected (repeatable; default: what the templates record, else every unit)."))
@click.option("--unit", "unit_names", multiple=True, help=_("Only this unit is expected, by name or alias (repeatable)."))
@click.option("--partial", is_flag=True, help=_("Accept missing values and units: list what is incomplete, exit 1."))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "json"]),
              help=_("Also write the problems as a list to send back to the scorers: xlsx (one row per problem, sorted by scorer and unit, "
                     "and a sheet with the table of units), csv (the problem rows) or json (both). Default: from the -o extension."))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help=_("File for the problem list (written atomically; - for standard output, not for xlsx)."))
@debug_option
@guarded
def check(obs, rules_paths, units_path, classes, unit_names, partial, fmt, output, debug):
    from ..observations.api import read_observations
    from ..observations.problem_list import format_of, write_problem_list
    from ..observations.roster import Subset
    from ..rules.load import load_rules, load_units
    from .common import print_problems

    fmt = format_of(output, fmt)
    if output and fmt is None:
        raise click.UsageError(_("cannot tell the format of {output} from its name: give --format xlsx, csv or json").format(output=output))
    if fmt is not None and output in (None, "-"):
        if fmt == "xlsx":
            raise click.UsageError(_("an xlsx problem list needs -o FILE"))
        output = "-"
    if output:
        from ..fsutil import refuse_overwriting_inputs

        refuse_overwriting_inputs(output, obs)
    rules = [load_rules(p) for p in rules_paths]
    lu = load_units(default_units(units_path))
    from ..progress import file_sizes, shown_on_terminal, step

    with shown_on_terminal(), step(_("reading observations"), file_sizes(obs), size=True):
        reading = read_observations(list(obs), rules=rules or None, units=lu, partial=partial, subset=Subset(list(classes), list(unit_names)),
                                    keep_evidence=False, keep_scorer=True, status=True)
    print_problems(reading.notes)
    print_problems(reading.problems)
    sets = reading.sets
    rulesets = {s.rules_id: s.rules.ruleset for s in sets}
    if output is not None:
        n = write_problem_list(output, fmt, reading.problems, reading.notes, reading.status, rulesets)
        if output != "-":
            click.echo(ngettext("{output}: {n} problem listed", "{output}: {n} problems listed", n).format(output=output, n=n), err=True)
    if output != "-":  # standard output holds the list, not the table
        sys.stdout.write(status_table(reading.status, rulesets))
    n_units = sum(len(s.units) for s in sets)
    n_values = sum(line.filled for line in reading.status)
    titles = pgettext("list separator", ", ").join(s.rules.ruleset.title for s in sets)
    if reading.problems:
        n = len(reading.problems)
        if n > 1:
            click.echo(ngettext("{n} problem found", "{n} problems found", n).format(n=n), err=True)
        return reading.exit_code
    missing = sorted(k for s in sets for k in s.missing)
    absent = [u for s in sets for u in s.missing_units]
    if missing or absent:
        subjects = _subjects(sets)
        by_unit: dict[str, list[str]] = {}
        for unit, owner, field in missing:
            by_unit.setdefault(unit, []).append(subjects.get((owner, field), f"{owner}.{field}"))
        for unit in absent:
            click.echo(_("incomplete: {unit}: not submitted (no observations)").format(unit=unit), err=True)
        for unit, names in by_unit.items():
            click.echo(ngettext("incomplete: {unit}: {n} value not filled: {fields}", "incomplete: {unit}: {n} values not filled: {fields}", len(names)).format(
                unit=unit, n=len(names), fields=_("; ").join(names)), err=True)
        click.echo(_("partial: {files} file(s), {units} unit(s), {values} value(s), {missing} not filled, {absent} unit(s) not submitted ({rules})").format(
            files=len(obs), units=n_units, values=n_values, missing=len(missing), absent=len(absent), rules=titles), err=True)
        return 1
    line = _("ok: {files} file(s), {units} unit(s), {values} value(s) ({rules})").format(files=len(obs), units=n_units, values=n_values, rules=titles)
    (sys.stderr if output == "-" else sys.stdout).write(line + "\n")
    return 0


def _subjects(sets) -> dict:
    """(owner, field) -> the field in words (组织推进第2项：…), over the sets' rules."""
    from ..observations.spec import owners

    out: dict = {}
    for s in sets:
        for owner in owners(s.rules.ruleset).values():
            for spec in owner.specs.values():
                out.setdefault(spec.key, spec.subject())
    return out


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def status_table(lines, rulesets: dict) -> str:
    """One line per unit: who has submitted what (check's table)."""
    if not lines:
        return ""
    from ..observations.problem_list import status_header, status_rows

    rows = [status_header()] + status_rows(lines, rulesets)
    head = rows[0]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(head) - 1)]
    out = []
    for r in rows:
        cells = [r[i] + " " * (widths[i] - _width(r[i])) for i in range(len(widths))] + [r[-1]]
        out.append("  ".join(cells).rstrip() + "\n")
    return "".join(out)


COMMANDS = [template, check]
