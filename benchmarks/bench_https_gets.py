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
are interleaved round by round and the best round of each is reported in ms/request, both wall
time and this process's CPU time (the client-side cost; steadier than wall time when the machine
is busy). Target: Engine <= 1.2x the raw persistent loop.
"""

from __future__ import annotations

import argparse
import asyncio
import ssl
import tempfile
from pathlib import Path

import _common  # noqa: F401  (sys.path set-up)
from _common import Clock, ainterleave, best_ms_per_request, client_per_request, machine, raw_loop, row


async def engine_loop(url: str, ca: Path, n: int) -> Clock:
    from tui.core.engine import Engine
    from tui.core.engine.resolved import ResolvedRequest

    request = ResolvedRequest(name="bench-get", method="GET", url=url, verify=ca)
    with Clock() as clock:
        async with Engine() as engine:
            for _ in range(n):
                response = await engine.send(request)
                if response.status != 200:
                    raise SystemExit(f"engine got {response.status}")
    return clock


async def run(url: str, ca: Path, n: int, rounds: int) -> dict[str, list[Clock]]:
    ctx = ssl.create_default_context(cafile=str(ca))
    return await ainterleave(rounds, {
        "raw": lambda: raw_loop(url, ctx, n),
        "engine": lambda: engine_loop(url, ca, n),
        "per_request": lambda: client_per_request(url, ctx, n),
    })


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

    wall, cpu = best_ms_per_request(times, args.requests)
    print(f"{args.requests} sequential HTTPS GETs to {url.split('/big')[0]} (fault.py over TLS), "
          f"best of {args.rounds} rounds; machine: {machine()}")
    print(row("", "wall ms/req", "vs raw", "client CPU ms/req", "vs raw"))
    for key, label in (("raw", "raw persistent httpx.AsyncClient"),
                       ("engine", "Engine.send (one pooled client)"),
                       ("per_request", "new httpx.AsyncClient per request")):
        print(row(label, f"{wall[key]:.3f}", f"{wall[key] / wall['raw']:.2f}x",
                  f"{cpu[key]:.3f}", f"{cpu[key] / cpu['raw']:.2f}x"))
    ratio = wall["engine"] / wall["raw"]
    print()
    print(f"  Engine / raw loop (wall): {ratio:.2f}x (target <= 1.2)  "
          f"{'OK' if ratio <= 1.2 else 'MISSED'}; client CPU: {cpu['engine'] / cpu['raw']:.2f}x")
    print(f"  client-per-request / Engine (wall): {wall['per_request'] / wall['engine']:.1f}x")

if __name__ == "__main__":
    main()
