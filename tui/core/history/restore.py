"""An entry's request back as a collection `Request`, for the editor ("restore") or a re-send.

    request_from_entry(entry, *, name=None) -> Request
    response_from_entry(entry) -> Response | None   # for the response viewer (read-only), None on error
    entry_from_send(resolved, response) -> Entry    # the current response as an (unsaved, id 0)
                                                    # entry, to compare it with a stored one

When the entry kept its source (the request as written in the collection, `{{var}}`s and
`{{env:…}}` kept, literal secrets masked), that is what comes back: resolving it again with the
current variables sends what the original did. Without a source (a send from outside a
collection, or a damaged one) the request is rebuilt from what was sent: method, URL, the
headers the user could have typed (not the ones httpx adds), and a text/JSON/form body. Masked
values come back as "***": the editor shows them to be retyped, nothing invents a secret.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

from tui.core.collection.model import Body, Pair, Request
from tui.core.engine.clients import USER_AGENT
from tui.core.engine.response import RedirectHop, Response, SentRequest, Timings
from tui.core.errors import CollectionError
from tui.core.engine.resolved import ResolvedRequest
from tui.core.history.model import Entry, EntrySummary
from tui.core.history.record import build

__all__ = ["entry_from_send", "request_from_entry", "response_from_entry"]

# What httpx (or the engine) puts on the wire by itself: not part of what the user wrote.
_ADDED = frozenset({"host", "content-length", "transfer-encoding", "connection", "accept-encoding"})


def _from_source(source: str) -> Request | None:
    from tui.core.collection.store import loads

    try:
        requests = loads(source).requests
    except CollectionError:
        return None
    return requests[0] if len(requests) == 1 else None


def request_from_entry(entry: Entry, *, name: str | None = None) -> Request:
    """The entry's request (named `name`, else as it was)."""
    restored = _from_source(entry.source) if entry.source else None
    if restored is None:
        restored = _rebuilt(entry)
    if name is not None:
        restored.name = name
    return restored


def _rebuilt(entry: Entry) -> Request:
    sent = entry.request
    headers = []
    for header, value in sent.headers:
        lower = header.lower()
        if lower in _ADDED or (lower == "user-agent" and value == USER_AGENT) or (lower == "accept" and value == "*/*"):
            continue
        headers.append(Pair(header, value))
    body: Body | None = None
    if sent.body is not None and sent.body_kind in ("text", "json", "base64"):
        body = Body(kind=sent.body_kind, text=sent.body)  # type: ignore[arg-type]
    elif sent.body is not None and sent.body_kind == "form":
        body = Body(kind="form", form=[Pair(k, v) for k, v in parse_qsl(sent.body, keep_blank_values=True)])
    if body is not None and body.kind != "text":
        headers = [h for h in headers if h.name.lower() != "content-type"]  # the kind's default
    return Request(
        name=entry.summary.name or "restored",
        method=sent.method,
        url=sent.url,
        headers=headers,
        body=body,
        timeout=sent.timeout,
        follow_redirects=sent.follow_redirects,
        verify=sent.verify,
        http2=sent.http2,
    )


def response_from_entry(entry: Entry) -> Response | None:
    """The stored response as an engine `Response`, so every tab of the response viewer works
    on it (pretty, hex, headers, timing, what was sent). `content` is the stored body (its head
    when not complete); a download points at its file if it still exists. None: it failed."""
    recorded = entry.response
    if recorded is None:
        return None
    timings = Timings(**{k: v for k, v in recorded.timings.items() if k in Timings.__dataclass_fields__})  # type: ignore[arg-type]
    download = Path(recorded.download_path) if recorded.download_path else None
    try:
        entry.body.decode("utf-8")
        encoding: str | None = "utf-8"
    except UnicodeDecodeError:
        encoding = None
    return Response(
        status=recorded.status,
        reason=recorded.reason,
        http_version=recorded.http_version,
        headers=recorded.headers,
        url=recorded.url,
        history=tuple(RedirectHop(status, url) for status, url in recorded.redirects),
        sent=SentRequest(entry.request.method, entry.request.url, entry.request.headers),
        content=entry.body,
        body_path=download if download is not None and download.exists() else None,
        downloaded=download is not None and download.exists(),
        wire_size=recorded.wire_size,
        decoded_size=recorded.decoded_size,
        detected_encoding=encoding,
        timings=timings,
    )


def entry_from_send(resolved: ResolvedRequest, response: Response, *, when: float = 0.0) -> Entry:
    """What `History.record` would store for this send (masked, body capped), not stored: id 0."""
    recorded = build(resolved, response)
    summary = EntrySummary(0, when, "", resolved.name, recorded.request.method, recorded.url,
                           recorded.status, recorded.elapsed_ms, recorded.body_size)  # fmt: skip
    return Entry(summary, recorded.request, recorded.response, recorded.body, recorded.body_size,
                 recorded.body_complete, recorded.body_sha256)  # fmt: skip
