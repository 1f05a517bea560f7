"""docs/performance.md is what benchmarks/run.py renders from the committed
benchmarks/results.json: neither is edited by hand, and the renderer runs
(a broken report function would otherwise surface only after an hour-long
benchmark)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_performance_doc_is_rendered_from_the_results_file():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    res = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    assert (ROOT / "docs" / "performance.md").read_text(encoding="utf-8") == run.render(res)
    # and every stated target is there, with its verdict
    lines = run.targets(res)
    assert any(ln.startswith("xlsx long, 100,000 units") for ln in lines)
    assert any(ln.startswith("peak memory, 100,000 units xlsx summary") for ln in lines)
