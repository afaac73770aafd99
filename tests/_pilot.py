"""Driving a Textual app from the tests the way a user does (Pilot), in one place.

    from _pilot import SIZE, choose, paste, press_as_terminal, send, set_url, settle, type_text

`tests/` is on sys.path (pytest's rootdir conftest), so test modules import this directly.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Select

__all__ = ["SIZE", "choose", "paste", "press_as_terminal", "send", "set_url", "settle", "type_text"]

SIZE = (100, 32)  # the workbench tests' terminal: wide enough for every pane, not the sidebar


async def settle(pilot: Pilot) -> None:
    """Let the workers finish (send, pretty-printing, search), then let the UI catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    """Type `text` into the focused widget: the first key is pressed, the rest arrives as a
    paste (pressing every key costs Pilot ~70 ms each)."""
    await pilot.press(text[0])
    if text[1:]:
        await paste(pilot, text[1:])


async def paste(pilot: Pilot, text: str) -> None:
    """What a terminal sends for a paste (bracketed paste) into the focused widget: faster than
    pressing every key, and a path users take all the time for URLs."""
    assert pilot.app.focused is not None
    pilot.app.post_message(events.Paste(text))  # the app forwards it to the focused widget
    await pilot.pause()


async def set_url(pilot: Pilot, url: str) -> None:
    await pilot.press("ctrl+l", "ctrl+u")
    await paste(pilot, url)


async def choose(pilot: Pilot, select: Select, label: str) -> None:  # type: ignore[type-arg]
    """Pick an option of a Select with the keyboard: open it, type to search, enter."""
    select.focus()
    await pilot.press("enter")
    await pilot.press(*label)
    await pilot.press("enter")
    await pilot.pause()


async def press_as_terminal(pilot: Pilot, key: str, character: str) -> None:
    """A key as a real terminal driver reports it: alt+x arrives with the character "x"
    (Pilot's `press` sends alt keys without a character, which hides typing bugs)."""
    assert pilot.app._driver is not None
    event = events.Key(key, character)
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


async def send(pilot: Pilot) -> App[None]:
    """ctrl+j, then wait for the response (or error) to be shown."""
    await pilot.press("ctrl+j")
    await pilot.pause()
    await settle(pilot)
    return pilot.app
