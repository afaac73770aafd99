"""Snapshots of the ResponseViewer on its own (the app's screens have their own snapshots).

Update after an intended change with `pytest tests/test_response_viewer_snapshots.py --snapshot-update`
and look at the SVGs before committing them."""

from __future__ import annotations

from typing import Any

import orjson
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Footer

from _pilot import settle

from tui.core import errors
from tui.core.engine.events import Progress
from tui.core.engine.resolved import ResolvedRequest
from tui.core.engine.response import Response, Timings
from tui.widgets.response_viewer import ResponseViewer


class Host(App[None]):
    TITLE = "viewer"

    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield ResponseViewer()
        yield Footer()


def json_response() -> Response:
    body = orjson.dumps({"name": "reqbench", "items": [{"id": i, "ok": i % 2 == 0, "note": None, "tag": f"t{i}"} for i in range(20)]})
    return Response(
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        headers=(("Content-Type", "application/json"), ("Content-Length", str(len(body)))),
        url="http://127.0.0.1:8080/json",
        content=body,
        wire_size=len(body),
        decoded_size=len(body),
        timings=Timings(dns_ms=0.4, connect_ms=0.6, request_sent_ms=0.2, first_byte_ms=4.0, total_ms=5.0),
    )


def test_json_response(snap_compare: Any) -> None:
    """Status line in the success colour; the Body tab shows indented, coloured JSON; the
    footer lists the viewer's keys (search, raw/pretty, copy body / URL / curl, save)."""

    async def run_before(pilot: Pilot[None]) -> None:
        viewer = pilot.app.query_one(ResponseViewer)
        viewer.show_response(json_response())
        await settle(pilot)
        viewer.focus()
        await pilot.pause()

    assert snap_compare(Host(), terminal_size=(80, 24), run_before=run_before)


def test_search_match(snap_compare: Any) -> None:
    """The search bar at the bottom with "1/20"; every "ok" highlighted, the current one
    stronger."""

    async def run_before(pilot: Pilot[None]) -> None:
        viewer = pilot.app.query_one(ResponseViewer)
        viewer.show_response(json_response())
        await pilot.app.workers.wait_for_complete()
        viewer.focus()
        await pilot.pause()
        await pilot.press("slash", *'"ok"', "enter")
        await settle(pilot)

    assert snap_compare(Host(), terminal_size=(80, 24), run_before=run_before)


def test_download_in_progress(snap_compare: Any) -> None:
    """"Sending GET …", a bar at 40 %, bytes / total, ETA and rate, and the "esc cancel" hint."""

    async def run_before(pilot: Pilot[None]) -> None:
        viewer = pilot.app.query_one(ResponseViewer)
        viewer.show_sending(ResolvedRequest(name="big", method="GET", url="http://127.0.0.1:8080/big"))
        viewer.show_progress(Progress("download", done=400 * 2**20, total=1000 * 2**20, rate=200 * 2**20, elapsed_s=2.0))
        await pilot.pause()

    assert snap_compare(Host(), terminal_size=(80, 24), run_before=run_before)


def test_error(snap_compare: Any) -> None:
    """A red "✗ Could not connect" status and the message in a bordered box; no tabs."""

    async def run_before(pilot: Pilot[None]) -> None:
        viewer = pilot.app.query_one(ResponseViewer)
        viewer.show_sending(ResolvedRequest(name="r", method="GET", url="http://127.0.0.1:9/"))
        viewer.show_error(errors.ConnectError("connection refused: 127.0.0.1:9"))
        await pilot.pause()

    assert snap_compare(Host(), terminal_size=(80, 24), run_before=run_before)
