"""The workbench: a Textual app over the headless core — wiring only.

    make_app(path=None, *, environment=None, overrides={}, allowed_paths=(), notice=None) -> ReqbenchApp
    run_app(path=None, **same)

`make_app` is the one factory used by the CLI (`reqbench`, `reqbench demo`), the tests and
`screenshots/make.py`. The session state is a `tui.core.workspace.Workspace` (`app.workspace`);
the layout and the handlers of the widgets' messages are the main screen's
(`tui/screens/main.py`, `app.main`); this module holds the key bindings, the actions they run
and the command palette. There is no HTTP code here (sending: `tui/widgets/sender.py`).
Its bases hold two features' keys and handlers: `tui/app_history.py` (History, Cookies, the
alt+u undo) and `tui/app_formats.py` (paste curl, Import…, Copy as…).

Adding a screen (History, import/export, a stream view): a module in `tui/screens/`, an
`action_*` below that pushes it (imported inside the action: off the start-up path), a
`Binding` in `BINDINGS`, a row in `tui/commands.py` (the palette) and one in the help screen.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.screen import Screen

from tui.app_formats import FormatsApp
from tui.bundled import default_collection
from tui.commands import COMMANDS
from tui.core import errors
from tui.core.collection.query import display_url, parse_query, query_string
from tui.core.workspace import Workspace, scratch_collection
from tui.key_order import install_alt_letters, run_in_order
from tui.screens.main import MainScreen

if TYPE_CHECKING:
    from tui.core.collection.model import Collection, Request
    from tui.core.history import History
    from tui.core.engine.response import Response
    from tui.widgets.body_editor import BodyEditor
    from tui.widgets.collection_tree import CollectionTree
    from tui.widgets.key_value_table import KeyValueTable
    from tui.widgets.options_pane import OptionsPane
    from tui.widgets.response_viewer import ResponseViewer
    from tui.widgets.url_bar import UrlBar

# parse_query / query_string / display_url: re-exported for the callers that used them from here.
__all__ = [
    "ReqbenchApp", "default_collection_path", "display_url", "make_app", "parse_query", "query_string",
    "run_app", "scratch_collection",
]  # fmt: skip


log = logging.getLogger(__name__)

def default_collection_path() -> Path | None:
    """What `reqbench` opens without argument: the bundled quickstart (`tui.bundled`, shared
    with `reqbench demo`), a private copy of it when installed read-only."""
    return default_collection()


class ReqbenchApp(FormatsApp):
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
        Binding("f8", "zoom('response')", "Zoom", tooltip="The response full screen (again: back)"),
        Binding("f9", "zoom('editor')", "Editor", show=False),
        Binding("alt+e", "external_editor", "$EDITOR", show=False, priority=True),
        Binding("ctrl+l", "focus_url", "Focus URL", show=False),
        # Real terminals report alt+x with the character "x", which an Input or TextArea with
        # focus would type: these must win over the focused widget.
        Binding("alt+p", "request_tab('params')", "Params tab", show=False, priority=True),
        Binding("alt+h", "request_tab('headers')", "Headers tab", show=False, priority=True),
        # alt+y, not alt+b: xterm, tmux and SSH send alt+b as `ESC b`, which Textual reads as
        # ctrl+left (word motion, kept in inputs). alt+b stays for terminals that report it as
        # itself (kitty's keyboard protocol). docs/keys.md lists what arrives where.
        Binding("alt+y", "request_tab('body')", "Body tab", show=False, priority=True),
        Binding("alt+b", "request_tab('body')", "Body tab", show=False, priority=True),
        Binding("alt+o", "request_tab('options')", "Options tab", show=False, priority=True),
        Binding("alt+r", "focus_response", "Focus response", show=False, priority=True),
    ]

    def __init__(self, workspace: Workspace, *, notice: str | None = None, history: Path | History | None = None) -> None:
        install_alt_letters()  # ESC + letter is alt+letter also in a burst (key_order)
        super().__init__()
        self.workspace = workspace
        self.main = MainScreen(workspace, notice=notice, history=history)

    recovery_path: Path | None = None
    """Where unsaved edits were kept when a bug ended the app (see `_handle_exception`)."""

    def _handle_exception(self, error: Exception) -> None:
        # Textual exits on an unhandled exception; a bug must not cost the user their edits, so
        # unsaved work goes to `.NAME.recovery.toml` beside the file first (never over it).
        if self.workspace.dirty and self.recovery_path is None:
            from tui.core.collection.recovery import write_recovery_copy

            try:
                self.recovery_path = write_recovery_copy(self.workspace.collection)
            except (OSError, errors.ReqbenchError):
                log.exception("could not write a recovery copy")
        super()._handle_exception(error)

    def get_default_screen(self) -> Screen[Any]:
        return self.main

    async def ready(self) -> None:
        """Mount what start-up defers (response pane, body and options editors) now."""
        await self.main.ready()

    async def on_event(self, event: events.Event) -> None:
        # A bound key typed into a text field runs before the keys typed after it (key_order).
        if isinstance(event, events.Key) and await run_in_order(self, event):
            return
        await super().on_event(event)

    async def on_unmount(self) -> None:
        await self.main.sender.aclose()

    # -- what the tests and the screenshot script read ---------------------------------------
    @property
    def collection(self) -> Collection:
        return self.workspace.collection

    @property
    def request(self) -> Request:
        """The request being edited."""
        return self.workspace.request

    @property
    def captured(self) -> dict[str, str]:
        return self.workspace.captured

    @property
    def last_response(self) -> Response | None:
        return self.workspace.last_response

    @property
    def last_error(self) -> errors.ReqbenchError | None:
        return self.workspace.last_error

    @last_error.setter
    def last_error(self, error: errors.ReqbenchError | None) -> None:
        self.workspace.last_error = error

    @property
    def environment(self) -> str | None:
        return self.workspace.environment

    @environment.setter
    def environment(self, name: str | None) -> None:
        self.workspace.environment = name
        self.main.refresh_variables()

    dirty = property(lambda self: self.main.dirty, doc="The collection has unsaved changes.")
    sending = property(lambda self: self.main.sending, doc="A request is on its way.")
    url_bar: UrlBar = property(lambda self: self.main.panes.url_bar)  # type: ignore[assignment]
    params_table: KeyValueTable = property(lambda self: self.main.panes.params_table)  # type: ignore[assignment]
    headers_table: KeyValueTable = property(lambda self: self.main.panes.headers_table)  # type: ignore[assignment]
    body_editor: BodyEditor = property(lambda self: self.main.panes.body_editor)  # type: ignore[assignment]
    options_pane: OptionsPane = property(lambda self: self.main.panes.options_pane)  # type: ignore[assignment]
    viewer: ResponseViewer = property(lambda self: self.main.panes.viewer)  # type: ignore[assignment]
    sidebar_tree: CollectionTree = property(lambda self: self.main.sidebar_tree)  # type: ignore[assignment]

    def load_request(self, index: int) -> None:
        """Show request `index` in every editor."""
        self.main.load_request(index)

    def open_collection(self, path: Path) -> bool:
        """Replace the open collection with the one at `path` (errors are notified)."""
        return self.main.open_collection(path)

    # -- actions -------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.main.sending
        if action in ("send", "variables"):
            return len(self.screen_stack) == 1  # not while a dialog is open
        return True

    async def action_send(self) -> None:
        await self.main.send()

    def action_cancel(self) -> None:
        self.main.sender.cancel()

    async def save_collection(self) -> bool:
        """Save, asking for a path for a scratch collection and before overwriting a file that
        changed on disk since it was opened. Returns whether it was saved."""
        return await self.main.save_collection()

    @work(exclusive=True, group="dialog")
    async def action_save(self) -> None:
        await self.main.save_collection()

    async def action_quit(self) -> None:
        if not self.main.dirty:
            self.exit()
            return
        self._quit_flow()

    @work(exclusive=True, group="dialog")
    async def _quit_flow(self) -> None:
        from tui.screens.unsaved import resolve_unsaved

        if await resolve_unsaved(self, "quit", save=self.main.save_collection):
            self.exit()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_environment(self) -> None:
        from tui.screens.environment import EnvironmentPicker

        def chosen(name: str | None) -> None:
            if name is not None:
                self.environment = name or None
                pinned = "; ".join(f"{k} stays {v} (given on the command line / by the demo)" for k, v in sorted(self.workspace.overrides.items()))
                self.notify(f"Environment: {self.environment or 'none'}" + (f". {pinned}" if pinned else ""), markup=False)

        names = sorted(self.collection.environments)
        current = self.environment if self.environment in self.collection.environments else None
        self.push_screen(EnvironmentPicker(names, current, self.workspace.scope_in, pinned=self.workspace.overrides), chosen)

    def action_variables(self) -> None:
        from tui.screens.variables import VariablesEdit, VariablesScreen

        def edited(result: VariablesEdit | None) -> None:
            if result is not None:
                self.workspace.set_variables(result.variables, result.environments)
                self.main.refresh_variables()
                self.main.refresh_model()

        if not isinstance(self.screen, VariablesScreen):
            self.push_screen(VariablesScreen(self.collection.variables, self.collection.environments), edited)

    def action_toggle_sidebar(self) -> None:
        self.main.toggle_sidebar()

    def action_focus_url(self) -> None:
        self.main.reveal("editor")
        self.main.set_focus(self.main.panes.url_bar.url_input)

    async def action_focus_response(self) -> None:
        """Focus the response; when it has the focus already, show its next tab."""
        await self.main.panes.ensure_viewer()
        self.main.reveal("response")
        if viewer := self.main.panes.live_viewer():
            focused = self.main.focused
            if focused is not None and viewer in focused.ancestors_with_self:
                viewer.action_next_tab()
            elif (target := viewer.focus_target()) is not None:
                self.main.set_focus(target)  # now: keys read after alt+r go to the response

    async def action_zoom(self, part: str) -> None:
        """`part` (response, editor) full screen, or back to both when it is already."""
        main = self.main
        await main.panes.ensure_viewer()
        if main.shown_part == part:
            main.zoom = "" if main.zoom == part else ("editor" if part == "response" else "response")
        else:
            main.zoom = part
        focused = main.focused
        viewer = main.panes.live_viewer()
        in_response = viewer is not None and focused is not None and viewer in focused.ancestors_with_self
        if main.shown_part == "response" and viewer is not None and not in_response:
            viewer.focus()
        elif main.shown_part == "editor" and (in_response or focused is None):
            main.set_focus(main.panes.url_bar.url_input)

    async def action_request_tab(self, name: str) -> None:
        self.main.reveal("editor")
        await self.main.panes.select_tab(name)

    async def action_response(self, action: str) -> None:
        """Run a response pane action (from the palette): show and focus the pane first."""
        await self.main.panes.ensure_viewer()
        self.main.reveal("response")
        if viewer := self.main.panes.live_viewer():
            if not (self.main.focused and viewer in self.main.focused.ancestors_with_self):
                viewer.focus()
            await viewer.run_action(action)

    async def action_external_editor(self) -> None:
        """The body in `$VISUAL` / `$EDITOR`: the response's (read-only) when the response has
        the focus, else the request's, read back when the editor exits."""
        from tui.external_editor import edit_body

        await edit_body(self)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for command in COMMANDS:
            # the palette parses title and help as markup: "[variables]" would vanish
            yield SystemCommand(command.title, escape(command.help), partial(self.run_action, command.action))


def make_app(
    collection_path: str | Path | None = None,
    *,
    environment: str | None = None,
    overrides: Mapping[str, str] | None = None,
    allowed_paths: Sequence[str | Path] = (),
    notice: str | None = None,
    history: str | Path | History | None = None,
) -> ReqbenchApp:
    """The workbench on `collection_path` (default: the bundled quickstart, else a scratch
    collection; a path that does not exist yet is a new collection saved there). `overrides`
    win over any environment and are shown in the status line; `notice` is notified once on
    start. `history`: the history file sends are recorded in and cookies kept in (opened once
    the first screen is up; `tui.core.history.default_path()` is the user's), or None to record
    nothing (tests and screenshots). Raises `CollectionError` when the file cannot be loaded,
    `VariableError` for an unknown environment."""
    path = Path(collection_path) if collection_path is not None else default_collection_path()
    workspace = Workspace.for_path(
        path, create=collection_path is not None, environment=environment, overrides=overrides, allowed_paths=allowed_paths
    )
    return ReqbenchApp(workspace, notice=notice, history=Path(history) if isinstance(history, str) else history)


def run_app(
    collection_path: str | Path | None = None,
    *,
    environment: str | None = None,
    overrides: Mapping[str, str] | None = None,
    allowed_paths: Sequence[str | Path] = (),
    history: str | Path | None = None,
) -> None:
    """Run the workbench in the terminal; a collection that cannot be opened exits with its
    message (status 2). `history` as for `make_app`."""
    try:
        app = make_app(collection_path, environment=environment, overrides=overrides, allowed_paths=allowed_paths, history=history)
    except errors.ReqbenchError as error:
        print(f"reqbench: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    app.run()
    if app.recovery_path is not None:
        print(f"reqbench: an internal error ended the workbench; your unsaved edits are in {app.recovery_path}", file=sys.stderr)
        raise SystemExit(4)
