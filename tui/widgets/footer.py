"""The footer of key bindings: shown complete in the first frame, and never a cut label.

Textual's footer lays every binding out in a row and lets the terminal's edge cut the last
ones ("s Sav" at 80 columns with the response focused). This one lists the focused pane's keys
first, then the app's, and leaves out whole entries that do not fit; `f1 Help` always stays
(the help lists everything).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["EagerFooter", "fit_entries"]

_KEEP = "help"  # the action that is never left out
_PALETTE_WIDTH = 12  # "▏^p palette" docked on the right, and a margin


def fit_entries(entries: Iterable[tuple[str, str, str]], width: int, keep: str = _KEEP) -> list[tuple[str, str, str]]:
    """The (key display, description, action) entries that fit in `width` columns, in order,
    leaving out whole entries from the end; the `keep` action is kept whatever it costs."""
    entries = list(entries)

    def cost(entry: tuple[str, str, str]) -> int:
        key, description, _ = entry
        return len(key) + (len(description) + 1 if description else 0) + 1  # compact: one space, margin 1

    budget = width - sum(cost(e) for e in entries if e[2] == keep)
    chosen: list[tuple[str, str, str]] = []
    for entry in entries:
        if entry[2] == keep:
            chosen.append(entry)
        elif cost(entry) <= budget:
            chosen.append(entry)
            budget -= cost(entry)
        else:
            budget = -1  # keep the order: nothing after a left-out entry jumps ahead
    return chosen


class EagerFooter(Footer):
    """A Footer that lists the keys in the first frame (Textual's waits for a bindings update
    and recomposes after the next refresh, one more full layout before the keys are seen), in
    compact form, and only whole entries."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._bindings_ready = True
        self._composed_width = 0

    def compose(self) -> ComposeResult:
        screen = self.screen
        width = self.size.width or self.app.size.width
        self._composed_width = width
        pane: list[tuple[Binding, bool, str]] = []
        app: list[tuple[Binding, bool, str]] = []
        seen: set[str] = set()
        palette = None
        for node, binding, enabled, tooltip in screen.active_bindings.values():
            if binding.action in ("command_palette", "app.command_palette") and self.app.ENABLE_COMMAND_PALETTE:
                palette = (binding, enabled, tooltip)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            (app if node is self.app or node is screen else pane).append((binding, enabled, tooltip))
        ordered = pane + app
        by_action = {binding.action: (binding, enabled, tooltip) for binding, enabled, tooltip in ordered}
        entries = [(self.app.get_key_display(b), b.description, b.action) for b, _, _ in ordered]
        for _, _, action in fit_entries(entries, width - (_PALETTE_WIDTH if palette else 0)):
            binding, enabled, tooltip = by_action[action]
            yield FooterKey(
                binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                disabled=not enabled, tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if palette is not None and self.show_command_palette:
            binding, enabled, tooltip = palette
            yield FooterKey(
                binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                classes="-command-palette", disabled=not enabled, tooltip=binding.tooltip or binding.description,
            )

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
