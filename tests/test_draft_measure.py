"""The recognition figures printed in docs/draft.md are the ones measured:
the share of Annex 2/3 items the draft reads without a 待核 note, and of
those, how many score exactly as the hand encoding (tests/draft_measure.py)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from draft_measure import measure

DOC = ROOT / "docs" / "draft.md"
ROWS = {2: "附件2", 3: "附件3"}


def documented(label: str) -> list[int]:
    line = next(l for l in DOC.read_text(encoding="utf-8").splitlines() if l.startswith(f"| {label}"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    return [int(re.match(r"\d+", c).group()) for c in cells[1:5]]


@pytest.mark.parametrize("n", [2, 3])
def test_documented_shares_are_measured(tmp_path, n):
    m = measure(n, tmp_path)
    assert documented(ROWS[n]) == [m.items, m.recognised, m.corresponding, m.identical], m
    line = next(l for l in DOC.read_text(encoding="utf-8").splitlines() if l.startswith(f"| {ROWS[n]}"))
    pct = lambda a, b: f"{a * 100 / b:.1f}".rstrip("0").rstrip(".")  # noqa: E731 - as the doc writes them
    for a, b in ((m.recognised, m.items), (m.identical, m.corresponding), (m.identical, m.recognised)):
        assert f"{pct(a, b)}%" in line, (a, b, line)
    # every recognised item whose fields match the hand item's either scores the same, or is named in the doc
    text = DOC.read_text(encoding="utf-8")
    for item in m.differing:
        assert item.split()[1].strip("()") in text, item
    assert m.compared > 1000  # real comparisons: every unit, the examples and the random rounds
