"""Issue 15: expects and captures on spilled bodies run in bounded memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from tui.core.collection.model import Expect
from tui.core.engine.response import Response
from tui.core.replay.capture import capture
from tui.core.replay.expect import BODY_CHUNK, JSON_LIMIT, check

MiB = 2**20


def _spilled(path: Path, *, charset: str | None = "utf-8") -> Response:
    size = path.stat().st_size
    return Response(
        status=200, reason="OK", http_version="HTTP/1.1", headers=(), url="http://x/",
        content=path.read_bytes()[:1024], body_path=path, decoded_size=size, detected_encoding=charset,
    )


@pytest.mark.parametrize("cut", [1, 3, 7])
def test_body_contains_finds_a_needle_cut_between_chunks(tmp_path: Path, cut: int) -> None:
    needle = "NEEDLE-é-42"  # é is two bytes: the cut may fall inside it too
    encoded = needle.encode()
    body = tmp_path / "body"
    with body.open("wb") as handle:
        handle.write(b"a" * (BODY_CHUNK - cut))
        handle.write(encoded)
        handle.write(b"b" * (2 * BODY_CHUNK))
    assert check(Expect(body_contains=needle), _spilled(body)) == []
    missing = check(Expect(body_contains="NEEDLE-é-43"), _spilled(body))
    assert len(missing) == 1
    assert missing[0].message.endswith(f"({3 * BODY_CHUNK - cut + len(needle)} characters)")
    assert missing[0].actual == "a" * 80 + "..."


def test_body_contains_on_a_big_spill_uses_constant_memory(tmp_path: Path) -> None:
    body = tmp_path / "big"
    with body.open("wb") as handle:
        for _ in range(96):
            handle.write(b"x" * MiB)
        handle.write(b"the end")
    response = _spilled(body)
    tracemalloc.start()
    try:
        found = check(Expect(body_contains="the end"), response)
        absent = check(Expect(body_contains="not there"), response)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == [] and len(absent) == 1
    assert peak < 12 * MiB, f"{peak / MiB:.0f} MiB"


def test_body_contains_in_memory_bodies_still_works() -> None:
    response = Response(status=200, reason="OK", http_version="HTTP/1.1", headers=(), url="http://x/", content="grüße".encode("latin-1"), detected_encoding="latin-1")
    assert check(Expect(body_contains="grüße"), response) == []
    assert check(Expect(body_contains=""), response) == []


def test_json_checks_and_captures_refuse_bodies_over_the_limit(tmp_path: Path) -> None:
    body = tmp_path / "huge.json"
    with body.open("wb") as handle:
        handle.write(b'{"a": 1, "pad": "')
        handle.truncate(JSON_LIMIT + MiB)  # sparse, then the end of a valid document
        handle.seek(0, 2)
        handle.write(b'"}')
    response = _spilled(body)
    tracemalloc.start()
    try:
        failures = check(Expect(json={"a": 1}), response)
        values, problems = capture({"a": "json:a", "s": "status"}, response)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [f.message for f in failures] == [
        "json a: the response body is 65 MiB, over the 64 MiB limit for JSON checks and captures; use body_contains or a smaller response"
    ]
    assert values == {"s": "200"}
    assert [p.message for p in problems] == [
        "capture a: the response body is 65 MiB, over the 64 MiB limit for JSON checks and captures; use body_contains or a smaller response"
    ]
    assert peak < 4 * MiB


def test_json_under_the_limit_is_still_checked(tmp_path: Path) -> None:
    body = tmp_path / "small.json"
    body.write_bytes(b'{"a": {"b": [1, 2, 3]}}')
    response = _spilled(body)
    assert check(Expect(json={"a.b.2": 3}), response) == []
    assert capture({"v": "json:a.b.0"}, response) == ({"v": "1"}, [])
