"""Two engine defects found by replaying exports against httpbin: what reqbench sends must be
what its viewer and its exports show."""

from __future__ import annotations

import json

from tui.core.engine import Engine, ResolvedBody, ResolvedPart, ResolvedRequest
from tui.core.engine.build import build_url


async def test_content_type_of_a_multipart_text_part_is_sent(httpbin_url: str) -> None:
    # A Content-Type header that is not multipart/form-data makes httpbin echo the raw body in
    # "data" instead of parsing it, so the part headers can be read.
    body = ResolvedBody(
        kind="multipart",
        parts=(ResolvedPart(name="meta", value='{"a": 1}', content_type="application/json"), ResolvedPart(name="plain", value="x")),
    )
    request = ResolvedRequest(name="r", method="POST", url=f"{httpbin_url}/anything", body=body, headers=(("Content-Type", "text/plain"),))
    async with Engine() as engine:
        response = await engine.send(request)
    raw = response.json()["data"]
    meta, plain = raw.split('name="meta"')[1], raw.split('name="plain"')[1]
    assert meta.split("\r\n\r\n", 1)[0] == "\r\nContent-Type: application/json"
    assert plain.split("\r\n\r\n", 1)[0] == ""  # a part without a type still gets none


async def test_url_ending_in_ampersand_plus_params_is_sent_as_shown(httpbin_url: str) -> None:
    request = ResolvedRequest(name="r", method="GET", url=f"{httpbin_url}/anything?a=1&", params=(("b", "2"),))
    assert request.full_url.endswith("/anything?a=1&b=2")
    async with Engine() as engine:
        response = await engine.send(request)
    assert response.json()["url"] == request.full_url


def test_url_ending_in_ampersand_on_the_slow_path() -> None:
    # A percent-escaped host is handed to the slow path of build_url.
    assert str(build_url("http://h%41/x?a=1&", (("b", "2"),))).endswith("/x?a=1&b=2")
    assert str(build_url("http://h%41/x?a=1", (("b", "2"),))).endswith("/x?a=1&b=2")
