"""Streamed responses through the engine against the echo server (`/sse`, `/stream/{n}`).

Pacing is checked by synchronising, never by timing: with `interval=60` the second event cannot
exist for a minute, so an event received under a 10 s wait was delivered on its own.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from tui.core import errors
from tui.core.engine import Engine
from tui.core.engine.events import Event, Failed, Finished, StreamEnded, StreamEvent, StreamStarted
from tui.core.engine.resolved import ResolvedBody, ResolvedRequest
from tui.core.engine.response import Response
from tui.core.engine.streams import StreamDecoder, stream_mode
from tui.echo import EchoServer

WAIT = 10.0


@pytest.fixture(scope="module")
def echo() -> Iterator[EchoServer]:
    with EchoServer() as server:
        yield server


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    async with Engine() as eng:
        yield eng


def _get(url: str, **kwargs: Any) -> ResolvedRequest:
    return ResolvedRequest(name="s", method="GET", url=url, **kwargs)


class Events:
    """Collects engine events; `next_stream_event()` waits for the next StreamEvent."""

    def __init__(self) -> None:
        self.all: list[Event] = []
        self.queue: asyncio.Queue[StreamEvent] = asyncio.Queue()

    def __call__(self, event: Event) -> None:
        self.all.append(event)
        if isinstance(event, StreamEvent):
            self.queue.put_nowait(event)

    async def next_stream_event(self) -> StreamEvent:
        return await asyncio.wait_for(self.queue.get(), WAIT)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.all if isinstance(e, kind)]


async def _send(engine: Engine, request: ResolvedRequest) -> tuple[Response, Events]:
    events = Events()
    response = await asyncio.wait_for(engine.send(request, events), WAIT)
    return response, events


async def _cancel(task: asyncio.Task[Response]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


# --- delivery as it arrives ------------------------------------------------------------------


async def test_first_event_arrives_before_the_server_sends_the_second(engine: Engine, echo: EchoServer) -> None:
    events = Events()
    task = asyncio.create_task(engine.send(_get(echo.url + "/sse?count=3&interval=60"), events))
    first = await events.next_stream_event()
    assert first.index == 0 and first.kind == "message" and first.event == "message"
    assert first.json == {"n": 0, "count": 3} and first.has_json
    assert events.queue.empty()
    await _cancel(task)
    failed = events.of(Failed)[-1]
    assert isinstance(failed.error, errors.Cancelled)
    partial = failed.error.response
    assert isinstance(partial, Response) and partial.stream is not None
    assert partial.stream.ended == "cancelled" and partial.stream.count == 1
    assert b'data: {"n": 0, "count": 3}' in partial.body_bytes()
    ended = events.of(StreamEnded)
    assert len(ended) == 1 and ended[0].summary.ended == "cancelled"
    assert len(events.of(StreamStarted)) == 1


async def test_gzip_sse_decodes_each_event_on_arrival(engine: Engine, echo: EchoServer) -> None:
    events = Events()
    task = asyncio.create_task(engine.send(_get(echo.url + "/sse?count=3&interval=60&gzip=true&id=1"), events))
    first = await events.next_stream_event()
    assert first.id == "1" and first.json == {"n": 0, "count": 3}
    await _cancel(task)


async def test_gzip_sse_whole(engine: Engine, echo: EchoServer) -> None:
    response, _ = await _send(engine, _get(echo.url + "/sse?count=50&interval=0&gzip=true"))
    assert response.header("content-encoding") == "gzip"
    assert response.stream is not None and response.stream.count == 50
    assert response.wire_size < response.decoded_size


# --- the SSE format --------------------------------------------------------------------------


async def test_names_ids_multiline_data_comments_and_retry(engine: Engine, echo: EchoServer) -> None:
    url = echo.url + "/sse?count=3&interval=0&event=a,b&id=7&data=first%0Asecond-{n}&comment=ignore+me&retry=3000"
    response, events = await _send(engine, _get(url))
    stream = response.stream
    assert stream is not None and stream.mode == "sse" and stream.ended == "complete"
    got = [(e.event, e.id, e.data) for e in stream.events]
    assert got == [("a", "7", "first\nsecond-0"), ("b", "8", "first\nsecond-1"), ("a", "9", "first\nsecond-2")]
    assert all("ignore" not in e.data for e in stream.events)
    assert stream.retry_ms == 3000 and stream.last_id == "9"
    assert stream.count == 3 and not stream.truncated and not stream.incomplete
    assert stream.first_s is not None and stream.last_s is not None and stream.first_s <= stream.last_s
    assert [e.index for e in events.of(StreamEvent)] == [0, 1, 2]
    kinds = [type(e).__name__ for e in events.all]
    assert kinds.index("StreamStarted") < kinds.index("StreamEvent") < kinds.index("StreamEnded") < kinds.index("Finished")


async def test_reconnect_with_the_last_id_resumes_after_it(engine: Engine, echo: EchoServer) -> None:
    first, _ = await _send(engine, _get(echo.url + "/sse?count=4&interval=0&id=1"))
    assert first.stream is not None and first.stream.last_id == "4"
    resume_from = first.stream.event(1).id
    again, _ = await _send(engine, _get(echo.url + "/sse?count=4&interval=0&id=1", headers=(("Last-Event-ID", resume_from),)))
    assert again.stream is not None and [e.id for e in again.stream.events] == ["3", "4"]


async def test_a_stream_that_ends_mid_event_shows_the_unfinished_event(engine: Engine, echo: EchoServer) -> None:
    response, _ = await _send(engine, _get(echo.url + "/sse?count=2&interval=0&data=x{n}"))
    assert response.stream is not None and [e.kind for e in response.stream.events] == ["message", "message"]
    response, _ = await _send(engine, _get(echo.url + "/sse?count=2&interval=0&data=x{n}&partial=true"))
    stream = response.stream
    assert stream is not None and stream.ended == "complete" and stream.incomplete
    assert [(e.kind, e.data) for e in stream.events] == [("message", "x0"), ("incomplete", "x1")]


async def test_post_json_chat_completion_stream(engine: Engine, echo: EchoServer) -> None:
    body = json.dumps({"model": "echo", "stream": True, "messages": [{"role": "user", "content": "Hello there"}]})
    request = ResolvedRequest(
        name="chat", method="POST", url=echo.url + "/sse?interval=0", body=ResolvedBody(kind="json", text=body)
    )
    response, _ = await _send(engine, request)
    stream = response.stream
    assert stream is not None and stream.events[-1].data == "[DONE]" and not stream.events[-1].has_json
    words = "".join(e.json["choices"][0]["delta"].get("content", "") for e in stream.events if e.has_json)
    assert words == "You said: Hello there"


# --- NDJSON and lines ------------------------------------------------------------------------


async def test_ndjson_stream(engine: Engine, echo: EchoServer) -> None:
    request = _get(echo.url + "/stream/3", headers=(("Accept", "application/x-ndjson"),))
    response, _ = await _send(engine, request)
    assert response.stream is not None and response.stream.mode == "ndjson"
    assert [(e.kind, e.json["id"]) for e in response.stream.events] == [("json", 0), ("json", 1), ("json", 2)]


async def test_a_bad_ndjson_line_is_an_error_event_and_the_stream_goes_on(engine: Engine, echo: EchoServer) -> None:
    text = '{"a": 1}\nnot json\n\n{"b": 2}'  # the last line has no line end
    url = echo.url + "/base64/" + base64.urlsafe_b64encode(text.encode()).decode()
    response, _ = await _send(engine, _get(url, stream="ndjson"))
    stream = response.stream
    assert stream is not None and stream.errors == 1
    assert [(e.kind, e.json) for e in stream.events] == [("json", {"a": 1}), ("error", None), ("json", {"b": 2})]
    assert stream.events[1].data == "not json" and "not JSON" in (stream.events[1].error or "")


async def test_stream_false_and_lines_mode(engine: Engine, echo: EchoServer) -> None:
    plain, events = await _send(engine, _get(echo.url + "/sse?count=2&interval=0", stream=False))
    assert plain.stream is None and not events.of(StreamEvent)
    lines, _ = await _send(engine, _get(echo.url + "/sse?count=2&interval=0&data=x", stream="lines"))
    assert lines.stream is not None and [e.data for e in lines.stream.events] == ["data: x", "", "data: x", ""]


# --- bounds: memory, time, cancel ------------------------------------------------------------


async def test_endless_stream_cancelled_keeps_the_newest_events_and_spills(echo: EchoServer) -> None:
    async with Engine(memory_limit=4096, stream_keep=100) as engine:
        events = Events()
        task = asyncio.create_task(engine.send(_get(echo.url + "/sse?count=0&interval=0"), events))
        while (await events.next_stream_event()).index < 1000:
            pass
        await _cancel(task)
        error = events.of(Failed)[-1].error
        assert isinstance(error, errors.Cancelled) and isinstance(error.response, Response)
        stream = error.response.stream
        assert stream is not None and stream.ended == "cancelled" and stream.count > 1000
        assert len(stream.events) == 100 and stream.truncated
        assert stream.events[-1].index == stream.count - 1
        assert stream.spill_path is not None and stream.spill_path == error.response.body_path
        on_disk = stream.spill_path.read_bytes()
        assert on_disk.count(b"\n\n") >= stream.count  # every delivered event is in the file
        with pytest.raises(IndexError):
            stream.event(0)
        assert stream.event(-1).index == stream.count - 1


async def test_a_stream_time_limit_stops_reading_and_keeps_what_arrived(engine: Engine, echo: EchoServer) -> None:
    response, events = await _send(engine, _get(echo.url + "/sse?count=3&interval=60", stream_limit_s=0.3))
    assert response.stream is not None and response.stream.ended == "stopped" and response.stream.count == 1
    assert events.of(Finished)


async def test_a_stream_outlives_the_total_timeout(engine: Engine, echo: EchoServer) -> None:
    """`timeout` bounds each read, not a whole stream (the gaps here are shorter than it)."""
    response, _ = await _send(engine, _get(echo.url + "/sse?count=4&interval=0.4", timeout=1.0))
    assert response.stream is not None and response.stream.count == 4


# --- the decoder on its own ------------------------------------------------------------------


@pytest.mark.parametrize(
    "chunks",
    [
        ["data: a\r\n\r\ndata: b\r\n\r\n"],
        ["data: a\r", "\n\r", "\ndata: b\r\n", "\r\n"],
        ["data: a\r\rdata: b\r\r"],
        ["\ufeffdata: a\n\n", "data:", " b\n", "\n"],
    ],
)
def test_decoder_line_ends_split_anywhere(chunks: list[str]) -> None:
    decoder = StreamDecoder("sse")
    got = [p.data for chunk in chunks for p in decoder.feed(chunk)] + [p.data for p in decoder.close()]
    assert got == ["a", "b"]


def test_decoder_follows_the_spec_on_odd_fields() -> None:
    decoder = StreamDecoder("sse")
    text = "retry: 10\n\nid: x\0y\nretry: soon\ndata\ndata:  two spaces\nunknown: z\n\nid\ndata: c\n\n"
    parsed = decoder.feed(text)
    assert [(p.data, p.id, p.retry) for p in parsed] == [("\n two spaces", "", None), ("c", "", None)]
    assert decoder.retry_ms == 10


def test_stream_mode_by_content_type() -> None:
    assert stream_mode("text/event-stream; charset=utf-8") == "sse"
    assert stream_mode("Application/X-NDJSON") == "ndjson"
    assert stream_mode("application/json-seq") == "ndjson"
    assert stream_mode("application/json") is None
    assert stream_mode("application/json", "lines") == "lines"
    assert stream_mode("text/event-stream", False) is None


def test_decoder_json_seq_records_and_lines_mode() -> None:
    seq = StreamDecoder("ndjson")
    parsed = seq.feed('\x1e{"a": 1}\n\x1e[2]\n') + seq.close()
    assert [(p.kind, p.json) for p in parsed] == [("json", {"a": 1}), ("json", [2])]
    lines = StreamDecoder("lines")
    got = lines.feed("one\r\ntwo\rthree") + lines.close()
    assert [(p.kind, p.data) for p in got] == [("line", "one"), ("line", "two"), ("line", "three")]
