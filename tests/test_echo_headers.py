"""Nothing a client sends is reflected into a response header raw: no response splitting.

Every header a route sets passes one check in the reply writer (token names, no control
characters, Latin-1, framing headers are the server's); what fails it is answered 400 with a
body saying which header was refused, and the connection stays usable.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from tui.echo import EchoServer


@pytest.fixture(scope="module")
def server() -> Iterator[EchoServer]:
    with EchoServer() as running:
        yield running


def _exchange(server: EchoServer, target: str, extra: bytes = b"") -> tuple[int, list[bytes], bytes]:
    """(status, head lines after the status line, body) of one raw request."""
    request = f"GET {target} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n".encode() + extra + b"\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    status_line, *lines = head.split(b"\r\n")
    return int(status_line.split(b" ")[1]), lines, body


def _names(lines: list[bytes]) -> list[bytes]:
    return [line.partition(b":")[0].lower() for line in lines]


@pytest.mark.parametrize(
    "target",
    [
        "/response-headers?X-A=1%0d%0aX-Injected:%202",
        "/response-headers?X-A=1%0aX-Injected:%202",
        "/response-headers?X-A=1%0dX-Injected:%202",
        "/response-headers?X-Injected%0d%0aX-B=2",
        "/redirect-to?url=/get%0d%0aX-Injected:%201",
        "/redirect-to?url=/get%0aX-Injected:%201&status_code=307",
        "/cookies/delete?a%0d%0aX-Injected:%201",
    ],
)
def test_crlf_in_a_reflected_value_is_refused(server: EchoServer, target: str) -> None:
    status, lines, body = _exchange(server, target)
    assert status == 400
    assert b"x-injected" not in _names(lines)
    assert not any(b"Injected" in line for line in lines)
    assert b"refusing to send" in body


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("/response-headers?X-A=1%01", b"control characters"),
        ("/response-headers?X-A=%1b%5b31m", b"control characters"),
        ("/response-headers?X-A=a%00b", b"control characters"),
        ("/response-headers?X-A=%E2%9C%93", b"not Latin-1"),
        ("/response-headers?X%20A=1", b"not an HTTP token"),
        ("/response-headers?Transfer-Encoding=chunked", b"framing"),
        ("/response-headers?Connection=keep-alive", b"framing"),
    ],
)
def test_headers_that_cannot_be_sent_safely_are_refused(server: EchoServer, target: str, why: bytes) -> None:
    status, lines, body = _exchange(server, target)
    assert status == 400
    assert why in body
    assert _names(lines).count(b"transfer-encoding") == 0 and _names(lines).count(b"connection") == 1


def test_content_length_from_the_query_never_duplicates_ours(server: EchoServer) -> None:
    status, lines, body = _exchange(server, "/response-headers?Content-Length=5")
    assert _names(lines).count(b"content-length") == 1
    length = next(int(line.partition(b":")[2]) for line in lines if line.lower().startswith(b"content-length:"))
    assert length == len(body)
    assert status == 400


def test_cookie_values_with_crlf_are_quoted_not_split(server: EchoServer) -> None:
    status, lines, _ = _exchange(server, "/cookies/set?a=b%0d%0aX:%201")
    assert status == 302
    assert b"x" not in _names(lines)
    cookies = [line for line in lines if line.lower().startswith(b"set-cookie:")]
    assert cookies == [b'Set-Cookie: a="b\\015\\012X: 1"; Path=/']


def test_a_hostile_host_never_reaches_location(server: EchoServer) -> None:
    status, lines, _ = _exchange(server, "/redirect/1?absolute=true", b"X-Forwarded-For: 1\r\n")
    assert status == 302  # sanity: an ordinary Host works
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /redirect/1?absolute=true HTTP/1.1\r\nHost: h\x01x\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert b"\x01" not in reply.partition(b"\r\n\r\n")[0]


def test_a_refused_header_does_not_end_the_connection(server: EchoServer) -> None:
    with httpx.Client() as client:
        bad = client.get(server.url + "/response-headers", params={"X-A": "1\r\nX-B: 2"})
        good = client.get(server.url + "/get")
    assert (bad.status_code, good.status_code) == (400, 200)
    assert "x-b" not in bad.headers
    assert server.connections_accepted >= 1
