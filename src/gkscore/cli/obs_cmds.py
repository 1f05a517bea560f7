"""template, check: commands on observation sheets."""

from __future__ import annotations

import os
import sys

import click

from .common import CONTEXT_SETTINGS, debug_option, guarded


def resolve_rules_arg(arg: str) -> str:
    """A path, or the stem of a bundled rule file such as ``county_2020``."""
    if os.path.exists(arg):
        return arg
    from ..rules.load import bundled_paths

    for p in bundled_paths():
        if os.path.splitext(os.path.basename(p))[0] == arg:
            return p
    return arg  # loading reports "no such file"


def default_units(path: str | None) -> str:
    if path:
        return path
    from ..rules.load import bundled_paths

    return next(p for p in bundled_paths() if os.path.basename(p) == "units.yaml")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("rules")
@click.option("--units", "units_path", type=click.Path(dir_okay=False), help="Units file (default: the bundled units.yaml).")
@click.option("--class", "classes", multiple=True, help="Only units of this class (repeatable).")
@click.option("--unit", "unit_names", multiple=True, help="Only this unit, by name or alias (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), help="Output format (default: from the -o extension, else xlsx).")
@click.option("--layout", type=click.Choice(["sheets", "long"]), default="sheets", show_default=True, help="xlsx: one sheet per unit, or one long sheet (观测) read like the csv.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write (written atomically).")
@debug_option
@guarded
def template(rules, units_path, classes, unit_names, fmt, layout, output, debug):
    """Write an observation template for RULES (a rule file, or a bundled
    stem such as county_2020).

    xlsx: a cover sheet (说明), one protected sheet per unit with a row per
    observation field and data validation on the input cells, and a hidden
    sheet recording the rule file's id and sha256.  csv: the same content in
    long form (columns unit,class,item,field,type,allowed,value,evidence,
    scorer,prompt,rules,...), UTF-8 with BOM.  Items that do not apply to a
    unit's class are left out.
    """
    from ..observations.api import write_template
    from ..rules.load import load_rules, load_units

    if fmt is None:
        fmt = "csv" if output.lower().endswith((".csv", ".txt")) else "xlsx"
    if fmt == "csv" and layout == "long":
        layout = "sheets"  # csv is always long form
    lr = load_rules(resolve_rules_arg(rules))
    lu = load_units(default_units(units_path))
    written = write_template(lr, lu, output, fmt=fmt, layout=layout, classes=list(classes) or None, unit_names=list(unit_names) or None)
    click.echo(f"{output}: template for {len(written)} units ({lr.ruleset.id}@{lr.sha256[:12]}, {fmt}{', ' + layout if fmt == 'xlsx' else ''})", err=True)
    return 0


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("obs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--rules", "rules_paths", multiple=True, help="Rule file (path or bundled stem) the sheets were made from (repeatable; default: the bundled ones).")
@click.option("--units", "units_path", type=click.Path(dir_okay=False), help="Units file (default: the bundled units.yaml).")
@click.option("--class", "classes", multiple=True, help="Only units of this class are expected (repeatable; default: what the templates record, else every unit).")
@click.option("--unit", "unit_names", multiple=True, help="Only this unit is expected, by name or alias (repeatable).")
@click.option("--partial", is_flag=True, help="Accept missing values and units: list what is incomplete, exit 1.")
@debug_option
@guarded
def check(obs, rules_paths, units_path, classes, unit_names, partial, debug):
    """Validate filled observation files (xlsx or csv) without scoring.

    Several files merge (集中评分): the same field with equal values in two
    files is fine, different values are a conflict.  Every unit of the units
    file that the rules score is expected (or the units the templates were
    made for, or those of --class/--unit): a unit without observations is a
    problem.  Every problem is printed as file:sheet!cell (or file:line):
    message (code); a table of every unit (values filled, problems,
    scorers) follows.  Exit 0 when complete and valid, 1 on problems or
    (with --partial) anything missing, 2 when a file cannot be read.
    """
    from ..observations.api import read_observations
    from ..observations.roster import Subset
    from ..rules.load import load_rules, load_units
    from .common import print_problems

    rules = [load_rules(resolve_rules_arg(p)) for p in rules_paths]
    lu = load_units(default_units(units_path))
    reading = read_observations(list(obs), rules=rules or None, units=lu, partial=partial, subset=Subset(list(classes), list(unit_names)),
                                keep_evidence=False, keep_scorer=True, status=True)
    print_problems(reading.notes)
    print_problems(reading.problems)
    sets = reading.sets
    sys.stdout.write(status_table(reading.status))
    n_units = sum(len(s.units) for s in sets)
    n_values = sum(line.filled for line in reading.status)
    tags = ", ".join(f"{s.rules_id}@{s.rules_sha256[:12]}" for s in sets)
    if reading.problems:
        if len(reading.problems) > 1:
            click.echo(f"{len(reading.problems)} problems found", err=True)
        return reading.exit_code
    missing = sorted(k for s in sets for k in s.missing)
    absent = [u for s in sets for u in s.missing_units]
    if missing or absent:
        by_unit: dict[str, list[str]] = {}
        for unit, owner, field in missing:
            by_unit.setdefault(unit, []).append(f"{owner}.{field}")
        for unit in absent:
            click.echo(f"incomplete: {unit}: 未提交 (no observations)", err=True)
        for unit, keys in by_unit.items():
            click.echo(f"incomplete: {unit}: {len(keys)} missing: {', '.join(keys)}", err=True)
        click.echo(f"partial: {len(obs)} file(s), {n_units} units, {n_values} values, {len(missing)} missing, {len(absent)} unit(s) not submitted ({tags})", err=True)
        return 1
    sys.stdout.write(f"ok: {len(obs)} file(s), {n_units} units, {n_values} values ({tags})\n")
    return 0


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def status_table(lines) -> str:
    """One line per unit: who has submitted what (check's table)."""
    if not lines:
        return ""
    head = ["单位 unit", "类别 class", "已填/应填 filled", "问题 problems", "评分人 scorers"]
    rows = [head] + [
        [line.unit, line.cls, f"{line.filled}/{line.expected}" if line.found else f"未提交 0/{line.expected}", str(line.problems), "、".join(line.scorers)]
        for line in lines
    ]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(head) - 1)]
    out = []
    for r in rows:
        cells = [r[i] + " " * (widths[i] - _width(r[i])) for i in range(len(widths))] + [r[-1]]
        out.append("  ".join(cells).rstrip() + "\n")
    return "".join(out)


COMMANDS = [template, check]
