"""Numbered schema migrations of the history database, from the first release on.

`MIGRATIONS[i]` takes a database from version i to i + 1; a new release appends, never edits.
`schema_version` holds one row: the version the file is at (0: empty file).

1. `entries` (the slim list rows, indexed for the filters) and `entry_details` (what was sent,
   what came back, the body, and the request as written in the collection -- `{{var}}`s kept --
   for restoring it), one row each per send.
2. `cookies`: the persisted cookie jar of each collection.
"""

from __future__ import annotations

import sqlite3

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "current_version", "migrate"]

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            collection TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL DEFAULT '',
            method TEXT NOT NULL,
            url TEXT NOT NULL,
            status INTEGER,
            status_class INTEGER NOT NULL DEFAULT 0,
            elapsed_ms REAL,
            size INTEGER,
            error TEXT
        )""",
        """CREATE TABLE entry_details (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
            request TEXT NOT NULL,
            response TEXT,
            body BLOB,
            body_size INTEGER NOT NULL DEFAULT 0,
            body_complete INTEGER NOT NULL DEFAULT 1,
            body_sha256 TEXT,
            source TEXT
        )""",
        "CREATE INDEX entries_time ON entries(time)",
        "CREATE INDEX entries_collection ON entries(collection, id)",
        "CREATE INDEX entries_name ON entries(name, id)",
        # status // 100, 0 for errors: "4xx" is an equality, so the index also gives id order
        # (an exact code filters within its class: one index fewer to write per send)
        "CREATE INDEX entries_status_class ON entries(status_class, id)",
    ),
    (
        """CREATE TABLE cookies (
            collection TEXT NOT NULL,
            domain TEXT NOT NULL,
            path TEXT NOT NULL,
            name TEXT NOT NULL,
            value TEXT,
            expires INTEGER,
            secure INTEGER NOT NULL DEFAULT 0,
            http_only INTEGER NOT NULL DEFAULT 0,
            attributes TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (collection, domain, path, name)
        )""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


def current_version(connection: sqlite3.Connection) -> int:
    exists = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
    if exists is None:
        return 0
    row = connection.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0


def migrate(connection: sqlite3.Connection) -> tuple[int, int]:
    """Bring the file up to `SCHEMA_VERSION` in one IMMEDIATE transaction (two processes opening
    a new file at once: the second waits, then sees the work done). Returns (from, to).
    A file from a newer reqbench is left alone: `ValueError` naming both versions."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        start = current_version(connection)
        if start > SCHEMA_VERSION:
            raise ValueError(f"it is at schema version {start}, newer than this reqbench understands ({SCHEMA_VERSION}); upgrade reqbench")
        if start == 0:
            connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        for version in range(start, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
        if start != SCHEMA_VERSION:
            connection.execute("DELETE FROM schema_version")
            connection.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return start, SCHEMA_VERSION
