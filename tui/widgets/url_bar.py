"""Method selector + URL input. `{{variables}}` are highlighted; unknown ones are flagged.

Attributes down: `set_request(method, url, target=...)`, `known_variables`.
Messages up: `UrlBar.MethodChanged`, `UrlBar.UrlChanged` (both carry the `target` the bar
was loaded with), `UrlBar.Submitted` (enter in the URL: the app sends), `UrlBar.CurlPasted`
(a paste that is a curl command: nothing is typed, the app turns the request into it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label, Select

__all__ = ["METHODS", "VARIABLE_RE", "UrlBar", "VariableHighlighter", "looks_like_curl", "unknown_variables"]

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

# `{{name}}` or `{{env:NAME}}`; `{{{{` is an escaped literal and is skipped.
VARIABLE_RE = re.compile(r"\{\{\{\{|\{\{\s*([^{}\s]+)\s*\}\}")


def variable_spans(text: str) -> Iterable[tuple[int, int, str]]:
    for match in VARIABLE_RE.finditer(text):
        if match.group(1) is not None:
            yield match.start(), match.end(), match.group(1)


def is_known(name: str, known: frozenset[str]) -> bool:
    if name.startswith("env:"):
        return name[4:] in os.environ
    return name in known


def unknown_variables(text: str, known: frozenset[str]) -> list[str]:
    seen: list[str] = []
    for _, _, name in variable_spans(text):
        if not is_known(name, known) and name not in seen:
            seen.append(name)
    return seen


class VariableHighlighter(Highlighter):
    """Marks `{{known}}` variables and flags unknown ones (styles work in 16 colours).
    While `known` is None (not told yet) every variable is marked, none flagged."""

    def __init__(self) -> None:
        self.known: frozenset[str] | None = None

    def highlight(self, text: Text) -> None:
        for start, end, name in variable_spans(text.plain):
            flagged = self.known is not None and not is_known(name, self.known)
            text.stylize("bold white on red" if flagged else "bold cyan", start, end)


_CURL_RE = re.compile(r"\A\s*(?:\$\s+)?curl(?:\.exe)?\s")


def looks_like_curl(text: str) -> bool:
    """A pasted `curl …` command line (a leading shell prompt `$ ` allowed)?"""
    return _CURL_RE.match(text) is not None


class _UrlInput(Input):
    """The URL input: a pasted curl command is handed up whole instead of typed (an Input
    would keep its first line only)."""

    def _on_paste(self, event: events.Paste) -> None:
        if looks_like_curl(event.text) and isinstance(self.parent, UrlBar):
            event.prevent_default()
            event.stop()
            self.parent.post_message(UrlBar.CurlPasted(self.parent, event.text, self.parent.target))


class UrlBar(Horizontal):
    DEFAULT_CSS = """
    UrlBar {
        height: 1;
        width: 1fr;
        #method { width: 11; margin-right: 1; }
        #url { width: 1fr; }
        #url-flags { width: auto; max-width: 30; color: $text-error; padding-left: 1; display: none; }
        &.-unknown #url-flags, &.-invalid #url-flags { display: block; }
    }
    """

    known_variables: reactive[frozenset[str]] = reactive(frozenset(), init=False)

    class MethodChanged(Message):
        def __init__(self, bar: UrlBar, method: str, target: object) -> None:
            super().__init__()
            self.bar = bar
            self.method = method
            self.target = target

        @property
        def control(self) -> UrlBar:
            return self.bar

    class UrlChanged(Message):
        def __init__(self, bar: UrlBar, url: str, target: object) -> None:
            super().__init__()
            self.bar = bar
            self.url = url
            self.target = target

        @property
        def control(self) -> UrlBar:
            return self.bar

    class Submitted(Message):
        """Enter pressed in the URL input."""

    class CurlPasted(Message):
        """A curl command was pasted into the URL input (the whole text, every line)."""

        def __init__(self, bar: UrlBar, text: str, target: object) -> None:
            super().__init__()
            self.bar = bar
            self.text = text
            self.target = target

        @property
        def control(self) -> UrlBar:
            return self.bar

    def __init__(
        self,
        method: str = "GET",
        url: str = "",
        *,
        target: object = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.target = target
        self._initial = (method.upper(), url)
        self._highlighter = VariableHighlighter()
        self._invalid: str | None = None  # what is wrong with the URL, after a send refused it

    def compose(self) -> ComposeResult:
        method, url = self._initial
        methods = METHODS if method in METHODS else (*METHODS, method)
        yield Select([(Text(m), m) for m in methods], value=method, allow_blank=False, compact=True, id="method")
        yield _UrlInput(
            url,
            placeholder="URL, e.g. {{base}}/get",
            highlighter=self._highlighter,
            compact=True,
            id="url",
            select_on_focus=False,
        )
        yield Label("", id="url-flags", markup=False)

    @property
    def url_input(self) -> Input:
        return self.query_one("#url", Input)

    @property
    def method_select(self) -> Select[str]:
        return self.query_one("#method", Select)

    @property
    def url(self) -> str:
        return self.url_input.value

    @property
    def method(self) -> str:
        return str(self.method_select.value)

    @property
    def unknown(self) -> list[str]:
        return unknown_variables(self.url, self.known_variables)

    def set_request(self, method: str, url: str, *, target: object = None) -> None:
        """Show a request's method and URL (no messages are posted)."""
        self.target = target
        self._invalid = None
        select = self.method_select
        method = method.upper()
        with self.prevent(Select.Changed, Input.Changed):
            if method not in METHODS:
                select.set_options([(Text(m), m) for m in (*METHODS, method)])
            select.value = method
            url_input = self.url_input
            url_input.value = url
            url_input.cursor_position = len(url)
        self._flag()

    def set_url(self, url: str) -> None:
        """Replace the URL text keeping the cursor where it was if possible (no message)."""
        url_input = self.url_input
        if url_input.value == url:
            return
        cursor = url_input.cursor_position
        with self.prevent(Input.Changed):
            url_input.value = url
            url_input.cursor_position = min(cursor, len(url))
        self._flag()

    def watch_known_variables(self, known: frozenset[str]) -> None:
        self._highlighter.known = known
        self.url_input.refresh()
        self._flag()

    def show_invalid(self, problem: str | None) -> None:
        """Mark the URL as invalid (`problem`: what is wrong, shown next to it) until it is
        edited or another request is shown; None clears the mark."""
        self._invalid = problem
        self._flag()

    def _flag(self) -> None:
        unknown = self.unknown
        invalid = self._invalid
        self.set_class(bool(unknown), "-unknown")
        self.set_class(invalid is not None, "-invalid")
        self.url_input.set_class(bool(unknown) or invalid is not None, "-unknown")
        flags = "unknown: " + ", ".join(unknown) if unknown else (invalid or "")
        self.query_one("#url-flags", Label).update(flags)

    @on(Select.Changed, "#method")
    def _method_changed(self, event: Select.Changed) -> None:
        event.stop()
        # the current value: a Select posts its initial value when it mounts, possibly late
        self.post_message(self.MethodChanged(self, str(event.select.value), self.target))

    @on(Input.Changed, "#url")
    def _url_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._invalid = None
        self._flag()
        self.post_message(self.UrlChanged(self, event.value, self.target))

    @on(Input.Submitted, "#url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())
