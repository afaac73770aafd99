"""Render a request as a curl command line (POSIX shell quoting). Headless.

`to_curl(ResolvedRequest)` reproduces the whole request, body and options included.
`to_curl(SentRequest)` reproduces what went over the wire (method, final URL, headers); the
engine does not keep the body of a sent request, so only its size is known and none is emitted.
"""

from __future__ import annotations

import shlex

from tui.core.engine.resolved import ResolvedBody, ResolvedRequest, url_with_params
from tui.core.engine.response import SentRequest

__all__ = ["to_curl"]

# Headers curl computes itself (or which would be wrong once the body is re-sent by curl).
_SKIP_SENT_HEADERS = frozenset({"content-length", "host", "transfer-encoding"})
_DEFAULT_CONTENT_TYPES = {
    "text": "text/plain; charset=utf-8",
    "json": "application/json",
    "base64": "application/octet-stream",
    "file": "application/octet-stream",
    "stream": "application/octet-stream",
}


def _header_arg(name: str, value: str) -> list[str]:
    # curl drops a header given as "Name:" (empty value); "Name;" sends it empty.
    return ["-H", f"{name};" if value == "" else f"{name}: {value}"]


def _has_header(headers: tuple[tuple[str, str], ...], name: str) -> bool:
    lower = name.lower()
    return any(key.lower() == lower for key, _ in headers)


def _body_args(body: ResolvedBody, headers: tuple[tuple[str, str], ...]) -> tuple[list[str], str | None]:
    """Arguments for the body, and an optional shell prefix (`... |`) feeding stdin."""
    args: list[str] = []
    prefix: str | None = None
    content_type = body.content_type or _DEFAULT_CONTENT_TYPES.get(body.kind)
    if body.kind in ("form", "multipart"):
        content_type = body.content_type  # curl writes the right one (with the boundary)
    if content_type and not _has_header(headers, "content-type"):
        args += _header_arg("Content-Type", content_type)
    if body.kind in ("text", "json"):
        args += ["--data-raw", body.text]  # --data-raw never reads "@file"
    elif body.kind == "form":
        for name, value in body.form:
            args += ["--data-urlencode", f"{name}={value}"]
    elif body.kind == "multipart":
        for part in body.parts:
            if part.file is not None:
                spec = f"{part.name}=@{part.file}"
                if part.filename:
                    spec += f";filename={part.filename}"
            else:
                spec = f"{part.name}={part.value or ''}"
            if part.content_type:
                spec += f";type={part.content_type}"
            # --form-string would not allow ;type=, so value parts with a type use -F.
            flag = "--form-string" if part.file is None and not part.content_type else "-F"
            if flag == "--form-string":
                spec = f"{part.name}={part.value or ''}"
            args += [flag, spec]
    elif body.kind == "file":
        args += ["--data-binary", f"@{body.path}"]
    elif body.kind == "stream":
        if not _has_header(headers, "transfer-encoding"):
            args += _header_arg("Transfer-Encoding", "chunked")
        args += ["--data-binary", f"@{body.path}"]
    elif body.kind == "base64":
        prefix = f"printf %s {shlex.quote(body.text.strip())} | base64 -d |"
        args += ["--data-binary", "@-"]
    return args, prefix


def _from_resolved(request: ResolvedRequest) -> tuple[list[str], str | None]:
    method = request.method.upper()
    args: list[str] = ["curl"]
    if method == "HEAD":
        args.append("--head")
    elif method != "GET" or request.body is not None:
        args += ["-X", method]
    if request.follow_redirects:
        args.append("-L")
    if request.verify is False:
        args.append("-k")
    elif request.verify is not True:
        args += ["--cacert", str(request.verify)]
    if request.http2:
        args.append("--http2")
    args += ["--max-time", f"{request.timeout:g}"]
    auth = request.auth
    if auth is not None:
        if auth.kind == "bearer":
            if not _has_header(request.headers, "authorization"):
                args += _header_arg("Authorization", f"Bearer {auth.token}")
        else:
            if auth.kind == "digest":
                args.append("--digest")
            args += ["-u", f"{auth.user}:{auth.password}"]
    for name, value in request.headers:
        args += _header_arg(name, value)
    prefix = None
    if request.body is not None:
        body_args, prefix = _body_args(request.body, request.headers)
        args += body_args
    if request.download is not None:
        args += ["-o", str(request.download.path)]
    args.append(url_with_params(request.url, request.params))
    return args, prefix


def _from_sent(request: SentRequest) -> list[str]:
    method = request.method.upper()
    args: list[str] = ["curl"]
    if method == "HEAD":
        args.append("--head")
    elif method != "GET":
        args += ["-X", method]
    for name, value in request.headers:
        if name.lower() not in _SKIP_SENT_HEADERS:
            args += _header_arg(name, value)
    args.append(request.url)
    return args


def to_curl(request: ResolvedRequest | SentRequest, *, multiline: bool = False) -> str:
    """A shell command that repeats `request` with curl; every argument is shell-quoted.

    `multiline=True` puts each option on its own line with `\\` continuations."""
    prefix: str | None = None
    if isinstance(request, SentRequest):
        args = _from_sent(request)
    else:
        args, prefix = _from_resolved(request)
    quoted = [shlex.quote(arg) for arg in args]
    if multiline:
        # Keep an option and its value on one line.
        lines: list[str] = [quoted[0]]
        i = 1
        while i < len(quoted):
            item = quoted[i]
            if item.startswith("-") and i + 1 < len(quoted) and not quoted[i + 1].startswith("-") and i + 1 != len(quoted) - 1:
                item = f"{item} {quoted[i + 1]}"
                i += 1
            lines.append(item)
            i += 1
        command = " \\\n  ".join(lines)
    else:
        command = " ".join(quoted)
    return f"{prefix} {command}" if prefix else command
