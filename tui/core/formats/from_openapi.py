"""OpenAPI 3.0 / 3.1 and Swagger 2.0 documents (JSON or YAML) -> one request per operation.

One module on purpose: parameters, request bodies, examples and security schemes all walk the
same `$ref` resolver and example generator; split, each part would pass that state around.

    import_text(text, ctx) -> ImportResult

What maps where:
- each operation -> a request named by `operationId` (else "METHOD /path"), `folder` = its first
  tag, `description` = summary and description;
- the first server (Swagger: scheme, host and basePath) -> the variable `base`, server variables
  at their defaults; every URL is `{{base}}/path`. Each further server -> `[environments.NAME]`
  setting `base`;
- path parameters -> `{{name}}`, defined in [variables] with the parameter's example (or
  default, enum value, or a value made from its schema): never empty, never a literal `{id}`;
- query and header parameters with their example: required ones on, optional ones as rows
  switched off; cookie parameters -> a Cookie header;
- request bodies: `example` / `examples`, else generated from the schema (every property that
  is not readOnly, `$ref` resolved, allOf merged, the first of oneOf/anyOf, cycles cut);
  JSON -> `json`, urlencoded -> `form`, multipart -> `multipart` (file parts point at a file
  named after the field, reported), text types -> `text`; Swagger's body and formData params;
- security (the operation's, else the document's; the first alternative we can send):
  HTTP basic/digest/bearer -> `auth`, API keys -> a header, query or cookie row, all holding
  `{{env:NAME}}` placeholders (NAME from the scheme's name, e.g. BEARER_AUTH_TOKEN); OAuth2 and
  OpenID Connect -> `Authorization: Bearer {{env:NAME_TOKEN}}`, reported.

Not mapped, each reported: external `$ref`s, `externalValue` examples, bodies of XML and other
types without an example, OAuth flows themselves, mutual TLS, callbacks and webhooks (ignored).
Structural errors raise `ImportFailed` with the JSON path; syntax errors with line:col.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from tui.core.collection.model import Auth, Body, Collection, MultipartPart, Pair, Request
from tui.core.formats.documents import jpath, parse_document, scalar_text, variable_name
from tui.core.formats.imported import ImportContext, ImportResult, fail_path

__all__ = ["import_text"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{([^{}/]+)\}")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_ENV = re.compile(r"[^A-Z0-9_]+")
_SKIPPED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_STRING_FORMATS = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "12:00:00Z",
    "email": "user@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com",
    "url": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "password": "password",
    "byte": "",
    "binary": "",
}
_NODE_BUDGET = 2000  # values generated for one body at most; a huge schema is cut, not hung on
_CUT = object()  # a schema reference that would recurse into itself
_NO_CUT = 1 << 30


@dataclass(slots=True)
class _Spec:
    doc: dict[str, Any]
    ctx: ImportContext
    swagger: bool
    warnings: list[str] = field(default_factory=list)
    refs: dict[str, Any] = field(default_factory=dict)
    examples: dict[str, Any] = field(default_factory=dict)  # $ref -> generated value (cycle-free ones)
    variables: dict[str, str] = field(default_factory=dict)
    budget: int = _NODE_BUDGET
    exhausted: bool = False
    reported: set[str] = field(default_factory=set)  # $refs already reported as missing
    texts: dict[int, tuple[Any, str]] = field(default_factory=dict)  # id(example) -> (example, JSON text)
    # The shallowest stack position a cycle was cut back to, in the value being made: a value
    # whose cuts all go back to itself or deeper is the same wherever it is made, so cached.
    floor: int = _NO_CUT

    def resolve(self, value: Any, where: str, request: str) -> Any:
        """`value` with a local `$ref` followed (chains too); None, reported, if it cannot be."""
        hops = 0
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            target = self.pointer(ref)
            if target is None:
                self.missing(ref, request, where)
                return None
            value, hops = target, hops + 1
            if hops > 50:
                self.warnings.append(f"{request}: {where}: $ref {ref!r} loops; left out")
                return None
        return value

    def cut(self, ref: str, stack: tuple[str, ...]) -> Any:
        self.floor = min(self.floor, stack.index(ref))
        return _CUT

    def missing(self, ref: str, request: str, where: str) -> None:
        """Report a `$ref` that cannot be followed: once per ref, naming the first request."""
        if ref in self.reported:
            return
        self.reported.add(ref)
        if ref.startswith("#"):
            self.warnings.append(f"{request}: {where}: $ref {ref!r} not found; left out (and wherever else it is used)")
        else:
            self.warnings.append(
                f"{request}: {where}: $ref {ref!r} is in another file, which is not read;"
                " left out (and wherever else it is used)"
            )

    def pointer(self, ref: str) -> Any:
        if ref in self.refs:
            return self.refs[ref]
        found: Any = None
        if ref.startswith("#"):
            found = self.doc
            for token in ref[1:].split("/")[1:]:
                token = token.replace("~1", "/").replace("~0", "~")
                if isinstance(found, dict) and token in found:
                    found = found[token]
                elif isinstance(found, list) and token.isdigit() and int(token) < len(found):
                    found = found[int(token)]
                else:
                    found = None
                    break
        self.refs[ref] = found
        return found


# -- entry point --------------------------------------------------------------------------


def import_text(text: str, ctx: ImportContext) -> ImportResult:
    doc = parse_document(text, ctx, what="OpenAPI document")
    if not isinstance(doc, dict):
        fail_path(ctx, "$", "an OpenAPI document must be an object")
    if "openapi" in doc:
        if not str(doc["openapi"]).startswith("3."):
            fail_path(ctx, "$.openapi", f"version {doc['openapi']!r} is not supported (3.0 and 3.1 are)")
        swagger = False
    elif "swagger" in doc:
        if str(doc["swagger"]) != "2.0":
            fail_path(ctx, "$.swagger", f"version {doc['swagger']!r} is not supported (2.0 is)")
        swagger = True
    else:
        fail_path(ctx, "$", "neither 'openapi' nor 'swagger': not an OpenAPI document")
    spec = _Spec(doc, ctx, swagger)
    info: dict[str, Any] = doc["info"] if isinstance(doc.get("info"), dict) else {}
    collection = Collection(
        name=scalar_text(info.get("title")).strip() or "OpenAPI",
        description=scalar_text(info.get("description") or info.get("summary")).strip(),
    )
    base, environments = _swagger_base(spec) if swagger else _servers(doc.get("servers"), "$.servers", spec, "")
    spec.variables["base"] = base
    collection.environments.update(environments)
    paths = doc.get("paths")
    if paths is None:
        paths = {}
    if not isinstance(paths, dict):
        fail_path(ctx, "$.paths", "must be an object of path -> operations")
    for path, item in paths.items():
        if str(path).startswith("x-"):
            continue  # an extension, not a path
        where = jpath("$.paths", str(path))
        if not isinstance(item, dict):
            fail_path(ctx, where, "a path item must be an object")
        item = spec.resolve(item, where, str(path)) or {}
        for method in _METHODS:
            if method not in item:
                continue
            operation = item[method]
            if not isinstance(operation, dict):
                fail_path(ctx, jpath(where, method), "an operation must be an object")
            collection.requests.append(_operation(spec, str(path), item, method, operation, jpath(where, method)))
    collection.variables = spec.variables
    return ImportResult(collection, spec.warnings)


# -- servers ------------------------------------------------------------------------------


def _servers(servers: Any, where: str, spec: _Spec, request: str) -> tuple[str, dict[str, dict[str, str]]]:
    if servers is None or servers == []:
        if not request:
            spec.warnings.append("no server URL in the document; base is http://localhost (set it with --var base=…)")
        return "http://localhost", {}
    if not isinstance(servers, list):
        fail_path(spec.ctx, where, "must be a list of servers")
    urls: list[tuple[str, str]] = []
    for index, server in enumerate(servers):
        if not isinstance(server, dict) or not isinstance(server.get("url"), str):
            fail_path(spec.ctx, jpath(where, index), "a server must be an object with a 'url'")
        url = _TEMPLATE.sub(lambda m: _server_variable(server, m.group(1)), server["url"]).rstrip("/")
        if url.startswith("//"):
            url = "https:" + url
        elif "://" not in url:
            if index == 0 and not request:
                spec.warnings.append(f"server URL {server['url']!r} is relative; base is http://localhost{url}")
            url = "http://localhost" + ("/" + url.lstrip("/") if url else "")
        urls.append((url, scalar_text(server.get("description")).strip() or f"server {index + 1}"))
    environments = {label: {"base": url} for url, label in urls[1:]}
    return urls[0][0], environments


def _server_variable(server: dict[str, Any], name: str) -> str:
    variables = server.get("variables")
    variable = variables.get(name) if isinstance(variables, dict) else None
    if isinstance(variable, dict) and "default" in variable:
        return scalar_text(variable["default"])
    return name


def _swagger_base(spec: _Spec) -> tuple[str, dict[str, dict[str, str]]]:
    doc = spec.doc
    host = scalar_text(doc.get("host")).strip()
    schemes: list[Any] = doc["schemes"] if isinstance(doc.get("schemes"), list) else []
    scheme = "https" if "https" in schemes or not schemes else scalar_text(schemes[0])
    if not host:
        spec.warnings.append("no host in the document; base is http://localhost (set it with --var base=…)")
        scheme, host = "http", "localhost"
    base_path = scalar_text(doc.get("basePath")).strip()
    base = f"{scheme}://{host}" + ("/" + base_path.strip("/") if base_path.strip("/") else "")
    environments = {}
    if scheme == "https" and "http" in schemes:
        environments["http"] = {"base": "http" + base.removeprefix("https")}
    return base, environments


# -- one operation ------------------------------------------------------------------------


def _operation(spec: _Spec, path: str, item: dict[str, Any], method: str, operation: dict[str, Any], where: str) -> Request:
    name = scalar_text(operation.get("operationId")).strip() or f"{method.upper()} {path}"
    tags = operation.get("tags")
    folder = scalar_text(tags[0]).replace("/", "-") if isinstance(tags, list) and tags else ""
    summary = scalar_text(operation.get("summary")).strip()
    details = scalar_text(operation.get("description")).strip()
    request = Request(name=name, method=method.upper(), folder=folder)
    request.description = "\n\n".join(text for text in (summary, details) if text)
    parameters = _parameters(spec, item, operation, where.rpartition(".")[0], where, name)
    base = "{{base}}"
    servers = operation.get("servers") or item.get("servers")
    if servers and not spec.swagger:
        base, _ = _servers(servers, jpath(where, "servers"), spec, name)
    request.url = base + _path(spec, path, parameters.get("path", {}), name)
    cookies: list[str] = []
    for param in parameters.get("query", {}).values():
        for value in _values(spec, param, name):
            request.params.append(Pair(scalar_text(param["name"]), value, bool(param.get("required"))))
    for param in parameters.get("header", {}).values():
        if scalar_text(param["name"]).lower() not in _SKIPPED_HEADERS:
            value = ",".join(_values(spec, param, name))
            request.headers.append(Pair(scalar_text(param["name"]), value, bool(param.get("required"))))
    for param in parameters.get("cookie", {}).values():
        if param.get("required"):
            cookies.append(f"{scalar_text(param['name'])}={','.join(_values(spec, param, name))}")
    if spec.swagger:
        request.body = _swagger_body(spec, operation, parameters, request)
    else:
        body = operation.get("requestBody")
        if body is not None:
            resolved = spec.resolve(body, jpath(where, "requestBody"), name)
            if isinstance(resolved, dict):
                request.body = _body(spec, resolved.get("content"), jpath(where, "requestBody"), request)
    security = operation["security"] if "security" in operation else spec.doc.get("security")
    _security(spec, security, request, cookies)
    if cookies:
        request.headers.append(Pair("Cookie", "; ".join(cookies)))
    return request


def _parameters(
    spec: _Spec, item: dict[str, Any], operation: dict[str, Any], item_where: str, where: str, request: str
) -> dict[str, dict[str, dict[str, Any]]]:
    """Path-level then operation-level parameters (the latter win), by location then name."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for holder, holder_where in ((item, item_where), (operation, where)):
        params = holder.get("parameters")
        if params is None:
            continue
        if not isinstance(params, list):
            fail_path(spec.ctx, jpath(holder_where, "parameters"), "must be a list of parameters")
        for index, raw in enumerate(params):
            param_where = jpath(jpath(holder_where, "parameters"), index)
            param = spec.resolve(raw, param_where, request)
            if param is None:
                continue
            if not isinstance(param, dict) or not isinstance(param.get("name"), str) or not isinstance(param.get("in"), str):
                fail_path(spec.ctx, param_where, "a parameter must be an object with 'name' and 'in'")
            found.setdefault(param["in"], {})[param["name"]] = param
    return found


def _path(spec: _Spec, path: str, declared: dict[str, dict[str, Any]], request: str) -> str:
    """`/pets/{petId}` -> `/pets/{{petId}}`, each variable defined once with a value."""

    def replace(match: re.Match[str]) -> str:
        raw = match.group(1)
        name = variable_name(raw)
        if name == "base":
            name = "base_"
        if name not in spec.variables:
            param = declared.get(raw)
            if param is None:
                spec.warnings.append(f"{request}: path parameter {raw!r} is not declared; its value is {raw!r}")
                value = raw
            else:
                value = ",".join(_values(spec, param, request)) or raw
            spec.variables[name] = value
        return "{{" + name + "}}"

    return _TEMPLATE.sub(replace, path if path.startswith("/") else "/" + path)


def _values(spec: _Spec, param: dict[str, Any], request: str) -> list[str]:
    """The parameter's example as one or more texts (an array repeats, as `explode` does)."""
    value = _param_example(spec, param, request)
    if isinstance(value, list):
        texts = [scalar_text(v) for v in value]
        return texts or [""]
    return [scalar_text(value)]


def _param_example(spec: _Spec, param: dict[str, Any], request: str) -> Any:
    for key in ("example", "x-example"):
        if key in param:
            return param[key]
    examples = param.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            resolved = spec.resolve(example, "examples", request)
            if isinstance(resolved, dict) and "value" in resolved:
                return resolved["value"]
    schema = param.get("schema") if not spec.swagger else param
    content = param.get("content")
    if schema is None and isinstance(content, dict) and content:
        # A parameter described by a media type (e.g. JSON in a query parameter).
        entry = next(iter(content.values()))
        if isinstance(entry, dict):
            found, example = _media_example(spec, entry, request)
            if found:
                return example if isinstance(example, (str, int, float, bool)) else scalar_text(example)
            schema = entry.get("schema")
    if isinstance(schema, dict):
        return _example(spec, schema, request)
    return ""


# -- bodies -------------------------------------------------------------------------------


def _media_rank(media: str) -> int:
    media = media.lower()
    if media == "application/json":
        return 0
    if media.endswith("+json") or media.endswith("/json") or media == "*/*":
        return 1
    if media == "application/x-www-form-urlencoded":
        return 2
    if media.startswith("multipart/"):
        return 3
    if media.startswith("text/"):
        return 4
    return 5


def _body(spec: _Spec, content: Any, where: str, request: Request) -> Body | None:
    if not isinstance(content, dict) or not content:
        return None
    media = min(content, key=lambda m: _media_rank(str(m)))
    entry = content[media]
    media = str(media)
    entry_where = jpath(jpath(where, "content"), media)
    if not isinstance(entry, dict):
        fail_path(spec.ctx, entry_where, "a media type must be an object")
    has_example, example = _media_example(spec, entry, request.name)
    schema = entry.get("schema")  # unresolved: a cycle back to its own $ref is then cut at once
    rank = _media_rank(media)
    if rank <= 1:
        value = example if has_example else _example(spec, schema, request.name) if isinstance(schema, dict) else {}
        content_type = None if media in ("application/json", "*/*") else media
        return Body("json", text=_json_text(value, spec.texts), content_type=content_type)
    if rank == 2:
        return Body("form", form=_form_rows(spec, schema, example if has_example else None, request.name))
    if rank == 3:
        return _multipart(spec, schema, example if has_example else None, request)
    if has_example and isinstance(example, str):
        return Body("text", text=example, content_type=media)
    if isinstance(schema, dict):
        value = _example(spec, schema, request.name)
        if isinstance(value, str) and media.startswith("text/"):
            return Body("text", text=value, content_type=media)
    if media == "application/octet-stream":
        spec.warnings.append(f"{request.name}: binary body reads ./body.bin; put the file there or change the path")
        return Body("file", text="body.bin")
    spec.warnings.append(f"{request.name}: {media} body has no example; left empty")
    return Body("text", text="", content_type=media)


def _media_example(spec: _Spec, entry: dict[str, Any], request: str) -> tuple[bool, Any]:
    if "example" in entry:
        return True, entry["example"]
    examples = entry.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            resolved = spec.resolve(example, "examples", request)
            if isinstance(resolved, dict):
                if "value" in resolved:
                    return True, resolved["value"]
                if "externalValue" in resolved:
                    spec.warnings.append(f"{request}: example at {resolved['externalValue']!r} (externalValue) not fetched")
    return False, None


def _json_text(value: Any, memo: dict[int, tuple[Any, str]] | None = None) -> str:
    """JSON text for a body; `memo` (by identity: cached examples are shared) saves re-encoding."""
    if memo is not None and isinstance(value, (dict, list)):
        hit = memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        text = _json_text(value)
        memo[id(value)] = (value, text)
        return text
    if value is None:
        return "{}"  # no schema to go by (or one left out): an object to fill in
    if isinstance(value, str):
        try:
            json.loads(value)
            return value  # a document that writes its JSON example as a string
        except ValueError:
            pass
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _properties(spec: _Spec, schema: Any, request: str) -> tuple[dict[str, Any], set[str]]:
    """An object schema's properties (allOf merged, refs resolved) and its required names."""
    merged = _merge(spec, schema, request, ()) if isinstance(schema, dict) else None
    if not isinstance(merged, dict):
        return {}, set()
    properties: dict[str, Any] = merged["properties"] if isinstance(merged.get("properties"), dict) else {}
    listed = merged.get("required")
    required = {r for r in listed if isinstance(r, str)} if isinstance(listed, list) else set()
    return properties, required


def _form_rows(spec: _Spec, schema: Any, example: Any, request: str) -> list[Pair]:
    properties, required = _properties(spec, schema, request)
    rows: list[Pair] = []
    if isinstance(example, dict):
        return [Pair(str(k), scalar_text(v)) for k, v in example.items()]
    for name, prop in properties.items():
        value = _example(spec, prop, request) if isinstance(prop, dict) else ""
        rows.append(Pair(str(name), scalar_text(value), name in required))
    return rows


def _multipart(spec: _Spec, schema: Any, example: Any, request: Request) -> Body | None:
    properties, required = _properties(spec, schema, request.name)
    wanted = [name for name in properties if name in required] or list(properties)
    parts: list[MultipartPart] = []
    for name in wanted:
        prop = spec.resolve(properties[name], "properties", request.name)
        if not isinstance(prop, dict):
            continue
        if prop.get("format") in ("binary", "base64") or prop.get("type") == "file":
            parts.append(_file_part(spec, str(name), request))
        elif isinstance(example, dict) and name in example:
            parts.append(MultipartPart(str(name), value=scalar_text(example[name])))
        else:
            parts.append(MultipartPart(str(name), value=scalar_text(_example(spec, prop, request.name))))
    return Body("multipart", parts=parts) if parts else None


def _file_part(spec: _Spec, name: str, request: Request) -> MultipartPart:
    path = variable_name(name)
    spec.warnings.append(f"{request.name}: file part {name!r} reads ./{path}; put the file there or change the path")
    return MultipartPart(name, file=path)


def _swagger_body(
    spec: _Spec, operation: dict[str, Any], parameters: dict[str, dict[str, dict[str, Any]]], request: Request
) -> Body | None:
    consumes = operation.get("consumes") or spec.doc.get("consumes") or []
    consumes = [str(c) for c in consumes] if isinstance(consumes, list) else []
    body_params = list(parameters.get("body", {}).values())
    if body_params:
        param = body_params[0]
        media = min(consumes, key=_media_rank) if consumes else "application/json"
        schema = param.get("schema")
        examples = param.get("x-examples")
        if isinstance(examples, dict) and examples:
            value = next(iter(examples.values()))
        else:
            value = _example(spec, schema, request.name) if isinstance(schema, dict) else {}
        if _media_rank(media) <= 1:
            content_type = None if media == "application/json" else media
            return Body("json", text=_json_text(value, spec.texts), content_type=content_type)
        if isinstance(value, str):
            return Body("text", text=value, content_type=media)
        spec.warnings.append(f"{request.name}: {media} body has no example; left empty")
        return Body("text", text="", content_type=media)
    form = list(parameters.get("formData", {}).values())
    if not form:
        return None
    multipart = any(p.get("type") == "file" for p in form) or any(c.startswith("multipart/") for c in consumes)
    if not multipart:
        rows = [Pair(str(p["name"]), ",".join(_values(spec, p, request.name)), bool(p.get("required"))) for p in form]
        return Body("form", form=rows)
    parts: list[MultipartPart] = []
    chosen = [p for p in form if p.get("required")] or form
    for param in chosen:
        if param.get("type") == "file":
            parts.append(_file_part(spec, str(param["name"]), request))
        else:
            parts.append(MultipartPart(str(param["name"]), value=",".join(_values(spec, param, request.name))))
    return Body("multipart", parts=parts)


# -- example values from schemas ----------------------------------------------------------


def _merge(spec: _Spec, schema: dict[str, Any], request: str, stack: tuple[str, ...]) -> Any:
    """`schema` with its `$ref` followed and `allOf` folded into one schema; `_CUT` on a cycle."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in stack:
            return spec.cut(ref, stack)
        target = spec.pointer(ref)
        if not isinstance(target, dict):
            spec.missing(ref, request, "schema")
            return None
        return _merge(spec, target, request, (*stack, ref))
    parts = schema.get("allOf")
    if not isinstance(parts, list):
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = dict(merged.get("properties") or {})
    required: list[Any] = list(merged.get("required") or [])
    for part in parts:
        if not isinstance(part, dict):
            continue
        resolved = _merge(spec, part, request, stack)
        if not isinstance(resolved, dict):
            continue
        for key, value in resolved.items():
            if key == "properties" and isinstance(value, dict):
                properties.update(value)
            elif key == "required" and isinstance(value, list):
                required.extend(value)
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
        merged.setdefault("type", "object")
    if required:
        merged["required"] = required
    return merged


def _example(spec: _Spec, schema: Any, request: str) -> Any:
    """A value that fits `schema`: its own example first, else made from its type."""
    spec.budget = _NODE_BUDGET
    spec.exhausted = False
    value = _value(spec, schema, request, ())
    if spec.exhausted:
        spec.warnings.append(f"{request}: the schema is very large; the generated example is cut short")
    return None if value is _CUT else value


def _value(spec: _Spec, schema: Any, request: str, stack: tuple[str, ...]) -> Any:
    if not isinstance(schema, dict):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in stack:
            return spec.cut(ref, stack)
        if ref in spec.examples:
            return spec.examples[ref]
        target = spec.pointer(ref)
        if not isinstance(target, dict):
            spec.missing(ref, request, "schema")
            return None
        saved, warned = spec.floor, len(spec.warnings)
        spec.floor = _NO_CUT
        value = _value(spec, target, request, (*stack, ref))
        inner, spec.floor = spec.floor, min(saved, spec.floor)
        # Cache only a value that does not depend on the way here (no cut back above it).
        if inner >= len(stack) and not spec.exhausted and len(spec.warnings) == warned:
            spec.examples[ref] = value
        return value
    spec.budget -= 1
    if spec.budget < 0:
        spec.exhausted = True
        return None
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    if isinstance(schema.get("allOf"), list):
        merged = _merge(spec, schema, request, stack)
        if merged is _CUT:
            return _CUT
        return _value(spec, merged, request, stack) if isinstance(merged, dict) else None
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            chosen = next((o for o in options if not (isinstance(o, dict) and o.get("type") == "null")), options[0])
            return _value(spec, chosen, request, stack)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else None
    if kind == "object":
        return _object(spec, schema, request, stack)
    if kind == "array":
        items = schema.get("items")
        if not isinstance(items, dict):
            return []
        item = _value(spec, items, request, stack)
        return [] if item is _CUT else [item]
    if kind == "string":
        return _STRING_FORMATS.get(scalar_text(schema.get("format")), "string")
    if kind in ("integer", "number"):
        low = schema.get("minimum")
        if isinstance(low, (int, float)) and not isinstance(low, bool):
            return low + (1 if schema.get("exclusiveMinimum") is True else 0)
        high = schema.get("maximum")
        if isinstance(high, (int, float)) and not isinstance(high, bool) and high < 0:
            return high
        return 0
    if kind == "boolean":
        return True
    if kind == "file":
        return ""
    return None


def _object(spec: _Spec, schema: dict[str, Any], request: str, stack: tuple[str, ...]) -> dict[str, Any]:
    properties = schema.get("properties")
    required: list[Any] = schema["required"] if isinstance(schema.get("required"), list) else []
    value: dict[str, Any] = {}
    if not isinstance(properties, dict):
        return value
    for name, prop in properties.items():
        if isinstance(prop, dict) and prop.get("readOnly") is True:
            continue  # sent by the server only
        inner = _value(spec, prop, request, stack)
        if inner is _CUT:
            if name in required:
                value[str(name)] = _uncut(inner, prop)
            continue
        value[str(name)] = inner
    return value


def _uncut(value: Any, schema: Any) -> Any:
    """What a cut-off cycle is written as: an empty object (or an empty array for an array)."""
    if value is not _CUT:
        return value
    if isinstance(schema, dict) and schema.get("type") == "array":
        return []
    return {}


# -- security -----------------------------------------------------------------------------


def _security(spec: _Spec, requirements: Any, request: Request, cookies: list[str]) -> None:
    if not isinstance(requirements, list) or not requirements:
        return
    components = spec.doc.get("components")
    if spec.swagger:
        schemes = spec.doc.get("securityDefinitions")
    else:
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if not isinstance(schemes, dict):
        schemes = {}
    alternatives = [r for r in requirements if isinstance(r, dict)]
    if not alternatives or not alternatives[0]:
        return  # the first alternative is "no auth" (`{}`): auth is optional
    chosen = next((alt for alt in alternatives if alt and all(_simple(spec, schemes.get(n)) for n in alt)), alternatives[0])
    for scheme_name in chosen:
        raw = schemes.get(scheme_name)
        scheme = spec.resolve(raw, f"securitySchemes.{scheme_name}", request.name) if raw is not None else None
        if not isinstance(scheme, dict):
            spec.warnings.append(f"{request.name}: security scheme {scheme_name!r} is not defined; not imported")
            continue
        _apply_scheme(spec, str(scheme_name), scheme, request, cookies)


def _simple(spec: _Spec, scheme: Any) -> bool:
    if not isinstance(scheme, dict):
        return False
    kind = scheme.get("type")
    if kind == "http":
        return scalar_text(scheme.get("scheme")).lower() in ("basic", "bearer", "digest")
    return kind in ("apiKey", "basic")


def _env(scheme_name: str, suffix: str = "") -> str:
    slug = _NOT_ENV.sub("_", _CAMEL.sub("_", scheme_name).upper()).strip("_") or "API"
    if suffix and not slug.endswith(suffix):
        slug = f"{slug}_{suffix}"
    return slug


def _apply_scheme(spec: _Spec, name: str, scheme: dict[str, Any], request: Request, cookies: list[str]) -> None:
    kind = scheme.get("type")
    http = scalar_text(scheme.get("scheme")).lower() if kind == "http" else ("basic" if kind == "basic" else "")
    if http in ("basic", "digest", "bearer") and request.auth is not None:
        spec.warnings.append(f"{request.name}: security scheme {name!r} needs a second auth; not imported")
        return
    if http in ("basic", "digest"):
        user, password = "{{env:" + _env(name, "USER") + "}}", "{{env:" + _env(name, "PASSWORD") + "}}"
        request.auth = Auth(kind="basic" if http == "basic" else "digest", user=user, password=password)
    elif http == "bearer":
        request.auth = Auth(kind="bearer", token="{{env:" + _env(name, "TOKEN") + "}}")
    elif kind == "http":
        request.headers.append(Pair("Authorization", f"{scheme.get('scheme')} {{{{env:{_env(name, 'TOKEN')}}}}}"))
        spec.warnings.append(
            f"{request.name}: HTTP {scheme.get('scheme')!r} auth sent as an Authorization header from ${_env(name, 'TOKEN')}"
        )
    elif kind == "apiKey":
        key, value = scalar_text(scheme.get("name")) or "X-API-Key", "{{env:" + _env(name) + "}}"
        where = scheme.get("in")
        if where == "query":
            request.params.append(Pair(key, value))
        elif where == "cookie":
            cookies.append(f"{key}={value}")
        else:
            request.headers.append(Pair(key, value))
    elif kind in ("oauth2", "openIdConnect"):
        variable = _env(name, "TOKEN")
        request.headers.append(Pair("Authorization", "Bearer {{env:" + variable + "}}"))
        spec.warnings.append(f"{request.name}: {kind} flow not imported; sends a bearer token from ${variable}")
    else:
        spec.warnings.append(f"{request.name}: security scheme {name!r} ({kind}) not imported")
