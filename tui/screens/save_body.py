"""Ask where to save the response body (`s` in the response pane)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
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

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self._suggestion = suggestion

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
