"""`reqbench demo`: the workbench on the bundled collection against an embedded echo server.

    reqbench demo                  echo server in a thread + the workbench on quickstart.toml
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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tui.bundled import bundled_collection, default_collection

if TYPE_CHECKING:
    from textual.app import App

    from tui.echo import EchoServer

__all__ = ["demo_command", "bundled_collection", "demo_collection", "demo_session", "DemoSession"]

def demo_collection() -> Path:
    """The collection the demo opens: the bundled one, or a private copy of its folder where
    that cannot be written (`tui.bundled.default_collection`, as `reqbench` without argument)."""
    path = default_collection()
    if path is None:
        raise click.ClickException("the bundled collections/quickstart.toml is missing from this installation")
    return path


def _make_server(port: int, host: str | None) -> EchoServer:
    from tui.echo import EchoServer, EchoServerError

    try:
        return EchoServer(host or "127.0.0.1", port, allow_remote=host is not None)
    except EchoServerError as error:
        raise click.ClickException(str(error)) from None


def demo_notice(url: str, history: str = "") -> str:
    """What the workbench says on start in demo mode (the status line keeps `base=URL`)."""
    return f"Demo: {{{{base}}}} is the embedded echo server at {url}; it stops when you quit." + (f" {history}" if history else "")


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
    *, port: int = 0, host: str | None = None, collection: Path | None = None, history: Path | None = None, no_history: bool = False
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
                app = make_app(
                    collection or demo_collection(), overrides={"base": url}, notice=demo_notice(url, said), history=history_path
                )
            except ReqbenchError as error:
                raise click.ClickException(str(error)) from None
            yield DemoSession(app, server, url)
    finally:
        server.stop()


@click.command("demo")
@click.option("--serve", is_flag=True, help="Run only the echo server, in the foreground (Ctrl-C stops it).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port to listen on (default: a free one).")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1). Giving it explicitly allows a non-loopback address.")
@click.option("--history", "history_path", type=click.Path(dir_okay=False), default=None,
              help="Record the demo's sends in this history file (default: a temporary one, deleted on quit).")
@click.option("--no-history", is_flag=True, help="Record nothing.")
def demo_command(serve: bool, port: int, host: str | None, history_path: str | None = None, no_history: bool = False) -> None:
    """Try everything offline: the workbench on the bundled collection, against an embedded
    httpbin-compatible echo server (no internet needed)."""
    if serve:
        _serve(port, host)
        return
    history = Path(history_path).expanduser() if history_path is not None else None
    with demo_session(port=port, host=host, history=history, no_history=no_history) as session:
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
