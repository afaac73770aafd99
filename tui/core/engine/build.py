"""Building the pieces of an httpx request from a `ResolvedRequest`: URL, headers, auth, body."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from tui.core.engine.bodies import EncodedBody, encode_body
from tui.core.engine.checks import check_content_length, check_content_types, check_encoding, check_headers, check_parsed_url
from tui.core.errors import InvalidHeader, InvalidURL, RequestError
from tui.core.engine.resolved import ResolvedRequest

__all__ = ["PreparedRequest", "build_url", "check_request", "prepare"]


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
    url = _checked_url(request)
    method = request.method.strip().upper() or "GET"
    check_encoding(request.encoding)
    headers = list(request.headers)
    auth: httpx.Auth | None = None
    if request.auth is not None:
        if request.auth.kind == "basic":
            auth = httpx.BasicAuth(request.auth.user, request.auth.password)
        elif request.auth.kind == "digest":
            auth = httpx.DigestAuth(request.auth.user, request.auth.password)
        elif not _has(headers, "Authorization"):
            headers.append(("Authorization", f"Bearer {request.auth.token}"))
    check_headers(headers)
    check_content_types(request.body)
    body = encode_body(request.body, has_content_type=_has(headers, "Content-Type"))
    try:
        check_content_length(request.headers, _body_size(request, body))
    except RequestError:
        body.close()
        raise
    headers.extend(body.headers)
    return PreparedRequest(method=method, url=url, headers=headers, auth=auth, body=body)


# -- checks shared with replay's plan -------------------------------------------------------


def _checked_url(request: ResolvedRequest) -> httpx.URL:
    try:
        url = build_url(request.url, request.params)
    # idna raises UnicodeError subclasses for a bad label; nothing from a URL may escape untyped
    except (UnicodeError, ValueError) as exc:
        raise InvalidURL(f"invalid URL {request.url!r}: {exc}") from exc
    check_parsed_url(url, request.url)
    return url


def _body_size(request: ResolvedRequest, encoded: EncodedBody | None) -> int | None:
    """The bytes the body will send when known without reading it (None: multipart, or unknown)."""
    body = request.body
    if body is None:
        return 0
    if encoded is not None and encoded.size is not None:
        return encoded.size
    if body.kind in ("text", "json"):
        return len(body.text.encode("utf-8"))
    if body.kind == "form":
        return len(urlencode(list(body.form)))
    if body.kind in ("file", "stream") and body.path is not None:
        try:
            return body.path.stat().st_size
        except OSError:
            return None
    return None


def check_request(request: ResolvedRequest) -> None:
    """What `prepare` checks, without opening or encoding anything: URL, encoding, headers, a
    user Content-Length against a body whose size is known. Raises `RequestError` subclasses
    (`InvalidURL`, `InvalidHeader`) whose `field`, when they have one, names the request field."""
    _checked_url(request)
    check_encoding(request.encoding)
    check_headers(request.headers)
    check_content_types(request.body)
    if request.auth is not None and request.auth.kind == "bearer":
        try:
            check_headers([("Authorization", f"Bearer {request.auth.token}")])
        except InvalidHeader as error:
            raise InvalidHeader(str(error), field="auth.token") from None
    if any(name.lower() == "content-length" for name, _ in request.headers):
        check_content_length(request.headers, _body_size(request, None))
