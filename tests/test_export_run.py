"""Every exporter's output run for real against the local httpbin, compared with what reqbench
itself sends for the same request (httpbin's /anything echoes method, URL, headers, body).

curl is /usr/bin/curl, HTTPie is the `http` of the test extra, the httpx and aiohttp scripts
run under this interpreter. Hurl has no package on PyPI or Debian here: its file is checked
structurally, and run only when a `hurl` binary is on PATH.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui.core.collection import load, resolve
from tui.core.engine import Engine
from tui.core.formats.exporters import export_collection

ENV = {"RB_PASS": "s3cr3t-pass-77", "RB_KEY": "key-4242", "RB_TOKEN": "tok-xyz-9000"}
CURL = shutil.which("curl")
HTTP = str(Path(sys.executable).with_name("http"))

CASES = """
format = 1
name = "export cases"

[variables]
base = "BASE"

[[requests]]
name = "get params"
url = "{{base}}/anything/sp ace/ü?x=[1]&"
params = [["q", "a b&c=d"], ["q", "ünï"], ["empty", ""]]
headers = [["X-Colon", "a:b=c@d;e\\\\f"], ["X-Empty", ""], ["X-Quote", "it's \\"q\\" $HOME `id`"]]

[[requests]]
name = "post json"
method = "POST"
url = "{{base}}/anything"
body = { json = '{"name": "O\\u0027Brien", "n": [1, 2], "s": "@x <y"}' }

[[requests]]
name = "post text at"
method = "POST"
url = "{{base}}/anything"
body = { text = "@/etc/passwd" }

[[requests]]
name = "post form"
method = "POST"
url = "{{base}}/anything"
body = { form = [["k", "v=w"], ["a=b", "1 2"], ["x&y", "ü@<"], ["k", "second"]] }

[[requests]]
name = "post multipart"
method = "POST"
url = "{{base}}/anything"

[[requests.body.multipart]]
name = "at"
value = "@/etc/passwd"

[[requests.body.multipart]]
name = "lt"
value = "</etc/passwd"

[[requests.body.multipart]]
name = "semi"
value = "v;1,2 \\"q\\" \\\\ type=x"

[[requests.body.multipart]]
name = "doc"
file = "a,b c.txt"

[[requests]]
name = "multipart specials"
method = "POST"
url = "{{base}}/anything"

[[requests.body.multipart]]
name = "typed"
value = '@{"a": 1};b'
content_type = "application/json"

[[requests.body.multipart]]
name = "doc"
file = "a;b,c.txt"

[[requests.body.multipart]]
name = "renamed"
file = "notes.txt"
filename = "r;e,p \\"q\\".txt"
content_type = "text/plain"

[[requests]]
name = "put file"
method = "PUT"
url = "{{base}}/anything"
body = { file = "blob.bin" }

[[requests]]
name = "patch stream"
method = "PATCH"
url = "{{base}}/anything"
body = { stream = "notes.txt", chunk_size = 4 }

[[requests]]
name = "post base64"
method = "POST"
url = "{{base}}/anything"
body = { base64 = "AAEC/w==" }

[[requests]]
name = "delete"
method = "DELETE"
url = "{{base}}/anything"

[[requests]]
name = "basic auth from env"
url = "{{base}}/anything"
auth = { basic = ["tom", "{{env:RB_PASS}}"] }
headers = { "X-Api-Key" = "k-{{env:RB_KEY}}-z" }

[[requests]]
name = "bearer from env"
method = "POST"
url = "{{base}}/anything"
auth = { bearer = "{{env:RB_TOKEN}}" }

[[requests]]
name = "post redirected 302"
method = "POST"
url = "{{base}}/redirect-to?url=/anything&status_code=302"
body = { text = "moved" }

[[requests]]
name = "post redirected 307"
method = "POST"
url = "{{base}}/redirect-to?url=/anything&status_code=307"
body = { text = "kept" }

[[requests]]
name = "gzip"
url = "{{base}}/gzip"

[[requests]]
name = "digest auth"
url = "{{base}}/digest-auth/auth/tom/pw-{{env:RB_PASS}}"
auth = { digest = ["tom", "pw-{{env:RB_PASS}}"] }
"""

ALL = [
    "get params", "post json", "post text at", "post form", "post multipart", "multipart specials", "put file",
    "patch stream", "post base64", "delete", "basic auth from env", "bearer from env", "post redirected 302",
    "post redirected 307", "gzip", "digest auth",
]
# What each format refuses among the cases (checked in test_refused_requests_name_the_reason).
REFUSED = {
    "curl": set(),
    "httpie": {"multipart specials"},
    "httpx": set(),
    "aiohttp": set(),
}
_HEADERS = ("content-type", "authorization", "x-colon", "x-empty", "x-quote", "x-api-key", "transfer-encoding")


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory, httpbin_url: str) -> Path:
    folder = tmp_path_factory.mktemp("export cases")
    (folder / "blob.bin").write_bytes(b"hello\x00\xff binary\n")
    (folder / "notes.txt").write_text("line one\nline two\n")
    (folder / "a,b c.txt").write_text("comma, space\n")
    (folder / "a;b,c.txt").write_text("semicolon; comma,\n")
    path = folder / "cases.toml"
    path.write_text(CASES.replace("BASE", httpbin_url), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(cases: Path) -> dict[str, Any]:
    """What reqbench itself sent, per request, as httpbin echoed it."""
    collection = load(cases)

    async def send_all() -> dict[str, Any]:
        echoes = {}
        async with Engine() as engine:
            for request in collection.requests:
                response = await engine.send(resolve(collection, request, environ=ENV))
                echoes[request.name] = response.json()
        return echoes

    return asyncio.run(send_all())


def essentials(echo: dict[str, Any]) -> dict[str, Any]:
    if "authenticated" in echo:
        return echo
    headers = {name.lower(): value for name, value in echo["headers"].items()}
    kept = {name: headers[name] for name in _HEADERS if name in headers}
    if "content-type" in kept:
        kept["content-type"] = kept["content-type"].split("; boundary=")[0]
    out = {key: echo.get(key) for key in ("method", "url", "args", "data", "form", "files", "json", "gzipped")}
    out["headers"] = kept
    return out


def exported(fmt: str, cases: Path, *names: str, skip: bool = False) -> str:
    return export_collection(fmt, load(cases), names, skip_unsupported=skip).text


def run(argv: list[str], *, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **ENV, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(argv, env=env, capture_output=True, timeout=120, cwd=cwd, input=None if stdin is None else stdin.encode())
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done


def run_export(fmt: str, cases: Path, name: str) -> dict[str, Any]:
    text = exported(fmt, cases, name)
    if fmt in ("curl", "httpie"):
        out = run(["sh", "-c", text]).stdout
    else:
        script = cases.parent / f"{fmt}_{ALL.index(name)}.py"
        script.write_text(text, encoding="utf-8")
        stdout = run([sys.executable, str(script)]).stdout.decode()
        first, _, rest = stdout.partition("\n")
        assert first.startswith(f"# {name}: ")
        out = rest.encode()
    result: dict[str, Any] = json.loads(out)
    return result


def _params() -> list[Any]:
    out = []
    for fmt, refused in REFUSED.items():
        for name in ALL:
            if name in refused:
                continue
            marks = []
            if fmt == "curl" and CURL is None:
                marks.append(pytest.mark.skip(reason="no curl on PATH"))
            out.append(pytest.param(fmt, name, id=f"{fmt}-{name}", marks=marks))
    return out


@pytest.mark.parametrize(("fmt", "name"), _params())
def test_export_sends_what_reqbench_sends(fmt: str, name: str, cases: Path, reference: dict[str, Any]) -> None:
    echoed = essentials(run_export(fmt, cases, name))
    expected = essentials(reference[name])
    if name == "gzip":  # not /anything: the decoded JSON and its flag are what matter
        assert echoed["gzipped"] is True and expected["gzipped"] is True
        return
    if name == "digest auth":  # httpbin answers 401 unless the digest handshake succeeded
        assert echoed == expected == {"authenticated": True, "user": "tom"}
        return
    if name == "post redirected 302" and fmt == "httpie":
        # After the switch to GET, httpx keeps the Content-Type header (with no body), requests
        # (under HTTPie) drops it; method, URL and the (empty) body are the same.
        assert echoed["headers"].pop("content-type", None) is None
        assert expected["headers"].pop("content-type") == "text/plain; charset=utf-8"
    assert echoed == expected


def test_reference_is_what_the_cases_mean(reference: dict[str, Any]) -> None:
    """The comparison above is only worth something if reqbench's own echo is right."""
    assert reference["post multipart"]["form"]["at"] == "@/etc/passwd"
    assert reference["post multipart"]["form"]["semi"] == 'v;1,2 "q" \\ type=x'
    assert reference["multipart specials"]["form"]["typed"] == '@{"a": 1};b'
    assert reference["multipart specials"]["files"]["renamed"] == "line one\nline two\n"
    assert reference["post form"]["form"] == {"k": ["v=w", "second"], "a=b": "1 2", "x&y": "ü@<"}
    assert reference["post redirected 302"]["method"] == "GET" and reference["post redirected 302"]["data"] == ""
    assert reference["post redirected 307"]["method"] == "POST" and reference["post redirected 307"]["data"] == "kept"
    # (httpbin shows non-ASCII decoded; the "&" before the params is not doubled)
    assert reference["get params"]["url"].endswith("/anything/sp%20ace/ü?x=[1]&q=a+b%26c%3Dd&q=ünï&empty=")
    assert reference["patch stream"]["headers"]["Transfer-Encoding"] == "chunked"


@pytest.mark.parametrize("fmt", ["curl", "httpie", "httpx", "aiohttp", "hurl", "har"])
def test_env_secrets_stay_references(fmt: str, cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    text = exported(fmt, cases, "basic auth from env", "bearer from env")
    for value in ENV.values():
        assert value not in text
    reference = {
        "curl": '"${RB_PASS}"',
        "httpie": '"${RB_TOKEN}"',
        "httpx": "os.environ['RB_KEY']",
        "aiohttp": "os.environ['RB_PASS']",
        "hurl": '--variable RB_TOKEN="$RB_TOKEN"',
        "har": "Bearer ***",
    }[fmt]
    assert reference in text


@pytest.mark.skipif(CURL is None, reason="no curl on PATH")
def test_curl_multipart_at_value_never_reads_a_local_file(cases: Path) -> None:
    text = exported("curl", cases, "post multipart")
    assert "--form-string at=@/etc/passwd" in text
    echo = run_export("curl", cases, "post multipart")
    assert "root:" not in json.dumps(echo)
    assert echo["form"]["at"] == "@/etc/passwd" and echo["form"]["lt"] == "</etc/passwd"


def test_refused_requests_name_the_reason(cases: Path) -> None:
    from click.testing import CliRunner

    from tui.cli import main

    result = CliRunner().invoke(main, ["export", "httpie", str(cases), "-r", "get params", "-r", "multipart specials"])
    assert result.exit_code == 2
    assert "request 'multipart specials': httpie cannot express multipart part 0 ('typed')" in result.output
    result = CliRunner().invoke(main, ["export", "httpie", str(cases), "-r", "get params", "-r", "multipart specials", "--skip-unsupported"])
    assert result.exit_code == 0
    assert "skipped: request 'multipart specials'" in result.output and "http --ignore-stdin" in result.output
    result = CliRunner().invoke(main, ["export", "curl", str(cases), "-r", "nope"])
    assert result.exit_code == 2 and "no request named 'nope'" in result.output


def test_export_request_for_the_workbench(cases: Path) -> None:
    from tui.core.formats.exporters import export_request

    from tui.core.formats.exported import ENV_REFERENCES

    collection = load(cases)
    request = resolve(collection, collection.request("post json"), environ=ENV)
    command = export_request("curl", request)
    assert command.startswith("curl ") and "\n" not in command.strip().replace(" \\\n", " ")
    assert export_request("httpie", request).startswith("http --ignore-stdin --follow")
    secret = resolve(collection, collection.request("bearer from env"), environ=ENV_REFERENCES)
    assert "Authorization: Bearer '\"${RB_TOKEN}\"" in export_request("curl", secret)


@pytest.mark.parametrize("fmt", ["curl", "httpie", "httpx", "aiohttp"])
def test_a_ca_bundle_is_exported(fmt: str, tls_server: Any, tmp_path: Path) -> None:
    if fmt == "curl" and CURL is None:
        pytest.skip("no curl on PATH")
    shutil.copy(tls_server.ca_path, tmp_path / "ca.pem")
    path = tmp_path / "tls.toml"
    path.write_text(
        f'format = 1\n[[requests]]\nname = "tls"\nmethod = "POST"\nurl = "{tls_server.url}/anything"\n'
        'verify = "ca.pem"\nbody = { json = \'{"over": "tls"}\' }\n'
    )
    text = exported(fmt, path)
    if fmt in ("curl", "httpie"):
        out = run(["sh", "-c", text]).stdout
    else:
        script = tmp_path / "tls.py"
        script.write_text(text)
        out = run([sys.executable, str(script)]).stdout.decode().partition("\n")[2].encode()
    echo = json.loads(out)
    assert echo["json"] == {"over": "tls"} and echo["url"] == f"{tls_server.url}/anything"
