"""Export requests to other tools' formats: the registry and the two entry points.

    EXPORTERS[fmt] -> Exporter                           # fmt: curl, httpie, httpx, aiohttp, hurl, har
    export(fmt, data, *, skip_unsupported=False, options=None) -> Exported
    export_request(fmt, request, options=None) -> str    # one resolved request (workbench Copy as…)
    export_collection(fmt, collection, names, *, environment, overrides, allowed_paths,
                      skip_unsupported, options) -> Exported    # what `reqbench export` calls

Every exporter module lives next to this one (`to_<fmt>.py`) and exposes

    check(item: ExportRequest) -> str | None     # why the format cannot express it, else None
    render(data: ExportInput, options: Mapping[str, object]) -> str

`export` runs `check` on every request first: what a format cannot express is refused
(`ExportError` naming each request), never dropped silently, unless `skip_unsupported`, where
it is left out and listed in `Exported.skipped`. Modules are imported only when used.

A format that works on the whole collection instead (Locust: one user class, host from
`{{base}}`) says `works_on="collection"` and its module exposes

    render_collection(collection, names, *, environment, overrides, options) -> str

(raising `ExportError` for what it cannot express). `export_collection` is the one entry
point the CLI calls for both kinds.

To add a format, add an `Exporter` below; per-format command-line options are declared as
`ExportOption`s (plain data: `tui/cli_export.py` turns them into click options of
`reqbench export FORMAT` and passes their values as `options`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

from tui.core.errors import ExportError

if TYPE_CHECKING:  # the registry itself stays light: `reqbench --help` lists it
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from tui.core.collection.model import Collection
    from tui.core.engine.resolved import ResolvedRequest
    from tui.core.formats.exported import ExportInput, ExportRequest

__all__ = ["EXPORTERS", "ExportOption", "Exported", "Exporter", "export", "export_collection", "export_request"]


@dataclass(frozen=True, slots=True)
class ExportOption:
    """One extra option of `reqbench export FORMAT`, e.g. ExportOption("users", int, 10, "...")."""

    name: str  # the keyword `render` receives; the flag is --name with "_" as "-"
    type: type  # str, int, float or bool (a bool is a --flag/--no-flag)
    default: Any
    help: str


@dataclass(frozen=True, slots=True)
class Exporter:
    name: str
    summary: str  # one line for `reqbench export --help`
    suffix: str  # the usual file name ending, for -o hints ("" for a shell snippet)
    module: str = ""  # defaults to tui.core.formats.to_<name>
    options: tuple[ExportOption, ...] = ()
    works_on: Literal["requests", "collection"] = "requests"

    def _module(self) -> Any:
        return import_module(self.module or f"{__package__}.to_{self.name}")

    @property
    def check(self) -> Callable[[ExportRequest], str | None]:
        check: Callable[[ExportRequest], str | None] = self._module().check
        return check

    @property
    def render(self) -> Callable[[ExportInput, Mapping[str, object]], str]:
        render: Callable[[ExportInput, Mapping[str, object]], str] = self._module().render
        return render


EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        Exporter("curl", "a shell script of curl commands", ".sh"),
        Exporter("httpie", "a shell script of HTTPie (http) commands", ".sh"),
        Exporter("httpx", "a runnable async Python script, one httpx.AsyncClient", ".py"),
        Exporter("aiohttp", "a runnable async Python script, one aiohttp.ClientSession", ".py"),
        Exporter("hurl", "a Hurl file (captures kept; env secrets as --variable)", ".hurl"),
        Exporter("har", "HAR 1.2 (requests only; secrets masked)", ".har"),
        Exporter("locust", "a Locust load test (one HttpUser; captures and expects kept)", ".py", works_on="collection"),
    )
}


@dataclass(frozen=True, slots=True)
class Exported:
    text: str
    count: int  # requests written
    skipped: tuple[str, ...] = ()  # one message per request left out (skip_unsupported)


def _exporter(fmt: str) -> Exporter:
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(EXPORTERS)})", fmt=fmt)
    return exporter


def export(
    fmt: str, data: ExportInput, *, skip_unsupported: bool = False, options: Mapping[str, object] | None = None
) -> Exported:
    """`data` written as `fmt`. Raises `ExportError` (all refused requests in its message,
    one per line) unless `skip_unsupported`."""
    exporter = _exporter(fmt)
    if exporter.works_on == "collection":
        raise ExportError(f"{fmt} exports a whole collection (use export_collection)", fmt=fmt)
    check = exporter.check
    kept: list[ExportRequest] = []
    refused: list[str] = []
    for item in data.requests:
        reason = check(item)
        if reason is None:
            kept.append(item)
        else:
            refused.append(f"request {item.request.name!r}: {fmt} cannot express {reason}")
    if refused and not skip_unsupported:
        raise ExportError("\n".join(refused), request=_first_name(data, kept), fmt=fmt)
    if not kept:
        raise ExportError(f"nothing to export as {fmt}", fmt=fmt)
    values = {option.name: option.default for option in exporter.options}
    values.update(options or {})
    trimmed = replace(data, requests=tuple(kept))
    return Exported(exporter.render(trimmed, values), len(kept), tuple(refused))


def _first_name(data: ExportInput, kept: list[ExportRequest]) -> str:
    for item in data.requests:
        if item not in kept:
            return item.request.name
    return ""


def export_request(fmt: str, request: ResolvedRequest, options: Mapping[str, object] | None = None) -> str:
    """One resolved request as `fmt` (for the workbench's Copy as…); `ExportError` when the
    format cannot express it. Resolve it with `environ=exported.ENV_REFERENCES` so that
    `{{env:NAME}}` values are written as references, not as the secrets themselves."""
    from tui.core.formats.exported import single

    return export(fmt, single(request), options=options).text


def export_collection(
    fmt: str,
    collection: Collection,
    names: Sequence[str] = (),
    *,
    environment: str | None = None,
    overrides: Mapping[str, str] | None = None,
    allowed_paths: Iterable[Path | str] = (),
    skip_unsupported: bool = False,
    options: Mapping[str, object] | None = None,
) -> Exported:
    """The requests `names` of `collection` (all when empty) as `fmt`: `reqbench export`."""
    exporter = _exporter(fmt)
    values = {option.name: option.default for option in exporter.options}
    values.update(options or {})
    if exporter.works_on == "collection":
        text: str = exporter._module().render_collection(
            collection, tuple(names), environment=environment, overrides=dict(overrides or {}), options=values
        )
        count = len(names) if names else len(collection.requests)
        return Exported(text, count)
    from tui.core.formats.exported import prepare

    data = prepare(collection, names, environment=environment, overrides=overrides, allowed_paths=allowed_paths)
    return export(fmt, data, skip_unsupported=skip_unsupported, options=values)
