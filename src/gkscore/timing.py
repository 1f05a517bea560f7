"""Phase timings for the benchmark (``benchmarks/run.py``).

Off unless the environment variable ``GKSCORE_TIMINGS`` is set; then each
``mark(name)`` charges the wall time and the CPU time since the previous
mark to ``name`` and ``report()`` writes two lines, ``gkscore-timings
{json}`` (wall seconds) and ``gkscore-cpu-timings {json}`` (CPU seconds of
this process: on a shared machine the wall clock also counts other
processes' turns), to stderr at exit.  Costs one dictionary lookup per mark
when off.
"""

from __future__ import annotations

import os
import sys
import time

_on = bool(os.environ.get("GKSCORE_TIMINGS"))
_last = time.perf_counter()
_last_cpu = time.process_time()
_phases: dict[str, float] = {}
_cpu: dict[str, float] = {}


def mark(name: str) -> None:
    global _last, _last_cpu
    if not _on:
        return
    now, cpu = time.perf_counter(), time.process_time()
    _phases[name] = _phases.get(name, 0.0) + (now - _last)
    _cpu[name] = _cpu.get(name, 0.0) + (cpu - _last_cpu)
    _last, _last_cpu = now, cpu


def report() -> None:
    if not _on or not _phases:
        return
    import json

    sys.stderr.write("gkscore-timings " + json.dumps({k: round(v, 4) for k, v in _phases.items()}) + "\n")
    sys.stderr.write("gkscore-cpu-timings " + json.dumps({k: round(v, 4) for k, v in _cpu.items()}) + "\n")
    sys.stderr.flush()


class gc_paused:
    """Pause the cyclic garbage collector while millions of small, acyclic
    objects (rows, positions, observations) are built: each full collection
    walks every live object, which made reading 10k units several times
    slower.  Nothing gkscore builds relies on cycle collection; reference
    counting frees it as usual.  Nested uses are fine."""

    def __enter__(self):
        import gc

        self._was = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc):
        import gc

        if self._was:
            gc.enable()
        return False
