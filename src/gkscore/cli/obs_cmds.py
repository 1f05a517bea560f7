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
@click.option("--partial", is_flag=True, help="Accept missing values: list what is incomplete, exit 1.")
@click.option("--reader", type=click.Choice(["calamine", "openpyxl"]), default="calamine", show_default=True, help="xlsx reader.")
@debug_option
@guarded
def check(obs, rules_paths, units_path, partial, reader, debug):
    """Validate filled observation files (xlsx or csv) without scoring.

    Several files merge (集中评分): the same field with equal values in two
    files is fine, different values are a conflict.  Every problem is printed
    as file:sheet!cell (or file:line): message (code).  Exit 0 when complete
    and valid, 1 on problems or (with --partial) missing values, 2 when a file
    cannot be read.
    """
    from ..observations.api import load_observations
    from ..rules.load import load_rules, load_units

    rules = [load_rules(resolve_rules_arg(p)) for p in rules_paths]
    lu = load_units(default_units(units_path))
    # no evidence or scorer texts: check never shows them
    sets = load_observations(list(obs), rules=rules or None, units=lu, partial=partial, reader=reader, keep_text=False)
    n_units = sum(len(s.units) for s in sets)
    # values only, without building an Observation per value (a million at 10k units)
    n_values = sum(1 for s in sets for key in s.values if s.value(*key) is not None)
    missing = sorted(k for s in sets for k in s.missing)
    tags = ", ".join(f"{s.rules_id}@{s.rules_sha256[:12]}" for s in sets)
    if missing:
        by_unit: dict[str, list[str]] = {}
        for unit, owner, field in missing:
            by_unit.setdefault(unit, []).append(f"{owner}.{field}")
        for unit, keys in by_unit.items():
            click.echo(f"incomplete: {unit}: {len(keys)} missing: {', '.join(keys)}", err=True)
        click.echo(f"partial: {len(obs)} file(s), {n_units} units, {n_values} values, {len(missing)} missing ({tags})", err=True)
        return 1
    sys.stdout.write(f"ok: {len(obs)} file(s), {n_units} units, {n_values} values ({tags})\n")
    return 0


COMMANDS = [template, check]
