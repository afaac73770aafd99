"""The response pane: status line, transfer progress, error message, and the tabs
Body / Headers / Timing / Request.

The app drives it with five calls and never reaches inside:

    viewer.show_sending(request)    # a request went out: status "Sending…", indeterminate bar
    viewer.show_progress(event)     # engine Progress events: bytes, rate, ETA
    viewer.show_response(response)  # engine Finished(Response)
    viewer.show_error(error)        # any ReqbenchError: a clear message in the pane
    viewer.show_stream(items)       # StreamStarted / StreamEvent / StreamEnded, in batches: the
                                    # Live tab (tui/widgets/live_view.py) shows and takes over
    viewer.clear()

Keys while the pane has focus: `t` next tab, `1`–`4` Body / Headers / Timing / Request (the
tab's text takes the focus, so the arrows scroll at once), `/` or `ctrl+f` search the body,
`p` raw/pretty, `e` decode in another encoding (`tui/screens/encoding.py`; nothing is resent),
`c` copy body, `u` copy URL, `k` copy as curl, `s` save body to a file. Copy uses OSC 52
(`App.copy_to_clipboard`), so it works over SSH and tmux.

Its parts live next to it: the body pane in `body_panel` (over the line view `body_view`), what
the pane says in `response_text`, the timings in `timing_view`, the progress bar in `transfer`,
the save-body prompt in `tui/screens/save_body.py`, the stream rows in `live_view`. What
is left here is long on purpose: the one API the app drives, and the actions its keys name
(each a few lines that need the pane's state); splitting them would spread that state around.
"""

from __future__ import annotations

import os

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane, Tabs

from tui.core import errors
from tui.core.formats.to_curl import to_curl
from tui.core.engine.events import Progress, StreamEnded, StreamEvent, StreamStarted
from tui.core.engine.resolved import ResolvedRequest
from tui.core.engine.response import Response

from tui.screens.save_body import SaveBodyScreen

from .body_file import suggested_filename, write_body
from .body_panel import BodyPanel
from .body_view import BodyView
from .live_view import LiveView
from .response_text import (
    body_summary, cookies_masked, describe_error, error_title, headers_text, resolved_request_text, sent_request_text, status_class_for,
    status_line,
)
from .timing_view import TimingView
from .transfer import TransferProgress, format_bytes

# SaveBodyScreen, status_class_for and error_title: re-exported for the callers that used them from here.
__all__ = ["ResponseViewer", "SaveBodyScreen", "error_title", "status_class_for"]

COPY_LIMIT = 8 * 2**20  # characters; above this, copying a body over OSC 52 is not sensible


class ErrorMessage(Static, can_focus=True):
    """The error text; focusable, so the viewer's keys (copy URL / curl) work while it shows."""


class ResponseViewer(Vertical):
    """Everything about the last response; see the module docstring for the API."""

    DEFAULT_CSS = """
    ResponseViewer { height: 1fr; }
    ResponseViewer > #status {
        height: 1; padding: 0 1; background: $panel; text-style: bold; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis;
        &.-info { color: $text-primary; }
        &.-success { color: $text-success; }
        &.-redirect { color: $text-accent; }
        &.-client-error { color: $text-warning; }
        &.-server-error { color: $text-error; }
        &.-failed { color: $text-error; }
    }
    ResponseViewer > TransferProgress { display: none; padding: 0 1; }
    ResponseViewer > TransferProgress.-shown { display: block; }
    ResponseViewer > #error-message {
        display: none; height: auto; margin: 1 1; padding: 0 1;
        color: $text-error; border: round $error;
    }
    ResponseViewer > #error-message.-shown { display: block; }
    ResponseViewer > #error-message:focus { border: round $error-lighten-1; background-tint: $foreground 4%; }
    ResponseViewer > TabbedContent { height: 1fr; }
    ResponseViewer > TabbedContent.-hidden { display: none; }
    ResponseViewer TabPane { padding: 0; }
    ResponseViewer #headers-scroll, ResponseViewer #request-scroll { padding: 0 1; }
    ResponseViewer #headers-text, ResponseViewer #request-text { width: auto; }
    """

    BINDINGS = [
        Binding("t", "next_tab", "Tab"),
        Binding("1", "show_tab('tab-body')", "Body", show=False),
        Binding("2", "show_tab('tab-headers')", "Headers", show=False),
        Binding("3", "show_tab('tab-timing')", "Timing", show=False),
        Binding("4", "show_tab('tab-request')", "Request", show=False),
        Binding("slash", "search", "Search"),
        Binding("ctrl+f", "search", "Search", show=False),
        Binding("p", "toggle_pretty", "Raw"),
        Binding("e", "choose_encoding", "Encoding"),
        Binding("c", "copy_body", "Copy"),
        Binding("u", "copy_url", "URL"),
        Binding("k", "copy_curl", "curl"),
        Binding("s", "save_body", "Save…"),
        Binding("x", "app.copy_as", "Copy as…", show=False),
    ]
    TAB_IDS = ("tab-body", "tab-headers", "tab-timing", "tab-request")

    state: reactive[str] = reactive("idle")  # idle | sending | streaming | done | error
    status_class: reactive[str] = reactive("")  # see status_class_for; "-failed" on error

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.response: Response | None = None
        self.request: ResolvedRequest | None = None
        self.error: errors.ReqbenchError | None = None
        self.status_text = "No response yet."
        self.error_text = ""
        self._live_fed = False  # the Live tab shows the stream of the send being shown

    def compose(self) -> ComposeResult:
        yield Static(self.status_text, id="status", markup=False)
        yield TransferProgress(id="transfer")
        yield ErrorMessage("", id="error-message", classes="error", markup=False)
        with TabbedContent(id="response-tabs", initial="tab-body"):
            with TabPane("Body", id="tab-body"):
                yield BodyPanel(id="body-panel")
            with TabPane("Headers", id="tab-headers"):
                with VerticalScroll(id="headers-scroll"):
                    yield Static("", id="headers-text", markup=False)
            with TabPane("Timing", id="tab-timing"):
                with VerticalScroll(id="timing-scroll"):
                    yield TimingView(id="timing")
            with TabPane("Request", id="tab-request"):
                with VerticalScroll(id="request-scroll"):
                    yield Static("", id="request-text", markup=False)
            with TabPane("Live", id="tab-live"):
                yield LiveView(id="live-view")

    def on_mount(self) -> None:
        self.watch_state(self.state)  # init watchers run before the children exist
        self.watch_status_class("", self.status_class)
        self.tabs.hide_tab("tab-live")  # shown once a stream starts

    # -- reactive state -> CSS classes -------------------------------------------------------

    def watch_state(self, state: str) -> None:
        # Classes go on the children that change, not on the viewer: a class on the viewer
        # restyles its whole subtree (~100 nodes), which cost ~0.1 s per response here.
        try:
            self.query_one(TransferProgress).set_class(state == "sending", "-shown")
            self.query_one("#error-message").set_class(state == "error", "-shown")
            self.query_one(TabbedContent).set_class(state == "error", "-hidden")
        except NoMatches:
            pass

    def watch_status_class(self, old: str, new: str) -> None:
        try:
            status = self.query_one("#status", Static)
        except NoMatches:
            return
        if old:
            status.remove_class(old)
        if new:
            status.add_class(new)

    def focus_target(self) -> Widget | None:
        """What `focus` gives the focus to (for `screen.set_focus`, which moves it at once)."""
        try:
            if self.state == "error":
                return self.query_one(ErrorMessage)
            if self.tabs.active == "tab-body":
                return self.body_view
            if self.tabs.active == "tab-live":
                return self.live_view.events_view
            return self._tab_content(self.tabs.active)
        except NoMatches:
            return None

    def focus(self, scroll_visible: bool = True) -> ResponseViewer:
        """The viewer itself takes no focus: give it to the body (or the tab strip when
        another tab is shown, or the error is)."""
        if (target := self.focus_target()) is not None:
            target.focus(scroll_visible)
        return self

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # A tab switched from code hides the focused body: keep the focus (and so the viewer's
        # keys) in the pane.
        focused = self.app.focused
        if focused is not None and self in focused.ancestors:
            self.call_after_refresh(self._refocus)

    def _refocus(self) -> None:
        focused = self.app.focused
        if focused is None:
            self.focus()
            return
        in_active_pane = self.tabs.active_pane in focused.ancestors_with_self
        if self in focused.ancestors and not in_active_pane and not isinstance(focused, Tabs):
            self.focus()

    # -- children ----------------------------------------------------------------------------

    @property
    def body_panel(self) -> BodyPanel:
        return self.query_one(BodyPanel)

    @property
    def body_view(self) -> BodyView:
        return self.query_one(BodyView)

    @property
    def transfer(self) -> TransferProgress:
        return self.query_one(TransferProgress)

    @property
    def timing_view(self) -> TimingView:
        return self.query_one(TimingView)

    @property
    def live_view(self) -> LiveView:
        return self.query_one(LiveView)

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one(TabbedContent)

    # -- read-only views for tests -----------------------------------------------------------

    @property
    def body_text(self) -> str:
        """What the Body tab shows (pretty JSON once formatted, text, or the hex dump)."""
        return self.body_panel.text

    @property
    def headers_text(self) -> str:
        return self._headers_plain

    @property
    def timing_text(self) -> str:
        return self.timing_view.plain

    @property
    def request_text(self) -> str:
        return self._request_plain

    _headers_plain = ""
    _request_plain = ""

    # -- the API the app drives --------------------------------------------------------------

    def _set_status(self, text: str, css_class: str) -> None:
        self.status_text = text
        self.query_one("#status", Static).update(text, layout=False)  # one fixed line
        self.status_class = css_class

    def clear(self) -> None:
        self.response = None
        self.request = None
        self.error = None
        self.error_text = ""
        self.query_one("#error-message", Static).update("")
        self._set_status("No response yet.", "")
        self.body_panel.clear()
        self._set_headers(())
        self.timing_view.show(None)
        self._set_request_text(Text(""))
        self._hide_live()
        self.state = "idle"

    def _hide_live(self) -> None:
        self._live_fed = False
        if self.tabs.active == "tab-live":
            self.tabs.active = "tab-body"
        self.tabs.hide_tab("tab-live")

    def show_sending(self, request: ResolvedRequest) -> None:
        self.clear()
        self.request = request
        self._set_status(f"Sending {request.method} {request.full_url} …", "")
        self.transfer.start("Waiting for the response…")
        self._show_resolved_request(request)
        self.state = "sending"

    def show_progress(self, event: Progress) -> None:
        if self.state == "streaming":
            if event.direction == "download":
                self.live_view.set_bytes(event.done)
            return
        if self.state != "sending":
            self.state = "sending"
        self.transfer.update_progress(event)

    def show_stream(self, items: list[StreamStarted | StreamEvent | StreamEnded]) -> None:
        """Engine stream events, in order, as the send worker batched them."""
        live = self.live_view
        for item in items:
            if isinstance(item, StreamEvent):
                live.add_event(item)
            elif isinstance(item, StreamStarted):
                live.start(item.mode, item.status)
                self._live_fed = True
                self.tabs.show_tab("tab-live")
                self.tabs.active = "tab-live"
                self.state = "streaming"
                self._set_status(f"Streaming {item.mode} · {item.status} (escape: cancel)", status_class_for(item.status))
                live.events_view.focus()
            else:
                live.end(item.summary)

    def show_response(self, response: Response, *, cancelled: bool = False) -> None:
        self.response = response
        self.error = None
        self.error_text = ""
        if not self._live_fed:  # an earlier result shown again: its events are not in the Live tab
            self._hide_live()
        elif response.stream is not None and self.live_view.ended is None:
            self.live_view.end(response.stream)
        self._live_fed = False
        self.body_panel.show_response(response)
        self._set_status(("✗ cancelled · " if cancelled else "") + self._status(response), status_class_for(response.status))
        self._set_headers(response.headers)
        self.timing_view.show(response.timings)
        self._show_sent(response)
        focused = self.app.focused
        error_had_focus = self.state == "error" and isinstance(focused, ErrorMessage)
        self.state = "done"
        if error_had_focus:
            self.focus()

    def show_error(self, error: errors.ReqbenchError) -> None:
        """Replace whatever was shown by a clear message; the request (for copy as curl and
        copy URL) is kept. A cancelled stream shows what had arrived, as a response."""
        if isinstance(error, errors.Cancelled) and isinstance(error.response, Response):
            self.show_response(error.response, cancelled=True)
            return
        if self.response is not None:
            self.response = None
            self.body_panel.clear()
            self._set_headers(())
            self.timing_view.show(None)
        self.error = error
        self.error_text = describe_error(error)
        self.query_one("#error-message", Static).update(self.error_text)
        self._set_status(f"✗ {error_title(error)}", "-failed")
        focused = self.app.focused
        had_focus = focused is not None and self in focused.ancestors
        self.state = "error"
        if had_focus:  # the tabs are hidden now: keep the focus in the pane
            self.focus()

    # -- tab contents ------------------------------------------------------------------------

    def _set_headers(self, headers: tuple[tuple[str, str], ...]) -> None:
        text = headers_text(headers)
        self._headers_plain = text.plain
        self.query_one("#headers-text", Static).update(text if headers else "No headers.")

    def _set_request_text(self, text: Text) -> None:
        self._request_plain = text.plain
        self.query_one("#request-text", Static).update(text)

    def _show_resolved_request(self, request: ResolvedRequest) -> None:
        self._set_request_text(resolved_request_text(request))

    def _show_sent(self, response: Response) -> None:
        self._set_request_text(sent_request_text(response, self.request, self._curl(multiline=True)))

    # -- actions -----------------------------------------------------------------------------

    def _curl(self, *, multiline: bool = False) -> str:
        if self.request is not None:
            return to_curl(self.request, multiline=multiline)
        if self.response is not None and self.response.sent is not None:
            return to_curl(self.response.sent, multiline=multiline)
        return ""

    def _url(self) -> str:
        if self.response is not None:
            return self.response.url
        if self.request is not None:
            return self.request.full_url
        return ""

    def _tab_content(self, tab: str) -> Widget:
        """What takes the focus in tab `tab`: the body view or the tab's scrolling text."""
        if tab == "tab-body":
            return self.body_view
        return self.query_one(f"#{tab.removeprefix('tab-')}-scroll")

    def action_show_tab(self, tab: str) -> None:
        """Show tab `tab` and focus its content, so that the arrows scroll it at once."""
        if self.state == "error":
            return
        self.tabs.active = tab
        self.screen.set_focus(self._tab_content(tab))

    def action_next_tab(self) -> None:
        tabs = self.TAB_IDS
        self.action_show_tab(tabs[(tabs.index(self.tabs.active) + 1) % len(tabs)] if self.tabs.active in tabs else tabs[0])

    def action_choose_encoding(self) -> None:
        """Pick a text encoding to decode the body already received with (nothing is resent)."""
        from tui.screens.encoding import EncodingPicker

        if self.response is None or self.body_panel.kind == "empty":
            self.notify("No body to decode.", severity="warning")
            return
        # "" (as the response says) decodes with the response's own encoding again.
        self.app.push_screen(EncodingPicker(self.body_panel.encoding or "utf-8"), lambda name: None if name is None else self.decode_as(name))

    def decode_as(self, encoding: str) -> None:
        """Show the body of the response already received decoded with `encoding` (a text
        codec); "" goes back to the response's own."""
        if self.response is None:
            return
        self.body_panel.show_response(self.response, encoding=encoding or None)
        self._set_status(self._status(self.response), status_class_for(self.response.status))

    def _status(self, response: Response) -> str:
        encoding = self.body_panel.encoding
        return f"{status_line(response)} · {encoding}" if encoding else status_line(response)

    def action_search(self) -> None:
        if self.state == "error":
            return
        self.tabs.active = "tab-body"
        self.body_panel.open_search()

    def action_toggle_pretty(self) -> None:
        panel = self.body_panel
        if panel.kind != "json":
            self.notify("Only JSON bodies have a pretty view.", severity="warning")
            return
        panel.toggle_pretty()

    def action_copy_body(self) -> None:
        panel = self.body_panel
        if self.response is None or panel.kind == "empty":
            self.notify("No body to copy.", severity="warning")
            return
        if panel.kind == "binary":
            self.notify("Binary body: save it to a file instead (s).", severity="warning")
            return
        if self.response.spilled or self.response.downloaded:
            self.notify(f"The body is too large to copy; it is saved at {self.response.body_path}.", severity="warning", markup=False)
            return
        text = panel.text
        if len(text) > COPY_LIMIT:
            self.notify(f"The body is too large to copy ({format_bytes(len(text))}); save it instead (s).", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the body ({format_bytes(len(text.encode('utf-8')))}).")

    def action_copy_url(self) -> None:
        url = self._url()
        if not url:
            self.notify("No URL to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify("Copied the URL.")

    def action_copy_curl(self) -> None:
        curl = self._curl()
        if not curl:
            self.notify("No request to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(curl)
        self.notify("Copied the request as a curl command.")

    def suggested_filename(self) -> str:
        return suggested_filename(self.response, self.body_panel.kind)

    async def action_save_body(self) -> None:
        if self.response is None:
            self.notify("No response to save.", severity="warning")
            return

        def _chosen(path: str | None) -> None:
            if path and self.response is not None:
                self.save_body(Path(path).expanduser())

        await SaveBodyScreen.ask(self.app, self.suggested_filename(), _chosen)

    def save_body(self, path: Path, *, overwrite: bool = False) -> None:
        """Write the decoded body (exactly as received) to `path`, in a thread; asks before
        replacing a file that is there."""
        if self.response is not None:
            self._save_worker(self.response, path.absolute(), overwrite)

    @work(thread=True, group="save-body")
    def _save_worker(self, response: Response, path: Path, overwrite: bool) -> None:
        try:
            size = write_body(response, path, overwrite=overwrite)
        except errors.FileWriteError as error:
            if not overwrite and os.path.lexists(path) and not path.is_dir():
                self.app.call_from_thread(self._ask_overwrite, path)
                return
            self.app.call_from_thread(self.notify, f"Could not save the body: {error}", severity="error", title="Save failed", markup=False)
            return
        self.app.call_from_thread(self.notify, f"Saved {format_bytes(size)} to {path}", title="Body saved", markup=False)

    def _ask_overwrite(self, path: Path) -> None:
        from tui.screens.confirm import ConfirmScreen

        def answered(answer: str | None) -> None:
            if answer == "yes":
                self.save_body(path, overwrite=True)

        self.app.push_screen(ConfirmScreen("File exists", f"{path} exists. Replace it?", yes="Replace", no="Cancel"), answered)
