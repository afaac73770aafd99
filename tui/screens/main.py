"""The workbench's main screen: the layout of one open `Workspace` and the handlers of the
messages its widgets send up (edits, the sidebar, send results).

The app (`tui/app.py`) makes it the default screen and keeps the key bindings and actions; its
actions call the few public methods here (`send`, `save_collection`, `toggle_sidebar`, …).
Nothing here imports the app. State lives in the workspace; this screen only shows it:

    load_request(index)     show request `index` in every editor
    refresh()               after any change: dirty state, sidebar, status line, URL preview

Start-up is benchmarked (`benchmarks/bench_startup.py`): the first request is composed in place,
and what the first frame does not show (the response pane, the hidden Body and Options editors,
httpx) is mounted or imported just after; `await ready()` forces it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import TabbedContent

from tui.core import errors
from tui.core.collection.model import Request
from tui.core.collection.query import apply_url, display_url
from tui.core.workspace import Workspace
from tui.widgets.body_editor import BodyEditor
from tui.widgets.collection_tree import CollectionTree, CollectionView, view_of
from tui.widgets.footer import EagerFooter
from tui.widgets.key_value_table import KeyValueTable
from tui.widgets.options_pane import OptionsPane
from tui.widgets.request_panes import Edit, RequestPanes, apply_edit
from tui.widgets.sender import SendDone, Sender, SendProgress, SendStream
from tui.widgets.status_line import StatusLine, UrlPreview, status_text
from tui.widgets.url_bar import UrlBar
from tui.widgets.zoom_hint import ZoomHint, hint_text, shown_part

if TYPE_CHECKING:
    from tui.core.engine.response import Response
    from tui.core.history import History

__all__ = ["MainScreen"]


class MainScreen(Screen[None]):
    sending: reactive[bool] = reactive(False, bindings=True)
    dirty: reactive[bool] = reactive(False)
    sidebar: reactive[str] = reactive("auto")  # auto (by width) | shown | hidden
    zoom: reactive[str] = reactive("")  # "" | response | editor: that part fills the screen (f8 / f9)

    def __init__(self, workspace: Workspace, *, notice: str | None = None, history: Path | History | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.notice = notice
        self.sender = Sender(self, workspace, history=history)
        self.panes = RequestPanes(self)
        self._last_view: CollectionView | None = None
        self._mounted = asyncio.Event()
        self._load(workspace.request, composed=False)

    def compose(self) -> ComposeResult:
        self._last_view = view_of(self.workspace)
        yield StatusLine(self._status_text(), id="status-bar")
        with Horizontal(id="workspace"):
            yield CollectionTree(self._last_view, id="sidebar")
            with Vertical(id="main"):
                yield from self.panes.compose(self.workspace.request, self.workspace.url_preview())
        yield ZoomHint(id="zoom-hint")
        yield EagerFooter()

    def on_mount(self) -> None:
        self._refresh_variables()
        self._update_status()
        if self.notice:
            self.notify(self.notice, title="reqbench", timeout=8, markup=False)
        # The HTTP stack is imported from a thread once the screen is up (work right after the
        # first refresh delayed the footer's keys by ~0.25 s); the hidden editors and the
        # response pane are mounted when first needed (a background mount could be cut by a
        # quick quit).
        self.set_timer(0.2, self.sender.warm_up)
        self._mounted.set()

    async def ready(self) -> None:
        """Mount what start-up defers (response pane, body and options editors) now, once
        this screen is composed (an auto-pilot may start before)."""
        await self._mounted.wait()
        await self.panes.ensure_viewer()
        await self.panes.ensure_editors()

    @on(TabbedContent.TabActivated, "#request-tabs")
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id in ("tab-body", "tab-options"):
            await self.panes.ensure_editors()

    # -- showing the workspace ---------------------------------------------------------------
    @property
    def sidebar_tree(self) -> CollectionTree:
        return self.query_one("#sidebar", CollectionTree)

    def load_request(self, index: int) -> None:
        """Show request `index` in every editor."""
        request = self.workspace.select(index)
        self._load(request)
        self._refresh_variables()
        if not self.sending:  # a running request keeps the pane for its progress and result
            self._show_result(self.workspace.result_of(request), clear=True)
        self.refresh_model()

    def _load(self, request: Request, *, composed: bool = True) -> None:
        collection = self.workspace.collection
        self.panes.load(request, folder=collection.folder, defaults=collection.defaults, composed=composed)

    def _show_result(self, result: Response | errors.ReqbenchError | None, *, clear: bool = False) -> None:
        if not (viewer := self.panes.live_viewer()):
            return
        if isinstance(result, errors.ReqbenchError):
            viewer.show_error(result)
        elif result is not None:
            viewer.show_response(result)
        elif clear and viewer.state != "idle":
            viewer.clear()

    def _refresh_variables(self) -> None:
        known, error = self.workspace.known_variables()
        if error is not None:
            self.notify(str(error), severity="error", markup=False)
        self.panes.set_known_variables(known)

    def refresh_variables(self) -> None:
        """After the variables or the environment changed: flags, status line, preview."""
        if self.is_attached:
            self._refresh_variables()
            self._update_status()

    def refresh_model(self) -> None:
        """Recompute the unsaved state and refresh the sidebar and status line."""
        self.dirty = self.workspace.dirty
        view = view_of(self.workspace)
        if view != self._last_view:
            self._last_view = view
            self.sidebar_tree.show(view)
        self._update_status()

    def _status_text(self) -> str:
        return status_text(self.workspace, dirty=self.dirty, sending=self.sending)

    def _update_status(self) -> None:
        """Refresh the status line and the resolved-URL preview under the URL bar."""
        for line in self.query(StatusLine):  # (nothing before compose)
            line.show_text(self._status_text())
        for preview in self.query(UrlPreview):
            preview.show_text(self.workspace.url_preview())

    def watch_dirty(self, dirty: bool) -> None:
        self.app.sub_title = "unsaved changes" if dirty else ""

    def watch_sending(self) -> None:
        self._update_status()

    # -- full-screen panes (f8 / f9) and small terminals -------------------------------------
    def watch_zoom(self) -> None:
        self._show_zoom()

    def on_resize(self) -> None:
        self._show_zoom()

    @property
    def shown_part(self) -> str:
        """"" (everything), "response" or "editor": what fills the screen now."""
        return shown_part(self.zoom, self.size.height)

    def _show_zoom(self) -> None:
        shown = self.shown_part
        self.set_class(shown == "response", "-zoom-response")
        self.set_class(shown == "editor", "-zoom-editor")
        for hint in self.query(ZoomHint):
            hint.show_text(hint_text(shown, self.zoom))

    def reveal(self, part: str) -> None:
        """Make `part` (response, editor) visible, leaving full screen if the other one has it."""
        if self.shown_part not in ("", part):
            self.zoom = "" if shown_part("", self.size.height) in ("", part) else part

    def watch_sidebar(self, mode: str) -> None:
        workspace = self.query_one("#workspace")
        workspace.set_class(mode == "shown", "-sidebar-shown")
        workspace.set_class(mode == "hidden", "-sidebar-hidden")

    # -- edits from the widgets (each message names the request it was loaded with) --------
    @on(UrlBar.MethodChanged)
    @on(UrlBar.UrlChanged)
    @on(KeyValueTable.Changed, "#params")
    @on(KeyValueTable.Changed, "#headers")
    @on(BodyEditor.Changed)
    @on(OptionsPane.Changed)
    def _edited(self, event: Message) -> None:
        if (request := self.workspace.owns(getattr(event, "target", None))) is not None:
            self._show_edit(request, apply_edit(request, event), typed_url=isinstance(event, UrlBar.UrlChanged))

    def _show_edit(self, request: Request, edit: Edit | None, *, typed_url: bool) -> None:
        """Mirror an edit in the other editor showing the same thing (URL query <-> params)."""
        if request is self.workspace.request and edit == "params":
            if typed_url:
                self.panes.show_params(request)
            else:
                self.panes.show_url(request)
        self.refresh_model()

    @on(UrlBar.Submitted)
    async def _url_submitted(self) -> None:
        await self.send()

    # -- the sidebar -------------------------------------------------------------------------
    @on(CollectionTree.RequestSelected)
    def _request_selected(self, event: CollectionTree.RequestSelected) -> None:
        self.load_request(event.index)
        self.panes.url_bar.url_input.focus()
        if self.has_class("-narrow") and self.sidebar == "shown":
            self.sidebar = "auto"  # on a narrow terminal the sidebar steps aside once used

    @on(CollectionTree.NewRequested)
    def _new_request(self, event: CollectionTree.NewRequested) -> None:
        self.load_request(self.workspace.new_request(event.after))
        self.set_focus(self.panes.url_bar.url_input)  # now: the keys typed after `n` go there

    @on(CollectionTree.DuplicateRequested)
    def _duplicate_request(self, event: CollectionTree.DuplicateRequested) -> None:
        self.load_request(self.workspace.duplicate_request(event.index))

    @on(CollectionTree.MoveRequested)
    def _move_request(self, event: CollectionTree.MoveRequested) -> None:
        if (new := self.workspace.move_request(event.index, event.delta)) is not None:
            self.refresh_model()
            self.sidebar_tree.option_list.highlighted = new

    @on(CollectionTree.RenameRequested)
    @work(group="dialog")
    async def _rename_request(self, event: CollectionTree.RenameRequested) -> None:
        from tui.screens.request_prompts import rename

        if await rename(self.app, self.workspace, self.workspace.collection.requests[event.index]):
            self.refresh_model()

    @on(CollectionTree.DeleteRequested)
    @work(group="dialog")
    async def _delete_request(self, event: CollectionTree.DeleteRequested) -> None:
        from tui.screens.request_prompts import delete

        request = self.workspace.collection.requests[event.index]
        if (index := await delete(self.app, self.workspace, request)) is not None:
            self.load_request(index)

    @on(CollectionTree.FileSelected)
    @work(group="dialog")
    async def _file_selected(self, event: CollectionTree.FileSelected) -> None:
        from tui.screens.unsaved import resolve_unsaved

        if self.dirty and not await resolve_unsaved(self.app, f"open {event.path.name}", save=self.save_collection):
            return
        self.open_collection(event.path)

    def open_collection(self, path: Path) -> bool:
        """Replace the open collection with the one at `path` (errors are notified)."""
        try:
            self.workspace.open(path)
        except errors.ReqbenchError as error:
            self.notify(str(error), title="Cannot open", severity="error", timeout=8, markup=False)
            return False
        if viewer := self.panes.live_viewer():
            viewer.clear()
        self.sender.reload_cookies()  # each collection has its own saved jar
        self.load_request(0)
        return True

    def toggle_sidebar(self) -> None:
        """One press hides a visible sidebar (wherever the focus is); a hidden one is shown
        and focused."""
        tree = self.sidebar_tree
        visible = tree.display if self.sidebar != "auto" else self.has_class("-wide")
        if self.shown_part == "response":
            self.zoom = ""
            visible = False
        self.sidebar = "hidden" if visible else "shown"
        if self.sidebar == "shown":
            self.set_focus(tree.option_list)
        elif tree.option_list.has_focus:
            self.set_focus(self.panes.url_bar.url_input)

    # -- saving --------------------------------------------------------------------------------
    async def save_collection(self) -> bool:
        """Save (asking for a path or before overwriting a changed file); whether it was saved.
        Pushes screens: call it from a worker."""
        from tui.screens.unsaved import save

        saved = await save(self.app, self.workspace)
        if saved is None:
            return False
        self.panes.body_editor.base_folder = self.workspace.collection.folder
        self._last_view = None
        self.refresh_model()
        self.notify(f"Saved {saved.name}", markup=False)
        return True

    # -- sending -----------------------------------------------------------------------------
    async def send(self) -> None:
        await self.panes.ensure_viewer()
        request = self.workspace.request
        # What the URL bar shows wins, even if its Changed message is still on its way
        # (a paste immediately followed by ctrl+j).
        bar = self.panes.url_bar
        if bar.target is request:
            request.method = bar.method
            if bar.url != display_url(request):
                self._show_edit(request, "params" if apply_url(request, bar.url) else "url", typed_url=True)
        outcome = self.sender.start(request)
        if isinstance(outcome, errors.InvalidURL):
            bar.show_invalid("invalid URL")  # the details are in the response pane
        if isinstance(outcome, errors.ReqbenchError):
            self.sending = False
            self._show_result(outcome)
            return
        self.sending = True
        self.panes.viewer.show_sending(outcome)
        if self.shown_part == "editor" and not self.zoom:
            self.zoom = "response"  # a small terminal: the response replaces the editor

    @on(SendProgress)
    def _progress(self, message: SendProgress) -> None:
        if self.sender.is_current(message.send_id) and self.sending and (viewer := self.panes.live_viewer()):
            viewer.show_progress(message.event)

    @on(SendStream)
    def _stream(self, message: SendStream) -> None:
        items = message.buffer.drain()  # drained even when stale, so the buffer never grows
        if self.sender.is_current(message.send_id) and (viewer := self.panes.live_viewer()):
            viewer.show_stream(items)

    # By handler name, not @on(LiveView.CancelRequested): the live view (and its imports) stays
    # off the start-up path until a stream arrives.
    def on_live_view_cancel_requested(self) -> None:
        if self.sending:
            self.sender.cancel()

    @on(SendDone)
    def _done(self, message: SendDone) -> None:
        if not self.sender.is_current(message.send_id):
            return
        self.sending = False
        if (finished := self.sender.finish(message)) is not None:
            request, result = finished
            self._show_result(result)
            if not isinstance(result, errors.ReqbenchError):
                self._capture(request, result)

    def _capture(self, request: Request, response: Response) -> None:
        values, problems = self.workspace.capture(request, response)
        if values:
            self.notify("captured " + ", ".join(f"{{{{{name}}}}}" for name in values), title="Variables", markup=False)
            self.refresh_variables()
        for problem in problems:
            self.notify(problem.message, title=f"Not captured: {problem.variable}", severity="warning", markup=False)
