"""Events the engine reports while sending; the UI and replay consume them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, Union

from tui.core.errors import RequestError
from tui.core.engine.resolved import ResolvedRequest
from tui.core.engine.response import Response

__all__ = ["Started", "Progress", "HeadersReceived", "Finished", "Failed", "Event", "EventHandler"]


@dataclass(frozen=True, slots=True)
class Started:
    request: ResolvedRequest


@dataclass(frozen=True, slots=True)
class Progress:
    """Throttled (about 10-20 a second, plus one final event), never one per chunk."""

    direction: Literal["upload", "download"]
    done: int  # bytes so far
    total: int | None  # None when unknown (no Content-Length / chunked)
    rate: float  # bytes per second, smoothed
    elapsed_s: float

    @property
    def eta_s(self) -> float | None:
        if self.total is None or self.rate <= 0:
            return None
        return max(self.total - self.done, 0) / self.rate


@dataclass(frozen=True, slots=True)
class HeadersReceived:
    status: int
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Finished:
    response: Response


@dataclass(frozen=True, slots=True)
class Failed:
    error: RequestError


Event = Union[Started, Progress, HeadersReceived, Finished, Failed]
EventHandler = Callable[[Event], None]
