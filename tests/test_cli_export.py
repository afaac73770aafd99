"""`reqbench export`: options, output file, exit codes, one clear line per problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tui.cli import main
from tui.core.formats.exporters import EXPORTERS

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = str(ROOT / "collections" / "quickstart.toml")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["export", *args])
    return result.exit_code, result.stdout, result.stderr


def test_one_subcommand_per_registered_format() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    for name in EXPORTERS:
        assert f"  {name} " in out


def test_output_file_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "q.py"
    code, stdout, stderr = invoke("httpx", QUICKSTART, "--env", "local", "-r", "get", "-r", "post json", "-o", str(out))
    assert code == 0 and stdout == ""
    assert "2 requests written to" in stderr
    text = out.read_text()
    assert "http://127.0.0.1:8080/get" in text and "# post json" in text
    compile(text, str(out), "exec")  # a valid Python script


def test_var_and_env_resolve_like_run() -> None:
    code, out, _ = invoke("curl", QUICKSTART, "--var", "base=http://example.test:1", "-r", "get")
    assert code == 0 and "http://example.test:1/get" in out


def test_problems_exit_2_with_one_line_each(tmp_path: Path) -> None:
    code, _, err = invoke("curl", QUICKSTART, "--env", "nope")
    assert code == 2 and err.startswith("error: unknown environment 'nope'")
    code, _, err = invoke("httpx", QUICKSTART, "-r", "use captured values")
    assert code == 2 and "captured by request 'capture from a response'" in err
    code, _, err = invoke("curl", QUICKSTART)
    assert code == 2
    assert err.count("error: request ") == 2 and "Traceback" not in err
    broken = tmp_path / "broken.toml"
    broken.write_text('format = 1\n[[requests]\nname = "x"\n')
    code, _, err = invoke("har", str(broken))
    assert code == 2 and f"{broken}:2:" in err


def test_real_subprocess_writes_a_runnable_curl_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui", "export", "curl", QUICKSTART, "--env", "local", "-r", "post form"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--data-urlencode key1=value1" in done.stdout and done.stdout.startswith("#!/bin/sh\n")
