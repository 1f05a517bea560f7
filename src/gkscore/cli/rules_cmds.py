"""validate, lint, rules, schema: commands on rule and unit files."""

from __future__ import annotations

import dataclasses
import os
import sys

import click

from ..i18n import _, ngettext, pgettext
from .common import CONTEXT_SETTINGS, debug_option, guarded, print_problems


def _shown(path: str, bundled: bool) -> str:
    """A bundled file is named by its stem (county_2020), not by where the
    package happens to be installed."""
    return os.path.splitext(os.path.basename(path))[0] if bundled else path


def _rename(problems: list, bundled: bool) -> list:
    return [dataclasses.replace(p, file=_shown(p.file, bundled)) for p in problems] if bundled else problems


def _load_all(files: tuple[str, ...]):
    """Load every file, collecting problems across all of them."""
    from ..problems import ProblemsError
    from ..rules.load import bundled_paths, load_rules, load_units, sniff_kind

    paths = list(files) or bundled_paths()
    rules, units, problems, exit_code = [], [], [], 0
    for path in paths:
        try:
            if sniff_kind(path) == "units":
                units.append(load_units(path))
            else:
                rules.append(load_rules(path))
        except ProblemsError as exc:
            problems.extend(exc.problems)
            exit_code = max(exit_code, exc.exit_code)
    # Cross-file: every unit's class must be scored by one of the rule files.
    if rules and units:
        from ..problems import Problem, quote
        from ..yamlio import position_of

        known = {c for r in rules for c in r.ruleset.classes}
        for u in units:
            for ui, unit in enumerate(u.units.units):
                if unit.cls not in known:
                    line, col = position_of(u.positions, ("units", ui, "class"))
                    message = _(
                        "unit {unit} has class {cls}, which none of the given rule files scores; "
                        "give the rule file for {cls} as well, or correct the class (scored: {known})"
                    ).format(unit=quote(unit.name), cls=quote(unit.cls), known=", ".join(sorted(known)))
                    problems.append(Problem(file=u.path, code="unscored-class", line=line, col=col, message=message))
                    exit_code = max(exit_code, 1)
    return rules, units, problems, exit_code


@click.command(
    context_settings=CONTEXT_SETTINGS,
    help=_(
        "Check rule and unit files (default: the bundled ones).\n\n"
        "Schema and semantic checks: unique ids, group points equal to the sum of "
        "their items, totals per class, bonus and penalty caps, units in known "
        "classes, no duplicate YAML keys or aliases.  Every problem is printed as "
        "file:line:column: message (code).  Exit 0 valid, 1 invalid, 2 unreadable."
    ),
)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("-q", "--quiet", is_flag=True, help=_("Print nothing when the files are valid."))
@debug_option
@guarded
def validate(files, quiet, debug):
    rules, units, problems, code = _load_all(files)
    bundled = not files
    print_problems(_rename(problems, bundled))
    if not problems and not quiet:
        for r in rules:
            n = sum(len(g.items) for s in r.ruleset.sections for g in s.groups)
            line = ngettext(
                "{file}: valid ({title}, {n} item, classes {classes})",
                "{file}: valid ({title}, {n} items, classes {classes})",
                n,
            )
            names = pgettext("list separator", ", ").join(c.name for c in r.ruleset.classes.values())
            click.echo(line.format(file=_shown(r.path, bundled), title=r.ruleset.title, n=n, classes=names))
        for u in units:
            n = len(u.units.units)
            line = ngettext("{file}: valid ({title}, {n} unit)", "{file}: valid ({title}, {n} units)", n)
            click.echo(line.format(file=_shown(u.path, bundled), title=u.units.title or u.units.id, n=n))
    return code


@click.command(
    context_settings=CONTEXT_SETTINGS,
    help=_(
        "Softer findings on rule files: recorded readings (notes), clause points "
        "that do not add up to the item's points, unused fields.  Warnings only; "
        "exit 0 unless --strict (or the files are invalid)."
    ),
)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help=_("Exit 1 when there are warnings."))
@debug_option
@guarded
def lint(files, strict, debug):
    rules, units, problems, code = _load_all(files)
    bundled = not files
    print_problems(_rename(problems, bundled))
    warnings = [w for r in rules for w in r.warnings]
    print_problems(_rename(warnings, bundled), sys.stdout)
    if code:
        return code
    n = len(warnings)
    click.echo(ngettext("{n} warning", "{n} warnings", n).format(n=n), err=True)
    return 1 if (strict and warnings) else 0


@click.command(
    name="rules",
    context_settings=CONTEXT_SETTINGS,
    help=_(
        "Show the indicator tree of a rule file with the points of each item per class.\n\n"
        "The json form is a public contract, documented in docs/rule-language.md."
    ),
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--class", "cls", multiple=True, metavar=_("CLASS"), help=_("Only this class (repeatable)."))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help=_("table: for people; json: for programs.")
)
@debug_option
@guarded
def rules_cmd(file, cls, fmt, debug):
    from ..jsonout import dumps
    from ..problems import Problem, ProblemsError, quote
    from ..rules.load import load_rules
    from ..rules.tree import rules_tree

    loaded = load_rules(file)
    classes = list(cls) or list(loaded.ruleset.classes)
    unknown = [c for c in classes if c not in loaded.ruleset.classes]
    if unknown:
        message = _("no class {unknown} in these rules; use one of: {classes}").format(
            unknown=", ".join(quote(c) for c in unknown), classes=", ".join(loaded.ruleset.classes)
        )
        raise ProblemsError([Problem(file=file, code="unknown-class", message=message)], exit_code=2)
    tree = rules_tree(loaded.ruleset, classes)
    if fmt == "json":
        sys.stdout.write(dumps(tree))
        return 0
    from ..render.terminal import print_rules_tree

    print_rules_tree(tree, {c: loaded.ruleset.class_label(c) for c in classes})
    return 0


@click.command(
    context_settings=CONTEXT_SETTINGS,
    help=_(
        "Print the JSON Schema of the rule files (rules, the default) or of the results "
        "of score --format json (results), for editors and programs."
    ),
)
@click.argument("which", type=click.Choice(["rules", "results"]), default="rules")
@debug_option
@guarded
def schema(which, debug):
    if which == "rules":
        from ..rules.schema import rules_schema_text

        sys.stdout.write(rules_schema_text())
    else:
        from ..render.results_schema import results_schema_text

        sys.stdout.write(results_schema_text())
    return 0


COMMANDS = [validate, lint, rules_cmd, schema]
