"""`reqbench export FORMAT COLLECTION`: write requests in another tool's format.

One subcommand per entry of `tui.core.formats.exporters.EXPORTERS`, all with the same
options plus the format's own (`Exporter.options`), so adding a format to the registry adds
its subcommand here. Heavy imports happen inside the command.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tui.cli_run import EXIT_USAGE, _collection_error, _parse_vars
from tui.core.formats.exporters import EXPORTERS, Exporter, ExportOption

__all__ = ["export_group"]

_HELP = """Write the requests of COLLECTION (a .toml file) as FORMAT.

\b
Variables are resolved as `reqbench run` resolves them (--env, --var), but {{env:NAME}}
values stay references to the environment ($NAME in shell, os.environ["NAME"] in Python,
{{NAME}} with hurl --variable, masked in HAR): secrets are never written out. A request the
format cannot express is refused (exit 2, naming it) unless --skip-unsupported.

\b
Examples:
  reqbench export curl collections/quickstart.toml -r "post json"
  reqbench export httpx collections/quickstart.toml --env local -o quickstart.py
  reqbench export har api.toml -o api.har

\b
Exit codes: 0 written; 2 the collection, a request or the command line is wrong.
"""


class _Formats(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # registry order, not alphabetical


@click.group("export", cls=_Formats, help=_HELP, subcommand_metavar="FORMAT COLLECTION [OPTIONS]", context_settings={"help_option_names": ["-h", "--help"]})
def export_group() -> None:
    pass


def _option(option: ExportOption) -> Any:
    flag = "--" + option.name.replace("_", "-")
    if option.type is bool:
        return click.option(f"{flag}/--no-{flag[2:]}", option.name, default=option.default, show_default=True, help=option.help)
    return click.option(flag, option.name, type=option.type, default=option.default, show_default=True, help=option.help)


def _fail(message: str) -> None:
    for line in message.splitlines():
        click.echo(f"error: {line}", err=True)
    sys.exit(EXIT_USAGE)


def _export(exporter: Exporter, collection_path: Path, names: tuple[str, ...], output: Path | None, environment: str | None,
            overrides: dict[str, str], allowed_paths: tuple[Path, ...], skip_unsupported: bool, options: dict[str, object]) -> None:
    from tui.cli_run import _load
    from tui.core.errors import CollectionError, ReqbenchError
    from tui.core.formats.exporters import export_collection

    collection = _load(collection_path)
    try:
        result = export_collection(
            exporter.name,
            collection,
            names,
            environment=environment,
            overrides=overrides,
            allowed_paths=tuple(p.expanduser().resolve() for p in allowed_paths),
            skip_unsupported=skip_unsupported,
            options=options,
        )
    except CollectionError as error:
        _fail(_collection_error(error))
        return
    except ReqbenchError as error:
        _fail(str(error))
        return
    for message in result.skipped:
        click.echo(f"skipped: {message}", err=True)
    if output is None:
        click.echo(result.text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(result.text, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")
    plural = "s" if result.count != 1 else ""
    click.echo(f"{result.count} request{plural} written to {output} ({exporter.name})", err=True)


def _make_command(exporter: Exporter) -> click.Command:
    def command(collection: Path, names: tuple[str, ...], output: Path | None, environment: str | None,
                overrides: dict[str, str], allowed_paths: tuple[Path, ...], skip_unsupported: bool, **options: object) -> None:
        _export(exporter, collection, names, output, environment, overrides, allowed_paths, skip_unsupported, options)

    for option in reversed(exporter.options):
        command = _option(option)(command)
    decorators = [
        click.argument("collection", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("-r", "--request", "names", multiple=True, metavar="NAME", help="Export only this request (repeatable; in the order given)."),
        click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output."),
        click.option("-e", "--env", "environment", metavar="NAME", help="Use the variables of [environments.NAME]."),
        click.option("--var", "overrides", multiple=True, metavar="KEY=VALUE", callback=_parse_vars, help="Set a variable (repeatable)."),
        click.option("--allow-path", "allowed_paths", multiple=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR", help="Also allow body paths under DIR."),
        click.option("--skip-unsupported", is_flag=True, help="Leave out (and list on stderr) requests the format cannot express."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return click.command(exporter.name, help=f"Export as {exporter.summary}.")(command)


for _exporter in EXPORTERS.values():
    export_group.add_command(_make_command(_exporter))
