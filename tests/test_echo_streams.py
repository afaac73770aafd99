"""Streaming endpoints of the echo server: /sse, /stream/{n}, paced by `interval`.

Pacing is checked by synchronisation, never by the clock: with `interval=60` the server
cannot send the second event for a minute, so reading the first one (under a 10 s client
timeout) proves it was delivered on its own, before the second existed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tui.echo import EchoServer

TIMEOUT = httpx.Timeout(10.0)


@pytest.fixture(scope="module")
def server() -> Iterator[EchoServer]:
    with EchoServer() as running:
        yield running


@dataclass
class Event:
    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


def _parse(lines: Iterator[str]) -> Iterator[Event]:
    """A small WHATWG event-stream parser (the test's own, independent of the server's)."""
    data: list[str] = []
    current = Event()
    last_id: str | None = None
    for line in lines:
        if line == "":
            if data:
                current.data, current.id = "\n".join(data), last_id
                yield current
            data, current = [], Event(retry=current.retry if not data else None)
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name == "event":
            current.event = value
        elif name == "id":
            last_id = value
        elif name == "retry" and value.isdigit():
            current.retry = int(value)


def _events(server: EchoServer, **params: str | int) -> list[Event]:
    response = httpx.get(server.url + "/sse", params={"interval": 0, **params}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return list(_parse(iter(response.text.split("\n"))))


def test_first_event_arrives_before_the_second_is_sent(server: EchoServer) -> None:
    with httpx.Client(timeout=TIMEOUT) as client, client.stream("GET", server.url + "/sse", params={"count": 2, "interval": 60}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["transfer-encoding"] == "chunked"
        first = next(_parse(response.iter_lines()))
        assert json.loads(first.data) == {"n": 0, "count": 2}
        assert not response.is_closed  # the second event is a minute away


def test_events_with_names_ids_retry_comments_and_multiline_data(server: EchoServer) -> None:
    response = httpx.get(server.url + "/sse", params={"count": 3, "interval": 0, "event": "add,remove", "id": 41,
                                                      "retry": 2500, "comment": "keep-alive", "data": "line {n}\nsecond"},
                         timeout=TIMEOUT)
    assert response.text.startswith("retry: 2500\n\n: keep-alive\n")
    events = list(_parse(iter(response.text.split("\n"))))
    assert [(e.event, e.id, e.data) for e in events] == [
        ("add", "41", "line 0\nsecond"), ("remove", "42", "line 1\nsecond"), ("add", "43", "line 2\nsecond")]


def test_defaults_are_plain_json_events(server: EchoServer) -> None:
    events = _events(server)
    assert [json.loads(e.data) for e in events] == [{"n": n, "count": 5} for n in range(5)]
    assert {(e.event, e.id) for e in events} == {("message", None)}


def test_data_with_line_breaks_cannot_forge_fields(server: EchoServer) -> None:
    events = _events(server, count=1, data="a\r\nevent: evil\rid: 666")
    assert [(e.event, e.id, e.data) for e in events] == [("message", None, "a\nevent: evil\nid: 666")]


@pytest.mark.parametrize(
    "params",
    [{"event": "a\nb"}, {"event": "a\rdata: x"}, {"id": "1\n2"}, {"id": "x"}, {"count": -1}, {"count": 100_001},
     {"interval": "inf"}, {"interval": "soon"}, {"retry": "-5"}],
)
def test_bad_parameters_are_400_before_any_event(server: EchoServer, params: dict[str, str | int]) -> None:
    response = httpx.get(server.url + "/sse", params=params, timeout=TIMEOUT)
    assert response.status_code == 400
    assert "text/event-stream" not in response.headers.get("content-type", "")


def test_endless_stream_until_the_client_leaves(server: EchoServer) -> None:
    with httpx.Client(timeout=TIMEOUT) as client:
        with client.stream("GET", server.url + "/sse", params={"count": 0, "interval": 0}) as response:
            events = _parse(response.iter_lines())
            seen = [json.loads(next(events).data)["n"] for _ in range(2000)]
        assert seen == list(range(2000))
        assert client.get(server.url + "/get").status_code == 200


def test_post_json_streams_like_a_chat_completion(server: EchoServer) -> None:
    body = {"model": "tiny", "stream": True, "messages": [{"role": "system", "content": "be brief"},
                                                          {"role": "user", "content": "Hello there, echo"}]}
    with httpx.Client(timeout=TIMEOUT) as client, client.stream("POST", server.url + "/sse", json=body, params={"interval": 60}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        first = json.loads(next(_parse(response.iter_lines())).data)
        assert first["object"] == "chat.completion.chunk" and first["model"] == "tiny"
        assert first["choices"][0]["delta"] == {"role": "assistant", "content": "You "}
        assert not response.is_closed
    events = [e.data for e in _parse(iter(httpx.post(server.url + "/sse?interval=0", json=body, timeout=TIMEOUT).text.split("\n")))]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(data)["choices"][0] for data in events[:-1]]
    assert "".join(c["delta"].get("content", "") for c in chunks) == "You said: Hello there, echo"
    assert chunks[-1]["finish_reason"] == "stop"


def test_post_with_a_body_that_is_not_json_is_400(server: EchoServer) -> None:
    response = httpx.post(server.url + "/sse", content=b"not json", timeout=TIMEOUT)
    assert response.status_code == 400 and "JSON body" in response.text


def test_gzip_events_decode_one_by_one(server: EchoServer) -> None:
    with httpx.Client(timeout=TIMEOUT) as client, client.stream("GET", server.url + "/sse", params={"count": 2, "interval": 60, "gzip": "true"}) as response:
        assert response.headers["content-encoding"] == "gzip"
        first = next(_parse(response.iter_lines()))
        assert json.loads(first.data)["n"] == 0
        assert not response.is_closed


def test_partial_stream_ends_mid_event(server: EchoServer) -> None:
    response = httpx.get(server.url + "/sse", params={"count": 2, "interval": 0, "partial": "1"}, timeout=TIMEOUT)
    assert response.text.endswith('data: {"n": 1, "count": 2}\n')
    assert [json.loads(e.data)["n"] for e in _parse(iter(response.text.split("\n")[:-1]))] == [0]


def test_head_sse_has_headers_only(server: EchoServer) -> None:
    response = httpx.head(server.url + "/sse", timeout=TIMEOUT)
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"].startswith("text/event-stream")


def test_stream_lines_paced_and_ndjson_on_request(server: EchoServer) -> None:
    with httpx.Client(timeout=TIMEOUT) as client:
        with client.stream("GET", server.url + "/stream/2", params={"interval": 60}, headers={"Accept": "application/x-ndjson"}) as response:
            assert response.headers["content-type"] == "application/x-ndjson"
            first = json.loads(next(response.iter_lines()))
            assert first["id"] == 0 and first["args"] == {"interval": "60"}
            assert not response.is_closed
        plain = client.get(server.url + "/stream/3")
    assert plain.headers["content-type"] == "application/json"
    assert [json.loads(line)["id"] for line in plain.text.splitlines()] == [0, 1, 2]


def test_reconnect_with_last_event_id_resumes_after_it(server: EchoServer) -> None:
    params = {"count": 5, "interval": 0, "id": 10}
    response = httpx.get(server.url + "/sse", params=params, headers={"Last-Event-ID": "12"}, timeout=TIMEOUT)
    events = list(_parse(iter(response.text.split("\n"))))
    assert [(e.id, json.loads(e.data)["n"]) for e in events] == [("13", 3), ("14", 4)]
    done = httpx.get(server.url + "/sse", params=params, headers={"Last-Event-ID": "14"}, timeout=TIMEOUT)
    assert done.status_code == 200 and done.text == ""
    assert httpx.get(server.url + "/sse", params=params, headers={"Last-Event-ID": "x"}, timeout=TIMEOUT).status_code == 400
