"""The collection model: plain dataclasses, no I/O.

A `Collection` is what one TOML file holds (see `shared/collection-format.md`).
`store.load` builds it, `store.save` writes it back canonically, the UI edits it in
place, and `variables.resolve` turns one `Request` into a `ResolvedRequest` to send.

Field defaults here are the format's defaults: `store.save` omits a key whose value
equals the default, so an untouched collection always serialises to the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "FORMAT_VERSION",
    "BODY_KINDS",
    "BodyKind",
    "Pair",
    "MultipartPart",
    "Body",
    "Auth",
    "Download",
    "Expect",
    "Defaults",
    "Request",
    "Collection",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_TIMEOUT",
    "STREAM_OPTIONS",
    "StreamOption",
]

FORMAT_VERSION = 1
DEFAULT_CHUNK_SIZE = 65536
DEFAULT_TIMEOUT = 30.0

StreamOption = Literal["sse", "ndjson", "lines", False]
STREAM_OPTIONS: tuple[str, ...] = ("sse", "ndjson", "lines")
BodyKind = Literal["text", "json", "form", "multipart", "file", "stream", "base64"]
BODY_KINDS: tuple[BodyKind, ...] = ("text", "json", "form", "multipart", "file", "stream", "base64")


@dataclass(slots=True)
class Pair:
    """One row of params, headers or form fields. A disabled row is kept, not sent."""

    name: str
    value: str
    enabled: bool = True


@dataclass(slots=True)
class MultipartPart:
    """A multipart part: a value part (`value`) or a file part (`file`, a path)."""

    name: str
    value: str | None = None
    file: str | None = None
    filename: str | None = None
    content_type: str | None = None

    @property
    def is_file(self) -> bool:
        return self.file is not None


@dataclass(slots=True)
class Body:
    """Exactly one body kind.

    - text / json / base64: `text` holds the string as typed.
    - file / stream: `text` holds the path (relative to the collection's folder).
    - form: `form` holds the rows.
    - multipart: `parts` holds the parts.
    """

    kind: BodyKind
    text: str = ""
    form: list[Pair] = field(default_factory=list)
    parts: list[MultipartPart] = field(default_factory=list)
    chunk_size: int | None = None  # stream only; None means DEFAULT_CHUNK_SIZE
    content_type: str | None = None  # overrides the kind's default Content-Type

    @property
    def path(self) -> str:
        """The path of a file or stream body."""
        return self.text


@dataclass(slots=True)
class Auth:
    """`basic`/`digest` use `user` and `password`; `bearer` uses `token`."""

    kind: Literal["basic", "digest", "bearer"]
    user: str = ""
    password: str = ""
    token: str = ""


@dataclass(slots=True)
class Download:
    path: str
    chunk_size: int = DEFAULT_CHUNK_SIZE
    overwrite: bool = False


@dataclass(slots=True)
class Expect:
    status: list[int] = field(default_factory=list)  # empty: no check; TOML writes one as an int
    headers: list[Pair] = field(default_factory=list)  # value must be contained in the header
    json: dict[str, Any] = field(default_factory=dict)  # dotted path -> equal value
    body_contains: str | None = None
    max_ms: float | None = None
    # Streamed responses (SSE, NDJSON): see docs/collection-format.md "Streams"
    events: int | None = None  # exactly this many events
    events_min: int | None = None  # at least this many
    event_contains: str | None = None  # some event's data contains this text
    event_json: dict[str, Any] = field(default_factory=dict)  # some event's JSON has path = value
    ends_within_ms: float | None = None  # the stream ends by itself within this time

    def is_empty(self) -> bool:
        return (
            not (self.status or self.headers or self.json or self.event_json)
            and self.body_contains is None
            and self.max_ms is None
            and self.events is None
            and self.events_min is None
            and self.event_contains is None
            and self.ends_within_ms is None
        )


@dataclass(slots=True)
class Defaults:
    headers: list[Pair] = field(default_factory=list)
    auth: Auth | None = None
    timeout: float = DEFAULT_TIMEOUT
    follow_redirects: bool = True
    verify: bool | str = True  # a string is a CA bundle path
    http2: bool = False
    cookies: bool = True  # false: no cookie jar (nothing sent from it, nothing stored in it)
    forward_secrets: bool = False  # send secret headers to another origin on a redirect too
    max_size: int | None = None  # bytes; None: unlimited for downloads, 1 GiB otherwise


@dataclass(slots=True)
class Request:
    name: str
    method: str = "GET"
    url: str = ""
    params: list[Pair] = field(default_factory=list)
    headers: list[Pair] = field(default_factory=list)
    auth: Auth | None = None
    body: Body | None = None
    download: Download | None = None
    expect: Expect | None = None
    capture: dict[str, str] = field(default_factory=dict)  # variable -> "json:a.b" | "header:X" | "status"
    encoding: str | None = None  # decode the response text with this instead of the detected one
    # "sse" | "ndjson" | "lines": read the body as that stream; False: never as a stream;
    # None: by the response's Content-Type
    stream: StreamOption | None = None
    # None means "inherit from [defaults]"
    timeout: float | None = None
    follow_redirects: bool | None = None
    verify: bool | str | None = None
    http2: bool | None = None
    cookies: bool | None = None
    # Free text shown beside the request (imported from Postman/OpenAPI/.http titles and docs).
    description: str = ""
    # Group path in the sidebar, segments joined by "/" (e.g. "Auth/Tokens"); "" is the top level.
    folder: str = ""
    forward_secrets: bool | None = None
    max_size: int | None = None  # decoded response body bound, bytes
    # Comment lines written just above this request's [[requests]] header; a trailing "\n"
    # keeps a blank line between them and the header. Not compared; store keeps it on save.
    comment: str = field(default="", compare=False)


@dataclass(slots=True)
class Collection:
    name: str = ""
    description: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: Defaults = field(default_factory=Defaults)
    requests: list[Request] = field(default_factory=list)
    format: int = FORMAT_VERSION
    # `[env] allow`: the environment variables `{{env:NAME}}` may read (replay refuses others
    # unless allowed on the command line with --allow-env)
    env_allow: list[str] = field(default_factory=list)
    # Where it was loaded from / will be saved to; not serialised.
    path: Path | None = field(default=None, compare=False)
    # The comment lines at the top of the file (with their "#"), written back on save.
    # Comments elsewhere in the file are not kept (tomllib does not report them).
    comment: str = field(default="", compare=False)
    # What store.load read (text and spans), so store.save rewrites only what was edited.
    # Opaque outside store; not compared, not serialised.
    source: Any = field(default=None, compare=False, repr=False)

    @property
    def folder(self) -> Path:
        """Relative paths in bodies and downloads are relative to this folder."""
        return self.path.parent if self.path is not None else Path.cwd()

    def request(self, name: str) -> Request:
        for request in self.requests:
            if request.name == name:
                return request
        raise KeyError(name)
