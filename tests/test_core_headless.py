"""`tui.core` must never import Textual (the replay runner and CI should not pay for it), nor the
demo's echo server (`tui.echo` is not part of the product's core)."""

import subprocess
import sys


def test_core_imports_without_textual_or_echo() -> None:
    code = (
        "import sys, pkgutil, importlib, tui.core\n"
        "names = [m.name for m in pkgutil.walk_packages(tui.core.__path__, 'tui.core.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] == 'textual' or n.startswith('tui.echo'))\n"
        "print(len(names), ','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, _, bad = result.stdout.strip().partition(" ")
    assert int(count) >= 30, f"walked too few modules: {result.stdout}"
    assert bad == "", f"tui.core pulled in: {bad}"


def test_subpackages_import_lazily() -> None:
    """Importing a subpackage must not import its modules: the start-up path stays light."""
    code = (
        "import sys, tui.core.engine, tui.core.replay, tui.core.collection\n"
        "print('httpx' in sys.modules, 'tui.core.engine.engine' in sys.modules, 'tui.core.replay.runner' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False", "False"]
