"""The engine: one pooled httpx.AsyncClient per run, request building and bodies, downloads,
progress, timings, the request/response types and the events it reports.

Names are re-exported lazily (PEP 562): importing the package costs nothing until a name
is used, so the start-up path stays as light as the flat modules were.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import (
        DEFAULT_MAX_SIZE,
        DEFAULT_MEMORY_LIMIT,
        USER_AGENT,
        STREAM_MEMORY_LIMIT,
        Engine,
    )
    from .decoding import SizeGuard, decoder_for
    from .files import save_body_atomically
    from .resolved import (
        ResolvedPart,
        ResolvedBody,
        ResolvedDownload,
        ResolvedRequest,
        url_with_params,
    )
    from .response import (
        Timings,
        RedirectHop,
        SentRequest,
        Response,
        StreamSummary,
    )
    from .events import (
        Started,
        Progress,
        HeadersReceived,
        Finished,
        Failed,
        StreamMode,
        StreamStarted,
        StreamEvent,
        StreamEnded,
        Event,
        EventHandler,
    )
    from .checks import check_url
    from .download import (
        PREVIEW_LIMIT,
        WRITE_BATCH,
        DownloadSink,
        FileSink,
        MemorySink,
        clean_stale_spills,
        part_path_for,
    )
    from .streams import (
        DEFAULT_STREAM_KEEP,
        STREAM_MODES,
        StreamDecoder,
        StreamReader,
        stream_mode,
    )

_EXPORTS = {
    "DEFAULT_MAX_SIZE": "engine",
    "SizeGuard": "decoding",
    "decoder_for": "decoding",
    "save_body_atomically": "files",
    "clean_stale_spills": "download",
    "DEFAULT_MEMORY_LIMIT": "engine",
    "USER_AGENT": "engine",
    "Engine": "engine",
    "ResolvedPart": "resolved",
    "ResolvedBody": "resolved",
    "ResolvedDownload": "resolved",
    "ResolvedRequest": "resolved",
    "url_with_params": "resolved",
    "Timings": "response",
    "RedirectHop": "response",
    "SentRequest": "response",
    "Response": "response",
    "Started": "events",
    "Progress": "events",
    "HeadersReceived": "events",
    "Finished": "events",
    "Failed": "events",
    "Event": "events",
    "EventHandler": "events",
    "PREVIEW_LIMIT": "download",
    "WRITE_BATCH": "download",
    "DownloadSink": "download",
    "FileSink": "download",
    "MemorySink": "download",
    "part_path_for": "download",
    "check_url": "checks",
    "STREAM_MEMORY_LIMIT": "engine",
    "StreamSummary": "response",
    "StreamMode": "events",
    "StreamStarted": "events",
    "StreamEvent": "events",
    "StreamEnded": "events",
    "DEFAULT_STREAM_KEEP": "streams",
    "STREAM_MODES": "streams",
    "StreamDecoder": "streams",
    "StreamReader": "streams",
    "stream_mode": "streams",
}

__all__ = [
    "DEFAULT_MAX_SIZE",
    "SizeGuard",
    "decoder_for",
    "save_body_atomically",
    "clean_stale_spills",
    "DEFAULT_MEMORY_LIMIT",
    "USER_AGENT",
    "Engine",
    "ResolvedPart",
    "ResolvedBody",
    "ResolvedDownload",
    "ResolvedRequest",
    "url_with_params",
    "Timings",
    "RedirectHop",
    "SentRequest",
    "Response",
    "Started",
    "Progress",
    "HeadersReceived",
    "Finished",
    "Failed",
    "Event",
    "EventHandler",
    "PREVIEW_LIMIT",
    "WRITE_BATCH",
    "DownloadSink",
    "FileSink",
    "MemorySink",
    "part_path_for",
    "check_url",
    "STREAM_MEMORY_LIMIT",
    "StreamSummary",
    "StreamMode",
    "StreamStarted",
    "StreamEvent",
    "StreamEnded",
    "DEFAULT_STREAM_KEEP",
    "STREAM_MODES",
    "StreamDecoder",
    "StreamReader",
    "stream_mode",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
