"""`reqbench history`: list, show and clear what was sent (the store is `tui.core.history`).

    reqbench history [--json] [--limit N] [--collection FILE] [--request NAME] [--status 4xx] [--grep TEXT]
    reqbench history show ID [--json] [--body]
    reqbench history clear [--before DATE] [--collection FILE] [--yes]

`--db PATH` (or REQBENCH_HISTORY) picks the file; the default is
$XDG_STATE_HOME/reqbench/history.sqlite3. The `--json` documents are described in
docs/history.md and stay stable: fields are only ever added.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tui.core.history import Entry, EntrySummary, History

__all__ = ["EXIT_NOT_FOUND", "EXIT_OK", "EXIT_UNUSABLE", "history_group"]

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_UNUSABLE = 2

_HELP = """List what was sent, newest first (id, time, collection, name, method, URL, status, ms, size).

\b
`reqbench run` records only with --history (PATH, or the same default file).
Secrets (Authorization, cookies, token-like names, {{env:...}} values) were masked before
they were written.

\b
Exit codes: 0 done; 1 no such entry; 2 bad option, or the history file cannot be used.

\b
Examples:
  reqbench history --limit 20
  reqbench history --collection api.toml --request login --json
  reqbench history show 42 --body
  reqbench history clear --before 2026-11-01
"""


def _open(db: Path | None) -> History:
    from tui.core.history import History

    history = History.open(db)
    if not history.available:
        click.echo(f"error: {history.problem}", err=True)
        sys.exit(EXIT_UNUSABLE)
    return history


def _short_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _size(size: int | None) -> str:
    if size is None:
        return "-"
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _line(entry: EntrySummary) -> str:
    status = str(entry.status) if entry.status is not None else "ERR"
    ms = f"{entry.elapsed_ms:.0f}ms" if entry.elapsed_ms is not None else "-"
    where = Path(entry.collection).name if entry.collection else "-"
    return f"{entry.id:>6}  {_short_time(entry.time)}  {where:<16.16}  {entry.name:<20.20}  {entry.method:<6} {status:>3} {ms:>7} {_size(entry.size):>9}  {entry.url}"


@click.group("history", help=_HELP, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="REQBENCH_HISTORY", help="History file (default: $XDG_STATE_HOME/reqbench/history.sqlite3; env REQBENCH_HISTORY).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document (see docs/history.md).")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="How many entries.")
@click.option("--collection", type=click.Path(dir_okay=False, path_type=Path), help="Only entries of this collection file.")
@click.option("-r", "--request", "name", metavar="NAME", help="Only entries of this request name.")
@click.option("--status", metavar="CLASS", help="Only this status: 2xx..5xx, error, or a code like 404.")
@click.option("--grep", "text", metavar="TEXT", default="", help="Only entries whose URL or name contains TEXT.")
@click.pass_context
def history_group(
    ctx: click.Context,
    db: Path | None,
    as_json: bool,
    limit: int,
    collection: Path | None,
    name: str | None,
    status: str | None,
    text: str,
) -> None:
    ctx.obj = db
    if ctx.invoked_subcommand is not None:
        return
    from tui.core.history import Query
    from tui.core.history.cookies import collection_key

    try:
        query = Query(text=text, name=name, status=status, collection=None if collection is None else collection_key(collection))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--status") from error
    from tui.core.errors import HistoryError

    with _open(db) as history:
        try:
            entries = history.entries(query, limit=limit)
        except HistoryError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_UNUSABLE)
    if as_json:
        click.echo(json.dumps({"entries": [e.to_dict() for e in entries]}, indent=2))
        return
    if not entries:
        click.echo("no history entries" + ("" if query.empty else " match"))
        return
    for entry in entries:
        click.echo(_line(entry))


def _show_text(entry: Entry, *, body: bool) -> None:
    s = entry.summary
    click.echo(f"#{s.id}  {_short_time(s.time)}  {s.name}  ({s.collection or 'no collection'})")
    click.echo(f"> {entry.request.method} {entry.request.url}")
    for name, value in entry.request.headers:
        click.echo(f"> {name}: {value}")
    if entry.request.body is not None:
        click.echo(f"> ({entry.request.body_kind} body) {entry.request.body}")
    if entry.request.body_summary is not None:
        click.echo(f"> ({entry.request.body_summary})")
    response = entry.response
    if response is None:
        click.echo(f"error: {s.error}")
        return
    click.echo(f"< {response.http_version} {response.status} {response.reason}")
    for name, value in response.headers:
        click.echo(f"< {name}: {value}")
    for status, url in response.redirects:
        click.echo(f"  redirected by {status} from {url}")
    t = response.timings
    parts = [f"{key.removesuffix('_ms')} {value:.1f}ms" for key, value in t.items() if key.endswith("_ms") and isinstance(value, float)]
    click.echo(f"  timing: {', '.join(parts)}; connection {'reused' if response.reused else 'new'}")
    kept = "" if entry.body_complete else f", first {len(entry.body)} bytes kept, sha256 {entry.body_sha256}"
    click.echo(f"  body: {entry.body_size} bytes{kept}" + (f", downloaded to {response.download_path}" if response.download_path else ""))
    if body and entry.body:
        try:
            click.echo(entry.body.decode("utf-8"))
        except UnicodeDecodeError:
            click.echo(f"(binary body, {len(entry.body)} bytes: use --json --body for base64)")


@history_group.command("show")
@click.argument("entry_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the entry as JSON (see docs/history.md).")
@click.option("--body", is_flag=True, help="Include the stored response body.")
@click.pass_obj
def show_command(db: Path | None, entry_id: int, as_json: bool, body: bool) -> None:
    """Print one entry: what was sent, what came back (headers, timings, sizes)."""
    from tui.core.errors import HistoryError

    with _open(db) as history:
        try:
            entry = history.get(entry_id)
        except KeyError:
            click.echo(f"error: no history entry {entry_id} in {history.path}", err=True)
            sys.exit(EXIT_NOT_FOUND)
        except HistoryError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_UNUSABLE)
    if as_json:
        click.echo(json.dumps(entry.to_dict(body=body), indent=2))
    else:
        _show_text(entry, body=body)


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-01 or 2026-11-01T12:00", ctx=ctx, param=param) from error
    return moment if moment.tzinfo is not None else moment.astimezone()  # a plain date means local time


@history_group.command("clear")
@click.option("--before", callback=_parse_date, metavar="DATE", help="Only entries older than DATE (2026-11-01, local time; or ISO 8601).")
@click.option("--collection", type=click.Path(dir_okay=False, path_type=Path), help="Only entries of this collection file.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask before deleting everything.")
@click.pass_obj
def clear_command(db: Path | None, before: datetime | None, collection: Path | None, yes: bool) -> None:
    """Delete entries (all of them unless --before / --collection narrow it), then VACUUM."""
    from tui.core.errors import HistoryError

    if before is None and collection is None and not yes:
        click.confirm("Delete the whole history?", abort=True, err=True)
    with _open(db) as history:
        try:
            removed = history.clear(before=before, collection=collection)
        except HistoryError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_UNUSABLE)
    click.echo(f"deleted {removed} entr{'y' if removed == 1 else 'ies'} from {history.path}")
