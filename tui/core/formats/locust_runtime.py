"""The helpers every exported locustfile carries (`to_locust` copies this module's code into it).

One module on purpose: it is copied whole into every generated locustfile, which must stay
one self-contained file.

This module is real, importable Python so the helpers are type-checked and unit-tested here;
it imports only the standard library and never Locust: the locust user is passed in. The block
between `# [expect helpers]` markers is replaced, in the generated file, by the source of the
same functions in `tui.core.replay.expect`, so a failing expect reads exactly as `reqbench run`
prints it. Everything after `# [body]` is copied as is.
"""

# [imports]
from __future__ import annotations

import base64
import binascii
import json
import mimetypes
import os
import re
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

# [expect helpers]
from tui.core.replay.expect import MISSING, PathNotFound, lookup, same_value, show

# [body]
__all__ = [
    "Base64",
    "Basic",
    "Digest",
    "Expect",
    "File",
    "FilePart",
    "Flow",
    "Form",
    "Json",
    "Multipart",
    "NotSent",
    "Secrets",
    "Stream",
    "Sub",
    "Text",
    "check",
    "fill",
]

# `{{name}}`, `{{env:NAME}}` and the escape `{{{{`, as reqbench's collection format reads them.
_TOKEN = re.compile(r"\{\{\{\{|\{\{[ \t]*(env:[ \t]*)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*\}\}")
_DEFAULT_TIMEOUT = 30.0


class NotSent(Exception):
    """Why a request of the flow was not sent; reported to Locust as that request's failure."""

    def __repr__(self) -> str:  # Locust groups and shows failures by repr: just the message
        return repr(str(self))


class Sub:
    """Text whose `{{name}}` (a value captured earlier in the same iteration) and `{{env:NAME}}`
    (the process environment) are filled in when the request is sent; `{{{{` is a literal `{{`."""

    __slots__ = ("template",)

    def __init__(self, template: str) -> None:
        self.template = template

    def __repr__(self) -> str:
        return f"Sub({self.template!r})"


class Secrets:
    """Values kept out of failure messages (Locust shows and stores them): environment values,
    credentials of auth and of secret-named headers, and values captured into secret names."""

    _NAMES = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
    _WORDS = ("token", "secret", "key", "password", "passwd")
    _SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s+(\S.*)$")

    def __init__(self) -> None:
        self.values: set[str] = set()

    @classmethod
    def is_secret_name(cls, name: str) -> bool:
        lower = name.lower()
        return lower in cls._NAMES or any(word in lower for word in cls._WORDS)

    def add(self, value: str) -> None:
        candidates = {value.strip()}
        match = self._SCHEME.match(value.strip())
        if match:
            candidates.add(match.group(2).strip())
        # Short values are not searched for: masking "123" would shred every number.
        self.values.update(c for c in candidates if len(c) >= 4)

    def mask(self, text: str) -> str:
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, "***")
        return text


def _expand(template: str, values: Mapping[str, str], request: str, secrets: Secrets | None) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        if name is None:
            return "{{"
        if match.group(1):
            value = os.environ.get(name)
            if value is None:
                raise NotSent(f"request {request!r}: the environment variable {name} is not set ({{{{env:{name}}}}})")
            if secrets is not None:
                secrets.add(value)
            return value
        found = values.get(name)
        if found is None:
            raise NotSent(f"request {request!r}: unknown variable {{{{{name}}}}}")
        return found

    return _TOKEN.sub(replace, template)


def fill(value: Any, values: Mapping[str, str], request: str, secrets: Secrets | None = None) -> Any:
    """`value` with every `Sub` inside it (lists, tuples and dicts are walked) replaced by its text."""
    if isinstance(value, Sub):
        return _expand(value.template, values, request, secrets)
    if isinstance(value, list):
        return [fill(item, values, request, secrets) for item in value]
    if isinstance(value, tuple):
        return tuple(fill(item, values, request, secrets) for item in value)
    if isinstance(value, dict):
        return {key: fill(item, values, request, secrets) for key, item in value.items()}
    return value


# -- bodies: each turns into the keyword arguments of Locust's (requests') client ------------


class _Body:
    def prepare(self, flow: Flow, request: str, handles: list[IO[bytes]]) -> dict[str, Any]:
        raise NotImplementedError


class Text(_Body):
    """Sent as UTF-8 bytes (text and JSON bodies)."""

    kind = "text"

    def __init__(self, text: str | Sub) -> None:
        self.text = text

    def prepare(self, flow: Flow, request: str, handles: list[IO[bytes]]) -> dict[str, Any]:
        return {"data": flow.fill(self.text, request).encode("utf-8")}


class Json(Text):
    """Sent exactly as typed; checked to be JSON first (it may hold captured values)."""

    kind = "json"

    def prepare(self, flow: Flow, request: str, handles: list[IO[bytes]]) -> dict[str, Any]:
        text = flow.fill(self.text, request)
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            raise NotSent(
                f"request {request!r}, body.json is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
            ) from None
        return {"data": text.encode("utf-8")}


class Base64(_Body):
    """Sent as the decoded bytes."""

    def __init__(self, text: str | Sub) -> None:
        self.text = text

    def prepare(self, flow: Flow, request: str, handles: list[IO[bytes]]) -> dict[str, Any]:
        compact = "".join(flow.fill(self.text, request).split())
        try:
            return {"data": base64.b64decode(compact, validate=True)}
        except (binascii.Error, ValueError) as error:
            raise NotSent(f"request {request!r}, body.base64 is not valid base64: {error}") from None


class Form(_Body):
    """URL-encoded fields, order and repeats kept."""

    def __init__(self, fields: list[tuple[str | Sub, str | Sub]]) -> None:
        self.fields = fields

    def prepare(self, flow: Flow, request: str, handles: list[IO[bytes]]) -> dict[str, Any]:
        return {"data": [tuple(flow.fill(list(row), request)) for row in self.fields]}


def _open(path: Path, request: str, handles: list[IO[bytes]]) -> IO[bytes]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the flow once the request is done
    except OSError as error:
        raise NotSent(f"request {request!r}: cannot read {path}: {error.strerror or error}") from None
    handles.append(handle)
    return handle


class FilePart:
    """A multipart file part, read from the collection's folder when the request is sent."""

    def __init__(self, path: Path, filename: str | Sub | None = None, content_type: str | None = None) -> None:
        self.path = path
        self.filename = filename
        self.content_type = content_type


class Multipart(_Body):
    """multipart/form-data: value parts (no filename) and file parts, in order."""

    def __init__(self, parts: list[tuple[str | Sub, str | Sub | FilePart]]) -> None:
        self.parts = parts

    def prepare(self, flow: Flow, request: str, handles: list[IO[bytes]]) -> dict[str, Any]:
        files: list[tuple[str, Any]] = []
        for raw_name, part in self.parts:
            name = flow.fill(raw_name, request)
            if not isinstance(part, FilePart):
                files.append((name, (None, flow.fill(part, request).encode("utf-8"))))
                continue
            filename = flow.fill(part.filename, request) if part.filename is not None else part.path.name
            content_type = part.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
            files.append((name, (filename, _open(part.path, request, handles), content_type)))
        return {"files": files}


class File(_Body):
    """The file's bytes, streamed with a Content-Length."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def prepare(self, flow: Flow, request: str, handles: list[IO[bytes]]) -> dict[str, Any]:
        return {"data": _open(self.path, request, handles)}


class Stream(_Body):
    """The file in `chunk_size` pieces: Transfer-Encoding: chunked."""

    def __init__(self, path: Path, chunk_size: int = 65536) -> None:
        self.path = path
        self.chunk_size = chunk_size

    def prepare(self, flow: Flow, request: str, handles: list[IO[bytes]]) -> dict[str, Any]:
        handle = _open(self.path, request, handles)

        def chunks() -> Iterator[bytes]:
            while chunk := handle.read(self.chunk_size):
                yield chunk

        return {"data": chunks()}


class Basic:
    def __init__(self, user: str | Sub, password: str | Sub) -> None:
        self.user = user
        self.password = password


class Digest(Basic):
    pass


# -- expects --------------------------------------------------------------------------------


class Expect:
    """`[requests.expect]`: status (one of), headers (value contained), json (dotted path ->
    equal value), body_contains, max_ms."""

    def __init__(
        self,
        *,
        status: list[int] | None = None,
        headers: list[tuple[str, Any]] | None = None,
        json: dict[str, Any] | None = None,
        body_contains: Any = None,
        max_ms: float | None = None,
    ) -> None:
        self.status = status or []
        self.headers = headers or []
        self.json = json or {}
        self.body_contains = body_contains
        self.max_ms = max_ms

    def needs_body(self) -> bool:
        return bool(self.json) or self.body_contains is not None


def _header_values(response: Any, name: str) -> list[str]:
    """Every value of a header, repeats kept (urllib3 keeps them apart; requests joins them)."""
    getlist = getattr(getattr(getattr(response, "raw", None), "headers", None), "getlist", None)
    if getlist is not None:
        return [str(value) for value in getlist(name)]
    value = response.headers.get(name)
    return [] if value is None else [value]


def _text(response: Any, encoding: str | None) -> str:
    """Decoded as reqbench does: the request's encoding, else the charset, else UTF-8."""
    chosen = encoding
    if chosen is None:
        content_type = response.headers.get("content-type") or ""
        match = re.search(r"charset=[\"']?([^\"';\s]+)", content_type, re.IGNORECASE)
        chosen = match.group(1) if match else "utf-8"
    try:
        return bytes(response.content or b"").decode(chosen, errors="replace")
    except LookupError:
        return bytes(response.content or b"").decode("utf-8", errors="replace")


def check(expect: Expect | None, response: Any, *, encoding: str | None = None, elapsed_ms: float = 0.0) -> list[str]:
    """The message of every failed check, in `reqbench run`'s order and words: status,
    headers, json, body, time. Expected values are already filled in (`Flow.fill`)."""
    if expect is None:
        return []
    messages: list[str] = []
    status = response.status_code
    if expect.status and status not in expect.status:
        text = str(expect.status[0]) if len(expect.status) == 1 else "one of " + ", ".join(map(str, expect.status))
        messages.append(f"status: expected {text}, got {status}")
    for name, wanted in expect.headers:
        values = _header_values(response, name)
        if not values:
            messages.append(f"header {name}: expected to contain {show(wanted)}, but the response has no such header")
        elif wanted not in ", ".join(values):
            messages.append(f"header {name}: expected to contain {show(wanted)}, got {show(', '.join(values))}")
    if expect.json:
        content = bytes(response.content or b"")
        try:
            document = json.loads(content)
        except (ValueError, UnicodeDecodeError) as error:
            preview = content[:60].decode("utf-8", errors="replace")
            messages.extend(
                f"json {path}: the response body is not JSON ({error}); it starts with {show(preview)}" for path in expect.json
            )
        else:
            for path, wanted in expect.json.items():
                try:
                    actual = lookup(document, path)
                except PathNotFound as error:
                    messages.append(f"json {path}: expected {show(wanted)}, but {error}")
                    continue
                if not same_value(wanted, actual):
                    messages.append(f"json {path}: expected {show(wanted)}, got {show(actual)}")
    if expect.body_contains is not None:
        text = _text(response, encoding)
        if expect.body_contains not in text:
            preview = text[:80] + ("..." if len(text) > 80 else "")
            messages.append(
                f"body: expected to contain {show(expect.body_contains)}, got {show(preview)} ({len(text)} characters)"
            )
    if expect.max_ms is not None and elapsed_ms > expect.max_ms:
        messages.append(f"time: expected at most {expect.max_ms:g} ms, took {elapsed_ms:.1f} ms")
    return messages


def _capture(spec: Mapping[str, str], response: Any) -> tuple[dict[str, str], list[str]]:
    """`[requests.capture]`: "json:PATH", "header:NAME" or "status", as `reqbench run` takes them."""
    values: dict[str, str] = {}
    problems: list[str] = []
    document: Any = MISSING
    for variable, source in spec.items():
        kind, _, argument = source.strip().partition(":")
        argument = argument.strip()
        if kind == "status":
            values[variable] = str(response.status_code)
        elif kind == "header":
            found = _header_values(response, argument)
            if found:
                values[variable] = found[0]
            else:
                problems.append(f"capture {variable}: the response has no header {argument!r}")
        else:
            if document is MISSING:
                try:
                    document = json.loads(bytes(response.content or b""))
                except (ValueError, UnicodeDecodeError) as error:
                    document = error
            if isinstance(document, (ValueError, UnicodeDecodeError)):
                problems.append(f"capture {variable}: the response body is not JSON ({document})")
                continue
            try:
                value = lookup(document, argument)
            except PathNotFound as error:
                problems.append(f"capture {variable} from {source!r}: {error}")
                continue
            values[variable] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return values, problems


# -- the flow -------------------------------------------------------------------------------


class Flow:
    """One iteration of the collection for one Locust user: sends the requests in order and
    keeps the values they capture for the requests after them."""

    def __init__(self, user: Any, values: Mapping[str, str] | None = None) -> None:
        self.user = user
        self.values: dict[str, str] = dict(values or {})
        self.secrets = Secrets()

    def fill(self, value: Any, request: str) -> Any:
        return fill(value, self.values, request, self.secrets)

    def _not_sent(self, method: str, name: str, url: Any, message: str) -> None:
        self.user.environment.events.request.fire(
            request_type=method,
            name=name,
            response_time=0,
            response_length=0,
            response=None,
            context={},
            exception=NotSent(self.secrets.mask(message)),
            start_time=time.time(),
            url=url if isinstance(url, str) else getattr(url, "template", ""),
        )

    def send(
        self,
        name: str,
        method: str,
        url: str | Sub,
        *,
        params: list[tuple[str | Sub, str | Sub]] | None = None,
        headers: list[tuple[str, str | Sub]] | None = None,
        auth: Basic | None = None,
        body: _Body | None = None,
        timeout: float = _DEFAULT_TIMEOUT,
        redirects: bool = True,
        verify: bool | str = True,
        encoding: str | None = None,
        download: int | None = None,
        expect: Expect | None = None,
        capture: dict[str, str] | None = None,
        needs: dict[str, str] | None = None,
    ) -> None:
        """Send one request (`name=` in Locust's statistics) and judge it like `reqbench run`.

        `needs`: captured variable -> the request capturing it; when one was not captured this
        time the request is not sent (a failure saying why). `download`: read the body in
        chunks of this size and discard it (its size is counted)."""
        capture = capture or {}
        missing = [f"{var!r} from {source!r}" for var, source in (needs or {}).items() if var not in self.values]
        if missing:
            self._forget(capture)
            self._not_sent(method, name, url, f"not sent: it needs {', '.join(missing)}, which was not captured")
            return
        handles: list[IO[bytes]] = []
        try:
            try:
                options = self._options(name, url, params, headers, auth, body, expect, handles)
            except NotSent as error:
                self._forget(capture)
                self._not_sent(method, name, url, str(error))
                return
            self._forget(capture)
            full_url, filled_expect = options.pop("url"), options.pop("expect")
            # A download is read in chunks and thrown away, unless an expect or a capture reads the body.
            needs_body = (filled_expect is not None and filled_expect.needs_body()) or any(
                source.strip().startswith("json") for source in capture.values()
            )
            stream = download is not None and not needs_body
            started = time.perf_counter()
            try:
                context = self.user.client.request(
                    method,
                    full_url,
                    name=name,
                    catch_response=True,
                    timeout=timeout,
                    allow_redirects=redirects,
                    verify=verify,
                    stream=stream,
                    **options,
                )
            except ValueError as error:  # requests' InvalidURL, MissingSchema, InvalidHeader...
                self._not_sent(method, name, url, f"request {name!r}: {type(error).__name__}: {error}")
                return
            with context as response:
                self._judge(response, started, download, stream, encoding, filled_expect, capture)
        finally:
            for handle in handles:
                handle.close()

    def _forget(self, capture: Mapping[str, str]) -> None:
        # A request that captures a name replaces its value; when it does not get one, the
        # requests after it that need the name are not sent (as `reqbench run` skips them).
        for variable in capture:
            self.values.pop(variable, None)

    def _options(
        self,
        name: str,
        url: str | Sub,
        params: list[tuple[str | Sub, str | Sub]] | None,
        headers: list[tuple[str, str | Sub]] | None,
        auth: Basic | None,
        body: _Body | None,
        expect: Expect | None,
        handles: list[IO[bytes]],
    ) -> dict[str, Any]:
        options: dict[str, Any] = {"url": self.fill(url, name)}
        if params:
            options["params"] = [tuple(self.fill(list(row), name)) for row in params]
        if headers:
            filled = {header: self.fill(value, name) for header, value in headers}
            for header, value in filled.items():
                if Secrets.is_secret_name(header):
                    self.secrets.add(value)
            options["headers"] = filled
        if auth is not None:
            user, password = self.fill(auth.user, name), self.fill(auth.password, name)
            self.secrets.add(password)
            options["auth"] = (user, password) if not isinstance(auth, Digest) else _digest(user, password)
        if body is not None:
            options.update(body.prepare(self, name, handles))
        options["expect"] = None if expect is None else Expect(
            status=expect.status,
            headers=self.fill(expect.headers, name),
            json=self.fill(expect.json, name),
            body_contains=self.fill(expect.body_contains, name),
            max_ms=expect.max_ms,
        )
        return options

    def _judge(
        self,
        response: Any,
        started: float,
        download: int | None,
        stream: bool,
        encoding: str | None,
        expect: Expect | None,
        capture: Mapping[str, str],
    ) -> None:
        error = getattr(response, "error", None)
        if error is not None:  # not completed (refused, timeout, TLS): Locust's failure, masked
            response.failure(self.secrets.mask(f"{type(error).__name__}: {error}"))
            return
        if download is not None:
            size = 0
            if stream:
                for chunk in response.iter_content(download):
                    size += len(chunk)
            else:
                size = len(response.content or b"")
            response.request_meta["response_length"] = size
            response.request_meta["response_time"] = (time.perf_counter() - started) * 1000
        elapsed_ms = float(response.request_meta["response_time"])
        messages = check(expect, response, encoding=encoding, elapsed_ms=elapsed_ms)
        values, problems = _capture(capture, response)
        for variable, value in values.items():
            if Secrets.is_secret_name(variable):
                self.secrets.add(value)
        self.values.update(values)
        messages += problems
        if messages:
            response.failure(self.secrets.mask("; ".join(messages)))
        else:
            response.success()


def _digest(user: str, password: str) -> Any:
    # requests is the HTTP client under Locust's HttpUser (installed with Locust).
    from requests.auth import HTTPDigestAuth

    return HTTPDigestAuth(user, password)
