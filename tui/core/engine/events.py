"""Events the engine reports while sending; the UI and replay consume them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal, Union

from tui.core.errors import RequestError
from tui.core.engine.resolved import ResolvedRequest
from tui.core.engine.response import Response, StreamSummary

__all__ = [
    "Started",
    "Progress",
    "HeadersReceived",
    "Finished",
    "Failed",
    "StreamMode",
    "StreamStarted",
    "StreamEvent",
    "StreamEnded",
    "Event",
    "EventHandler",
]

StreamMode = Literal["sse", "ndjson", "lines"]
#: What a `StreamEvent` is: an SSE `message` (whatever its `event:` name), a parsed JSON line,
#: a plain line, a line that is not JSON (`error` says why; the stream goes on), or the
#: unfinished last event of a stream that ended in the middle of it.
StreamEventKind = Literal["message", "json", "line", "error", "incomplete"]


@dataclass(frozen=True, slots=True)
class Started:
    request: ResolvedRequest


@dataclass(frozen=True, slots=True)
class Progress:
    """Throttled (about 10-20 a second, plus one final event), never one per chunk."""

    direction: Literal["upload", "download"]
    done: int  # bytes so far
    total: int | None  # None when unknown (no Content-Length / chunked)
    rate: float  # bytes per second, smoothed
    elapsed_s: float

    @property
    def eta_s(self) -> float | None:
        if self.total is None or self.rate <= 0:
            return None
        return max(self.total - self.done, 0) / self.rate


@dataclass(frozen=True, slots=True)
class HeadersReceived:
    status: int
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Finished:
    response: Response


@dataclass(frozen=True, slots=True)
class Failed:
    error: RequestError


@dataclass(frozen=True, slots=True)
class StreamStarted:
    """The response is a stream (`mode`); `StreamEvent`s follow as they arrive."""

    mode: StreamMode
    status: int


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One event of a streamed response, delivered as soon as it has arrived whole.

    `arrived_s`: seconds since the request was started. SSE: `event` (the `event:` name,
    "message" when none), `id` (the last event id so far, as the spec keeps it), `data` (the
    `data:` lines joined with LF), `retry` (ms, when this event set it). NDJSON / lines: `data`
    is the line. `json` is the parsed value of an NDJSON line, and of SSE data that is a JSON
    object or array (None otherwise; check `kind`/`has_json` to tell a JSON null).
    """

    index: int
    arrived_s: float
    kind: StreamEventKind
    data: str
    event: str = ""
    id: str = ""
    retry: int | None = None
    json: Any = None
    has_json: bool = False
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StreamEnded:
    """The stream is over (`summary.ended` says how); sent before Finished or Failed."""

    summary: StreamSummary


Event = Union[Started, Progress, HeadersReceived, Finished, Failed, StreamStarted, StreamEvent, StreamEnded]
EventHandler = Callable[[Event], None]
