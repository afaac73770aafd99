"""Turn one send (resolved request + response or error) into what history stores, masked.

Masking happens here, before anything reaches the database: a `Masker` (the one `reqbench run
-v` uses) first learns every credential the send carries (auth, Authorization / Cookie /
token-like headers, secret query parameters, the values of `{{env:NAME}}` the request used,
and -- because a history lasts -- the values of credential-like keys in JSON bodies sent or
received, such as a login's `"access_token"`), then hides them in the URL, headers, bodies
and the error message.

    env_secrets(collection, request, environ=None) -> list[str]   # values {{env:…}} resolves to
    build(resolved, response=None, error=None, *, request=None, secrets=(), body_cap, head_size) -> Recorded
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tui.core.collection.model import Collection, Request
from tui.core.collection.variables import find_variables
from tui.core.engine.resolved import ResolvedRequest
from tui.core.engine.response import Response
from tui.core.history.model import RecordedRequest, RecordedResponse
from tui.core.replay.masking import MASK, Masker, is_secret_name, is_secret_param

__all__ = ["DEFAULT_BODY_CAP", "DEFAULT_HEAD_SIZE", "Recorded", "build", "env_secrets"]

DEFAULT_BODY_CAP = 2**20  # bodies up to this are kept whole
DEFAULT_HEAD_SIZE = 64 * 2**10  # larger ones keep this much of their start, and a sha256
_HASH_CHUNK = 2**20
# JSON keys whose string values are credentials (stricter than header names: "key" or "auth"
# alone would hide every "monkey" and "author").
_SECRET_JSON_KEY = re.compile(
    r"token|secret|passw|credential|signature|api[-_]?key|access[-_]?key|private[-_]?key|session[-_]?id|^auth(orization)?$|^sid$",
    re.IGNORECASE,
)
_JSON_SCAN_LIMIT = 4 * 2**20  # bodies larger than this are not parsed for credential keys
_TIMING_FIELDS = ("dns_ms", "connect_ms", "tls_ms", "request_sent_ms", "first_byte_ms", "total_ms", "reused")


@dataclass(frozen=True, slots=True)
class Recorded:
    request: RecordedRequest
    response: RecordedResponse | None
    body: bytes
    body_size: int
    body_complete: bool
    body_sha256: str | None
    error: str | None
    url: str
    status: int | None
    elapsed_ms: float | None
    source: str | None = None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _strings(getattr(value, item.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def env_secrets(collection: Collection | None, request: Request, environ: Mapping[str, str] | None = None) -> list[str]:
    """The values of every `{{env:NAME}}` that `request` (or the collection's defaults) uses:
    history treats them all as secrets, whatever field they land in."""
    source = os.environ if environ is None else environ
    found: list[str] = []
    roots: list[Any] = [request]
    if collection is not None:
        roots.append(collection.defaults)
    for root in roots:
        for text in _strings(root):
            if "{{" not in text:
                continue
            for name in find_variables(text):
                if name.startswith("env:"):
                    value = source.get(name[4:])
                    if value:
                        found.append(value)
    return found


def _learn(masker: Masker, resolved: ResolvedRequest, response: Response | None, secrets: Iterable[str]) -> None:
    for value in secrets:
        masker.add(value)
    masker.add_auth(resolved.auth)
    masker.learn_headers(resolved.headers)
    masker.url(resolved.url)
    for name, value in resolved.params:
        if is_secret_param(name):
            masker.add(value)
    if resolved.body is not None:
        for name, value in resolved.body.form:
            if is_secret_name(name) or is_secret_param(name):
                masker.add(value)
        for part in resolved.body.parts:
            if part.value is not None and (is_secret_name(part.name) or is_secret_param(part.name)):
                masker.add(part.value)
        if resolved.body.kind == "json":
            _learn_json(masker, resolved.body.text)
    if response is not None:
        if response.sent is not None:
            masker.learn_headers(response.sent.headers)
            masker.url(response.sent.url)
        masker.learn_headers(response.headers)
        if not response.downloaded:
            _learn_json(masker, response.content)


def _learn_json(masker: Masker, data: bytes | str) -> None:
    """Learn the values of credential-like keys anywhere in a JSON document (cheap when the
    text holds no such key: one regex search, no parse)."""
    if not data or len(data) > _JSON_SCAN_LIMIT:
        return
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if text.lstrip()[:1] not in ("{", "[") or _SECRET_JSON_KEY.search(text) is None:
        return
    try:
        document = json.loads(text)
    except ValueError:
        return
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str) and _SECRET_JSON_KEY.search(key):
                    masker.add(item)
                elif isinstance(item, (dict, list)):
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, (dict, list)))


def _request_body(resolved: ResolvedRequest, masker: Masker, cap: int) -> tuple[str | None, str | None]:
    """(body text, body summary): text for inline kinds, a summary for files and streams."""
    body = resolved.body
    if body is None:
        return None, None
    if body.kind in ("text", "json", "base64"):
        text = body.text if len(body.text) <= cap else body.text[:cap]
        summary = None if len(body.text) <= cap else f"{body.kind} body of {len(body.text)} characters, first {cap} kept"
        return masker.text(text), summary
    if body.kind == "form":
        rows = [(n, MASK if is_secret_name(n) or is_secret_param(n) else masker.text(v)) for n, v in body.form]
        return urlencode(rows, safe="*"), None
    if body.kind == "multipart":
        described = []
        for part in body.parts:
            if part.file is not None:
                described.append(f"{part.name}=@{part.file}")
            elif is_secret_name(part.name) or is_secret_param(part.name):
                described.append(f"{part.name}={MASK}")
            else:
                described.append(f"{part.name}={masker.text(part.value or '')}")
        return None, "multipart: " + ", ".join(described)
    path = body.path
    size = ""
    if path is not None:
        try:
            size = f" ({path.stat().st_size} bytes)"
        except OSError:
            size = ""
    how = "streamed in chunks" if body.kind == "stream" else "sent with Content-Length"
    return None, f"{body.kind} {path}{size}, {how}"


def _masked(value: Any, masker: Masker) -> Any:
    """A copy of a model value with every string passed through the masker."""
    if isinstance(value, str):
        return masker.text(value)
    if isinstance(value, list):
        return [_masked(item, masker) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item, masker) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _masked(getattr(value, f.name), masker) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


def _source(request: Request, masker: Masker) -> str:
    """The request as the collection writes it (`{{var}}`s kept, literal secrets masked): what
    restoring an entry puts back into the editor."""
    from tui.core.collection.store import dumps

    masked: Request = _masked(request, masker)
    for pair in masked.headers:
        if is_secret_name(pair.name) and "{{" not in pair.value:
            pair.value = MASK
    return dumps(Collection(requests=[masked]))


def _sha256_file(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _mask_body(data: bytes, masker: Masker) -> bytes:
    """Text bodies go through the masker (an echoed token is hidden); binary ones are kept."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    masked = masker.text(text)
    return data if masked == text else masked.encode("utf-8")


def _response_body(response: Response, masker: Masker, cap: int, head: int) -> tuple[bytes, int, bool, str | None]:
    """(stored bytes, whole size, complete, sha256 of the whole body when only a head is kept)."""
    size = response.decoded_size
    if response.downloaded:
        return b"", size, False, None  # the body is the user's file: keep its path, not a copy
    if response.body_path is not None:  # spilled: content is a preview, the file is the body
        return _mask_body(response.content[:head], masker), size, False, _sha256_file(response.body_path)
    content = response.content
    if len(content) <= cap:
        return _mask_body(content, masker), len(content), True, None
    return _mask_body(content[:head], masker), len(content), False, hashlib.sha256(content).hexdigest()


def build(
    resolved: ResolvedRequest,
    response: Response | None = None,
    error: BaseException | None = None,
    *,
    request: Request | None = None,
    secrets: Iterable[str] = (),
    body_cap: int = DEFAULT_BODY_CAP,
    head_size: int = DEFAULT_HEAD_SIZE,
) -> Recorded:
    """`request`: the collection's request that `resolved` came from (kept for restoring)."""
    masker = Masker()
    _learn(masker, resolved, response, secrets)
    sent = response.sent if response is not None else None
    headers = sent.headers if sent is not None else resolved.headers
    text, summary = _request_body(resolved, masker, body_cap)
    url = masker.url(resolved.full_url)
    recorded_request = RecordedRequest(
        method=sent.method if sent is not None else resolved.method,
        url=url,
        headers=tuple(masker.headers(headers)),
        body_kind=None if resolved.body is None else resolved.body.kind,
        body=text,
        body_summary=summary,
        timeout=resolved.timeout,
        follow_redirects=resolved.follow_redirects,
        verify=resolved.verify if isinstance(resolved.verify, bool) else str(resolved.verify),
        http2=resolved.http2,
    )
    source = None if request is None else _source(request, masker)
    if response is None:
        message = masker.text(str(error)) if error is not None else "no response"
        return Recorded(recorded_request, None, b"", 0, True, None, message, url, None, None, source)
    body, size, complete, sha = _response_body(response, masker, body_cap, head_size)
    recorded = RecordedResponse(
        status=response.status,
        reason=response.reason,
        http_version=response.http_version,
        headers=tuple(masker.headers(response.headers)),
        url=masker.url(response.url),
        redirects=tuple((hop.status, masker.url(hop.url)) for hop in response.history),
        timings={name: getattr(response.timings, name) for name in _TIMING_FIELDS},
        wire_size=response.wire_size,
        decoded_size=response.decoded_size,
        reused=response.timings.reused,
        download_path=str(response.body_path) if response.downloaded and response.body_path is not None else None,
    )
    return Recorded(recorded_request, recorded, body, size, complete, sha, None, url, response.status, response.elapsed_ms, source)
