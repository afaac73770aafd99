"""The sidebar's questions about one request (rename, delete), as flows over a `Workspace`.

Both push a modal from `confirm` and wait for it, so they run in a worker; they return what
changed and leave showing it to the app. They never import the app.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import App

from tui.core import errors
from tui.core.collection.model import Request
from tui.core.workspace import Workspace
from tui.screens.confirm import ConfirmScreen, PromptScreen

__all__ = ["delete", "rename"]


async def rename(app: App[Any], workspace: Workspace, request: Request) -> bool:
    """Ask for a new name (an empty or used one is refused in place); whether it changed."""
    validate = partial(workspace.rename_problem, request)
    name = await app.push_screen_wait(PromptScreen("Rename request", request.name, validate=validate))
    if not name or workspace.owns(request) is None:
        return False
    try:
        return workspace.rename_request(request, name)
    except errors.RequestNameError as error:  # the collection changed while the prompt was up
        app.notify(str(error), title="Not renamed", severity="error", markup=False)
        return False


async def delete(app: App[Any], workspace: Workspace, request: Request) -> int | None:
    """Ask before deleting; the index to show next, or None when kept (or already gone)."""
    question = ConfirmScreen("Delete request", f"Delete {request.name!r} from the collection?", yes="Delete", no="Keep")
    if await app.push_screen_wait(question) != "yes":
        return None
    return workspace.delete_request(request)
