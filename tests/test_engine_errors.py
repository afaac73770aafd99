"""Failures become clear RequestErrors (and Failed events); TLS verification on, with a CA, off."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tui.core import errors
from tui.core.engine import Engine
from tui.core.engine.events import Event, Failed
from tui.core.engine.resolved import ResolvedRequest


def _req(method: str, url: str, **kwargs: Any) -> ResolvedRequest:
    return ResolvedRequest(name="t", method=method, url=url, **kwargs)


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    async with Engine() as eng:
        yield eng


async def test_connection_refused(engine: Engine, refused_url: str) -> None:
    events: list[Event] = []
    port = refused_url.rsplit(":", 1)[1]
    with pytest.raises(errors.ConnectError) as caught:
        await engine.send(_req("GET", f"{refused_url}/get"), events.append)
    assert str(caught.value) == f"connection refused by 127.0.0.1:{port}"
    assert isinstance(events[-1], Failed) and events[-1].error is caught.value


async def test_dns_failure_names_the_host(engine: Engine) -> None:
    try:
        socket.getaddrinfo("no-such-host.invalid", 80)
    except OSError:
        pass
    else:  # pragma: no cover - a resolver that answers for .invalid
        pytest.skip("this resolver resolves .invalid names")
    with pytest.raises(errors.ConnectError, match=r"cannot resolve host 'no-such-host.invalid'"):
        await engine.send(_req("GET", "http://no-such-host.invalid/get"))


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("example.com/get", "missing scheme"),
        ("localhost:8080/get", "missing scheme"),
        ("ftp://example.com/x", "unsupported scheme 'ftp'"),
        ("http:///nohost", "no host"),
        ("", "empty"),
    ],
)
async def test_invalid_url(engine: Engine, url: str, fragment: str) -> None:
    events: list[Event] = []
    with pytest.raises(errors.InvalidURL) as caught:
        await engine.send(_req("GET", url), events.append)
    assert fragment in str(caught.value)
    if url:
        assert repr(url) in str(caught.value)
    assert [type(e) for e in events] == [Failed]


async def test_tls_verification_failure_has_hint(engine: Engine, tls_server: Any) -> None:
    with pytest.raises(errors.TLSError) as caught:
        await engine.send(_req("GET", f"{tls_server.url}/get"))
    message = str(caught.value)
    assert "certificate verification failed" in message
    assert 'verify = "path/to/ca.pem"' in message and "verify = false" in message


async def test_tls_with_ca_bundle(engine: Engine, tls_server: Any) -> None:
    response = await engine.send(_req("GET", f"{tls_server.url}/get", verify=Path(tls_server.ca_path)))
    assert response.status == 200
    assert response.timings.tls_ms is not None and response.timings.connect_ms is not None
    again = await engine.send(_req("GET", f"{tls_server.url}/get", verify=Path(tls_server.ca_path)))
    assert again.timings.reused is True and again.timings.tls_ms is None
    assert engine.client_count == 1


async def test_tls_verify_off(engine: Engine, tls_server: Any) -> None:
    response = await engine.send(_req("GET", f"{tls_server.url}/get", verify=False))
    assert response.status == 200


async def test_one_client_per_option_set(engine: Engine, tls_server: Any, httpbin_url: str) -> None:
    for _ in range(3):
        await engine.send(_req("GET", f"{httpbin_url}/get"))
        await engine.send(_req("GET", f"{tls_server.url}/get", verify=False))
        await engine.send(_req("GET", f"{tls_server.url}/get", verify=Path(tls_server.ca_path)))
    assert engine.client_count == 3


async def test_missing_ca_bundle(engine: Engine, tmp_path: Path, tls_server: Any) -> None:
    with pytest.raises(errors.TLSError, match="CA bundle .*nope.pem"):
        await engine.send(_req("GET", f"{tls_server.url}/get", verify=tmp_path / "nope.pem"))


async def test_http2_against_tls_httpbin(engine: Engine, tls_server: Any) -> None:
    # gunicorn speaks HTTP/1.1 only: offering h2 must still work (ALPN falls back).
    response = await engine.send(_req("GET", f"{tls_server.url}/get", verify=False, http2=True))
    assert response.status == 200
    assert response.http_version in ("HTTP/1.1", "HTTP/2")


async def test_engine_closed(httpbin_url: str) -> None:
    engine = Engine()
    await engine.send(_req("GET", f"{httpbin_url}/get"))
    await engine.aclose()
    with pytest.raises(RuntimeError):
        await engine.send(_req("GET", f"{httpbin_url}/get"))
