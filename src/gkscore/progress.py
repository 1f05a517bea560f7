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
import os
import sys
import time

SHOW_AFTER = 2.0
REFRESH = 0.1  # seconds between updates of the bar

_display: contextvars.ContextVar = contextvars.ContextVar("gkscore_progress", default=None)


def _nothing(n: int = 1) -> None:
    return None


@contextlib.contextmanager
def step(label: str, total: int | None = None):
    """A step of ``total`` pieces of work (None: not known); yields
    ``advance(n=1)``."""
    display = _display.get()
    if display is None:
        yield _nothing
        return
    with display.step(label, total) as advance:
        yield advance


class _Display:
    """rich's progress bar, started only once a step has run ``after`` seconds."""

    def __init__(self, stream, after: float) -> None:
        self.stream = stream
        self.after = after
        self.bar = None

    def _start_bar(self):
        if self.bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            console = Console(file=self.stream, stderr=True)
            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                console=console, transient=True)
            self.bar.start()
        return self.bar

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    @contextlib.contextmanager
    def step(self, label: str, total: int | None):
        import threading

        lock = threading.Lock()
        state = {"done": 0, "next": time.monotonic() + self.after, "task": None}

        def show(now: float) -> None:
            with lock:
                bar = self._start_bar()
                if state["task"] is None:
                    state["task"] = bar.add_task(label, total=total)
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
