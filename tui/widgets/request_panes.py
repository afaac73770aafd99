"""The editors of one request and the response pane under them, as the app lays them out.

    panes = RequestPanes(screen)
    yield from panes.compose(request, preview)     # inside the screen's compose, in #main
    panes.load(request, folder=..., defaults=...)  # show another request in every editor
    panes.known_variables = frozenset(...)         # for the {{variable}} flags
    await panes.ensure_editors(); await panes.ensure_viewer(); panes.live_viewer()

Not a widget: it composes into the screen's own tree (ids `#url-bar`, `#params`, `#headers`,
`#body`, `#options`, `#response`; styled in `app.tcss`) and finds them there. Start-up counts:
the first request is composed in place, while the Body and Options editors (hidden tabs) and
the response pane (and its imports) are mounted when first needed.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from tui.core.collection.model import Defaults, Pair, Request
from tui.core.collection.query import apply_url, display_url
from tui.widgets.body_editor import BodyEditor
from tui.widgets.key_value_table import KeyValueTable
from tui.widgets.options_pane import OptionsPane, RequestOptions
from tui.widgets.status_line import UrlPreview
from tui.widgets.url_bar import UrlBar

if TYPE_CHECKING:
    from pathlib import Path

    from tui.widgets.response_viewer import ResponseViewer

__all__ = ["Edit", "RequestPanes", "apply_edit", "options_of"]

# The fields of a request the Options tab edits (RequestOptions names them as the model does).
_OPTION_FIELDS = tuple(f.name for f in fields(RequestOptions))

Edit = Literal["method", "url", "params", "headers", "body", "options"]


def options_of(request: Request) -> RequestOptions:
    return RequestOptions(**{name: getattr(request, name) for name in _OPTION_FIELDS})


def apply_edit(request: Request, message: Message) -> Edit | None:
    """What an editor's message changes in `request` (the one it names as its `target`);
    returns which part it was. A URL typed with a query changes the params too (`apply_url`)."""
    if isinstance(message, UrlBar.MethodChanged):
        request.method = message.method
        return "method"
    if isinstance(message, UrlBar.UrlChanged):
        return "params" if apply_url(request, message.url) else "url"
    if isinstance(message, KeyValueTable.Changed) and message.control.id in ("params", "headers"):
        rows = [Pair(p.name, p.value, p.enabled) for p in message.items]
        if message.control.id == "params":
            request.params = rows
            return "params"
        request.headers = rows
        return "headers"
    if isinstance(message, BodyEditor.Changed):
        request.body = message.body
        return "body"
    if isinstance(message, OptionsPane.Changed):
        for name in _OPTION_FIELDS:
            setattr(request, name, getattr(message.options, name))
        return "options"
    return None


class RequestPanes:
    def __init__(self, screen: Screen[None]) -> None:
        self._screen = screen
        self.body_editor = BodyEditor(id="body")
        self.options_pane = OptionsPane(id="options")
        self._editors_mounted = False
        self._viewer_mounted = False

    def compose(self, request: Request, preview: str) -> ComposeResult:
        yield UrlBar(request.method, display_url(request), target=request, id="url-bar")
        yield UrlPreview(preview, id="url-preview")
        with TabbedContent(id="request-tabs", initial="tab-params"):
            with TabPane("Params", id="tab-params"):
                yield KeyValueTable(request.params, target=request, id="params")
            with TabPane("Headers", id="tab-headers"):
                yield KeyValueTable(request.headers, target=request, id="headers", name_placeholder="header")
            # Hidden at start: mounted when first shown (`ensure_editors`).
            yield TabPane("Body", id="tab-body")
            yield TabPane("Options", id="tab-options")
        # The response pane (and its imports) arrives right after the first frame.
        yield Static("No response yet.", id="response-placeholder")

    # -- the widgets -------------------------------------------------------------------------
    @property
    def url_bar(self) -> UrlBar:
        return self._screen.query_one("#url-bar", UrlBar)

    @property
    def params_table(self) -> KeyValueTable:
        return self._screen.query_one("#params", KeyValueTable)

    @property
    def headers_table(self) -> KeyValueTable:
        return self._screen.query_one("#headers", KeyValueTable)

    @property
    def viewer(self) -> ResponseViewer:
        from tui.widgets.response_viewer import ResponseViewer

        return self._screen.query_one("#response", ResponseViewer)

    def live_viewer(self) -> ResponseViewer | None:
        """The response pane, or None before it is mounted or while the app shuts down."""
        screen = self._screen
        if not screen.is_attached or not screen.app.is_running or not self._viewer_mounted:
            return None
        from tui.widgets.response_viewer import ResponseViewer

        viewers = screen.query("#response")
        viewer = viewers.first() if viewers else None
        return viewer if isinstance(viewer, ResponseViewer) and viewer.is_mounted else None

    # -- showing a request -------------------------------------------------------------------
    def load(self, request: Request, *, folder: Path, defaults: Defaults, composed: bool = True) -> None:
        """Show `request` in every editor (`composed=False`: only the lazily mounted ones,
        before the app is composed)."""
        if composed:
            self.url_bar.set_request(request.method, display_url(request), target=request)
            self.params_table.set_items(request.params, target=request)
            self.headers_table.set_items(request.headers, target=request)
        # Body and options keep what they are given until they are mounted.
        self.body_editor.base_folder = folder
        self.body_editor.set_body(request.body, target=request)
        self.options_pane.set_options(options_of(request), defaults=defaults, target=request)

    def set_known_variables(self, known: frozenset[str]) -> None:
        for widget in (self.url_bar, self.params_table, self.headers_table):
            widget.known_variables = known

    def show_params(self, request: Request) -> None:
        self.params_table.set_items(request.params, target=request)

    def show_url(self, request: Request) -> None:
        self.url_bar.set_url(display_url(request))

    # -- what start-up defers ----------------------------------------------------------------
    async def ensure_editors(self) -> None:
        """Mount the body and options editors (once)."""
        screen = self._screen
        if self._editors_mounted or not screen.is_attached:
            return
        self._editors_mounted = True
        await screen.query_one("#tab-body", TabPane).mount(self.body_editor)
        await screen.query_one("#tab-options", TabPane).mount(self.options_pane)

    async def ensure_viewer(self) -> None:
        """Replace the placeholder by the response pane (once). The app's handlers run one at
        a time, so a send that comes first simply mounts it itself."""
        screen = self._screen
        if self._viewer_mounted or not screen.is_attached:
            return
        self._viewer_mounted = True
        from tui.widgets.response_viewer import ResponseViewer

        placeholder = screen.query_one("#response-placeholder")
        await screen.query_one("#main").mount(ResponseViewer(id="response"), after=placeholder)
        await placeholder.remove()

    async def select_tab(self, name: str) -> None:
        """Show tab `name` (params, headers, body, options) and focus its first field."""
        await self.ensure_editors()
        tabs = self._screen.query_one("#request-tabs", TabbedContent)
        tabs.active = f"tab-{name}"
        focusable = [widget for widget in tabs.get_pane(f"tab-{name}").query("*") if widget.focusable]
        if focusable:
            # Now, not through `focus()` (which queues the change behind keys the app has
            # already received): keys typed right after alt+p land in the pane.
            self._screen.set_focus(focusable[0])
