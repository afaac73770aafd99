"""The Timing tab: each phase of a request as a horizontal bar on a shared time axis."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui.core.engine.response import Timings

__all__ = ["TimingView", "timing_phases"]


def timing_phases(timings: Timings) -> list[tuple[str, float, float | None]]:
    """(label, start_ms, duration_ms) for each phase, on one axis starting at 0.

    DNS, connect, TLS and request sent are durations in sequence; waiting lasts until the first
    byte (measured from the start); the download runs from the first byte to the total. A
    phase that did not happen (reused connection, plain HTTP) has a duration of None."""
    phases: list[tuple[str, float, float | None]] = []
    clock = 0.0
    for label, duration in (
        ("DNS", timings.dns_ms),
        ("Connect", timings.connect_ms),
        ("TLS", timings.tls_ms),
        ("Request sent", timings.request_sent_ms),
    ):
        phases.append((label, clock, duration))
        clock += duration or 0.0
    first_byte = timings.first_byte_ms
    if first_byte is not None:
        phases.append(("Waiting (TTFB)", clock, max(first_byte - clock, 0.0)))
        phases.append(("Content", first_byte, max(timings.total_ms - first_byte, 0.0)))
    else:
        phases.append(("Waiting (TTFB)", clock, None))
        phases.append(("Content", clock, None))
    phases.append(("Total", 0.0, timings.total_ms))
    return phases


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 1000 else f"{value / 1000:.2f} s"


class TimingView(Widget):
    """Waterfall bars for DNS / connect / TLS / request / TTFB / content / total."""

    DEFAULT_CSS = """
    TimingView { height: auto; padding: 1 1; }
    TimingView > .timing-view--bar { color: $primary; }
    TimingView > .timing-view--total { color: $accent; }
    TimingView > .timing-view--label { color: $foreground; }
    TimingView > .timing-view--muted { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"timing-view--bar", "timing-view--total", "timing-view--label", "timing-view--muted"}

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.timings: Timings | None = None

    def show(self, timings: Timings | None) -> None:
        self.timings = timings
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width) -> int:  # type: ignore[no-untyped-def]
        return 1 if self.timings is None else len(timing_phases(self.timings)) + 2

    @property
    def plain(self) -> str:
        """The tab's text without styles (for tests and copy)."""
        return self._build(60).plain

    def render(self) -> Text:
        return self._build(max(self.content_region.width, 30))

    def _build(self, width: int) -> Text:
        timings = self.timings
        if timings is None:
            return Text("No timings yet.")
        label_width, value_width = 15, 10
        bar_width = max(width - label_width - value_width - 3, 8)
        total = max(timings.total_ms, 1e-9)
        bar_style = self.get_component_rich_style("timing-view--bar", partial=True) if self.is_mounted else ""
        total_style = self.get_component_rich_style("timing-view--total", partial=True) if self.is_mounted else ""
        muted = self.get_component_rich_style("timing-view--muted", partial=True) if self.is_mounted else ""
        text = Text(no_wrap=True, overflow="crop")
        for label, start, duration in timing_phases(timings):
            text.append(f"{label:<{label_width}} ")
            if duration is None:
                text.append(f"{'—':>{value_width}} ", style=muted)
                text.append("not needed" if timings.reused and label in ("DNS", "Connect", "TLS") else "", style=muted)
            else:
                text.append(f"{_ms(duration):>{value_width}} ")
                offset = min(int(start / total * bar_width), bar_width - 1)
                length = max(1, round(duration / total * bar_width))
                length = min(length, bar_width - offset)
                text.append(" " * offset)
                text.append("█" * length, style=total_style if label == "Total" else bar_style)
            text.append("\n")
        text.append("\n")
        if timings.reused:
            text.append("Connection reused from the pool (no DNS, connect or TLS).", style=muted)
        else:
            text.append("New connection.", style=muted)
        return text
