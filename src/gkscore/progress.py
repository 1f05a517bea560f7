"""Progress of the long steps (reading, scoring, writing a report or a
template), as a bar on stderr.

The core says what it does with ``step(label, total)``, which gives an
``advance(n=1)`` to call as the work goes; it costs a counter and a clock
read per call.  Nothing is shown unless the command line turned a display on
(``shown_on_terminal``): then a step still running after ``SHOW_AFTER``
seconds (about two; ``GKSCORE_PROGRESS_AFTER`` overrides it) gets a rich
progress bar on stderr, which goes away when the step ends.  When stderr is
not a terminal (a pipe, a file, CI) nothing is ever written.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import os
import sys
import time

SHOW_AFTER = 2.0
REFRESH = 0.1  # seconds between updates of the bar

_display: contextvars.ContextVar = contextvars.ContextVar("gkscore_progress", default=None)


def _nothing(n: int = 1) -> None:
    return None


@contextlib.contextmanager
def step(label: str, total: int | None = None, *, size: bool = False):
    """A step of ``total`` pieces of work (None: not known); yields
    ``advance(n=1)``.  ``size``: the pieces are bytes (shown as MB), and the
    files read inside through ``open_counted`` advance it as they are read."""
    display = _display.get()
    if display is None:
        yield _nothing
        return
    with display.step(label, total, size) as advance:
        token = _bytes_step.set(advance) if size else None
        try:
            yield advance
        finally:
            if token is not None:
                _bytes_step.reset(token)


# the advance of the step counting bytes that the caller runs inside
_bytes_step: contextvars.ContextVar = contextvars.ContextVar("gkscore_bytes_step", default=None)


def open_counted(path: str):
    """``open(path, "rb")``, whose reads advance the step counting bytes
    (``step(size=True)``) when one is shown: a single large file then moves
    the bar as it is read.  Without a display it is the plain file."""
    advance = _bytes_step.get()
    if advance is None:
        return open(path, "rb")
    seen = _file_seen.get()
    if seen is not None:
        # a file read again (its header looked at first) counts once: never past its size
        def advance(n: int, _step=advance) -> None:
            n = min(n, seen[1] - seen[0])
            if n > 0:
                seen[0] += n
                _step(n)
    return _Counted(io.FileIO(path, "r"), advance)


_file_seen: contextvars.ContextVar = contextvars.ContextVar("gkscore_file_seen", default=None)


@contextlib.contextmanager
def reading_file(path: str):
    """Read ``path`` inside: on leaving, the step counting bytes is advanced
    by what of the file's size its reads through ``open_counted`` did not
    count (all of it for a reader that reads otherwise: an xlsx)."""
    advance = _bytes_step.get()
    if advance is None:
        yield
        return
    try:
        size = os.path.getsize(path)
    except (OSError, TypeError, ValueError):
        size = 0  # its reader says why it cannot be read
    seen = [0, size]  # bytes counted, the file's size
    token = _file_seen.set(seen)
    try:
        yield
    finally:
        _file_seen.reset(token)
        if size > seen[0]:
            advance(size - seen[0])


class _Counted(io.BufferedReader):
    """A buffered file that says how many bytes each read gave (a text
    wrapper reads it a chunk of some kilobytes at a time: a call per chunk)."""

    def __init__(self, raw, advance) -> None:
        super().__init__(raw)
        self._advance = advance

    def read1(self, size: int = -1) -> bytes:
        data = super().read1(size)
        self._advance(len(data))
        return data

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self._advance(len(data))
        return data

    def readinto(self, buffer) -> int:
        n = super().readinto(buffer)
        self._advance(n or 0)
        return n


def file_sizes(paths) -> int | None:
    """The bytes of ``paths`` together, the total of a step that reads them
    (None when one cannot be sized: its reader reports why)."""
    try:
        return sum(os.path.getsize(p) for p in paths)
    except (OSError, TypeError, ValueError):
        return None


class _Display:
    """rich's progress bar, started only once a step has run ``after`` seconds."""

    def __init__(self, stream, after: float) -> None:
        self.stream = stream
        self.after = after
        self.bar = None

    def _start_bar(self):
        if self.bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn

            class Done(ProgressColumn):
                """Units done of the total, or MB read of the total for a step counting bytes."""

                counted, sized = MofNCompleteColumn(), DownloadColumn()

                def render(self, task):
                    return (self.sized if task.fields.get("size") else self.counted).render(task)

            console = Console(file=self.stream, stderr=True)
            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), Done(), TimeElapsedColumn(),
                                console=console, transient=True)
            self.bar.start()
        return self.bar

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    @contextlib.contextmanager
    def step(self, label: str, total: int | None, size: bool = False):
        import threading

        lock = threading.Lock()
        state = {"done": 0, "next": time.monotonic() + self.after, "task": None}

        def show(now: float) -> None:
            with lock:
                bar = self._start_bar()
                if state["task"] is None:
                    state["task"] = bar.add_task(label, total=total, size=size)
                bar.update(state["task"], completed=state["done"])
                state["next"] = now + REFRESH

        def advance(n: int = 1) -> None:
            state["done"] += n
            now = time.monotonic()
            if now >= state["next"]:
                show(now)

        # a step that says nothing for a while (one large file being read)
        # still gets its bar, with the time it has run
        timer = threading.Timer(self.after, lambda: show(time.monotonic()))
        timer.daemon = True
        timer.start()
        try:
            yield advance
        finally:
            timer.cancel()
            with lock:
                if state["task"] is not None and self.bar is not None:
                    self.bar.remove_task(state["task"])


def wanted(stream=None) -> bool:
    """A bar only on a terminal, never under CI."""
    stream = stream if stream is not None else sys.stderr
    try:
        return stream.isatty() and not os.environ.get("CI")
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def shown_on_terminal(stream=None):
    """Show the steps run inside as a progress bar on ``stream`` (stderr)
    when it is a terminal; otherwise nothing."""
    stream = stream if stream is not None else sys.stderr
    if not wanted(stream):
        yield
        return
    try:
        after = float(os.environ.get("GKSCORE_PROGRESS_AFTER", SHOW_AFTER))
    except ValueError:
        after = SHOW_AFTER
    display = _Display(stream, after)
    token = _display.set(display)
    try:
        yield
    finally:
        _display.reset(token)
        display.stop()
