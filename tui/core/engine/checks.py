"""Checks of what is about to be sent, shared by the engine (just before sending) and replay's
plan (before anything is sent): the URL, header names and values, the encoding, a user
Content-Length. Each raises a `RequestError` subclass whose `field` names the request field.

    check_url(url) -> None                       # InvalidURL: empty, no scheme, not http(s),
                                                 # bad IDNA, bad brackets, space in the host,
                                                 # port outside 1..65535
    check_parsed_url(parsed, text) -> None       # the same checks on an httpx.URL already built
    check_headers(headers) -> None               # InvalidHeader: a name that is not a token, a
                                                 # value with non-ASCII or control characters
    check_content_types(body) -> None            # InvalidHeader: a body or multipart part
                                                 # content_type HTTP cannot carry (CR LF would
                                                 # inject header lines into a multipart body)
    check_encoding(name) -> None                 # RequestError: unknown or not a text encoding
    check_content_length(headers, size) -> None  # InvalidHeader: a user Content-Length that
                                                 # does not match the body's size
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import httpx

from tui.core.encodings import is_text_encoding
from tui.core.engine.resolved import ResolvedBody
from tui.core.errors import InvalidHeader, InvalidURL, RequestError

__all__ = ["check_content_length", "check_content_types", "check_encoding", "check_headers", "check_parsed_url", "check_url"]

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 field-name
_BAD_VALUE = re.compile(r"[^\t\x20-\x7e]")  # httpx sends values as ASCII; h11 refuses controls
_BAD_HOST = re.compile(r"[\s%\x00-\x1f\x7f]")


def _shown(url: str) -> str:
    return repr(url if len(url) <= 200 else url[:197] + "...")


def check_parsed_url(parsed: httpx.URL, text: str) -> None:
    """What `httpx.URL` accepts but cannot be sent: a port out of range, an empty or odd host."""
    if parsed.scheme not in ("http", "https"):
        raise InvalidURL(f"invalid URL {_shown(text)}: unsupported scheme {parsed.scheme!r} (use http:// or https://)", field="url")
    try:
        host = parsed.host  # decodes an "xn--" name: idna raises UnicodeError for a bad one
    except UnicodeError as exc:
        raise InvalidURL(f"invalid URL {_shown(text)}: the host is not a valid international name: {exc}", field="url") from exc
    if not host:
        raise InvalidURL(f"invalid URL {_shown(text)}: no host name", field="url")
    port = parsed.port
    if port is not None and not 1 <= port <= 65535:
        raise InvalidURL(f"invalid URL {_shown(text)}: port {port} is out of range (1-65535)", field="url")
    if _BAD_HOST.search(host):
        raise InvalidURL(f"invalid URL {_shown(text)}: the host {host!r} has a space or a control character", field="url")


def check_url(url: str) -> None:
    """Raise `InvalidURL` (field "url") unless `url` is an http(s) URL that can be sent."""
    text = url.strip()
    if not text:
        raise InvalidURL("invalid URL: the URL is empty", field="url")
    scheme, sep, rest = text.partition("://")
    if not sep or not scheme:
        raise InvalidURL(f"invalid URL {_shown(url)}: missing scheme (start it with http:// or https://)", field="url")
    if scheme.lower() not in ("http", "https"):
        raise InvalidURL(f"invalid URL {_shown(url)}: unsupported scheme {scheme!r} (use http:// or https://)", field="url")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if _BAD_HOST.search(authority.rpartition("@")[2].replace("%25", "")):  # %25: an IPv6 zone id
        raise InvalidURL(f"invalid URL {_shown(url)}: the host has a space, a % or a control character", field="url")
    try:
        parsed = httpx.URL(text)
    # idna raises its own UnicodeError subclasses for bad labels, httpx InvalidURL for the rest
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise InvalidURL(f"invalid URL {_shown(url)}: {exc}", field="url") from exc
    check_parsed_url(parsed, text)


def check_headers(headers: Iterable[tuple[str, str]]) -> None:
    for index, (name, value) in enumerate(headers):
        if not _TOKEN.fullmatch(name):
            bad = next((c for c in name if not _TOKEN.fullmatch(c)), "")
            what = "is empty" if not name else f"has {bad!r}, which a header name cannot hold"
            raise InvalidHeader(f"header name {name!r} {what}", field=f"headers[{index}]")
        bad_value = _BAD_VALUE.search(value)
        if bad_value is not None:
            char = bad_value.group()
            hint = "; percent-encode it or send it in the body" if ord(char) > 0x7E else ""
            raise InvalidHeader(
                f"header {name}: the value has {char!r} at position {bad_value.start()}, which HTTP headers cannot carry{hint}",
                field=f"headers.{name}",
            )


def _check_value(name: str, value: str, field: str) -> None:
    try:
        check_headers([(name, value)])
    except InvalidHeader as error:
        raise InvalidHeader(str(error), field=field) from None


def check_content_types(body: ResolvedBody | None) -> None:
    if body is None:
        return
    if body.content_type is not None:
        _check_value("Content-Type", body.content_type, "body.content_type")
    for index, part in enumerate(body.parts):
        if part.content_type is not None:
            _check_value("Content-Type", part.content_type, f"body.multipart[{index}].content_type")


def check_encoding(name: str | None) -> None:
    if name and not is_text_encoding(name):
        raise RequestError(f"unknown encoding {name!r}, or not a text encoding (request field 'encoding')")


def check_content_length(headers: Iterable[tuple[str, str]], size: int | None) -> None:
    """A Content-Length the user typed must be the body's size (h11 refuses to send otherwise)."""
    for name, value in headers:
        if name.lower() != "content-length":
            continue
        if not value.strip().isdigit():
            raise InvalidHeader(f"header Content-Length: {value!r} is not a number of bytes", field=f"headers.{name}")
        if size is not None and int(value) != size:
            raise InvalidHeader(
                f"header Content-Length says {int(value)} bytes but the body has {size}; remove the header (it is set for you)",
                field=f"headers.{name}",
            )
