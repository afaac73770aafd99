"""The Variables screen (`f5`) driven through the keyboard (Pilot): editing `[variables]` and
`[environments.NAME]`, what OK / escape do to the model, the URL preview and the unknown-variable
flags, and what `ctrl+s` writes to disk."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from _pilot import SIZE, paste, settle, type_text
from textual.widgets import Input, Label, OptionList

from tui.app import ReqbenchApp, make_app
from tui.core.collection.model import Pair
from tui.screens.help import HELP_SECTIONS
from tui.screens.variables import NEW_ENVIRONMENT, VariablesScreen, table_problem

COLLECTION = (
    'format = 1\nname = "c"\n\n[variables]\nbase = "http://a.test"\n\n'
    '[environments.local]\nbase = "http://127.0.0.1:1"\n\n'
    '[[requests]]\nname = "one"\nurl = "{{base}}/items/{{id}}"\n'
)


def collection(tmp_path: Path) -> tuple[Path, ReqbenchApp]:
    path = tmp_path / "c.toml"
    path.write_text(COLLECTION)
    return path, make_app(path)


def preview(app: ReqbenchApp) -> str | None:
    label = app.query_one("#url-preview", Label)
    return str(label.content) if label.display else None


async def open_screen(pilot, table: int = 0) -> VariablesScreen:  # type: ignore[no-untyped-def]
    """f5, move to table `table` of the selector (0: defaults) and enter it."""
    await pilot.press("f5")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, VariablesScreen)
    await pilot.press(*["down"] * table, "enter")
    await pilot.pause()
    return screen


async def set_field(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the focused Input's text."""
    await pilot.press("end", "ctrl+u")
    await paste(pilot, text)


def rows(screen: VariablesScreen) -> list[tuple[str, str]]:
    return [(p.name, p.value) for p in screen.table.items]


# -- through the UI --------------------------------------------------------------------------
async def test_editing_a_default_variable_updates_the_preview_and_the_flags(tmp_path: Path) -> None:
    """Change `base`, add the missing `id`: after OK the preview resolves, `{{id}}` is no
    longer flagged and the collection is unsaved."""
    _, app = collection(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.url_bar.unknown == ["id"]
        assert preview(app) == "→ cannot resolve the URL: {{id}} is unknown"
        assert "unknown: {{id}}" in str(app.query_one("#status-bar").content)
        screen = await open_screen(pilot)
        assert rows(screen) == [("base", "http://a.test")]
        assert "{{env:NAME}}" in str(screen.query_one("#vars-hint", Label).content)
        assert isinstance(app.focused, Input) and app.focused.value == "base"
        await pilot.press("tab")  # base's value
        await set_field(pilot, "http://b.test")
        await pilot.press("tab")  # the new row
        await type_text(pilot, "id")
        await pilot.press("tab")
        await type_text(pilot, "7")
        assert rows(screen) == [("base", "http://b.test"), ("id", "7")]
        assert not app.dirty  # nothing applied before OK
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not isinstance(app.screen, VariablesScreen)
        assert app.collection.variables == {"base": "http://b.test", "id": "7"}
        assert app.url_bar.unknown == []
        assert preview(app) == "→ http://b.test/items/7"
        assert app.dirty
        status = str(app.query_one("#status-bar").content)
        assert "●" in status and "unknown" not in status


async def test_removing_a_variable_flags_it_again(tmp_path: Path) -> None:
    _, app = collection(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot)
        await pilot.press("ctrl+r")  # removes `base`, the focused row
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.collection.variables == {}
        assert app.url_bar.unknown == ["base", "id"]


async def test_new_environment_is_saved_with_ctrl_s(tmp_path: Path) -> None:
    """"new environment…": a name, a row, OK; ctrl+s writes `[environments.staging]`."""
    path, app = collection(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, table=2)  # defaults, local, new environment…
        assert screen.shown == NEW_ENVIRONMENT
        assert app.focused is screen.query_one("#vars-new-name", Input)
        await type_text(pilot, "staging")
        await pilot.press("enter")  # on to the rows
        await type_text(pilot, "base")
        await pilot.press("tab")
        await type_text(pilot, "http://staging.test")
        await pilot.press("tab")
        await type_text(pilot, "id")
        await pilot.press("tab")
        await type_text(pilot, "42")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.collection.environments == {
            "local": {"base": "http://127.0.0.1:1"},
            "staging": {"base": "http://staging.test", "id": "42"},
        }
        assert app.dirty
        app.environment = "staging"
        await pilot.pause()
        assert preview(app) == "→ http://staging.test/items/42"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.dirty
    data = tomllib.loads(path.read_text())
    assert data["environments"]["staging"] == {"base": "http://staging.test", "id": "42"}
    assert data["environments"]["local"] == {"base": "http://127.0.0.1:1"}
    assert data["variables"] == {"base": "http://a.test"}


async def test_editing_an_environment_table(tmp_path: Path) -> None:
    path, app = collection(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, table=1)
        assert rows(screen) == [("base", "http://127.0.0.1:1")]
        await pilot.press("tab")
        await set_field(pilot, "http://local.test")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.collection.environments["local"] == {"base": "http://local.test"}
        assert app.collection.variables == {"base": "http://a.test"}
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert tomllib.loads(path.read_text())["environments"]["local"] == {"base": "http://local.test"}


async def test_escape_discards_every_edit(tmp_path: Path) -> None:
    path, app = collection(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot)
        await pilot.press("tab")
        await set_field(pilot, "http://changed.test")
        await pilot.press("tab")
        await type_text(pilot, "id")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, VariablesScreen)
        assert app.collection.variables == {"base": "http://a.test"}
        assert not app.dirty
        assert app.url_bar.unknown == ["id"]
        # and nothing lingers: opening it again shows the collection as it is
        screen = await open_screen(pilot)
        assert rows(screen) == [("base", "http://a.test")]
    assert path.read_text() == COLLECTION


async def test_duplicate_name_is_refused_in_place(tmp_path: Path) -> None:
    _, app = collection(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        await pilot.press("tab", "tab")  # the new row
        await type_text(pilot, "base")
        await pilot.press("tab")
        await type_text(pilot, "http://other.test")
        error = screen.query_one("#vars-error", Label)
        assert "'base' is already defined in this table" in str(error.content)
        names = list(screen.table.query(".kv-name").results(Input))
        assert [field.has_class("-invalid") for field in names] == [False, True, False]
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is screen  # refused: still open, nothing applied
        assert app.collection.variables == {"base": "http://a.test"}
        assert not app.dirty
        # fixed in place: the message goes, OK applies
        await pilot.press("shift+tab")
        await set_field(pilot, "other")
        assert str(error.content) == ""
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not isinstance(app.screen, VariablesScreen)
        assert app.collection.variables == {"base": "http://a.test", "other": "http://other.test"}


async def test_bad_names_are_refused(tmp_path: Path) -> None:
    _, app = collection(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        await set_field(pilot, "{{base}}")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is screen
        assert "without {{ }}" in str(screen.query_one("#vars-error", Label).content)
        await set_field(pilot, "base")
        # a new environment named like an existing one
        screen.query_one("#vars-tables", OptionList).focus()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        await type_text(pilot, "local")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is screen
        assert "environment 'local' already exists" in str(screen.query_one("#vars-error", Label).content)
        assert app.collection.environments == {"local": {"base": "http://127.0.0.1:1"}}


async def test_f5_is_in_the_footer_help_and_palette(tmp_path: Path) -> None:
    _, app = collection(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any(b.key == "f5" and b.action == "variables" and b.show for b in app.BINDINGS if hasattr(b, "key"))
        assert any(cmd.title == "Edit variables" for cmd in app.get_system_commands(app.screen))
    assert ("f5", "edit variables / environments") in HELP_SECTIONS[0][1]


# -- the checks, without UI --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([Pair("a", "1"), Pair("b", "2")], None),
        ([Pair("a", "1"), Pair("", "")], None),  # a blank row is not kept
        ([Pair("a", "1"), Pair("a", "2", enabled=False)], None),  # nor a row left out
        ([Pair("a", "1"), Pair("a", "2")], "'a' is already defined in this table"),
        ([Pair("", "1")], "the value '1' has no name"),
        ([Pair("{{a}}", "1")], "'{{a}}': a name is written without {{ }}"),
        ([Pair("a}}", "1")], "'a}}': a name is written without {{ }}"),
        ([Pair("1a", "1")], "'1a' is not a usable variable name (a letter or _, then letters, digits, _ - .)"),
    ],
)
def test_table_problem(rows: list[Pair], problem: str | None) -> None:
    assert table_problem(rows) == problem
