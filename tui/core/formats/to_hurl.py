"""Requests as a Hurl file (https://hurl.dev): one entry per request, in order.

- `METHOD URL` with the encoded URL httpx sends, headers as `Name: value` (plus the
  Content-Type reqbench adds), `[BasicAuth]`, `[FormParams]`, `[MultipartFormData]`
  (`name: file,PATH; TYPE`), text and JSON bodies as one-line strings (escaped, so the bytes
  are the typed ones), `file,PATH;` bodies, `base64,...;` for base64;
- `[Options]`: `location` (follow redirects), `compressed`, `insecure`, `cacert`, `http2`,
  `output` for a download; the timeout is a command-line option of hurl (`--max-time`);
- captures (`[requests.capture]`) become `[Captures]` (`jsonpath`, `header`, `status`), and
  later requests use them as `{{name}}`;
- `{{env:NAME}}` becomes `{{NAME}}`, given to hurl with `--variable NAME="$NAME"` (the
  file's header comment says which), never written out.

Files are absolute paths: run hurl with `--file-root /` (or the collection's folder).
Refused (`check`): digest auth, stream (chunked) bodies, a multipart text part with its own
Content-Type or a file part with a filename other than the file's name, a multipart body
with its own content_type, variable names Hurl cannot spell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tui.core.formats.exported import ExportInput, ExportRequest, pieces, strings_of, url_of
from tui.core.formats.wire import accepts_gzip, content_type, header, multipart_type_reason, part_filename, part_type

__all__ = ["check", "render"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_CONTROL = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _text(text: str, specials: str) -> str:
    """`text` for a Hurl string: `specials` and `\\` backslash-escaped, control characters as
    escapes, `{` as \\u{7b} (never a template), references as {{NAME}}."""
    out: list[str] = []
    for piece in pieces(text):
        if not isinstance(piece, str):
            out.append("{{" + piece.name + "}}")
            continue
        for char in piece:
            if char in _CONTROL:
                out.append(_CONTROL[char])
            elif char == "{":
                out.append("\\u{7b}")
            elif char == "\\" or char in specials:
                out.append("\\" + char)
            elif ord(char) < 0x20:
                out.append(f"\\u{{{ord(char):x}}}")
            else:
                out.append(char)
    return "".join(out)


def _key(text: str) -> str:
    return _text(text, "#:")


def _value(text: str) -> str:
    return _text(text, "#")


def _filename(path: str) -> str:
    return _text(path, "#; :}")


def _jsonpath(path: str) -> str:
    if path in ("", "."):
        return "$"
    out = ["$"]
    for segment in path.split("."):
        if re.fullmatch(r"-?\d+", segment):
            out.append(f"[{segment}]")
        else:
            out.append("['" + segment.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "".join(out)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _entry(item: ExportRequest) -> list[str]:
    request = item.request
    lines = [f"# {request.name}", f"{request.method.upper()} {_value(url_of(request))}"]
    pairs = list(request.headers)
    default_type = content_type(request)
    body = request.body
    if default_type is not None and not (body is not None and body.kind == "form" and not body.content_type):
        pairs.append(("Content-Type", default_type))
    auth = request.auth
    if auth is not None and auth.kind == "bearer" and header(request, "Authorization") is None:
        pairs.append(("Authorization", f"Bearer {auth.token}"))
    lines += [f"{_key(name)}: {_value(value)}" for name, value in pairs]
    if auth is not None and auth.kind == "basic":
        lines += ["[BasicAuth]", f"{_key(auth.user)}: {_value(auth.password)}"]
    options: list[str] = []
    if request.follow_redirects:
        options.append("location: true")
    if accepts_gzip(request):
        options.append("compressed: true")
    if request.verify is False:
        options.append("insecure: true")
    elif request.verify is not True:
        options.append(f"cacert: {_filename(str(request.verify))}")
    if request.http2:
        options.append("http2: true")
    if request.download is not None:
        options.append(f"output: {_filename(str(request.download.path))}")
    if options:
        lines += ["[Options]", *options]
    if body is not None:
        if body.kind == "form":
            lines.append("[FormParams]")
            lines += [f"{_key(name)}: {_value(value)}" for name, value in body.form]
        elif body.kind == "multipart":
            lines.append("[MultipartFormData]")
            for part in body.parts:
                if part.file is None:
                    lines.append(f"{_key(part.name)}: {_value(part.value or '')}")
                else:
                    lines.append(f"{_key(part.name)}: file,{_filename(str(part.file))}; {part_type(part)}")
        elif body.kind in ("text", "json"):
            lines.append("`" + _text(body.text, "`#") + "`")
        elif body.kind == "file":
            lines.append(f"file,{_filename(str(body.path))};")
        elif body.kind == "base64":
            lines.append(f"base64,{body.text.strip()};")
    lines.append("HTTP *")
    if item.captures:
        lines.append("[Captures]")
        for variable, source in item.captures.items():
            source = source.strip()
            if source == "status":
                lines.append(f"{variable}: status")
            elif source.startswith("header:"):
                lines.append(f"{variable}: header {_quoted(source.partition(':')[2].strip())}")
            else:
                lines.append(f"{variable}: jsonpath {_quoted(_jsonpath(source.partition(':')[2].strip()))}")
    return lines


def check(item: ExportRequest) -> str | None:
    request = item.request
    for text in strings_of(request):
        for piece in pieces(text):
            if not isinstance(piece, str) and not _NAME.fullmatch(piece.name):
                return f"the variable name {piece.name!r} (Hurl variables are letters, digits, '_' and '-')"
    for variable in item.captures:
        if not _NAME.fullmatch(variable):
            return f"the capture name {variable!r} (Hurl variables are letters, digits, '_' and '-')"
    if request.auth is not None and request.auth.kind == "digest":
        return "digest auth"
    body = request.body
    if body is not None and body.kind == "stream":
        return "a stream (chunked) body"
    if body is not None and body.kind == "multipart":
        for index, part in enumerate(body.parts):
            if part.file is None and part.content_type:
                return f"multipart part {index} ({part.name!r}): a text part with its own Content-Type"
            if part.file is not None and part_filename(part) != part.file.name:
                return f"multipart part {index} ({part.name!r}): filename {part.filename!r} differs from the file's name"
    return multipart_type_reason(request)


def _variables_hint(data: ExportInput) -> list[str]:
    names = data.env_names()
    if not names:
        return ["#   hurl --file-root / FILE.hurl"]
    flags = " ".join(f'--variable {name}="${name}"' for name in names)
    return [f"#   hurl --file-root / {flags} FILE.hurl"]


def render(data: ExportInput, options: Mapping[str, object]) -> str:
    lines = [f"# {data.title}: exported by reqbench" + (f" from {data.source}" if data.source else ""), "# Run (Hurl 5+):"]
    lines += _variables_hint(data)
    for item in data.requests:
        lines += ["", *_entry(item)]
    return "\n".join(lines) + "\n"
