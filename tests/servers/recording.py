"""A tiny threaded HTTP server that records every request it gets (method, path, headers).

    with recording_server() as server:
        server.url                 # "http://127.0.0.1:PORT"
        server.requests            # list[Recorded], in arrival order

Every request is answered 200 with a JSON echo of its headers, except `/redirect?to=URL`,
which answers 302 to URL. Used where a test must prove what reached a server (or that
nothing did), and as a second origin for cross-origin redirects.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

__all__ = ["Recorded", "RecordingServer", "recording_server"]


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names


@dataclass(slots=True)
class RecordingServer:
    url: str
    requests: list[Recorded] = field(default_factory=list)


def _handler(server: RecordingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
            return

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            server.requests.append(Recorded(self.command, self.path, headers))
            parts = urlsplit(self.path)
            if parts.path == "/redirect":
                target = parse_qs(parts.query).get("to", ["/"])[0]
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = json.dumps({"headers": headers}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_HEAD = _answer

    return Handler


@contextlib.contextmanager
def recording_server() -> Iterator[RecordingServer]:
    state = RecordingServer(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
