"""Full-screen panes (f8 / f9) and small terminals: which part of the main screen is shown,
and the one line that says what is hidden.

    shown_part(zoom, rows) -> "" | "response" | "editor"
    hint_text(shown, zoom) -> str   ("" when nothing is hidden)

Below `TINY_ROWS` rows the editor and the response do not both fit (each needs ~8 rows to be
usable), so one of them is shown at a time: the editor, until a request is sent.
"""

from __future__ import annotations

from textual.widgets import Label

__all__ = ["TINY_ROWS", "ZoomHint", "hint_text", "shown_part"]

TINY_ROWS = 22


def shown_part(zoom: str, rows: int) -> str:
    """What fills the screen: the part `zoom` asks for, or in a tiny terminal the editor."""
    if zoom:
        return zoom
    return "editor" if 0 < rows < TINY_ROWS else ""


def hint_text(shown: str, zoom: str) -> str:
    if shown == "response":
        return "Request editor hidden · f8: back" if zoom else ""
    if shown == "editor":
        if zoom:
            return "Response hidden · f9: back"
        return "Response hidden · f8 shows it"  # (a small terminal: short, it must fit 40 columns)
    return ""


class ZoomHint(Label):
    """`Response hidden · f8 shows it`; hidden itself when nothing is."""

    DEFAULT_CSS = """
    ZoomHint { display: none; width: 1fr; height: 1; padding: 0 1; background: $boost; color: $text-warning; text-wrap: nowrap; text-overflow: ellipsis; }
    ZoomHint.-shown { display: block; }
    """

    def show_text(self, text: str) -> None:
        self.update(text)
        self.set_class(bool(text), "-shown")
