"""A bug that ends the workbench must not cost the user their unsaved edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import make_app
from tui.core.collection import store


class Boom(RuntimeError):
    pass


def _collection(tmp_path: Path) -> Path:
    path = tmp_path / "api.toml"
    path.write_text('format = 1\n\n[[requests]]\nname = "get"\nurl = "http://127.0.0.1:9/get"\n')
    return path


async def test_unsaved_edits_are_kept_in_a_recovery_copy(tmp_path: Path) -> None:
    path = _collection(tmp_path)
    original = path.read_bytes()
    app = make_app(path)

    def fail() -> None:
        raise Boom("a bug")

    with pytest.raises(Boom):
        async with app.run_test(size=(80, 24)) as pilot:
            await app.ready()
            app.workspace.request.url = "http://127.0.0.1:9/edited"
            app.workspace.collection.requests.append(type(app.workspace.request)(name="added"))
            assert app.workspace.dirty
            app.call_later(fail)
            await pilot.pause()
    assert app.recovery_path is not None
    assert app.recovery_path.parent == tmp_path and app.recovery_path != path
    kept = store.load(app.recovery_path)
    assert [r.name for r in kept.requests] == ["get", "added"]
    assert kept.requests[0].url == "http://127.0.0.1:9/edited"
    assert path.read_bytes() == original  # the user's file is untouched


async def test_nothing_is_written_without_unsaved_edits(tmp_path: Path) -> None:
    path = _collection(tmp_path)
    app = make_app(path)

    def fail() -> None:
        raise Boom("a bug")

    with pytest.raises(Boom):
        async with app.run_test(size=(80, 24)) as pilot:
            await app.ready()
            app.call_later(fail)
            await pilot.pause()
    assert app.recovery_path is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api.toml"]
