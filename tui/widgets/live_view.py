"""The live view of a streamed response (SSE, NDJSON, lines): one row per event as it arrives.

`LiveView` (a vertical container) holds a counter line, `EventList` (a `ScrollView` using the
Line API: only the rows on screen are rendered, and each rendered row is cached), a search bar
and a detail box that shows the selected event whole (JSON indented) on demand.

How the app feeds it, from the engine's events (all calls on the app's event loop — the engine
runs in an async worker; from a thread worker use `app.call_from_thread`):

    StreamStarted(mode, status)  -> live.start(mode, status)
    StreamEvent                  -> live.add_event(event)       # cheap: queued, no repaint
    Progress("download")         -> live.set_bytes(event.done)  # optional, for the counter
    StreamEnded(summary)         -> live.end(summary)           # "complete", "cancelled", ...

Events queued by `add_event` are shown by a timer `FLUSH_S` (0.1 s) apart, so a stream of
thousands of events a second costs ten repaints a second, never one per event. The view keeps
the newest `keep` rows (10,000 by default, as the engine keeps).

Keys: `f` pause/resume following the tail (scrolling up or moving the selection up pauses
it, `end` resumes); up/down/pgup/pgdn/home select; `enter` shows the selected event whole
(JSON indented), again to hide it; `/` search (enter: next match; `n`/`N` next/previous);
`c` copies the selected event's data (OSC 52, `App.copy_to_clipboard`); `escape` posts
`LiveView.CancelRequested` — the app cancels its request worker, the engine closes the
connection and reports `StreamEnded(cancelled)`, and what arrived stays here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.core.engine.events import StreamEvent
from tui.core.engine.response import StreamSummary

from .transfer import format_bytes

__all__ = ["FLUSH_S", "EventList", "LiveView", "event_row_text"]

FLUSH_S = 0.1
DEFAULT_KEEP = 10_000
_CONTROL = {i: f"^{chr(i + 64)}" for i in range(32)} | {0x7F: "^?"} | {i: "\ufffd" for i in range(0x80, 0xA0)}
_CONTROL[0x0A] = "⏎"


def event_row_text(event: StreamEvent) -> str:
    """One row: time since the request started, name/id (or kind), data on one line."""
    if event.kind == "message":
        label = event.event if event.event != "message" else ""
        if event.id:
            label = f"{label} #{event.id}" if label else f"#{event.id}"
    elif event.kind in ("json", "line"):
        label = ""
    else:
        label = f"[{event.kind}]"
    data = event.data[:2000].translate(_CONTROL)
    return f"{event.arrived_s:8.3f}s {label[:16]:<16} {data}"


class EventList(ScrollView, can_focus=True):
    """Rows of events, virtualised; follows the tail unless paused."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    EventList { background: $surface; overflow: hidden auto; height: 1fr; }
    EventList:focus { background-tint: $foreground 4%; }
    EventList > .event-list--selected { background: $accent 40%; }
    EventList > .event-list--match { color: $text-warning; text-style: bold; }
    EventList > .event-list--error { color: $text-error; }
    EventList > .event-list--time { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"event-list--selected", "event-list--match", "event-list--error", "event-list--time"}
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "move(-20)", "Page up", show=False),
        Binding("pagedown", "move(20)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last (follow)", show=False),
    ]

    follow: reactive[bool] = reactive(True)

    class FollowChanged(Message):
        def __init__(self, follow: bool) -> None:
            super().__init__()
            self.follow = follow

    def __init__(self, *, keep: int = DEFAULT_KEEP, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keep = keep
        self.rows: list[StreamEvent] = []
        self.cursor = -1
        self.matches: set[int] = set()  # event indexes matching the search
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(512)
        self._styles: dict[str, Style] = {}
        self.rows_rendered = 0  # strips built: stays proportional to what is on screen

    # -- content ------------------------------------------------------------------------

    def extend(self, events: Sequence[StreamEvent]) -> None:
        """Append events (called by LiveView's flush, not per event)."""
        self.rows.extend(events)
        excess = len(self.rows) - self.keep
        if excess > 0:
            del self.rows[:excess]
            if self.cursor >= 0:
                self.cursor = max(self.cursor - excess, 0)
            if not self.follow:
                self.scroll_to(y=max(self.scroll_offset.y - excess, 0), animate=False, force=True, immediate=True)
        self.virtual_size = Size(self.size.width, len(self.rows))
        if self.follow:
            self._to_tail()
        self.refresh()

    def clear(self) -> None:
        self.rows = []
        self.cursor = -1
        self.matches = set()
        self._cache.clear()
        self.follow = True
        self.virtual_size = Size(self.size.width, 0)
        self.refresh()

    def _to_tail(self) -> None:
        self.cursor = len(self.rows) - 1
        self.scroll_to(y=max(len(self.rows) - self.size.height, 0), animate=False, force=True, immediate=True)

    @property
    def selected(self) -> StreamEvent | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def select(self, row: int) -> None:
        if not self.rows:
            return
        self.cursor = min(max(row, 0), len(self.rows) - 1)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True, immediate=True)
        elif self.cursor >= top + self.size.height:
            self.scroll_to(y=self.cursor - self.size.height + 1, animate=False, force=True, immediate=True)
        self.refresh()

    def watch_follow(self, follow: bool) -> None:
        if follow and self.rows:
            self._to_tail()
            self.refresh()
        self.post_message(self.FollowChanged(follow))

    # -- keys and scrolling -------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        if delta < 0:
            self.follow = False
        self.select(self.cursor + delta)
        if delta > 0 and self.cursor == len(self.rows) - 1:
            self.follow = True

    def action_first(self) -> None:
        self.follow = False
        self.select(0)

    def action_last(self) -> None:
        self.follow = True

    def on_mouse_scroll_up(self) -> None:
        self.follow = False

    def action_scroll_up(self) -> None:
        self.follow = False
        super().action_scroll_up()

    # -- rendering -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:  # (computing a component style costs more than rendering a row)
            style = self._styles[name] = self.get_component_rich_style(f"event-list--{name}", partial=True)
        return style

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_offset.y) + y
        width = self.size.width
        base = self.rich_style
        if row >= len(self.rows):
            return Strip.blank(width, base)
        event = self.rows[row]
        key = (event.index, width, row == self.cursor, event.index in self.matches)
        strip = self._cache.get(key)
        if strip is None:
            self.rows_rendered += 1
            text = Text(event_row_text(event)[: width + 1], style=base, no_wrap=True, end="")
            text.stylize(self._style("time"), 0, 9)
            if event.kind in ("error", "incomplete"):
                text.stylize(self._style("error"), 10)
            if key[3]:
                text.stylize(self._style("match"), 10)
            if key[2]:
                text.stylize(self._style("selected"))
            strip = Strip(list(text.render(self.app.console))).crop_extend(0, width, Style.null() + base)
            self._cache[key] = strip
        return strip.apply_offsets(0, row)


class _Counter(Widget):
    """The counter line: repainted in place (no layout pass), ten times a second at most."""

    DEFAULT_CSS = "_Counter { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> str:
        return self.text


class LiveView(Vertical):
    """Counter + event rows + search + detail; see the module docstring for the app's wiring."""

    DEFAULT_CSS = """
    LiveView { height: 1fr; }
    LiveView > #live-counter { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    LiveView > #live-search { display: none; height: 3; }
    LiveView.searching > #live-search { display: block; }
    LiveView > #live-detail { display: none; height: auto; max-height: 12; border-top: solid $accent; }
    LiveView.detail > #live-detail { display: block; }
    """
    BINDINGS = [
        Binding("f", "toggle_follow", "Follow/pause"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match(1)", "Next match", show=False),
        Binding("N", "next_match(-1)", "Prev match", show=False),
        Binding("enter", "toggle_detail", "Show event"),
        Binding("c", "copy_event", "Copy event"),
        Binding("escape", "cancel", "Cancel stream"),
    ]

    class CancelRequested(Message):
        """The user asked to stop the stream (escape): the app cancels its request worker."""

    def __init__(self, *, keep: int = DEFAULT_KEEP, id: str | None = None, clock: object = None) -> None:
        super().__init__(id=id)
        self.keep = keep
        self._clock = time.monotonic if clock is None else clock  # type: ignore[assignment]
        self._pending: list[StreamEvent] = []
        self.count = 0
        self.bytes = 0
        self.mode = ""
        self.status = 0
        self.ended: str | None = None
        self.flushes = 0  # repaints caused by arriving events: about 1 / FLUSH_S a second
        self._started = 0.0
        self._rate = 0.0
        self._last_count = 0
        self._last_t = 0.0
        self._timer: Timer | None = None
        self.search_text = ""

    def compose(self) -> ComposeResult:
        yield _Counter(id="live-counter")
        yield EventList(keep=self.keep, id="live-events")
        yield Input(placeholder="search events (enter: next match, escape: close)", id="live-search")
        with VerticalScroll(id="live-detail"):
            yield Static("", id="live-detail-text")

    @property
    def events_view(self) -> EventList:
        return self.query_one(EventList)

    def on_mount(self) -> None:
        self._timer = self.set_interval(FLUSH_S, self.flush, pause=True)
        self._show_counter()

    # -- the app's API ---------------------------------------------------------------------

    def start(self, mode: str, status: int) -> None:
        """A new stream begins: clear and start the flush timer."""
        self._pending = []
        self.count = self.bytes = 0
        self.mode, self.status, self.ended = mode, status, None
        self._started = self._last_t = float(self._clock())  # type: ignore[operator]
        self._rate, self._last_count = 0.0, 0
        self.events_view.clear()
        self.remove_class("detail")
        if self._timer is not None:
            self._timer.resume()
        self._show_counter()

    def add_event(self, event: StreamEvent) -> None:
        """Queue one event; the next flush shows it (no repaint here)."""
        self._pending.append(event)
        self.count += 1

    def set_bytes(self, done: int) -> None:
        self.bytes = done

    def end(self, summary: StreamSummary) -> None:
        """The stream is over: show the rest, say how it ended, stop the timer."""
        self.ended = summary.ended
        self.bytes = max(self.bytes, summary.bytes)
        self.flush()
        if self._timer is not None:
            self._timer.pause()
        self._show_counter()

    # -- batching ----------------------------------------------------------------------------

    def flush(self) -> None:
        now = float(self._clock())  # type: ignore[operator]
        span = now - self._last_t
        if span > 0:
            sample = (self.count - self._last_count) / span
            self._rate = sample if self._rate == 0 else 0.5 * sample + 0.5 * self._rate
            self._last_t, self._last_count = now, self.count
        if self._pending:
            pending, self._pending = self._pending, []
            if self.search_text:
                needle = self.search_text.lower()
                self.events_view.matches.update(e.index for e in pending if needle in e.data.lower())
            self.events_view.extend(pending)
            self.flushes += 1
        self._show_counter()

    def counter_text(self) -> str:
        elapsed = (self._last_t - self._started) if self._started else 0.0
        state = "following" if self.events_view.follow else "paused (f: follow)"
        if self.ended is not None:
            state = f"ended: {self.ended}"
        bytes_text = format_bytes(self.bytes) if self.bytes else "0 B"
        rate = 0.0 if self.ended is not None else self._rate
        found = f"  /{self.search_text}: {len(self.events_view.matches)}" if self.search_text else ""
        return f"{self.mode or 'stream'} {self.count:,} events  {bytes_text}  {rate:,.0f}/s  {elapsed:.1f}s  {state}{found}"

    def _show_counter(self) -> None:
        self.query_one(_Counter).show(self.counter_text())

    # -- actions ------------------------------------------------------------------------------

    def action_toggle_follow(self) -> None:
        view = self.events_view
        view.follow = not view.follow
        self._show_counter()

    @on(EventList.FollowChanged)
    def _follow_changed(self) -> None:
        self._show_counter()

    def action_search(self) -> None:
        self.add_class("searching")
        self.query_one("#live-search", Input).focus()

    @on(Input.Changed, "#live-search")
    def _search_changed(self, message: Input.Changed) -> None:
        self.search_text = message.value
        view = self.events_view
        needle = message.value.lower()
        view.matches = {e.index for e in view.rows if needle in e.data.lower()} if needle else set()
        view._cache.clear()
        view.refresh()
        self._show_counter()

    @on(Input.Submitted, "#live-search")
    def _search_submitted(self) -> None:
        self.action_next_match(1)

    def action_next_match(self, step: int) -> None:
        view = self.events_view
        if not view.matches:
            return
        rows = [i for i, e in enumerate(view.rows) if e.index in view.matches]
        if not rows:
            return
        current = view.cursor
        later = [r for r in rows if (r > current if step > 0 else r < current)]
        target = (later[0] if step > 0 else later[-1]) if later else (rows[0] if step > 0 else rows[-1])
        view.follow = False
        view.select(target)

    def action_toggle_detail(self) -> None:
        if self.has_class("detail"):
            self.remove_class("detail")
            return
        event = self.events_view.selected
        if event is None:
            return
        self.query_one("#live-detail-text", Static).update(Text(self.detail_text(event)))
        self.add_class("detail")

    @staticmethod
    def detail_text(event: StreamEvent) -> str:
        head = f"#{event.index} at {event.arrived_s:.3f}s  {event.kind}"
        if event.kind == "message":
            head += f"  event: {event.event}" + (f"  id: {event.id}" if event.id else "")
        if event.retry is not None:
            head += f"  retry: {event.retry} ms"
        if event.error:
            head += f"  ({event.error})"
        body = json.dumps(event.json, indent=2, ensure_ascii=False) if event.has_json else event.data
        return f"{head}\n{body.translate({i: _CONTROL[i] for i in _CONTROL if i != 0x0A})}"

    def action_copy_event(self) -> None:
        event = self.events_view.selected
        if event is None:
            return
        self.app.copy_to_clipboard(event.data)
        self.notify(f"event #{event.index} copied ({len(event.data)} characters)")

    def action_cancel(self) -> None:
        if self.has_class("searching"):
            self.remove_class("searching")
            self.events_view.focus()
            return
        if self.ended is None:
            self.post_message(self.CancelRequested())
