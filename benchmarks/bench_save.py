"""Saving a 20,000-request collection: a new canonical file, and one edited request in a
loaded file (the workbench's ctrl+s); plus the load of that file.

    python benchmarks/bench_save.py [--requests 20000] [--runs 3]

The collection: every request has a URL with a variable, two headers and an expect; every
second one is a POST, every third has a multi-line JSON body, every fifth a comment above it;
about 3.5 MB of TOML. Each figure is the best of --runs, wall and CPU seconds (on a shared
machine the wall time grows with its load; CPU time much less). Target (issue 15): each save
under 1 s, linear in the number of requests (the --requests 5000 line shows it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, row  # noqa: E402

from tui.core.collection import store  # noqa: E402
from tui.core.collection.model import Body, Collection, Expect, Pair, Request  # noqa: E402


def make(count: int) -> Collection:
    collection = Collection(name="big", variables={"base": "http://127.0.0.1:8080"})
    for i in range(count):
        collection.requests.append(
            Request(
                name=f"request {i}",
                method="POST" if i % 2 else "GET",
                url=f"{{{{base}}}}/items/{i}",
                headers=[Pair("Accept", "application/json"), Pair("X-Id", str(i))],
                body=Body("json", text='{\n  "a": %d,\n  "b": "x"\n}' % i) if i % 3 == 0 else None,
                expect=Expect(status=[200]),
                comment=f"# request number {i}" if i % 5 == 0 else "",
            )
        )
    return collection


def measure(runs: int, setup: Callable[[], object], action: Callable[[object], object]) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        state = setup()
        wall, cpu = time.perf_counter(), time.process_time()
        action(state)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"bench_save: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        for count in sorted({args.requests // 4, args.requests}):
            target = Path(folder) / f"c{count}.toml"
            new = make(count)
            canonical = measure(args.runs, lambda: make(count), lambda c: store.save(c, target))  # type: ignore[arg-type]
            size = target.stat().st_size
            load = measure(args.runs, lambda: None, lambda _: store.load(target))

            def loaded_and_edited() -> Collection:
                collection = store.load(target)
                middle = collection.requests[count // 2]
                middle.url += "?edited=1"
                return collection

            edited = measure(args.runs, loaded_and_edited, lambda c: store.save(c))  # type: ignore[arg-type]
            changed = sum(
                1 for a, b in zip(target.read_text().splitlines(), store.dumps(new).splitlines()) if a != b
            )
            print(f"\n{count:,} requests, {size / 1e6:.1f} MB  (best of {args.runs}; wall s / CPU s)")
            print(row("save, new canonical file", f"{canonical[0]:.3f}", f"{canonical[1]:.3f}"))
            print(row("save, one request edited in it", f"{edited[0]:.3f}", f"{edited[1]:.3f}"))
            print(row("load", f"{load[0]:.3f}", f"{load[1]:.3f}"))
            print(f"  lines differing from the canonical text after the edit: {changed}")


if __name__ == "__main__":
    main()
