"""Requests as HTTPie (`http`) command lines, POSIX shell quoted. Headless.

- the encoded URL httpx sends, query included (no `==` items to re-encode);
- headers as `Name:value` items (`Name;` when empty); separator characters in names escaped
  with `\\`, values as typed (only a leading `=` or `@` escaped), so `:`, `=`, `@`, `;` survive;
- bodies: text / JSON as `--raw` (sent exactly as typed), form rows as `--form` items,
  multipart as `--multipart` items (`name@path;type=...` for files), a file on standard input
  (`< path`, `--chunked` for a stream body), base64 piped through `base64 -d`;
- `--follow` (HTTPie follows redirects as requests does: POST becomes GET after
  301/302/303, as with httpx), `--verify`, `--timeout`, `-a`/`-A` for auth, `--download -o`;
- `{{env:NAME}}` values as "${NAME}", never expanded.

Refused (`check`): values captured from an earlier response, HTTP/2 (HTTPie speaks
HTTP/1.1), a multipart text part with its own Content-Type or a file part whose filename
differs from the file's name (HTTPie cannot set either).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from tui.core.engine.resolved import ResolvedRequest
from tui.core.formats.exported import ExportInput, ExportRequest, shell_word, url_of
from tui.core.formats.to_curl import capture_reason
from tui.core.formats.wire import content_type, header, map_literals, multipart_type_reason, part_filename, part_type

__all__ = ["check", "render", "to_httpie"]

_SPECIAL = frozenset(":=@;")


def _escape(text: str) -> str:
    return map_literals(text, lambda s: "".join("\\" + c if c in _SPECIAL else c for c in s))


def _item(name: str, separator: str, value: str) -> str:
    # HTTPie splits at the first (longest) separator and keeps the rest as typed, except that a
    # backslash before a separator character is dropped; only a value starting with "=" or "@"
    # would lengthen the separator (":=", "=@", "==") and needs its first character escaped.
    if value[:1] in ("=", "@"):
        value = "\\" + value
    return f"{_escape(name)}{separator}{value}"


def _item_reason(text: str) -> bool:
    """A backslash right before a separator character: HTTPie would drop it."""
    return any(text[i] == "\\" and text[i + 1] in _SPECIAL for i in range(len(text) - 1))


def to_httpie(request: ResolvedRequest) -> str:
    args: list[str] = ["http"]
    prefix = ""
    suffix: list[str] = []
    body = request.body
    reads_stdin = body is not None and body.kind in ("file", "stream", "base64")
    if not reads_stdin:
        args.append("--ignore-stdin")
    if request.follow_redirects:
        args.append("--follow")
    if request.verify is False:
        args.append("--verify=no")
    elif request.verify is not True:
        args.append(f"--verify={request.verify}")
    args.append(f"--timeout={request.timeout:g}")
    auth = request.auth
    if auth is not None:
        if auth.kind == "bearer":
            if header(request, "Authorization") is None:
                args += ["-A", "bearer", "-a", auth.token]
        else:
            args += ["-A", auth.kind, "-a", f"{auth.user}:{auth.password}"]
    items: list[str] = []
    if body is not None:
        if body.kind in ("text", "json"):
            args += ["--raw", body.text]
        elif body.kind == "form":
            args.append("--form")
            items += [_item(name, "=", value) for name, value in body.form]
        elif body.kind == "multipart":
            args.append("--multipart")
            for part in body.parts:
                if part.file is None:
                    items.append(_item(part.name, "=", part.value or ""))
                else:
                    items.append(f"{_escape(part.name)}@{_escape(str(part.file))};type={part_type(part)}")
        elif body.kind == "file":
            suffix = ["<", str(body.path)]
        elif body.kind == "stream":
            args.append("--chunked")
            suffix = ["<", str(body.path)]
        elif body.kind == "base64":
            prefix = f"printf %s {shlex.quote(body.text.strip())} | base64 -d | "
    if request.download is not None:
        args += ["--download", "--output", str(request.download.path)]
    args += [request.method.upper(), url_of(request)]
    default_type = content_type(request)
    if default_type:  # also for --form, which would add "; charset=utf-8"
        items.insert(0, _item("Content-Type", ":", default_type))
    for name, value in request.headers:
        items.append(f"{_escape(name)};" if value == "" else _item(name, ":", value))
    words = [shell_word(arg) for arg in args + items]
    if suffix:
        words += [suffix[0], shell_word(suffix[1])]
    return prefix + " ".join(words)


def check(item: ExportRequest) -> str | None:
    reason = capture_reason(item)
    if reason is not None:
        return reason
    request = item.request
    if request.http2:
        return "HTTP/2 (HTTPie speaks HTTP/1.1 only)"
    values = [value for _, value in request.headers]
    if request.body is not None:
        values += [value for _, value in request.body.form] + [part.value or "" for part in request.body.parts]
    if any(_item_reason(value) for value in values):
        return "a backslash before ':', '=', '@' or ';' in a header or form value (HTTPie drops it)"
    body = request.body
    if body is not None and body.kind == "multipart":
        for index, part in enumerate(body.parts):
            if part.file is None and part.content_type:
                return f"multipart part {index} ({part.name!r}): a text part with its own Content-Type"
            if part.file is not None and part_filename(part) != part.file.name:
                return f"multipart part {index} ({part.name!r}): filename {part.filename!r} differs from the file's name"
            if part.file is not None and ";" in str(part.file):
                return f"multipart part {index} ({part.name!r}): a ';' in the file's path"
    return multipart_type_reason(request)


def render(data: ExportInput, options: Mapping[str, object]) -> str:
    commands = [to_httpie(item.request) for item in data.requests]
    if len(commands) == 1 and not data.source:
        return commands[0] + "\n"
    lines = [
        "#!/bin/sh",
        f"# {data.title}: exported by reqbench" + (f" from {data.source}" if data.source else ""),
        "# Needs HTTPie 3.2+ (--raw).",
    ]
    names = data.env_names()
    if names:
        lines += ["# Reads from the environment: " + ", ".join(names), "set -u"]
    for item, command in zip(data.requests, commands):
        lines += ["", f"# {item.request.name}", command]
    return "\n".join(lines) + "\n"
