"""A small asyncio HTTP/1.1 server: request parsing, keep-alive, chunked bodies, body caps.

It knows nothing about routes: `serve_connection` reads requests off one connection and hands
each to an `App` (an async callable `EchoRequest -> Reply`), then writes the reply.

- Keep-alive by default on HTTP/1.1 (`Connection: close` or HTTP/1.0 without keep-alive ends it).
- Request bodies: `Content-Length` or `Transfer-Encoding: chunked` (trailers skipped);
  `Expect: 100-continue` is answered. Every body is counted and sha256-hashed while it streams
  in; only the first `body_limit` bytes are kept (`EchoRequest.body_truncated` says so).
- Replies: `bytes`, or an async iterator of bytes sent with `Content-Length` when the length is
  known and chunked otherwise. HEAD gets the headers only.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus

__all__ = ["EchoRequest", "Reply", "App", "HttpError", "serve_connection", "DEFAULT_BODY_LIMIT", "reason_for"]

log = logging.getLogger(__name__)

DEFAULT_BODY_LIMIT = 16 * 2**20  # bytes of a request body kept in memory
MAX_HEAD = 64 * 1024  # request line + headers
MAX_HEADERS = 200
READ_CHUNK = 256 * 1024
IDLE_TIMEOUT = 75.0  # seconds a kept-alive connection may sit idle
BODY_TIMEOUT = 60.0  # seconds without any byte of a request body


class HttpError(Exception):
    """A request the server answers with an error status and then closes the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class EchoRequest:
    method: str
    target: str  # as on the request line, e.g. "/get?a=1"
    path: str  # percent-encoded, without the query
    query: str  # without "?"
    version: str  # "HTTP/1.1"
    headers: list[tuple[str, str]]  # as received, order and repeats kept
    client_host: str
    server_host: str  # "127.0.0.1:PORT", used when the request has no Host header
    body: bytes = b""  # at most `body_limit` bytes
    body_size: int = 0  # bytes received in total
    body_sha256: str = hashlib.sha256(b"").hexdigest()
    body_truncated: bool = False  # the body was larger than the limit; `body` is incomplete
    chunked: bool = False

    def header(self, name: str, default: str | None = None) -> str | None:
        lower = name.lower()
        values = [v for k, v in self.headers if k.lower() == lower]
        return ",".join(values) if values else default

    @property
    def host(self) -> str:
        return self.header("host") or self.server_host


@dataclass(slots=True)
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | AsyncIterator[bytes] = b""
    content_length: int | None = None  # for an iterator body: sent as Content-Length if set
    reason: str | None = None


App = Callable[[EchoRequest], Awaitable[Reply]]


def reason_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.upper()
    except ValueError:
        return "UNKNOWN"


async def serve_connection(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    app: App,
    *,
    body_limit: int = DEFAULT_BODY_LIMIT,
    idle_timeout: float = IDLE_TIMEOUT,
) -> None:
    """Serve requests on one connection until it closes or is not kept alive."""
    peer = writer.get_extra_info("peername")
    sock = writer.get_extra_info("sockname")
    client_host = str(peer[0]) if peer else ""
    server_host = f"{sock[0]}:{sock[1]}" if sock else "localhost"
    try:
        while True:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), idle_timeout)
            except (asyncio.IncompleteReadError, TimeoutError):
                return  # the client closed (or idled out) between requests
            except asyncio.LimitOverrunError:
                await _write_error(writer, HttpError(431, "request head too large"), reader)
                return
            except ValueError:  # StreamReader turns an overrun into ValueError when it must drop data
                await _write_error(writer, HttpError(431, "request head too large"), reader)
                return
            try:
                request = _parse_head(head, client_host, server_host)
                if (request.header("expect") or "").lower() == "100-continue":
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                await _read_body(reader, request, body_limit)
            except HttpError as error:
                await _write_error(writer, error, reader)
                return
            try:
                reply = await app(request)
            except HttpError as error:
                reply = _error_reply(error)
            except Exception:  # a bug in a route must not take the server down
                log.exception("echo route failed for %s %s", request.method, request.target)
                reply = _error_reply(HttpError(500, "internal error in the echo server"))
            keep_alive = _wants_keep_alive(request)
            if not await _write_reply(writer, request, reply, keep_alive):
                return
            if not keep_alive:
                return
    except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
        return  # the client went away (or stalled past BODY_TIMEOUT) mid-request or mid-reply
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


def _parse_head(head: bytes, client_host: str, server_host: str) -> EchoRequest:
    try:
        text = head.decode("latin-1")
    except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes anything
        raise HttpError(400, "undecodable request head") from exc
    lines = text[:-4].split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HttpError(400, f"bad request line: {lines[0][:100]!r}")
    method, target, version = parts
    if not method.isascii() or not method.isupper() or not target:
        raise HttpError(400, f"bad request line: {lines[0][:100]!r}")
    if len(lines) - 1 > MAX_HEADERS:
        raise HttpError(431, "too many request headers")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip() or line[0] in " \t":
            raise HttpError(400, f"bad header line: {line[:100]!r}")
        headers.append((name, value.strip(" \t")))
    if target.startswith(("http://", "https://")):  # absolute form: keep only the path
        after_scheme = target.split("://", 1)[1]
        slash = after_scheme.find("/")
        target = after_scheme[slash:] if slash >= 0 else "/"
    path, _, query = target.partition("?")
    path = path.split("#", 1)[0]
    return EchoRequest(method, target, path, query, version, headers, client_host, server_host)


class _BodySink:
    """Counts and hashes every byte; keeps at most `limit` of them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.hash = hashlib.sha256()
        self.kept: list[bytes] = []
        self.kept_size = 0

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.hash.update(chunk)
        room = self.limit - self.kept_size
        if room > 0:
            piece = chunk[:room]
            self.kept.append(piece)
            self.kept_size += len(piece)

    def fill(self, request: EchoRequest) -> None:
        request.body = b"".join(self.kept)
        request.body_size = self.size
        request.body_sha256 = self.hash.hexdigest()
        request.body_truncated = self.size > self.limit


async def _read_exactly(reader: asyncio.StreamReader, count: int, sink: _BodySink) -> None:
    remaining = count
    while remaining > 0:
        chunk = await asyncio.wait_for(reader.read(min(remaining, READ_CHUNK)), BODY_TIMEOUT)
        if not chunk:
            raise asyncio.IncompleteReadError(b"", remaining)
        sink.feed(chunk)
        remaining -= len(chunk)


async def _read_body(reader: asyncio.StreamReader, request: EchoRequest, limit: int) -> None:
    sink = _BodySink(limit)
    transfer_encoding = (request.header("transfer-encoding") or "").lower()
    length_header = request.header("content-length")
    if transfer_encoding:
        codings = [c.strip() for c in transfer_encoding.split(",")]
        if codings[-1] != "chunked":
            raise HttpError(501, f"unsupported Transfer-Encoding: {transfer_encoding}")
        request.chunked = True
        while True:
            try:
                size_line = await asyncio.wait_for(reader.readline(), BODY_TIMEOUT)
            except (ValueError, asyncio.LimitOverrunError) as exc:  # a size line over the stream limit
                raise HttpError(400, "chunk size line too long") from exc
            if not size_line.endswith(b"\n"):
                raise asyncio.IncompleteReadError(size_line, None)
            size_text = size_line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError as exc:
                raise HttpError(400, f"bad chunk size {size_text[:20]!r}") from exc
            if size == 0:
                while (await asyncio.wait_for(reader.readline(), BODY_TIMEOUT)).strip():
                    pass  # trailers: read and ignored
                break
            await _read_exactly(reader, size, sink)
            if await reader.readexactly(2) != b"\r\n":
                raise HttpError(400, "chunk not followed by CRLF")
    elif length_header is not None:
        try:
            length = int(length_header)
        except ValueError as exc:
            raise HttpError(400, f"bad Content-Length {length_header[:20]!r}") from exc
        if length < 0:
            raise HttpError(400, "negative Content-Length")
        await _read_exactly(reader, length, sink)
    sink.fill(request)


def _wants_keep_alive(request: EchoRequest) -> bool:
    connection = (request.header("connection") or "").lower()
    tokens = {t.strip() for t in connection.split(",")}
    if request.version == "HTTP/1.0":
        return "keep-alive" in tokens
    if "close" in tokens:
        return False
    # a chunked body with a Content-Length too is ambiguous framing: do not reuse the connection
    return not (request.chunked and request.header("content-length") is not None)


def _error_reply(error: HttpError) -> Reply:
    body = f"{error.status} {reason_for(error.status).title()}: {error.message}\n".encode()
    return Reply(error.status, [("Content-Type", "text/plain; charset=utf-8")], body)


async def _write_error(writer: asyncio.StreamWriter, error: HttpError, reader: asyncio.StreamReader | None = None) -> None:
    """Answer with `error`, then half-close and discard what the client still sends for a
    moment: closing with unread input would reset the connection and lose the answer."""
    reply = _error_reply(error)
    body = reply.body if isinstance(reply.body, bytes) else b""
    writer.write(_head_bytes(reply, len(body), False, False) + body)
    try:
        await writer.drain()
        if reader is not None and writer.can_write_eof():
            writer.write_eof()
            await asyncio.wait_for(_discard(reader, 4 * 2**20), 1.0)
    except (ConnectionError, TimeoutError, OSError):
        pass


async def _discard(reader: asyncio.StreamReader, limit: int) -> None:
    while limit > 0 and (chunk := await reader.read(65536)):
        limit -= len(chunk)


def _head_bytes(reply: Reply, length: int | None, chunked: bool, keep_alive: bool) -> bytes:
    reason = reply.reason or reason_for(reply.status)
    lines = [f"HTTP/1.1 {reply.status} {reason}", "Server: reqbench-echo", f"Date: {formatdate(time.time(), usegmt=True)}"]
    lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
    names = {name.lower() for name, _ in reply.headers}
    lines.extend(f"{name}: {value}" for name, value in reply.headers)
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif length is not None and "content-length" not in names:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _write_reply(writer: asyncio.StreamWriter, request: EchoRequest, reply: Reply, keep_alive: bool) -> bool:
    """Write `reply`; returns False when the connection can no longer be used."""
    bodiless = request.method == "HEAD" or reply.status in (204, 304) or 100 <= reply.status < 200
    body = reply.body
    if isinstance(body, bytes):
        length: int | None = None if reply.status in (204, 304) else len(body)
        writer.write(_head_bytes(reply, length, False, keep_alive))
        if not bodiless:
            writer.write(body)
        await writer.drain()
        return True
    if bodiless:
        await _close_iterator(body)
        writer.write(_head_bytes(reply, reply.content_length, False, keep_alive))
        await writer.drain()
        return True
    chunked = reply.content_length is None
    if chunked and request.version == "HTTP/1.0":
        chunked, keep_alive = False, False  # the end of the body is the end of the connection
    writer.write(_head_bytes(reply, reply.content_length, chunked, keep_alive))
    sent = 0
    try:
        async for piece in body:
            if not piece:
                continue
            sent += len(piece)
            if chunked:
                writer.write(b"%x\r\n" % len(piece))
                writer.write(piece)
                writer.write(b"\r\n")
            else:
                writer.write(piece)
            await writer.drain()
    finally:
        await _close_iterator(body)
    if chunked:
        writer.write(b"0\r\n\r\n")
    await writer.drain()
    if reply.content_length is not None and sent != reply.content_length:
        log.warning("echo route sent %d bytes, announced %d", sent, reply.content_length)
        return False
    return keep_alive


async def _close_iterator(body: AsyncIterator[bytes]) -> None:
    aclose = getattr(body, "aclose", None)
    if aclose is not None:
        await aclose()
