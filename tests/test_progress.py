"""The progress bar: on stderr when it is a terminal, for a step that runs
long enough; nothing at all otherwise (a pipe, a file, CI)."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from gkscore import progress
from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "county_2020_filled.xlsx")


def test_steps_cost_nothing_and_show_nothing_without_a_display():
    with progress.step("work", 3) as advance:
        for _ in range(3):
            assert advance() is None


def test_not_a_terminal_nothing_is_written(monkeypatch):
    monkeypatch.setenv("GKSCORE_PROGRESS_AFTER", "0")
    monkeypatch.delenv("CI", raising=False)
    stream = io.StringIO()
    with progress.shown_on_terminal(stream):
        with progress.step("work", 3) as advance:
            advance()
            time.sleep(0.2)
            advance(2)
    assert stream.getvalue() == ""


def test_the_score_command_says_nothing_but_its_result_on_a_pipe(tmp_path, monkeypatch):
    monkeypatch.setenv("GKSCORE_PROGRESS_AFTER", "0")
    r = run_cli("score", EXAMPLE, "--format", "json", "-o", str(tmp_path / "r.json"))
    assert r.exit_code == 0
    assert "━" not in r.stderr and "scoring" not in r.stderr and r.stderr.startswith("wrote ")


def _on_a_terminal(args: list[str], env: dict) -> tuple[int, str]:
    """Run gkscore with its stderr on a pseudo-terminal; what it showed there."""
    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "gkscore", *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif p.poll() is not None:
            break
    p.wait()
    os.close(master)
    return p.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_on_a_terminal_the_steps_are_shown(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GKSCORE_TIMINGS")}
    env.update(GKSCORE_PROGRESS_AFTER="0", GKSCORE_LANG="en", COLUMNS="100")
    rc, shown = _on_a_terminal(["score", EXAMPLE, "--format", "json", "-o", str(tmp_path / "r.json")], env)
    assert rc == 0
    assert "scoring" in shown and "writing json" in shown
    # the bar's line: its spinner and the work done of the total (the bar
    # itself is drawn in colour, which this pseudo-terminal does not get)
    assert re.search(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] scoring +.*\d+/10 ", shown)
    # under CI nothing is shown even on a terminal
    rc, shown = _on_a_terminal(["score", EXAMPLE, "--format", "json", "-o", str(tmp_path / "r2.json")], {**env, "CI": "1"})
    assert rc == 0 and "scoring" not in shown and "━" not in shown


def test_a_step_is_shown_only_after_it_has_run_a_while(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GKSCORE_TIMINGS")}
    env.update(GKSCORE_PROGRESS_AFTER="60", GKSCORE_LANG="en")
    rc, shown = _on_a_terminal(["score", EXAMPLE, "--format", "json", "-o", str(tmp_path / "r.json")], env)
    assert rc == 0 and "scoring" not in shown and "━" not in shown


class _Recording:
    """A display that records each step's label, total and advances."""

    def __init__(self) -> None:
        self.steps: list[dict] = []

    def step(self, label, total, size=False):
        import contextlib

        rec = {"label": label, "total": total, "size": size, "advances": []}
        self.steps.append(rec)

        @contextlib.contextmanager
        def cm():
            yield lambda n=1: rec["advances"].append(n)

        return cm()


def test_reading_counts_the_bytes_of_every_file_once(tmp_path):
    """The reading step's total is the files' bytes; a csv advances it chunk
    by chunk as it is read (one large file moves the bar), an xlsx by its
    size once read; together they come to the total exactly."""
    from gkscore.pipeline import Options, run

    big = tmp_path / "big.csv"
    write_obs = run_cli("template", "county_2020", "--format", "csv", "-o", str(big))
    assert write_obs.exit_code == 0
    display = _Recording()
    token = progress._display.set(display)
    try:
        run(Options(observations=[str(big), EXAMPLE], units=None, partial=True))
    finally:
        progress._display.reset(token)
    (reading,) = [s for s in display.steps if s["size"]]
    total = big.stat().st_size + Path(EXAMPLE).stat().st_size
    assert reading["total"] == total
    assert sum(reading["advances"]) == total
    # the csv in several pieces before the xlsx's one
    assert len(reading["advances"]) > 2 and reading["advances"][-1] == Path(EXAMPLE).stat().st_size


def test_on_a_terminal_reading_shows_megabytes(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GKSCORE_TIMINGS")}
    env.update(GKSCORE_PROGRESS_AFTER="0", GKSCORE_LANG="zh", COLUMNS="100")
    rc, shown = _on_a_terminal(["score", EXAMPLE, "--format", "json", "-o", str(tmp_path / "r.json")], env)
    assert rc == 0
    # the example is 141.4 kB: bytes read of the files' size, in kB or MB as it is large
    assert "正在读取观测记录" in shown and re.search(r"\d/\d+(\.\d)? [kM]B", shown)
