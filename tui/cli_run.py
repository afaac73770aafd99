"""`reqbench run`: replay a collection headlessly (the runner is `tui.core.replay`).

Heavy imports (httpx, Rich, the core) happen inside the command, so `reqbench --help`
stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from tui.core.errors import CollectionError
    from tui.core.collection.model import Collection

__all__ = ["EXIT_FAILED", "EXIT_INTERNAL", "EXIT_OK", "EXIT_REQUEST", "EXIT_USAGE", "run_command"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REQUEST = 3
EXIT_INTERNAL = 4  # a bug in reqbench: an exception none of the above explains

_HELP = """Replay the requests of FILE (a collection .toml) and check their expects.

\b
Requests run in file order (or in the order of -r), all through one HTTP client, so
keep-alive connections are reused. Values captured by a request ([requests.capture]) are
variables for the requests after it; with --concurrency a request that uses one waits for it.
Every request is resolved before anything is sent: unknown variables, paths that leave the
collection's folder and invalid JSON bodies stop the run at once.

\b
Exit codes:
  0  every request passed its expects
  1  an expect (or a capture) failed
  2  the file or the command line is wrong (file:line:col, or the bad option / variable)
  3  a request could not be completed (connection, TLS, timeout, download)
  4  internal error: a bug in reqbench (one line; REQBENCH_DEBUG=1 shows the traceback)
  130  interrupted (Ctrl-C)
If several apply, the higher-priority one wins: 2, then 3, then 1.

\b
Examples:
  reqbench run collections/quickstart.toml --env local
  reqbench run api.toml -r login -r "list items" --var user=tom -v
  reqbench run api.toml --repeat 50 --concurrency 8 --quiet
  reqbench run api.toml --report junit --output build/reqbench.xml
"""


def _parse_vars(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", ctx=ctx, param=param)
        overrides[key.strip()] = value
    return overrides


def _collection_error(error: CollectionError) -> str:
    """`file:line:col: message` for syntax errors, `file: message` for the rest."""
    from tui.core.errors import TomlSyntaxError

    message = str(error)
    if isinstance(error, TomlSyntaxError):
        where = f"{error.file}:{error.line}:{error.column}"
        return message if where in message else f"{where}: {message}"
    if error.file is not None and str(error.file) not in message:
        return f"{error.file}: {message}"
    return message


def _load(path: Path) -> Collection:
    from tui.core.collection import store
    from tui.core.display.controls import caret_escape
    from tui.core.errors import CollectionError

    try:
        return store.load(path)
    except CollectionError as error:
        click.echo(caret_escape(f"error: {_collection_error(error)}"), err=True)
        sys.exit(EXIT_USAGE)
    except OSError as error:
        click.echo(f"error: cannot read {path}: {error.strerror or error}", err=True)
        sys.exit(EXIT_USAGE)


@click.command("run", help=_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-r", "--request", "names", multiple=True, metavar="NAME", help="Run only this request (repeatable; runs in the order given).")
@click.option("-e", "--env", "environment", metavar="NAME", help="Use the variables of [environments.NAME].")
@click.option("--var", "overrides", multiple=True, metavar="KEY=VALUE", callback=_parse_vars, help="Set a variable (repeatable; wins over the file and --env).")
@click.option("-c", "--concurrency", type=click.IntRange(min=1), default=1, metavar="N", show_default=True, help="Requests in flight at once (same connection pool).")
@click.option("--repeat", type=click.IntRange(min=1), default=1, metavar="N", show_default=True, help="Repeat the whole run N times; prints min/median/p95/max per request.")
@click.option("-x", "--fail-fast", is_flag=True, help="Stop at the first request that does not pass.")
@click.option("--report", "report_kind", type=click.Choice(["junit", "json"]), help="Write a report (needs --output).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Report file (.xml means junit, .json means json when --report is not given).")
@click.option("--allow-path", "allowed_paths", multiple=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR", help="Also allow body/download paths under DIR (repeatable).")
@click.option("--allow-env", "allowed_env", multiple=True, metavar="NAME", help="Let {{env:NAME}} read this environment variable (repeatable; beside the file's [env] allow).")
@click.option("-k", "--insecure", is_flag=True, help="Do not verify TLS certificates (overrides verify in the file).")
@click.option("-v", "--verbose", is_flag=True, help="Also print request/response headers and bodies (credentials masked).")
@click.option("-q", "--quiet", is_flag=True, help="Print only requests that did not pass, and the summary.")
def run_command(
    file: Path,
    names: tuple[str, ...],
    environment: str | None,
    overrides: dict[str, str],
    concurrency: int,
    repeat: int,
    fail_fast: bool,
    report_kind: str | None,
    output: Path | None,
    allowed_paths: tuple[Path, ...],
    insecure: bool,
    verbose: bool,
    quiet: bool,
    allowed_env: tuple[str, ...] = (),
) -> None:
    if verbose and quiet:
        raise click.UsageError("--verbose and --quiet cannot be used together")
    if report_kind is not None and output is None:
        raise click.UsageError(f"--report {report_kind} needs --output PATH")
    if output is not None and report_kind is None:
        guessed = {".xml": "junit", ".json": "json"}.get(output.suffix.lower())
        if guessed is None:
            raise click.UsageError(f"--output {output}: say --report junit or --report json (or use a .xml / .json name)")
        report_kind = guessed

    sys.exit(
        _guarded(
            _run,
            file,
            names=names,
            environment=environment,
            overrides=overrides,
            concurrency=concurrency,
            repeat=repeat,
            fail_fast=fail_fast,
            report_kind=report_kind,
            output=output,
            allowed_paths=allowed_paths,
            insecure=insecure,
            verbose=verbose,
            quiet=quiet,
            allowed_env=allowed_env,
        )
    )


def _guarded(function: Callable[..., int], *args: Any, **kwargs: Any) -> int:
    """`function(...)`, with any unexpected exception turned into exit 4 and one line (the
    traceback only with REQBENCH_DEBUG=1): a crash must never look like a failed expect."""
    try:
        return function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the last line of defence, reported, not hidden
        import os
        import traceback

        if os.environ.get("REQBENCH_DEBUG") == "1":
            traceback.print_exc()
        from tui.core.display.controls import caret_escape

        what = caret_escape(f"{type(error).__name__}: {error}".splitlines()[0] if str(error) else type(error).__name__)
        click.echo(
            f"internal error: {what} -- this is a bug in reqbench; please report it to the reqbench issue tracker"
            " with the output of the same command run with REQBENCH_DEBUG=1",
            err=True,
        )
        return EXIT_INTERNAL


def _run(
    file: Path,
    *,
    names: tuple[str, ...],
    environment: str | None,
    overrides: dict[str, str],
    concurrency: int,
    repeat: int,
    fail_fast: bool,
    report_kind: str | None,
    output: Path | None,
    allowed_paths: tuple[Path, ...],
    insecure: bool,
    verbose: bool,
    quiet: bool,
    allowed_env: tuple[str, ...] = (),
) -> int:
    import asyncio
    import gc

    from rich.console import Console

    from tui.core.display.controls import caret_escape
    from tui.core.replay import PlanError, RunOptions, RunSummary, run
    from tui.core.replay.report_stream import ReportSpool
    from tui.run_render import RunPrinter

    collection = _load(file)
    console = Console(highlight=False, soft_wrap=True)
    printer = RunPrinter(console, verbose=verbose, quiet=quiet, repeat=repeat)
    options = RunOptions(
        names=names,
        environment=environment,
        overrides=overrides,
        concurrency=concurrency,
        repeat=repeat,
        fail_fast=fail_fast,
        allowed_paths=tuple(p.expanduser().resolve() for p in allowed_paths),
        insecure=insecure,
        allowed_env=allowed_env,
        keep_bodies=False,
        keep_results=False,  # results stream to the printer and the report: memory stays flat
        on_event=printer.on_event if printer.wants_events else None,
    )
    summaries: list[RunSummary] = []
    spool: ReportSpool | None = None
    on_result = printer.on_result
    if report_kind is not None and output is not None:
        suite_name = collection.name or (collection.path.stem if collection.path else "reqbench")
        spool = ReportSpool("junit" if report_kind == "junit" else "json", output, repeat=repeat, suite_name=suite_name)

        def on_result(result: Any) -> None:
            printer.on_result(result)
            spool.add(result)  # type: ignore[union-attr]

    async def replay() -> None:
        # Not `return await run(...)`: asyncio.run's SIGINT bookkeeping ends up building the
        # repr of the main task, result included, twice (`signal.getsignal` fails to turn the
        # handler into an enum and formats it) -- the whole RunSummary, O(requests).
        summaries.append(await run(collection, options, on_result))

    # Everything alive now (imports, the collection) lives for the whole run: keep it out of
    # the cyclic collector's full passes, which would otherwise re-scan it during the run.
    # Left alone if someone else (an embedding process) froze objects already.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        with printer:
            asyncio.run(replay())
        summary = summaries[0]
    except PlanError as error:
        for problem in error.problems:
            click.echo(caret_escape(f"error: {problem}"), err=True)
        click.echo(f"{file}: nothing was sent ({len(error.problems)} problem{'s' if len(error.problems) != 1 else ''})", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    finally:
        if freeze:
            gc.unfreeze()
    printer.summary(summary)
    if report_kind is not None and output is not None:
        try:
            assert spool is not None
            written = spool.finish(summary)
        except OSError as error:
            click.echo(f"error: cannot write the report {output}: {error.strerror or error}", err=True)
            return EXIT_USAGE
        if not quiet:
            click.echo(f"{report_kind} report written to {written}")
    return summary.exit_code
