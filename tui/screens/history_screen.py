"""The History screen: every send, newest first, a page at a time (fast at 100,000 entries).

`HistoryScreen(history, *, filter="", page_size=100)` shows a `DataTable` of entries and a
filter line (`text  name:NAME  status:4xx  collection:FILE`). Database queries run in a thread
worker; a newer query's rows win over an older one still in flight. Scrolling near the last
row loads the next page (keyset paging: `before=` the last id shown).

Keys: enter open, r restore as a new request, R restore over the current one, s re-send,
space mark (two marks, or one mark and the cursor row, then d compares), c compares the entry
with `current` (the workbench's last response, when given), / filter, escape back.

Messages (they bubble to the app, which owns the response viewer, editor and engine):
    HistoryScreen.Open(entry_id)                 show the entry read-only in the response viewer
    HistoryScreen.Restore(entry_id, as_new)      put its request into the editor
    HistoryScreen.Resend(entry_id)               send its request again
`d` pushes `CompareScreen` itself (it needs nothing from the app).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label

from tui.core.errors import HistoryError
from tui.core.history import Entry, EntrySummary, History, Query, parse_filter
from tui.screens.compare_screen import CompareScreen

__all__ = ["HistoryScreen"]

_MARK = "●"
# The request (method and URL) last and wide; the short columns first so 80 columns show them.
_COLUMNS = (
    (" ", "mark", 1), ("id", "id", 6), ("time", "time", 11), ("st", "status", 3), ("ms", "ms", 5),
    ("size", "size", 6), ("name", "name", 18), ("request", "request", 200),
)  # fmt: skip
_STATUS_STYLES = {"2": "green", "3": "cyan", "4": "yellow", "5": "red"}


def _size(size: int | None) -> str:
    if size is None:
        return ""
    for unit, scale in (("G", 2**30), ("M", 2**20), ("K", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f}{unit}"
    return f"{size}B"


def _status(entry: EntrySummary) -> Text:
    if entry.status is None:
        return Text("ERR", style="bold red")
    return Text(str(entry.status), style=_STATUS_STYLES.get(str(entry.status)[0], ""))


class _EntryTable(DataTable[str | Text]):
    """DataTable whose enter (select the row = open the entry) is listed in the footer."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "Open")]


@dataclass(frozen=True, slots=True)
class _Page:
    generation: int
    rows: list[EntrySummary]
    reset: bool


class HistoryScreen(Screen[None]):
    DEFAULT_CSS = """
    HistoryScreen {
        #history-filter { margin: 0 0; }
        #history-filter.-error { border: tall $error; }
        #history-status { color: $text-muted; padding: 0 1; height: 1; }
        #history-status.-error { color: $text-error; }
        #history-table { height: 1fr; }
    }
    """

    # In footer order: what fits at 80 columns comes first.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("space", "mark", "Mark"),
        Binding("d", "compare", "Compare"),
        Binding("c", "compare_current", "Vs current"),
        Binding("r", "restore(True)", "Restore"),
        Binding("R", "restore(False)", "Restore over"),
        Binding("s", "resend", "Re-send"),
        Binding("escape", "back", "Back"),
    ]

    class Open(Message):
        def __init__(self, entry_id: int) -> None:
            super().__init__()
            self.entry_id = entry_id

    class Restore(Message):
        def __init__(self, entry_id: int, as_new: bool) -> None:
            super().__init__()
            self.entry_id = entry_id
            self.as_new = as_new

    class Resend(Message):
        def __init__(self, entry_id: int) -> None:
            super().__init__()
            self.entry_id = entry_id

    def __init__(
        self, history: History, *, filter: str = "", page_size: int = 100, name: str | None = None, current: Entry | None = None
    ) -> None:
        super().__init__(name=name)
        self.history = history
        self.current = current
        self.page_size = page_size
        self._initial_filter = filter
        self._query = Query()
        self._generation = 0
        self._ids: list[int] = []  # row order: newest first
        self._exhausted = False
        self._loading = False
        self.total: int | None = None
        self.marked: list[int] = []
        self._query_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(self._initial_filter, placeholder="filter: text  name:NAME  status:2xx|4xx|error  collection:FILE", id="history-filter")
            yield Label("loading…", id="history-status")
            yield _EntryTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Fixed widths: DataTable measures every cell of auto-width columns as rows arrive.
        for label, key, width in _COLUMNS:
            table.add_column(label, key=key, width=width)
        if not self.history.available:
            self._show_status(self.history.problem or "history off", error=True)
            return
        self._apply_filter(self._initial_filter)
        self.watch(table, "scroll_y", self._scrolled, init=False)  # the mouse wheel pages too
        table.focus()

    # -- loading -------------------------------------------------------------------------

    def _show_status(self, text: str, *, error: bool = False) -> None:
        label = self.query_one("#history-status", Label)
        label.update(text)
        label.set_class(error, "-error")

    def _apply_filter(self, line: str) -> None:
        field = self.query_one("#history-filter", Input)
        try:
            query = parse_filter(line)
        except ValueError as error:
            field.add_class("-error")
            self._show_status(str(error), error=True)
            return
        field.remove_class("-error")
        self._query = query
        self._generation += 1
        self._exhausted = False
        self._load(self._generation, query, None, reset=True)

    @work(thread=True, group="history-page")
    def _load(self, generation: int, query: Query, before: int | None, *, reset: bool) -> None:
        with self._query_lock:  # one query at a time; typing fast queues workers behind it
            if generation != self._generation:
                return  # a newer filter was typed while this one waited: skip the scan
            self._fetch(generation, query, before, reset=reset)

    def _fetch(self, generation: int, query: Query, before: int | None, *, reset: bool) -> None:
        try:
            rows = self.history.entries(query, limit=self.page_size, before=before)
            self.app.call_from_thread(self._add_page, _Page(generation, rows, reset))
            if reset and len(rows) == self.page_size:  # (a short first page is the whole count)
                total = self.history.count(query)  # after the rows are shown: a filter's 2nd scan
                self.app.call_from_thread(self._set_total, generation, total)
        except HistoryError as error:
            self.app.call_from_thread(self._show_status, str(error), error=True)

    def _add_page(self, page: _Page) -> None:
        self._loading = False
        if page.generation != self._generation:
            return  # a newer filter was typed meanwhile
        table = self.query_one(DataTable)
        if page.reset:
            table.clear()
            self._ids = []
            self.total = len(page.rows) if len(page.rows) < self.page_size else None
        for entry in page.rows:
            stamp = datetime.fromtimestamp(entry.time).strftime("%m-%d %H:%M")
            ms = "" if entry.elapsed_ms is None else f"{entry.elapsed_ms:.0f}"
            request = f"{entry.method} {entry.url}" + ("" if entry.error is None else f"  ({entry.error})")
            table.add_row(
                _MARK if entry.id in self.marked else "",
                str(entry.id), stamp, _status(entry), ms, _size(entry.size), entry.name, request,
                key=str(entry.id),
            )  # fmt: skip
            self._ids.append(entry.id)
        if len(page.rows) < self.page_size:
            self._exhausted = True
        self._show_count()

    def _set_total(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self.total = total
            self._show_count()

    def _show_count(self) -> None:
        shown = len(self._ids)
        if shown == 0:
            self._show_status("no entries" if self._query.empty else "no entries match")
            return
        total = "…" if self.total is None else str(self.total)
        self._show_status(f"{shown} of {total} entries" + ("" if self._query.empty else " matching"))

    def _load_more(self) -> None:
        if self._exhausted or self._loading or not self._ids:
            return
        self._loading = True
        self._load(self._generation, self._query, self._ids[-1], reset=False)

    @on(DataTable.RowHighlighted)
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self._ids) - max(10, self.page_size // 10):
            self._load_more()

    def _scrolled(self, scroll_y: float) -> None:
        table = self.query_one(DataTable)
        if scroll_y >= table.max_scroll_y - table.size.height:
            self._load_more()

    @on(Input.Changed, "#history-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)

    @on(Input.Submitted, "#history-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    # -- actions -------------------------------------------------------------------------

    @property
    def row_ids(self) -> list[int]:
        """Entry ids in the order shown (for tests and the app)."""
        return list(self._ids)

    def _current(self) -> int | None:
        table = self.query_one(DataTable)
        if not self._ids or not 0 <= table.cursor_row < len(self._ids):
            return None
        return self._ids[table.cursor_row]

    def action_back(self) -> None:
        self.dismiss(None)

    def action_focus_filter(self) -> None:
        self.query_one("#history-filter", Input).focus()

    def action_open(self) -> None:
        entry_id = self._current()
        if entry_id is not None:
            self.post_message(self.Open(entry_id))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_restore(self, as_new: bool) -> None:
        entry_id = self._current()
        if entry_id is not None:
            self.post_message(self.Restore(entry_id, as_new))

    def action_resend(self) -> None:
        entry_id = self._current()
        if entry_id is not None:
            self.post_message(self.Resend(entry_id))

    def action_mark(self) -> None:
        entry_id = self._current()
        if entry_id is None:
            return
        table = self.query_one(DataTable)
        if entry_id in self.marked:
            self.marked.remove(entry_id)
        else:
            self.marked.append(entry_id)
            if len(self.marked) > 2:
                dropped = self.marked.pop(0)
                if str(dropped) in table.rows:
                    table.update_cell(str(dropped), "mark", "")
        table.update_cell(str(entry_id), "mark", _MARK if entry_id in self.marked else "")

    def action_compare(self) -> None:
        pair: tuple[int, int] | None = None
        current = self._current()
        if len(self.marked) == 2:
            pair = (self.marked[0], self.marked[1])
        elif len(self.marked) == 1 and current is not None and current != self.marked[0]:
            pair = (self.marked[0], current)
        if pair is None:
            self.notify("mark two entries with space (or one, then move to another) to compare", severity="warning")
            return
        older, newer = sorted(pair)
        self.app.push_screen(CompareScreen(self.history, older, newer))

    def action_compare_current(self) -> None:
        entry_id = self._current()
        if entry_id is None:
            return
        if self.current is None:
            self.notify("no current response to compare with: send the request first", severity="warning")
            return
        self.app.push_screen(CompareScreen(self.history, entry_id, self.current))
