"""Phase timings from httpx's `trace` extension.

httpcore reports `<prefix>.<phase>.started|complete|failed` (prefix `connection`, `http11` or
`http2`). DNS is resolved inside `connect_tcp` (anyio's `connect_tcp` calls `getaddrinfo`), so
it is not observable on its own: `dns_ms` stays None and `connect_ms` includes name resolution.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tui.core.engine.response import Timings

__all__ = ["TraceRecorder"]


class TraceRecorder:
    """An async `trace` callback that stamps each phase; `timings()` turns stamps into `Timings`.

    Across redirects the last hop's stamps win; `reused` is True when no TCP connect happened
    at all during this send (every hop used a pooled connection).
    """

    __slots__ = ("_clock", "_on_connect", "connects", "marks", "start")

    def __init__(
        self,
        clock: Callable[[], float] = time.perf_counter,
        *,
        on_connect: Callable[[Any], None] | None = None,
    ) -> None:
        """`on_connect(network_stream)` runs after each new TCP connection (for tuning)."""
        self._clock = clock
        self._on_connect = on_connect
        self.start = clock()
        self.marks: dict[str, float] = {}
        self.connects = 0

    async def __call__(self, name: str, info: dict[str, Any]) -> None:
        _, _, event = name.partition(".")
        self.marks[event] = self._clock()
        if event == "connect_tcp.started":
            self.connects += 1
        elif event == "connect_tcp.complete" and self._on_connect is not None:
            self._on_connect(info.get("return_value"))

    def now_ms(self) -> float:
        return (self._clock() - self.start) * 1000.0

    def _span(self, begin: str, end: str) -> float | None:
        a = self.marks.get(begin)
        b = self.marks.get(end)
        if a is None or b is None or b < a:
            return None
        return (b - a) * 1000.0

    def timings(self, *, end: float | None = None) -> Timings:
        finish = self._clock() if end is None else end
        first = self.marks.get("receive_response_headers.complete")
        return Timings(
            dns_ms=None,
            connect_ms=self._span("connect_tcp.started", "connect_tcp.complete"),
            tls_ms=self._span("start_tls.started", "start_tls.complete"),
            request_sent_ms=self._span("send_request_headers.started", "send_request_body.complete"),
            first_byte_ms=None if first is None else (first - self.start) * 1000.0,
            total_ms=(finish - self.start) * 1000.0,
            reused=self.connects == 0,
        )
