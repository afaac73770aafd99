"""The workbench: a Textual app over the headless core.

    make_app(path=None, *, environment=None, overrides={}, allowed_paths=(), notice=None) -> ReqbenchApp
    run_app(path=None, **same)

`make_app` is the one factory used by the CLI (`reqbench`, `reqbench demo`), the tests and
`screenshots/make.py`. The app edits the `model.Collection` in place; the widgets show one
request at a time and report edits with messages (each carrying the request it was loaded
with, so a late message can never land on another request). Sending resolves variables
(`variables.resolve`) and runs `engine.send` in an exclusive async worker; engine events come
back as messages. There is no HTTP code here.

Start-up is benchmarked (`benchmarks/bench_startup.py`): the first screen is composed with the
first request already in place, and what it does not show (the response pane, the hidden Body
and Options editors, httpx) is mounted or imported just after; `await app.ready()` forces it.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, unquote

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Label, Static, TabbedContent, TabPane

from tui.bundled import default_collection
from tui.core import errors
from tui.core.collection import store
from tui.core.collection.model import Collection, Pair, Request
from tui.widgets.body_editor import BodyEditor
from tui.widgets.collection_tree import CollectionTree, CollectionView, RequestEntry
from tui.widgets.confirm_screen import ChoiceScreen, ConfirmScreen, PromptScreen
from tui.widgets.key_value_table import KeyValueTable
from tui.widgets.options_pane import OptionsPane, RequestOptions
from tui.widgets.url_bar import UrlBar

if TYPE_CHECKING:
    from tui.core.engine import Engine
    from tui.core.engine.events import Event, Progress
    from tui.core.engine.resolved import ResolvedRequest
    from tui.core.engine.response import Response
    from tui.widgets.response_viewer import ResponseViewer

__all__ = ["ReqbenchApp", "default_collection_path", "make_app", "run_app", "scratch_collection"]

log = logging.getLogger(__name__)

# Characters left as typed when a param is shown in the URL: `{{var}}` stays readable.
_QUERY_SAFE = "{}:/@!$'()*+,;?[]|~"


def default_collection_path() -> Path | None:
    """What `reqbench` opens without argument: the bundled quickstart (`tui.bundled`, shared
    with `reqbench demo`), a private copy of it when installed read-only."""
    return default_collection()


def scratch_collection() -> Collection:
    return Collection(name="scratch", requests=[Request(name="request 1", url="")])


def query_string(params: Iterable[Pair]) -> str:
    return "&".join(
        quote(p.name, safe=_QUERY_SAFE) + "=" + quote(p.value, safe=_QUERY_SAFE)
        for p in params
        if p.enabled
    )


def parse_query(query: str) -> list[Pair]:
    pairs = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        pairs.append(Pair(unquote(name), unquote(value)))
    return pairs


def display_url(request: Request) -> str:
    """The URL as shown in the URL bar: the request's URL plus its enabled params."""
    query = query_string(request.params)
    if not query:
        return request.url
    return request.url + ("&" if "?" in request.url else "?") + query


def _unique_name(existing: Iterable[str], wanted: str) -> str:
    names = set(existing)
    if wanted not in names:
        return wanted
    number = 2
    while f"{wanted} {number}" in names:
        number += 1
    return f"{wanted} {number}"


class _EagerFooter(Footer):
    """A Footer that lists the keys in the first frame: Textual's waits for a bindings update
    and recomposes after the next refresh, one more full layout before the keys are seen."""

    def __init__(self) -> None:
        super().__init__()
        self._bindings_ready = True


class ReqbenchApp(App[None]):
    """The workbench. Build it with `make_app`."""

    CSS_PATH = "app.tcss"
    TITLE = "reqbench"
    AUTO_FOCUS = "#url"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (typed by App)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012 (typed by App)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+enter,ctrl+j,alt+enter", "send", "Send", key_display="^j", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar"),
        Binding("f4", "environment", "Env"),
        Binding("f5", "variables", "Vars"),
        Binding("f1,question_mark", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+l", "focus_url", "Focus URL", show=False),
        # Real terminals report alt+x with the character "x", which an Input or TextArea with
        # focus would type: these must win over the focused widget.
        Binding("alt+p", "request_tab('params')", "Params tab", show=False, priority=True),
        Binding("alt+h", "request_tab('headers')", "Headers tab", show=False, priority=True),
        Binding("alt+b", "request_tab('body')", "Body tab", show=False, priority=True),
        Binding("alt+o", "request_tab('options')", "Options tab", show=False, priority=True),
        Binding("alt+r", "focus_response", "Focus response", show=False, priority=True),
    ]

    sending: reactive[bool] = reactive(False, bindings=True)
    dirty: reactive[bool] = reactive(False)
    environment: reactive[str | None] = reactive(None)
    sidebar: reactive[str] = reactive("auto")  # auto (by width) | shown | hidden

    class TransferProgress(Message):
        """An engine Progress event; a newer one supersedes a pending one (no flooding)."""

        def __init__(self, send_id: int, event: Progress) -> None:
            super().__init__()
            self.send_id = send_id
            self.event = event

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ReqbenchApp.TransferProgress) and message.send_id == self.send_id

    class RequestDone(Message):
        """The send worker finished: a response or an error."""

        def __init__(self, send_id: int, *, response: Response | None = None, error: errors.ReqbenchError | None = None) -> None:
            super().__init__()
            self.send_id = send_id
            self.response = response
            self.error = error

    def __init__(
        self,
        collection: Collection,
        *,
        environment: str | None = None,
        overrides: Mapping[str, str] | None = None,
        allowed_paths: Sequence[str | Path] = (),
        notice: str | None = None,
    ) -> None:
        super().__init__()
        self.collection = collection
        self.overrides: dict[str, str] = dict(overrides or {})
        self.notice = notice
        self.allowed_paths = tuple(Path(p) for p in allowed_paths)
        self.set_reactive(ReqbenchApp.environment, environment)
        self.current = 0
        # Values taken from responses by `[requests.capture]`, as a replay run would: a later
        # request of the session can use them ("log in", then "bearer token from log in").
        self.captured: dict[str, str] = {}
        self._sent_request: Request | None = None
        # The last result of each request (keyed by identity), shown again when it is reopened.
        self._results: dict[int, tuple[Request, Response | errors.ReqbenchError]] = {}
        self.last_response: Response | None = None
        self.last_error: errors.ReqbenchError | None = None
        self._saved = copy.deepcopy(collection)
        self._fingerprint = self._read_fingerprint()
        self._engine: Engine | None = None
        self._send_id = 0
        self._last_view: CollectionView | None = None
        if not collection.requests:
            collection.requests.append(Request(name="request 1"))
            self._saved = copy.deepcopy(collection)
        self._viewer_mounted = False
        self._editors_mounted = False
        self._body_editor = BodyEditor(id="body")
        self._options_pane = OptionsPane(id="options")
        self._load_lazy_editors(collection.requests[0])

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The first request is composed in place (not loaded after mount): every later change
        # of class or value restyles nodes, and start-up time counts.
        request = self.request
        self._last_view = self._collection_view()
        yield Label(self._status_text(), id="status-bar", markup=False)
        with Horizontal(id="workspace"):
            yield CollectionTree(self._last_view, id="sidebar")
            with Vertical(id="main"):
                yield UrlBar(request.method, display_url(request), target=request, id="url-bar")
                preview = self._url_preview()
                yield Label(preview, id="url-preview", markup=False, classes="-shown" if preview else "")
                with TabbedContent(id="request-tabs", initial="tab-params"):
                    with TabPane("Params", id="tab-params"):
                        yield KeyValueTable(request.params, target=request, id="params")
                    with TabPane("Headers", id="tab-headers"):
                        yield KeyValueTable(
                            request.headers, target=request, id="headers", name_placeholder="header"
                        )
                    # Hidden at start: mounted when first shown (`_ensure_editors`).
                    yield TabPane("Body", id="tab-body")
                    yield TabPane("Options", id="tab-options")
                # The response pane (and its imports) arrives right after the first frame.
                yield Static("No response yet.", id="response-placeholder")
        yield _EagerFooter()

    def on_mount(self) -> None:
        self._refresh_variables()
        self._update_status()
        if self.notice:
            self.notify(self.notice, title="reqbench", timeout=8, markup=False)
        # What the first screen does not need comes later: the hidden Body and Options editors
        # and the response pane when first needed (a mount running in the background could
        # be cut by a quick quit), the HTTP stack from a thread once the screen is up (work
        # right after the first refresh delayed the footer's keys by ~0.25 s).
        self.set_timer(0.2, self._import_engine)

    async def ready(self) -> None:
        """Mount what start-up defers (response pane, body and options editors) now."""
        await self._ensure_viewer()
        await self._ensure_editors()

    async def _ensure_editors(self) -> None:
        """Mount the body and options editors (once); they keep what they were given."""
        if self._editors_mounted or not self.screen_stack:
            return
        self._editors_mounted = True
        screen = self.screen_stack[0]
        await screen.query_one("#tab-body", TabPane).mount(self._body_editor)
        await screen.query_one("#tab-options", TabPane).mount(self._options_pane)

    @on(TabbedContent.TabActivated, "#request-tabs")
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id in ("tab-body", "tab-options"):
            await self._ensure_editors()

    async def on_unmount(self) -> None:
        if self._engine is not None:
            await self._engine.aclose()
            self._engine = None

    # -- accessors ---------------------------------------------------------------------------
    @property
    def url_bar(self) -> UrlBar:
        return self.query_one("#url-bar", UrlBar)

    @property
    def params_table(self) -> KeyValueTable:
        return self.query_one("#params", KeyValueTable)

    @property
    def headers_table(self) -> KeyValueTable:
        return self.query_one("#headers", KeyValueTable)

    @property
    def body_editor(self) -> BodyEditor:
        return self._body_editor

    @property
    def options_pane(self) -> OptionsPane:
        return self._options_pane

    @property
    def viewer(self) -> ResponseViewer:
        """The response pane (mounted just after the first frame; see `_ensure_viewer`)."""
        from tui.widgets.response_viewer import ResponseViewer

        return self.query_one("#response", ResponseViewer)

    async def _ensure_viewer(self) -> None:
        """Replace the placeholder by the response pane (once). Handlers of the app run one
        at a time, so a send that comes first simply mounts it itself."""
        if self._viewer_mounted or not self.screen_stack:
            return
        self._viewer_mounted = True
        from tui.widgets.response_viewer import ResponseViewer

        placeholder = self.screen_stack[0].query_one("#response-placeholder")
        await self.screen_stack[0].query_one("#main").mount(ResponseViewer(id="response"), after=placeholder)
        await placeholder.remove()

    @property
    def sidebar_tree(self) -> CollectionTree:
        return self.query_one("#sidebar", CollectionTree)

    @property
    def request(self) -> Request:
        """The request being edited."""
        return self.collection.requests[self.current]

    @property
    def engine(self) -> Engine | None:
        return self._engine

    # -- showing the model -------------------------------------------------------------------
    def load_request(self, index: int) -> None:
        """Show request `index` in every editor."""
        self.current = max(0, min(index, len(self.collection.requests) - 1))
        request = self.request
        self.url_bar.set_request(request.method, display_url(request), target=request)
        self.params_table.set_items(request.params, target=request)
        self.headers_table.set_items(request.headers, target=request)
        self._load_lazy_editors(request)
        self._refresh_variables()
        self._show_result_of(request)
        self._model_changed()

    def _show_result_of(self, request: Request) -> None:
        """Show what the request got last time (unless a request is running: its progress and
        result keep the pane)."""
        if self.sending or not (viewer := self._live_viewer()):
            return
        entry = self._results.get(id(request))
        result = entry[1] if entry is not None and entry[0] is request else None
        if isinstance(result, errors.ReqbenchError):
            viewer.show_error(result)
        elif result is not None:
            viewer.show_response(result)
        elif viewer.state != "idle":
            viewer.clear()

    def _remember(self, result: Response | errors.ReqbenchError, request: Request | None = None) -> None:
        request = request or self._sent_request
        if request is not None:
            self._results[id(request)] = (request, result)

    def _load_lazy_editors(self, request: Request) -> None:
        """Body and options (mounted lazily: they keep what they are given until mounted)."""
        editor = self._body_editor
        editor.base_folder = self.collection.folder
        editor.set_body(request.body, target=request)
        self._options_pane.set_options(
            RequestOptions(
                timeout=request.timeout,
                follow_redirects=request.follow_redirects,
                verify=request.verify,
                http2=request.http2,
                download=request.download,
                encoding=request.encoding,
                auth=request.auth,
            ),
            defaults=self.collection.defaults,
            target=request,
        )

    def _refresh_variables(self) -> None:
        from tui.core.collection import variables

        try:
            known = variables.scope(
                self.collection, environment=self.environment, overrides=self.overrides, captured=self.captured
            )
        except errors.VariableError as error:
            self.notify(str(error), severity="error", markup=False)
            known = variables.scope(self.collection, overrides=self.overrides, captured=self.captured)
        self.url_bar.known_variables = frozenset(known)
        for table in (self.params_table, self.headers_table):
            table.known_variables = frozenset(known)

    def _model_changed(self) -> None:
        """Recompute the unsaved state and refresh the sidebar and status line."""
        self.dirty = self.collection != self._saved
        view = self._collection_view()
        if view != self._last_view:
            self._last_view = view
            self.sidebar_tree.show(view)
        self._update_status()

    def _collection_view(self) -> CollectionView:
        collection = self.collection
        saved = {request.name: request for request in self._saved.requests}
        return CollectionView(
            title=collection.path.name if collection.path else f"{collection.name or 'scratch'} (not saved)",
            dirty=collection != self._saved,
            requests=tuple(
                RequestEntry(r.name, r.method.upper(), r.name not in saved or saved[r.name] != r)
                for r in collection.requests
            ),
            current=self.current,
            files=self._other_files(),
        )

    def _other_files(self) -> tuple[Path, ...]:
        path = self.collection.path
        if path is None:
            return ()
        try:
            return tuple(sorted(p for p in path.parent.glob("*.toml") if p.resolve() != path.resolve()))
        except OSError:
            return ()

    def _update_status(self) -> None:
        """Refresh the status line and the resolved-URL preview under the URL bar."""
        screen = self.screen_stack[0] if self.screen_stack else None
        if screen is None:
            return
        for selector, text in (("#status-bar", self._status_text()), ("#url-preview", self._url_preview())):
            for label in screen.query(selector):
                assert isinstance(label, Label)
                if label.content != text:
                    label.update(text)
                label.set_class(bool(text), "-shown")

    def _url_preview(self) -> str:
        """`→ URL` as it will be sent, variables substituted, while the URL (with its params)
        holds any `{{…}}`; empty otherwise. An unknown variable is named instead."""
        from tui.core.collection import variables

        text = display_url(self.request)
        if "{{" not in text:
            return ""
        try:
            values = variables.scope(
                self.collection, environment=self.environment, overrides=self.overrides, captured=self.captured
            )
            return "→ " + variables.substitute(text, values, request=self.request.name, field="url")
        except errors.VariableError as error:
            return f"→ cannot resolve the URL: {{{{{error.variable}}}}} is unknown"

    def _status_text(self) -> str:
        collection = self.collection
        name = collection.path.name if collection.path else "scratch (not saved)"
        parts = [f"{name}{' ●' if self.dirty else ''}"]
        parts.append(f"env: {self.environment or '-'}")
        parts.append(f"{self.current + 1}/{len(collection.requests)} {self.request.name}")
        problems = self._unknown_variables()
        if problems:
            parts.append("unknown: " + ", ".join(problems))
        if self.sending:
            parts.append("sending… (esc cancels)")
        if self.overrides:
            # Values given from outside (`reqbench demo`'s base): they win over any environment.
            # Last, so that at 80 columns they are what gets cut, not the request's name.
            parts.append("overrides: " + ", ".join(f"{name}={value}" for name, value in sorted(self.overrides.items())))
        return "  ·  ".join(parts)

    def _unknown_variables(self) -> list[str]:
        """`{{name}} in field` for every unknown variable of the current request (any field)."""
        from tui.core.collection import variables

        try:
            found = variables.unresolved(
                self.collection,
                self.request,
                environment=self.environment,
                overrides=self.overrides,
                captured=self.captured,
                check_paths=False,
            )
        except errors.ReqbenchError:
            return []
        return list(dict.fromkeys(f"{{{{{e.variable}}}}} in {e.field}" for e in found))

    def watch_dirty(self, dirty: bool) -> None:
        self.sub_title = "unsaved changes" if dirty else ""

    def watch_sending(self, sending: bool) -> None:
        if self.screen_stack:
            self._update_status()

    def watch_environment(self) -> None:
        if self.screen_stack:
            self._refresh_variables()
            self._update_status()

    def watch_sidebar(self, mode: str) -> None:
        workspace = self.query_one("#workspace")
        workspace.set_class(mode == "shown", "-sidebar-shown")
        workspace.set_class(mode == "hidden", "-sidebar-hidden")

    # -- edits from the widgets (each message names the request it was loaded with) --------
    def _target(self, target: object) -> Request | None:
        return target if isinstance(target, Request) and any(r is target for r in self.collection.requests) else None

    @on(UrlBar.MethodChanged)
    def _method_changed(self, event: UrlBar.MethodChanged) -> None:
        if (request := self._target(event.target)) is not None and request.method != event.method:
            request.method = event.method
            self._model_changed()

    @on(UrlBar.UrlChanged)
    def _url_changed(self, event: UrlBar.UrlChanged) -> None:
        if (request := self._target(event.target)) is not None:
            self._apply_url(request, event.url)

    def _apply_url(self, request: Request, url: str) -> None:
        """The URL's query string becomes the enabled params (disabled rows are kept)."""
        base, has_query, query = url.partition("?")
        enabled = parse_query(query) if has_query else []
        params = enabled + [p for p in request.params if not p.enabled]
        request.url = base
        if params != request.params:
            request.params = params
            if request is self.request:
                self.params_table.set_items(params, target=request)
        self._model_changed()

    @on(UrlBar.Submitted)
    async def _url_submitted(self) -> None:
        await self.action_send()

    @on(KeyValueTable.Changed, "#params")
    def _params_changed(self, event: KeyValueTable.Changed) -> None:
        request = self._target(event.target)
        if request is None:
            return
        request.params = [Pair(p.name, p.value, p.enabled) for p in event.items]
        if request is self.request:
            self.url_bar.set_url(display_url(request))
        self._model_changed()

    @on(KeyValueTable.Changed, "#headers")
    def _headers_changed(self, event: KeyValueTable.Changed) -> None:
        if (request := self._target(event.target)) is not None:
            request.headers = [Pair(p.name, p.value, p.enabled) for p in event.items]
            self._model_changed()

    @on(BodyEditor.Changed)
    def _body_changed(self, event: BodyEditor.Changed) -> None:
        if (request := self._target(event.target)) is not None:
            request.body = event.body
            self._model_changed()

    @on(OptionsPane.Changed)
    def _options_changed(self, event: OptionsPane.Changed) -> None:
        if (request := self._target(event.target)) is None:
            return
        options = event.options
        request.timeout = options.timeout
        request.follow_redirects = options.follow_redirects
        request.verify = options.verify
        request.http2 = options.http2
        request.download = options.download
        request.encoding = options.encoding
        request.auth = options.auth
        self._model_changed()

    # -- the sidebar -------------------------------------------------------------------------
    @on(CollectionTree.RequestSelected)
    def _request_selected(self, event: CollectionTree.RequestSelected) -> None:
        self.load_request(event.index)
        self.url_bar.url_input.focus()
        if self.screen.has_class("-narrow") and self.sidebar == "shown":
            self.sidebar = "auto"  # on a narrow terminal the sidebar steps aside once used

    @on(CollectionTree.NewRequested)
    def _new_request(self, event: CollectionTree.NewRequested) -> None:
        names = [r.name for r in self.collection.requests]
        base = self.collection.variables.get("base")
        request = Request(name=_unique_name(names, "new request"), url="{{base}}/" if base is not None else "")
        index = len(self.collection.requests) if event.after is None else event.after + 1
        self.collection.requests.insert(index, request)
        self.load_request(index)
        self.url_bar.url_input.focus()

    @on(CollectionTree.DuplicateRequested)
    def _duplicate_request(self, event: CollectionTree.DuplicateRequested) -> None:
        original = self.collection.requests[event.index]
        clone = copy.deepcopy(original)
        clone.name = _unique_name((r.name for r in self.collection.requests), f"{original.name} copy")
        self.collection.requests.insert(event.index + 1, clone)
        self.load_request(event.index + 1)

    @on(CollectionTree.MoveRequested)
    def _move_request(self, event: CollectionTree.MoveRequested) -> None:
        requests = self.collection.requests
        new = event.index + event.delta
        if not 0 <= new < len(requests):
            return
        requests[event.index], requests[new] = requests[new], requests[event.index]
        if self.current == event.index:
            self.current = new
        elif self.current == new:
            self.current = event.index
        self._model_changed()
        self.sidebar_tree.option_list.highlighted = new

    @on(CollectionTree.RenameRequested)
    @work(group="dialog")
    async def _rename_request(self, event: CollectionTree.RenameRequested) -> None:
        request = self.collection.requests[event.index]
        others = {r.name for r in self.collection.requests if r is not request}

        def validate(name: str) -> str | None:
            if not name:
                return "a name is required"
            return f"{name!r} is already used in this collection" if name in others else None

        name = await self.push_screen_wait(PromptScreen("Rename request", request.name, validate=validate))
        if name and name != request.name:
            request.name = name
            self._model_changed()

    @on(CollectionTree.DeleteRequested)
    @work(group="dialog")
    async def _delete_request(self, event: CollectionTree.DeleteRequested) -> None:
        request = self.collection.requests[event.index]
        answer = await self.push_screen_wait(
            ConfirmScreen("Delete request", f"Delete {request.name!r} from the collection?", yes="Delete", no="Keep")
        )
        if answer != "yes" or request not in self.collection.requests:
            return
        index = next(i for i, r in enumerate(self.collection.requests) if r is request)
        del self.collection.requests[index]
        if not self.collection.requests:
            self.collection.requests.append(Request(name=_unique_name([], "new request")))
        self.load_request(min(self.current if self.current < index else self.current - 1, len(self.collection.requests) - 1))

    @on(CollectionTree.FileSelected)
    @work(group="dialog")
    async def _file_selected(self, event: CollectionTree.FileSelected) -> None:
        if self.dirty and not await self._resolve_unsaved(f"open {event.path.name}"):
            return
        self.open_collection(event.path)

    def open_collection(self, path: Path) -> bool:
        """Replace the open collection with the one at `path` (errors are notified)."""
        try:
            collection = store.load(path)
        except errors.ReqbenchError as error:
            self.notify(str(error), title="Cannot open", severity="error", timeout=8, markup=False)
            return False
        self.collection = collection
        self._saved = copy.deepcopy(collection)
        self._fingerprint = self._read_fingerprint()
        if self.environment is not None and self.environment not in collection.environments:
            self.environment = None
        if not collection.requests:
            collection.requests.append(Request(name="request 1"))
            self._saved = copy.deepcopy(collection)
        self._results.clear()
        if viewer := self._live_viewer():
            viewer.clear()
        self.load_request(0)
        return True

    # -- saving ------------------------------------------------------------------------------
    def _read_fingerprint(self) -> store.Fingerprint | None:
        path = self.collection.path
        if path is None or not path.exists():
            return None
        try:
            return store.fingerprint(path)
        except errors.CollectionError:
            return None

    def _changed_on_disk(self) -> bool:
        path = self.collection.path
        if path is None or self._fingerprint is None:
            return False
        try:
            now = store.fingerprint(path)
        except errors.CollectionError:
            return True  # deleted or unreadable since it was opened
        return now.sha256 != self._fingerprint.sha256

    async def save_collection(self) -> bool:
        """Save, asking for a path for a scratch collection and before overwriting a file that
        changed on disk since it was opened. Returns whether it was saved."""
        path = self.collection.path
        if path is None:
            answer = await self.push_screen_wait(PromptScreen("Save the collection as (a .toml path)", "collection.toml"))
            if not answer:
                return False
            path = Path(answer).expanduser().resolve()
            if path.exists():
                overwrite = await self.push_screen_wait(
                    ConfirmScreen("File exists", f"{path} exists. Replace it?", yes="Replace", no="Cancel")
                )
                if overwrite != "yes":
                    return False
        elif self._changed_on_disk():
            choice = await self.push_screen_wait(
                ChoiceScreen(
                    "Changed on disk",
                    f"{path.name} changed on disk since it was opened. Overwrite it with your version?",
                    [("o", "Overwrite", "overwrite"), ("escape", "Cancel", "cancel")],
                )
            )
            if choice != "overwrite":
                return False
        try:
            saved = store.save(self.collection, path)
        except errors.ReqbenchError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=8, markup=False)
            return False
        self.collection.path = saved
        self._saved = copy.deepcopy(self.collection)
        self._fingerprint = self._read_fingerprint()
        self.body_editor.base_folder = self.collection.folder
        self._last_view = None
        self._model_changed()
        self.notify(f"Saved {saved.name}", markup=False)
        return True

    async def _resolve_unsaved(self, doing: str) -> bool:
        """Ask what to do with unsaved changes; True means go on."""
        choice = await self.push_screen_wait(
            ChoiceScreen(
                "Unsaved changes",
                f"The collection has unsaved changes. Save them before you {doing}?",
                [("s", "Save", "save"), ("d", "Discard", "discard"), ("escape", "Cancel", "cancel")],
            )
        )
        if choice == "save":
            return await self.save_collection()
        return choice == "discard"

    @work(exclusive=True, group="dialog")
    async def action_save(self) -> None:
        await self.save_collection()

    async def action_quit(self) -> None:
        if not self.dirty:
            self.exit()
            return
        self._quit_flow()

    @work(exclusive=True, group="dialog")
    async def _quit_flow(self) -> None:
        if await self._resolve_unsaved("quit"):
            self.exit()

    # -- sending -----------------------------------------------------------------------------
    @work(thread=True, group="engine", exit_on_error=False)
    def _import_engine(self) -> None:
        import tui.core.engine  # noqa: F401  (warms the import; the Engine is made on the loop)

        self.call_from_thread(self._start_engine)

    def _start_engine(self) -> None:
        if self._engine is None:
            from tui.core.engine import Engine

            self._engine = Engine()

    async def action_send(self) -> None:
        from tui.core.collection import variables

        await self._ensure_viewer()
        request = self.request
        # What the URL bar shows wins, even if its Changed message is still on its way
        # (a paste immediately followed by ctrl+j).
        bar = self.url_bar
        if bar.target is request:
            request.method = bar.method
            if bar.url != display_url(request):
                self._apply_url(request, bar.url)
        try:
            resolved = variables.resolve(
                self.collection,
                request,
                environment=self.environment,
                overrides=self.overrides,
                captured=self.captured,
                allowed_paths=self.allowed_paths,
            )
        except errors.ReqbenchError as error:
            self._send_id += 1
            self.sending = False
            self.workers.cancel_group(self, "send")
            self._remember(error, request)
            self._show_error(error)
            return
        self._send_id += 1
        self._sent_request = request
        self.sending = True
        self.last_error = None
        self.viewer.show_sending(resolved)
        self._send(resolved, self._send_id)

    @work(exclusive=True, group="send", exit_on_error=False)
    async def _send(self, resolved: ResolvedRequest, send_id: int) -> None:
        from tui.core.engine.events import Failed, Progress

        failure: errors.RequestError | None = None

        def on_event(event: Event) -> None:
            nonlocal failure
            if isinstance(event, Progress):
                self.post_message(self.TransferProgress(send_id, event))
            elif isinstance(event, Failed):
                failure = event.error

        self._start_engine()
        assert self._engine is not None
        try:
            response = await self._engine.send(resolved, on_event)
        except errors.ReqbenchError as error:
            self.post_message(self.RequestDone(send_id, error=error))
        except asyncio.CancelledError:
            cancelled = failure if isinstance(failure, errors.Cancelled) else errors.Cancelled()
            self.post_message(self.RequestDone(send_id, error=cancelled))
            raise
        except Exception as error:  # a bug, not a network failure: show it, keep the app alive
            log.exception("send failed")
            self.post_message(self.RequestDone(send_id, error=errors.RequestError(f"internal error: {error!r}")))
        else:
            self.post_message(self.RequestDone(send_id, response=response))

    def _live_viewer(self) -> ResponseViewer | None:
        """The response pane, or None before it is mounted or while the app shuts down."""
        if not self.screen_stack or not self.is_running or not self._viewer_mounted:
            return None
        from tui.widgets.response_viewer import ResponseViewer

        viewers = self.screen_stack[0].query("#response")
        viewer = viewers.first() if viewers else None
        return viewer if isinstance(viewer, ResponseViewer) and viewer.is_mounted else None

    @on(TransferProgress)
    def _progress(self, message: TransferProgress) -> None:
        if message.send_id == self._send_id and self.sending and (viewer := self._live_viewer()):
            viewer.show_progress(message.event)

    @on(RequestDone)
    def _done(self, message: RequestDone) -> None:
        if message.send_id != self._send_id:
            return
        self.sending = False
        if message.response is not None:
            self.last_response = message.response
            self.last_error = None
            self._remember(message.response)
            if viewer := self._live_viewer():
                viewer.show_response(message.response)
            self._capture(message.response)
        elif message.error is not None:
            self._remember(message.error)
            self._show_error(message.error)

    def _capture(self, response: Response) -> None:
        request = self._sent_request
        if request is None or not request.capture:
            return
        from tui.core.replay.capture import capture

        values, problems = capture(request.capture, response)
        if values:
            self.captured.update(values)
            self.notify("captured " + ", ".join(f"{{{{{name}}}}}" for name in values), title="Variables", markup=False)
            self._refresh_variables()
            self._update_status()
        for problem in problems:
            self.notify(problem.message, title=f"Not captured: {problem.variable}", severity="warning", markup=False)

    def _show_error(self, error: errors.ReqbenchError) -> None:
        self.last_error = error
        if viewer := self._live_viewer():
            viewer.show_error(error)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.sending
        if action in ("send", "variables"):
            return len(self.screen_stack) == 1  # not while a dialog is open
        return True

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "send")

    # -- other actions -----------------------------------------------------------------------
    def action_help(self) -> None:
        from tui.widgets.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_environment(self) -> None:
        from tui.core.collection import variables
        from tui.widgets.environment_picker import EnvironmentPicker

        def preview(name: str | None) -> Mapping[str, str]:
            return variables.scope(self.collection, environment=name, overrides=self.overrides, captured=self.captured)

        def chosen(name: str | None) -> None:
            if name is not None:
                self.environment = name or None
                self.notify(f"Environment: {self.environment or 'none'}", markup=False)

        names = sorted(self.collection.environments)
        current = self.environment if self.environment in self.collection.environments else None
        self.push_screen(EnvironmentPicker(names, current, preview), chosen)

    def action_variables(self) -> None:
        from tui.widgets.variables_screen import VariablesEdit, VariablesScreen

        def edited(result: VariablesEdit | None) -> None:
            if result is None:
                return
            self.collection.variables = result.variables
            self.collection.environments = result.environments
            if self.environment is not None and self.environment not in self.collection.environments:
                self.environment = None
            self._refresh_variables()
            self._model_changed()

        if not isinstance(self.screen, VariablesScreen):
            self.push_screen(VariablesScreen(self.collection.variables, self.collection.environments), edited)

    def action_toggle_sidebar(self) -> None:
        visible = self.sidebar_tree.display if self.sidebar != "auto" else self.screen.has_class("-wide")
        if visible and not self.sidebar_tree.option_list.has_focus:
            self.sidebar = "shown"  # visible but elsewhere: go there first
            self.sidebar_tree.option_list.focus()
            return
        self.sidebar = "hidden" if visible else "shown"
        if self.sidebar == "shown":
            self.sidebar_tree.option_list.focus()
        else:
            self.url_bar.url_input.focus()

    def action_focus_url(self) -> None:
        self.url_bar.url_input.focus()

    async def action_focus_response(self) -> None:
        await self._ensure_viewer()
        if viewer := self._live_viewer():
            viewer.focus()

    async def action_request_tab(self, name: str) -> None:
        await self._ensure_editors()
        tabs = self.query_one("#request-tabs", TabbedContent)
        tabs.active = f"tab-{name}"
        pane = tabs.get_pane(f"tab-{name}")
        for widget in pane.query("*"):
            if widget.focusable:
                # Now, not through `focus()` (which queues the change behind keys the app has
                # already received): keys typed right after alt+p land in the pane.
                self.screen.set_focus(widget)
                break

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Send request", "Send the request being edited (ctrl+j)", self.action_send)
        yield SystemCommand("Cancel request", "Cancel the running request (escape)", self.action_cancel)
        yield SystemCommand("Save collection", "Write the collection to its TOML file (ctrl+s)", self.action_save)
        yield SystemCommand("Choose environment", "Switch the variables' environment (f4)", self.action_environment)
        yield SystemCommand("Edit variables", "Edit [variables] and the environments (f5)", self.action_variables)
        yield SystemCommand("Toggle sidebar", "Show or hide the collection sidebar (ctrl+b)", self.action_toggle_sidebar)
        yield SystemCommand("Keys", "Show every key binding (f1)", self.action_help)
        for name in ("params", "headers", "body", "options"):
            yield SystemCommand(f"{name.title()} tab", f"Edit the request's {name}", lambda n=name: self.action_request_tab(n))


def make_app(
    collection_path: str | Path | None = None,
    *,
    environment: str | None = None,
    overrides: Mapping[str, str] | None = None,
    allowed_paths: Sequence[str | Path] = (),
    notice: str | None = None,
) -> ReqbenchApp:
    """The workbench on `collection_path` (default: the bundled quickstart, else a scratch
    collection). `overrides` win over any environment and are shown in the status line;
    `notice` is notified once on start. Raises `CollectionError` when the file cannot be loaded."""
    path = Path(collection_path) if collection_path is not None else default_collection_path()
    if path is None:
        collection = scratch_collection()
    elif not path.exists() and collection_path is not None:
        collection = scratch_collection()
        collection.name = path.stem
        collection.path = path.resolve()
    else:
        collection = store.load(path)
        if collection.path is None:
            collection.path = path.resolve()
    if environment is not None and environment not in collection.environments:
        known = ", ".join(sorted(collection.environments)) or "none defined"
        raise errors.VariableError(
            f"unknown environment {environment!r} (known: {known})", request="", field="environment", variable=environment
        )
    return ReqbenchApp(collection, environment=environment, overrides=overrides, allowed_paths=allowed_paths, notice=notice)


def run_app(
    collection_path: str | Path | None = None,
    *,
    environment: str | None = None,
    overrides: Mapping[str, str] | None = None,
    allowed_paths: Sequence[str | Path] = (),
) -> None:
    """Run the workbench in the terminal; a collection that cannot be opened exits with its
    message (status 2)."""
    try:
        app = make_app(collection_path, environment=environment, overrides=overrides, allowed_paths=allowed_paths)
    except errors.ReqbenchError as error:
        print(f"reqbench: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    app.run()
