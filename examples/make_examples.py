"""Make the bundled example workbooks: every Huanggang unit, filled plausibly.

    python examples/make_examples.py            # writes examples/*_filled.xlsx

The workbooks are gkscore's own templates filled in as an evaluation team
would: most checks pass, some deductions, a county whose 政策解读 group is
voided, bonus and penalty cases, evidence text and scorer names.  A seeded
random generator keeps the output identical from run to run.

Three units are filled by hand-written scenarios rather than at random, so
that tests/test_examples_golden.py can check their totals against arithmetic
written out in the test: 黄州区 (county), 团风县 (county, voided 政策解读) and
市教育局 (A class); 市财政局 (B class) is a fourth.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from gkscore.observations.layout import HEADER_ROW_SHEET, SHEET_COLUMNS, header_key  # noqa: E402
from gkscore.observations.template_rows import select_units  # noqa: E402
from gkscore.observations.template_xlsx import build_workbook  # noqa: E402
from gkscore.rules.load import load_rules, load_units  # noqa: E402
from gkscore.rules.model import AllOf, AnyOf, FieldTest, NotOf  # noqa: E402

SCORERS = ["考评专班-王敏", "考评专班-李强", "考评专班-陈静", "考评专班-周涛"]


# ------------------------------------------------------------ field roles


def _tests(cond, out):
    if isinstance(cond, FieldTest):
        out.append(cond)
    elif isinstance(cond, AllOf):
        for c in cond.all:
            _tests(c, out)
    elif isinstance(cond, AnyOf):
        for c in cond.any:
            _tests(c, out)
    elif isinstance(cond, NotOf):
        _tests(cond.not_, out)
    return out


def perfect_values(rules) -> dict[tuple[str, str], object]:
    """(owner, field) -> the value that earns every point (and triggers nothing bad)."""
    best: dict[tuple[str, str], object] = {}
    for section in rules.sections:
        for group in section.groups:
            for f in group.fields:
                best[(group.id, f.id)] = False  # void_if conditions: not voided
            for item in group.items:
                fields = {f.id: f for f in item.fields}
                for clause in item.clauses:
                    k = clause.kind
                    if k in ("award", "deduct"):
                        good = k == "award"
                        for t in _tests(clause.when, []):
                            best[(item.id, t.field)] = _satisfy(fields[t.field], t, good)
                    elif k == "deduct_each":
                        best[(item.id, clause.field)] = 0
                    elif k == "sampled":
                        best[(item.id, clause.field)] = clause.sample if clause.counts == "passed" else 0
                    elif k == "coverage":
                        for f in clause.fields:
                            best[(item.id, f)] = True
                    elif k == "judged":
                        f = fields[clause.field]
                        top = f.max if not isinstance(f.max, dict) else max(v for v in f.max.values() if v is not None)
                        best[(item.id, clause.field)] = Decimal(0) if section.kind != "base" else top
                    elif k == "graded":
                        best[(item.id, clause.field)] = max(clause.levels, key=clause.levels.get)
                    elif k == "percent":
                        best[(item.id, clause.field)] = Decimal(100)
                for f in item.fields:
                    best.setdefault((item.id, f.id), _default(f))
    return best


def _satisfy(field, test: FieldTest, want: bool):
    comps = test.comparisons()
    if field.type == "bool":
        if not comps:
            return want
        op, v = comps[0]
        return (v if op == "eq" else (not v)) if want else ((not v) if op == "eq" else v)
    op, v = comps[0]
    if field.type == "date":
        return v - dt.timedelta(days=20) if (op in ("le", "lt")) == want else v + dt.timedelta(days=20)
    up = op in ("ge", "gt")
    if field.type == "count":
        n = int(v) + (3 if up == want else -1)
        return max(0, n if field.max is None else min(n, field.max))
    if field.type == "number":
        return Decimal(v) + (Decimal(2) if up == want else Decimal(-1))
    return v


def _default(field):
    return {"bool": True, "count": 0, "number": Decimal(0), "date": dt.date(2020, 1, 10), "score": Decimal(0), "choice": None}.get(field.type)


# ------------------------------------------------------------ scenarios


def scenario(rules_id: str, unit: str) -> dict[tuple[str, str], object]:
    """Hand-written observations for the golden units (see the module docstring).

    Every other field of these units holds its full-credit value.
    """
    if unit == "黄州区":
        return {
            ("rcgl.zztj.1", "kpi_weight"): Decimal("3.5"),  # 比重低于4%: 未得第二个1分
            ("rcgl.jdjc.ba3", "faults"): 2,  # 每发现1个扣0.2分: 1 - 0.2 × 2 = 0.6
            ("zdgk.hygq.jttc", "not_connected"): 1,  # 未接通1次扣1分: 4 - 1 = 3
            ("zdgk.zdly.zdxm", "completeness"): Decimal("1.5"),  # 完备度 1.5 / 2
            ("jfx.cxal.1", "score"): Decimal(2),  # 加分 2
        }
    if unit == "团风县":
        return {
            ("zdgk.zcjd", "mismatch"): True,  # 政策解读整组不得分: 5
            ("zdgk.gknb.1", "government_date"): dt.date(2020, 4, 8),  # 晚于3月31日: 失1分
            ("kfx.mtbg.1", "deducted"): Decimal(3),  # 媒体曝光 扣3分
        }
    if unit == "市教育局":
        return {
            ("jdjc.nrbz", "wlxcs"): 1,  # A类一次扣2分
            ("jdjc.jctb", "shjtb"): 1,  # 被市级通报一个扣4分
            ("zdly.jszygy", "shgy"): Decimal("1.5"),  # 社会公益事业 1.5 / 2
            ("cxal.al", "cxpf"): Decimal(3),  # 优秀创新案例 3
            ("ztgk.zt", "ztpf"): Decimal(2),  # 专题公开 2
        }
    if unit == "市财政局":
        return {
            ("jdjc.nrbz", "wlxcs"): 1,  # B类扣3分
            ("ldxx.ldjs", "qsx"): 4,  # 每项扣1分, B类分值3: 扣完为止
            ("mtbg.bg", "kfz"): Decimal("1.5"),  # 媒体曝光 扣1.5分
        }
    return {}


def randomise(rules, best, unit: str, cls: str, rng: random.Random) -> dict[tuple[str, str], object]:
    """A plausible imperfect unit: a handful of fields flipped away from perfect."""
    out = dict(best)
    fields = {}
    for section in rules.sections:
        for group in section.groups:
            for f in group.fields:
                fields[(group.id, f.id)] = (f, section, group, None)
            for item in group.items:
                for f in item.fields:
                    fields[(item.id, f.id)] = (f, section, group, item)
    keys = [k for k in fields if fields[k][1].kind == "base" and fields[k][3] is not None]
    for key in rng.sample(keys, k=rng.randint(3, 9)):
        f, section, group, item = fields[key]
        v = best[key]
        if f.type == "bool":
            out[key] = not v
        elif f.type == "count":
            if v == 0:
                out[key] = min(rng.randint(1, 3), f.max if f.max is not None else 3)
            else:
                out[key] = max(0, v - rng.randint(1, 2))
        elif f.type == "score":
            step = f.step
            out[key] = max(Decimal(0), v - step * rng.randint(1, 2))
        elif f.type == "date":
            out[key] = v + dt.timedelta(days=rng.randint(25, 60))
        elif f.type == "number":
            out[key] = max(Decimal(0), v - Decimal(rng.randint(1, 3)))
    # Bonus and penalty sections: a few units get one.
    for key, (f, section, group, item) in fields.items():
        if section.kind == "bonus" and rng.random() < 0.3:
            out[key] = f.step * rng.randint(1, 4)
        if section.kind == "penalty" and rng.random() < 0.12:
            out[key] = f.step * rng.randint(1, 4)
    return out


def _cell_value(v):
    if v is True:
        return "是"
    if v is False:
        return "否"
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(str(v))
    return v


def _evidence(key, v, best_v, rng) -> str:
    if v == best_v:
        return ""
    owner, field = key
    return rng.choice(
        [
            f"http://www.hg.gov.cn/col/{zlib.crc32(owner.encode()) % 9000 + 1000}/index.html 截图 IMG_{rng.randint(1000, 9999)}.png",
            f"考评专班现场核查记录 第{rng.randint(1, 40)}页",
            f"监测平台导出清单 {owner}-{field}.xlsx",
            "抽查记录:见附件截图",
        ]
    )


def make(rules_path: Path, out_path: Path, seed: int) -> None:
    loaded = load_rules(str(rules_path))
    units = load_units(str(ROOT / "rules" / "units.yaml"))
    rs = loaded.ruleset
    chosen = select_units(loaded, units)
    wb = build_workbook(loaded, units, chosen, layout="sheets")
    best = perfect_values(rs)
    rng = random.Random(seed)
    golden = {"黄州区", "团风县", "市教育局", "市财政局"}
    for ws in wb.worksheets:
        name = ws.cell(row=1, column=2).value
        unit = next((u for u in chosen if u.name == name), None)
        if unit is None:
            continue
        if unit.name in golden:
            values = dict(best)
            values.update(scenario(rs.id, unit.name))
        else:
            values = randomise(rs, best, unit.name, unit.cls, rng)
        cols = {}
        for c in range(1, ws.max_column + 1):
            key = header_key(ws.cell(row=HEADER_ROW_SHEET, column=c).value)
            if key:
                cols[key] = c
        assert set(SHEET_COLUMNS) <= set(cols), cols
        scorer = SCORERS[sum(map(ord, unit.name)) % len(SCORERS)]
        for r in range(HEADER_ROW_SHEET + 1, ws.max_row + 1):
            item = ws.cell(row=r, column=cols["item"]).value
            field = ws.cell(row=r, column=cols["field"]).value
            if not item or not field:
                continue
            key = (item, field)
            if key not in values:
                raise SystemExit(f"{unit.name}: no value planned for {key}")
            v = values[key]
            ws.cell(row=r, column=cols["value"]).value = _cell_value(v)
            if isinstance(v, dt.date):
                ws.cell(row=r, column=cols["value"]).number_format = "yyyy-mm-dd"
            ev = _evidence(key, v, best.get(key), rng)
            if ev:
                ws.cell(row=r, column=cols["evidence"]).value = ev
            ws.cell(row=r, column=cols["scorer"]).value = scorer
    wb.save(out_path)
    print(f"wrote {out_path}")


def main() -> None:
    make(ROOT / "rules" / "county_2020.yaml", HERE / "county_2020_filled.xlsx", seed=2020)
    make(ROOT / "rules" / "citydept_2020.yaml", HERE / "citydept_2020_filled.xlsx", seed=2021)


if __name__ == "__main__":
    main()
