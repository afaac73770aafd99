"""Property tests (hypothesis, bounded): whatever a client sends, the echo server answers with
one well-formed response head or closes, never splits a header, and keeps serving."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.echo import EchoServer

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def server() -> Iterator[EchoServer]:
    with EchoServer() as running:
        yield running


def _raw(server: EchoServer, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return reply


def _head_lines(reply: bytes) -> list[bytes]:
    head, sep, _ = reply.partition(b"\r\n\r\n")
    assert sep, reply[:200]
    return head.split(b"\r\n")


@FUZZ
@given(name=st.text(min_size=1, max_size=12), value=st.text(max_size=24))
def test_response_headers_never_split(server: EchoServer, name: str, value: str) -> None:
    target = "/response-headers?" + quote(name, safe="") + "=" + quote(value, safe="")
    reply = _raw(server, f"GET {target} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".encode())
    status_line, *lines = _head_lines(reply)
    assert status_line.startswith((b"HTTP/1.1 200 ", b"HTTP/1.1 400 "))
    for line in lines:
        assert b":" in line and not any(b < 0x20 and b != 0x09 or b == 0x7F for b in line), line
    names = [line.partition(b":")[0].lower() for line in lines]
    assert names.count(b"content-length") == 1 and names.count(b"connection") == 1
    if status_line.startswith(b"HTTP/1.1 200 "):
        assert len(lines) == 8 or name.lower() in ("content-type", "content-length")  # ours + the one asked for


REQUEST = (b"POST /post?a=1 HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
           b"Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n")


@FUZZ
@given(data=st.data())
def test_mutated_requests_get_an_answer_or_a_close(server: EchoServer, data: st.DataObject) -> None:
    payload = bytearray(REQUEST)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(payload) - 1))
        action = data.draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = data.draw(st.sampled_from([0, 9, 10, 13, 32, 35, 43, 48, 58, 59, 120, 127, 195, 255]))
        if action == "replace":
            payload[position] = byte
        elif action == "insert":
            payload.insert(position, byte)
        else:
            del payload[position]
    reply = _raw(server, bytes(payload))
    if reply:
        status_line = _head_lines(reply)[0]
        assert status_line[:9] == b"HTTP/1.1 " and status_line[9:12].isdigit(), status_line
        assert int(status_line[9:12]) in (200, 400, 404, 405, 411, 413, 431, 501, 505), status_line


def test_still_serving_after_the_fuzzing(server: EchoServer) -> None:
    assert httpx.get(server.url + "/get").status_code == 200
