"""The live view of a stream (tui/widgets/live_view.py) in a minimal host app of its own:
follow, pause, search, copy, batched repaints, cancel against a real server, and a snapshot."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from textual import on, work
from textual.app import App, ComposeResult
from textual.worker import Worker

from tui.core.engine import Engine
from tui.core.engine.events import Event, Progress, StreamEnded, StreamEvent, StreamStarted
from tui.core.engine.resolved import ResolvedRequest
from tui.core.engine.response import StreamSummary
from tui.echo import EchoServer
from tui.widgets.live_view import FLUSH_S, EventList, LiveView


def _event(i: int, data: str | None = None, **kwargs: object) -> StreamEvent:
    text = data if data is not None else f'{{"n": {i}}}'
    return StreamEvent(index=i, arrived_s=i * 0.25, kind="message", data=text, event="tick", id=str(i + 1), **kwargs)  # type: ignore[arg-type]


def _summary(count: int, ended: str = "complete") -> StreamSummary:
    return StreamSummary(mode="sse", count=count, events=(), bytes=count * 20, first_s=0.0, last_s=count * 0.25, ended=ended, elapsed_s=count * 0.25)  # type: ignore[arg-type]


class Host(App[None]):
    """What the workbench will do: route engine events to the live view; escape cancels."""

    def __init__(self, url: str | None = None, clock: object = None) -> None:
        super().__init__()
        self.url = url
        self.clock = clock
        self.cancel_requests = 0
        self.worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield LiveView(clock=self.clock)

    @property
    def live(self) -> LiveView:
        return self.query_one(LiveView)

    def route(self, event: Event) -> None:
        live = self.live
        if isinstance(event, StreamEvent):
            live.add_event(event)
        elif isinstance(event, StreamStarted):
            live.start(event.mode, event.status)
        elif isinstance(event, Progress) and event.direction == "download":
            live.set_bytes(event.done)
        elif isinstance(event, StreamEnded):
            live.end(event.summary)

    @work(exclusive=True)
    async def send(self) -> None:
        assert self.url is not None
        async with Engine() as engine:
            await engine.send(ResolvedRequest(name="live", method="GET", url=self.url), self.route)

    @on(LiveView.CancelRequested)
    def _cancel(self) -> None:
        self.cancel_requests += 1
        if self.worker is not None:
            self.worker.cancel()


async def _flushed(pilot: object) -> None:
    await pilot.pause(FLUSH_S * 3)  # type: ignore[attr-defined]


async def test_follows_the_tail_and_repaints_in_batches() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        live = app.live
        view = live.query_one(EventList)
        live.start("sse", 200)
        for i in range(5000):
            live.add_event(_event(i))
        assert view.rows == []  # nothing shown before the timer flushes
        await _flushed(pilot)
        assert len(view.rows) == 5000 and view.cursor == 4999
        assert view.scroll_offset.y == 5000 - view.size.height
        assert live.flushes <= 2
        assert view.rows_rendered <= 3 * view.size.height  # only what is on screen
        assert "5,000 events" in live.counter_text() and "following" in live.counter_text()


async def test_pause_keeps_the_position_and_resume_jumps_to_the_tail() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        live = app.live
        view = live.query_one(EventList)
        live.start("sse", 200)
        for i in range(100):
            live.add_event(_event(i))
        await _flushed(pilot)
        view.focus()
        await pilot.press("up", "up")
        assert not view.follow and view.cursor == 97
        top = view.scroll_offset.y
        for i in range(100, 200):
            live.add_event(_event(i))
        await _flushed(pilot)
        assert len(view.rows) == 200 and view.scroll_offset.y == top and view.cursor == 97
        assert "paused" in live.counter_text()
        await pilot.press("f")
        assert view.follow and view.cursor == 199 and view.scroll_offset.y == 200 - view.size.height


async def test_search_jumps_to_matching_events_and_copy_takes_one_event() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        live = app.live
        view = live.query_one(EventList)
        live.start("sse", 200)
        for i in range(50):
            live.add_event(_event(i, "needle here" if i in (7, 30) else f"hay {i}"))
        await _flushed(pilot)
        await pilot.press("slash", *"needle", "enter")
        assert view.matches == {7, 30}
        assert view.cursor == 7 and not view.follow
        await pilot.press("escape")  # closes the search, does not cancel
        assert app.cancel_requests == 0
        await pilot.press("n")
        assert view.cursor == 30
        await pilot.press("c")
        assert app.clipboard == "needle here"
        await pilot.press("enter")
        assert live.has_class("detail")


async def test_detail_shows_json_indented() -> None:
    event = StreamEvent(index=0, arrived_s=0.0, kind="json", data='{"a": [1]}', json={"a": [1]}, has_json=True)
    assert LiveView.detail_text(event).splitlines()[1:] == ["{", '  "a": [', "    1", "  ]", "}"]


@pytest.fixture(scope="module")
def echo() -> Iterator[EchoServer]:
    with EchoServer() as server:
        yield server


async def test_escape_cancels_a_real_stream_and_what_arrived_stays(echo: EchoServer) -> None:
    app = Host(url=echo.url + "/sse?count=3&interval=60&id=1")
    async with app.run_test(size=(80, 24)) as pilot:
        app.worker = app.send()
        view = app.live.query_one(EventList)
        for _ in range(200):  # the first event comes at once; the second would take a minute
            await pilot.pause(0.05)
            if view.rows:
                break
        assert [e.id for e in view.rows] == ["1"]
        view.focus()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await _flushed(pilot)
        assert app.cancel_requests == 1
        assert app.live.ended == "cancelled" and [e.id for e in view.rows] == ["1"]
        assert "ended: cancelled" in app.live.counter_text()


def test_live_view_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """80x24: a counter line (sse 12 events, 240 B, 0/s, 0.0s on a frozen clock, ended: complete),
    rows with times 0.000s to
    2.750s, event name `tick` and ids #1..#12, the data; the last row selected (follow)."""

    app = Host(clock=lambda: 3.0)

    async def fill(pilot) -> None:  # type: ignore[no-untyped-def]
        live = app.live
        live.start("sse", 200)
        for i in range(12):
            live.add_event(_event(i, f'{{"n": {i}, "text": "event number {i}"}}'))
        live.end(_summary(12))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=fill)
