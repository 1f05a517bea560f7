"""Every ```yaml block of docs/rule-language.md is a complete rule file that loads.

So the reference cannot drift from the code: change the language, and the
examples that no longer hold fail here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gkscore.rules.load import load_rules
from gkscore.rules.tree import rules_tree

DOC = Path(__file__).resolve().parent.parent / "docs" / "rule-language.md"

_FENCE = re.compile(r"^```yaml(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
_TITLE = re.compile(r'title="(?P<title>[^"]+)"')


def _blocks() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        title = _TITLE.search(m.group("info"))
        line = text[: m.start()].count("\n") + 1
        out.append((title.group("title") if title else f"untitled-at-line-{line}", m.group("body")))
    return out


BLOCKS = _blocks()


def test_the_reference_has_examples():
    assert len(BLOCKS) >= 20


def test_every_example_has_a_unique_title():
    titles = [t for t, _ in BLOCKS]
    assert not [t for t in titles if t.startswith("untitled")], "mark each block ```yaml title=\"name\"```"
    assert len(set(titles)) == len(titles), "example titles must be unique"


@pytest.mark.parametrize("title, body", BLOCKS, ids=[t for t, _ in BLOCKS])
def test_example_loads(tmp_path, title, body):
    path = tmp_path / f"{title}.yaml"
    path.write_text(body, encoding="utf-8")
    loaded = load_rules(str(path))  # raises ProblemsError with file:line:col on any error
    # Examples are clean: the only warnings allowed are recorded readings (notes).
    assert [(w.line, w.code, w.message) for w in loaded.warnings if w.code != "note"] == []


def test_every_clause_kind_and_field_type_is_shown():
    from gkscore.engine.kinds.registry import kind_names
    from gkscore.rules.model import FIELD_TYPES

    text = "\n".join(body for _, body in BLOCKS)
    for kind in kind_names():
        assert re.search(rf"kind: {kind}\b", text), f"no example uses clause kind {kind}"
    for ftype in FIELD_TYPES:
        assert re.search(rf"type: {ftype}\b", text), f"no example declares a {ftype} field"
    for feature in ("only_if:", "void_if:", "max_lost:", "kind: bonus", "kind: penalty", "vetoes:", "gates:",
                    "na_policy:", "applies_if:", "composition: weighted", "grades:", "note:", "start:",
                    "each:", "share:", "calc:", "above:", "at_least:", "below:", "at_most:", "\nitems:"):
        assert feature in text, f"no example shows {feature}"


def test_json_contract_example_matches_the_code(tmp_path):
    """The JSON shown in section 20 is what `gkscore rules --format json` gives for the classes example."""
    from gkscore.jsonout import dumps

    doc = DOC.read_text(encoding="utf-8")
    shown = json.loads(re.search(r"^```json\n(.*?)^```", doc, re.M | re.S).group(1))
    body = dict(BLOCKS)["classes"]
    path = tmp_path / "classes.yaml"
    path.write_text(body, encoding="utf-8")
    tree = json.loads(dumps(rules_tree(load_rules(str(path)).ruleset)))
    assert tree == shown


def test_rounding_rule_is_quoted_verbatim():
    import gkscore.exact as exact

    doc = DOC.read_text(encoding="utf-8")
    quoted = "\n".join(line[2:] if line.startswith("> ") else line[1:] for line in doc.splitlines() if line.startswith(">"))
    rule = exact.__doc__.split("The rounding rule, stated once:")[1].split("Floats never enter")[0]
    assert " ".join(rule.split()) in " ".join(quoted.split())
