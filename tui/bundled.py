"""The example collection shipped with reqbench, for `reqbench` (no argument) and `reqbench demo`.

    bundled_collection(package=None) -> Path | None   where `quickstart.toml` is shipped
    default_collection() -> Path | None               the one to open: it, or a private copy

A wheel ships it inside the package (`tui/collections/`, see pyproject.toml); a source checkout
has it next to the package (`collections/`). No Textual, no click: the CLI's fast paths use it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["QUICKSTART", "bundled_collection", "default_collection"]

QUICKSTART = "quickstart.toml"


def bundled_collection(package: Path | None = None) -> Path | None:
    """`quickstart.toml` in the package's `collections/` (a wheel) or beside the package (a
    checkout), in that order: next to an installed package is site-packages, where another
    distribution's `collections/` could be. `package` is the `tui` folder (default: this one)."""
    if package is None:
        import tui

        package = Path(tui.__file__).resolve().parent
    for folder in (package / "collections", package.parent / "collections"):
        if (folder / QUICKSTART).is_file():
            return folder / QUICKSTART
    return None


def default_collection() -> Path | None:
    """The bundled collection where its folder can be written (a checkout, a user install),
    else a private copy of that folder (a read-only site-packages), so that saving it and its
    download request work. None when the installation lacks it."""
    bundled = bundled_collection()
    if bundled is None or _writable(bundled.parent):
        return bundled
    import shutil
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="reqbench-")) / "collections"
    shutil.copytree(bundled.parent, copy, ignore=shutil.ignore_patterns("downloads", "__pycache__"))
    return copy / QUICKSTART


def _writable(folder: Path) -> bool:
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False
