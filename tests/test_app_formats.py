"""Import/export in the workbench (issue 9) through Pilot: paste curl into the URL bar, Import…,
Copy as…, and the sidebar's folders; plus one real pty run pasting a curl command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input

from _pilot import SIZE, paste, send, settle, type_text
from ptyterm import PtyApp, bracketed_paste

from tui.app import make_app
from tui.app_formats import COPY_FORMATS
from tui.screens.confirm import PromptScreen
from tui.screens.copy_as import CopyAsScreen

ROOT = Path(__file__).resolve().parent.parent


def _collection(tmp_path: Path, body: str = "") -> Path:
    path = tmp_path / "api.toml"
    path.write_text(
        'format = 1\nname = "api"\n\n[[requests]]\nname = "first"\nurl = "http://127.0.0.1:9/old"\n'
        '[requests.capture]\nid = "json:id"\n' + body
    )
    return path


def _notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def test_pasting_curl_into_the_url_bar_turns_the_request_into_it(tmp_path: Path, httpbin_url: str) -> None:
    app = make_app(_collection(tmp_path))
    command = (
        f"curl -X PUT '{httpbin_url}/anything/items?a=1&b=two' \\\n"
        "  -H 'X-Trace: abc' -H 'Content-Type: application/json' \\\n"
        "  -u alice:pw --data-raw '{\"k\": 1}'"
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        await pilot.press("ctrl+l")
        await paste(pilot, command)
        await settle(pilot)
        request = app.request
        assert request.method == "PUT"
        assert request.url == f"{httpbin_url}/anything/items"
        assert [(p.name, p.value) for p in request.params] == [("a", "1"), ("b", "two")]
        assert ("X-Trace", "abc") in [(h.name, h.value) for h in request.headers]
        assert request.auth is not None and request.body is not None and json.loads(request.body.text) == {"k": 1}
        assert request.name == "first" and request.capture == {"id": "json:id"}  # its place is kept
        assert app.url_bar.method == "PUT" and app.url_bar.url.endswith("/anything/items?a=1&b=two")
        assert any("pasted curl command" in note.lower() and "alt+u" in note for note in _notes(app)), _notes(app)
        assert app.dirty

        # what it sends is what curl would: httpbin echoes it
        await send(pilot)
        assert app.last_response is not None, app.last_error
        echo = json.loads(app.last_response.content)
        assert echo["method"] == "PUT" and echo["args"] == {"a": "1", "b": "two"}
        assert echo["headers"]["X-Trace"] == "abc" and echo["json"] == {"k": 1}
        assert echo["headers"]["Authorization"].startswith("Basic ")

        # one key puts the old request back
        await pilot.press("alt+u")
        await pilot.pause()
        assert app.request.url == "http://127.0.0.1:9/old" and app.request.method == "GET"
        assert app.url_bar.url == "http://127.0.0.1:9/old"
        assert not app.dirty


async def test_a_paste_that_is_not_curl_is_typed_and_a_broken_curl_is_refused(tmp_path: Path) -> None:
    app = make_app(_collection(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        await pilot.press("ctrl+l", "ctrl+u")
        await paste(pilot, "http://example.invalid/curl x")
        await settle(pilot)
        assert app.url_bar.url == "http://example.invalid/curl x"

        await pilot.press("ctrl+u")
        before = app.request
        await paste(pilot, "curl -H 'unterminated")
        await settle(pilot)
        assert app.request is before and app.url_bar.url == ""
        assert any("unterminated" in note.lower() or "quote" in note.lower() for note in _notes(app)), _notes(app)


async def test_import_adds_the_requests_with_unique_names(tmp_path: Path) -> None:
    source = tmp_path / "more.http"
    source.write_text(
        "### first\nGET http://127.0.0.1:9/a\n\n### other\nPOST http://127.0.0.1:9/b\nContent-Type: application/json\n\n{\"x\": 1}\n"
    )
    app = make_app(_collection(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        app.action_import_file()
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await type_text(pilot, str(tmp_path / "missing.http"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # refused in place: no such file
        prompt_input = app.screen.query_one(Input)
        prompt_input.value = ""
        await type_text(pilot, str(source))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.main
        names = [r.name for r in app.collection.requests]
        assert names[0] == "first" and len(names) == 3 and len(set(names)) == 3
        assert names[2] == "other" and app.collection.requests[2].method == "POST"
        assert app.request is app.collection.requests[1]  # the first imported one is shown
        assert app.url_bar.url == "http://127.0.0.1:9/a"
        assert app.dirty
        assert any("Imported 2 requests" in note for note in _notes(app))


async def test_copy_as_each_format_keeps_env_secrets_as_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpbin_url: str) -> None:
    monkeypatch.setenv("API_TOKEN", "s3cret-value")
    path = tmp_path / "api.toml"
    path.write_text(
        f'format = 1\nname = "api"\n\n[[requests]]\nname = "me"\nurl = "{httpbin_url}/bearer"\n'
        'headers = [["Authorization", "Bearer {{env:API_TOKEN}}"]]\n'
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        await send(pilot)
        assert app.last_response is not None and app.last_response.status == 200  # the real token went out
        # the key in the response pane, then a format by its number
        await pilot.press("alt+r")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, CopyAsScreen)
        await pilot.press("1")
        await pilot.pause()
        assert app.screen is app.main
        assert app.clipboard.startswith("curl") and "API_TOKEN" in app.clipboard and "s3cret" not in app.clipboard
        for fmt in COPY_FORMATS:
            text = app.copy_request_as(fmt)
            assert text and app.clipboard == text, fmt
            assert "s3cret" not in text, (fmt, text)
            assert fmt == "har" or "API_TOKEN" in text, (fmt, text)  # HAR masks instead
            assert "/bearer" in text, fmt


async def test_the_palette_lists_import_and_copy_as(tmp_path: Path) -> None:
    app = make_app(_collection(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Import…", "Copy as…", "History", "Cookies"} <= set(titles)
        app.action_copy_as()
        await pilot.pause()
        await pilot.press("down", "enter")  # the second format: httpie
        await pilot.pause()
        assert app.clipboard.lstrip().startswith(("http ", "#")) and "127.0.0.1:9/old" in app.clipboard


async def test_the_sidebar_shows_folders(tmp_path: Path) -> None:
    path = tmp_path / "api.toml"
    path.write_text(
        'format = 1\nname = "api"\n\n[[requests]]\nname = "top"\nurl = "http://127.0.0.1:9/"\n'
        '[[requests]]\nname = "login"\nfolder = "Auth"\nurl = "http://127.0.0.1:9/login"\n'
        '[[requests]]\nname = "token"\nfolder = "Auth/Tokens"\nurl = "http://127.0.0.1:9/token"\n'
    )
    app = make_app(path)
    async with app.run_test(size=(120, 32)) as pilot:
        await app.ready()
        await pilot.pause()
        options = app.sidebar_tree.option_list
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        def row(predicate) -> int:  # type: ignore[no-untyped-def]
            return next(i for i, text in enumerate(rows) if predicate(text))

        auth = row(lambda t: "Auth" in t and "login" not in t)
        tokens = row(lambda t: "Tokens" in t and "token " not in t.replace("Tokens", ""))
        assert row(lambda t: "top" in t) < auth < row(lambda t: "login" in t) < tokens < row(lambda t: "token" in t and "Tokens" not in t), rows


def test_pty_bracketed_paste_of_curl_into_the_url_bar(tmp_path: Path, httpbin_url: str) -> None:
    """Real bytes: a bracketed paste of a two-line curl command into the focused URL bar."""
    collection = _collection(tmp_path)
    command = f"curl -X POST {httpbin_url}/anything/pasted \\\n  -H 'X-From: pty' -d 'a=1'"
    with PtyApp([str(collection), "--no-history"], size=(100, 30), cwd=ROOT) as term:
        term.wait_for("127.0.0.1:9/old")
        term.write(bracketed_paste(command))
        term.wait_for("/anything/pasted")
        term.wait_until(lambda: "POST" in (term.line_with("/anything/pasted") or ""), what="POST in the URL bar")
        term.wait_for("alt+u")  # the notification says how to undo
        assert "curl -X" not in term.text  # nothing of the command was typed into the URL


def test_pty_f6_opens_the_history_of_a_real_send(tmp_path: Path, httpbin_url: str) -> None:
    """f6 as xterm/tmux send it opens History, listing the send just made (over a real pty)."""
    path = tmp_path / "api.toml"
    path.write_text(f'format = 1\nname = "api"\n\n[[requests]]\nname = "first"\nurl = "{httpbin_url}/anything/from-pty"\n')
    with PtyApp([str(path), "--history", str(tmp_path / "h.sqlite3")], size=(140, 30), cwd=ROOT) as term:
        term.wait_for("/anything/from-pty")
        term.press("ctrl+j")
        term.wait_for("200")
        term.press("f6")
        term.wait_for("Restore over")  # the History screen's footer
        row = lambda: term.line_with("/anything/from-pty") or ""  # noqa: E731
        term.wait_until(lambda: "200" in row() and "first" in row() and "GET" in row(), what="the send's row in History")
