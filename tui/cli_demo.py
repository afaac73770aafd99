"""`reqbench demo`: the workbench on the bundled collection against an embedded echo server.

    reqbench demo                  echo server in a thread + the workbench on a copy of
                                   quickstart.toml in $XDG_DATA_HOME/reqbench/demo/ (saves go there)
    --reset                        copy the bundled collection again
    reqbench demo --serve          only the echo server, in the foreground (Ctrl-C stops it),
                                   e.g. for `reqbench run collections/quickstart.toml --var base=URL`
    --port N                       listen on N (default: a free port)
    --host H                       listen on H (default 127.0.0.1); giving it is the explicit
                                   opt-in a non-loopback address needs
    --history PATH / --no-history  where sends are recorded; by default a temporary history,
                                   deleted on quit (the start notice says so)

Textual and the echo server are imported only when the command runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tui import bundled
from tui.bundled import QUICKSTART, bundled_collection

if TYPE_CHECKING:
    from textual.app import App

    from tui.echo import EchoServer

__all__ = ["demo_command", "bundled_collection", "demo_collection", "demo_folder", "demo_session", "DemoSession"]

def demo_folder(environ: Mapping[str, str] | None = None) -> Path:
    """Where the demo keeps its copy of the bundled collection:
    `$XDG_DATA_HOME/reqbench/demo` (default `~/.local/share/reqbench/demo`)."""
    env = os.environ if environ is None else environ
    data = env.get("XDG_DATA_HOME", "").strip()
    base = Path(data) if data and Path(data).is_absolute() else Path.home() / ".local" / "share"
    return base / "reqbench" / "demo"


def demo_collection(*, reset: bool = False) -> Path:
    """The collection the demo opens: a copy of the bundled folder in `demo_folder()`, made on
    first use (or again with `reset`), so that saving in the demo never rewrites the tracked
    `collections/quickstart.toml` of a checkout. Where the data folder cannot be written, a
    temporary copy."""
    source = bundled.bundled_collection()  # through the module: the tests replace it
    if source is None:
        raise click.ClickException("the bundled collections/quickstart.toml is missing from this installation")
    ignore = shutil.ignore_patterns("downloads", "__pycache__")
    folder = demo_folder()
    try:
        if reset or not (folder / QUICKSTART).is_file():
            shutil.copytree(source.parent, folder, ignore=ignore, dirs_exist_ok=True)
        return folder / QUICKSTART
    except OSError:
        copy = Path(tempfile.mkdtemp(prefix="reqbench-demo-")) / "collections"
        shutil.copytree(source.parent, copy, ignore=ignore)
        return copy / QUICKSTART


def _make_server(port: int, host: str | None) -> EchoServer:
    from tui.echo import EchoServer, EchoServerError

    try:
        return EchoServer(host or "127.0.0.1", port, allow_remote=host is not None)
    except EchoServerError as error:
        raise click.ClickException(str(error)) from None


def demo_notice(url: str, collection: Path | None = None, history: str = "") -> str:
    """What the workbench says on start in demo mode (the status line keeps `base=… pinned`)."""
    notice = f"Demo: {{{{base}}}} is the embedded echo server at {url} whatever the environment; it stops when you quit."
    if collection is not None:
        notice += f" ctrl+s saves to {collection} (reqbench demo --reset starts again)."
    return notice + (f" {history}" if history else "")


@contextmanager
def _demo_history(history: Path | None, no_history: bool) -> Iterator[tuple[Path | None, str]]:
    """The history file of a demo and what the notice says about it: a temporary one unless
    `--history PATH` (kept) or `--no-history`."""
    if no_history:
        yield None, "History is off."
        return
    if history is not None:
        yield history, f"History: {history}."
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="reqbench-demo-") as folder:
        yield Path(folder) / "history.sqlite3", "History: a temporary file, deleted on quit (--history PATH keeps it)."


@dataclass(frozen=True, slots=True)
class DemoSession:
    app: App[None]
    server: EchoServer
    url: str


@contextmanager
def demo_session(
    *, port: int = 0, host: str | None = None, collection: Path | None = None, reset: bool = False,
    history: Path | None = None, no_history: bool = False,
) -> Iterator[DemoSession]:
    """Start the echo server in a thread, build the workbench pointed at it (`base` = its URL),
    stop the server on exit. `reqbench demo` runs `session.app`; tests drive it with `run_test()`.
    Sends are recorded in a temporary history unless `history` (kept) or `no_history`."""
    from tui.app import make_app
    from tui.echo import EchoServerError
    from tui.core.errors import ReqbenchError

    server = _make_server(port, host)
    try:
        url = server.start()
    except EchoServerError as error:
        raise click.ClickException(str(error)) from None
    try:
        with _demo_history(history, no_history) as (history_path, said):
            try:
                path = collection or demo_collection(reset=reset)
                app = make_app(path, overrides={"base": url}, notice=demo_notice(url, path, said), history=history_path)
            except ReqbenchError as error:
                raise click.ClickException(str(error)) from None
            yield DemoSession(app, server, url)
    finally:
        server.stop()


@click.command("demo")
@click.option("--serve", is_flag=True, help="Run only the echo server, in the foreground (Ctrl-C stops it).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port to listen on (default: a free one).")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1). Giving it explicitly allows a non-loopback address.")
@click.option("--reset", is_flag=True, help="Start again from the bundled collection (the demo's copy is replaced).")
@click.option("--history", "history_path", type=click.Path(dir_okay=False), default=None,
              help="Record the demo's sends in this history file (default: a temporary one, deleted on quit).")
@click.option("--no-history", is_flag=True, help="Record nothing.")
def demo_command(serve: bool, port: int, host: str | None, reset: bool = False, history_path: str | None = None, no_history: bool = False) -> None:
    """Try everything offline: the workbench on the bundled collection, against an embedded
    httpbin-compatible echo server (no internet needed)."""
    if serve:
        _serve(port, host)
        return
    history = Path(history_path).expanduser() if history_path is not None else None
    with demo_session(port=port, host=host, reset=reset, history=history, no_history=no_history) as session:
        session.app.run()


def _serve(port: int, host: str | None) -> None:
    from tui.echo import is_loopback

    server = _make_server(port, host)
    if host is not None and not is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach it sees what it echoes", err=True)

    def ready(url: str) -> None:
        bundled = bundled_collection()
        click.echo(f"reqbench echo server on {url}  (Ctrl-C stops it)")
        if bundled is not None:
            click.echo(f"try:  reqbench run {bundled} --var base={url}")

    from tui.echo import EchoServerError

    try:
        server.serve_forever(on_ready=ready)
    except EchoServerError as error:
        raise click.ClickException(str(error)) from None
    click.echo("echo server stopped")
