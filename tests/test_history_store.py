"""The history database (`tui.core.history`) on real files, with real responses from the local
httpbin / fault servers: recording, masking before writing, queries, retention, migrations,
two processes writing at once, and a database that breaks mid-run (history off, no crash)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from servers.fault import expected_sha256
from tui.core.collection import store
from tui.core.collection.variables import resolve
from tui.core.engine import Engine, ResolvedRequest
from tui.core.errors import ConnectError, HistoryError
from tui.core.history import SCHEMA_VERSION, History, Query, Retention, default_path, env_secrets, parse_filter
from tui.core.history.migrations import MIGRATIONS

SECRET = "s3cr3t-Token-9f8e7d"
ENV_SECRET = "env-only-value-4242"


def _files_bytes(path: Path) -> bytes:
    """The database and its WAL / shm side files: everything SQLite wrote."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def _send(request: ResolvedRequest):  # type: ignore[no-untyped-def]
    async with Engine() as engine:
        return await engine.send(request)


def test_default_path_follows_xdg_and_the_override(tmp_path: Path) -> None:
    assert default_path({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "reqbench" / "history.sqlite3"
    assert default_path({"HOME": "/h"}).parts[-3:] == ("state", "reqbench", "history.sqlite3")
    assert default_path({"REQBENCH_HISTORY": str(tmp_path / "x.db"), "XDG_STATE_HOME": "/nope"}) == tmp_path / "x.db"


async def test_a_send_is_recorded_with_secrets_masked_before_writing(tmp_path: Path, httpbin_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """httpbin's /anything echoes headers, query and body: the secrets come back in the body too."""
    monkeypatch.setenv("REQBENCH_TEST_SECRET", ENV_SECRET)
    collection_path = tmp_path / "api.toml"
    collection_path.write_text(
        "format = 1\n[[requests]]\nname = \"echo\"\nmethod = \"POST\"\n"
        f'url = "{httpbin_url}/anything?api_key=KEY-abcdef&page=2"\n'
        f'headers = {{ Authorization = "Bearer {SECRET}", "X-Plain" = "{{{{env:REQBENCH_TEST_SECRET}}}}", Cookie = "sid=cookie-value-77" }}\n'
        'body = { json = \'{"password": "pw-hunter2-xyz", "n": 1}\' }\n',
        encoding="utf-8",
    )
    collection = store.load(collection_path)
    request = collection.requests[0]
    resolved = resolve(collection, request)
    response = await _send(resolved)
    assert ENV_SECRET in response.text() and SECRET in response.text()  # the server did see them

    db = tmp_path / "state" / "history.sqlite3"
    with History.open(db) as history:
        secrets = env_secrets(collection, request)
        assert secrets == [ENV_SECRET]
        entry_id = history.record(resolved, response, collection=collection_path, secrets=secrets)
        assert entry_id is not None
        entry = history.get(entry_id)
    raw = _files_bytes(db)
    for secret in (SECRET, ENV_SECRET, "KEY-abcdef", "cookie-value-77"):
        assert secret.encode() not in raw, f"{secret} reached the database file"
    assert b"page=2" in raw  # what is not secret is kept
    assert entry.summary.collection == str(collection_path.resolve())
    assert entry.summary.name == "echo" and entry.summary.method == "POST" and entry.summary.status == 200
    headers = dict(entry.request.headers)
    assert headers["authorization"] == "Bearer ***" and headers["x-plain"] == "***"
    assert "api_key=***" in entry.request.url
    assert entry.response is not None and entry.response.http_version == "HTTP/1.1"
    assert entry.response.timings["total_ms"] == pytest.approx(response.elapsed_ms)
    assert entry.body_complete and b'"page": "2"' in entry.body and SECRET.encode() not in entry.body
    assert entry.request.body is not None and "n" in entry.request.body


async def test_an_error_is_recorded(tmp_path: Path, refused_url: str) -> None:
    resolved = ResolvedRequest(name="down", method="GET", url=refused_url + "/x", timeout=5)
    with pytest.raises(ConnectError) as caught:
        await _send(resolved)
    with History.open(tmp_path / "h.db") as history:
        entry_id = history.record(resolved, error=caught.value)
        assert entry_id is not None
        entry = history.get(entry_id)
        assert entry.response is None and entry.summary.status is None
        assert entry.summary.error and "refused" in entry.summary.error.lower()
        assert [e.id for e in history.entries(Query(status="error"))] == [entry_id]


async def test_a_big_body_keeps_a_head_and_the_sha256(tmp_path: Path, fault_url: str) -> None:
    size = 3 * 2**20
    resolved = ResolvedRequest(name="big", method="GET", url=f"{fault_url}/big?size={size}")
    response = await _send(resolved)
    with History.open(tmp_path / "h.db", body_cap=2**20, head_size=4096) as history:
        entry = history.get(history.record(resolved, response) or 0)
    assert not entry.body_complete and len(entry.body) == 4096 and entry.body_size == size
    assert entry.body_sha256 == expected_sha256(size)


def _fill(history: History, count: int, *, start: float = 1_700_000_000.0, step: float = 1.0, collection: str = "/c/a.toml") -> None:
    for i in range(count):
        status = (200, 404, 500)[i % 3]
        name = f"req{i % 4}"
        resolved = ResolvedRequest(name=name, method="GET", url=f"http://example.test/item/{i}")
        # an error entry needs no server: record builds the summary from the resolved request
        history.record(resolved, error=ConnectError(f"status {status}"), collection=collection, when=start + i * step)
        history._use(lambda c, s=status: c.execute("UPDATE entries SET status = ?, status_class = ? WHERE id = (SELECT max(id) FROM entries)", (s, s // 100)))


def test_queries_filter_and_page_newest_first(tmp_path: Path) -> None:
    with History.open(tmp_path / "h.db") as history:
        _fill(history, 30)
        _fill(history, 3, collection="/other/b.toml", start=1_800_000_000.0)
        first = history.entries(limit=10)
        assert [e.id for e in first] == list(range(33, 23, -1))
        second = history.entries(limit=10, before=first[-1].id)
        assert [e.id for e in second] == list(range(23, 13, -1))
        assert {e.name for e in history.entries(Query(name="req1"), limit=100)} == {"req1"}
        assert {e.status for e in history.entries(Query(status="4xx"), limit=100)} == {404}
        assert history.count(Query(status="5xx")) == 11
        assert history.count(Query(collection="b.toml")) == 3
        assert history.count(Query(collection="/c/a.toml")) == 30
        assert [e.url for e in history.entries(Query(text="item/17"))] == ["http://example.test/item/17"]
        assert history.count(parse_filter("status:2xx name:req0 item")) == len([i for i in range(30) if i % 3 == 0 and i % 4 == 0]) + 1
        with pytest.raises(KeyError):
            history.get(999)


def test_parse_filter_rejects_a_bad_status() -> None:
    with pytest.raises(ValueError, match="status filter"):
        parse_filter("status:abc")
    assert parse_filter("'two words' name:x") == Query(text="two words", name="x")


def test_retention_keeps_the_newest_n_and_the_last_d_days(tmp_path: Path) -> None:
    with History.open(tmp_path / "h.db", retention=Retention(max_entries=None)) as history:
        _fill(history, 50, start=time.time() - 50 * 86400, step=86400)  # one a day, the newest yesterday
    with History.open(tmp_path / "h.db", retention=Retention(max_entries=20)) as history:
        assert history.count() == 20  # applied on open
        assert [e.id for e in history.entries(limit=1)] == [50]
    with History.open(tmp_path / "h.db", retention=Retention(max_entries=None, max_days=10.5)) as history:
        assert history.count() == 10
        assert history._use(lambda c: c.execute("SELECT count(*) FROM entry_details").fetchone()[0]) == 10  # cascade


def test_clear_before_a_date_or_for_a_collection_then_vacuum(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with History.open(db) as history:
        _fill(history, 500, start=1_700_000_000.0)
        _fill(history, 10, start=1_700_000_000.0, collection=str(tmp_path / "b.toml"))
    size_before = db.stat().st_size
    with History.open(db) as history:
        assert history.clear(collection=tmp_path / "b.toml") == 10
        assert history.clear(before=datetime.fromtimestamp(1_700_000_100.0, UTC)) == 100
        assert history.count() == 400
        assert history.clear() == 400
    assert db.stat().st_size < size_before  # VACUUM gave the space back


def test_a_database_at_an_older_schema_is_migrated(tmp_path: Path) -> None:
    """A file made by the first release (schema 1: entries only, no cookie table) keeps its rows."""
    db = tmp_path / "old.db"
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    connection.execute("INSERT INTO schema_version VALUES (1)")
    for statement in MIGRATIONS[0]:
        connection.execute(statement)
    connection.execute("INSERT INTO entries (time, collection, name, method, url, status) VALUES (1.0, '', 'old', 'GET', 'http://x/', 200)")
    connection.execute("INSERT INTO entry_details (entry_id, request) VALUES (1, '{\"method\": \"GET\", \"url\": \"http://x/\", \"headers\": []}')")
    connection.close()
    with History.open(db) as history:
        assert history.available, history.problem
        assert history.get(1).summary.name == "old"
        assert history.cookies.list() == []  # the table migration 2 added
        assert history._use(lambda c: c.execute("SELECT version FROM schema_version").fetchall()) == [(SCHEMA_VERSION,)]


def test_a_database_from_a_newer_reqbench_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    connection.execute("INSERT INTO schema_version VALUES (99)")
    connection.commit()
    connection.close()
    history = History.open(db)
    assert not history.available
    assert history.problem is not None and "newer than this reqbench" in history.problem and str(db) in history.problem
    assert history.record(ResolvedRequest(name="x", method="GET", url="http://x/")) is None
    with pytest.raises(HistoryError, match="history off"):
        history.entries()


@pytest.mark.parametrize("kind", ["garbage", "folder"])
def test_an_unusable_file_means_history_off_not_a_crash(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "h.db"
    if kind == "garbage":
        db.write_bytes(b"this is not sqlite at all\n" * 400)
    else:
        db.mkdir()
    history = History.open(db)
    assert not history.available
    assert history.problem is not None and history.problem.startswith("history off: ") and str(db) in history.problem
    assert history.record(ResolvedRequest(name="x", method="GET", url="http://x/")) is None
    assert history.cookies.load("/c.toml") is not None and not history.cookies.save("/c.toml", [])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_means_history_off(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    History.open(db).close()
    db.chmod(0)
    try:
        history = History.open(db)
        assert not history.available and history.problem is not None and str(db) in history.problem
    finally:
        db.chmod(0o600)


def test_a_database_truncated_mid_run_is_no_crash(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    history = History.open(db)
    _fill(history, 20)
    history._use(lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
    with db.open("r+b") as handle:
        handle.truncate(1000)  # cut mid-page
    for _ in range(10):
        history.record(ResolvedRequest(name="x", method="GET", url="http://x/"))  # never raises
        with contextlib.suppress(HistoryError):
            history.entries()
    history.close()


def test_a_database_overwritten_mid_run_turns_history_off(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    history = History.open(db)
    resolved = ResolvedRequest(name="x", method="GET", url="http://x/")
    _fill(history, 20)
    history._use(lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
    with db.open("r+b") as handle:  # someone scribbles over the file while we run
        handle.write(b"\x00garbage" * 4096)
    for _ in range(20):
        history.record(resolved)  # never raises, whatever SQLite notices
        try:
            history.entries(limit=50)
        except HistoryError as error:
            assert "history off" in str(error)
    history.close()
    reopened = History.open(db)
    assert not reopened.available and reopened.problem is not None and "not a usable SQLite database" in reopened.problem


def _hammer(path: str, worker: int, count: int) -> None:
    with History.open(Path(path)) as history:
        assert history.available, history.problem
        for i in range(count):
            resolved = ResolvedRequest(name=f"w{worker}", method="GET", url=f"http://x/{worker}/{i}")
            assert history.record(resolved, error=ConnectError("x")) is not None, history.problem


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hammer, args=(str(db), w, 150)) for w in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    with History.open(db) as history:
        assert history.count(Query(name="w0")) == 150 and history.count(Query(name="w1")) == 150
        assert history._use(lambda c: c.execute("PRAGMA integrity_check").fetchone()) == ("ok",)
        assert history._use(lambda c: c.execute("PRAGMA journal_mode").fetchone()) == ("wal",)


def test_the_hand_written_dicts_cover_every_field() -> None:
    """`to_dict` is written out by hand (asdict's deep copies were most of recording's cost)."""
    import dataclasses

    from tui.core.engine import Timings
    from tui.core.history import RecordedRequest, RecordedResponse
    from tui.core.history.record import _TIMING_FIELDS

    assert tuple(f.name for f in dataclasses.fields(Timings)) == _TIMING_FIELDS
    request = RecordedRequest("GET", "http://x/", (("a", "b"),), body="x")
    response = RecordedResponse(200, "OK", "HTTP/1.1", (("c", "d"),), "http://x/", redirects=((302, "http://y/"),))
    assert set(request.to_dict()) == {f.name for f in dataclasses.fields(RecordedRequest)}
    assert set(response.to_dict()) == {f.name for f in dataclasses.fields(RecordedResponse)}
    assert RecordedRequest.from_dict(request.to_dict()) == request
    assert RecordedResponse.from_dict(response.to_dict()) == response


async def test_restore_and_resend_an_entry(tmp_path: Path, httpbin_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Restoring gives the request as written ({{env:…}} kept, a literal secret masked); resolving
    and sending it again reaches the server with the real token."""
    from tui.core.history import request_from_entry

    monkeypatch.setenv("REQBENCH_RESTORE_TOKEN", "restore-token-31337")
    path = tmp_path / "api.toml"
    path.write_text(
        'format = 1\n[variables]\nbase = "' + httpbin_url + '"\n[[requests]]\nname = "who"\nmethod = "POST"\nurl = "{{base}}/anything"\n'
        'headers = { Authorization = "Bearer {{env:REQBENCH_RESTORE_TOKEN}}", "X-Api-Key" = "literal-key-8080" }\n'
        'body = { json = \'{"a": 1}\' }\n',
        encoding="utf-8",
    )
    collection = store.load(path)
    request = collection.requests[0]
    resolved = resolve(collection, request)
    db = tmp_path / "h.db"
    with History.open(db) as history:
        entry_id = history.record(resolved, await _send(resolved), collection=path, request=request, secrets=env_secrets(collection, request))
        entry = history.get(entry_id or 0)
        unnamed = history.get(history.record(resolved, await _send(resolved)) or 0)  # no source kept
    assert b"restore-token-31337" not in _files_bytes(db) and b"literal-key-8080" not in _files_bytes(db)
    restored = request_from_entry(entry)
    assert restored.url == "{{base}}/anything" and restored.method == "POST"
    assert {p.name: p.value for p in restored.headers} == {"Authorization": "Bearer {{env:REQBENCH_RESTORE_TOKEN}}", "X-Api-Key": "***"}
    assert restored.body is not None and restored.body.kind == "json" and restored.body.text == '{"a": 1}'
    resent = await _send(resolve(collection, restored))
    assert resent.json()["headers"]["Authorization"] == "Bearer restore-token-31337"
    rebuilt = request_from_entry(unnamed, name="copy")
    assert rebuilt.name == "copy" and rebuilt.url == f"{httpbin_url}/anything"
    assert {p.name.lower(): p.value for p in rebuilt.headers} == {"authorization": "Bearer ***", "x-api-key": "***"}
    assert rebuilt.body is not None and rebuilt.body.kind == "json"


async def test_an_entry_opens_as_a_response_for_the_viewer(tmp_path: Path, httpbin_url: str) -> None:
    from tui.core.history import response_from_entry

    resolved = ResolvedRequest(name="r", method="GET", url=f"{httpbin_url}/redirect-to?url=/json", follow_redirects=True)
    response = await _send(resolved)
    with History.open(tmp_path / "h.db") as history:
        entry = history.get(history.record(resolved, response) or 0)
        failed = history.get(history.record(resolved, error=ConnectError("refused")) or 0)
    shown = response_from_entry(entry)
    assert shown is not None and response_from_entry(failed) is None
    assert (shown.status, shown.reason, shown.http_version) == (200, "OK", "HTTP/1.1")
    assert shown.json() == response.json() and shown.content_type == "application/json"
    assert [hop.status for hop in shown.history] == [302] and shown.url.endswith("/json")
    assert shown.timings == response.timings and shown.decoded_size == response.decoded_size
    assert shown.sent is not None and shown.sent.url.endswith("/json")


def test_a_lock_held_past_the_busy_timeout_skips_one_entry_not_the_history(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    resolved = ResolvedRequest(name="x", method="GET", url="http://x/")
    with History.open(db, busy_timeout=0.2) as history:
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another process in the middle of a long write
        started = time.perf_counter()
        assert history.record(resolved, error=ConnectError("x")) is None
        assert 0.15 < time.perf_counter() - started < 3
        assert history.available and history.problem is not None and "locked" in history.problem
        other.execute("ROLLBACK")
        other.close()
        assert history.record(resolved, error=ConnectError("x")) == 1
        assert history.problem is None


async def test_credential_keys_in_json_bodies_are_masked(tmp_path: Path, httpbin_url: str) -> None:
    """A login posts a token in JSON and httpbin sends it back (as a login response would):
    neither the request nor the response body keeps it; ordinary keys stay."""
    from tui.core.collection.model import Body, Request

    body = '{"user": "tom", "access_token": "json-token-424242", "author": "ann", "n": [{"client_secret": "nested-secret-99"}]}'
    request = Request(name="login", method="POST", url=f"{httpbin_url}/post", body=Body(kind="json", text=body))
    resolved = ResolvedRequest(name="login", method="POST", url=f"{httpbin_url}/post", body=_json_body(body))
    response = await _send(resolved)
    assert b"json-token-424242" in response.content
    db = tmp_path / "h.db"
    with History.open(db) as history:
        entry = history.get(history.record(resolved, response, request=request) or 0)
    raw = _files_bytes(db)
    assert b"json-token-424242" not in raw and b"nested-secret-99" not in raw
    assert '"author": "ann"' in (entry.request.body or "") and b'"user": "tom"' in entry.body.replace(b'\\"', b'"')


def _json_body(text: str):  # type: ignore[no-untyped-def]
    from tui.core.engine import ResolvedBody

    return ResolvedBody(kind="json", text=text)
