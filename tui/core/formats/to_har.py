"""Requests as a HAR 1.2 log (the JSON browsers' devtools save). Nothing is sent: each
entry's response is the empty one HAR uses for a request that got no answer (status 0).

- `request`: method, the encoded URL httpx sends, `httpVersion` ("HTTP/2" when http2), the
  headers reqbench sets (its Content-Type included), `queryString` from that URL, `cookies`
  from a Cookie header, `postData` (`mimeType` + `text` for text/JSON/form/file bodies,
  `params` with `fileName`/`contentType` for multipart; a body that is not UTF-8 text is
  base64 in `text` with `"_encoding": "base64"`), `bodySize`;
- secrets are masked, since a HAR file is meant to be shared: every `{{env:NAME}}` value,
  Authorization/Cookie and token-like headers, secret-looking query parameters and the
  auth credentials become `***` (see `tui.core.replay.masking`);
- `comment` holds the request's name; `_reqbench` holds the options HAR has no field for
  (follow_redirects, timeout, verify, download path).

Refused (`check`): values captured from an earlier response (a HAR entry is one fixed
request), file and stream bodies larger than 10 MiB (they are read into `text`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from tui.core.engine.resolved import ResolvedRequest
from tui.core.formats.exported import ExportInput, ExportRequest, pieces, url_of
from tui.core.formats.to_curl import capture_reason
from tui.core.formats.wire import content_type, header, part_filename, part_type
from tui.core.replay.masking import MASK, Masker, is_secret_param

__all__ = ["MAX_FILE_BODY", "check", "render"]

MAX_FILE_BODY = 10 * 2**20
_VERSION = "0.1.0"


def _unref(text: str) -> str:
    """`text` with every reference masked."""
    return "".join(piece if isinstance(piece, str) else MASK for piece in pieces(text))


def _body_bytes(request: ResolvedRequest) -> bytes | None:
    body = request.body
    if body is None:
        return None
    if body.kind in ("file", "stream") and body.path is not None:
        return body.path.read_bytes()
    if body.kind == "base64":
        return base64.b64decode(body.text.strip())
    return None


def _post_data(request: ResolvedRequest, masker: Masker) -> tuple[dict[str, Any] | None, int]:
    body = request.body
    if body is None:
        return None, 0
    mime = header(request, "Content-Type") or content_type(request) or ""
    if body.kind == "multipart":
        params: list[dict[str, Any]] = []
        for part in body.parts:
            if part.file is None:
                entry: dict[str, Any] = {"name": _unref(part.name), "value": masker.text(_unref(part.value or ""))}
                if part.content_type:
                    entry["contentType"] = part.content_type
            else:
                entry = {"name": _unref(part.name), "fileName": _unref(part_filename(part)), "contentType": part_type(part), "value": ""}
            params.append(entry)
        return {"mimeType": mime or "multipart/form-data", "params": params, "text": ""}, -1
    if body.kind == "form":
        rows = [(_unref(k), MASK if is_secret_param(k) else masker.text(_unref(v))) for k, v in body.form]
        text = urlencode(rows)
        return {
            "mimeType": mime,
            "params": [{"name": k, "value": v} for k, v in rows],
            "text": text,
        }, len(text.encode())
    if body.kind in ("text", "json"):
        text = masker.text(_unref(body.text))
        return {"mimeType": mime, "text": text}, len(text.encode())
    data = _body_bytes(request) or b""
    try:
        return {"mimeType": mime, "text": masker.text(data.decode("utf-8"))}, len(data)
    except UnicodeDecodeError:
        return {"mimeType": mime, "text": base64.b64encode(data).decode("ascii"), "_encoding": "base64"}, len(data)


def _entry(item: ExportRequest, started: str) -> dict[str, Any]:
    request = item.request
    masker = Masker()
    masker.add_auth(request.auth)
    pairs = list(request.headers)
    default_type = content_type(request)
    if default_type is not None:
        pairs.append(("Content-Type", default_type))
    auth = request.auth
    if auth is not None and header(request, "Authorization") is None:
        scheme = {"basic": "Basic", "digest": "Digest", "bearer": "Bearer"}[auth.kind]
        pairs.append(("Authorization", f"{scheme} {MASK}"))
    shown = [(name, _unref(value)) for name, value in pairs]
    masker.learn_headers(shown)
    headers = [{"name": name, "value": masker.header(name, value)} for name, value in shown]
    url = masker.url(_unref(url_of(request)))
    query = [
        {"name": name, "value": MASK if is_secret_param(name) else value}
        for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
    ]
    cookies = []
    cookie = header(request, "Cookie")
    if cookie is not None:
        for piece in cookie.split(";"):
            name, sep, _ = piece.strip().partition("=")
            if sep:
                cookies.append({"name": name, "value": MASK})
    post, size = _post_data(request, masker)
    har_request: dict[str, Any] = {
        "method": request.method.upper(),
        "url": url,
        "httpVersion": "HTTP/2" if request.http2 else "HTTP/1.1",
        "cookies": cookies,
        "headers": headers,
        "queryString": query,
        "headersSize": -1,
        "bodySize": size,
    }
    if post is not None:
        har_request["postData"] = post
    options: dict[str, Any] = {"follow_redirects": request.follow_redirects, "timeout": request.timeout}
    if request.verify is not True:
        options["verify"] = False if request.verify is False else str(request.verify)
    if request.download is not None:
        options["download"] = str(request.download.path)
    return {
        "startedDateTime": started,
        "time": 0,
        "request": har_request,
        "response": {
            "status": 0,
            "statusText": "",
            "httpVersion": "",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
        "comment": request.name,
        "_reqbench": options,
    }


def check(item: ExportRequest) -> str | None:
    reason = capture_reason(item)
    if reason is not None:
        return reason
    body = item.request.body
    if body is not None and body.kind in ("file", "stream") and body.path is not None:
        size = body.path.stat().st_size
        if size > MAX_FILE_BODY:
            return f"a {size}-byte file body (HAR holds bodies as text; the limit is {MAX_FILE_BODY})"
    return None


def render(data: ExportInput, options: Mapping[str, object]) -> str:
    started = str(options.get("started") or datetime.now(timezone.utc).isoformat(timespec="milliseconds"))
    log = {
        "log": {
            "version": "1.2",
            "creator": {"name": "reqbench", "version": _VERSION},
            "comment": f"{data.title}: exported by reqbench" + (f" from {data.source}" if data.source else ""),
            "entries": [_entry(item, started) for item in data.requests],
        }
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
