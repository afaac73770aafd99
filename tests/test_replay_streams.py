"""Streams in collections and `reqbench run`: the `stream` option, stream expects and
`event:` captures, reports, and -v printing events as they arrive."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.core.collection import dumps, loads
from tui.core.errors import SchemaError
from tui.core.replay import Outcome, RunOptions, run, to_json, to_junit
from tui.echo import EchoServer


@pytest.fixture(scope="module")
def echo() -> Iterator[EchoServer]:
    with EchoServer() as server:
        yield server


def _collection(base: str, body: str):  # type: ignore[no-untyped-def]
    return loads(f'format = 1\n[variables]\nbase = "{base}"\n' + body, path="streams.toml")


STREAMS = """
[[requests]]
name = "ticks"
url = "{{base}}/sse?count=3&interval=0&event=tick&id=1&data=%7B%22n%22%3A{n}%7D"
[requests.expect]
events = 3
events_min = 2
event_contains = '"n":2'
event_json = { n = 1 }
ends_within_ms = 10000
[requests.capture]
last_id = "event:last:id"
first_n = "event:first:json:n"
second = "event:1:data"
name = "event:-1:event"

[[requests]]
name = "resume"
url = "{{base}}/sse?count=5&interval=0&id=1"
headers = { Last-Event-ID = "{{last_id}}" }
[requests.expect]
events = 2
"""


async def test_stream_expects_and_event_captures_pass(echo: EchoServer) -> None:
    summary = await run(_collection(echo.url, STREAMS))
    ticks, resume = summary.results
    assert ticks.outcome is Outcome.PASSED, ticks.message
    assert ticks.captured == {"last_id": "3", "first_n": "0", "second": '{"n":1}', "name": "tick"}
    assert resume.outcome is Outcome.PASSED, resume.message
    assert resume.response is not None and resume.response.stream is not None
    assert [e.id for e in resume.response.stream.events] == ["4", "5"]


async def test_stream_expects_fail_with_clear_messages(echo: EchoServer) -> None:
    body = """
[[requests]]
name = "few"
url = "{{base}}/sse?count=2&interval=0"
[requests.expect]
events = 3
events_min = 5
event_contains = "nope"
event_json = { n = 9 }
[requests.capture]
x = "event:7:data"

[[requests]]
name = "endless"
url = "{{base}}/sse?count=0&interval=60"
[requests.expect]
ends_within_ms = 200

[[requests]]
name = "not a stream"
url = "{{base}}/get"
[requests.expect]
events = 1
"""
    summary = await run(_collection(echo.url, body))
    few, endless, plain = summary.results
    messages = [f.message for f in few.failures]
    assert messages[0] == "events: expected 3, got 2"
    assert messages[1] == "events: expected at least 5, got 2"
    assert messages[2].startswith('events: none of 2 has data containing "nope"')
    assert messages[3].startswith("event json n: no event has 9; values seen: 0, 1")
    assert "there is no such event (2 arrived)" in messages[4]
    assert endless.outcome is Outcome.FAILED
    assert endless.failures[0].message.startswith("stream: expected to end within 200 ms; it was still going and was closed")
    assert endless.response is not None and endless.response.stream is not None
    assert endless.response.stream.ended == "stopped" and endless.response.stream.count == 1
    assert plain.failures[0].message.startswith("events: the response is not a stream (application/json)")
    report = json.loads(to_json(summary))
    assert report["results"][1]["stream"]["events"] == 1 and report["results"][1]["stream"]["ended"] == "stopped"
    assert report["results"][2]["stream"] is None
    junit = ET.fromstring(to_junit(summary))
    props = {p.get("name"): p.get("value") for p in junit.iter("property") if p.get("name", "").startswith("stream_")}
    assert props["stream_events"] == "1" and props["stream_ended"] == "stopped"
    assert float(props["stream_first_event_s"]) <= float(props["stream_last_event_s"])


async def test_without_kept_bodies_the_events_go_but_the_counts_stay(echo: EchoServer) -> None:
    summary = await run(_collection(echo.url, STREAMS), RunOptions(keep_bodies=False))
    stream = summary.results[0].response.stream  # type: ignore[union-attr]
    assert stream is not None and stream.events == () and stream.count == 3 and stream.last_s is not None
    assert summary.results[0].captured["last_id"] == "3"  # captured before the events were dropped


async def test_stream_option_forces_a_mode(echo: EchoServer) -> None:
    body = """
[[requests]]
name = "ndjson by content type is not automatic for application/json"
url = "{{base}}/stream/3"
stream = "ndjson"
[requests.expect]
events = 3
event_json = { id = 2 }
[requests.capture]
url = "event:last:json:url"

[[requests]]
name = "off"
url = "{{base}}/sse?count=2&interval=0"
stream = false
[requests.expect]
body_contains = "data: "
"""
    summary = await run(_collection(echo.url, body))
    forced, off = summary.results
    assert forced.outcome is Outcome.PASSED, forced.message
    assert forced.captured["url"].endswith("/stream/3")
    assert off.outcome is Outcome.PASSED and off.response is not None and off.response.stream is None


def test_stream_option_and_expects_round_trip() -> None:
    text = """format = 1

[[requests]]
name = "s"
url = "http://x/sse"
stream = "sse"

[requests.expect]
events = 5
events_min = 1
event_contains = "hi"
ends_within_ms = 1500
event_json = { "choices.0.finish_reason" = "stop" }

[requests.capture]
id = "event:last:id"
"""
    collection = loads(text)
    request = collection.requests[0]
    assert request.stream == "sse" and request.expect is not None
    assert request.expect.event_json == {"choices.0.finish_reason": "stop"}
    assert loads(dumps(collection)) == collection
    off = loads('format = 1\n[[requests]]\nname = "s"\nstream = false\n')
    assert off.requests[0].stream is False and "stream = false" in dumps(off)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('stream = "json"', '\'stream\' must be "sse", "ndjson", "lines" or false'),
        ("stream = true", "got true"),
        ("expect = { events = -1 }", "must be 0 or more"),
        ("expect = { events = 1.5 }", "must be a whole number"),
        ('capture = { x = "event:middle:data" }', "which event must be last, first or a number"),
        ('capture = { x = "event:last:body" }', "the field must be data, id, event or json:<dotted.path>"),
    ],
)
def test_bad_stream_settings_name_the_request_and_key(line: str, message: str) -> None:
    with pytest.raises(SchemaError) as caught:
        loads(f'format = 1\n[[requests]]\nname = "s"\n{line}\n', path="c.toml")
    text = str(caught.value)
    assert "c.toml" in text and "'s'" in text and message in text


def test_run_verbose_prints_events_as_they_arrive_and_quiet_stays_silent(echo: EchoServer, tmp_path: Path) -> None:
    """The first event line must be on stdout while the server still holds back the second
    (interval=60): read it from the running process, then stop it."""
    path = tmp_path / "s.toml"
    path.write_text(
        f'format = 1\n[[requests]]\nname = "slow"\nurl = "{echo.url}/sse?count=2&interval=60&id=1&data=x%1b[2Jy"\n'
    )
    proc = subprocess.Popen([sys.executable, "-m", "tui", "run", str(path), "-v"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        assert "a sse stream" in lines[0]
        assert "#0 id=1: x^[[2Jy" in lines[1] and "\x1b" not in lines[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    quiet_path = tmp_path / "q.toml"
    quiet_path.write_text(
        f'format = 1\n[[requests]]\nname = "fast"\nurl = "{echo.url}/sse?count=3&interval=0"\n[requests.expect]\nevents = 3\n'
    )
    quiet = subprocess.run([sys.executable, "-m", "tui", "run", str(quiet_path), "--quiet"], capture_output=True, text=True, timeout=60)
    assert quiet.returncode == 0
    assert "‹" not in quiet.stdout and "#0" not in quiet.stdout
