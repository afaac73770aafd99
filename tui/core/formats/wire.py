"""What the engine adds to a request when it sends it, for exporters to write out explicitly.

    content_type(request) -> str | None        # the Content-Type the engine would add (None: the user set
                                               # one, or the tool computes it: multipart boundary)
    part_filename(part) / part_type(part)      # a multipart file part's filename and type, as the engine
    accepts_gzip(request) -> bool              # does the request accept a gzip response (httpx: yes)
    map_literals(text, fn) -> str              # fn applied to literal text, references left alone
    python_str(text, captured="captured") -> str   # a Python expression for text (refs as os.environ[...])
    multipart_type_reason(request) -> str | None   # a multipart content_type override (refused by all)
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable

from tui.core.engine.bodies import DEFAULT_CONTENT_TYPES
from tui.core.engine.resolved import ResolvedPart, ResolvedRequest
from tui.core.formats.exported import pieces

__all__ = [
    "accepts_gzip",
    "content_type",
    "header",
    "map_literals",
    "multipart_type_reason",
    "part_filename",
    "part_type",
    "python_str",
]


def header(request: ResolvedRequest, name: str) -> str | None:
    lower = name.lower()
    for key, value in request.headers:
        if key.lower() == lower:
            return value
    return None


def content_type(request: ResolvedRequest) -> str | None:
    body = request.body
    if body is None or header(request, "Content-Type") is not None:
        return None
    if body.kind == "multipart":
        return None  # the tool writes multipart/form-data; boundary=... itself
    return body.content_type or DEFAULT_CONTENT_TYPES[body.kind]


def part_filename(part: ResolvedPart) -> str:
    assert part.file is not None
    return part.filename or part.file.name


def part_type(part: ResolvedPart) -> str:
    """A file part's Content-Type as the engine sends it (explicit, else guessed from the name)."""
    return part.content_type or mimetypes.guess_type(part_filename(part))[0] or "application/octet-stream"


def accepts_gzip(request: ResolvedRequest) -> bool:
    """httpx always sends `Accept-Encoding: gzip, deflate[, br, zstd]` unless the user set one."""
    value = header(request, "Accept-Encoding")
    return value is None or "gzip" in value.lower() or "*" in value


def map_literals(text: str, fn: Callable[[str], str]) -> str:
    out = []
    for piece in pieces(text):
        out.append(fn(piece) if isinstance(piece, str) else piece.marker)
    return "".join(out)


def python_str(text: str, captured: str = "captured") -> str:
    """A Python expression for `text`: a literal, or literals joined with `os.environ["X"]` /
    `captured["x"]` for the references (the script imports os and keeps a `captured` dict)."""
    parts: list[str] = []
    for piece in pieces(text):
        if isinstance(piece, str):
            parts.append(repr(piece))
        elif piece.kind == "env":
            parts.append(f"os.environ[{piece.name!r}]")
        else:
            parts.append(f"{captured}[{piece.name!r}]")
    return " + ".join(parts) if parts else "''"


def multipart_type_reason(request: ResolvedRequest) -> str | None:
    body = request.body
    if body is not None and body.kind == "multipart" and body.content_type and header(request, "Content-Type") is None:
        return f"a multipart body with its own content_type ({body.content_type!r}) keeping the generated boundary"
    return None
