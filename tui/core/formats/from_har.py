"""Import a HAR 1.2 file (browser devtools "Save all as HAR", mitmproxy, Charles): one request
per entry, in file order.

Kept: method, URL (its query as `params` when that sends the same bytes), headers, cookies
(the `Cookie` header; built from `request.cookies` when the headers lack one), the body from
`postData` (`params` -> form or multipart; `text` -> json / form / text with its `mimeType`; a
raw multipart `text` is split into its parts; `encoding: base64` -> base64), an entry or
request `comment` as the description. Requests are named `METHOD host/path`; when the file
covers several hosts each request's `folder` is its host.

Dropped: `Host`, `Content-Length`, HTTP/2 pseudo-headers (`:authority` …) and what the client
computes (`Connection`, `Accept-Encoding`, `Transfer-Encoding`, a multipart boundary …).
Reported: entries without a URL or with a non-HTTP one (skipped), multipart file parts (a HAR
does not hold the file), undecodable bodies. `ctx.host` keeps only entries to that host.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from tui.core.collection.model import Body, Collection, MultipartPart, Pair, Request
from tui.core.collection.variables import escape
from tui.core.formats.documents import literal_secrets
from tui.core.formats.imported import (
    source_stem,
    ImportContext,
    ImportResult,
    fail_path,
    host_matches,
    multipart_parts,
    parse_json,
    split_query,
    unique_name,
    urlencoded_pairs,
)

__all__ = ["import_text"]

# Headers the client computes (or that would be wrong for the re-sent body).
_COMPUTED = frozenset(
    {"host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade",
     "proxy-connection", "accept-encoding", "expect", "http2-settings"}
)  # fmt: skip


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _rows(value: object, path: str, ctx: ImportContext) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        fail_path(ctx, path, f"must be an array, got {type(value).__name__}")
    return [row for row in value if isinstance(row, dict)]


def _name_for(method: str, parts: SplitResult) -> str:
    name = f"{method} {parts.hostname or ''}{parts.path or '/'}"
    return name if len(name) <= 80 else name[:79] + "…"


def _multipart_text(text: str, content_type: str, label: str, warnings: list[str]) -> Body | None:
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    if boundary is None:
        return None
    parts: list[MultipartPart] = []
    for part in multipart_parts(text, boundary.group(1)):
        if part.name is None:
            continue
        if part.filename is not None:
            warnings.append(f"{label}: multipart file part {part.name!r}: the HAR does not hold the file; not imported")
            continue
        parts.append(MultipartPart(name=escape(part.name), value=escape(part.content), content_type=part.content_type))
    return Body("multipart", parts=parts)


def _body(post: dict[str, Any], headers: list[Pair], label: str, warnings: list[str]) -> Body | None:
    mime = _text(post.get("mimeType"))
    base_mime = mime.split(";")[0].strip().lower()
    has_type = any(pair.name.lower() == "content-type" for pair in headers)
    content_type = None if has_type or not mime else mime
    params = [row for row in post.get("params") or [] if isinstance(row, dict)]
    text = _text(post.get("text"))
    if base_mime == "multipart/form-data":
        for pair in headers:
            if pair.name.lower() == "content-type":
                pair.enabled = False  # the boundary is the client's; kept visible, not sent
        if params:
            parts: list[MultipartPart] = []
            for row in params:
                name = _text(row.get("name"))
                if row.get("fileName") is not None:
                    warnings.append(f"{label}: multipart file part {name!r}: the HAR does not hold the file; not imported")
                    continue
                parts.append(MultipartPart(name=escape(name), value=escape(_text(row.get("value"))), content_type=row.get("contentType") or None))
            return Body("multipart", parts=parts)
        if text:
            body = _multipart_text(text, mime, label, warnings)
            if body is not None:
                return body
        warnings.append(f"{label}: multipart body could not be read; not imported")
        return None
    if params and not text:
        pairs = [Pair(escape(_text(row.get("name"))), escape(_text(row.get("value")))) for row in params]
        return Body("form", form=pairs, content_type=None if base_mime in ("", "application/x-www-form-urlencoded") else content_type)
    if _text(post.get("encoding")).lower() == "base64":
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            warnings.append(f"{label}: postData says base64 but is not; body not imported")
            return None
        return Body("base64", text=text, content_type=content_type)
    if not text and not mime:
        return None
    if "json" in base_mime:
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            return Body("json", text=escape(text), content_type=None if content_type == "application/json" else content_type)
    if base_mime == "application/x-www-form-urlencoded":
        pairs_or_none = urlencoded_pairs(text)
        if pairs_or_none is not None:
            return Body("form", form=pairs_or_none)
    return Body("text", text=escape(text), content_type=content_type)


def _request(entry: dict[str, Any], index: int, ctx: ImportContext, warnings: list[str]) -> Request | None:
    where = f"entries[{index}]"
    raw = entry.get("request")
    if not isinstance(raw, dict):
        warnings.append(f"{where}: no request; skipped")
        return None
    url = _text(raw.get("url")).strip()
    if not url:
        warnings.append(f"{where}: no URL; skipped")
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        warnings.append(f"{where}: URL {url[:80]!r} does not parse; skipped")
        return None
    if parts.scheme.lower() not in ("http", "https"):
        warnings.append(f"{where}: {parts.scheme or 'relative'} URL, not HTTP; skipped")
        return None
    if ctx.host and not host_matches(url, ctx.host):
        return None
    method = _text(raw.get("method")).upper() or "GET"
    request_name = _name_for(method, parts)
    label = f"{request_name} ({where})"
    headers: list[Pair] = []
    for row in _rows(raw.get("headers"), f"$.log.entries[{index}].request.headers", ctx):
        name = _text(row.get("name"))
        if not name or name.startswith(":") or name.lower() in _COMPUTED:
            continue
        headers.append(Pair(escape(name), escape(_text(row.get("value")))))
    if not any(pair.name.lower() == "cookie" for pair in headers):
        cookies = [f"{_text(c.get('name'))}={_text(c.get('value'))}" for c in _rows(raw.get("cookies"), f"$.log.entries[{index}].request.cookies", ctx)]
        if cookies:
            headers.append(Pair("Cookie", escape("; ".join(cookies))))
    post = raw.get("postData")
    body = _body(post, headers, label, warnings) if isinstance(post, dict) else None
    base_url, params = split_query(url)
    request = Request(name=request_name, method=method, url=escape(base_url), params=params, headers=headers, body=body)
    comments = [_text(entry.get("comment")), _text(raw.get("comment"))]
    request.description = "\n".join(comment for comment in comments if comment)
    request.folder = parts.hostname or ""
    return request


def _host_of(entry: dict[str, Any]) -> str:
    raw = entry.get("request")
    try:
        return (urlsplit(_text(raw.get("url"))).hostname or "") if isinstance(raw, dict) else ""
    except ValueError:
        return ""


def import_text(text: str, ctx: ImportContext) -> ImportResult:
    data = parse_json(text, ctx, what="HAR (JSON)")
    if not isinstance(data, dict) or not isinstance(data.get("log"), dict):
        fail_path(ctx, "$.log", "missing: a HAR file is a JSON object with a 'log' object")
    log = data["log"]
    entries = log.get("entries")
    if not isinstance(entries, list):
        fail_path(ctx, "$.log.entries", "missing or not an array")
    pages = [page for page in log.get("pages") or [] if isinstance(page, dict)]
    title = _text(pages[0].get("title")) if pages else ""
    collection = Collection(name=title or source_stem(ctx, "HAR import"))
    warnings: list[str] = []
    taken: set[str] = set()
    other_hosts: set[str] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            warnings.append(f"entries[{index}]: not an object; skipped")
            continue
        request = _request(entry, index, ctx, warnings)
        if request is None:
            if ctx.host:
                other_hosts.add(_host_of(entry))
            continue
        request.name = unique_name(request.name, taken)  # made up here: number repeats quietly
        collection.requests.append(request)
    if ctx.host and not collection.requests:
        hosts = ", ".join(sorted(other_hosts - {""})) or "none"
        fail_path(ctx, "$.log.entries", f"no entry goes to host {ctx.host!r} (hosts here: {hosts})")
    if len({request.folder for request in collection.requests}) <= 1:
        for request in collection.requests:
            request.folder = ""
    return ImportResult(collection, warnings + literal_secrets(collection))
