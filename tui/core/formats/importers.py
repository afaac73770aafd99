"""Import other tools' files as a collection: the registry, format detection, one entry point.

    IMPORTERS[fmt](text, ctx) -> ImportResult        # fmt in FORMATS
    detect(text, *, source="-") -> str               # the format, from content (file suffix as a hint)
    import_text(text, *, fmt=None, source="-", base_dir=None, out_dir=None, host=None, name=None)
        -> ImportResult
    import_path(path, **same) -> ImportResult         # reads and decodes the file first
    add_to(collection, result) -> list[Request]      # merge into an open collection (unique names)

Every importer module lives next to this one as `from_<fmt>.py` and exposes
`import_text(text: str, ctx: ImportContext) -> ImportResult` (the contract is in
`imported.py`). The registry below already names all six modules and imports each one
only when it is used, so adding an importer means writing its module; to refine what
`detect` recognises, edit `_detect_document` / `_detect_text` here.

The workbench calls `import_path` for its **Import…** palette command followed by
`add_to`, and `from_curl.parse_curl` for a curl command pasted into the URL bar.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from tui.core.collection.model import Collection, Request
from tui.core.errors import ImportFailed
from tui.core.formats.imported import (
    ImportContext,
    ImportResult,
    finish,
    line_col,
    rebase_paths,
    remember_json,
    unique_name,
)

__all__ = ["FORMATS", "HOST_AWARE", "IMPORTERS", "Importer", "add_to", "detect", "import_path", "import_text"]

Importer = Callable[[str, ImportContext], ImportResult]

FORMATS = ("curl", "har", "http", "postman", "insomnia", "openapi")
#: Formats whose importer honours `--host` (the others get a warning that it was ignored).
HOST_AWARE = frozenset({"curl", "har", "http"})


def _lazy(fmt: str) -> Importer:
    module_name = f"{__package__}.from_{fmt}"

    def run(text: str, ctx: ImportContext) -> ImportResult:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            raise ImportFailed(f"{ctx.source}: importing {fmt} is not available yet", file=ctx.source) from None
        result: ImportResult = module.import_text(text, ctx)
        return result

    run.__name__ = f"import_{fmt}"
    return run


IMPORTERS: dict[str, Importer] = {fmt: _lazy(fmt) for fmt in FORMATS}

_SUFFIXES = {".har": "har", ".http": "http", ".rest": "http", ".curl": "curl", ".sh": "curl"}
_CURL = re.compile(r"^\s*(?:\$\s*)?curl(?:\.exe)?(?:\s|$)")
_HTTP_LINE = re.compile(
    r"^(?:###|@[A-Za-z_][\w.-]*\s*=|(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE|CONNECT)\s+\S|https?://)"
)
_YAML_OPENAPI = re.compile(r"^(?:openapi|swagger)\s*:", re.MULTILINE)
_YAML_INSOMNIA = re.compile(r"^(?:_type\s*:\s*['\"]?export|__export_format\s*:)", re.MULTILINE)


_FLOW_OPENAPI = re.compile(r"[{,]\s*['\"]?(?:openapi|swagger)['\"]?\s*:")
_FLOW_INSOMNIA = re.compile(r"[{,]\s*['\"]?(?:_type['\"]?\s*:\s*['\"]?export|__export_format['\"]?\s*:)")


def _detect_flow_yaml(text: str) -> str | None:
    head = text[:4096]
    if _FLOW_OPENAPI.search(head):
        return "openapi"
    if _FLOW_INSOMNIA.search(head):
        return "insomnia"
    return None


def _detect_document(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("log"), dict) and "entries" in data["log"]:
        return "har"
    if "openapi" in data or "swagger" in data:
        return "openapi"
    if data.get("_type") == "export" or "__export_format" in data:
        return "insomnia"
    info = data.get("info")
    if isinstance(info, dict) and ("_postman_id" in info or "getpostman" in str(info.get("schema", ""))):
        return "postman"
    if "_postman_variable_scope" in data or (isinstance(data.get("values"), list) and "name" in data):
        return "postman"  # an environment file
    if isinstance(info, dict) and isinstance(data.get("item"), list):
        return "postman"
    return None


def _first_lines(text: str, limit: int = 40) -> list[str]:
    """The first meaningful lines: blanks and comments skipped, but `###` and `# @name` kept."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        comment = line.startswith(("#", "//")) and not line.startswith(("###", "# @", "// @"))
        if line and not comment:
            lines.append(line)
            if len(lines) >= limit:
                break
    return lines


def _detect_text(text: str) -> str | None:
    if _YAML_OPENAPI.search(text):
        return "openapi"
    if _YAML_INSOMNIA.search(text):
        return "insomnia"
    lines = _first_lines(text)
    if lines and _CURL.match(lines[0]):
        return "curl"
    if any(_HTTP_LINE.match(line) or line.startswith(("# @name", "// @name")) for line in lines):
        return "http"
    return None


def detect(text: str, *, source: str = "-") -> str:
    """The format of `text` (one of FORMATS), from its content; `source`'s suffix breaks ties.

    Raises `ImportFailed` when neither says, asking for `--from`.
    """
    document = text.removeprefix("\ufeff")
    stripped = document.lstrip(" \t\r\n")
    found: str | None = None
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(document)
        except json.JSONDecodeError as error:
            flow = _detect_flow_yaml(document)  # `{openapi: 3.0.0, …}` is YAML, not broken JSON
            if flow is not None:
                return flow
            offset = len(text) - len(document) + error.pos
            line, column = line_col(text, offset)
            raise ImportFailed(
                f"{source}:{line}:{column}: not valid JSON: {error.msg}", file=source, line=line, column=column
            ) from None
        except RecursionError:
            found = None
        else:
            found = _detect_document(data)
            remember_json(document, data)
    else:
        found = _detect_text(stripped)
    if found is None:
        found = _SUFFIXES.get(Path(source).suffix.lower()) if source != "-" else None
    if found is None:
        raise ImportFailed(
            f"{source}: cannot tell what format this is; say which with --from ({', '.join(FORMATS)})",
            file=source,
        )
    return found


def import_text(
    text: str,
    *,
    fmt: str | None = None,
    source: str = "-",
    base_dir: Path | None = None,
    out_dir: Path | None = None,
    host: str | None = None,
    name: str | None = None,
) -> ImportResult:
    """Import `text` (format `fmt`, else detected) as a collection ready for `store.save`.

    `source` names the input in messages; `base_dir` is where the input's relative file
    references resolve (default: the current folder); `out_dir`, the folder the collection
    will be saved in, rewrites them to resolve from there; `host` keeps only requests to that
    host; `name` overrides the collection's name. Raises `ImportFailed` for unreadable input.
    """
    text = text.removeprefix("\ufeff")
    if fmt is None:
        fmt = detect(text, source=source)
    importer = IMPORTERS.get(fmt)
    if importer is None:
        raise ImportFailed(f"unknown import format {fmt!r} (expected one of: {', '.join(FORMATS)})", file=source)
    ctx = ImportContext(source=source, base_dir=base_dir if base_dir is not None else Path.cwd(), host=host)
    result = importer(text, ctx)
    if host and fmt not in HOST_AWARE:
        result.warnings.append(f"--host applies to literal URLs only; ignored for {fmt}")
    if out_dir is not None:
        result.warnings.extend(rebase_paths(result.collection, ctx.base_dir, out_dir))
    return finish(result, name=name)


def import_path(
    path: Path | str,
    *,
    fmt: str | None = None,
    base_dir: Path | None = None,
    out_dir: Path | None = None,
    host: str | None = None,
    name: str | None = None,
) -> ImportResult:
    """Read `path` (UTF-8, a BOM allowed) and import it; `base_dir` defaults to its folder."""
    label = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"{label}: no such file", file=label) from None
    except IsADirectoryError:
        raise ImportFailed(f"{label}: is a directory", file=label) from None
    except OSError as error:
        raise ImportFailed(f"{label}: cannot read: {error.strerror or error}", file=label) from None
    text = decode(data, label)
    folder = base_dir if base_dir is not None else Path(path).resolve().parent
    return import_text(text, fmt=fmt, source=label, base_dir=folder, out_dir=out_dir, host=host, name=name)


def decode(data: bytes, label: str) -> str:
    """UTF-8 text of `data` (a BOM dropped), or `ImportFailed` at the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        prefix = data[: error.start].decode("utf-8-sig", errors="replace")
        line, column = line_col(prefix, len(prefix))
        raise ImportFailed(
            f"{label}:{line}:{column}: not UTF-8 text (byte 0x{data[error.start]:02x})",
            file=label,
            line=line,
            column=column,
        ) from None


def add_to(collection: Collection, result: ImportResult) -> list[Request]:
    """Append `result`'s requests to an open `collection`, renaming clashes (`name (2)`).

    Variables and environments the collection lacks are added; existing values are kept
    and each clash is appended to `result.warnings`. Returns the added requests.
    """
    taken = {request.name for request in collection.requests}
    added: list[Request] = []
    for request in result.collection.requests:
        wanted = request.name
        request.name = unique_name(wanted, taken)
        if request.name != wanted:
            result.warnings.append(f"{wanted}: name already used in this collection; added as {request.name!r}")
        collection.requests.append(request)
        added.append(request)
    _merge_values(collection.variables, result.collection.variables, "variable", result.warnings)
    for env, values in result.collection.environments.items():
        _merge_values(collection.environments.setdefault(env, {}), values, f"environment {env!r} variable", result.warnings)
    return added


def _merge_values(into: dict[str, str], new: dict[str, str], what: str, warnings: list[str]) -> None:
    for key, value in new.items():
        if key not in into:
            into[key] = value
        elif into[key] != value:
            # values are not shown: they may be secrets
            warnings.append(f"{what} {key!r} already set; kept the existing value, not the imported one")
