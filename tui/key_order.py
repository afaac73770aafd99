"""Keys bound to an action run in the order they were typed, also in a burst.

Textual handles a printable key in the focused Input or TextArea straight from that widget's
queue, but runs a non-priority binding (word motion, backspace, arrows, home/end, a row's
ctrl+t) only once the key has bubbled through the widget's queue back to the app. When a
terminal delivers several keys in one read (fast typing, a laggy SSH link, tmux flushing its
buffer) the printable keys behind a bound key overtake it: `ESC b X` (alt+b as xterm sends it,
which Textual reads as ctrl+left) typed X at the end, then moved a word left.

`run_in_order(app, event)`, called by the app before it forwards a key: when the focused
widget is a text field that would not type the key itself and some binding of the focus chain
takes it, let the field finish the keys already queued to it, then run that binding at once,
before the app forwards the next key. Other widgets keep Textual's own order.

Private Textual API used: `App._check_bindings` and `Screen._modal_binding_chain` (the
binding lookup Textual itself does when the key comes back to the app); the test extra pins
Textual's version and tests/test_pty_keys.py drives this through a real pty.
"""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import App
from textual.widget import Widget
from textual.widgets import Input, TextArea

__all__ = ["run_in_order", "settle"]


async def settle(widget: Widget) -> None:
    """Wait until `widget` has handled every message already queued to it: a callback
    queued now runs after them."""
    handled = asyncio.Event()
    widget.call_later(handled.set)
    await handled.wait()


def _types_it(widget: Widget, event: events.Key) -> bool:
    """The focused text field handles `event` itself, before any binding (Textual's order)."""
    if widget.check_consume_key(event.key, event.character):
        return True
    if isinstance(widget, TextArea):
        # TextArea._on_key inserts a newline for enter (and with tab_behavior "indent",
        # takes escape) without a binding.
        return not widget.read_only and (event.key == "enter" or (widget.tab_behavior == "indent" and event.key == "escape"))
    return False


async def run_in_order(app: App[object], event: events.Key) -> bool:
    """Run the binding of a key typed into a text field now, in order; whether it ran."""
    focused = app.focused
    if event.is_forwarded or not isinstance(focused, Input | TextArea) or _types_it(focused, event):
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
