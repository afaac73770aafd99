"""Regenerate the SVG screenshots in this folder from the real app (no network needed).

    python screenshots/make.py            # writes screenshots/*.svg

It starts the embedded echo server (`tui.echo`), opens the bundled
`collections/quickstart.toml` through `tui.app.make_app` (the factory the CLI and the tests
use) with `base` pointing at the echo server, drives it with Textual's Pilot the way a user
would, and saves each screen with `App.save_screenshot`. Downloads made by the shots go to a
temporary copy of the collection folder, so the repository is left untouched.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from textual import events
from textual.pilot import Pilot

from tui.app import ReqbenchApp, make_app
from tui.echo import EchoServer

Shot = Callable[[Pilot, str], Awaitable[None]]


async def settle(pilot: Pilot) -> None:
    await app_of(pilot).ready()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)
    for widget in pilot.app.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


def app_of(pilot: Pilot) -> ReqbenchApp:
    assert isinstance(pilot.app, ReqbenchApp)
    return pilot.app


def open_request(app: ReqbenchApp, name: str) -> None:
    app.load_request([r.name for r in app.collection.requests].index(name))


async def main_screen(pilot: Pilot, base: str) -> None:
    await settle(pilot)


async def json_response(pilot: Pilot, base: str) -> None:
    app = app_of(pilot)
    open_request(app, "get with params")
    await pilot.press("ctrl+j")
    await settle(pilot)


async def post_json(pilot: Pilot, base: str) -> None:
    app = app_of(pilot)
    open_request(app, "post json")
    await pilot.press("alt+b")
    await pilot.press("ctrl+j")
    await settle(pilot)


async def multipart(pilot: Pilot, base: str) -> None:
    app = app_of(pilot)
    open_request(app, "post form data with a file")
    await pilot.press("alt+b")
    await pilot.press("ctrl+j")
    await settle(pilot)
    app.viewer.query_one("#response-tabs").active = "tab-timing"  # type: ignore[attr-defined]
    await settle(pilot)


async def download_in_progress(pilot: Pilot, base: str) -> None:
    app = app_of(pilot)
    open_request(app, "stream download to a file")
    await pilot.press("ctrl+l", "ctrl+u")
    app.post_message(events.Paste("{{base}}/drip?numbytes=4000000&duration=8"))
    await pilot.pause()
    await pilot.press("alt+o")
    app.options_pane.query_one("#opt-overwrite").value = True  # type: ignore[attr-defined]
    await pilot.press("ctrl+j")
    for _ in range(100):
        await pilot.pause(0.1)
        if " / " in app.viewer.transfer.text:  # "1.4 MiB / 3.8 MiB · …": bytes are flowing
            break
    await pilot.pause(1.0)
    for widget in app.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


async def error_refused(pilot: Pilot, base: str) -> None:
    app = app_of(pilot)
    open_request(app, "get")
    await pilot.press("ctrl+l", "ctrl+u")
    app.post_message(events.Paste("http://127.0.0.1:9/get"))
    await pilot.pause()
    await pilot.press("ctrl+j")
    await settle(pilot)


async def unknown_variable(pilot: Pilot, base: str) -> None:
    app = app_of(pilot)
    open_request(app, "get")
    await pilot.press("ctrl+l", "ctrl+u")
    app.post_message(events.Paste("{{base}}/get?token={{token}}"))
    await pilot.pause()
    await pilot.press("ctrl+j")
    await settle(pilot)


async def sidebar(pilot: Pilot, base: str) -> None:
    await pilot.press("ctrl+b")
    await settle(pilot)


async def environment(pilot: Pilot, base: str) -> None:
    await pilot.press("f4")
    await settle(pilot)


async def help_screen(pilot: Pilot, base: str) -> None:
    await pilot.press("f1")
    await settle(pilot)


SHOTS: list[tuple[str, tuple[int, int], Shot]] = [
    ("main-80x24", (80, 24), main_screen),
    ("json-response-120x40", (120, 40), json_response),
    ("post-json-120x40", (120, 40), post_json),
    ("multipart-timing-120x40", (120, 40), multipart),
    ("download-progress-100x32", (100, 32), download_in_progress),
    ("error-refused-100x32", (100, 32), error_refused),
    ("unknown-variable-100x32", (100, 32), unknown_variable),
    ("sidebar-80x24", (80, 24), sidebar),
    ("environment-100x32", (100, 32), environment),
    ("help-80x24", (80, 24), help_screen),
]


async def take(name: str, size: tuple[int, int], shot: Shot, collection: Path, base: str) -> Path:
    app = make_app(collection, overrides={"base": base})
    async with app.run_test(size=size) as pilot:
        await shot(pilot, base)
        path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(HERE)))
        app.workers.cancel_all()
        await pilot.pause()
    return path


async def main() -> None:
    only = set(sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="reqbench-shots-") as tmp:
        folder = Path(tmp) / "collections"
        shutil.copytree(ROOT / "collections", folder, ignore=shutil.ignore_patterns("downloads"))
        with EchoServer() as server:
            for name, size, shot in SHOTS:
                if only and name not in only:
                    continue
                path = await take(name, size, shot, folder / "quickstart.toml", server.url)
                print(path.relative_to(ROOT))


if __name__ == "__main__":
    asyncio.run(main())
