"""What every exporter works from: resolved requests whose secrets are still references.

    prepare(collection, names=(), *, environment=None, overrides={}, allowed_paths=()) -> ExportInput
    single(request, *, captures={}) -> ExportInput           # one already resolved request (the UI)
    ENV_REFERENCES                                          # resolve(..., environ=ENV_REFERENCES)
    pieces(text) -> list[str | Ref]                         # literal text and references, in order
    refs(text) -> list[Ref]
    strings_of(request) -> Iterator[str]                    # every string of a request that can hold one
    url_of(request) -> str                                  # the encoded URL httpx sends
    shell_word(text) -> str                                 # one POSIX shell word, refs as $NAME

`prepare` resolves each request as `reqbench run` would (`variables.resolve`: [defaults]
merged, --env / --var applied, paths made absolute and checked), except for two kinds of
value that must not be baked into an export:

- `{{env:NAME}}` (a secret, by convention): resolved to a reference `Ref("env", NAME)`, which
  each format writes as its own reference (`$NAME`, `os.environ["NAME"]`, Hurl `{{NAME}}`) or
  masks (HAR) — the value is never read;
- a variable captured from the response of an earlier exported request
  (`[requests.capture]`): `Ref("capture", NAME)`, which formats that can capture (Python,
  Hurl) fill in at run time and the others refuse.

A reference travels inside the resolved strings as a private-use marker (U+E000 or U+E002,
the name, U+E001), so the resolver, JSON validation and httpx's URL encoding all work on it
unchanged; `pieces` takes a string apart again.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tui.core.collection.model import Collection
from tui.core.collection.variables import resolve
from tui.core.engine.build import build_url
from tui.core.engine.resolved import ResolvedRequest
from tui.core.errors import ExportError, InvalidURL, VariableError

__all__ = [
    "ENV_REFERENCES",
    "ExportInput",
    "ExportRequest",
    "Ref",
    "RefKind",
    "has_refs",
    "pieces",
    "prepare",
    "refs",
    "is_shell_name",
    "shell_word",
    "single",
    "strings_of",
    "url_of",
]

RefKind = Literal["env", "capture"]
_OPEN: dict[RefKind, str] = {"env": "\ue000", "capture": "\ue002"}
_CLOSE = "\ue001"
_MARKER = re.compile("([\ue000\ue002])([^\ue000\ue001\ue002]*)\ue001")
# The same markers after httpx percent-encoded them in a URL (UTF-8 of U+E000 / U+E002 / U+E001).
_QUOTED_MARKER = re.compile("%EE%80%8([02])([A-Za-z0-9_.\\-]*)%EE%80%81", re.IGNORECASE)
_SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Ref:
    """A value known only when the export runs: an environment variable or a captured value."""

    kind: RefKind
    name: str

    @property
    def marker(self) -> str:
        return f"{_OPEN[self.kind]}{self.name}{_CLOSE}"


@dataclass(frozen=True, slots=True)
class ExportRequest:
    request: ResolvedRequest  # strings may hold Ref markers (see `pieces`)
    captures: Mapping[str, str] = field(default_factory=dict)  # variable -> "json:a.b" | "header:X" | "status"


@dataclass(frozen=True, slots=True)
class ExportInput:
    title: str  # the collection's name (or file name), for the output's header comment
    requests: tuple[ExportRequest, ...]
    source: str = ""  # the collection file, for the header comment

    def env_names(self) -> list[str]:
        """Every environment variable the requests reference, in order of first use."""
        names: dict[str, None] = {}
        for item in self.requests:
            for text in strings_of(item.request):
                for ref in refs(text):
                    if ref.kind == "env":
                        names[ref.name] = None
        return list(names)


class _EnvRefs(Mapping[str, str]):
    """An `environ` for `resolve` that answers every name with its reference marker."""

    def __getitem__(self, name: str) -> str:
        return Ref("env", name).marker

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


#: Pass as `resolve(..., environ=ENV_REFERENCES)` to get a request whose `{{env:NAME}}` values
#: are references (what `export_request` should be given, so no secret is written out).
ENV_REFERENCES: Mapping[str, str] = _EnvRefs()


def pieces(text: str) -> list[str | Ref]:
    """`text` as literal strings and `Ref`s in order (no empty strings)."""
    if "\ue000" not in text and "\ue002" not in text:
        return [text] if text else []
    out: list[str | Ref] = []
    last = 0
    for match in _MARKER.finditer(text):
        if match.start() > last:
            out.append(text[last : match.start()])
        kind: RefKind = "env" if match.group(1) == "\ue000" else "capture"
        out.append(Ref(kind, match.group(2)))
        last = match.end()
    if last < len(text):
        out.append(text[last:])
    return out


def refs(text: str) -> list[Ref]:
    return [piece for piece in pieces(text) if isinstance(piece, Ref)]


def has_refs(text: str) -> bool:
    return "\ue000" in text or "\ue002" in text


def strings_of(request: ResolvedRequest) -> Iterator[str]:
    """Every string of `request` that can hold a reference."""
    yield request.url
    for pair in (*request.params, *request.headers):
        yield from pair
    if request.auth is not None:
        yield from (request.auth.user, request.auth.password, request.auth.token)
    body = request.body
    if body is not None:
        yield body.text
        for pair in body.form:
            yield from pair
        for part in body.parts:
            yield part.name
            yield part.value or ""
            yield part.filename or ""


def url_of(request: ResolvedRequest) -> str:
    """The URL as httpx sends it (params appended, spaces and non-ASCII percent-encoded), with
    references kept as markers. A reference in the host cannot be kept: `ExportError`."""
    try:
        url = str(build_url(request.url, request.params))
    except InvalidURL as error:
        if has_refs(request.url):
            raise ExportError(
                f"request {request.name!r}: the URL's host comes from a variable set at run time; set it with --var",
                request=request.name,
            ) from None
        raise ExportError(f"request {request.name!r}: {error}", request=request.name) from None
    url = _QUOTED_MARKER.sub(lambda m: f"{chr(0xE000 + int(m.group(1)))}{m.group(2)}{_CLOSE}", url)
    wanted = len(refs(request.url)) + sum(len(refs(name)) + len(refs(value)) for name, value in request.params)
    if len(refs(url)) != wanted:
        raise ExportError(
            f"request {request.name!r}: the URL's host comes from a variable set at run time; set it with --var",
            request=request.name,
        )
    return url


def is_shell_name(name: str) -> bool:
    return _SHELL_NAME.fullmatch(name) is not None


def shell_word(text: str) -> str:
    """`text` as one POSIX shell word: literal parts single-quoted, `Ref("env", X)` as "${X}".
    A capture reference, or an env name that is no shell name (`a.b`), is a `ValueError`."""
    out: list[str] = []
    for piece in pieces(text):
        if isinstance(piece, str):
            out.append(shlex.quote(piece))
        elif piece.kind != "env":
            raise ValueError(f"captured value {piece.name!r} has no shell form")
        elif _SHELL_NAME.fullmatch(piece.name):
            out.append(f'"${{{piece.name}}}"')
        else:  # POSIX shells (dash) drop such variables from the environment they pass on
            raise ValueError(f"environment variable {piece.name!r} cannot be read in a POSIX shell")
    return "".join(out) or "''"


def _captured_before(collection: Collection, names: Sequence[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """(name, capture markers for variables captured by the requests exported before it)."""
    captured: dict[str, str] = {}
    for name in names:
        yield name, dict(captured)
        for variable in collection.request(name).capture:
            captured[variable] = Ref("capture", variable).marker


def _with_capture_hint(collection: Collection, error: VariableError) -> VariableError:
    """An unknown variable that another request captures: say which, and how to include it."""
    for other in collection.requests:
        if error.variable in other.capture and other.name != error.request:
            return VariableError(
                f"{error}; it is captured by request {other.name!r}: export that request too (-r {other.name!r} first)",
                request=error.request,
                field=error.field,
                variable=error.variable,
            )
    return error


def prepare(
    collection: Collection,
    names: Sequence[str] = (),
    *,
    environment: str | None = None,
    overrides: Mapping[str, str] | None = None,
    allowed_paths: Iterable[Path | str] = (),
) -> ExportInput:
    """The requests called `names` (all, in file order, when empty), resolved for export.

    Raises `ExportError` for an unknown name, and what `resolve` raises (`VariableError`,
    `PathError`, `BodyError`) for a request `reqbench run` would refuse too."""
    known = {request.name for request in collection.requests}
    for name in names:
        if name not in known:
            raise ExportError(f"no request named {name!r} in the collection (known: {', '.join(sorted(known))})", request=name)
    order = list(names) if names else [request.name for request in collection.requests]
    allowed = tuple(allowed_paths)
    items: list[ExportRequest] = []
    for name, captured in _captured_before(collection, order):
        request = collection.request(name)
        try:
            resolved = resolve(
                collection,
                request,
                environment=environment,
                overrides=overrides or {},
                captured=captured,
                allowed_paths=allowed,
                environ=ENV_REFERENCES,
            )
        except VariableError as error:
            raise _with_capture_hint(collection, error) from None
        items.append(ExportRequest(resolved, dict(request.capture)))
    title = collection.name or (collection.path.stem if collection.path is not None else "requests")
    source = str(collection.path) if collection.path is not None else ""
    return ExportInput(title=title, requests=tuple(items), source=source)


def single(request: ResolvedRequest, *, captures: Mapping[str, str] | None = None, title: str = "") -> ExportInput:
    """One request the caller resolved already (the workbench's Copy as…)."""
    return ExportInput(title=title or request.name, requests=(ExportRequest(request, dict(captures or {})),))
