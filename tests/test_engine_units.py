"""Pure units of the engine: URL building, body encoding, progress throttling, timings.

No server needed: these check how requests are built, not what a server would see.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tui.core import errors
from tui.core.engine.build import build_url, prepare
from tui.core.engine.progress import ProgressMeter
from tui.core.engine.bodies import encode_body
from tui.core.engine.events import Event, Progress
from tui.core.collection.model import Auth
from tui.core.engine.resolved import ResolvedBody, ResolvedPart, ResolvedRequest
from tui.core.engine.timing import TraceRecorder


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        ("http://h/p", (), "http://h/p"),
        ("http://h/p?a=1", (("b", "2"),), "http://h/p?a=1&b=2"),
        ("http://h/p?a=1", (("a", "2"), ("a", "3")), "http://h/p?a=1&a=2&a=3"),
        ("http://h/p", (("q", "a b&c"),), "http://h/p?q=a+b%26c"),
        ("https://h:8443/p#frag", (("x", "1"),), "https://h:8443/p?x=1#frag"),
    ],
)
def test_build_url(url: str, params: tuple[tuple[str, str], ...], expected: str) -> None:
    assert str(build_url(url, params)) == expected


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_throttled_with_a_final_event() -> None:
    clock = FakeClock()
    events: list[Event] = []
    meter = ProgressMeter("download", 10_000, events.append, interval_s=0.1, clock=clock)
    for step in range(1, 10_001):  # 10,000 chunks over 2 s of fake time
        clock.now = step * 0.0002
        meter.update(step)
    meter.finish()
    meter.finish()  # only one final event
    assert all(isinstance(e, Progress) for e in events)
    assert 19 <= len(events) <= 21  # ~10 a second plus the final one
    final = events[-1]
    assert isinstance(final, Progress)
    assert final.done == final.total == 10_000 and final.eta_s == 0
    assert final.rate == pytest.approx(5000.0)  # 1 byte per 0.2 ms, steady


def test_progress_without_listener_sends_nothing() -> None:
    meter = ProgressMeter("upload", None, None)
    meter.update(5)
    meter.finish()
    assert meter.events_sent == 0 and meter.done == 5


async def _body_bytes(request: ResolvedRequest) -> tuple[httpx.Request, bytes]:
    prepared = prepare(request)
    try:
        built = httpx.Request(
            prepared.method,
            prepared.url,
            headers=prepared.headers,
            content=prepared.body.content,
            files=prepared.body.files,
        )
        prepared.body.finish(built)
        return built, await built.aread()
    finally:
        prepared.body.close()


async def test_multipart_parts_in_order_with_filenames_and_types(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a,b\n")
    other = tmp_path / "myfile.txt"
    other.write_text("hello\n")
    body = ResolvedBody(
        kind="multipart",
        parts=(
            ResolvedPart(name="username", value="tom"),
            ResolvedPart(name="upload", file=data),
            ResolvedPart(name="file", file=other, filename="tom.txt", content_type="application/x-custom"),
            ResolvedPart(name="password", value="123"),
        ),
    )
    built, raw = await _body_bytes(ResolvedRequest(name="t", method="POST", url="http://h/post", body=body))
    text = raw.decode()
    assert built.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert built.headers["Content-Length"] == str(len(raw))
    order = [text.index(f'name="{n}"') for n in ("username", "upload", "file", "password")]
    assert order == sorted(order)
    assert 'name="upload"; filename="data.csv"\r\nContent-Type: text/csv' in text
    assert 'name="file"; filename="tom.txt"\r\nContent-Type: application/x-custom' in text
    assert 'name="username"\r\n\r\ntom\r\n' in text  # value parts: no filename, no Content-Type


async def test_multipart_file_is_not_read_before_sending(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * 1000)
    body = encode_body(ResolvedBody(kind="multipart", parts=(ResolvedPart(name="f", file=path),)), has_content_type=False)
    try:
        assert body.files is not None
        handle = body.files[0][1][1]
        assert handle.tell() == 0  # an open file handed to httpx, not its bytes
    finally:
        body.close()
    assert handle.closed


async def test_multipart_content_type_override_keeps_a_boundary(tmp_path: Path) -> None:
    body = ResolvedBody(kind="multipart", parts=(ResolvedPart(name="a", value="1"),), content_type="multipart/mixed")
    built, raw = await _body_bytes(ResolvedRequest(name="t", method="POST", url="http://h/", body=body))
    content_type = built.headers["Content-Type"]
    assert content_type.startswith("multipart/mixed; boundary=")
    boundary = content_type.split("boundary=", 1)[1]
    assert raw.startswith(f"--{boundary}\r\n".encode())


async def test_user_content_type_header_wins() -> None:
    body = ResolvedBody(kind="json", text="{}", content_type="application/vnd.x+json")
    request = ResolvedRequest(name="t", method="POST", url="http://h/", headers=(("content-type", "text/x"),), body=body)
    built, _ = await _body_bytes(request)
    assert built.headers.get_list("Content-Type") == ["text/x"]


async def test_bearer_auth_header() -> None:
    request = ResolvedRequest(name="t", method="get", url="http://h/", auth=Auth(kind="bearer", token="abc"))
    built, _ = await _body_bytes(request)
    assert built.method == "GET"
    assert built.headers["Authorization"] == "Bearer abc"


def test_bad_base64_is_a_body_error() -> None:
    with pytest.raises(errors.BodyError, match="base64"):
        encode_body(ResolvedBody(kind="base64", text="not base64!"), has_content_type=False)


async def test_trace_recorder_timings() -> None:
    clock = FakeClock()
    recorder = TraceRecorder(clock=clock)
    for at, name in [
        (0.001, "connection.connect_tcp.started"),
        (0.003, "connection.connect_tcp.complete"),
        (0.003, "connection.start_tls.started"),
        (0.010, "connection.start_tls.complete"),
        (0.010, "http11.send_request_headers.started"),
        (0.011, "http11.send_request_body.complete"),
        (0.020, "http11.receive_response_headers.complete"),
    ]:
        clock.now = at
        await recorder(name, {})
    clock.now = 0.050
    timings = recorder.timings()
    assert timings.connect_ms == pytest.approx(2.0)
    assert timings.tls_ms == pytest.approx(7.0)
    assert timings.request_sent_ms == pytest.approx(1.0)
    assert timings.first_byte_ms == pytest.approx(20.0)
    assert timings.total_ms == pytest.approx(50.0)
    assert timings.reused is False and timings.dns_ms is None
    assert TraceRecorder(clock=clock).timings().reused is True


def test_units_need_no_event_loop_state() -> None:
    # the progress meter and URL builder are synchronous: usable from replay and UI alike
    assert not asyncio.iscoroutinefunction(ProgressMeter.update)
