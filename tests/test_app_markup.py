"""Text in square brackets is shown as typed, never read as Rich/Textual markup (issue 10,
bug 5): one test per kind of place user, server or config text reaches the screen."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Static

from _pilot import SIZE, send, set_url, settle

from tui.app import make_app


def shown(widget: Static) -> str:
    """The text a Static draws (its visual's plain text)."""
    visual = widget.render()
    return visual.plain if isinstance(visual, Content) else str(visual)


def collection(tmp_path: Path, name: str = "[draft] login") -> Path:
    path = tmp_path / "brackets.toml"
    path.write_text("format = 1\n" + textwrap.dedent(f"""
        [[requests]]
        name = "{name}"
        url = "http://example.test/get"
        """))
    return path


async def test_palette_help_keeps_brackets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The palette parses help as markup (Content.from_markup): "[variables]" must survive."""
    import tui.app
    from tui.commands import COMMANDS, Command

    monkeypatch.setattr(tui.app, "COMMANDS", (*COMMANDS, Command("Edit", "Edit [variables] (f5)", "variables")))
    app = make_app(tmp_path / "w.toml")
    async with app.run_test(size=SIZE):
        helps = [Content.from_markup(command.help).plain for command in app.get_system_commands(app.screen)]
        assert "Edit [variables] (f5)" in helps
        assert all(command.help in helps for command in COMMANDS)


async def test_notification_with_a_bracketed_path(tmp_path: Path, httpbin_url: str) -> None:
    app = make_app(tmp_path / "w.toml")
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{httpbin_url}/get")
        await send(pilot)
        target = tmp_path / "out[1].json"
        app.viewer.save_body(target)
        await settle(pilot)
        assert target.exists()
        messages = [n for n in app._notifications if "out[1].json" in n.message]
        assert messages and not messages[-1].markup


async def test_error_and_headers_text_keep_brackets(tmp_path: Path, httpbin_url: str) -> None:
    app = make_app(tmp_path / "w.toml")
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, "http://[::1/get")
        await send(pilot)
        assert "'['" in shown(app.viewer.query_one("#error-message", Static))
        await set_url(pilot, f"{httpbin_url}/response-headers?X-Tag=[b]bold[/b]")
        await send(pilot)
        assert "[b]bold[/b]" in shown(app.viewer.query_one("#headers-text", Static))


async def test_request_names_in_sidebar_status_line_and_title(tmp_path: Path) -> None:
    app = make_app(collection(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        tree = app.sidebar_tree.option_list
        prompt = tree.get_option_at_index(0).prompt
        assert "[draft] login" in (prompt.plain if hasattr(prompt, "plain") else str(prompt))
        status = app.screen.query_one("#status-bar", Static)
        assert "[draft] login" in shown(status)
