"""Loading rule and unit files: strict YAML -> pydantic -> semantic checks.

Every problem is reported with ``file:line:col``; all problems of a file are
collected in one pass (pydantic reports every schema error at once, the
semantic checks run when the schema is satisfied).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from pydantic import ValidationError

from ..bundled import BUNDLED, bundled_dir, bundled_paths, resolve_arg  # noqa: F401 - the loader's names for them
from ..i18n import _
from ..problems import ERROR, Problem, ProblemsError, quote, unreadable
from ..yamlio import MAX_RULE_FILE_BYTES, MAX_UNITS_FILE_BYTES, UNITS_FILES, load_yaml, position_of
from .checks import Finding, check, lint_notes
from .model import RuleSet
from .units_model import UnitsFile
from .schema_messages import schema_problems



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
            _raw, self._positions = load_yaml(self._data or b"", self.path, limit=MAX_UNITS_FILE_BYTES, what=UNITS_FILES)
            self._data = None
        return self._positions


def read_bytes(path: str, limit: int | None = None) -> bytes:
    try:
        if os.path.isdir(path):
            raise unreadable(path, _("this is a folder, not a file; give the path of a file in it"))
        with open(path, "rb") as fh:
            if limit is None:
                return fh.read()
            data = fh.read(limit + 1)
            return data
    except FileNotFoundError:
        raise unreadable(path, _("no such file; check the folder and the spelling of the name"), "not-found")
    except PermissionError:
        raise unreadable(path, _("permission denied; check that you may read the file, and close it in Excel or WPS if it is open there"))
    except OSError as exc:
        raise unreadable(path, _("cannot read the file: {reason}").format(reason=exc.strerror or exc))


def _finding_problem(file: str, f: Finding, positions: dict, lines: list[str] | None = None, rs: RuleSet | None = None) -> Problem:
    where = (lambda path: rs.yaml_path(path)) if rs is not None else (lambda path: path)  # noqa: E731
    line, col = position_of(positions, where(f.path))
    if f.offset is not None and lines is not None and 0 < line <= len(lines):
        col = _column_in_value(lines[line - 1], col, f.offset)
    message = f.message
    if f.first is not None:
        message = _("{message} (first on line {line})").format(message=message, line=position_of(positions, where(f.first))[0])
    return Problem(file=file, code=f.code, message=message, line=line, col=col, severity=f.severity)


def _column_in_value(text: str, col: int, offset: int) -> int:
    """The column of the ``offset``-th character of the value starting at
    ``col`` on this line: past its opening quote; the value's own column when
    it is a block scalar (| or >), which does not start on this line."""
    start = col - 1
    if start < len(text) and text[start] in "|>":
        return col
    if start < len(text) and text[start] in "\"'":
        start += 1
    return start + offset + 1


def load_rules(path: str, data: bytes | None = None) -> LoadedRules:
    """Load and check a rule file (a path, or a bundled file's stem such as
    county_2020); raises ProblemsError with every error found."""
    if data is None:
        path = resolve_arg(path)
        data = read_bytes(path, MAX_RULE_FILE_BYTES)
    raw, positions = load_yaml(data, path, limit=MAX_RULE_FILE_BYTES)
    if not isinstance(raw, dict):
        message = _("a rule file is a mapping with the keys format, id, title, classes and sections; compare with a bundled rule file such as county_2020.yaml")
        raise ProblemsError([Problem(file=path, code="schema", message=message, line=1, col=1)])
    if raw.get("format") == "gkscore-units/1":
        message = _("this is a units file (format: gkscore-units/1), not a rule file; give it where a units file is asked for (--units)")
        raise ProblemsError([Problem(file=path, code="wrong-kind", message=message, line=1, col=1)])
    try:
        rs = RuleSet.model_validate(raw)
    except ValidationError as exc:
        raise ProblemsError(schema_problems(path, exc, positions))
    findings = check(rs)
    lines = data.decode("utf-8-sig", "replace").splitlines() if any(f.offset is not None for f in findings) else None
    errors = [_finding_problem(path, f, positions, lines, rs) for f in findings if f.severity == ERROR]
    if errors:
        raise ProblemsError(errors)
    warnings = [_finding_problem(path, f, positions, lines, rs) for f in findings if f.severity != ERROR]
    warnings += [_finding_problem(path, f, positions, None, rs) for f in lint_notes(rs)]
    return LoadedRules(path=path, ruleset=rs, sha256=hashlib.sha256(data).hexdigest(), positions=positions, warnings=warnings)


def load_units(path: str, data: bytes | None = None) -> LoadedUnits:
    """Load and check a units file (a path, or ``units`` for the bundled one)."""
    if data is None:
        path = resolve_arg(path)
        data = read_bytes(path, MAX_UNITS_FILE_BYTES)
    # Read without positions (100,000 units: ~90 MB of them); a message that
    # needs one reads the file again, with them.
    raw, _positions = load_yaml(data, path, limit=MAX_UNITS_FILE_BYTES, what=UNITS_FILES, track=False)
    found: list[dict] = []

    def positions() -> dict:
        if not found:
            found.append(load_yaml(data, path, limit=MAX_UNITS_FILE_BYTES, what=UNITS_FILES)[1])
        return found[0]

    if not isinstance(raw, dict):
        message = _("a units file is a mapping with the keys format, id, classes and units; start from the bundled units.yaml")
        raise ProblemsError([Problem(file=path, code="schema", message=message, line=1, col=1)])
    if raw.get("format") == "gkscore/1":
        line, col = position_of(positions(), ("format",))
        message = _("this is a rule file (format: gkscore/1), not a units file; give it where a rule file is asked for (--rules)")
        raise ProblemsError([Problem(file=path, code="wrong-kind", message=message, line=line, col=col)])
    try:
        uf = UnitsFile.model_validate(raw)
    except ValidationError as exc:
        raise ProblemsError(schema_problems(path, exc, positions()))
    del raw
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    from ..normalize import norm_name

    for ui, unit in enumerate(uf.units):
        if unit.cls not in uf.classes:
            line, col = position_of(positions(), ("units", ui, "class"))
            message = _("class {cls} is not declared under classes; use one of {known}, or declare it").format(
                cls=quote(unit.cls), known=", ".join(uf.classes)
            )
            problems.append(Problem(file=path, code="unknown-class", message=message, line=line, col=col))
        for ni, name in enumerate([unit.name] + list(unit.aliases)):
            key = norm_name(name)
            if key in seen and seen[key] != ui:
                loc = ("units", ui, "name") if ni == 0 else ("units", ui, "aliases", ni - 1)
                line, col = position_of(positions(), loc)
                other = uf.units[seen[key]].name
                message = _("the name {name} already belongs to the unit {other}; delete or rename one of them").format(name=quote(name), other=quote(other))
                problems.append(Problem(file=path, code="duplicate-unit", message=message, line=line, col=col))
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
