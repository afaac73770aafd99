"""The echo server parses HTTP/1.1 as strictly as gunicorn and h11 do (raw sockets on 127.0.0.1).

Every malformed request gets an error status at once — never a hang, never a 200 — and the
server keeps serving other connections afterwards.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from tui.echo import EchoServer

HOST = b"Host: h\r\nConnection: close\r\n"


@pytest.fixture(scope="module")
def server() -> Iterator[EchoServer]:
    with EchoServer() as running:
        yield running


def _raw(server: EchoServer, payload: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes, read until the server closes; a socket timeout fails the test."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def _json_body(reply: bytes) -> dict[str, object]:
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding" not in head
    loaded: dict[str, object] = json.loads(body)
    return loaded


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"GET /get HTTP/1.1\nHost: h\nConnection: close\n\n", id="bare LF"),
        pytest.param(b"GET /get HTTP/1.1\r\nHost: h\nConnection: close\r\n\r\n", id="one bare LF"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Content-Length: +5\r\n\r\nhello", id="CL +5"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Content-Length: 1_0\r\n\r\nhelloworld", id="CL 1_0"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", id="CL twice"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", id="chunk 0x5"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n", id="chunk +5"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n 5 \r\nhello\r\n0\r\n\r\n", id="chunk space 5"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", id="TE chunked twice"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", id="TE header twice"),
        pytest.param(b"POST /post HTTP/1.0\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", id="chunked on HTTP/1.0"),
        pytest.param(b"GET /get HTTP/1.1\r\n" + HOST + b"X-A: a\x00b\r\n\r\n", id="NUL in value"),
        pytest.param(b"GET /get HTTP/1.1\r\n" + HOST + b"X-A: a\rb\r\n\r\n", id="bare CR in value"),
        pytest.param("GET /é HTTP/1.1\r\n".encode() + HOST + b"\r\n", id="raw UTF-8 in target"),
        pytest.param(b"GET /get HTTP/1.1\r\n" + HOST + b"X A: b\r\n\r\n", id="space in name"),
        pytest.param(b"get /get HTTP/1.1\r\n" + HOST + b"\r\n", id="lowercase method"),
        pytest.param(b"GET /get HTTP/1.1\r\nHost: h\r\n folded: x\r\nConnection: close\r\n\r\n", id="obs-fold"),
        pytest.param(b"GET  /get HTTP/1.1\r\n" + HOST + b"\r\n", id="two spaces"),
        pytest.param(b"GET /get HTTP/1.1\r\nConnection: close\r\n\r\n", id="HTTP/1.1 without Host"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", id="CL and TE"),
        pytest.param(b"POST /post HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", id="chunk without CRLF"),
        pytest.param(b"GET /get HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n", id="two Hosts"),
    ],
)
def test_malformed_request_is_answered_400_at_once(server: EchoServer, payload: bytes) -> None:
    reply = _raw(server, payload)
    assert _status(reply) == 400, reply[:300]
    assert b"Connection: close" in reply.partition(b"\r\n\r\n")[0]
    assert httpx.get(server.url + "/get").status_code == 200


def test_unsupported_transfer_coding_is_501(server: EchoServer) -> None:
    reply = _raw(server, b"POST /post HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
    assert _status(reply) == 501


def test_chunk_size_line_too_long_is_400(server: EchoServer) -> None:
    reply = _raw(server, b"POST /post HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\n" + b"1" * 70_000 + b"\r\n")
    assert _status(reply) == 400


def test_empty_lines_before_the_request_line_are_ignored(server: EchoServer) -> None:
    reply = _raw(server, b"\r\n\r\nGET /get?a=1 HTTP/1.1\r\n" + HOST + b"\r\n")
    assert _status(reply) == 200
    assert _json_body(reply)["args"] == {"a": "1"}


def test_empty_line_between_keep_alive_requests_is_ignored(server: EchoServer) -> None:
    first = b"POST /post HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi\r\n"
    second = b"GET /get?n=2 HTTP/1.1\r\n" + HOST + b"\r\n"
    reply = _raw(server, first + second)
    assert reply.count(b"HTTP/1.1 200 OK") == 2
    assert b'"n": "2"' in reply


def test_fragment_never_reaches_the_query(server: EchoServer) -> None:
    reply = _raw(server, b"GET /get?a=1#frag&b=2 HTTP/1.1\r\n" + HOST + b"\r\n")
    body = _json_body(reply)
    assert body["args"] == {"a": "1"}
    assert body["url"] == "http://h/get?a=1"


def test_expect_100_continue_from_http10_is_ignored(server: EchoServer) -> None:
    reply = _raw(server, b"POST /post HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi")
    assert not reply.startswith(b"HTTP/1.1 100")
    assert b"100 Continue" not in reply
    assert _status(reply) == 200 and _json_body(reply)["data"] == "hi"


def test_expect_100_continue_on_http11_still_answered(server: EchoServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"POST /post HTTP/1.1\r\n" + HOST + b"Content-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"abc")
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk
    assert b'"data": "abc"' in rest


def test_pipelined_requests_are_answered_in_order(server: EchoServer) -> None:
    payload = (b"GET /get?n=1 HTTP/1.1\r\nHost: h\r\n\r\n"
               b"POST /post HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
               b"GET /get?n=3 HTTP/1.1\r\n" + HOST + b"\r\n")
    reply = _raw(server, payload)
    assert reply.count(b"HTTP/1.1 200 OK") == 3
    assert reply.index(b'"n": "1"') < reply.index(b'"data": "abc"') < reply.index(b'"n": "3"')


def test_http10_keep_alive_is_honoured(server: EchoServer) -> None:
    payload = b"GET /get?n=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /get?n=2 HTTP/1.0\r\n\r\n"
    reply = _raw(server, payload)
    assert reply.count(b"HTTP/1.1 200 OK") == 2
    assert b"Connection: keep-alive" in reply.split(b"\r\n\r\n")[0]


def test_http_2_request_line_is_505_and_a_later_minor_version_is_served_as_11(server: EchoServer) -> None:
    assert _status(_raw(server, b"GET /get HTTP/2.0\r\n" + HOST + b"\r\n")) == 505
    assert _status(_raw(server, b"GET /get HTTP/1.2\r\n" + HOST + b"\r\n")) == 200
