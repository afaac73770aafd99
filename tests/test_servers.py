"""Smoke tests of the server fixtures with plain httpx: each fixture serves what it promises."""

from __future__ import annotations

import hashlib
import json
import ssl
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from servers.fault import expected_sha256, generated_bytes, iter_generated, json_document


# --------------------------------------------------------------------------- helpers


def test_generated_bytes_are_deterministic_and_block_numbered() -> None:
    data = generated_bytes(200_000)
    assert len(data) == 200_000
    assert data == generated_bytes(200_000)
    assert generated_bytes(1000, start=70_000) == data[70_000:71_000]
    # blocks differ (numbered), so a repeated block would change the digest
    assert data[:65536] != data[65536:131072]
    assert hashlib.sha256(data).hexdigest() == expected_sha256(200_000)
    assert b"".join(iter_generated(5, 150_000, piece=7000)) == data[5:150_000]


def test_json_document_is_valid_and_about_the_size() -> None:
    doc = json_document(100_000)
    assert 100_000 <= len(doc) < 101_000
    assert isinstance(json.loads(doc)["items"], list)


# --------------------------------------------------------------------------- httpbin


async def test_httpbin_get_and_keep_alive(httpbin_url: str) -> None:
    async with httpx.AsyncClient(base_url=httpbin_url) as client:
        r1 = await client.get("/get", params={"a": "1"})
        r2 = await client.get("/get")
    assert r1.json()["args"] == {"a": "1"}
    assert r2.json()["headers"]["Connection"] == "keep-alive"
    assert r1.headers.get("connection", "").lower() != "close"


async def test_httpbin_echoes_chunked_upload(httpbin_url: str) -> None:
    async def body() -> AsyncIterator[bytes]:
        for piece in (b"hello ", b"chunked ", b"world"):
            yield piece

    async with httpx.AsyncClient() as client:
        r = await client.post(f"{httpbin_url}/post", content=body())
    echoed = r.json()
    assert r.status_code == 200
    assert echoed["headers"]["Transfer-Encoding"] == "chunked"
    assert echoed["data"] == "hello chunked world"


# --------------------------------------------------------------------------- TLS


async def test_tls_server_needs_its_ca(tls_server) -> None:  # type: ignore[no-untyped-def]
    assert tls_server.url.startswith("https://localhost:")
    ctx = ssl.create_default_context(cafile=str(tls_server.ca_path))
    async with httpx.AsyncClient(verify=ctx) as client:
        r = await client.get(f"{tls_server.url}/get")
    assert r.status_code == 200
    # the same host by IP literal is covered by the certificate too
    port = tls_server.url.rsplit(":", 1)[1]
    async with httpx.AsyncClient(verify=ctx) as client:
        assert (await client.get(f"https://127.0.0.1:{port}/get")).status_code == 200
    async with httpx.AsyncClient() as client:  # system CAs only
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"{tls_server.url}/get")
    async with httpx.AsyncClient(verify=False) as client:
        assert (await client.get(f"{tls_server.url}/get")).status_code == 200


# --------------------------------------------------------------------------- refused


async def test_refused_url_refuses(refused_url: str) -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(refused_url)


# --------------------------------------------------------------------------- fault server


async def test_big_download_streams_and_matches_sha(fault_url: str) -> None:
    size = 50 * 2**20 + 123
    digest = hashlib.sha256()
    got = 0
    async with httpx.AsyncClient() as client:
        async with client.stream("GET", f"{fault_url}/big", params={"size": size}) as r:
            assert r.headers["content-length"] == str(size)
            async for chunk in r.aiter_raw():
                digest.update(chunk)
                got += len(chunk)
    assert got == size
    assert digest.hexdigest() == expected_sha256(size)


@pytest.mark.parametrize(
    ("header", "status", "start", "end"),
    [("bytes=10-19", 206, 10, 20), ("bytes=99990-", 206, 99990, 100000),
     ("bytes=-5", 206, 99995, 100000), ("bytes=200000-", 416, 0, 0)],
)
async def test_big_range(fault_url: str, header: str, status: int, start: int, end: int) -> None:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"{fault_url}/big?size=100000", headers={"Range": header})
    assert r.status_code == status
    assert r.content == generated_bytes(end - start, start=start)
    if status == 206:
        assert r.headers["content-range"] == f"bytes {start}-{end - 1}/100000"


@pytest.mark.parametrize("mode", ["chunked", "close"])
async def test_nolength(fault_url: str, mode: str) -> None:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"{fault_url}/nolength", params={"size": 300_000, "mode": mode})
    assert "content-length" not in r.headers
    assert r.content == generated_bytes(300_000)
    if mode == "chunked":
        assert r.headers["transfer-encoding"] == "chunked"


async def test_reset_mid_body(fault_url: str) -> None:
    received = 0
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ReadError) as info:  # ECONNRESET: a real RST, not a clean close
            async with client.stream("GET", f"{fault_url}/reset?size=1000000&after=300000") as r:
                assert r.headers["content-length"] == "1000000"
                async for chunk in r.aiter_raw():
                    received += len(chunk)
    assert received == 300_000
    chain: list[BaseException] = []
    exc: BaseException | None = info.value
    while exc is not None and len(chain) < 10:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    assert any(isinstance(e, ConnectionResetError) for e in chain), chain


async def test_slow_headers_times_out(fault_url: str) -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(5, read=0.3)) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(f"{fault_url}/slow-headers?delay=3")
        r = await client.get(f"{fault_url}/slow-headers?delay=0.01")
    assert r.text == "hello"


async def test_slow_body_sends_headers_first(fault_url: str) -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(5, read=0.3)) as client:
        async with client.stream("GET", f"{fault_url}/slow-body?delay=3") as r:
            assert r.status_code == 200
            assert r.headers["content-length"] == "5"
            with pytest.raises(httpx.ReadTimeout):
                await r.aread()


async def test_drip_arrives_in_pieces(fault_url: str) -> None:
    pieces: list[bytes] = []
    async with httpx.AsyncClient() as client:
        async with client.stream("GET", f"{fault_url}/drip?size=40&interval=0.05&chunk=10") as r:
            assert r.headers["content-length"] == "40"
            async for chunk in r.aiter_raw():
                pieces.append(chunk)
    assert b"".join(pieces) == generated_bytes(40)
    assert len(pieces) == 4


@pytest.mark.parametrize(
    ("declared", "actual", "ctype"),
    [("utf-8", "utf-8", "text/plain; charset=utf-8"),
     ("utf-8", "latin-1", "text/plain; charset=utf-8"),  # a lying header
     ("none", "cp1252", "text/plain")],
)
async def test_charset(fault_url: str, declared: str, actual: str, ctype: str) -> None:
    text = "café – naïve"
    if actual == "latin-1":
        text = "café naïve"
    async with httpx.AsyncClient() as client:
        r = await client.get(f"{fault_url}/charset",
                             params={"text": text, "declared": declared, "actual": actual})
    assert r.headers["content-type"] == ctype
    assert r.content == text.encode(actual)


async def test_json_big(fault_url: str) -> None:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"{fault_url}/json-big?size=2000000")
    assert r.headers["content-type"] == "application/json"
    assert 2_000_000 <= len(r.content) < 2_001_000
    assert len(r.json()["items"]) > 1000


async def test_sink_counts_chunked_and_sized_uploads(fault_url: str) -> None:
    data = generated_bytes(3_000_000)

    async def body() -> AsyncIterator[bytes]:
        for i in range(0, len(data), 100_000):
            yield data[i : i + 100_000]

    async with httpx.AsyncClient() as client:
        chunked = (await client.post(f"{fault_url}/sink", content=body())).json()
        sized = (await client.put(f"{fault_url}/sink", content=data)).json()
    for answer in (chunked, sized):
        assert answer["bytes"] == len(data)
        assert answer["sha256"] == expected_sha256(len(data))
    assert chunked["chunked"] is True and sized["chunked"] is False


async def test_fault_server_keeps_connections_alive(fault_url: str) -> None:
    peers = set()
    async with httpx.AsyncClient() as client:
        for _ in range(3):
            async with client.stream("GET", f"{fault_url}/big?size=1000") as r:
                await r.aread()
                peers.add(r.extensions["network_stream"].get_extra_info("client_addr"))
    assert len(peers) == 1


def test_fault_server_is_responsive_while_streaming(fault_url: str) -> None:
    """A slow request on one connection does not block another connection."""
    with httpx.Client(timeout=10) as slow, httpx.Client(timeout=10) as fast:
        with slow.stream("GET", f"{fault_url}/slow-body?delay=2"):
            t0 = time.monotonic()
            assert fast.get(f"{fault_url}/big?size=10").status_code == 200
            assert time.monotonic() - t0 < 1.9  # answered before the slow body finished


def test_fault_server_over_tls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The benchmarks' fast HTTPS server: fault.py with a trustme certificate."""
    from servers.launch import make_tls, run_fault

    files = make_tls(tmp_path)
    with run_fault(tls=files) as url:
        assert url.startswith("https://localhost:")
        ctx = ssl.create_default_context(cafile=str(files.ca_path))
        with httpx.Client(verify=ctx) as client:
            assert client.get(f"{url}/big?size=10").content == generated_bytes(10)
