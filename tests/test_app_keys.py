"""Issue 10's keyboard bugs through Pilot (the same bugs are driven with real terminal bytes in
tests/test_pty_keys.py): the keys chosen for the Body tab and format-JSON, focus that moves at
once, and text in square brackets shown as typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Select, TabbedContent, TextArea

from _pilot import SIZE, choose, paste, press_as_terminal, set_url

from tui.app import ReqbenchApp, make_app
from tui.core import errors


def scratch(tmp_path: Path) -> ReqbenchApp:
    return make_app(tmp_path / "work.toml")


async def burst(pilot: Pilot[None], *keys: str) -> None:
    """Keys as the terminal driver delivers one read: all queued before the app handles any
    (Pilot's `press` waits for the app between keys, which hides ordering bugs)."""
    assert pilot.app._driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


# -- bug 1 ---------------------------------------------------------------------------------------
async def test_alt_y_is_the_body_tab_and_alt_g_formats_json(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, "http://example.test/post")
        await press_as_terminal(pilot, "alt+y", "y")
        assert app.url_bar.url == "http://example.test/post"  # not typed into the URL
        assert app.query_one("#request-tabs", TabbedContent).active == "tab-body"
        editor = app.body_editor
        await choose(pilot, editor.query_one("#body-mode", Select), "JSON")
        area = editor.query_one("#body-json", TextArea)
        area.focus()
        await pilot.pause()
        await paste(pilot, '{"a": [1]}')
        await press_as_terminal(pilot, "alt+g", "g")
        assert area.text == '{\n  "a": [\n    1\n  ]\n}'


async def test_the_footer_names_alt_g_not_alt_f(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await press_as_terminal(pilot, "alt+y", "y")
        await choose(pilot, app.body_editor.query_one("#body-mode", Select), "JSON")  # alt+g is offered for JSON
        shown = {key for key, active in app.active_bindings.items() if active.binding.show}
        assert "alt+g" in shown
        assert "alt+f" not in shown


async def test_ctrl_left_is_word_motion_in_the_url(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, "http://example.test/get")
        await pilot.press("ctrl+left", "X")
        assert app.url_bar.url == "http://example.test/Xget"
        assert app.query_one("#request-tabs", TabbedContent).active == "tab-params"


# -- bug 2 ---------------------------------------------------------------------------------------
async def test_the_save_body_dialog_has_the_focus_on_its_path(tmp_path: Path, httpbin_url: str) -> None:
    from textual.widgets import Input

    from _pilot import send

    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{httpbin_url}/get")
        await send(pilot)
        await pilot.press("alt+r")
        await pilot.press("s")
        await pilot.pause()
        field = app.screen.query_one("#save-path", Input)
        assert app.focused is field
        target = tmp_path / "out.json"
        await pilot.press("ctrl+u", *str(target), "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert target.exists()


# -- bug 3 ---------------------------------------------------------------------------------------
async def test_keys_after_n_go_to_the_new_request(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+b")  # the sidebar, focused
        await pilot.pause()
        await burst(pilot, "n", "n", "e", "w")
        assert app.url_bar.url == "new"
        assert app.request.url == "new"
        assert len(app.collection.requests) == 2


# -- bug 7 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "problem"), [("http://127.0.0.1:99999/get", "port"), ("http://exa mple.com/", "space")])
async def test_an_invalid_url_is_marked_in_place_and_not_sent(tmp_path: Path, url: str, problem: str) -> None:
    from _pilot import send

    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, url)
        await send(pilot)
        assert isinstance(app.last_error, errors.InvalidURL), app.last_error
        assert problem in str(app.last_error)
        assert app.viewer.response is None
        assert app.url_bar.has_class("-invalid")
        assert "invalid URL" in app.viewer.error_text
        await pilot.press("x")  # editing the URL clears the mark
        assert not app.url_bar.has_class("-invalid")
