"""Render a request as a curl command line (POSIX shell quoting). Headless.

`to_curl(ResolvedRequest)` reproduces the whole request, body and options included, as
reqbench sends it:

- the URL is the encoded one httpx sends (`-g` when it holds `[]{}`, which curl would glob);
- `--compressed` when the request accepts gzip (httpx always does unless told otherwise);
- a POST with a body gets no `-X POST`: curl infers it, and then switches to GET after a
  301/302/303 as httpx does (`-X POST -L` would re-POST); a body-less POST that follows
  redirects sends an empty body (`--data-raw ''`, curl's form Content-Type removed). Other
  methods need `-X`, with which curl keeps the method after a 302/303 where httpx sends GET;
  curl (before 8.16's --follow) has no option to do otherwise;
- multipart text parts use `--form-string` (a value starting with `@` or `<` is never read
  as a file) or, with a type, a double-quoted `-F` value; file names and paths are quoted
  so `;` and `,` survive; a part name holding `=` cannot be written (curl splits at it), nor
  a multipart `content_type` override (curl would send the parts as attachments);
- form rows use `--data-urlencode` with the name already encoded, so `k=v=w` stays
  `k=v%3Dw` (the name is `k`) and a name holding `=` or `&` is sent as reqbench sends it;
- `{{env:NAME}}` values stay shell references (`"${NAME}"`), never expanded.

`to_curl(SentRequest)` reproduces what went over the wire (method, final URL, headers); the
engine does not keep the body of a sent request, so only its size is known and none is emitted.

As an exporter (`tui.core.formats.exporters`): `check(item)` and `render(data, options)`.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from urllib.parse import quote_plus

from tui.core.engine.resolved import ResolvedBody, ResolvedRequest
from tui.core.engine.response import SentRequest
from tui.core.formats.exported import ExportInput, ExportRequest, is_shell_name, refs, shell_word, strings_of, url_of
from tui.core.formats.wire import accepts_gzip, content_type, header, map_literals, multipart_type_reason, part_filename, part_type

__all__ = ["capture_reason", "check", "render", "to_curl"]

# Headers curl computes itself (or which would be wrong once the body is re-sent by curl).
_SKIP_SENT_HEADERS = frozenset({"content-length", "host", "transfer-encoding"})
_GLOB = frozenset("[]{}")


def _header_arg(name: str, value: str) -> list[str]:
    # curl drops a header given as "Name:" (empty value); "Name;" sends it empty.
    return ["-H", f"{name};" if value == "" else f"{name}: {value}"]


def _quoted(text: str) -> str:
    """A curl -F double-quoted word: `"` and `\\` escaped (references left alone)."""
    return '"' + map_literals(text, lambda s: s.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def _form_arg(name: str, value: str) -> list[str]:
    if name == "":  # curl's "=content" form would send no "=" at all
        return ["--data-raw", "=" + map_literals(value, quote_plus)]
    return ["--data-urlencode", map_literals(name, quote_plus) + "=" + value]


def _body_args(body: ResolvedBody, request: ResolvedRequest) -> tuple[list[str], str | None]:
    """Arguments for the body, and an optional shell prefix (`... |`) feeding stdin."""
    args: list[str] = []
    prefix: str | None = None
    default_type = content_type(request)
    if default_type and body.kind != "form":  # curl's -d writes the form type itself
        args += _header_arg("Content-Type", default_type)
    elif body.kind == "form" and body.content_type and header(request, "Content-Type") is None:
        args += _header_arg("Content-Type", body.content_type)
    if body.kind in ("text", "json"):
        args += ["--data-raw", body.text]  # --data-raw never reads "@file"
    elif body.kind == "form":
        for name, value in body.form:
            args += _form_arg(name, value)
        if not body.form:
            args += ["--data-raw", ""]
    elif body.kind == "multipart":
        for part in body.parts:
            if part.file is not None:
                spec = f"{part.name}=@{_quoted(str(part.file))};filename={_quoted(part_filename(part))}"
                args += ["-F", f"{spec};type={part_type(part)}"]
            elif part.content_type:
                args += ["-F", f"{part.name}={_quoted(part.value or '')};type={part.content_type}"]
            else:
                args += ["--form-string", f"{part.name}={part.value or ''}"]
    elif body.kind == "file":
        args += ["--data-binary", f"@{body.path}"]
    elif body.kind == "stream":
        if header(request, "Transfer-Encoding") is None:
            args += _header_arg("Transfer-Encoding", "chunked")
        args += ["--data-binary", f"@{body.path}"]
    elif body.kind == "base64":
        prefix = f"printf %s {shlex.quote(body.text.strip())} | base64 -d |"
        args += ["--data-binary", "@-"]
    return args, prefix


def _from_resolved(request: ResolvedRequest) -> tuple[list[str], str | None]:
    method = request.method.upper()
    args: list[str] = ["curl"]
    body = request.body
    if method == "HEAD":
        args.append("--head")
    elif method == "POST" and (body is not None or request.follow_redirects):
        pass  # curl infers POST from the body, and redirects it as httpx does
    elif method != "GET" or body is not None:
        args += ["-X", method]
    if request.follow_redirects:
        args.append("-L")
    if accepts_gzip(request):
        args.append("--compressed")
    url = url_of(request)
    if _GLOB & set(url):
        args.append("-g")
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
            if header(request, "Authorization") is None:
                args += _header_arg("Authorization", f"Bearer {auth.token}")
        else:
            if auth.kind == "digest":
                args.append("--digest")
            args += ["-u", f"{auth.user}:{auth.password}"]
    for name, value in request.headers:
        args += _header_arg(name, value)
    prefix = None
    if body is not None:
        body_args, prefix = _body_args(body, request)
        args += body_args
    elif method == "POST" and request.follow_redirects:
        args += ["--data-raw", ""]
        if header(request, "Content-Type") is None:
            args += ["-H", "Content-Type:"]  # no form type for an empty body (httpx sends none)
    if request.download is not None:
        args += ["-o", str(request.download.path)]
    args.append(url)
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
    if _GLOB & set(request.url):
        args.append("-g")
    args.append(request.url)
    return args


# In multi-line output these start a line (with their value); short flags stay on the first.
_LINE_OPTIONS = frozenset({"-H", "--data-raw", "--data-binary", "--data-urlencode", "-F", "--form-string", "-u", "-o", "--cacert"})


def _join(quoted: list[str], *, multiline: bool) -> str:
    if not multiline:
        return " ".join(quoted)
    lines: list[list[str]] = [[quoted[0]]]
    i = 1
    while i < len(quoted):
        item = quoted[i]
        if i == len(quoted) - 1:
            lines.append([item])  # the URL
        elif item in _LINE_OPTIONS and i + 1 < len(quoted):
            lines.append([item, quoted[i + 1]])
            i += 1
        else:
            lines[-1].append(item)
        i += 1
    return " \\\n  ".join(" ".join(line) for line in lines)


def to_curl(request: ResolvedRequest | SentRequest, *, multiline: bool = False) -> str:
    """A shell command that repeats `request` with curl; every argument is shell-quoted
    (`{{env:NAME}}` references as "${NAME}").

    `multiline=True` puts each option on its own line with `\\` continuations."""
    prefix: str | None = None
    if isinstance(request, SentRequest):
        args = _from_sent(request)
        quoted = [shlex.quote(arg) for arg in args]
    else:
        args, prefix = _from_resolved(request)
        quoted = [shell_word(arg) for arg in args]
    command = _join(quoted, multiline=multiline)
    return f"{prefix} {command}" if prefix else command


# -- exporter ------------------------------------------------------------------------------


def capture_reason(item: ExportRequest) -> str | None:
    """Why a shell format cannot send `item`: it uses a value captured from a response, or an
    environment variable whose name a shell cannot read."""
    for text in strings_of(item.request):
        for ref in refs(text):
            if ref.kind == "capture":
                return f"{{{{{ref.name}}}}}, a value captured from an earlier response (export with httpx, aiohttp or hurl)"
            if not is_shell_name(ref.name):
                return f"{{{{env:{ref.name}}}}}: a POSIX shell cannot read an environment variable named {ref.name!r}"
    return None


def check(item: ExportRequest) -> str | None:
    reason = capture_reason(item)
    if reason is not None:
        return reason
    body = item.request.body
    if body is not None and body.kind == "multipart":
        for index, part in enumerate(body.parts):
            if "=" in part.name:
                return f"multipart part {index} named {part.name!r}: curl -F splits a part name at '='"
    # curl would send the parts as "attachment"s under a multipart/mixed type, not form-data.
    return multipart_type_reason(item.request)


def render(data: ExportInput, options: Mapping[str, object]) -> str:
    multiline = bool(options.get("multiline", True))
    commands = [to_curl(item.request, multiline=multiline) for item in data.requests]
    if len(commands) == 1 and not data.source:
        return commands[0] + "\n"
    return _script(data, commands)


def _script(data: ExportInput, commands: list[str]) -> str:
    lines = ["#!/bin/sh", f"# {data.title}: exported by reqbench" + (f" from {data.source}" if data.source else "")]
    names = data.env_names()
    if names:
        lines.append("# Reads from the environment: " + ", ".join(names))
        lines.append("set -u")
    for item, command in zip(data.requests, commands):
        lines += ["", f"# {item.request.name}", command]
    return "\n".join(lines) + "\n"
