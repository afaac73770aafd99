"""Replay of 200 small HTTPS requests: `reqbench run` (in process) vs a raw persistent httpx loop
vs a new client per request, measured in the same run.

    .venv/bin/python benchmarks/bench_replay.py [--requests 200] [--rounds 5]

The script writes a collection of N requests (`GET {{base}}/big?size=64&i=K`, each with
`expect.status = 200`, `verify = "ca.pem"` in [defaults]) into a temp folder next to a fresh
trustme CA, and serves it with tests/servers/fault.py over TLS in its own process.

Measured per round (process start excluded; every variant warmed up once first):
- `reqbench run FILE --env local`: the real click command through `click.testing.CliRunner`
  (store.load + plan + replay + the printed per-request lines and summary; output captured);
  and the same with `--quiet` (summary only), to show what the per-request lines cost;
- `replay.run` alone: `tui.core.replay.run(store.load(FILE), RunOptions(environment="local"))`;
- raw loop: one `httpx.AsyncClient` (shared SSLContext), `raise_for_status()` per response;
  the target's reference. It GETs the same URL every time; the row "raw loop, the collection's
  URLs" GETs the collection's N distinct URLs (`...&i=K`) instead, for reference only: distinct
  URLs miss the stdlib's `urlsplit` cache that httpx's cookie handling goes through;
- client per request: a new `httpx.AsyncClient` for each request (same SSLContext).
Best round of each, in ms/request: wall time and this process's CPU time (steadier when the
machine is busy). Target: `reqbench run` <= 1.5x the raw loop.
"""

from __future__ import annotations

import argparse
import asyncio
import ssl
import tempfile
from pathlib import Path

import _common  # noqa: F401  (sys.path set-up)
from _common import Clock, best_ms_per_request, client_per_request, interleave, machine, raw_loop, row


def write_collection(folder: Path, n: int, base: str) -> Path:
    lines = [
        "format = 1",
        'name = "bench replay"',
        "",
        "[variables]",
        'base = "https://localhost:1"',
        "",
        "[environments.local]",
        f'base = "{base}"',
        "",
        "[defaults]",
        'verify = "ca.pem"',
        "",
    ]
    for i in range(n):
        lines += [
            "[[requests]]",
            f'name = "get {i:03d}"',
            'url = "{{base}}/big"',
            f'params = {{ size = "64", i = "{i}" }}',
            "expect = { status = 200 }",
            "",
        ]
    path = folder / "bench.toml"
    path.write_text("\n".join(lines))
    return path


def cli_round(path: Path, *extra: str) -> Clock:
    from click.testing import CliRunner

    from tui.cli import main as cli_main

    runner = CliRunner()
    with Clock() as clock:
        result = runner.invoke(cli_main, ["run", str(path), "--env", "local", *extra])
    if result.exit_code != 0:
        raise SystemExit(f"reqbench run exited {result.exit_code}:\n{result.output[-2000:]}")
    return clock


async def raw_distinct_urls(base: str, ctx: ssl.SSLContext, n: int) -> Clock:
    """The raw loop over the collection's own URLs (`/big?size=64&i=K`, one per request)."""
    return await raw_loop([f"{base}/big?size=64&i={i}" for i in range(n)], ctx)


async def replay_round(path: Path) -> Clock:
    from tui.core.collection import store
    from tui.core.replay import RunOptions, run

    with Clock() as clock:
        collection = store.load(path)
        summary = await run(collection, RunOptions(environment="local", keep_bodies=False))
    if summary.exit_code != 0 or summary.passed != len(collection.requests):
        raise SystemExit(f"replay.run: exit {summary.exit_code}, {summary.passed} passed")
    return clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    n = args.requests

    from servers.launch import make_tls, run_fault

    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        folder = Path(tmp)
        files = make_tls(folder)  # writes folder/ca.pem
        with run_fault(tls=files) as base:
            path = write_collection(folder, n, base)
            ctx = ssl.create_default_context(cafile=str(files.ca_path))
            url = f"{base}/big?size=64"
            times = interleave(args.rounds, {
                "raw": lambda: asyncio.run(raw_loop(url, ctx, n)),
                "raw_urls": lambda: asyncio.run(raw_distinct_urls(base, ctx, n)),
                "cli": lambda: cli_round(path),
                "cli_quiet": lambda: cli_round(path, "--quiet"),
                "replay": lambda: asyncio.run(replay_round(path)),
                "per_request": lambda: asyncio.run(client_per_request(url, ctx, n)),
            })

    wall, cpu = best_ms_per_request(times, n)
    print(f"replay of {n} small HTTPS requests (fault.py over TLS on localhost), best of "
          f"{args.rounds} rounds; machine: {machine()}")
    print(row("", "wall ms/req", "vs raw", "client CPU ms/req", "vs raw"))
    for key, label in (("raw", "raw persistent httpx.AsyncClient"),
                       ("raw_urls", "raw loop, the collection's URLs"),
                       ("cli", "reqbench run (CliRunner, in process)"),
                       ("cli_quiet", "reqbench run --quiet"),
                       ("replay", "replay.run (core only)"),
                       ("per_request", "new httpx.AsyncClient per request")):
        print(row(label, f"{wall[key]:.3f}", f"{wall[key] / wall['raw']:.2f}x",
                  f"{cpu[key]:.3f}", f"{cpu[key] / cpu['raw']:.2f}x"))
    ratio = wall["cli"] / wall["raw"]
    print()
    print(f"  reqbench run / raw loop (wall): {ratio:.2f}x (target <= 1.5)  "
          f"{'OK' if ratio <= 1.5 else 'MISSED'}; client CPU: {cpu['cli'] / cpu['raw']:.2f}x")
    print(f"  client-per-request / raw loop (wall): {wall['per_request'] / wall['raw']:.1f}x "
          f"(the gain the pooled client keeps)")

if __name__ == "__main__":
    main()
