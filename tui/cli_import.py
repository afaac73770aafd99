"""`reqbench import`: turn another tool's file into a collection (the importers are
`tui.core.formats`). The core is imported inside the command so `reqbench --help` stays fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

__all__ = ["EXIT_INPUT", "EXIT_OK", "EXIT_WRITE", "import_command"]

EXIT_OK = 0
EXIT_WRITE = 1
EXIT_INPUT = 2

_FORMATS = ("curl", "har", "http", "postman", "insomnia", "openapi")  # == importers.FORMATS (a test checks)

_HELP = """Import SOURCE (a file, or - for standard input) as a reqbench collection.

\b
Formats (detected from the content unless --from says):
  curl      curl command lines, one request per URL (a file may hold several commands)
  har       HAR 1.2 from browser devtools or mitmproxy, one request per entry
  http      .http / .rest files (JetBrains HTTP Client, VS Code REST Client)
  postman   Postman collection v2.0/v2.1, or a Postman environment
  insomnia  Insomnia v4 export (JSON or YAML)
  openapi   OpenAPI 3.0/3.1 or Swagger 2.0 (JSON or YAML)

\b
The collection goes to OUT (-o), or to standard output; a summary (requests imported, one
line per thing that could not be mapped) goes to standard error. Relative file references
(`-d @body.json`, `< ./file`) are read from SOURCE's folder (the current folder for -) and
rewritten to resolve from OUT's folder.

\b
Exit codes:
  0  imported
  1  OUT could not be written (the old file, if any, is left intact)
  2  SOURCE cannot be read (file:line:col or a JSON path says where), OUT exists without
     --force, or the command line is wrong

\b
Examples:
  reqbench import requests.sh -o api.toml
  pbpaste | reqbench import - --from curl -o pasted.toml
  reqbench import devtools.har --host api.example.com -o api.toml --name "API from the browser"
  reqbench import api.http -o api.toml --force
"""


def _fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.command("import", help=_HELP)
@click.argument("source")
@click.option("--from", "fmt", type=click.Choice(_FORMATS), help="The format of SOURCE (default: detected).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), help="Write the collection here (default: standard output).")
@click.option("--name", help="The collection's name (default: from SOURCE).")
@click.option("--host", help="Keep only requests to HOST (or HOST:PORT).")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def import_command(source: str, fmt: str | None, output: Path | None, name: str | None, host: str | None, force: bool) -> None:
    from tui.core.collection import store
    from tui.core.errors import ImportFailed, SaveError
    from tui.core.formats.importers import decode, detect, import_text

    if output is not None and output.exists() and not force:
        _fail(f"{output} exists; use --force to overwrite it")
    if source == "-":
        data = sys.stdin.buffer.read()
        label, base_dir = "<stdin>", Path.cwd()
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            _fail(f"{source}: no such file")
        except IsADirectoryError:
            _fail(f"{source}: is a directory")
        except OSError as error:
            _fail(f"{source}: cannot read: {error.strerror or error}")
        label, base_dir = source, path.resolve().parent
    out_dir = output.resolve().parent if output is not None else Path.cwd()
    try:
        text = decode(data, label)
        fmt = fmt or detect(text, source=label)
        result = import_text(text, fmt=fmt, source=label, base_dir=base_dir, out_dir=out_dir, host=host, name=name)
    except ImportFailed as error:
        _fail(str(error))
    collection = result.collection
    if not collection.name:
        collection.name = output.stem if output is not None else Path(label).stem
    count = len(collection.requests)
    if output is None:
        click.echo(store.dumps(collection), nl=False)
        where = "standard output"
    else:
        try:
            store.save(collection, output)
        except SaveError as error:
            _fail(str(error), EXIT_WRITE)
        where = str(output)
    plural = "s" if count != 1 else ""
    click.echo(f"imported {count} request{plural} from {label} ({fmt}) -> {where}", err=True)
    if collection.env_allow:
        click.echo(f"  reads environment variables (declared in [env] allow): {', '.join(collection.env_allow)}", err=True)
    for warning in result.warnings:
        click.echo(f"  warning: {warning}", err=True)
