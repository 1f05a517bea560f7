"""LibreOffice headless recalculation for tests.

openpyxl never computes formulas; LibreOffice does, on load, for every formula
cell without a cached value (which is every cell openpyxl writes).  Converting
xlsx -> xlsx stores the computed values, which openpyxl then reads with
``data_only=True``.

LibreOffice is required: CI installs it (``.ci/run``), so a missing soffice is
a failure with a clear message, never a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TIMEOUT = 120


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"):
        if os.path.exists(path):
            return path
    pytest.fail(
        "LibreOffice (soffice) is required to recalculate the formula workbooks and was not found; "
        "install it (Debian/Ubuntu: apt-get install libreoffice-calc-nogui) - .ci/run does this in CI",
        pytrace=False,
    )


def recalc_many(paths: list[str | Path], outdir: str | Path | None = None) -> list[Path]:
    """Recalculate several workbooks in ONE LibreOffice start (each costs seconds).

    Returns the recalculated copies, in the same order.  Input base names must
    be unique; the copies are written to ``outdir`` (a new temporary folder by
    default), never over the inputs.
    """
    paths = [Path(p).resolve() for p in paths]
    names = [p.name for p in paths]
    assert len(set(names)) == len(names), f"recalc_many needs unique file names: {names}"
    out = Path(outdir) if outdir is not None else Path(tempfile.mkdtemp(prefix="gkscore-lo-out-"))
    out.mkdir(parents=True, exist_ok=True)
    assert all(p.parent != out.resolve() for p in paths), "outdir must differ from the inputs' folder"
    with tempfile.TemporaryDirectory(prefix="gkscore-lo-profile-") as profile:
        cmd = [
            soffice(),
            "--headless",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation=file://{profile}/profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, paths),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"LibreOffice did not finish within {TIMEOUT} s: {' '.join(cmd)}", pytrace=False)
    results = [out / p.name for p in paths]
    missing = [str(r) for r in results if not r.exists()]
    if proc.returncode != 0 or missing:
        pytest.fail(
            f"LibreOffice conversion failed (exit {proc.returncode}; missing {missing})\n"
            f"stdout: {proc.stdout}\nstderr: {proc.stderr}",
            pytrace=False,
        )
    return results


def recalc(path: str | Path) -> Path:
    """Recalculate one workbook; returns the path of the recalculated copy."""
    return recalc_many([path])[0]


def computed(path: str | Path):
    """The recalculated workbook opened for its computed values."""
    import openpyxl

    return openpyxl.load_workbook(path, data_only=True)
