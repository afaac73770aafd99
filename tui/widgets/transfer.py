"""Transfer progress: a `ProgressBar` with bytes, rate and ETA, plus the cancel hint.

The engine reports throttled `Progress` events (about 10-20 a second); `TransferProgress.update`
turns one into a bar position and a line of text. With no total (no Content-Length, chunked
upload) the bar is indeterminate. The app owns the cancel binding (`escape`); this widget only
shows the hint.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from tui.core.engine.events import Progress

__all__ = ["TransferProgress", "format_bytes", "format_rate", "format_duration"]


def format_bytes(size: float) -> str:
    """Binary units, one decimal: `512 B`, `1.5 KiB`, `6.2 MiB`, `1.0 GiB`."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def format_rate(rate: float) -> str:
    return f"{format_bytes(rate)}/s"


def format_duration(seconds: float | None) -> str:
    """`0.4 s`, `12 s`, `3:05`, `1:02:03`; `--:--` when unknown."""
    if seconds is None or seconds != seconds or seconds == float("inf"):
        return "--:--"
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def describe_progress(event: Progress) -> str:
    """`↓ 12.0 MiB / 1.0 GiB · ETA 3.0 s · 350.2 MiB/s` (↑ for uploads; no total: elapsed).

    Most useful first: on a narrow terminal the end is cut with an ellipsis."""
    arrow = "↑" if event.direction == "upload" else "↓"
    if event.total is not None:
        return f"{arrow} {format_bytes(event.done)} / {format_bytes(event.total)} · ETA {format_duration(event.eta_s)} · {format_rate(event.rate)}"
    return f"{arrow} {format_bytes(event.done)} (size unknown) · {format_rate(event.rate)} · {format_duration(event.elapsed_s)} elapsed"


class TransferProgress(Horizontal):
    """Progress of one upload or download."""

    DEFAULT_CSS = """
    TransferProgress { height: 1; width: 1fr; }
    TransferProgress > ProgressBar { width: auto; margin-right: 1; }
    TransferProgress > ProgressBar > Bar { width: 16; }
    TransferProgress > #transfer-text { width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    TransferProgress > #transfer-hint { width: auto; height: 1; padding-left: 1; color: $text-muted; }
    """

    direction: reactive[str] = reactive("download")

    def __init__(self, *, cancel_key: str = "esc", name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cancel_key = cancel_key
        self.text = ""
        self.last_event: Progress | None = None

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=None, show_eta=False, id="transfer-bar")
        yield Static("", id="transfer-text", markup=False)
        yield Static(f"{self._cancel_key} cancel", id="transfer-hint")

    @property
    def bar(self) -> ProgressBar:
        return self.query_one(ProgressBar)

    @property
    def total(self) -> float | None:
        return self.bar.total

    @property
    def progress(self) -> float:
        return self.bar.progress

    @property
    def indeterminate(self) -> bool:
        return self.bar.total is None

    def start(self, label: str = "Waiting for the response…") -> None:
        """Reset to an indeterminate bar with `label`."""
        self.last_event = None
        self.bar.update(total=None, progress=0)
        self._set_text(label)

    def update_progress(self, event: Progress) -> None:
        self.last_event = event
        self.direction = event.direction
        if event.total is None:
            if self.bar.total is not None:
                self.bar.update(total=None)
            self.bar.update(progress=event.done)
        else:
            self.bar.update(total=max(event.total, event.done, 1), progress=event.done)
        self._set_text(describe_progress(event))

    def _set_text(self, text: str) -> None:
        self.text = text
        # layout=False: the line has a fixed size, and a layout pass re-renders the whole
        # screen (it ran on every progress event, ~45 ms each on a loaded 2-core box).
        self.query_one("#transfer-text", Static).update(text, layout=False)
