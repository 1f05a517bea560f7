"""Public API: write templates, load filled observation files.

    write_template(loaded_rules, loaded_units, out_path, *, fmt="xlsx", layout="sheets",
                   classes=None, unit_names=None) -> list[Unit]
    load_observations(paths, *, rules=None, units, partial=False, reader="calamine",
                      keep_text=True) -> list[ObservationSet]

``load_observations`` reads every file, finds the rule file each records
(id and sha256) among ``rules`` or else among the bundled ones, checks every
value and merges the files.  It raises ProblemsError with every problem found
(exit code 2 when a file cannot be read at all, else 1).

Rows are checked as they are read and kept compactly (``check_rows``,
``store``): memory grows with the number of (unit, field) slots, a few
array entries each, not with Python objects per row.
"""

from __future__ import annotations

import os
from typing import Iterable

from ..problems import Problem, ProblemsError
from .check_rows import RowChecker
from .extract import RawRow, iter_grid, problem_at, read_meta, src_key
from .layout import META_SHEET, parse_rules_tag
from .merge import merge
from .spec import owners
from .types import ObservationSet
from .units_index import UnitsIndex


def write_template(loaded_rules, loaded_units, out_path: str, *, fmt: str = "xlsx", layout: str = "sheets", classes=None, unit_names=None):
    """Write a template for the selected units; returns the units written."""
    from ..fsutil import refuse_overwriting_inputs
    from .template_rows import select_units

    refuse_overwriting_inputs(out_path, [loaded_rules.path, loaded_units.path])
    units = select_units(loaded_rules, loaded_units, classes, unit_names)
    if fmt == "csv":
        from .template_csv import write_csv_template

        write_csv_template(loaded_rules, units, out_path)
    elif fmt == "xlsx":
        from .template_xlsx import write_xlsx_template

        write_xlsx_template(loaded_rules, loaded_units, units, out_path, layout)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return units


def read_rows(path: str, reader: str, problems: list[Problem]) -> list[RawRow]:
    """Every raw row of one file (xlsx or csv); problems are appended."""
    return list(iter_rows(path, reader, problems))


def iter_rows(path: str, reader: str, problems: list[Problem], lane=None):
    """The raw rows of one file, one at a time (a csv is never held whole).
    With a ``lane`` (see ``extract.iter_grid``), rows a checker takes whole
    are counted there instead of being yielded."""
    from .grid import sniff

    kind = sniff(path)
    if kind == "csv":
        from .read_csv import read_csv_grid

        yield from iter_grid(path, read_csv_grid(path), is_csv=True, problems=problems, lane=lane)
        return
    from .read_xlsx import read_grids

    grids = read_grids(path, reader)
    meta = (None, None)
    for g in grids:
        if g.title == META_SHEET:
            meta = read_meta(g, path)
    for g in grids:
        yield from iter_grid(path, g, is_csv=False, meta_tag=meta, problems=problems, lane=lane)
        g.release()  # read: the sources of its rows keep only file, sheet and cell


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
            return None, (
                "rules-mismatch",
                f"template made from different rules: recorded {sha[:12]}, rules file has {cands[0].sha256[:12]} ({cands[0].path}); "
                "make a new template or give --rules with the file it was made from",
            )
        where = "the given rule files" if self.given else "the given or bundled rule files"
        return None, ("unknown-rules", f"made from rules {rid!r}, which is not among {where}")


def load_observations(paths: Iterable[str], *, rules=None, units, partial: bool = False, reader: str = "calamine", keep_text: bool = True) -> list[ObservationSet]:
    """``keep_text=False`` drops evidence and scorer texts (a summary report
    never shows them): less memory for very large inputs."""
    from ..timing import gc_paused

    with gc_paused():
        failed: dict[str, tuple[list[Problem], ProblemsError]] = {}
        while True:
            try:
                return _load_observations(paths, rules=rules, units=units, partial=partial, reader=reader, keep_text=keep_text, failed=failed)
            except _FileFailed:
                continue  # read again without the file that could not be read to its end


class _FileFailed(Exception):
    pass


class _Lane:
    """The fast lane from the readers to the checkers: a tag already resolved
    gives its checker's ``add_plain``; ``rows`` counts the rows taken."""

    def __init__(self, by_tag: dict) -> None:
        self.by_tag = by_tag
        self.rows = 0

    def for_tag(self, tag):
        checker = self.by_tag.get(tag)
        return None if checker is None else checker.add_plain


def _load_observations(paths: Iterable[str], *, rules=None, units, partial: bool = False, reader: str = "calamine", keep_text: bool = True, failed: dict) -> list[ObservationSet]:
    paths = list(paths)
    problems: list[Problem] = []
    exit_code = 1
    finder = _RulesFinder(rules)
    index = UnitsIndex(units)
    checkers: dict[str, RowChecker] = {}
    tag_problems: dict[tuple, list] = {}
    resolved: dict[str, object] = {}
    by_tag: dict = {}  # tag -> its RowChecker, once resolved without error
    any_rows = False
    for path in paths:
        if path in failed:
            # Rows are checked as they are read; a file that fails part-way
            # contributes nothing but the problems found before it failed.
            before, exc = failed[path]
            problems.extend(before)
            problems.extend(exc.problems)
            exit_code = max(exit_code, exc.exit_code)
            continue
        file_problems: list[Problem] = []
        n_rows = 0
        lane = _Lane(by_tag)
        try:
            for row in iter_rows(path, reader, file_problems, lane):
                n_rows += 1
                tag = row.tag
                checker = by_tag.get(tag)
                if checker is not None:
                    # the usual case: a tag already resolved to its checker
                    checker.add(row)
                    continue
                if tag not in resolved:
                    if tag is None:
                        if len(finder.given) == 1:
                            resolved[tag] = (finder.given[0], None)
                        else:
                            resolved[tag] = (None, ("no-rules", "this file does not record which rules it was made from; give exactly one --rules file"))
                    else:
                        parsed = parse_rules_tag(tag)
                        if parsed is None:
                            resolved[tag] = (None, ("bad-value", f"expected <rules id>@<sha256>, got \"{tag}\""))
                        else:
                            resolved[tag] = finder.find(*parsed)
                lr, err = resolved[tag]
                if err is not None:
                    src = row.tag_src or row.unit_src
                    tag_problems.setdefault((row.file, tag, err), []).append(src)
                    continue
                key = lr.path + "\0" + lr.sha256
                checker = checkers.get(key)
                if checker is None:
                    checker = checkers[key] = RowChecker(lr, owners(lr.ruleset), index, keep_text=keep_text)
                by_tag[tag] = checker
                checker.add(row)
        except ProblemsError as exc:
            n_rows += lane.rows
            if n_rows:
                failed[path] = (file_problems, exc)
                raise _FileFailed() from None
            problems.extend(file_problems)
            problems.extend(exc.problems)
            exit_code = max(exit_code, exc.exit_code)
            continue
        problems.extend(file_problems)
        any_rows = any_rows or n_rows + lane.rows > 0
    from ..timing import mark

    mark("read")
    for (_file, _tag, (code, message)), srcs in tag_problems.items():
        problems.append(problem_at(min(srcs, key=src_key), code, message))
    sets: list[ObservationSet] = []
    for checker in sorted(checkers.values(), key=lambda c: (c.rs.id, c.rules.sha256)):
        problems.extend(checker.finish())
        oset, more = merge(checker, partial=partial)
        problems.extend(more)
        sets.append(oset)
    if not any_rows and not problems:
        problems.append(Problem(file=paths[0] if paths else "-", code="no-observations", message="no observation rows found (is this a gkscore template?)"))
    if problems:
        raise ProblemsError(problems, exit_code=exit_code)
    return sets
