"""The `reqbench` command: open the workbench (default), `run`, `demo`.

Subcommands live in their own modules and import their heavy parts lazily, so
`reqbench --help` and `reqbench run` never pay for Textual.
"""

from __future__ import annotations

from pathlib import Path

import click

from tui.cli_demo import demo_command
from tui.cli_export import export_group
from tui.cli_history import history_group
from tui.cli_import import import_command
from tui.cli_run import run_command


class _DefaultToOpen(click.Group):
    """`reqbench [COLLECTION]` opens the workbench; a known subcommand name runs that instead."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["open", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToOpen, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reqbench")
@click.pass_context
def main(ctx: click.Context) -> None:
    """reqbench: a terminal HTTP request workbench.

    \b
    reqbench [COLLECTION.toml]   open the workbench (default: collections/quickstart.toml)
    reqbench run FILE.toml       replay a collection headlessly (see `reqbench run --help`)
    reqbench demo                open the workbench against an embedded local echo server
    reqbench history             list what was sent (see `reqbench history --help`)
    reqbench import SOURCE       a collection from curl, HAR, .http, Postman, Insomnia, OpenAPI
    reqbench export FORMAT FILE  curl, HTTPie, httpx, aiohttp, Hurl, HAR or Locust from a collection
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(open_command)


@main.command("open")
@click.argument("collection", required=False, type=click.Path(dir_okay=False))
@click.option("--env", "environment", help="Environment to start with.")
@click.option("--allow-path", "allowed_paths", multiple=True, type=click.Path(file_okay=False), help="Also allow file paths under DIR.")
@click.option("--history", "history_path", type=click.Path(dir_okay=False), default=None,
              help="History file (default: $REQBENCH_HISTORY, else ~/.local/state/reqbench/history.sqlite3).")
@click.option("--no-history", is_flag=True, help="Record nothing; cookies last for the session only.")
def open_command(
    collection: str | None = None,
    environment: str | None = None,
    allowed_paths: tuple[str, ...] = (),
    history_path: str | None = None,
    no_history: bool = False,
) -> None:
    """Open the workbench on COLLECTION (a .toml file)."""
    from tui.app import run_app

    run_app(collection, environment=environment, allowed_paths=allowed_paths, history=history_choice(history_path, no_history))


def history_choice(history_path: str | None, no_history: bool) -> Path | None:
    """The history file `--history` / `--no-history` (and $REQBENCH_HISTORY) select; None: off."""
    if no_history:
        return None
    if history_path is not None:
        return Path(history_path).expanduser()
    from tui.core.history.store import default_path

    return default_path()


main.add_command(run_command)
main.add_command(demo_command)
main.add_command(history_group)
main.add_command(import_command)
main.add_command(export_group)
