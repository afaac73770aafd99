"""The response body's line-virtualised view: stays fast on multi-megabyte bodies.

`BodyView` is a `ScrollView` using the Line API: it holds a sequence of lines (a list of
strings, or a lazy `HexLines`) and renders only the rows on screen, caching rendered strips in
an LRU keyed by (line, horizontal block). Long lines are rendered one block at a time, so a
minified 8 MB JSON line costs the same to paint as a short one. JSON is coloured per visible
line with a small tokenizer (cost bounded by the viewport, never by the body). Search runs in a
thread worker; matches are highlighted and the view jumps to them.

What is shown in it (raw, pretty, hex) is decided by `body_panel.BodyPanel`; how a body is
classified by `body_kind`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.display.bodyfmt import ByteLines, pretty_json_lines
from tui.core.display.hexdump import HexLines, bytes_per_line_for

from .body_kind import BodyKind, choose_encoding, classify_body

# classify_body, choose_encoding, BodyKind and pretty_json_lines: re-exported for the callers
# that used them from here.
__all__ = ["BLOCK", "MAX_MATCHES", "BodyKind", "BodyView", "choose_encoding", "classify_body", "pretty_json_lines"]

BLOCK = 1024  # a long line is rendered BLOCK characters at a time (plus one block of overlap)
MAX_MATCHES = 100_000

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_JSON_TOKEN = re.compile(
    r'(?P<key>"(?:[^"\\]|\\.)*"(?=\s*:))'
    r'|(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>\b(?:true|false|null)\b)"
)


class BodyView(ScrollView, can_focus=True):
    """A read-only, line-virtualised text view with JSON colouring and search."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    BodyView {
        background: $surface;
        color: $foreground;
        overflow: auto auto;
        &:focus { background-tint: $foreground 4%; }
        &.-hex-no-bar { scrollbar-visibility: hidden; }
    }
    BodyView > .body-view--key { color: $text-accent; text-style: bold; }
    BodyView > .body-view--string { color: $text-success; }
    BodyView > .body-view--number { color: $text-warning; }
    BodyView > .body-view--literal { color: $text-primary; text-style: italic; }
    BodyView > .body-view--match { background: $warning 35%; }
    BodyView > .body-view--match-current { background: $warning; color: $background; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "body-view--key",
        "body-view--string",
        "body-view--number",
        "body-view--literal",
        "body-view--match",
        "body-view--match-current",
    }
    BINDINGS = [
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "previous_match", "Prev match", show=False),
        Binding("f3", "next_match", "Next match", show=False),
        Binding("shift+f3", "previous_match", "Prev match", show=False),
    ]

    class SearchUpdated(Message):
        """Search results changed: `count` matches, `current` index (-1: none selected)."""

        def __init__(self, view: BodyView, query: str, count: int, current: int, truncated: bool) -> None:
            super().__init__()
            self.view = view
            self.query = query
            self.count = count
            self.current = current
            self.truncated = truncated

        @property
        def control(self) -> BodyView:
            return self.view

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: Sequence[str] = []
        self._highlight_json = False
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}
        self._search_generation = 0
        self.search_query = ""  # (not `query`: that is DOMNode.query)
        self.matches: list[tuple[int, int, int]] = []  # (line, start, end), in order
        self._matches_by_line: dict[int, list[tuple[int, int, int]]] = {}
        self.current_match = -1
        self._truncated = False
        self.lines_rendered = 0  # strips built (cache misses): stays proportional to the viewport

    # -- content -----------------------------------------------------------------------------

    @property
    def lines(self) -> Sequence[str]:
        return self._lines

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def set_lines(
        self, lines: Sequence[str], *, json: bool = False, width: int | None = None, keep_position: bool = False, top: int | None = None
    ) -> None:
        """Show `lines` (any sequence of strings; nothing is copied). `width` (the longest line)
        is computed when not given. A hex dump is shown with as many bytes per line as fit the
        view. `top`: the line to scroll to (else the start, or where the view is with
        `keep_position`)."""
        self.remove_class("-hex-no-bar")
        if isinstance(lines, HexLines):
            lines = self._fit_hex(lines)
            virtual_width = lines.width  # fitted to the view: no spare column, no sideways scroll
        else:
            virtual_width = (max(map(len, lines), default=0) if width is None else width) + 1
        self._lines = lines
        self._highlight_json = json
        self._cache.clear()
        self._clear_matches()
        self.virtual_size = Size(virtual_width, len(lines))
        if top is not None:
            self.scroll_to(0, top, animate=False, force=True, immediate=True)
        elif not keep_position:
            self.scroll_to(0, 0, animate=False, force=True)
        self.refresh()
        if self.search_query:
            self.search(self.search_query)

    def clear(self) -> None:
        self.search_query = ""
        self.set_lines([])

    def _fit_hex(self, lines: HexLines) -> HexLines:
        """`lines` re-flowed to the bytes per line that fit the view's width (unchanged before
        the first layout). The choice depends on the width only: a dump taller than the view
        whose lines would fit only without the vertical scrollbar goes without it."""
        width, height = self.content_region.size
        if width <= 0 or height <= 0:
            return lines
        per_line = bytes_per_line_for(width)
        tall = (lines.size + per_line - 1) // per_line > height
        # Same width, same bytes per line, small dump or big (a 20 MB one got 8 at 80 columns,
        # a small one 16): when the widest line fits only without the scrollbar, hide it.
        self.set_class(tall and bytes_per_line_for(width - self.styles.scrollbar_size_vertical) < per_line, "-hex-no-bar")
        return lines.with_bytes_per_line(per_line)

    def on_resize(self) -> None:
        lines = self._lines
        if not isinstance(lines, HexLines):
            return
        fitted = self._fit_hex(lines)
        if fitted is not lines:
            # The byte at the top of the view stays there; a search (if any) is redone.
            top_byte = int(self.scroll_offset.y) * lines.bytes_per_line
            self.set_lines(fitted, top=fitted.line_of(top_byte))

    # -- rendering ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"body-view--{name}", partial=True)
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        block = scroll_x // BLOCK
        key = (index, block)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_block(index, block, base)
            self._cache[key] = strip
        start = block * BLOCK
        return strip.crop_extend(scroll_x - start, scroll_x - start + width, base).apply_offsets(scroll_x, index)

    def _render_block(self, index: int, block: int, base: Style) -> Strip:
        self.lines_rendered += 1
        line = self._lines[index]
        start = block * BLOCK
        raw = line[start : start + 2 * BLOCK]
        chunk = raw.expandtabs(4) if "\t" in raw else raw

        def column(offset: int) -> int:  # raw offset in the chunk -> position after tab expansion
            return offset if chunk is raw else len(raw[:offset].expandtabs(4))

        chunk = _CONTROL.sub("\ufffd", chunk)
        text = Text(chunk, style=base, no_wrap=True, end="")
        if self._highlight_json and len(line) <= 4 * BLOCK:
            for token in _JSON_TOKEN.finditer(chunk):
                text.stylize(self._style(token.lastgroup or "string"), token.start(), token.end())
        line_matches = self._matches_by_line.get(index)
        if line_matches:
            current = self.matches[self.current_match] if 0 <= self.current_match < len(self.matches) else None
            # Matches are sorted by start: only look at those overlapping this block.
            first = max(bisect_left(line_matches, (index, start - 1 - len(self.search_query), 0)), 0)
            for match in line_matches[first:]:
                _, m_start, m_end = match
                if m_start >= start + len(raw):
                    break
                if m_end <= start:
                    continue
                style = self._style("match-current" if match == current else "match")
                text.stylize(style, column(max(m_start - start, 0)), column(min(m_end - start, len(raw))))
        return Strip(list(text.render(self.app.console)))

    # -- search ------------------------------------------------------------------------------

    def _clear_matches(self) -> None:
        self.matches = []
        self._matches_by_line = {}
        self.current_match = -1

    def search(self, query: str) -> None:
        """Find `query` (case-insensitive unless it has capitals) in a thread worker; then
        highlight every match and jump to the first one at or below the top of the view."""
        self.search_query = query
        self._search_generation += 1
        self._clear_matches()
        self._cache.clear()
        self.refresh()
        if not query:
            self.post_message(self.SearchUpdated(self, query, 0, -1, False))
            return
        self._search_worker(self._search_generation, query, self._lines, int(self.scroll_offset.y))

    @work(thread=True, exclusive=True, group="body-search")
    def _search_worker(self, generation: int, query: str, lines: Sequence[str], from_line: int) -> None:
        fold = query == query.lower()
        needle = query.lower() if fold else query
        found: list[tuple[int, int, int]] = []
        size = len(needle)
        truncated = False
        if isinstance(lines, ByteLines) and needle.isascii():
            found, truncated = _search_bytes(lines, needle, fold)
            lines_to_scan: Sequence[str] = ()
        else:
            lines_to_scan = lines
        for number, line in enumerate(lines_to_scan):
            hay = line.lower() if fold else line
            position = hay.find(needle)
            while position != -1:
                found.append((number, position, position + size))
                if len(found) >= MAX_MATCHES:
                    truncated = True
                    break
                position = hay.find(needle, position + max(size, 1))
            if truncated or generation != self._search_generation:
                break
        if generation == self._search_generation:
            self.app.call_from_thread(self._apply_matches, generation, query, lines, found, from_line, truncated)

    def _apply_matches(
        self, generation: int, query: str, lines: Sequence[str], found: list[tuple[int, int, int]], from_line: int, truncated: bool
    ) -> None:
        if generation != self._search_generation or lines is not self._lines:
            return
        self.matches = found
        by_line: dict[int, list[tuple[int, int, int]]] = {}
        for match in found:
            by_line.setdefault(match[0], []).append(match)
        self._matches_by_line = by_line
        self._cache.clear()
        self._truncated = truncated
        if found:
            first = next((i for i, m in enumerate(found) if m[0] >= from_line), 0)
            self.select_match(first)
        else:
            self.refresh()
            self.post_message(self.SearchUpdated(self, query, 0, -1, truncated))

    def select_match(self, number: int) -> None:
        """Make match `number` current, highlight it and scroll it into view."""
        if not self.matches:
            return
        number %= len(self.matches)
        previous = self.current_match
        self.current_match = number
        for old in {previous, number}:
            if 0 <= old < len(self.matches):
                line = self.matches[old][0]
                for key in [k for k in self._cache.keys() if k[0] == line]:
                    self._cache.discard(key)
        line, start, end = self.matches[number]
        self.scroll_to_match(line, start, end)
        self.refresh()
        self.post_message(self.SearchUpdated(self, self.search_query, len(self.matches), number, self._truncated))

    def scroll_to_match(self, line: int, start: int, end: int) -> None:
        height = max(self.scrollable_content_region.height, 1)
        width = max(self.scrollable_content_region.width, 1)
        y = self.scroll_offset.y
        if not y <= line < y + height:
            y = max(line - height // 3, 0)
        x = self.scroll_offset.x
        if start < x or end > x + width:
            x = max(start - width // 4, 0)
        self.scroll_to(x, y, animate=False, force=True, immediate=True)

    def action_next_match(self) -> None:
        if self.matches:
            self.select_match(self.current_match + 1)

    def action_previous_match(self) -> None:
        if self.matches:
            self.select_match(self.current_match - 1)


def _search_bytes(lines: ByteLines, needle: str, fold: bool) -> tuple[list[tuple[int, int, int]], bool]:
    """Search UTF-8 lines for an ASCII needle with one regex scan over the bytes."""
    pattern = re.compile(re.escape(needle.encode("ascii")), re.IGNORECASE if fold else 0)
    data, offsets = lines.data, lines.offsets
    found: list[tuple[int, int, int]] = []
    line = 0
    for match in pattern.finditer(data):
        at = match.start()
        if at >= offsets[line + 1]:
            line = lines.line_of(at)
        start = offsets[line]
        prefix = data[start:at]
        column = len(prefix) if prefix.isascii() else len(prefix.decode("utf-8", "replace"))
        found.append((line, column, column + len(needle)))
        if len(found) >= MAX_MATCHES:
            return found, True
    return found, False
