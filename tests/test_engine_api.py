"""Pin the engine's public surface: the UI, replay and demo code against it."""

from __future__ import annotations

import inspect

from tui.core.engine import engine
from tui.core.engine import Engine


def test_exported_names() -> None:
    assert set(engine.__all__) == {"Engine", "DEFAULT_MAX_SIZE", "DEFAULT_MEMORY_LIMIT", "STREAM_MEMORY_LIMIT", "USER_AGENT"}
    assert engine.DEFAULT_MEMORY_LIMIT == 64 * 2**20


def test_engine_signature() -> None:
    init = inspect.signature(Engine.__init__)
    assert list(init.parameters) == ["self", "memory_limit", "spill_dir", "max_redirects", "cookies", "max_size", "max_ratio", "clean_spills", "stream_keep"]
    assert all(p.kind is p.KEYWORD_ONLY for name, p in init.parameters.items() if name != "self")
    assert init.parameters["memory_limit"].default == 64 * 2**20
    assert init.parameters["spill_dir"].default is None
    send = inspect.signature(Engine.send)
    assert list(send.parameters) == ["self", "request", "on_event"]
    assert send.parameters["on_event"].default is None
    assert inspect.iscoroutinefunction(Engine.send) and inspect.iscoroutinefunction(Engine.aclose)
    assert isinstance(inspect.getattr_static(Engine, "client_count"), property)
    assert init.parameters["cookies"].default is None
    assert isinstance(inspect.getattr_static(Engine, "cookies"), property)


async def test_context_manager_closes_clients() -> None:
    async with Engine() as eng:
        assert eng.client_count == 0  # clients are made on first use
    assert len(eng._clients) == 0
