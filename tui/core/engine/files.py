"""Files we write: never through a symbolic link, never over a file we did not mean to replace.

    open_new(path) -> int                      # O_CREAT|O_EXCL|O_NOFOLLOW: a fresh file or an error
    open_part(part_path) -> int                # a download's `.part`: a leftover regular file is
                                               # replaced, a symlink (or anything else) refused
    check_real_folder(path)                    # the folder holding `path` is not (no longer) a symlink
    save_body_atomically(path, data_or_file, *, overwrite) -> Path

`save_body_atomically` is what the workbench's save-body dialog (`s`) calls, in a thread worker
(it blocks on the disk): it writes a temp file next to `path` (O_EXCL, never followed), fsyncs
it, then links it into place (refusing an existing file unless `overwrite`) or renames over it
(`overwrite=True`), so a full disk or a crash leaves the old file or no file, never a truncated
one. Every error is a `FileWriteError` naming the full path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from tui.core import errors

__all__ = ["check_real_folder", "open_new", "open_part", "save_body_atomically"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_COPY_PIECE = 1024 * 1024


def check_real_folder(path: Path) -> None:
    """Refuse when the folder of `path` resolves elsewhere than it says (a symlink swapped in
    after the path was checked against the collection's folder)."""
    folder = path.parent
    if os.path.realpath(folder) != os.path.abspath(folder):
        raise errors.DownloadError(f"the folder {folder} is (or passes through) a symbolic link to {os.path.realpath(folder)}; refusing to write {path.name} there")


def open_new(path: Path) -> int:
    """A new file at `path` for writing; FileExistsError if anything (even a dangling symlink) is there."""
    return os.open(path, _NEW_FLAGS, 0o666)


def open_part(part_path: Path) -> int:
    """Open a download's `.part` for writing, as a new regular file of ours."""
    check_real_folder(part_path)
    try:
        info = os.lstat(part_path)
    except FileNotFoundError:
        pass
    else:
        if stat.S_ISLNK(info.st_mode):
            raise errors.DownloadError(f"{part_path} is a symbolic link (to {os.readlink(part_path)}); refusing to write through it — remove it")
        if not stat.S_ISREG(info.st_mode):
            raise errors.DownloadError(f"{part_path} exists and is not a regular file; refusing to write to it")
        part_path.unlink()  # a leftover of an interrupted download: start again
    try:
        return open_new(part_path)
    except FileExistsError:
        raise errors.DownloadError(f"{part_path} appeared while the download started (another process?); not written") from None
    except OSError as exc:
        raise errors.DownloadError(f"cannot create {part_path}: {exc.strerror or exc}") from exc


def _copy_into(fd: int, data_or_file: bytes | bytearray | memoryview | Path | BinaryIO) -> None:
    with open(fd, "wb", closefd=False) as out:
        if isinstance(data_or_file, (bytes, bytearray, memoryview)):
            out.write(data_or_file)
        elif isinstance(data_or_file, Path):
            with data_or_file.open("rb") as source:
                shutil.copyfileobj(source, out, _COPY_PIECE)
        else:
            shutil.copyfileobj(data_or_file, out, _COPY_PIECE)
        out.flush()
        os.fsync(out.fileno())


def save_body_atomically(path: Path, data_or_file: bytes | bytearray | memoryview | Path | BinaryIO, *, overwrite: bool) -> Path:
    """Write `data_or_file` (bytes, a file to copy such as `Response.body_path`, or an open binary
    file) to `path` atomically; returns the absolute path written. Raises `FileWriteError`
    (full path in the message) if `path` exists and not `overwrite`, or on any write error."""
    target = Path(os.path.abspath(path))
    if target.is_dir():
        raise errors.FileWriteError(f"{target} is a folder; give a file name", path=target)
    if not overwrite and os.path.lexists(target):
        raise errors.FileWriteError(f"{target} already exists; choose another name or confirm overwriting it", path=target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise errors.FileWriteError(f"cannot write {target}: {exc.strerror or exc}", path=target) from exc
    tmp = Path(tmp_name)
    try:
        try:
            _copy_into(fd, data_or_file)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, target)  # replaces a symlink itself, never what it points to
        else:
            os.link(tmp, target)  # atomic and never clobbers: EEXIST if someone created it meanwhile
    except FileExistsError:
        raise errors.FileWriteError(f"{target} already exists; choose another name or confirm overwriting it", path=target) from None
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.ENOTSUP, errno.EXDEV) and not overwrite and not os.path.lexists(target):
            # a file system without hard links: rename (the lexists check just above stays the guard)
            with contextlib.suppress(OSError):
                os.rename(tmp, target)
                return target
        raise errors.FileWriteError(f"cannot write {target}: {exc.strerror or exc}; the old file, if any, is unchanged", path=target) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target
