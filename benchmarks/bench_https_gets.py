"""200 sequential HTTPS GETs to a local TLS server: Engine vs a raw persistent httpx loop vs a new
client per request, measured in the same run.

    .venv/bin/python benchmarks/bench_https_gets.py [--requests 200] [--rounds 5]

The server is tests/servers/fault.py (a small asyncio HTTP/1.1 server, keep-alive) over TLS with a
fresh trustme certificate for localhost, in its own process; every request is
`GET https://localhost:PORT/big?size=64` (64 body bytes). One SSLContext with the trustme CA is
built once and shared by the httpx variants (so the client-per-request variant pays for new
connections and TLS handshakes, not for re-reading the CA file); the Engine gets the CA as
`ResolvedRequest.verify = Path(ca.pem)` as a collection would give it.

Each round creates a fresh Engine / client, so each includes its first handshake; the variants
are interleaved round by round and the best round of each is reported in ms/request.
Target: Engine <= 1.2x the raw persistent loop.
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


async def raw_loop(url: str, ctx: ssl.SSLContext, n: int) -> float:
    import httpx

    t0 = time.perf_counter()
    async with httpx.AsyncClient(verify=ctx) as client:
        for _ in range(n):
            r = await client.get(url)
            r.raise_for_status()
    return time.perf_counter() - t0


async def client_per_request(url: str, ctx: ssl.SSLContext, n: int) -> float:
    import httpx

    t0 = time.perf_counter()
    for _ in range(n):
        async with httpx.AsyncClient(verify=ctx) as client:
            r = await client.get(url)
            r.raise_for_status()
    return time.perf_counter() - t0


async def engine_loop(url: str, ca: Path, n: int) -> float:
    from tui.core.engine import Engine
    from tui.core.resolved import ResolvedRequest

    request = ResolvedRequest(name="bench-get", method="GET", url=url, verify=ca)
    t0 = time.perf_counter()
    async with Engine() as engine:
        for _ in range(n):
            response = await engine.send(request)
            if response.status != 200:
                raise SystemExit(f"engine got {response.status}")
    return time.perf_counter() - t0


async def run(url: str, ca: Path, n: int, rounds: int) -> dict[str, list[float]]:
    ctx = ssl.create_default_context(cafile=str(ca))
    times: dict[str, list[float]] = {"engine": [], "raw": [], "per_request": []}
    # warm-up: imports, first handshakes, server code paths
    await raw_loop(url, ctx, 5)
    await engine_loop(url, ca, 5)
    await client_per_request(url, ctx, 5)
    for _ in range(rounds):
        times["raw"].append(await raw_loop(url, ctx, n) / n)
        times["engine"].append(await engine_loop(url, ca, n) / n)
        times["per_request"].append(await client_per_request(url, ctx, n) / n)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from servers.launch import make_tls, run_fault

    with tempfile.TemporaryDirectory(prefix="bench-https-") as tmp:
        files = make_tls(Path(tmp))
        with run_fault(tls=files) as base:
            url = f"{base}/big?size=64"
            times = asyncio.run(run(url, files.ca_path, args.requests, args.rounds))

    best = {k: min(v) * 1000 for k, v in times.items()}
    print(f"{args.requests} sequential HTTPS GETs to {url.split('/big')[0]} (fault.py over TLS), "
          f"best of {args.rounds} rounds; machine: {machine()}")
    print(row("", "ms/request", "vs raw loop"))
    print(row("raw persistent httpx.AsyncClient", f"{best['raw']:.3f}", "1.00x"))
    print(row("Engine.send (one pooled client)", f"{best['engine']:.3f}",
              f"{best['engine'] / best['raw']:.2f}x"))
    print(row("new httpx.AsyncClient per request", f"{best['per_request']:.3f}",
              f"{best['per_request'] / best['raw']:.2f}x"))
    ratio = best["engine"] / best["raw"]
    print()
    print(f"  Engine / raw loop: {ratio:.2f}x (target <= 1.2)  {'OK' if ratio <= 1.2 else 'MISSED'}")
    print(f"  client-per-request / Engine: {best['per_request'] / best['engine']:.1f}x")


if __name__ == "__main__":
    main()
