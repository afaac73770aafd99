"""A cancelled download says how much it kept, and says it once (issue 10, bug 9): the count
in the Cancelled error is the size of the `.part` on disk, also when the cancel lands while a
1 MiB batch is being written."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tui.core import errors
from tui.core.engine import Engine, ResolvedDownload, ResolvedRequest
from tui.core.engine.events import Event, Failed, Progress
from tui.widgets.response_text import describe_error

MiB = 1024 * 1024


@pytest.mark.parametrize("cancel_after", [2 * MiB, 5 * MiB, 9 * MiB])
async def test_the_cancelled_count_is_what_the_part_holds(fault_url: str, tmp_path: Path, cancel_after: int) -> None:
    target = tmp_path / "big.bin"
    events: list[Event] = []
    enough = asyncio.Event()

    def on_event(event: Event) -> None:
        events.append(event)
        if isinstance(event, Progress) and event.done >= cancel_after:
            enough.set()

    request = ResolvedRequest(name="big", method="GET", url=f"{fault_url}/big?size={512 * MiB}", download=ResolvedDownload(path=target))
    async with Engine() as engine:
        task = asyncio.create_task(engine.send(request, on_event))
        await asyncio.wait_for(enough.wait(), timeout=60)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    failed = events[-1]
    assert isinstance(failed, Failed) and isinstance(failed.error, errors.Cancelled)
    part = tmp_path / "big.bin.part"
    assert failed.error.part_path == part
    assert failed.error.bytes_received == part.stat().st_size
    assert f"({part.stat().st_size} bytes)" in str(failed.error)
    shown = describe_error(failed.error)
    assert shown.count(str(part)) == 1, shown  # said once, not twice


async def test_a_drip_download_reaches_the_part_file_while_it_arrives(fault_url: str, tmp_path: Path) -> None:
    """Issue 10, bug 10: 742 KiB received and a 0-byte `.part` (the 1 MiB batch not written
    yet). Timed batches put a slow download on disk within about FLUSH_AFTER."""
    from tui.core.engine.download import FLUSH_AFTER

    target = tmp_path / "drip.bin"
    part = tmp_path / "drip.bin.part"
    received = 0

    def on_event(event: Event) -> None:
        nonlocal received
        if isinstance(event, Progress):
            received = event.done

    request = ResolvedRequest(
        name="drip", method="GET", url=f"{fault_url}/drip?size=2000000&interval=0.05&chunk=2000",
        download=ResolvedDownload(path=target),
    )
    async with Engine() as engine:
        task = asyncio.create_task(engine.send(request, on_event))
        seen_on_disk = 0
        for _ in range(400):  # up to ~20 s on a loaded machine; usually well under 2 s
            await asyncio.sleep(0.05)
            if part.exists() and part.stat().st_size > 0 and not task.done():
                seen_on_disk = part.stat().st_size
                break
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert seen_on_disk > 0, f"nothing on disk after {received} bytes received"
    assert seen_on_disk < 1024 * 1024  # before a full batch was received
    assert FLUSH_AFTER <= 1.0
