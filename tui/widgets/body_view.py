"""The response body: a line-virtualised view that stays fast on multi-megabyte bodies.

- `BodyView` is a `ScrollView` using the Line API: it holds a sequence of lines (a list of
  strings, or a lazy `HexLines`) and renders only the rows on screen, caching rendered strips
  in an LRU keyed by (line, horizontal block). Long lines are rendered one block at a time, so
  a minified 8 MB JSON line costs the same to paint as a short one. JSON is coloured per visible
  line with a small tokenizer (cost bounded by the viewport, never by the body). Search runs in
  a thread worker; matches are highlighted and the view jumps to them.
- `BodyPanel` composes a notice line, the `BodyView` and a search bar, and decides how a
  `Response` is shown: text decoded with the response's chosen encoding (shown at once), pretty
  JSON (indented in a thread worker, swapped in when ready), or a hex dump for binary bodies. For
  a spilled or downloaded body it shows the first part and says where the rest is saved.
"""

from __future__ import annotations

import codecs
import re
import threading
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from tui.core.display.bodyfmt import ByteLines, Formatter, JsonFormatError, pretty_json_lines, split_lines
from tui.core.display.hexdump import HexLines, bytes_per_line_for, is_probably_binary
from tui.core.engine.response import Response

from .transfer import format_bytes

__all__ = ["BodyView", "BodyPanel", "SearchInput", "BodyKind", "classify_body", "choose_encoding", "pretty_json_lines"]  # noqa: RUF022

BodyKind = Literal["empty", "text", "json", "binary"]

BLOCK = 1024  # a long line is rendered BLOCK characters at a time (plus one block of overlap)
PREVIEW_BYTES = 4 * 2**20  # what we read from a spilled/downloaded file when `content` is empty
SYNC_SPLIT_LINES = 50_000  # above this many newlines, split the raw text in a thread
MAX_MATCHES = 100_000

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_JSON_TOKEN = re.compile(
    r'(?P<key>"(?:[^"\\]|\\.)*"(?=\s*:))'
    r'|(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>\b(?:true|false|null)\b)"
)

_BINARY_PREFIXES = ("image/", "audio/", "video/", "font/")
_BINARY_TYPES = frozenset(
    {
        "application/octet-stream",
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-tar",
        "application/x-7z-compressed",
        "application/x-bzip2",
        "application/x-xz",
        "application/zstd",
        "application/wasm",
        "application/x-protobuf",
        "application/protobuf",
        "application/vnd.google.protobuf",
        "application/msgpack",
        "application/x-msgpack",
        "application/cbor",
    }
)


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def choose_encoding(response: Response) -> str:
    """The encoding `Response.text()` would use: the user's override, the detected one, UTF-8."""
    chosen = response.encoding or response.detected_encoding or "utf-8"
    try:
        return codecs.lookup(chosen).name
    except LookupError:
        return "utf-8"


def classify_body(response: Response, sample: bytes) -> BodyKind:
    """How to show a body, from its content type and (when that is not conclusive) a sample."""
    if not sample and response.decoded_size == 0 and response.body_path is None:
        return "empty"
    mime = _mime(response.content_type)
    if mime.startswith(_BINARY_PREFIXES) and not mime.endswith(("+xml", "svg+xml")) or mime in _BINARY_TYPES:
        return "binary"
    if "json" in mime:
        return "json"
    textual_type = mime.startswith("text/") or any(t in mime for t in ("xml", "javascript", "yaml", "csv", "urlencoded"))
    if response.encoding is None and is_probably_binary(sample[:8192]):
        return "binary"
    if not textual_type and response.encoding is None and response.detected_encoding is None:
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            decoder.decode(sample[:65536], final=False)
        except UnicodeDecodeError:
            return "binary"
    if mime in ("", "text/plain") and sample.lstrip()[:1] in (b"{", b"["):
        return "json"
    return "text"


class BodyView(ScrollView, can_focus=True):
    """A read-only, line-virtualised text view with JSON colouring and search."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    BodyView {
        background: $surface;
        color: $foreground;
        overflow: auto auto;
        &:focus { background-tint: $foreground 4%; }
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
        the first layout). The vertical scrollbar's columns are kept free only when the dump is
        taller than the view: fewer bytes per line only make it taller, so the choice is stable."""
        width, height = self.content_region.size
        if width <= 0 or height <= 0:
            return lines
        per_line = bytes_per_line_for(width)
        if (lines.size + per_line - 1) // per_line > height:
            per_line = bytes_per_line_for(width - self.styles.scrollbar_size_vertical)
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


class SearchInput(Input):
    """The body's search field; `escape` closes it (only while it has focus)."""

    BINDINGS = [
        Binding("escape", "close", "Close search", show=True),
        Binding("down", "next", "Next", show=False),
        Binding("up", "previous", "Previous", show=False),
    ]

    class Closed(Message):
        pass

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def action_next(self) -> None:
        self.post_message(self.Submitted(self, self.value))

    def action_previous(self) -> None:
        panel = next((a for a in self.ancestors if isinstance(a, BodyPanel)), None)
        if panel is not None:
            panel.view.action_previous_match()


class BodyPanel(Vertical):
    """Notice line + `BodyView` + search bar; turns a `Response` into lines."""

    DEFAULT_CSS = """
    BodyPanel { height: 1fr; }
    BodyPanel > #body-notice { height: auto; max-height: 3; padding: 0 1; color: $text-muted; display: none; }
    BodyPanel > #body-notice.-shown { display: block; }
    BodyPanel > BodyView { height: 1fr; }
    BodyPanel > #body-search-bar { height: 1; display: none; }
    BodyPanel > #body-search-bar.-shown { display: block; }
    BodyPanel #body-search { width: 1fr; height: 1; border: none; padding: 0 1; }
    BodyPanel #body-search-status { width: auto; min-width: 14; height: 1; padding: 0 1; color: $text-muted; }
    """

    class ModeChanged(Message):
        """The body switched between raw and pretty (`pretty`), or finished formatting."""

        def __init__(self, panel: BodyPanel, pretty: bool) -> None:
            super().__init__()
            self.panel = panel
            self.pretty = pretty

    kind: reactive[BodyKind] = reactive("empty")
    pretty: reactive[bool] = reactive(True)
    notice: reactive[str] = reactive("")

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._generation = 0
        self._raw_lines: Sequence[str] = []
        self._pretty_lines: Sequence[str] | None = None
        self._pretty_width = 0
        self._raw_width = 0
        self._json_error = ""
        self._base_notice = ""
        self.formatting = False  # a pretty-printing worker is running
        self._formatter: Formatter | None = None
        self._formatter_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Static("", id="body-notice")
        yield BodyView(id="body-view")
        with Horizontal(id="body-search-bar"):
            yield SearchInput(placeholder="search body (enter: next, up: previous, esc: close)", id="body-search")
            yield Static("", id="body-search-status")

    @property
    def view(self) -> BodyView:
        return self.query_one(BodyView)

    def on_unmount(self) -> None:
        with self._formatter_lock:
            self._generation += 1
            if self._formatter is not None:
                self._formatter.cancel()  # do not leave a child process behind
                self._formatter = None

    def watch_notice(self, notice: str) -> None:
        widget = self.query_one("#body-notice", Static)
        widget.update(notice)
        widget.set_class(bool(notice), "-shown")

    # -- showing a response ------------------------------------------------------------------

    def clear(self) -> None:
        with self._formatter_lock:
            self._generation += 1
            if self._formatter is not None:
                self._formatter.cancel()  # the previous body's child process, if any
                self._formatter = None
        self._raw_lines = []
        self._pretty_lines = None
        self._json_error = ""
        self._base_notice = ""
        self.formatting = False
        self.kind = "empty"
        self.notice = ""
        self.view.clear()

    def show_response(self, response: Response) -> None:
        """Show the body of `response`: raw text at once, pretty JSON when a worker is done."""
        self.clear()
        generation = self._generation
        content = response.content
        if not content and response.body_path is not None:
            self.notice = f"Loading the first part of {response.body_path} …"
            self._load_preview(generation, response)
            return
        self._show_content(generation, response, content)

    @work(thread=True, exclusive=True, group="body-load")
    def _load_preview(self, generation: int, response: Response) -> None:
        assert response.body_path is not None
        try:
            with open(response.body_path, "rb") as file:
                content = file.read(PREVIEW_BYTES)
        except OSError as error:
            self.app.call_from_thread(self._preview_failed, generation, f"Cannot read {response.body_path}: {error.strerror or error}")
            return
        self.app.call_from_thread(self._show_content, generation, response, content)

    def _preview_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.notice = message

    def _show_content(self, generation: int, response: Response, content: bytes) -> None:
        if generation != self._generation:
            return
        kind = classify_body(response, content)
        self.kind = kind
        self._base_notice = _part_notice(response, len(content))
        self.notice = self._base_notice
        if kind == "empty":
            self.notice = "(empty body)"
            self.view.set_lines([])
            return
        if kind == "binary":
            lines = HexLines(content)
            self._raw_lines = lines
            self.view.set_lines(lines)  # as many bytes per line as fit the view (re-flowed on resize)
            self._update_notice()
            return
        encoding = choose_encoding(response)
        if content.count(b"\n") > SYNC_SPLIT_LINES:
            self.formatting = True
            self._split_worker(generation, content, encoding, kind == "json")
            self.notice = _join(self._base_notice, "Loading…")
            return
        text = content.decode(encoding, errors="replace")
        self._set_raw(generation, split_lines(text), None)
        if kind == "json":
            self.formatting = True
            self._pretty_worker(generation, text)

    @work(thread=True, exclusive=True, group="body-split")
    def _split_worker(self, generation: int, content: bytes, encoding: str, is_json: bool) -> None:
        text = content.decode(encoding, errors="replace")
        lines = split_lines(text)
        width = max(map(len, lines), default=0)
        self.app.call_from_thread(self._set_raw, generation, lines, width)
        if is_json:
            self._format(generation, text)
        else:
            self.app.call_from_thread(self._finish_formatting, generation)

    def _finish_formatting(self, generation: int) -> None:
        if generation == self._generation:
            self.formatting = False
            self._update_notice()

    def _set_raw(self, generation: int, lines: list[str], width: int | None) -> None:
        if generation != self._generation:
            return
        self._raw_lines = lines
        width = max(map(len, lines), default=0) if width is None else width
        self._raw_width = width
        self.view.set_lines(lines, json=self.kind == "json", width=width)
        self._update_notice()

    @work(thread=True, exclusive=True, group="body-pretty")
    def _pretty_worker(self, generation: int, text: str) -> None:
        self._format(generation, text)

    def _format(self, generation: int, text: str) -> None:
        """Runs in a thread: indent the JSON (out of process when large) and hand the lines to
        the UI."""
        formatter = Formatter()
        with self._formatter_lock:
            if generation != self._generation:
                return
            self._formatter = formatter
        try:
            lines, width = formatter.run(text)
        except JsonFormatError as error:
            if not formatter.cancelled:
                self.app.call_from_thread(self._pretty_failed, generation, str(error))
            return
        finally:
            with self._formatter_lock:
                if self._formatter is formatter:
                    self._formatter = None
        if not formatter.cancelled:
            self.app.call_from_thread(self._apply_pretty, generation, lines, width)

    def _pretty_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.formatting = False
        self._json_error = f"Not valid JSON ({message}); showing it as text."
        self._update_notice()
        self.post_message(self.ModeChanged(self, False))

    def _apply_pretty(self, generation: int, lines: Sequence[str], width: int) -> None:
        if generation != self._generation:
            return
        self.formatting = False
        self._pretty_lines = lines
        self._pretty_width = width
        if self.pretty:
            self.view.set_lines(lines, json=True, width=width)
        self._update_notice()
        self.post_message(self.ModeChanged(self, self.pretty))

    def watch_pretty(self, pretty: bool) -> None:
        if not self.is_mounted or self.kind != "json":
            return
        if pretty and self._pretty_lines is not None:
            self.view.set_lines(self._pretty_lines, json=True, width=self._pretty_width)
        elif not pretty:
            self.view.set_lines(self._raw_lines, json=True, width=self._raw_width)
        self._update_notice()
        self.post_message(self.ModeChanged(self, pretty))

    def toggle_pretty(self) -> None:
        self.pretty = not self.pretty

    def _update_notice(self) -> None:
        parts = [self._base_notice]
        if self.kind == "json":
            if self._json_error:
                parts.append(self._json_error)
            elif self.formatting:
                parts.append("Formatting JSON…")
            elif not self.pretty:
                parts.append("Raw (p: pretty)")
        if self.kind == "binary":
            size = self._raw_lines.size if isinstance(self._raw_lines, HexLines) else 0
            parts.append(f"Binary body: hex dump of {format_bytes(size)}")
        self.notice = _join(*parts)

    @property
    def text(self) -> str:
        """What the view shows, as one string."""
        return "\n".join(self.view.lines)

    # -- search ------------------------------------------------------------------------------

    def open_search(self) -> None:
        bar = self.query_one("#body-search-bar")
        bar.add_class("-shown")
        search = self.query_one(SearchInput)
        search.focus()

    def close_search(self) -> None:
        self.query_one("#body-search-bar").remove_class("-shown")
        self.view.focus()

    @property
    def search_open(self) -> bool:
        return self.query_one("#body-search-bar").has_class("-shown")

    @on(Input.Submitted, "#body-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        view = self.view
        if event.value and event.value == view.search_query and view.matches:
            view.action_next_match()
        else:
            view.search(event.value)

    @on(SearchInput.Closed)
    def _search_closed(self, event: SearchInput.Closed) -> None:
        event.stop()
        self.close_search()

    @on(BodyView.SearchUpdated)
    def _search_updated(self, event: BodyView.SearchUpdated) -> None:
        status = self.query_one("#body-search-status", Static)
        if not event.query:
            status.update("")
        elif event.count == 0:
            status.update("no matches")
        else:
            more = "+" if event.truncated else ""
            status.update(f"{event.current + 1}/{event.count}{more}")


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _part_notice(response: Response, shown: int) -> str:
    path = response.body_path
    if path is None:
        return ""
    total = response.decoded_size or (_file_size(path) or 0)
    where = "Downloaded to" if response.downloaded else "Full body saved at"
    if total and shown < total:
        return f"Showing the first {format_bytes(shown)} of {format_bytes(total)}. {where} {path}"
    return f"{where} {path}"


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
