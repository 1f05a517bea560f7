"""Command-line interface.  Click lives only in this package; every command
parses options, calls the pure core and maps Problems to exit codes.

Heavy libraries (pydantic, openpyxl, calamine, rich) are imported inside the
commands, so ``gkscore --version`` and ``--help`` start fast.
"""

from __future__ import annotations

import click

from .. import __version__
from .. import timing  # noqa: F401 - starts the benchmark clock (off unless GKSCORE_TIMINGS)
from .common import CONTEXT_SETTINGS


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="gkscore")
def main() -> None:
    """gkscore: score government openness evaluations (政务公开考评) exactly.

    Rule files declare the indicator tables; observation sheets hold what the
    evaluation team found; gkscore computes exact scores, ranks units within
    their class and writes the published tables and lost-point lists.

    Exit codes: 0 ok, 1 invalid rules or observations (or a partial result),
    2 usage error or unreadable file, 3 internal error (rerun with --debug).
    """


def _register() -> None:
    from . import rules_cmds

    for cmd in rules_cmds.COMMANDS:
        main.add_command(cmd)
    try:
        from . import obs_cmds
    except ImportError:  # pragma: no cover - during development only
        obs_cmds = None
    if obs_cmds is not None:
        for cmd in obs_cmds.COMMANDS:
            main.add_command(cmd)
    try:
        from . import score_cmds
    except ImportError:  # pragma: no cover - during development only
        score_cmds = None
    if score_cmds is not None:
        for cmd in score_cmds.COMMANDS:
            main.add_command(cmd)


_register()
