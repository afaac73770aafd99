"""The embedded echo server answers like httpbin under gunicorn.

Each case builds one request (its bytes fixed once, so multipart boundaries match), sends it to
both servers and compares status, the headers that matter, and the body — parsed JSON with the
host:port normalised, raw bytes otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tui.echo import EchoServer


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with EchoServer() as server:
        yield server.url


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    content: bytes | None = None
    data: dict[str, Any] | None = None
    files: list[tuple[str, tuple[str, bytes, str] | tuple[str, bytes]]] | None = None
    chunked: bool = False
    follow: bool = False
    lines: bool = False  # the body is JSON lines: compare them parsed
    compare_headers: tuple[str, ...] = ("content-type", "content-encoding", "location")


NON_UTF8 = bytes(range(256))

CASES = [
    Case("get", "GET", "/get"),
    Case("get params", "GET", "/get", params=[("username", "tom"), ("password", "123")]),
    Case("get repeats and blanks", "GET", "/get?x=%2F&z", params=[("a", "1"), ("a", "2"), ("b", "é ✓"), ("e", "")]),
    Case("get headers", "GET", "/headers", headers=[("X-Api-Key2x", "k"), ("x-dup", "1"), ("X-Dup", "2"), ("X_Under", "dropped")]),
    Case("post text", "POST", "/post", headers=[("Content-Type", "text/plain; charset=utf-8")], content=b"Hello, World!"),
    Case("post json", "POST", "/post", headers=[("Content-Type", "application/json")], content=b'{"username": "tom", "password": 123, "x": [1, {"y": null}]}'),
    Case("post bad json", "POST", "/post", headers=[("Content-Type", "application/json")], content=b'{"unterminated": '),
    Case("post form", "POST", "/post", data={"key1": "value1", "key2": ["value2", "value3"], "é": "ü"}),
    Case("post binary", "POST", "/post", headers=[("Content-Type", "application/octet-stream")], content=NON_UTF8),
    Case("post multipart file", "POST", "/post", files=[("file", ("report.csv", b"a,b\n1,2\n", "text/csv"))]),
    Case(
        "post formdata filename content_type",
        "POST",
        "/post",
        data={"username": "tom", "password": "123"},
        files=[("file", ("tom.txt", b"hello from a file\r\n--not a boundary\r\n", "text/plain")),
               ("file", ("second.txt", b"ignored by httpbin", "text/plain")),
               ("blob", ("blob.bin", NON_UTF8, "application/x-custom")),
               ("plain", ("noext", b"x"))],
    ),
    Case("post chunked stream", "POST", "/post", headers=[("Content-Type", "application/octet-stream")], content=b"0123456789" * 50, chunked=True),
    Case("post chunked text", "POST", "/post", headers=[("Content-Type", "text/plain")], content="chunks of ✓ text".encode(), chunked=True),
    Case("put", "PUT", "/put", params=[("q", "1")], headers=[("Content-Type", "application/json")], content=b'{"a": 1}'),
    Case("patch", "PATCH", "/patch", data={"a": "1"}),
    Case("delete", "DELETE", "/delete"),
    Case("anything", "POST", "/anything/some/where", params=[("y", "1")], content=b"raw"),
    Case("gzip", "GET", "/gzip"),
    Case("deflate", "GET", "/deflate"),
    Case("json", "GET", "/json"),
    Case("utf8", "GET", "/encoding/utf8"),
    Case("bytes seeded", "GET", "/bytes/2048", params=[("seed", "7")]),
    Case("stream-bytes seeded", "GET", "/stream-bytes/3000", params=[("seed", "3"), ("chunk_size", "100")]),
    Case("status 418", "GET", "/status/418"),
    Case("status 404", "GET", "/status/404"),
    Case("status 302", "GET", "/status/302"),
    Case("status post 201", "POST", "/status/201"),
    Case("status invalid", "GET", "/status/abc"),
    Case("redirect relative", "GET", "/redirect/3", follow=True),
    Case("redirect absolute", "GET", "/redirect/2", params=[("absolute", "true")], follow=True),
    Case("absolute-redirect", "GET", "/absolute-redirect/2", follow=True),
    Case("absolute-redirect hop", "GET", "/absolute-redirect/2"),
    Case("relative-redirect hop", "GET", "/relative-redirect/2"),
    Case("redirect-to", "GET", "/redirect-to", params=[("url", "/get"), ("status_code", "307")]),
    Case("delay", "GET", "/delay/0.1"),
    Case("drip", "GET", "/drip", params=[("numbytes", "5"), ("duration", "0.2"), ("code", "201")]),
    Case("drip zero", "GET", "/drip", params=[("numbytes", "0")]),
    Case("basic auth ok", "GET", "/basic-auth/user/passwd", headers=[("Authorization", "Basic dXNlcjpwYXNzd2Q=")]),
    Case("basic auth bad", "GET", "/basic-auth/user/passwd"),
    Case("bearer", "GET", "/bearer", headers=[("Authorization", "Bearer abc")]),
    Case("ip", "GET", "/ip"),
    Case("brotli", "GET", "/brotli"),
    Case("base64", "GET", "/base64/SFRUUEJJTiBpcyBhd2Vzb21l"),
    Case("base64 bad", "GET", "/base64/@@@"),
    Case("response-headers", "GET", "/response-headers", params=[("X-Thing", "a"), ("X-Thing", "b"), ("freeform", "x y")],
         compare_headers=("content-type", "content-length", "x-thing", "freeform")),
    Case("cookies", "GET", "/cookies", headers=[("Cookie", 'a=1; b="two words"; a=3')]),
    Case("cookies set", "GET", "/cookies/set", params=[("k", "v"), ("n", "2")], compare_headers=("location", "set-cookie")),
    Case("cookies set path", "GET", "/cookies/set/name/value", compare_headers=("location", "set-cookie")),
    Case("cookies delete", "GET", "/cookies/delete", params=[("k", "")], compare_headers=("location", "set-cookie")),
    Case("user-agent", "GET", "/user-agent"),
    Case("head get", "HEAD", "/get"),
    # path parameters are percent-decoded, as werkzeug routes on the decoded path
    Case("base64 escaped", "GET", "/base64/SGk%3D"),
    Case("base64 bad escape", "GET", "/base64/%FF"),
    Case("basic auth escaped", "GET", "/basic-auth/us%40er/p%20w", headers=[("Authorization", "Basic dXNAZXI6cCB3")]),
    Case("basic auth escaped wrong", "GET", "/basic-auth/us%40er/p%20w", headers=[("Authorization", "Basic dXMlNDBlcjpwJTIwdw==")]),
    Case("cookies set path escaped", "GET", "/cookies/set/a%20b/c%3Dd", compare_headers=("location", "set-cookie")),
    # invalid UTF-8 escapes kept as written in args and forms, replaced in the path
    Case("args bad escape", "GET", "/anything/%FF?x=%FF&y=%C3%A9%FF"),
    Case("form bad escape", "POST", "/post", headers=[("Content-Type", "application/x-www-form-urlencoded")], content=b"a=%FF&b=%E9t%C3%A9"),
    # cookie values quoted (octal escapes) the way werkzeug's dump_cookie does
    Case("cookies set quoted", "GET", "/cookies/set", params=[("semi", "b;c"), ("space", "b c"), ("quote", 'say "hi"'),
                                                             ("crlf", "b\r\nX: 1"), ("utf8", "é"), ("comma", "a,b")],
         compare_headers=("location", "set-cookie")),
    Case("status 999", "GET", "/status/999"),
    Case("status 600", "GET", "/status/600"),
    Case("status single weighted", "GET", "/status/999:1"),
    Case("status choice 999", "GET", "/status/999,999:2"),
    Case("range whole", "GET", "/range/30", compare_headers=("content-type", "content-range", "etag", "accept-ranges", "content-length")),
    Case("range part", "GET", "/range/100", headers=[("Range", "bytes=10-19")], compare_headers=("content-range", "etag", "content-length")),
    Case("range suffix", "GET", "/range/100", headers=[("Range", "bytes=-7")], compare_headers=("content-range", "content-length")),
    Case("range open", "GET", "/range/100", headers=[("Range", "bytes=90-")], compare_headers=("content-range", "content-length")),
    Case("range beyond", "GET", "/range/100", headers=[("Range", "bytes=100-200")], compare_headers=("content-type", "content-range", "content-length", "etag")),
    Case("range multi", "GET", "/range/50", headers=[("Range", "bytes=0-1,5-6")], compare_headers=("content-range", "content-length")),
    Case("range chunked pieces", "GET", "/range/60", params=[("chunk_size", "7"), ("duration", "0.01")], compare_headers=("content-range",)),
    Case("range too big", "GET", "/range/102401", compare_headers=("content-type", "etag", "accept-ranges")),
    Case("range zero", "GET", "/range/0", compare_headers=("etag",)),
    Case("stream", "GET", "/stream/3", params=[("q", "1")], headers=[("X-Order", "kept")], lines=True),
    Case("stream capped", "GET", "/stream/150", lines=True),
    Case("not found", "GET", "/no/such/route", compare_headers=("content-type",)),
    Case("wrong method", "GET", "/post", compare_headers=("content-type",)),
]


@dataclass(frozen=True)
class Prepared:
    method: str
    target: str  # path and query
    headers: list[tuple[str, str]]
    body: bytes


def _prepare(client: httpx.Client, case: Case) -> Prepared:
    """Build the request once so that both servers receive the same bytes."""
    request = client.build_request(
        case.method, "http://placeholder" + case.path, params=case.params or None, headers=case.headers,
        content=case.content if case.data is None and case.files is None else None,
        data=case.data, files=case.files,
    )
    headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "host"]
    if case.chunked:
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    return Prepared(case.method, request.url.raw_path.decode("ascii"), headers, request.read())


def _send(client: httpx.Client, base: str, case: Case, prepared: Prepared) -> httpx.Response:
    body = prepared.body
    content: bytes | Iterator[bytes] = body
    if case.chunked:
        content = iter([body[i : i + 64] for i in range(0, len(body), 64)])
    request = client.build_request(prepared.method, base + prepared.target, headers=prepared.headers, content=content)
    if case.chunked:
        assert request.headers["transfer-encoding"] == "chunked"
    return client.send(request, follow_redirects=case.follow)


def _normalise(value: Any, host: str) -> Any:
    if isinstance(value, str):
        return value.replace(host, "HOST")
    if isinstance(value, list):
        return [_normalise(v, host) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v, host) for k, v in value.items()}
    return value


def _view(response: httpx.Response, case: Case) -> dict[str, Any]:
    host = response.request.url.netloc.decode()
    headers = {name: _normalise(response.headers.get(name), host) for name in case.compare_headers}
    content = response.content
    body: Any
    if case.lines:
        body = [_normalise(json.loads(line), host) for line in content.splitlines()]
    elif content and response.headers.get("content-type", "").startswith("application/json"):
        body = _normalise(json.loads(content), host)
    elif case.id in ("not found", "wrong method"):
        body = None  # both are HTML error pages; the wording is werkzeug's
    else:
        body = content.replace(host.encode(), b"HOST")
    return {
        "status": response.status_code,
        "headers": headers,
        "has_length": "content-length" in response.headers,
        "chunked": response.headers.get("transfer-encoding") == "chunked",
        "history": [(r.status_code, _normalise(r.headers.get("location"), host)) for r in response.history],
        "url": _normalise(str(response.url), host),
        "body": body,
    }


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_answer_as_httpbin(case: Case, echo_url: str, httpbin_url: str) -> None:
    with httpx.Client(timeout=30) as client:
        prepared = _prepare(client, case)
        ours = _view(_send(client, echo_url, case, prepared), case)
        theirs = _view(_send(client, httpbin_url, case, prepared), case)
    assert ours == theirs
