"""Shared CLI plumbing: problem printing, exit codes, the --debug switch."""

from __future__ import annotations

import functools
import os
import sys
from typing import Callable, Iterable

import click

from ..i18n import _

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


def debug_option(fn: Callable) -> Callable:
    return click.option("--debug", is_flag=True, help=_("Show a traceback for internal errors."))(fn)


def print_problems(problems: Iterable, stream=None) -> None:
    stream = stream or sys.stderr
    for p in problems:
        # one line per problem, whatever the message quotes from the input
        stream.write(p.format().replace("\r", "\\r").replace("\n", "\\n") + "\n")


def guarded(fn: Callable) -> Callable:
    """Run a command body; turn ProblemsError into messages and exit codes.

    Never a traceback for bad input; an unexpected exception is a bug (exit 3)
    with a one-line hint, and its traceback only with --debug.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        debug = kwargs.get("debug", False) or bool(os.environ.get("GKSCORE_DEBUG"))
        from ..problems import ProblemsError

        try:
            code = fn(*args, **kwargs)
        except ProblemsError as exc:
            print_problems(exc.problems)
            n = len(exc.problems)
            if n > 1:
                click.echo(f"{n} problems found", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            # Output piped into `head` and closed: not an error of ours.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(141)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except MemoryError:
            click.echo("gkscore: out of memory; the input is too large", err=True)
            sys.exit(EXIT_USAGE)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if debug:
                raise
            click.echo(f"gkscore: internal error: {type(exc).__name__}: {exc} (rerun with --debug for a traceback)", err=True)
            sys.exit(EXIT_BUG)
        sys.exit(code or 0)

    return wrapper
