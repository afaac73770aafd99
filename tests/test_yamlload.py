"""`tui.core.formats.yamlload.load` reads YAML as `yaml.safe_load` does (timestamps kept as text),
from libyaml's events; errors carry line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tui.core.formats.yamlload import load

DATA = Path(__file__).resolve().parent / "data" / "import"


class _TextTimestamps(yaml.SafeLoader):
    pass


_TextTimestamps.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)

CASES = [
    "plain: [1, 2.5, yes, no, On, ~, null, 0777, 0x1f, 1_000, .inf, -3, +4, 1e3, 12:30, '', 'q', \"true\"]",
    "base: &b {a: 1, b: two}\nm:\n  <<: *b\n  b: over\nn:\n  <<: [*b, {z: 1, a: 9}]\n",
    "t: !!str 123\ni: !!int \"42\"\nf: !!float '1.5'\nb: !!bool yes\nn: !!null ''\n",
    "s: |\n  block\n  text\nf: >\n  folded\n  line\n200: ok\n? complex key\n: v\n",
    "- a\n- &q b\n- *q\n- {x: &m [1, 2], y: *m}\n",
    "d: 2026-01-01\nts: 2026-11-29T14:02:55.101Z\n",
    "",
    "just a scalar",
]


@pytest.mark.parametrize("text", CASES)
def test_same_as_safe_load(text: str) -> None:
    assert load(text) == yaml.load(text, Loader=_TextTimestamps)  # noqa: S506 - a safe loader


@pytest.mark.parametrize("path", sorted(DATA.glob("*.yaml")), ids=lambda p: p.name)
def test_fixtures_same_as_safe_load(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load(text) == yaml.load(text, Loader=_TextTimestamps)  # noqa: S506


def test_timestamps_stay_text() -> None:
    assert load("d: 2026-01-01") == {"d": "2026-01-01"}


@pytest.mark.parametrize(
    ("text", "line", "column", "problem"),
    [
        ("a: [1\n", 1, 0, "did not find expected"),
        ("a: *nope\n", 0, 3, "undefined alias"),
        ("a: &x [*x]\n", 0, 7, "contains it"),  # safe_load builds a cycle nothing could walk
        ("--- 1\n--- 2\n", 1, 0, "another document"),
        ("? [1]\n: 2\n", 0, 2, "unhashable key"),
        ("a: !!python/object x\n", 0, 3, "could not determine a constructor"),
        ("x: !foo 1\n", 0, 3, "could not determine a constructor"),
        ("a:\n  <<: 5\n", 1, 6, "for merging"),
    ],
)
def test_errors_carry_marks(text: str, line: int, column: int, problem: str) -> None:
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        load(text)
    mark = caught.value.problem_mark
    assert mark is not None and (mark.line, mark.column) == (line, column)
    assert problem in str(caught.value.problem)
