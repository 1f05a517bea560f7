"""Safe output: a regular file is written to a temporary file beside it and
renamed into place; anything else is written in place.

An interrupted run never leaves a half-written report, and an output path
that is also an input is refused before anything is written.  Only a
regular file (or a path where nothing exists yet) is replaced: standard
output (``-``), a character device such as /dev/null, a FIFO, /dev/stdout
or /proc/self/fd/N is opened and written as it is, never replaced by a file
(as root, a rename over /dev/null would destroy the machine's /dev/null).

A write that fails (no permission, a full disk, a closed pipe) is a
``cannot-write`` Problem (exit 2) naming the output and what to do, never a
traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import tempfile
from typing import IO, Iterable, Iterator

from .i18n import _
from .problems import Problem, ProblemsError

STDOUT = "-"

# Errors that say the output cannot take what is written, and what to do.
_WRITE_ERRORS = {
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.EROFS: "read-only",
    errno.ENOSPC: "full",
    errno.EDQUOT: "full",
    errno.EFBIG: "full",
    errno.EPIPE: "closed",
    errno.EIO: "io",
    errno.EISDIR: "folder",
}


def is_write_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _WRITE_ERRORS


def write_problem(path: str | None, exc: OSError) -> ProblemsError:
    """The one-line Problem (exit 2) for an output that could not be written."""
    kind = _WRITE_ERRORS.get(exc.errno or 0, "")
    if kind == "permission":
        message = _("no permission to write here; choose a folder you may write to")
    elif kind == "read-only":
        message = _("the disk is read-only; choose another folder")
    elif kind == "full":
        message = _("the disk is full; free some space or write to another disk")
    elif kind == "closed":
        message = _("the output was closed before the report was complete")
    elif kind == "folder":
        message = _("this is a folder; give the name of a file to write")
    else:
        message = _("cannot write: {reason}").format(reason=exc.strerror or exc)
    where = _("standard output") if path in (None, STDOUT) else path
    return ProblemsError([Problem(file=where, code="cannot-write", message=message)], exit_code=2)


def silence_stdout() -> None:
    """Point standard output at the null device once it has failed, so that
    the interpreter's last flush of what is still buffered cannot fail again
    (a second message, exit 120)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test's capture)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


def writes_in_place(path: str) -> bool:
    """True when ``path`` is not a regular file to replace: standard output
    (``-``), a device, a FIFO or socket (also through a symbolic link), or a
    path under /dev or /proc (/dev/stdout, /proc/self/fd/N), whatever they
    point to."""
    if path == STDOUT:
        return True
    if os.name == "posix" and os.path.abspath(path).startswith(("/dev/", "/proc/")):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # nothing there yet: a new regular file
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def refuse_overwriting_inputs(output: str, inputs: Iterable[str]) -> None:
    if output == STDOUT:
        return
    out = os.path.realpath(output)
    for path in inputs:
        if os.path.realpath(path) == out or (os.path.exists(output) and os.path.exists(path) and os.path.samefile(path, output)):
            raise ProblemsError(
                [Problem(file=output, code="output-is-input", message=_("the output path is one of the inputs; choose another file name"))],
                exit_code=2,
            )


@contextlib.contextmanager
def _write_errors(path: str | None) -> Iterator[None]:
    """A failed write in the block becomes the ``cannot-write`` Problem."""
    try:
        yield
    except OSError as exc:
        if not is_write_error(exc):
            raise
        if path in (None, STDOUT):
            silence_stdout()
        raise write_problem(path, exc) from None


@contextlib.contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """Yield a temporary path to write a whole file into.  For a regular
    file it lies beside ``path`` and is renamed into place on success; for
    an output written in place (``writes_in_place``) it lies in the system's
    temporary folder and is copied into the output on success.  On error the
    temporary file is removed and ``path`` is left as it was."""
    if writes_in_place(path):
        with _write_errors(path):
            fd, tmp = tempfile.mkstemp(suffix=".tmp" + os.path.splitext(path)[1])
            os.close(fd)
            try:
                yield tmp
                with open(tmp, "rb") as src:
                    if path == STDOUT:
                        sys.stdout.flush()
                        shutil.copyfileobj(src, sys.stdout.buffer, 1 << 20)
                        sys.stdout.buffer.flush()
                    else:
                        with open(path, "wb") as dst:
                            shutil.copyfileobj(src, dst, 1 << 20)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        return
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise ProblemsError([Problem(file=path, code="no-folder", message=_("the folder {folder} does not exist; create it first, or write to a folder that exists").format(folder=folder))], exit_code=2)
    base = os.path.basename(path)
    suffix = os.path.splitext(base)[1]
    with _write_errors(path):
        fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=f".tmp{suffix}", dir=folder)
        os.close(fd)
        # mkstemp creates 0600; a report is an ordinary file, so honour the umask.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            yield tmp
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def write_bytes_atomic(path: str, data: bytes) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def write_text_atomic(path: str, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


# Large enough that a report written piece by piece reaches the disk in few
# system calls; small enough to be nothing beside the scoring data.
_STREAM_BUFFER = 1 << 20


@contextlib.contextmanager
def atomic_text_writer(path: str) -> Iterator[IO[str]]:
    """A UTF-8 text file to write a report into piece by piece, so a report
    for 100,000 units never has to exist as one string.  For a regular file
    it is a temporary file beside ``path``, flushed to disk and renamed into
    place only when the block ends without error; on error it is removed and
    ``path`` is left as it was.  An output written in place (a device, a
    FIFO, standard output) gets the pieces as they come.  Newlines are
    written as given, never translated."""
    if writes_in_place(path):
        with text_output(path) as fh:
            yield fh
        return
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="", buffering=_STREAM_BUFFER) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())


@contextlib.contextmanager
def text_output(path: str | None) -> Iterator[IO[str]]:
    """Where a text report goes: ``path`` written atomically, or stdout
    (``None`` or ``-``: as the pieces come, so a pipe sees the first units
    while the last are scored), or a device or FIFO written in place."""
    if path in (None, STDOUT):
        with _write_errors(STDOUT):
            yield sys.stdout
            sys.stdout.flush()
    elif writes_in_place(path):
        with _write_errors(path):
            with open(path, "w", encoding="utf-8", newline="", buffering=_STREAM_BUFFER) as fh:
                yield fh
    else:
        with atomic_text_writer(path) as fh:
            yield fh
