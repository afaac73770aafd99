"""`reqbench demo`. OWNER: echo helper."""

from __future__ import annotations

import click


@click.command("demo")
def demo_command() -> None:
    """Open the workbench against an embedded echo server (not implemented yet)."""
    raise click.ClickException("not implemented yet")
