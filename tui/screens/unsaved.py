"""The save and unsaved-changes prompts, as flows over a `Workspace`.

    path = await save(app, workspace)          # None: cancelled, or failed (notified)
    go_on = await resolve_unsaved(app, "quit", save=...)

Both push modal screens and wait for them (`App.push_screen_wait`), so they must run in a
worker (the app calls them from `@work(group="dialog")` methods). They never import the app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.app import App

from tui.core import errors
from tui.core.workspace import Workspace
from tui.screens.confirm import ChoiceScreen, ConfirmScreen, PromptScreen

__all__ = ["resolve_unsaved", "save"]


async def _choose_path(app: App[Any]) -> tuple[Path, bool] | None:
    """The path to save a scratch collection to, and whether the user agreed to replace it."""
    answer = await app.push_screen_wait(PromptScreen("Save the collection as (a .toml path)", "collection.toml"))
    if not answer:
        return None
    path = Path(answer).expanduser().resolve()
    if path.exists():
        if not await _replace(app, path, f"{path} exists. Replace it?"):
            return None
        return path, True
    return path, False


async def _replace(app: App[Any], path: Path, question: str) -> bool:
    answer = await app.push_screen_wait(ConfirmScreen("File exists", question, yes="Replace", no="Cancel"))
    return answer == "yes"


async def save(app: App[Any], workspace: Workspace) -> Path | None:
    """Save the workspace, asking for a path for a scratch collection and before overwriting
    a file that changed on disk since it was opened. Returns where it was saved."""
    path = workspace.path
    replace = False
    if path is None:
        chosen = await _choose_path(app)
        if chosen is None:
            return None
        path, replace = chosen
    elif workspace.changed_on_disk():
        choice = await app.push_screen_wait(
            ChoiceScreen(
                "Changed on disk",
                f"{path.name} changed on disk since it was opened. Overwrite it with your version?",
                [("o", "Overwrite", "overwrite"), ("escape", "Cancel", "cancel")],
            )
        )
        if choice != "overwrite":
            return None
    try:
        try:
            return workspace.save(path, replace=replace)
        except errors.SaveTargetExists:
            # `reqbench NEW.toml`, and another program created NEW.toml before ctrl+s
            if not await _replace(app, path, f"{path} was created by another program since this collection was opened. Replace it?"):
                return None
            return workspace.save(path, replace=True)
    except errors.ReqbenchError as error:
        app.notify(str(error), title="Not saved", severity="error", timeout=8, markup=False)
        return None


async def resolve_unsaved(app: App[Any], doing: str, *, save: Callable[[], Awaitable[bool]]) -> bool:
    """Ask what to do with unsaved changes before `doing` ("quit", "open b.toml"); True means
    go on (saved with `save`, or discarded)."""
    choice = await app.push_screen_wait(
        ChoiceScreen(
            "Unsaved changes",
            f"The collection has unsaved changes. Save them before you {doing}?",
            [("s", "Save", "save"), ("d", "Discard", "discard"), ("escape", "Cancel", "cancel")],
        )
    )
    if choice == "save":
        return await save()
    return choice == "discard"
