"""A recovery copy of a collection, written when the workbench must exit on an unexpected error
so unsaved edits are never lost.

    recovery_path(collection) -> Path           # `.NAME.recovery.toml` beside the file
    write_recovery_copy(collection) -> Path     # writes it atomically; returns where

The copy is the canonical TOML of the collection as it is in memory (`store.dumps`), written to
a temporary file beside it, fsynced and renamed: never the original file, never half written.
It is not validated (a collection with, say, two requests of one name is still worth keeping).
A newer copy replaces an older one. When the collection's folder cannot be written (or the
collection has no file yet and the current folder cannot be), the copy goes to the temp folder.
Raises `SaveError` only when no copy could be written at all.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from tui.core.collection.model import Collection
from tui.core.collection.store import dumps
from tui.core.errors import SaveError

__all__ = ["recovery_path", "write_recovery_copy"]


def recovery_path(collection: Collection, folder: Path | None = None) -> Path:
    stem = collection.path.stem if collection.path is not None else "untitled"
    return (folder or collection.folder) / f".{stem}.recovery.toml"


def _write_atomically(target: Path, data: bytes) -> None:
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # may hold secrets typed in
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    os.close(fd)
    try:
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_recovery_copy(collection: Collection) -> Path:
    """Write `.NAME.recovery.toml` beside the collection (or in the temp folder); return it."""
    data = dumps(collection).encode("utf-8")
    original = Path(os.path.realpath(collection.path)) if collection.path is not None else None
    problems: list[str] = []
    for folder in (collection.folder, Path(tempfile.gettempdir())):
        target = recovery_path(collection, folder)
        if original is not None and Path(os.path.realpath(target)) == original:
            problems.append(f"{target} is the collection itself")  # a symlink planted there
            continue
        try:
            _write_atomically(target, data)
        except OSError as error:
            problems.append(f"{target}: {error.strerror or error}")
            continue
        return target
    raise SaveError("cannot write a recovery copy: " + "; ".join(problems), file=str(collection.path or ""))
