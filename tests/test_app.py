"""The workbench driven through its UI (Pilot) against the real local servers of conftest.py.

Each test types into the app the way a user does (URL, params rows, body mode, options) and
asserts what the response pane ends up showing (`ResponseViewer.state/response/error` and the
text of its tabs), or what landed on disk.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.widgets import Input, Select, TextArea

from _pilot import SIZE, choose, paste, press_as_terminal, send, set_url, settle, type_text

from tui.app import ReqbenchApp, make_app
from tui.core import errors
from tui.screens.confirm import ChoiceScreen

def scratch(tmp_path: Path, **kwargs: object) -> ReqbenchApp:
    return make_app(tmp_path / "work.toml", **kwargs)  # type: ignore[arg-type]


def echoed(app: ReqbenchApp) -> dict:
    viewer = app.viewer
    assert viewer.state == "done", (viewer.state, viewer.error_text)
    assert viewer.response is not None
    return viewer.response.json()


# -- the aiohttp quickstart through the UI -----------------------------------------------------
async def test_get_with_params_typed_in_rows(tmp_path: Path, httpbin_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{httpbin_url}/get")
        await pilot.press("alt+p")
        await type_text(pilot, "key1")
        await pilot.press("tab")
        await type_text(pilot, "value1")
        await pilot.press("enter")  # next row's name
        await type_text(pilot, "key2")
        await pilot.press("tab")
        await type_text(pilot, "value2")
        await pilot.pause()
        assert app.url_bar.url.endswith("/get?key1=value1&key2=value2")
        await send(pilot)
        data = echoed(app)
        assert data["args"] == {"key1": "value1", "key2": "value2"}
        assert data["url"] == f"{httpbin_url}/get?key1=value1&key2=value2"
        assert app.viewer.response.status == 200
        assert '"key1": "value1"' in app.viewer.body_text or '"key1":"value1"' in app.viewer.body_text
        assert "200" in app.viewer.status_text


async def test_query_typed_in_url_fills_params_table(tmp_path: Path, httpbin_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{httpbin_url}/get?key=value1&key=value2")
        await pilot.pause()
        assert [(p.name, p.value) for p in app.params_table.items] == [("key", "value1"), ("key", "value2")]
        # switching the first row off takes it out of the URL
        await pilot.press("alt+p")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.url_bar.url.endswith("/get?key=value2")
        await send(pilot)
        assert echoed(app)["args"] == {"key": "value2"}
        assert [(p.value, p.enabled) for p in app.request.params] == [("value1", False), ("value2", True)]


async def test_methods_with_text_body(tmp_path: Path, httpbin_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+b")
        await choose(pilot, app.body_editor.query_one("#body-mode", Select), "text")
        app.body_editor.query_one("#body-text", TextArea).focus()
        await type_text(pilot, "data")
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            await choose(pilot, app.url_bar.method_select, method)
            await set_url(pilot, f"{httpbin_url}/{method.lower()}")
            await send(pilot)
            data = echoed(app)
            assert data["data"] == "data"
            assert data["headers"]["Content-Type"].startswith("text/plain")
            assert app.request.method == method
            assert app.viewer.response.sent.method == method


async def test_head_and_options(tmp_path: Path, httpbin_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app.url_bar.method_select, "HEAD")
        await set_url(pilot, f"{httpbin_url}/get")
        await send(pilot)
        assert app.viewer.state == "done"
        assert app.viewer.response.status == 200
        assert app.viewer.response.content == b""
        assert "application/json" in app.viewer.headers_text


async def test_post_json_validated_and_formatted(tmp_path: Path, httpbin_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app.url_bar.method_select, "POST")
        await set_url(pilot, f"{httpbin_url}/post")
        await pilot.press("alt+b")
        editor = app.body_editor
        await choose(pilot, editor.query_one("#body-mode", Select), "JSON")
        editor.query_one("#body-json", TextArea).focus()
        await type_text(pilot, '{"test": "object"')
        await pilot.pause()
        assert editor.json_status.startswith("✗")
        await type_text(pilot, "}")
        await pilot.pause()
        assert editor.json_status == "✓ valid JSON"
        await press_as_terminal(pilot, "alt+f", "f")  # pretty-format, as a terminal reports alt+f
        await pilot.pause()
        assert editor.query_one("#body-json", TextArea).text == '{\n  "test": "object"\n}'
        await send(pilot)
        data = echoed(app)
        assert data["json"] == {"test": "object"}
        assert data["headers"]["Content-Type"] == "application/json"


async def test_post_form(tmp_path: Path, httpbin_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app.url_bar.method_select, "POST")
        await set_url(pilot, f"{httpbin_url}/post")
        await pilot.press("alt+b")
        editor = app.body_editor
        await choose(pilot, editor.query_one("#body-mode", Select), "form")
        editor.query_one("#body-form").query(Input).first().focus()
        await type_text(pilot, "key1")
        await pilot.press("tab")
        await type_text(pilot, "value1")
        await pilot.press("enter")
        await type_text(pilot, "key2")
        await pilot.press("tab")
        await type_text(pilot, "value2")
        await send(pilot)
        data = echoed(app)
        assert data["form"] == {"key1": "value1", "key2": "value2"}
        assert data["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


async def test_post_multipart_with_file_part(tmp_path: Path, httpbin_url: str) -> None:
    (tmp_path / "report.txt").write_text("quarterly numbers\n")
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app.url_bar.method_select, "POST")
        await set_url(pilot, f"{httpbin_url}/post")
        await pilot.press("alt+b")
        editor = app.body_editor
        await choose(pilot, editor.query_one("#body-mode", Select), "multipart")
        table = editor.query_one("#body-multipart")
        table.query(".part-name").first().focus()
        await type_text(pilot, "username")
        await pilot.press("tab")
        await type_text(pilot, "tom")
        await pilot.pause()
        rows = list(table.query("PartRow"))
        second = rows[-1]
        await choose(pilot, second.query_one("#part-kind", Select), "file")
        second.query_one(".part-name", Input).focus()
        await type_text(pilot, "file")
        await pilot.press("tab")
        await type_text(pilot, "report.txt")
        await pilot.press("tab")
        await type_text(pilot, "tom.txt")
        await pilot.press("tab")
        await type_text(pilot, "text/plain")
        await send(pilot)
        data = echoed(app)
        assert data["form"] == {"username": "tom"}
        assert data["files"] == {"file": "quarterly numbers\n"}
        assert data["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
        parts = app.request.body.parts
        assert parts[1].filename == "tom.txt" and parts[1].content_type == "text/plain"


async def test_stream_upload_is_chunked(tmp_path: Path, httpbin_url: str) -> None:
    (tmp_path / "myfile.txt").write_text("Hello, streaming world!\n" * 50)
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app.url_bar.method_select, "POST")
        await set_url(pilot, f"{httpbin_url}/post")
        await pilot.press("alt+b")
        editor = app.body_editor
        await choose(pilot, editor.query_one("#body-mode", Select), "stream")
        editor.query_one("#stream-path", Input).focus()
        await type_text(pilot, "myfile.txt")
        await pilot.press("enter")
        editor.query_one("#stream-chunk", Input).focus()
        await type_text(pilot, "100")
        await send(pilot)
        data = echoed(app)
        assert data["headers"].get("Transfer-Encoding") == "chunked"
        assert data["data"] == "Hello, streaming world!\n" * 50
        assert app.request.body.chunk_size == 100


async def test_binary_base64_loaded_from_file(tmp_path: Path, httpbin_url: str) -> None:
    (tmp_path / "blob.bin").write_bytes(bytes(range(8)))
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app.url_bar.method_select, "POST")
        await set_url(pilot, f"{httpbin_url}/post")
        await pilot.press("alt+b")
        editor = app.body_editor
        await choose(pilot, editor.query_one("#body-mode", Select), "binary")
        editor.query_one("#base64-file", Input).focus()
        await type_text(pilot, "blob.bin")
        await pilot.press("alt+l")
        await pilot.pause()
        assert editor.query_one("#base64-text", TextArea).text == "AAECAwQFBgc="
        await send(pilot)
        data = echoed(app)
        assert data["headers"]["Content-Type"] == "application/octet-stream"
        assert data["data"] == bytes(range(8)).decode()  # httpbin echoes valid UTF-8 as is


async def test_json_and_gzip_responses_from_the_bundled_collection(httpbin_url: str) -> None:
    app = make_app(overrides={"base": httpbin_url})
    async with app.run_test(size=SIZE) as pilot:
        names = [r.name for r in app.collection.requests]
        app.load_request(names.index("gzip"))
        await send(pilot)
        assert app.viewer.response.json()["gzipped"] is True
        assert app.viewer.response.wire_size < app.viewer.response.decoded_size
        app.load_request(names.index("get"))
        await send(pilot)
        assert echoed(app)["url"] == f"{httpbin_url}/get"
        assert app.url_bar.url == "{{base}}/get"


# -- downloads and cancel ------------------------------------------------------------------------
async def test_download_shows_progress_and_ends_in_the_file(tmp_path: Path, fault_url: str) -> None:
    size = 3_000_000
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()  # the response pane is mounted just after the first frame
        progress: list[object] = []
        original = app.viewer.show_progress
        app.viewer.show_progress = lambda event: (progress.append(event), original(event))  # type: ignore[method-assign]
        await set_url(pilot, f"{fault_url}/drip?size={size}&interval=0.02&chunk=100000")
        await pilot.press("alt+o")
        app.options_pane.query_one("#opt-download", Input).focus()
        await type_text(pilot, "downloads/out.bin")
        await send(pilot)
        assert app.viewer.state == "done", app.viewer.error_text
        target = tmp_path / "downloads" / "out.bin"
        assert target.stat().st_size == size
        assert not (tmp_path / "downloads" / "out.bin.part").exists()
        assert app.viewer.response.downloaded and app.viewer.response.body_path == target
        downloads = [e for e in progress if getattr(e, "direction", "") == "download"]
        assert downloads and downloads[-1].done == size and downloads[-1].total == size


async def test_cancel_keeps_the_ui_alive(tmp_path: Path, fault_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{fault_url}/drip?size=1000000&interval=0.05&chunk=1000")
        await pilot.press("ctrl+j")
        for _ in range(200):
            await pilot.pause(0.02)
            if app.viewer.transfer is not None and app.sending and app.viewer.state == "sending":
                break
        assert app.sending
        # the UI keeps responding while the request runs: typing still edits the URL
        await pilot.press("end")
        await type_text(pilot, "&x=1")
        assert app.url_bar.url.endswith("&x=1")
        assert app.sending
        await pilot.press("escape")
        await settle(pilot)
        assert not app.sending
        assert isinstance(app.last_error, errors.Cancelled)
        assert app.viewer.state == "error"


# -- errors, one per kind -----------------------------------------------------------------------
async def test_connection_refused(tmp_path: Path, refused_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{refused_url}/get")
        await send(pilot)
        assert isinstance(app.last_error, errors.ConnectError)
        assert app.viewer.state == "error"
        assert "refused" in app.viewer.error_text.lower()


async def test_timeout(tmp_path: Path, fault_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{fault_url}/slow-headers?delay=3")
        await pilot.press("alt+o")
        app.options_pane.query_one("#opt-timeout", Input).focus()
        await type_text(pilot, "0.3")
        await send(pilot)
        assert isinstance(app.last_error, errors.TimeoutError)
        assert app.viewer.state == "error"
        assert "timed out" in app.viewer.error_text.lower() or "timeout" in app.viewer.error_text.lower()


async def test_tls_verification_failure_then_ca_bundle(tmp_path: Path, tls_server) -> None:
    app = scratch(tmp_path, allowed_paths=[tls_server.ca_path.parent])
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{tls_server.url}/get")
        await send(pilot)
        assert isinstance(app.last_error, errors.TLSError)
        assert "verify" in app.viewer.error_text.lower() or "certificate" in app.viewer.error_text.lower()
        await pilot.press("alt+o")
        await choose(pilot, app.options_pane.query_one("#opt-verify", Select), "CA")
        app.options_pane.query_one("#opt-ca", Input).focus()
        await type_text(pilot, str(tls_server.ca_path))
        await send(pilot)
        assert echoed(app)["url"] == f"{tls_server.url}/get"


async def test_url_preview_shows_what_will_be_sent(tmp_path: Path) -> None:
    """Under the URL bar, while the URL holds `{{…}}`: the URL with the variables substituted,
    following the environment and edits; gone for a plain URL; an unknown variable is named."""
    from textual.widgets import Label

    path = tmp_path / "c.toml"
    path.write_text(
        'format = 1\nname = "c"\n\n[variables]\nbase = "http://echo.test"\nid = "7"\n\n'
        '[environments.staging]\nbase = "http://staging.test"\n\n'
        '[[requests]]\nname = "a"\nurl = "{{base}}/items/{{id}}"\nparams = { q = "{{id}}" }\n'
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        preview = app.query_one("#url-preview", Label)

        def shown() -> str | None:
            return str(preview.content) if preview.display else None

        assert shown() == "→ http://echo.test/items/7?q=7"
        app.environment = "staging"
        await pilot.pause()
        assert shown() == "→ http://staging.test/items/7?q=7"
        await set_url(pilot, "{{base}}/x/{{nope}}")
        assert shown() == "→ cannot resolve the URL: {{nope}} is unknown"
        await set_url(pilot, "http://plain.test/")
        assert shown() is None
        # a variable again: the preview is back
        await set_url(pilot, "{{base}}/y")
        assert shown() == "→ http://staging.test/y"


async def test_unknown_variable_is_flagged_and_nothing_is_sent(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, "{{nowhere}}/get")
        await pilot.pause()
        assert app.url_bar.has_class("-unknown")
        assert "nowhere" in str(app.url_bar.query_one("#url-flags").content)
        await send(pilot)
        assert isinstance(app.last_error, errors.VariableError)
        assert "nowhere" in app.viewer.error_text
        assert app.viewer.response is None


async def test_bad_json_body_is_refused_before_sending(tmp_path: Path, refused_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app.url_bar.method_select, "POST")
        await set_url(pilot, f"{refused_url}/post")  # would fail with ConnectError if sent
        await pilot.press("alt+b")
        await choose(pilot, app.body_editor.query_one("#body-mode", Select), "JSON")
        app.body_editor.query_one("#body-json", TextArea).focus()
        await type_text(pilot, '{"a": }')
        await send(pilot)
        assert isinstance(app.last_error, errors.BodyError)
        assert app.viewer.state == "error"


# -- collections: save, reopen, unsaved changes --------------------------------------------------
async def test_save_and_reopen_an_edited_collection(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('format = 1\nname = "mine"\n\n[[requests]]\nname = "first"\nurl = "http://example.invalid/a"\n')
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, "{{base}}/get?q=1")
        await pilot.press("alt+h")
        await type_text(pilot, "X-Token")
        await pilot.press("tab")
        await type_text(pilot, "abc")
        await pilot.pause()
        assert app.dirty
        assert "●" in str(app.query_one("#status-bar").content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.dirty
    data = tomllib.loads(path.read_text())
    (request,) = data["requests"]
    assert request["url"] == "{{base}}/get"
    assert request["params"] == {"q": "1"}
    assert request["headers"] == {"X-Token": "abc"}

    again = make_app(path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.url_bar.url == "{{base}}/get?q=1"
        assert [(p.name, p.value) for p in again.headers_table.items] == [("X-Token", "abc")]
        assert not again.dirty


async def test_sidebar_new_duplicate_rename_move_delete(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('format = 1\nname = "c"\n\n[[requests]]\nname = "one"\nurl = "http://x.invalid/1"\n')
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+b")  # visible at this width: one press hides it (issue 10)
        await pilot.pause()
        assert app.sidebar_tree.region.width == 0
        await pilot.press("ctrl+b")  # and the next shows and focuses it
        assert app.sidebar_tree.option_list.has_focus
        await pilot.press("c")  # duplicate "one"
        await pilot.pause()
        assert [r.name for r in app.collection.requests] == ["one", "one copy"]
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("ctrl+u")
        await type_text(pilot, "two")
        await pilot.press("enter")
        await pilot.pause()
        assert [r.name for r in app.collection.requests] == ["one", "two"]
        await pilot.press("shift+up")
        await pilot.pause()
        assert [r.name for r in app.collection.requests] == ["two", "one"]
        await pilot.press("n")
        await pilot.pause()
        assert [r.name for r in app.collection.requests] == ["two", "new request", "one"]
        await pilot.press("ctrl+b", "ctrl+b", "down", "x")  # "n" left the focus in the URL: hide, show + focus
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("y")
        await pilot.pause()
        assert [r.name for r in app.collection.requests] == ["two", "new request"]
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert [r["name"] for r in tomllib.loads(path.read_text())["requests"]] == ["two", "new request"]


async def test_quit_with_unsaved_changes_asks(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('format = 1\nname = "c"\n\n[[requests]]\nname = "one"\nurl = "http://x.invalid/1"\n')
    original = path.read_text()
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "/more")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")  # cancel: keep working
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceScreen)
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("d")  # discard
        await pilot.pause()
    assert app.return_code == 0
    assert path.read_text() == original


async def test_save_warns_when_the_file_changed_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('format = 1\nname = "c"\n\n[[requests]]\nname = "one"\nurl = "http://x.invalid/1"\n')
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "/mine")
        theirs = path.read_text().replace("/1", "/theirs")
        path.write_text(theirs)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert path.read_text() == theirs  # not overwritten
        assert app.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("o")  # overwrite
        await settle(pilot)
        assert "/1/mine" in path.read_text()
        assert not app.dirty


async def test_environment_picker_switches_variables(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'format = 1\nname = "c"\n\n[variables]\nbase = "http://a.invalid"\n\n'
        '[environments.local]\nbase = "http://127.0.0.1:1"\ntoken = "t"\n\n'
        '[[requests]]\nname = "one"\nurl = "{{base}}/{{token}}"\n'
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.url_bar.unknown == ["token"]
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.environment == "local"
        assert app.url_bar.unknown == []
        assert "env: local" in str(app.query_one("#status-bar").content)


async def test_help_screen_lists_keys(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        from tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


def test_json_problem_messages() -> None:
    from tui.widgets.body_editor import json_problem

    assert json_problem('{"a": 1}') is None
    assert json_problem('{"a": }').startswith("line 1 col 7")


def test_query_helpers_round_trip() -> None:
    from tui.app import parse_query, query_string
    from tui.core.collection.model import Pair

    pairs = [Pair("a", "1"), Pair("b c", "x&y"), Pair("t", "{{token}}")]
    text = query_string(pairs)
    assert text == "a=1&b%20c=x%26y&t={{token}}"
    assert parse_query(text) == pairs


async def test_rows_toggle_and_remove_with_keys(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, "http://x.invalid/get?a=1&b=2&c=3")
        await pilot.press("alt+p", "tab", "tab")  # a's value, then b's name
        await pilot.press("ctrl+r")  # remove b
        await pilot.pause()
        assert [p.name for p in app.params_table.items] == ["a", "c"]
        assert app.url_bar.url == "http://x.invalid/get?a=1&c=3"
        assert app.focused is not None and app.focused.has_class("kv-name")  # moved to c's row
        await pilot.press("ctrl+t")  # switch c off
        await pilot.pause()
        assert app.url_bar.url == "http://x.invalid/get?a=1"
        assert [(p.name, p.enabled) for p in app.request.params] == [("a", True), ("c", False)]


async def test_status_line_lists_unknown_variables_of_every_field(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await set_url(pilot, "http://x.invalid/{{a}}?t={{b}}")
        status = str(app.query_one("#status-bar").content)
        assert "{{a}} in url" in status and "{{b}} in params.t" in status


def test_start_up_does_not_import_the_http_stack() -> None:
    """`tui.app` is on the start-up path: httpx is imported only after the first frame."""
    import subprocess
    import sys

    code = "import sys, tui.app; print(','.join(m for m in ('httpx', 'httpcore', 'aiofiles') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


async def test_other_collection_in_the_folder_opens_after_asking(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    first.write_text('format = 1\nname = "a"\n\n[[requests]]\nname = "in a"\nurl = "http://x.invalid/a"\n')
    (tmp_path / "b.toml").write_text('format = 1\nname = "b"\n\n[[requests]]\nname = "in b"\nurl = "http://x.invalid/b"\n')
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_text(pilot, "/edited")
        await pilot.press("ctrl+b", "ctrl+b", "end", "enter")  # hide, then show and focus  # the last entry: b.toml
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("d")  # discard
        await settle(pilot)
        assert app.collection.path == (tmp_path / "b.toml").resolve()
        assert app.url_bar.url == "http://x.invalid/b"
        assert not app.dirty


async def test_ctrl_enter_and_alt_enter_send_too(tmp_path: Path, refused_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{refused_url}/get")
        for key in ("ctrl+enter", "alt+enter"):
            app.last_error = None
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.last_error, errors.ConnectError), key


def test_cli_reports_a_broken_collection_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tui.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text("format = 1\n[[requests]\nname = 'x'\n")
    result = CliRunner().invoke(main, [str(bad)])
    assert result.exit_code == 2
    assert "bad.toml" in result.output and "Traceback" not in result.output


async def test_browsing_every_request_changes_nothing() -> None:
    """Loading each request of the bundled collection into the editors must not alter it
    (no spurious edit from widgets reporting their initial values), also when a request is
    loaded before the lazily mounted body and options panes exist."""
    from tui.core.collection import store

    app = make_app()
    original = store.dumps(app.collection)
    names = [r.name for r in app.collection.requests]
    async with app.run_test(size=SIZE) as pilot:
        app.load_request(names.index("post form data with a file"))  # before the lazy mount
        await pilot.press("alt+b")
        assert app.body_editor.mode == "multipart"
        for index in range(len(names)):
            app.load_request(index)
            await pilot.pause()
        await pilot.press("alt+o", "alt+p")
        assert not app.dirty
        assert store.dumps(app.collection) == original


def test_default_collection_is_the_bundled_quickstart() -> None:
    """`reqbench` without argument opens the same bundled collection as `reqbench demo`."""
    from tui.bundled import bundled_collection

    app = make_app()
    assert app.collection.path == bundled_collection() == Path(__file__).resolve().parent.parent / "collections" / "quickstart.toml"


def test_default_collection_from_a_read_only_install_is_a_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed read-only, the bundle is copied (as the demo does) so that saving it works."""
    import shutil

    from tui import bundled

    monkeypatch.setattr(bundled, "_writable", lambda folder: False)
    app = make_app()
    path = app.collection.path
    assert path is not None
    try:
        original = bundled.bundled_collection()
        assert original is not None and path != original and path.name == "quickstart.toml"
        assert path.read_bytes() == original.read_bytes()
        assert [r.name for r in app.collection.requests] == [r.name for r in make_app(original).collection.requests]
    finally:
        shutil.rmtree(path.parent.parent)


async def test_captured_value_feeds_the_next_request(httpbin_url: str) -> None:
    """As in a replay run: "log in" captures {{token}}, "bearer token from log in" sends it."""
    app = make_app(overrides={"base": httpbin_url})
    async with app.run_test(size=SIZE) as pilot:
        names = [r.name for r in app.collection.requests]
        app.load_request(names.index("bearer token from log in"))
        await pilot.pause()
        assert "{{token}} in auth.token" in str(app.query_one("#status-bar").content)
        app.load_request(names.index("log in"))
        await send(pilot)
        assert app.captured["token"] == "quickstart-token-5f2c"
        app.load_request(names.index("bearer token from log in"))
        await send(pilot)
        assert echoed(app)["headers"]["Authorization"] == "Bearer quickstart-token-5f2c"
        assert "unknown" not in str(app.query_one("#status-bar").content)


async def test_basic_auth_chosen_in_options(tmp_path: Path, httpbin_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{httpbin_url}/basic-auth/tom/secret")
        await pilot.press("alt+o")
        pane = app.options_pane
        await choose(pilot, pane.query_one("#opt-auth", Select), "basic")
        pane.query_one("#opt-auth-user", Input).focus()
        await type_text(pilot, "tom")
        await pilot.press("tab")
        await type_text(pilot, "secret")
        await send(pilot)
        assert echoed(app) == {"authenticated": True, "user": "tom"}
        assert app.request.auth is not None and app.request.auth.kind == "basic"


async def test_scratch_collection_is_saved_under_a_chosen_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.app

    monkeypatch.setattr(tui.app, "default_collection_path", lambda: None)
    app = make_app()
    assert app.collection.path is None
    target = tmp_path / "new.toml"
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, "http://x.invalid/get")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+u")
        await paste(pilot, str(target))
        await pilot.press("enter")
        await settle(pilot)
        assert app.collection.path == target
        assert not app.dirty
    assert tomllib.loads(target.read_text())["requests"][0]["url"] == "http://x.invalid/get"


async def test_each_request_shows_its_own_last_result(tmp_path: Path, refused_url: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        f'format = 1\nname = "c"\n\n[[requests]]\nname = "a"\nurl = "{refused_url}/a"\n\n'
        '[[requests]]\nname = "b"\nurl = "http://x.invalid/b"\n'
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot)
        assert app.viewer.state == "error"
        app.load_request(1)
        await pilot.pause()
        assert app.viewer.state == "idle"
        app.load_request(0)
        await pilot.pause()
        assert app.viewer.state == "error" and "refused" in app.viewer.error_text.lower()


async def test_narrow_sidebar_opens_on_demand_and_steps_aside(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'format = 1\nname = "c"\n\n[[requests]]\nname = "a"\nurl = "http://x.invalid/a"\n\n'
        '[[requests]]\nname = "b"\nurl = "http://x.invalid/b"\n'
    )
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not app.sidebar_tree.display or app.sidebar_tree.region.width == 0
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.sidebar_tree.region.width > 0 and app.sidebar_tree.option_list.has_focus
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.url_bar.url == "http://x.invalid/b"
        assert app.sidebar_tree.region.width == 0


async def test_reset_mid_body(tmp_path: Path, fault_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{fault_url}/reset?size=200000&after=1000")
        await send(pilot)
        assert isinstance(app.last_error, errors.ProtocolError)
        assert app.viewer.state == "error"


async def test_unreadable_body_file_is_refused_before_sending(tmp_path: Path, refused_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app.url_bar.method_select, "POST")
        await set_url(pilot, f"{refused_url}/post")  # would fail with ConnectError if sent
        await pilot.press("alt+b")
        await choose(pilot, app.body_editor.query_one("#body-mode", Select), "file")
        app.body_editor.query_one("#file-path", Input).focus()
        await type_text(pilot, "missing.bin")
        await send(pilot)
        assert isinstance(app.last_error, errors.PathError)
        assert "missing.bin" in app.viewer.error_text


async def test_command_palette_offers_the_workbench_actions(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE):
        listed = [command.title for command in app.get_system_commands(app.screen)]
        titles = set(listed)
        assert {"Send request", "Cancel request", "Save collection", "Choose environment", "All keys (help)"} <= titles
        assert len(listed) == len(titles)  # one "Keys" (Textual's), no second one of ours


async def test_a_broken_collection_in_the_folder_is_reported_not_fatal(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    first.write_text('format = 1\nname = "a"\n\n[[requests]]\nname = "in a"\nurl = "http://x.invalid/a"\n')
    (tmp_path / "b.toml").write_text("format = 1\n[[requests]\nname = 'x'\n")  # a TOML syntax error
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+b", "ctrl+b", "end", "enter")  # hide, then show and focus
        await pilot.pause()
        assert app.collection.path == first.resolve()  # still the first one
        assert any("b.toml" in str(n.message) for n in app._notifications)


async def test_enter_in_the_url_sends(tmp_path: Path, refused_url: str) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, f"{refused_url}/get")
        await pilot.press("enter")
        await pilot.pause()
        await settle(pilot)
        assert isinstance(app.last_error, errors.ConnectError)


@pytest.mark.parametrize(
    ("key", "tab"),
    [("alt+p", "tab-params"), ("alt+h", "tab-headers"), ("alt+b", "tab-body"), ("alt+o", "tab-options")],
)
async def test_alt_keys_from_a_real_terminal_are_not_typed_into_the_url(tmp_path: Path, key: str, tab: str) -> None:
    from textual.widgets import TabbedContent

    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, "http://example.test/get")
        await press_as_terminal(pilot, key, key[-1])
        assert app.url_bar.url_input.value == "http://example.test/get"
        assert app.query_one("#request-tabs", TabbedContent).active == tab


async def test_alt_r_from_a_real_terminal_focuses_the_response(tmp_path: Path) -> None:
    app = scratch(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await set_url(pilot, "http://example.test/get")
        await press_as_terminal(pilot, "alt+r", "r")
        assert app.url_bar.url_input.value == "http://example.test/get"
        assert app.focused is not None and app.viewer in app.focused.ancestors_with_self
