"""Turning a finished httpx exchange into our `Response`."""

from __future__ import annotations

import codecs
from pathlib import Path

import httpx

from tui.core.encodings import is_text_encoding
from tui.core.engine.response import RedirectHop, Response, SentRequest, Timings

__all__ = ["content_length", "detect_encoding", "header_items", "header_value", "make_response"]

Items = tuple[tuple[str, str], ...]


def header_items(headers: httpx.Headers) -> Items:
    """`tuple(headers.multi_items())`: (lower-case name, value) in order, repeats kept, decoded
    with the headers' encoding read once (`multi_items` reads that property twice per header)."""
    encoding = headers.encoding
    return tuple([(name.lower().decode(encoding), value.decode(encoding)) for name, value in headers.raw])


def header_value(items: Items, name: str) -> str | None:
    """`headers.get(name)` looked up in `header_items(headers)` (no second pass over the raw
    headers): every value of `name` (lower case) joined with ", ", or None."""
    values = [value for key, value in items if key == name]
    return ", ".join(values) if values else None


def content_length(headers: Items) -> int | None:
    value = header_value(headers, "content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def detect_encoding(response: httpx.Response, content: bytes, headers: Items | None = None) -> str | None:
    """The charset from Content-Type when Python knows it, else UTF-8 when the body decodes as
    UTF-8 (httpx's own default guess), else None (unknown). `headers`: the response's
    `header_items`, when the caller has them already."""
    content_type = response.headers.get("content-type") if headers is None else header_value(headers, "content-type")
    # httpx parses Content-Type with email.message on every call; no "charset" in it, no charset
    charset = response.charset_encoding if content_type is not None and "charset" in content_type.lower() else None
    if charset and is_text_encoding(charset):  # never rot13, base64, idna, ... from a server
        return charset
    if not content:
        return None
    try:
        # what an incremental UTF-8 decoder does with final=False, without looking the codec up
        # and building a decoder per response: a multi-byte char cut at the preview's end is fine
        codecs.utf_8_decode(content, "strict", False)
    except UnicodeDecodeError:
        return None
    return "utf-8"


def _sent(request: httpx.Request, url: str) -> SentRequest:
    headers = header_items(request.headers)
    length = header_value(headers, "content-length")
    return SentRequest(
        method=request.method,
        url=url,
        headers=headers,
        body_size=int(length) if length is not None and length.isdigit() else None,
    )


def make_response(
    response: httpx.Response,
    *,
    headers: tuple[tuple[str, str], ...],
    content: bytes,
    body_path: Path | None,
    downloaded: bool,
    decoded_size: int,
    encoding: str | None,
    timings: Timings,
) -> Response:
    url = str(response.url)  # the final request's URL: the same text for both (built once)
    return Response(
        status=response.status_code,
        reason=response.reason_phrase,
        http_version=response.http_version,
        headers=headers,
        url=url,
        history=tuple(RedirectHop(hop.status_code, str(hop.url)) for hop in response.history) if response.history else (),
        sent=_sent(response.request, url),
        content=content,
        body_path=body_path,
        downloaded=downloaded,
        wire_size=response.num_bytes_downloaded,
        decoded_size=decoded_size,
        detected_encoding=detect_encoding(response, content, headers),
        encoding=encoding,
        timings=timings,
    )
