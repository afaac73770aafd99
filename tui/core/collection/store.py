"""Load and save collections as TOML (format: shared/collection-format.md).

One module on purpose: `load` records the source pieces a later `save` splices into, and the
save's load-back check re-reads exactly those pieces; split, the three would pass that
snapshot state between modules (the splitting itself lives in `splice.py`, rendering in
`writer.py`).

Public surface (others code against it):

    load(path) -> Collection                      # raises TomlSyntaxError / SchemaError (file, line, col / request, key)
    loads(text, *, path=None) -> Collection
    dumps(collection) -> str                      # canonical: same model -> same bytes; default values omitted
    save(collection, path=None, *, expect_absent=False) -> Path
                                                  # a loaded file: only what was edited changes (comments and
                                                  # style of the rest kept); a new file: dumps(). Atomic (temp in
                                                  # same folder, fsync, os.replace), keeps mode; raises SaveError
                                                  # leaving the old file intact; SaveTargetExists when
                                                  # expect_absent and a file appeared at path
    fingerprint(path) -> Fingerprint              # to warn "changed on disk since opened"

Anything `load`/`loads` raise is a `CollectionError` (syntax, schema, unreadable file), with a
message that names the file and says what is wrong and where.
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import hashlib
import math
import os
import stat
import re
import secrets
import stat
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

try:  # the load-back check: tomllib's own code, compiled (see pyproject.toml); same grammar
    from tomli import TOMLDecodeError as _CheckDecodeError
    from tomli import loads as _check_parse
except ImportError:  # pragma: no cover - tomli is a dependency; the stdlib reads the same
    from tomllib import TOMLDecodeError as _CheckDecodeError  # type: ignore[assignment,unused-ignore]
    from tomllib import loads as _check_parse

from tui.core.collection import writer as toml
from tui.core.collection.locate import Locator
from tui.core.collection.splice import TABLES, Piece, leading_comments, request_parts, segment, split_rendered
from tui.core.collection.schema import build_collection
from tui.core.errors import CollectionError, SaveError, SaveTargetExists, TomlSyntaxError
from tui.core.collection.model import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_TIMEOUT,
    Auth,
    Body,
    Collection,
    Defaults,
    Download,
    Expect,
    Pair,
    Request,
)

__all__ = ["Fingerprint", "dumps", "fingerprint", "load", "loads", "save"]

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = re.compile(r"\s*\(at end of document\)$")


# -- load ---------------------------------------------------------------------------------


def _label(path: Path | str | None) -> str:
    return "<string>" if path is None else str(path)


def _syntax_error(error: tomllib.TOMLDecodeError, text: str, label: str) -> TomlSyntaxError:
    message = str(error)
    match = _POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        message = message[: match.start()]
    else:
        lines = text.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        end = _AT_END.search(message)
        if end:
            message = message[: end.start()] + " (at end of file)"
    return TomlSyntaxError(f"{label}:{line}:{column}: {message}", file=label, line=line, column=column)


def loads(text: str, *, path: Path | str | None = None) -> Collection:
    """Parse and validate a collection; `path` names it in messages and becomes `collection.path`."""
    label = _label(path)
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(error, text, label) from None
    except ValueError:  # an integer with more digits than Python converts
        raise CollectionError(f"{label}: a number is too long to read", file=label) from None
    except RecursionError:
        raise CollectionError(f"{label}: nested too deeply to read", file=label) from None
    collection = build_collection(data, label=label, text=text)
    collection.path = Path(path) if path is not None else None
    collection.comment, first_line = _leading_comment(text)
    code = None
    if "#" in text and collection.requests:
        locator = Locator(text, len(collection.requests))
        code = locator.code
        for index, request in enumerate(collection.requests):
            request.comment = locator.comment_above(index, first_line)
    collection.source = _read_source(text, collection, code)
    return collection


def _leading_comment(text: str) -> tuple[str, int]:
    """The block of `#` lines (and blank lines between them) before the first TOML line,
    and the index of that first TOML line."""
    kept: list[str] = []
    lines = text.split("\n")
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        kept.append(stripped)
    first_line = len(kept)
    while kept and not kept[-1]:
        kept.pop()
    while kept and not kept[0]:
        kept.pop(0)
    return "\n".join(kept), first_line


MAX_COLLECTION_SIZE = 32 * 2**20  # a 20,000-request collection is about 3 MB


def _read_regular(path: Path, label: str) -> bytes:
    """The bytes of a regular file of at most MAX_COLLECTION_SIZE; anything else (/dev/zero, a
    FIFO, a socket, a huge file) is refused before reading. O_NONBLOCK: opening a FIFO never waits."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            raise CollectionError(f"{label}: not a regular file (a device, FIFO or socket); a collection is a TOML file", file=label)
        if info.st_size > MAX_COLLECTION_SIZE:
            raise CollectionError(f"{label}: {info.st_size} bytes is over the {MAX_COLLECTION_SIZE // 2**20} MiB limit for a collection file", file=label)
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(MAX_COLLECTION_SIZE + 1)
        if len(data) > MAX_COLLECTION_SIZE:  # grew while we read
            raise CollectionError(f"{label}: over the {MAX_COLLECTION_SIZE // 2**20} MiB limit for a collection file", file=label)
        return data
    finally:
        os.close(fd)


def load(path: Path | str) -> Collection:
    """Read a collection file. Raises `CollectionError` (or a subclass) naming the file."""
    label = _label(path)
    try:
        data = _read_regular(Path(path), label)
    except FileNotFoundError:
        raise CollectionError(f"{label}: no such file", file=label) from None
    except IsADirectoryError:
        raise CollectionError(f"{label}: is a directory, not a collection file", file=label) from None
    except OSError as error:
        raise CollectionError(f"{label}: cannot read: {error.strerror or error}", file=label) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise CollectionError(
            f"{label}:{line}:{column}: not UTF-8 text (byte 0x{data[error.start]:02x}); collections are UTF-8",
            file=label,
        ) from None
    return loads(text, path=path)


# -- dumps --------------------------------------------------------------------------------


def _number(value: float) -> int | float:
    """30.0 is written `30`; the loader reads it back as the same float."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _pairs(pairs: list[Pair]) -> dict[str, str] | list[list[str | bool]]:
    names = [pair.name for pair in pairs]
    if all(pair.enabled for pair in pairs) and len(set(names)) == len(names):
        return {pair.name: pair.value for pair in pairs}
    return [[pair.name, pair.value] if pair.enabled else [pair.name, pair.value, False] for pair in pairs]


def _auth(auth: Auth) -> dict[str, Any]:
    if auth.kind == "bearer":
        return {"bearer": auth.token}
    return {auth.kind: [auth.user, auth.password]}


def _body(body: Body) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if body.kind == "form":
        doc["form"] = _pairs(body.form)
    elif body.kind == "multipart":
        parts = []
        for part in body.parts:
            item: dict[str, Any] = {"name": part.name}
            for key in ("value", "file", "filename", "content_type"):
                if getattr(part, key) is not None:
                    item[key] = getattr(part, key)
            parts.append(item)
        doc["multipart"] = parts
    else:
        doc[body.kind] = body.text
    if body.content_type is not None:
        doc["content_type"] = body.content_type
    if body.chunk_size is not None and body.chunk_size != DEFAULT_CHUNK_SIZE:
        doc["chunk_size"] = body.chunk_size
    return doc


def _download(download: Download) -> dict[str, Any]:
    doc: dict[str, Any] = {"path": download.path}
    if download.chunk_size != DEFAULT_CHUNK_SIZE:
        doc["chunk_size"] = download.chunk_size
    if download.overwrite:
        doc["overwrite"] = True
    return doc


def _expect(expect: Expect) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if expect.status:
        doc["status"] = expect.status[0] if len(expect.status) == 1 else list(expect.status)
    if expect.headers:
        doc["headers"] = _pairs(expect.headers)
    if expect.json:
        doc["json"] = dict(expect.json)
    if expect.body_contains is not None:
        doc["body_contains"] = expect.body_contains
    if expect.max_ms is not None:
        doc["max_ms"] = _number(expect.max_ms)
    if expect.events is not None:
        doc["events"] = expect.events
    if expect.events_min is not None:
        doc["events_min"] = expect.events_min
    if expect.event_contains is not None:
        doc["event_contains"] = expect.event_contains
    if expect.event_json:
        doc["event_json"] = dict(expect.event_json)
    if expect.ends_within_ms is not None:
        doc["ends_within_ms"] = _number(expect.ends_within_ms)
    return doc


def _overrides(doc: dict[str, Any], item: Request | Defaults, *, defaults: bool) -> None:
    timeout, follow, verify, http2 = item.timeout, item.follow_redirects, item.verify, item.http2
    if timeout is not None and not (defaults and timeout == DEFAULT_TIMEOUT):
        doc["timeout"] = _number(timeout)
    if follow is not None and not (defaults and follow is True):
        doc["follow_redirects"] = follow
    if verify is not None and not (defaults and verify is True):
        doc["verify"] = verify
    if http2 is not None and not (defaults and http2 is False):
        doc["http2"] = http2
    if item.cookies is not None and not (defaults and item.cookies is True):
        doc["cookies"] = item.cookies
    forward = item.forward_secrets
    if forward is not None and not (defaults and forward is False):
        doc["forward_secrets"] = forward
    if item.max_size is not None:
        doc["max_size"] = item.max_size


def _request(request: Request) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": request.name}
    if request.folder:
        doc["folder"] = request.folder
    if request.description:
        doc["description"] = request.description
    if request.method.upper() != "GET":
        doc["method"] = request.method.upper()
    if request.url:
        doc["url"] = request.url
    if request.params:
        doc["params"] = _pairs(request.params)
    if request.headers:
        doc["headers"] = _pairs(request.headers)
    if request.auth is not None:
        doc["auth"] = _auth(request.auth)
    if request.body is not None:
        doc["body"] = _body(request.body)
    if request.download is not None:
        doc["download"] = _download(request.download)
    if request.expect is not None and not request.expect.is_empty():
        doc["expect"] = _expect(request.expect)
    if request.capture:
        doc["capture"] = dict(request.capture)
    if request.encoding is not None:
        doc["encoding"] = request.encoding
    if request.stream is not None:
        doc["stream"] = request.stream
    _overrides(doc, request, defaults=False)
    return doc


def _head(collection: Collection) -> dict[str, Any]:
    """Everything but the requests, as `_document` writes it."""
    doc: dict[str, Any] = {"format": collection.format}
    if collection.name:
        doc["name"] = collection.name
    if collection.description:
        doc["description"] = collection.description
    if collection.variables:
        doc["variables"] = toml.Table(collection.variables)
    if collection.environments:
        doc["environments"] = toml.Table(
            {name: toml.Table(values) for name, values in collection.environments.items()}
        )
    if collection.env_allow:
        doc["env"] = toml.Table({"allow": list(collection.env_allow)})
    defaults: dict[str, Any] = {}
    if collection.defaults.headers:
        defaults["headers"] = _pairs(collection.defaults.headers)
    if collection.defaults.auth is not None:
        defaults["auth"] = _auth(collection.defaults.auth)
    _overrides(defaults, collection.defaults, defaults=True)
    if defaults:
        doc["defaults"] = toml.Table(defaults)
    return doc


def _document(collection: Collection) -> dict[str, Any]:
    doc = _head(collection)
    if collection.requests:
        doc["requests"] = toml.AoT(
            toml.Entry(_request(request), comment=_comment(request.comment)) for request in collection.requests
        )
    return doc


def dumps(collection: Collection) -> str:
    """The canonical TOML text of `collection`: same model, same text; defaults left out.

    `collection.comment` (the comment block the file started with) is written first.
    """
    return "".join(piece.text for piece in _canonical(collection).pieces)


def _canonical(collection: Collection) -> _Source:
    """The canonical text cut into pieces as `splice.segment` would cut it, with snapshots.

    Rendered piece by piece, the text is what `toml.render(_document(collection))` gives."""
    head = _head(collection)
    top: dict[str, Any] = {key: head[key] for key in ("format", "name", "description") if key in head}
    comment = _comment(collection.comment).strip("\n")
    body = toml.render(top)
    pieces = [Piece("preamble", "", f"{comment}\n\n{body}" if comment else body, "\n")]
    tables = _tables(head)
    for kind in TABLES:
        if tables[kind] is not None:
            pieces.append(Piece(kind, "", toml.render({kind: tables[kind]}), "\n"))
    requests = []
    for index, request in enumerate(collection.requests):
        doc = _snapshot(request)
        body = toml.render_entry("requests", doc)
        pieces.append(Piece("request", _comment_head(request.comment), body, "\n", index=index))
        requests.append((request, doc, request.comment))
    pieces[-1].gap = ""
    pieces.append(Piece("tail", "", "", ""))
    for order, piece in enumerate(pieces):
        piece.order = order
    return _Source(pieces, set(), set(), _top(collection), tables, requests)


def _comment(text: str) -> str:
    """`text` as comment lines; a trailing newline (blank line before the header) is kept."""
    lines = "\n".join(_comment_line(line) for line in text.splitlines()).strip("\n")
    return lines + "\n" if lines and text.endswith("\n") else lines


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _comment_line(line: str) -> str:
    line = _CONTROL.sub(" ", line).strip()  # TOML comments cannot hold control characters
    if not line:
        return ""
    return line if line.startswith("#") else f"# {line}"



# -- saves that keep what was written ------------------------------------------------------
#
# `loads` keeps the file's pieces (see `splice`) and a snapshot of what each one held, in the
# canonical form `dumps` would write. `save` compares the model with the snapshots: unchanged
# pieces are written back byte for byte, edited ones are rendered canonically in their place.


@dataclass(slots=True)
class _Source:
    pieces: list[Piece]
    scattered: set[str]
    preamble_keys: set[str]  # top-level keys set before the first header
    top: tuple[str, int, str, str]  # comment, format, name, description
    tables: dict[str, Any]  # "variables" / "environments" / "defaults" -> canonical value or None
    requests: list[tuple[Request, dict[str, Any], str]]  # loaded object, canonical dict, comment

    # Never changed once made (a save makes a new one), so copies share its pieces and
    # snapshots; a deep copy of the collection (the workbench keeps one after each save)
    # points at the copied requests, so an edit of the copy is still found as an edit.
    def __copy__(self) -> _Source:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Source:
        requests = [(copy.deepcopy(request, memo), snapshot, comment) for request, snapshot, comment in self.requests]
        return _Source(self.pieces, self.scattered, self.preamble_keys, self.top, self.tables, requests)


def _top(collection: Collection) -> tuple[str, int, str, str]:
    return (collection.comment, collection.format, collection.name, collection.description)


def _tables(head: dict[str, Any]) -> dict[str, Any]:
    return {kind: head.get(kind) for kind in TABLES}


def _snapshot(request: Request) -> dict[str, Any]:
    doc = _request(request)
    expect = doc.get("expect")
    if expect is not None and "json" in expect:  # values may be lists the UI edits in place
        expect["json"] = copy.deepcopy(expect["json"])
    return doc


def _read_source(text: str, collection: Collection, code: list[bool] | None = None) -> _Source | None:
    segments = segment(text, len(collection.requests), code)
    if segments is None:
        return None
    preamble = segments.pieces[0]
    try:
        keys = set(tomllib.loads(preamble.text)) if "=" in preamble.text else set()
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None  # cut in a place this module did not expect; save canonically
    return _Source(
        pieces=segments.pieces,
        scattered=segments.scattered,
        preamble_keys=keys - {"format", "name", "description"},
        top=_top(collection),
        tables=_tables(_head(collection)),
        requests=[(request, _snapshot(request), request.comment) for request in collection.requests],
    )


def _comment_head(comment: str) -> str:
    """Comment lines above a header, as the writer puts them (a trailing blank line kept)."""
    lines = _comment(comment)
    return lines + "\n" if lines else ""


@dataclass(slots=True)
class _Spliced:
    text: str
    source: _Source
    rendered: list[tuple[str, dict[str, Any]]]  # text rendered now, the document it must parse to
    requests: list[dict[str, Any]]  # the rendered requests' documents, for the schema check


def _splice(collection: Collection, source: _Source) -> _Spliced | None:
    """The file's text with only the edited pieces rendered, or None to write it canonically."""
    head = _head(collection)
    rendered: list[tuple[str, dict[str, Any]]] = []
    rendered_requests: list[dict[str, Any]] = []
    pieces = source.pieces
    out: list[Piece] = []

    top = _top(collection)
    preamble = pieces[0]
    if top != source.top:
        if source.preamble_keys:
            return None
        top_doc: dict[str, Any] = {key: head[key] for key in ("format", "name", "description") if key in head}
        comment = _comment(collection.comment).strip("\n")
        body = toml.render(top_doc)
        body = f"{comment}\n\n{body}" if comment else body
        preamble = Piece("preamble", "", body, preamble.gap or "\n", order=0)
        rendered.append((body, top_doc))
    out.append(preamble)

    tables = _tables(head)
    replaced: dict[str, Piece | None] = {}
    for kind in TABLES:
        if tables[kind] == source.tables[kind]:
            continue
        if kind in source.preamble_keys or kind in source.scattered:
            return None
        old = next((piece for piece in pieces if piece.kind == kind), None)
        if tables[kind] is None:
            replaced[kind] = None
            continue
        body = toml.render({kind: tables[kind]})
        rendered.append((body, {kind: tables[kind]}))
        if old is None:
            replaced[kind] = Piece(kind, "", body, "\n")
        else:
            replaced[kind] = Piece(kind, old.head, body, old.gap or "\n", order=old.order)

    loaded = {id(request): index for index, (request, _, _) in enumerate(source.requests)}
    by_name = {request.name: index for index, (request, _, _) in enumerate(source.requests)}
    request_pieces = [piece for piece in pieces if piece.kind == "request"]
    used: set[int] = set()
    new_requests: list[tuple[Request, dict[str, Any], str]] = []
    placed: list[Piece] = []
    for request in collection.requests:
        doc = _snapshot(request)
        index = loaded.get(id(request))
        if index is None or index in used:
            index = by_name.get(request.name)
            if index is not None and (index in used or source.requests[index][1] != doc):
                index = None
        if index is not None:
            used.add(index)
            old = request_pieces[index]
            _, snapshot, comment = source.requests[index]
            if snapshot == doc and comment == request.comment:
                placed.append(old)
                new_requests.append((request, snapshot, comment))
                continue
            head_text = old.head if comment == request.comment else _comment_head(request.comment)
            body = _splice_request(old.body, snapshot, doc) or toml.render_entry("requests", doc)
            placed.append(Piece("request", head_text, body, old.gap or "\n", order=old.order))
        else:
            body = toml.render_entry("requests", doc)
            head_text = _comment_head(request.comment)
            placed.append(Piece("request", head_text, body, "\n"))
        rendered.append((head_text + body, {"requests": [doc]}))
        rendered_requests.append(doc)
        new_requests.append((request, doc, request.comment))

    # Requests fill the places requests had, in their new order; tables stay where they were.
    slots = sum(1 for piece in pieces if piece.kind == "request")
    pending = list(placed)
    inserted = {kind: piece for kind, piece in replaced.items() if piece is not None and piece.order < 0}
    seen_request = 0
    for piece in pieces[1:]:
        if piece.kind == "tail":
            if inserted:
                out.extend(inserted.values())
                inserted = {}
            out.extend(pending)
            pending = []
        if piece.kind == "request":
            if inserted:
                out.extend(inserted.values())
                inserted = {}
            seen_request += 1
            if pending:
                out.append(pending.pop(0))
            if seen_request == slots:
                out.extend(pending)
                pending = []
        elif piece.kind in replaced:
            new = replaced[piece.kind]
            if new is not None and new.order == piece.order:
                out.append(new)
        else:
            out.append(piece)

    # A piece keeps the blank lines after it when its old successor still follows it; a piece
    # in a new place gets one blank line before the next (none before an empty end).
    # New Piece objects where anything changed: the old source stays valid if this save fails,
    # and the new one holds exactly the text written.
    final: list[Piece] = []
    for position, piece in enumerate(out):
        following = out[position + 1] if position + 1 < len(out) else None
        if following is not None and not (piece.order >= 0 and following.order == piece.order + 1):
            body = piece.body
            if (piece.head or body) and not (piece.head + body).endswith("\n"):
                body += "\n"
            ends = following.kind == "tail" and not following.text
            gap = "" if ends or not (piece.head or body) else "\n"
            if (body, gap) != (piece.body, piece.gap):
                piece = dataclasses.replace(piece, body=body, gap=gap)
        final.append(piece if piece.order == position else dataclasses.replace(piece, order=position))
    out = final
    text = "".join(piece.text for piece in out)
    spliced_source = _Source(
        pieces=out,
        scattered=source.scattered,
        preamble_keys=source.preamble_keys,
        top=top,
        tables=tables,
        requests=new_requests,
    )
    return _Spliced(text, spliced_source, rendered, rendered_requests)


def _render_key(key: str, value: Any) -> tuple[str, str]:
    return split_rendered(toml.render_entry("requests", {key: value}))


def _splice_request(body: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """An edited request's text with only its changed keys rendered: untouched `key = value`
    lines and `[requests.key]` sections keep their text and comments. None when the old text
    is laid out in a way this does not follow, or the result would not read back as `new`."""
    parts = request_parts(body)
    if parts is None:
        return None
    changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    main: list[str] = []
    sections: list[str] = []
    done: set[str] = set()

    def put(key: str, lead: str) -> None:
        done.add(key)
        if key not in new:
            return  # removed: its lines (and the comments above them) go
        inline, section = _render_key(key, new[key])
        if inline:
            main.append(lead + inline)
        else:
            sections.append(section)

    for key, text in parts.main:
        if key not in changed:
            main.append(text)
        elif key not in done:
            put(key, leading_comments(text))
    for key, text in parts.sections:
        if key not in changed:
            sections.append(text)
        elif key not in done:
            put(key, "")
    for key in new:
        if key in changed and key not in done:
            put(key, "")
    result = parts.header + "".join(main) + "".join(sections)
    try:
        if tomllib.loads(result) != {"requests": [new]}:
            return None
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    return result


def _check_spliced(collection: Collection, spliced: _Spliced, label: str) -> bool:
    """Whether the spliced text surely loads back: every rendered piece parses to what it
    was rendered from, that passes the schema, and request names stay unique. Verbatim
    pieces loaded before and hold what their snapshot says."""
    try:
        for text, expected in spliced.rendered:
            if tomllib.loads(text) != expected:
                return False
        data: dict[str, Any] = {"format": collection.format, "requests": spliced.requests}
        data.update({kind: value for kind, value in spliced.source.tables.items() if value is not None})
        build_collection(data, label=label)
    except (CollectionError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return False
    names = [request.name for request in collection.requests]
    return len(set(names)) == len(names)


# -- save ---------------------------------------------------------------------------------


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _refuse(text: str, label: str, collection: Collection) -> None:
    """Raise `SaveError` when `text` would not load again as `collection` (the full check)."""
    try:
        loaded = loads(text)
    except CollectionError as error:
        message = re.sub(r"^<string>(?::\d+)*: ", "", str(error))
        raise SaveError(f"cannot save {label}: {message}; the file on disk was not changed", file=label) from None
    if loaded != collection and dumps(loaded) != dumps(collection):
        raise SaveError(
            f"cannot save {label}: the text written would not read back as edited (a bug in reqbench);"
            " the file on disk was not changed",
            file=label,
        )


_TOMLI_SAFE_DEPTH = 50


def _depth(value: Any, limit: int = _TOMLI_SAFE_DEPTH + 1) -> int:
    """How deeply lists and dicts nest in `value` (counting stops past `limit`)."""
    if limit <= 0 or not isinstance(value, (list, dict)):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(item, limit - 1) for item in items), default=0)


def _check_canonical(collection: Collection, source: _Source, text: str, label: str) -> None:
    # tomli reads deeper nesting than tomllib before a RecursionError: values nested that deep
    # (only `expect.json` can nest) are checked with the loader's own parser.
    deep = any(_depth(doc.get("expect", {}).get("json")) > _TOMLI_SAFE_DEPTH for _, doc, _ in source.requests)
    try:
        data = (tomllib.loads if deep else _check_parse)(text)
        expected = _head(collection)
        expected["requests"] = [doc for _, doc, _ in source.requests]
        if not collection.requests:
            del expected["requests"]
        if data == expected:
            build_collection(data, label=label)
            return
    except (CollectionError, _CheckDecodeError, ValueError, RecursionError):
        pass  # the exact check below says what is wrong
    _refuse(text, label, collection)


def _text_to_save(collection: Collection, label: str) -> tuple[str, _Source]:
    """The text to write (spliced into the loaded text where there is one) and its pieces."""
    source = collection.source if isinstance(collection.source, _Source) else None
    spliced = _splice(collection, source) if source is not None else None
    if spliced is not None:
        if not _check_spliced(collection, spliced, label):
            _refuse(spliced.text, label, collection)
        return spliced.text, spliced.source
    canonical = _canonical(collection)
    text = "".join(piece.text for piece in canonical.pieces)
    _check_canonical(collection, canonical, text, label)
    return text, canonical


#: The temporary files `save` writes beside the target: `.NAME.<8 hex digits>.tmp`.
STALE_TEMP_AGE = 60.0


def _temp_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.tmp")


def _remove_stale_temps(real: Path) -> list[Path]:
    """Remove our own temporary files a killed save left beside `real`.

    Only names of exactly the pattern `save` creates, regular files owned by this user, not
    locked (a live save holds an exclusive `flock` on its temp file while writing it) and
    older than `STALE_TEMP_AGE` seconds (so a save that has just created its file and not yet
    locked it is left alone, and platforms without `flock` rely on age alone).
    """
    pattern = _temp_pattern(real.name)
    removed: list[Path] = []
    try:
        names = [name for name in os.listdir(real.parent) if pattern.fullmatch(name)]
    except OSError:
        return removed
    now = time.time()
    for name in names:
        candidate = real.parent / name
        try:
            fd = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue  # gone already, or a symlink: not ours
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or now - info.st_mtime < STALE_TEMP_AGE:
                continue
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # a live save is writing it
            os.unlink(candidate)
            removed.append(candidate)
        except OSError:
            continue  # removed meanwhile or not ours to remove; never fail a save for it
        finally:
            os.close(fd)
    return removed


def save(collection: Collection, path: Path | str | None = None, *, expect_absent: bool = False) -> Path:
    """Write `collection` atomically to `path` (default: `collection.path`) and return the path.

    When the collection was loaded from a file, only what was edited changes in it: every
    request and table whose model is unchanged is written back byte for byte with its
    comments; edited ones are rendered canonically in their place, keeping the comment lines
    above them. New files are canonical (`dumps`).

    The text is checked first: a collection that could not be loaded again (say two requests
    with the same name) is refused with `SaveError`. A temporary file in the same folder is
    written, flushed and fsynced, then renamed over the target, whose permission bits are kept. If anything fails the old file is untouched, the
    temporary file is removed and `SaveError` is raised. A symlinked target is written through.
    Temporary files an earlier, killed save left behind are removed (`_remove_stale_temps`).

    `expect_absent=True` is for a file that did not exist when it was opened: if one has
    appeared at `path` since, nothing is written and `SaveTargetExists` is raised (the UI
    asks, then saves again without the flag to overwrite).
    """
    if path is None:
        if collection.path is None:
            raise SaveError("nowhere to save: the collection has no file yet; choose a path")
        path = collection.path
    target = Path(path)
    label = str(target)
    collecting = gc.isenabled()
    gc.disable()  # rendering and checking allocate many short-lived objects: ~30% of a big save
    try:
        text, source = _text_to_save(collection, label)
    except RecursionError:  # rendering a value nested hundreds deep (an expect.json)
        raise SaveError(
            f"cannot save {label}: a value is nested too deeply to read back; the file on disk was not changed",
            file=label,
        ) from None
    finally:
        if collecting:
            gc.enable()
    data = text.encode("utf-8")
    real = Path(os.path.realpath(target))
    try:
        mode: int | None = real.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise SaveError(f"cannot save {label}: {error.strerror or error}", file=label) from None
    if expect_absent and (mode is not None or os.path.lexists(target)):
        raise _appeared(label)
    _remove_stale_temps(real)
    temp = real.with_name(f".{real.name}.{secrets.token_hex(4)}.tmp")
    fd: int | None = None
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # tells `_remove_stale_temps` elsewhere: alive
            except OSError:
                pass  # no locks on this file system: the age rule alone protects the file
        if mode is not None:
            os.fchmod(fd, mode)  # the umask may have stripped bits the old file had
        _write_all(fd, data)
        os.fsync(fd)
        if expect_absent:
            _link_new(temp, real, label)
        else:
            os.replace(temp, real)
        os.close(fd)
        fd = None
    except OSError as error:
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass  # already failing; the original error is the one to report
        try:
            os.unlink(temp)
        except OSError:
            pass  # never created, or already gone
        reason = error.strerror or str(error)
        raise SaveError(f"cannot save {label}: {reason}; the file on disk was not changed", file=label) from None
    except SaveTargetExists:
        if fd is not None:
            os.close(fd)
        os.unlink(temp)
        raise
    _fsync_folder(real.parent)
    collection.path = target
    collection.source = source
    return target


def _appeared(label: str) -> SaveTargetExists:
    return SaveTargetExists(
        f"cannot save {label}: a file was created there by another program since it was opened;"
        " it was not changed (save again to overwrite it)",
        file=label,
    )


def _link_new(temp: Path, real: Path, label: str) -> None:
    """Put `temp` at `real` only if nothing is there: a hard link fails if the name exists."""
    try:
        os.link(temp, real)
    except FileExistsError:
        raise _appeared(label) from None
    except OSError:
        # No hard links here (some network/FAT file systems): check, then rename (a small race).
        if os.path.lexists(real):
            raise _appeared(label) from None
        os.replace(temp, real)
        return
    os.unlink(temp)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable where the platform allows it (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the data itself is synced
    finally:
        os.close(fd)


# -- fingerprint --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a file looked like: compare two to tell whether it changed on disk."""

    mtime_ns: int
    size: int
    sha256: str


def fingerprint(path: Path | str) -> Fingerprint:
    """The current fingerprint of `path`. Raises `CollectionError` when it cannot be read."""
    label = str(path)
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        raise CollectionError(f"{label}: cannot read: {error.strerror or error}", file=label) from None
    return Fingerprint(mtime_ns=stat.st_mtime_ns, size=stat.st_size, sha256=digest)
