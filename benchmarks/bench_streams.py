"""100,000 Server-Sent Events at full speed from a local server: how fast they reach reqbench.

The echo server (`reqbench demo --serve`, its own process, so it does not share our GIL) sends
`/sse?count=N&interval=0` (~30 bytes of JSON per event, ~16 KiB per write). Each measurement
runs in a fresh subprocess so its peak RSS (`ru_maxrss`) is its own:

- engine: `Engine.send` with an `on_event` that counts the `StreamEvent`s (the floor);
- run:    `reqbench run FILE -v` (every event printed as a line, stdout to /dev/null) — the
          whole CLI; its time is the process's wall time, imports included;
- app:    a headless Textual app (`App.run_test`, 80x24) with `LiveView` fed from an engine
          worker, as the workbench will wire it; done when `StreamEnded` has been flushed.

Event-loop lag: a task sleeping 5 ms in a loop records how late it wakes; p99 over the
stream (target < 50 ms). Peak RSS target < 150 MB. Best of `--rounds` by events/s.

    .venv/bin/python benchmarks/bench_streams.py            # --events 100000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LagProbe:
    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    @property
    def worst_ms(self) -> float:
        return max(self.lags, default=0.0) * 1000

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            self.lags.append(time.perf_counter() - start - 0.005)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> float:
        if self._task is not None:
            self._task.cancel()
        if not self.lags:
            return 0.0
        ordered = sorted(self.lags)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _engine(url: str) -> dict[str, float]:
    from tui.core.engine import Engine
    from tui.core.engine.events import StreamEvent, StreamStarted
    from tui.core.engine.resolved import ResolvedRequest

    count = 0
    probe = LagProbe()

    def on_event(event: object) -> None:
        nonlocal count
        if isinstance(event, StreamEvent):
            count += 1
        elif isinstance(event, StreamStarted):
            probe.start()  # lag while the events arrive (not the client's one-time set-up)

    async with Engine() as engine:
        start = time.perf_counter()
        response = await engine.send(ResolvedRequest(name="bench", method="GET", url=url, timeout=60), on_event)
        elapsed = time.perf_counter() - start
        lag = probe.stop()
    assert response.stream is not None
    return {"events": count, "seconds": elapsed, "lag_p99_ms": lag, "rss_mb": _rss_mb()}


async def _app(url: str) -> dict[str, float]:
    from textual import work
    from textual.app import App, ComposeResult

    from tui.core.engine import Engine
    from tui.core.engine.events import StreamEnded, StreamEvent, StreamStarted
    from tui.core.engine.resolved import ResolvedRequest
    from tui.widgets.live_view import LiveView

    done = asyncio.Event()

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield LiveView()

        def route(self, event: object) -> None:
            live = self.query_one(LiveView)
            if isinstance(event, StreamEvent):
                live.add_event(event)
            elif isinstance(event, StreamStarted):
                live.start(event.mode, event.status)
                probe.start()
            elif isinstance(event, StreamEnded):
                live.end(event.summary)
                done.set()

        @work(exclusive=True)
        async def send(self) -> None:
            async with Engine() as engine:
                await engine.send(ResolvedRequest(name="bench", method="GET", url=url, timeout=60), self.route)

    app = Host()
    probe = LagProbe()
    async with app.run_test(size=(80, 24)) as pilot:
        start = time.perf_counter()
        app.send()
        await asyncio.wait_for(done.wait(), 600)
        await pilot.pause()
        elapsed = time.perf_counter() - start
        lag = probe.stop()
        live = app.query_one(LiveView)
        count, flushes = live.count, live.flushes
    return {"events": count, "seconds": elapsed, "lag_p99_ms": lag, "rss_mb": _rss_mb(), "flushes": flushes}


def _run_cli(url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.toml"
        path.write_text(f'format = 1\n[[requests]]\nname = "bench"\nurl = "{url}"\ntimeout = 60\n')
        start = time.perf_counter()
        with open(os.devnull, "w") as sink:
            proc = subprocess.run([sys.executable, "-m", "tui", "run", str(path), "-v"], stdout=sink, cwd=ROOT, check=False)
        elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"reqbench run exited {proc.returncode}")
    return {"seconds": elapsed, "rss_mb": usage.ru_maxrss / 1024}


async def _idle(seconds: float = 2.0) -> dict[str, float]:
    """The same probe on an idle loop: what this machine's scheduling alone costs."""
    probe = LagProbe()
    probe.start()
    await asyncio.sleep(seconds)
    return {"seconds": seconds, "lag_p99_ms": probe.stop(), "rss_mb": _rss_mb()}


def _child(kind: str, url: str) -> None:
    if kind == "idle":
        result = asyncio.run(_idle())
    elif kind == "engine":
        result = asyncio.run(_engine(url))
    elif kind == "app":
        result = asyncio.run(_app(url))
    else:
        result = _run_cli(url)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=("idle", "engine", "app", "run"))
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.url)
        return
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "tui", "demo", "--serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the echo server did not start")
                time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/sse?count={args.events}&interval=0"
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):
            for kind in ("idle", "engine", "run", "app"):
                out = subprocess.run([sys.executable, __file__, "--child", kind, "--url", url], capture_output=True, text=True, cwd=ROOT, check=True)
                result = json.loads(out.stdout.strip().splitlines()[-1])
                result["rate"] = args.events / result["seconds"] if kind != "idle" else 0.0
                if kind not in best or result["rate"] > best[kind]["rate"] or (kind == "idle" and result["lag_p99_ms"] < best[kind]["lag_p99_ms"]):
                    best[kind] = result
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{args.events:,} SSE events at full speed, best of {args.rounds} (load average {os.getloadavg()[0]:.1f})")
    print(f"{'consumer':<28}{'events/s':>12}{'seconds':>10}{'lag p99 ms':>12}{'peak RSS MB':>13}")
    labels = {"idle": "(idle loop, no stream)", "engine": "Engine.send (on_event)", "run": "reqbench run -v (process)", "app": "LiveView in headless app"}
    for kind in ("idle", "engine", "run", "app"):
        r = best[kind]
        lag = f"{r['lag_p99_ms']:.1f}" if "lag_p99_ms" in r else "-"
        rate = f"{r['rate']:,.0f}" if kind != "idle" else "-"
        print(f"{labels[kind]:<28}{rate:>12}{r['seconds']:>10.2f}{lag:>12}{r['rss_mb']:>13.1f}")
    if "flushes" in best["app"]:
        print(f"live view repaints caused by events: {best['app']['flushes']:.0f} ({best['app']['flushes'] / best['app']['seconds']:.1f}/s)")
    print("targets: lag p99 < 50 ms, peak RSS < 150 MB")


if __name__ == "__main__":
    main()
