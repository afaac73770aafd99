"""Throttled progress reporting: a few events a second plus one final event, never one per chunk."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from tui.core.engine.events import EventHandler, Progress

__all__ = ["DEFAULT_INTERVAL_S", "ProgressMeter"]

DEFAULT_INTERVAL_S = 0.08  # at most ~12 events a second
_ALPHA = 0.3  # weight of the newest sample in the smoothed rate


class ProgressMeter:
    """Turns a stream of byte counts into throttled `Progress` events.

    `update(done)` is cheap enough to call per chunk; an event goes out only when
    `interval_s` has passed since the last one. `finish()` always sends the final event
    (once). The rate is an exponential moving average of the per-interval rate.
    """

    __slots__ = (
        "_clock",
        "_direction",
        "_done",
        "_emit",
        "_finished",
        "_interval",
        "_last_done",
        "_last_t",
        "_rate",
        "_start",
        "_total",
        "events_sent",
    )

    def __init__(
        self,
        direction: Literal["upload", "download"],
        total: int | None,
        emit: EventHandler | None,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._direction: Literal["upload", "download"] = direction
        self._total = total
        self._emit = emit
        self._interval = interval_s
        self._clock = clock
        self._start = clock()
        self._last_t = self._start
        self._last_done = 0
        self._rate = 0.0
        self._done = 0
        self._finished = False
        self.events_sent = 0

    @property
    def done(self) -> int:
        return self._done

    def update(self, done: int) -> None:
        """Record that `done` bytes (cumulative) are through; maybe emit an event."""
        self._done = done
        if self._emit is None:
            return
        now = self._clock()
        if now - self._last_t >= self._interval:
            self._send(now)

    def add(self, count: int) -> None:
        self.update(self._done + count)

    def finish(self) -> None:
        """Send the final event (only once, and only if someone listens)."""
        if self._finished or self._emit is None:
            return
        self._finished = True
        self._send(self._clock())

    def _send(self, now: float) -> None:
        assert self._emit is not None
        span = now - self._last_t
        if span > 0:
            sample = (self._done - self._last_done) / span
            self._rate = sample if self._rate == 0.0 else _ALPHA * sample + (1 - _ALPHA) * self._rate
        self._last_t = now
        self._last_done = self._done
        self.events_sent += 1
        self._emit(Progress(self._direction, self._done, self._total, self._rate, now - self._start))
