"""Process-wide throughput tuning of httpcore (applied once, by the first Engine).

httpcore reads the socket in `READ_NUM_BYTES` pieces (64 KiB). On loopback, 1 MiB reads
roughly double download throughput (DESIGN.md, performance notes) because each read costs a
trip through anyio, h11 and httpx's decoders. It is a class attribute, so we raise it on the
async HTTP/1.1 and HTTP/2 connection classes; reads never block for a full buffer, so small
responses are unaffected.
"""

from __future__ import annotations

__all__ = ["SOCKET_READ_SIZE", "tune_httpcore"]

SOCKET_READ_SIZE = 1024 * 1024
_done = False


def tune_httpcore(read_size: int = SOCKET_READ_SIZE) -> None:
    global _done
    if _done:
        return
    _done = True
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
