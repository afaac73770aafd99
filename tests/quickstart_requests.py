"""Which requests of the bundled quickstart httpbin answers: the `/sse` ones exist only in the
demo's echo server (`reqbench demo`), so tests that replay the quickstart against httpbin
leave them out (the echo server's own tests cover them)."""

from __future__ import annotations

from tui.core.collection.model import Collection

__all__ = ["answered_by_httpbin", "aiohttp_quickstart_only", "without_echo_only"]


def answered_by_httpbin(collection: Collection) -> tuple[str, ...]:
    return tuple(request.name for request in collection.requests if "/sse" not in request.url)


def without_echo_only(collection: Collection) -> Collection:
    """`collection` with only the requests httpbin answers (a new list; the model is shared)."""
    keep = set(answered_by_httpbin(collection))
    collection.requests = [request for request in collection.requests if request.name in keep]
    return collection


def aiohttp_quickstart_only(collection: Collection) -> Collection:
    """`collection` without the streaming requests appended after the aiohttp quickstart's
    30 (NDJSON, SSE): tests that pin the quickstart's count and shape use this; the streams
    have tests of their own (tests/test_engine_streams.py, tests/test_echo_streams.py)."""
    collection.requests = [r for r in collection.requests if "/sse" not in r.url and "/stream/" not in r.url]
    return collection
