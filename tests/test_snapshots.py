"""Snapshot tests of the workbench (pytest-textual-snapshot). Update with `--snapshot-update`.

Everything shown is fixed: a collection written by the test (no ports), responses and
progress built from fixed values (no times, dates or ports), no network.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tui.app import ReqbenchApp, make_app
from tui.core.engine.events import Progress
from tui.core.engine.resolved import ResolvedDownload, ResolvedRequest
from tui.core.engine.response import Response, SentRequest, Timings

COLLECTION = """\
format = 1
name = "demo"

[variables]
base = "http://echo.test"

[environments.staging]
base = "http://staging.test"

[[requests]]
name = "get with params"
url = "{{base}}/get"
params = { key1 = "value1", key2 = "value2" }
headers = { Accept = "application/json" }

[[requests]]
name = "post json"
method = "POST"
url = "{{base}}/post"
body = { json = '{"username": "tom", "password": 123}' }

[[requests]]
name = "download events"
url = "{{base}}/bytes/5000000"
download = { path = "downloads/events.bin" }

[[requests]]
name = "broken"
url = "{{nowhere}}/get"
"""

JSON_BODY = b'{"args": {"key1": "value1", "key2": "value2"}, "headers": {"Accept": "application/json", "Host": "echo.test"}, "url": "http://echo.test/get?key1=value1&key2=value2"}'


@pytest.fixture
def app(tmp_path: Path) -> ReqbenchApp:
    path = tmp_path / "demo.toml"
    path.write_text(COLLECTION)
    return make_app(path)


def fixed_response() -> Response:
    return Response(
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        headers=(("Content-Type", "application/json"), ("Content-Length", str(len(JSON_BODY)))),
        url="http://echo.test/get?key1=value1&key2=value2",
        sent=SentRequest(
            method="GET",
            url="http://echo.test/get?key1=value1&key2=value2",
            headers=(("Accept", "application/json"), ("Host", "echo.test")),
        ),
        content=JSON_BODY,
        wire_size=len(JSON_BODY),
        decoded_size=len(JSON_BODY),
        detected_encoding="utf-8",
        timings=Timings(dns_ms=0.4, connect_ms=0.6, request_sent_ms=0.2, first_byte_ms=3.1, total_ms=4.2),
    )


async def settle(pilot: Pilot) -> None:
    """Let workers (pretty-printing) finish; stop cursors blinking so frames are identical."""
    assert isinstance(pilot.app, ReqbenchApp)
    await pilot.app.ready()  # what start-up defers is there, whatever the timing
    for widget in pilot.app.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_80x24(snap_compare, app: ReqbenchApp) -> None:
    """80x24: the sidebar is collapsed; the status line names demo.toml; the URL bar shows
    GET and `{{base}}/get?key1=value1&key2=value2` with the variable marked, and under it the
    preview `→ http://echo.test/get?key1=value1&key2=value2`; the Params tab
    lists key1/value1 and key2/value2 and an empty new row; the response pane says
    "No response yet."; the footer lists Send, Save, Sidebar, Env, Help, Quit."""
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_main_screen_120x40(snap_compare, app: ReqbenchApp) -> None:
    """120x40: the sidebar shows demo.toml and its four requests with their methods (GET, POST,
    GET, GET), "get with params" highlighted; the request editor and response pane fill the
    rest."""
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


def test_main_screen_16_colours(snap_compare, app: ReqbenchApp) -> None:
    """80x24 with Textual's `ansi-dark` theme (native ANSI colours, as on a 16-colour terminal
    whose palette the terminal picks): everything of the 80x24 main screen stays readable, text
    on the terminal's own background: the status line (demo.toml, env: -, 1/4 get with params)
    on its coloured bar, GET and the URL with `{{base}}` set apart from the rest, the resolved
    URL preview under it, the Params
    tab underlined as the active one, both param rows with their X checkbox and the dimmer
    name/value placeholders of the new row, "No response yet.", and the footer's keys in a
    colour of their own."""
    app.theme = "ansi-dark"
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_json_response(snap_compare, app: ReqbenchApp) -> None:
    """A JSON response: the status line reads "200 OK · HTTP/1.1" with time and size; the Body
    tab shows the JSON pretty-printed (args, headers, url), one key per line."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        assert isinstance(pilot.app, ReqbenchApp)
        pilot.app.viewer.show_response(fixed_response())
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)


def test_error_unknown_variable(snap_compare, app: ReqbenchApp) -> None:
    """The "broken" request is sent: the URL bar flags `{{nowhere}}` as unknown (the preview
    under it says the URL cannot be resolved), and the
    response pane shows the error naming the request, the url field and the variable; nothing
    was sent."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        assert isinstance(pilot.app, ReqbenchApp)
        pilot.app.load_request(3)
        await pilot.press("ctrl+j")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)


def test_download_in_progress(snap_compare, app: ReqbenchApp) -> None:
    """A download in progress: the response pane shows the transfer bar at 30 % with bytes
    done / total, the rate and the ETA (fixed values: 1.5 of 5 MB at 2 MB/s)."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        assert isinstance(pilot.app, ReqbenchApp)
        app = pilot.app
        app.load_request(2)
        request = ResolvedRequest(
            name="download events",
            method="GET",
            url="http://echo.test/bytes/5000000",
            download=ResolvedDownload(path=Path("/downloads/events.bin")),
        )
        app.viewer.show_sending(request)
        app.viewer.show_progress(
            Progress(direction="download", done=1_500_000, total=5_000_000, rate=2_000_000.0, elapsed_s=0.75)
        )
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)


def test_help_screen(snap_compare, app: ReqbenchApp) -> None:
    """f1 opens the help screen listing every key binding, grouped (Anywhere, Sidebar, rows,
    Body, Live stream view, History and cookies, Import and export further down: only the
    scrollbar thumb shows them), over the dimmed workbench at 80x24."""
    assert snap_compare(app, press=["f1"], terminal_size=(80, 24), run_before=settle)


def test_main_screen_60x20(snap_compare, app: ReqbenchApp) -> None:
    """60x20 (under 22 rows): the editor alone — status line, URL bar with its preview, the
    Params tab with both rows — and above the footer the line "Response hidden · f8 shows
    it"; the footer lists whole entries only (no cut label)."""
    assert snap_compare(app, terminal_size=(60, 20), run_before=settle)


def test_help_screen_60x20(snap_compare, app: ReqbenchApp) -> None:
    """f1 at 60x20: the help fills the screen, each key on its own line with what it does
    indented under it, in full ("cancel the running request", not a few letters a line)."""
    assert snap_compare(app, press=["f1"], terminal_size=(60, 20), run_before=settle)


def test_response_maximised(snap_compare, app: ReqbenchApp) -> None:
    """f8 after a JSON response at 80x24: the response fills the screen under the status line
    — its status "200 OK · HTTP/1.1 …" with the encoding (utf-8) last, the tabs, the whole
    pretty JSON (args, headers, url) — the request editor and sidebar are gone, and the line
    "Request editor hidden · f8: back" sits above the footer of the response's keys."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        assert isinstance(pilot.app, ReqbenchApp)
        pilot.app.viewer.show_response(fixed_response())
        await settle(pilot)
        await pilot.pause(0.2)
        await pilot.press("f8")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
