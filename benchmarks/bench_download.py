"""1 GiB download from nginx to a file: our Engine vs `curl -o`, measured in the same run.

Needs nginx and curl from the OS packages (Debian/Ubuntu):

    apt-get update && apt-get install -y nginx curl
    .venv/bin/python benchmarks/bench_download.py [--size-mib 1024] [--rounds 3] [--chunk-size 1048576]

The script writes a minimal nginx.conf into a temp dir, generates the file there (deterministic
bytes from tests/servers/fault.py), runs `nginx -g 'daemon off;'`-style in the foreground as a
subprocess on a free 127.0.0.1 port, and removes everything at the end.

Each download runs in a fresh subprocess of this script (`--child ...`) so its peak RSS
(`ru_maxrss`) is the download's own, not the benchmark's. The time is measured inside the child
around `engine.send(...)` (interpreter start and imports excluded); curl's time is its own
`%{time_total}` (process start excluded). Best of `--rounds` each, interleaved.

Printed: MB/s for curl, the Engine and a plain httpx `aiter_raw` loop (reference), the ratio
Engine / curl (target >= 0.75), the Engine's peak RSS (target < 100 MB) and its progress events
per second (target >= 10/s). The first Engine download is checked by sha256.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  (sys.path set-up)
from _common import machine, row

NGINX_CONF = """\
worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 30;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ application/octet-stream bin; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


# --------------------------------------------------------------------------- children


async def _child_engine(url: str, dest: Path, chunk_size: int) -> dict[str, object]:
    from tui.core.engine import Engine
    from tui.core.engine.events import Progress
    from tui.core.engine.resolved import ResolvedDownload, ResolvedRequest

    progress: list[Progress] = []

    def on_event(event: object) -> None:
        if isinstance(event, Progress):
            progress.append(event)

    request = ResolvedRequest(
        name="bench-download", method="GET", url=url,
        download=ResolvedDownload(path=dest, chunk_size=chunk_size, overwrite=True),
    )
    async with Engine() as engine:
        t0 = time.perf_counter()
        response = await engine.send(request, on_event)
        seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "bytes": dest.stat().st_size,
        "status": response.status,
        "progress_events": len(progress),
        "last_progress_done": progress[-1].done if progress else 0,
    }


async def _child_httpx(url: str, dest: Path, chunk_size: int) -> dict[str, object]:
    import httpx

    async with httpx.AsyncClient() as client:
        t0 = time.perf_counter()
        async with client.stream("GET", url) as r:
            with dest.open("wb") as f:
                async for chunk in r.aiter_raw(chunk_size):
                    f.write(chunk)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "bytes": dest.stat().st_size, "status": r.status_code}


def child_main(kind: str, url: str, dest: Path, chunk_size: int) -> None:
    runner = _child_engine if kind == "engine" else _child_httpx
    result = asyncio.run(runner(url, dest, chunk_size))
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps(result), flush=True)


# --------------------------------------------------------------------------- parent


def _write_file(path: Path, size: int) -> None:
    from servers.fault import iter_generated

    with path.open("wb") as f:
        for piece in iter_generated(0, size, piece=4 * 2**20):
            f.write(piece)


def _start_nginx(tmp: Path, root: Path) -> tuple[subprocess.Popen[bytes], int]:
    from servers.launch import free_port

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        sys.exit("nginx not found: apt-get update && apt-get install -y nginx")
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=root))
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import http.client

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            sys.exit(f"nginx exited: {err}\n{(tmp / 'error.log').read_text(errors='replace')}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("HEAD", "/big.bin")
            status = conn.getresponse().status
            conn.close()
            if status != 200:
                sys.exit(f"nginx answered {status} for /big.bin: "
                         f"{(tmp / 'error.log').read_text(errors='replace')}")
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("nginx did not start in 30 s")


def _run_child(kind: str, url: str, dest: Path, chunk_size: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, url, str(dest), str(chunk_size)],
        capture_output=True, text=True,
    )
    if out.returncode != 0:
        sys.exit(f"{kind} download failed:\n{out.stderr[-3000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _run_curl(url: str, dest: Path) -> float:
    out = subprocess.run(["curl", "-s", "-S", "-o", str(dest), "-w", "%{time_total}", url],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(8 * 2**20):
            digest.update(block)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=1024 * 1024,
                        help="ResolvedDownload.chunk_size for the Engine (and the httpx loop)")
    parser.add_argument("--no-httpx", action="store_true", help="skip the plain httpx reference")
    args = parser.parse_args()
    size = args.size_mib * 2**20
    mb = size / 1e6

    tmp = Path(tempfile.mkdtemp(prefix="bench-download-"))
    os.chmod(tmp, 0o755)  # nginx workers run as nobody
    proc: subprocess.Popen[bytes] | None = None
    try:
        root = tmp / "www"
        root.mkdir(mode=0o755)
        t0 = time.perf_counter()
        _write_file(root / "big.bin", size)
        os.chmod(root / "big.bin", 0o644)
        print(f"generated {args.size_mib} MiB in {time.perf_counter() - t0:.1f} s; "
              f"machine: {machine()}")
        proc, port = _start_nginx(tmp, root)
        url = f"http://127.0.0.1:{port}/big.bin"
        dest = tmp / "out.bin"
        # warm the page cache for everybody
        _run_curl(url, dest)

        curl_s: list[float] = []
        engine: list[dict[str, float]] = []
        raw: list[dict[str, float]] = []
        for i in range(args.rounds):
            curl_s.append(_run_curl(url, dest))
            dest.unlink()
            result = _run_child("engine", url, dest, args.chunk_size)
            if result["bytes"] != size:
                sys.exit(f"engine downloaded {result['bytes']} bytes, expected {size}")
            if i == 0:
                from servers.fault import expected_sha256

                if _sha256_file(dest) != expected_sha256(size):
                    sys.exit("engine download: sha256 mismatch")
            if (tmp / "out.bin.part").exists():
                sys.exit("engine left out.bin.part behind")
            dest.unlink()
            engine.append(result)
            if not args.no_httpx:
                raw.append(_run_child("httpx", url, dest, args.chunk_size))
                dest.unlink()
            print(f"  round {i + 1}: curl {mb / curl_s[-1]:.0f} MB/s, engine "
                  f"{mb / engine[-1]['seconds']:.0f} MB/s"
                  + (f", httpx {mb / raw[-1]['seconds']:.0f} MB/s" if raw else ""), flush=True)

        best_curl = min(curl_s)
        best_engine = min(engine, key=lambda r: r["seconds"])
        print()
        print(f"1 GiB-class download ({args.size_mib} MiB) from nginx on 127.0.0.1, "
              f"best of {args.rounds}, chunk_size={args.chunk_size}")
        print(row("", "MB/s", "seconds", "peak RSS MB"))
        print(row("curl -o", f"{mb / best_curl:.0f}", f"{best_curl:.2f}", "-"))
        print(row("Engine -> file", f"{mb / best_engine['seconds']:.0f}",
                  f"{best_engine['seconds']:.2f}", f"{max(r['maxrss_mb'] for r in engine):.0f}"))
        if raw:
            best_raw = min(raw, key=lambda r: r["seconds"])
            print(row("httpx aiter_raw loop (reference)", f"{mb / best_raw['seconds']:.0f}",
                      f"{best_raw['seconds']:.2f}", f"{max(r['maxrss_mb'] for r in raw):.0f}"))
        ratio = best_curl / best_engine["seconds"]
        rate = best_engine["progress_events"] / best_engine["seconds"]
        rss = max(r["maxrss_mb"] for r in engine)
        print()
        print(f"  Engine / curl throughput: {ratio:.2f}x   (target >= 0.75)  "
              f"{'OK' if ratio >= 0.75 else 'MISSED'}")
        print(f"  Engine peak RSS:          {rss:.0f} MB  (target < 100)    "
              f"{'OK' if rss < 100 else 'MISSED'}")
        print(f"  progress events:          {rate:.1f}/s  ({best_engine['progress_events']:.0f} "
              f"in the best run; target >= 10/s) {'OK' if rate >= 10 else 'MISSED'}")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child_main(sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
