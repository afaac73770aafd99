"""How a response body is shown: as JSON, text, binary (a hex dump) or nothing, and with
which text encoding. Pure functions of the `Response` and a sample of its bytes."""

from __future__ import annotations

import codecs
from typing import Literal

from tui.core.display.hexdump import is_probably_binary
from tui.core.engine.response import Response

__all__ = ["BodyKind", "choose_encoding", "classify_body"]

BodyKind = Literal["empty", "text", "json", "binary"]

_BINARY_PREFIXES = ("image/", "audio/", "video/", "font/")
_BINARY_TYPES = frozenset(
    {
        "application/octet-stream",
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-tar",
        "application/x-7z-compressed",
        "application/x-bzip2",
        "application/x-xz",
        "application/zstd",
        "application/wasm",
        "application/x-protobuf",
        "application/protobuf",
        "application/vnd.google.protobuf",
        "application/msgpack",
        "application/x-msgpack",
        "application/cbor",
    }
)


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def choose_encoding(response: Response) -> str:
    """The encoding `Response.text()` would use: the user's override, the detected one, UTF-8."""
    chosen = response.encoding or response.detected_encoding or "utf-8"
    try:
        return codecs.lookup(chosen).name
    except LookupError:
        return "utf-8"


def classify_body(response: Response, sample: bytes) -> BodyKind:
    """How to show a body, from its content type and (when that is not conclusive) a sample."""
    if not sample and response.decoded_size == 0 and response.body_path is None:
        return "empty"
    mime = _mime(response.content_type)
    if mime.startswith(_BINARY_PREFIXES) and not mime.endswith(("+xml", "svg+xml")) or mime in _BINARY_TYPES:
        return "binary"
    if "json" in mime:
        return "json"
    textual_type = mime.startswith("text/") or any(t in mime for t in ("xml", "javascript", "yaml", "csv", "urlencoded"))
    if response.encoding is None and is_probably_binary(sample[:8192]):
        return "binary"
    if not textual_type and response.encoding is None and response.detected_encoding is None:
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            decoder.decode(sample[:65536], final=False)
        except UnicodeDecodeError:
            return "binary"
    if mime in ("", "text/plain") and sample.lstrip()[:1] in (b"{", b"["):
        return "json"
    return "text"
