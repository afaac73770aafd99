"""`reqbench history` and `reqbench run --history / --no-history / --cookies` through click's
CliRunner against the local httpbin, on real history files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tui.cli import main

TOKEN = "tok-cli-5566778899"


def _invoke(*args: str | Path, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(map(str, args)), env=env, input=input, catch_exceptions=False)


@pytest.fixture
def collection(tmp_path: Path, httpbin_url: str) -> Path:
    path = tmp_path / "api.toml"
    path.write_text(
        f'format = 1\n[[requests]]\nname = "get"\nurl = "{httpbin_url}/get"\nheaders = {{ Authorization = "Bearer {TOKEN}" }}\n'
        f'[[requests]]\nname = "missing"\nurl = "{httpbin_url}/status/404"\n'
        f'[[requests]]\nname = "login"\nurl = "{httpbin_url}/cookies/set?sid=s-1"\nfollow_redirects = false\n'
        f'[[requests]]\nname = "whoami"\nurl = "{httpbin_url}/cookies"\n',
        encoding="utf-8",
    )
    return path


def test_run_records_only_when_asked(tmp_path: Path, collection: Path) -> None:
    db = tmp_path / "h.db"
    env = {"REQBENCH_HISTORY": str(db)}
    assert _invoke("run", collection, env=env).exit_code == 0
    assert not db.exists()  # CI writes nothing unless asked
    assert _invoke("run", collection, "--history", env=env).exit_code == 0  # the env var picks the file
    assert _invoke("run", collection, f"--history={tmp_path / 'other.db'}").exit_code == 0
    assert (tmp_path / "other.db").exists()

    listed = _invoke("history", "--json", env=env)
    assert listed.exit_code == 0
    entries = json.loads(listed.output)["entries"]
    assert [e["name"] for e in entries] == ["whoami", "login", "missing", "get"]  # newest first
    first = entries[-1]
    assert set(first) == {"id", "time", "collection", "name", "method", "url", "status", "ms", "size", "error"}
    assert first["collection"] == str(collection.resolve()) and first["status"] == 200 and first["time"].endswith("Z")
    assert TOKEN.encode() not in db.read_bytes()

    assert [e["name"] for e in json.loads(_invoke("history", "--json", "--status", "4xx", env=env).output)["entries"]] == ["missing"]
    assert [e["name"] for e in json.loads(_invoke("history", "--json", "-r", "get", env=env).output)["entries"]] == ["get"]
    assert len(json.loads(_invoke("history", "--json", "--collection", collection, "--limit", "2", env=env).output)["entries"]) == 2
    text = _invoke("history", env=env).output
    assert "whoami" in text and "404" in text and "api.toml" in text

    shown = _invoke("history", "show", str(first["id"]), "--json", "--body", env=env)
    entry = json.loads(shown.output)
    # the documented document (docs/history.md): fields may be added, never renamed or dropped
    assert set(entry) >= set(first) | {"request", "response", "body_size", "body_complete", "body_sha256", "source", "body", "body_encoding"}
    assert set(entry["request"]) >= {"method", "url", "headers", "body_kind", "body", "body_summary", "timeout", "follow_redirects", "verify", "http2"}
    assert set(entry["response"]) >= {"status", "reason", "http_version", "headers", "url", "redirects", "timings", "wire_size", "decoded_size", "reused", "download_path"}
    assert set(entry["response"]["timings"]) >= {"dns_ms", "connect_ms", "tls_ms", "request_sent_ms", "first_byte_ms", "total_ms", "reused"}
    assert entry["request"]["headers"] and ["authorization", "Bearer ***"] in entry["request"]["headers"]
    assert entry["response"]["status"] == 200 and entry["body_encoding"] == "utf-8" and '"url"' in entry["body"]
    assert TOKEN not in shown.output
    plain = _invoke("history", "show", str(first["id"]), "--body", env=env).output
    assert "< HTTP/1.1 200 OK" in plain and "> authorization: Bearer ***" in plain and "timing:" in plain


def test_show_and_clear_errors_and_clearing(tmp_path: Path, collection: Path) -> None:
    env = {"REQBENCH_HISTORY": str(tmp_path / "h.db")}
    _invoke("run", collection, "--history", env=env)
    missing = _invoke("history", "show", "999", env=env)
    assert missing.exit_code == 1 and "no history entry 999" in missing.output
    bad = _invoke("history", "clear", "--before", "yesterday", env=env)
    assert bad.exit_code == 2 and "not a date" in bad.output
    assert "deleted 0 entries" in _invoke("history", "clear", "--before", "2000-01-01", env=env).output
    assert "deleted 4 entries" in _invoke("history", "clear", "--collection", collection, env=env).output
    _invoke("run", collection, "--history", env=env)
    refused = _invoke("history", "clear", env=env, input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert "deleted 4 entries" in _invoke("history", "clear", "--yes", env=env).output
    assert "no history entries" in _invoke("history", env=env).output


def test_an_unusable_history_is_a_warning_for_run_and_an_error_for_history(tmp_path: Path, collection: Path) -> None:
    garbage = tmp_path / "bad.db"
    garbage.write_bytes(b"garbage" * 1000)
    ran = _invoke("run", collection, f"--history={garbage}")
    assert ran.exit_code == 0 and "warning: history off" in ran.output and "not a usable SQLite database" in ran.output
    listed = _invoke("history", "--db", garbage)
    assert listed.exit_code == 2 and "error: history off" in listed.output


def test_history_option_clashes(tmp_path: Path, collection: Path) -> None:
    both = _invoke("run", collection, "--history", "--no-history")
    assert both.exit_code == 2 and "cannot be used together" in both.output
    swallowed = _invoke("run", "--history", collection)
    assert swallowed.exit_code == 2 and "looks like the collection" in swallowed.output


def test_run_cookies_file_is_loaded_and_saved(tmp_path: Path, collection: Path, httpbin_url: str) -> None:
    jar = tmp_path / "cookies.txt"
    assert _invoke("run", collection, "-r", "login", "--cookies", jar).exit_code == 0
    assert "\tsid\ts-1" in jar.read_text()
    check = tmp_path / "check.toml"
    check.write_text(f'format = 1\n[[requests]]\nname = "whoami"\nurl = "{httpbin_url}/cookies"\nexpect = {{ json = {{ "cookies.sid" = "s-1" }} }}\n')
    assert _invoke("run", check).exit_code == 1  # no jar: no cookie
    assert _invoke("run", check, "--cookies", jar).exit_code == 0
    jar.write_text("garbage\n")
    broken = _invoke("run", check, "--cookies", jar)
    assert broken.exit_code == 2 and "not a Netscape/Mozilla cookie file" in broken.output
