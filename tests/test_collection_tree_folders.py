"""The sidebar shows request folders as headings in file order: headings cannot be chosen, the
current request is highlighted on its own row, and selecting a row still names the request."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import App, ComposeResult

from tui.widgets.collection_tree import CollectionTree, CollectionView, RequestEntry

VIEW = CollectionView(
    title="api",
    dirty=False,
    requests=(
        RequestEntry("health", "GET"),
        RequestEntry("login", "POST", folder="Auth"),
        RequestEntry("refresh", "POST", folder="Auth/Tokens"),
        RequestEntry("revoke", "DELETE", folder="Auth/Tokens"),
        RequestEntry("list", "GET", folder="Items"),
        RequestEntry("version", "GET"),
    ),
    current=3,
)


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def compose(self) -> ComposeResult:
        yield CollectionTree(VIEW)

    @on(CollectionTree.RequestSelected)
    def _record(self, message: CollectionTree.RequestSelected) -> None:
        self.messages.append(message.index)


def _rows(tree: CollectionTree) -> list[str]:
    option_list = tree.option_list
    return [str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)]


async def test_folders_are_headings_in_file_order() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(CollectionTree)
        assert _rows(tree) == [
            "GET  health",
            "▾ Auth",
            "  POST login",
            "  ▾ Tokens",
            "    POST refresh",
            "    DEL  revoke",
            "▾ Items",
            "  GET  list",
            "GET  version",
        ]
        option_list = tree.option_list
        assert option_list.highlighted == 5 and tree.highlighted_request == 3
        assert option_list.get_option_at_index(1).disabled and option_list.get_option_at_index(3).disabled
        tree.option_list.focus()
        await pilot.press("up", "up", "enter")  # past the "▾ Tokens" heading to "login"
        await pilot.pause()
        assert app.messages == [1]


async def test_show_keeps_the_current_row_with_headings() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)):
        tree = app.query_one(CollectionTree)
        tree.show(CollectionView(title="api", dirty=True, requests=VIEW.requests, current=5))
        assert tree.option_list.highlighted == 8 and tree.highlighted_request == 5


async def test_no_folders_no_headings() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)):
        tree = app.query_one(CollectionTree)
        flat = tuple(RequestEntry(e.name, e.method) for e in VIEW.requests)
        tree.show(CollectionView(title="api", dirty=False, requests=flat, current=2))
        assert len(_rows(tree)) == 6 and tree.option_list.highlighted == 2
