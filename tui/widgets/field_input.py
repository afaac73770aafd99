"""An `Input` for one field of a form, where enter and tab move on before the next key.

Keys reach the app in order, but the app forwards each one to the focused widget's own
queue. In a burst (fast typing, a terminal that sends "k1<CR>v1" in one read) the keys
after enter are already queued to this input by the time its `Submitted` message would be
handled, so moving focus there is too late and "v1" lands in the name. Bindings marked
`priority` run while the app dispatches the key, before it forwards the next one: moving
focus there puts every following key where it would have landed if typed slowly.

Before focus moves, an ancestor with a `prepare_next_field(field)` coroutine is awaited
(a row table mounts its next empty row there), so focus never goes to a row that is still
being mounted.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

from tui.key_order import settle

__all__ = ["FieldInput"]


class FieldInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next_field", "Next field", show=False, priority=True),
        Binding("tab", "next_field", "Next field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "Previous field", show=False, priority=True),
    ]

    async def settle(self) -> None:
        """Wait until this input has handled every key already queued to it (its value is
        then what the user typed)."""
        await settle(self)

    async def action_next_field(self) -> None:
        await self.settle()
        for node in self.ancestors:
            prepare = getattr(node, "prepare_next_field", None)
            if prepare is not None:
                await prepare(self)
                break
        self.screen.focus_next()

    async def action_previous_field(self) -> None:
        await self.settle()
        self.screen.focus_previous()
