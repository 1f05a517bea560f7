"""The bare write floors: the content gkscore wrote, written again with nothing
but the library, timed around the writing only.

    python benchmarks/write_floors.py json GKSCORE_OUTPUT.json OUT

Each floor reads what gkscore wrote (not timed: reading is not writing) and
writes the same content with the bare library into OUT, unit by unit so that
100,000 units fit in memory as gkscore's own writers do.  It prints
``floor-seconds S`` (the writing alone, the figure the benchmark compares
with) and the number of values written.

json: the json module (``json.dumps(unit, indent=2, ensure_ascii=False)``,
the layout gkscore writes; numbers as floats, whose repr is the same text
for these figures).
"""

from __future__ import annotations

import json
import sys
import time


def _json_units(path: str):
    """The results document's units one at a time: after the line that opens
    ``"units"``, gkscore writes each unit from a line ``    {`` to a line
    ``    }`` (or ``    },``)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith('  "units": '):
                break
        buf: list[str] | None = None
        for line in fh:
            if buf is None:
                if line == "    {\n":
                    buf = [line]
                continue
            buf.append(line)
            if line in ("    }\n", "    },\n"):
                yield json.loads("".join(buf).rstrip().rstrip(","))
                buf = None


def json_floor(src: str, out: str) -> tuple[float, int]:
    spent, n = 0.0, 0
    with open(src, encoding="utf-8") as fh:
        head = json.loads(fh.read(1 << 16).split('"units": ', 1)[0].rstrip().rstrip(",") + "}")
    with open(out, "w", encoding="utf-8") as fh:
        t = time.perf_counter()
        fh.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "units": [')
        spent += time.perf_counter() - t
        first = True
        for unit in _json_units(src):
            t = time.perf_counter()
            fh.write(("\n" if first else ",\n") + json.dumps(unit, indent=2, ensure_ascii=False))
            spent += time.perf_counter() - t
            first = False
            n += 1
        t = time.perf_counter()
        fh.write("\n  ]\n}\n")
        spent += time.perf_counter() - t
    return spent, n


FLOORS = {"json": json_floor}


def main(argv: list[str]) -> int:
    kind, src, out = argv
    if kind not in FLOORS:
        raise SystemExit(f"unknown floor {kind!r}; one of {', '.join(FLOORS)}")
    spent, n = FLOORS[kind](src, out)
    print(f"floor-seconds {spent:.4f}")
    print(f"written {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
