"""The footer of key bindings, shown complete in the first frame."""

from __future__ import annotations

from textual.widgets import Footer

__all__ = ["EagerFooter"]


class EagerFooter(Footer):
    """A Footer that lists the keys in the first frame: Textual's waits for a bindings update
    and recomposes after the next refresh, one more full layout before the keys are seen."""

    def __init__(self) -> None:
        super().__init__()
        self._bindings_ready = True
