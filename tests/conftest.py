"""Real local servers for the tests: every fixture listens on 127.0.0.1 only.

Fixtures
--------
httpbin_url  (session)  "http://127.0.0.1:PORT" — httpbin:app under gunicorn (gthread worker,
                        8 threads): keep-alive and chunked uploads work.
tls_server   (session)  TLSServer(url="https://localhost:PORT", ca_path=Path(ca.pem)) — the same
                        httpbin over TLS with a certificate for localhost / 127.0.0.1 from a fresh
                        trustme CA. `verify=str(tls_server.ca_path)` succeeds, default verify fails.
fault_url    (session)  "http://127.0.0.1:PORT" — tests/servers/fault.py (own asyncio server in a
                        subprocess): /big?size=N (Range too), /nolength, /reset, /slow-headers,
                        /slow-body, /drip, /charset, /json-big, POST /sink. See its docstring.
refused_url  (function) "http://127.0.0.1:PORT" where nothing listens (connect is refused; the
                        port is held by a bound, non-listening socket for the test's duration).

Helpers for checking bodies: `tests/` has no __init__.py, and pytest's rootdir conftest import
puts `tests/` on sys.path, so test modules can write

    from servers.fault import generated_bytes, expected_sha256, iter_generated, json_document

`expected_sha256(size)` is computed block by block (constant memory) and cached.
Benchmarks reuse the launchers outside pytest: `from servers.launch import run_httpbin, ...`
after putting `tests/` on sys.path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from servers.launch import make_tls, refused_port, run_fault, run_httpbin


@dataclass(frozen=True, slots=True)
class TLSServer:
    url: str  # "https://localhost:PORT"
    ca_path: Path  # PEM bundle of the CA that issued the server's certificate


@pytest.fixture(scope="session")
def httpbin_url() -> Iterator[str]:
    with run_httpbin() as url:
        yield url


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TLSServer]:
    files = make_tls(tmp_path_factory.mktemp("tls"))
    with run_httpbin(tls=files) as url:
        yield TLSServer(url=url, ca_path=files.ca_path)


@pytest.fixture(scope="session")
def fault_url() -> Iterator[str]:
    with run_fault() as url:
        yield url


@pytest.fixture
def refused_url() -> Iterator[str]:
    with refused_port() as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session", autouse=True)
def _history_off_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test records into the user's history: `reqbench` (a CliRunner or a child process on
    a pty) without `--history` writes to this session's temporary file instead."""
    import os

    saved = os.environ.get("REQBENCH_HISTORY")
    os.environ["REQBENCH_HISTORY"] = str(tmp_path_factory.mktemp("history") / "history.sqlite3")
    yield
    if saved is None:
        os.environ.pop("REQBENCH_HISTORY", None)
    else:
        os.environ["REQBENCH_HISTORY"] = saved
