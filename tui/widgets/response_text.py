"""What the response pane says, as text: the status line, error titles and details, header
lists and a summary of the request body. Pure functions of core values (no widgets)."""

from __future__ import annotations

from rich.text import Text

from tui.core import errors
from tui.core.engine.resolved import ResolvedBody, ResolvedRequest
from tui.core.engine.response import Response, SentRequest

from .transfer import format_bytes

__all__ = [
    "BODY_PREVIEW_CHARS",
    "body_summary",
    "resolved_request_text",
    "sent_request_text",
    "cookies_masked",
    "describe_error",
    "duration_text",
    "error_title",
    "headers_text",
    "status_class_for",
    "status_line",
]

_ERROR_TITLES: tuple[tuple[type[errors.ReqbenchError], str], ...] = (
    (errors.Cancelled, "Cancelled"),
    (errors.ConnectError, "Could not connect"),
    (errors.TimeoutError, "Timed out"),
    (errors.TLSError, "TLS error"),
    (errors.ProtocolError, "Connection broken"),
    (errors.TooManyRedirects, "Too many redirects"),
    (errors.InvalidURL, "Invalid URL"),
    (errors.DownloadError, "Download failed"),
    (errors.RequestError, "Request failed"),
    (errors.VariableError, "Unknown variable"),
    (errors.PathError, "Cannot read file"),
    (errors.BodyError, "Invalid body"),
    (errors.CollectionError, "Collection error"),
)


def status_class_for(status: int) -> str:
    """CSS class for a status code: -info, -success, -redirect, -client-error, -server-error."""
    if status < 200:
        return "-info"
    if status < 300:
        return "-success"
    if status < 400:
        return "-redirect"
    if status < 500:
        return "-client-error"
    return "-server-error"


def error_title(error: BaseException) -> str:
    for kind, title in _ERROR_TITLES:
        if isinstance(error, kind):
            return title
    return "Error"


def describe_error(error: BaseException) -> str:
    """Title, the error's own message, and the details it carries (what, where, how much)."""
    title, message = error_title(error), str(error)
    lines = [f"{title}: {message}" if message and message.lower() != title.lower() else title]
    if isinstance(error, errors.DownloadError) and error.exists is not None:  # the app's terms, not the TOML's
        lines[0] = f"{title}: {error.exists} already exists; tick “replace an existing file” in the Options tab (alt+o), or change the path"
    if isinstance(error, errors.TimeoutError):
        detail = " ".join(p for p in (error.phase and f"while {error.phase}", error.after_s is not None and f"after {error.after_s:g} s" or "") if p)
        if detail:
            lines.append(f"Timed out {detail}.")
    if isinstance(error, errors.ProtocolError) and error.bytes_received is not None:
        lines.append(f"{format_bytes(error.bytes_received)} received before the connection broke.")
    if isinstance(error, errors.Cancelled):
        if error.bytes_received:
            lines.append(f"{format_bytes(error.bytes_received)} received.")
        if error.part_path is not None:
            lines[0] = title  # the message says where the part is kept: once, below
            lines.append(f"The partial download is kept at {error.part_path}")
    if isinstance(error, errors.DownloadError) and error.part_path is not None:
        lines.append(f"The partial download is kept at {error.part_path}")
    if isinstance(error, errors.TLSError):
        lines.append("Hint: set a CA bundle (verify = \"ca.pem\") or verify = false in the request options.")
    if isinstance(error, errors.VariableError):
        lines.append(f"Request {error.request!r}, field {error.field}: {{{{{error.variable}}}}} is not defined.")
    if isinstance(error, errors.PathError):
        lines.append(f"Path: {error.path}")
    return "\n".join(lines)


def status_line(response: Response) -> str:
    parts = [f"{response.status} {response.reason}".strip(), response.http_version, duration_text(response.elapsed_ms)]
    decoded = response.decoded_size or len(response.content)
    if response.wire_size and response.wire_size != decoded:
        parts.append(f"{format_bytes(decoded)} ({format_bytes(response.wire_size)} on the wire)")
    else:
        parts.append(format_bytes(decoded))
    parts.append("connection reused" if response.timings.reused else "new connection")
    return " · ".join(part for part in parts if part)


def duration_text(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def headers_text(headers: tuple[tuple[str, str], ...], name_style: str = "bold") -> Text:
    text = Text()
    for name, value in headers:
        text.append(name, style=name_style)
        text.append(f": {value}\n")
    text.rstrip()
    return text


def cookies_masked(headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """`headers` with each Cookie header's values masked (`a=***; b=***`): the Request tab says
    which cookies went out without showing a session token."""
    return tuple(
        (name, "; ".join(f"{part.split('=', 1)[0].strip()}=***" for part in value.split(";") if part.strip()))
        if name.lower() == "cookie" else (name, value)
        for name, value in headers
    )  # fmt: skip


BODY_PREVIEW_CHARS = 4000


def body_summary(body: ResolvedBody) -> Text:
    """What the request body was: the text (cut), the form rows, the parts, or the file."""
    text = Text()
    text.append(f"Body ({body.kind})", style="bold")
    if body.content_type:
        text.append(f", Content-Type {body.content_type}")
    text.append(":\n")
    if body.kind in ("text", "json"):
        shown = body.text[:BODY_PREVIEW_CHARS]
        text.append(shown)
        if len(body.text) > len(shown):
            text.append(f"\n… ({len(body.text) - len(shown):,} more characters)")
    elif body.kind == "base64":
        text.append(f"{len(body.text):,} base64 characters")
    elif body.kind == "form":
        for name, value in body.form:
            text.append(f"{name}={value}\n")
    elif body.kind == "multipart":
        for part in body.parts:
            if part.file is not None:
                extra = ", ".join(x for x in (part.filename, part.content_type) if x)
                text.append(f"{part.name}: file {part.file}" + (f" ({extra})" if extra else "") + "\n")
            else:
                text.append(f"{part.name}: {part.value or ''}\n")
    elif body.kind == "file":
        text.append(f"file {body.path}")
    elif body.kind == "stream":
        text.append(f"streamed from {body.path} in {format_bytes(body.chunk_size)} chunks")
    text.rstrip()
    return text


def resolved_request_text(request: ResolvedRequest) -> Text:
    """The Request tab while sending: method, URL, headers, body."""
    text = Text()
    text.append(f"{request.method} {request.full_url}", style="bold")
    if request.headers:
        text.append("\n\n")
        text.append_text(headers_text(request.headers))
    if request.body is not None:
        text.append("\n\n")
        text.append_text(body_summary(request.body))
    return text


def sent_request_text(response: Response, request: ResolvedRequest | None, curl: str) -> Text:
    """The Request tab once answered: what was sent (after redirects), the body, as curl."""
    sent: SentRequest | None = response.sent
    text = Text()
    if sent is not None:
        text.append(f"{sent.method} {sent.url}\n", style="bold")
    else:
        method = request.method if request else "?"
        text.append(f"{method} {response.url}\n", style="bold")
    if response.history:
        text.append("\nRedirects:\n", style="bold")
        for hop in response.history:
            text.append(f"  {hop.status} {hop.url}\n")
        text.append(f"  → {response.url}\n")
    if sent is not None:
        text.append("\n")
        text.append_text(headers_text(cookies_masked(sent.headers)))
        if sent.body_size:
            text.append(f"\n\nBody: {format_bytes(sent.body_size)}")
        elif sent.body_size is None and request is not None and request.body is not None:
            text.append("\n\nBody: streamed (size unknown)")
    if request is not None and request.body is not None:
        text.append("\n\n" if sent is None else "\n")
        text.append_text(body_summary(request.body))
    if curl:
        text.append("\n\nAs curl (k copies it):\n", style="bold")
        text.append(curl)
    return text
