"""The status line at the top and the resolved-URL preview under the URL bar.

Both are one-line labels given their text by the app from the `Workspace`; an empty text hides
the preview (the `-shown` class, styled in `app.tcss`).
"""

from __future__ import annotations

from textual.widgets import Label

from tui.core.workspace import Workspace

__all__ = ["StatusLine", "UrlPreview", "status_text"]


def status_text(workspace: Workspace, *, dirty: bool, sending: bool) -> str:
    """`file ●  ·  env: X  ·  base=127.0.0.1:8080 pinned  ·  2/5 name  ·  unknown: …  ·  sending…`"""
    collection = workspace.collection
    name = collection.path.name if collection.path else "scratch (not saved)"
    parts = [f"{name}{' ●' if dirty else ''}"]
    parts.append(f"env: {workspace.environment or '-'}")
    if workspace.overrides:
        # Values given from outside (`reqbench demo`'s base) win over any environment: said
        # next to it, short, so that at 80 columns it is not what gets cut.
        parts.append(", ".join(f"{k}={_short(v)} pinned" for k, v in sorted(workspace.overrides.items())))
    parts.append(f"{workspace.current + 1}/{len(collection.requests)} {workspace.request.name}")
    problems = workspace.unknown_variables()
    if problems:
        parts.append("unknown: " + ", ".join(problems))
    if sending:
        parts.append("sending… (esc cancels)")
    return "  ·  ".join(parts)


def _short(value: str) -> str:
    return value.removeprefix("http://").removeprefix("https://")


class _Line(Label):
    def __init__(self, text: str, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(text, id=id, markup=False, classes="-shown" if text else "")

    def show_text(self, text: str) -> None:
        if self.content != text:
            self.update(text)
        self.set_class(bool(text), "-shown")


class StatusLine(_Line):
    """The session at a glance (`status_text`)."""


class UrlPreview(_Line):
    """`→ URL` as it will be sent while the URL holds `{{variables}}` (`Workspace.url_preview`)."""
