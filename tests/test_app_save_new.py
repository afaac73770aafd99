"""`reqbench NEW.toml`: if another program creates NEW.toml before ctrl+s, the save asks
before replacing it (issue 15); the check and the write are one step (`expect_absent`)."""

from __future__ import annotations

from pathlib import Path

from _pilot import SIZE, settle, type_text
from tui.app import make_app
from tui.screens.confirm import ChoiceScreen

THEIRS = 'format = 1\nname = "theirs"\n'


async def test_a_new_file_created_meanwhile_is_not_replaced_without_asking(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        await type_text(pilot, "http://127.0.0.1:9/mine")
        path.write_text(THEIRS)  # another program, after the workbench opened
        await pilot.press("ctrl+s")
        await pilot.pause()  # not settle(): the save flow's worker waits for the answer
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("n")
        await settle(pilot)
        assert path.read_text() == THEIRS
        assert app.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "127.0.0.1:9/mine" in path.read_text()
        assert not app.dirty


async def test_a_new_file_is_created_without_a_question(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await app.ready()
        await type_text(pilot, "http://127.0.0.1:9/mine")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceScreen)
        assert "127.0.0.1:9/mine" in path.read_text()
        await pilot.press("ctrl+s")  # now it is ours: a second save just saves
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceScreen)
