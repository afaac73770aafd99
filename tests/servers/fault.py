"""A small HTTP/1.1 server for what httpbin cannot do: huge, slow, broken and odd responses.

Run standalone (the `fault_url` fixture does this in a subprocess, so a fast download does not
fight the test's event loop for the GIL):

    python tests/servers/fault.py [--port 0] [--certfile PEM --keyfile PEM]
                                                  # prints "LISTENING <port>" once ready

Endpoints (all keep-alive unless noted; unknown paths give 404):

    GET  /big?size=N            generated_bytes(N) with Content-Length; honours `Range: bytes=a-b`
                                (also `a-` and `-n`) with 206 + Content-Range, 416 when unsatisfiable
    GET  /nolength?size=N[&mode=chunked|close]
                                the same bytes without Content-Length: chunked (default) or
                                close-delimited (`Connection: close`, end of body = end of connection)
    GET  /reset?size=N&after=M  announces Content-Length N, sends M bytes, then resets (RST)
    GET  /slow-headers?delay=S  sleeps S seconds, then answers 200 "hello"
    GET  /slow-body?delay=S     headers (Content-Length 5) at once, "hello" after S seconds
    GET  /drip?size=N&interval=S&chunk=M
                                M-byte pieces of generated_bytes(N) every S seconds, Content-Length N
    GET  /charset?text=T&declared=CHARSET|none&actual=ENCODING
                                body = T encoded with ENCODING; Content-Type
                                `text/plain; charset=CHARSET`, or `text/plain` when declared=none
    GET  /json-big?size=N       a valid minified JSON document of about N bytes (deterministic)
    GET  /bomb?enc=br|zstd|gzip|deflate|gzip,gzip&size=N
                                N zero bytes compressed with `enc` (Content-Encoding: enc), built
                                once per (enc, size) and cached in memory; `&length=0` sends it
                                chunked instead of with Content-Length
    GET  /concurrent?delay=S    answers "ok" after S seconds, counting requests in flight;
    GET  /concurrent-stats?reset=1  JSON {"max": most in flight at once, "count": answered}
    GET  /endless?chunk=M       a chunked body of M-byte pieces that never ends
    POST|PUT /sink              reads the body (Content-Length or chunked) without storing it and
                                answers JSON {"bytes", "sha256", "chunked", "content_type"}

HEAD works on every GET endpoint (headers only).

Helpers for tests: `generated_bytes(size)`, `iter_generated(start, end)` and
`expected_sha256(size)`. The byte stream is a 64 KiB pseudo-random block whose first 8 bytes are
replaced by the block number, so a dropped or repeated block changes the digest.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import socket
import ssl
import struct
import sys
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "BLOCK_SIZE",
    "generated_bytes",
    "iter_generated",
    "expected_sha256",
    "json_document",
    "serve",
]

BLOCK_SIZE = 64 * 1024
_SEED = 20240611
_BASE = random.Random(_SEED).randbytes(BLOCK_SIZE)
_WRITE_SIZE = 1024 * 1024  # bytes per socket write when streaming big bodies


def _block(index: int) -> bytes:
    return struct.pack(">Q", index) + _BASE[8:]


def iter_generated(start: int, end: int, piece: int = _WRITE_SIZE) -> Iterator[bytes]:
    """Yield bytes [start, end) of the generated stream in pieces of about `piece` bytes."""
    if end <= start:
        return
    buf: list[bytes] = []
    buffered = 0
    pos = start
    while pos < end:
        index, offset = divmod(pos, BLOCK_SIZE)
        take = min(BLOCK_SIZE - offset, end - pos)
        buf.append(_block(index)[offset : offset + take])
        buffered += take
        pos += take
        if buffered >= piece:
            yield b"".join(buf)
            buf.clear()
            buffered = 0
    if buf:
        yield b"".join(buf)


def generated_bytes(size: int, start: int = 0) -> bytes:
    """`size` bytes of the generated stream from offset `start` (builds them in memory)."""
    return b"".join(iter_generated(start, start + size))


@lru_cache(maxsize=64)
def expected_sha256(size: int) -> str:
    """Hex sha256 of generated_bytes(size), computed block by block (constant memory)."""
    digest = hashlib.sha256()
    for piece in iter_generated(0, size):
        digest.update(piece)
    return digest.hexdigest()


def json_document(size: int) -> bytes:
    """A deterministic, valid, minified JSON document of about `size` bytes (at least `{}`)."""
    items: list[bytes] = []
    total = 2 + len(b'{"items":[]}')
    i = 0
    while total < size:
        item = json.dumps(
            {"id": i, "name": f"item-{i}", "tags": ["alpha", "beta"], "value": i * 1.5,
             "ok": i % 2 == 0, "nested": {"depth": 1, "note": None}},
            separators=(",", ":"),
        ).encode()
        items.append(item)
        total += len(item) + 1
        i += 1
    return b'{"items":[' + b",".join(items) + b"]}"


# --------------------------------------------------------------------------- protocol


class _BadRequest(Exception):
    pass


class _Request:
    __slots__ = ("method", "path", "query", "headers", "version")

    def __init__(self, method: str, target: str, version: str, headers: dict[str, str]) -> None:
        parts = urlsplit(target)
        self.method = method
        self.path = parts.path
        self.query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.headers = headers
        self.version = version

    def int_arg(self, name: str, default: int) -> int:
        try:
            return int(self.query.get(name, default))
        except ValueError as exc:
            raise _BadRequest(f"{name} must be an integer") from exc

    def float_arg(self, name: str, default: float) -> float:
        try:
            return float(self.query.get(name, default))
        except ValueError as exc:
            raise _BadRequest(f"{name} must be a number") from exc

    @property
    def keep_alive(self) -> bool:
        conn = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return conn == "keep-alive"
        return conn != "close"


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError as exc:
        raise _BadRequest("header section too large") from exc
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ", 2)
    except ValueError as exc:
        raise _BadRequest("bad request line") from exc
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return _Request(method.upper(), target, version, headers)


class AsyncIteratorBytes:
    """Async iterator over a request body, framed by Content-Length or chunked encoding."""

    def __init__(self, req: _Request, reader: asyncio.StreamReader) -> None:
        self.chunked = "chunked" in req.headers.get("transfer-encoding", "").lower()
        self.remaining = int(req.headers.get("content-length", "0") or 0)
        self.reader = reader
        self.done = False

    def __aiter__(self) -> AsyncIteratorBytes:
        return self

    async def __anext__(self) -> bytes:
        if self.done:
            raise StopAsyncIteration
        if not self.chunked:
            if self.remaining <= 0:
                self.done = True
                raise StopAsyncIteration
            data = await self.reader.read(min(self.remaining, _WRITE_SIZE))
            if not data:
                raise _BadRequest("body ended early")
            self.remaining -= len(data)
            return data
        line = await self.reader.readuntil(b"\r\n")
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await self.reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            self.done = True
            raise StopAsyncIteration
        data = await self.reader.readexactly(size)
        await self.reader.readexactly(2)
        return data


async def _drain_body(req: _Request, reader: asyncio.StreamReader) -> None:
    async for _ in AsyncIteratorBytes(req, reader):
        pass


def _head(status: int, reason: str, headers: list[tuple[str, str]], keep_alive: bool) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _simple(
    writer: asyncio.StreamWriter, req: _Request, status: int, reason: str, body: bytes,
    content_type: str = "text/plain; charset=utf-8", keep_alive: bool = True,
) -> None:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    writer.write(_head(status, reason, headers, keep_alive))
    if req.method != "HEAD":
        writer.write(body)
    await writer.drain()


async def _stream_generated(writer: asyncio.StreamWriter, start: int, end: int) -> None:
    for piece in iter_generated(start, end):
        writer.write(piece)
        await writer.drain()


def _parse_range(value: str, size: int) -> tuple[int, int] | None:
    """Return [start, end) for a single `bytes=` range, None if unsatisfiable."""
    unit, _, spec = value.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        raise _BadRequest("only a single bytes range is supported")
    first, _, last = spec.strip().partition("-")
    if first == "":
        n = int(last)
        if n <= 0:
            return None
        return max(size - n, 0), size
    start = int(first)
    end = size if last == "" else min(int(last) + 1, size)
    if start >= size or end <= start:
        return None
    return start, end


# --------------------------------------------------------------------------- endpoints


async def _big(req: _Request, writer: asyncio.StreamWriter) -> bool:
    size = req.int_arg("size", 1024)
    start, end, status, reason = 0, size, 200, "OK"
    headers = [("Content-Type", "application/octet-stream"), ("Accept-Ranges", "bytes")]
    if "range" in req.headers:
        try:
            rng = _parse_range(req.headers["range"], size)
        except ValueError as exc:
            raise _BadRequest("bad Range header") from exc
        if rng is None:
            headers += [("Content-Range", f"bytes */{size}"), ("Content-Length", "0")]
            writer.write(_head(416, "Range Not Satisfiable", headers, req.keep_alive))
            await writer.drain()
            return req.keep_alive
        start, end = rng
        status, reason = 206, "Partial Content"
        headers.append(("Content-Range", f"bytes {start}-{end - 1}/{size}"))
    headers.append(("Content-Length", str(end - start)))
    writer.write(_head(status, reason, headers, req.keep_alive))
    if req.method != "HEAD":
        await _stream_generated(writer, start, end)
    await writer.drain()
    return req.keep_alive


async def _nolength(req: _Request, writer: asyncio.StreamWriter) -> bool:
    size = req.int_arg("size", 1024)
    mode = req.query.get("mode", "chunked")
    if mode not in ("chunked", "close"):
        raise _BadRequest("mode must be chunked or close")
    headers = [("Content-Type", "application/octet-stream")]
    if mode == "chunked":
        headers.append(("Transfer-Encoding", "chunked"))
        writer.write(_head(200, "OK", headers, req.keep_alive))
        if req.method != "HEAD":
            for piece in iter_generated(0, size):
                writer.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
                await writer.drain()
            writer.write(b"0\r\n\r\n")
        await writer.drain()
        return req.keep_alive
    writer.write(_head(200, "OK", headers, keep_alive=False))
    if req.method != "HEAD":
        await _stream_generated(writer, 0, size)
    await writer.drain()
    return False


async def _reset(req: _Request, writer: asyncio.StreamWriter) -> bool:
    size = req.int_arg("size", 1024 * 1024)
    after = min(req.int_arg("after", size // 2), size)
    headers = [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))]
    transport = writer.transport
    transport.set_write_buffer_limits(high=0)  # so drain() waits until the kernel has it all
    writer.write(_head(200, "OK", headers, req.keep_alive))
    await _stream_generated(writer, 0, after)
    await writer.drain()
    await asyncio.sleep(0.05)  # let the peer read what was sent before the RST
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    return False


async def _slow_headers(req: _Request, writer: asyncio.StreamWriter) -> bool:
    await asyncio.sleep(req.float_arg("delay", 5.0))
    await _simple(writer, req, 200, "OK", b"hello", keep_alive=req.keep_alive)
    return req.keep_alive


async def _slow_body(req: _Request, writer: asyncio.StreamWriter) -> bool:
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "5")]
    writer.write(_head(200, "OK", headers, req.keep_alive))
    await writer.drain()
    if req.method == "HEAD":
        return req.keep_alive
    await asyncio.sleep(req.float_arg("delay", 5.0))
    writer.write(b"hello")
    await writer.drain()
    return req.keep_alive


async def _drip(req: _Request, writer: asyncio.StreamWriter) -> bool:
    size = req.int_arg("size", 10)
    interval = req.float_arg("interval", 0.1)
    chunk = max(req.int_arg("chunk", 1), 1)
    headers = [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))]
    writer.write(_head(200, "OK", headers, req.keep_alive))
    await writer.drain()
    if req.method == "HEAD":
        return req.keep_alive
    pos = 0
    while pos < size:
        if pos:
            await asyncio.sleep(interval)
        end = min(pos + chunk, size)
        writer.write(generated_bytes(end - pos, start=pos))
        await writer.drain()
        pos = end
    return req.keep_alive


async def _charset(req: _Request, writer: asyncio.StreamWriter) -> bool:
    text = req.query.get("text", "héllo wörld")
    declared = req.query.get("declared", "utf-8")
    actual = req.query.get("actual", "utf-8")
    try:
        body = text.encode(actual)
    except (LookupError, UnicodeEncodeError) as exc:
        raise _BadRequest(f"cannot encode text as {actual}: {exc}") from exc
    ctype = "text/plain" if declared.lower() == "none" else f"text/plain; charset={declared}"
    await _simple(writer, req, 200, "OK", body, content_type=ctype, keep_alive=req.keep_alive)
    return req.keep_alive


async def _json_big(req: _Request, writer: asyncio.StreamWriter) -> bool:
    body = _cached_json(req.int_arg("size", 1024 * 1024))
    await _simple(writer, req, 200, "OK", body, "application/json", req.keep_alive)
    return req.keep_alive


@lru_cache(maxsize=8)
def _cached_json(size: int) -> bytes:
    return json_document(size)


_ZERO_PIECE = bytes(1024 * 1024)


def _compress_zeros(enc: str, size: int) -> bytes:
    """`size` zero bytes compressed with one encoding, streamed (constant memory)."""
    import zlib

    if enc in ("gzip", "deflate"):
        comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16 if enc == "gzip" else zlib.MAX_WBITS)
        out = [comp.compress(_ZERO_PIECE[: min(len(_ZERO_PIECE), size - pos)]) for pos in range(0, size, len(_ZERO_PIECE))]
        return b"".join(out) + comp.flush()
    if enc == "br":
        import brotli

        bcomp = brotli.Compressor(quality=5)
        out = [bcomp.process(_ZERO_PIECE[: min(len(_ZERO_PIECE), size - pos)]) for pos in range(0, size, len(_ZERO_PIECE))]
        return b"".join(out) + bcomp.finish()
    if enc == "zstd":
        import io

        import zstandard

        buf = io.BytesIO()
        with zstandard.ZstdCompressor(level=3).stream_writer(buf, closefd=False, size=size) as zw:
            for pos in range(0, size, len(_ZERO_PIECE)):
                zw.write(_ZERO_PIECE[: min(len(_ZERO_PIECE), size - pos)])
        return buf.getvalue()
    raise _BadRequest(f"unknown enc {enc!r}")


@lru_cache(maxsize=16)
def _bomb_body(enc: str, size: int) -> bytes:
    names = [name.strip() for name in enc.split(",")]
    body = _compress_zeros(names[0], size)
    for name in names[1:]:  # each later encoding compresses the previous output
        import zlib

        if name not in ("gzip", "deflate"):
            raise _BadRequest("only gzip/deflate may follow the first encoding")
        comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16 if name == "gzip" else zlib.MAX_WBITS)
        body = comp.compress(body) + comp.flush()
    return body


async def _bomb(req: _Request, writer: asyncio.StreamWriter) -> bool:
    enc = req.query.get("enc", "br")
    body = _bomb_body(enc, req.int_arg("size", 2**30))
    headers = [("Content-Type", "application/octet-stream"), ("Content-Encoding", enc)]
    chunked = req.query.get("length") == "0"
    headers.append(("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(len(body))))
    writer.write(_head(200, "OK", headers, req.keep_alive))
    if req.method != "HEAD":
        writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if chunked else body)
    await writer.drain()
    return req.keep_alive


async def _endless(req: _Request, writer: asyncio.StreamWriter) -> bool:
    piece = generated_bytes(max(req.int_arg("chunk", 64 * 1024), 1))
    headers = [("Content-Type", "application/octet-stream"), ("Transfer-Encoding", "chunked")]
    writer.write(_head(200, "OK", headers, req.keep_alive))
    if req.method == "HEAD":
        await writer.drain()
        return req.keep_alive
    frame = b"%x\r\n%s\r\n" % (len(piece), piece)
    while True:  # until the client goes away (OSError ends the connection)
        writer.write(frame)
        await writer.drain()


_CONCURRENT = {"now": 0, "max": 0, "count": 0}


async def _concurrent(req: _Request, writer: asyncio.StreamWriter) -> bool:
    _CONCURRENT["now"] += 1
    _CONCURRENT["max"] = max(_CONCURRENT["max"], _CONCURRENT["now"])
    try:
        await asyncio.sleep(req.float_arg("delay", 0.05))
    finally:
        _CONCURRENT["now"] -= 1
    _CONCURRENT["count"] += 1
    await _simple(writer, req, 200, "OK", b"ok", keep_alive=req.keep_alive)
    return req.keep_alive


async def _concurrent_stats(req: _Request, writer: asyncio.StreamWriter) -> bool:
    body = json.dumps({"max": _CONCURRENT["max"], "count": _CONCURRENT["count"]}).encode()
    if req.query.get("reset") == "1":
        _CONCURRENT.update(max=0, count=0)
    await _simple(writer, req, 200, "OK", body, "application/json", req.keep_alive)
    return req.keep_alive


_GET_ROUTES = {
    "/concurrent": _concurrent,
    "/concurrent-stats": _concurrent_stats,
    "/bomb": _bomb,
    "/endless": _endless,
    "/big": _big,
    "/nolength": _nolength,
    "/reset": _reset,
    "/slow-headers": _slow_headers,
    "/slow-body": _slow_body,
    "/drip": _drip,
    "/charset": _charset,
    "/json-big": _json_big,
}


async def _sink(req: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
    body = AsyncIteratorBytes(req, reader)
    digest = hashlib.sha256()
    count = 0
    async for data in body:
        digest.update(data)
        count += len(data)
    answer = {
        "bytes": count,
        "sha256": digest.hexdigest(),
        "chunked": body.chunked,
        "content_type": req.headers.get("content-type"),
    }
    await _simple(writer, req, 200, "OK", json.dumps(answer).encode(), "application/json",
                  req.keep_alive)
    return req.keep_alive


# --------------------------------------------------------------------------- server


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            req = await _read_request(reader)
            if req is None:
                break
            try:
                if req.path == "/sink" and req.method in ("POST", "PUT"):
                    keep = await _sink(req, reader, writer)
                else:
                    await _drain_body(req, reader)
                    handler = _GET_ROUTES.get(req.path)
                    if handler is None or req.method not in ("GET", "HEAD"):
                        status = 404 if handler is None else 405
                        reason = "Not Found" if handler is None else "Method Not Allowed"
                        await _simple(writer, req, status, reason, reason.encode(),
                                      keep_alive=req.keep_alive)
                        keep = req.keep_alive
                    else:
                        keep = await handler(req, writer)
            except _BadRequest as exc:
                await _simple(writer, req, 400, "Bad Request", str(exc).encode(), keep_alive=False)
                break
            if not keep:
                break
    except (OSError, asyncio.IncompleteReadError, _BadRequest):
        pass  # the peer went away or sent garbage: drop the connection
    finally:
        if not writer.transport.is_closing():
            writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def serve(
    host: str = "127.0.0.1", port: int = 0, ssl_context: ssl.SSLContext | None = None
) -> asyncio.Server:
    """Start the server on the running loop; the caller reads the port from `.sockets`."""
    return await asyncio.start_server(_handle, host, port, limit=64 * 1024, backlog=256,
                                      ssl=ssl_context)


async def _main(port: int, certfile: str | None, keyfile: str | None) -> None:
    ctx = None
    if certfile:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(certfile, keyfile)
    server = await serve(port=port, ssl_context=ctx)
    bound = server.sockets[0].getsockname()[1]
    print(f"LISTENING {bound}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--certfile", help="serve HTTPS with this certificate chain (PEM)")
    parser.add_argument("--keyfile", help="private key for --certfile (PEM)")
    args = parser.parse_args()
    try:
        asyncio.run(_main(args.port, args.certfile, args.keyfile))
    except KeyboardInterrupt:
        sys.exit(0)
