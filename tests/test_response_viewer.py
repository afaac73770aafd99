"""ResponseViewer in a tiny host app, fed hand-built `Response` objects (it renders data; it
never talks HTTP)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from _pilot import settle

from tui.core import errors
from tui.core.formats.to_curl import to_curl
from tui.core.engine.events import Progress
from tui.core.display.hexdump import HexLines
from tui.core.engine.resolved import ResolvedBody, ResolvedRequest
from tui.core.engine.response import RedirectHop, Response, SentRequest, Timings
from tui.widgets.body_view import BodyView
from tui.widgets.response_viewer import ResponseViewer, SaveBodyScreen


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"  # scroll jumps land at once (render counts stay exact)
        self.copied: list[str] = []
        self.notes: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield ResponseViewer()

    def on_mount(self) -> None:
        self.query_one(ResponseViewer).body_view.focus()

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)
        super().copy_to_clipboard(text)

    def notify(self, message: str, *, severity: Any = "information", **kwargs: Any) -> None:  # type: ignore[override]
        self.notes.append((severity, message))
        super().notify(message, severity=severity, **kwargs)


def make_response(
    body: bytes = b"",
    *,
    status: int = 200,
    reason: str = "OK",
    content_type: str = "text/plain; charset=utf-8",
    headers: tuple[tuple[str, str], ...] = (),
    **kwargs: Any,
) -> Response:
    all_headers = (("Content-Type", content_type),) + headers if content_type else headers
    kwargs.setdefault("wire_size", len(body))
    kwargs.setdefault("decoded_size", len(body))
    kwargs.setdefault("timings", Timings(dns_ms=1.0, connect_ms=2.0, request_sent_ms=0.5, first_byte_ms=20.0, total_ms=25.0))
    kwargs.setdefault("url", "http://127.0.0.1:8080/items/7")
    return Response(status=status, reason=reason, http_version="HTTP/1.1", headers=all_headers, content=body, **kwargs)


def viewer_of(app: App[None]) -> ResponseViewer:
    return app.query_one(ResponseViewer)


@pytest.mark.parametrize(
    ("status", "reason", "css"),
    [(200, "OK", "-success"), (404, "Not Found", "-client-error"), (500, "Internal Server Error", "-server-error"), (301, "Moved", "-redirect")],
)
async def test_status_line(status: int, reason: str, css: str) -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(b"x" * 3000, status=status, reason=reason, wire_size=1200, decoded_size=3000))
        await pilot.pause()
        status_widget = viewer.query_one("#status")
        assert viewer.status_text.startswith(f"{status} {reason} · HTTP/1.1 · 25 ms")
        assert "2.9 KiB (1.2 KiB on the wire)" in viewer.status_text
        assert "new connection" in viewer.status_text
        assert status_widget.has_class(css)
        assert viewer.state == "done"
        # The class follows the status (not stacked).
        viewer.show_response(make_response(b"", status=204, reason="No Content", timings=Timings(total_ms=1500.0, reused=True)))
        await pilot.pause()
        assert status_widget.has_class("-success") and (css == "-success" or not status_widget.has_class(css))
        assert viewer.status_text == "204 No Content · HTTP/1.1 · 1.50 s · 0 B · connection reused"


async def test_json_is_shown_pretty_and_highlighted() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        body = b'{"name":"reqbench","tags":["a","b"],"n":1.5,"ok":true,"none":null}'
        viewer.show_response(make_response(body, content_type="application/json"))
        await settle(pilot)
        assert viewer.body_text.splitlines() == [
            "{",
            '  "name": "reqbench",',
            '  "tags": [',
            '    "a",',
            '    "b"',
            "  ],",
            '  "n": 1.5,',
            '  "ok": true,',
            '  "none": null',
            "}",
        ]
        view = viewer.body_view
        strip = view.render_line(1)
        assert strip.text.rstrip() == '  "name": "reqbench",'
        styles = {segment.text: segment.style for segment in strip if segment.text.strip()}
        assert styles['"name"'] != styles['"reqbench"']  # key and string coloured differently
        # raw/pretty toggle
        await pilot.press("p")
        await pilot.pause()
        assert viewer.body_text == body.decode()
        await pilot.press("p")
        await pilot.pause()
        assert viewer.body_text.startswith("{\n")


async def test_invalid_json_stays_raw_with_a_notice() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(b'{"a": 1,', content_type="application/json"))
        await settle(pilot)
        assert viewer.body_text == '{"a": 1,'
        assert "Not valid JSON" in viewer.body_panel.notice


async def test_text_decoded_with_the_chosen_encoding() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        body = "café, naïve, 20 €?".replace("€", "E").encode("latin-1")
        viewer.show_response(make_response(body, content_type="text/plain; charset=iso-8859-1", detected_encoding="iso-8859-1"))
        await pilot.pause()
        assert viewer.body_text == "café, naïve, 20 E?"
        # A user override wins over the detected encoding.
        viewer.show_response(make_response("ünï".encode("latin-1"), content_type="text/plain", detected_encoding="utf-8", encoding="latin-1"))
        await pilot.pause()
        assert viewer.body_text == "ünï"
        assert viewer.body_panel.kind == "text"


async def test_binary_bodies_are_hex_dumped() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        png = b"\x89PNG\r\n\x1a\n" + bytes(range(40))
        viewer.show_response(make_response(png, content_type="image/png"))
        await pilot.pause()
        lines = viewer.body_text.splitlines()
        assert viewer.body_panel.kind == "binary"
        assert lines[0] == "00000000  89 50 4e 47 0d 0a 1a 0a  00 01 02 03 04 05 06 07  |.PNG............|"
        assert len(lines) == 3
        assert "hex dump" in viewer.body_panel.notice
        # No content type and not decodable as UTF-8: hex as well.
        viewer.show_response(make_response(b"\xff\xfe\x00\x01garbage", content_type=""))
        await pilot.pause()
        assert viewer.body_panel.kind == "binary"
        assert viewer.body_text.startswith("00000000  ff fe 00 01")


class AppPaneHost(Host):
    """The viewer 4 columns narrower than the screen, as the app's response pane is (76 at 80)."""

    CSS = "ResponseViewer { margin-right: 4; }"


def visible_body_rows(app: App[None], view: BodyView) -> list[str]:
    """The body rows as the screen shows them (scrollbar columns left out)."""
    region = view.scrollable_content_region
    strips = app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right).text.rstrip() for y in range(region.y, region.bottom)]


async def test_hex_dump_fits_the_pane_width() -> None:
    """At 80x24 the pane (minus the scrollbar) is narrower than a 16-byte line (78 columns): the
    dump uses 8 bytes per line, so the whole ASCII column shows without scrolling sideways. Wider,
    16 bytes per line, re-flowed on resize (same data object, the top byte stays in view, the
    search is redone)."""
    app = AppPaneHost()
    body = bytes((i * 37 + 11) % 256 for i in range(4096))
    body = body[:0x800] + b"NEEDLE" + body[0x806:]
    async with app.run_test(size=(80, 24)) as pilot:
        viewer = viewer_of(app)
        view = viewer.body_view
        viewer.show_response(make_response(body, content_type="application/octet-stream"))
        await pilot.pause()
        lines = view.lines
        assert isinstance(lines, HexLines) and lines.bytes_per_line == 8
        assert view.scrollable_content_region.width == 74  # a 16-byte line (78 columns) would be cut
        assert view.virtual_size.width <= view.scrollable_content_region.width  # no sideways scroll
        assert not view.show_horizontal_scrollbar
        rows = visible_body_rows(app, view)
        assert rows[0] == lines[0] and rows[0].endswith("|") and len(rows[0]) == 45
        assert all(row.endswith("|") for row in rows)
        assert viewer.body_panel.notice.endswith("hex dump of 4.0 KiB")

        view.search("NEEDLE")
        await settle(pilot)
        assert [m[0] for m in view.matches] == [0x800 // 8]
        top = view.scroll_offset.y
        assert top <= 0x800 // 8 < top + view.size.height

        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        wide = view.lines
        assert isinstance(wide, HexLines) and wide.bytes_per_line == 16 and wide.size == len(body)
        assert [m[0] for m in view.matches] == [0x800 // 16]  # the search follows the re-flow
        top = view.scroll_offset.y
        assert top <= 0x800 // 16 < top + view.size.height
        rows = visible_body_rows(app, view)
        assert rows[0] == wide[top] and len(rows[0]) == 78 and rows[0].endswith("|")
        assert any("|NEEDLE" in row for row in rows)

        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert isinstance(view.lines, HexLines) and view.lines.bytes_per_line == 8
        assert all(row.endswith("|") for row in visible_body_rows(app, view))


async def test_headers_keep_repeats_in_order() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        headers = (("Set-Cookie", "a=1"), ("X-Other", "z"), ("Set-Cookie", "b=2"))
        viewer.show_response(make_response(b"ok", headers=headers))
        viewer.tabs.active = "tab-headers"
        await pilot.pause()
        assert viewer.headers_text.splitlines() == [
            "Content-Type: text/plain; charset=utf-8",
            "Set-Cookie: a=1",
            "X-Other: z",
            "Set-Cookie: b=2",
        ]


async def test_timing_tab() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        timings = Timings(dns_ms=4.0, connect_ms=6.0, tls_ms=10.0, request_sent_ms=1.0, first_byte_ms=41.0, total_ms=61.0)
        viewer.show_response(make_response(b"ok", timings=timings))
        viewer.tabs.active = "tab-timing"
        await pilot.pause()
        text = viewer.timing_text
        for label, value in [("DNS", "4.0 ms"), ("Connect", "6.0 ms"), ("TLS", "10.0 ms"), ("Request sent", "1.0 ms"), ("Waiting (TTFB)", "20.0 ms"), ("Content", "20.0 ms"), ("Total", "61.0 ms")]:
            line = next(line for line in text.splitlines() if line.startswith(label))
            assert value in line and "█" in line
        assert "New connection." in text
        reused = Timings(request_sent_ms=0.2, first_byte_ms=1.0, total_ms=2.0, reused=True)
        viewer.show_response(make_response(b"ok", timings=reused))
        await pilot.pause()
        text = viewer.timing_text
        assert "reused" in text
        assert next(line for line in text.splitlines() if line.startswith("DNS")).endswith("not needed")


async def test_request_tab_shows_what_was_sent_and_redirects() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        request = ResolvedRequest(name="r", method="GET", url="http://127.0.0.1:1/start", params=(("q", "a b"),))
        viewer.show_sending(request)
        sent = SentRequest(method="GET", url="http://127.0.0.1:1/final?q=a+b", headers=(("Host", "127.0.0.1:1"), ("Accept", "*/*")))
        history = (RedirectHop(302, "http://127.0.0.1:1/start?q=a+b"), RedirectHop(301, "http://127.0.0.1:1/middle"))
        viewer.show_response(make_response(b"done", sent=sent, history=history, url="http://127.0.0.1:1/final?q=a+b"))
        viewer.tabs.active = "tab-request"
        await pilot.pause()
        text = viewer.request_text
        assert text.splitlines()[0] == "GET http://127.0.0.1:1/final?q=a+b"
        assert "  302 http://127.0.0.1:1/start?q=a+b" in text
        assert "  301 http://127.0.0.1:1/middle" in text
        assert "  → http://127.0.0.1:1/final?q=a+b" in text
        assert "Accept: */*" in text
        assert to_curl(request, multiline=True) in text
        # The body that went out, from the resolved request.
        form = ResolvedRequest(name="f", method="POST", url="http://h/f", body=ResolvedBody(kind="form", form=(("a", "1"), ("b", "x y"))))
        viewer.show_sending(form)
        assert "Body (form):\na=1\nb=x y" in viewer.request_text
        viewer.show_response(make_response(b"ok", sent=SentRequest("POST", "http://h/f", (("Content-Length", "9"),), body_size=9)))
        await pilot.pause()
        assert "Body: 9 B\nBody (form):\na=1\nb=x y" in viewer.request_text
        long_json = ResolvedRequest(name="j", method="POST", url="http://h/j", body=ResolvedBody(kind="json", text="[" + "1," * 5000 + "1]"))
        viewer.show_sending(long_json)
        assert viewer.request_text.endswith("\n… (6,003 more characters)")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (errors.ConnectError("connection refused: 127.0.0.1:9"), "Could not connect: connection refused: 127.0.0.1:9"),
        (errors.TimeoutError("read timed out", phase="reading the response", after_s=2.0), "Timed out while reading the response after 2 s."),
        (errors.TLSError("certificate verify failed"), "verify = false"),
        (errors.ProtocolError("connection reset", bytes_received=2048), "2.0 KiB received"),
        (errors.Cancelled(part_path=Path("/tmp/x.part"), bytes_received=10), "Cancelled\n10 B received.\nThe partial download is kept at /tmp/x.part"),
        (errors.VariableError("unknown variable token", request="login", field="url", variable="token"), "{{token}} is not defined"),
        (errors.BodyError("JSON body does not parse: line 1"), "Invalid body: JSON body does not parse"),
        (errors.PathError("cannot read body file", path="/nope"), "Path: /nope"),
    ],
)
async def test_errors_are_shown_in_the_pane(error: errors.ReqbenchError, expected: str) -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_sending(ResolvedRequest(name="r", method="GET", url="http://127.0.0.1:9/"))
        viewer.show_error(error)
        await pilot.pause()
        assert expected in viewer.error_text
        assert viewer.state == "error"
        message = viewer.query_one("#error-message")
        assert message.has_class("error") and message.display
        assert not viewer.tabs.display
        assert viewer.query_one("#status").has_class("-failed")
        assert viewer.response is None
        await pilot.press("u")  # the failed request's URL can still be copied
        assert app.copied[-1] == "http://127.0.0.1:9/"
        # The next response replaces the error.
        viewer.show_response(make_response(b"ok"))
        await pilot.pause()
        assert viewer.state == "done" and not message.display and viewer.error_text == ""
        assert viewer.tabs.display


async def test_progress_known_and_unknown_totals() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_sending(ResolvedRequest(name="r", method="GET", url="http://h/big"))
        await pilot.pause()
        transfer = viewer.transfer
        assert transfer.display and transfer.indeterminate
        assert viewer.status_text == "Sending GET http://h/big …"
        viewer.show_progress(Progress("download", done=512 * 2**20, total=2**30, rate=256 * 2**20, elapsed_s=2.0))
        await pilot.pause()
        assert transfer.total == 2**30 and transfer.progress == 512 * 2**20 and not transfer.indeterminate
        assert transfer.text == "↓ 512.0 MiB / 1.0 GiB · ETA 2.0 s · 256.0 MiB/s"
        assert "esc cancel" in str(transfer.query_one("#transfer-hint").render())
        viewer.show_progress(Progress("upload", done=3000, total=None, rate=1500.0, elapsed_s=2.0))
        await pilot.pause()
        assert transfer.indeterminate and transfer.progress == 3000
        assert transfer.text == "↑ 2.9 KiB (size unknown) · 1.5 KiB/s · 2.0 s elapsed"
        viewer.show_response(make_response(b"ok"))
        await pilot.pause()
        assert not transfer.display


async def test_copy_body_url_and_curl() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        request = ResolvedRequest(name="r", method="POST", url="http://h/x", body=ResolvedBody(kind="json", text='{"a":1}'))
        viewer.show_sending(request)
        viewer.show_response(make_response(b'{"a":1}', content_type="application/json", url="http://h/x?final=1"))
        await settle(pilot)
        viewer.body_view.focus()
        await pilot.press("c")
        assert app.copied[-1] == '{\n  "a": 1\n}'
        await pilot.press("u")
        assert app.copied[-1] == "http://h/x?final=1"
        await pilot.press("k")
        assert app.copied[-1] == to_curl(request)
        # Without the resolved request, the curl command comes from what was sent.
        sent = SentRequest(method="DELETE", url="http://h/y", headers=(("X-A", "1"),))
        viewer.clear()
        viewer.show_response(make_response(b"", sent=sent))
        await pilot.pause()
        await pilot.press("k")
        assert app.copied[-1] == "curl -X DELETE -H 'X-A: 1' http://h/y"


async def test_save_body_writes_the_file(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        body = '{"é":1}'.encode()
        viewer.show_response(make_response(body, content_type="application/json"))
        await settle(pilot)
        viewer.body_view.focus()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveBodyScreen)
        field = app.screen.query_one(Input)
        assert field.value == "7.json"
        target = tmp_path / "saved.json"
        field.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SaveBodyScreen)
        assert target.read_bytes() == body  # as received, not the pretty view
        assert any("Saved 8 B" in message for _, message in app.notes)
        # An unwritable path: an error notification, the app keeps running.
        viewer.save_body(tmp_path / "missing-dir" / "x.json")
        await settle(pilot)
        assert app.notes[-1][0] == "error" and "Could not save" in app.notes[-1][1]


async def test_spilled_and_downloaded_bodies_show_first_part(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        whole = b"".join(b"line %d\n" % i for i in range(100_000))
        spill = tmp_path / "spill.bin"
        spill.write_bytes(whole)
        first = whole[:1000]
        viewer.show_response(make_response(first, body_path=spill, decoded_size=len(whole)))
        await settle(pilot)
        assert viewer.body_text.splitlines()[0] == "line 0"
        assert viewer.body_view.line_count == first.count(b"\n") + 1  # the cut last line too
        assert f"Full body saved at {spill}" in viewer.body_panel.notice
        assert "Showing the first 1000 B of" in viewer.body_panel.notice
        # A download with no in-memory content: the viewer reads the first part itself.
        viewer.show_response(make_response(b"", body_path=spill, downloaded=True, decoded_size=len(whole)))
        await settle(pilot)
        assert viewer.body_view.line_count == 100_000
        assert f"Downloaded to {spill}" in viewer.body_panel.notice
        # Saving copies the file.
        target = tmp_path / "copy.txt"
        viewer.save_body(target)
        await app.workers.wait_for_complete()
        assert target.read_bytes() == whole


async def test_five_megabyte_json_is_raw_at_once_then_pretty() -> None:
    data = {"items": [{"id": i, "name": f"item {i}", "tags": ["x", "y"], "value": i * 0.5, "note": "n" * 20} for i in range(60_000)]}
    body = orjson.dumps(data)
    assert len(body) > 5 * 10**6
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(body, content_type="application/json"))
        # Synchronously after show_response: the raw text is there, one (minified) line.
        view = viewer.body_view
        assert view.line_count == 1
        assert view.lines[0].startswith('{"items":[{"id":0,')
        assert viewer.body_panel.formatting
        await settle(pilot)
        assert not viewer.body_panel.formatting
        assert view.line_count == 60_000 * 10 + 4  # 10 lines per item, plus the wrapper
        assert view.lines[:3] == ["{", '  "items": [', "    {"]
        assert view.render_line(1).text.rstrip() == '  "items": ['
        # Only what is on screen was rendered, not the 600,000 lines.
        assert view.lines_rendered <= 2 * (view.size.height + 2)  # the raw paint, then the pretty one


async def test_only_visible_lines_are_rendered() -> None:
    body = b"".join(b"row %06d of a long text body\n" % i for i in range(200_000))
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(body))
        await settle(pilot)
        view = viewer.body_view
        assert view.line_count == 200_000
        height = view.size.height
        assert 0 < view.lines_rendered <= height + 2
        before = view.lines_rendered
        view.focus()
        await pilot.press("pagedown")
        await pilot.pause()
        assert view.scroll_offset.y > 0
        assert view.lines_rendered - before <= height + 2
        await pilot.press("end")
        await pilot.pause()
        assert view.render_line(view.size.height - 1).text.startswith("row 199999")
        assert view.lines_rendered <= 3 * (height + 2)


async def test_long_lines_scroll_horizontally() -> None:
    line = "".join(f"{i:05d}," for i in range(20_000))  # one 120,000-character line
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(line.encode()))
        await pilot.pause()
        view = viewer.body_view
        assert view.virtual_size.width >= len(line)
        assert view.render_line(0).text.startswith("00000,00001,")
        view.scroll_to(x=60_000, animate=False)
        await pilot.pause()
        assert view.render_line(0).text.startswith(line[60_000 : 60_000 + 20])


async def test_search_jumps_to_a_match_deep_in_a_large_body() -> None:
    lines = [f"line {i}: lorem ipsum dolor" for i in range(150_000)]
    lines[123_456] = "line 123456: the NEEDLE is here"
    lines[140_000] = "line 140000: another needle"
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response("\n".join(lines).encode()))
        await settle(pilot)
        view = viewer.body_view
        view.focus()
        await pilot.press("slash")
        await pilot.pause()
        assert viewer.body_panel.search_open
        await pilot.press(*"needle", "enter")
        await settle(pilot)
        assert [m[0] for m in view.matches] == [123_456, 140_000]  # lower-case query: case-insensitive
        assert view.current_match == 0
        top = view.scroll_offset.y
        assert top <= 123_456 < top + view.size.height
        row = 123_456 - top
        strip = view.render_line(row)
        assert "the NEEDLE is here" in strip.text
        base = list(strip)[0].style.bgcolor
        assert [seg.text for seg in strip if seg.style and seg.style.bgcolor != base] == ["NEEDLE"]
        status = viewer.query_one("#body-search-status")
        assert str(status.render()) == "1/2"
        await pilot.press("enter")  # enter again: next match
        await pilot.pause()
        assert view.current_match == 1
        top = view.scroll_offset.y
        assert top <= 140_000 < top + view.size.height
        await pilot.press("escape")
        await pilot.pause()
        assert not viewer.body_panel.search_open and view.has_focus
        await pilot.press("N")
        await pilot.pause()
        assert view.current_match == 0
        # Upper case in the query: case-sensitive.
        view.search("NEEDLE")
        await settle(pilot)
        assert [m[0] for m in view.matches] == [123_456]


async def test_focus_goes_to_the_body_or_the_tabs() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(b"hello"))
        app.set_focus(None)
        viewer.focus()
        await pilot.pause()
        assert app.focused is viewer.body_view
        viewer.tabs.active = "tab-headers"
        app.set_focus(None)
        viewer.focus()
        await pilot.pause()
        assert app.focused is not None and viewer in app.focused.ancestors
        await pilot.press("u")  # the viewer's keys work from there
        assert app.copied[-1] == "http://127.0.0.1:8080/items/7"
        # A tab switched from code while the body had the focus: the focus stays in the pane.
        viewer.tabs.active = "tab-body"
        await pilot.pause()
        viewer.body_view.focus()
        await pilot.pause()
        viewer.tabs.active = "tab-timing"
        await pilot.pause()
        await pilot.pause()
        assert app.focused is not None and viewer in app.focused.ancestors


async def test_clear_resets_everything() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(b"hello"))
        await pilot.pause()
        viewer.clear()
        await pilot.pause()
        assert viewer.status_text == "No response yet."
        assert viewer.body_text == "" and viewer.headers_text == "" and viewer.response is None
        assert viewer.state == "idle" and not viewer.transfer.display
