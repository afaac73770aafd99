"""What came back: status, headers, body (in memory or spilled to a file), sizes, timings."""

from __future__ import annotations

import json as _json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tui.core.encodings import text_encoding

if TYPE_CHECKING:
    from tui.core.engine.events import StreamEvent, StreamMode

__all__ = ["Timings", "RedirectHop", "SentRequest", "StreamSummary", "Response"]


@dataclass(frozen=True, slots=True)
class Timings:
    """Milliseconds for each phase, from httpx's `trace` extension. None: phase did not happen
    (e.g. no DNS/connect/TLS on a reused connection, no TLS on plain HTTP)."""

    dns_ms: float | None = None
    connect_ms: float | None = None
    tls_ms: float | None = None
    request_sent_ms: float | None = None  # writing the request (headers and body)
    first_byte_ms: float | None = None  # time to first byte, measured from the start
    total_ms: float = 0.0
    reused: bool = False  # the connection came from the pool


@dataclass(frozen=True, slots=True)
class RedirectHop:
    status: int
    url: str


@dataclass(frozen=True, slots=True)
class SentRequest:
    """What was actually sent: final method, URL (with params), headers (as on the wire)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body_size: int | None = None  # None when streamed without a known length


@dataclass(frozen=True, slots=True)
class StreamSummary:
    """What a streamed response delivered (`Response.stream`).

    `events` holds the newest `kept` events (at most the engine's `stream_keep`, 10,000 by
    default); `truncated` says older ones were dropped from memory. The whole body is still in
    the `Response` (`content`, or the file `body_path` once it outgrew memory), so nothing is lost.
    `ended`: "complete" (the server ended it), "stopped" (the request's stream time limit
    passed and the engine closed it), "cancelled", or "error" (the connection failed).
    Times are seconds since the request was started.
    """

    mode: StreamMode
    count: int  # every event delivered, errors and an incomplete last one included
    events: tuple[StreamEvent, ...]
    bytes: int  # decoded body bytes
    first_s: float | None
    last_s: float | None
    ended: Literal["complete", "stopped", "cancelled", "error"]
    elapsed_s: float  # from the start of the request to the end of the stream
    truncated: bool = False
    errors: int = 0  # NDJSON lines that were not JSON
    incomplete: bool = False  # the stream stopped in the middle of an event
    last_id: str = ""  # SSE: the id to reconnect with (Last-Event-ID)
    retry_ms: int | None = None  # SSE: the last reconnection time the server asked for
    spill_path: Path | None = None  # where the whole stream is on disk, when it outgrew memory

    def event(self, position: int) -> StreamEvent:
        """The event with this index (0-based; negative counts from the last). IndexError when
        it was never delivered or is no longer kept in memory."""
        index = position if position >= 0 else self.count + position
        if not self.events or not self.events[0].index <= index <= self.events[-1].index:
            raise IndexError(position)
        return self.events[index - self.events[0].index]


@dataclass(slots=True)
class Response:
    status: int
    reason: str
    http_version: str
    headers: tuple[tuple[str, str], ...]  # repeated names kept, in order
    url: str  # final URL after redirects
    history: tuple[RedirectHop, ...] = ()
    sent: SentRequest | None = None
    content: bytes = b""  # decoded body if it stayed in memory (or the first part if spilled)
    body_path: Path | None = None  # the whole decoded body lives here when spilled or downloaded
    downloaded: bool = False  # body_path is the user's download target (not a temp spill)
    wire_size: int = 0  # bytes as received (compressed)
    decoded_size: int = 0  # bytes after Content-Encoding decoding
    detected_encoding: str | None = None  # from Content-Type charset, else a guess
    encoding: str | None = None  # user-chosen encoding override, if any
    timings: Timings = field(default_factory=Timings)
    stream: StreamSummary | None = None  # set when the body was delivered as a stream of events

    @property
    def elapsed_ms(self) -> float:
        return self.timings.total_ms

    @property
    def spilled(self) -> bool:
        return self.body_path is not None and not self.downloaded

    def header(self, name: str, default: str | None = None) -> str | None:
        """First value of a header (case-insensitive)."""
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return default

    def header_values(self, name: str) -> list[str]:
        lower = name.lower()
        return [value for key, value in self.headers if key.lower() == lower]

    @property
    def content_type(self) -> str:
        return self.header("content-type", "") or ""

    def body_bytes(self) -> bytes:
        """The whole decoded body (reads the file if spilled or downloaded)."""
        if self.body_path is not None:
            return self.body_path.read_bytes()
        return self.content

    def text(self, encoding: str | None = None) -> str:
        """Decode with `encoding`, else the user's override, else the detected one, else UTF-8."""
        chosen = encoding or self.encoding or self.detected_encoding or "utf-8"
        return self.body_bytes().decode(text_encoding(chosen), errors="replace")

    def json(self) -> Any:
        return _json.loads(self.body_bytes())
