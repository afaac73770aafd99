"""A request with every variable substituted and every path made absolute: what the engine sends.

`variables.resolve(...)` builds it from a `model.Request` plus the collection's defaults;
`engine.Engine.send(...)` sends it. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

from tui.core.collection.model import DEFAULT_CHUNK_SIZE, DEFAULT_TIMEOUT, Auth, BodyKind

__all__ = ["ResolvedPart", "ResolvedBody", "ResolvedDownload", "ResolvedRequest", "url_with_params"]


def url_with_params(url: str, params: tuple[tuple[str, str], ...]) -> str:
    """`url` with `params` urlencoded onto its query, as text (for showing and copying; the
    engine builds the httpx.URL it sends itself). A fragment stays last."""
    if not params:
        return url
    fragment = ""
    if "#" in url:
        url, fragment = url.split("#", 1)
        fragment = "#" + fragment
    if "?" in url:
        joiner = "" if url.endswith(("?", "&")) else "&"
    else:
        joiner = "?"
    return f"{url}{joiner}{urlencode(params)}{fragment}"


@dataclass(frozen=True, slots=True)
class ResolvedPart:
    name: str
    value: str | None = None
    file: Path | None = None  # absolute
    filename: str | None = None  # defaults (in the engine) to file.name
    content_type: str | None = None  # defaults (in the engine) to a guess from the filename


@dataclass(frozen=True, slots=True)
class ResolvedBody:
    kind: BodyKind
    text: str = ""  # text / json / base64 content
    path: Path | None = None  # file / stream, absolute
    form: tuple[tuple[str, str], ...] = ()  # enabled rows only
    parts: tuple[ResolvedPart, ...] = ()
    chunk_size: int = DEFAULT_CHUNK_SIZE
    content_type: str | None = None  # override; None means the kind's default


@dataclass(frozen=True, slots=True)
class ResolvedDownload:
    path: Path  # absolute final path; the engine writes path + ".part" first
    chunk_size: int = DEFAULT_CHUNK_SIZE
    overwrite: bool = False


@dataclass(frozen=True, slots=True)
class ResolvedRequest:
    name: str
    method: str
    url: str  # may already hold a query string; `params` are appended to it
    params: tuple[tuple[str, str], ...] = ()  # enabled rows only, order and repeats kept
    headers: tuple[tuple[str, str], ...] = ()  # defaults' headers merged, request's win
    auth: Auth | None = None
    body: ResolvedBody | None = None
    download: ResolvedDownload | None = None
    encoding: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    follow_redirects: bool = True
    verify: bool | Path = True  # a Path is a CA bundle
    http2: bool = False
    cookies: bool = True  # use the engine's cookie jar (send its cookies, store Set-Cookie)
    # "sse" | "ndjson" | "lines": parse the body as that stream; False: never a stream;
    # None: by the response's Content-Type (see engine.streams.stream_mode)
    stream: Literal["sse", "ndjson", "lines", False] | None = None
    stream_limit_s: float | None = None  # stop reading a stream this long after the start
    extras: dict[str, str] = field(default_factory=dict)  # free for callers (e.g. replay ids)
    # every value substituted from {{env:NAME}}: masked wherever shown, never sent to another origin
    env_values: frozenset[str] = frozenset()
    forward_secrets: bool = False  # send secret headers to another origin on a redirect too
    max_size: int | None = None  # decoded body bound in bytes; None: the engine's default

    @property
    def full_url(self) -> str:
        """The URL with the params appended: what is sent, before any redirect."""
        return url_with_params(self.url, self.params)
