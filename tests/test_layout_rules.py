"""Rules of the source layout that a review would otherwise have to re-check by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TUI = Path(__file__).resolve().parent.parent / "tui"
MAX_LINES = 460  # "~450": above it a module says at its top why it is one module


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((TUI / "widgets").glob("*.py")) + sorted((TUI / "screens").glob("*.py")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_widgets_and_screens_never_import_the_app(path: Path) -> None:
    """They talk to the app by messages (and are given plain values), so they can be reused
    and tested in a small host app."""
    assert "tui.app" not in _imports(path)


@pytest.mark.parametrize("path", sorted(TUI.rglob("*.py")), ids=lambda p: str(p.relative_to(TUI)))
def test_long_modules_say_why(path: Path) -> None:
    lines = path.read_text().count("\n")
    if lines > MAX_LINES:
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        assert "on purpose" in doc, f"{path.relative_to(TUI)} has {lines} lines and no reason at its top"
