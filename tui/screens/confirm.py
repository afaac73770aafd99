"""Small modal screens: a choice between a few keyed answers, and a one-line text prompt.

`ChoiceScreen` dismisses with the value of the chosen answer (escape picks the last one,
which by convention is "cancel"); `ConfirmScreen` is the yes/no case (dismisses a bool);
`PromptScreen` dismisses with the typed text, or None on escape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

__all__ = ["Choice", "ChoiceScreen", "ConfirmScreen", "PromptScreen"]

Choice = tuple[str, str, str]  # (key, label, value)

_MODAL_CSS = """
{name} {{
    align: center middle;
    & > Vertical {{
        width: 64;
        max-width: 100%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }}
    .modal-title {{ text-style: bold; width: 1fr; margin-bottom: 1; }}
    .modal-message {{ width: 1fr; margin-bottom: 1; }}
    .modal-buttons {{ height: auto; width: 1fr; align-horizontal: right; }}
    .modal-buttons Button {{ margin-left: 1; }}
    .modal-error {{ color: $text-error; height: auto; }}
}}
"""


class ChoiceScreen(ModalScreen[str]):
    DEFAULT_CSS = _MODAL_CSS.format(name="ChoiceScreen")

    def __init__(self, title: str, message: str, choices: Sequence[Choice]) -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._choices = list(choices)
        for key, label, value in self._choices:
            self._bindings.bind(key, f"choose({value!r})", label, show=False)
        if "escape" not in {key for key, _, _ in self._choices}:
            self._bindings.bind("escape", f"choose({self._choices[-1][2]!r})", "Cancel", show=False)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="modal-title", markup=False)
            yield Static(self._message, classes="modal-message", markup=False)
            with Horizontal(classes="modal-buttons"):
                for index, (key, label, value) in enumerate(self._choices):
                    shown = "esc" if key == "escape" else key
                    yield Button(
                        Text(f"{label} ({shown})"),  # a Text: no markup parsing of the key
                        id=f"choice-{index}",
                        variant="primary" if index == 0 else "default",
                        compact=True,
                    )

    def on_mount(self) -> None:
        self.query_one("#choice-0", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "choice-0").removeprefix("choice-"))
        self.dismiss(self._choices[index][2])

    def action_choose(self, value: str) -> None:
        self.dismiss(value)


class ConfirmScreen(ChoiceScreen):
    """Yes/no; dismisses with "yes" or "no"."""

    DEFAULT_CSS = _MODAL_CSS.format(name="ConfirmScreen")

    def __init__(self, title: str, message: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(title, message, [("y", yes, "yes"), ("n", no, "no")])


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; `validate` returns an error message or None."""

    DEFAULT_CSS = _MODAL_CSS.format(name="PromptScreen")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", *, validate: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._validate = validate

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="modal-title", markup=False)
            yield Input(self._value, id="prompt-input")
            yield Label("", classes="modal-error", markup=False)
            yield Static("enter to accept, escape to cancel", classes="modal-message")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self._validate(value) if self._validate else (None if value else "must not be empty")
        if problem:
            self.query_one(".modal-error", Label).update(problem)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
