"""Building the pieces of an httpx request from a `ResolvedRequest`: URL, headers, auth, body."""

from __future__ import annotations

import codecs
import itertools
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from tui.core.engine.bodies import EncodedBody, encode_body
from tui.core.errors import InvalidURL, RequestError
from tui.core.engine.resolved import ResolvedRequest

__all__ = ["PreparedRequest", "build_url", "prepare"]


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")  # what urlencode (quote_plus) leaves as it is


def _urlencode(params: tuple[tuple[str, str], ...]) -> str:
    """`urlencode(params)`, without its four quoting calls per pair when nothing needs quoting."""
    if _UNRESERVED.fullmatch("".join(itertools.chain.from_iterable(params))):
        return "&".join(f"{name}={value}" for name, value in params)
    return urlencode(list(params))


def _with_params(text: str, params: tuple[tuple[str, str], ...]) -> httpx.URL | None:
    """`text` with `params` appended to its query, parsed once; None when that URL is not a
    plain valid http(s) one (the caller then takes the slow path, which explains why)."""
    base, hash_, fragment = text.partition("#")
    start = base.find("?")
    # An empty query, or one ending in "&", needs no "&" (a=1& + b=2 is a=1&b=2, as shown).
    sep = "?" if start < 0 else ("" if start == len(base) - 1 or base.endswith("&") else "&")
    try:
        parsed = httpx.URL(f"{base}{sep}{_urlencode(params)}{hash_}{fragment}")
    except httpx.InvalidURL:
        return None
    if "://" not in text or parsed.scheme not in ("http", "https") or not parsed.host or "%" in parsed.host:
        return None  # (a percent-escaped host comes out in lower case from the slow path)
    return parsed


def build_url(url: str, params: tuple[tuple[str, str], ...] = ()) -> httpx.URL:
    """The URL to send: a query already in `url` is kept, `params` appended in order (repeats kept)."""
    text = url.strip()
    if not text:
        raise InvalidURL("invalid URL: the URL is empty")
    if params:
        fast = _with_params(text, params)
        if fast is not None:
            return fast
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise InvalidURL(f"invalid URL {url!r}: {exc}") from exc
    if "://" not in text or not parsed.scheme:
        raise InvalidURL(f"invalid URL {url!r}: missing scheme (start it with http:// or https://)")
    if parsed.scheme not in ("http", "https"):
        raise InvalidURL(f"invalid URL {url!r}: unsupported scheme {parsed.scheme!r} (use http:// or https://)")
    if not parsed.host:
        raise InvalidURL(f"invalid URL {url!r}: no host name")
    if params:
        extra = urlencode(list(params)).encode("ascii")
        query = parsed.query
        parsed = parsed.copy_with(query=query + b"&" + extra if query and not query.endswith(b"&") else query + extra)
    return parsed


@dataclass(slots=True)
class PreparedRequest:
    method: str
    url: httpx.URL
    headers: list[tuple[str, str]]
    auth: httpx.Auth | None
    body: EncodedBody


def _has(headers: list[tuple[str, str]], name: str) -> bool:
    lower = name.lower()
    return any(key.lower() == lower for key, _ in headers)


def prepare(request: ResolvedRequest) -> PreparedRequest:
    """Everything checked before sending. Raises InvalidURL / RequestError, or BodyError /
    PathError from the body; opens multipart files last (the caller must `body.close()`)."""
    url = build_url(request.url, request.params)
    method = request.method.strip().upper() or "GET"
    if request.encoding:
        try:
            codecs.lookup(request.encoding)
        except LookupError as exc:
            raise RequestError(f"unknown encoding {request.encoding!r} (request field 'encoding')") from exc
    headers = list(request.headers)
    auth: httpx.Auth | None = None
    if request.auth is not None:
        if request.auth.kind == "basic":
            auth = httpx.BasicAuth(request.auth.user, request.auth.password)
        elif request.auth.kind == "digest":
            auth = httpx.DigestAuth(request.auth.user, request.auth.password)
        elif not _has(headers, "Authorization"):
            headers.append(("Authorization", f"Bearer {request.auth.token}"))
    body = encode_body(request.body, has_content_type=_has(headers, "Content-Type"))
    headers.extend(body.headers)
    return PreparedRequest(method=method, url=url, headers=headers, auth=auth, body=body)
