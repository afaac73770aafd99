"""History at 100,000 entries: the first page and filter queries, the History screen opening and
filtering, and what recording adds to a send, each measured in the same run.

    .venv/bin/python benchmarks/bench_history.py [--entries 100000] [--rounds 7] [--sends 300]

1. A temp history file gets one real recorded send (a JSON response from tests/servers/fault.py,
   about 2 KiB of details and body), then `--entries` copies of it made by SQL (varied name,
   URL, status, collection, time) -- filling through `History.record` would take minutes.
   Retention is switched off for the run (the default keeps 10,000: this is the stress case).
2. Core queries, best and median of `--rounds`: the first page (100 rows; then, separately, the
   count of matches the screen shows after the rows), filters by text (a URL fragment: a LIKE
   scan of the slim `entries` table), name, status class, collection.
3. The History screen in a headless Textual app (120x40): from `push_screen` until the first page
   (100 rows) is in the table -- cold (the first push in a fresh app: Textual parses the screen's
   and DataTable's CSS) and warm (the next push) -- and from a new filter value until its rows
   are in the table (the count of matches follows). Wall and this process's CPU time (all
   threads; steadier on a busy machine).
4. Recording overhead, on a second file in the default retention's steady state (10,000
   entries, pruned every 100 sends): `--sends` GETs (512-byte body, an Authorization header to
   mask) to the local server through one Engine, history off vs on (send + `History.record`),
   rounds interleaved; the difference per send, and `record()` alone.
Targets: each query / screen step < 100 ms; recording < 1 ms per send.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  (sys.path set-up)
from _common import machine


def _ms(values: list[float]) -> str:
    return f"best {min(values) * 1000:7.2f} ms   median {statistics.median(values) * 1000:7.2f} ms"


async def _one_real_entry(history, url: str) -> None:  # type: ignore[no-untyped-def]
    from tui.core.engine import Engine, ResolvedRequest

    async with Engine() as engine:
        request = ResolvedRequest(name="seed", method="GET", url=f"{url}/json-big?size=2000")
        history.record(request, await engine.send(request), collection="/bench/api.toml")


def fill(history, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` copies of entry 1 with varied summary columns, in one transaction."""

    def copy(connection) -> None:  # type: ignore[no-untyped-def]
        connection.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO entries (time, collection, name, method, url, status, status_class, elapsed_ms, size, error)
            SELECT 1.7e9 + i, '/bench/' || (i % 5) || '.toml', 'request ' || (i % 50), 'GET',
                   'http://127.0.0.1:8000/items/' || i || '?page=' || (i % 7),
                   CASE i % 10 WHEN 0 THEN 404 WHEN 1 THEN 500 ELSE 200 END,
                   CASE i % 10 WHEN 0 THEN 4 WHEN 1 THEN 5 ELSE 2 END, 1.5 + (i % 30), 2000, NULL
            FROM n
            """,
            (count,),
        )
        connection.execute(
            """INSERT INTO entry_details (entry_id, request, response, body, body_size, body_complete, body_sha256, source)
               SELECT e.id, d.request, d.response, d.body, d.body_size, d.body_complete, d.body_sha256, d.source
               FROM entries e, entry_details d WHERE d.entry_id = 1 AND e.id > 1"""
        )

    history._write(copy)


def time_queries(history, rounds: int) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    from tui.core.history import Query

    cases = {
        "first page": Query(),
        "text 'items/4242'": Query(text="items/4242"),
        "name 'request 7'": Query(name="request 7"),
        "status 5xx": Query(status="5xx"),
        "collection /bench/3.toml": Query(collection="/bench/3.toml"),
        "collection by name 3.toml": Query(collection="3.toml"),
    }
    out: dict[str, list[float]] = {}
    for _ in range(rounds):
        for label, query in cases.items():
            t0 = time.perf_counter()
            rows = history.entries(query, limit=100)
            t1 = time.perf_counter()
            history.count(query)
            t2 = time.perf_counter()
            out.setdefault(f"{label}: rows", []).append(t1 - t0)
            out.setdefault(f"{label}: count", []).append(t2 - t1)
            assert rows, label
    return out


class Clock:
    """Wall time and this process's CPU time (all threads) of a block, in seconds."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def stop(self) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0

    def __exit__(self, *exc: object) -> None:
        pass


async def time_screen(history, rounds: int) -> dict[str, list[Clock]]:  # type: ignore[no-untyped-def]
    """Per round, in a fresh headless app: push the screen (cold: its CSS is new to the app),
    pop it, push a new one (warm: as the workbench would the second time), then filter."""
    from textual.app import App
    from textual.widgets import Input

    from tui.screens.history_screen import HistoryScreen

    out: dict[str, list[Clock]] = {"open (cold)": [], "open (warm)": [], "filter": []}
    for i in range(rounds):
        app: App[None] = App()
        async with app.run_test(size=(120, 40)) as pilot:
            for label in ("open (cold)", "open (warm)"):
                screen = HistoryScreen(history)
                with Clock() as clock:
                    app.push_screen(screen)
                    while not screen.row_ids:
                        await asyncio.sleep(0.0005)
                    clock.stop()
                out[label].append(clock)
                await pilot.pause()
                if label == "open (cold)":
                    app.pop_screen()
                    await pilot.pause()
            assert len(screen.row_ids) == screen.page_size
            with Clock() as clock:
                screen.query_one("#history-filter", Input).value = f"items/{4000 + i}1"
                while not (screen.row_ids and len(screen.row_ids) < screen.page_size):
                    await asyncio.sleep(0.0005)
                clock.stop()
            out["filter"].append(clock)
            await pilot.pause()
    return out


async def time_recording(history, url: str, sends: int, rounds: int) -> tuple[list[float], list[float], list[float], list[float]]:  # type: ignore[no-untyped-def]
    from tui.core.engine import Engine, ResolvedRequest

    request = ResolvedRequest(name="bench", method="GET", url=f"{url}/big?size=512", headers=(("Authorization", "Bearer x-secret-123"),))
    off: list[float] = []
    on: list[float] = []
    record_only: list[float] = []
    send_only: list[float] = []  # the sends of the recording rounds, without their record()
    async with Engine() as engine:
        await engine.send(request)  # connect once
        for _ in range(rounds):
            t0 = time.perf_counter()
            for _ in range(sends):
                await engine.send(request)
            off.append((time.perf_counter() - t0) / sends)
            t0 = time.perf_counter()
            spent = 0.0
            for _ in range(sends):
                response = await engine.send(request)
                r0 = time.perf_counter()
                history.record(request, response, collection="/bench/api.toml")
                spent += time.perf_counter() - r0
            total = time.perf_counter() - t0
            on.append(total / sends)
            record_only.append(spent / sends)
            send_only.append((total - spent) / sends)
    return off, on, record_only, send_only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sends", type=int, default=300)
    args = parser.parse_args()

    from servers.launch import run_fault

    from tui.core.history import History, Retention

    print(f"bench_history: {args.entries} entries, {machine()}")
    with tempfile.TemporaryDirectory() as tmp, run_fault() as url:
        db = Path(tmp) / "history.sqlite3"
        with History.open(db, retention=Retention(max_entries=None)) as history:
            asyncio.run(_one_real_entry(history, url))
            t0 = time.perf_counter()
            fill(history, args.entries)
            print(f"  filled in {time.perf_counter() - t0:.1f} s; file {db.stat().st_size / 2**20:.0f} MiB, {history.count()} entries")
        t0 = time.perf_counter()
        history = History.open(db, retention=Retention(max_entries=None))
        print(f"  History.open                          {(time.perf_counter() - t0) * 1000:7.2f} ms")
        for label, values in time_queries(history, args.rounds).items():
            print(f"  {label:<38}{_ms(values)}")
        for label, clocks in asyncio.run(time_screen(history, max(3, args.rounds // 2))).items():
            walls, cpus = [c.wall for c in clocks], [c.cpu for c in clocks]
            print(f"  {'screen ' + label + ', wall':<38}{_ms(walls)}")
            print(f"  {'screen ' + label + ', CPU':<38}{_ms(cpus)}")
        history.close()
        # recording in the steady state of the default retention: 10,000 entries, pruned every 100 sends
        steady = History.open(Path(tmp) / "steady.sqlite3")
        asyncio.run(_one_real_entry(steady, url))
        fill(steady, 10_000)
        off, on, record_only, send_only = asyncio.run(time_recording(steady, url, args.sends, max(3, args.rounds // 2)))
        steady.close()
        print(f"  {'send, history off':<38}{_ms(off)}")
        print(f"  {'send + record':<38}{_ms(on)}")
        print(f"  {'record() alone':<38}{_ms(record_only)}")
        print(f"  {'the sends of those rounds alone':<38}{_ms(send_only)}")
        print(f"  recording adds {(min(on) - min(off)) * 1000:.3f} ms per send (best vs best; median {(statistics.median(on) - statistics.median(off)) * 1000:.3f} ms)")


if __name__ == "__main__":
    main()
