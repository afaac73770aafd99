"""Downloads, uploads, spills, resets, timeouts, cancellation and charsets against our fault server."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from servers.fault import expected_sha256, generated_bytes

from tui.core import errors
from tui.core.engine import Engine
from tui.core.engine.events import Event, Failed, Finished, HeadersReceived, Progress, Started
from tui.core.engine.resolved import (
    ResolvedBody,
    ResolvedDownload,
    ResolvedPart,
    ResolvedRequest,
)

MiB = 1024 * 1024


def _req(method: str, url: str, **kwargs: Any) -> ResolvedRequest:
    return ResolvedRequest(name="t", method=method, url=url, **kwargs)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(4 * MiB):
            digest.update(block)
    return digest.hexdigest()


def _progress(events: list[Event], direction: str) -> list[Progress]:
    return [e for e in events if isinstance(e, Progress) and e.direction == direction]


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    async with Engine() as eng:
        yield eng


async def test_large_download_to_file(engine: Engine, fault_url: str, tmp_path: Path) -> None:
    size = 300 * MiB
    target = tmp_path / "nested" / "big.bin"  # the parent folder is created
    events: list[Event] = []
    download = ResolvedDownload(path=target, chunk_size=65536)
    response = await engine.send(_req("GET", f"{fault_url}/big?size={size}", download=download), events.append)

    assert response.status == 200
    assert response.downloaded is True and response.body_path == target and not response.spilled
    assert not (tmp_path / "nested" / "big.bin.part").exists()
    assert target.stat().st_size == size == response.decoded_size == response.wire_size
    assert _sha256(target) == expected_sha256(size)
    assert response.content == generated_bytes(len(response.content))  # a preview of the start
    assert len(response.content) <= MiB

    progress = _progress(events, "download")
    assert progress[-1].done == progress[-1].total == size
    assert all(p.total == size for p in progress)
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    # Throttled: never one per chunk (300 MiB is at least 300 socket reads of 1 MiB).
    assert len(progress) < size // (65536 * 10)
    assert isinstance(events[0], Started) and isinstance(events[-1], Finished)


@pytest.mark.parametrize("mode", ["chunked", "close"])
async def test_download_without_content_length(engine: Engine, fault_url: str, tmp_path: Path, mode: str) -> None:
    size = 3 * MiB + 17
    target = tmp_path / "nolength.bin"
    events: list[Event] = []
    response = await engine.send(
        _req("GET", f"{fault_url}/nolength?size={size}&mode={mode}", download=ResolvedDownload(path=target)),
        events.append,
    )
    assert response.header("content-length") is None
    assert target.read_bytes() == generated_bytes(size)
    progress = _progress(events, "download")
    assert progress[-1].total is None and progress[-1].done == size


async def test_reset_mid_body_keeps_part(engine: Engine, fault_url: str, tmp_path: Path) -> None:
    target = tmp_path / "reset.bin"
    events: list[Event] = []
    size, after = 4 * MiB, MiB
    with pytest.raises(errors.ProtocolError) as caught:
        await engine.send(
            _req("GET", f"{fault_url}/reset?size={size}&after={after}", download=ResolvedDownload(path=target)),
            events.append,
        )
    error = caught.value
    part = tmp_path / "reset.bin.part"
    assert not target.exists()
    assert part.exists()
    assert error.part_path == part
    assert error.bytes_received is not None and 0 < error.bytes_received <= after
    assert part.stat().st_size == error.bytes_received
    assert part.read_bytes() == generated_bytes(error.bytes_received)
    assert "mid-body" in str(error) and str(error.bytes_received) in str(error) and str(part) in str(error)
    assert isinstance(events[-1], Failed) and events[-1].error is error


async def test_reset_mid_body_in_memory(engine: Engine, fault_url: str) -> None:
    with pytest.raises(errors.ProtocolError, match="mid-body") as caught:
        await engine.send(_req("GET", f"{fault_url}/reset?size=100000&after=5000"))
    assert caught.value.part_path is None
    assert caught.value.bytes_received is not None and caught.value.bytes_received <= 5000


async def test_slow_headers_time_out_in_read_phase(engine: Engine, fault_url: str) -> None:
    events: list[Event] = []
    with pytest.raises(errors.TimeoutError) as caught:
        await engine.send(_req("GET", f"{fault_url}/slow-headers?delay=5", timeout=0.3), events.append)
    error = caught.value
    assert error.phase == "waiting for the response headers"
    assert error.after_s == 0.3
    assert "read timeout" in str(error) and "0.3" in str(error) and "response headers" in str(error)
    assert isinstance(events[-1], Failed)


async def test_slow_body_times_out_reading_the_body(engine: Engine, fault_url: str) -> None:
    with pytest.raises(errors.TimeoutError, match="reading the response body") as caught:
        await engine.send(_req("GET", f"{fault_url}/slow-body?delay=5", timeout=0.3))
    assert caught.value.phase == "reading the response body"


async def test_cancel_during_download_keeps_part(engine: Engine, fault_url: str, tmp_path: Path) -> None:
    target = tmp_path / "drip.bin"
    events: list[Event] = []
    got_data = asyncio.Event()

    def on_event(event: Event) -> None:
        events.append(event)
        if isinstance(event, Progress) and event.done > 0:
            got_data.set()

    request = _req(
        "GET",
        f"{fault_url}/drip?size=1000000&interval=0.05&chunk=1000",
        download=ResolvedDownload(path=target),
    )
    task = asyncio.create_task(engine.send(request, on_event))
    await asyncio.wait_for(got_data.wait(), timeout=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    part = tmp_path / "drip.bin.part"
    assert not target.exists()
    assert part.exists()
    failed = events[-1]
    assert isinstance(failed, Failed) and isinstance(failed.error, errors.Cancelled)
    assert failed.error.part_path == part
    assert 0 < failed.error.bytes_received < 1000000
    assert part.stat().st_size == failed.error.bytes_received  # everything received was written
    assert part.read_bytes() == generated_bytes(failed.error.bytes_received)

    # The engine is still usable after a cancel.
    again = await engine.send(_req("GET", f"{fault_url}/big?size=10"))
    assert again.content == generated_bytes(10)


async def test_overwrite_refused_before_sending(engine: Engine, refused_url: str, tmp_path: Path) -> None:
    target = tmp_path / "exists.txt"
    target.write_text("keep me")
    events: list[Event] = []
    # refused_url: were anything sent, this would be a ConnectError instead.
    with pytest.raises(errors.DownloadError, match="already exists.*overwrite = true"):
        await engine.send(_req("GET", f"{refused_url}/x", download=ResolvedDownload(path=target)), events.append)
    assert target.read_text() == "keep me"
    assert [type(e) for e in events] == [Failed]


async def test_overwrite_allowed(engine: Engine, fault_url: str, tmp_path: Path) -> None:
    target = tmp_path / "exists.bin"
    target.write_text("old")
    download = ResolvedDownload(path=target, overwrite=True)
    await engine.send(_req("GET", f"{fault_url}/big?size=1000", download=download))
    assert target.read_bytes() == generated_bytes(1000)


async def test_spill_above_memory_limit(fault_url: str, tmp_path: Path) -> None:
    size = 5 * MiB + 3
    spill_dir = tmp_path / "spill"
    async with Engine(memory_limit=MiB, spill_dir=spill_dir) as engine:
        small = await engine.send(_req("GET", f"{fault_url}/big?size={MiB}"))
        assert small.body_path is None and small.content == generated_bytes(MiB)

        response = await engine.send(_req("GET", f"{fault_url}/big?size={size}"))
        assert response.spilled and response.body_path is not None
        assert response.body_path.parent == spill_dir
        assert response.decoded_size == size
        assert len(response.content) <= MiB
        assert response.content == generated_bytes(len(response.content))
        assert _sha256(response.body_path) == expected_sha256(size)
        assert response.body_bytes() == generated_bytes(size)
        spilled = response.body_path
    assert not spilled.exists()  # spill files go away with the engine


@pytest.mark.parametrize(
    ("declared", "actual"), [("none", "latin-1"), ("utf-8", "latin-1"), ("iso-8859-1", "cp1252")]
)
async def test_wrong_or_missing_charset_with_explicit_encoding(
    engine: Engine, fault_url: str, declared: str, actual: str
) -> None:
    text = "café – déjà vu"
    if actual == "latin-1":
        text = "café, déjà vu"  # no en dash in latin-1
    url = f"{fault_url}/charset"
    params = (("text", text), ("declared", declared), ("actual", actual))
    detected = await engine.send(_req("GET", url, params=params))
    assert detected.text() != text  # the declared / guessed encoding gets it wrong
    if declared == "none":
        assert detected.detected_encoding is None  # not valid UTF-8, no charset: unknown
    else:
        assert detected.detected_encoding == declared

    chosen = await engine.send(_req("GET", url, params=params, encoding=actual))
    assert chosen.encoding == actual
    assert chosen.text() == text


async def test_charset_detected_from_header(engine: Engine, fault_url: str) -> None:
    params = (("text", "żółw"), ("declared", "iso-8859-2"), ("actual", "iso-8859-2"))
    response = await engine.send(_req("GET", f"{fault_url}/charset", params=params))
    assert response.detected_encoding == "iso-8859-2"
    assert response.text() == "żółw"


async def test_unknown_encoding_override_is_refused(engine: Engine, fault_url: str) -> None:
    with pytest.raises(errors.RequestError, match="unknown encoding 'klingon'"):
        await engine.send(_req("GET", f"{fault_url}/big?size=1", encoding="klingon"))


@pytest.mark.parametrize("kind", ["file", "stream"])
async def test_large_upload_with_progress(engine: Engine, fault_url: str, tmp_path: Path, kind: str) -> None:
    size = 20 * MiB + 5
    path = tmp_path / "upload.bin"
    path.write_bytes(generated_bytes(size))
    events: list[Event] = []
    body = ResolvedBody(kind=kind, path=path)  # type: ignore[arg-type]
    response = await engine.send(_req("POST", f"{fault_url}/sink", body=body), events.append)
    echoed = response.json()
    assert echoed["bytes"] == size
    assert echoed["sha256"] == expected_sha256(size)
    assert echoed["chunked"] is (kind == "stream")
    uploads = _progress(events, "upload")
    assert uploads[-1].done == size
    assert uploads[-1].total == size
    assert len(uploads) < size // 65536  # throttled, not one per chunk
    # upload progress comes before the response headers
    headers_at = next(i for i, e in enumerate(events) if isinstance(e, HeadersReceived))
    assert events.index(uploads[-1]) < headers_at


async def test_missing_body_file_is_a_path_error(engine: Engine, fault_url: str, tmp_path: Path) -> None:
    body = ResolvedBody(kind="file", path=tmp_path / "nope.bin")
    with pytest.raises(errors.RequestError, match="nope.bin") as caught:
        await engine.send(_req("POST", f"{fault_url}/sink", body=body))
    assert isinstance(caught.value.__cause__, errors.PathError)


async def test_cancel_before_headers(engine: Engine, fault_url: str) -> None:
    events: list[Event] = []
    started = asyncio.Event()

    def on_event(event: Event) -> None:
        events.append(event)
        if isinstance(event, Started):
            started.set()

    task = asyncio.create_task(engine.send(_req("GET", f"{fault_url}/slow-headers?delay=30"), on_event))
    await started.wait()
    await asyncio.sleep(0.05)  # let it connect and wait for headers (either way it must cancel)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    failed = events[-1]
    assert isinstance(failed, Failed) and isinstance(failed.error, errors.Cancelled)
    assert failed.error.part_path is None and failed.error.bytes_received == 0
    assert str(failed.error) == "cancelled"


async def test_concurrent_sends_share_one_client(engine: Engine, fault_url: str) -> None:
    sizes = [1000 * (i + 1) for i in range(12)]
    responses = await asyncio.gather(*(engine.send(_req("GET", f"{fault_url}/big?size={n}")) for n in sizes))
    assert [r.content for r in responses] == [generated_bytes(n) for n in sizes]
    assert engine.client_count == 1


async def test_head_request(engine: Engine, fault_url: str) -> None:
    events: list[Event] = []
    response = await engine.send(_req("HEAD", f"{fault_url}/big?size=5000"), events.append)
    assert response.status == 200 and response.header("content-length") == "5000"
    assert response.content == b"" and response.decoded_size == 0
    final = _progress(events, "download")[-1]
    assert final.done == 0 and final.total is None


async def test_download_folder_cannot_be_made(engine: Engine, refused_url: str, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(errors.DownloadError, match="cannot create the folder"):
        await engine.send(_req("GET", refused_url, download=ResolvedDownload(path=blocker / "sub" / "x.bin")))


async def test_streamed_body_redirected_with_307(engine: Engine, httpbin_url: str, tmp_path: Path) -> None:
    path = tmp_path / "body.txt"
    path.write_text("data")
    body = ResolvedBody(kind="stream", path=path)
    url = f"{httpbin_url}/redirect-to"
    params = (("url", "/post"), ("status_code", "307"))
    with pytest.raises(errors.RequestError, match="cannot be sent twice"):
        await engine.send(_req("POST", url, params=params, body=body))
    not_followed = await engine.send(_req("POST", url, params=params, body=body, follow_redirects=False))
    assert not_followed.status == 307


async def test_multipart_upload_progress(engine: Engine, fault_url: str, tmp_path: Path) -> None:
    size = 6 * MiB
    path = tmp_path / "big.bin"
    path.write_bytes(generated_bytes(size))
    body = ResolvedBody(kind="multipart", parts=(ResolvedPart(name="a", value="1"), ResolvedPart(name="f", file=path)))
    events: list[Event] = []
    response = await engine.send(_req("POST", f"{fault_url}/sink", body=body), events.append)
    assert response.sent is not None and response.sent.body_size is not None
    assert response.json()["bytes"] == response.sent.body_size > size
    uploads = _progress(events, "upload")
    assert uploads[-1].done == uploads[-1].total == response.sent.body_size
    assert len(uploads) < size // 65536


async def test_timeout_is_a_total_for_ordinary_requests(engine: Engine, fault_url: str) -> None:
    # Every piece arrives well within the timeout, but the whole body takes about 4x longer.
    url = f"{fault_url}/drip?size=400&interval=0.05&chunk=10"
    with pytest.raises(errors.TimeoutError, match="within 0.5 s") as caught:
        await engine.send(_req("GET", url, timeout=0.5))
    assert caught.value.phase == "reading the response body" and caught.value.after_s == 0.5
    assert str(caught.value).startswith("read timeout")
    assert "reading the response body" in str(caught.value)


async def test_downloads_have_no_total_timeout(engine: Engine, fault_url: str, tmp_path: Path) -> None:
    url = f"{fault_url}/drip?size=200&interval=0.05&chunk=10"  # ~1 s in all, 0.05 s per piece
    target = tmp_path / "drip.bin"
    response = await engine.send(_req("GET", url, timeout=0.5, download=ResolvedDownload(path=target)))
    assert response.status == 200
    assert target.read_bytes() == generated_bytes(200)


async def test_cancel_during_upload(engine: Engine, fault_url: str, tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(generated_bytes(16 * MiB))  # 16,384 pieces of 1 KiB: far from done when cancelled
    events: list[Event] = []
    uploading = asyncio.Event()

    def on_event(event: Event) -> None:
        events.append(event)
        if isinstance(event, Progress) and event.direction == "upload" and event.done > 0:
            uploading.set()

    body = ResolvedBody(kind="stream", path=path, chunk_size=1024)
    task = asyncio.create_task(engine.send(_req("POST", f"{fault_url}/sink", body=body), on_event))
    await asyncio.wait_for(uploading.wait(), timeout=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    failed = events[-1]
    assert isinstance(failed, Failed) and isinstance(failed.error, errors.Cancelled)
    assert failed.error.part_path is None
    assert not any(isinstance(e, HeadersReceived) for e in events)
    again = await engine.send(_req("GET", f"{fault_url}/big?size=10"))
    assert again.content == generated_bytes(10)
