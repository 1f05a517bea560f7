"""The bare floors: one pass over every cell of the given files, nothing else.

    python benchmarks/floors.py csv|calamine|openpyxl FILE...

csv: the csv module over the decoded text; calamine: python-calamine's
``to_python`` of every sheet; openpyxl: ``load_workbook(read_only=True,
data_only=True)`` and ``iter_rows(values_only=True)`` over every sheet.
Prints the number of cells seen.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    kind, files = argv[0], argv[1:]
    n = 0
    for f in files:
        if kind == "csv":
            import csv

            with open(f, encoding="utf-8-sig", newline="") as fh:
                for row in csv.reader(fh):
                    n += len(row)
        elif kind == "calamine":
            import python_calamine as pc

            wb = pc.CalamineWorkbook.from_path(f)
            for name in wb.sheet_names:
                for row in wb.get_sheet_by_name(name).to_python():
                    n += len(row)
            wb.close()
        elif kind == "openpyxl":
            from openpyxl import load_workbook

            wb = load_workbook(f, read_only=True, data_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True):
                    n += len(row)
            wb.close()
        else:
            raise SystemExit(f"unknown floor {kind!r}")
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
