"""Shared CLI plumbing: problem printing, exit codes, the --debug switch."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sys
from typing import Callable, Iterable

import click

from ..i18n import _, ngettext

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


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C, so that every output
    being written removes its temporary file on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum, _frame):
    raise Terminated(signum)


@contextlib.contextmanager
def _terminate_by_unwinding():
    """SIGTERM and SIGHUP raise ``Terminated`` while a command runs (their
    default is to end the process at once, leaving a .tmp file beside the
    output); the previous handlers come back afterwards.  A signal the
    process was started ignoring (``nohup``) is left ignored."""
    import signal
    import threading

    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be set from the main thread
        return
    previous = {}
    for name in names:
        sig = getattr(signal, name)
        if signal.getsignal(sig) is signal.SIG_DFL:  # an ignored one (nohup) stays ignored
            previous[sig] = signal.signal(sig, _raise_terminated)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# A write to standard output that failed: its reader left, or it is full.
STDOUT_ERRNOS = (errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _output_failed(exc: OSError) -> None:
    """Standard output closed (a pipe whose reader left) or full: one line, exit 2."""
    from ..fsutil import silence_stdout, write_problem

    silence_stdout()
    print_problems(write_problem(None, exc).problems)
    sys.exit(EXIT_USAGE)


def guarded(fn: Callable) -> Callable:
    """Run a command body; turn ProblemsError into messages and exit codes.

    Never a traceback for bad input; an unexpected exception is a bug (exit 3)
    with a one-line hint, and its traceback only with --debug.  A standard
    output that is closed or full is exit 2 with one line; SIGTERM and SIGHUP
    unwind like Ctrl-C (exit 128 + the signal's number).
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        debug = kwargs.get("debug", False) or bool(os.environ.get("GKSCORE_DEBUG"))
        from ..problems import ProblemsError

        try:
            with _terminate_by_unwinding():
                code = fn(*args, **kwargs)
                sys.stdout.flush()  # a full stdout fails here, not at exit
        except ProblemsError as exc:
            print_problems(exc.problems)
            n = len(exc.problems)
            if n > 1:
                click.echo(ngettext("{n} problem found", "{n} problems found", n).format(n=n), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(_("interrupted"), err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Terminated as exc:
            click.echo(_("terminated by signal {number}").format(number=exc.signum), err=True)
            sys.exit(128 + exc.signum)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except MemoryError:
            click.echo(_("gkscore: out of memory; the input is too large for this computer"), err=True)
            sys.exit(EXIT_USAGE)
        except OSError as exc:
            if debug:
                raise
            if exc.filename is None and exc.errno in STDOUT_ERRNOS:
                _output_failed(exc)
            _internal(exc)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if debug:
                raise
            _internal(exc)
        sys.exit(code or 0)

    return wrapper


def _internal(exc: BaseException) -> None:
    message = _("gkscore: internal error: {error} (rerun with --debug for the details, and send them to whoever maintains gkscore)")
    click.echo(message.format(error=f"{type(exc).__name__}: {exc}"), err=True)
    sys.exit(EXIT_BUG)
