"""The command line in the user's language.

Every command is added to the ``gkscore`` group through ``LocalizedGroup``,
which gives it the ``--lang`` option and records its help texts as written,
in English: the command modules are imported with English active, so that
``help=_("...")`` holds the message id.  Before each run the group decides
the language (``--lang``, read from the arguments before click parses them,
then GKSCORE_LANG, then the system) and translates every help text, option
metavar and click's own words (through the stdlib's global gettext domain,
bound to our catalog, which holds click's messages too).  Translating at run
time rather than at import keeps ``--lang`` honest when one process runs
several commands (tests, scripts calling ``main``).
"""

from __future__ import annotations

import sys
from typing import Any, Sequence

import click

from .. import i18n
from ..i18n import N_, _
from .helpformat import WideContext

LANG_OPTION = "--lang"

# One-line summaries in the command list of `gkscore --help`; a command not
# listed here shows the first sentence of its own help.
SUMMARIES = {
    "validate": N_("Check rule and unit files (default: the bundled ones)."),
    "lint": N_("Softer findings on rule files: notes, clause sums, unused fields."),
    "rules": N_("Show the indicator tree of a rule file with its points per class."),
    "schema": N_("Print the JSON Schema of the rule files or of the results."),
    "template": N_("Write the template a scoring team fills in (xlsx or csv)."),
    "check": N_("Check filled observation sheets, every problem at once, without scoring."),
    "score": N_("Score filled observation sheets, rank the units, write the reports."),
    "explain": N_("Every point one unit lost, with rule text, evidence and arithmetic."),
}

# What stands for an argument in a usage line ("gkscore validate [FILES]..."),
# by the argument's name.  An argument may also give metavar=_("...") itself.
ARGUMENT_METAVARS = {
    "files": N_("FILES"),
    "file": N_("FILE"),
    "rules": N_("RULES"),
    "obs": N_("OBSERVATIONS"),
    "observations": N_("OBSERVATIONS"),
}

# What stands for an option's value, by the option's name: the same word
# wherever the option appears ("--class 类别", "--unit 单位").
OPTION_METAVARS = {
    "--class": N_("CLASS"),
    "--unit": N_("UNIT"),
}

# What stands for an option's value, by click's name of its type
# ("--units FILE"), where the option does not give its own metavar.
TYPE_METAVARS = {
    "text": N_("TEXT"),
    "file": N_("FILE"),
    "directory": N_("DIRECTORY"),
    "path": N_("PATH"),
    "filename": N_("FILENAME"),
    "integer": N_("INTEGER"),
    "integer range": N_("INTEGER"),
    "float": N_("NUMBER"),
    "float range": N_("NUMBER"),
    "boolean": N_("BOOLEAN"),
}

# click's number types name themselves in their messages ("'x' is not a valid integer.").
NUMBER_TYPE_NAMES = {
    "integer": N_("whole number"),
    "integer range": N_("whole number"),
    "float": N_("number"),
    "float range": N_("number"),
}

# click.Path names the kind of path it accepts in its messages
# ("File 'x' does not exist."); click's own words, in our catalog too.
PATH_KINDS = {(True, False): N_("file"), (False, True): N_("directory"), (True, True): N_("path")}

HELP_OPTION_HELP = N_("Show this message and exit.")
OPTIONS_METAVAR = N_("[OPTIONS]")
SUBCOMMAND_METAVAR = N_("COMMAND [ARGS]...")


def lang_in_args(args: Sequence[str]) -> str | None:
    """The value of the last ``--lang`` in the arguments (before ``--``), as
    given; click checks it again when it parses them."""
    found = None
    it = iter(args)
    for token in it:
        if token == "--":
            break
        if token == LANG_OPTION:
            found = next(it, None)
        elif token.startswith(LANG_OPTION + "="):
            found = token[len(LANG_OPTION) + 1 :]
    return found


def _switch_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # The group has read --lang from the arguments already; this catches a
    # command run on its own, outside the group.
    if value and value != i18n.language():
        i18n.activate(value)
        root = ctx.find_root().command
        if isinstance(root, LocalizedGroup):
            root.localize(value)


def lang_option(target: Any) -> Any:
    return click.option(
        LANG_OPTION,
        type=click.Choice(list(i18n.LANGUAGES)),
        expose_value=False,
        is_eager=True,
        callback=_switch_language,
        help=_("Language of messages and help: zh (Chinese) or en (English). Default: GKSCORE_LANG, else the system's language."),
    )(target)


def version_option(version: str, prog_name: str) -> Any:
    """``-V/--version``, saying "gkscore, version X" in the language of the run
    (click's own version option fixes its words when the command is built)."""

    def show(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value and not ctx.resilient_parsing:
            click.echo(_("%(prog)s, version %(version)s") % {"prog": prog_name, "version": version})
            ctx.exit()

    return click.option(
        "-V", "--version", is_flag=True, expose_value=False, is_eager=True, callback=show, help=_("Show the version and exit.")
    )


class LocalizedGroup(click.Group):
    """A click group whose commands speak the language chosen for each run."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.originals: dict[object, dict[str, Any]] = {}
        self.localized_as: str | None = None
        self.context_class = WideContext
        lang_option(self)
        self._record(self)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any(LANG_OPTION in p.opts for p in cmd.params):
            lang_option(cmd)
        cmd.context_class = WideContext
        super().add_command(cmd, name)
        self._record(cmd)
        self.localized_as = None

    def _record(self, cmd: click.Command) -> None:
        """Keep the English texts of a command and its parameters."""
        self.originals[cmd] = {"help": cmd.help, "short_help": SUMMARIES.get(cmd.name or "") or cmd.short_help, "epilog": cmd.epilog}
        for param in cmd.params:
            self.originals[param] = {
                "help": getattr(param, "help", None),
                "metavar": param.metavar,
                "type_name": getattr(param.type, "name", None),
            }

    def localize(self, lang: str) -> None:
        """Translate every help text of the group and its commands into ``lang``."""
        if self.localized_as == lang:
            return
        with i18n.using(lang):
            for cmd in [self, *self.commands.values()]:
                self._localize_command(cmd)
        self.localized_as = lang

    def _localize_command(self, cmd: click.Command) -> None:
        texts = self.originals.get(cmd)
        if texts is None:  # added behind our back (main.commands[...] = cmd)
            self._record(cmd)
            texts = self.originals[cmd]
        for attr in ("help", "short_help", "epilog"):
            if texts[attr] is not None:
                setattr(cmd, attr, _(texts[attr]))
        cmd.options_metavar = _(OPTIONS_METAVAR)
        if isinstance(cmd, click.Group):
            cmd.subcommand_metavar = _(SUBCOMMAND_METAVAR)
        ctx = click.Context(cmd, info_name=cmd.name, **cmd.context_settings)
        for param in cmd.params:
            self._localize_param(param, ctx)
        help_option = cmd.get_help_option(ctx)
        if help_option is not None:
            help_option.help = _(HELP_OPTION_HELP)

    def _localize_param(self, param: click.Parameter, ctx: click.Context) -> None:
        texts = self.originals.get(param)
        if texts is None:
            return
        if texts["help"] is not None:
            param.help = _(texts["help"])  # type: ignore[attr-defined]
        if texts["type_name"] in NUMBER_TYPE_NAMES:
            param.type.name = _(NUMBER_TYPE_NAMES[texts["type_name"]])
        if isinstance(param.type, click.Path):
            kind = PATH_KINDS.get((bool(param.type.file_okay), bool(param.type.dir_okay)))
            if kind is not None:
                param.type.name = _(kind)
        if texts["metavar"] is not None:
            param.metavar = _(texts["metavar"])
            return
        param.metavar = None
        if param.type.get_metavar(param=param, ctx=ctx):
            return  # choices and formats are values to type, not words
        if isinstance(param, click.Argument):
            word = ARGUMENT_METAVARS.get(param.name or "")
            if word is not None:
                text = _(word)
                if not param.required:
                    text = f"[{text}]"
                param.metavar = text + ("..." if param.nargs != 1 else "")
        elif isinstance(param, click.Option) and not param.is_flag and not param.count:
            word = next((OPTION_METAVARS[o] for o in param.opts if o in OPTION_METAVARS), None) or TYPE_METAVARS.get(texts["type_name"] or "")
            if word is not None:
                param.metavar = _(word) + ("..." if param.nargs != 1 else "")

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        argv = sys.argv[1:] if args is None else list(args)
        lang = i18n.resolve(lang_in_args(argv))
        with i18n.using(lang), i18n.global_domain(lang):
            self.localize(lang)
            problem = i18n.env_language_problem()
            if problem:
                click.echo(f"gkscore: {problem}", err=True)
            return super().main(args, *rest, **kwargs)
