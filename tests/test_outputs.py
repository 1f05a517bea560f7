"""Outputs never destroy or lie: only a regular file is replaced (through a
temporary file and a rename), a device, FIFO, /dev/stdout or /proc/self/fd/N
is written in place and ``-`` is stdout; a signal leaves no temporary file; a
failed write is one line and exit 2; a csv never starts a live formula; the
format follows the name of the output."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from test_obs_helpers import DEMO_RULES, DEMO_UNITS, demo_template, fill_csv, read_csv_rows, write_csv_rows

from gkscore.observations.layout import un_inert

COUNTY = str(ROOT / "examples" / "county_2020_filled.xlsx")
GKSCORE = [sys.executable, "-m", "gkscore"]
ENV = {**os.environ, "NO_COLOR": "1", "GKSCORE_LANG": "en"}


def _is_char_device(path: str) -> bool:
    return stat.S_ISCHR(os.stat(path).st_mode)


@contextmanager
def _device_kept(path: str, major: int, minor: int):
    """Fail if ``path`` stops being its character device, and put the device
    back (as root) so that a regression cannot leave the machine without it."""
    assert _is_char_device(path)
    try:
        yield
    finally:
        if not _is_char_device(path):
            os.unlink(path)
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
            os.chmod(path, 0o666)
            pytest.fail(f"{path} was replaced by a regular file")


def _stdout_json() -> str:
    res = run_cli("score", COUNTY, "--format", "json")
    assert res.exit_code == 0, res.stderr
    return res.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "md", "xlsx"])
def test_dev_null_stays_a_character_device(fmt):
    with _device_kept("/dev/null", 1, 3):
        res = run_cli("score", COUNTY, "--format", fmt, "-o", "/dev/null")
    assert res.exit_code == 0, res.stderr
    assert _is_char_device("/dev/null")


def test_a_character_device_of_ones_own_stays_one(tmp_path):
    """A null device made in the test's folder (only root may make one): it
    is written in place, and no temporary file is left beside it."""
    if os.geteuid() != 0:
        dev = "/dev/null"  # the only character device a user may write to
    else:
        dev = str(tmp_path / "null")
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    for fmt in ("json", "xlsx"):
        res = run_cli("score", COUNTY, "--format", fmt, "-o", dev)
        assert res.exit_code == 0, res.stderr
        assert _is_char_device(dev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if dev == "/dev/null" else ["null"])


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_a_fifo_is_written_in_place(tmp_path, fmt):
    fifo = tmp_path / f"report.{fmt}"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    res = run_cli("score", COUNTY, "--format", fmt, "-o", str(fifo))
    reader.join(60)
    assert res.exit_code == 0, res.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [fifo.name]
    if fmt == "json":
        assert got[0].decode("utf-8") == _stdout_json()
    else:
        assert got[0][:2] == b"PK"


def test_dash_is_stdout():
    res = run_cli("score", COUNTY, "--format", "json", "-o", "-")
    assert res.exit_code == 0
    assert res.stdout == _stdout_json()
    assert not Path("-").exists()
    xlsx = run_cli("score", COUNTY, "--format", "xlsx", "-o", "-")
    assert xlsx.exit_code == 0 and xlsx.stdout_bytes[:2] == b"PK"


def test_dev_stdout_and_proc_fd_are_written_in_place(tmp_path):
    out = subprocess.run([*GKSCORE, "score", COUNTY, "--format", "json", "-o", "/dev/stdout"], capture_output=True, env=ENV, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode("utf-8") == _stdout_json()
    # /proc/self/fd/N of a regular file: that very file (same inode) gets the report
    target = tmp_path / "held.json"
    target.write_text("old")
    inode = os.stat(target).st_ino
    with open(target, "r+b") as held:
        fd = held.fileno()
        res = subprocess.run([*GKSCORE, "score", COUNTY, "--format", "json", "-o", f"/proc/self/fd/{fd}"], capture_output=True, env=ENV, timeout=120, pass_fds=(fd,))
    assert res.returncode == 0, res.stderr
    assert os.stat(target).st_ino == inode
    assert target.read_text(encoding="utf-8") == _stdout_json()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["held.json"]


# ------------------------------------------------------------ failed writes


def _one_line_exit_2(returncode: int, stderr: str) -> None:
    assert returncode == 2, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "(cannot-write)" in lines[0] and "Traceback" not in stderr


def test_a_full_device_is_exit_2_and_stays_a_device():
    for fmt in ("json", "xlsx", "csv"):
        with _device_kept("/dev/full", 1, 7):
            res = run_cli("score", COUNTY, "--format", fmt, "-o", "/dev/full")
        _one_line_exit_2(res.exit_code, res.stderr)
        assert "/dev/full" in res.stderr


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_full_stdout_is_exit_2(fmt):
    with open("/dev/full", "wb") as full:
        res = subprocess.run([*GKSCORE, "score", COUNTY, "--format", fmt], stdout=full, stderr=subprocess.PIPE, env=ENV, timeout=120)
    _one_line_exit_2(res.returncode, res.stderr.decode("utf-8"))


@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
def test_a_closed_stdout_is_exit_2(fmt):
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write fails with EPIPE
    try:
        res = subprocess.run([*GKSCORE, "score", COUNTY, "--format", fmt], stdout=write_end, stderr=subprocess.PIPE, env=ENV, timeout=120)
    finally:
        os.close(write_end)
    _one_line_exit_2(res.returncode, res.stderr.decode("utf-8"))
    assert "closed" in res.stderr.decode("utf-8")


def test_a_folder_without_write_permission_is_exit_2(tmp_path, monkeypatch):
    import tempfile

    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)  # root writes anyway: then the refusal is simulated below
    else:

        def refused(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", kwargs.get("dir"))

        monkeypatch.setattr(tempfile, "mkstemp", refused)
    try:
        for fmt in ("json", "xlsx"):
            res = run_cli("score", COUNTY, "-o", str(folder / f"r.{fmt}"))
            _one_line_exit_2(res.exit_code, res.stderr)
            assert "permission" in res.stderr
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_disk_full_while_writing_a_file_keeps_the_old_one(tmp_path, monkeypatch):
    import gkscore.fsutil as fsutil

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "r.json"
    out.write_text("previous")
    monkeypatch.setattr(fsutil.os, "fsync", full)
    res = run_cli("score", COUNTY, "-o", str(out))
    _one_line_exit_2(res.exit_code, res.stderr)
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


# ------------------------------------------------------------ signals

# Started as from a terminal: every signal at its default (a background job
# of a script starts with SIGINT ignored, and Python then keeps it ignored).
_HOLD_AT_FSYNC = """
import os, signal, sys, time
for sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(sig, signal.SIG_DFL)
signal.signal(signal.SIGINT, signal.default_int_handler)
import gkscore.fsutil as fsutil
marker = sys.argv[1]
def hold(fd):
    open(marker, "w").close()  # the report is written, not yet renamed
    time.sleep(60)
fsutil.os.fsync = hold
from gkscore.cli import main
sys.argv = ["gkscore", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_during_an_export_leaves_no_temporary_file(tmp_path, signame):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "r.json"
    out.write_text("previous")
    marker = tmp_path / "writing"
    proc = subprocess.Popen([sys.executable, "-c", _HOLD_AT_FSYNC, str(marker), "score", COUNTY, "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    assert len(list(out_dir.iterdir())) == 2  # the report and its temporary file
    sig = getattr(signal, signame)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert b"Traceback" not in err
    assert [p.name for p in out_dir.iterdir()] == ["r.json"]
    assert out.read_text() == "previous"


def test_nohup_keeps_a_hangup_ignored(tmp_path):
    """Started with SIGHUP ignored (nohup), a hangup does not stop the export."""
    out = tmp_path / "r.json"
    script = _HOLD_AT_FSYNC.replace("signal.signal(sig, signal.SIG_DFL)", "signal.signal(sig, signal.SIG_IGN if sig == signal.SIGHUP else signal.SIG_DFL)")
    script = script.replace("time.sleep(60)", "time.sleep(2)")
    marker = tmp_path / "writing"
    proc = subprocess.Popen([sys.executable, "-c", script, str(marker), "score", COUNTY, "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGHUP)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out.read_text(encoding="utf-8"))["units"]


# ------------------------------------------------------------ csv

TRIGGERS = ("=", "+", "-", "@", "\t", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def test_csv_line_breaks_never_start_a_formula(tmp_path):
    """Evidence and scorer texts with bare CRs, CRLFs and LFs before formula
    characters: every field holding one is quoted, rows end with CRLF, and
    no line of any cell starts a formula."""
    obs = demo_template(tmp_path, "obs.csv")
    fill_csv(obs, 5)
    rows = read_csv_rows(obs)
    head = rows[0]
    nasty = ["见附件\r=1+1", "a\r\n+SUM(A1)\n@x", "\r-2", "=HYPERLINK(\"x\")\n\uff1d1"]
    for i, row in enumerate(r for r in rows[1:] if r):
        row[head.index("evidence")] = nasty[i % len(nasty)]
        row[head.index("scorer")] = "王五\r=cmd|' /C calc'!A0"
    write_csv_rows(obs, rows)
    res = run_cli("score", str(obs), "--rules", str(DEMO_RULES), "--units", str(DEMO_UNITS), "--format", "csv", "--detail")
    assert res.exit_code == 0, res.stderr
    text = res.stdout_bytes.decode("utf-8")  # .stdout would turn CRLF into LF
    assert "\r=" not in text and "\n=" not in text and "\n+" not in text and "\n@" not in text
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    units = {un_inert(r[head.index("unit")]) for r in rows[1:] if r}
    assert text.endswith("\r\n")
    for cell in (c for r in parsed for c in r):
        for line in re.split(r"\r\n|\r|\n", cell):
            assert not line.startswith(TRIGGERS), repr(cell)
    evid = parsed[0].index("evidence")
    shown = {r[evid] for r in parsed[1:]}
    assert "见附件\r'=1+1" in shown and "a\r\n'+SUM(A1)\n'@x" in shown
    # one record per unit and item: no text broke a row
    assert {r[1] for r in parsed[1:]} == {"'" + u if u.startswith("=") else u for u in units}
    assert all(len(r) == len(parsed[0]) for r in parsed)


def test_csv_rows_end_with_crlf():
    res = run_cli("score", COUNTY, "--format", "csv")
    assert res.exit_code == 0
    body = res.stdout_bytes.decode("utf-8")
    assert body.count("\r\n") == len(body.splitlines()) and "\n" not in body.replace("\r\n", "")


# ------------------------------------------------------------ format from the name


@pytest.mark.parametrize("name,magic", [("r.json", b"{"), ("r.csv", "\ufeffrules".encode()), ("r.md", b"## "), ("r.xlsx", b"PK"), ("r.txt", "  ".encode())])
def test_the_extension_chooses_the_format(tmp_path, name, magic):
    res = run_cli("score", COUNTY, "-o", str(tmp_path / name))
    assert res.exit_code == 0, res.stderr
    data = (tmp_path / name).read_bytes()
    assert data.startswith(magic) or (name == "r.txt" and "黄州区" in data.decode("utf-8")), data[:40]


@pytest.mark.parametrize("args", [["-o", "r.xls"], ["-o", "r.html"], ["--format", "json", "-o", "r.csv"], ["--format", "csv", "-o", "r.pdf"], ["--format", "xlsx", "-o", "r.txt"]])
def test_an_extension_no_format_writes_is_refused(tmp_path, args):
    args = [a if not a.startswith("r.") else str(tmp_path / a) for a in args]
    res = run_cli("score", COUNTY, *args)
    assert res.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_a_text_format_may_write_a_txt_file(tmp_path):
    res = run_cli("score", COUNTY, "--format", "json", "-o", str(tmp_path / "r.txt"))
    assert res.exit_code == 0
    assert json.loads((tmp_path / "r.txt").read_text(encoding="utf-8"))["units"]
