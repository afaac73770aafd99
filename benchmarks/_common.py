"""Shared bits of the benchmark scripts: paths, the test-server launchers, the timing loop
(`Clock`, `interleave` / `ainterleave`: every measurement once per round, in turn, after one
untimed warm-up), the reference httpx loops, and the printed rows."""

from __future__ import annotations

import platform
import ssl
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"

# The repository (for `tui`) and tests/ (for `servers.launch`, `servers.fault`) on sys.path.
for _p in (str(ROOT), str(TESTS)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

__all__ = [
    "ROOT", "TESTS", "Clock", "ainterleave", "best", "best_ms_per_request", "client_per_request",
    "interleave", "machine", "median", "raw_loop", "row",
]

T = TypeVar("T")


def best(values: Sequence[float]) -> float:
    return min(values)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def row(label: str, *cells: str, width: int = 38) -> str:
    return f"  {label:<{width}}" + "  ".join(f"{c:>12}" for c in cells)


class Clock:
    """Wall time and this process's CPU time (all threads) of a block, in seconds."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def interleave(rounds: int, runs: Mapping[str, Callable[[], T]], *, warm_up: bool = True) -> dict[str, list[T]]:
    """Each of `runs` once untimed (page cache, imports, .pyc files), then `rounds` rounds in
    which they take turns, so a busy machine slows them all alike. Results by name, in order."""
    if warm_up:
        for run in runs.values():
            run()
    results: dict[str, list[T]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            results[name].append(run())
    return results


async def ainterleave(
    rounds: int, runs: Mapping[str, Callable[[], Awaitable[T]]], *, warm_up: bool = True
) -> dict[str, list[T]]:
    """`interleave` for coroutines, all on the running event loop."""
    if warm_up:
        for run in runs.values():
            await run()
    results: dict[str, list[T]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            results[name].append(await run())
    return results


def best_ms_per_request(times: Mapping[str, Sequence[Clock]], n: int) -> tuple[dict[str, float], dict[str, float]]:
    """The best round of each, in ms per request: (wall, CPU)."""
    wall = {k: min(c.wall for c in v) * 1000 / n for k, v in times.items()}
    cpu = {k: min(c.cpu for c in v) * 1000 / n for k, v in times.items()}
    return wall, cpu


async def raw_loop(urls: str | Iterable[str], ctx: ssl.SSLContext, n: int | None = None) -> Clock:
    """The reference: one persistent `httpx.AsyncClient` GETting `urls` (or one URL `n` times)."""
    import httpx

    todo = [urls] * (n or 0) if isinstance(urls, str) else list(urls)
    with Clock() as clock:
        async with httpx.AsyncClient(verify=ctx) as client:
            for url in todo:
                r = await client.get(url)
                r.raise_for_status()
    return clock


async def client_per_request(url: str, ctx: ssl.SSLContext, n: int) -> Clock:
    """What pooling saves: a new `httpx.AsyncClient` (and connection) for every GET."""
    import httpx

    with Clock() as clock:
        for _ in range(n):
            async with httpx.AsyncClient(verify=ctx) as client:
                r = await client.get(url)
                r.raise_for_status()
    return clock
