"""The sidebar: the requests of the open collection, then the other `.toml` files of its folder.

Attributes down: `show(CollectionView)` (`view_of(workspace)` builds one). Messages up (the app edits the model and shows the
result): `RequestSelected`, `FileSelected`, `NewRequested`, `DuplicateRequested`,
`RenameRequested`, `DeleteRequested`, `MoveRequested`.

Folders: requests stay in file order; where the `folder` changes from one request to the next
a heading row per new path segment is shown (`▾ Auth`, `  ▾ Tokens`) and the requests are
indented under it. Headings cannot be selected; moving a request moves it in file order.

Keys (with the list focused): enter opens, `n` new, `c` duplicate, `r`/`f2` rename,
`delete`/`x` delete, `shift+up`/`shift+down` (or `K`/`J`) move the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.core.workspace import Workspace
from tui.key_order import deliver

__all__ = ["CollectionTree", "CollectionView", "RequestEntry", "view_of"]

_METHOD_LABEL = {"DELETE": "DEL", "OPTIONS": "OPT", "PATCH": "PTCH"}
_METHOD_STYLE = {
    "GET": "green",
    "POST": "yellow",
    "PUT": "blue",
    "PATCH": "cyan",
    "DELETE": "red",
    "HEAD": "magenta",
    "OPTIONS": "magenta",
}


@dataclass(frozen=True, slots=True)
class RequestEntry:
    name: str
    method: str
    dirty: bool = False
    folder: str = ""  # the request's group path ("Auth/Tokens"); the app passes `request.folder`


@dataclass(frozen=True, slots=True)
class CollectionView:
    """What the sidebar shows; built by the app from its model."""

    title: str
    dirty: bool
    requests: tuple[RequestEntry, ...]
    current: int | None
    files: tuple[Path, ...] = field(default=())


def _new_segments(previous: str, folder: str) -> list[tuple[int, str]]:
    """(depth, name) of the folder headings to show when going from `previous` to `folder`."""
    old = previous.split("/") if previous else []
    new = folder.split("/") if folder else []
    shared = 0
    while shared < min(len(old), len(new)) and old[shared] == new[shared]:
        shared += 1
    return [(depth, new[depth]) for depth in range(shared, len(new))]


class CollectionTree(Vertical):
    DEFAULT_CSS = """
    CollectionTree {
        height: 1fr;
        #collection-title { width: 1fr; text-style: bold; padding: 0 1; background: $boost; }
        #request-list { height: 1fr; border: none; padding: 0; text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New"),
        Binding("c", "duplicate", "Duplicate"),
        Binding("r,f2", "rename", "Rename"),
        Binding("delete,x", "delete", "Delete"),
        Binding("shift+up,K", "move(-1)", "Move up", show=False),
        Binding("shift+down,J", "move(1)", "Move down", show=False),
    ]

    class RequestSelected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class FileSelected(Message):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    class NewRequested(Message):
        def __init__(self, after: int | None) -> None:
            super().__init__()
            self.after = after

    class DuplicateRequested(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class RenameRequested(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class DeleteRequested(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class MoveRequested(Message):
        def __init__(self, index: int, delta: int) -> None:
            super().__init__()
            self.index = index
            self.delta = delta

    def __init__(self, view: CollectionView | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view = view

    def compose(self) -> ComposeResult:
        view = self.view
        yield Label(self._title(view) if view else "", id="collection-title", markup=False)
        option_list = OptionList(*(self._options(view) if view else ()), id="request-list")
        if view is not None and view.current is not None and view.requests:
            option_list.highlighted = self._option_index(view, view.current)
        yield option_list

    @staticmethod
    def _option_index(view: CollectionView, request_index: int) -> int:
        """The row of request `request_index` (folder headings come before some requests)."""
        row, folder = request_index, ""
        for entry in view.requests[: request_index + 1]:
            row += len(_new_segments(folder, entry.folder))
            folder = entry.folder
        return row

    @staticmethod
    def _title(view: CollectionView) -> str:
        return ("● " if view.dirty else "") + view.title

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#request-list", OptionList)

    def show(self, view: CollectionView) -> None:
        """Render `view`, keeping the highlight on the current request."""
        self.view = view
        self.query_one("#collection-title", Label).update(self._title(view))
        option_list = self.option_list
        highlighted = option_list.highlighted
        option_list.set_options(self._options(view))
        if view.current is not None and view.requests:
            option_list.highlighted = self._option_index(view, view.current)
        elif highlighted is not None and highlighted < option_list.option_count:
            option_list.highlighted = highlighted

    @staticmethod
    def _options(view: CollectionView) -> list[Option | None]:
        options: list[Option | None] = []
        folder = ""
        for index, entry in enumerate(view.requests):
            for depth, segment in _new_segments(folder, entry.folder):
                heading = Text("  " * depth + "▾ " + segment, style="bold dim", no_wrap=True, overflow="ellipsis")
                options.append(Option(heading, id=f"folder:{index}:{depth}", disabled=True))
            folder = entry.folder
            prompt = Text("  " * (entry.folder.count("/") + 1) if entry.folder else "", no_wrap=True, overflow="ellipsis")
            label = _METHOD_LABEL.get(entry.method, entry.method[:4])
            prompt.append(f"{label:<4} ", style=_METHOD_STYLE.get(entry.method, "bold"))
            prompt.append(entry.name)
            if entry.dirty:
                prompt.append(" ●", style="yellow")
            options.append(Option(prompt, id=f"req:{index}"))
        if view.files:
            options.append(None)
            options.append(Option(Text("other collections", style="dim italic"), id="files-heading", disabled=True))
            for path in view.files:
                options.append(Option(Text(path.name, style="italic"), id=f"file:{path}"))
        return options

    @property
    def highlighted_request(self) -> int | None:
        option = self.option_list.highlighted_option
        if option is None or option.id is None or not option.id.startswith("req:"):
            return None
        return int(option.id[4:])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("req:"):
            self.post_message(self.RequestSelected(int(option_id[4:])))
        elif option_id.startswith("file:"):
            self.post_message(self.FileSelected(Path(option_id[5:])))

    async def action_new(self) -> None:
        # The screen moves the focus to the new request's URL before the next key is read.
        await deliver(self, self.NewRequested(self.highlighted_request))

    def action_duplicate(self) -> None:
        if (index := self.highlighted_request) is not None:
            self.post_message(self.DuplicateRequested(index))

    def action_rename(self) -> None:
        if (index := self.highlighted_request) is not None:
            self.post_message(self.RenameRequested(index))

    def action_delete(self) -> None:
        if (index := self.highlighted_request) is not None:
            self.post_message(self.DeleteRequested(index))

    def action_move(self, delta: int) -> None:
        if (index := self.highlighted_request) is not None:
            self.post_message(self.MoveRequested(index, delta))


def view_of(workspace: Workspace) -> CollectionView:
    """What the sidebar shows for `workspace`: its title, dirty mark, requests (each marked
    when unsaved) and the other collections of its folder."""
    collection = workspace.collection
    return CollectionView(
        title=collection.path.name if collection.path else f"{collection.name or 'scratch'} (not saved)",
        dirty=workspace.dirty,
        requests=tuple(
            RequestEntry(r.name, r.method.upper(), unsaved, folder=r.folder)
            for r, unsaved in zip(collection.requests, workspace.unsaved_requests(), strict=True)
        ),
        current=workspace.current,
        files=workspace.other_files(),
    )
