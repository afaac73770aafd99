"""The help screen (`f1` / `?`): every key binding, grouped, readable at 80x24."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

__all__ = ["HELP_SECTIONS", "HelpScreen"]

HELP_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Anywhere",
        (
            ("ctrl+enter / ctrl+j / alt+enter", "send the request"),
            ("escape", "cancel the running request"),
            ("ctrl+s", "save the collection"),
            ("ctrl+l", "focus the URL"),
            ("ctrl+b", "show / hide the sidebar (and focus it)"),
            ("f4", "choose the environment"),
            ("f5", "edit variables / envs"),
            ("alt+p / alt+h / alt+b / alt+o", "params / headers / body / options tab"),
            ("alt+r", "focus the response"),
            ("tab / shift+tab", "next / previous field"),
            ("ctrl+p", "command palette"),
            ("f1 / ?", "this help"),
            ("ctrl+q", "quit (asks if there are unsaved changes)"),
        ),
    ),
    (
        "Sidebar",
        (
            ("enter", "open the request / collection"),
            ("n", "new request"),
            ("c", "duplicate"),
            ("r / f2", "rename"),
            ("delete / x", "delete"),
            ("shift+up / shift+down (K / J)", "move the request"),
        ),
    ),
    (
        "Params, headers, form and multipart rows",
        (
            ("type in the last row", "adds a row"),
            ("ctrl+t", "switch the row on / off"),
            ("ctrl+r", "remove the row"),
            ("enter", "next field"),
        ),
    ),
    (
        "Body",
        (
            ("alt+f", "pretty-format the JSON body"),
            ("alt+l", "binary: load the file as base64"),
        ),
    ),
    (
        "History and cookies",
        (
            ("f6", "history: enter open, r restore, R restore over, s re-send, d / c compare"),
            ("f7", "saved cookies: x delete, X clear, v show values"),
            ("alt+u", "undo a restore over / a pasted curl command"),
        ),
    ),
    (
        "Import and export",
        (
            ("paste a curl command in the URL", "the request becomes it (alt+u undoes)"),
            ("e (response pane) / ctrl+p Copy as…", "copy the request as curl, HTTPie, httpx, aiohttp, Hurl, HAR"),
            ("ctrl+p Import…", "add the requests of a curl / HAR / .http / Postman / Insomnia / OpenAPI file"),
        ),
    ),
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > Vertical {
            width: 90%;
            max-width: 90;
            height: 90%;
            border: thick $primary;
            background: $surface;
        }
        #help-title { text-style: bold; padding: 0 1; }
        #help-body { height: 1fr; padding: 0 1; }
        #help-footer { color: $text-muted; padding: 0 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("reqbench — keys", id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._table())
            yield Label("escape / q: close   (the response pane lists its own keys in the footer)", id="help-footer")

    @staticmethod
    def _table() -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for title, rows in HELP_SECTIONS:
            table.add_row(Text(title, style="underline"), "")
            for keys, what in rows:
                table.add_row(keys, what)
            table.add_row("", "")
        return table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
