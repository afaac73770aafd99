"""Where a response body goes: memory (spilling to a temp file above a limit) or a download file.

Files are opened as new files that are never symlinks (`files.open_part`, `tempfile.mkstemp`).
Spill files are named `reqbench-<pid>-XXXX.body`; `clean_stale_spills()` (run when an Engine
starts) deletes only such files of ours whose process is gone (see its docstring).

Writes are batched (one aiofiles thread hop per `WRITE_BATCH` bytes, not per network chunk) and
pipelined: one batch is written in a worker thread while the next one fills. A batch is also
written once `FLUSH_AFTER` seconds have passed since the last one, so a slow (drip) download
reaches the `.part` on disk as it arrives instead of sitting in memory until 1 MiB came.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiofiles

from tui.core.engine.files import open_part

__all__ = [
    "PREVIEW_LIMIT",
    "SPILL_PREFIX",
    "STALE_UNKNOWN_AGE_S",
    "WRITE_BATCH",
    "FLUSH_AFTER",
    "DownloadSink",
    "FileSink",
    "MemorySink",
    "clean_stale_spills",
    "part_path_for",
]

SPILL_PREFIX = "reqbench-"
STALE_UNKNOWN_AGE_S = 24 * 3600  # a spill file without a pid in its name: stale after a day
_SPILL_NAME = re.compile(r"reqbench-(?:(\d+)-)?[A-Za-z0-9_]+\.body")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, someone else's
        return True
    return True


def clean_stale_spills(spill_dir: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Delete stale spill files of ours in `spill_dir` (default: the temp folder); return them.

    Only regular files (never symlinks) owned by this user and named `reqbench-<pid>-XXXX.body`
    whose process no longer runs; or named `reqbench-XXXX.body` (older versions, no pid) and
    untouched for STALE_UNKNOWN_AGE_S. A live reqbench's spills are never touched."""
    folder = Path(tempfile.gettempdir()) if spill_dir is None else spill_dir
    removed: list[Path] = []
    now = time.time() if now is None else now
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _SPILL_NAME.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or (uid is not None and info.st_uid != uid):
            continue
        pid = match.group(1)
        if pid is not None:
            stale = int(pid) != os.getpid() and not _process_alive(int(pid))
        else:
            stale = now - info.st_mtime > STALE_UNKNOWN_AGE_S
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed

WRITE_BATCH = 1024 * 1024
FLUSH_AFTER = 0.5  # seconds: a slow download is on disk at most this late
PREVIEW_LIMIT = 1024 * 1024  # what `Response.content` keeps of a spilled or downloaded body


def part_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".part")


class FileSink:
    """Appends bytes to a file in batches of at least `batch` bytes, one write in flight."""

    def __init__(self, path: Path, *, batch: int = WRITE_BATCH, opener: Callable[[Path], int] | None = None) -> None:
        self.path = path
        self._opener = opener  # returns an fd open for writing; None: open(path, "wb")
        self.batch = max(batch, 1)
        self.written = 0  # bytes handed to write(), buffered or not
        self._buffer = bytearray()
        self._file: Any = None
        self._pending: asyncio.Future[Any] | None = None
        self._flushed_at = time.monotonic()

    async def open(self) -> None:
        if self._opener is None:
            self._file = await aiofiles.open(self.path, "wb")
        else:
            self._file = await aiofiles.open(self._opener(self.path), "wb")

    async def write(self, data: bytes | bytearray) -> None:
        self._buffer += data
        self.written += len(data)
        if len(self._buffer) >= self.batch or time.monotonic() - self._flushed_at >= FLUSH_AFTER:
            await self._flush_buffer()

    async def _flush_buffer(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            await pending
        if self._buffer:
            chunk, self._buffer = self._buffer, bytearray()
            self._pending = asyncio.ensure_future(self._write_through(chunk))
        self._flushed_at = time.monotonic()

    async def _write_through(self, chunk: bytes | bytearray) -> None:
        await self._file.write(chunk)
        if len(chunk) < self.batch:  # a timed flush: past the file object's own buffer too
            await self._file.flush()

    async def close(self) -> None:
        """Write what is buffered and close; raises OSError if a write failed."""
        try:
            await self._flush_buffer()
            if self._pending is not None:
                pending, self._pending = self._pending, None
                await pending
        finally:
            await self._close_file()

    async def abort(self) -> None:
        """Best effort on failure/cancel: write what arrived (so `.part` holds it), then close."""
        with contextlib.suppress(OSError, ValueError):  # the error being reported matters more
            await self.close()
        await self._close_file()

    async def _close_file(self) -> None:
        if self._file is not None:
            file, self._file = self._file, None
            with contextlib.suppress(OSError):
                await file.close()


class MemorySink:
    """Keeps the body in memory up to `memory_limit`; beyond it spills everything to a temp file."""

    def __init__(self, *, memory_limit: int, spill_dir: Path | None) -> None:
        self.memory_limit = memory_limit
        self.spill_dir = spill_dir
        self.size = 0
        self._buffer = bytearray()
        self._spill: FileSink | None = None
        self._preview = b""

    @property
    def spill_path(self) -> Path | None:
        return None if self._spill is None else self._spill.path

    async def write(self, data: bytes) -> None:
        self.size += len(data)
        if self._spill is not None:
            await self._spill.write(data)
            return
        self._buffer += data
        if len(self._buffer) > self.memory_limit:
            await self._start_spill()

    async def _start_spill(self) -> None:
        if self.spill_dir is not None:
            self.spill_dir.mkdir(parents=True, exist_ok=True)
        # mkstemp: O_EXCL | O_NOFOLLOW, mode 0600; we write through that very descriptor
        fd, name = tempfile.mkstemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-", suffix=".body", dir=self.spill_dir)
        self._spill = FileSink(Path(name), opener=lambda _path: fd)
        await self._spill.open()
        self._preview = bytes(self._buffer[: min(PREVIEW_LIMIT, self.memory_limit)])
        buffered, self._buffer = self._buffer, bytearray()
        await self._spill.write(buffered)

    async def finish(self) -> tuple[bytes, Path | None]:
        """(content, spill path or None)."""
        if self._spill is None:
            return bytes(self._buffer), None
        await self._spill.close()
        return self._preview, self._spill.path

    async def abort(self) -> None:
        self._buffer = bytearray()
        if self._spill is not None:
            await self._spill.abort()
            with contextlib.suppress(OSError):
                self._spill.path.unlink()


class DownloadSink:
    """Streams to `path.part` and renames to `path` only on `finish()`; failures keep `.part`."""

    def __init__(self, path: Path, *, chunk_size: int) -> None:
        self.path = path
        self.part_path = part_path_for(path)
        # Written in pieces of at least `chunk_size`, batched to WRITE_BATCH so that a small
        # chunk_size does not cost a thread hop per piece.
        self._file = FileSink(self.part_path, batch=max(chunk_size, WRITE_BATCH), opener=open_part)
        self._preview = bytearray()

    @property
    def size(self) -> int:
        return self._file.written

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        await self._file.open()

    async def write(self, data: bytes) -> None:
        if len(self._preview) < PREVIEW_LIMIT:
            self._preview += data[: PREVIEW_LIMIT - len(self._preview)]
        await self._file.write(data)

    async def finish(self) -> bytes:
        await self._file.close()
        os.replace(self.part_path, self.path)
        return bytes(self._preview)

    async def abort(self) -> None:
        await self._file.abort()
