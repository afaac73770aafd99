"""The echo server's own behaviour: framing, keep-alive, caps, big and slow bodies, lifecycle."""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from tui.echo import EchoServer, EchoServerError, download_chunks


@pytest.fixture
def server() -> Iterator[EchoServer]:
    with EchoServer() as running:
        yield running


def _raw(server: EchoServer, payload: bytes) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


# --- request bodies ---------------------------------------------------------------------------


def test_chunked_upload_is_echoed_whole(server: EchoServer) -> None:
    pieces = [b"first piece|", b"", b"second piece|", "third ✓".encode()]
    with httpx.Client() as client:
        response = client.post(server.url + "/post", content=iter(pieces), headers={"Content-Type": "text/plain"})
    echoed = response.json()
    assert echoed["headers"]["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in echoed["headers"]
    assert echoed["data"] == "first piece|second piece|third ✓"
    assert response.headers["X-Echo-Body-Size"] == str(len(b"".join(pieces)))


def test_chunked_with_extensions_and_trailers(server: EchoServer) -> None:
    reply = _raw(server, b"POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                 b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert b'"data": "hello world"' in body


def test_body_above_the_cap_is_counted_and_hashed_not_stored() -> None:
    payload = bytes(range(256)) * 4096  # 1 MiB
    with EchoServer(body_limit=1000) as server, httpx.Client() as client:
        response = client.post(server.url + "/post", content=iter([payload[:300_000], payload[300_000:]]))
        small = client.post(server.url + "/post", content=b"x" * 1000)
    digest = hashlib.sha256(payload).hexdigest()
    echoed = response.json()
    assert response.headers["X-Echo-Body-Sha256"] == digest
    assert response.headers["X-Echo-Body-Size"] == str(len(payload))
    assert str(len(payload)) in echoed["data"] and digest in echoed["data"] and "not stored" in echoed["data"]
    assert echoed["json"] is None and echoed["form"] == {} and echoed["files"] == {}
    assert small.json()["data"] == "x" * 1000  # exactly at the cap: kept


def test_expect_100_continue(server: EchoServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"abc")
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk
    assert b'"data": "abc"' in rest


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"NONSENSE\r\n\r\n", b"400"),
        (b"GET /get HTTP/1.1\r\nHost: x\r\n bad: fold\r\n\r\n", b"400"),
        (b"POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", b"400"),
        (b"POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
        (b"POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", b"501"),
        (b"POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * 70_000 + b"\r\n", b"400"),
        (b"GET /get HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", b"431"),
    ],
)
def test_malformed_requests_get_an_error_and_the_server_lives_on(server: EchoServer, payload: bytes, status: bytes) -> None:
    assert _raw(server, payload).split(b" ")[1] == status
    assert httpx.get(server.url + "/get").status_code == 200


def test_http10_without_keep_alive_closes_and_streams_without_chunks(server: EchoServer) -> None:
    reply = _raw(server, b"GET /stream-bytes/100?seed=1 HTTP/1.0\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"Connection: close" in head and b"Transfer-Encoding" not in head
    assert len(body) == 100


def test_head_has_headers_but_no_body(server: EchoServer) -> None:
    reply = _raw(server, b"HEAD /download?size=5000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"Content-Length: 5000" in head
    assert body == b""


# --- connections ------------------------------------------------------------------------------


def test_keep_alive_reuses_one_connection(server: EchoServer) -> None:
    with httpx.Client() as client:
        first = client.get(server.url + "/get")
        second = client.post(server.url + "/post", content=iter([b"chunked", b" body"]))
        third = client.get(server.url + "/stream-bytes/5000")
    assert (first.status_code, second.status_code, len(third.content)) == (200, 200, 5000)
    assert server.connections_accepted == 1
    assert server.requests_served == 3


def test_connection_close_is_honoured(server: EchoServer) -> None:
    with httpx.Client() as client:
        client.get(server.url + "/get", headers={"Connection": "close"})
        client.get(server.url + "/get")
    assert server.connections_accepted == 2


def test_slow_body_cancelled_mid_way_then_next_request_served(server: EchoServer) -> None:
    with httpx.Client(timeout=10) as client:
        with client.stream("GET", server.url + "/drip", params={"numbytes": 50, "duration": 30}) as response:
            assert response.headers["content-length"] == "50"
            received = b""
            for chunk in response.iter_raw():
                received += chunk
                if len(received) >= 2:
                    break  # leaving the block closes the connection mid-body
        assert 2 <= len(received) < 50
        assert client.get(server.url + "/get").json()["url"].endswith("/get")
    assert server.connections_accepted == 2


def test_drip_delay_and_code(server: EchoServer) -> None:
    response = httpx.get(server.url + "/drip", params={"numbytes": 3, "duration": 0, "delay": 0.05, "code": 202})
    assert (response.status_code, response.content) == (202, b"***")


def test_drip_duration_and_delay_are_capped(server: EchoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The caps are MAX_PACING_S (60 s) and MAX_DELAY_S (10 s); lowered here so that an
    uncapped server would blow the client's timeout instead of the test waiting a minute."""
    from tui.echo import routes

    monkeypatch.setattr(routes, "MAX_PACING_S", 0.2)
    monkeypatch.setattr(routes, "MAX_DELAY_S", 0.1)
    response = httpx.get(server.url + "/drip", params={"numbytes": 2, "duration": 1e9, "delay": 1e9}, timeout=8)
    assert (response.status_code, response.content) == (200, b"**")


@pytest.mark.parametrize("param", ["duration", "delay"])
def test_drip_refuses_non_finite_numbers(server: EchoServer, param: str) -> None:
    response = httpx.get(server.url + "/drip", params={"numbytes": 2, param: "inf"}, timeout=8)
    assert response.status_code == 400 and "finite" in response.text


# --- downloads --------------------------------------------------------------------------------


def test_download_500_mb_by_sha256(server: EchoServer) -> None:
    size = 500 * 10**6
    expected = hashlib.sha256()
    for chunk in download_chunks(0, size):
        expected.update(chunk)
    received = hashlib.sha256()
    count = 0
    with httpx.Client(timeout=60) as client, client.stream("GET", server.url + "/download", params={"size": size}) as response:
        assert response.status_code == 200
        assert response.headers["content-length"] == str(size)
        for chunk in response.iter_raw(1 << 20):
            received.update(chunk)
            count += len(chunk)
    assert count == size
    assert received.hexdigest() == expected.hexdigest()


def test_download_content_does_not_depend_on_chunk_size(server: EchoServer) -> None:
    with httpx.Client() as client:
        big = client.get(server.url + "/download", params={"size": 300_000}).content
        small = client.get(server.url + "/download", params={"size": 300_000, "chunk_size": 777}).content
    assert big == small and len(big) == 300_000
    assert len({big[i : i + 32] for i in range(0, 65_536, 32)}) == 2048  # no short repeating pattern


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=100-199", 100, 200), ("bytes=999000-", 999_000, 1_000_000), ("bytes=-500", 999_500, 1_000_000),
     ("bytes=65530-65550", 65_530, 65_551), ("bytes=0-5000000", 0, 1_000_000)],
)
def test_download_range(server: EchoServer, header: str, start: int, end: int) -> None:
    with httpx.Client() as client:
        whole = client.get(server.url + "/download", params={"size": 1_000_000}).content
        part = client.get(server.url + "/download", params={"size": 1_000_000}, headers={"Range": header})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes {start}-{end - 1}/1000000"
    assert part.headers["content-length"] == str(end - start)
    assert part.content == whole[start:end]


def test_download_unsatisfiable_and_ignored_ranges(server: EchoServer) -> None:
    with httpx.Client() as client:
        beyond = client.get(server.url + "/download", params={"size": 100}, headers={"Range": "bytes=100-"})
        multi = client.get(server.url + "/download", params={"size": 100}, headers={"Range": "bytes=0-1,5-6"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == "bytes */100"
    assert multi.status_code == 200 and len(multi.content) == 100


# --- lifecycle and safety ---------------------------------------------------------------------


def test_stop_leaves_no_thread_and_no_listening_port() -> None:
    before = set(threading.enumerate())
    server = EchoServer()
    url = server.start()
    assert _accepts_connections(server.port)
    # an open, idle keep-alive connection must not keep the server alive
    client = httpx.Client()
    client.get(url + "/get")
    server.stop()
    client.close()
    assert set(threading.enumerate()) <= before
    assert not _accepts_connections(server.port)
    server.stop()  # twice is fine


def test_stop_while_a_slow_body_streams() -> None:
    server = EchoServer()
    url = server.start()
    with httpx.Client(timeout=10) as client, client.stream("GET", url + "/drip", params={"numbytes": 10, "duration": 60}) as response:
        chunks = response.iter_raw()
        next(chunks)
        server.stop()
        with pytest.raises(httpx.HTTPError):
            for _ in chunks:
                pass
    assert not _accepts_connections(server.port)


def test_non_loopback_host_refused_unless_explicit() -> None:
    with pytest.raises(EchoServerError, match="refusing to serve on 0.0.0.0"):
        EchoServer(host="0.0.0.0")
    with pytest.raises(EchoServerError):
        EchoServer(host="example.org")
    EchoServer(host="::1")  # loopback: fine
    EchoServer(host="localhost")
    with EchoServer(host="0.0.0.0", allow_remote=True) as server:
        assert httpx.get(f"http://127.0.0.1:{server.port}/get").status_code == 200


def test_port_in_use_is_a_clear_error(server: EchoServer) -> None:
    with pytest.raises(EchoServerError, match="cannot start the echo server"):
        EchoServer(port=server.port).start()


def test_unknown_route_and_wrong_method(server: EchoServer) -> None:
    with httpx.Client() as client:
        assert client.get(server.url + "/nope").status_code == 404
        wrong = client.put(server.url + "/post")
        assert wrong.status_code == 405 and "POST" in wrong.headers["allow"]
        assert client.options(server.url + "/get").status_code == 200
