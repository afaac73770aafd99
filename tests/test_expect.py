"""Expect checks, dotted JSON paths and captures: pure logic on Response values, plus every
kind of check against a real httpbin (pass and fail, with the message a user sees)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tui.core.collection import store
from tui.core.replay.capture import capture, parse_source
from tui.core.replay.expect import MISSING, PathNotFound, check, lookup, same_value
from tui.core.collection.model import Expect, Pair
from tui.core.replay import Outcome, RunOptions, run
from tui.core.engine.response import Response, Timings

DOC = {"items": [{"id": 7, "tags": ["a", "b"]}, {"id": 8}], "files": {"my.txt": "hi"}, "ok": True, "n": 1}


def _response(body: Any = None, *, status: int = 200, headers: tuple[tuple[str, str], ...] = (), total_ms: float = 5.0, raw: bytes | None = None) -> Response:
    content = raw if raw is not None else json.dumps(body).encode()
    return Response(
        status=status,
        reason="OK",
        http_version="HTTP/1.1",
        headers=(("Content-Type", "application/json"), *headers),
        url="http://127.0.0.1/x",
        content=content,
        decoded_size=len(content),
        wire_size=len(content),
        timings=Timings(total_ms=total_ms),
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("items.0.id", 7),
        ("items.1.id", 8),
        ("items.-1.id", 8),
        ("items.0.tags.1", "b"),
        ("files.my.txt", "hi"),  # a key holding a dot
        ("ok", True),
        ("", DOC),
    ],
)
def test_lookup_follows_dotted_paths_and_list_indexes(path: str, expected: Any) -> None:
    assert lookup(DOC, path) == expected


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("items.2.id", "index 2 is out of range at items (a list of 2)"),
        ("items.first", "items is a list; 'first' is not an index"),
        ("nope", "no key 'nope' at the top level (keys: files, items, n, ok)"),
        ("items.0.name", "no key 'name' at items.0 (keys: id, tags)"),
        ("n.x", "n is 1, not an object or a list"),
    ],
)
def test_lookup_says_where_a_path_stops(path: str, message: str) -> None:
    with pytest.raises(PathNotFound) as caught:
        lookup(DOC, path)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [(1, 1.0, True), (True, 1, False), ("1", 1, False), (None, None, True), ([1, "a"], [1, "a"], True), ({"a": [True]}, {"a": [1]}, False)],
)
def test_same_value_keeps_json_types_apart(expected: Any, actual: Any, same: bool) -> None:
    assert same_value(expected, actual) is same


def test_every_kind_passes_on_a_matching_response() -> None:
    expect = Expect(status=[200, 201], headers=[Pair("Content-Type", "json")], json={"items.0.id": 7, "ok": True}, body_contains='"id": 8', max_ms=10)
    assert check(expect, _response(DOC)) == []


def test_every_kind_fails_with_expected_and_actual() -> None:
    expect = Expect(
        status=[201],
        headers=[Pair("Content-Type", "text/html"), Pair("X-Missing", "x")],
        json={"items.0.id": "7", "ok": False, "items.5": 1},
        body_contains="absent",
        max_ms=1,
    )
    failures = check(expect, _response(DOC, total_ms=12.5))
    assert [f.message for f in failures] == [
        "status: expected 201, got 200",
        'header Content-Type: expected to contain "text/html", got "application/json"',
        'header X-Missing: expected to contain "x", but the response has no such header',
        'json items.0.id: expected "7", got 7',
        "json ok: expected false, got true",
        "json items.5: expected 1, but index 5 is out of range at items (a list of 2)",
        'body: expected to contain "absent", got ' + json.dumps(json.dumps(DOC)[:80] + "...") + f" ({len(json.dumps(DOC))} characters)",
        "time: expected at most 1 ms, took 12.5 ms",
    ]
    assert failures[0].expected == 201 and failures[0].actual == 200
    assert failures[2].actual is MISSING
    assert failures[3].expected == "7" and failures[3].actual == 7


def test_status_list_message() -> None:
    (failure,) = check(Expect(status=[200, 204]), _response(DOC, status=404))
    assert failure.message == "status: expected one of 200, 204, got 404"


def test_json_expect_on_a_body_that_is_not_json() -> None:
    (failure,) = check(Expect(json={"a": 1}), _response(raw=b"<html>hi</html>"))
    assert failure.message.startswith("json a: the response body is not JSON")
    assert '"<html>hi</html>"' in failure.message


def test_expected_strings_are_substituted() -> None:
    seen: list[str] = []

    def substitute(text: str, field: str) -> str:
        seen.append(field)
        return text.replace("{{who}}", "tom")

    expect = Expect(json={"user": "{{who}}", "list": ["{{who}}"]}, headers=[Pair("X-User", "{{who}}")], body_contains="{{who}}")
    response = _response({"user": "tom", "list": ["tom"]}, headers=(("X-User", "tom"),))
    assert check(expect, response, substitute=substitute) == []
    assert seen == ["expect.headers.X-User", "expect.json.user", "expect.json.list.0", "expect.body_contains"]


def test_capture_sources() -> None:
    response = _response(DOC, headers=(("Set-Cookie", "sid=abc"),), status=201)
    values, problems = capture(
        {"first": "json:items.0.id", "tags": "json:items.0.tags", "cookie": "header:set-cookie", "code": "status", "flag": "json:ok"},
        response,
    )
    assert problems == []
    assert values == {"first": "7", "tags": '["a","b"]', "cookie": "sid=abc", "code": "201", "flag": "true"}


def test_capture_problems_name_the_variable() -> None:
    values, problems = capture({"a": "json:missing", "b": "header:X-None"}, _response(DOC))
    assert values == {}
    assert [p.message for p in problems] == [
        "capture a from 'json:missing': no key 'missing' at the top level (keys: files, items, n, ok)",
        "capture b: the response has no header 'X-None'",
    ]


@pytest.mark.parametrize("source", ["jsn:a", "header:", "body", ""])
def test_capture_source_syntax(source: str) -> None:
    with pytest.raises(ValueError, match="is not one of 'json:PATH', 'header:NAME', 'status'"):
        parse_source(source)


# --- against a real httpbin ------------------------------------------------------------------

EXPECTS = """
format = 1
[variables]
base = "{base}"
who = "tom"

[[requests]]
name = "status"
url = "{{{{base}}}}/status/{status}"
expect = {{ status = 200 }}

[[requests]]
name = "headers"
url = "{{{{base}}}}/get"
expect = {{ headers = {{ "Content-Type" = "{content_type}" }} }}

[[requests]]
name = "json"
url = "{{{{base}}}}/get"
params = {{ user = "tom" }}
expect = {{ json = {{ "args.user" = "{{{{who}}}}", "headers.Host" = "{host}" }} }}

[[requests]]
name = "json list index"
url = "{{{{base}}}}/json"
expect = {{ json = {{ "slideshow.slides.1.items.1" = "{item}" }} }}

[[requests]]
name = "body"
url = "{{{{base}}}}/encoding/utf8"
expect = {{ body_contains = "{needle}" }}

[[requests]]
name = "time"
url = "{{{{base}}}}/get"
expect = {{ max_ms = {max_ms} }}
"""


async def _run_expects(tmp_path: Any, base: str, **values: Any) -> dict[str, Any]:
    path = tmp_path / "expects.toml"
    path.write_text(EXPECTS.format(base=base, **values), encoding="utf-8")
    summary = await run(store.load(path), RunOptions())
    return {r.name: r for r in summary.results}


async def test_every_kind_passes_against_httpbin(httpbin_url: str, tmp_path: Any) -> None:
    host = httpbin_url.removeprefix("http://")
    results = await _run_expects(
        tmp_path, httpbin_url, status=200, content_type="application/json", host=host, item="Who <em>buys</em> WonderWidgets", needle="∮ E⋅da = Q", max_ms=60000
    )
    assert {name: r.outcome for name, r in results.items()} == dict.fromkeys(results, Outcome.PASSED)


async def test_every_kind_fails_against_httpbin_with_the_right_message(httpbin_url: str, tmp_path: Any) -> None:
    results = await _run_expects(tmp_path, httpbin_url, status=418, content_type="text/xml", host="example.org", item="nope", needle="not in the page", max_ms=0.001)
    assert all(r.outcome is Outcome.FAILED for r in results.values())
    host = httpbin_url.removeprefix("http://")
    assert results["status"].message == "status: expected 200, got 418"
    assert results["headers"].message == 'header Content-Type: expected to contain "text/xml", got "application/json"'
    assert results["json"].message == f'json headers.Host: expected "example.org", got "{host}"'  # args.user passed
    assert results["json list index"].message == 'json slideshow.slides.1.items.1: expected "nope", got "Who <em>buys</em> WonderWidgets"'
    assert results["body"].message.startswith('body: expected to contain "not in the page", got "<h1>Unicode Demo</h1>')
    assert results["time"].message.startswith("time: expected at most 0.001 ms, took ")
