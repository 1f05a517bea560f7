"""The csv template: long form, UTF-8 with a BOM (so Excel opens it), RFC 4180.

Text that a spreadsheet would take for a formula (starting with = + - @) is
written with a leading ``'``; the reader strips exactly that quote again.
"""

from __future__ import annotations

import csv
import io

from ..fsutil import atomic_path
from .layout import LONG_COLUMNS, inert_csv
from .template_rows import long_records


def csv_text(loaded_rules, units) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(LONG_COLUMNS)
    for _unit, _spec, rec in long_records(loaded_rules, units):
        w.writerow([inert_csv(str(rec[k])) for k in LONG_COLUMNS])
    return buf.getvalue()


def write_csv_template(loaded_rules, units, out_path: str) -> None:
    data = csv_text(loaded_rules, units).encode("utf-8-sig")
    with atomic_path(out_path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
