"""Saving a response body to a file (`s` in the response pane): the name to suggest and the
write itself (run in a thread by the pane)."""

from __future__ import annotations

import shutil
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


def write_body(response: Response, path: Path) -> int:
    """Write the decoded body (exactly as received) to `path`; its size. Raises OSError."""
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory", str(path))
    if response.body_path is not None:
        shutil.copyfile(response.body_path, path)
        return path.stat().st_size
    path.write_bytes(response.content)
    return len(response.content)
