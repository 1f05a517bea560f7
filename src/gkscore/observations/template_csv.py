"""The csv template: long form, UTF-8 with a BOM (so Excel opens it), RFC 4180.

Text that a spreadsheet would take for a formula (starting with = + - @) is
written with a leading ``'``; the reader strips exactly that quote again.
A template made for some of the units (--class/--unit) records them in its
``rules`` column (``layout.rules_tag``).
"""

from __future__ import annotations

import csv

from ..fsutil import atomic_text_writer
from .layout import LONG_COLUMNS, inert_csv
from .template_rows import long_records


def write_csv_template(loaded_rules, units, out_path: str, scope=None) -> None:
    """Row by row into a temporary file renamed into place: a template for
    100,000 units is ~3 GB of csv, which must never be one string."""
    with atomic_text_writer(out_path) as fh:
        fh.write("\ufeff")  # the BOM (utf-8-sig), so Excel opens it as UTF-8
        w = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(LONG_COLUMNS)
        for _unit, _spec, rec in long_records(loaded_rules, units, scope):
            w.writerow([inert_csv(str(rec[k])) for k in LONG_COLUMNS])
