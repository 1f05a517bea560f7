"""Loading rule and unit files: strict YAML -> pydantic -> semantic checks.

Every problem is reported with ``file:line:col``; all problems of a file are
collected in one pass (pydantic reports every schema error at once, the
semantic checks run when the schema is satisfied).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..problems import ERROR, Problem, ProblemsError, unreadable
from ..yamlio import MAX_RULE_FILE_BYTES, MAX_UNITS_FILE_BYTES, load_yaml, position_of
from .checks import Finding, check, lint_notes
from .model import RuleSet, UnitsFile

BUNDLED = ("county_2020.yaml", "citydept_2020.yaml", "units.yaml")


@dataclass
class LoadedRules:
    path: str
    ruleset: RuleSet
    sha256: str
    positions: dict
    warnings: list[Problem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.ruleset.id


class LoadedUnits:
    """A validated units file.  ``positions`` (path -> line:col, for messages
    after loading) is rebuilt from the file's bytes when first asked for: a
    national check lists 100,000 units, whose positions would hold ~90 MB
    for the whole run while no message needs them."""

    def __init__(self, path: str, units: UnitsFile, sha256: str, data: bytes) -> None:
        self.path, self.units, self.sha256 = path, units, sha256
        self._data: bytes | None = data
        self._positions: dict | None = None

    @property
    def positions(self) -> dict:
        if self._positions is None:
            _raw, self._positions = load_yaml(self._data or b"", self.path, limit=MAX_UNITS_FILE_BYTES, what="units files")
            self._data = None
        return self._positions


def bundled_dir() -> Path:
    """Where the bundled rule files live: inside the installed package, or the
    repository's top-level rules/ when running from a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "bundled"
    if packaged.is_dir() and (packaged / "units.yaml").exists():
        return packaged
    source = here.parent.parent / "rules"
    return source


def bundled_paths() -> list[str]:
    base = bundled_dir()
    return [str(base / name) for name in BUNDLED]


def read_bytes(path: str, limit: int | None = None) -> bytes:
    try:
        if os.path.isdir(path):
            raise unreadable(path, "is a folder, not a file")
        with open(path, "rb") as fh:
            if limit is None:
                return fh.read()
            data = fh.read(limit + 1)
            return data
    except FileNotFoundError:
        raise unreadable(path, "no such file", "not-found")
    except PermissionError:
        raise unreadable(path, "permission denied")
    except OSError as exc:
        raise unreadable(path, f"cannot read: {exc.strerror or exc}")


def _schema_problems(file: str, exc: ValidationError, positions: dict) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        etype = err["type"]
        msg = err["msg"]
        if etype == "union_tag_invalid":
            tag = err.get("ctx", {}).get("tag")
            expected = err.get("ctx", {}).get("expected_tags")
            disc = err.get("ctx", {}).get("discriminator", "kind").strip("'")
            msg = f"unknown {disc} {tag!r}; expected one of {expected}"
            loc = loc + (disc,)
        elif etype == "union_tag_not_found":
            disc = err.get("ctx", {}).get("discriminator", "kind").strip("'")
            msg = f"missing {disc}"
        elif etype == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}"
            line, col = positions.get(loc + ("__key__",), position_of(positions, loc))
            out.append(Problem(file=file, code="schema", message=msg, line=line, col=col))
            continue
        elif etype == "missing":
            msg = f"missing required key {loc[-1]!r}"
        elif etype == "value_error":
            msg = msg.removeprefix("Value error, ")
        line, col = position_of(positions, loc)
        where = ".".join(str(p) for p in loc if not (isinstance(p, str) and p in ("function-after", "function-before")))
        out.append(Problem(file=file, code="schema", message=f"{msg} (at {where})" if where else msg, line=line, col=col))
    return out


def _finding_problem(file: str, f: Finding, positions: dict) -> Problem:
    line, col = position_of(positions, f.path)
    return Problem(file=file, code=f.code, message=f.message, line=line, col=col, severity=f.severity)


def load_rules(path: str, data: bytes | None = None) -> LoadedRules:
    """Load and check a rule file; raises ProblemsError with every error found."""
    if data is None:
        data = read_bytes(path, MAX_RULE_FILE_BYTES)
    raw, positions = load_yaml(data, path, limit=MAX_RULE_FILE_BYTES, what="rule files")
    if not isinstance(raw, dict):
        raise ProblemsError([Problem(file=path, code="schema", message="a rule file is a mapping with format, id, title, classes and sections", line=1, col=1)])
    if raw.get("format") == "gkscore-units/1":
        raise ProblemsError([Problem(file=path, code="wrong-kind", message="this is a units file, not a rule file", line=1, col=1)])
    try:
        rs = RuleSet.model_validate(raw)
    except ValidationError as exc:
        raise ProblemsError(_schema_problems(path, exc, positions))
    findings = check(rs)
    errors = [_finding_problem(path, f, positions) for f in findings if f.severity == ERROR]
    if errors:
        raise ProblemsError(errors)
    warnings = [_finding_problem(path, f, positions) for f in findings if f.severity != ERROR]
    warnings += [_finding_problem(path, f, positions) for f in lint_notes(rs)]
    return LoadedRules(path=path, ruleset=rs, sha256=hashlib.sha256(data).hexdigest(), positions=positions, warnings=warnings)


def load_units(path: str, data: bytes | None = None) -> LoadedUnits:
    if data is None:
        data = read_bytes(path, MAX_UNITS_FILE_BYTES)
    # Read without positions (100,000 units: ~90 MB of them); a message that
    # needs one reads the file again, with them.
    raw, _ = load_yaml(data, path, limit=MAX_UNITS_FILE_BYTES, what="units files", track=False)
    found: list[dict] = []

    def positions() -> dict:
        if not found:
            found.append(load_yaml(data, path, limit=MAX_UNITS_FILE_BYTES, what="units files")[1])
        return found[0]

    if not isinstance(raw, dict):
        raise ProblemsError([Problem(file=path, code="schema", message="a units file is a mapping with format, id, classes and units", line=1, col=1)])
    if raw.get("format") == "gkscore/1":
        line, col = position_of(positions(), ("format",))
        raise ProblemsError([Problem(file=path, code="wrong-kind", message="this is a rule file, not a units file", line=line, col=col)])
    try:
        uf = UnitsFile.model_validate(raw)
    except ValidationError as exc:
        raise ProblemsError(_schema_problems(path, exc, positions()))
    del raw
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    from ..normalize import norm_name

    for ui, unit in enumerate(uf.units):
        if unit.cls not in uf.classes:
            line, col = position_of(positions(), ("units", ui, "class"))
            problems.append(Problem(file=path, code="unknown-class", message=f"class {unit.cls!r} is not declared in classes", line=line, col=col))
        for ni, name in enumerate([unit.name] + list(unit.aliases)):
            key = norm_name(name)
            if key in seen and seen[key] != ui:
                loc = ("units", ui, "name") if ni == 0 else ("units", ui, "aliases", ni - 1)
                line, col = position_of(positions(), loc)
                other = uf.units[seen[key]].name
                problems.append(Problem(file=path, code="duplicate-unit", message=f"name {name!r} already belongs to {other!r}", line=line, col=col))
            seen[key] = ui
    if problems:
        raise ProblemsError(problems)
    return LoadedUnits(path=path, units=uf, sha256=hashlib.sha256(data).hexdigest(), data=data)


def sniff_kind(path: str) -> str:
    """'rules' or 'units', from the format key, for commands given a mix of files."""
    try:
        head = read_bytes(path, 4096)[:4096].decode("utf-8", "replace")
    except ProblemsError:
        return "rules"
    for line in head.splitlines():
        if line.strip().startswith("format:"):
            return "units" if "gkscore-units" in line else "rules"
    return "rules"
