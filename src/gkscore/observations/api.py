"""Public API: write templates, read filled observation files.

    write_template(loaded_rules, loaded_units, out_path, *, fmt="xlsx", layout="sheets",
                   classes=None, unit_names=None) -> list[Unit]
    read_observations(paths, *, rules=None, units, partial=False, subset=None,
                      keep_evidence=True, keep_scorer=True, status=False) -> Reading
    load_observations(paths, *, rules=None, units, partial=False, subset=None,
                      keep_text=True) -> list[ObservationSet]

``read_observations`` reads every file once, finds the rule file each
records (id and sha256) among ``rules`` or else among the bundled ones,
checks every value as it is read, merges the files and compares the units
found with the roster (``roster``).  It never raises for bad input: the
``Reading`` carries the sets, every problem, the notes (sheets ignored) and,
with ``status``, a line per unit.  ``load_observations`` is the same, raising
ProblemsError with every problem (exit code 2 when a file cannot be read at
all, else 1).

A file that fails part-way (a sheet calamine cannot read, a csv that breaks
off) contributes its problems and nothing else: what it gave is taken back
from the checkers (``RowChecker.drop_file``), in the same single pass.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable

from ..bundled import shown_path
from ..i18n import _
from ..problems import Problem, ProblemsError, quote
from ..progress import reading_file
from .check_rows import RowChecker
from .layout import column_name, parse_rules_tag, tag_scope
from .merge import merge
from .raw import problem_at, src_key
from .roster import Subset, UnitStatus, expected_units, missing_unit_problem, subset_problems, unit_status
from .rows import FileReading, file_rows
from .spec import owners
from .types import ObservationSet
from .units_index import UnitsIndex


@dataclass
class Reading:
    sets: list[ObservationSet]
    problems: list[Problem]
    exit_code: int  # for the problems: 1 invalid input, 2 a file that cannot be read
    notes: list[Problem] = field(default_factory=list)  # sheets ignored
    status: list[UnitStatus] = field(default_factory=list)


def write_template(loaded_rules, loaded_units, out_path: str, *, fmt: str = "xlsx", layout: str = "sheets", classes=None, unit_names=None):
    """Write a template for the selected units; returns the units written."""
    from ..fsutil import refuse_overwriting_inputs
    from .template_rows import select_units

    refuse_overwriting_inputs(out_path, [loaded_rules.path, loaded_units.path])
    units = select_units(loaded_rules, loaded_units, classes, unit_names)
    # what the template is made for, recorded when not all the units: the
    # classes and units as asked (names as in the units file)
    scope = None
    if (classes or unit_names) and len(units) != len(select_units(loaded_rules, loaded_units)):
        scope = (tuple(classes or ()), tuple(u.name for u in units) if unit_names else ())
    if fmt == "csv":
        from .template_csv import write_csv_template

        write_csv_template(loaded_rules, units, out_path, scope)
    elif fmt == "xlsx" and layout == "long":
        from .template_long import write_long_template

        write_long_template(loaded_rules, loaded_units, units, out_path, scope)
    elif fmt == "xlsx":
        from .template_xlsx import write_xlsx_template

        write_xlsx_template(loaded_rules, loaded_units, units, out_path, layout, scope)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return units


class _RulesFinder:
    def __init__(self, given) -> None:
        self.given = list(given or [])
        self._bundled = None

    def bundled(self):
        if self._bundled is None:
            from ..rules.load import bundled_paths, load_rules, sniff_kind

            self._bundled = []
            for p in bundled_paths():
                if os.path.exists(p) and sniff_kind(p) == "rules":
                    try:
                        self._bundled.append(load_rules(p))
                    except ProblemsError:
                        pass
        return self._bundled

    def find(self, rid: str, sha: str):
        """(loaded rules or None, problem text or None)."""
        for pool in (self.given, None):
            cands = [r for r in (pool if pool is not None else self.bundled()) if r.ruleset.id == rid]
            if not cands:
                continue
            for r in cands:
                if r.sha256 == sha:
                    return r, None
            message = _("this template was made from another version of the rules {rules} (it records {recorded}; the rule file {file} is {actual}); "
                        "make a new template, or give the rule file it was made from with --rules").format(
                rules=quote(rid), recorded=sha[:12], file=shown_path(cands[0].path), actual=cands[0].sha256[:12])
            return None, ("rules-mismatch", message)
        where = _("the rule files given") if self.given else _("the rule files given or bundled")
        return None, ("unknown-rules", _("this template was made from the rules {rules}, which are not among {where}; give that rule file with --rules").format(rules=quote(rid), where=where))

    def resolve(self, tag):
        if tag is None:
            if len(self.given) == 1:
                return self.given[0], None
            return None, ("no-rules", _("this file does not say which rules it was made from; give exactly one rule file with --rules"))
        parsed = parse_rules_tag(tag)
        if parsed is None:
            message = _("the {column} column should read <rules id>@<sha256> as the template wrote it, found {value}; copy it from the template").format(
                column=quote(column_name("rules")), value=quote(tag))
            return None, ("bad-value", message)
        return self.find(*parsed)


class _Lane:
    """The fast lane from the readers to the checkers: a tag already resolved
    gives its checker's ``take`` for the records of a layout; ``rows``
    counts the rows taken."""

    def __init__(self, by_tag: dict) -> None:
        self.by_tag = by_tag
        self.rows = 0

    def for_tag(self, tag, layout: tuple):
        checker = self.by_tag.get(tag)
        return None if checker is None else checker.taker(layout)


def load_observations(paths: Iterable[str], *, rules=None, units, partial: bool = False, subset: Subset | None = None, keep_text: bool = True) -> list[ObservationSet]:
    """``keep_text=False`` drops evidence and scorer texts (a summary report
    never shows them): less memory for very large inputs."""
    reading = read_observations(paths, rules=rules, units=units, partial=partial, subset=subset, keep_evidence=keep_text, keep_scorer=keep_text)
    if reading.problems:
        raise ProblemsError(reading.problems, exit_code=reading.exit_code)
    return reading.sets


def read_observations(paths: Iterable[str], *, rules=None, units, partial: bool = False, subset: Subset | None = None,
                      keep_evidence: bool = True, keep_scorer: bool = True, status: bool = False) -> Reading:
    from ..timing import gc_paused

    with gc_paused():
        return _read(list(paths), rules, units, partial, subset or Subset(), keep_evidence, keep_scorer, status)


def _read(paths, rules, units, partial, subset, keep_evidence, keep_scorer, status) -> Reading:
    from ..timing import mark

    problems: list[Problem] = []
    notes: list[Problem] = []
    exit_code = 1
    finder = _RulesFinder(rules)
    index = UnitsIndex(units)
    checkers: dict[str, RowChecker] = {}
    tag_problems: dict[tuple, list] = {}
    resolved: dict = {}
    by_tag: dict = {}  # tag -> its RowChecker, once resolved without error
    blocked: set[str] = set()  # units whose sheets could not be read: a problem already
    any_rows = False
    for path in paths:
        reading = FileReading(path)
        file_problems: list[Problem] = []
        n_rows = 0
        lane = _Lane(by_tag)
        # a shown progress bar counts the file's bytes as they are read
        with reading_file(path):
            try:
                for row in file_rows(reading, index, file_problems, notes, lane):
                    n_rows += 1
                    tag = row.tag
                    checker = by_tag.get(tag)
                    if checker is not None:
                        checker.add(row)  # the usual case: a tag already resolved to its checker
                        continue
                    if tag not in resolved:
                        resolved[tag] = finder.resolve(tag)
                    lr, err = resolved[tag]
                    if err is not None:
                        tag_problems.setdefault((row.file, tag, err), []).append(row.tag_src or row.unit_src)
                        continue
                    key = lr.path + "\0" + lr.sha256
                    checker = checkers.get(key)
                    if checker is None:
                        checker = checkers[key] = RowChecker(lr, owners(lr.ruleset), index, keep_evidence, keep_scorer)
                        checker.add_unit_attributes()
                    by_tag[tag] = checker
                    checker.add(row)
            except ProblemsError as exc:
                for checker in checkers.values():
                    checker.drop_file(path)
                problems.extend(file_problems)
                problems.extend(exc.problems)
                exit_code = max(exit_code, exc.exit_code)
                continue
        problems.extend(file_problems)
        blocked |= reading.blocked
        any_rows = any_rows or n_rows + lane.rows > 0
    mark("read")
    for (_file, _tag, (code, message)), srcs in tag_problems.items():
        problems.append(problem_at(min(srcs, key=src_key), code, message))
    ordered = sorted(checkers.values(), key=lambda c: (c.rs.id, c.rules.sha256))
    if subset:
        bad = subset_problems(subset, index, [c.rs for c in ordered] or [r.ruleset for r in finder.given])
        if bad:
            return Reading([], problems + bad, 2, notes)
    sets: list[ObservationSet] = []
    lines: list[UnitStatus] = []
    for checker in ordered:
        problems.extend(checker.finish())
        oset, more = merge(checker, partial=partial)
        problems.extend(more)
        expected = expected_units(checker.rs, index, subset, {tag_scope(t) if t else None for t in checker.tags})
        missing = [u for u in expected if u not in oset.units and u not in blocked]
        if missing:
            if partial:
                oset.missing_units = missing
            else:
                files = {s.file for places in checker.unit_places.values() for s in places}
                problems.append(missing_unit_problem(checker.rs, index, missing, next((f for f in paths if f in files), paths[0])))
        if status:
            lines.extend(unit_status(checker, oset, expected))
        sets.append(oset)
    if not any_rows and not problems:
        problems.append(Problem(file=paths[0] if paths else "-", code="no-observations", message=_("no observation rows found; is this a template that gkscore template wrote?")))
    return Reading(sets, problems, exit_code, notes, lines)
