"""The response body pane: a notice line, the `BodyView` and a search bar.

`BodyPanel.show_response(response)` decides how a `Response` is shown: text decoded with the
response's chosen encoding (shown at once), pretty JSON (indented in a thread worker, swapped
in when ready), or a hex dump for binary bodies. For a spilled or downloaded body it shows the
first part and says where the rest is saved. `SearchInput` is its search field.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from tui.core.display.bodyfmt import Formatter, JsonFormatError, split_lines
from tui.core.display.hexdump import HexLines
from tui.core.engine.response import Response

from .body_kind import BodyKind, choose_encoding, classify_body
from .body_view import BodyView
from .transfer import format_bytes

__all__ = ["PREVIEW_BYTES", "SYNC_SPLIT_LINES", "BodyPanel", "SearchInput"]

PREVIEW_BYTES = 4 * 2**20  # what we read from a spilled/downloaded file when `content` is empty
SYNC_SPLIT_LINES = 50_000  # above this many newlines, split the raw text in a thread


class SearchInput(Input):
    """The body's search field; `escape` closes it (only while it has focus)."""

    BINDINGS = [
        Binding("escape", "close", "Close search", show=True),
        Binding("down", "next", "Next", show=False),
        Binding("up", "previous", "Previous", show=False),
    ]

    class Closed(Message):
        pass

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def action_next(self) -> None:
        self.post_message(self.Submitted(self, self.value))

    def action_previous(self) -> None:
        panel = next((a for a in self.ancestors if isinstance(a, BodyPanel)), None)
        if panel is not None:
            panel.view.action_previous_match()


class BodyPanel(Vertical):
    """Notice line + `BodyView` + search bar; turns a `Response` into lines."""

    # escape closes an open search bar wherever the focus is in the panel (the field's own
    # binding only worked while it had the focus)
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close_search", "Close search", show=False)]

    DEFAULT_CSS = """
    BodyPanel { height: 1fr; }
    BodyPanel > #body-notice { height: auto; max-height: 3; padding: 0 1; color: $text-muted; display: none; }
    BodyPanel > #body-notice.-shown { display: block; }
    BodyPanel > BodyView { height: 1fr; }
    BodyPanel > #body-search-bar { height: 1; display: none; }
    BodyPanel > #body-search-bar.-shown { display: block; }
    BodyPanel #body-search { width: 1fr; height: 1; border: none; padding: 0 1; }
    BodyPanel #body-search-status { width: auto; min-width: 14; height: 1; padding: 0 1; color: $text-muted; }
    """

    class ModeChanged(Message):
        """The body switched between raw and pretty (`pretty`), or finished formatting."""

        def __init__(self, panel: BodyPanel, pretty: bool) -> None:
            super().__init__()
            self.panel = panel
            self.pretty = pretty

    kind: reactive[BodyKind] = reactive("empty")
    pretty: reactive[bool] = reactive(True)
    notice: reactive[str] = reactive("")

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._generation = 0
        self._raw_lines: Sequence[str] = []
        self._pretty_lines: Sequence[str] | None = None
        self._pretty_width = 0
        self._raw_width = 0
        self._json_error = ""
        self._base_notice = ""
        self.formatting = False  # a pretty-printing worker is running
        self.encoding = ""  # the codec the text shown was decoded with ("" for hex / no body)
        self._formatter: Formatter | None = None
        self._formatter_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Static("", id="body-notice", markup=False)
        yield BodyView(id="body-view")
        with Horizontal(id="body-search-bar"):
            yield SearchInput(placeholder="search body (enter: next, up: previous, esc: close)", id="body-search")
            yield Static("", id="body-search-status", markup=False)

    @property
    def view(self) -> BodyView:
        return self.query_one(BodyView)

    def on_unmount(self) -> None:
        with self._formatter_lock:
            self._generation += 1
            if self._formatter is not None:
                self._formatter.cancel()  # do not leave a child process behind
                self._formatter = None

    def watch_notice(self, notice: str) -> None:
        widget = self.query_one("#body-notice", Static)
        widget.update(notice)
        widget.set_class(bool(notice), "-shown")

    # -- showing a response ------------------------------------------------------------------

    def clear(self) -> None:
        with self._formatter_lock:
            self._generation += 1
            if self._formatter is not None:
                self._formatter.cancel()  # the previous body's child process, if any
                self._formatter = None
        self._raw_lines = []
        self._pretty_lines = None
        self._json_error = ""
        self._base_notice = ""
        self.formatting = False
        self.kind = "empty"
        self.encoding = ""
        self.notice = ""
        self.view.clear()
        # The search bar follows the new body: its query is searched again once the lines are
        # set (BodyView.set_lines), and the old count goes now (it said "1/1" over nothing).
        self.query_one("#body-search-status", Static).update("")
        if self.search_open and (query := self.query_one(SearchInput).value):
            self.view.search_query = query

    def show_response(self, response: Response, *, encoding: str | None = None) -> None:
        """Show the body of `response`: raw text at once, pretty JSON when a worker is done.
        `encoding` (a text codec) decodes it instead of the response's own: a body that looked
        binary is then shown as text too (UTF-16 is full of NUL bytes)."""
        self.clear()
        if encoding:
            response = replace(response, encoding=encoding)
        generation = self._generation
        content = response.content
        self.encoding = "" if classify_body(response, content[:65536]) in ("binary", "empty") else choose_encoding(response)
        if not content and response.body_path is not None:
            self.notice = f"Loading the first part of {response.body_path} …"
            self._load_preview(generation, response)
            return
        self._show_content(generation, response, content)

    @work(thread=True, exclusive=True, group="body-load")
    def _load_preview(self, generation: int, response: Response) -> None:
        assert response.body_path is not None
        try:
            with open(response.body_path, "rb") as file:
                content = file.read(PREVIEW_BYTES)
        except OSError as error:
            self.app.call_from_thread(self._preview_failed, generation, f"Cannot read {response.body_path}: {error.strerror or error}")
            return
        self.app.call_from_thread(self._show_content, generation, response, content)

    def _preview_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.notice = message

    def _show_content(self, generation: int, response: Response, content: bytes) -> None:
        if generation != self._generation:
            return
        kind = classify_body(response, content)
        self.kind = kind
        self.encoding = choose_encoding(response) if kind in ("text", "json") else ""
        self._base_notice = _part_notice(response, len(content))
        self.notice = self._base_notice
        if kind == "empty":
            self.notice = "(empty body)"
            self.view.set_lines([])
            return
        if kind == "binary":
            lines = HexLines(content)
            self._raw_lines = lines
            self.view.set_lines(lines)  # as many bytes per line as fit the view (re-flowed on resize)
            self._update_notice()
            return
        encoding = choose_encoding(response)
        if content.count(b"\n") > SYNC_SPLIT_LINES:
            self.formatting = True
            self._split_worker(generation, content, encoding, kind == "json")
            self.notice = _join(self._base_notice, "Loading…")
            return
        text = content.decode(encoding, errors="replace")
        self._set_raw(generation, split_lines(text), None)
        if kind == "json":
            self.formatting = True
            self._pretty_worker(generation, text)

    @work(thread=True, exclusive=True, group="body-split")
    def _split_worker(self, generation: int, content: bytes, encoding: str, is_json: bool) -> None:
        text = content.decode(encoding, errors="replace")
        lines = split_lines(text)
        width = max(map(len, lines), default=0)
        self.app.call_from_thread(self._set_raw, generation, lines, width)
        if is_json:
            self._format(generation, text)
        else:
            self.app.call_from_thread(self._finish_formatting, generation)

    def _finish_formatting(self, generation: int) -> None:
        if generation == self._generation:
            self.formatting = False
            self._update_notice()

    def _set_raw(self, generation: int, lines: list[str], width: int | None) -> None:
        if generation != self._generation:
            return
        self._raw_lines = lines
        width = max(map(len, lines), default=0) if width is None else width
        self._raw_width = width
        self.view.set_lines(lines, json=self.kind == "json", width=width)
        self._update_notice()

    @work(thread=True, exclusive=True, group="body-pretty")
    def _pretty_worker(self, generation: int, text: str) -> None:
        self._format(generation, text)

    def _format(self, generation: int, text: str) -> None:
        """Runs in a thread: indent the JSON (out of process when large) and hand the lines to
        the UI."""
        formatter = Formatter()
        with self._formatter_lock:
            if generation != self._generation:
                return
            self._formatter = formatter
        try:
            lines, width = formatter.run(text)
        except JsonFormatError as error:
            if not formatter.cancelled:
                self.app.call_from_thread(self._pretty_failed, generation, str(error))
            return
        finally:
            with self._formatter_lock:
                if self._formatter is formatter:
                    self._formatter = None
        if not formatter.cancelled:
            self.app.call_from_thread(self._apply_pretty, generation, lines, width)

    def _pretty_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.formatting = False
        self._json_error = f"Not valid JSON ({message}); showing it as text."
        self._update_notice()
        self.post_message(self.ModeChanged(self, False))

    def _apply_pretty(self, generation: int, lines: Sequence[str], width: int) -> None:
        if generation != self._generation:
            return
        self.formatting = False
        self._pretty_lines = lines
        self._pretty_width = width
        if self.pretty:
            self.view.set_lines(lines, json=True, width=width)
        self._update_notice()
        self.post_message(self.ModeChanged(self, self.pretty))

    def watch_pretty(self, pretty: bool) -> None:
        if not self.is_mounted or self.kind != "json":
            return
        if pretty and self._pretty_lines is not None:
            self.view.set_lines(self._pretty_lines, json=True, width=self._pretty_width)
        elif not pretty:
            self.view.set_lines(self._raw_lines, json=True, width=self._raw_width)
        self._update_notice()
        self.post_message(self.ModeChanged(self, pretty))

    def toggle_pretty(self) -> None:
        self.pretty = not self.pretty

    def _update_notice(self) -> None:
        parts = [self._base_notice]
        if self.kind == "json":
            if self._json_error:
                parts.append(self._json_error)
            elif self.formatting:
                parts.append("Formatting JSON…")
            elif not self.pretty:
                parts.append("Raw (p: pretty)")
        if self.kind == "binary":
            size = self._raw_lines.size if isinstance(self._raw_lines, HexLines) else 0
            parts.append(f"Binary body: hex dump of {format_bytes(size)}")
        self.notice = _join(*parts)

    @property
    def text(self) -> str:
        """What the view shows, as one string."""
        return "\n".join(self.view.lines)

    # -- search ------------------------------------------------------------------------------

    def open_search(self) -> None:
        bar = self.query_one("#body-search-bar")
        bar.add_class("-shown")
        search = self.query_one(SearchInput)
        search.focus()

    def close_search(self) -> None:
        self.query_one("#body-search-bar").remove_class("-shown")
        self.view.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_search":
            return self.search_open
        return True

    def action_close_search(self) -> None:
        self.close_search()

    @property
    def search_open(self) -> bool:
        return self.query_one("#body-search-bar").has_class("-shown")

    @on(Input.Submitted, "#body-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        view = self.view
        if event.value and event.value == view.search_query and view.matches:
            view.action_next_match()
        else:
            view.search(event.value)

    @on(SearchInput.Closed)
    def _search_closed(self, event: SearchInput.Closed) -> None:
        event.stop()
        self.close_search()

    @on(BodyView.SearchUpdated)
    def _search_updated(self, event: BodyView.SearchUpdated) -> None:
        status = self.query_one("#body-search-status", Static)
        if not event.query:
            status.update("")
        elif event.count == 0:
            status.update("no matches")
        else:
            more = "+" if event.truncated else ""
            status.update(f"{event.current + 1}/{event.count}{more}")


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _part_notice(response: Response, shown: int) -> str:
    path = response.body_path
    if path is None:
        return ""
    total = response.decoded_size or (_file_size(path) or 0)
    where = "Downloaded to" if response.downloaded else "Full body saved at"
    if total and shown < total:
        return f"Showing the first {format_bytes(shown)} of {format_bytes(total)}. {where} {path}"
    return f"{where} {path}"


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
