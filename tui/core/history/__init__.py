"""History and cookies: every send remembered in one SQLite file (masked before it is written),
browsable and comparable; a cookie jar per collection persisted beside it.

Names are re-exported lazily (PEP 562): importing the package costs nothing until a name
is used (sqlite3 and httpx stay off the start-up path).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import (
        BUSY_TIMEOUT_S,
        FILE_NAME,
        History,
        Retention,
        default_path,
    )
    from .model import (
        Entry,
        EntrySummary,
        RecordedRequest,
        RecordedResponse,
        iso_time,
    )
    from .query import (
        STATUS_CLASSES,
        Query,
        parse_filter,
    )
    from .record import (
        DEFAULT_BODY_CAP,
        DEFAULT_HEAD_SIZE,
        env_secrets,
    )
    from .migrations import (
        SCHEMA_VERSION,
    )
    from .restore import (
        entry_from_send,
        request_from_entry,
        response_from_entry,
    )
    from .diff import (
        BodyDiff,
        DiffLine,
        EntryDiff,
        HeaderChange,
        diff_bodies,
        diff_entries,
    )
    from .cookies import (
        CookieStore,
        StoredCookie,
        collection_key,
        copy_jar,
        load_cookie_file,
        restore_jar,
        save_cookie_file,
    )

_EXPORTS = {
    "BUSY_TIMEOUT_S": "store",
    "FILE_NAME": "store",
    "History": "store",
    "Retention": "store",
    "default_path": "store",
    "Entry": "model",
    "EntrySummary": "model",
    "RecordedRequest": "model",
    "RecordedResponse": "model",
    "iso_time": "model",
    "STATUS_CLASSES": "query",
    "Query": "query",
    "parse_filter": "query",
    "DEFAULT_BODY_CAP": "record",
    "DEFAULT_HEAD_SIZE": "record",
    "env_secrets": "record",
    "SCHEMA_VERSION": "migrations",
    "entry_from_send": "restore",
    "request_from_entry": "restore",
    "response_from_entry": "restore",
    "BodyDiff": "diff",
    "DiffLine": "diff",
    "EntryDiff": "diff",
    "HeaderChange": "diff",
    "diff_bodies": "diff",
    "diff_entries": "diff",
    "CookieStore": "cookies",
    "StoredCookie": "cookies",
    "collection_key": "cookies",
    "copy_jar": "cookies",
    "load_cookie_file": "cookies",
    "restore_jar": "cookies",
    "save_cookie_file": "cookies",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
