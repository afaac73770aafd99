"""`{{name}}` / `{{env:NAME}}` substitution and request resolution.

Public surface (others code against it):

    find_variables(text) -> list[str]             # names used in a string ("env:X" for env refs), for UI marking
    find_spans(text) -> list[Span]                # the same with positions (start, end, name)
    scope(collection, *, environment=None, overrides={}, captured={}) -> dict[str, str]
        precedence: captured > overrides (--var) > environment > [variables]
    substitute(text, scope, *, request, field) -> str     # raises VariableError(request, field, variable)
    escape(text) -> str                           # text that substitutes back to exactly `text` (e.g. imports)
    resolve(collection, request, *, environment=None, overrides={}, captured={},
            allowed_paths=(), check_paths=True, ca_bundles=None) -> ResolvedRequest
        merges [defaults]; substitutes every field (url, params, headers, auth, body text/form/parts,
        download path); makes paths absolute against collection.folder and raises PathError when one
        leaves that folder (unless inside one of allowed_paths); JSON bodies are validated (BodyError).
        Raises before anything is sent.
    unresolved(collection, request, **same) -> list[VariableError]   # all problems, for UI flagging
    env_names(collection) -> list[str]            # every NAME a collection reads with {{env:NAME}}
    EnvAccess(environ, allowed=None)              # the environment as substitution sees it: refuses
                                                  # names not in `allowed` (None: any), records values

Environment allow-list: `resolve(..., allowed_env=NAMES)` lets `{{env:NAME}}` read only those
names; any other is a `VariableError` (request, field, variable "env:NAME") raised before
anything is sent. `allowed_env=None` (the default) reads any variable: the workbench asks the
user once per collection (`env_names` lists what to ask about) and then passes the answer.
Every value read from the environment is recorded in `ResolvedRequest.env_values`, so whatever
prints or stores a request can mask it, and the engine does not forward it to another origin.

Syntax: `{{name}}` (spaces inside the braces are fine: `{{ name }}`), `{{env:NAME}}` reads the
process environment, `{{{{` writes a literal `{{`. Anything else is left as typed. Substitution
is one pass: a value that itself holds `{{...}}` is inserted as is, never expanded again (so a
captured response value can never inject variables).

One module (~475 lines) on purpose: the substitution rules and the resolver that applies them
to every field of a request (with the field names its errors use) are read together.

Field names in errors: "url", "params.NAME" / "params[i]" (a row's value / name), "headers.NAME",
"auth.password", "body.text", "body.json", "body.form.NAME", "body.multipart[i].value",
"body.file", "download.path", "verify"; the same under "defaults." for [defaults].

Paths: body files, stream files, multipart files and download targets are made absolute
against `collection.folder`, symlinks and `..` resolved; one that ends up outside the folder
is refused (`PathError`) unless it lies inside one of `allowed_paths`. Files that are read
must exist. A CA bundle (`verify = "path"`) is only ever read, never sent or written, so it may
live anywhere (e.g. the system's bundle); it is resolved against the folder too and must exist.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import errno
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tui.core.errors import BodyError, PathError, VariableError
from tui.core.collection.model import DEFAULT_CHUNK_SIZE, Auth, Body, Collection, Pair, Request
from tui.core.engine.resolved import ResolvedBody, ResolvedDownload, ResolvedPart, ResolvedRequest

__all__ = [
    "EnvAccess",
    "EnvNotAllowed",
    "Span",
    "env_names",
    "escape",
    "find_spans",
    "find_variables",
    "resolve",
    "scope",
    "substitute",
    "unresolved",
]

_TOKEN = re.compile(r"\{\{\{\{|\{\{[ \t]*(env:[ \t]*)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*\}\}")
_NO_ENVIRON: Mapping[str, str] = {}
_NAME_MAX = 255  # bytes in one file or folder name on Linux, macOS and Windows file systems


@dataclass(frozen=True, slots=True)
class Span:
    """One `{{...}}` in a string: `text[start:end]`; `name` is "env:X" for an environment reference."""

    start: int
    end: int
    name: str


def find_spans(text: str) -> list[Span]:
    """Every variable reference in `text`, in order (escapes `{{{{` are skipped)."""
    spans: list[Span] = []
    for match in _TOKEN.finditer(text):
        if match.group(2) is None:
            continue
        name = ("env:" if match.group(1) else "") + match.group(2)
        spans.append(Span(match.start(), match.end(), name))
    return spans


def find_variables(text: str) -> list[str]:
    """The names used in `text`, each once, in order of first use ("env:X" for env refs)."""
    return list(dict.fromkeys(span.name for span in find_spans(text)))


def scope(
    collection: Collection,
    *,
    environment: str | None = None,
    overrides: Mapping[str, str] = _NO_ENVIRON,
    captured: Mapping[str, str] = _NO_ENVIRON,
) -> dict[str, str]:
    """The variables a request sees: captured > overrides > environment > [variables].

    An unknown environment name is a `VariableError` listing the known ones.
    """
    values = dict(collection.variables)
    if environment is not None:
        if environment not in collection.environments:
            known = ", ".join(sorted(collection.environments)) or "none defined"
            raise VariableError(
                f"unknown environment {environment!r} (known: {known})",
                request="",
                field="environment",
                variable=environment,
            )
        values.update(collection.environments[environment])
    values.update(overrides)
    values.update(captured)
    return values


class EnvNotAllowed(Exception):
    """Raised by `EnvAccess` for a name outside the allow-list (turned into a VariableError)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class EnvAccess(Mapping[str, str]):
    """`environ` restricted to `allowed` names (None: every name); remembers each value read."""

    def __init__(self, environ: Mapping[str, str], allowed: Iterable[str] | None = None) -> None:
        self.environ = environ
        self.allowed = None if allowed is None else frozenset(allowed)
        self.read: set[str] = set()  # every value read, for masking

    def __getitem__(self, name: str) -> str:
        if self.allowed is not None and name not in self.allowed:
            raise EnvNotAllowed(name)
        value = self.environ[name]
        if value:
            self.read.add(value)
        return value

    def __iter__(self) -> Iterator[str]:
        return (name for name in self.environ if self.allowed is None or name in self.allowed)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _refused(name: str, request: str, field: str) -> VariableError:
    where = f"request {request!r}, {field}" if request else field
    variable = name[4:] if name.startswith("env:") else name
    return VariableError(
        f"{where}: the collection may not read the environment variable {variable} ({{{{{name}}}}});"
        f" list it in [env] allow = [...] or pass --allow-env {variable}",
        request=request,
        field=field,
        variable=name,
    )


def env_names(collection: Collection) -> list[str]:
    """Every NAME that `{{env:NAME}}` reads anywhere in `collection`, once each, in order."""
    found: dict[str, None] = {}

    def walk(value: object) -> None:
        if isinstance(value, str):
            if "{{" in value:
                found.update((name[4:], None) for name in find_variables(value) if name.startswith("env:"))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in ("comment", "path"):
                    walk(key)
                    walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(dataclasses.asdict(collection))
    return list(found)


def _missing(name: str, request: str, field: str) -> VariableError:
    where = f"request {request!r}, {field}" if request else field
    if name.startswith("env:"):
        variable = name[4:]
        message = f"{where}: the environment variable {variable} is not set ({{{{{name}}}}})"
    else:
        message = f"{where}: unknown variable {{{{{name}}}}}"
    return VariableError(message, request=request, field=field, variable=name)


def _substitute(
    text: str,
    values: Mapping[str, str],
    environ: Mapping[str, str],
    on_missing: Callable[[str], None],
    on_refused: Callable[[str], None] | None = None,
) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        if name is None:
            return "{{"
        if match.group(1):
            key = "env:" + name
            try:
                value = environ.get(name)
            except EnvNotAllowed:
                if on_refused is None:
                    raise
                on_refused(key)
                return match.group(0)
        else:
            value = values.get(name)
            key = name
        if value is None:
            on_missing(key)
            return match.group(0)
        return value

    if "{{" not in text:
        return text
    return _TOKEN.sub(replace, text)


def substitute(
    text: str,
    scope: Mapping[str, str],
    *,
    request: str,
    field: str,
    environ: Mapping[str, str] | None = None,
) -> str:
    """`text` with every `{{name}}`/`{{env:NAME}}` replaced; `{{{{` becomes `{{`.

    Raises `VariableError(request, field, variable)` for the first unknown one. `environ`
    defaults to `os.environ`.
    """

    def fail(name: str) -> None:
        raise _missing(name, request, field)

    def refuse(name: str) -> None:
        raise _refused(name, request, field)

    return _substitute(text, scope, os.environ if environ is None else environ, fail, refuse)


def escape(text: str) -> str:
    """`text` written so that substitution gives it back unchanged: every `{{` doubled."""
    return text.replace("{{", "{{{{") if "{{" in text else text


# -- resolution ---------------------------------------------------------------------------


class _Resolver:
    """Substitutes and checks one request; raises at the first problem or collects them."""

    def __init__(
        self,
        collection: Collection,
        request: Request,
        values: Mapping[str, str],
        environ: Mapping[str, str],
        *,
        collect: bool,
        allowed_paths: Iterable[Path | str],
        check_paths: bool,
        ca_bundles: dict[tuple[Path | None, bool, str], Path] | None = None,
    ) -> None:
        self.collection = collection
        self.request = request
        self.values = values
        self.environ = environ
        self.collect = collect
        self.problems: list[VariableError] = []
        self._allowed_paths = allowed_paths
        self.check_paths = check_paths and not collect
        self.ca_bundles = ca_bundles

    # The folder and the allowed paths only matter for requests with file paths: resolve them
    # (os.path.realpath, a few syscalls each) the first time one is checked.
    @cached_property
    def folder(self) -> Path:
        return Path(os.path.realpath(self.collection.folder))

    @cached_property
    def allowed(self) -> list[Path]:
        return [Path(os.path.realpath(Path(p).expanduser())) for p in self._allowed_paths]

    def text(self, text: str, field: str) -> str:
        if "{{" not in text:
            return text  # most fields hold no variable: no closure to build
        def missing(name: str) -> None:
            error = _missing(name, self.request.name, field)
            if not self.collect:
                raise error
            self.problems.append(error)

        def refused(name: str) -> None:
            error = _refused(name, self.request.name, field)
            if not self.collect:
                raise error
            self.problems.append(error)

        return _substitute(text, self.values, self.environ, missing, refused)

    def pairs(self, pairs: list[Pair], section: str) -> tuple[tuple[str, str], ...]:
        rows = []
        for index, pair in enumerate(pairs):
            if not pair.enabled:
                continue
            name = self.text(pair.name, f"{section}[{index}]")
            rows.append((name, self.text(pair.value, f"{section}.{pair.name}")))
        return tuple(rows)

    def auth(self, auth: Auth | None, section: str) -> Auth | None:
        if auth is None:
            return None
        return Auth(
            auth.kind,
            user=self.text(auth.user, f"{section}.user"),
            password=self.text(auth.password, f"{section}.password"),
            token=self.text(auth.token, f"{section}.token"),
        )

    def _describe(self, field: str, raw: str) -> str:
        return f"request {self.request.name!r}, {field}: {raw!r}"

    def path(self, raw: str, field: str, *, must_exist: bool) -> Path:
        """Absolute, symlinks resolved; refused when it leaves the folder (unless allowed)."""
        text = self.text(raw, field)
        if not text and not self.collect:
            raise PathError(f"{self._describe(field, raw)}: no path given", path=text)
        try:
            return self._checked_path(text, raw, field, must_exist=must_exist)
        except (OSError, ValueError) as error:  # a NUL, a name over 255 bytes (ENAMETOOLONG), ...
            if self.collect:
                return Path(text)
            reason = "a path cannot hold a NUL character" if "\x00" in text else getattr(error, "strerror", None) or str(error)
            raise PathError(f"{self._describe(field, raw)}: unusable path: {reason}", path=text) from None

    def _checked_path(self, text: str, raw: str, field: str, *, must_exist: bool) -> Path:
        path = Path(os.path.realpath(self.collection.folder / text))
        if any(len(os.fsencode(part)) > _NAME_MAX for part in path.parts):
            raise OSError(errno.ENAMETOOLONG, f"a file or folder name is longer than {_NAME_MAX} bytes")
        if not self.check_paths:
            return path
        inside = [self.folder, *self.allowed]
        if not any(path == root or path.is_relative_to(root) for root in inside):
            # `reqbench demo` has no --allow-path: moving the file in works everywhere
            hint = "; move it into that folder, or allow its folder with --allow-path (reqbench, reqbench run)" if not self.allowed else ""
            raise PathError(
                f"{self._describe(field, raw)}: {path} is outside the collection's folder {self.folder}{hint}",
                path=path,
            )
        if must_exist:
            if not path.exists():
                raise PathError(f"{self._describe(field, raw)}: no such file {path}", path=path)
            if not path.is_file():
                raise PathError(f"{self._describe(field, raw)}: {path} is not a regular file", path=path)
        return path

    def verify(self, verify: bool | str, field: str) -> bool | Path:
        if isinstance(verify, bool):
            return verify
        text = self.text(verify, field)
        key = (self.collection.path, self.check_paths, text)
        if self.ca_bundles is not None and key in self.ca_bundles:
            return self.ca_bundles[key]
        try:
            path = Path(os.path.realpath(self.collection.folder / Path(text).expanduser()))
            found = path.is_file()
        except (OSError, ValueError) as error:  # a NUL, a name over 255 bytes (ENAMETOOLONG), ...
            if not self.check_paths:
                return Path(text)
            reason = "a path cannot hold a NUL character" if "\x00" in text else getattr(error, "strerror", None) or str(error)
            raise PathError(f"{self._describe(field, verify)}: unusable CA bundle path: {reason}", path=text) from None
        if self.check_paths and not found:
            raise PathError(f"{self._describe(field, verify)}: CA bundle {path} not found", path=path)
        if self.ca_bundles is not None:
            self.ca_bundles[key] = path
        return path

    def body(self, body: Body | None) -> ResolvedBody | None:
        if body is None:
            return None
        field = f"body.{body.kind}"
        chunk_size = body.chunk_size or DEFAULT_CHUNK_SIZE
        if body.kind in ("file", "stream"):
            path = self.path(body.text, field, must_exist=True)
            return ResolvedBody(body.kind, path=path, chunk_size=chunk_size, content_type=body.content_type)
        if body.kind == "form":
            form = self.pairs(body.form, field)
            return ResolvedBody("form", form=form, chunk_size=chunk_size, content_type=body.content_type)
        if body.kind == "multipart":
            parts = []
            for index, part in enumerate(body.parts):
                where = f"{field}[{index}]"
                parts.append(
                    ResolvedPart(
                        name=self.text(part.name, f"{where}.name"),
                        value=None if part.value is None else self.text(part.value, f"{where}.value"),
                        file=None if part.file is None else self.path(part.file, f"{where}.file", must_exist=True),
                        filename=None if part.filename is None else self.text(part.filename, f"{where}.filename"),
                        content_type=part.content_type,
                    )
                )
            return ResolvedBody(
                "multipart", parts=tuple(parts), chunk_size=chunk_size, content_type=body.content_type
            )
        text = self.text(body.text, field)
        if not self.collect:
            text = self._validate(body.kind, text)
        return ResolvedBody(body.kind, text=text, chunk_size=chunk_size, content_type=body.content_type)

    def _validate(self, kind: str, text: str) -> str:
        name = self.request.name
        if kind == "json":
            try:
                json.loads(text)
            except json.JSONDecodeError as error:
                raise BodyError(
                    f"request {name!r}, body.json is not valid JSON: {error.msg}"
                    f" at line {error.lineno}, column {error.colno}"
                ) from None
            except ValueError as error:  # e.g. an integer over sys.get_int_max_str_digits() digits
                raise BodyError(f"request {name!r}, body.json cannot be read: {error}") from None
            except RecursionError:
                raise BodyError(f"request {name!r}, body.json is nested too deeply") from None
        elif kind == "base64":
            compact = "".join(text.split())
            try:
                base64.b64decode(compact, validate=True)
            except (binascii.Error, ValueError) as error:
                raise BodyError(f"request {name!r}, body.base64 is not valid base64: {error}") from None
            return compact
        return text

    def resolve(self) -> ResolvedRequest:
        request, defaults = self.request, self.collection.defaults
        url = self.text(request.url, "url")
        params = self.pairs(request.params, "params")
        own = self.pairs(request.headers, "headers")
        own_names = {name.lower() for name, _ in own}
        inherited = tuple(
            (name, value)
            for name, value in self.pairs(defaults.headers, "defaults.headers")
            if name.lower() not in own_names
        )
        if request.auth is not None:
            auth = self.auth(request.auth, "auth")
        else:
            auth = self.auth(defaults.auth, "defaults.auth")
        body = self.body(request.body)
        download = None
        if request.download is not None:
            download = ResolvedDownload(
                path=self.path(request.download.path, "download.path", must_exist=False),
                chunk_size=request.download.chunk_size,
                overwrite=request.download.overwrite,
            )
        if request.verify is not None:
            verify = self.verify(request.verify, "verify")
        else:
            verify = self.verify(defaults.verify, "defaults.verify")
        return ResolvedRequest(
            name=request.name,
            method=request.method.upper(),
            url=url,
            params=params,
            headers=inherited + own,
            auth=auth,
            body=body,
            download=download,
            encoding=request.encoding,
            timeout=defaults.timeout if request.timeout is None else request.timeout,
            follow_redirects=defaults.follow_redirects if request.follow_redirects is None else request.follow_redirects,
            verify=verify,
            http2=defaults.http2 if request.http2 is None else request.http2,
            cookies=defaults.cookies if request.cookies is None else request.cookies,
            env_values=frozenset(self.environ.read) if isinstance(self.environ, EnvAccess) else frozenset(),
            forward_secrets=defaults.forward_secrets if request.forward_secrets is None else request.forward_secrets,
            max_size=defaults.max_size if request.max_size is None else request.max_size,
            stream=request.stream,
        )


def _resolver(
    collection: Collection,
    request: Request,
    *,
    collect: bool,
    environment: str | None,
    overrides: Mapping[str, str],
    captured: Mapping[str, str],
    allowed_paths: Iterable[Path | str],
    check_paths: bool,
    environ: Mapping[str, str] | None,
    allowed_env: Iterable[str] | None,
    ca_bundles: dict[tuple[Path | None, bool, str], Path] | None = None,
) -> _Resolver:
    """The parameter plumbing `resolve` and `unresolved` share: the scope (raises
    `VariableError` for an unknown environment) and a resolver over it."""
    values = scope(collection, environment=environment, overrides=overrides, captured=captured)
    return _Resolver(
        collection,
        request,
        values,
        EnvAccess(os.environ if environ is None else environ, allowed_env),
        collect=collect,
        allowed_paths=allowed_paths,
        check_paths=check_paths,
        ca_bundles=ca_bundles,
    )


def resolve(
    collection: Collection,
    request: Request,
    *,
    environment: str | None = None,
    overrides: Mapping[str, str] = _NO_ENVIRON,
    captured: Mapping[str, str] = _NO_ENVIRON,
    allowed_paths: Iterable[Path | str] = (),
    check_paths: bool = True,
    environ: Mapping[str, str] | None = None,
    allowed_env: Iterable[str] | None = None,
    ca_bundles: dict[tuple[Path | None, bool, str], Path] | None = None,
) -> ResolvedRequest:
    """What the engine sends for `request`. Raises `VariableError`, `PathError` or `BodyError`.

    `check_paths=False` skips the folder and existence checks (for a preview in the UI);
    `environ` defaults to `os.environ`; `allowed_env` is the environment allow-list (None: any
    name may be read). `ca_bundles`: a dict shared by calls made together
    (replay's plan: every request at once) that remembers each CA bundle found, so the same
    `verify = "path"` is looked up (realpath, existence) once rather than per request.
    """
    return _resolver(
        collection,
        request,
        collect=False,
        environment=environment,
        overrides=overrides,
        captured=captured,
        allowed_paths=allowed_paths,
        check_paths=check_paths,
        environ=environ,
        allowed_env=allowed_env,
        ca_bundles=ca_bundles,
    ).resolve()


def unresolved(
    collection: Collection,
    request: Request,
    *,
    environment: str | None = None,
    overrides: Mapping[str, str] = _NO_ENVIRON,
    captured: Mapping[str, str] = _NO_ENVIRON,
    allowed_paths: Iterable[Path | str] = (),
    check_paths: bool = True,
    environ: Mapping[str, str] | None = None,
    allowed_env: Iterable[str] | None = None,
) -> list[VariableError]:
    """Every unknown variable in `request` (all fields), without raising; for UI flagging.

    Only variables are reported; paths and JSON are checked by `resolve` (`check_paths` is
    accepted for the same call shape and ignored: collecting never checks paths).
    """
    try:
        resolver = _resolver(
            collection,
            request,
            collect=True,
            environment=environment,
            overrides=overrides,
            captured=captured,
            allowed_paths=allowed_paths,
            check_paths=False,
            environ=environ,
            allowed_env=allowed_env,
        )
    except VariableError as error:
        return [error]
    resolver.resolve()
    return resolver.problems
