"""The workbench's history and cookies (issue 11): the keys, the screens' messages, the undo.

`HistoryApp` is a base of `ReqbenchApp` (its bindings merge with the app's); it holds no
state of its own but the one-step undo of a replaced request, shared with paste-curl:

    f6      HistoryScreen(history, filter="collection:THIS FILE", current=the last response)
    f7      CookiesScreen(history.cookies, this collection); a change reloads the engine's jar
    alt+u   undo the last "restore over" / pasted curl command (the replaced request comes back)

Handled messages of `HistoryScreen`: Open (the entry read-only in the response viewer),
Restore (as a new request, or over the current one — undoable), Resend (restore as new, send).
The handlers go by name (`on_history_screen_open`), so the screens stay off the start-up path.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from tui.core.collection.model import Request
    from tui.core.history import Entry
    from tui.core.workspace import Workspace
    from tui.screens.cookies_screen import CookiesScreen
    from tui.screens.history_screen import HistoryScreen
    from tui.screens.main import MainScreen

__all__ = ["HistoryApp", "Replaced"]


class Replaced:
    """What alt+u puts back: `old` at the place where `new` is now."""

    __slots__ = ("new", "old", "what")

    def __init__(self, old: Request, new: Request, what: str) -> None:
        self.old, self.new, self.what = old, new, what


def _quoted(value: str) -> str:
    return f"'{value}'" if any(c.isspace() for c in value) else value


class HistoryApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6", "history", "History", show=False),
        Binding("f7", "cookies", "Cookies", show=False),
        Binding("alt+u", "undo_replace", "Undo replace", show=False, priority=True),
    ]

    main: MainScreen
    workspace: Workspace
    _replaced: Replaced | None = None

    # -- screens -------------------------------------------------------------------------
    def history_filter(self) -> str:
        """The History screen's default filter: this collection's sends."""
        path = self.workspace.collection.path
        return f"collection:{_quoted(str(path))}" if path is not None else ""

    def action_history(self) -> None:
        from tui.screens.history_screen import HistoryScreen

        if isinstance(self.screen, HistoryScreen):
            return
        current: Entry | None = None
        sender = self.main.sender
        if sender.last_sent is not None:
            from tui.core.history import entry_from_send

            current = entry_from_send(*sender.last_sent)
        self.push_screen(HistoryScreen(sender.history, filter=self.history_filter(), current=current))

    def action_cookies(self) -> None:
        from tui.screens.cookies_screen import CookiesScreen

        if not isinstance(self.screen, CookiesScreen):
            self.push_screen(CookiesScreen(self.main.sender.history.cookies, self.workspace.collection.path))

    def on_cookies_screen_changed(self, event: CookiesScreen.Changed) -> None:
        self.main.sender.reload_cookies()

    # -- history entries -----------------------------------------------------------------
    async def _entry(self, entry_id: int) -> Entry | None:
        from tui.core.errors import HistoryError

        try:
            return await asyncio.to_thread(self.main.sender.history.get, entry_id)
        except KeyError:
            self.notify(f"history entry #{entry_id} is gone", severity="error")
        except HistoryError as error:
            self.notify(str(error), title="History", severity="error", markup=False)
        return None

    def _back_to_main(self) -> None:
        while len(self.screen_stack) > 1 and self.screen is not self.main:
            self.pop_screen()

    def on_history_screen_open(self, event: HistoryScreen.Open) -> None:
        self.run_worker(self._open_entry(event.entry_id), group="history-ui")

    def on_history_screen_restore(self, event: HistoryScreen.Restore) -> None:
        self.run_worker(self._restore(event.entry_id, as_new=event.as_new), group="history-ui")

    def on_history_screen_resend(self, event: HistoryScreen.Resend) -> None:
        self.run_worker(self._resend(event.entry_id), group="history-ui")

    async def _open_entry(self, entry_id: int) -> None:
        from tui.core import errors
        from tui.core.history import response_from_entry

        entry = await self._entry(entry_id)
        if entry is None:
            return
        self._back_to_main()
        await self.main.panes.ensure_viewer()
        viewer = self.main.panes.viewer
        viewer.clear()
        response = response_from_entry(entry)
        if response is None:
            viewer.show_error(errors.RequestError(entry.summary.error or "failed"))
        else:
            viewer.show_response(response)
        self.notify(f"History #{entry.summary.id} ({entry.summary.method} {entry.summary.url}), read-only", markup=False)

    async def _resend(self, entry_id: int) -> None:
        if await self._restore(entry_id, as_new=True):
            await self.main.send()

    async def _restore(self, entry_id: int, *, as_new: bool) -> bool:
        from tui.core.history import request_from_entry

        entry = await self._entry(entry_id)
        if entry is None:
            return False
        self._back_to_main()
        restored = request_from_entry(entry)
        workspace = self.workspace
        if as_new:
            index = workspace.add_request(restored, after=workspace.current)
            self.main.load_request(index)
            self.notify(f"Restored #{entry_id} as {restored.name!r}", markup=False)
        else:
            self.replace_current(restored, f"restored #{entry_id}")
        return True

    # -- replacing the current request, undoably -----------------------------------------
    def replace_current(self, new: Request, what: str) -> None:
        """Put `new` in the current request's place (keeping its name and folder); alt+u undoes."""
        workspace = self.workspace
        old = workspace.request
        new.name, new.folder = old.name, old.folder
        workspace.replace_request(workspace.current, new)
        self._replaced = Replaced(old, new, what)
        self.main.load_request(workspace.current)
        self.notify(f"{what.capitalize()} over {old.name!r} — alt+u undoes", markup=False)

    def action_undo_replace(self) -> None:
        replaced = self._replaced
        requests = self.workspace.collection.requests
        index = next((i for i, r in enumerate(requests) if r is replaced.new), None) if replaced else None
        if replaced is None or index is None:
            self.notify("Nothing to undo", severity="warning")
            return
        self._replaced = None
        self.workspace.replace_request(index, replaced.old)
        self.main.load_request(index)
        self.notify(f"Undone: {replaced.what}", markup=False)
