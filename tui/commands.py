"""The command palette's entries (ctrl+p): one row per command, run as an app action.

A new command is a row here naming an `action_*` of `ReqbenchApp` (with its key, if it has
one, in the help text); the app turns each row into a `SystemCommand`. Keep the key bindings
themselves in `ReqbenchApp.BINDINGS` and the help screen's list in `screens/help.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COMMANDS", "Command"]


@dataclass(frozen=True, slots=True)
class Command:
    title: str
    help: str
    action: str  # an action string as in a Binding: "send", "request_tab('body')"


COMMANDS: tuple[Command, ...] = (
    Command("Send request", "Send the request being edited (ctrl+j)", "send"),
    Command("Cancel request", "Cancel the running request (escape)", "cancel"),
    Command("Save collection", "Write the collection to its TOML file (ctrl+s)", "save"),
    Command("Choose environment", "Switch the variables' environment (f4)", "environment"),
    Command("Edit variables", "Edit the collection's variables and environments (f5)", "variables"),
    Command("Toggle sidebar", "Show or hide the collection sidebar (ctrl+b)", "toggle_sidebar"),
    Command("All keys (help)", "Every key binding, grouped by pane (f1)", "help"),
    Command("Focus URL", "Edit the method and URL (ctrl+l)", "focus_url"),
    *(
        Command(f"{name.title()} tab", f"Edit the request's {name} ({key})", f"request_tab({name!r})")
        for name, key in (("params", "alt+p"), ("headers", "alt+h"), ("body", "alt+y"), ("options", "alt+o"))
    ),
    Command("Focus response", "Go to the response; again: its next tab (alt+r)", "focus_response"),
    Command("Response full screen", "The response fills the screen; again: back (f8)", "zoom('response')"),
    Command("Editor full screen", "The request editor fills the screen; again: back (f9)", "zoom('editor')"),
    Command("Open body in $EDITOR", "Edit the request body in $VISUAL/$EDITOR; the response body read-only (alt+e)", "external_editor"),
    *(
        Command(f"Response: {title}", f"{what} ({key})", f"response({action!r})")
        for title, what, key, action in (
            ("Body tab", "Show the response body", "1", "show_tab('tab-body')"),
            ("Headers tab", "Show the response headers", "2", "show_tab('tab-headers')"),
            ("Timing tab", "Show DNS, connect, TLS, first byte timings", "3", "show_tab('tab-timing')"),
            ("Request tab", "Show what was sent, and as curl", "4", "show_tab('tab-request')"),
            ("search body", "Search the response body", "/", "search"),
            ("raw / pretty", "Switch the JSON body between raw and pretty", "p", "toggle_pretty"),
            ("encoding", "Decode the body in another encoding, without resending", "e", "choose_encoding"),
            ("copy body", "Copy the body to the clipboard (OSC 52)", "c", "copy_body"),
            ("copy URL", "Copy the URL", "u", "copy_url"),
            ("copy as curl", "Copy the request as a curl command", "k", "copy_curl"),
            ("save body", "Save the body to a file", "s", "save_body"),
        )
    ),
    Command("History", "Browse, open, restore and compare what was sent (f6)", "history"),
    Command("Cookies", "The collection's saved cookies (f7)", "cookies"),
    Command("Import…", "Add the requests of a curl, HAR, .http, Postman, Insomnia or OpenAPI file", "import_file"),
    Command("Copy as…", "Copy the request as curl, HTTPie, httpx, aiohttp, Hurl or HAR (x in the response)", "copy_as"),
    Command("Undo replace", "Put back the request a restore or pasted curl replaced (alt+u)", "undo_replace"),
)
