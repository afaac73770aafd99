"""Postman collections (v2.0 and v2.1) and Postman environment files (JSON: all Postman writes).

One module on purpose: the item walk, auth inheritance and the body kinds are one mapping of
Postman's schema, read top to bottom beside Postman's documentation.

    import_text(text, ctx) -> ImportResult                 # a collection (or an environment file alone)
    import_environment(text, collection, ctx=None) -> list[str]  # merge an environment file into `collection`
                                                           # as [environments.NAME]; returns warnings

What maps where:
- folders -> `folder` ("Auth/Tokens"; a "/" inside a folder's name becomes "-");
- auth from the collection, folder or request, inherited as Postman does (`noauth` stops it):
  basic, digest and bearer -> `auth`; an API key -> a header or a query row. Every request gets
  its own resolved auth (nothing goes to [defaults], which a `noauth` request could not undo);
- url: the `query` rows (disabled ones kept as disabled rows), path variables (`:id`) replaced
  by their value (or `{{id}}` when it has none);
- bodies: raw (`json` when the language is json), urlencoded, formdata (text and file parts),
  binary file, graphql (sent as JSON, as Postman does);
- disabled headers, query and form rows -> rows switched off;
- collection variables -> [variables] with the same names (names `{{...}}` cannot hold are
  renamed, and their uses with them); `{{var}}` is our syntax too.

Not mapped, each reported as a warning naming the request: pre-request and test scripts,
OAuth 1/2 and the other auth kinds, disabled multipart parts (our parts have no switch),
file parts without a file, Postman's dynamic variables (`{{$guid}}`, sent as typed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import unquote_plus

from tui.core.collection.model import Auth, Body, Collection, MultipartPart, Pair, Request
from tui.core.formats.documents import (
    jpath,
    literal_secrets,
    looks_like_json,
    parse_document,
    rename_references,
    scalar_text,
    variable_name,
)
from tui.core.formats.imported import ImportContext, ImportResult, fail_path

__all__ = ["import_environment", "import_text", "is_environment"]

_DYNAMIC = re.compile(r"\{\{\s*\$([A-Za-z]+)\s*\}\}")
_PATH_VARIABLE = re.compile(r"(?<=/):([A-Za-z_][A-Za-z0-9_\-]*)")
_LANGUAGE_TYPES = {"xml": "application/xml", "html": "text/html", "javascript": "application/javascript"}
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")


@dataclass(slots=True)
class _Inherited:
    """What a folder passes down: its path and the auth in force (None: no auth)."""

    folder: str = ""
    auth: dict[str, Any] | None = None


@dataclass(slots=True)
class _State:
    ctx: ImportContext
    warnings: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)


# -- entry points -------------------------------------------------------------------------


def is_environment(data: Any) -> bool:
    """Is this parsed document a Postman environment (or globals) file?"""
    return isinstance(data, dict) and isinstance(data.get("values"), list) and "item" not in data


def import_text(text: str, ctx: ImportContext) -> ImportResult:
    data = parse_document(text, ctx, what="Postman collection", allow_yaml=False)
    if is_environment(data):
        collection = Collection(name=_text(data.get("name")) or "Postman environment")
        warnings = _merge_environment(data, collection, ctx)
        warnings.append("a Postman environment file: no requests imported (merge it into a collection with --env-file)")
        return ImportResult(collection, warnings)
    if not isinstance(data, dict):
        fail_path(ctx, "$", "a Postman collection must be a JSON object")
    if "requests" in data and "order" in data:
        fail_path(ctx, "$", "a Postman collection v1 export; re-export it from Postman as v2.1")
    info = data.get("info")
    if not isinstance(info, dict):
        fail_path(ctx, "$.info", "missing: not a Postman collection (v2.0 or v2.1)")
    items = data.get("item")
    if not isinstance(items, list):
        fail_path(ctx, "$.item", "must be a list of requests and folders")
    state = _State(ctx)
    collection = Collection(name=_text(info.get("name")) or "Postman collection", description=_description(info))
    renames = _collection_variables(data.get("variable", data.get("variables")), collection, state)
    _scripts(data, "the collection", state)
    top_auth = data.get("auth")
    inherited = _Inherited(auth=_auth_table(top_auth, "$.auth", ctx) if _auth_set(top_auth) else None)
    _items(items, "$.item", inherited, state)
    collection.requests = state.requests
    rename_references(collection, renames)
    return ImportResult(collection, state.warnings + literal_secrets(collection))


def import_environment(text: str, collection: Collection, ctx: ImportContext | None = None) -> list[str]:
    """Merge a Postman environment file into `collection` as `[environments.NAME]`.

    `ctx.source` names the file in messages (and is the fallback environment name).

    Enabled values only (a disabled one is reported); a name `{{...}}` cannot hold is renamed.
    An environment of the same name is replaced. Returns the warnings.
    """
    ctx = ctx or ImportContext()
    data = parse_document(text, ctx, what="Postman environment", allow_yaml=False)
    if not is_environment(data):
        fail_path(ctx, "$.values", "missing: not a Postman environment file")
    return _merge_environment(data, collection, ctx)


# -- collection ---------------------------------------------------------------------------


def _merge_environment(data: dict[str, Any], collection: Collection, ctx: ImportContext) -> list[str]:
    warnings: list[str] = []
    stem = PurePath(ctx.source).stem if ctx.source != "-" else ""
    name = _text(data.get("name")).strip() or stem.removesuffix(".postman_environment") or "postman"
    values: dict[str, str] = {}
    renames: dict[str, str] = {}
    for index, row in enumerate(data["values"]):
        where = jpath("$.values", index)
        if not isinstance(row, dict):
            fail_path(ctx, where, "each value must be an object with key and value")
        key = _text(row.get("key"))
        if not key:
            continue
        if row.get("enabled") is False:
            warnings.append(f"environment {name!r}: {key!r} is disabled in Postman; not imported")
            continue
        target = variable_name(key)
        if target != key:
            renames[key] = target
            warnings.append(f"environment {name!r}: {key!r} renamed to {target!r}, and its uses in the requests")
        values[target] = scalar_text(row.get("value"))
        if row.get("type") == "secret":
            warnings.append(
                f"environment {name!r}: {target!r} is a Postman secret and is written to the collection as is;"
                " keep the file private or move it to {{env:NAME}} in the requests"
            )
    if name in collection.environments:
        warnings.append(f"environment {name!r} replaced by the imported one")
    collection.environments[name] = values
    rename_references(collection, renames)
    return warnings


def _collection_variables(rows: Any, collection: Collection, state: _State) -> dict[str, str]:
    """Fill [variables]; returns the renames (Postman name -> ours) to apply to the requests."""
    renames: dict[str, str] = {}
    if rows is None:
        return renames
    if not isinstance(rows, list):
        fail_path(state.ctx, "$.variable", "must be a list of {key, value}")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            fail_path(state.ctx, jpath("$.variable", index), "must be an object with key and value")
        key = _text(row.get("key", row.get("id")))
        if not key or row.get("disabled") is True:
            continue
        target = variable_name(key)
        if target != key:
            renames[key] = target
            state.warnings.append(f"variable {key!r} renamed to {target!r}")
        collection.variables[target] = scalar_text(row.get("value"))
    return renames


def _items(items: list[Any], where: str, inherited: _Inherited, state: _State) -> None:
    for index, item in enumerate(items):
        path = jpath(where, index)
        if not isinstance(item, dict):
            fail_path(state.ctx, path, "each item must be an object (a request or a folder)")
        name = _text(item.get("name")).strip()
        if "item" in item:  # a folder, even an empty one
            children = item["item"]
            if not isinstance(children, list):
                fail_path(state.ctx, jpath(path, "item"), "a folder's items must be a list")
            segment = (name or f"folder {index + 1}").replace("/", "-")
            folder = f"{inherited.folder}/{segment}" if inherited.folder else segment
            _scripts(item, f"folder {folder!r}", state)
            auth = item.get("auth")
            folder_auth = _auth_table(auth, jpath(path, "auth"), state.ctx) if _auth_set(auth) else inherited.auth
            inner = _Inherited(folder, folder_auth)
            _items(children, jpath(path, "item"), inner, state)
        elif "request" in item:
            state.requests.append(_request(item, path, name or f"request {len(state.requests) + 1}", inherited, state))
        else:
            fail_path(state.ctx, path, "neither a request (no 'request') nor a folder (no 'item')")


def _request(item: dict[str, Any], where: str, name: str, inherited: _Inherited, state: _State) -> Request:
    ctx = state.ctx
    raw = item["request"]
    where = jpath(where, "request")
    if isinstance(raw, str):  # v2 allows a bare URL
        raw = {"url": raw, "method": "GET"}
    if not isinstance(raw, dict):
        fail_path(ctx, where, "must be an object or a URL string")
    method = _text(raw.get("method")).strip().upper() or "GET"
    if not _METHOD.match(method):
        fail_path(ctx, jpath(where, "method"), f"{method!r} is not an HTTP method")
    request = Request(name=name, method=method, folder=inherited.folder)
    request.description = _description(raw) or _description(item)
    request.url, request.params = _url(raw.get("url"), jpath(where, "url"), ctx)
    request.headers = _headers(raw.get("header"), jpath(where, "header"), ctx)
    auth = raw.get("auth")
    table = _auth_table(auth, jpath(where, "auth"), ctx) if _auth_set(auth) else inherited.auth
    if table is not None:
        _apply_auth(table, request, state)
    body = raw.get("body")
    if isinstance(body, dict) and body and body.get("disabled") is not True:
        request.body = _body(body, jpath(where, "body"), request, state)
    _behaviour(item.get("protocolProfileBehavior"), request)
    _scripts(item, name, state)
    _dynamic_variables(request, state)
    return request


def _url(value: Any, where: str, ctx: ImportContext) -> tuple[str, list[Pair]]:
    if value is None:
        return "", []
    if isinstance(value, str):
        return _path_variables(value, {}), []
    if not isinstance(value, dict):
        fail_path(ctx, where, "must be a string or an object with 'raw'")
    raw = _text(value.get("raw"))
    if not raw:
        raw = _url_from_parts(value)
    variables: dict[str, str] = {}
    rows = value.get("variable") or []
    if not isinstance(rows, list):
        fail_path(ctx, jpath(where, "variable"), "must be a list of {key, value}")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            fail_path(ctx, jpath(jpath(where, "variable"), index), "must be an object with key and value")
        key = _text(row.get("key", row.get("id")))
        if key:
            variables[key] = scalar_text(row.get("value"))
    query = value.get("query")
    params: list[Pair] = []
    if isinstance(query, list):
        # The rows carry what the raw URL cannot (disabled ones); the raw query would repeat them.
        raw, _, fragment = raw.partition("#")
        raw = raw.partition("?")[0] + (f"#{fragment}" if fragment else "")
        for index, row in enumerate(query):
            if not isinstance(row, dict):
                fail_path(ctx, jpath(jpath(where, "query"), index), "must be an object with key and value")
            if row.get("key") is None and row.get("value") is None:
                continue
            key, text = _query_text(_text(row.get("key"))), _query_text(scalar_text(row.get("value")))
            params.append(Pair(key, text, row.get("disabled") is not True))
    return _path_variables(raw, variables), params


def _query_text(text: str) -> str:
    """A query row as the server reads it: Postman keeps rows as they appear in the URL and
    sends them unchanged, while our params are encoded when sent (`%7B` would become `%257B`)."""
    return unquote_plus(text) if "%" in text or "+" in text else text


def _url_from_parts(value: dict[str, Any]) -> str:
    host = value.get("host")
    host_text = ".".join(_text(part) for part in host) if isinstance(host, list) else _text(host)
    path = value.get("path")
    if isinstance(path, list):  # segments are strings, or {"type", "value"} objects
        path_text = "/".join(_text(part.get("value") if isinstance(part, dict) else part) for part in path)
    else:
        path_text = _text(path)
    protocol = _text(value.get("protocol"))
    port = _text(value.get("port"))
    url = (f"{protocol}://" if protocol else "") + host_text + (f":{port}" if port else "")
    if path_text:
        url += "/" + path_text.lstrip("/")
    return url


def _path_variables(url: str, values: dict[str, str]) -> str:
    """`/orders/:id` -> `/orders/1001` (its value), or `/orders/{{id}}` when it has none."""
    path, mark, rest = url.partition("?")

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        value = values.get(key, "")
        return value if value else "{{" + variable_name(key) + "}}"

    return _PATH_VARIABLE.sub(replace, path) + mark + rest


def _headers(value: Any, where: str, ctx: ImportContext) -> list[Pair]:
    if value is None:
        return []
    if isinstance(value, str):  # "Name: value\nName2: value2", as old exports carry
        rows = []
        for line in value.splitlines():
            key, colon, text = line.partition(":")
            if colon and key.strip():
                rows.append(Pair(key.strip(), text.strip()))
        return rows
    if not isinstance(value, list):
        fail_path(ctx, where, "must be a list of {key, value}")
    pairs = []
    for index, row in enumerate(value):
        if not isinstance(row, dict):
            fail_path(ctx, jpath(where, index), "must be an object with key and value")
        key = _text(row.get("key")).strip()
        if key:
            pairs.append(Pair(key, scalar_text(row.get("value")), row.get("disabled") is not True))
    return pairs


# -- auth ---------------------------------------------------------------------------------


def _auth_set(value: Any) -> bool:
    """Does this `auth` decide (anything but missing, null or `inherit`)?"""
    return isinstance(value, dict) and _text(value.get("type")) not in ("", "inherit")


def _auth_table(value: Any, where: str, ctx: ImportContext) -> dict[str, Any] | None:
    """The auth as {"type": ..., field: value}; None for `noauth`."""
    if not isinstance(value, dict):
        fail_path(ctx, where, "must be an object with a 'type'")
    kind = _text(value.get("type"))
    if kind == "noauth":
        return None
    fields: dict[str, Any] = {"type": kind}
    options = value.get(kind)
    if isinstance(options, list):  # v2.1: [{key, value, type}]
        for row in options:
            if isinstance(row, dict) and "key" in row:
                fields[_text(row["key"])] = row.get("value")
    elif isinstance(options, dict):  # v2.0: {field: value}
        fields.update(options)
    return fields


def _apply_auth(table: dict[str, Any], request: Request, state: _State) -> None:
    kind = table["type"]
    if kind in ("basic", "digest"):
        request.auth = Auth(kind=kind, user=scalar_text(table.get("username")), password=scalar_text(table.get("password")))
    elif kind == "bearer":
        request.auth = Auth(kind="bearer", token=scalar_text(table.get("token")))
    elif kind == "apikey":
        key = scalar_text(table.get("key")) or "X-API-Key"
        value = scalar_text(table.get("value"))
        if scalar_text(table.get("in")) == "query":
            request.params.append(Pair(key, value))
        else:
            request.headers.append(Pair(key, value))
    else:
        state.warnings.append(f"{request.name}: {kind or 'unknown'} auth not imported; add it by hand")


# -- bodies -------------------------------------------------------------------------------


def _body(body: dict[str, Any], where: str, request: Request, state: _State) -> Body | None:
    mode = _text(body.get("mode"))
    ctx = state.ctx
    if mode == "raw":
        text = _text(body.get("raw"))
        options = body.get("options")
        raw_options = options.get("raw") if isinstance(options, dict) else None
        language = _text(raw_options.get("language")) if isinstance(raw_options, dict) else ""
        if not text and not language:
            return None
        if language == "json":
            if looks_like_json(text):
                return Body("json", text=text)
            state.warnings.append(f"{request.name}: the JSON body does not parse; imported as text, sent as typed")
            return Body("text", text=text, content_type=None if _has_header(request, "Content-Type") else "application/json")
        content_type = _LANGUAGE_TYPES.get(language) if not _has_header(request, "Content-Type") else None
        return Body("text", text=text, content_type=content_type)
    if mode == "urlencoded":
        return Body("form", form=_headers(body.get("urlencoded"), jpath(where, "urlencoded"), ctx))
    if mode == "formdata":
        return _formdata(body.get("formdata"), jpath(where, "formdata"), request, state)
    if mode == "file":
        file = body.get("file")
        src = _text(file.get("src")) if isinstance(file, dict) else ""
        if not src:
            state.warnings.append(f"{request.name}: binary body has no file chosen; body not imported")
            return None
        _warn_absolute(src, request, state)
        return Body("file", text=src)
    if mode == "graphql":
        graphql = body.get("graphql")
        if not isinstance(graphql, dict):
            fail_path(ctx, jpath(where, "graphql"), "must be an object with 'query'")
        variables = graphql.get("variables")
        text = '{"query": ' + json.dumps(_text(graphql.get("query")), ensure_ascii=False)
        if isinstance(variables, str) and variables.strip():
            text += ', "variables": ' + variables.strip()  # as typed: it may hold {{var}}
        elif isinstance(variables, dict):
            text += ', "variables": ' + json.dumps(variables, ensure_ascii=False)
        return Body("json", text=text + "}")
    if mode:
        state.warnings.append(f"{request.name}: body mode {mode!r} not imported")
    return None


def _formdata(rows: Any, where: str, request: Request, state: _State) -> Body | None:
    if not isinstance(rows, list):
        fail_path(state.ctx, where, "must be a list of form rows")
    parts: list[MultipartPart] = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            fail_path(state.ctx, jpath(where, index), "must be an object with key and value")
        key = _text(row.get("key"))
        if row.get("disabled") is True:
            state.warnings.append(f"{request.name}: disabled multipart part {key!r} not imported")
            continue
        content_type = _text(row.get("contentType")) or None
        if row.get("type") == "file":
            sources = row.get("src")
            files = [_text(s) for s in sources] if isinstance(sources, list) else [_text(sources)]
            files = [f for f in files if f]
            if not files:
                state.warnings.append(f"{request.name}: file part {key!r} has no file chosen; not imported")
            for src in files:
                _warn_absolute(src, request, state)
                parts.append(MultipartPart(key, file=src, content_type=content_type))
        else:
            parts.append(MultipartPart(key, value=scalar_text(row.get("value")), content_type=content_type))
    # Postman picks the boundary; a typed "multipart/form-data" header without one would break the body.
    request.headers = [
        h for h in request.headers
        if not (h.name.lower() == "content-type" and "multipart/" in h.value.lower() and "boundary" not in h.value.lower())
    ]  # fmt: skip
    return Body("multipart", parts=parts) if parts else None


# -- the rest -----------------------------------------------------------------------------


def _behaviour(value: Any, request: Request) -> None:
    if not isinstance(value, dict):
        return
    if value.get("followRedirects") is False:
        request.follow_redirects = False
    if value.get("strictSSL") is False:
        request.verify = False


def _scripts(holder: dict[str, Any], what: str, state: _State) -> None:
    events = holder.get("event")
    if not isinstance(events, list):
        return
    for event in events:
        if not isinstance(event, dict):
            continue
        script = event.get("script")
        lines = script.get("exec") if isinstance(script, dict) else None
        source = "\n".join(_text(x) for x in lines) if isinstance(lines, list) else _text(lines)
        if source.strip():
            kind = "pre-request" if event.get("listen") == "prerequest" else "test"
            state.warnings.append(f"{what}: {kind} script not imported")


def _dynamic_variables(request: Request, state: _State) -> None:
    texts = [request.url, *(p.value for p in request.params), *(h.value for h in request.headers)]
    if request.body is not None:
        texts.append(request.body.text)
        texts.extend(p.value for p in request.body.form)
        texts.extend(p.value or "" for p in request.body.parts)
    found = sorted({match.group(1) for text in texts for match in _DYNAMIC.finditer(text)})
    if found:
        names = ", ".join("{{$" + name + "}}" for name in found)
        state.warnings.append(f"{request.name}: Postman dynamic variables {names} are sent as typed")


def _warn_absolute(path: str, request: Request, state: _State) -> None:
    if PurePath(path).is_absolute():
        state.warnings.append(
            f"{request.name}: file {path!r} is outside the collection's folder; replay needs --allow-path"
        )


def _has_header(request: Request, name: str) -> bool:
    return any(h.name.lower() == name.lower() and h.enabled for h in request.headers)


def _description(holder: dict[str, Any]) -> str:
    value = holder.get("description")
    if isinstance(value, dict):
        value = value.get("content")
    return _text(value).strip()


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else scalar_text(value)
