"""Streamed responses: Server-Sent Events, NDJSON / JSON lines / JSON text sequences, plain lines.

    stream_mode(content_type, requested) -> StreamMode | None   # which parser, if any
    StreamDecoder(mode).feed(text) / .close() -> list of parsed events (no index/time yet)
    StreamReader(mode, ...)  # decodes bytes as they arrive, keeps the newest N, emits StreamEvents

The engine hands every decoded body chunk to a `StreamReader` as it arrives (after writing it to
the body sink, so the whole stream stays in the `Response` — in memory while small, spilled to a
temp file beyond the engine's memory limit). Each complete event goes out at once as a
`StreamEvent` through `on_event`; only the newest `keep` events stay in memory.

SSE follows the WHATWG "event stream interpretation" algorithm: lines end with CRLF, LF or CR;
a leading BOM is dropped; `:` lines are comments; `data` lines are joined with LF; an `id`
holding NUL is ignored; `retry` counts only when it is all ASCII digits; a block without any
`data` line dispatches nothing (its `retry`/`id` still count). Where we go further than the
spec: the unfinished last event of a stream that ends mid-event is reported (kind
"incomplete") instead of silently dropped, so the user sees what arrived. We do not use
`httpx-sse`: its decoder dispatches data-less blocks (a lone `retry:` becomes an empty
"message") and cannot tell `data:` from no data at all, and it reads from `aiter_text`, while
the engine needs the bytes for the sink and the progress meter.
"""

from __future__ import annotations

import asyncio
import codecs
import json as _json
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tui.core.engine.events import EventHandler, StreamEnded, StreamEvent, StreamEventKind, StreamMode, StreamStarted
from tui.core.engine.response import StreamSummary

__all__ = [
    "DEFAULT_STREAM_KEEP",
    "STREAM_MODES",
    "Parsed",
    "StreamDecoder",
    "StreamReader",
    "stream_mode",
]

STREAM_MODES: tuple[StreamMode, ...] = ("sse", "ndjson", "lines")
DEFAULT_STREAM_KEEP = 10_000
SLICE_LINES = 512  # lines parsed (and their events delivered) between two turns of the event loop

_BY_TYPE: dict[str, StreamMode] = {
    "text/event-stream": "sse",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/x-jsonlines": "ndjson",
    "application/jsonlines": "ndjson",
    "application/json-seq": "ndjson",
}


def stream_mode(content_type: str, requested: StreamMode | Literal[False] | None = None) -> StreamMode | None:
    """The parser for a response: the request's choice (`False`: never a stream), else by the
    media type of `content_type` (parameters and case ignored)."""
    if requested is False:
        return None
    if requested is not None:
        return requested
    media = content_type.partition(";")[0].strip().lower()
    return _BY_TYPE.get(media)


@dataclass(frozen=True, slots=True)
class Parsed:
    """An event before it gets its index and arrival time."""

    kind: StreamEventKind
    data: str
    event: str = ""
    id: str = ""
    retry: int | None = None
    json: Any = None
    has_json: bool = False
    error: str | None = None


class _Lines:
    """Splits text into lines on CRLF, LF or CR, across chunk boundaries."""

    __slots__ = ("_cr", "_rest")

    def __init__(self) -> None:
        self._rest: list[str] = []
        self._cr = False  # the previous chunk ended with CR: a leading LF belongs to it

    def feed(self, text: str) -> list[str]:
        if self._cr:
            self._cr = False
            if text.startswith("\n"):
                text = text[1:]
        if "\r" in text:
            self._cr = text.endswith("\r")
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" not in text:
            if text:
                self._rest.append(text)
            return []
        lines = text.split("\n")
        if self._rest:
            self._rest.append(lines[0])
            lines[0] = "".join(self._rest)
            self._rest = []
        last = lines.pop()
        if last:
            self._rest.append(last)
        return lines

    def flush(self) -> str | None:
        """The unterminated last line, if any."""
        if not self._rest:
            return None
        rest, self._rest = "".join(self._rest), []
        return rest


_loads: Callable[[str], Any]
try:  # the `fast` extra: 3-5x quicker on the small objects streams are made of
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is optional
    _loads = _json.loads


def _maybe_json(data: str) -> tuple[Any, bool]:
    if data[:1] in ("{", "["):
        try:
            return _loads(data), True
        except ValueError:
            return None, False
    return None, False


class _SSE:
    __slots__ = ("_data", "_event", "_retry", "last_id", "retry_ms")

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event = ""
        self._retry: int | None = None
        self.last_id = ""
        self.retry_ms: int | None = None

    def line(self, line: str) -> Parsed | None:
        if not line:
            return self._dispatch()
        if line[0] == ":":
            return None
        name, _, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self.last_id = value
        elif name == "retry":
            if value.isascii() and value.isdigit():
                self._retry = self.retry_ms = int(value)
        return None

    def _dispatch(self) -> Parsed | None:
        event, retry = self._event, self._retry
        self._event, self._retry = "", None
        if not self._data:
            return None
        data = "\n".join(self._data)
        self._data = []
        value, has_json = _maybe_json(data)
        return Parsed("message", data, event or "message", self.last_id, retry, value, has_json)

    def close(self) -> Parsed | None:
        if not (self._data or self._event or self._retry is not None):
            return None
        data = "\n".join(self._data)
        self._data = []
        event, self._event, retry, self._retry = self._event, "", self._retry, None
        return Parsed("incomplete", data, event or "message", self.last_id, retry, error="the stream ended in the middle of this event")


def _json_line(line: str) -> Parsed | None:
    text = line.strip().lstrip("\x1e")  # RFC 7464 (json-seq) records start with RS
    if not text:
        return None
    try:
        return Parsed("json", line, json=_loads(text), has_json=True)
    except ValueError as problem:
        message = problem.msg if isinstance(problem, _json.JSONDecodeError) else str(problem)
        where = f" at column {problem.colno}" if isinstance(problem, _json.JSONDecodeError) else ""
        return Parsed("error", line, error=f"not JSON: {message}{where}")


class StreamDecoder:
    """Text in, parsed events out, for one stream of one `mode`."""

    __slots__ = ("_first", "_lines", "_sse", "mode")

    def __init__(self, mode: StreamMode) -> None:
        self.mode = mode
        self._lines = _Lines()
        self._sse = _SSE() if mode == "sse" else None
        self._first = True

    @property
    def last_id(self) -> str:
        return self._sse.last_id if self._sse is not None else ""

    @property
    def retry_ms(self) -> int | None:
        return self._sse.retry_ms if self._sse is not None else None

    def feed(self, text: str) -> list[Parsed]:
        return self.parse(self.split(text))

    def split(self, text: str) -> list[str]:
        """The complete lines `text` ends (the rest waits for the next piece)."""
        if self._first and text:
            self._first = False
            if text[0] == "\ufeff":
                text = text[1:]
        return self._lines.feed(text)

    def parse(self, lines: list[str]) -> list[Parsed]:
        """The events these lines complete, in order (lines must come in the order split gave them)."""
        out: list[Parsed] = []
        sse = self._sse
        if sse is not None:
            for line in lines:
                parsed = sse.line(line)
                if parsed is not None:
                    out.append(parsed)
        elif self.mode == "ndjson":
            for line in lines:
                parsed = _json_line(line)
                if parsed is not None:
                    out.append(parsed)
        else:
            out.extend(Parsed("line", line) for line in lines)
        return out

    def close(self) -> list[Parsed]:
        """What is left when the body ends: an unterminated last line, an unfinished SSE event."""
        rest = self._lines.flush()
        if self._sse is None:
            return self.parse([rest]) if rest is not None else []
        if rest is not None:
            self._sse.line(rest)  # a field line without its end: still part of the event
        last = self._sse.close()
        return [last] if last is not None else []


class StreamReader:
    """Decodes a streamed body as it arrives and delivers each event at once through `emit`.

    Keeps the newest `keep` events (older ones leave memory; the body sink has them all).
    """

    def __init__(
        self,
        mode: StreamMode,
        *,
        status: int,
        started_at: float,
        keep: int = DEFAULT_STREAM_KEEP,
        emit: EventHandler | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.mode = mode
        self.decoder = StreamDecoder(mode)
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._started_at = started_at
        self._clock = clock
        self._emit = emit
        self.events: deque[StreamEvent] = deque(maxlen=max(keep, 1))
        self.count = 0
        self.errors = 0
        self.bytes = 0
        self.first_s: float | None = None
        self.last_s: float | None = None
        self.incomplete = False
        self._closed = False
        self._unyielded = 0  # lines parsed since the event loop last had a turn
        if emit is not None:
            emit(StreamStarted(mode, status))

    def _now(self) -> float:
        return self._clock() - self._started_at

    def feed(self, chunk: bytes) -> None:
        """Parse `chunk` and deliver its events at once (see `pump` for the async, sliced way)."""
        self.bytes += len(chunk)
        parsed = self.decoder.feed(self._utf8.decode(chunk))
        if parsed:
            self._deliver(parsed, self._now())

    async def _feed_sliced(self, chunk: bytes) -> None:
        """`feed`, giving the event loop a turn every `SLICE` events: one socket read can hold
        tens of thousands of events (reads are up to 1 MiB), and a UI must not freeze on it."""
        self.bytes += len(chunk)
        lines = self.decoder.split(self._utf8.decode(chunk))
        # httpx hands over the chunks of one socket read (up to 1 MiB) without a turn of the
        # event loop in between, so the budget runs across chunks, not per chunk.
        start = 0
        while start < len(lines):
            room = SLICE_LINES - self._unyielded
            piece = lines[start : start + room] if start or len(lines) > room else lines
            start += len(piece)
            self._unyielded += len(piece)
            parsed = self.decoder.parse(piece)
            if parsed:
                self._deliver(parsed, self._now())
            if self._unyielded >= SLICE_LINES:
                self._unyielded = 0
                await asyncio.sleep(0)

    def _deliver(self, parsed: list[Parsed], now: float) -> None:
        emit = self._emit
        if self.first_s is None:
            self.first_s = now
        self.last_s = now
        append = self.events.append
        for item in parsed:
            event = StreamEvent(
                self.count, now, item.kind, item.data, item.event, item.id, item.retry, item.json, item.has_json, item.error
            )
            self.count += 1
            if item.kind == "error":
                self.errors += 1
            elif item.kind == "incomplete":
                self.incomplete = True
            append(event)
            if emit is not None:
                emit(event)

    def close(self) -> None:
        """The body is over: deliver what is left (once)."""
        if self._closed:
            return
        self._closed = True
        text = self._utf8.decode(b"", final=True)
        parsed = self.decoder.feed(text) if text else []
        parsed += self.decoder.close()
        if parsed:
            self._deliver(parsed, self._now())

    def summary(self, ended: Literal["complete", "stopped", "cancelled", "error"], *, spill_path: Path | None = None) -> StreamSummary:
        events = tuple(self.events)
        return StreamSummary(
            mode=self.mode,
            count=self.count,
            events=events,
            bytes=self.bytes,
            first_s=self.first_s,
            last_s=self.last_s,
            ended=ended,
            elapsed_s=self._now(),
            truncated=self.count > len(events),
            errors=self.errors,
            incomplete=self.incomplete,
            last_id=self.decoder.last_id,
            retry_ms=self.decoder.retry_ms,
            spill_path=spill_path,
        )

    def ended(self, summary: StreamSummary) -> None:
        if self._emit is not None:
            self._emit(StreamEnded(summary))

    async def pump(
        self,
        chunks: AsyncIterator[bytes],
        write: Callable[[bytes], Awaitable[None]],
        on_bytes: Callable[[], None],
        *,
        limit_s: float | None = None,
    ) -> Literal["complete", "stopped"]:
        """Read `chunks` to the end (or until `limit_s` seconds after the request started):
        each goes to `write` (the body sink), then to the parser; `on_bytes` after each."""
        remaining = None if limit_s is None else max(limit_s - self._now(), 0.0)
        try:
            async with asyncio.timeout(remaining) as scope:
                async for chunk in chunks:
                    await write(chunk)
                    await self._feed_sliced(chunk)
                    on_bytes()
        except TimeoutError:
            if scope.expired():
                return "stopped"
            raise
        self.close()
        return "complete"
