"""Room and discoverability (issue 10 part B), driven with Pilot: full-screen panes (f8 / f9),
small terminals, the response tabs' keys, re-decoding a response in another encoding, the
sidebar in one press, the footer, the help and the palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from _pilot import settle, set_url, send

from tui.app import ReqbenchApp, make_app
from tui.commands import COMMANDS
from tui.core import errors
from tui.core.display.encodings import COMMON_ENCODINGS, text_encoding
from tui.screens.encoding import EncodingPicker
from tui.screens.help import HELP_SECTIONS, help_table
from tui.widgets.footer import EagerFooter, fit_entries
from tui.widgets.zoom_hint import ZoomHint

COLLECTION = 'format = 1\nname = "c"\n\n[[requests]]\nname = "one"\nurl = "http://127.0.0.1:9/one"\n'


def app_in(tmp_path: Path) -> ReqbenchApp:
    path = tmp_path / "c.toml"
    path.write_text(COLLECTION)
    return make_app(path)


def visible(app: ReqbenchApp, selector: str) -> bool:
    widget = app.main.query_one(selector)
    return widget.display and widget.region.height > 0


def hint(app: ReqbenchApp) -> str:
    widget = app.main.query_one(ZoomHint)
    return str(widget.content) if widget.display else ""


# -- full screen and small terminals ----------------------------------------------------------


async def test_f8_gives_the_response_the_screen_and_back(tmp_path: Path, httpbin_url: str) -> None:
    app = app_in(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.ready()
        await set_url(pilot, f"{httpbin_url}/get")
        await send(pilot)
        normal = app.viewer.body_view.region.height
        await pilot.press("f8")
        await pilot.pause()
        assert not visible(app, "#request-tabs") and not visible(app, "#url-bar")
        assert app.viewer.body_view.region.height >= normal + 10  # ~7 lines before at 80x24
        assert "Request editor hidden" in hint(app) and "f8" in hint(app)
        assert app.viewer in app.focused.ancestors_with_self  # type: ignore[union-attr]
        await pilot.press("f8")
        await pilot.pause()
        assert visible(app, "#request-tabs") and visible(app, "#response") and hint(app) == ""


async def test_f9_gives_the_editor_the_screen_and_ctrl_l_alt_r_leave_it(tmp_path: Path) -> None:
    app = app_in(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.ready()
        tabs = app.main.query_one("#request-tabs").region.height
        await pilot.press("f9")
        await pilot.pause()
        assert not visible(app, "#response") and app.main.query_one("#request-tabs").region.height > tabs
        assert "Response hidden" in hint(app)
        await pilot.press("alt+r")  # going to the response shows it again
        await pilot.pause()
        assert visible(app, "#response") and visible(app, "#request-tabs")
        await pilot.press("f8", "ctrl+l")  # and going to the URL from the full-screen response
        await pilot.pause()
        assert visible(app, "#url-bar") and app.focused is app.url_bar.url_input


@pytest.mark.parametrize("size", [(40, 12), (60, 20)])
async def test_a_small_terminal_shows_one_part_and_says_what_is_hidden(tmp_path: Path, httpbin_url: str, size: tuple[int, int]) -> None:
    """Below 22 rows the editor and the response do not both fit: the editor first, saying the
    response is hidden and how to show it; a send shows the response (and says the editor is
    hidden); f8 goes back."""
    app = app_in(tmp_path)
    async with app.run_test(size=size) as pilot:
        await app.ready()
        assert visible(app, "#url-bar") and not visible(app, "#response")
        assert "Response hidden · f8" in hint(app)
        await set_url(pilot, f"{httpbin_url}/get")
        await send(pilot)
        assert visible(app, "#response") and app.viewer.body_view.region.height >= size[1] - 8
        assert "Request editor hidden" in hint(app)
        await pilot.press("f8")
        await pilot.pause()
        assert visible(app, "#url-bar") and not visible(app, "#response")


# -- response tabs ----------------------------------------------------------------------------


async def test_response_tabs_have_keys_and_scroll_at_once(tmp_path: Path, httpbin_url: str) -> None:
    app = app_in(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.ready()
        await set_url(pilot, f"{httpbin_url}/response-headers?" + "&".join(f"X-H{i}=v{i}" for i in range(40)))
        await send(pilot)
        await pilot.press("alt+r", "2")
        await pilot.pause()
        assert app.viewer.tabs.active == "tab-headers"
        scroll = app.viewer.query_one("#headers-scroll")
        assert app.focused is scroll
        await pilot.press("down", "down", "pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0  # the arrows scroll the headers, no extra tab presses
        await pilot.press("t")
        assert app.viewer.tabs.active == "tab-timing"
        await pilot.press("4")
        assert app.viewer.tabs.active == "tab-request"
        await pilot.press("alt+r")  # alt+r in the pane: the next tab (cycles)
        await pilot.pause()
        assert app.viewer.tabs.active == "tab-body" and app.focused is app.viewer.body_view


# -- encoding ---------------------------------------------------------------------------------


def test_text_encoding_accepts_text_codecs_only() -> None:
    assert text_encoding("latin-1") == "iso8859-1" and text_encoding(" UTF8 ") == "utf-8"
    for name, _ in COMMON_ENCODINGS:
        assert text_encoding(name)
    for bad in ("rot13", "base64", "zlib", "hex", "no-such-codec"):
        with pytest.raises(errors.EncodingError):
            text_encoding(bad)


async def test_a_response_is_decoded_again_without_resending(tmp_path: Path, fault_url: str) -> None:
    """`/charset` answers the latin-1 bytes of "café!!" labelled utf-8: shown with a
    replacement character; `e`, latin-1 shows "café" from the bytes already received (same
    response object, nothing sent), and the status line names the encoding."""
    app = app_in(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.ready()
        await set_url(pilot, f"{fault_url}/charset?text=caf%C3%A9!!&declared=utf-8&actual=latin-1")
        await send(pilot)
        first = app.last_response
        assert first is not None and "caf\ufffd" in app.viewer.body_text
        await pilot.press("alt+r", "e")
        await pilot.pause()
        assert isinstance(app.screen, EncodingPicker)
        picker = app.screen.query_one(OptionList)
        picker.highlighted = next(i for i, o in enumerate(picker._options) if o.id == "enc:latin-1")
        await pilot.press("enter")
        await settle(pilot)
        assert "café" in app.viewer.body_text
        assert app.last_response is first and app.viewer.response is first and not app.sending
        assert app.viewer.status_text.endswith("· iso8859-1")
        await pilot.press("e", "tab")  # a name typed in: a codec that is not text is refused
        await pilot.press(*"rot13", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EncodingPicker)
        await pilot.press("ctrl+u", *"utf-16", "enter")
        await settle(pilot)
        assert app.viewer.status_text.endswith("· utf-16") and "café" not in app.viewer.body_text


# -- sidebar, footer, help, palette -----------------------------------------------------------


async def test_ctrl_b_hides_the_sidebar_in_one_press_from_the_editor(tmp_path: Path) -> None:
    app = app_in(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.ready()
        assert app.sidebar_tree.region.width > 0 and app.focused is app.url_bar.url_input
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.sidebar_tree.region.width == 0
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.sidebar_tree.region.width > 0 and app.sidebar_tree.option_list.has_focus


def test_footer_leaves_out_whole_entries() -> None:
    entries = [("/", "Search", "search"), ("p", "Raw", "raw"), ("s", "Save…", "save"), ("f1", "Help", "help")]
    assert fit_entries(entries, 100) == entries
    # 8 + 6 for search and raw, 8 for help: "Save…" does not fit whole and is left out.
    assert fit_entries(entries, 25) == [entries[0], entries[1], entries[3]]
    assert fit_entries(entries, 3) == [entries[3]]  # help stays whatever it costs


async def test_footer_at_80_columns_has_no_cut_label(tmp_path: Path, httpbin_url: str) -> None:
    app = app_in(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.ready()
        await set_url(pilot, f"{httpbin_url}/get")
        await send(pilot)
        for keys in ((), ("alt+r",), ("alt+o",)):
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause()
            footer = app.main.query_one(EagerFooter)
            keys_shown = list(footer.query("FooterKey"))
            assert any(key.description == "Help" for key in keys_shown)
            right = max(key.region.right for key in keys_shown)
            assert right <= 80 and all(key.region.width >= len(key.description) for key in keys_shown)


def test_help_lists_every_shown_and_documented_key() -> None:
    from tui.widgets.response_viewer import ResponseViewer

    listed = " ".join(f"{keys} {what}" for _, rows in HELP_SECTIONS for keys, what in rows)
    bindings = [*ReqbenchApp.BINDINGS, *ResponseViewer.BINDINGS]
    for binding in bindings:
        key = binding.key.split(",")[0].replace("question_mark", "?").replace("slash", "/")  # type: ignore[union-attr]
        assert key in listed, key
    assert listed.index("ctrl+j") < listed.index("ctrl+enter")  # tmux sends ctrl+enter as enter


def test_help_keeps_its_descriptions_readable_when_narrow() -> None:
    from rich.console import Console

    for width in (40, 54, 76):
        console = Console(width=width, record=True)
        console.print(help_table(width))
        text = console.export_text()
        assert "cancel the running request" in text  # never squeezed to a few letters a line


def test_palette_titles_are_unique_and_name_every_action() -> None:
    titles = [command.title for command in COMMANDS]
    assert len(titles) == len(set(titles)) and "Keys" not in titles  # Textual has its own "Keys"
    actions = " ".join(command.action for command in COMMANDS)
    for action in ("zoom('response')", "zoom('editor')", "external_editor", "choose_encoding", "show_tab('tab-timing')", "save_body"):
        assert action in actions
