"""Replay of 200 small HTTPS requests: `reqbench run` (in process) vs a raw persistent httpx loop
vs a new client per request, measured in the same run.

    .venv/bin/python benchmarks/bench_replay.py [--requests 200] [--rounds 5]

The script writes a collection of N requests (`GET {{base}}/big?size=64&i=K`, each with
`expect.status = 200`, `verify = "ca.pem"` in [defaults]) into a temp folder next to a fresh
trustme CA, and serves it with tests/servers/fault.py over TLS in its own process.

Measured per round (process start excluded; every variant warmed up once first):
- `reqbench run FILE --env local`: the real click command through `click.testing.CliRunner`
  (store.load + plan + replay + the printed per-request lines and summary; output captured);
- `replay.run` alone: `tui.core.replay.run(store.load(FILE), RunOptions(environment="local"))`;
- raw loop: one `httpx.AsyncClient` (shared SSLContext), `raise_for_status()` per response;
- client per request: a new `httpx.AsyncClient` for each request (same SSLContext).
Best round of each, in ms/request. Target: `reqbench run` <= 1.5x the raw loop.
"""

from __future__ import annotations

import argparse
import asyncio
import ssl
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  (sys.path set-up)
from _common import machine, row
from bench_https_gets import client_per_request, raw_loop


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


def cli_round(path: Path, base: str) -> float:
    from click.testing import CliRunner

    from tui.cli import main as cli_main

    runner = CliRunner()
    t0 = time.perf_counter()
    result = runner.invoke(cli_main, ["run", str(path), "--env", "local"])
    seconds = time.perf_counter() - t0
    if result.exit_code != 0:
        raise SystemExit(f"reqbench run exited {result.exit_code}:\n{result.output[-2000:]}")
    return seconds


async def replay_round(path: Path) -> float:
    from tui.core import store
    from tui.core.replay import RunOptions, run

    t0 = time.perf_counter()
    collection = store.load(path)
    summary = await run(collection, RunOptions(environment="local", keep_bodies=False))
    seconds = time.perf_counter() - t0
    if summary.exit_code != 0 or summary.passed != len(collection.requests):
        raise SystemExit(f"replay.run: exit {summary.exit_code}, {summary.passed} passed")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    n = args.requests

    from servers.launch import make_tls, run_fault

    times: dict[str, list[float]] = {"cli": [], "replay": [], "raw": [], "per_request": []}
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        folder = Path(tmp)
        files = make_tls(folder)  # writes folder/ca.pem
        with run_fault(tls=files) as base:
            path = write_collection(folder, n, base)
            ctx = ssl.create_default_context(cafile=str(files.ca_path))
            url = f"{base}/big?size=64"
            # warm-up (imports, first handshakes)
            cli_round(path, base)
            asyncio.run(replay_round(path))
            asyncio.run(raw_loop(url, ctx, 5))
            for _ in range(args.rounds):
                times["raw"].append(asyncio.run(raw_loop(url, ctx, n)) / n)
                times["cli"].append(cli_round(path, base) / n)
                times["replay"].append(asyncio.run(replay_round(path)) / n)
                times["per_request"].append(asyncio.run(client_per_request(url, ctx, n)) / n)

    best = {k: min(v) * 1000 for k, v in times.items()}
    raw = best["raw"]
    print(f"replay of {n} small HTTPS requests (fault.py over TLS on localhost), best of "
          f"{args.rounds} rounds; machine: {machine()}")
    print(row("", "ms/request", "vs raw loop"))
    print(row("raw persistent httpx.AsyncClient", f"{raw:.3f}", "1.00x"))
    print(row("reqbench run (CliRunner, in process)", f"{best['cli']:.3f}",
              f"{best['cli'] / raw:.2f}x"))
    print(row("replay.run (core only)", f"{best['replay']:.3f}", f"{best['replay'] / raw:.2f}x"))
    print(row("new httpx.AsyncClient per request", f"{best['per_request']:.3f}",
              f"{best['per_request'] / raw:.2f}x"))
    ratio = best["cli"] / raw
    print()
    print(f"  reqbench run / raw loop: {ratio:.2f}x (target <= 1.5)  "
          f"{'OK' if ratio <= 1.5 else 'MISSED'}")
    print(f"  client-per-request / raw loop: {best['per_request'] / raw:.1f}x "
          f"(the gain the pooled client keeps)")


if __name__ == "__main__":
    main()
