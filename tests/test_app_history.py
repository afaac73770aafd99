"""History and cookies in the workbench (issue 11), through Pilot against the real httpbin,
each test with its own temporary history file (never the user's)."""

from __future__ import annotations

import json
from pathlib import Path

from _pilot import SIZE, send, set_url, settle

from tui.app import ReqbenchApp, make_app
from tui.core.history import History
from tui.screens.compare_screen import CompareScreen
from tui.screens.cookies_screen import CookiesScreen
from tui.screens.history_screen import HistoryScreen


def _collection(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "api.toml"
    path.write_text(f'format = 1\nname = "api"\n\n[[requests]]\nname = "first"\nurl = "{url}"\n')
    return path


async def _wait_rows(pilot, screen: HistoryScreen, count: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(50):
        await settle(pilot)
        if len(screen.row_ids) >= count:
            return
    raise AssertionError(f"history shows {screen.row_ids}, wanted {count} rows")


async def test_send_twice_open_restore_resend_compare(tmp_path: Path, httpbin_url: str) -> None:
    history_path = tmp_path / "history.sqlite3"
    app = make_app(_collection(tmp_path, f"{httpbin_url}/anything?n=1"), history=history_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        await send(pilot)
        assert app.last_response is not None and app.last_response.status == 200
        await set_url(pilot, f"{httpbin_url}/anything?n=2")
        await send(pilot)
        await settle(pilot)

        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await _wait_rows(pilot, screen, 2)
        ids = screen.row_ids
        assert len(ids) == 2 and ids[0] > ids[1]  # newest first
        first, second = (app.main.sender.history.get(i) for i in ids)
        assert "n=2" in first.summary.url and "n=1" in second.summary.url

        # open the older one: read-only in the response viewer, every tab filled
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is app.main
        viewer = app.viewer
        assert viewer.response is not None and viewer.response.status == 200
        assert json.loads(viewer.body_text)["args"] == {"n": "1"}
        assert "content-type" in viewer.headers_text.lower()
        assert "n=1" in viewer.request_text
        assert app.request.url.endswith("/anything")  # the editor did not change
        assert app.request.params[0].value == "2"

        # restore the older one over the current request, then undo it
        await pilot.press("f6")
        await pilot.pause()
        await _wait_rows(pilot, app.screen, 2)  # type: ignore[arg-type]
        await pilot.press("down", "R")
        await settle(pilot)
        assert app.screen is app.main
        assert [p.value for p in app.request.params if p.name == "n"] == ["1"]
        assert app.request.name == "first" and len(app.collection.requests) == 1
        assert app.url_bar.url.endswith("?n=1")
        await pilot.press("alt+u")
        await pilot.pause()
        assert [p.value for p in app.request.params if p.name == "n"] == ["2"]

        # re-send the older one: a new request named uniquely, sent, a third entry
        await pilot.press("f6")
        await pilot.pause()
        await _wait_rows(pilot, app.screen, 2)  # type: ignore[arg-type]
        await pilot.press("down", "s")
        await settle(pilot)
        await settle(pilot)
        assert [r.name for r in app.collection.requests] == ["first", "first 2"]
        assert app.request is app.collection.requests[1]
        assert app.last_response is not None and json.loads(app.last_response.content)["args"] == {"n": "1"}

        # compare the current response (n=1) with the newest-but-one entry (n=2)
        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await _wait_rows(pilot, screen, 3)
        await pilot.press("down", "c")  # the n=2 entry
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        await settle(pilot)
        assert compare.diff is not None and not compare.diff.same
        assert compare.diff.body.changed > 0
        status = str(compare.query_one("#compare-status").render())
        assert f"#{ids[0]} vs the current response" in status, status


async def test_history_off_records_nothing(tmp_path: Path, httpbin_url: str) -> None:
    app = make_app(_collection(tmp_path, f"{httpbin_url}/get"))
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        await send(pilot)
        assert not app.main.sender.history.available
    assert list(tmp_path.iterdir()) == [tmp_path / "api.toml"]


async def _cookies_echo(app: ReqbenchApp, pilot, url: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    await set_url(pilot, url)
    await send(pilot)
    await settle(pilot)
    assert app.last_response is not None, app.last_error
    return json.loads(app.last_response.content)["cookies"]  # type: ignore[no-any-return]


async def test_cookies_survive_a_restart(tmp_path: Path, httpbin_url: str) -> None:
    history_path = tmp_path / "history.sqlite3"
    collection = _collection(tmp_path, f"{httpbin_url}/get")
    app = make_app(collection, history=history_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        assert await _cookies_echo(app, pilot, f"{httpbin_url}/cookies/set?session=s3cret&theme=dark") == {
            "session": "s3cret", "theme": "dark",
        }  # fmt: skip

    again = make_app(collection, history=history_path)
    async with again.run_test(size=SIZE) as pilot:
        await again.ready()
        assert await _cookies_echo(again, pilot, f"{httpbin_url}/cookies") == {"session": "s3cret", "theme": "dark"}
        # the Request tab says which cookies went out, values masked
        assert "session=***" in again.viewer.request_text and "s3cret" not in again.viewer.request_text

        # the Cookies screen: delete one; the engine's jar follows
        await pilot.press("f7")
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, CookiesScreen)
        assert sorted(c.name for c in screen.cookies) == ["session", "theme"]
        index = [c.name for c in screen.cookies].index("session")
        await pilot.press(*(["down"] * index), "x")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert sorted(c.name for c in again.main.sender.engine.cookies) == ["theme"]  # type: ignore[union-attr]
        assert await _cookies_echo(again, pilot, f"{httpbin_url}/cookies") == {"theme": "dark"}

    with History.open(history_path) as history:
        assert [c.name for c in history.cookies.list(collection)] == ["theme"]


def test_history_options_of_reqbench_open(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`--history PATH`, `--no-history`, and REQBENCH_HISTORY by default reach the app."""
    from click.testing import CliRunner

    import tui.app
    from tui.cli import main

    seen: list[object] = []
    monkeypatch.setattr(tui.app, "run_app", lambda *args, **kwargs: seen.append(kwargs["history"]))
    monkeypatch.setenv("REQBENCH_HISTORY", str(tmp_path / "env.sqlite3"))
    collection = str(_collection(tmp_path, "http://127.0.0.1:9/"))
    runner = CliRunner()
    for args in ([collection], ["open", collection, "--history", str(tmp_path / "mine.db")], [collection, "--no-history"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
    assert seen == [tmp_path / "env.sqlite3", tmp_path / "mine.db", None]


async def test_demo_records_into_a_temporary_history_and_says_so(tmp_path: Path) -> None:
    from tui.cli_demo import demo_session

    collection = _collection(tmp_path, "{{base}}/get")
    with demo_session(collection=collection) as session:
        app = session.app
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await app.ready()
            assert any("temporary" in n.message for n in app._notifications)
            await send(pilot)
            await settle(pilot)
            history = app.main.sender.history  # type: ignore[attr-defined]
            assert history.available and history.count(history_query()) == 1
            temporary = history.path
            assert tmp_path not in temporary.parents and temporary.exists()
    assert not temporary.exists()  # deleted on quit

    kept = tmp_path / "demo.sqlite3"
    with demo_session(collection=collection, history=kept) as session:
        async with session.app.run_test(size=SIZE) as pilot:
            await session.app.ready()  # type: ignore[attr-defined]
            await send(pilot)
            await settle(pilot)
    with History.open(kept) as history:
        assert history.count(history_query()) == 1


async def test_a_broken_history_file_is_said_once_and_sends_still_work(tmp_path: Path, httpbin_url: str) -> None:
    broken = tmp_path / "history.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    app = make_app(_collection(tmp_path, f"{httpbin_url}/get"), history=broken)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.ready()
        await send(pilot)
        await send(pilot)
        await settle(pilot)
        assert app.last_response is not None and app.last_response.status == 200
        said = [n.message for n in app._notifications if "history off" in n.message]
        assert len(said) == 1 and str(broken) in said[0], [n.message for n in app._notifications]


def history_query():  # type: ignore[no-untyped-def]
    from tui.core.history import Query

    return Query()


async def test_the_response_is_shown_before_it_is_recorded(tmp_path: Path, httpbin_url: str) -> None:
    """Recording runs in a thread after the result is on screen: a slow history file (held
    here by a gate) delays nothing the user sees, and the entry lands once it lets go."""
    import threading

    gate = threading.Event()

    class SlowHistory(History):
        def record(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            gate.wait(20)
            return super().record(*args, **kwargs)

    history = SlowHistory.open(tmp_path / "history.sqlite3")
    app = make_app(_collection(tmp_path, f"{httpbin_url}/get"), history=history)
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        await pilot.press("ctrl+j")
        for _ in range(200):
            await pilot.pause(0.02)
            if app.viewer.response is not None:
                break
        assert app.viewer.response is not None and app.viewer.response.status == 200
        assert not app.sending and history.count(history_query()) == 0  # shown, not recorded yet
        gate.set()
        await settle(pilot)
        assert history.count(history_query()) == 1
    history.close()
