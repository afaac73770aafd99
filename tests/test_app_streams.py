"""The live stream view wired into the workbench (issue 12): a stream's events show in the
response pane's Live tab while it is open, escape cancels it, and afterwards the usual tabs
work on what arrived. Against the embedded echo server (`/sse`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from _pilot import SIZE, send, set_url, settle

from tui.app import make_app
from tui.echo import EchoServer
from tui.widgets.live_view import FLUSH_S, EventList, LiveView
from tui.widgets.sender import StreamBuffer


@pytest.fixture(scope="module")
def echo() -> Iterator[EchoServer]:
    with EchoServer() as server:
        yield server


async def test_first_event_shows_while_open_and_escape_keeps_what_arrived(tmp_path: Path, echo: EchoServer) -> None:
    app = make_app(tmp_path / "work.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await set_url(pilot, f"{echo.url}/sse?count=3&interval=60")
        await pilot.press("ctrl+j")
        viewer = app.viewer
        for _ in range(200):  # the first event comes at once, the second only after a minute
            await pilot.pause(0.05)
            if viewer.state == "streaming" and viewer.live_view.events_view.rows:
                break
        live = viewer.query_one(LiveView)
        view = live.query_one(EventList)
        assert viewer.state == "streaming" and live.ended is None  # still open
        assert viewer.tabs.active == "tab-live" and len(view.rows) == 1
        assert app.focused is view  # the live view's keys work at once
        shown = {key: b for key, b in app.active_bindings.items() if b.binding.show}
        assert {"f", "slash", "c", "escape"} <= set(shown)
        assert all(isinstance(shown[key].node, LiveView) for key in ("f", "slash", "c", "escape"))

        await pilot.press("escape")
        await settle(pilot)
        await pilot.pause(FLUSH_S * 3)
        assert not app.main.sending
        assert live.ended == "cancelled" and len(view.rows) == 1  # what arrived stays
        assert viewer.state == "done" and viewer.response is not None
        assert viewer.response.stream is not None and viewer.response.stream.ended == "cancelled"
        assert viewer.status_text.startswith("✗ cancelled")

        viewer.tabs.active = "tab-body"
        await settle(pilot)
        first = view.rows[0].data
        assert first and first in viewer.body_text  # the Body tab: the text received so far
        assert "data:" in viewer.body_text


async def test_a_finished_stream_ends_with_all_events_and_the_usual_tabs(tmp_path: Path, echo: EchoServer) -> None:
    app = make_app(tmp_path / "work.toml")
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{echo.url}/sse?count=5&interval=0")
        await send(pilot)
        await pilot.pause(FLUSH_S * 3)
        viewer = app.viewer
        live = viewer.live_view
        assert viewer.state == "done" and viewer.response is not None and viewer.response.status == 200
        assert live.ended == "complete" and live.count == 5 and len(live.events_view.rows) == 5
        assert "5 events" in live.counter_text() and "ended: complete" in live.counter_text()
        assert viewer.body_text.count("data:") == 5
        assert "text/event-stream" in viewer.headers_text.lower()
        assert "/sse" in viewer.request_text
        viewer.tabs.active = "tab-timing"
        await pilot.pause()
        assert viewer.timing_text

        viewer.tabs.active = "tab-live"
        await pilot.pause()
        viewer.show_response(viewer.response)  # a result shown again (the request re-selected)
        await pilot.pause()
        assert viewer.tabs.active == "tab-body"  # its events are not in the Live tab: hidden

        # a plain response afterwards hides the Live tab again
        await set_url(pilot, f"{echo.url}/get")
        await send(pilot)
        assert viewer.state == "done" and viewer.tabs.active != "tab-live"
        assert viewer.live_view.count == 5  # untouched, but hidden


def test_stream_buffer_posts_once_until_drained() -> None:
    """1,000 events between two drains cost one message, not a thousand."""
    from tui.core.engine.events import StreamEvent

    buffer = StreamBuffer()
    posts = sum(buffer.add(StreamEvent(index=i, arrived_s=0.0, kind="line", data=str(i))) for i in range(1000))
    assert posts == 1
    assert len(buffer.drain()) == 1000 and buffer.items == []
    assert buffer.add(StreamEvent(index=1000, arrived_s=0.0, kind="line", data="x")) is True


def test_help_lists_the_live_view_keys() -> None:
    from textual.binding import Binding

    from tui.screens.help import HELP_SECTIONS

    section = dict(HELP_SECTIONS)["Live stream view (SSE, NDJSON, lines)"]
    listed = " ".join(keys for keys, _ in section).replace(",", " ").split()
    names = {"slash": "/"}
    for binding in LiveView.BINDINGS:
        assert isinstance(binding, Binding)
        assert names.get(binding.key, binding.key) in listed, binding.key


async def test_a_fast_stream_reaches_the_screen_in_batches(tmp_path: Path, echo: EchoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 events at full speed: every one is shown, in far fewer messages than events."""
    from tui.widgets.response_viewer import ResponseViewer

    batches: list[int] = []
    original = ResponseViewer.show_stream

    def counting(self: ResponseViewer, items: list) -> None:  # type: ignore[type-arg]
        batches.append(len(items))
        original(self, items)

    monkeypatch.setattr(ResponseViewer, "show_stream", counting)
    app = make_app(tmp_path / "work.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await set_url(pilot, f"{echo.url}/sse?count=5000&interval=0")
        await send(pilot)
        await pilot.pause(FLUSH_S * 3)
        live = app.viewer.live_view
        assert live.ended == "complete" and len(live.events_view.rows) == 5000
        assert sum(batches) == 5002  # started + 5,000 events + ended
        assert len(batches) <= 100, len(batches)
        assert live.flushes <= 100
