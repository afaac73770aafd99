"""The History, Compare and Cookies screens through Pilot, pushed by a minimal host App over a
real temporary SQLite file filled from real httpbin responses."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Label

from tui.core.engine import Engine, ResolvedRequest
from tui.core.history import History
from tui.screens.compare_screen import CompareScreen, DiffView
from tui.screens.cookies_screen import CookiesScreen
from tui.screens.history_screen import HistoryScreen


class Host(App[None]):
    """Pushes one screen and writes down the messages the app would act on."""

    def __init__(self, screen: HistoryScreen | CookiesScreen) -> None:
        super().__init__()
        self.first = screen
        self.seen: list[tuple[str, int, bool | None]] = []

    def on_mount(self) -> None:
        self.push_screen(self.first)

    def on_history_screen_open(self, message: HistoryScreen.Open) -> None:
        self.seen.append(("open", message.entry_id, None))

    def on_history_screen_restore(self, message: HistoryScreen.Restore) -> None:
        self.seen.append(("restore", message.entry_id, message.as_new))

    def on_history_screen_resend(self, message: HistoryScreen.Resend) -> None:
        self.seen.append(("resend", message.entry_id, None))


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
async def filled(tmp_path: Path, httpbin_url: str) -> History:
    """Five real sends: two /anything with different args (to compare), a 404, a JSON, a form."""
    history = History.open(tmp_path / "h.db")
    requests = [
        ResolvedRequest(name="anything", method="GET", url=f"{httpbin_url}/anything", params=(("x", "1"), ("same", "s"))),
        ResolvedRequest(name="missing", method="GET", url=f"{httpbin_url}/status/404"),
        ResolvedRequest(name="json", method="GET", url=f"{httpbin_url}/json"),
        ResolvedRequest(name="anything", method="GET", url=f"{httpbin_url}/anything", params=(("x", "2"), ("same", "s"))),
        ResolvedRequest(name="robots", method="GET", url=f"{httpbin_url}/robots.txt"),
    ]
    async with Engine() as engine:
        for request in requests:
            history.record(request, await engine.send(request), collection=tmp_path / "api.toml")
    yield history
    history.close()


async def test_entries_newest_first_and_the_messages(filled: History) -> None:
    screen = HistoryScreen(filled)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(pilot)
        assert screen.row_ids == [5, 4, 3, 2, 1]
        assert "5 of 5 entries" in str(screen.query_one("#history-status", Label).render())
        await pilot.press("enter")
        await pilot.press("down", "r", "R", "s")
        await pilot.pause()
        assert app.seen == [("open", 5, None), ("restore", 4, True), ("restore", 4, False), ("resend", 4, None)]


async def test_filtering_by_text_name_and_status(filled: History) -> None:
    screen = HistoryScreen(filled)
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await _settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"status:4xx")
        await _settle(pilot)
        assert screen.row_ids == [2]
        field = screen.query_one("#history-filter", Input)
        field.value = "name:anything"
        await _settle(pilot)
        assert screen.row_ids == [4, 1]
        field.value = "robots"
        await _settle(pilot)
        assert screen.row_ids == [5]
        field.value = "status:nonsense"
        await _settle(pilot)
        assert field.has_class("-error") and screen.row_ids == [5]  # the last good result stays
        assert "status filter" in str(screen.query_one("#history-status", Label).render())


async def test_compare_two_real_responses(filled: History) -> None:
    screen = HistoryScreen(filled)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(pilot)
        await pilot.press("down", "space", "down", "down", "down", "space")  # marks #4 and #1
        assert screen.marked == [4, 1]
        await pilot.press("d")
        await _settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen) and compare.diff is not None
        assert (compare.a_id, compare.b_id) == (1, 4)
        assert not compare.diff.status_changed and compare.diff.body.mode == "json"
        rows = compare.query_one(DiffView).rows
        changed = [(kind, text.strip()) for kind, text in rows if kind in "+-"]
        assert ("-", '"x": "1"') in changed and ("+", '"x": "2"') in changed
        assert all('"same"' not in text for _, text in changed)  # unchanged lines are not marked
        view = compare.query_one(DiffView)
        added = next(i for i, (kind, _) in enumerate(rows) if kind == "+")
        top = int(view.scroll_offset.y)
        plain_style = list(view.render_line(len(rows) - top))[0].style
        added_style = list(view.render_line(added - top))[0].style
        assert added_style is not None and plain_style is not None and added_style.bgcolor != plain_style.bgcolor
        await pilot.press("escape")
        assert app.screen is screen


async def test_compare_needs_two_entries(filled: History) -> None:
    screen = HistoryScreen(filled)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(pilot)
        await pilot.press("d")
        assert app.screen is screen
        await pilot.press("space", "down", "d")  # one mark, cursor on another row
        await _settle(pilot)
        assert isinstance(app.screen, CompareScreen) and (app.screen.a_id, app.screen.b_id) == (4, 5)


async def test_pages_load_as_the_cursor_nears_the_end(tmp_path: Path) -> None:
    with History.open(tmp_path / "big.db") as history:
        request = ResolvedRequest(name="r", method="GET", url="http://x.test/")
        from tui.core.errors import ConnectError

        for _ in range(500):
            history.record(request, error=ConnectError("refused"))
        screen = HistoryScreen(history, page_size=50)
        async with Host(screen).run_test(size=(100, 30)) as pilot:
            await _settle(pilot)
            assert len(screen.row_ids) == 50 and screen.total == 500
            await pilot.press("ctrl+end")
            await _settle(pilot)
            assert len(screen.row_ids) == 100 and screen.row_ids == list(range(500, 400, -1))


async def test_history_off_is_shown_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"garbage" * 500)
    screen = HistoryScreen(History.open(broken))
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await _settle(pilot)
        status = screen.query_one("#history-status", Label)
        assert status.has_class("-error") and "history off" in str(status.render())


async def test_cookies_screen_lists_deletes_and_clears(tmp_path: Path, httpbin_url: str) -> None:
    with History.open(tmp_path / "h.db") as history:
        async with Engine() as engine:
            await engine.send(ResolvedRequest(name="set", method="GET", url=f"{httpbin_url}/cookies/set?a=secret-a&b=2", follow_redirects=False))
            history.cookies.save(tmp_path / "api.toml", engine.cookies)
        screen = CookiesScreen(history.cookies, tmp_path / "api.toml")
        async with Host(screen).run_test(size=(100, 30)) as pilot:
            await _settle(pilot)
            table = screen.query_one(DataTable)
            assert [c.name for c in screen.cookies] == ["a", "b"] and table.row_count == 2
            assert "secret-a" not in str(table.get_row_at(0))  # masked until v
            await pilot.press("v")
            assert "secret-a" in str(table.get_row_at(0))
            await pilot.press("x")
            await _settle(pilot)
            assert [c.name for c in history.cookies.list(tmp_path / "api.toml")] == ["b"]
            await pilot.press("X")
            await _settle(pilot)
            assert history.cookies.list() == [] and table.row_count == 0


async def test_compare_the_current_response_with_an_entry(filled: History, httpbin_url: str) -> None:
    from tui.core.history import entry_from_send

    request = ResolvedRequest(name="anything", method="GET", url=f"{httpbin_url}/anything", params=(("x", "3"), ("same", "s")))
    async with Engine() as engine:
        current = entry_from_send(request, await engine.send(request))
    compare = CompareScreen(filled, 1, current)

    class Direct(App[None]):
        def on_mount(self) -> None:
            self.push_screen(compare)

    async with Direct().run_test(size=(100, 30)) as pilot:
        await _settle(pilot)
        assert compare.diff is not None and compare.b_id == 0
        changed = [(kind, text.strip()) for kind, text in compare.query_one(DiffView).rows if kind in "+-"]
        assert ("-", '"x": "1"') in changed and ("+", '"x": "3"') in changed


async def test_typing_fast_skips_the_scans_of_stale_filters(tmp_path: Path) -> None:
    """Each keystroke starts a query; those still waiting when a newer one is typed are skipped."""
    import time

    from tui.core.errors import ConnectError

    with History.open(tmp_path / "h.db") as history:
        for i in range(50):
            history.record(ResolvedRequest(name=f"n{i}", method="GET", url=f"http://x.test/item/{i}"), error=ConnectError("x"))
        calls: list[str] = []
        real = history.entries

        def slow_entries(query, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(query.text)
            time.sleep(0.05)  # a scan of a big file
            return real(query, **kwargs)

        history.entries = slow_entries  # type: ignore[method-assign]
        screen = HistoryScreen(history)
        async with Host(screen).run_test(size=(100, 30)) as pilot:
            await _settle(pilot)
            calls.clear()
            field = screen.query_one("#history-filter", Input)
            for end in range(1, len("item/42") + 1):  # a burst of keystrokes, no pause between
                field.value = "item/42"[:end]
            await _settle(pilot)
            assert screen.row_ids == [43]
            assert len(calls) < len("item/42") and calls[-1] == "item/42"
