"""Event-loop lag of the UI while the real Engine downloads ~1 GiB into a file.

    .venv/bin/python benchmarks/bench_event_loop_lag.py [--size-mib 1024] [--chunk-size 1048576]

A headless Textual app (`app.run_test`) hosts a `ResponseViewer`; an app worker runs
`Engine.send(...)` against tests/servers/fault.py's `/big` endpoint (started here as a
subprocess on a free port), the engine's `Progress` events go to `viewer.show_progress` and the
final `Response` to `viewer.show_response`, exactly as the app wires them. Meanwhile a sampler on
the same loop sleeps 10 ms at a time and records how late it wakes up (the lag), and the
viewer's body is scrolled every 100 ms (a keypress through Pilot) so rendering competes too.

Printed: lag p50 / p99 / max during the download (target p99 < 50 ms), MB/s, number of
progress events and of UI refreshes of the transfer bar. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import _common  # noqa: F401  (sys.path set-up)
from _common import machine, row
from servers.launch import run_fault
from textual.app import App, ComposeResult

from tui.core.engine import Engine
from tui.core.engine.events import Event, Finished, Progress
from tui.core.engine.resolved import ResolvedDownload, ResolvedRequest
from tui.widgets.response_viewer import ResponseViewer


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield ResponseViewer()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def run(url: str, size: int, chunk_size: int, dest: Path) -> dict[str, Any]:
    app = Host()
    result: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        viewer = app.query_one(ResponseViewer)
        viewer.body_view.focus()
        await pilot.pause()
        request = ResolvedRequest(
            name="big",
            method="GET",
            url=f"{url}/big?size={size}",
            download=ResolvedDownload(path=dest, chunk_size=chunk_size, overwrite=True),
        )
        progress_events = 0
        done = asyncio.Event()
        origin = time.perf_counter()

        def on_event(event: Event) -> None:
            nonlocal progress_events
            if isinstance(event, Progress):
                if progress_events == 0:
                    result["first_progress"] = time.perf_counter() - origin
                progress_events += 1
                viewer.show_progress(event)
            elif isinstance(event, Finished):
                viewer.show_response(event.response)

        async def download() -> None:
            try:
                async with Engine() as engine:
                    viewer.show_sending(request)
                    # Something to scroll while the download runs (show_sending cleared the body).
                    viewer.body_view.set_lines([f"line {i}" for i in range(100_000)])
                    started = time.perf_counter()
                    response = await engine.send(request, on_event)
                    result["seconds"] = time.perf_counter() - started
                    result["bytes"] = response.decoded_size
            finally:
                done.set()

        lags: list[float] = []
        transfer_lags: list[float] = []  # from the first Progress event on (client set-up excluded)
        worst: list[tuple[float, float]] = []  # (lag, when) for the report

        async def sample() -> None:
            while not done.is_set():
                t0 = time.perf_counter()
                await asyncio.sleep(0.010)
                lag = time.perf_counter() - t0 - 0.010
                lags.append(lag)
                worst.append((lag, t0 - origin))
                if "first_progress" in result:
                    transfer_lags.append(lag)

        sampler = asyncio.create_task(sample())
        app.run_worker(download(), exclusive=True, group="send")
        key_times: list[float] = []
        view = viewer.body_view
        while not done.is_set():
            await asyncio.sleep(0.1)
            if view.scroll_offset.y >= view.max_scroll_y - 1:
                view.scroll_home(animate=False)
                await pilot.pause()
            before = view.scroll_offset.y
            t0 = time.perf_counter()
            app.simulate_key("down")  # as a terminal key press; time until the view has moved
            while view.scroll_offset.y == before and time.perf_counter() - t0 < 5:
                await asyncio.sleep(0.001)
            key_times.append(time.perf_counter() - t0)
        await sampler
        await app.workers.wait_for_complete()
        await pilot.pause()
        result["lags"] = lags
        result["transfer_lags"] = transfer_lags
        result["progress_events"] = progress_events
        result["keys"] = key_times
        result["worst"] = sorted(worst, reverse=True)[:5]
        result["end"] = result.get("seconds", 0.0)
        result["status"] = viewer.status_text
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--chunk-size", type=int, default=1024 * 1024)
    args = parser.parse_args()
    size = args.size_mib * 2**20
    print(f"Event-loop lag during a {args.size_mib} MiB download — {machine()}")
    with tempfile.TemporaryDirectory(prefix="reqbench-lag-") as tmp, run_fault() as url:
        dest = Path(tmp) / "big.bin"
        result = asyncio.run(run(url, size, args.chunk_size, dest))
        written = dest.stat().st_size if dest.exists() else 0
    lags = result["lags"]
    seconds = result.get("seconds", float("nan"))
    print(f"  downloaded {written / 2**20:.0f} MiB in {seconds:.2f} s = {written / 1e6 / seconds:.0f} MB/s; "
          f"{result['progress_events']} progress events")
    keys = result["keys"]
    if keys:
        print(f"  scroll keys meanwhile: {len(keys)}, key -> view scrolled p50 {statistics.median(keys) * 1000:.0f} ms, "
              f"max {max(keys) * 1000:.0f} ms")
    print("  worst lags (ms @ s since start): " + ", ".join(f"{lag * 1000:.0f} @ {at:.2f}" for lag, at in result["worst"]))
    print(f"  final status: {result['status']}")
    print(row("", "p50", "p99", "max", "target"))
    transfer = result["transfer_lags"]
    print(row("lag, whole run (10 ms sleeps)", f"{statistics.median(lags) * 1000:.1f} ms",
              f"{percentile(lags, 0.99) * 1000:.1f} ms", f"{max(lags) * 1000:.1f} ms", ""))
    print(row("lag, during the transfer", f"{statistics.median(transfer) * 1000:.1f} ms",
              f"{percentile(transfer, 0.99) * 1000:.1f} ms", f"{max(transfer) * 1000:.1f} ms", "p99 < 50 ms"))
    print(f"  samples: {len(lags)} ({len(transfer)} during the transfer); "
          f"ratio transfer p99 / target: {percentile(transfer, 0.99) / 0.05:.2f}; "
          f"first progress event {result.get('first_progress', float('nan')):.2f} s after start "
          f"(client set-up and connect)")


if __name__ == "__main__":
    main()
