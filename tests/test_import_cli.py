"""`reqbench import` through click's CliRunner: options, exit codes, messages; and end to end:
each format imported, loaded with `store.load`, and replayed by `reqbench run` against httpbin
with expects that check what httpbin echoed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tui.cli import main
from tui.cli_import import _FORMATS
from tui.core.collection import store
from tui.core.collection.model import Expect
from tui.core.formats.importers import FORMATS

DATA = Path(__file__).parent / "data" / "import"
REQBENCH = Path(sys.executable).with_name("reqbench")


def _import(*args: str | Path, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["import", *map(str, args)], input=stdin, catch_exceptions=False)


def _run(path: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["run", str(path), *args], catch_exceptions=False)


def _expect(path: Path, expects: dict[str, Expect]) -> None:
    """Add expects to the imported requests (by name) and save: `run` then checks them."""
    collection = store.load(path)
    for request in collection.requests:
        request.expect = expects[request.name]
    store.save(collection)


def test_cli_format_list_is_the_registry() -> None:
    assert _FORMATS == FORMATS


# -- end to end against httpbin -------------------------------------------------------------


def test_curl_file_imports_and_replays(httpbin_url: str, tmp_path: Path) -> None:
    source_dir = tmp_path / "scripts"
    source_dir.mkdir()
    (source_dir / "payload.json").write_text('{"from": "file"}', encoding="utf-8")
    (source_dir / "notes.txt").write_text("some notes\n", encoding="utf-8")
    (source_dir / "calls.sh").write_text(
        f"#!/bin/sh\n# three calls from the API docs\n"
        f"curl -sS '{httpbin_url}/get?who=tom&n=1' -H 'X-Trace: on'\n"
        f"curl -X POST {httpbin_url}/post \\\n  -H 'Content-Type: application/json' \\\n  --data-binary @payload.json\n"
        f"curl -F 'title=hello' -F 'doc=@notes.txt;type=text/plain' -u tom:secret {httpbin_url}/anything/up\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "api.toml"
    out.parent.mkdir()
    result = _import(source_dir / "calls.sh", "-o", out, "--name", "From docs")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"imported 3 requests from {source_dir / 'calls.sh'} (curl) -> {out}\n")
    collection = store.load(out)
    assert collection.name == "From docs"
    get, post, upload = collection.requests
    assert (get.url, [(p.name, p.value) for p in get.params]) == (f"{httpbin_url}/get", [("who", "tom"), ("n", "1")])
    assert post.body is not None and post.body.kind == "file" and post.body.text == "../scripts/payload.json"
    _expect(
        out,
        {
            get.name: Expect(status=[200], json={"args.who": "tom", "headers.X-Trace": "on"}),
            post.name: Expect(status=[200], json={"json.from": "file"}),
            upload.name: Expect(status=[200], json={"form.title": "hello", "files.doc": "some notes\n", "headers.Authorization": "Basic dG9tOnNlY3JldA=="}),
        },
    )
    ran = _run(out, "--allow-path", str(source_dir))
    assert ran.exit_code == 0, ran.stdout + ran.stderr


def test_har_imports_and_replays(httpbin_url: str, tmp_path: Path) -> None:
    host = httpbin_url.removeprefix("http://")
    entries = [
        {"request": {"method": "GET", "url": f"{httpbin_url}/get?q=1", "httpVersion": "HTTP/1.1",
                     "headers": [{"name": "Host", "value": host}, {"name": "Accept", "value": "application/json"},
                                 {"name": "Accept-Encoding", "value": "gzip, br"}, {"name": "Content-Length", "value": "0"}],
                     "cookies": [{"name": "sid", "value": "abc"}], "queryString": []}},
        {"request": {"method": "POST", "url": f"{httpbin_url}/post", "httpVersion": "h2",
                     "headers": [{"name": ":authority", "value": host}, {"name": "content-type", "value": "application/x-www-form-urlencoded"}],
                     "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "a", "value": "1 2"}]}}},
        {"request": {"method": "PUT", "url": f"{httpbin_url}/put", "headers": [],
                     "postData": {"mimeType": "application/json", "text": "{\"k\": [1, 2]}"}}},
        {"request": {"method": "GET", "url": "https://elsewhere.invalid/x", "headers": []}},
    ]  # fmt: skip
    har = tmp_path / "session.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), encoding="utf-8")
    out = tmp_path / "session.toml"
    result = _import(har, "-o", out, "--host", host)
    assert result.exit_code == 0, result.stderr
    collection = store.load(out)
    assert [r.method for r in collection.requests] == ["GET", "POST", "PUT"]
    get, post, put = collection.requests
    assert [h.name for h in get.headers] == ["Accept", "Cookie"]
    _expect(
        out,
        {
            get.name: Expect(status=[200], json={"args.q": "1", "headers.Cookie": "sid=abc"}),
            post.name: Expect(status=[200], json={"form.a": "1 2"}),
            put.name: Expect(status=[200], json={"json.k": [1, 2]}),
        },
    )
    ran = _run(out)
    assert ran.exit_code == 0, ran.stdout + ran.stderr


def test_http_file_imports_and_replays(httpbin_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "body.bin").write_bytes(b"\x00\x01raw")
    (tmp_path / "api.http").write_text(
        f"@base = {httpbin_url}\n@who = tom\n\n"
        "### Who am I\nGET {{base}}/get?who={{who}}\nAuthorization: Bearer {{$processEnv API_TOKEN}}\n\n"
        "### create\n# @name create\nPOST {{base}}/post\nContent-Type: application/json\n\n"
        '{"name": "{{who}}", "n": 2}\n\n> {% client.test("ok", () => true) %}\n\n'
        "### upload\nPUT {{base}}/put\nContent-Type: application/octet-stream\n\n< ./body.bin\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("API_TOKEN", "tok-from-env")
    out = tmp_path / "api.toml"
    result = _import(tmp_path / "api.http", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "warning: create (line 10): response handler script (line 15) not imported" in result.stderr
    collection = store.load(out)
    assert collection.variables == {"base": httpbin_url, "who": "tom"}
    _expect(
        out,
        {
            "Who am I": Expect(status=[200], json={"args.who": "tom", "headers.Authorization": "Bearer tok-from-env"}),
            "create": Expect(status=[200], json={"json.name": "tom", "json.n": 2}),
            "upload": Expect(status=[200], json={"data": "\x00\x01raw", "headers.Content-Type": "application/octet-stream"}),
        },
    )
    ran = _run(out)
    assert ran.exit_code == 0, ran.stdout + ran.stderr


# -- options and exit codes ------------------------------------------------------------------


def test_stdin_and_stdout(tmp_path: Path) -> None:
    result = _import("-", stdin="curl -H 'X-A: 1' http://127.0.0.1:9/x\n")
    assert result.exit_code == 0
    collection = store.loads(result.stdout)
    assert collection.name == "curl"
    assert [(h.name, h.value) for h in collection.requests[0].headers] == [("X-A", "1")]
    assert result.stderr == "imported 1 request from <stdin> (curl) -> standard output\n"


def test_existing_output_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "c.toml"
    out.write_text("keep me", encoding="utf-8")
    refused = _import(DATA / "devtools.har", "-o", out)
    assert refused.exit_code == 2
    assert refused.stderr == f"error: {out} exists; use --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = _import(DATA / "devtools.har", "-o", out, "--force")
    assert forced.exit_code == 0
    assert len(store.load(out).requests) == 6


@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        ('{"log": {"entries": [}', (), "error: <stdin>:1:22: not valid JSON: Expecting value\n"),
        ("curl 'http://x/", (), "error: <stdin>:1:6: unterminated ' quote\n"),
        ('{"log": {}}', ("--from", "har"), "error: <stdin>: $.log.entries: missing or not an array\n"),
        ("just some words\n", ("--from", "http"), "error: <stdin>:1:1: not a request line (expected 'METHOD URL [HTTP/1.1]'): 'just some words'\n"),
        ("hello there", (), "error: <stdin>: cannot tell what format this is; say which with --from (curl, har, http, postman, insomnia, openapi)\n"),
        (b"curl http://x/\xff\n", (), "error: <stdin>:1:15: not UTF-8 text (byte 0xff)\n"),
        ("ls -l\n", ("--from", "curl"), "error: <stdin>:1:1: 'ls' is not a curl command; skipped\n"),
    ],
)
def test_unreadable_input_exits_2_with_a_position(stdin: str | bytes, args: tuple[str, ...], message: str) -> None:
    result = _import("-", *args, stdin=stdin)
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_missing_source_and_bad_format() -> None:
    missing = _import("no/such/file.har")
    assert (missing.exit_code, missing.stderr) == (2, "error: no/such/file.har: no such file\n")
    bad = _import("-", "--from", "xml", stdin="")
    assert bad.exit_code == 2 and "'xml' is not one of" in bad.stderr


def test_from_overrides_detection(tmp_path: Path) -> None:
    # a .http file whose first request is written as a URL only looks like curl to nobody;
    # force it anyway and check the importer that ran
    result = _import("-", "--from", "http", stdin="https://example.test/health\n")
    assert result.exit_code == 0
    assert store.loads(result.stdout).requests[0].url == "https://example.test/health"


def test_unwritable_output_exits_1(tmp_path: Path) -> None:
    result = _import(DATA / "devtools.har", "-o", tmp_path / "missing-dir" / "c.toml")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot save {tmp_path / 'missing-dir' / 'c.toml'}")


def test_real_subprocess_prints_no_traceback(tmp_path: Path) -> None:
    completed = subprocess.run(
        [str(REQBENCH), "import", "-", "--from", "har"], input=b"[1, 2", capture_output=True, timeout=60
    )
    assert completed.returncode == 2
    assert completed.stderr == b"error: <stdin>:1:6: not valid HAR (JSON): Expecting ',' delimiter\n"
