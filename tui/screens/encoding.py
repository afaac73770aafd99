"""Pick the text encoding to decode a response body with (`e` in the response pane).

`EncodingPicker(current)` lists the common encodings (`tui.core.display.encodings`) and takes
any other codec name typed in its field; only text codecs are accepted. It dismisses with the
codec's canonical name, "" for "as the response says", or None when cancelled.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.core import errors
from tui.core.display.encodings import COMMON_ENCODINGS, text_encoding

__all__ = ["AS_SENT", "EncodingPicker"]

AS_SENT = ""  # the response's own encoding (charset, else detected, else UTF-8)


class EncodingPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    EncodingPicker {
        align: center middle;
        & > Vertical {
            width: 60; max-width: 100%; height: auto; max-height: 100%;
            border: thick $primary; background: $surface;
        }
        #encoding-title { text-style: bold; padding: 0 1; }
        #encoding-list { height: auto; max-height: 20; }
        #encoding-name { margin: 0 1; }
        #encoding-name.-invalid { border: tall $error; }
        #encoding-help { color: $text-muted; padding: 0 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Decode the body as… (now: {self._current})", id="encoding-title", markup=False)
            options = [Option(Text("as the response says (charset, else detected)"), id="enc:")]
            for name, what in COMMON_ENCODINGS:
                options.append(Option(Text.assemble((f"{name:<12}", "bold"), " ", (what, "dim")), id=f"enc:{name}"))
            yield OptionList(*options, id="encoding-list")
            yield Input(placeholder="or type a codec name, enter", id="encoding-name")
            yield Label("enter: decode · tab: type a name · escape: cancel", id="encoding-help")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        names = [text_encoding(name) for name, _ in COMMON_ENCODINGS]
        current = text_encoding(self._current) if self._current else ""
        option_list.highlighted = names.index(current) + 1 if current in names else 0
        self.set_focus(option_list)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        name = (event.option.id or "enc:")[4:]
        self.dismiss(text_encoding(name) if name else AS_SENT)

    @on(Input.Submitted, "#encoding-name")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            name = text_encoding(event.value)
        except errors.EncodingError as error:
            event.input.add_class("-invalid")
            self.notify(str(error), severity="error", markup=False)
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
