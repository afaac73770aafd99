"""Layout and the external editor through a real terminal: the workbench in a pseudo-terminal
(tests/ptyterm.py), read back through a terminal emulator. `$EDITOR` needs `App.suspend()`,
which only a real terminal driver supports, so it is tested here and not with Pilot."""

from __future__ import annotations

import stat
import textwrap
from pathlib import Path

import pytest

from ptyterm import XTERM, PtyApp

pytestmark = pytest.mark.timeout(120)

KEYS = {**XTERM, "f8": "\x1b[19~", "f9": "\x1b[20~"}


def write_collection(folder: Path, url: str = "http://127.0.0.1:9/post") -> Path:
    path = folder / "layout.toml"
    path.write_text(
        "format = 1\n\n"
        + textwrap.dedent(
            f"""
            [[requests]]
            name = "post json"
            method = "POST"
            url = "{url}"
            body = {{ json = '{{"user": "tom"}}' }}
            """
        )
    )
    return path


def editor_script(folder: Path, body: str) -> Path:
    script = folder / "editor.sh"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def started(path: Path, *, size: tuple[int, int] = (80, 24), env: dict[str, str] | None = None) -> PtyApp:
    term = PtyApp([str(path)], size=size, cwd=path.parent, env=env)
    term.wait_for("Params")
    term.wait_quiet(0.8)  # the lazily mounted editors are in place
    return term


def test_alt_e_edits_the_request_body_in_editor(tmp_path: Path) -> None:
    """alt+e hands the terminal to $EDITOR (here a script running `sed -i`), the workbench
    comes back, the edited body is in the request (saved: ctrl+s writes it to the file)."""
    path = write_collection(tmp_path)
    script = editor_script(tmp_path, 'sed -i "s/tom/jerry/" "$1"\n')
    with started(path, env={"EDITOR": str(script), "VISUAL": ""}) as term:
        term.write(KEYS["alt+e"])
        term.wait_for("Body updated from the editor")
        term.write(KEYS["ctrl+s"])
        term.wait_until(lambda: "jerry" in path.read_text(), what="the edited body saved")
        assert '{"user": "jerry"}' in path.read_text()  # no newline added by the editor


def test_an_editor_that_fails_leaves_the_body(tmp_path: Path) -> None:
    path = write_collection(tmp_path)
    script = editor_script(tmp_path, 'sed -i "s/tom/jerry/" "$1"\nexit 3\n')
    with started(path, env={"VISUAL": str(script)}) as term:
        term.write(KEYS["alt+e"])
        term.wait_for("exited with status 3")
        term.write(KEYS["ctrl+s"])
        term.wait_quiet(0.5)
        assert "tom" in path.read_text() and "jerry" not in path.read_text()


def test_alt_e_shows_the_response_read_only(tmp_path: Path, httpbin_url: str) -> None:
    """From the response pane alt+e opens the response body in a read-only file; what the
    editor does to it is not read back."""
    path = write_collection(tmp_path, f"{httpbin_url}/post")
    seen = tmp_path / "seen.txt"
    script = editor_script(tmp_path, f'cp "$1" {seen}\nls -l "$1" >> {seen}\n')
    with started(path, env={"EDITOR": str(script), "VISUAL": ""}) as term:
        term.write(KEYS["ctrl+j"])
        term.wait_for("200 OK")
        term.write(KEYS["alt+r"])
        term.wait_quiet(0.3)
        term.write(KEYS["alt+e"])
        term.wait_until(seen.exists, what="the editor to run")
        term.wait_for("200 OK")
        text = seen.read_text()
        assert '"user": "tom"' in text and "-r--r-----" in text
        assert "Body updated" not in term.text


def test_40x12_shows_the_editor_then_the_response(tmp_path: Path, httpbin_url: str) -> None:
    path = write_collection(tmp_path, f"{httpbin_url}/post")
    with started(path, size=(40, 12)) as term:
        term.wait_for("Response hidden · f8 shows it")
        term.write(KEYS["ctrl+j"])
        term.wait_for("200 OK")
        assert "Request editor hidden" in term.text and term.line_with("{") is not None
        term.write(KEYS["f8"])
        term.wait_for("Params")


def test_60x20_help_is_readable(tmp_path: Path) -> None:
    """Bug 8: at 60x20 the help's descriptions were squeezed to ~6 characters a line."""
    path = write_collection(tmp_path)
    with started(path, size=(60, 20)) as term:
        term.write(KEYS["f1"])
        term.wait_for("reqbench — keys")
        term.wait_quiet(0.3)
        assert term.line_with("cancel the running request") is not None, term.text


def test_footer_at_80_columns_cuts_no_label(tmp_path: Path, httpbin_url: str) -> None:
    path = write_collection(tmp_path, f"{httpbin_url}/post")
    with started(path) as term:
        term.write(KEYS["ctrl+j"])
        term.wait_for("200 OK")
        term.write(KEYS["alt+r"])
        term.wait_until(lambda: "e Encoding" in term.display[-1], what="the response's keys in the footer")
        footer = term.display[-1]
        assert "f1 Help" in footer and "s Save…" in footer and "/ Search" in footer
