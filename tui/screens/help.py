"""The help screen (`f1` / `?`): every key binding, grouped, readable from 80x24 down to 40
columns (below ~64 columns each key is printed above what it does, so the description keeps
the width).

`HELP_SECTIONS` is the one list: `tests/test_help.py` checks that every shown binding of the
app and its panes appears in it, and the README's key table follows it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

__all__ = ["HELP_SECTIONS", "HelpScreen", "help_table"]

HELP_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Anywhere",
        (
            ("ctrl+j / alt+enter / ctrl+enter", "send the request (ctrl+j works everywhere; tmux sends ctrl+enter as enter)"),
            ("escape", "cancel the running request"),
            ("ctrl+s", "save the collection"),
            ("ctrl+l", "focus the URL"),
            ("alt+p / alt+h / alt+o", "params / headers / options tab"),
            ("alt+y", "body tab (alt+b where the terminal sends it as alt+b)"),
            ("alt+r", "focus the response; again: its next tab"),
            ("f8", "response full screen / back"),
            ("f9", "request editor full screen / back"),
            ("alt+e", "open the body in $VISUAL / $EDITOR (the response body, read-only, from the response)"),
            ("ctrl+b", "hide the sidebar; when hidden: show and focus it"),
            ("f4", "choose the environment"),
            ("f5", "edit variables / environments"),
            ("tab / shift+tab", "next / previous field"),
            ("ctrl+p", "command palette"),
            ("f1 / ?", "this help"),
            ("ctrl+q", "quit (asks if there are unsaved changes)"),
        ),
    ),
    (
        "Response (alt+r)",
        (
            ("t / 1 2 3 4", "next tab / Body, Headers, Timing, Request"),
            ("up down pgup pgdn home end", "scroll the tab shown"),
            ("/ or ctrl+f", "search the body (enter / n: next, N: previous, escape: close)"),
            ("p", "raw / pretty JSON"),
            ("e", "decode the body in another encoding (nothing is resent)"),
            ("c / u / k", "copy the body / the URL / the request as curl (OSC 52)"),
            ("s", "save the body to a file"),
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
            ("shift+up / shift+down", "move the request (also K / J)"),
        ),
    ),
    (
        "Params, headers, form and multipart rows",
        (
            ("type in the last row", "adds a row"),
            ("enter", "next field"),
            ("ctrl+t", "switch the row on / off"),
            ("ctrl+r", "remove the row"),
            ("multipart kind", "value or file: a file part takes a path, a filename and a content type"),
        ),
    ),
    (
        "Body (alt+y)",
        (
            ("mode (first field)", "enter, up / down, enter: none, text, JSON, form, multipart, file, stream, binary"),
            ("alt+g", "pretty-format the JSON body"),
            ("alt+l", "binary: load the file as base64"),
        ),
    ),
    (
        "Live stream view (SSE, NDJSON, lines)",
        (
            ("f / end", "pause / resume following the tail"),
            ("up / down / pgup / pgdn / home", "select an event (moving up pauses)"),
            ("enter", "show the selected event whole (JSON indented)"),
            ("/ , n / N", "search events, next / previous match"),
            ("c", "copy the selected event's data"),
            ("escape", "cancel the stream (what arrived stays; Body tab has it all)"),
        ),
    ),
    (
        "Options (alt+o)",
        (
            ("Download to a file: path", "the body streams to that file (chunk size; overwrite replaces an existing one)"),
            ("response encoding", "decode the body with it (or e in the response, for one response)"),
        ),
    ),
    (
        "Text fields",
        (
            ("ctrl+a / ctrl+e", "start / end of the line (as in a shell)"),
            ("ctrl+left / ctrl+right", "previous / next word"),
            ("f7", "body editor: select all (f6: the line)"),
            ("ctrl+u / ctrl+k", "delete to the start / end of the line"),
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
            ("x (response pane) / ctrl+p Copy as…", "copy the request as curl, HTTPie, httpx, aiohttp, Hurl, HAR"),
            ("ctrl+p Import…", "add the requests of a curl / HAR / .http / Postman / Insomnia / OpenAPI file"),
        ),
    ),
)

STACKED_BELOW = 64  # columns: narrower, each key goes on its own line above its description


def help_table(width: int) -> Table:
    """The sections as a table `width` columns wide: key and description side by side, or
    (narrow) stacked."""
    stacked = width < STACKED_BELOW
    table = Table.grid(padding=(0, 2), expand=False)
    if stacked:
        table.add_column()
    else:
        table.add_column(style="bold", max_width=min(30, width // 2))  # long key lists wrap at " / "
        table.add_column(ratio=1)
    for title, rows in HELP_SECTIONS:
        table.add_row(Text(title, style="underline"), *([] if stacked else [""]))
        for keys, what in rows:
            if stacked:
                table.add_row(Group(Text(keys, style="bold"), Padding(Text(what), (0, 0, 0, 4))))
            else:
                table.add_row(Text(keys), what)
        table.add_row("", *([] if stacked else [""]))
    return table


class HelpTable(Static):
    """The table, laid out again for its width when the terminal is resized."""

    def on_resize(self, event: events.Resize) -> None:
        self.update(help_table(event.size.width))


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > Vertical {
            width: 90%;
            max-width: 100;
            height: 90%;
            border: thick $primary;
            background: $surface;
        }
        #help-title { text-style: bold; padding: 0 1; }
        #help-body { height: 1fr; padding: 0 1; }
        #help-footer { color: $text-muted; padding: 0 1; }
    }
    /* Small terminals: the whole screen, no frame. */
    HelpScreen.-narrow > Vertical, HelpScreen.-short > Vertical { width: 100%; height: 100%; border: none; }
    """

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]  # noqa: RUF012 (typed by Screen)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (22, "-tall")]  # noqa: RUF012 (typed by Screen)

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("reqbench — keys", id="help-title")
            with VerticalScroll(id="help-body"):
                yield HelpTable(help_table(80), id="help-table")
            yield Label("escape / q: close · up / down / pgdn: scroll", id="help-footer")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
