"""Safe output: temp file in the same folder, then an atomic rename.

An interrupted run never leaves a half-written report, and an output path that
is also an input is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from typing import IO, Iterable, Iterator

from .problems import Problem, ProblemsError


def refuse_overwriting_inputs(output: str, inputs: Iterable[str]) -> None:
    out = os.path.realpath(output)
    for path in inputs:
        if os.path.realpath(path) == out or (os.path.exists(output) and os.path.exists(path) and os.path.samefile(path, output)):
            raise ProblemsError(
                [Problem(file=output, code="output-is-input", message="the output path is one of the inputs; choose another file name")],
                exit_code=2,
            )


@contextlib.contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """Yield a temporary path beside ``path``; rename it into place on success."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise ProblemsError([Problem(file=path, code="no-folder", message=f"folder {folder} does not exist")], exit_code=2)
    base = os.path.basename(path)
    suffix = os.path.splitext(base)[1]
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
    for 100,000 units never has to exist as one string.  It is a temporary
    file beside ``path``, flushed to disk and renamed into place only when the
    block ends without error; on error it is removed and ``path`` is left as
    it was.  Newlines are written as given, never translated."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="", buffering=_STREAM_BUFFER) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())


@contextlib.contextmanager
def text_output(path: str | None) -> Iterator[IO[str]]:
    """Where a text report goes: ``path`` written atomically, or stdout (as the
    pieces come, so a pipe sees the first units while the last are scored)."""
    if path:
        with atomic_text_writer(path) as fh:
            yield fh
    else:
        yield sys.stdout
        sys.stdout.flush()
