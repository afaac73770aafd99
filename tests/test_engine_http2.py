"""HTTP/2 through the engine, against nginx over TLS (skipped when nginx is not installed)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from servers.fault import generated_bytes
from servers.launch import free_port, make_tls

from tui.core.engine import Engine
from tui.core.engine.resolved import ResolvedDownload, ResolvedRequest

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")

SIZE = 5 * 1024 * 1024 + 11

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
    root {root}/www;
  }}
}}
"""


@dataclass(frozen=True, slots=True)
class H2Server:
    url: str
    ca_path: Path


@pytest.fixture(scope="module")
def h2_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[H2Server]:
    assert NGINX is not None
    root = tmp_path_factory.mktemp("nginx-h2")
    (root / "www").mkdir()
    (root / "www" / "big.bin").write_bytes(generated_bytes(SIZE))
    (root / "www" / "hello.txt").write_text("hello over h2\n")
    tls = make_tls(root)
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(CONF.format(root=root, port=port, cert=tls.cert_path, key=tls.key_path))
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
        yield H2Server(url=f"https://localhost:{port}", ca_path=tls.ca_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    async with Engine() as eng:
        yield eng


def _req(url: str, server: H2Server, **kwargs: object) -> ResolvedRequest:
    return ResolvedRequest(name="h2", method="GET", url=url, verify=server.ca_path, http2=True, **kwargs)  # type: ignore[arg-type]


async def test_http2_get_and_reuse(engine: Engine, h2_server: H2Server) -> None:
    first = await engine.send(_req(f"{h2_server.url}/hello.txt", h2_server))
    second = await engine.send(_req(f"{h2_server.url}/hello.txt", h2_server))
    assert first.http_version == "HTTP/2"
    assert first.text() == "hello over h2\n"
    assert first.timings.tls_ms is not None and first.timings.reused is False
    assert second.timings.reused is True
    assert engine.client_count == 1


async def test_http2_concurrent_and_download(engine: Engine, h2_server: H2Server, tmp_path: Path) -> None:
    responses = await asyncio.gather(*(engine.send(_req(f"{h2_server.url}/hello.txt", h2_server)) for _ in range(8)))
    assert {r.text() for r in responses} == {"hello over h2\n"}
    target = tmp_path / "big.bin"
    response = await engine.send(_req(f"{h2_server.url}/big.bin", h2_server, download=ResolvedDownload(path=target)))
    assert response.http_version == "HTTP/2"
    assert target.read_bytes() == generated_bytes(SIZE)


async def test_http1_and_http2_clients_are_separate(engine: Engine, h2_server: H2Server) -> None:
    h2 = await engine.send(_req(f"{h2_server.url}/hello.txt", h2_server))
    h1 = await engine.send(
        ResolvedRequest(name="h1", method="GET", url=f"{h2_server.url}/hello.txt", verify=h2_server.ca_path)
    )
    assert (h2.http_version, h1.http_version) == ("HTTP/2", "HTTP/1.1")
    assert engine.client_count == 2
