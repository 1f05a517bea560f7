"""Scenario helpers (no tests here): a rule file (often an example of
docs/rule-language.md), a units file, a template filled with given answers,
and the results of ``check`` and ``score`` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from conftest import ROOT, run_cli

DOC = ROOT / "docs" / "rule-language.md"
_FENCE = re.compile(r'^```yaml title="(?P<title>[^"]+)"\n(?P<body>.*?)^```[ \t]*$', re.M | re.S)


def doc_example(title: str) -> str:
    """The rule file shown in docs/rule-language.md under ``title``."""
    for m in _FENCE.finditer(DOC.read_text(encoding="utf-8")):
        if m.group("title") == title:
            return m.group("body")
    raise KeyError(title)


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def units_file(tmp: Path, units: list[tuple], classes: dict[str, str] | None = None, name: str = "units.yaml") -> Path:
    """``units``: (name, class) or (name, class, attributes as YAML text)."""
    classes = classes or {c: c for c in dict.fromkeys(u[1] for u in units)}
    lines = ["format: gkscore-units/1", "id: scenario-units", "classes:"]
    lines += [f"  {c}: {text}" for c, text in classes.items()]
    lines.append("units:")
    for u in units:
        attrs = f", attributes: {u[2]}" if len(u) > 2 and u[2] else ""
        lines.append(f"  - {{name: {u[0]}, class: {u[1]}{attrs}}}")
    return write(tmp, name, "\n".join(lines) + "\n")


def template_rows(tmp: Path, rules: Path, units: Path, name: str = "template.csv") -> list[dict]:
    out = tmp / name
    r = run_cli("template", str(rules), "--units", str(units), "--format", "csv", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    return list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))


def asked(rows: list[dict]) -> dict[str, list[tuple[str, str]]]:
    """unit -> the (item, field) pairs its template asks, in order."""
    out: dict[str, list] = {}
    for row in rows:
        out.setdefault(row["unit"], []).append((row["item"], row["field"]))
    return out


def filled(tmp: Path, rules: Path, units: Path, answers: dict[tuple[str, str, str], str], name: str = "filled.csv") -> Path:
    """The csv template with ``answers`` ((unit, item, field) -> text) filled
    in and every other value left blank; every answer must be asked."""
    rows = template_rows(tmp, rules, units, "t_" + name)
    left = dict(answers)
    for row in rows:
        row["value"] = left.pop((row["unit"], row["item"], row["field"]), "")
    assert not left, f"not asked by the template: {sorted(left)}"
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    path = tmp / name
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return path


def check(obs: Path, rules: Path, units: Path, *extra: str):
    return run_cli("check", str(obs), "--rules", str(rules), "--units", str(units), *extra)


def score(obs: Path, rules: Path, units: Path, *extra: str) -> tuple[int, dict[str, dict], str]:
    """(exit code, unit -> its json result, stderr)."""
    r = run_cli("score", str(obs), "--rules", str(rules), "--units", str(units), "--format", "json", *extra)
    if not r.stdout.strip():
        return r.exit_code, {}, r.stderr
    data = json.loads(r.stdout)
    return r.exit_code, {u["unit"]: u for u in data["units"]}, r.stderr


def problem_codes(stderr: str) -> list[str]:
    return re.findall(r"\(([a-z-]+)\)\s*$", stderr, re.M)
