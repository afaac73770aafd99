"""Pick the environment the variables resolve in, seeing the resolved value of each variable.

`EnvironmentPicker(names, current, preview)` is a modal: `preview(name)` returns the variable
scope for that environment (None: no environment); `pinned` names the values given from outside
(`reqbench demo`'s base), marked as such since no environment changes them. It dismisses with the chosen name, "" for
"no environment", or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

__all__ = ["NO_ENVIRONMENT", "EnvironmentPicker"]

NO_ENVIRONMENT = ""


class EnvironmentPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    EnvironmentPicker {
        align: center middle;
        & > Vertical {
            width: 90%;
            max-width: 100;
            height: 80%;
            border: thick $primary;
            background: $surface;
        }
        #env-title { text-style: bold; padding: 0 1; }
        #env-body { height: 1fr; }
        #env-list { width: 24; height: 1fr; }
        #env-vars { width: 1fr; height: 1fr; padding: 0 1; }
        #env-help { color: $text-muted; padding: 0 1; }
        #env-pinned { color: $text-warning; padding: 0 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        names: Sequence[str],
        current: str | None,
        preview: Callable[[str | None], Mapping[str, str]],
        *,
        pinned: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self._pinned = dict(pinned or {})
        self._names = list(names)
        self._current = current
        self._preview = preview

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Environment", id="env-title")
            with Horizontal(id="env-body"):
                options = [Option("(no environment)", id="env:")]
                options += [Option(Text(name), id=f"env:{name}") for name in self._names]
                yield OptionList(*options, id="env-list")
                with VerticalScroll(id="env-vars"):
                    yield Static("", id="env-values")
            if self._pinned:
                yield Label("(pinned): set by reqbench demo / the command line; no environment changes it", id="env-pinned", classes="env-note")
            yield Label("enter: use this environment   escape: cancel", id="env-help")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.highlighted = 0 if self._current is None else self._names.index(self._current) + 1
        option_list.focus()
        self._show(self._current)

    def _show(self, name: str | None) -> None:
        text = Text()
        scope = self._preview(name)
        if not scope:
            text.append("no variables", style="dim")
        width = max((len(key) for key in scope), default=0)
        for key in sorted(scope):
            text.append(f"{key:<{width}} ", style="bold cyan")
            text.append("= ")
            text.append(scope[key])
            if key in self._pinned:
                text.append("  (pinned)", style="bold yellow")
            text.append("\n")
        self.query_one("#env-values", Static).update(text)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = (event.option.id or "env:")[4:]
        self._show(name or None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss((event.option.id or "env:")[4:])

    def action_cancel(self) -> None:
        self.dismiss(None)
