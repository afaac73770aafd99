"""Saving a response body to a file (`s` in the response pane): the name to suggest and the
write itself (run in a thread by the pane)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from tui.core.engine.response import Response

__all__ = ["suggested_filename", "write_body"]


def suggested_filename(response: Response | None, kind: str) -> str:
    """The URL's last path segment, with a suffix for the body's kind when it has none."""
    name = ""
    if response is not None:
        name = Path(urlsplit(response.url).path).name
        if not Path(name).suffix:
            name = (name or "response") + {"json": ".json", "binary": ".bin"}.get(kind, ".txt")
    return name or "response.txt"


def write_body(response: Response, path: Path, *, overwrite: bool = False) -> int:
    """Write the decoded body (exactly as received) to `path` atomically (a temp file, then a
    link or rename: a full disk never leaves a truncated file); its size. An existing file is
    replaced only with `overwrite`. Raises `FileWriteError` (the full path in its message)."""
    from tui.core.engine import save_body_atomically

    source = response.body_path if response.body_path is not None else response.content
    written = save_body_atomically(path, source, overwrite=overwrite)
    return written.stat().st_size
