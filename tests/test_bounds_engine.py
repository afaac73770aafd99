"""Issue 15, memory and disk bounded: decompression bombs, max_size, endless bodies, spill files,
and the files the engine writes (.part symlinks, one download per path), against the fault server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from tui.core import errors
from tui.core.engine import Engine, clean_stale_spills
from tui.core.engine.download import STALE_UNKNOWN_AGE_S
from tui.core.engine.resolved import ResolvedDownload, ResolvedRequest

MiB = 1024 * 1024


def _req(url: str, **kwargs: Any) -> ResolvedRequest:
    return ResolvedRequest(name="t", method="GET", url=url, **kwargs)


async def _send_peak(engine: Engine, request: ResolvedRequest) -> tuple[Any, int]:
    """(response or the RequestError raised, peak bytes Python allocated meanwhile)."""
    tracemalloc.start()
    try:
        try:
            outcome: Any = await engine.send(request)
        except errors.RequestError as error:
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("enc", ["br", "zstd", "gzip,gzip"])
async def test_a_decompression_bomb_stops_early_with_a_clear_error(fault_url: str, tmp_path: Path, enc: str) -> None:
    async with Engine(spill_dir=tmp_path) as engine:
        outcome, peak = await _send_peak(engine, _req(f"{fault_url}/bomb?enc={enc}&size={256 * MiB}"))
    assert isinstance(outcome, errors.DecompressionBomb), outcome
    assert str(outcome).startswith("decompression bomb?") and enc.replace(",", ", ") in str(outcome)
    assert peak < 40 * MiB, f"peak {peak / MiB:.0f} MiB"
    assert list(tmp_path.iterdir()) == []  # nothing spilled is left behind


@pytest.mark.parametrize("enc", ["gzip", "deflate"])
async def test_a_single_zlib_stream_is_bounded_by_max_size(fault_url: str, tmp_path: Path, enc: str) -> None:
    """One gzip/deflate stream cannot pass ~1,032:1, under the ratio guard: max_size stops it."""
    async with Engine(spill_dir=tmp_path) as engine:
        outcome, peak = await _send_peak(engine, _req(f"{fault_url}/bomb?enc={enc}&size={64 * MiB}", max_size=8 * MiB))
    assert type(outcome) is errors.BodyTooLarge, outcome
    assert "max_size = 8388608" in str(outcome) and outcome.limit == 8 * MiB
    assert peak < 24 * MiB, f"peak {peak / MiB:.0f} MiB"


@pytest.mark.parametrize("enc", ["br", "zstd", "gzip", "deflate", "gzip,gzip"])
@pytest.mark.parametrize("length", ["", "&length=0"])
async def test_honest_encoded_bodies_decode_exactly(fault_url: str, enc: str, length: str) -> None:
    size = 3 * MiB + 17
    async with Engine() as engine:
        response = await engine.send(_req(f"{fault_url}/bomb?enc={enc}&size={size}{length}"))
    assert response.status == 200
    assert response.decoded_size == size and response.content == bytes(size)


async def test_an_endless_body_stops_at_the_default_bound(fault_url: str, tmp_path: Path) -> None:
    async with Engine(spill_dir=tmp_path, memory_limit=MiB, max_size=6 * MiB) as engine:
        started = time.monotonic()
        with pytest.raises(errors.BodyTooLarge, match=r"over max_size = 6291456 bytes \(6.0 MiB\)"):
            await engine.send(_req(f"{fault_url}/endless", timeout=5))
        assert time.monotonic() - started < 4
    assert list(tmp_path.iterdir()) == []


async def test_an_endless_download_stops_at_its_max_size_and_keeps_the_part(fault_url: str, tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    async with Engine() as engine:
        with pytest.raises(errors.BodyTooLarge) as caught:
            await engine.send(_req(f"{fault_url}/endless", download=ResolvedDownload(path=target), max_size=3 * MiB))
    assert not target.exists()
    assert caught.value.part_path == tmp_path / "out.bin.part"
    assert 3 * MiB <= (tmp_path / "out.bin.part").stat().st_size <= 4 * MiB


async def test_downloads_are_unbounded_by_default(fault_url: str, tmp_path: Path) -> None:
    """The spill bound does not apply to downloads: a 12 MiB download with a 4 MiB spill bound."""
    target = tmp_path / "big.bin"
    async with Engine(max_size=4 * MiB) as engine:
        response = await engine.send(_req(f"{fault_url}/big?size={12 * MiB}", download=ResolvedDownload(path=target)))
        with pytest.raises(errors.BodyTooLarge):
            await engine.send(_req(f"{fault_url}/big?size={12 * MiB}"))
    assert response.downloaded and target.stat().st_size == 12 * MiB


async def test_a_part_symlink_is_never_written_through(fault_url: str, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("precious\n")
    downloads = tmp_path / "repo" / "downloads"
    downloads.mkdir(parents=True)
    (downloads / "v.bin.part").symlink_to("../../outside/victim.txt")
    async with Engine() as engine:
        with pytest.raises(errors.DownloadError, match="v.bin.part is a symbolic link"):
            await engine.send(_req(f"{fault_url}/big?size=5000", download=ResolvedDownload(path=downloads / "v.bin")))
    assert victim.read_text() == "precious\n"
    assert not (downloads / "v.bin").exists()


async def test_a_leftover_regular_part_file_is_replaced(fault_url: str, tmp_path: Path) -> None:
    target = tmp_path / "v.bin"
    (tmp_path / "v.bin.part").write_bytes(b"x" * 10_000)
    async with Engine() as engine:
        response = await engine.send(_req(f"{fault_url}/big?size=5000", download=ResolvedDownload(path=target)))
    assert response.decoded_size == 5000 == target.stat().st_size
    assert not (tmp_path / "v.bin.part").exists()


async def test_two_sends_to_one_download_path_at_once_refuse_the_second(fault_url: str, tmp_path: Path) -> None:
    target = tmp_path / "one.bin"
    request = _req(f"{fault_url}/drip?size=4&interval=0.1", download=ResolvedDownload(path=target, overwrite=True))
    async with Engine() as engine:
        first = asyncio.create_task(engine.send(request))
        await asyncio.sleep(0.05)
        with pytest.raises(errors.DownloadError, match="another request is downloading to"):
            await engine.send(request)
        response = await first
        again = await engine.send(request)  # once the first is done the path is free again
    assert response.decoded_size == 4 == again.decoded_size == target.stat().st_size


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_spills_are_cleaned_only_when_ours_and_stale(tmp_path: Path) -> None:
    dead = tmp_path / f"reqbench-{_dead_pid()}-abc123.body"
    mine = tmp_path / f"reqbench-{os.getpid()}-abc123.body"
    live = tmp_path / f"reqbench-{os.getppid()}-abc123.body"
    old_legacy = tmp_path / "reqbench-oldabc1.body"
    new_legacy = tmp_path / "reqbench-newabc1.body"
    other = tmp_path / f"other-{_dead_pid()}-abc.body"
    for path in (dead, mine, live, old_legacy, new_legacy, other):
        path.write_bytes(b"x")
    old = time.time() - STALE_UNKNOWN_AGE_S - 60
    os.utime(old_legacy, (old, old))
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    link = tmp_path / f"reqbench-{_dead_pid()}-lnk.body"
    link.symlink_to(victim)

    removed = clean_stale_spills(tmp_path)

    assert sorted(removed) == sorted([dead, old_legacy])
    assert not dead.exists() and not old_legacy.exists()
    assert mine.exists() and live.exists() and new_legacy.exists() and other.exists()
    assert link.is_symlink() and victim.read_bytes() == b"keep"


def test_an_engine_cleans_stale_spills_when_it_starts(tmp_path: Path) -> None:
    dead = tmp_path / f"reqbench-{_dead_pid()}-zzz999.body"
    dead.write_bytes(b"x" * 100)
    Engine(spill_dir=tmp_path)
    assert not dead.exists()


async def test_spill_files_carry_our_pid(fault_url: str, tmp_path: Path) -> None:
    async with Engine(spill_dir=tmp_path, memory_limit=MiB) as engine:
        response = await engine.send(_req(f"{fault_url}/big?size={3 * MiB}"))
        assert response.spilled and response.body_path is not None
        assert response.body_path.name.startswith(f"reqbench-{os.getpid()}-")
        assert response.body_path.stat().st_mode & 0o077 == 0  # mkstemp: 0600


def test_the_httpx_fallback_stage_is_bounded_too() -> None:
    """Used for an encoding httpx decodes but we have no capped decoder for (old brotli,
    brotlicffi): fed 1 KiB at a time, so a bomb still stops at the guard."""
    import brotli

    from tui.core.engine.decoding import BodyDecoder, SizeGuard, _httpx_stage

    bomb = brotli.compress(bytes(64 * MiB), quality=1)
    guard = SizeGuard(max_size=None, encoding="br")
    decoder = BodyDecoder([_httpx_stage("br")(guard)], guard)
    seen = 0
    with pytest.raises(errors.DecompressionBomb):
        for piece in decoder.decode(bomb):
            seen += len(piece)
    assert seen < 32 * MiB
    honest = BodyDecoder([_httpx_stage("br")(SizeGuard(max_size=None))], SizeGuard(max_size=None))
    data = os.urandom(100_000) + bytes(300_000)
    assert b"".join([*honest.decode(brotli.compress(data)), *honest.flush()]) == data
