"""The body's search bar follows the response shown (issue 10, bug 6): a new response is
searched again (no stale "1/1" over another body), and escape closes the bar from the body
view too, not only from the search field."""

from __future__ import annotations

from textual.widgets import Static

from _pilot import settle
from test_response_viewer import Host, make_response, viewer_of


async def test_a_new_response_is_searched_again_and_escape_closes_from_the_view() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(b"Host: one\nHost: two\n"))
        await settle(pilot)
        viewer.body_view.focus()
        await pilot.press("slash", *"Host", "enter")
        await settle(pilot)
        status = viewer.query_one("#body-search-status", Static)
        assert str(status.render()) == "1/2"

        viewer.show_response(make_response(b""))
        await settle(pilot)
        assert str(status.render()) in ("", "no matches")  # not the old "1/2"
        viewer.show_response(make_response(b"a Host\n"))
        await settle(pilot)
        assert str(status.render()) == "1/1"
        assert viewer.body_view.search_query == "Host"

        viewer.body_view.focus()
        await pilot.pause()
        assert viewer.body_panel.search_open
        await pilot.press("escape")
        await pilot.pause()
        assert not viewer.body_panel.search_open
