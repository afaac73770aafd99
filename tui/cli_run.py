"""`reqbench run`: replay a collection headlessly (the runner is `tui.core.replay`).

Heavy imports (httpx, Rich, the core) happen inside the command, so `reqbench --help`
stays fast.
"""

from __future__ import annotations

import dataclasses
import sys
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from tui.core.replay.masking import Masker
    from tui.core.errors import CollectionError
    from tui.core.collection.model import Collection
    from tui.core.history import History
    from tui.core.replay import RequestResult

__all__ = ["EXIT_FAILED", "EXIT_INTERNAL", "EXIT_OK", "EXIT_REQUEST", "EXIT_USAGE", "RunArgs", "run_command"]

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
  reqbench run api.toml --history --cookies cookies.txt

\b
History and cookies: a run records nothing unless --history is given. It starts from an
empty cookie jar (or the --cookies file, saved back at the end); every --repeat iteration
starts from that same jar, as captured values start empty.
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


def _history_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and value.endswith(".toml"):
        raise click.BadParameter(
            f"{value!r} looks like the collection: put --history after FILE, or write --history=PATH", ctx=ctx, param=param
        )
    return value


@dataclass(frozen=True, slots=True)
class RunArgs:
    """Every option of `reqbench run`, as click parsed them: built once, passed whole."""

    file: Path
    names: tuple[str, ...]
    environment: str | None
    overrides: dict[str, str]
    concurrency: int
    repeat: int
    fail_fast: bool
    report_kind: str | None
    output: Path | None
    allowed_paths: tuple[Path, ...]
    allowed_env: tuple[str, ...]
    insecure: bool
    verbose: bool
    quiet: bool
    history: str | None  # None: do not record; "": the default file; else a path
    no_history: bool
    cookies: Path | None

    def checked(self) -> RunArgs:
        """The same options with the report kind guessed; `click.UsageError` when they clash."""
        if self.verbose and self.quiet:
            raise click.UsageError("--verbose and --quiet cannot be used together")
        if self.history is not None and self.no_history:
            raise click.UsageError("--history and --no-history cannot be used together")
        if self.report_kind is not None and self.output is None:
            raise click.UsageError(f"--report {self.report_kind} needs --output PATH")
        if self.output is not None and self.report_kind is None:
            guessed = {".xml": "junit", ".json": "json"}.get(self.output.suffix.lower())
            if guessed is None:
                raise click.UsageError(f"--output {self.output}: say --report junit or --report json (or use a .xml / .json name)")
            return dataclasses.replace(self, report_kind=guessed)
        return self


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
@click.option("--history", "history", is_flag=False, flag_value="", default=None, metavar="[PATH]", callback=_history_path,
              help="Record every send in the history (PATH, else $REQBENCH_HISTORY, else $XDG_STATE_HOME/reqbench/history.sqlite3).")  # fmt: skip
@click.option("--no-history", is_flag=True, help="Record nothing (the default for run; an error together with --history).")
@click.option("--cookies", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE", help="Load cookies from a Netscape/Mozilla cookie file (curl -b/-c) and save them back to it.")
def run_command(**params: Any) -> None:
    sys.exit(_guarded(_run, RunArgs(**params).checked()))


def _recorder(args: RunArgs, collection: Collection) -> tuple[History | None, Callable[[RequestResult], None] | None]:
    """The history to record into (None: not asked), and an on_result hook that records."""
    if args.history is None or args.no_history:
        return None, None
    from tui.core.errors import RequestError
    from tui.core.history import History, env_secrets
    from tui.core.replay.masking import is_secret_name

    history = History.open(Path(args.history) if args.history else None)
    if not history.available:
        click.echo(f"warning: {history.problem}; the run goes on without it", err=True)
        return history, None
    secrets: dict[str, list[str]] = {}

    def record(result: RequestResult) -> None:
        if result.resolved is None or (result.response is None and not isinstance(result.error, RequestError)):
            return  # not sent: nothing to remember
        if result.name not in secrets:
            secrets[result.name] = env_secrets(collection, result.request)
        # as `run -v` does: a value captured into a secret-looking variable is a secret
        captured = [value for variable, value in result.captured.items() if is_secret_name(variable)]
        history.record(
            result.resolved, result.response, result.error,
            collection=args.file, request=result.request, secrets=[*secrets[result.name], *captured],
        )  # fmt: skip

    return history, record


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


def _env_masker(*allowed: Iterable[str]) -> Masker:
    """A Masker that knows the values of every environment variable the run may read."""
    import os

    from tui.core.replay.masking import Masker

    masker = Masker()
    for name in set(itertools.chain(*allowed)):
        value = os.environ.get(name)
        if value:
            masker.add_env(value)
    return masker


def _run(args: RunArgs) -> int:
    import asyncio
    import gc

    from rich.console import Console

    from tui.core.display.controls import caret_escape
    from tui.core.engine import Engine
    from tui.core.errors import CookieFileError
    from tui.core.replay import PlanError, RunOptions, RunSummary, run
    from tui.core.replay.report_stream import ReportSpool
    from tui.run_render import RunPrinter

    collection = _load(args.file)
    jar = None
    if args.cookies is not None:
        from tui.core.history.cookies import load_cookie_file

        try:
            jar = load_cookie_file(args.cookies)
        except CookieFileError as error:
            click.echo(f"error: {error}", err=True)
            return EXIT_USAGE
    history, record = _recorder(args, collection)
    console = Console(highlight=False, soft_wrap=True)
    printer = RunPrinter(console, verbose=args.verbose, quiet=args.quiet, repeat=args.repeat)
    options = RunOptions(
        names=args.names,
        environment=args.environment,
        overrides=args.overrides,
        concurrency=args.concurrency,
        repeat=args.repeat,
        fail_fast=args.fail_fast,
        allowed_paths=tuple(p.expanduser().resolve() for p in args.allowed_paths),
        insecure=args.insecure,
        allowed_env=args.allowed_env,
        keep_bodies=False,
        keep_results=False,  # results stream to the printer and the report: memory stays flat
        on_event=printer.on_event if printer.wants_events else None,
    )
    summaries: list[RunSummary] = []
    spool: ReportSpool | None = None
    if args.report_kind is not None and args.output is not None:
        suite_name = collection.name or (collection.path.stem if collection.path else "reqbench")
        spool = ReportSpool("junit" if args.report_kind == "junit" else "json", args.output, repeat=args.repeat, suite_name=suite_name)

    def on_result(result: RequestResult) -> None:
        # Record first (before the runner drops the body: keep_bodies=False), then print, then
        # the report: results stream through, none is kept (memory stays flat).
        if record is not None:
            record(result)
        printer.on_result(result)
        if spool is not None:
            spool.add(result)

    async def replay() -> None:
        # Not `return await run(...)`: asyncio.run's SIGINT bookkeeping ends up building the
        # repr of the main task, result included, twice (`signal.getsignal` fails to turn the
        # handler into an enum and formats it) -- the whole RunSummary, O(requests).
        async with Engine(cookies=jar) as engine:
            summaries.append(await run(collection, options, on_result, engine=engine))

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
        masker = _env_masker(collection.env_allow, args.allowed_env)  # a path or URL built from {{env:...}}
        for problem in error.problems:
            click.echo(caret_escape(f"error: {masker.text(str(problem))}"), err=True)
        click.echo(f"{args.file}: nothing was sent ({len(error.problems)} problem{'s' if len(error.problems) != 1 else ''})", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    finally:
        if freeze:
            gc.unfreeze()
        if history is not None:
            if record is not None and not history.available:
                click.echo(f"warning: {history.problem}; later sends were not recorded", err=True)
            history.close()
    printer.summary(summary)
    if jar is not None:
        from tui.core.history.cookies import save_cookie_file

        try:
            save_cookie_file(jar)
        except CookieFileError as error:
            click.echo(f"error: {error}", err=True)
            return EXIT_USAGE
    if spool is not None:
        try:
            written = spool.finish(summary)
        except OSError as error:
            click.echo(f"error: cannot write the report {args.output}: {error.strerror or error}", err=True)
            return EXIT_USAGE
        if not args.quiet:
            click.echo(f"{args.report_kind} report written to {written}")
    return summary.exit_code
