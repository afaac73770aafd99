"""Importing a generated 5,000-entry HAR (and, when the OpenAPI importer is there, the
2,000-operation document of bench_import_openapi.py): seconds and peak RSS.

    python benchmarks/bench_import.py [--entries 5000] [--runs 3]

The HAR looks like a devtools capture of a busy single-page app: 40 hosts' worth of paths, each
entry with 12 request headers (HTTP/2 pseudo-headers, cookies, a long user agent), a query
string, and every third one a POST (JSON, urlencoded params, or a multipart text body);
about 9 MB of JSON. Each measurement runs in a fresh process (so its peak RSS is its own): the
text already in memory -> `importers.import_text` (format detection included: it parses the
JSON, and the importer reuses that parse) -> `store.dumps`. Best of --runs (by wall time; CPU
time is printed too, as the wall time on a shared machine grows with its load). Target
(issue 9): under 2 s per import.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, machine, row  # noqa: E402

TARGET_S = 2.0


def har(entries: int) -> dict[str, object]:
    items = []
    for i in range(entries):
        host = f"api{i % 40}.shop.example"
        headers = [
            {"name": ":method", "value": "GET"},
            {"name": ":authority", "value": host},
            {"name": ":scheme", "value": "https"},
            {"name": ":path", "value": f"/v2/items/{i}?page={i % 7}&sort=price"},
            {"name": "accept", "value": "application/json, text/plain, */*"},
            {"name": "accept-encoding", "value": "gzip, deflate, br, zstd"},
            {"name": "accept-language", "value": "en-GB,en;q=0.9"},
            {"name": "cookie", "value": f"session=s{i:08d}; theme=dark; consent=yes"},
            {"name": "user-agent", "value": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"},
            {"name": "referer", "value": f"https://{host}/app/page{i % 13}"},
            {"name": "sec-fetch-mode", "value": "cors"},
            {"name": "x-request-id", "value": f"{i:032x}"},
        ]
        request: dict[str, object] = {
            "method": "GET",
            "url": f"https://{host}/v2/items/{i}?page={i % 7}&sort=price",
            "httpVersion": "h2",
            "headers": headers,
            "queryString": [{"name": "page", "value": str(i % 7)}, {"name": "sort", "value": "price"}],
            "cookies": [{"name": "session", "value": f"s{i:08d}"}],
            "headersSize": -1,
            "bodySize": 0,
        }
        if i % 3 == 1:
            request["method"] = "POST"
            kind = i % 9
            if kind == 1:
                request["postData"] = {"mimeType": "application/json", "text": json.dumps({"id": i, "tags": ["a", "b"], "qty": i % 5})}
            elif kind == 4:
                request["postData"] = {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "q", "value": f"item {i}"}, {"name": "n", "value": "1"}]}
            else:
                boundary = "----WebKitFormBoundaryBench"
                text = f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nnote {i}\r\n--{boundary}--\r\n"
                request["postData"] = {"mimeType": f"multipart/form-data; boundary={boundary}", "text": text}
        items.append({
            "startedDateTime": "2026-12-01T10:00:00.000Z", "time": 12.5, "request": request,
            "response": {"status": 200, "statusText": "", "httpVersion": "h2", "headers": [], "cookies": [],
                         "content": {"size": 0, "mimeType": "application/json"}, "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 2.5},
        })  # fmt: skip
    return {"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": items}}


def one(path: Path) -> None:
    """Child process: import the file once, print JSON with seconds, requests and peak RSS."""
    sys.path.insert(0, str(ROOT))
    from tui.core.collection import store
    from tui.core.formats.importers import import_text

    text = path.read_text(encoding="utf-8")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu_start = time.perf_counter(), time.process_time()
    result = import_text(text, source=path.name)
    store.dumps(result.collection)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "requests": len(result.collection.requests), "rss_kib": rss, "rss_before_kib": rss_before}))


def _measure(path: Path, runs: int) -> dict[str, float]:
    results = []
    for _ in range(runs):
        completed = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True)
        results.append(json.loads(completed.stdout))
    return min(results, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--operations", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        one(args.child)
        return
    print(f"import benchmark ({machine()}), best of {args.runs}, each run in a fresh process")
    print(f"load average before: {os.getloadavg()[0]:.1f} (wall seconds grow with it; CPU seconds less so)")
    print(row("input", "size MB", "requests", "seconds", "CPU seconds", "peak RSS MB", "RSS at start"))
    with tempfile.TemporaryDirectory() as folder:
        inputs = [(f"HAR, {args.entries} entries", Path(folder) / "bench.har", har(args.entries))]
        try:
            import tui.core.formats.from_openapi  # noqa: F401
            from bench_import_openapi import document
        except ImportError:
            print("  (OpenAPI importer not available: skipped)")
        else:
            inputs.append((f"OpenAPI JSON, {args.operations} operations", Path(folder) / "bench.openapi.json", document(args.operations)))
        for label, path, data in inputs:
            path.write_text(json.dumps(data), encoding="utf-8")
            best = _measure(path, args.runs)
            mark = "ok" if best["seconds"] < TARGET_S else f"OVER {TARGET_S:.0f} s"
            print(row(label, f"{path.stat().st_size / 1e6:.1f}", str(best["requests"]), f"{best['seconds']:.3f} {mark}",
                      f"{best['cpu_seconds']:.3f}", f"{best['rss_kib'] / 1024:.0f}", f"{best['rss_before_kib'] / 1024:.0f}"))  # fmt: skip


if __name__ == "__main__":
    main()
