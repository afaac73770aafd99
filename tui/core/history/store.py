"""The history database: one SQLite file (stdlib `sqlite3`, WAL) shared by every reqbench.

    default_path(environ=None) -> Path      # $REQBENCH_HISTORY, else $XDG_STATE_HOME/reqbench/
                                            # history.sqlite3 (default ~/.local/state/reqbench/)
    History.open(path=None, *, retention=Retention(), body_cap=..., head_size=...) -> History
        never raises: a database that cannot be used gives a History with `available` False and
        `problem` saying why ("history off: ..."), on which `record` does nothing.
    history.record(resolved, response=None, error=None, *, collection=None, secrets=()) -> int | None
        masks (see `record`), inserts, returns the id; never raises (a failure turns history
        off and sets `problem`).
    history.entries(query=Query(), *, limit=100, before=None) -> list[EntrySummary]
        newest first; `before` = the last id of the previous page (keyset paging: each page
        costs the same at 100,000 rows). Raises HistoryError when history is off.
    history.count(query) -> int ; history.get(id) -> Entry (KeyError if gone)
    history.clear(*, before=None, collection=None) -> int   # deleted entries, then VACUUM
    history.prune() -> int                                   # apply the retention now
    history.cookies -> CookieStore                           # the jars, same file

Concurrency: every write is one short IMMEDIATE transaction; `busy_timeout` makes a second
process wait for it instead of failing. Still locked after it: that one call fails (`record`
returns None, `problem` says why) and history stays on. One connection is shared by threads
(the UI queries from thread workers) under a lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

from tui.core.errors import HistoryError
from tui.core.history.migrations import migrate
from tui.core.history.model import Entry, EntrySummary, RecordedRequest, RecordedResponse
from tui.core.history.query import Query
from tui.core.history.record import DEFAULT_BODY_CAP, DEFAULT_HEAD_SIZE, build

if TYPE_CHECKING:
    from tui.core.collection.model import Request
    from tui.core.engine.resolved import ResolvedRequest
    from tui.core.engine.response import Response
    from tui.core.history.cookies import CookieStore

__all__ = ["BUSY_TIMEOUT_S", "FILE_NAME", "History", "Retention", "default_path"]

FILE_NAME = "history.sqlite3"
BUSY_TIMEOUT_S = 5.0
_PRUNE_EVERY = 100  # inserts between retention passes
T = TypeVar("T")


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    explicit = env.get("REQBENCH_HISTORY")
    if explicit:
        return Path(explicit).expanduser()
    state = env.get("XDG_STATE_HOME")
    base = Path(state).expanduser() if state else Path.home() / ".local" / "state"
    return base / "reqbench" / FILE_NAME


@dataclass(frozen=True, slots=True)
class Retention:
    """Keep the newest `max_entries` (None: no limit) and/or the last `max_days` days."""

    max_entries: int | None = 10_000
    max_days: float | None = None


_SUMMARY_COLUMNS = "id, time, collection, name, method, url, status, elapsed_ms, size, error"


def _summary(row: tuple[object, ...]) -> EntrySummary:
    id_, when, collection, name, method, url, status, elapsed, size, error = row
    return EntrySummary(
        id=int(id_),  # type: ignore[call-overload]
        time=float(when),  # type: ignore[arg-type]
        collection=str(collection),
        name=str(name),
        method=str(method),
        url=str(url),
        status=None if status is None else int(status),  # type: ignore[call-overload]
        elapsed_ms=None if elapsed is None else float(elapsed),  # type: ignore[arg-type]
        size=None if size is None else int(size),  # type: ignore[call-overload]
        error=None if error is None else str(error),
    )


class History:
    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection | None,
        problem: str | None,
        *,
        retention: Retention,
        body_cap: int,
        head_size: int,
    ) -> None:
        self.path = path
        self.retention = retention
        self.body_cap = body_cap
        self.head_size = head_size
        self.problem = problem
        self._connection = connection
        self._lock = threading.RLock()
        self._inserts = 0
        self._cookies: CookieStore | None = None

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        retention: Retention | None = None,
        body_cap: int = DEFAULT_BODY_CAP,
        head_size: int = DEFAULT_HEAD_SIZE,
        busy_timeout: float = BUSY_TIMEOUT_S,
    ) -> History:
        target = Path(path).expanduser() if path is not None else default_path()
        connection: sqlite3.Connection | None = None
        problem: str | None = None
        try:
            connection = _connect(target, busy_timeout)
        except HistoryError as error:
            problem = str(error)
        history = cls(target, connection, problem, retention=retention or Retention(), body_cap=body_cap, head_size=head_size)
        history.prune()  # (nothing to do when off)
        return history

    @classmethod
    def off(cls, reason: str = "history off (--no-history)") -> History:
        """A History that records nothing (for `--no-history`): same calls, no file."""
        return cls(Path(os.devnull), None, reason, retention=Retention(), body_cap=0, head_size=0)

    @property
    def available(self) -> bool:
        return self._connection is not None

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------------

    def _turn_off(self, error: sqlite3.Error | OSError) -> HistoryError:
        self.problem = f"history off: {self.path}: {_describe(error)}"
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except sqlite3.Error:
                pass  # closing a connection to a broken file: nothing more to lose
        return HistoryError(self.problem, path=self.path)

    def _use(self, action: Callable[[sqlite3.Connection], T]) -> T:
        """Run `action` on the connection; a database error turns history off (HistoryError).
        Still locked by another process after the busy timeout: HistoryError for this call
        only (`problem` says so) -- a long VACUUM elsewhere must not end history here."""
        with self._lock:
            if self._connection is None:
                raise HistoryError(self.problem or "history off", path=self.path)
            try:
                result = action(self._connection)
            except sqlite3.OperationalError as error:
                if _is_lock(error):
                    self.problem = f"history: {self.path}: {_describe(error)}; this entry was not recorded"
                    raise HistoryError(self.problem, path=self.path) from error
                raise self._turn_off(error) from error
            except (sqlite3.Error, OSError) as error:
                raise self._turn_off(error) from error
            if self.problem is not None and self.problem.startswith("history: "):
                self.problem = None  # the lock is gone
            return result

    def _write(self, action: Callable[[sqlite3.Connection], T]) -> T:
        def transaction(connection: sqlite3.Connection) -> T:
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = action(connection)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    # the error that got us here is the one to report; a failed rollback adds nothing
                    with contextlib.suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                raise
            return result

        return self._use(transaction)

    # -- recording -----------------------------------------------------------------------

    def record(
        self,
        resolved: ResolvedRequest,
        response: Response | None = None,
        error: BaseException | None = None,
        *,
        collection: Path | str | None = None,
        request: Request | None = None,
        secrets: Iterable[str] = (),
        when: float | None = None,
    ) -> int | None:
        """Store one send (masked); its id, or None when history is off (see `problem`).
        `request`: the collection's request it was resolved from (restoring uses it);
        `secrets`: values to hide wherever they appear (`env_secrets(collection, request)`)."""
        if self._connection is None:
            return None
        recorded = build(resolved, response, error, request=request, secrets=secrets, body_cap=self.body_cap, head_size=self.head_size)
        stamp = time.time() if when is None else when
        where = "" if collection is None else str(Path(collection).expanduser().resolve())
        request_json = json.dumps(recorded.request.to_dict(), separators=(",", ":"))
        response_json = None if recorded.response is None else json.dumps(recorded.response.to_dict(), separators=(",", ":"))

        def insert(connection: sqlite3.Connection) -> int:
            cursor = connection.execute(
                "INSERT INTO entries (time, collection, name, method, url, status, status_class, elapsed_ms, size, error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (stamp, where, resolved.name, recorded.request.method, recorded.url, recorded.status,
                 0 if recorded.status is None else recorded.status // 100, recorded.elapsed_ms, recorded.body_size if recorded.response is not None else None, recorded.error),
            )  # fmt: skip
            entry_id = int(cursor.lastrowid or 0)
            connection.execute(
                "INSERT INTO entry_details (entry_id, request, response, body, body_size, body_complete, body_sha256, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (entry_id, request_json, response_json, recorded.body, recorded.body_size,
                 int(recorded.body_complete), recorded.body_sha256, recorded.source),
            )  # fmt: skip
            return entry_id

        try:
            entry_id = self._write(insert)
        except HistoryError:
            return None
        self._inserts += 1
        if self._inserts % _PRUNE_EVERY == 0:
            self.prune()
        return entry_id

    # -- reading -------------------------------------------------------------------------

    def _where(self, query: Query | None) -> tuple[str, list[object]]:
        query = query or Query()
        if query.collection is None or query.collection.startswith("/"):
            return query.where()
        # a file name: find the matching paths among the few distinct ones (an index walk)
        return query.where([c for c in self.collections() if query.matches_collection(c)])

    def entries(self, query: Query | None = None, *, limit: int = 100, before: int | None = None) -> list[EntrySummary]:
        condition, args = self._where(query)
        if before is not None:
            condition = f"({condition}) AND id < ?"
            args = [*args, before]
        sql = f"SELECT {_SUMMARY_COLUMNS} FROM entries WHERE {condition} ORDER BY id DESC LIMIT ?"
        rows = self._use(lambda c: c.execute(sql, [*args, limit]).fetchall())
        return [_summary(row) for row in rows]

    def count(self, query: Query | None = None) -> int:
        condition, args = self._where(query)
        row = self._use(lambda c: c.execute(f"SELECT count(*) FROM entries WHERE {condition}", args).fetchone())
        return int(row[0])

    def get(self, entry_id: int) -> Entry:
        def read(connection: sqlite3.Connection) -> tuple[tuple[object, ...], tuple[object, ...]] | None:
            head = connection.execute(f"SELECT {_SUMMARY_COLUMNS} FROM entries WHERE id = ?", (entry_id,)).fetchone()
            if head is None:
                return None
            details = connection.execute(
                "SELECT request, response, body, body_size, body_complete, body_sha256, source FROM entry_details WHERE entry_id = ?",
                (entry_id,),
            ).fetchone()
            return head, details

        found = self._use(read)
        if found is None or found[1] is None:
            raise KeyError(entry_id)
        head, (request, response, body, size, complete, sha, source) = found
        try:
            return Entry(
                summary=_summary(head),
                request=RecordedRequest.from_dict(json.loads(str(request))),
                response=None if response is None else RecordedResponse.from_dict(json.loads(str(response))),
                body=bytes(body) if body is not None else b"",  # type: ignore[call-overload]
                body_size=int(size),  # type: ignore[call-overload]
                body_complete=bool(complete),
                body_sha256=None if sha is None else str(sha),
                source=None if source is None else str(source),
            )
        except (ValueError, TypeError, KeyError) as error:
            raise HistoryError(f"{self.path}: history entry {entry_id} is damaged ({error})", path=self.path) from error

    def names(self) -> list[str]:
        """The request names in the history, sorted (for a filter picker)."""
        return self._distinct("name")

    def collections(self) -> list[str]:
        """The collection paths in the history, sorted."""
        return self._distinct("collection")

    def _distinct(self, column: str) -> list[str]:
        # A skip-scan of the column's index: one lookup per distinct value, not a walk of
        # every row's entry (100,000 rows, a handful of collections).
        sql = (
            f"WITH RECURSIVE v(x) AS (SELECT min({column}) FROM entries UNION ALL"
            f" SELECT (SELECT min({column}) FROM entries WHERE {column} > x) FROM v WHERE x IS NOT NULL)"
            " SELECT x FROM v WHERE x IS NOT NULL"
        )
        rows = self._use(lambda c: c.execute(sql).fetchall())
        return [str(row[0]) for row in rows]

    # -- forgetting ----------------------------------------------------------------------

    def prune(self, *, now: float | None = None) -> int:
        """Apply the retention (newest N, last D days); returns how many entries went."""
        if self._connection is None:
            return 0
        limit, days = self.retention.max_entries, self.retention.max_days
        cutoff = None if days is None else (time.time() if now is None else now) - days * 86400

        def delete(connection: sqlite3.Connection) -> int:
            removed = 0
            if limit is not None:
                row = connection.execute("SELECT id FROM entries ORDER BY id DESC LIMIT 1 OFFSET ?", (limit,)).fetchone()
                if row is not None:
                    removed += connection.execute("DELETE FROM entries WHERE id <= ?", (row[0],)).rowcount
            if cutoff is not None:
                removed += connection.execute("DELETE FROM entries WHERE time < ?", (cutoff,)).rowcount
            return removed

        try:
            return self._write(delete)
        except HistoryError:
            return 0

    def clear(self, *, before: datetime | float | None = None, collection: Path | str | None = None) -> int:
        """Delete entries (all, or older than `before`, or of one collection), then VACUUM."""
        clauses: list[str] = []
        args: list[object] = []
        if before is not None:
            clauses.append("time < ?")
            args.append(before.timestamp() if isinstance(before, datetime) else float(before))
        if collection is not None:
            clauses.append("collection = ?")
            args.append(str(Path(collection).expanduser().resolve()))
        condition = " AND ".join(clauses) or "1"
        removed = self._write(lambda c: c.execute(f"DELETE FROM entries WHERE {condition}", args).rowcount)
        self._use(lambda c: c.execute("VACUUM"))
        return int(removed)

    # -- cookies -------------------------------------------------------------------------

    @property
    def cookies(self) -> CookieStore:
        from tui.core.history.cookies import CookieStore

        if self._cookies is None:
            self._cookies = CookieStore(self)
        return self._cookies

    def _cookie_io(self, action: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        """For `CookieStore`: the same connection, lock and degrade-to-off handling."""
        return self._write(action) if write else self._use(action)


def _is_lock(error: sqlite3.Error) -> bool:
    text = str(error)
    return "locked" in text or "busy" in text


def _describe(error: sqlite3.Error | OSError | ValueError) -> str:
    text = str(error)
    if isinstance(error, OSError):
        return error.strerror or text
    if "not a database" in text or "malformed" in text:
        return f"not a usable SQLite database ({text}); move it away to start a new history"
    if "locked" in text or "busy" in text:
        return f"the database is locked by another process ({text})"
    return text


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open (creating folder and file as needed), WAL, busy timeout, migrated; HistoryError if not."""
    if path.is_dir():
        raise HistoryError(f"history off: {path} is a folder, not a history file", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HistoryError(f"history off: cannot create {path.parent}: {error.strerror or error}", path=path) from error
    connection: sqlite3.Connection | None = None
    try:
        connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode is None or str(mode[0]).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot switch to WAL mode (got {mode})")
        connection.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
        connection.execute("PRAGMA foreign_keys = ON")
        migrate(connection)
    except (sqlite3.Error, OSError, ValueError) as error:
        if connection is not None:
            connection.close()
        raise HistoryError(f"history off: {path}: {_describe(error)}", path=path) from error
    return connection
