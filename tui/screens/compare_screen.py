"""Compare two history entries: status, headers, then the body diff with changed lines marked.

`CompareScreen(history, a, b)` loads both entries (each an entry id, or an `Entry` already at
hand: `entry_from_send(resolved, response)` makes one of the current response) and computes
`diff_entries` in a thread worker (big bodies stay responsive), then shows the result in a
line-virtualised `DiffView`.
Keys: escape back, n / N next / previous change.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Label

from tui.core.errors import HistoryError
from tui.core.history import Entry, EntryDiff, History, diff_entries

__all__ = ["CompareScreen", "DiffView", "diff_lines"]


def diff_lines(diff: EntryDiff) -> list[tuple[str, str]]:
    """(kind, text) rows to show: kind " " same, "-" only in a, "+" only in b, "#" a heading."""
    rows: list[tuple[str, str]] = [("#", f"#{diff.a_id} (-)  vs  #{diff.b_id} (+)")]
    if diff.status_changed:
        rows += [("-", f"status {diff.a_status if diff.a_status is not None else 'error'}"),
                 ("+", f"status {diff.b_status if diff.b_status is not None else 'error'}")]  # fmt: skip
    else:
        rows.append((" ", f"status {diff.a_status if diff.a_status is not None else 'error'} (same)"))
    rows.append(("#", f"headers: {len(diff.headers)} differ, {len(diff.same_headers)} the same"))
    for change in diff.headers:
        if change.a is not None:
            rows.append(("-", f"{change.name}: {change.a}"))
        if change.b is not None:
            rows.append(("+", f"{change.name}: {change.b}"))
    body = diff.body
    heading = f"body ({body.mode}): " + ("the same" if body.same else f"{body.changed} lines differ")
    rows.append(("#", heading + (f"; {body.note}" if body.note else "")))
    rows.extend((line.kind, line.text) for line in body.lines)
    return rows


class DiffView(ScrollView, can_focus=True):
    """Render only the visible rows of a diff (a diff of a multi-MB body has many lines)."""

    DEFAULT_CSS = """
    DiffView { background: $surface; overflow: auto auto; }
    DiffView > .diff-view--added { background: $success 25%; }
    DiffView > .diff-view--removed { background: $error 25%; }
    DiffView > .diff-view--heading { text-style: bold; color: $text-accent; }
    """
    COMPONENT_CLASSES = {"diff-view--added", "diff-view--removed", "diff-view--heading"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[tuple[str, str]] = []
        self.changes: list[int] = []  # row indexes where a run of changed lines starts

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows
        self.changes = [i for i, (kind, _) in enumerate(rows) if kind in "+-" and (i == 0 or rows[i - 1][0] not in "+-")]
        width = max((len(text) for _, text in rows), default=0) + 2
        self.virtual_size = Size(width, len(rows))
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def _style(self, kind: str) -> Style:
        name = {"+": "added", "-": "removed", "#": "heading"}.get(kind)
        return self.rich_style if name is None else self.rich_style + self.get_component_rich_style(f"diff-view--{name}")

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        kind, text = self.rows[index]
        prefix = "  " if kind in " #" else f"{kind} "
        line = (prefix + text.replace("\t", "    "))[scroll_x : scroll_x + width]
        style = self._style(kind)
        return Strip([Segment(line.ljust(width), style)], width)

    def jump(self, forward: bool) -> None:
        if not self.changes:
            return
        top = int(self.scroll_offset.y)
        if forward:
            at = bisect_right(self.changes, top)
            target = self.changes[at % len(self.changes)]
        else:
            at = bisect_right(self.changes, top - 1) - 1
            target = self.changes[at if at >= 0 else -1]
        self.scroll_to(0, target, animate=False)


class CompareScreen(Screen[None]):
    DEFAULT_CSS = """
    CompareScreen {
        #compare-status { padding: 0 1; height: 1; color: $text-muted; }
        #compare-status.-error { color: $text-error; }
        #compare-diff { height: 1fr; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("n", "next_change", "Next change"),
        Binding("N", "previous_change", "Prev change"),
    ]

    def __init__(self, history: History, a: int | Entry, b: int | Entry) -> None:
        super().__init__()
        self.history = history
        self._a, self._b = a, b
        self.a_id = a if isinstance(a, int) else a.id
        self.b_id = b if isinstance(b, int) else b.id
        self.diff: EntryDiff | None = None

    @staticmethod
    def _label(entry_id: int) -> str:
        return f"#{entry_id}" if entry_id else "the current response"  # (unsaved entries are id 0)

    def _entry(self, which: int | Entry) -> Entry:
        return self.history.get(which) if isinstance(which, int) else which

    def compose(self) -> ComposeResult:
        yield Label(f"comparing {self._label(self.a_id)} with {self._label(self.b_id)}…", id="compare-status")
        yield DiffView(id="compare-diff")
        yield Footer()

    def on_mount(self) -> None:
        self._compute()

    @work(thread=True, exclusive=True)
    def _compute(self) -> None:
        try:
            diff = diff_entries(self._entry(self._a), self._entry(self._b))
        except KeyError as missing:
            self.app.call_from_thread(self._failed, f"history entry {missing} is gone")
            return
        except HistoryError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        rows = diff_lines(diff)
        self.app.call_from_thread(self._show, diff, rows)

    def _failed(self, message: str) -> None:
        label = self.query_one("#compare-status", Label)
        label.update(message)
        label.add_class("-error")

    def _show(self, diff: EntryDiff, rows: list[tuple[str, str]]) -> None:
        self.diff = diff
        view = self.query_one(DiffView)
        view.set_rows(rows)
        view.focus()
        summary = "identical responses" if diff.same else f"status {'differs' if diff.status_changed else 'same'}, {len(diff.headers)} headers differ, body: {diff.body.changed} lines"
        self.query_one("#compare-status", Label).update(f"{self._label(self.a_id)} vs {self._label(self.b_id)}: {summary}")

    def action_back(self) -> None:
        self.dismiss(None)

    def action_next_change(self) -> None:
        self.query_one(DiffView).jump(True)

    def action_previous_change(self) -> None:
        self.query_one(DiffView).jump(False)
