"""`reqbench run`: an unexpected exception exits 4 ("internal error") with one line, never the
code of a failed expect (1); REQBENCH_DEBUG=1 shows the traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.cli_run import EXIT_INTERNAL


def _collection(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(f'format = 1\n[[requests]]\nname = "get"\nurl = "{base}/get"\nexpect = {{ status = 200 }}\n', encoding="utf-8")
    return path


def _boom(*args: object, **kwargs: object) -> None:
    raise ZeroDivisionError("simulated bug")


def test_an_unexpected_exception_exits_4_with_one_line(httpbin_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.core.replay.runner.check", _boom)
    monkeypatch.delenv("REQBENCH_DEBUG", raising=False)
    result = CliRunner().invoke(main, ["run", str(_collection(tmp_path, httpbin_url))], catch_exceptions=False)
    assert EXIT_INTERNAL == 4
    assert result.exit_code == 4
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("internal error: ZeroDivisionError: simulated bug")
    assert "report" in lines[0] and "REQBENCH_DEBUG=1" in lines[0]
    assert "Traceback" not in result.output


def test_reqbench_debug_shows_the_traceback(httpbin_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.core.replay.runner.check", _boom)
    result = CliRunner().invoke(main, ["run", str(_collection(tmp_path, httpbin_url))], env={"REQBENCH_DEBUG": "1"}, catch_exceptions=False)
    assert result.exit_code == 4
    assert "Traceback (most recent call last)" in result.stderr and "ZeroDivisionError" in result.stderr


def test_a_real_process_still_exits_2_on_a_bad_file(tmp_path: Path) -> None:
    """Sanity through a real process: a normal bad file is still exit 2, not 4."""
    bad = tmp_path / "bad.toml"
    bad.write_text("format = 1\n[[requests]]\nname = 1\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tui", "run", str(bad)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
