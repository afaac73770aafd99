"""Turn the dict `tomllib` parsed into a `model.Collection`, refusing anything unexpected.

Private to `store`. Every problem is a `SchemaError` that names the file, the request
(index and name) and the key, and says what was expected. Unknown keys are refused so
that a typo never silently vanishes.

One module (~540 lines) on purpose: one small checker per table of the format, read top to
bottom in the order of `docs/collection-format.md`; split by table it would only add imports.
"""

from __future__ import annotations

import codecs
import datetime
import math
import re
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from tui.core.collection.locate import Locator
from tui.core.encodings import is_text_encoding
from tui.core.errors import SchemaError
from tui.core.collection.model import (
    BODY_KINDS,
    DEFAULT_CHUNK_SIZE,
    DEFAULT_TIMEOUT,
    FORMAT_VERSION,
    Auth,
    Body,
    Collection,
    Defaults,
    Download,
    Expect,
    MultipartPart,
    Pair,
    Request,
    STREAM_OPTIONS,
    StreamOption,
)

__all__ = ["CAPTURE_SOURCES", "VARIABLE_NAME", "build_collection", "event_source_problem", "type_name"]

#: What a variable name may look like: `{{name}}`.
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
#: `[requests.capture]` values: "status", "json:<dotted path>", "header:<name>".
CAPTURE_SOURCES = ("status", "json:", "header:", "event:")
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

_TOP_KEYS = ("format", "name", "description", "variables", "environments", "env", "defaults", "requests")
_DEFAULTS_KEYS = ("headers", "auth", "timeout", "follow_redirects", "verify", "http2", "cookies", "forward_secrets", "max_size")
_ENV_KEYS = ("allow",)
#: What an environment variable name in `[env] allow` may look like.
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_REQUEST_KEYS = (
    "name", "folder", "description", "method", "url", "params", "headers", "auth", "body", "download",
    "expect", "capture", "encoding", "timeout", "follow_redirects", "verify", "http2", "cookies",
    "forward_secrets", "max_size", "stream",
)  # fmt: skip
_BODY_EXTRA_KEYS = ("content_type", "chunk_size")
_PART_KEYS = ("name", "value", "file", "filename", "content_type")
_DOWNLOAD_KEYS = ("path", "chunk_size", "overwrite")
_EXPECT_KEYS = (
    "status", "headers", "json", "body_contains", "max_ms",
    "events", "events_min", "event_contains", "event_json", "ends_within_ms",
)  # fmt: skip
_AUTH_KINDS = ("basic", "digest", "bearer")

T = TypeVar("T")


def type_name(value: object) -> str:
    """The TOML name of a parsed value's type, for messages."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return "date/time"
    return type(value).__name__


def _quote(key: str) -> str:
    return repr(key) if "'" not in key else '"' + key.replace('"', '\\"') + '"'


class _LazyLocator:
    """Scans the text only when an error needs a position (loading stays fast)."""

    def __init__(self, text: str, count: int) -> None:
        self.text = text
        self.count = count
        self.locator: Locator | None = None

    def find(self, index: int | None, key: str | None) -> tuple[int, int] | None:
        if self.locator is None:
            self.locator = Locator(self.text, self.count)
        return self.locator.find(index, key)


class _Where:
    """Where in the file we are, to build messages: file, request, dotted key prefix."""

    def __init__(
        self,
        label: str,
        *,
        index: int | None = None,
        name: str | None = None,
        prefix: str = "",
        locator: _LazyLocator | None = None,
    ) -> None:
        self.label = label
        self.index = index
        self.name = name
        self.prefix = prefix
        self.locator = locator

    def at(self, key: str) -> _Where:
        """The same place, one key deeper (`body` -> `body.chunk_size`)."""
        if key.startswith("["):
            prefix = self.prefix + key
        else:
            prefix = f"{self.prefix}.{key}" if self.prefix else key
        return _Where(self.label, index=self.index, name=self.name, prefix=prefix, locator=self.locator)

    def fail(self, message: str, *, key: str | None = None) -> NoReturn:
        key = key if key is not None else (self.prefix or None)
        position = self.locator.find(self.index, key) if self.locator is not None else None
        location = self.label if position is None else f"{self.label}:{position[0]}:{position[1]}"
        parts = [location]
        if self.index is not None:
            parts.append(f"requests[{self.index}]" + (f" ({_quote(self.name)})" if self.name is not None else ""))
        raise SchemaError(
            ": ".join(parts) + ": " + message,
            file=self.label,
            request_index=self.index,
            request_name=self.name,
            key=key,
        )

    def full(self, key: str) -> str:
        """The full dotted name of `key` here (`body.form`, `params[2]`)."""
        return self.at(key).prefix

    def key_name(self, key: str) -> str:
        """The full dotted name of `key` here, quoted for a message."""
        return _quote(self.full(key))

    def wrong_type(self, key: str, expected: str, value: object) -> NoReturn:
        full = self.full(key)
        self.fail(f"{_quote(full)} must be {expected}, got {type_name(value)}", key=full)


# -- primitive checks ---------------------------------------------------------------------


def _table(where: _Where, key: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        where.wrong_type(key, "a table", value)
    return value


def _str(where: _Where, key: str, value: object) -> str:
    if not isinstance(value, str):
        where.wrong_type(key, "a string", value)
    return value


def _bool(where: _Where, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        where.wrong_type(key, "true or false", value)
    return value


def _positive_int(where: _Where, key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        where.wrong_type(key, "a positive integer", value)
    if value <= 0:
        full = where.full(key)
        where.fail(f"{_quote(full)} must be a positive integer, got {value}", key=full)
    return value


MAX_CHUNK_SIZE = 64 * 2**20  # a read of more at once only costs memory (and 2**63 overflows)


def _chunk_size(where: _Where, key: str, value: object) -> int:
    size = _positive_int(where, key, value)
    if size > MAX_CHUNK_SIZE:
        full = where.full(key)
        where.fail(f"{_quote(full)} must be at most {MAX_CHUNK_SIZE} (64 MiB), got {size}", key=full)
    return size


def _positive_number(where: _Where, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        where.wrong_type(key, "a number", value)
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        full = where.full(key)
        where.fail(f"{_quote(full)} must be a positive number, got {value}", key=full)
    return number


def _scalar_text(where: _Where, key: str, value: object) -> str:
    """A string, or a number/boolean written without quotes, kept as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    where.wrong_type(key, "a string", value)


def _verify(where: _Where, key: str, value: object) -> bool | str:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if not value:
            where.fail(f"{where.key_name(key)} must be true, false or a CA bundle path, got an empty string", key=key)
        return value
    where.wrong_type(key, "true, false or a CA bundle path", value)


def _no_unknown_keys(where: _Where, table: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
    for key in table:
        if key not in allowed:
            where.fail(
                f"unknown key {where.key_name(key)} in {what} (expected one of: {', '.join(allowed)})",
                key=where.full(key),
            )


def _optional(table: dict[str, Any], key: str, check: Callable[[_Where, str, object], T], where: _Where) -> T | None:
    if key not in table:
        return None
    return check(where, key, table[key])


# -- composite checks ---------------------------------------------------------------------


def _pairs(where: _Where, key: str, value: object) -> list[Pair]:
    """Table form `{ a = "1" }` or ordered pairs `[["a", "1"], ["b", "2", false]]`."""
    inner = where.at(key)
    if isinstance(value, dict):
        return [Pair(name, _scalar_text(inner, name, item)) for name, item in value.items()]
    if not isinstance(value, list):
        where.wrong_type(key, 'a table or an array of ["name", "value"] pairs', value)
    pairs: list[Pair] = []
    for index, row in enumerate(value):
        row_key = f"[{index}]"
        if not isinstance(row, list) or len(row) not in (2, 3):
            shape = f"an array of {len(row)}" if isinstance(row, list) else type_name(row)
            inner.fail(
                f"{inner.key_name(row_key)} must be [name, value] or [name, value, false],"
                f" got {shape}",
                key=inner.full(row_key),
            )
        row_where = inner.at(row_key)
        name = _str(row_where, "[0]", row[0])
        text = _scalar_text(row_where, "[1]", row[1])
        enabled = _bool(row_where, "[2]", row[2]) if len(row) == 3 else True
        pairs.append(Pair(name, text, enabled))
    return pairs


def _auth(where: _Where, key: str, value: object) -> Auth:
    table = _table(where, key, value)
    inner = where.at(key)
    _no_unknown_keys(inner, table, _AUTH_KINDS, "auth")
    if len(table) != 1:
        found = " and ".join(repr(k) for k in table) if table else "nothing"
        inner.fail(f"{where.key_name(key)} needs exactly one of basic, digest, bearer; found {found}")
    kind, item = next(iter(table.items()))
    if kind == "bearer":
        return Auth("bearer", token=_str(inner, kind, item))
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item)):
        inner.fail(
            f"{inner.key_name(kind)} must be [\"user\", \"password\"], got {type_name(item)}"
            + (f" of {len(item)}" if isinstance(item, list) else ""),
            key=inner.full(kind),
        )
    return Auth("basic" if kind == "basic" else "digest", user=item[0], password=item[1])


def _part(where: _Where, key: str, value: object) -> MultipartPart:
    table = _table(where, key, value)
    inner = where.at(key)
    _no_unknown_keys(inner, table, _PART_KEYS, "a multipart part")
    if "name" not in table:
        inner.fail(f"{where.key_name(key)} needs a 'name'")
    name = _str(inner, "name", table["name"])
    has_value, has_file = "value" in table, "file" in table
    if has_value == has_file:
        detail = "has both" if has_value else "has neither"
        inner.fail(f"multipart part {name!r} needs exactly one of 'value' and 'file' ({detail})")
    if has_value and "filename" in table:
        inner.fail(f"multipart part {name!r}: 'filename' applies only to a 'file' part", key=inner.full("filename"))
    return MultipartPart(
        name=name,
        value=_optional(table, "value", _scalar_text, inner),
        file=_optional(table, "file", _str, inner),
        filename=_optional(table, "filename", _str, inner),
        content_type=_optional(table, "content_type", _str, inner),
    )


def _body(where: _Where, key: str, value: object) -> Body:
    table = _table(where, key, value)
    inner = where.at(key)
    kinds = [k for k in table if k in BODY_KINDS]
    for k in table:
        if k not in BODY_KINDS and k not in _BODY_EXTRA_KEYS:
            inner.fail(
                f"unknown body kind {k!r} (expected one of: {', '.join(BODY_KINDS)};"
                f" beside it: {', '.join(_BODY_EXTRA_KEYS)})",
                key=inner.full(k),
            )
    if not kinds:
        inner.fail(f"body needs one of: {', '.join(BODY_KINDS)}")
    if len(kinds) > 1:
        inner.fail("body has both " + " and ".join(repr(k) for k in kinds) + "; keep exactly one")
    kind = kinds[0]
    item = table[kind]
    body = Body(kind=kind)
    if kind == "form":
        body.form = _pairs(inner, kind, item)
    elif kind == "multipart":
        if not isinstance(item, list):
            inner.wrong_type(kind, "an array of part tables", item)
        parts_where = inner.at(kind)
        body.parts = [_part(parts_where, f"[{i}]", part) for i, part in enumerate(item)]
    else:
        body.text = _str(inner, kind, item)
    body.content_type = _optional(table, "content_type", _str, inner)
    chunk_size = _optional(table, "chunk_size", _chunk_size, inner)
    if chunk_size is not None and kind != "stream":
        inner.fail(f"'chunk_size' applies only to a stream body, not {kind!r}", key=inner.full("chunk_size"))
    body.chunk_size = None if chunk_size == DEFAULT_CHUNK_SIZE else chunk_size
    return body


def _download(where: _Where, key: str, value: object) -> Download:
    table = _table(where, key, value)
    inner = where.at(key)
    _no_unknown_keys(inner, table, _DOWNLOAD_KEYS, "download")
    if "path" not in table:
        inner.fail("download needs a 'path'", key=inner.full("path"))
    return Download(
        path=_str(inner, "path", table["path"]),
        chunk_size=_optional(table, "chunk_size", _chunk_size, inner) or DEFAULT_CHUNK_SIZE,
        overwrite=bool(_optional(table, "overwrite", _bool, inner)),
    )


def _status(where: _Where, key: str, value: object) -> list[int]:
    items = value if isinstance(value, list) else [value]
    codes: list[int] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int) or not 100 <= item <= 999:
            shown = item if isinstance(item, int) and not isinstance(item, bool) else type_name(item)
            where.fail(
                f"{where.key_name(key)} must be a status code (100-999) or an array of them, got {shown}",
                key=where.full(key),
            )
        codes.append(item)
    return codes


def _json_value(where: _Where, key: str, value: object) -> object:
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        where.wrong_type(key, "a JSON-like value (string, number, boolean, array, table)", value)
    if isinstance(value, list):
        inner = where.at(key)
        return [_json_value(inner, f"[{i}]", item) for i, item in enumerate(value)]
    if isinstance(value, dict):
        inner = where.at(key)
        return {k: _json_value(inner, k, v) for k, v in value.items()}
    return value


def _expect(where: _Where, key: str, value: object) -> Expect:
    table = _table(where, key, value)
    inner = where.at(key)
    _no_unknown_keys(inner, table, _EXPECT_KEYS, "expect")
    expect = Expect()
    if "status" in table:
        expect.status = _status(inner, "status", table["status"])
    if "headers" in table:
        expect.headers = _pairs(inner, "headers", table["headers"])
    if "json" in table:
        json_table = _table(inner, "json", table["json"])
        json_where = inner.at("json")
        expect.json = {k: _json_value(json_where, k, v) for k, v in json_table.items()}
    expect.body_contains = _optional(table, "body_contains", _str, inner)
    expect.max_ms = _optional(table, "max_ms", _positive_number, inner)
    expect.events = _optional(table, "events", _count, inner)
    expect.events_min = _optional(table, "events_min", _count, inner)
    expect.event_contains = _optional(table, "event_contains", _str, inner)
    if "event_json" in table:
        json_table = _table(inner, "event_json", table["event_json"])
        json_where = inner.at("event_json")
        expect.event_json = {k: _json_value(json_where, k, v) for k, v in json_table.items()}
    expect.ends_within_ms = _optional(table, "ends_within_ms", _positive_number, inner)
    return expect


def _count(where: _Where, key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        where.wrong_type(key, "a whole number", value)
    if value < 0:
        where.fail(f"{where.key_name(key)} must be 0 or more, got {value}", key=where.full(key))
    return value


def _stream(where: _Where, key: str, value: object) -> StreamOption:
    if value is False:
        return False
    if isinstance(value, str) and value in STREAM_OPTIONS:
        return value  # type: ignore[return-value]
    shown = repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else type_name(value)
    where.fail(
        f"{where.key_name(key)} must be \"sse\", \"ndjson\", \"lines\" or false (leave it out to decide by"
        f" Content-Type), got {shown}",
        key=key,
    )


def _capture(where: _Where, key: str, value: object) -> dict[str, str]:
    table = _table(where, key, value)
    inner = where.at(key)
    capture: dict[str, str] = {}
    for variable, source in table.items():
        _check_variable_name(inner, variable)
        text = _str(inner, variable, source)
        if text.startswith("event:"):
            problem = event_source_problem(text)
            if problem is not None:
                inner.fail(f"{inner.key_name(variable)}: {problem}", key=inner.full(variable))
        elif not (text == "status" or text.startswith("json:") or (text.startswith("header:") and len(text) > 7)):
            inner.fail(
                f"{inner.key_name(variable)} must be \"status\", \"json:<dotted.path>\" or \"header:<Name>\""
                f" (or \"event:<last|first|N>:<data|id|event|json:path>\" from a stream), got {text!r}",
                key=inner.full(variable),
            )
        capture[variable] = text
    return capture


def _encoding(where: _Where, key: str, value: object) -> str:
    text = _str(where, key, value)
    try:
        codecs.lookup(text)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        where.fail(f"{where.key_name(key)}: unknown encoding {text!r}", key=key)
    if not is_text_encoding(text):
        where.fail(f"{where.key_name(key)}: {text!r} is not a text encoding (use e.g. utf-8, latin-1, cp1252)", key=key)
    return text


def _check_variable_name(where: _Where, name: str) -> None:
    if not VARIABLE_NAME.fullmatch(name):
        where.fail(
            f"{where.key_name(name)}: {name!r} is not a usable variable name"
            " (a letter or _, then letters, digits, _ - .)",
            key=where.full(name),
        )


def _variables(where: _Where, key: str, value: object) -> dict[str, str]:
    table = _table(where, key, value)
    inner = where.at(key)
    variables: dict[str, str] = {}
    for name, item in table.items():
        _check_variable_name(inner, name)
        if isinstance(item, (dict, list, datetime.datetime, datetime.date, datetime.time)):
            inner.wrong_type(name, "a string, number or boolean", item)
        variables[name] = _scalar_text(inner, name, item)
    return variables


def _environments(where: _Where, key: str, value: object) -> dict[str, dict[str, str]]:
    table = _table(where, key, value)
    inner = where.at(key)
    return {name: _variables(inner, name, item) for name, item in table.items()}


def _defaults(where: _Where, key: str, value: object) -> Defaults:
    table = _table(where, key, value)
    inner = where.at(key)
    _no_unknown_keys(inner, table, _DEFAULTS_KEYS, "[defaults]")
    defaults = Defaults()
    if "headers" in table:
        defaults.headers = _pairs(inner, "headers", table["headers"])
    defaults.auth = _optional(table, "auth", _auth, inner)
    timeout = _optional(table, "timeout", _positive_number, inner)
    defaults.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    follow = _optional(table, "follow_redirects", _bool, inner)
    defaults.follow_redirects = True if follow is None else follow
    verify = _optional(table, "verify", _verify, inner)
    defaults.verify = True if verify is None else verify
    defaults.http2 = bool(_optional(table, "http2", _bool, inner))
    cookies = _optional(table, "cookies", _bool, inner)
    defaults.cookies = True if cookies is None else cookies
    defaults.forward_secrets = bool(_optional(table, "forward_secrets", _bool, inner))
    defaults.max_size = _optional(table, "max_size", _positive_int, inner)
    return defaults


def _env(where: _Where, key: str, value: object) -> list[str]:
    table = _table(where, key, value)
    inner = where.at(key)
    _no_unknown_keys(inner, table, _ENV_KEYS, "[env]")
    names = table.get("allow", [])
    if not isinstance(names, list):
        inner.wrong_type("allow", "an array of environment variable names", names)
    allow_where = inner.at("allow")
    allowed: list[str] = []
    for index, name in enumerate(names):
        text = _str(allow_where, f"[{index}]", name)
        if not ENV_NAME.fullmatch(text):
            allow_where.fail(f"{allow_where.key_name(f'[{index}]')}: {text!r} is not an environment variable name", key=allow_where.full(f"[{index}]"))
        allowed.append(text)
    return allowed


def _request(where: _Where, table: dict[str, Any]) -> Request:
    name = table.get("name")
    if not isinstance(name, str) or not name:
        where.name = None
        if "name" not in table:
            where.fail("a request needs a 'name'", key="name")
        if isinstance(name, str):
            where.fail("'name' must not be empty", key="name")
        where.wrong_type("name", "a string", name)
    where.name = name
    _no_unknown_keys(where, table, _REQUEST_KEYS, "a request")
    method = _optional(table, "method", _str, where)
    if method is not None and not _METHOD.fullmatch(method):
        where.fail(f"'method' must be an HTTP method token like GET or POST, got {method!r}", key="method")
    request = Request(name=name, method=(method or "GET").upper())
    request.url = _optional(table, "url", _str, where) or ""
    if "params" in table:
        request.params = _pairs(where, "params", table["params"])
    if "headers" in table:
        request.headers = _pairs(where, "headers", table["headers"])
    request.auth = _optional(table, "auth", _auth, where)
    request.body = _optional(table, "body", _body, where)
    request.download = _optional(table, "download", _download, where)
    expect = _optional(table, "expect", _expect, where)
    request.expect = None if expect is None or expect.is_empty() else expect
    request.capture = _optional(table, "capture", _capture, where) or {}
    request.encoding = _optional(table, "encoding", _encoding, where)
    request.timeout = _optional(table, "timeout", _positive_number, where)
    request.max_size = _optional(table, "max_size", _positive_int, where)
    request.follow_redirects = _optional(table, "follow_redirects", _bool, where)
    request.verify = _optional(table, "verify", _verify, where)
    request.http2 = _optional(table, "http2", _bool, where)
    request.cookies = _optional(table, "cookies", _bool, where)
    request.folder = _optional(table, "folder", _folder, where) or ""
    request.description = _optional(table, "description", _str, where) or ""
    request.forward_secrets = _optional(table, "forward_secrets", _bool, where)
    request.stream = _optional(table, "stream", _stream, where)
    return request


def _folder(where: _Where, key: str, value: object) -> str:
    """A group path: segments joined by "/", none empty (`"Auth/Tokens"`)."""
    text = _str(where, key, value)
    if text and any(not segment.strip() for segment in text.split("/")):
        where.fail(
            f"{where.key_name(key)} must be a group path like \"Auth/Tokens\" (no empty segment,"
            f" no leading or trailing /), got {text!r}",
            key=where.full(key),
        )
    return text


def event_source_problem(text: str) -> str | None:
    """Why `event:<which>:<field>` is not a usable capture source, or None when it is.
    `which`: last, first or an index (0-based; negative counts from the last event);
    `field`: data, id, event, or json:<dotted path> (json alone: the whole value)."""
    _, _, rest = text.partition(":")
    which, _, field = rest.partition(":")
    if not (which in ("last", "first") or re.fullmatch(r"-?[0-9]+", which)):
        return f"in {text!r}, which event must be last, first or a number (0 is the first, -1 the last), got {which!r}"
    if not (field in ("data", "id", "event", "json") or field.startswith("json:")):
        return f"in {text!r}, the field must be data, id, event or json:<dotted.path>, got {field!r}"
    return None


def _format(where: _Where, data: dict[str, Any]) -> int:
    if "format" not in data:
        where.fail(f"missing 'format = {FORMAT_VERSION}' (the collection format version)", key="format")
    value = data["format"]
    if isinstance(value, bool) or not isinstance(value, int):
        where.wrong_type("format", "an integer", value)
    if value > FORMAT_VERSION:
        where.fail(
            f"format {value} is newer than this reqbench understands ({FORMAT_VERSION}); upgrade reqbench",
            key="format",
        )
    if value < 1:
        where.fail(f"'format' must be {FORMAT_VERSION}, got {value}", key="format")
    return value


def build_collection(data: dict[str, Any], *, label: str, text: str | None = None) -> Collection:
    """Validate `data` (from tomllib) and build the model. Raises `SchemaError`.

    `text`, when given, is the source `data` came from; messages then point at line:column.
    """
    requests = data.get("requests", [])
    count = len(requests) if isinstance(requests, list) else 0
    locator = _LazyLocator(text, count) if text is not None else None
    top = _Where(label, locator=locator)
    _no_unknown_keys(top, data, _TOP_KEYS, "the collection")
    collection = Collection(format=_format(top, data))
    collection.name = _optional(data, "name", _str, top) or ""
    collection.description = _optional(data, "description", _str, top) or ""
    collection.variables = _optional(data, "variables", _variables, top) or {}
    collection.environments = _optional(data, "environments", _environments, top) or {}
    collection.env_allow = _optional(data, "env", _env, top) or []
    if "defaults" in data:
        collection.defaults = _defaults(top, "defaults", data["defaults"])
    if not isinstance(requests, list):
        top.wrong_type("requests", "an array of tables ([[requests]])", requests)
    seen: dict[str, int] = {}
    for index, item in enumerate(requests):
        where = _Where(label, index=index, locator=locator)
        if not isinstance(item, dict):
            where.fail(f"each request must be a table ([[requests]]), got {type_name(item)}")
        request = _request(where, item)
        if request.name in seen:
            where.fail(
                f"duplicate request name {request.name!r} (also requests[{seen[request.name]}]);"
                " names must be unique",
                key="name",
            )
        seen[request.name] = index
        collection.requests.append(request)
    return collection
