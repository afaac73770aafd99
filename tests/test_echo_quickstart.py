"""The bundled collection replays with the same results against the echo server and httpbin.

Every request of `collections/quickstart.toml` runs through the real replay runner (one engine,
expects and captures) once per server; the outcomes must match request by request, and against
the echo server every request must pass — that is what `reqbench demo` shows a newcomer.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.echo import EchoServer
from tui.core.replay import RunOptions, RunSummary, run

BUNDLED = Path(__file__).resolve().parent.parent / "collections"


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with EchoServer() as server:
        yield server.url


def _collection_copy(tmp_path: Path) -> Path:
    """A private copy of the collection folder, so the download does not land in the repo."""
    target = tmp_path / "collections"
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns("downloads"))
    return target / "quickstart.toml"


async def _replay(path: Path, base: str) -> RunSummary:
    return await run(store.load(path), RunOptions(overrides={"base": base}))


def _outcomes(summary: RunSummary) -> dict[str, str]:
    return {result.name: result.outcome.value for result in summary.results}


ECHO_ONLY = {"server-sent events (reqbench demo)", "chat completion stream (reqbench demo)"}  # /sse: not in httpbin


async def test_quickstart_same_results_on_echo_and_httpbin(tmp_path: Path, echo_url: str, httpbin_url: str) -> None:
    path = _collection_copy(tmp_path)
    ours = await _replay(path, echo_url)
    theirs = await _replay(path, httpbin_url)
    failures = {r.name: r.message for r in ours.results if not r.ok}
    assert failures == {}
    assert {r.name for r in store.load(path).requests if "/sse" in r.url} == ECHO_ONLY
    assert {name: "failed" for name in ECHO_ONLY} == {k: v for k, v in _outcomes(theirs).items() if k in ECHO_ONLY}
    assert _outcomes(ours) == {**_outcomes(theirs), **{name: "passed" for name in ECHO_ONLY}}
    assert len(ours.results) == len(store.load(path).requests) >= 20
    assert (path.parent / "downloads" / "stream-bytes.bin").read_bytes() == next(
        r.response for r in theirs.results if r.name == "stream download to a file"
    ).body_bytes()


async def test_quickstart_passes_against_echo_alone(tmp_path: Path, echo_url: str) -> None:
    """No httpbin needed: this is what `reqbench demo` relies on when nothing else is installed."""
    summary = await _replay(_collection_copy(tmp_path), echo_url)
    assert summary.exit_code == 0, {r.name: r.message for r in summary.results if not r.ok}
    assert summary.connections_reused > 0
