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
    Command("Edit variables", "Edit [variables] and the environments (f5)", "variables"),
    Command("Toggle sidebar", "Show or hide the collection sidebar (ctrl+b)", "toggle_sidebar"),
    Command("Keys", "Show every key binding (f1)", "help"),
    Command("History", "Browse, open, restore and compare what was sent (f6)", "history"),
    Command("Cookies", "The collection's saved cookies (f7)", "cookies"),
    Command("Import…", "Add the requests of a curl, HAR, .http, Postman, Insomnia or OpenAPI file", "import_file"),
    Command("Copy as…", "Copy the request as curl, HTTPie, httpx, aiohttp, Hurl or HAR (e in the response)", "copy_as"),
    Command("Undo replace", "Put back the request a restore or pasted curl replaced (alt+u)", "undo_replace"),
    *(Command(f"{name.title()} tab", f"Edit the request's {name}", f"request_tab({name!r})") for name in ("params", "headers", "body", "options")),
)
