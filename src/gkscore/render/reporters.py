"""The reporters, by format: each writes a scoring run to an output with one
call, ``write(run, out, options)``.

``run`` is a ``pipeline.Run`` (``results`` ranked, ``rules``, ``adjustments``,
``missing_units``, ``detail(u)`` for one unit's items at a time): every
reporter receives the same run, adjustments included.  ``out`` is a path, or
None or ``-`` for standard output; a path is written through ``fsutil``
(a regular file atomically, a device or FIFO in place).  ``options`` are the
``ReportOptions`` the command line parsed.

A reporter declares the file name extensions it writes (``-o 通报.pdf``
chooses the pdf reporter), whether it needs a named output (a binary file is
not written to a terminal), whether it shows the evidence and scorer texts
(the run keeps them only then), and may check its output before anything is
scored (a missing PDF converter is said at once).  Adding a format is one
module with a reporter and one line in ``REPORTERS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Callable

from ..fsutil import STDOUT, text_output


@dataclass(frozen=True)
class ReportOptions:
    decimals: int = 2
    detail: bool = False  # csv, md: one row (line) per unit and item
    formulas: bool = False  # xlsx: every score a live formula
    notice: str | None = None  # docx, pdf: the notice file
    chart_style: str = "bar"  # docx, pdf: bar or dot charts
    bom: bool | None = None  # csv: a byte-order mark; None: in a named file, not on stdout


def named(out: str | None) -> bool:
    """A named output (a file or a device), not standard output."""
    return bool(out) and out != STDOUT


class Reporter:
    """A format: ``write(run, out, options)``."""

    name = ""
    extensions: tuple[str, ...] = ()
    needs_file = False  # a binary file: -o is required
    text = True  # the file is text (a .txt may hold it)
    uses_notice = False  # reads the notice file (--notice)

    def shows_texts(self, options: ReportOptions) -> bool:
        """Whether the report shows evidence and scorer texts."""
        return False

    def check(self, out: str | None, options: ReportOptions) -> None:
        """Refuse before scoring what cannot be written (a ProblemsError)."""

    def write(self, run, out: str | None, options: ReportOptions) -> None:
        raise NotImplementedError


class TextReporter(Reporter):
    """A text report streamed to its output piece by piece (``stream``), so
    a report for 100,000 units never exists whole."""

    def write(self, run, out: str | None, options: ReportOptions) -> None:
        with text_output(out) as fh:
            self.stream(run, fh, options, to_file=named(out))

    def stream(self, run, fh: IO[str], options: ReportOptions, *, to_file: bool = False) -> None:
        raise NotImplementedError


# ------------------------------------------------------------ the formats
# Each reporter imports its module when it writes: choosing a format from a
# name costs nothing, and `gkscore --help` stays fast.


class TableReporter(TextReporter):
    """The terminal table (rich), one per rank group; ``-o x.txt`` keeps it."""

    name = "table"
    extensions = (".txt",)

    def stream(self, run, fh, options, *, to_file=False):
        from .terminal import write_table

        write_table(run, fh, options, to_file=to_file)


class JsonReporter(TextReporter):
    """The results JSON (schema/results.schema.json), every unit with its items."""

    name = "json"
    extensions = (".json",)

    def shows_texts(self, options):
        return True

    def stream(self, run, fh, options, *, to_file=False):
        from .json_report import write_json

        write_json(run, fh, options)


class CsvReporter(TextReporter):
    """One row per unit, or (--detail) per unit and item."""

    name = "csv"
    extensions = (".csv",)

    def shows_texts(self, options):
        return options.detail

    def stream(self, run, fh, options, *, to_file=False):
        from .csv_report import write_csv

        # a file gkscore opened is UTF-8 without newline translation: its
        # bytes can be written directly (stdout may be neither)
        raw = getattr(fh, "buffer", None) if to_file and getattr(fh, "encoding", "").lower() == "utf-8" else None
        write_csv(run, fh, options, bom=to_file if options.bom is None else options.bom, raw=raw)


class MdReporter(TextReporter):
    """Markdown tables per rank group; (--detail) each unit's lost points."""

    name = "md"
    extensions = (".md", ".markdown")

    def stream(self, run, fh, options, *, to_file=False):
        from .md_report import write_md

        write_md(run, fh, options)


class XlsxReporter(Reporter):
    """The results workbook, or (--formulas) the workbook of live formulas."""

    name = "xlsx"
    extensions = (".xlsx",)
    needs_file = True
    text = False
    uses_notice = True  # the title of 汇总

    def shows_texts(self, options):
        return True

    def write(self, run, out, options):
        if options.formulas:
            from .xlsx_formulas import write_formula_workbook

            write_formula_workbook(run, out)
        else:
            from .xlsx_report import write_workbook

            write_workbook(run, out, options)


class DocxReporter(Reporter):
    """The 通报 as a Word document (gkscore.documents)."""

    name = "docx"
    extensions = (".docx",)
    needs_file = True
    text = False
    uses_notice = True

    def write(self, run, out, options):
        from ..documents.api import write_notice_docx

        write_notice_docx(run, out, _document_options(options))


class PdfReporter(DocxReporter):
    """The 通报 as a PDF: the Word document converted by LibreOffice."""

    name = "pdf"
    extensions = (".pdf",)

    def check(self, out, options):
        from ..documents.api import check_pdf_route

        check_pdf_route(out)

    def write(self, run, out, options):
        from ..documents.api import write_notice_pdf

        write_notice_pdf(run, out, _document_options(options))


def _document_options(options: ReportOptions):
    from ..documents.api import DocumentOptions

    return DocumentOptions(decimals=options.decimals, notice=options.notice, chart_style=options.chart_style)


REPORTERS: dict[str, Reporter] = {r.name: r for r in (TableReporter(), JsonReporter(), CsvReporter(), MdReporter(), XlsxReporter(), DocxReporter(), PdfReporter())}


def reporter(name: str) -> Reporter:
    return REPORTERS[name]


def by_extension(ext: str) -> Reporter | None:
    """The reporter that writes files named ``*ext`` (``.pdf``), or None."""
    ext = ext.lower()
    return next((r for r in REPORTERS.values() if ext in r.extensions), None)
