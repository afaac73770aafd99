"""Write a collection as a Locust test (a locustfile). Headless; Locust is never imported here.

One module on purpose: it generates one file, and its parts (header, user class, one call per
request) are pieces of the same template.

    to_locust(collection, *, names=None, env=None, variables=None) -> str

The file holds one `HttpUser` whose single task runs the selected requests in collection
order (or in the order of `names`), as one flow per iteration, then the helpers of
`locust_runtime` (standard library only), so it runs wherever Locust is installed:

- each request keeps its name in Locust's statistics (`name=`); its method, params, headers,
  body (every kind; files are read from the collection's folder when sent), auth, timeout,
  redirects and TLS verification are the collection's, defaults merged;
- when requests start with `{{base}}`, `base` becomes the user's `host` (so `--host` moves the
  whole test) and every `{{base}}` is filled from it; other URLs stay absolute;
- variables of the collection, of `env` and `variables` (`--var`) are written in; values
  captured by a request (`[requests.capture]`) and `{{env:NAME}}` are filled in when the
  request is sent (`Sub("...")`), the environment read then, never written into the file;
- expects become `catch_response` failures worded as `reqbench run` words them; a request
  needing a value that was not captured is a failure saying so, not sent;
- a download is read in chunks and discarded (its size is counted), never written.

Anything that cannot be expressed raises `ExportError`, one message per request, naming it:
HTTP/2 (Locust's client speaks HTTP/1.1), captured or environment values in file paths, a
repeated header name, a multipart content_type without a Content-Type header of its own.
Bad collections fail as `reqbench run` would (unknown variables, paths leaving the folder,
invalid JSON or base64 bodies, bad capture sources). Same input, same bytes.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.collection import variables as variables_module
from tui.core.collection.model import DEFAULT_TIMEOUT, Auth, Collection, Request
from tui.core.engine.bodies import DEFAULT_CONTENT_TYPES
from tui.core.engine.build import build_url
from tui.core.errors import BodyError, ExportError, InvalidURL, PathError, VariableError
from tui.core.formats import locust_runtime
from tui.core.replay import expect as expect_module
from tui.core.replay.capture import parse_source

__all__ = ["render_collection", "to_locust"]

_INDENT = " " * 12  # keyword arguments of a `flow.send(...)` call inside the task


class _AnyEnviron(Mapping[str, str]):
    """Every environment variable "set" (to "0"): `{{env:NAME}}` is read when the test runs,
    so it must not fail (nor be read) while exporting."""

    def __getitem__(self, key: str) -> str:
        return "0"

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


@dataclass(frozen=True, slots=True)
class _Sub:
    """A string filled in at run time; rendered as `Sub('...')`."""

    template: str


@dataclass(slots=True)
class _Code:
    """Python source text standing for itself in `_py` (e.g. `COLLECTION_DIR / 'a.txt'`)."""

    text: str


def _py(value: Any) -> str:
    """`value` as a Python literal (stable: dict order kept, strings by `repr`)."""
    if isinstance(value, _Code):
        return value.text
    if isinstance(value, _Sub):
        return f"Sub({value.template!r})"
    if isinstance(value, (str, bool, int, float)) or value is None:
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(_py(item) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_py(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py(key)}: {_py(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as a Python literal")  # pragma: no cover - model types only


@dataclass(slots=True)
class _Fields:
    """Substitution for one request: static variables written in, runtime ones kept as `Sub`."""

    request: str
    static: Mapping[str, str]
    runtime: frozenset[str]  # captured earlier (and `base` when it is the host)
    used: set[str] = field(default_factory=set)  # runtime names this request uses
    environ: set[str] = field(default_factory=set)  # {{env:NAME}} names it reads
    problems: list[str] = field(default_factory=list)

    def __call__(self, text: str, where: str) -> str | _Sub:
        if "{{" not in text:
            return text
        spans = variables_module.find_spans(text)
        literal: list[str] = []  # what the text is when nothing is left for run time
        template: list[str] = []  # the same with runtime references kept, as reqbench syntax
        expected: list[str] = []  # the template's expansion with markers for runtime values
        markers: dict[str, str] = {}
        position = 0
        for span in spans:
            segment = text[position : span.start]
            literal.append(segment.replace("{{{{", "{{"))
            template.append(segment)
            expected.append(segment.replace("{{{{", "{{"))
            name = span.name
            if name.startswith("env:") or name in self.runtime:
                reference = "{{" + name + "}}"
                template.append(reference)
                marker = markers.setdefault(name, f"\ue000{len(markers)}\ue001")
                expected.append(marker)
                if name.startswith("env:"):
                    self.environ.add(name[4:])
                else:
                    self.used.add(name)
            else:
                value = self.static.get(name)
                if value is None:  # resolve() reported it already; keep going for the rest
                    value = ""
                literal.append(value)
                template.append(value.replace("{{", "{{{{"))
                expected.append(value)
            position = span.end
        tail = text[position:]
        literal.append(tail.replace("{{{{", "{{"))
        template.append(tail)
        expected.append(tail.replace("{{{{", "{{"))
        if not markers:
            return "".join(literal)
        result = "".join(template)
        # A value written in next to a brace of the text could form a new {{...}}: check that
        # the template gives back exactly the text, runtime values aside.
        if not any(name.startswith("env:") for name in markers):
            filled = locust_runtime.fill(locust_runtime.Sub(result), markers, self.request)
            if filled != "".join(expected):
                self.problems.append(f"request {self.request!r}, {where}: cannot be written as a Locust template: {text!r}")
        return _Sub(result)

    def deep(self, value: Any, where: str) -> Any:
        """Strings inside an expected value (lists and tables too)."""
        if isinstance(value, str):
            return self(value, where)
        if isinstance(value, list):
            return [self.deep(item, f"{where}.{i}") for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: self.deep(item, f"{where}.{key}") for key, item in value.items()}
        return value

    def static_only(self, text: str, where: str) -> str:
        value = self(text, where)
        if isinstance(value, _Sub):
            self.problems.append(
                f"request {self.request!r}, {where}: {text!r} uses a captured or environment value,"
                " which Locust's client cannot take there"
            )
            return text
        return value


def _prefixed(prefix: str, value: str | _Sub) -> str | _Sub:
    if isinstance(value, _Sub):
        return _Sub(prefix.replace("{{", "{{{{") + value.template)
    return prefix + value


def _comment(text: str) -> str:
    """`text` fit for a comment or the docstring: one line, no escape or closing quotes."""
    line = "".join(ch if ch.isprintable() else " " for ch in text)
    return line.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _starts_with_base(url: str) -> bool:
    spans = variables_module.find_spans(url)
    return bool(spans) and spans[0].start == 0 and spans[0].name == "base"


class _Exporter:
    def __init__(self, collection: Collection, env: str | None, overrides: Mapping[str, str]) -> None:
        self.collection = collection
        self.env = env
        self.overrides = dict(overrides)
        self.static = variables_module.scope(collection, environment=env, overrides=self.overrides)
        self.folder = Path(os.path.realpath(collection.folder))
        self.problems: list[str] = []
        self.first_request: str | None = None
        self.environ: set[str] = set()
        self.insecure = False

    def fail(self, request: Request, message: str) -> None:
        if self.first_request is None:
            self.first_request = request.name
        self.problems.append(message if request.name in message else f"request {request.name!r}: {message}")

    # -- checks reqbench run makes before sending, with run-time values standing in ----------

    def validate(self, request: Request, captured_before: Mapping[str, str]) -> None:
        placeholders = {name: "0" for name in captured_before}
        for variable, source in request.capture.items():
            try:
                parse_source(source)
            except ValueError as error:
                self.fail(request, f"request {request.name!r}: capture {variable}: {error}")
        try:
            variables_module.resolve(
                self.collection,
                request,
                environment=self.env,
                overrides=self.overrides,
                captured=placeholders,
                environ=_AnyEnviron(),
            )
        except (VariableError, PathError, BodyError) as error:
            self.fail(request, str(error))
        http2 = self.collection.defaults.http2 if request.http2 is None else request.http2
        if http2:
            self.fail(request, f"request {request.name!r}: http2 = true cannot be expressed: Locust's HttpUser speaks HTTP/1.1")

    # -- one request as a `flow.send(...)` call ------------------------------------------------

    def path(self, fields: _Fields, raw: str, where: str) -> _Code:
        text = fields.static_only(raw, where)
        resolved = Path(os.path.realpath(self.folder / Path(text).expanduser()))
        if resolved == self.folder or resolved.is_relative_to(self.folder):
            relative = resolved.relative_to(self.folder).as_posix()
            return _Code(f"COLLECTION_DIR / {relative!r}")
        return _Code(f"Path({str(resolved)!r})")  # allowed by the caller's --allow-path only

    def body(self, request: Request, fields: _Fields) -> _Code | None:
        body = request.body
        if body is None:
            return None
        where = f"body.{body.kind}"
        if body.kind in ("text", "json", "base64"):
            cls = {"text": "Text", "json": "Json", "base64": "Base64"}[body.kind]
            return _Code(f"{cls}({_py(fields(body.text, where))})")
        if body.kind == "form":
            rows = [(fields(p.name, f"{where}[{i}]"), fields(p.value, f"{where}.{p.name}")) for i, p in enumerate(body.form) if p.enabled]
            return _Code(f"Form({_py(rows)})")
        if body.kind in ("file", "stream"):
            path = self.path(fields, body.text, where)
            if body.kind == "file":
                return _Code(f"File({path.text})")
            chunk = f", chunk_size={body.chunk_size}" if body.chunk_size else ""
            return _Code(f"Stream({path.text}{chunk})")
        parts: list[tuple[str | _Sub, Any]] = []
        for i, part in enumerate(body.parts):
            name = fields(part.name, f"{where}[{i}].name")
            if part.file is None:
                parts.append((name, fields(part.value or "", f"{where}[{i}].value")))
                continue
            args = [self.path(fields, part.file, f"{where}[{i}].file").text]
            if part.filename is not None:
                args.append(f"filename={_py(fields(part.filename, f'{where}[{i}].filename'))}")
            if part.content_type:
                args.append(f"content_type={part.content_type!r}")
            parts.append((name, _Code(f"FilePart({', '.join(args)})")))
        return _Code(f"Multipart({_py(parts)})")

    def headers(self, request: Request, fields: _Fields) -> list[tuple[str, str | _Sub]]:
        own = [p for p in request.headers if p.enabled]
        own_names = {p.name.lower() for p in own}
        inherited = [p for p in self.collection.defaults.headers if p.enabled and p.name.lower() not in own_names]
        rows: list[tuple[str, str | _Sub]] = []
        for i, pair in enumerate([*inherited, *own]):
            name = fields.static_only(pair.name, f"headers[{i}]")
            rows.append((name, fields(pair.value, f"headers.{pair.name}")))
        seen: set[str] = set()
        for name, _ in rows:
            if name.lower() in seen:
                self.fail(request, f"request {request.name!r}: the header {name} is given twice; Locust's client sends one value per name")
            seen.add(name.lower())
        auth = request.auth if request.auth is not None else self.collection.defaults.auth
        if auth is not None and auth.kind == "bearer" and "authorization" not in seen:
            rows.append(("Authorization", _prefixed("Bearer ", fields(auth.token, "auth.token"))))
        body = request.body
        if body is not None and "content-type" not in seen:
            if body.kind == "multipart":
                if body.content_type:
                    self.fail(
                        request,
                        f"request {request.name!r}: a multipart body's content_type ({body.content_type!r}) cannot be"
                        " expressed with Locust's client (its boundary is generated); set a Content-Type header instead",
                    )
            else:
                rows.append(("Content-Type", body.content_type or DEFAULT_CONTENT_TYPES[body.kind]))
        return rows

    def auth(self, auth: Auth | None, fields: _Fields) -> _Code | None:
        if auth is None or auth.kind == "bearer":
            return None
        cls = "Digest" if auth.kind == "digest" else "Basic"
        return _Code(f"{cls}({_py(fields(auth.user, 'auth.user'))}, {_py(fields(auth.password, 'auth.password'))})")

    def expect(self, request: Request, fields: _Fields) -> _Code | None:
        expect = request.expect
        if expect is None or expect.is_empty():
            return None
        args: list[str] = []
        if expect.status:
            args.append(f"status={_py(list(expect.status))}")
        headers = [(p.name, fields(p.value, f"expect.headers.{p.name}")) for p in expect.headers if p.enabled]
        if headers:
            args.append(f"headers={_py(headers)}")
        if expect.json:
            args.append(f"json={_py({path: fields.deep(v, f'expect.json.{path}') for path, v in expect.json.items()})}")
        if expect.body_contains is not None:
            args.append(f"body_contains={_py(fields(expect.body_contains, 'expect.body_contains'))}")
        if expect.max_ms is not None:
            args.append(f"max_ms={expect.max_ms!r}")
        return _Code(f"Expect({', '.join(args)})")

    def send(self, index: int, request: Request, captured_before: Mapping[str, str], host_mode: bool) -> str:
        runtime = set(captured_before) | ({"base"} if host_mode else set())
        fields = _Fields(request.name, self.static, frozenset(runtime))
        defaults = self.collection.defaults
        prefix = ""
        if host_mode and "base" not in captured_before and _starts_with_base(request.url):
            rest = request.url[variables_module.find_spans(request.url)[0].end :]
            url: str | _Sub = fields(rest, "url")
            prefix = self.static["base"]
        else:
            url = fields(request.url, "url")
        if not isinstance(url, _Sub):
            try:
                build_url(prefix + url)
            except InvalidURL as error:
                self.fail(request, f"request {request.name!r}: {error}")
        kwargs: list[tuple[str, str]] = []
        params = [(fields(p.name, f"params[{i}]"), fields(p.value, f"params.{p.name}")) for i, p in enumerate(request.params) if p.enabled]
        if params:
            kwargs.append(("params", _py(params)))
        headers = self.headers(request, fields)
        if headers:
            kwargs.append(("headers", _py(headers)))
        auth = self.auth(request.auth if request.auth is not None else defaults.auth, fields)
        if auth is not None:
            kwargs.append(("auth", auth.text))
        body = self.body(request, fields)
        if body is not None:
            kwargs.append(("body", body.text))
        timeout = defaults.timeout if request.timeout is None else request.timeout
        if timeout != DEFAULT_TIMEOUT:
            kwargs.append(("timeout", repr(float(timeout))))
        redirects = defaults.follow_redirects if request.follow_redirects is None else request.follow_redirects
        if not redirects:
            kwargs.append(("redirects", "False"))
        verify = defaults.verify if request.verify is None else request.verify
        if verify is False:
            self.insecure = True
            kwargs.append(("verify", "False"))
        elif isinstance(verify, str):
            kwargs.append(("verify", f"str({self.path(fields, verify, 'verify').text})"))
        if request.encoding:
            kwargs.append(("encoding", repr(request.encoding)))
        if request.download is not None:
            kwargs.append(("download", repr(request.download.chunk_size)))
        expect = self.expect(request, fields)
        if expect is not None:
            kwargs.append(("expect", expect.text))
        if request.capture:
            kwargs.append(("capture", _py(dict(request.capture))))
        needs = {name: captured_before[name] for name in sorted(fields.used) if name in captured_before}
        if needs:
            kwargs.append(("needs", _py(needs)))
        for problem in fields.problems:
            self.fail(request, problem)
        self.environ |= fields.environ
        lines = [f"        # {index}. {_comment(request.name)}", "        flow.send("]
        lines += [f"{_INDENT}{_py(request.name)},", f"{_INDENT}{request.method.upper()!r},", f"{_INDENT}{_py(url)},"]
        lines += [f"{_INDENT}{key}={value}," for key, value in kwargs]
        lines.append("        )")
        return "\n".join(lines)


def _selected(collection: Collection, names: Sequence[str] | None) -> tuple[list[Request], list[str]]:
    if not names:
        return list(collection.requests), []
    chosen: list[Request] = []
    problems: list[str] = []
    known = ", ".join(repr(r.name) for r in collection.requests) or "none"
    for name in names:
        try:
            chosen.append(collection.request(name))
        except KeyError:
            problems.append(f"no request named {name!r} in the collection (requests: {known})")
    return chosen, problems


def _runtime_source() -> tuple[str, str]:
    """The standard-library imports and the body of `locust_runtime`, with the expect helpers
    it imports replaced by their own source."""
    source = inspect.getsource(locust_runtime)
    imports = source.split("# [imports]\n", 1)[1].split("# [expect helpers]\n", 1)[0]
    body = source.split("# [body]\n", 1)[1]
    body = body.split("]\n", 1)[1] if body.startswith("__all__") else body  # the module's own surface
    helpers = [
        inspect.getsource(expect_module._Missing),
        "MISSING: Any = _Missing()\n",
        inspect.getsource(expect_module.PathNotFound),
        inspect.getsource(expect_module.show),
        inspect.getsource(expect_module._describe),
        inspect.getsource(expect_module.lookup),
        inspect.getsource(expect_module.same_value),
    ]
    return imports.strip() + "\n", "\n\n\n".join(h.rstrip("\n") for h in helpers) + "\n\n\n" + body.lstrip("\n")


def to_locust(
    collection: Collection,
    *,
    names: Sequence[str] | None = None,
    env: str | None = None,
    variables: Mapping[str, str] | None = None,
) -> str:
    """The locustfile for `collection` (see the module docstring); raises `ExportError`."""
    if env is not None and env not in collection.environments:
        known = ", ".join(map(repr, collection.environments)) or "none"
        raise ExportError(f"no environment named {env!r} in the collection (environments: {known})", fmt="locust")
    exporter = _Exporter(collection, env, variables or {})
    requests, name_problems = _selected(collection, names)
    exporter.problems.extend(name_problems)
    base = exporter.static.get("base")
    host_mode = base is not None and "{{" not in base and any(_starts_with_base(r.url) for r in requests)
    blocks: list[str] = []
    captured_before: dict[str, str] = {}  # variable -> the latest request before that captures it
    for index, request in enumerate(requests, start=1):
        exporter.validate(request, captured_before)
        blocks.append(exporter.send(index, request, captured_before, host_mode))
        for variable in request.capture:
            captured_before[variable] = request.name
    if exporter.problems:
        raise ExportError("\n".join(exporter.problems), request=exporter.first_request or "", fmt="locust")
    return _render(collection, exporter, blocks, base if host_mode else None)


def _render(collection: Collection, exporter: _Exporter, blocks: list[str], host: str | None) -> str:
    imports, runtime = _runtime_source()
    source = _comment(collection.path.name) if collection.path is not None else "a collection"
    title = f"{_comment(repr(collection.name))} ({source})" if collection.name else source
    doc = [
        f'"""Locust load test of {title}, written by `reqbench export locust`.',
        "",
        "One user runs the requests below in order, one flow per iteration; values captured by a",
        "request are used by the requests after it in the same iteration; a failed expect is a",
        "Locust failure worded as `reqbench run` words it. Regenerate rather than edit.",
        "",
        "    locust -f locustfile.py --headless -u 10 -r 10 --run-time 1m",
        "    locust -f locustfile.py --master --headless -u 100 -r 10 --run-time 5m --expect-workers 2",
        "    locust -f locustfile.py --worker --master-host MASTER_HOST      # on each worker machine",
        "",
    ]
    if host is not None:
        doc.append(f"Requests go to {_comment(host)} (the collection's base); --host sends them elsewhere.")
    doc.append("Files are read from COLLECTION_DIR (or $REQBENCH_COLLECTION_DIR on other machines).")
    if exporter.environ:
        doc.append("Read from the environment when sent: " + ", ".join(sorted(exporter.environ)) + ".")
    doc.append('"""')
    header = "\n".join(doc) + "\n\n"
    extra_imports = "import warnings\n" if exporter.insecure else ""
    if extra_imports:
        imports = imports.replace("import time\n", "import time\n" + extra_imports)
    lines = [
        header + imports,
        "from locust import HttpUser, constant, task",
        "",
        f"COLLECTION_DIR = Path(os.environ.get('REQBENCH_COLLECTION_DIR') or {str(exporter.folder)!r})",
    ]
    if exporter.insecure:
        lines += ["# verify = false: urllib3 would warn on every request", 'warnings.filterwarnings("ignore", message="Unverified HTTPS request")']
    lines += [
        "",
        "",
        "class CollectionUser(HttpUser):",
        f"    host = {host!r}" if host is not None else '    host = ""  # every URL below is absolute',
        "    wait_time = constant(0)  # one flow after the other, as `reqbench run --repeat`",
        "",
        "    @task",
        "    def flow(self) -> None:",
        f"        flow = Flow(self{', {' + repr('base') + ': self.host}' if host is not None else ''})",
    ]
    if blocks:
        lines.append("\n\n".join(blocks))
    else:
        lines.append("        pass  # no request selected")
    lines += ["", "", "# --- helpers written by reqbench (standard library only) " + "-" * 32, "", "", runtime.rstrip("\n"), ""]
    return "\n".join(lines)


def render_collection(
    collection: Collection,
    names: Sequence[str],
    *,
    environment: str | None,
    overrides: Mapping[str, str],
    options: Mapping[str, object],
) -> str:
    """The exporters registry's entry point (`reqbench export locust`)."""
    return to_locust(collection, names=names or None, env=environment, variables=overrides)
