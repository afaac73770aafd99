"""`reqbench run`. OWNER: replay helper."""

from __future__ import annotations

import click


@click.command("run")
def run_command() -> None:
    """Replay a collection headlessly (not implemented yet)."""
    raise click.ClickException("not implemented yet")
