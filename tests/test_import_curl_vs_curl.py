"""The curl importer checked against curl itself: each command line runs through real bash and
`/usr/bin/curl`, and its import is sent by reqbench's Engine, both to the same local capture
server; the two requests must match.

Compared: method, request target (path and query bytes), headers, body bytes (a multipart body
part by part: name, filename, Content-Type, content; boundaries differ by design).
Not compared, by design (documented in `from_curl`): header order, `User-Agent` (reqbench always
sends its own unless the command sets one), `Accept-Encoding` (reqbench always offers gzip,
curl only with --compressed), `Connection`, `Host`, `Expect` (curl's 100-continue) and, for
`-T`, reqbench's `Content-Type: application/octet-stream` where curl sends none, and httpx's
`Content-Length: 0` on a POST without a body (curl sends none).
"""

from __future__ import annotations

import email.parser
import email.policy
import shutil
import subprocess
from pathlib import Path

import pytest
from servers.capture import Captured, CaptureServer

from tui.core.collection.variables import resolve
from tui.core.engine import Engine
from tui.core.formats.importers import import_text

pytestmark = pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None, reason="needs curl and bash")

_IGNORED = {"user-agent", "accept-encoding", "connection", "host", "expect"}

# "URL" is replaced by the capture server's http://127.0.0.1:PORT, "HOSTPORT" by 127.0.0.1:PORT.
COMMANDS = [
    "curl URL/get",
    "curl -X DELETE 'URL/items/7?force=1&x=%20y'",
    "curl -I URL/head",
    "curl -H 'X-One: 1' -H 'X-Empty;' -H 'X-Two:   spaced value ' URL/h",
    "curl -H 'Accept: text/html' -A 'my agent/1.0' -e https://ref.example/ URL/ua",
    "curl -d a=1 -d 'b=two words' --data-raw '@literal' URL/post",
    "curl --data-urlencode 'q=a b&c=d' --data-urlencode '=x y' --data-urlencode plain URL/enc",
    "curl --data-urlencode 'k=v=w' URL/enc2",
    "curl -d 'a=1&b=2' URL/form",
    "curl --data-binary @body.json -H 'Content-Type: application/json' URL/file",
    "curl --json '{\"a\": 1}' URL/json",
    "curl --json '{\"a\":' --json ' 2}' URL/json2",
    "curl --data-raw $'line one\\nline \"two\"\\tand it\\'s \\xc3\\xa9' URL/ansi",
    "curl -X PUT --data-binary 'raw body' -H 'Content-Type: text/plain' URL/put",
    # (-G with --url-query is left out: curl 7.88 then drops the --url-query pieces)
    "curl -G -d q=1 -d 'r=2' URL/search",
    "curl -G --data-urlencode 'q=a b' 'URL/search?keep=1'",
    "curl --url-query '+raw=a%20b' --url-query 'n=é' URL/q",
    "curl --data-urlencode 'n=é/ü~*' URL/enc3",
    "curl -G --data-urlencode 'n=é/' -d 'pre=%C3%A9' URL/lower",
    "curl -u alice:s3cret URL/basic",
    "curl -u ':only-password' URL/basic2",
    "curl URL/bearer --oauth2-bearer tok123",
    "curl -b 'a=1; b=2' -b c=3 URL/cookies",
    "curl -r 0-99 URL/range",
    "curl -F 'text=hello' -F 'file=@up.txt' -F 'typed=@body.json;type=application/json;filename=renamed.json' URL/multi",
    "curl -F 'semi=\"a;b\"' --form-string 'at=@not-a-file' -F 'cut=x;junk' URL/multi2",
    "curl -T up.txt URL/upload/",
    "curl -d 'x=1' -X PATCH URL/patch",
    "curl HOSTPORT/no-scheme",
    # bash quoting: continuations, comments, mixed quotes, env variables
    "curl -X POST \\\n  -H \"Authorization: Bearer $TOKEN\" \\\n  -H 'X-Quote: it'\"'\"'s' \\\n  URL/quoted  # a comment",
    "curl -H \"X-Env: ${TOKEN}-suffix\" -d \"v=$TOKEN\" URL/env",
    "curl -sS -L -k --compressed -m 5 URL/flags",
    "curl --data-ascii 'a=1' -H 'Content-Type: application/json' -d '{\"b\": 2}' URL/mixed",
    "curl -H 'Content-Type: application/json' -d '{\"b\": [1, 2]}' URL/json-by-header",
    "curl --json '[1]' -H 'Accept: text/plain' URL/json-accept",
    "curl -A one -H 'User-Agent: two' -e ';auto' URL/override",
    "curl -F 'f=@up.txt;filename=\"a;b.txt\"' -F 'g=@body.json;type=text/x-json' URL/filenames",
    "curl -XPUT -HX-Short:1 -dshort=1 URL/attached",
    "curl -X OPTIONS URL/options -H 'X-A: 1' -H 'X-A: 2'",
]


def _parts(captured: Captured) -> list[tuple[str | None, str | None, str | None, bytes]]:
    content_type = captured.header("Content-Type") or ""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + captured.body
    )
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        declared = part["Content-Type"]
        parts.append((part.get_param("name", header="content-disposition"), part.get_filename(), declared, payload))
    return parts


def _headers(captured: Captured, *, upload: bool) -> list[tuple[str, str]]:
    kept = []
    for name, value in captured.headers:
        lower = name.lower()
        if lower in _IGNORED or (upload and lower == "content-type"):
            continue
        if lower == "content-type" and value.startswith("multipart/form-data"):
            value = "multipart/form-data"  # the boundary differs by design
        if lower == "content-length" and (captured.header("Content-Type") or "").startswith("multipart/"):
            continue  # different boundary lengths
        if lower == "content-length" and value == "0" and not captured.body:
            continue  # httpx announces an empty body on POST/PUT/PATCH; curl says nothing
        kept.append((lower, value))
    return sorted(kept)


@pytest.fixture(scope="module")
def server():
    with CaptureServer() as capture:
        yield capture


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "up.txt").write_bytes(b"uploaded\ntext\n")
    (tmp_path / "body.json").write_bytes(b'{"from": "file"}\n')
    monkeypatch.setenv("TOKEN", "tok-from-env")
    return tmp_path


def _curl(command: str, cwd: Path) -> None:
    completed = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, timeout=20)
    assert completed.returncode == 0, completed.stderr


async def _reqbench(command: str, cwd: Path) -> list[str]:
    result = import_text(command, fmt="curl", source="cmd.sh", base_dir=cwd)
    collection = result.collection
    collection.path = cwd / "imported.toml"
    async with Engine() as engine:
        for request in collection.requests:
            await engine.send(resolve(collection, request))
    return result.warnings


@pytest.mark.parametrize("command", COMMANDS)
async def test_import_sends_what_curl_sends(command: str, server: CaptureServer, workdir: Path) -> None:
    hostport = server.url.removeprefix("http://")
    command = command.replace("URL", server.url).replace("HOSTPORT", hostport)
    _curl(command + " -s -o /dev/null", workdir)
    by_curl = server.take()
    warnings = await _reqbench(command, workdir)
    ours = server.take()

    assert ours.method == by_curl.method
    assert ours.target == by_curl.target
    upload = " -T " in command
    assert _headers(ours, upload=upload) == _headers(by_curl, upload=upload), warnings
    if (by_curl.header("Content-Type") or "").startswith("multipart/form-data"):
        assert _parts(ours) == _parts(by_curl)
    else:
        assert ours.body == by_curl.body


async def test_a_file_of_commands_gives_one_request_each(server: CaptureServer, workdir: Path) -> None:
    text = f"curl {server.url}/one\n\n# second\ncurl -d x=1 {server.url}/two; curl {server.url}/three | jq .\n"
    result = import_text(text, fmt="curl", base_dir=workdir)
    assert [r.url.rsplit("/", 1)[1] for r in result.collection.requests] == ["one", "two", "three"]
    assert result.warnings == ["line 4: 'jq' is not a curl command; skipped"]
