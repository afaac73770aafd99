"""`s` in the response: an existing file is replaced only after asking, and the write is atomic
(a temp file then a link/rename: the old file stays whole until the new one is complete)."""

from __future__ import annotations

from pathlib import Path

from _pilot import settle
from test_response_viewer import Host, make_response, viewer_of
from tui.screens.confirm import ChoiceScreen


async def test_an_existing_file_is_replaced_only_after_asking(tmp_path: Path) -> None:
    target = tmp_path / "body.json"
    target.write_bytes(b"mine")
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(b'{"new": 1}', content_type="application/json"))
        await settle(pilot)
        viewer.save_body(target)
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_bytes() == b"mine"
        viewer.save_body(target)
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert target.read_bytes() == b'{"new": 1}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["body.json"]  # no temp file left


async def test_a_new_file_is_written_without_asking(tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = viewer_of(app)
        viewer.show_response(make_response(b"[1, 2]", content_type="application/json"))
        await settle(pilot)
        viewer.save_body(target)
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceScreen)
        assert target.read_bytes() == b"[1, 2]"
