"""Shared bits of the benchmark scripts: paths, the test-server launchers, small stats helpers."""

from __future__ import annotations

import platform
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"

# The repository (for `tui`) and tests/ (for `servers.launch`, `servers.fault`) on sys.path.
for _p in (str(ROOT), str(TESTS)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

__all__ = ["ROOT", "TESTS", "best", "median", "machine", "row"]


def best(values: Sequence[float]) -> float:
    return min(values)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def row(label: str, *cells: str, width: int = 38) -> str:
    return f"  {label:<{width}}" + "  ".join(f"{c:>12}" for c in cells)
