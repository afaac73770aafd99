"""`reqbench demo`: the workbench on the bundled collection against an embedded echo server.

    reqbench demo                  echo server in a thread + the workbench on quickstart.toml
    reqbench demo --serve          only the echo server, in the foreground (Ctrl-C stops it),
                                   e.g. for `reqbench run collections/quickstart.toml --var base=URL`
    --port N                       listen on N (default: a free port)
    --host H                       listen on H (default 127.0.0.1); giving it is the explicit
                                   opt-in a non-loopback address needs

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


def demo_notice(url: str) -> str:
    """What the workbench says on start in demo mode (the status line keeps `base=URL`)."""
    return f"Demo: {{{{base}}}} is the embedded echo server at {url}; it stops when you quit."


@dataclass(frozen=True, slots=True)
class DemoSession:
    app: App[None]
    server: EchoServer
    url: str


@contextmanager
def demo_session(*, port: int = 0, host: str | None = None, collection: Path | None = None) -> Iterator[DemoSession]:
    """Start the echo server in a thread, build the workbench pointed at it (`base` = its URL),
    stop the server on exit. `reqbench demo` runs `session.app`; tests drive it with `run_test()`."""
    from tui.app import make_app
    from tui.echo import EchoServerError
    from tui.core.errors import ReqbenchError

    server = _make_server(port, host)
    try:
        url = server.start()
    except EchoServerError as error:
        raise click.ClickException(str(error)) from None
    try:
        try:
            app = make_app(collection or demo_collection(), overrides={"base": url}, notice=demo_notice(url))
        except ReqbenchError as error:
            raise click.ClickException(str(error)) from None
        yield DemoSession(app, server, url)
    finally:
        server.stop()


@click.command("demo")
@click.option("--serve", is_flag=True, help="Run only the echo server, in the foreground (Ctrl-C stops it).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port to listen on (default: a free one).")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1). Giving it explicitly allows a non-loopback address.")
def demo_command(serve: bool, port: int, host: str | None) -> None:
    """Try everything offline: the workbench on the bundled collection, against an embedded
    httpbin-compatible echo server (no internet needed)."""
    if serve:
        _serve(port, host)
        return
    with demo_session(port=port, host=host) as session:
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
