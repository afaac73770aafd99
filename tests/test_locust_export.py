"""`to_locust`: the locustfile is stable, compiles, refuses what it cannot express, and runs for
real under Locust (a subprocess; our process never imports Locust or gevent) against the local
httpbin — headless on one process, and distributed: a master and two workers on 127.0.0.1.
"""

from __future__ import annotations

import csv
import os
import py_compile
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from quickstart_requests import answered_by_httpbin
from servers.launch import free_port
from tui.core.collection import store
from tui.core.collection.model import Body, Collection, Expect, MultipartPart, Pair, Request
from tui.core.engine.response import Response
from tui.core.errors import ExportError
from tui.core.formats import locust_runtime
from tui.core.formats.to_locust import to_locust
from tui.core.replay.expect import check

if TYPE_CHECKING:
    from conftest import TLSServer

QUICKSTART = Path(__file__).resolve().parent.parent / "collections" / "quickstart.toml"
LOCUST = Path(sys.executable).with_name("locust")
SECRET = "s3cr3t-from-the-environment"

# Captures (json, header, status) flowing into later requests, {{env:NAME}} read by the workers,
# basic and digest auth, a JSON body holding a captured number, a download counted not written,
# redirects off, and one request whose expects are deliberately wrong.
FLOW_TOML = """\
format = 1
name = "flow"

[variables]
base = "http://127.0.0.1:1"

[[requests]]
name = "log in"
method = "POST"
url = "{{base}}/response-headers"
params = { "X-Session" = "sess-42" }
capture = { session = "header:X-Session", code = "status" }
expect = { status = 200 }

[[requests]]
name = "token"
method = "POST"
url = "{{base}}/post"
body = { json = '{"access_token": "tok-{{session}}"}' }
capture = { token = "json:json.access_token" }
expect = { status = 200, json = { "headers.Content-Type" = "application/json" } }

[[requests]]
name = "bearer"
url = "{{base}}/bearer"
auth = { bearer = "{{token}}" }
expect = { status = 200, json = { authenticated = true, token = "tok-sess-42" } }

[[requests]]
name = "status as a number"
method = "POST"
url = "{{base}}/anything"
body = { json = '{"code": {{code}}}' }
expect = { json = { "json.code" = 200 } }

[[requests]]
name = "api key from the environment"
url = "{{base}}/headers"
headers = { "X-Api-Key" = "{{env:REQBENCH_LOCUST_KEY}}" }
expect = { json = { "headers.X-Api-Key" = "{{env:REQBENCH_LOCUST_KEY}}" } }

[[requests]]
name = "basic"
url = "{{base}}/basic-auth/tom/pw-1"
auth = { basic = ["tom", "pw-1"] }
expect = { status = 200, json = { user = "tom" } }

[[requests]]
name = "digest"
url = "{{base}}/digest-auth/auth/tom/pw-2"
auth = { digest = ["tom", "pw-2"] }
expect = { status = 200, json = { authenticated = true } }

[[requests]]
name = "download"
url = "{{base}}/bytes/2048"
download = { path = "out/bytes.bin", chunk_size = 512 }
expect = { status = 200 }

[[requests]]
name = "no redirects"
url = "{{base}}/redirect/1"
follow_redirects = false
expect = { status = 302, headers = { Location = "/get" } }

[[requests]]
name = "form and multipart"
method = "POST"
url = "{{base}}/post"

[[requests.body.multipart]]
name = "session"
value = "{{session}}"

[[requests.body.multipart]]
name = "file"
file = "note.txt"

[requests.expect.json]
"form.session" = "sess-42"
"files.file" = "a note\\n"
"""

TLS_TOML = """
[[requests]]
name = "tls with the CA bundle"
url = "{{tls}}/get"
verify = "ca.pem"
timeout = 5
expect = { status = 200 }

[[requests]]
name = "tls unverified"
url = "{{tls}}/get"
verify = false
expect = { status = 200 }
"""

WRONG_TOML = """
[[requests]]
name = "wrong expects"
url = "{{base}}/get?x=yes"
expect = { status = 201, json = { "args.x" = "no" } }

[[requests]]
name = "capture that fails"
url = "{{base}}/get"
capture = { missing = "json:nope" }

[[requests]]
name = "needs the missing value"
url = "{{base}}/get"
params = { v = "{{missing}}" }

[[requests]]
name = "secret kept out of the message"
url = "{{base}}/headers"
headers = { "X-Api-Key" = "{{env:REQBENCH_LOCUST_KEY}}" }
expect = { json = { "headers.X-Api-Key" = "something else" } }
"""


def _flow(tmp_path: Path, *, wrong: bool = False, ca: Path | None = None) -> Collection:
    folder = tmp_path / ("wrong" if wrong else "flow")
    folder.mkdir()
    (folder / "note.txt").write_text("a note\n")
    extra = WRONG_TOML if wrong else ""
    if ca is not None:
        (folder / "ca.pem").write_bytes(ca.read_bytes())
        extra += TLS_TOML
    path = folder / "flow.toml"
    path.write_text(FLOW_TOML + extra)
    return store.load(path)


# -- the generated source ------------------------------------------------------------------


def test_quickstart_source_is_stable_and_compiles(tmp_path: Path) -> None:
    collection = store.load(QUICKSTART)
    first = to_locust(collection, env="local")
    again = to_locust(store.load(QUICKSTART), env="local")
    assert first.encode() == again.encode()
    target = tmp_path / "locustfile.py"
    target.write_text(first)
    py_compile.compile(str(target), doraise=True)
    # every request, in collection order, under its own name
    positions = [first.index(f"        flow.send(\n            {r.name!r},") for r in collection.requests]
    assert positions == sorted(positions)
    assert "host = 'http://127.0.0.1:8080'" in first  # the environment's base is the host


def test_source_is_the_same_in_another_process(tmp_path: Path) -> None:
    """No set or hash order leaks into the file: two interpreters with other hash seeds agree."""
    collection = _flow(tmp_path)
    script = (
        "import sys; from tui.core.collection import store; from tui.core.formats.to_locust import to_locust; "
        "sys.stdout.write(to_locust(store.load(sys.argv[1]), variables={'x': '1'}))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(collection.path)],
            env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, check=True, timeout=60,
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {to_locust(collection, variables={"x": "1"}).encode()}


def test_imports_only_locust_and_the_standard_library(tmp_path: Path) -> None:
    source = to_locust(_flow(tmp_path))
    imported = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported - set(sys.stdlib_module_names) == {"locust"}
    assert "tui" not in source.replace("# ", "")  # nothing of reqbench is imported at run time


def test_environment_values_are_read_at_run_time_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQBENCH_LOCUST_KEY", SECRET)
    source = to_locust(_flow(tmp_path))
    assert SECRET not in source
    assert "Sub('{{env:REQBENCH_LOCUST_KEY}}')" in source
    assert "Read from the environment when sent: REQBENCH_LOCUST_KEY." in source


def test_captured_values_and_options_are_written_as_run_time_values(tmp_path: Path) -> None:
    source = to_locust(_flow(tmp_path), variables={"base": "http://127.0.0.1:9"})
    assert "host = 'http://127.0.0.1:9'" in source
    assert "body=Json(Sub('{\"access_token\": \"tok-{{session}}\"}'))" in source
    assert "needs={'session': 'log in'}" in source
    assert "('Authorization', Sub('Bearer {{token}}'))" in source
    assert "auth=Digest('tom', 'pw-2')" in source
    assert "download=512" in source and "out/bytes.bin" not in source
    assert "redirects=False" in source
    assert "FilePart(COLLECTION_DIR / 'note.txt')" in source


def test_selected_requests_run_in_the_order_given(tmp_path: Path) -> None:
    source = to_locust(_flow(tmp_path), names=["basic", "log in"])
    assert source.index("# 1. basic") < source.index("# 2. log in")
    assert "'digest'" not in source


def test_absolute_urls_when_no_request_starts_with_base() -> None:
    collection = Collection(requests=[Request("one", url="http://127.0.0.1:5/x")])
    source = to_locust(collection)
    assert 'host = ""' in source and "'http://127.0.0.1:5/x'," in source


def _refused(collection: Collection, **options: Any) -> str:
    with pytest.raises(ExportError) as caught:
        to_locust(collection, **options)
    return str(caught.value)


def test_what_cannot_be_expressed_is_refused_naming_the_request(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    collection = Collection(
        variables={"base": "http://h"},
        requests=[
            Request("h2", url="{{base}}/", http2=True),
            Request("grab", url="{{base}}/", capture={"name": "json:file"}),
            Request("captured path", method="POST", url="{{base}}/", body=Body("file", text="{{name}}")),
            Request("twice", url="{{base}}/", headers=[Pair("X-A", "1"), Pair("x-a", "2")]),
            Request("typed multipart", method="POST", url="{{base}}/", body=Body("multipart", parts=[MultipartPart("f", file="a.txt")], content_type="multipart/mixed")),
        ],
        path=tmp_path / "c.toml",
    )
    message = _refused(collection)
    lines = message.splitlines()
    assert any(line.startswith("request 'h2'") and "HTTP/1.1" in line for line in lines)
    assert any(line.startswith("request 'captured path', body.file") for line in lines)
    assert any(line.startswith("request 'twice': the header x-a is given twice") for line in lines)
    assert any(line.startswith("request 'typed multipart'") and "content_type" in line for line in lines)
    assert not any("'grab'" in line for line in lines)


@pytest.mark.parametrize("name", ['say """hi"""', "back\\slash \\x", "two\nlines", "ünï ✓ '\"", "tab\there"])
def test_any_request_name_gives_a_file_that_compiles(tmp_path: Path, name: str) -> None:
    collection = Collection(name=name, variables={"base": "http://h"}, requests=[Request(name, url="{{base}}/")], path=tmp_path / "c.toml")
    source = to_locust(collection)
    target = tmp_path / "locustfile.py"
    target.write_text(source)
    py_compile.compile(str(target), doraise=True)
    assert f"            {name!r},\n" in source


def test_an_invalid_url_is_refused() -> None:
    message = _refused(Collection(requests=[Request("relative", url="/get")]))
    assert message.startswith("request 'relative': invalid URL '/get'")


def test_bad_collections_fail_as_reqbench_run_would(tmp_path: Path) -> None:
    collection = Collection(requests=[Request("r", url="{{nowhere}}/x"), Request("j", method="POST", url="http://h/", body=Body("json", text="{no"))])
    message = _refused(collection)
    assert "request 'r', url: unknown variable {{nowhere}}" in message
    assert "request 'j', body.json is not valid JSON" in message
    assert "no request named 'nope'" in _refused(collection, names=["nope"])
    assert "no environment named 'prod'" in _refused(collection, env="prod")


# -- the helpers' messages are reqbench run's ----------------------------------------------


class _Raw:
    def __init__(self, headers: list[tuple[str, str]]) -> None:
        self.headers = self
        self._pairs = headers

    def getlist(self, name: str) -> list[str]:
        return [v for k, v in self._pairs if k.lower() == name.lower()]


class _LocustLike:
    """What the helpers read of a requests.Response."""

    def __init__(self, status: int, headers: list[tuple[str, str]], content: bytes) -> None:
        self.status_code = status
        self.content = content
        self.raw = _Raw(headers)
        self.headers = {k.lower(): v for k, v in headers}


CASES = [
    (Expect(status=[201]), 200, [], b""),
    (Expect(status=[200, 201]), 500, [], b""),
    (Expect(headers=[Pair("Content-Type", "json")]), 200, [], b""),
    (Expect(headers=[Pair("X-A", "b")]), 200, [("X-A", "a"), ("X-A", "c")], b""),
    (Expect(json={"a.b": 1, "c": "x"}), 200, [], b"<html>not json</html>"),
    (Expect(json={"a.b": 1, "a.0": True, "list.5": "x", "n": 1}), 200, [], b'{"a": {"b": "1"}, "list": [1, 2], "n": true}'),
    (Expect(body_contains="needle"), 200, [("Content-Type", "text/plain; charset=utf-8")], "h\u00e4ystack ".encode() * 20),
]


@pytest.mark.parametrize(("expect", "status", "headers", "content"), CASES)
def test_failure_messages_match_reqbench_run(expect: Expect, status: int, headers: list[tuple[str, str]], content: bytes) -> None:
    ours = check(expect, Response(status=status, reason="", http_version="HTTP/1.1", headers=tuple(headers), url="http://h/", content=content, detected_encoding="utf-8"))
    theirs = locust_runtime.check(
        locust_runtime.Expect(
            status=expect.status, headers=[(p.name, p.value) for p in expect.headers], json=expect.json, body_contains=expect.body_contains
        ),
        _LocustLike(status, headers, content),
    )
    assert [f.message for f in ours] == theirs
    assert theirs  # every case is a failure


def test_time_message_matches() -> None:
    theirs = locust_runtime.check(locust_runtime.Expect(max_ms=5), _LocustLike(200, [], b""), elapsed_ms=12.34)
    assert theirs == ["time: expected at most 5 ms, took 12.3 ms"]


def test_templates_fill_once_and_escape() -> None:
    values = {"a": "{{b}}", "b": "no"}
    assert locust_runtime.fill(locust_runtime.Sub("x {{a}} {{{{a}}"), values, "r") == "x {{b}} {{a}}"
    with pytest.raises(locust_runtime.NotSent, match="the environment variable REQBENCH_UNSET_X is not set"):
        locust_runtime.fill([locust_runtime.Sub("{{env:REQBENCH_UNSET_X}}")], values, "r")


# -- running it with Locust -----------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture
def locust_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    if not LOCUST.exists():
        pytest.fail(f"locust is not installed beside {sys.executable} (pip install -e '.[test]')")
    env = {**os.environ, "REQBENCH_LOCUST_KEY": SECRET, "PYTHONUNBUFFERED": "1"}
    env.pop("REQBENCH_COLLECTION_DIR", None)
    yield env


def _locust(
    locustfile: Path, prefix: Path, env: dict[str, str], *, distributed: bool, seconds: int, host: str | None = None
) -> tuple[list[dict[str, str]], list[dict[str, str]], str]:
    """Run Locust headless; returns the rows of PREFIX_stats.csv and PREFIX_failures.csv and the output."""
    common = [str(LOCUST), "-f", str(locustfile), "--loglevel", "WARNING"]
    run = ["--headless", "-u", "4", "-r", "4", "--run-time", f"{seconds}s", "--csv", str(prefix), "--only-summary"]
    if host is not None:
        run += ["--host", host]
    workers: list[subprocess.Popen[bytes]] = []
    if distributed:
        port = free_port()
        master_args = [*common, "--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port), "--expect-workers", "2", "--expect-workers-max-wait", "30", *run]
    else:
        master_args = [*common, *run]
    master = subprocess.Popen(master_args, cwd=prefix.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        if distributed:
            for _ in range(2):
                workers.append(
                    subprocess.Popen(
                        [*common, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)],
                        cwd=prefix.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    )
                )
        output, _ = master.communicate(timeout=seconds + 45)
    finally:
        _stop(master)
        for worker in workers:
            _stop(worker)
    text = output.decode(errors="replace")
    stats = prefix.with_name(prefix.name + "_stats.csv")
    assert stats.exists(), text
    return _read_csv(stats), _read_csv(prefix.with_name(prefix.name + "_failures.csv")), text


def _by_name(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["Name"]: row for row in rows if row["Name"] != "Aggregated"}


def test_quickstart_runs_distributed_with_no_failures(tmp_path: Path, httpbin_url: str, locust_env: dict[str, str]) -> None:
    collection = store.load(QUICKSTART)
    names = answered_by_httpbin(collection)
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(to_locust(collection, names=names, variables={"base": httpbin_url}))
    stats, failures, output = _locust(locustfile, tmp_path / "quickstart", locust_env, distributed=True, seconds=5)
    rows = _by_name(stats)
    assert sorted(rows) == sorted(names), output
    assert all(int(row["Request Count"]) > 0 for row in rows.values())
    assert failures == [], output
    assert all(row["Failure Count"] == "0" for row in rows.values())
    assert not (QUICKSTART.parent / "downloads" / "stream-bytes.bin.part").exists()
    print(output)


def test_flow_headless_captures_env_downloads_and_tls(
    tmp_path: Path, httpbin_url: str, tls_server: TLSServer, locust_env: dict[str, str]
) -> None:
    collection = _flow(tmp_path, ca=tls_server.ca_path)
    locustfile = tmp_path / "locustfile.py"
    source = to_locust(collection, variables={"tls": tls_server.url})
    assert "verify=str(COLLECTION_DIR / 'ca.pem')" in source and "timeout=5.0" in source and "verify=False" in source
    locustfile.write_text(source)
    # --host moves the whole test: the file's base (port 1) is never used
    assert "host = 'http://127.0.0.1:1'" in locustfile.read_text()
    stats, failures, output = _locust(locustfile, tmp_path / "flow", locust_env, distributed=False, seconds=3, host=httpbin_url)
    rows = _by_name(stats)
    assert sorted(rows) == sorted(r.name for r in collection.requests), output
    assert failures == [], output
    assert float(rows["download"]["Average Content Size"]) == 2048  # read and counted, not written
    assert not (tmp_path / "flow" / "out").exists()


def test_wrong_expects_fail_distributed_with_reqbench_messages(tmp_path: Path, httpbin_url: str, locust_env: dict[str, str]) -> None:
    collection = _flow(tmp_path, wrong=True)
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(to_locust(collection, variables={"base": httpbin_url}))
    stats, failures, output = _locust(locustfile, tmp_path / "wrong", locust_env, distributed=True, seconds=5)
    rows = _by_name(stats)
    assert sorted(rows) == sorted(r.name for r in collection.requests), output
    wrong = {"wrong expects", "capture that fails", "needs the missing value", "secret kept out of the message"}
    for name, row in rows.items():
        if name in wrong:
            assert int(row["Failure Count"]) == int(row["Request Count"]) > 0, (name, output)
        else:
            assert row["Failure Count"] == "0", (name, output)
    errors = {row["Name"]: row["Error"] for row in failures}
    assert 'status: expected 201, got 200; json args.x: expected "no", got "yes"' in errors["wrong expects"]
    assert "capture missing from 'json:nope': no key 'nope' at the top level" in errors["capture that fails"]
    assert "not sent: it needs 'missing' from 'capture that fails', which was not captured" in errors["needs the missing value"]
    assert 'json headers.X-Api-Key: expected "something else", got "***"' in errors["secret kept out of the message"]
    assert SECRET not in (tmp_path / "wrong_failures.csv").read_text()
    print(output)


# -- reqbench export locust -------------------------------------------------------------------


def test_cli_writes_the_locustfile(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tui.cli import main

    target = tmp_path / "out" / "locustfile.py"
    result = CliRunner().invoke(main, ["export", "locust", str(QUICKSTART), "--env", "local", "-r", "get", "-r", "log in", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "2 requests written to" in result.output
    assert target.read_text() == to_locust(store.load(QUICKSTART), names=["get", "log in"], env="local")


def test_cli_refuses_with_exit_2_naming_the_request(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tui.cli import main

    path = tmp_path / "h2.toml"
    path.write_text('format = 1\n\n[[requests]]\nname = "fast"\nurl = "https://h/"\nhttp2 = true\n')
    result = CliRunner().invoke(main, ["export", "locust", str(path)])
    assert result.exit_code == 2
    assert "error: request 'fast': http2 = true cannot be expressed" in result.output
    assert "Traceback" not in result.output
