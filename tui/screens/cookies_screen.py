"""The Cookies screen: the saved jar of one collection (or all), delete one, clear all.

`CookiesScreen(store, collection=None)`: `store` is `History.cookies`. Values are shown masked
(they are credentials) until `v`. Reads and writes run in a thread worker. When the app keeps
a live jar in its engine, it should reload it on `CookiesScreen.Changed`.
Keys: x / delete delete the cookie, X clear all, v show / hide values, escape back.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from tui.core.errors import HistoryError
from tui.core.history import CookieStore, StoredCookie

__all__ = ["CookiesScreen"]


class CookiesScreen(Screen[None]):
    DEFAULT_CSS = """
    CookiesScreen {
        #cookies-status { padding: 0 1; height: 1; color: $text-muted; }
        #cookies-status.-error { color: $text-error; }
        #cookies-table { height: 1fr; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("x,delete", "delete", "Delete"),
        Binding("X", "clear", "Clear all"),
        Binding("v", "reveal", "Show values"),
    ]

    class Changed(Message):
        """The saved jar changed (a cookie deleted or all cleared)."""

    def __init__(self, store: CookieStore, collection: Path | str | None = None) -> None:
        super().__init__()
        self.store = store
        self.collection = collection
        self.cookies: list[StoredCookie] = []
        self.reveal = False

    def compose(self) -> ComposeResult:
        yield Label("loading…", id="cookies-status")
        table: DataTable[str] = DataTable(id="cookies-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("domain", "path", "name", "value", "expires", "flags"):
            table.add_column(label, key=label)
        if not self.store.available:
            self._status(self.store.problem or "history off: cookies are not saved", error=True)
            return
        table.focus()
        self._run(None)

    def _status(self, text: str, *, error: bool = False) -> None:
        label = self.query_one("#cookies-status", Label)
        label.update(text)
        label.set_class(error, "-error")

    @work(thread=True, exclusive=True)
    def _run(self, change: tuple[str, StoredCookie | None] | None) -> None:
        """Apply `change` ("delete", cookie) / ("clear", None), then list again."""
        try:
            if change is not None:
                kind, cookie = change
                if kind == "delete" and cookie is not None:
                    self.store.delete(cookie.collection, cookie.domain, cookie.path, cookie.name)
                elif kind == "clear":
                    self.store.clear(self.collection)
            cookies = self.store.list(self.collection)
        except HistoryError as error:
            self.app.call_from_thread(self._status, str(error), error=True)
            return
        self.app.call_from_thread(self._show, cookies, change is not None)

    def _show(self, cookies: list[StoredCookie], changed: bool) -> None:
        self.cookies = cookies
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for cookie in cookies:
            expires = "session" if cookie.expires is None else datetime.fromtimestamp(cookie.expires).strftime("%Y-%m-%d %H:%M")
            flags = " ".join(f for f, on in (("Secure", cookie.secure), ("HttpOnly", cookie.http_only)) if on)
            value = (cookie.value or "") if self.reveal else "***"
            table.add_row(cookie.domain, cookie.path, cookie.name, value, expires, flags)
        if cookies:
            table.move_cursor(row=min(row, len(cookies) - 1))
        where = f" for {Path(str(self.collection)).name}" if self.collection else ""
        self._status(f"{len(cookies)} cookie{'s' if len(cookies) != 1 else ''}{where}" if cookies else f"no saved cookies{where}")
        if changed:
            self.post_message(self.Changed())

    def action_back(self) -> None:
        self.dismiss(None)

    def action_delete(self) -> None:
        table = self.query_one(DataTable)
        if 0 <= table.cursor_row < len(self.cookies):
            self._run(("delete", self.cookies[table.cursor_row]))

    def action_clear(self) -> None:
        if self.cookies:
            self._run(("clear", None))

    def action_reveal(self) -> None:
        self.reveal = not self.reveal
        self._show(self.cookies, False)
