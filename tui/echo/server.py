"""A small asyncio HTTP/1.1 server: request parsing, keep-alive, chunked bodies, body caps.

It knows nothing about routes: `serve_connection` reads requests off one connection and hands
each to an `App` (an async callable `EchoRequest -> Reply`), then writes the reply.

- Parsing is h11's (request line, header grammar, Content-Length digits, chunk sizes, Host),
  plus what gunicorn adds on top: bare LF line ends, chunked twice or not last, chunked on
  HTTP/1.0, two Host headers, obs-fold, lower-case methods are all answered 400 at once. Empty lines
  before a request line are skipped (RFC 9112 2.2); a `#fragment` in the target is dropped.
- Keep-alive by default on HTTP/1.1 (`Connection: close` or HTTP/1.0 without keep-alive ends it).
- Request bodies: `Content-Length` or `Transfer-Encoding: chunked` (trailers skipped);
  `Expect: 100-continue` is answered on HTTP/1.1 only. Every body is counted and sha256-hashed
  while it streams in; only the first `body_limit` bytes are kept (`EchoRequest.body_truncated`).
- Replies: `bytes`, or an async iterator of bytes sent with `Content-Length` when the length is
  known and chunked otherwise. HEAD gets the headers only. Every header a route sets passes one
  check (`_route_headers`): token names, no control characters, Latin-1, no framing headers —
  otherwise the client gets a 400 saying which header was refused, never a split response.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus

import h11

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
    buffer = bytearray()  # bytes received but not yet parsed (a pipelined next request)
    try:
        while True:
            try:
                head = await _read_head(reader, buffer, idle_timeout)
                if head is None:
                    return  # the client closed (or idled out) between requests
                request, parser = _parse_head(head, client_host, server_host)
                if parser.client_is_waiting_for_100_continue and not buffer:
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                await _read_body(reader, parser, buffer, request, body_limit)
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


_BARE_LF = re.compile(rb"(?<!\r)\n")


async def _read_head(reader: asyncio.StreamReader, buffer: bytearray, idle_timeout: float) -> bytes | None:
    """The next request head (request line to the blank line), taken off `buffer`, reading more
    as needed; None when the client closes or idles out before sending one.

    h11 itself tolerates bare LF line ends; gunicorn refuses them, and so do we — at once, not
    after waiting for a CRLF CRLF that never comes."""
    skipped = 0
    while True:
        while buffer.startswith(b"\r\n"):  # empty lines before the request line (RFC 9112 2.2)
            del buffer[:2]
            skipped += 2
        end = buffer.find(b"\r\n\r\n")
        if _BARE_LF.search(buffer, 0, len(buffer) if end < 0 else end + 4):
            raise HttpError(400, "bare LF in the request head: every line must end with CRLF")
        if (end + 4 if end >= 0 else len(buffer)) + skipped > MAX_HEAD:
            raise HttpError(431, "request head too large")
        if end >= 0:
            head = bytes(buffer[: end + 4])
            del buffer[: end + 4]
            return head
        try:
            chunk = await asyncio.wait_for(reader.read(READ_CHUNK), idle_timeout if not buffer else BODY_TIMEOUT)
        except TimeoutError:
            if buffer:
                raise
            return None
        if not chunk:
            if buffer:
                raise asyncio.IncompleteReadError(bytes(buffer), None)
            return None
        buffer += chunk


_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+\Z")


def _transfer_codings(head: bytes) -> list[str]:
    codings: list[str] = []
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep and name.strip().lower() == b"transfer-encoding":
            codings += [c.strip().lower() for c in value.decode("latin-1").split(",") if c.strip()]
    return codings


def _parse_head(head: bytes, client_host: str, server_host: str) -> tuple[EchoRequest, h11.Connection]:
    """Parse one request head with h11 (a well-kept, strict parser: tokens, field values,
    Content-Length digits, Host) plus the checks gunicorn adds; returns the request and the
    h11 connection that goes on to read its body."""
    if head.count(b"\r\n") - 1 > MAX_HEADERS:
        raise HttpError(431, "too many request headers")
    if re.search(rb"\r\n[ \t]", head[:-2]):
        raise HttpError(400, "obsolete line folding (a header line starting with a space or tab)")
    parser = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
    parser.receive_data(head)
    try:
        event = parser.next_event()
    except h11.RemoteProtocolError as exc:
        status = exc.error_status_hint
        codings = _transfer_codings(head)
        if status == 501 and (codings.count("chunked") > 1 or (codings and codings[-1] != "chunked")) and "chunked" in codings:
            status = 400  # chunked twice, or not last: the framing is broken, not merely unsupported
        raise HttpError(status, f"malformed request: {exc}") from exc
    if not isinstance(event, h11.Request):  # pragma: no cover - a complete head always parses to one
        raise HttpError(400, "malformed request")
    method = event.method.decode("ascii")
    version = "HTTP/" + event.http_version.decode("ascii")
    if version.startswith("HTTP/1.") and version > "HTTP/1.1":
        version = "HTTP/1.1"  # a later minor version is answered as 1.1 (RFC 9110 2.5)
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise HttpError(505, f"HTTP version {version} is not supported")
    if not method.isupper():
        raise HttpError(400, f"bad request method {method[:20]!r}: methods are upper case")
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in event.headers.raw_items()]
    lowered = [name.lower() for name, _ in headers]
    if lowered.count("host") > 1:
        raise HttpError(400, "more than one Host header")
    chunked = "transfer-encoding" in lowered
    if chunked and version == "HTTP/1.0":
        raise HttpError(400, "Transfer-Encoding on an HTTP/1.0 request")
    if chunked and "content-length" in lowered:  # refused as gunicorn does: the stuff of request smuggling
        raise HttpError(400, "both Content-Length and Transfer-Encoding: the body's framing is ambiguous")
    target = event.target.decode("ascii").split("#", 1)[0]  # a fragment is never part of the query
    if target.startswith(("http://", "https://")):  # absolute form: keep only the path
        after_scheme = target.split("://", 1)[1]
        slash = after_scheme.find("/")
        target = after_scheme[slash:] if slash >= 0 else "/"
    path, _, query = target.partition("?")
    request = EchoRequest(method, target, path, query, version, headers, client_host, server_host, chunked=chunked)
    return request, parser


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
            piece = bytes(chunk[:room])
            self.kept.append(piece)
            self.kept_size += len(piece)

    def fill(self, request: EchoRequest) -> None:
        request.body = b"".join(self.kept)
        request.body_size = self.size
        request.body_sha256 = self.hash.hexdigest()
        request.body_truncated = self.size > self.limit


async def _read_body(
    reader: asyncio.StreamReader, parser: h11.Connection, buffer: bytearray, request: EchoRequest, limit: int
) -> None:
    """Read the body h11 frames (Content-Length or chunked); what follows it stays in `buffer`."""
    sink = _BodySink(limit)
    if buffer:  # (receive_data(b"") would mean end of input to h11)
        parser.receive_data(bytes(buffer))
        buffer.clear()
    while True:
        try:
            event = parser.next_event()
        except h11.RemoteProtocolError as exc:
            raise HttpError(400, f"malformed request body: {exc}") from exc
        if event is h11.NEED_DATA:
            chunk = await asyncio.wait_for(reader.read(READ_CHUNK), BODY_TIMEOUT)
            if not chunk:
                raise asyncio.IncompleteReadError(b"", None)
            parser.receive_data(chunk)
        elif isinstance(event, h11.Data):
            sink.feed(event.data)
        elif isinstance(event, h11.EndOfMessage):
            break
    buffer += parser.trailing_data[0]
    sink.fill(request)


def _wants_keep_alive(request: EchoRequest) -> bool:
    connection = (request.header("connection") or "").lower()
    tokens = {t.strip() for t in connection.split(",")}
    if request.version == "HTTP/1.0":
        return "keep-alive" in tokens
    return "close" not in tokens


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


# Framing is the writer's job: a route may not set these (Content-Length only when it matches).
_FRAMING = frozenset({"connection", "transfer-encoding", "content-length", "keep-alive", "upgrade"})
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _route_headers(reply: Reply, length: int | None) -> list[tuple[str, str]]:
    """The reply's own headers, checked: the one choke point every header we emit goes through.

    A name must be an RFC 9110 token, a value free of control characters (CR, LF, NUL, ESC...:
    no response splitting, whatever a query or path asked for) and Latin-1 encodable; framing
    headers are ours. Raises HttpError(400) naming the header."""
    checked: list[tuple[str, str]] = []
    for name, value in reply.headers:
        if not _TOKEN.match(name):
            raise HttpError(400, f"refusing to send a header named {ascii(name)[:80]}: not an HTTP token")
        if _CONTROL.search(value):
            raise HttpError(400, f"refusing to send header {name}: its value {ascii(value)[:80]} has control characters")
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise HttpError(400, f"refusing to send header {name}: its value {ascii(value)[:80]} is not Latin-1") from None
        lower = name.lower()
        if lower == "content-length":
            if value.strip() != str(length):
                raise HttpError(400, f"refusing to send Content-Length: {value[:40]} for a body of {length} bytes")
            continue  # the writer adds the one true Content-Length
        if lower in _FRAMING:
            raise HttpError(400, f"refusing to send {name}: connection framing is set by the server")
        checked.append((name, value))
    return checked


def _head_bytes(reply: Reply, length: int | None, chunked: bool, keep_alive: bool) -> bytes:
    headers = _route_headers(reply, length)
    reason = reply.reason or reason_for(reply.status)
    lines = [f"HTTP/1.1 {reply.status} {reason}", "Server: reqbench-echo", f"Date: {formatdate(time.time(), usegmt=True)}"]
    lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
    lines.extend(f"{name}: {value}" for name, value in headers)
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _write_reply(writer: asyncio.StreamWriter, request: EchoRequest, reply: Reply, keep_alive: bool) -> bool:
    """Write `reply`; returns False when the connection can no longer be used."""
    bodiless = request.method == "HEAD" or reply.status in (204, 304) or 100 <= reply.status < 200
    body = reply.body
    if isinstance(body, bytes):
        length: int | None = None if reply.status in (204, 304) else len(body)
        try:
            head = _head_bytes(reply, length, False, keep_alive)
        except HttpError as error:
            return await _write_reply(writer, request, _error_reply(error), keep_alive)
        writer.write(head)
        if not bodiless:
            writer.write(body)
        await writer.drain()
        return True
    chunked = reply.content_length is None and not bodiless
    if chunked and request.version == "HTTP/1.0":
        chunked, keep_alive = False, False  # the end of the body is the end of the connection
    try:
        head = _head_bytes(reply, reply.content_length, chunked, keep_alive)
    except HttpError as error:
        await _close_iterator(body)
        return await _write_reply(writer, request, _error_reply(error), keep_alive)
    writer.write(head)
    if bodiless:
        await _close_iterator(body)
        await writer.drain()
        return True
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
