"""Every example of the aiohttp client quickstart, sent through the engine to a real httpbin.

Assertions are on what httpbin echoes, as the quickstart's outputs show.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tui.core import errors
from tui.core.engine import Engine
from tui.core.engine.events import Event, Progress
from tui.core.collection.model import Auth
from tui.core.engine.resolved import ResolvedBody, ResolvedPart, ResolvedRequest


def _req(method: str, url: str, **kwargs: Any) -> ResolvedRequest:
    return ResolvedRequest(name="t", method=method, url=url, **kwargs)


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    async with Engine() as eng:
        yield eng


async def test_get_with_params_shows_args_and_final_url(engine: Engine, httpbin_url: str) -> None:
    response = await engine.send(_req("GET", f"{httpbin_url}/get", params=(("key1", "value1"), ("key2", "value2"))))
    assert response.status == 200
    assert response.reason == "OK"
    assert response.http_version == "HTTP/1.1"
    assert response.json()["args"] == {"key1": "value1", "key2": "value2"}
    assert response.url == f"{httpbin_url}/get?key1=value1&key2=value2"
    assert response.sent is not None and response.sent.url == response.url


async def test_params_repeat_and_keep_existing_query(engine: Engine, httpbin_url: str) -> None:
    response = await engine.send(
        _req("GET", f"{httpbin_url}/get?fixed=1", params=(("key", "value2"), ("key", "value1")))
    )
    assert response.url == f"{httpbin_url}/get?fixed=1&key=value2&key=value1"
    assert response.json()["args"] == {"fixed": "1", "key": ["value2", "value1"]}


async def test_text_body(engine: Engine, httpbin_url: str) -> None:
    body = ResolvedBody(kind="text", text="Hello, World! — ünïcode")
    echoed = (await engine.send(_req("POST", f"{httpbin_url}/post", body=body))).json()
    assert echoed["data"] == "Hello, World! — ünïcode"
    assert echoed["headers"]["Content-Type"] == "text/plain; charset=utf-8"


async def test_json_body_sent_exactly_as_typed(engine: Engine, httpbin_url: str) -> None:
    typed = '{"test":   "object",\n "n": 1.50}'
    response = await engine.send(_req("POST", f"{httpbin_url}/post", body=ResolvedBody(kind="json", text=typed)))
    echoed = response.json()
    assert echoed["data"] == typed  # not re-serialised: spacing and 1.50 kept
    assert echoed["json"] == {"test": "object", "n": 1.5}
    assert echoed["headers"]["Content-Type"] == "application/json"
    assert response.sent is not None and response.sent.body_size == len(typed.encode())


async def test_invalid_json_body_is_refused_before_sending(engine: Engine, refused_url: str) -> None:
    # A refused_url proves nothing was sent: a send would fail with ConnectError instead.
    events: list[Event] = []
    with pytest.raises(errors.RequestError, match="JSON body does not parse") as caught:
        await engine.send(_req("POST", refused_url, body=ResolvedBody(kind="json", text='{"a": ')), events.append)
    assert isinstance(caught.value.__cause__, errors.BodyError)
    assert [type(e).__name__ for e in events] == ["Failed"]


async def test_binary_base64_body(engine: Engine, httpbin_url: str) -> None:
    raw = bytes(range(256))
    body = ResolvedBody(kind="base64", text=base64.b64encode(raw).decode())
    echoed = (await engine.send(_req("POST", f"{httpbin_url}/post", body=body))).json()
    assert echoed["headers"]["Content-Type"] == "application/octet-stream"
    # httpbin shows non-UTF-8 data as a data URL
    assert echoed["data"] == "data:application/octet-stream;base64," + base64.b64encode(raw).decode()


async def test_content_type_override(engine: Engine, httpbin_url: str) -> None:
    body = ResolvedBody(kind="text", text="<a/>", content_type="application/xml")
    echoed = (await engine.send(_req("POST", f"{httpbin_url}/post", body=body))).json()
    assert echoed["headers"]["Content-Type"] == "application/xml"
    assert echoed["data"] == "<a/>"


async def test_form_body(engine: Engine, httpbin_url: str) -> None:
    body = ResolvedBody(kind="form", form=(("key1", "value1"), ("key2", "value 2&x"), ("key1", "again")))
    echoed = (await engine.send(_req("POST", f"{httpbin_url}/post", body=body))).json()
    assert echoed["form"] == {"key1": ["value1", "again"], "key2": "value 2&x"}
    assert echoed["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


async def test_multipart_file(engine: Engine, httpbin_url: str, tmp_path: Path) -> None:
    report = tmp_path / "report.xls"
    report.write_bytes(b"col1,col2\n1,2\n")
    body = ResolvedBody(kind="multipart", parts=(ResolvedPart(name="file", file=report),))
    echoed = (await engine.send(_req("POST", f"{httpbin_url}/post", body=body))).json()
    assert echoed["files"] == {"file": "col1,col2\n1,2\n"}
    assert echoed["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")


async def test_multipart_form_data_with_custom_filename(engine: Engine, httpbin_url: str, tmp_path: Path) -> None:
    myfile = tmp_path / "myfile.txt"
    myfile.write_text("file content\n")
    body = ResolvedBody(
        kind="multipart",
        parts=(
            ResolvedPart(name="username", value="tom"),
            ResolvedPart(name="password", value="123"),
            ResolvedPart(name="file", file=myfile, filename="tom.txt", content_type="text/plain"),
        ),
    )
    response = await engine.send(_req("POST", f"{httpbin_url}/post", body=body))
    echoed = response.json()
    assert echoed["form"] == {"username": "tom", "password": "123"}
    assert echoed["files"] == {"file": "file content\n"}
    assert response.sent is not None and response.sent.body_size is not None  # length known, not chunked


async def test_stream_upload_is_chunked(engine: Engine, httpbin_url: str, tmp_path: Path) -> None:
    data = "".join(f"line {i}\n" for i in range(500))
    path = tmp_path / "myfile.txt"
    path.write_text(data)
    events: list[Event] = []
    body = ResolvedBody(kind="stream", path=path, chunk_size=10)
    response = await engine.send(_req("POST", f"{httpbin_url}/post", body=body), events.append)
    echoed = response.json()
    assert echoed["headers"]["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in echoed["headers"]
    assert echoed["data"] == data
    assert response.sent is not None and response.sent.body_size is None
    uploads = [e for e in events if isinstance(e, Progress) and e.direction == "upload"]
    assert uploads and uploads[-1].done == len(data)
    assert len(uploads) < len(data) // 10  # throttled: far fewer events than 10-byte chunks


async def test_file_body_streams_with_content_length(engine: Engine, httpbin_url: str, tmp_path: Path) -> None:
    path = tmp_path / "payload.txt"
    path.write_text("x" * 5000)
    response = await engine.send(_req("PUT", f"{httpbin_url}/put", body=ResolvedBody(kind="file", path=path)))
    echoed = response.json()
    assert echoed["headers"]["Content-Length"] == "5000"
    assert "Transfer-Encoding" not in echoed["headers"]
    assert echoed["headers"]["Content-Type"] == "application/octet-stream"
    assert echoed["data"] == "x" * 5000


async def test_text_with_explicit_encoding(engine: Engine, httpbin_url: str) -> None:
    response = await engine.send(_req("GET", f"{httpbin_url}/encoding/utf8", encoding="utf-8"))
    assert response.status == 200
    assert response.encoding == "utf-8"
    assert "∮ E⋅da = Q" in response.text()


async def test_json_response(engine: Engine, httpbin_url: str) -> None:
    response = await engine.send(_req("GET", f"{httpbin_url}/json"))
    assert response.json()["slideshow"]["title"] == "Sample Slide Show"
    assert response.content_type == "application/json"


async def test_bytes_response(engine: Engine, httpbin_url: str) -> None:
    first = await engine.send(_req("GET", f"{httpbin_url}/bytes/4096?seed=7"))
    again = await engine.send(_req("GET", f"{httpbin_url}/bytes/4096?seed=7"))
    assert len(first.content) == first.decoded_size == 4096
    assert first.content == again.content  # seeded: the same raw bytes, untouched by decoding
    assert first.body_bytes() == first.content


@pytest.mark.parametrize(("path", "flag"), [("gzip", "gzipped"), ("deflate", "deflated"), ("brotli", "brotli")])
async def test_compressed_responses_are_decoded(engine: Engine, httpbin_url: str, path: str, flag: str) -> None:
    response = await engine.send(_req("GET", f"{httpbin_url}/{path}"))
    assert response.json()[flag] is True
    assert response.wire_size < response.decoded_size == len(response.content)


async def test_repeated_response_headers_are_kept(engine: Engine, httpbin_url: str) -> None:
    response = await engine.send(
        _req("GET", f"{httpbin_url}/response-headers", params=(("X-Multi", "a"), ("X-Multi", "b")))
    )
    assert response.header_values("x-multi") == ["a", "b"]


async def test_repeated_request_headers_are_sent(engine: Engine, httpbin_url: str) -> None:
    response = await engine.send(_req("GET", f"{httpbin_url}/headers", headers=(("X-Rep", "1"), ("X-Rep", "2"))))
    assert response.json()["headers"]["X-Rep"] == "1,2"
    assert response.sent is not None
    assert [v for k, v in response.sent.headers if k.lower() == "x-rep"] == ["1", "2"]


async def test_redirect_chain_is_reported(engine: Engine, httpbin_url: str) -> None:
    response = await engine.send(_req("GET", f"{httpbin_url}/redirect/2"))
    assert response.status == 200
    assert response.url == f"{httpbin_url}/get"
    assert [hop.status for hop in response.history] == [302, 302]
    assert response.history[0].url == f"{httpbin_url}/redirect/2"


async def test_redirect_not_followed_when_off(engine: Engine, httpbin_url: str) -> None:
    response = await engine.send(_req("GET", f"{httpbin_url}/redirect/1", follow_redirects=False))
    assert response.status == 302
    assert response.history == ()


async def test_too_many_redirects(httpbin_url: str) -> None:
    async with Engine(max_redirects=3) as engine:
        with pytest.raises(errors.TooManyRedirects, match="redirect"):
            await engine.send(_req("GET", f"{httpbin_url}/absolute-redirect/5"))


@pytest.mark.parametrize(
    ("auth", "path"),
    [
        (Auth(kind="basic", user="tom", password="s3cret"), "/basic-auth/tom/s3cret"),
        (Auth(kind="digest", user="tom", password="s3cret"), "/digest-auth/auth/tom/s3cret"),
        (Auth(kind="bearer", token="tok123"), "/bearer"),
    ],
)
async def test_auth(engine: Engine, httpbin_url: str, auth: Auth, path: str) -> None:
    response = await engine.send(_req("GET", httpbin_url + path, auth=auth))
    assert response.status == 200
    body = response.json()
    assert body["authenticated"] is True
    if auth.kind == "bearer":
        assert body["token"] == "tok123"


async def test_second_request_reuses_the_connection(engine: Engine, httpbin_url: str) -> None:
    first = await engine.send(_req("GET", f"{httpbin_url}/get"))
    second = await engine.send(_req("GET", f"{httpbin_url}/get"))
    assert first.timings.reused is False
    assert first.timings.connect_ms is not None
    assert second.timings.reused is True
    assert second.timings.connect_ms is None
    assert second.timings.first_byte_ms is not None and second.timings.request_sent_ms is not None
    assert second.timings.total_ms >= second.timings.first_byte_ms
    assert second.timings.dns_ms is None  # not observable separately (inside connect)
    assert engine.client_count == 1


async def test_events_in_order(engine: Engine, httpbin_url: str) -> None:
    events: list[Event] = []
    response = await engine.send(_req("GET", f"{httpbin_url}/bytes/1000"), events.append)
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "Started" and kinds[1] == "HeadersReceived" and kinds[-1] == "Finished"
    assert kinds.count("Progress") >= 1
    final = [e for e in events if isinstance(e, Progress)][-1]
    assert final.done == final.total == 1000
    assert response.decoded_size == 1000
