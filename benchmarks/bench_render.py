"""Rendering a big JSON response in the ResponseViewer, headless (`app.run_test`).

    .venv/bin/python benchmarks/bench_render.py [--size-mb 6] [--rounds 3]

For a minified JSON document of `--size-mb` MB (tests/servers/fault.py `json_document`), built
into a `Response` as the engine would hand it over, it measures:

- show -> raw visible: from `viewer.show_response(response)` to the first body row painted
  (a `render_line` call on the BodyView with the raw text set);
- show -> pretty visible: to the first row painted of the indented JSON (worker finished);
- one page down: from a `pagedown` key to the new rows painted (several pages, median and max);
- jump: from `scroll_to(y=...)` deep in the body to painted;
- event-loop lag (5 ms sleeps, overshoot) between show_response and the pretty view painted:
  the formatting must not stall the UI.

Targets (shared/DESIGN.md): raw visible <= 0.5 s, one page <= 50 ms. Posting, the closest
Textual peer, needs about 10 s to show a 6.4 MB JSON here. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import _common  # noqa: F401  (sys.path set-up)
from _common import machine, row
from servers.fault import json_document
from textual.app import App, ComposeResult

from tui.core.engine.response import Response, Timings
from tui.widgets.body_view import BodyView
from tui.widgets.response_viewer import ResponseViewer


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield ResponseViewer()


class Painted:
    """Wraps `BodyView.render_line` to timestamp the first paint after `arm()`."""

    def __init__(self, view: BodyView) -> None:
        self.view = view
        self.armed_for: Any = None
        self.at: float | None = None
        original = view.render_line

        def render_line(y: int) -> Any:
            strip = original(y)
            if self.at is None and self.armed_for is not None and self.armed_for():
                self.at = time.perf_counter()
            return strip

        view.render_line = render_line  # type: ignore[method-assign]

    def arm(self, condition: Any) -> None:
        self.at = None
        self.armed_for = condition

    async def wait(self, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while self.at is None:
            if time.perf_counter() > deadline:
                raise TimeoutError("never painted")
            await asyncio.sleep(0.0005)
        return self.at


def make_response(body: bytes) -> Response:
    return Response(
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        headers=(("Content-Type", "application/json"), ("Content-Length", str(len(body)))),
        url="http://127.0.0.1/json-big",
        content=body,
        wire_size=len(body),
        decoded_size=len(body),
        detected_encoding="utf-8",
        timings=Timings(total_ms=100.0),
    )


async def one_round(body: bytes) -> dict[str, Any]:
    app = Host()
    app.animation_level = "none"
    result: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        viewer = app.query_one(ResponseViewer)
        view = viewer.body_view
        view.focus()
        await pilot.pause()
        painted = Painted(view)
        response = make_response(body)

        lags: list[float] = []
        sampling = True

        async def sample() -> None:
            while sampling:
                t0 = time.perf_counter()
                await asyncio.sleep(0.005)
                lags.append(time.perf_counter() - t0 - 0.005)

        painted.arm(lambda: view.line_count >= 1 and view.lines and view.lines[0].startswith('{"items"'))
        start = time.perf_counter()
        viewer.show_response(response)
        sampler = asyncio.create_task(sample())
        raw_at = await painted.wait()
        result["raw"] = raw_at - start
        painted.arm(lambda: view.line_count > 1000)
        pretty_at = await painted.wait()
        sampling = False
        await sampler
        result["pretty"] = pretty_at - start
        result["lag"] = lags
        result["lines"] = view.line_count
        await app.workers.wait_for_complete()
        await pilot.pause()

        pages = []
        for _ in range(10):
            top = view.scroll_offset.y
            painted.arm(lambda top=top: view.scroll_offset.y > top)
            t0 = time.perf_counter()
            await pilot.press("pagedown")
            pages.append(await painted.wait() - t0)
            await pilot.pause()
        result["page"] = pages

        jumps = []
        for target in (view.line_count // 2, view.line_count - 100, 1000):
            painted.arm(lambda target=target: view.scroll_offset.y == target)
            t0 = time.perf_counter()
            view.scroll_to(y=target, animate=False)
            jumps.append(await painted.wait() - t0)
            await pilot.pause()
        result["jump"] = jumps
        result["rendered"] = view.lines_rendered
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    body = json_document(int(args.size_mb * 1_000_000))
    print(f"ResponseViewer render benchmark — {machine()}")
    print(f"  body: {len(body) / 1e6:.1f} MB minified JSON")
    rounds = [await one_round(body) for _ in range(args.rounds)]
    raw = [r["raw"] for r in rounds]
    pretty = [r["pretty"] for r in rounds]
    pages = [p for r in rounds for p in r["page"]]
    jumps = [j for r in rounds for j in r["jump"]]
    print(f"  pretty lines: {rounds[0]['lines']:,}; strips rendered in a round: {rounds[-1]['rendered']}")
    print(row("", "best", "median", "worst", "target"))
    print(row("show -> raw visible", f"{min(raw) * 1000:.0f} ms", f"{statistics.median(raw) * 1000:.0f} ms", f"{max(raw) * 1000:.0f} ms", "<= 500 ms"))
    print(row("show -> pretty visible", f"{min(pretty) * 1000:.0f} ms", f"{statistics.median(pretty) * 1000:.0f} ms", f"{max(pretty) * 1000:.0f} ms", "(worker)"))
    print(row("page down -> painted", f"{min(pages) * 1000:.1f} ms", f"{statistics.median(pages) * 1000:.1f} ms", f"{max(pages) * 1000:.1f} ms", "<= 50 ms"))
    print(row("jump deep -> painted", f"{min(jumps) * 1000:.1f} ms", f"{statistics.median(jumps) * 1000:.1f} ms", f"{max(jumps) * 1000:.1f} ms", ""))
    lags = sorted(lag for r in rounds for lag in r["lag"])
    if lags:
        p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
        print(row("loop lag while formatting", f"p50 {statistics.median(lags) * 1000:.1f} ms", f"p99 {p99 * 1000:.1f} ms", f"max {lags[-1] * 1000:.1f} ms", "p99 < 50 ms"))
    print(f"  ratio raw visible / target: {statistics.median(raw) / 0.5:.2f}; "
          f"page / target: {statistics.median(pages) / 0.05:.2f}; "
          f"vs Posting's ~10 s for 6.4 MB: {statistics.median(raw) / 10:.3f}x")


if __name__ == "__main__":
    asyncio.run(main())
