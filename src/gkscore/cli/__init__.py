"""Command-line interface.  Click lives only in this package; every command
parses options, calls the pure core and maps Problems to exit codes.

Heavy libraries (pydantic, openpyxl, calamine, rich) are imported inside the
commands, so ``gkscore --version`` and ``--help`` start fast.

The commands are built with English active (their ``help=_("...")`` texts
are the message ids) and translated before each run by ``LocalizedGroup``,
which also gives every command its ``--lang`` option: see ``localize.py``.
"""

from __future__ import annotations

import click

from .. import __version__, i18n
from .. import timing  # noqa: F401 - starts the benchmark clock (off unless GKSCORE_TIMINGS)
from ..i18n import _
from .common import CONTEXT_SETTINGS
from .localize import LocalizedGroup, version_option

# The command modules are imported, and the group built, with English active:
# every help text is then its message id, translated before each run.
with i18n.using("en"):

    @click.group(
        cls=LocalizedGroup,
        context_settings=CONTEXT_SETTINGS,
        help=_(
            "gkscore: score government openness evaluations exactly.\n\n"
            "Rule files declare the indicator tables; observation sheets hold what the "
            "evaluation team found; gkscore computes exact scores, ranks units within "
            "their class and writes the published tables and lost-point lists.\n\n"
            "Exit codes: 0 ok, 1 invalid rules or observations (or a partial result), "
            "2 usage error or unreadable file, 3 internal error (rerun with --debug).\n\n"
            "Language: --lang zh|en, or the variable GKSCORE_LANG; otherwise the system's language."
        ),
    )
    @version_option(__version__, prog_name="gkscore")
    def main() -> None:
        """The gkscore command group."""

    from . import draft_cmds, obs_cmds, rules_cmds, score_cmds

    # draft_cmds after rules_cmds: its `rules` group, whose default is the
    # `rules` command of rules_cmds, takes that command's place
    for _cmd in (*rules_cmds.COMMANDS, *obs_cmds.COMMANDS, *score_cmds.COMMANDS, *draft_cmds.COMMANDS):
        main.add_command(_cmd)
    del _cmd
