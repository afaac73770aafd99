"""A tiny HTTP/1.1 server that records each request's raw bytes, to compare two clients.

    with CaptureServer() as server:
        ... send to server.url ...
        raw = server.take()          # the bytes of the oldest unread request (head + body)

Every request is answered `200 ok` with `Connection: close`, so each client opens a new
connection and the order of captures is the order of requests. The body is read by
Content-Length or chunked encoding and stored de-chunked (`Captured.body`), next to the exact
bytes on the wire (`Captured.raw`). Redirects and compression are never involved.
"""

from __future__ import annotations

import queue
import socket
import socketserver
import threading
from dataclasses import dataclass
from types import TracebackType

__all__ = ["CaptureServer", "Captured"]


@dataclass(frozen=True, slots=True)
class Captured:
    raw: bytes
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes
    chunked: bool

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def _read_until(sock: socket.socket, buffer: bytearray, marker: bytes) -> int:
    while (index := buffer.find(marker)) < 0:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed before the request ended")
        buffer += data
    return index


def _read_exactly(sock: socket.socket, buffer: bytearray, size: int) -> None:
    while len(buffer) < size:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed before the body ended")
        buffer += data


def read_request(sock: socket.socket) -> Captured:
    buffer = bytearray()
    end = _read_until(sock, buffer, b"\r\n\r\n")
    head = bytes(buffer[:end]).decode("latin-1")
    request_line, *lines = head.split("\r\n")
    method, target, version = request_line.split(" ", 2)
    headers = [(name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    lookup = {name.lower(): value for name, value in headers}
    position = end + 4
    body = bytearray()
    chunked = "chunked" in lookup.get("transfer-encoding", "").lower()
    if lookup.get("expect", "").lower() == "100-continue":
        sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    if chunked:
        while True:
            line_end = _read_until_from(sock, buffer, b"\r\n", position)
            size = int(bytes(buffer[position:line_end]).split(b";")[0], 16)
            position = line_end + 2
            if size == 0:
                position = _read_until_from(sock, buffer, b"\r\n", position) + 2  # no trailers sent
                break
            _read_exactly(sock, buffer, position + size + 2)
            body += buffer[position : position + size]
            position += size + 2
    else:
        length = int(lookup.get("content-length", "0"))
        _read_exactly(sock, buffer, position + length)
        body += buffer[position : position + length]
        position += length
    return Captured(bytes(buffer[:position]), method, target, version, headers, bytes(body), chunked)


def _read_until_from(sock: socket.socket, buffer: bytearray, marker: bytes, start: int) -> int:
    while (index := buffer.find(marker, start)) < 0:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed inside a chunk")
        buffer += data
    return index


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        try:
            captured = read_request(self.request)
        except (ConnectionError, ValueError) as error:
            self.server.errors.put(error)
            return
        self.server.captured.put(captured)
        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.captured: queue.Queue[Captured] = queue.Queue()
        self.errors: queue.Queue[Exception] = queue.Queue()


class CaptureServer:
    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def take(self, timeout: float = 10.0) -> Captured:
        """The oldest request not yet taken (waits up to `timeout` seconds)."""
        try:
            return self._server.captured.get(timeout=timeout)
        except queue.Empty:
            if not self._server.errors.empty():
                raise self._server.errors.get() from None
            raise TimeoutError("no request arrived") from None

    def __enter__(self) -> CaptureServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
