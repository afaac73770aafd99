"""Copy as…: pick an export format for the request being edited (keys 1–9, or arrows + enter).

`CopyAsScreen(formats)` takes `(name, description)` pairs and dismisses with the chosen name,
or None on escape. The app exports and copies (`tui/app_formats.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

__all__ = ["CopyAsScreen"]


class CopyAsScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    CopyAsScreen {
        align: center middle;
        & > Vertical { width: 72; max-width: 100%; height: auto; border: thick $primary; background: $surface; padding: 0 1; }
        .modal-title { text-style: bold; margin-bottom: 1; }
        OptionList { height: auto; max-height: 12; }
        .modal-message { color: $text-muted; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, formats: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.formats = list(formats)
        for number, (name, _) in enumerate(self.formats[:9], start=1):
            self._bindings.bind(str(number), f"choose({name!r})", name, show=False)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Copy the request as…", classes="modal-title")
            yield OptionList(
                *(Option(Text.assemble((f"{n}  ", "dim"), (name, "bold"), f"  {about}"), id=name)
                  for n, (name, about) in enumerate(self.formats, start=1)),
                id="copy-as-formats",
            )  # fmt: skip
            yield Label("enter or 1–9: copy (OSC 52); {{env:…}} stay references; escape: cancel", classes="modal-message")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self, name: str) -> None:
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
