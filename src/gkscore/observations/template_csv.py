"""The csv template: long form, UTF-8 with a BOM (so Excel opens it), RFC 4180,
its header in the active language (``csv_header``; the reader takes either).

Text that a spreadsheet would take for a formula (starting with = + - @) is
written with a leading ``'``; the reader strips exactly that quote again.
A template made for some of the units (--class/--unit) records them in its
``rules`` column (``layout.rules_tag``).
"""

from __future__ import annotations

import csv
import io

from ..fsutil import atomic_text_writer
from ..i18n import _, language
from ..progress import step
from .layout import LONG_COLUMNS, header_text, inert_csv, rules_tag
from .template_rows import class_label, long_record, unit_specs

# the columns a unit's rows share (unit, class) and those of the field
_UNIT_COLUMNS = LONG_COLUMNS[:2]
_FIELD_COLUMNS = LONG_COLUMNS[2:]


class _Line:
    """One csv line from cells, as ``csv.writer`` writes it."""

    def __init__(self) -> None:
        self._buf = io.StringIO()
        self._writer = csv.writer(self._buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def __call__(self, cells: list[str]) -> str:
        self._buf.seek(0)
        self._buf.truncate()
        self._writer.writerow(cells)
        return self._buf.getvalue()


def csv_header() -> list[str]:
    """The csv header: the Chinese names in Chinese (单位, 填写值 ...), the
    column keys in English (unit, value ...), as scripts and the docs name
    them; the reader takes either, and the xlsx headers' English names."""
    return [header_text(k) for k in LONG_COLUMNS] if language() == "zh" else list(LONG_COLUMNS)


def write_csv_template(loaded_rules, units, out_path: str, scope=None) -> None:
    """Unit by unit into a temporary file renamed into place: a template for
    100,000 units is ~3 GB of csv, which must never be one string.

    A row is its unit's cells and its field's cells; quoting is per cell, so
    the field's part of the line is made once per class and field and every
    unit's row is the unit's part followed by it."""
    tag = rules_tag(loaded_rules.ruleset.id, loaded_rules.sha256, scope)
    line = _Line()
    field_parts: dict[tuple, str] = {}
    with atomic_text_writer(out_path) as fh, step(_("writing the template"), len(units)) as advance:
        fh.write("\ufeff")  # the BOM (utf-8-sig), so Excel opens it as UTF-8
        fh.write(line(csv_header()))
        rs = loaded_rules.ruleset
        for unit, specs in unit_specs(loaded_rules, units):
            advance()
            rows = []
            head = None
            for spec in specs:
                key = (unit.cls, spec.owner, spec.field_id, spec.asked_when)
                part = field_parts.get(key)
                if part is None or head is None:
                    rec = long_record(tag, unit, spec, class_label(rs, unit.cls))
                    if head is None:
                        head = line([inert_csv(str(rec[k])) for k in _UNIT_COLUMNS])[: -len("\r\n")] + ","
                    if part is None:
                        part = field_parts[key] = line([inert_csv(str(rec[k])) for k in _FIELD_COLUMNS])
                rows.append(head + part)
            fh.write("".join(rows))
