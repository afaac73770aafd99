"""`reqbench demo`: the workbench on the bundled collection against the embedded echo server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from textual.widgets import OptionList

from _pilot import settle

from tui.cli import main
from tui.cli_demo import bundled_collection, demo_collection, demo_session

REPO = Path(__file__).resolve().parent.parent


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _collection_copy(tmp_path: Path) -> Path:
    target = tmp_path / "collections"
    shutil.copytree(REPO / "collections", target, ignore=shutil.ignore_patterns("downloads"))
    return target / "quickstart.toml"


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo keeps its copy under $XDG_DATA_HOME: never the user's own in the tests."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_bundled_collection_is_found() -> None:
    assert bundled_collection() == REPO / "collections" / "quickstart.toml"


def test_demo_works_on_a_copy_in_the_data_folder(data_home: Path) -> None:
    """Saving in the demo must not rewrite the tracked collections/quickstart.toml of a
    checkout: the demo opens a copy in $XDG_DATA_HOME/reqbench/demo/, made once and kept
    (edits saved there survive the next run) until --reset."""
    bundled = REPO / "collections" / "quickstart.toml"
    copy = demo_collection()
    assert copy == data_home / "reqbench" / "demo" / "quickstart.toml"
    assert copy.read_bytes() == bundled.read_bytes()
    assert (copy.parent / "myfile.txt").is_file() and not (copy.parent / "downloads").exists()
    copy.write_text(copy.read_text() + "\n# edited in the demo\n")
    assert demo_collection() == copy and "edited in the demo" in copy.read_text()
    assert demo_collection(reset=True).read_bytes() == bundled.read_bytes()


def test_demo_folder_follows_xdg() -> None:
    from tui.cli_demo import demo_folder

    assert demo_folder({"XDG_DATA_HOME": "/data"}) == Path("/data/reqbench/demo")
    assert demo_folder({"XDG_DATA_HOME": "relative"}) == Path.home() / ".local/share/reqbench/demo"
    assert demo_folder({}) == Path.home() / ".local/share/reqbench/demo"


async def test_demo_saves_to_the_copy_and_says_where(tmp_path: Path) -> None:
    from textual.widgets._toast import Toast

    bundled = REPO / "collections" / "quickstart.toml"
    before = bundled.read_bytes()
    with demo_session() as session:
        app = session.app
        path = app.collection.path
        assert path is not None and path != bundled.resolve() and "reqbench/demo" in str(path)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
            assert any(f"saves to {path}" in text for text in toasts), toasts
            app.request.name = "renamed in the demo"
            app.main.refresh_model()
            await app.save_collection()
            await pilot.press("ctrl+q")
    assert "renamed in the demo" in path.read_text()
    assert bundled.read_bytes() == before


@pytest.mark.parametrize("layout", ["wheel", "checkout"])
def test_bundled_collection_in_a_wheel_and_in_a_checkout(tmp_path: Path, layout: str) -> None:
    """A wheel ships it in `tui/collections/`; there it wins over a `collections/` that another
    distribution put beside the package in site-packages. A checkout has it beside `tui/`."""
    package = tmp_path / "tui"
    beside = tmp_path / "collections" / "quickstart.toml"
    inside = package / "collections" / "quickstart.toml"
    for path in (beside, inside) if layout == "wheel" else (beside,):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("format = 1\n")
    package.mkdir(exist_ok=True)
    assert bundled_collection(package) == (inside if layout == "wheel" else beside)


def test_no_bundled_collection(tmp_path: Path) -> None:
    (tmp_path / "tui").mkdir()
    assert bundled_collection(tmp_path / "tui") is None


def test_demo_copies_to_a_temporary_folder_when_the_data_folder_cannot_be_made(data_home: Path) -> None:
    data_home.write_text("a file where the data folder should be")  # (chmod does not stop root)
    copy = demo_collection()
    try:
        assert "reqbench-demo-" in str(copy) and copy.name == "quickstart.toml"
        assert copy.read_bytes() == (REPO / "collections" / "quickstart.toml").read_bytes()
    finally:
        shutil.rmtree(copy.parent.parent)


def test_demo_without_a_bundle_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui import bundled

    monkeypatch.setattr(bundled, "bundled_collection", lambda package=None: None)
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 1
    assert "quickstart.toml is missing" in result.output


async def test_demo_shows_where_requests_go(tmp_path: Path) -> None:
    """The status line names the override (`base` = the echo server's URL, pinned) next to
    `env: -`, before the request (at 80 columns it is not what gets cut), and a notification
    on start says this is the demo; choosing an environment says base stays pinned."""
    from textual.widgets import Label
    from textual.widgets._toast import Toast

    with demo_session(collection=_collection_copy(tmp_path)) as session:
        app = session.app
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            status = str(app.query_one("#status-bar", Label).content)
            pinned = f"base={session.url.removeprefix('http://')} pinned"
            assert pinned in status
            assert "env: -" in status  # no environment chosen: the override is what applies
            assert status.index(pinned) < status.index(f"1/{len(app.collection.requests)} ")
            assert len(status[: status.index(pinned) + len(pinned)]) <= 78  # fits 80 columns
            toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
            assert any("Demo" in text and session.url in text for text in toasts), toasts
            await pilot.press("ctrl+q")


async def test_demo_workbench_sends_to_the_embedded_server(tmp_path: Path) -> None:
    threads_before = set(threading.enumerate())
    with demo_session(collection=_collection_copy(tmp_path)) as session:
        app, server = session.app, session.server
        names = [r.name for r in app.collection.requests]  # type: ignore[attr-defined]
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            # the sidebar lists the collection's requests
            listing = app.query_one("#request-list", OptionList)
            prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
            assert any("get" in p for p in prompts) and any("chunked stream upload" in p for p in prompts)

            # the first request ("get") goes to the echo server, not to httpbin.org
            await pilot.press("ctrl+j")
            await settle(pilot)
            response = app.last_response  # type: ignore[attr-defined]
            assert response is not None and response.status == 200
            assert response.json()["url"] == f"{session.url}/get"
            assert server.requests_served == 1
            assert "200" in app.query_one("#response").status_text  # type: ignore[attr-defined]

            # pick the chunked upload in the sidebar and send it
            listing.focus()
            listing.highlighted = next(i for i, p in enumerate(prompts) if "chunked stream upload" in p)
            await pilot.press("enter")
            await pilot.pause()
            assert app.request.name == "chunked stream upload"  # type: ignore[attr-defined]
            await pilot.press("ctrl+j")
            await settle(pilot)
            echoed = app.last_response.json()  # type: ignore[attr-defined]
            assert echoed["headers"]["Transfer-Encoding"] == "chunked"
            assert echoed["data"].startswith("Hello from reqbench!")
            assert server.requests_served == 2
            assert server.connections_accepted == 1  # the workbench's one pooled client kept it alive
            await pilot.press("ctrl+q")
        port = server.port
        assert "chunked stream upload" in names
    # quitting left nothing behind: no server thread, nothing listening
    assert not _accepts_connections(port)
    leftovers = [t.name for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    # "asyncio_N" are the default executor of this test's own event loop (aiofiles reads the
    # streamed upload there); they end with that loop. Anything else would be ours.
    assert [name for name in leftovers if not name.startswith("asyncio_")] == []
    assert not any(t.name.startswith("reqbench-echo") for t in threading.enumerate())


def test_demo_refuses_a_port_in_use() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = CliRunner().invoke(main, ["demo", "--serve", "--port", str(busy.getsockname()[1])])
    assert result.exit_code == 1
    assert "cannot start the echo server" in result.output


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_demo_serve_in_the_foreground_until_stopped(stop_signal: signal.Signals) -> None:
    """A real `reqbench demo --serve` process: prints its URL, serves, stops on Ctrl-C or SIGTERM."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "tui", "demo", "--serve"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("reqbench echo server on http://127.0.0.1:")
        url = first.split()[4]
        assert "reqbench run" in process.stdout.readline()
        assert httpx.get(url + "/get", params={"a": "1"}).json()["args"] == {"a": "1"}
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "echo server stopped" in out
    assert not _accepts_connections(int(url.rsplit(":", 1)[1]))


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1"])
def test_non_loopback_needs_the_explicit_host_option(host: str) -> None:
    from tui.echo import EchoServer, EchoServerError

    with pytest.raises(EchoServerError, match="refusing"):
        EchoServer(host=host)


def test_reqbench_demo_command_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """`reqbench demo` exactly as users run it, with the app made headless and driven by an
    auto-pilot: the first request reaches the embedded server; after quitting nothing is left."""
    from textual.pilot import Pilot

    from tui.app import ReqbenchApp

    seen: dict[str, object] = {}
    original_run = ReqbenchApp.run

    async def auto_pilot(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.pause()
        await pilot.press("ctrl+j")
        await settle(pilot)
        seen["response"] = app.last_response  # type: ignore[attr-defined]
        await pilot.press("ctrl+q")

    def headless_run(self: ReqbenchApp, **_: object) -> None:
        original_run(self, headless=True, size=(100, 30), auto_pilot=auto_pilot)

    monkeypatch.setattr(ReqbenchApp, "run", headless_run)
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    response = seen["response"]
    assert response is not None
    url = response.json()["url"]  # type: ignore[attr-defined]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/get")
    assert not _accepts_connections(int(url.split(":")[2].split("/")[0]))
    assert not any(t.name.startswith("reqbench-echo") for t in threading.enumerate())
