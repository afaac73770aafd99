"""Keys bound to an action run in the order they were typed, also in a burst.

Textual forwards each key to the focused widget as it arrives, and runs a non-priority
binding only once the key has bubbled through that widget's queue (and its ancestors') back
to the app. When a terminal delivers several keys in one read (fast typing, a laggy SSH link,
tmux flushing its buffer) the keys behind a bound key overtake it:

- `ESC b X` (alt+b as xterm sends it, read as ctrl+left) typed X at the end, then moved a
  word left; a backspace or an arrow in a burst applied after the text behind it;
- `s` then a path in the response: the path went to the response view (and was dropped)
  before `s` came back to the app and opened the save dialog.

`run_in_order(app, event)`, called by the app before it forwards a key: when the focused
widget would not handle the key itself (an Input or TextArea types printable keys, a TextArea
enter; a `key_<name>` method handles its key) and a binding of the focus chain takes it, let
the widget finish the keys already queued to it, then run that binding at once, before the
app reads the next key: what follows lands wherever the binding put the focus.

Private Textual API used: `App._check_bindings` and `Screen._modal_binding_chain` (the
binding lookup Textual itself does when the key comes back to the app); the test extra pins
Textual's version and tests/test_pty_keys.py drives this through a real pty.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.widget import Widget
from textual.widgets import TextArea

__all__ = ["deliver", "install_alt_letters", "run_in_order", "settle"]


def install_alt_letters() -> None:
    """Read `ESC` + a lower-case letter as alt+letter at once, also in a burst.

    Textual's parser reads `ESC r` as alt+r only when nothing follows within its escape delay;
    when more bytes follow in the same read it keeps collecting them as a possible sequence,
    and past 32 characters gives up and types them, the ESC as "^": alt+r, then `s` and a
    path in one read typed "^rs/tmp/…" into the URL. No sequence a terminal sends starts
    with ESC + a lower-case letter other than those Textual maps (`ESC b`, `ESC f`), so those
    two characters are a key. Idempotent; patches the parser class for the process."""
    from textual import _xterm_parser
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS

    parser = _xterm_parser.XTermParser
    original = parser._sequence_to_key_events
    if getattr(original, "_alt_letters", False):
        return

    def sequence_to_key_events(self: Any, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if len(sequence) == 2 and sequence[0] == "\x1b" and "a" <= sequence[1] <= "z" and sequence not in ANSI_SEQUENCES_KEYS:
            return original(self, sequence[1], alt=True)
        return original(self, sequence, alt)

    sequence_to_key_events._alt_letters = True  # type: ignore[attr-defined]
    parser._sequence_to_key_events = sequence_to_key_events  # type: ignore[method-assign]


async def settle(widget: Widget) -> None:
    """Wait until `widget` has handled every message already queued to it: a callback
    queued now runs after them."""
    handled = asyncio.Event()
    widget.call_later(handled.set)
    await handled.wait()


async def deliver(widget: Widget, message: Message) -> None:
    """Post `message` from `widget` and wait until it has bubbled up to the screen and been
    handled there. From an action that moves the focus through a message (`n` in the
    sidebar): the app reads the next key only once the screen has moved it."""
    widget.post_message(message)
    for node in [widget, *widget.ancestors]:
        if isinstance(node, App):
            break
        if isinstance(node, Widget) and node.is_attached and node.is_running:
            await settle(node)  # the message has moved on to the parent (or was stopped)


def _handles_it(widget: Widget, event: events.Key) -> bool:
    """The focused widget (or an ancestor) handles `event` itself, before any binding."""
    if widget.check_consume_key(event.key, event.character):
        return True
    if isinstance(widget, TextArea):
        # TextArea._on_key inserts a newline for enter (and with tab_behavior "indent",
        # takes escape) without a binding.
        if not widget.read_only and (event.key == "enter" or (widget.tab_behavior == "indent" and event.key == "escape")):
            return True
    names = [f"key_{name}" for name in event.name_aliases]
    return any(hasattr(node, name) for node in widget.ancestors_with_self for name in names)


async def run_in_order(app: App[object], event: events.Key) -> bool:
    """Run the binding of a key typed into the focused widget now, in order; whether it ran."""
    focused = app.focused
    if event.is_forwarded or focused is None or _handles_it(focused, event):
        return False
    if event.key == "escape" and app.screen.maximized is not None and app.escape_to_minimize:
        return False  # the app's own handling minimises first
    if await app._check_bindings(event.key, priority=True):
        return True
    chain = app.screen._modal_binding_chain
    if not any(event.key in bindings.key_to_bindings for _, bindings in chain):
        return False
    if focused.is_attached and focused.is_running:
        await settle(focused)
    return await app._check_bindings(event.key)
