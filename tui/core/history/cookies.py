"""Persisted cookie jars: one per collection path, in the history file's `cookies` table; and
Netscape/Mozilla cookie files (the format of curl's `-b` / `-c`) for `reqbench run --cookies`.

The standard library's `http.cookiejar` is the cookie engine (httpx uses it too: the engine
hands the same `CookieJar` to every pooled client); nothing here parses a Set-Cookie header.
Domain, path, expiry, Secure and HttpOnly are kept as the jar holds them; session cookies
(no expiry) are kept too, so a login survives a restart of the workbench; expired ones are
dropped on load and on save.

    store = history.cookies                       # a CookieStore on the same SQLite file
    jar = store.load(collection_path)             # a CookieJar (empty when none saved / history off)
    store.save(collection_path, jar)              # after sends
    store.list(collection_path) -> list[StoredCookie] ; store.delete(...) ; store.clear(...)

    load_cookie_file(path) -> MozillaCookieJar     # missing file: an empty jar that saves to `path`
    save_cookie_file(jar)                          # session cookies included, like curl -c
    copy_jar(jar) -> CookieJar ; restore_jar(jar, snapshot)   # one state for every --repeat
"""

from __future__ import annotations

import copy
import http.cookiejar
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.errors import CookieFileError, HistoryError

if TYPE_CHECKING:
    from tui.core.history.store import History

__all__ = [
    "CookieStore",
    "StoredCookie",
    "collection_key",
    "copy_jar",
    "load_cookie_file",
    "restore_jar",
    "save_cookie_file",
]


def collection_key(collection: Path | str | None) -> str:
    """Jars are keyed by the collection file's absolute path ("" for none)."""
    return "" if collection is None else str(Path(collection).expanduser().resolve())


@dataclass(frozen=True, slots=True)
class StoredCookie:
    collection: str
    domain: str
    path: str
    name: str
    value: str | None
    expires: int | None  # seconds since the epoch; None: a session cookie
    secure: bool
    http_only: bool


def _http_only(cookie: http.cookiejar.Cookie) -> bool:
    return any(key.lower() == "httponly" for key in getattr(cookie, "_rest", {}))


def _row(key: str, cookie: http.cookiejar.Cookie) -> tuple[object, ...]:
    attributes = {
        "version": cookie.version,
        "port": cookie.port,
        "port_specified": cookie.port_specified,
        "domain_specified": cookie.domain_specified,
        "domain_initial_dot": cookie.domain_initial_dot,
        "path_specified": cookie.path_specified,
        "discard": cookie.discard,
        "comment": cookie.comment,
        "comment_url": cookie.comment_url,
        "rest": dict(getattr(cookie, "_rest", {})),
        "rfc2109": cookie.rfc2109,
    }
    return (key, cookie.domain, cookie.path, cookie.name, cookie.value, cookie.expires,
            int(cookie.secure), int(_http_only(cookie)), json.dumps(attributes))  # fmt: skip


def _cookie(row: tuple[Any, ...]) -> http.cookiejar.Cookie:
    domain, path, name, value, expires, secure, _http, attributes = row
    extra = json.loads(attributes or "{}")
    return http.cookiejar.Cookie(
        version=extra.get("version", 0),
        name=name,
        value=value,
        port=extra.get("port"),
        port_specified=bool(extra.get("port_specified", False)),
        domain=domain,
        domain_specified=bool(extra.get("domain_specified", False)),
        domain_initial_dot=bool(extra.get("domain_initial_dot", domain.startswith("."))),
        path=path,
        path_specified=bool(extra.get("path_specified", True)),
        secure=bool(secure),
        expires=expires,
        discard=bool(extra.get("discard", expires is None)),
        comment=extra.get("comment"),
        comment_url=extra.get("comment_url"),
        rest=extra.get("rest") or {},
        rfc2109=bool(extra.get("rfc2109", False)),
    )


class CookieStore:
    """The cookie jars kept in a `History` file. When history is off, `load` gives an empty jar
    and `save` does nothing (cookies then live for the session only); `problem` says why."""

    def __init__(self, history: History) -> None:
        self._history = history

    @property
    def available(self) -> bool:
        return self._history.available

    @property
    def problem(self) -> str | None:
        return self._history.problem

    def load(self, collection: Path | str | None, *, jar: http.cookiejar.CookieJar | None = None) -> http.cookiejar.CookieJar:
        """The saved jar of `collection` (into `jar` if given, else a new CookieJar)."""
        target = jar if jar is not None else http.cookiejar.CookieJar()
        if not self.available:
            return target
        key = collection_key(collection)
        sql = "SELECT domain, path, name, value, expires, secure, http_only, attributes FROM cookies WHERE collection = ?"
        try:
            rows = self._history._cookie_io(lambda c: c.execute(sql, (key,)).fetchall(), write=False)
        except HistoryError:
            return target
        now = int(time.time())
        for row in rows:
            cookie = _cookie(row)
            if not cookie.is_expired(now):
                target.set_cookie(cookie)
        return target

    def save(self, collection: Path | str | None, jar: Iterable[http.cookiejar.Cookie]) -> bool:
        """Replace the saved jar of `collection` with `jar` (expired cookies left out).
        False when history is off (nothing saved). Saving from a thread while sends go on:
        pass `list(engine.cookies)` taken on the event loop (iterating a live jar is not
        safe against a Set-Cookie arriving meanwhile)."""
        if not self.available:
            return False
        key = collection_key(collection)
        now = int(time.time())
        rows = [_row(key, cookie) for cookie in jar if not cookie.is_expired(now)]

        def replace(connection: sqlite3.Connection) -> None:
            connection.execute("DELETE FROM cookies WHERE collection = ?", (key,))
            connection.executemany("INSERT OR REPLACE INTO cookies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

        try:
            self._history._cookie_io(replace, write=True)
        except HistoryError:
            return False
        return True

    def list(self, collection: Path | str | None = None) -> list[StoredCookie]:
        """Saved cookies of one collection (or of all when None), by collection, domain, path, name."""
        sql = "SELECT collection, domain, path, name, value, expires, secure, http_only FROM cookies"
        args: tuple[str, ...] = ()
        if collection is not None:
            sql += " WHERE collection = ?"
            args = (collection_key(collection),)
        sql += " ORDER BY collection, domain, path, name"
        rows = self._history._cookie_io(lambda c: c.execute(sql, args).fetchall(), write=False)
        return [StoredCookie(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7])) for r in rows]

    def delete(self, collection: Path | str | None, domain: str, path: str, name: str) -> bool:
        key = collection_key(collection)
        sql = "DELETE FROM cookies WHERE collection = ? AND domain = ? AND path = ? AND name = ?"
        count = self._history._cookie_io(lambda c: c.execute(sql, (key, domain, path, name)).rowcount, write=True)
        return bool(count)

    def clear(self, collection: Path | str | None = None) -> int:
        """Forget the saved cookies of `collection` (every collection when None)."""
        if collection is None:
            return int(self._history._cookie_io(lambda c: c.execute("DELETE FROM cookies").rowcount, write=True))
        key = collection_key(collection)
        return int(self._history._cookie_io(lambda c: c.execute("DELETE FROM cookies WHERE collection = ?", (key,)).rowcount, write=True))


def load_cookie_file(path: Path) -> http.cookiejar.MozillaCookieJar:
    """A Netscape/Mozilla cookie file as a jar whose `save()` writes back to `path`. A missing
    file is an empty jar (curl's `-c` creates it). `CookieFileError` when it cannot be read."""
    jar = http.cookiejar.MozillaCookieJar(str(path))
    if not path.exists():
        return jar
    try:
        jar.load(ignore_discard=True, ignore_expires=False)
    except http.cookiejar.LoadError as error:
        raise CookieFileError(f"{path}: not a Netscape/Mozilla cookie file ({error})", path=path) from error
    except OSError as error:
        raise CookieFileError(f"cannot read the cookie file {path}: {error.strerror or error}", path=path) from error
    return jar


def save_cookie_file(jar: http.cookiejar.MozillaCookieJar) -> None:
    """Write the jar back to its file, session cookies included (what curl `-c` does)."""
    target = jar.filename or ""
    try:
        jar.save(ignore_discard=True, ignore_expires=False)
    except OSError as error:
        raise CookieFileError(f"cannot write the cookie file {target}: {error.strerror or error}", path=target) from error


def copy_jar(jar: http.cookiejar.CookieJar) -> list[http.cookiejar.Cookie]:
    """A snapshot of the jar's cookies (copies: later changes to the jar do not touch it)."""
    return [copy.copy(cookie) for cookie in jar]


def restore_jar(jar: http.cookiejar.CookieJar, snapshot: Iterable[http.cookiejar.Cookie]) -> None:
    """Make `jar` hold exactly `snapshot` again (in place: clients sharing it see the change)."""
    jar.clear()
    for cookie in snapshot:
        jar.set_cookie(copy.copy(cookie))
