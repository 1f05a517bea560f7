"""The summary-mode lean scorer (scoring_lean) gives exactly the figures of
the full item scorer: same sections, totals, grades, notes, completeness."""

from __future__ import annotations

from pathlib import Path

import pytest

from gkscore.pipeline import Options, run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [str(ROOT / "examples" / "county_2020_filled.xlsx"), str(ROOT / "examples" / "citydept_2020_filled.xlsx")]
ADJUST = str(ROOT / "examples" / "adjustments.yaml")


def _summary(r):
    base_sections = r.base_sections if r.base_sections is not None else frozenset(i.section for i in r.items if i.section_kind == "base")
    return (
        r.unit, r.cls, r.rules_id, dict(r.sections), str(r.base), str(r.bonus), str(r.penalty), str(r.total),
        str(r.bonus_raw), str(r.penalty_raw), r.grade, r.complete, list(r.notes), r.veto, r.rank_group, r.rank,
        base_sections,
    )


@pytest.mark.parametrize("adjust", [[], [ADJUST]])
def test_lean_equals_full_on_examples(adjust):
    full = run(Options(observations=EXAMPLES, adjust=adjust, keep_items=True))
    lean = run(Options(observations=EXAMPLES, adjust=adjust, keep_items=False))
    assert [_summary(r) for r in full.results] == [_summary(r) for r in lean.results]
    assert all(not r.items for r in lean.results)


def test_lean_equals_full_partial(tmp_path):
    """Blank cells with --partial: incomplete items score 0 on both paths."""
    import openpyxl

    src = EXAMPLES[0]
    wb = openpyxl.load_workbook(src)
    n = 0
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                if n < 40 and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and cell.row > 5 and cell.column > 3:
                    cell.value = None
                    n += 1
    out = tmp_path / "partial.xlsx"
    wb.save(out)
    try:
        full = run(Options(observations=[str(out)], partial=True, keep_items=True))
    except Exception:  # the edit hit a cell the template protects: nothing to compare
        pytest.skip("edited example not readable")
    lean = run(Options(observations=[str(out)], partial=True, keep_items=False))
    assert [_summary(r) for r in full.results] == [_summary(r) for r in lean.results]
