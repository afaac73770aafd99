"""Ask where to save the response body (`s` in the response pane).

    await SaveBodyScreen.ask(app, suggestion, callback)   # from a key's action

The path field has the focus as soon as the dialog is up, also for keys typed in the same
burst as the `s` that opened it (`ask` waits for the mount and moves the focus at once).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

__all__ = ["SaveBodyScreen"]


class SaveBodyScreen(ModalScreen[str | None]):
    """Ask for a path to save the body to; dismisses with the path, or None."""

    DEFAULT_CSS = """
    SaveBodyScreen { align: center middle; }
    SaveBodyScreen > Vertical {
        width: 70; max-width: 90%; height: auto; padding: 1 2;
        background: $panel; border: round $primary;
    }
    SaveBodyScreen Label { margin-bottom: 1; }
    SaveBodyScreen Input { width: 1fr; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#save-path"  # the app's own AUTO_FOCUS (#url) is not on this screen

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self._suggestion = suggestion

    @classmethod
    async def ask(cls, app: App[object], suggestion: str, callback: Callable[[str | None], None]) -> None:
        """Push the dialog and give its field the focus before the app reads another key
        (call it from an action: the app's queue waits meanwhile)."""
        screen = cls(suggestion)
        await app.push_screen(screen, callback)
        screen.set_focus(screen.query_one("#save-path", Input))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Save the response body to (enter: save, esc: cancel):")
            yield Input(value=self._suggestion, id="save-path")

    @on(Input.Submitted, "#save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
