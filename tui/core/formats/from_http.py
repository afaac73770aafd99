"""Import `.http` / `.rest` files (JetBrains HTTP Client, VS Code REST Client).

    ### Title                      separates requests; the title names the request
    # @name login                  (or // @name) names it (the title then becomes its description)
    # @no-redirect                 follow_redirects = false
    @base = https://api.test       file variables -> [variables] ({{base}} is our syntax too;
                                   a value using earlier variables is expanded in place)
    POST {{base}}/login HTTP/1.1   request line ("URL" alone is a GET); indented `?a=1` / `&b=2`
    Content-Type: application/json lines continue the URL; then headers up to a blank line
    { "user": "tom" }              the body, up to the next ### (a JSON Content-Type -> json body,
                                   a multipart body -> parts, `< ./file` -> file body / file part)

`{{$processEnv NAME}}`, `{{$env.NAME}}` and `{{$dotenv NAME}}` become `{{env:NAME}}`. Reported as
not imported: response handlers (`> {% … %}`, `> script.js`), response redirects (`>> file`),
other dynamic variables (`{{$uuid}}` …) and request references (`{{login.response.body.$.id}}`),
which are left as typed. JetBrains' `http-client.env.json` next to the file becomes
`[environments.*]`; `http-client.private.env.json` (secrets) is reported, not read.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tui.core.collection.model import Body, Collection, MultipartPart, Pair, Request
from tui.core.formats.documents import literal_secrets
from tui.core.formats.imported import (
    source_stem,
    ImportContext,
    ImportResult,
    fail_at,
    host_matches,
    multipart_parts,
    unique_name,
)

__all__ = ["import_text"]

_SEPARATOR = re.compile(r"^###(.*)$")
_VARIABLE = re.compile(r"^@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$")
_META = re.compile(r"^(?:#|//)\s*@([\w-]+)\s*(.*?)\s*$")
_COMMENT = re.compile(r"^(?:#|//)")
_REQUEST_LINE = re.compile(r"^(?:([A-Z]+)\s+)?(\S+?)(?:\s+HTTP/\d(?:\.\d)?)?\s*$")
_HEADER = re.compile(r"^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*:\s?(.*)$")
_ENV_REF = re.compile(r"\{\{\s*\$(?:processEnv\s+%?|env\.|dotenv\s+%?)([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_DYNAMIC = re.compile(r"\{\{\s*\$[^}]*\}\}")
_REQUEST_REF = re.compile(r"\{\{\s*[\w-]+\.(?:response|request)\.[^}]*\}\}")
_REF = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")


class _Block:
    def __init__(self, title: str, line: int) -> None:
        self.title = title
        self.line = line  # 1-based line of the ### (or 1)
        self.lines: list[tuple[int, str]] = []


def _blocks(text: str) -> list[_Block]:
    blocks = [_Block("", 1)]
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SEPARATOR.match(line)
        if match:
            blocks.append(_Block(match.group(1).strip(), number))
        else:
            blocks[-1].lines.append((number, line))
    return blocks


def _convert_refs(text: str, label: str, warnings: list[str]) -> str:
    text = _ENV_REF.sub(lambda m: f"{{{{env:{m.group(1)}}}}}", text)
    for match in _DYNAMIC.finditer(text):
        note = f"{label}: dynamic variable {match.group()} not imported; left as typed"
        if note not in warnings:
            warnings.append(note)
    for match in _REQUEST_REF.finditer(text):
        note = f"{label}: request reference {match.group()} not imported (use [requests.capture]); left as typed"
        if note not in warnings:
            warnings.append(note)
    return text


def _json_like(text: str) -> bool:
    """Does `text` parse as JSON, once `{{variables}}` stand for values?"""
    try:
        json.loads(_REF.sub("0", text))
    except ValueError:
        try:
            json.loads(text)
        except ValueError:
            return False
    return True


def _multipart(body: str, boundary: str, label: str, warnings: list[str]) -> list[MultipartPart]:
    parts: list[MultipartPart] = []
    for part in multipart_parts(body, boundary):
        if part.name is None:
            warnings.append(f"{label}: a multipart part without a name; not imported")
            continue
        stripped = part.content.strip()
        if stripped.startswith("< "):
            parts.append(MultipartPart(name=part.name, file=stripped[2:].strip(), filename=part.filename, content_type=part.content_type))
            continue
        if part.filename is not None:
            warnings.append(f"{label}: multipart part {part.name!r}: inline file content sent as a text part")
        parts.append(MultipartPart(name=part.name, value=part.content, content_type=part.content_type))
    return parts


def _body(lines: list[str], headers: list[Pair], label: str, warnings: list[str]) -> Body | None:
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return None
    text = "\n".join(lines)
    content_type = next((pair.value for pair in headers if pair.name.lower() == "content-type"), "")
    mime = content_type.split(";")[0].strip().lower()
    if mime == "multipart/form-data":
        boundary = re.search(r'boundary="?([^";]+)"?', content_type)
        if boundary:
            for pair in headers:
                if pair.name.lower() == "content-type":
                    pair.enabled = False  # reqbench writes its own boundary
            return Body("multipart", parts=_multipart(text, boundary.group(1), label, warnings))
    if len(lines) == 1 and lines[0].startswith("< "):
        return Body("file", text=lines[0][2:].strip())
    if any(line.startswith("< ") for line in lines):
        warnings.append(f"{label}: '< file' inside a larger body not imported; sent as typed")
    if "json" in mime and _json_like(text):
        return Body("json", text=text)
    if mime == "application/x-www-form-urlencoded" and len(lines) > 1:
        text = "".join(line.strip() for line in lines)  # JetBrains lets form fields continue on `&` lines
    return Body("text", text=text)


def _variables(
    block: _Block, variables: dict[str, str], expanded_from: dict[str, set[str]], warnings: list[str]
) -> list[tuple[int, str]]:
    """Take `@name = value` lines out of the block (into `variables`); the rest is returned."""
    rest: list[tuple[int, str]] = []
    in_request = False
    for number, line in block.lines:
        match = _VARIABLE.match(line) if not in_request else None
        if match:
            value = _convert_refs(match.group(2), f"line {number}", warnings)
            used = {ref for ref in _REF.findall(value) if ref in variables}
            if used:
                expanded_from[match.group(1)] = used
            variables[match.group(1)] = _REF.sub(lambda m: variables.get(m.group(1), m.group()), value)
            continue
        if line.strip() and not _COMMENT.match(line.strip()):
            in_request = True
        rest.append((number, line))
    return rest


def _request(block: _Block, lines: list[tuple[int, str]], ctx: ImportContext, warnings: list[str]) -> Request | None:
    meta: dict[str, str] = {}
    index = 0
    while index < len(lines) and (not lines[index][1].strip() or _COMMENT.match(lines[index][1].strip())):
        match = _META.match(lines[index][1].strip())
        if match:
            meta[match.group(1).lower()] = match.group(2)
        index += 1
    if index >= len(lines):
        return None
    number, line = lines[index]
    match = _REQUEST_LINE.match(line.strip())
    if match is None:
        fail_at(ctx, number, 1, f"not a request line (expected 'METHOD URL [HTTP/1.1]'): {line.strip()[:60]!r}")
    method = (match.group(1) or "GET").upper()
    url = match.group(2)
    index += 1
    while index < len(lines) and re.match(r"^\s+[?&]", lines[index][1]):
        url += lines[index][1].strip()
        index += 1
    title = block.title
    name = meta.get("name") or title or f"{method} {url.split('://', 1)[-1].split('?')[0]}"
    label = f"{name} (line {number})"
    headers: list[Pair] = []
    while index < len(lines) and lines[index][1].strip():
        header_line = lines[index][1].strip()
        index += 1
        if _COMMENT.match(header_line):
            continue
        header = _HEADER.match(header_line)
        if header is None:
            fail_at(ctx, lines[index - 1][0], 1, f"expected a header 'Name: value', got {header_line[:60]!r}")
        headers.append(Pair(header.group(1), _convert_refs(header.group(2).strip(), label, warnings)))
    body_lines: list[str] = []
    for body_number, body_line in lines[index:]:
        if body_line.startswith(">>"):
            warnings.append(f"{label}: response redirect {body_line.strip()!r} not imported")
            continue
        if body_line.startswith("> "):
            warnings.append(f"{label}: response handler script (line {body_number}) not imported")
            break
        if _COMMENT.match(body_line) and not body_lines:
            continue
        body_lines.append(body_line)
    if url.startswith("/"):
        host = next((pair.value for pair in headers if pair.name.lower() == "host"), None)
        if host:
            url = f"http://{host}{url}"
            headers = [pair for pair in headers if pair.name.lower() != "host"]
    elif "://" not in url and not url.startswith("{{"):
        url = "http://" + url
    request = Request(name=name, method=method)
    request.url = _convert_refs(url, label, warnings)
    request.headers = headers
    request.body = _body(body_lines, headers, label, warnings)
    if request.body is not None and request.body.kind in ("text", "json"):
        request.body.text = _convert_refs(request.body.text, label, warnings)
    if meta.get("name") and title:
        request.description = title
    if "no-redirect" in meta:
        request.follow_redirects = False
    for key in meta:
        if key not in ("name", "no-redirect", "no-cookie-jar", "no-log"):
            warnings.append(f"{label}: '@{key}' not imported")
    return request


def _inline(collection: Collection, warnings: list[str]) -> None:
    """Variables whose value holds `{{…}}` (an env reference, a dynamic value) are written into
    the requests instead: reqbench substitutes once, so `{{token}}` would otherwise send the
    text "{{env:TOKEN}}". Variables the environments override keep their [variables] value."""
    inline = {name: value for name, value in collection.variables.items() if "{{" in value}
    if not inline:
        return
    def sub(text: str) -> str:
        return _REF.sub(lambda m: inline.get(m.group(1), m.group()), text)
    for request in collection.requests:
        request.url = sub(request.url)
        for pair in request.headers:
            pair.value = sub(pair.value)
        if request.body is not None:
            request.body.text = sub(request.body.text)
            for part in request.body.parts:
                part.value = sub(part.value) if part.value is not None else None
    for name in inline:
        del collection.variables[name]


def _expanded_warnings(expanded: dict[str, set[str]], environments: dict[str, dict[str, str]]) -> list[str]:
    overridden = {name for values in environments.values() for name in values}
    return [
        f"variable {name!r} was written with the [variables] value of {', '.join(sorted(used & overridden))},"
        " which an environment overrides; reqbench does not expand variables inside variables"
        for name, used in expanded.items()
        if used & overridden
    ]


def _environments(ctx: ImportContext, warnings: list[str]) -> dict[str, dict[str, str]]:
    environments: dict[str, dict[str, str]] = {}
    public = ctx.base_dir / "http-client.env.json"
    if (ctx.base_dir / "http-client.private.env.json").exists():
        warnings.append("http-client.private.env.json (secrets) not imported; use {{env:NAME}} for secrets")
    if not public.is_file():
        return environments
    try:
        data: Any = json.loads(public.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        warnings.append(f"{public.name}: cannot read ({error}); environments not imported")
        return environments
    if not isinstance(data, dict):
        return environments
    for env, values in data.items():
        if isinstance(values, dict):
            environments[str(env)] = {
                str(k): v if isinstance(v, str) else json.dumps(v)
                for k, v in values.items()
                if re.fullmatch(r"[A-Za-z_][\w.-]*", str(k)) and not isinstance(v, (dict, list))
            }
    return environments


def import_text(text: str, ctx: ImportContext) -> ImportResult:
    warnings: list[str] = []
    collection = Collection(name=source_stem(ctx, "http import"))
    taken: set[str] = set()
    expanded_from: dict[str, set[str]] = {}
    for block in _blocks(text):
        lines = _variables(block, collection.variables, expanded_from, warnings)
        request = _request(block, lines, ctx, warnings)
        if request is None:
            continue
        expanded = _REF.sub(lambda m: collection.variables.get(m.group(1), m.group()), request.url)
        if ctx.host and not host_matches(expanded, ctx.host):
            continue
        request.name = unique_name(request.name, taken)
        collection.requests.append(request)
    if not collection.requests:
        fail_at(ctx, 1, 1, "no request found (expected 'METHOD URL' lines separated by ###)")
    _inline(collection, warnings)
    collection.environments = _environments(ctx, warnings)
    warnings.extend(_expanded_warnings(expanded_from, collection.environments))
    return ImportResult(collection, warnings + literal_secrets(collection))
