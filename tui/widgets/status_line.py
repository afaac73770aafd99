"""The status line at the top and the resolved-URL preview under the URL bar.

Both are one-line labels given their text by the app from the `Workspace`; an empty text hides
the preview (the `-shown` class, styled in `app.tcss`).
"""

from __future__ import annotations

from textual.widgets import Label

from tui.core.workspace import Workspace

__all__ = ["StatusLine", "UrlPreview", "status_text"]


def status_text(workspace: Workspace, *, dirty: bool, sending: bool) -> str:
    """`file ●  ·  env: X  ·  2/5 name  ·  unknown: …  ·  sending…  ·  overrides: …`"""
    collection = workspace.collection
    name = collection.path.name if collection.path else "scratch (not saved)"
    parts = [f"{name}{' ●' if dirty else ''}"]
    parts.append(f"env: {workspace.environment or '-'}")
    parts.append(f"{workspace.current + 1}/{len(collection.requests)} {workspace.request.name}")
    problems = workspace.unknown_variables()
    if problems:
        parts.append("unknown: " + ", ".join(problems))
    if sending:
        parts.append("sending… (esc cancels)")
    if workspace.overrides:
        # Values given from outside (`reqbench demo`'s base): they win over any environment.
        # Last, so that at 80 columns they are what gets cut, not the request's name.
        parts.append("overrides: " + ", ".join(f"{k}={v}" for k, v in sorted(workspace.overrides.items())))
    return "  ·  ".join(parts)


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
