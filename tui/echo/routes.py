"""httpbin-compatible routes: same paths, same JSON shape (sorted keys, 2-space indent).

    /get /post /put /patch /delete /anything[/...]   the request echoed: args, data, form, files,
                                                     json, headers, url, origin (+ method)
    /headers /ip /user-agent /uuid                   parts of it
    /gzip /deflate /brotli /json /encoding/utf8      response formats (/brotli with the extra)
    /base64/{value} /response-headers /cookies[/set, /delete]
    /status/{codes} /redirect/{n} /relative-redirect/{n} /absolute-redirect/{n} /redirect-to
    /basic-auth/{user}/{password} /bearer
    /bytes/{n} /stream-bytes/{n}                     seeded random bytes (`seed`, `chunk_size`);
                                                     the same bytes as httpbin for the same seed
    /range/{n}                                       httpbin's a-z bytes with its Range handling
    /stream/{n}                                      httpbin's JSON lines (`interval` paces them)
    /sse                                             Server-Sent Events (tui/echo/sse.py)
    /drip /delay/{s}                                 slow bodies and slow answers; /drip `duration`
                                                     capped at MAX_PACING_S (60 s), `delay` and
                                                     /delay at MAX_DELAY_S (10 s)
    /download?size=N[&chunk_size=C]                  N deterministic bytes, Content-Length,
                                                     `Range: bytes=` (206 + Content-Range, 416);
                                                     its content is `download_chunks(start, end)`

Routes match the percent-decoded path, as werkzeug does (`/base64/SGk%3D`); query and form
escapes that are not UTF-8 stay as written (`%FF`). Cookies are quoted as werkzeug quotes them,
so nothing from a query ends a header line (the writer refuses control characters anyway).
Deliberate differences: `/status/1xx` is 400 (httpbin sends "100 CONTINUE" as the answer and
clients wait for another), codes above 999 are 400 (httpbin crashes, 500).

Request bodies above the server's cap are not stored: `data` holds a note with their size and
sha256, and every body-echoing reply carries `X-Echo-Body-Size` / `X-Echo-Body-Sha256`.

One module (~600 lines) on purpose: one short handler per httpbin route, in one table, so it
reads against httpbin's own route list.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import hashlib
import json
import math
import random
import re
import uuid
import zlib
from urllib.parse import unquote
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .forms import echo_headers, iri_url, json_safe, mimetype, parse_multipart, parse_query, parse_urlencoded, semiflatten
from .server import EchoRequest, HttpError, Reply
from .sse import sse_reply

__all__ = ["handle", "download_chunks", "DOWNLOAD_BLOCK", "MAX_DELAY_S", "MAX_DOWNLOAD", "MAX_PACING_S"]

MAX_DELAY_S = 10.0  # /delay/{s} is capped like httpbin's
MAX_RANDOM_BYTES = 100 * 1024  # /bytes and /stream-bytes, like httpbin
MAX_DRIP_BYTES = 10 * 2**20
MAX_PACING_S = 60.0  # /drip `duration`, /range `duration`, /stream and /sse `interval`
MAX_STREAM_LINES = 100  # /stream/{n}, like httpbin
MAX_DOWNLOAD = 64 * 2**30
DEFAULT_DOWNLOAD = 10 * 2**20
CORS = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")]
GET_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ANY_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "TRACE", "OPTIONS"})

Handler = Callable[[EchoRequest, "re.Match[str]"], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class _Route:
    pattern: re.Pattern[str]
    methods: frozenset[str]
    handler: Handler


_ROUTES: list[_Route] = []


def _route(pattern: str, methods: frozenset[str] = GET_METHODS) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _ROUTES.append(_Route(re.compile(pattern + r"\Z"), methods | {"OPTIONS"}, handler))
        return handler

    return register


async def handle(request: EchoRequest) -> Reply:
    """Answer one request: the echo server's `App`."""
    allowed: set[str] = set()
    path = unquote(request.path, "utf-8", "replace")  # werkzeug routes on the decoded path
    for route in _ROUTES:
        match = route.pattern.match(path)
        if match is None:
            continue
        if request.method not in route.methods:
            allowed |= route.methods
            continue
        if request.method == "OPTIONS":
            return _options(route.methods)
        reply = await route.handler(request, match)
        reply.headers.extend(CORS)
        return reply
    if allowed:
        return _html(405, "405 Method Not Allowed", "The method is not allowed for the requested URL.",
                     [("Allow", ", ".join(sorted(allowed)))])
    return _html(404, "404 Not Found", "The requested URL was not found on the server. If you entered the URL "
                 "manually please check your spelling and try again.")


def _options(methods: frozenset[str]) -> Reply:
    allow = ", ".join(sorted(methods))
    return Reply(200, [("Content-Type", "text/html; charset=utf-8"), ("Allow", allow), *CORS,
                       ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, PATCH, OPTIONS"),
                       ("Access-Control-Max-Age", "3600")])


def _html(status: int, title: str, text: str, headers: list[tuple[str, str]] | None = None) -> Reply:
    body = f"<!doctype html>\n<html lang=en>\n<title>{title}</title>\n<h1>{title.split(' ', 1)[1]}</h1>\n<p>{text}</p>\n"
    return Reply(status, [("Content-Type", "text/html; charset=utf-8"), *(headers or []), *CORS], body.encode())


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode("ascii")


def _json(value: Any, status: int = 200) -> Reply:
    return Reply(status, [("Content-Type", "application/json")], _json_bytes(value))


# --- the request as httpbin's get_dict() shows it -------------------------------------------


def _url(request: EchoRequest) -> str:
    return iri_url("http", request.host, request.path, request.query)


def _body_note(request: EchoRequest) -> str:
    return (f"[reqbench echo: request body of {request.body_size} bytes not stored, above the "
            f"{len(request.body)}-byte cap; sha256={request.body_sha256}]")


def _request_dict(request: EchoRequest, *keys: str) -> dict[str, Any]:
    kind = mimetype(request.header("content-type"))
    form: dict[str, Any] = {}
    files: dict[str, str] = {}
    data = request.body
    if request.body_truncated:
        data_text = _body_note(request)
        data = b""
    elif kind == "application/x-www-form-urlencoded":
        form, data = semiflatten(parse_urlencoded(request.body)), b""
    elif kind == "multipart/form-data":
        fields, files = parse_multipart(request.body, request.header("content-type") or "")
        form, data = semiflatten(fields), b""
    if not request.body_truncated:
        data_text = json_safe(data)
    try:
        parsed_json = json.loads(data.decode("utf-8")) if data else None
    except ValueError:
        parsed_json = None
    everything: dict[str, Any] = {
        "url": _url(request),
        "args": semiflatten(parse_query(request.query)),
        "form": form,
        "data": data_text,
        "origin": request.header("x-forwarded-for") or request.client_host,
        "headers": echo_headers(request.headers),
        "files": files,
        "json": parsed_json,
        "method": request.method,
    }
    return {key: everything[key] for key in keys}


def _body_headers(request: EchoRequest) -> list[tuple[str, str]]:
    if request.body_size == 0:
        return []
    return [("X-Echo-Body-Size", str(request.body_size)), ("X-Echo-Body-Sha256", request.body_sha256)]


_BODY_KEYS = ("url", "args", "form", "data", "origin", "headers", "files", "json")


@_route(r"/get")
async def _get(request: EchoRequest, match: re.Match[str]) -> Reply:
    return _json(_request_dict(request, "url", "args", "headers", "origin"))


async def _with_body(request: EchoRequest, match: re.Match[str]) -> Reply:
    reply = _json(_request_dict(request, *_BODY_KEYS))
    reply.headers.extend(_body_headers(request))
    return reply


for _method in ("POST", "PUT", "PATCH", "DELETE"):
    _route(f"/{_method.lower()}", frozenset({_method}))(_with_body)


@_route(r"/anything(/.*)?", ANY_METHODS)
async def _anything(request: EchoRequest, match: re.Match[str]) -> Reply:
    reply = _json(_request_dict(request, *_BODY_KEYS, "method"))
    reply.headers.extend(_body_headers(request))
    return reply


@_route(r"/headers")
async def _headers(request: EchoRequest, match: re.Match[str]) -> Reply:
    return _json(_request_dict(request, "headers"))


@_route(r"/ip")
async def _ip(request: EchoRequest, match: re.Match[str]) -> Reply:
    return _json(_request_dict(request, "origin"))


@_route(r"/user-agent")
async def _user_agent(request: EchoRequest, match: re.Match[str]) -> Reply:
    return _json({"user-agent": request.header("user-agent")})


@_route(r"/uuid")
async def _uuid(request: EchoRequest, match: re.Match[str]) -> Reply:
    return _json({"uuid": str(uuid.uuid4())})


@_route(r"/gzip")
async def _gzip(request: EchoRequest, match: re.Match[str]) -> Reply:
    body = _json_bytes({**_request_dict(request, "origin", "headers"), "method": request.method, "gzipped": True})
    packed = gzip.compress(body, compresslevel=4, mtime=0)
    return Reply(200, [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], packed)


@_route(r"/deflate")
async def _deflate(request: EchoRequest, match: re.Match[str]) -> Reply:
    body = _json_bytes({**_request_dict(request, "origin", "headers"), "method": request.method, "deflated": True})
    return Reply(200, [("Content-Type", "application/json"), ("Content-Encoding", "deflate")], zlib.compress(body))


_SLIDESHOW = {
    "slideshow": {
        "title": "Sample Slide Show",
        "date": "date of publication",
        "author": "Yours Truly",
        "slides": [
            {"type": "all", "title": "Wake up to WonderWidgets!"},
            {"type": "all", "title": "Overview",
             "items": ["Why <em>WonderWidgets</em> are great", "Who <em>buys</em> WonderWidgets"]},
        ],
    }
}


@_route(r"/json")
async def _json_doc(request: EchoRequest, match: re.Match[str]) -> Reply:
    return _json(_SLIDESHOW)


@_route(r"/encoding/utf8")
async def _utf8(request: EchoRequest, match: re.Match[str]) -> Reply:
    text = resources.files(__package__).joinpath("utf8_demo.html").read_bytes()
    return Reply(200, [("Content-Type", "text/html; charset=utf-8")], text.rstrip(b"\n"))


@_route(r"/brotli")
async def _brotli(request: EchoRequest, match: re.Match[str]) -> Reply:
    try:
        import brotli  # the optional `brotli` extra
    except ImportError:
        raise HttpError(501, "brotli is not installed (pip install 'reqbench[brotli]')") from None
    body = _json_bytes({**_request_dict(request, "origin", "headers"), "method": request.method, "brotli": True})
    packed: bytes = brotli.compress(body)
    return Reply(200, [("Content-Type", "application/json"), ("Content-Encoding", "br")], packed)


@_route(r"/base64/([^/]*)")
async def _base64(request: EchoRequest, match: re.Match[str]) -> Reply:
    try:
        text = base64.urlsafe_b64decode(match.group(1).encode("utf-8")).decode("utf-8")
    except ValueError:
        text = "Incorrect Base64 data try: SFRUUEJJTiBpcyBhd2Vzb21l"
    return Reply(200, [("Content-Type", "text/html; charset=utf-8")], text.encode("utf-8"))


@_route(r"/response-headers", frozenset({"GET", "HEAD", "POST"}))
async def _response_headers(request: EchoRequest, match: re.Match[str]) -> Reply:
    """The query's pairs become response headers, and the body lists every header (httpbin
    iterates until Content-Length describes the body that contains it)."""
    extra = parse_query(request.query)
    body = b""
    while True:
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *extra]
        grouped: dict[str, list[str]] = {}
        for name, value in headers:
            grouped.setdefault(name, []).append(value)
        new_body = _json_bytes({k: v[0] if len(v) == 1 else v for k, v in grouped.items()})
        if new_body == body:
            return Reply(200, headers, body)
        body = new_body


# --- cookies ---------------------------------------------------------------------------------


def _cookies(request: EchoRequest) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for item in (request.header("cookie") or "").replace(",", ";").split(";"):
        name, sep, value = item.strip().partition("=")
        if sep and name and name not in cookies:
            cookies[name] = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    return cookies


@_route(r"/cookies")
async def _view_cookies(request: EchoRequest, match: re.Match[str]) -> Reply:
    return _json({"cookies": _cookies(request)})


_COOKIE_PLAIN = re.compile(r"[\w!#$%&'()*+\-./:<=>?@\[\]^`{|}~]*", re.A)
_COOKIE_ESCAPE = re.compile(rb"[\x00-\x19\",;\\\x7f-\xff]")


def _cookie_escape(match: re.Match[bytes]) -> bytes:
    char = match.group()
    return b"\\" + char if char in b'"\\' else b"\\%03o" % char[0]


def _cookie(name: str, value: str, attributes: str = "Path=/") -> str:
    """`name=value; attributes` as werkzeug's dump_cookie writes it: a value outside the
    RFC 6265 cookie-octets is quoted, with ; , \\ " and control or non-ASCII bytes as octal
    escapes (so a CR LF in a value can never end the header)."""
    if ";" in name or "=" in name:
        raise HttpError(400, f"a cookie name cannot contain ';' or '=': {ascii(name)[:80]}")
    if not _COOKIE_PLAIN.fullmatch(value):
        value = '"' + _COOKIE_ESCAPE.sub(_cookie_escape, value.encode("utf-8")).decode("ascii") + '"'
    return f"{name.encode('utf-8').decode('latin-1')}={value}; {attributes}"


def _to_cookies(set_cookies: list[str]) -> Reply:
    reply = _redirect("/cookies")
    reply.headers.extend(("Set-Cookie", value) for value in set_cookies)
    return reply


@_route(r"/cookies/set/([^/]+)/([^/]*)")
async def _set_cookie(request: EchoRequest, match: re.Match[str]) -> Reply:
    return _to_cookies([_cookie(match.group(1), match.group(2))])


@_route(r"/cookies/set")
async def _set_cookies(request: EchoRequest, match: re.Match[str]) -> Reply:
    return _to_cookies([_cookie(name, value) for name, value in dict(parse_query(request.query)).items()])


@_route(r"/cookies/delete")
async def _delete_cookies(request: EchoRequest, match: re.Match[str]) -> Reply:
    expired = "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
    return _to_cookies([_cookie(name, "", expired) for name in dict(parse_query(request.query))])


# --- status codes and redirects -------------------------------------------------------------

_ASCII_TEAPOT = """
    -=[ teapot ]=-

       _...._
     .'  _ _ `.
    | ."` ^ `". _,
    \\_;`"---"`|//
      |       ;/
      \\_     _/
        `\"\"\"`
"""


def _status_reply(code: int) -> Reply:
    redirect = [("Location", "/redirect/1")]
    if code in (301, 302, 303, 305, 307):
        return Reply(code, redirect)
    if code == 401:
        return Reply(code, [("WWW-Authenticate", 'Basic realm="Fake Realm"')])
    if code == 407:
        return Reply(code, [("Proxy-Authenticate", 'Basic realm="Fake Realm"')])
    if code == 418:
        return Reply(code, [("x-more-info", "http://tools.ietf.org/html/rfc2324")], _ASCII_TEAPOT.encode())
    return Reply(code, [("Content-Type", "text/html; charset=utf-8")])


@_route(r"/status/([^/]+)", ANY_METHODS)
async def _status(request: EchoRequest, match: re.Match[str]) -> Reply:
    choices: list[tuple[int, float]] = []
    codes_text = match.group(1)
    try:
        if "," not in codes_text:
            choices.append((int(codes_text), 1.0))  # httpbin: a single code takes no weight ("999:1" is 400)
        for item in codes_text.split(",") if "," in codes_text else []:
            code, _, weight = item.partition(":")
            choices.append((int(code), float(weight) if weight else 1.0))
    except ValueError:
        return Reply(400, [("Content-Type", "text/plain; charset=utf-8")], b"Invalid status code")
    if any(not 100 <= code <= 999 for code, _ in choices):  # httpbin answers 999; 1000 crashes it (500)
        return Reply(400, [("Content-Type", "text/plain; charset=utf-8")], b"Invalid status code")
    if any(code < 200 for code, _ in choices):  # httpbin sends "100 CONTINUE" as the answer, and clients hang
        return Reply(400, [("Content-Type", "text/plain; charset=utf-8")],
                     b"Informational status codes (1xx) cannot be the final answer")
    codes, weights = zip(*choices)
    return _status_reply(random.choices(codes, weights)[0])


def _redirect(location: str) -> Reply:
    body = ("<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
            f'<p>You should be redirected automatically to the target URL: <a href="{location}">{location}</a>. '
            "If not, click the link.\n")
    return Reply(302, [("Content-Type", "text/html; charset=utf-8"), ("Location", location)], body.encode())


def _count(match: re.Match[str]) -> int:
    n = int(match.group(1))
    if n < 1:
        raise HttpError(404, "the number of redirects must be at least 1")
    return n


@_route(r"/redirect/(\d+)")
async def _redirect_n(request: EchoRequest, match: re.Match[str]) -> Reply:
    n = _count(match)
    absolute = dict(parse_query(request.query)).get("absolute", "false").lower() == "true"
    prefix = f"http://{request.host}" if absolute else ""
    if n == 1:
        return _redirect(f"{prefix}/get")
    return _redirect(f"{prefix}/{'absolute' if absolute else 'relative'}-redirect/{n - 1}")


@_route(r"/relative-redirect/(\d+)")
async def _relative_redirect(request: EchoRequest, match: re.Match[str]) -> Reply:
    n = _count(match)
    return Reply(302, [("Content-Type", "text/html; charset=utf-8"),
                       ("Location", "/get" if n == 1 else f"/relative-redirect/{n - 1}")])


@_route(r"/absolute-redirect/(\d+)")
async def _absolute_redirect(request: EchoRequest, match: re.Match[str]) -> Reply:
    n = _count(match)
    base = f"http://{request.host}"
    return _redirect(f"{base}/get" if n == 1 else f"{base}/absolute-redirect/{n - 1}")


@_route(r"/redirect-to", ANY_METHODS)
async def _redirect_to(request: EchoRequest, match: re.Match[str]) -> Reply:
    args = {k.lower(): v for k, v in parse_query(request.query)}
    if "url" not in args:
        raise HttpError(400, "missing url")
    status = _int_arg(args, "status_code", 302)
    return Reply(status if 300 <= status < 400 else 302,
                 [("Content-Type", "text/html; charset=utf-8"), ("Location", args["url"])])


# --- auth ------------------------------------------------------------------------------------


@_route(r"/basic-auth/([^/]+)/([^/]+)")
async def _basic_auth(request: EchoRequest, match: re.Match[str]) -> Reply:
    user, password = match.group(1), match.group(2)
    scheme, _, token = (request.header("authorization") or "").partition(" ")
    try:
        given = base64.b64decode(token, validate=True).decode("utf-8") if scheme.lower() == "basic" else ""
    except ValueError:
        given = ""
    if given != f"{user}:{password}":
        return Reply(401, [("WWW-Authenticate", 'Basic realm="Fake Realm"')])
    return _json({"authenticated": True, "user": user})


@_route(r"/bearer")
async def _bearer(request: EchoRequest, match: re.Match[str]) -> Reply:
    scheme, _, token = (request.header("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return Reply(401, [("WWW-Authenticate", "Bearer")])
    return _json({"authenticated": True, "token": token})


# --- generated and slow bodies ---------------------------------------------------------------


def _args(request: EchoRequest) -> dict[str, str]:
    return {k.lower(): v for k, v in parse_query(request.query)}


def _int_arg(args: dict[str, str], name: str, default: int) -> int:
    try:
        return int(args.get(name, default))
    except ValueError as exc:
        raise HttpError(400, f"{name} must be an integer") from exc


def _float_arg(args: dict[str, str], name: str, default: float) -> float:
    try:
        value = float(args.get(name, default))
    except ValueError as exc:
        raise HttpError(400, f"{name} must be a number") from exc
    if not math.isfinite(value):
        raise HttpError(400, f"{name} must be a finite number")
    return value


def _seconds_arg(args: dict[str, str], name: str, default: float, cap: float) -> float:
    """A pause or duration in seconds, clamped to [0, cap] (as httpbin clamps /delay)."""
    return min(max(0.0, _float_arg(args, name, default)), cap)


def _rng(args: dict[str, str]) -> random.Random:
    return random.Random(_int_arg(args, "seed", 0)) if "seed" in args else random.Random()


@_route(r"/bytes/(\d+)")
async def _bytes(request: EchoRequest, match: re.Match[str]) -> Reply:
    n = min(int(match.group(1)), MAX_RANDOM_BYTES)
    rng = _rng(_args(request))
    return Reply(200, [("Content-Type", "application/octet-stream")], bytes(rng.randint(0, 255) for _ in range(n)))


@_route(r"/stream-bytes/(\d+)")
async def _stream_bytes(request: EchoRequest, match: re.Match[str]) -> Reply:
    n = min(int(match.group(1)), MAX_RANDOM_BYTES)
    args = _args(request)
    rng = _rng(args)
    chunk_size = max(1, _int_arg(args, "chunk_size", 10 * 1024))

    async def generate() -> AsyncIterator[bytes]:
        for start in range(0, n, chunk_size):
            yield bytes(rng.randint(0, 255) for _ in range(min(chunk_size, n - start)))

    return Reply(200, [("Content-Type", "application/octet-stream")], generate())


@_route(r"/drip")
async def _drip(request: EchoRequest, match: re.Match[str]) -> Reply:
    args = _args(request)
    duration = _seconds_arg(args, "duration", 2.0, MAX_PACING_S)
    numbytes = min(_int_arg(args, "numbytes", 10), MAX_DRIP_BYTES)
    code = _int_arg(args, "code", 200)
    delay = _seconds_arg(args, "delay", 0.0, MAX_DELAY_S)
    if numbytes <= 0:
        return Reply(400, [("Content-Type", "text/plain; charset=utf-8")], b"number of bytes must be positive")
    if delay > 0:
        await asyncio.sleep(delay)
    pause = duration / numbytes
    # one byte per pause, as httpbin; when pauses get tiny, send several bytes per ~10 ms instead
    batch = 1 if pause >= 0.01 else min(numbytes, max(1, int(0.01 / pause) if pause > 0 else numbytes))

    async def generate() -> AsyncIterator[bytes]:
        for start in range(0, numbytes, batch):
            count = min(batch, numbytes - start)
            yield b"*" * count
            await asyncio.sleep(pause * count)

    return Reply(code, [("Content-Type", "application/octet-stream")], generate(), content_length=numbytes)


@_route(r"/range/(\d+)")
async def _range(request: EchoRequest, match: re.Match[str]) -> Reply:
    """httpbin's /range/{n}: n bytes of a-z repeating, honouring `Range` its way (206, 416),
    `chunk_size` and `duration` (capped at MAX_PACING_S)."""
    n = int(match.group(1))
    tags = [("ETag", f"range{n}"), ("Accept-Ranges", "bytes")]
    if not 0 < n <= MAX_RANDOM_BYTES:
        return Reply(404, [("Content-Type", "text/plain; charset=utf-8"), *tags],
                     b"number of bytes must be in the range (0, 102400]")
    args = _args(request)
    chunk_size = max(1, _int_arg(args, "chunk_size", 10 * 1024))
    pause_per_byte = _seconds_arg(args, "duration", 0.0, MAX_PACING_S) / n
    first, last = _httpbin_range(request.header("range") or "", n)
    if first > last or not 0 <= first < n or not 0 <= last < n:
        return Reply(416, [("Content-Type", "text/plain; charset=utf-8"), *tags, ("Content-Range", f"bytes */{n}"),
                           ("Content-Length", "0")])

    async def generate() -> AsyncIterator[bytes]:
        for start in range(first, last + 1, chunk_size):
            end = min(start + chunk_size, last + 1)
            await asyncio.sleep(pause_per_byte * (end - start))
            yield bytes(ord("a") + i % 26 for i in range(start, end))

    status = 200 if (first, last) == (0, n - 1) else 206
    return Reply(status, [("Content-Type", "application/octet-stream"), *tags, ("Content-Range", f"bytes {first}-{last}/{n}")],
                 generate(), content_length=last + 1 - first)


def _httpbin_range(header: str, size: int) -> tuple[int, int]:
    """(first, last) inclusive as httpbin's get_request_range reads a `Range` header."""
    left: int | None = None
    right: int | None = None
    text = header.strip()
    parts = text.split("=")
    if text.startswith("bytes") and len(parts) == 2:
        bounds = parts[1].split("-")
        with contextlib.suppress(ValueError, IndexError):
            right = int(bounds[1])
        with contextlib.suppress(ValueError, IndexError):
            left = int(bounds[0])
    if left is None and right is None:
        return 0, size - 1
    if left is None:
        assert right is not None
        return max(0, size - right), size - 1
    return left, size - 1 if right is None else right


@_route(r"/stream/(\d+)")
async def _stream_lines(request: EchoRequest, match: re.Match[str]) -> Reply:
    """httpbin's /stream/{n}: n JSON lines (at most 100) of the request, with an `id` each.
    Content-Type application/json as httpbin sends it, or application/x-ndjson when the
    request's Accept asks for it; `interval` (seconds, capped) paces the lines."""
    n = min(int(match.group(1)), MAX_STREAM_LINES)
    args = _args(request)
    interval = _seconds_arg(args, "interval", 0.0, MAX_PACING_S)
    base = _request_dict(request, "url", "args", "headers", "origin")
    ndjson = "application/x-ndjson" in (request.header("accept") or "").lower()

    async def generate() -> AsyncIterator[bytes]:
        for i in range(n):
            if i and interval:
                await asyncio.sleep(interval)
            yield (json.dumps({**base, "id": i}) + "\n").encode("ascii")

    return Reply(200, [("Content-Type", "application/x-ndjson" if ndjson else "application/json")], generate())


@_route(r"/delay/([0-9.]+)", frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "TRACE"}))
async def _delay(request: EchoRequest, match: re.Match[str]) -> Reply:
    try:
        seconds = min(float(match.group(1)), MAX_DELAY_S)
    except ValueError as exc:
        raise HttpError(400, "delay must be a number") from exc
    await asyncio.sleep(seconds)
    return _json(_request_dict(request, "url", "args", "form", "data", "origin", "headers", "files"))


@_route(r"/sse", frozenset({"GET", "HEAD", "POST"}))
async def _sse(request: EchoRequest, match: re.Match[str]) -> Reply:
    return sse_reply(request)


# --- large downloads -------------------------------------------------------------------------


def _make_block() -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < 65_537:
        out += hashlib.sha256(counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:65_537])  # a prime length, so chunk boundaries never line up with it


DOWNLOAD_BLOCK = _make_block()
_CHUNK = 1 << 20
_TILED = DOWNLOAD_BLOCK * (_CHUNK // len(DOWNLOAD_BLOCK) + 2)


def download_chunks(start: int, end: int, chunk_size: int = _CHUNK) -> Iterator[bytes]:
    """Bytes `start` to `end` (exclusive) of every `/download` body: DOWNLOAD_BLOCK repeated."""
    chunk_size = max(1, min(chunk_size, _CHUNK))
    view = memoryview(_TILED)
    position = start
    while position < end:
        count = min(chunk_size, end - position)
        offset = position % len(DOWNLOAD_BLOCK)
        yield bytes(view[offset : offset + count])
        position += count


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(start, end exclusive) of a single `bytes=` range; None to ignore it; raises for 416."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if not first:
            suffix = int(last)
            if suffix <= 0:
                raise _Unsatisfiable
            return max(0, size - suffix), size
        start = int(first)
        end = int(last) + 1 if last else size
    except ValueError:
        return None
    if start >= size or end <= start:
        raise _Unsatisfiable
    return start, min(end, size)


class _Unsatisfiable(Exception):
    pass


@_route(r"/download")
async def _download(request: EchoRequest, match: re.Match[str]) -> Reply:
    args = _args(request)
    size = _int_arg(args, "size", DEFAULT_DOWNLOAD)
    if not 0 <= size <= MAX_DOWNLOAD:
        raise HttpError(400, f"size must be between 0 and {MAX_DOWNLOAD}")
    chunk_size = _int_arg(args, "chunk_size", _CHUNK)
    headers = [("Content-Type", "application/octet-stream"), ("Accept-Ranges", "bytes"),
               ("Content-Disposition", f'attachment; filename="download-{size}.bin"')]
    status, start, end = 200, 0, size
    range_header = request.header("range")
    if range_header:
        try:
            chosen = _parse_range(range_header, size)
        except _Unsatisfiable:
            return Reply(416, [*headers, ("Content-Range", f"bytes */{size}")])
        if chosen is not None:
            status, (start, end) = 206, chosen
            headers.append(("Content-Range", f"bytes {start}-{end - 1}/{size}"))

    async def generate() -> AsyncIterator[bytes]:
        for chunk in download_chunks(start, end, chunk_size):
            yield chunk

    return Reply(status, headers, generate(), content_length=end - start)
