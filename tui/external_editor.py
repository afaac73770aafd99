"""Open a body in the user's editor (`alt+e`), as git and less do: `$VISUAL`, else `$EDITOR`,
else `vi`; the app steps aside while it runs (`App.suspend()`) and takes the terminal back
after.

    editor_command(environ) -> list[str] | None
    await edit_body(app)     the request's body, read back when the editor exits with 0;
                             the response's body (read-only file, nothing read back) when the
                             response pane has the focus

Text, JSON and base64 request bodies are text and open as they are; a request without a body
becomes a text body when something is written. Form, multipart, file and stream bodies are
edited in their tables (the editor would need a format of its own).
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.collection.model import Body

if TYPE_CHECKING:
    from tui.app import ReqbenchApp

__all__ = ["edit_body", "editor_command", "run_editor"]

_TEXT_KINDS = ("text", "json", "base64")


def editor_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The editor to run, split as a shell would (`EDITOR="code --wait"`), or None."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        if value := env.get(name, "").strip():
            return shlex.split(value)
    return ["vi"] if shutil.which("vi") else None


def run_editor(app: ReqbenchApp, text: str, *, suffix: str, read_only: bool) -> str | None:
    """Write `text` to a temporary file, run the editor on it with the app suspended, and
    return what the file holds after (None: not read back, or the editor failed: notified)."""
    from textual.app import SuspendNotSupported

    command = editor_command()
    if command is None:
        app.notify("Set $VISUAL or $EDITOR to the editor to use.", severity="warning", markup=False)
        return None
    folder = Path(tempfile.mkdtemp(prefix="reqbench-edit-"))
    path = folder / f"{'response' if read_only else 'body'}{suffix}"
    try:
        path.write_text(text, encoding="utf-8")
        if read_only:
            path.chmod(stat.S_IRUSR | stat.S_IRGRP)
        try:
            with app.suspend():
                status = subprocess.run([*command, str(path)], check=False).returncode
        except SuspendNotSupported:
            app.notify("This terminal cannot hand itself to an editor.", severity="error", markup=False)
            return None
        except OSError as error:
            app.notify(f"Cannot run {command[0]}: {error.strerror or error}", severity="error", markup=False)
            return None
        if status != 0:
            app.notify(f"{command[0]} exited with status {status}; the body is unchanged.", severity="warning", markup=False)
            return None
        return None if read_only else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        app.notify(f"Cannot read the edited body back: {error}", severity="error", markup=False)
        return None
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()


async def edit_body(app: ReqbenchApp) -> None:
    main = app.main
    viewer = main.panes.live_viewer()
    focused = main.focused
    if viewer is not None and focused is not None and viewer in focused.ancestors_with_self:
        if viewer.response is None or viewer.body_panel.kind in ("empty", "binary"):
            app.notify("No text body to open (a binary body: save it with s).", severity="warning", markup=False)
            return
        suffix = ".json" if viewer.body_panel.kind == "json" else ".txt"
        run_editor(app, viewer.body_text, suffix=suffix, read_only=True)
        return
    await main.panes.ensure_editors()
    request = app.request
    editor = app.body_editor
    body = editor.body or Body("text")
    if body.kind not in _TEXT_KINDS:
        app.notify(f"A {body.kind} body is edited in its table; $EDITOR takes text, JSON and base64 bodies.", severity="warning", markup=False)
        return
    edited = run_editor(app, body.text, suffix=".json" if body.kind == "json" else ".txt", read_only=False)
    if edited is None or edited == body.text:
        return
    if edited.endswith("\n") and not body.text.endswith("\n"):
        edited = edited[:-1]  # editors add a final newline; a text body did not have one
    request.body = replace(body, text=edited)
    editor.set_body(request.body, target=request)
    main.refresh_model()
    app.notify("Body updated from the editor.", markup=False)
