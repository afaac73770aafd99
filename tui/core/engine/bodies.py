"""Request bodies: turn a `ResolvedBody` into what httpx sends, as collection-format.md says.

| kind      | sent as                                   | default Content-Type                |
|-----------|-------------------------------------------|-------------------------------------|
| text      | UTF-8 bytes                               | text/plain; charset=utf-8           |
| json      | the text exactly as typed (validated)     | application/json                    |
| form      | urlencoded, order and repeats kept        | application/x-www-form-urlencoded   |
| multipart | httpx multipart, files passed open        | multipart/form-data; boundary=...   |
| file      | aiofiles stream + explicit Content-Length | application/octet-stream            |
| stream    | aiofiles in chunk_size pieces, chunked    | application/octet-stream            |
| base64    | decoded bytes                             | application/octet-stream            |

Problems found before sending raise `BodyError` (bad JSON/base64) or `PathError` (unreadable file).
"""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

import aiofiles
import httpx

from tui.core.errors import BodyError, PathError
from tui.core.engine.resolved import ResolvedBody

__all__ = ["FILE_READ_SIZE", "EncodedBody", "encode_body"]

FILE_READ_SIZE = 1024 * 1024  # read size for `file` bodies (Content-Length known, no chunking)

DEFAULT_CONTENT_TYPES = {
    "text": "text/plain; charset=utf-8",
    "json": "application/json",
    "form": "application/x-www-form-urlencoded",
    "file": "application/octet-stream",
    "stream": "application/octet-stream",
    "base64": "application/octet-stream",
}


class UploadCounter:
    """Counts bytes pulled from an upload stream; the engine attaches a progress callback."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.done = 0
        self.on_progress: Callable[[int], None] | None = None
        self.on_finish: Callable[[], None] | None = None

    def add(self, count: int) -> None:
        self.done += count
        if self.on_progress is not None:
            self.on_progress(self.done)

    def finish(self) -> None:
        if self.on_finish is not None:
            self.on_finish()


@dataclass(slots=True)
class EncodedBody:
    """Keyword arguments for `httpx.AsyncClient.build_request` plus what to clean up."""

    content: bytes | AsyncIterator[bytes] | None = None
    files: list[tuple[str, Any]] | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)  # Content-Type / Content-Length
    upload: UploadCounter | None = None  # file / stream bodies; multipart once finish() ran
    size: int | None = None  # bytes to send when known up front
    open_files: list[IO[bytes]] = field(default_factory=list)
    multipart_type: str | None = None  # a content_type override of a multipart body

    def close(self) -> None:
        for handle in self.open_files:
            handle.close()
        self.open_files.clear()

    def finish(self, request: httpx.Request) -> None:
        """Adjust the built request: a multipart body is counted for upload progress, and a
        multipart content_type override keeps httpx's boundary."""
        if self.files is None:
            return
        length = request.headers.get("content-length")
        self.size = int(length) if length is not None and length.isdigit() else None
        self.upload = UploadCounter(self.size)
        request.stream = _CountingStream(request.stream, self.upload)
        if self.multipart_type is not None:
            generated = request.headers.get("content-type", "")
            _, _, params = generated.partition(";")
            request.headers["Content-Type"] = f"{self.multipart_type};{params}" if params else self.multipart_type


class _CountingStream(httpx.AsyncByteStream):
    """Wraps httpx's multipart stream to count the bytes pulled by the transport."""

    def __init__(self, inner: Any, counter: UploadCounter) -> None:
        self._inner = inner
        self._counter = counter

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._counter.add(len(chunk))
            yield chunk
        self._counter.finish()

    async def aclose(self) -> None:
        close = getattr(self._inner, "aclose", None)
        if close is not None:
            await close()


def _file_size(path: Path | None, what: str) -> tuple[Path, int]:
    if path is None:
        raise PathError(f"the {what} body has no file path", path="")
    try:
        stat = path.stat()
    except ValueError as exc:  # a NUL in the path
        raise PathError(f"cannot read {what} body file {str(path)!r}: {exc}", path=path) from exc
    except OSError as exc:
        raise PathError(f"cannot read {what} body file {path}: {exc.strerror or exc}", path=path) from exc
    if not path.is_file():
        raise PathError(f"{what} body {path} is not a regular file", path=path)
    return path, stat.st_size


async def _aiter_file(path: Path, read_size: int, counter: UploadCounter) -> AsyncIterator[bytes]:
    async with aiofiles.open(path, "rb") as handle:
        while True:
            chunk = await handle.read(read_size)
            if not chunk:
                break
            counter.add(len(chunk))
            yield chunk
    counter.finish()


def _multipart(body: ResolvedBody, encoded: EncodedBody, *, add_content_type: bool) -> None:
    files: list[tuple[str, Any]] = []
    try:
        for part in body.parts:
            if part.file is None:
                # A part without a filename is a form field, kept in order; its Content-Type
                # only when one is given.
                value = (part.value or "").encode("utf-8")
                files.append((part.name, (None, value, part.content_type) if part.content_type else (None, value)))
                continue
            path, _ = _file_size(part.file, f"multipart part {part.name!r}")
            filename = part.filename or path.name
            content_type = part.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
            try:
                handle = open(path, "rb")  # noqa: SIM115 - httpx reads it lazily, closed by close()
            except OSError as exc:
                raise PathError(f"cannot open {path}: {exc.strerror or exc}", path=path) from exc
            encoded.open_files.append(handle)
            files.append((part.name, (filename, handle, content_type)))
    except BaseException:
        encoded.close()
        raise
    encoded.files = files
    if body.content_type and add_content_type:
        # httpx writes `multipart/form-data; boundary=...`; `finish()` swaps in the override.
        encoded.multipart_type = body.content_type.split(";", 1)[0].strip()


def encode_body(body: ResolvedBody | None, *, has_content_type: bool) -> EncodedBody:
    """Encode `body`; `has_content_type` says the user set a Content-Type header (it wins)."""
    encoded = EncodedBody()
    if body is None:
        return encoded
    kind = body.kind
    if kind == "text":
        encoded.content = body.text.encode("utf-8")
    elif kind == "json":
        try:
            json.loads(body.text)
        except ValueError as exc:
            raise BodyError(f"JSON body does not parse: {exc}") from exc
        encoded.content = body.text.encode("utf-8")
    elif kind == "form":
        encoded.content = urlencode(list(body.form)).encode("ascii")
    elif kind == "base64":
        try:
            encoded.content = base64.b64decode(body.text.strip(), validate=False)
        except (binascii.Error, ValueError) as exc:
            raise BodyError(f"base64 body does not decode: {exc}") from exc
    elif kind == "file":
        path, size = _file_size(body.path, "file")
        encoded.upload = UploadCounter(size)
        encoded.content = _aiter_file(path, max(body.chunk_size, FILE_READ_SIZE), encoded.upload)
        encoded.headers.append(("Content-Length", str(size)))
        encoded.size = size
    elif kind == "stream":
        path, size = _file_size(body.path, "stream")
        encoded.upload = UploadCounter(size)
        encoded.content = _aiter_file(path, max(body.chunk_size, 1), encoded.upload)
    elif kind == "multipart":
        # A user Content-Type header wins, as for every kind (it should carry a boundary=).
        _multipart(body, encoded, add_content_type=not has_content_type)
        return encoded
    else:  # pragma: no cover - model guarantees the kind
        raise BodyError(f"unknown body kind {kind!r}")
    if isinstance(encoded.content, bytes):
        encoded.size = len(encoded.content)
    if not has_content_type:
        encoded.headers.append(("Content-Type", body.content_type or DEFAULT_CONTENT_TYPES[kind]))
    return encoded
