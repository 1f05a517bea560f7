"""The csv long layout's fast path (CsvGrid.records in extract.iter_grid)
yields exactly the rows and problems of the generic per-dict loop."""

from __future__ import annotations

from gkscore.observations.extract import iter_grid
from gkscore.observations.read_csv import CsvGrid, read_csv_grid

TEXT = (
    "unit,class,item,field,type,value,evidence,scorer,rules\n"
    "县1,county,a.b,x,bool,是, ev ,  s1,r@1\n"
    "县1, county ,a.b,y,count,'=3,,,\n"
    "县1,county,a.b,z,number,   ,'',  ,\n"
    ",,,,,,,,\n"
    "县2,county,,,,5,,,\n"
    ",,,,,,,,\n"
    "合计,,,,,,,,\n"
    "县2,county,a.b,x\n"
    "县2,,a.b,\"multi\nline\",bool,否,\"e,1\",s,\n"
    "'+县3,county,' a.c ,w,score,'-1,note,,r@2\n"
    ",,, ,,, , ,\n"
)


class _Generic(CsvGrid):
    records = None  # hide the fast path

    def __getattribute__(self, name):
        if name == "records":
            raise AttributeError(name)
        return super().__getattribute__(name)


def _rows(grid, path):
    problems = []
    rows = [
        (r.file, r.unit, r.cls, r.item, r.field, r.value, r.evidence, r.scorer, r.tag, r.r, r.flagged, str(r.unit_src), str(r.value_src), str(r.tag_src))
        for r in iter_grid(path, grid, is_csv=True, problems=problems)
    ]
    return rows, [(p.code, p.message, p.line) for p in problems]


def test_csv_fast_path_equals_generic(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(TEXT, encoding="utf-8")
    fast = read_csv_grid(str(path))
    assert hasattr(fast, "records")
    generic = _Generic(fast.path, fast.encoding, fast.delimiter)
    assert not hasattr(generic, "records")
    got, want = _rows(fast, str(path)), _rows(generic, str(path))
    assert got == want
    assert len(got[0]) >= 5
