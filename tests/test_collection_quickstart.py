"""The bundled `collections/quickstart.toml` passes against a local httpbin: through the CLI
in-process, as a real `reqbench run` subprocess, and concurrently; and it loads, covers every
example of the aiohttp client quickstart, and round-trips through the store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.core.collection import store

COLLECTIONS = Path(__file__).resolve().parent.parent / "collections"
QUICKSTART = COLLECTIONS / "quickstart.toml"
REQBENCH = Path(sys.executable).with_name("reqbench")


@pytest.fixture
def quickstart(tmp_path: Path) -> Path:
    """A copy of the bundled collections folder, so the download lands in tmp_path."""
    folder = tmp_path / "collections"
    shutil.copytree(COLLECTIONS, folder, ignore=shutil.ignore_patterns("downloads"))
    return folder / "quickstart.toml"


def _httpbin_only(path: Path) -> list[str]:
    """`-r NAME` for every request httpbin answers: /sse exists only in the demo's echo server."""
    return [arg for r in store.load(path).requests if "/sse" not in r.url for arg in ("-r", r.name)]


def test_it_covers_the_quickstart_and_defaults_to_public_httpbin() -> None:
    collection = store.load(QUICKSTART)
    assert collection.variables == {"base": "https://httpbin.org"}
    assert collection.environments == {"local": {"base": "http://127.0.0.1:8080"}}
    methods = {r.method for r in collection.requests}
    assert methods == {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
    kinds = {r.body.kind for r in collection.requests if r.body is not None}
    assert kinds == {"text", "json", "form", "multipart", "file", "stream", "base64"}
    assert any(r.download is not None and r.download.overwrite for r in collection.requests)
    assert any(r.encoding for r in collection.requests)
    assert any(r.capture for r in collection.requests)
    assert all(r.expect is not None and not r.expect.is_empty() for r in collection.requests if not r.capture)
    assert store.loads(store.dumps(collection), path=QUICKSTART) == collection


def test_bundled_collection_passes_against_local_httpbin(httpbin_url: str, quickstart: Path) -> None:
    selected = _httpbin_only(quickstart)
    result = CliRunner().invoke(main, ["run", str(quickstart), "--var", f"base={httpbin_url}", *selected], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    count = len(selected) // 2
    assert count == len(store.load(quickstart).requests) - 2
    assert result.stdout.splitlines()[-1].startswith(f"{count} passed in ")
    assert result.stdout.count("✓ ") == count
    download = quickstart.parent / "downloads" / "stream-bytes.bin"
    assert download.stat().st_size == 4096
    again = CliRunner().invoke(main, ["run", str(quickstart), "--var", f"base={httpbin_url}", "--concurrency", "4", "-q", *selected])
    assert again.exit_code == 0, again.output  # overwrite = true: a re-run works


@pytest.mark.skipif(not REQBENCH.exists(), reason="reqbench console script not installed in this environment")
def test_bundled_collection_passes_as_a_subprocess(httpbin_url: str, quickstart: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    completed = subprocess.run(
        [str(REQBENCH), "run", str(quickstart), "--var", f"base={httpbin_url}", "--report", "junit", "--output", str(quickstart.parent / "junit.xml"),
         *_httpbin_only(quickstart)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert " passed in " in completed.stdout and "failed" not in completed.stdout
    assert "junit report written to" in completed.stdout
