"""The workbench's import/export (issue 9): paste curl, Import…, Copy as….

`FormatsApp` is a base of `ReqbenchApp`, over `HistoryApp` (whose one-step undo it shares):

    paste `curl …` into the URL bar   the current request becomes it (method, URL, params,
                                      headers, auth, body, options); alt+u undoes
    Import… (palette)                 a path prompt; the file's requests (any format
                                      `reqbench import` reads) are appended, names made unique
    Copy as… (palette, e in the response pane)   the request being edited in an export format,
                                      copied with OSC 52; `{{env:NAME}}` stay references

The core does the work (`tui.core.formats`, see docs/import-formats.md); this only asks,
notifies and refreshes. Files are read in a thread.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from tui.app_history import HistoryApp
from tui.core import errors

if TYPE_CHECKING:
    from tui.core.collection.model import Request
    from tui.widgets.url_bar import UrlBar

__all__ = ["COPY_FORMATS", "FormatsApp", "curl_onto"]

# Formats that write one request (Locust works on a whole collection: `reqbench export locust`).
COPY_FORMATS = ("curl", "httpie", "httpx", "aiohttp", "hurl", "har")


def curl_onto(current: Request, parsed: Request) -> Request:
    """What the current request becomes when `parsed` (a pasted curl command) replaces it:
    everything curl can say, with the current request's place in the collection (name,
    folder, description) and its captures and expectations kept."""
    parsed.name, parsed.folder, parsed.description = current.name, current.folder, current.description
    parsed.capture, parsed.expect = dict(current.capture), current.expect
    return parsed


class FormatsApp(HistoryApp):
    # -- paste curl ----------------------------------------------------------------------
    def on_url_bar_curl_pasted(self, event: UrlBar.CurlPasted) -> None:
        from tui.core.formats.from_curl import parse_curl

        current = self.workspace.request
        if event.target is not current:
            return  # the bar was showing another request (a stale message)
        try:
            parsed, warnings = parse_curl(event.text, base_dir=self.workspace.collection.folder)
        except errors.ImportFailed as error:
            self.notify(str(error), title="Not a curl command", severity="error", timeout=8, markup=False)
            return
        self.replace_current(curl_onto(current, parsed), "pasted curl command")
        for warning in warnings:
            self.notify(warning, title="curl", severity="warning", timeout=8, markup=False)

    # -- Import… -------------------------------------------------------------------------
    def action_import_file(self) -> None:
        from tui.screens.confirm import PromptScreen

        def problem(text: str) -> str | None:
            if not text:
                return "a file path is required"
            path = Path(text).expanduser()
            return None if path.is_file() else f"{path}: no such file"

        def chosen(text: str | None) -> None:
            if text:
                self.run_worker(self._import(Path(text).expanduser()), group="import")

        self.push_screen(
            PromptScreen("Import requests from (curl, HAR, .http, Postman, Insomnia or OpenAPI file):", validate=problem), chosen
        )

    async def _import(self, path: Path) -> None:
        from tui.core.formats.importers import import_path

        try:
            result = await asyncio.to_thread(import_path, path, out_dir=self.workspace.collection.folder)
        except errors.ReqbenchError as error:
            self.notify(str(error), title="Cannot import", severity="error", timeout=10, markup=False)
            return
        added = self.workspace.add_imported(result)
        if not added:
            self.notify(f"{path.name}: no requests to import", severity="warning", markup=False)
            return
        self.main.load_request(self.workspace.current)
        self.notify(f"Imported {len(added)} request{'s' if len(added) != 1 else ''} from {path.name} (ctrl+s saves)", markup=False)
        for warning in result.warnings:
            self.notify(warning, title="Import", severity="warning", timeout=8, markup=False)

    # -- Copy as… ------------------------------------------------------------------------
    def action_copy_as(self) -> None:
        from tui.core.formats.exporters import EXPORTERS
        from tui.screens.copy_as import CopyAsScreen

        def chosen(fmt: str | None) -> None:
            if fmt:
                self.copy_request_as(fmt)

        self.push_screen(CopyAsScreen([(name, EXPORTERS[name].summary) for name in COPY_FORMATS]), chosen)

    def copy_request_as(self, fmt: str) -> str | None:
        """Copy the request being edited as `fmt`; the text copied, None when it could not be."""
        from tui.core.formats.exported import ENV_REFERENCES
        from tui.core.formats.exporters import export_request

        try:
            resolved = self.workspace.resolve(environ=ENV_REFERENCES)
            text = export_request(fmt, resolved)
        except errors.ReqbenchError as error:
            self.notify(str(error), title=f"Cannot copy as {fmt}", severity="error", timeout=8, markup=False)
            return None
        self.copy_to_clipboard(text)
        self.notify(f"Copied {self.workspace.request.name!r} as {fmt} ({len(text.splitlines())} lines)", markup=False)
        return text
