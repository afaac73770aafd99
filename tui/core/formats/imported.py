"""The contract every importer (`from_*.py`) follows, and helpers they share.

An importer is one module exposing::

    def import_text(text: str, ctx: ImportContext) -> ImportResult

- `text` is the whole input, already decoded (a BOM removed).
- `ctx.source` names the input in messages (a path, or "-" for stdin); `ctx.base_dir` is
  the folder relative file references (`-d @body.json`, `< ./file`, a Postman file part)
  are kept relative to — the output collection is written there too, so they still resolve.
- It returns an `ImportResult`: a `Collection` (requests with unique non-empty names,
  `folder` as a "/"-joined group path, `description` where the source had docs) and
  `warnings`: one line per thing that could not be mapped, naming the request, e.g.
  `"login: pre-request script not imported"`.
- Input it cannot read at all raises `ImportFailed` (use `fail_at` / `fail_path` below):
  the message starts with `source:line:col` for text, or `source: $.json.path` for a
  document whose structure is wrong. Never any other exception for bad input.

`importers.import_text` runs `finish()` on the result (unique names, clean folders, the
`--name` override), so an importer need not be perfect about those, only honest.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tui.core.collection.model import Collection, Pair
from tui.core.collection.variables import escape
from tui.core.errors import ImportFailed

__all__ = [
    "ImportContext",
    "ImportFailed",
    "ImportResult",
    "fail_at",
    "fail_path",
    "finish",
    "host_matches",
    "line_col",
    "multipart_parts",
    "parse_json",
    "rebase_paths",
    "remember_json",
    "source_stem",
    "split_query",
    "unique_name",
    "urlencoded_pairs",
]


@dataclass(frozen=True, slots=True)
class ImportContext:
    """What an importer knows besides the text."""

    source: str = "-"
    base_dir: Path = field(default_factory=Path.cwd)
    # `--host`: keep only requests to this host (importers that see literal URLs honour it).
    host: str | None = None


@dataclass(slots=True)
class ImportResult:
    collection: Collection
    warnings: list[str] = field(default_factory=list)


def source_stem(ctx: ImportContext, default: str) -> str:
    """A collection name from the input's file name, or `default` for stdin / pasted text."""
    if ctx.source in ("-", "<stdin>", "pasted text") or not ctx.source:
        return default
    return Path(ctx.source).stem or default


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def fail_at(ctx: ImportContext, line: int, column: int, message: str) -> NoReturn:
    """Raise `ImportFailed` pointing at `source:line:col`."""
    raise ImportFailed(f"{ctx.source}:{line}:{column}: {message}", file=ctx.source, line=line, column=column)


def fail_path(ctx: ImportContext, json_path: str, message: str) -> NoReturn:
    """Raise `ImportFailed` pointing at a JSON path such as `$.log.entries[3].request`."""
    raise ImportFailed(f"{ctx.source}: {json_path}: {message}", file=ctx.source, json_path=json_path)


# The last document `detect` parsed, so the importer that follows need not parse it again
# (0.4 s of a 5,000-entry HAR). Keyed by the identity of the text object.
_parsed: tuple[str, Any] | None = None


def remember_json(text: str, data: Any) -> None:
    global _parsed
    _parsed = (text, data)


def parse_json(text: str, ctx: ImportContext, *, what: str = "JSON") -> Any:
    """`json.loads` with a syntax error turned into `ImportFailed` at line:col."""
    global _parsed
    if _parsed is not None and _parsed[0] is text:
        data = _parsed[1]
        _parsed = None
        return data
    _parsed = None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        fail_at(ctx, error.lineno, error.colno, f"not valid {what}: {error.msg}")
    except RecursionError:
        raise ImportFailed(f"{ctx.source}: nested too deeply to read", file=ctx.source) from None


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`… — the first not in `taken`; added to `taken`."""
    base = " ".join(name.split()) or "request"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base} ({n})"
    taken.add(candidate)
    return candidate


def host_matches(url: str, host: str) -> bool:
    """Does `url` (absolute, or scheme-less as curl allows) go to `host` (name, or name:port)?"""
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        hostname = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return False
    wanted = host.lower().strip()
    if ":" in wanted and not wanted.startswith("["):
        name, _, wanted_port = wanted.rpartition(":")
        default_port = {"http": 80, "https": 443}.get(parts.scheme)
        return hostname == name and str(port or default_port) == wanted_port
    return hostname == wanted.strip("[]")


def urlencoded_pairs(text: str) -> list[Pair] | None:
    """The pairs of an urlencoded `text` when reqbench's form/params encoding gives back exactly
    `text` (so a `form` body or `params` send the same bytes); else None. Values are escaped."""
    if not text:
        return None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    if urlencode(pairs) != text:
        return None
    return [Pair(escape(name), escape(value)) for name, value in pairs]


def split_query(url: str) -> tuple[str, list[Pair]]:
    """`url` without its query plus the query as params, when that sends the same bytes;
    else `url` unchanged and no params. `url` is literal text (not yet escaped)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, []
    pairs = urlencoded_pairs(parts.query) if parts.query and "{{" not in url else None
    if pairs is None:
        return url, []
    return urlunsplit(parts._replace(query="")), pairs


def rebase_paths(collection: Collection, source_dir: Path, out_dir: Path) -> list[str]:
    """Rewrite relative file references (body/stream files, multipart files, downloads, CA
    bundles) that importers kept relative to `source_dir` so they resolve from `out_dir`, the
    collection's folder. Returns a warning per path that now leaves that folder."""
    source, out = source_dir.resolve(), out_dir.resolve()
    warnings: list[str] = []
    if source == out:
        return warnings

    def moved(request_name: str, path: str) -> str:
        if not path or "{{" in path or Path(path).is_absolute():
            return path
        new = Path(os.path.relpath(source / path, out)).as_posix()
        if new.startswith("../"):
            warnings.append(f"{request_name}: {new!r} lies outside the collection's folder: replay needs --allow-path")
        return new

    for request in collection.requests:
        body = request.body
        if body is not None and body.kind in ("file", "stream"):
            body.text = moved(request.name, body.text)
        if body is not None:
            for part in body.parts:
                if part.file is not None:
                    part.file = moved(request.name, part.file)
        if request.download is not None:
            request.download.path = moved(request.name, request.download.path)
        if isinstance(request.verify, str):
            request.verify = moved(request.name, request.verify)
    return warnings


_DISPOSITION_PARAM = re.compile(r'(\w+)\*?=(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')


@dataclass(frozen=True, slots=True)
class RawPart:
    name: str | None
    filename: str | None
    content_type: str | None
    content: str


def multipart_parts(text: str, boundary: str) -> list[RawPart]:
    """The parts of a multipart/form-data body written out as text (HAR `postData.text`, a
    `.http` body): line endings may be LF or CRLF. Faster than `email` and as lenient."""
    parts: list[RawPart] = []
    for chunk in text.replace("\r\n", "\n").split("--" + boundary)[1:]:
        if chunk.startswith("--"):
            break
        head, _, content = chunk.removeprefix("\n").partition("\n\n")
        fields: dict[str, str] = {}
        content_type = None
        for line in head.split("\n"):
            key, colon, value = line.partition(":")
            if not colon:
                continue
            if key.strip().lower() == "content-disposition":
                for match in _DISPOSITION_PARAM.finditer(value):
                    quoted, bare = match.group(2), match.group(3)
                    fields[match.group(1).lower()] = quoted.replace('\\"', '"') if quoted is not None else bare
            elif key.strip().lower() == "content-type":
                content_type = value.strip()
        parts.append(RawPart(fields.get("name"), fields.get("filename"), content_type, content.removesuffix("\n")))
    return parts


def _clean_folder(folder: str) -> str:
    return "/".join(segment.strip() for segment in folder.split("/") if segment.strip())


def finish(result: ImportResult, *, name: str | None = None) -> ImportResult:
    """Make any importer's output saveable: unique non-empty names, clean folder paths.

    A renamed duplicate is reported as a warning so `capture`/`-r NAME` users know.
    """
    taken: set[str] = set()
    for request in result.collection.requests:
        wanted = request.name
        request.name = unique_name(wanted, taken)
        if wanted.strip() and request.name != " ".join(wanted.split()):
            result.warnings.append(f"{wanted}: name already used; imported as {request.name!r}")
        request.folder = _clean_folder(request.folder)
    if name:
        result.collection.name = name
    # The importer wrote these {{env:NAME}} placeholders itself (for credentials it would not
    # copy): declare them so `reqbench run` may read them; `[env] allow` in the file shows
    # whoever reviews it what it reads (`reqbench import` names them too).
    from tui.core.collection.variables import env_names

    result.collection.env_allow.extend(n for n in env_names(result.collection) if n not in result.collection.env_allow)
    return result
