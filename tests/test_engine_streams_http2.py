"""SSE over HTTP/2: nginx (TLS, h2) in front of the echo server, proxying unbuffered.

Skipped when nginx is not installed. Synchronised like the HTTP/1.1 tests: with `interval=60`
the first event must arrive on its own.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers.launch import free_port, make_tls

from tui.core.engine import Engine
from tui.core.engine.events import Event, StreamEvent
from tui.core.engine.resolved import ResolvedRequest
from tui.echo import EchoServer

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")

CONF = """
worker_processes 1;
daemon off;
master_process off;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {root}/tmp-body;
  proxy_temp_path {root}/tmp-proxy;
  fastcgi_temp_path {root}/tmp-fastcgi;
  uwsgi_temp_path {root}/tmp-uwsgi;
  scgi_temp_path {root}/tmp-scgi;
  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_http_version 1.1;
      proxy_buffering off;
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def h2_sse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    assert NGINX is not None
    root = tmp_path_factory.mktemp("nginx-h2-sse")
    tls = make_tls(root)
    port = free_port()
    with EchoServer() as echo:
        conf = root / "nginx.conf"
        conf.write_text(CONF.format(root=root, port=port, cert=tls.cert_path, key=tls.key_path, upstream=echo.port))
        proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while True:
                if proc.poll() is not None:
                    log = (root / "error.log").read_text() if (root / "error.log").exists() else ""
                    pytest.skip(f"nginx did not start: {log[-500:]}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield f"https://localhost:{port}", tls.ca_path
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def test_sse_over_http2_arrives_event_by_event(h2_sse: tuple[str, Path]) -> None:
    url, ca = h2_sse
    queue: asyncio.Queue[StreamEvent] = asyncio.Queue()

    def on_event(event: Event) -> None:
        if isinstance(event, StreamEvent):
            queue.put_nowait(event)

    async with Engine() as engine:
        request = ResolvedRequest(name="h2", method="GET", url=url + "/sse?count=3&interval=60&id=1", verify=ca, http2=True)
        task = asyncio.create_task(engine.send(request, on_event))
        first = await asyncio.wait_for(queue.get(), 10)
        assert first.id == "1" and first.json == {"n": 0, "count": 3}
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        whole = ResolvedRequest(name="h2", method="GET", url=url + "/sse?count=20&interval=0&event=tick", verify=ca, http2=True)
        response = await asyncio.wait_for(engine.send(whole), 10)
        assert response.http_version == "HTTP/2"
        assert response.stream is not None and response.stream.count == 20
        assert {e.event for e in response.stream.events} == {"tick"}
