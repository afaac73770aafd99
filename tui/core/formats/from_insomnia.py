"""Insomnia v4 exports (JSON or YAML; format 3 reads the same way).

    import_text(text, ctx) -> ImportResult

What maps where:
- requests in the order Insomnia shows them (`metaSortKey` within each group); request groups
  -> `folder` ("Auth/Tokens"); more than one workspace -> the workspace name leads the path;
- the base environment -> [variables]; each sub environment -> [environments.NAME]; nested
  values are flattened to dotted names (`{{ _.limits.rate }}` -> `{{limits.rate}}`);
- `{{ _.name }}` and `{{ name }}` -> `{{name}}`;
- bodies: JSON, text of any type (its MIME type kept), urlencoded and multipart params
  (disabled urlencoded rows kept switched off), a file, GraphQL (sent as JSON, as Insomnia does);
- auth: basic, digest, bearer (a custom prefix becomes an Authorization header), API key in a
  header, the query or a cookie; disabled auth is dropped;
- `settingFollowRedirects` "on"/"off" -> `follow_redirects`.

Not mapped, each reported: template tags (`{% uuid %}`, `{% response ... %}`: sent as typed),
OAuth 1/2, NTLM, AWS IAM, Hawk and other auth kinds, disabled multipart parts, folder-level
environments, cookie jars, gRPC and WebSocket requests, API specs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from tui.core.collection.model import Auth, Body, Collection, MultipartPart, Pair, Request
from tui.core.formats.documents import (
    jpath,
    literal_secrets,
    looks_like_json,
    parse_document,
    rewrite_request_strings,
    scalar_text,
    variable_name,
)
from tui.core.formats.imported import ImportContext, ImportResult, fail_path

__all__ = ["import_text"]

# `{{ _.name }}`, `{{ _['name'] }}`, `{{ name }}`; the name may be dotted (nested environment data).
_REFERENCE = re.compile(r"\{\{\s*(?:_\.)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\}\}")
_BRACKET = re.compile(r"\{\{\s*_\[\s*(['\"])(.+?)\1\s*\]\s*\}\}")
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TAG = re.compile(r"\{%\s*([A-Za-z_][\w]*)")
_SKIPPED_TYPES = {
    "grpc_request": "gRPC request",
    "websocket_request": "WebSocket request",
    "api_spec": "API spec",
    "unit_test": "unit test",
    "unit_test_suite": "unit test suite",
}


@dataclass(slots=True)
class _State:
    ctx: ImportContext
    by_id: dict[str, tuple[int, dict[str, Any]]]
    children: dict[str, list[tuple[int, dict[str, Any]]]]
    warnings: list[str] = field(default_factory=list)


def import_text(text: str, ctx: ImportContext) -> ImportResult:
    data = parse_document(text, ctx, what="Insomnia export")
    if not isinstance(data, dict):
        fail_path(ctx, "$", "an Insomnia export must be an object with 'resources'")
    version = data.get("__export_format")
    if str(data.get("type", "")).startswith("collection.insomnia.rest/5"):
        fail_path(ctx, "$.type", "an Insomnia v5 export; export it from Insomnia as \"Insomnia v4 (JSON)\" instead")
    if version not in (3, 4):
        shown = "missing" if version is None else repr(version)
        fail_path(
            ctx, "$.__export_format", f"{shown}: only Insomnia export formats 3 and 4 can be imported (re-export as v4)"
        )
    resources = data.get("resources")
    if not isinstance(resources, list):
        fail_path(ctx, "$.resources", "must be a list")
    state = _State(ctx, {}, {})
    for index, resource in enumerate(resources):
        where = jpath("$.resources", index)
        if not isinstance(resource, dict) or not isinstance(resource.get("_type"), str):
            fail_path(ctx, where, "each resource must be an object with a '_type'")
        resource_id = resource.get("_id")
        if isinstance(resource_id, str):
            state.by_id[resource_id] = (index, resource)
        parent = resource.get("parentId")
        state.children.setdefault(parent if isinstance(parent, str) else "", []).append((index, resource))
    workspaces = [r for _, r in _of_type(resources, "workspace")]
    collection = Collection(
        name=_text(workspaces[0].get("name")) if workspaces else "Insomnia",
        description=_text(workspaces[0].get("description")).strip() if workspaces else "",
    )
    roots = [_text(w.get("_id")) for w in workspaces] or [""]
    seen: set[str] = set()
    for root in roots:
        prefix = _text(state.by_id[root][1].get("name")) if len(roots) > 1 and root in state.by_id else ""
        for index, resource, folder in _walk(state, root, prefix.replace("/", "-")):
            seen.add(_text(resource.get("_id")))
            collection.requests.append(_request(resource, jpath("$.resources", index), folder, state))
    # Requests whose parent is missing from the export still come in, at the top.
    for index, resource in _of_type(resources, "request"):
        if _text(resource.get("_id")) not in seen:
            collection.requests.append(_request(resource, jpath("$.resources", index), "", state))
    _environments(resources, roots, collection, state)
    for index, resource in enumerate(resources):
        kind = resource["_type"]
        if kind in _SKIPPED_TYPES:
            state.warnings.append(f"{_text(resource.get('name')) or kind}: {_SKIPPED_TYPES[kind]} not imported")
        elif kind == "cookie_jar" and resource.get("cookies"):
            state.warnings.append(f"cookie jar {_text(resource.get('name'))!r}: cookies not imported")
        elif kind == "request_group" and resource.get("environment"):
            state.warnings.append(f"folder {_text(resource.get('name'))!r}: its environment overrides not imported")
    return ImportResult(collection, state.warnings + literal_secrets(collection))


def _of_type(resources: list[Any], kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, resource in enumerate(resources):
        if resource.get("_type") == kind:
            yield index, resource


def _sort_key(entry: tuple[int, dict[str, Any]]) -> tuple[float, int]:
    index, resource = entry
    key = resource.get("metaSortKey")
    return (float(key) if isinstance(key, (int, float)) and not isinstance(key, bool) else 0.0, index)


def _walk(state: _State, parent: str, folder: str) -> Iterator[tuple[int, dict[str, Any], str]]:
    """Requests under `parent`, depth first, in Insomnia's order, with their folder path."""
    stack = [(parent, folder)]
    visited: set[str] = set()
    # Iterative: an export may nest deeply or (when broken) loop.
    while stack:
        node, path = stack.pop()
        if node in visited:
            continue
        visited.add(node)
        entries = sorted(state.children.get(node, []), key=_sort_key)
        groups: list[tuple[str, str]] = []
        for index, resource in entries:
            kind = resource["_type"]
            if kind == "request":
                yield index, resource, path
            elif kind == "request_group":
                name = (_text(resource.get("name")).strip() or "folder").replace("/", "-")
                groups.append((_text(resource.get("_id")), f"{path}/{name}" if path else name))
        stack.extend(reversed(groups))


def _request(resource: dict[str, Any], where: str, folder: str, state: _State) -> Request:
    name = _text(resource.get("name")).strip() or "request"
    method = _text(resource.get("method")).strip().upper() or "GET"
    if not _METHOD.fullmatch(method):
        fail_path(state.ctx, jpath(where, "method"), f"{method!r} is not an HTTP method")
    request = Request(name=name, method=method, folder=folder, url=_text(resource.get("url")).strip())
    request.description = _text(resource.get("description")).strip()
    request.params = _rows(resource.get("parameters"), jpath(where, "parameters"), state)
    request.headers = _rows(resource.get("headers"), jpath(where, "headers"), state)
    _auth(resource.get("authentication"), request, state)
    body = resource.get("body")
    if isinstance(body, dict) and body:
        request.body = _body(body, jpath(where, "body"), request, state)
    follow = resource.get("settingFollowRedirects")
    if follow in ("on", "off"):
        request.follow_redirects = follow == "on"
    _convert_syntax(request, state)
    return request


def _rows(value: Any, where: str, state: _State) -> list[Pair]:
    if value is None:
        return []
    if not isinstance(value, list):
        fail_path(state.ctx, where, "must be a list of {name, value}")
    rows: list[Pair] = []
    for index, row in enumerate(value):
        if not isinstance(row, dict):
            fail_path(state.ctx, jpath(where, index), "must be an object with name and value")
        name = _text(row.get("name"))
        if name or _text(row.get("value")):
            rows.append(Pair(name, scalar_text(row.get("value")), row.get("disabled") is not True))
    return rows


def _auth(value: Any, request: Request, state: _State) -> None:
    if not isinstance(value, dict) or not value or value.get("disabled") is True:
        return
    kind = _text(value.get("type"))
    if kind in ("", "none"):
        return
    if kind in ("basic", "digest"):
        user, password = scalar_text(value.get("username")), scalar_text(value.get("password"))
        request.auth = Auth(kind="basic" if kind == "basic" else "digest", user=user, password=password)
    elif kind == "bearer":
        token = scalar_text(value.get("token"))
        prefix = scalar_text(value.get("prefix")).strip()
        if prefix and prefix.lower() != "bearer":
            request.headers.append(Pair("Authorization", f"{prefix} {token}"))
        else:
            request.auth = Auth(kind="bearer", token=token)
    elif kind == "apikey":
        key, text = scalar_text(value.get("key")), scalar_text(value.get("value"))
        where = value.get("addTo")
        if where == "queryParams":
            request.params.append(Pair(key, text))
        elif where == "cookie":
            request.headers.append(Pair("Cookie", f"{key}={text}"))
        else:
            request.headers.append(Pair(key, text))
    else:
        state.warnings.append(f"{request.name}: {kind} auth not imported; add it by hand")


def _body(body: dict[str, Any], where: str, request: Request, state: _State) -> Body | None:
    mime = _text(body.get("mimeType")).split(";")[0].strip().lower()
    has_type = any(h.name.lower() == "content-type" and h.enabled for h in request.headers)
    if mime == "application/x-www-form-urlencoded":
        return Body("form", form=_rows(body.get("params"), jpath(where, "params"), state))
    if mime == "multipart/form-data":
        return _multipart(body.get("params"), jpath(where, "params"), request, state)
    if mime == "application/graphql":
        # Insomnia keeps {"query", "variables"} as JSON text and sends it as application/json.
        if not has_type:
            request.headers.append(Pair("Content-Type", "application/json"))
        return Body("json", text=_text(body.get("text")))
    file_name = _text(body.get("fileName"))
    if file_name:
        _warn_absolute(file_name, request, state)
        return Body("file", text=file_name, content_type=None if has_type or not mime else mime)
    text = _text(body.get("text"))
    if not text and not mime:
        return None
    if (mime == "application/json" or mime.endswith("+json")) and looks_like_json(text):
        return Body("json", text=text, content_type=None if has_type or mime == "application/json" else mime)
    if mime == "application/json" or mime.endswith("+json"):
        state.warnings.append(f"{request.name}: the JSON body does not parse; imported as text, sent as typed")
    return Body("text", text=text, content_type=None if has_type or not mime else _text(body.get("mimeType")))


def _multipart(value: Any, where: str, request: Request, state: _State) -> Body | None:
    if not isinstance(value, list):
        fail_path(state.ctx, where, "must be a list of parts")
    parts: list[MultipartPart] = []
    for index, row in enumerate(value):
        if not isinstance(row, dict):
            fail_path(state.ctx, jpath(where, index), "must be an object with name and value")
        name = _text(row.get("name"))
        if row.get("disabled") is True:
            state.warnings.append(f"{request.name}: disabled multipart part {name!r} not imported")
            continue
        if row.get("type") == "file":
            file_name = _text(row.get("fileName"))
            if not file_name:
                state.warnings.append(f"{request.name}: file part {name!r} has no file chosen; not imported")
                continue
            _warn_absolute(file_name, request, state)
            parts.append(MultipartPart(name, file=file_name))
        else:
            parts.append(MultipartPart(name, value=scalar_text(row.get("value"))))
    # Insomnia adds the boundary itself; a typed "multipart/form-data" without one would break the body.
    request.headers = [
        h for h in request.headers
        if not (h.name.lower() == "content-type" and "multipart/" in h.value.lower() and "boundary" not in h.value.lower())
    ]  # fmt: skip
    return Body("multipart", parts=parts) if parts else None


def _convert_syntax(request: Request, state: _State) -> None:
    tags: set[str] = set()

    def convert(text: str) -> str:
        if "{" not in text:
            return text
        tags.update(match.group(1) for match in _TAG.finditer(text))
        text = _BRACKET.sub(lambda m: "{{" + variable_name(m.group(2)) + "}}", text)
        return _REFERENCE.sub(lambda m: "{{" + variable_name(m.group(1)) + "}}", text)

    rewrite_request_strings(request, convert)
    if tags:
        shown = ", ".join("{% " + tag + " %}" for tag in sorted(tags))
        state.warnings.append(f"{request.name}: Insomnia template tags {shown} not imported (sent as typed)")


def _environments(resources: list[Any], roots: list[str], collection: Collection, state: _State) -> None:
    bases = [(i, r) for i, r in _of_type(resources, "environment") if _text(r.get("parentId")) in roots]
    if not bases:
        return
    base_index, base = bases[0]
    collection.variables = _flatten(base.get("data"), jpath(jpath("$.resources", base_index), "data"), state)
    base_ids = {_text(r.get("_id")) for _, r in bases}
    for extra_index, extra in bases[1:]:
        # Several base environments (one per workspace): the later ones become environments too.
        _sub_environment(extra, extra_index, collection, state)
    for index, resource in _of_type(resources, "environment"):
        if _text(resource.get("parentId")) in base_ids:
            _sub_environment(resource, index, collection, state)


def _sub_environment(resource: dict[str, Any], index: int, collection: Collection, state: _State) -> None:
    name = _text(resource.get("name")).strip() or f"environment {index}"
    if name in collection.environments:
        state.warnings.append(f"environment {name!r} appears twice; the later one kept")
    collection.environments[name] = _flatten(resource.get("data"), jpath(jpath("$.resources", index), "data"), state)


def _flatten(data: Any, where: str, state: _State) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        fail_path(state.ctx, where, "environment data must be an object")
    values: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
            return
        name = variable_name(prefix)
        text = scalar_text(value)
        if "{{" in text:
            text = _REFERENCE.sub(lambda m: "{{" + variable_name(m.group(1)) + "}}", text)
            state.warnings.append(f"environment value {name!r} refers to other variables; reqbench does not expand them")
        if "{%" in text:
            state.warnings.append(f"environment value {name!r} holds an Insomnia template tag; kept as typed")
        values[name] = text

    for key, value in data.items():
        walk(str(key), value)
    return values


def _warn_absolute(path: str, request: Request, state: _State) -> None:
    if PurePath(path).is_absolute():
        state.warnings.append(f"{request.name}: file {path!r} is outside the collection's folder; replay needs --allow-path")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else scalar_text(value)
