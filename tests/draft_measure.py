"""How well the draft of Annex 2/3 reads the 评分细则, measured against the
hand-made rule files.

For each item of the table (the draft and the hand file have the same items
in the same order, which test_draft_annex checks):

* recognised -- the draft wrote clauses for it without a 待核 note;
* corresponding -- its observation fields are those of the hand item, one
  for one (same number, same types, same bounds), so the same answers can be
  given to both;
* identical -- scored with the same answers, it gets the same score as the
  hand item for every unit: the answers filled into the bundled example
  workbooks, and ``ROUNDS`` rounds of random answers for every unit.

Scoring goes through the public contracts only: observations written as the
documented csv long form, scored by ``gkscore score --format json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl

from conftest import ROOT, run_cli
from draft_tables import annex, write_docx
from gkscore.draft import draft_table
from gkscore.rules.load import load_rules
from gkscore.rules.resolve import per_class

ROUNDS = 3
TABLES = {
    2: ("county", ROOT / "rules" / "county_2020.yaml", ROOT / "examples" / "county_2020_filled.xlsx"),
    3: (None, ROOT / "rules" / "citydept_2020.yaml", ROOT / "examples" / "citydept_2020_filled.xlsx"),
}


@dataclass
class Measure:
    items: int = 0
    recognised: int = 0
    corresponding: int = 0  # of the recognised
    identical: int = 0  # of the recognised
    identical_all: int = 0  # of all items whose fields correspond, recognised or not
    differing: list[str] = field(default_factory=list)  # recognised, same fields, a different score
    other_fields: list[str] = field(default_factory=list)  # recognised, but asking other questions than the hand item
    compared: int = 0  # (unit, item) scores compared, over all rounds


def _fields_key(fields) -> list[tuple]:
    out = []
    for f in fields:
        bounds = (getattr(f, "max", None), getattr(f, "min", None)) if f.type in ("count", "number", "score") else ()
        out.append((f.type, bounds))
    return out


def _example_values(path: Path) -> dict[tuple[str, str, str], str]:
    """(unit, item, field) -> the value as typed, from a filled example workbook."""
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in wb.worksheets:
        if ws.cell(1, 1).value is None or not str(ws.cell(1, 1).value).startswith("单位"):
            continue
        unit = ws.cell(1, 2).value
        head = [str(c.value or "").split("\n")[-1] for c in ws[4]]
        col = {k: head.index(k) for k in ("item", "field", "value")}
        for row in ws.iter_rows(min_row=5, values_only=True):
            if row[col["item"]] is None:
                continue
            v = row[col["value"]]
            if isinstance(v, dt.datetime):
                v = v.date().isoformat()
            elif isinstance(v, float):
                v = repr(v)
            out[(unit, row[col["item"]], row[col["field"]])] = "" if v is None else str(v)
    return out


def _filler(f) -> str:
    """Any valid answer, for a draft field that has no hand field to copy from."""
    if f.type == "number":
        return str(f.min if f.min is not None else 0)
    if f.type == "choice":
        return f.choices[0]
    return {"bool": "否", "count": "0", "date": "2020-01-01", "score": "0"}[f.type]


def _random_value(f, rng: random.Random, cls: str) -> str:
    if f.type == "bool":
        return rng.choice(["是", "否"])
    if f.type == "count":
        return str(rng.randint(0, f.max if f.max is not None else 4))
    if f.type == "number":
        lo, hi = f.min if f.min is not None else Decimal(0), f.max if f.max is not None else Decimal(100)
        picks = [v for v in (0, 1, 3, 4, 5, 10, 29, 30, 31, 50, 100) if lo <= v <= hi]
        return str(rng.choice(picks + [lo, hi]))
    if f.type == "date":
        return (dt.date(2019, 12, 1) + dt.timedelta(days=rng.randint(0, 450))).isoformat()
    if f.type == "score":
        top = per_class(f.max, cls)
        steps = int((top - f.min) / f.step)
        return str(f.min + f.step * rng.randint(0, steps))
    return rng.choice(f.choices)


def _write_csv(path: Path, loaded, rows: list[tuple[str, str, str, str]]) -> None:
    tag = f"{loaded.ruleset.id}@{loaded.sha256}"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["unit", "item", "field", "value", "rules"])
        for unit, item, fid, value in rows:
            w.writerow([unit, item, fid, value, tag])


def _score(obs: Path, rules: Path) -> dict[tuple[str, str], Decimal]:
    r = run_cli("score", str(obs), "--rules", str(rules), "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout, parse_float=Decimal)
    return {(u["unit"], i["id"]): Decimal(str(i["score"])) for u in doc["units"] for i in u["items"]}


def _owners(rs):
    """(owner id, its fields, the item's max or None for a group) in table order."""
    for s in rs.sections:
        for g in s.groups:
            yield g.id, g.fields, None
            for i in g.items:
                yield i.id, i.fields, i.max


def measure(n: int, workdir: Path) -> Measure:
    classes, hand_path, example = TABLES[n]
    table = write_docx(annex(n), workdir / f"annex{n}.docx")
    drafted = draft_table(str(table), classes=classes)
    draft_path = workdir / f"annex{n}.yaml"
    draft_path.write_text(drafted.yaml_text, encoding="utf-8")
    hand, draft = load_rules(str(hand_path)), load_rules(str(draft_path))
    h_owners, d_owners = list(_owners(hand.ruleset)), list(_owners(draft.ruleset))
    assert len(h_owners) == len(d_owners)
    unread = {owner for owner, _ in drafted.stats.checks}
    m = Measure(items=drafted.stats.items, recognised=drafted.stats.recognised)
    corresponds = {}
    for (hid, hf, _), (did, df, _) in zip(h_owners, d_owners):
        corresponds[did] = (hid, _fields_key(hf) == _fields_key(df), hf, df)
    from gkscore.rules.load import load_units

    units = [(u.name, u.cls) for u in load_units(str(ROOT / "rules" / "units.yaml")).units.units if u.cls in draft.ruleset.classes]
    applies = {did: mx for did, _, mx in d_owners}

    def rows_for(values_of) -> tuple[list, list]:
        """values_of(unit, cls, hand owner, hand field) -> value: rows for the hand and the draft files."""
        hand_rows, draft_rows = [], []
        for unit, cls in units:
            for did, (hid, same, hf, df) in corresponds.items():
                mx = applies[did]
                if mx is not None and per_class(mx, cls) is None:
                    continue
                hvals = [values_of(unit, cls, hid, f) for f in hf]
                hand_rows += [(unit, hid, f.id, v) for f, v in zip(hf, hvals)]
                if same:
                    draft_rows += [(unit, did, f.id, v) for f, v in zip(df, hvals)]
                else:
                    draft_rows += [(unit, did, f.id, _filler(f)) for f in df]
        return hand_rows, draft_rows

    examples = _example_values(example)
    rounds = []
    _, draft_rows = rows_for(lambda unit, cls, hid, f: examples.get((unit, hid, f.id), ""))
    _write_csv(workdir / "draft_examples.csv", draft, draft_rows)
    rounds.append((_score(example, hand_path), _score(workdir / "draft_examples.csv", draft_path)))
    rng = random.Random(16 + n)
    for k in range(ROUNDS):
        hand_rows, draft_rows = rows_for(lambda unit, cls, hid, f: _random_value(f, rng, cls))
        _write_csv(workdir / f"hand_{k}.csv", hand, hand_rows)
        _write_csv(workdir / f"draft_{k}.csv", draft, draft_rows)
        rounds.append((_score(workdir / f"hand_{k}.csv", hand_path), _score(workdir / f"draft_{k}.csv", draft_path)))
    for did, (hid, same, _, _) in corresponds.items():
        if applies[did] is None:
            continue
        if not same:
            if did not in unread:
                m.other_fields.append(f"{did} ({hid})")
            continue
        pairs = [(h[(unit, hid)], d[(unit, did)]) for h, d in rounds for unit, cls in units if (unit, did) in d]
        assert pairs, did
        m.compared += len(pairs)
        equal = all(a == b for a, b in pairs)
        recognised = did not in unread
        m.corresponding += recognised
        m.identical += recognised and equal
        m.identical_all += equal
        if recognised and not equal:
            m.differing.append(f"{did} ({hid})")
    return m
