"""Load and save collections as TOML (format: shared/collection-format.md).

Public surface (others code against it):

    load(path) -> Collection                      # raises TomlSyntaxError / SchemaError (file, line, col / request, key)
    loads(text, *, path=None) -> Collection
    dumps(collection) -> str                      # canonical: same model -> same bytes; default values omitted
    save(collection, path=None) -> Path           # atomic (temp in same folder, fsync, os.replace), keeps mode;
                                                  # raises SaveError leaving the old file intact
    fingerprint(path) -> Fingerprint              # to warn "changed on disk since opened"

Anything `load`/`loads` raise is a `CollectionError` (syntax, schema, unreadable file), with a
message that names the file and says what is wrong and where.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
import re
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.collection import writer as toml
from tui.core.collection.locate import Locator
from tui.core.collection.schema import build_collection
from tui.core.errors import CollectionError, SaveError, TomlSyntaxError
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
    if "#" in text and collection.requests:
        locator = Locator(text, len(collection.requests))
        for index, request in enumerate(collection.requests):
            request.comment = locator.comment_above(index, first_line)
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


def _document(collection: Collection) -> dict[str, Any]:
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
    if collection.requests:
        doc["requests"] = toml.AoT(
            toml.Entry(_request(request), comment=_comment(request.comment)) for request in collection.requests
        )
    return doc


def dumps(collection: Collection) -> str:
    """The canonical TOML text of `collection`: same model, same text; defaults left out.

    `collection.comment` (the comment block the file started with) is written first.
    """
    text = toml.render(_document(collection))
    comment = _comment(collection.comment).strip("\n")
    return f"{comment}\n\n{text}" if comment else text


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


# -- save ---------------------------------------------------------------------------------


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def save(collection: Collection, path: Path | str | None = None) -> Path:
    """Write `collection` atomically to `path` (default: `collection.path`) and return the path.

    The text is checked first: a collection that could not be loaded again (say two requests
    with the same name) is refused with `SaveError`. A temporary file in the same folder is
    written, flushed and fsynced, then renamed over the target, whose permission bits are kept. If anything fails the old file is untouched, the
    temporary file is removed and `SaveError` is raised. A symlinked target is written through.
    """
    if path is None:
        if collection.path is None:
            raise SaveError("nowhere to save: the collection has no file yet; choose a path")
        path = collection.path
    target = Path(path)
    label = str(target)
    text = dumps(collection)
    try:
        loads(text)  # never write a file we could not open again
    except CollectionError as error:
        message = re.sub(r"^<string>(?::\d+)*: ", "", str(error))
        raise SaveError(f"cannot save {label}: {message}; the file on disk was not changed", file=label) from None
    data = text.encode("utf-8")
    real = Path(os.path.realpath(target))
    try:
        mode: int | None = real.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise SaveError(f"cannot save {label}: {error.strerror or error}", file=label) from None
    temp = real.with_name(f".{real.name}.{secrets.token_hex(4)}.tmp")
    fd: int | None = None
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
        if mode is not None:
            os.fchmod(fd, mode)  # the umask may have stripped bits the old file had
        _write_all(fd, data)
        os.fsync(fd)
        os.close(fd)
        fd = None
        os.replace(temp, real)
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
    _fsync_folder(real.parent)
    collection.path = target
    return target


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
