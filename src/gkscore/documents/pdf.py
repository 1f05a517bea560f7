"""PDF: the Word document converted by LibreOffice.

Chosen after measuring (docs/documents.md): converting the docx keeps one
layout for both files (what is printed from Word and what is published as
PDF are the same pages), LibreOffice embeds the fonts it uses as subsets with
their Unicode maps (text extracts and searches), and a PDF library would be a
second layout to keep in step.  Each conversion gets its own LibreOffice
profile (``-env:UserInstallation``), so parallel runs never share one, and
the profile maps the fonts the docx names (仿宋, 方正小标宋简体 …) to
installed Chinese fonts (``fonts.pdf_replacements``), so the PDF never falls
back to a font without Chinese glyphs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from ..i18n import N_, _
from ..problems import Problem, ProblemsError
from .fonts import pdf_replacements

TIMEOUT_S = 600
INSTALL = N_("apt-get install libreoffice-writer-nogui fonts-noto-cjk (Debian/Ubuntu); on Windows install LibreOffice, or save the docx as PDF in Word or WPS")


def soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
                 r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if os.path.exists(path):
            return path
    return None


def _missing(output: str, what: str) -> ProblemsError:
    message = _("writing a PDF needs {what}: {install}").format(what=what, install=_(INSTALL))
    return ProblemsError([Problem(file=output, code="no-pdf-converter", message=message)], exit_code=2)


def _profile(folder: str, replacements: dict[str, str]) -> str:
    """A fresh LibreOffice user profile with the font replacement table set."""
    user = os.path.join(folder, "profile", "user")
    os.makedirs(user)
    pairs = "".join(
        f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs"><node oor:name="_{i}" oor:op="replace">'
        f'<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
        f'<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(name)}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(sub)}</value></prop>'
        f"</node></item>"
        for i, (name, sub) in enumerate(sorted(replacements.items()))
    )
    xcu = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution"><prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>'
        f"{pairs}</oor:items>\n"
    )
    with open(os.path.join(user, "registrymodifications.xcu"), "w", encoding="utf-8") as fh:
        fh.write(xcu)
    return os.path.join(folder, "profile")


def check_converter(output: str) -> str:
    """The soffice to use, or a one-line install hint (exit 2) before any work is done."""
    exe = soffice()
    if exe is None:
        raise _missing(output, _("LibreOffice (soffice)"))
    pdf_replacements_for(output)
    return exe


def pdf_replacements_for(output: str) -> dict[str, str]:
    try:
        return pdf_replacements()
    except ProblemsError as exc:
        raise ProblemsError([Problem(file=output, code=p.code, message=p.message) for p in exc.problems], exit_code=2)


def docx_to_pdf(docx: bytes, output_file: str, *, exe: str | None = None, label: str = "通报") -> bytes:
    """The PDF of ``docx`` (bytes); ``output_file`` names the target in messages."""
    exe = exe or check_converter(output_file)
    replacements = pdf_replacements_for(output_file)
    with tempfile.TemporaryDirectory(prefix="gkscore-pdf-") as work:
        profile = _profile(work, replacements)
        src = os.path.join(work, f"{label}.docx")
        with open(src, "wb") as fh:
            fh.write(docx)
        cmd = [exe, "--headless", "--norestore", "--nologo", "--nolockcheck", f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", work, src]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ProblemsError([Problem(file=output_file, code="pdf-timeout", message=_("LibreOffice did not finish the PDF within {n} seconds").format(n=TIMEOUT_S))], exit_code=2)
        except OSError as exc:
            raise _missing(output_file, _("a LibreOffice that runs ({error})").format(error=exc.strerror or exc))
        pdf = os.path.join(work, f"{label}.pdf")
        if proc.returncode != 0 or not os.path.exists(pdf):
            detail = " ".join((proc.stderr or proc.stdout or "").split())[:300]
            raise ProblemsError([Problem(file=output_file, code="pdf-failed", message=_("LibreOffice could not convert to PDF (exit code {code}): {detail}; its Writer part may be missing: {install}").format(
                code=proc.returncode, detail=detail, install=_(INSTALL)))], exit_code=2)
        with open(pdf, "rb") as fh:
            return fh.read()
