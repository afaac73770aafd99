"""Map httpx / OS exceptions to reqbench's `RequestError`s with messages a user understands."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

import h11
import httpx
import idna

from tui.core import errors

__all__ = ["FailureContext", "deadline_error", "map_error", "origin"]

VERIFY_HINT = 'set verify = "path/to/ca.pem" (a CA bundle) or verify = false'


@dataclass(slots=True)
class FailureContext:
    url: str
    timeout: float
    phase: str = "connect"  # connect | send | headers | body
    bytes_received: int = 0
    total: int | None = None
    part_path: Path | None = None
    download: Path | None = None  # the download target, when there is one


def origin(url: httpx.URL | str) -> str:
    """host:port of a URL (default ports filled in)."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except httpx.InvalidURL:
        return str(url)
    port = parsed.port or {"http": 80, "https": 443}.get(parsed.scheme, 0)
    host = parsed.host
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{host}:{port}"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _find(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    for item in _chain(exc):
        if isinstance(item, kind):
            return item
    return None


def _url_of(exc: httpx.HTTPError, ctx: FailureContext) -> str:
    try:
        return str(exc.request.url)
    except RuntimeError:
        return ctx.url


def _with_part(message: str, ctx: FailureContext) -> str:
    if ctx.part_path is not None:
        return f"{message}; partial download kept at {ctx.part_path} ({ctx.bytes_received} bytes)"
    return message


def _so_far(ctx: FailureContext) -> str:
    if ctx.total is not None:
        return f"after {ctx.bytes_received} of {ctx.total} bytes"
    return f"after {ctx.bytes_received} bytes"


def _detail(exc: BaseException) -> str:
    """': <reason>' from the exception or its causes, or '' when none says anything."""
    for item in _chain(exc):
        text = str(item).strip()
        if text:
            return f": {text}"
    return ""


def _connect_error(exc: httpx.HTTPError, url: str) -> errors.RequestError:
    where = origin(url)
    host = where.rsplit(":", 1)[0]
    text = str(exc)
    if _find(exc, ssl.SSLCertVerificationError) is not None or "CERTIFICATE_VERIFY_FAILED" in text:
        cause = _find(exc, ssl.SSLCertVerificationError)
        detail = getattr(cause, "verify_message", None) or text
        return errors.TLSError(f"TLS certificate verification failed for {where}: {detail}; {VERIFY_HINT}")
    if _find(exc, ssl.SSLError) is not None:
        return errors.TLSError(f"TLS handshake with {where} failed: {text}")
    if _find(exc, socket.gaierror) is not None or any(
        marker in text
        for marker in ("Name or service not known", "nodename nor servname", "name resolution", "getaddrinfo")
    ):
        return errors.ConnectError(f"cannot resolve host {host!r} (DNS lookup failed: {text})")
    if _find(exc, ConnectionRefusedError) is not None or "refused" in text.lower():
        return errors.ConnectError(f"connection refused by {where}")
    if "unreachable" in text.lower():
        return errors.ConnectError(f"{where} is unreachable: {text}")
    return errors.ConnectError(f"cannot connect to {where}: {text or type(exc).__name__}")


# `TimeoutError.phase` is a phrase that reads well after "while" (the UI writes "Timed out while
# {phase} after {after_s} s"); the message starts with httpx's kind: connect/write/read/pool.
_PHASE_CONNECT = ("connect", "connecting")
_PHASE_SEND = ("write", "sending the request")
_PHASE_HEADERS = ("read", "waiting for the response headers")
_PHASE_BODY = ("read", "reading the response body")
_PHASE_POOL = ("pool", "waiting for a free connection")

_TIMEOUT_PHASES: dict[type[httpx.TimeoutException], tuple[str, str]] = {
    httpx.ConnectTimeout: _PHASE_CONNECT,
    httpx.WriteTimeout: _PHASE_SEND,
    httpx.PoolTimeout: _PHASE_POOL,
}
_CONTEXT_PHASES = {"connect": _PHASE_CONNECT, "send": _PHASE_SEND, "headers": _PHASE_HEADERS, "body": _PHASE_BODY}


def _doing(phrase: str, ctx: FailureContext) -> str:
    return f"{phrase} ({_so_far(ctx)})" if phrase == _PHASE_BODY[1] else phrase


def _timeout_error(exc: httpx.TimeoutException, url: str, ctx: FailureContext) -> errors.TimeoutError:
    kind, phrase = _TIMEOUT_PHASES.get(type(exc), _PHASE_BODY if ctx.phase == "body" else _PHASE_HEADERS)
    message = (
        f"{kind} timeout: nothing happened for {ctx.timeout:g} s while {_doing(phrase, ctx)}"
        f" ({origin(url)}, timeout = {ctx.timeout:g})"
    )
    return errors.TimeoutError(_with_part(message, ctx), phase=phrase, after_s=ctx.timeout)


def deadline_error(ctx: FailureContext) -> errors.TimeoutError:
    """The whole request took longer than `timeout` (each single wait was shorter)."""
    kind, phrase = _CONTEXT_PHASES.get(ctx.phase, _PHASE_HEADERS)
    message = (
        f"{kind} timeout: no complete response from {origin(ctx.url)} within {ctx.timeout:g} s "
        f"(timeout = {ctx.timeout:g} covers the whole request); it ran out while {_doing(phrase, ctx)}"
    )
    return errors.TimeoutError(message, phase=phrase, after_s=ctx.timeout)


def map_error(exc: BaseException, ctx: FailureContext) -> errors.RequestError:
    """The RequestError for `exc`; its `part_path` is set when a download left a `.part` file."""
    error = _map(exc, ctx)
    if ctx.part_path is not None and error.part_path is None:
        error.part_path = ctx.part_path
    return error


def _map(exc: BaseException, ctx: FailureContext) -> errors.RequestError:
    if isinstance(exc, errors.RequestError):
        return exc
    if isinstance(exc, httpx.TooManyRedirects):
        return errors.TooManyRedirects(f"too many redirects: {exc} (last URL {_url_of(exc, ctx)})")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return errors.InvalidURL(f"invalid URL {ctx.url!r}: {exc}")
    if isinstance(exc, httpx.InvalidURL):
        return errors.InvalidURL(f"invalid URL {ctx.url!r}: {exc}")
    if isinstance(exc, httpx.TimeoutException):
        return _timeout_error(exc, _url_of(exc, ctx), ctx)
    if isinstance(exc, httpx.ConnectError):
        return _connect_error(exc, _url_of(exc, ctx))
    if isinstance(exc, httpx.DecodingError):
        return errors.ProtocolError(
            _with_part(f"cannot decode the response body from {origin(ctx.url)}: {exc}", ctx),
            bytes_received=ctx.bytes_received,
        )
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.CloseError)):
        where = origin(_url_of(exc, ctx))
        detail = _detail(exc)
        if ctx.phase == "body":
            message = f"{where} closed the connection mid-body {_so_far(ctx)}{detail}"
        elif ctx.phase in ("connect", "send") and isinstance(exc, httpx.WriteError):
            message = f"{where} closed the connection while the request was being sent{detail}"
        else:
            message = f"{where} closed the connection without a complete response{detail}"
        return errors.ProtocolError(_with_part(message, ctx), bytes_received=ctx.bytes_received)
    if isinstance(exc, httpx.ProxyError):
        return errors.ConnectError(f"proxy error: {exc}")
    if isinstance(exc, idna.IDNAError):
        return errors.InvalidURL(f"a redirect from {origin(ctx.url)} leads to an invalid international host name: {exc}")
    if isinstance(exc, UnicodeError):
        return errors.RequestError(f"cannot send this request to {origin(ctx.url)}: {exc}")
    if isinstance(exc, h11.LocalProtocolError):
        changed = " (did the file change size while it was being sent?)" if ctx.phase in ("connect", "send") else ""
        return errors.RequestError(f"cannot send this request to {origin(ctx.url)}: {exc}{changed}")
    if isinstance(exc, httpx.LocalProtocolError):
        return errors.RequestError(f"cannot send this request: {exc}")
    if isinstance(exc, httpx.HTTPError):
        return errors.RequestError(_with_part(f"request to {origin(ctx.url)} failed: {exc}", ctx))
    if isinstance(exc, httpx.StreamConsumed):
        return errors.RequestError(
            f"{origin(ctx.url)} asked for the request again (a 307/308 redirect or an auth challenge),"
            " but its body is streamed from a file and cannot be sent twice; send it to the final URL,"
            " set follow_redirects = false, or use a text/json/form body"
        )
    if isinstance(exc, OSError) and (ctx.part_path is not None or ctx.download is not None):
        target = ctx.part_path or exc.filename or ctx.download
        return errors.DownloadError(f"cannot write {target}: {exc.strerror or exc}", part_path=ctx.part_path)
    if isinstance(exc, (httpx.StreamError, OSError)):
        return errors.RequestError(_with_part(f"request to {origin(ctx.url)} failed: {exc}", ctx))
    return errors.RequestError(f"request failed: {type(exc).__name__}: {exc}")
