"""Throughput tuning of the socket reads under httpx (DESIGN.md: 1 MiB reads roughly double
download throughput, because every read is a trip through asyncio, anyio, h11 and httpx).

Two limits stand between the socket and us, both 64-256 KiB by default:

- httpcore asks for `READ_NUM_BYTES` (64 KiB) per read: a class attribute, raised once,
  process-wide, by `tune_httpcore()` for the async HTTP/1.1 and HTTP/2 connections.
- asyncio's selector transport calls `recv(max_size)` with 256 KiB, and anyio hands over one
  such piece per read. `widen_socket_reads()` raises `max_size` on the transport of each of
  *our* connections only (an instance attribute), right after the TCP connect (trace hook).

Reads never wait for a full buffer, so small responses are unaffected. Measured here (1 GiB
from nginx, raw `aiter_raw` loop): ~200 MB/s stock, ~260 MB/s with READ_NUM_BYTES only,
~470-550 MB/s with both. Both hooks are best effort: unknown internals leave the defaults.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

__all__ = ["SOCKET_READ_SIZE", "tune_httpcore", "widen_socket_reads"]

SOCKET_READ_SIZE = 1024 * 1024
_done = False


def _memoize_missing_sniffio() -> None:
    """httpcore runs `import sniffio` on every request (4 times) to tell asyncio from trio; when
    sniffio is not installed (anyio 4 no longer needs it) each failed import searches sys.path,
    about 0.1 ms a time. A `None` in sys.modules makes the import fail at once, exactly as before."""
    if "sniffio" in sys.modules:
        return
    try:
        found = importlib.util.find_spec("sniffio")
    except (ImportError, ValueError):  # pragma: no cover
        return
    if found is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def tune_httpcore(read_size: int = SOCKET_READ_SIZE) -> None:
    global _done
    if _done:
        return
    _done = True
    _memoize_missing_sniffio()
    try:
        from httpcore._async.http11 import AsyncHTTP11Connection
    except ImportError:  # pragma: no cover - layout changed; keep defaults
        return
    if getattr(AsyncHTTP11Connection, "READ_NUM_BYTES", read_size) < read_size:
        AsyncHTTP11Connection.READ_NUM_BYTES = read_size
    try:
        from httpcore._async.http2 import AsyncHTTP2Connection
    except ImportError:  # h2 not installed
        return
    if getattr(AsyncHTTP2Connection, "READ_NUM_BYTES", read_size) < read_size:
        AsyncHTTP2Connection.READ_NUM_BYTES = read_size


def widen_socket_reads(network_stream: Any, read_size: int = SOCKET_READ_SIZE) -> None:
    """Let the asyncio transport under an httpcore `AnyIOStream` recv() up to `read_size`."""
    transport = getattr(getattr(network_stream, "_stream", None), "_transport", None)
    current = getattr(transport, "max_size", None)
    if isinstance(current, int) and current < read_size:
        try:
            transport.max_size = read_size  # type: ignore[union-attr]
        except AttributeError:  # pragma: no cover - a transport with slots / uvloop
            pass
