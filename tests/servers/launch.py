"""Start the test servers as subprocesses on free 127.0.0.1 ports and wait until they answer.

Used by `tests/conftest.py` (fixtures) and by `benchmarks/` (plain functions, no pytest):

    with run_httpbin() as url: ...                       # "http://127.0.0.1:PORT"
    with run_httpbin(tls=make_tls(tmpdir)) as url: ...   # "https://localhost:PORT"
    with run_fault() as url: ...                         # or run_fault(tls=...) for HTTPS

Servers log to a temp file; if one fails to start, the error carries the tail of that log.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TLSFiles", "make_tls", "free_port", "refused_port", "run_httpbin", "run_fault"]

STARTUP_TIMEOUT = 30.0
_FAULT_SCRIPT = Path(__file__).with_name("fault.py")


@dataclass(frozen=True, slots=True)
class TLSFiles:
    ca_path: Path  # PEM bundle of the CA that signed the server certificate
    cert_path: Path  # server certificate chain (PEM)
    key_path: Path  # server private key (PEM)


def make_tls(directory: Path) -> TLSFiles:
    """A fresh trustme CA and a server certificate for localhost / 127.0.0.1 / ::1."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1", "::1")
    files = TLSFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    ca.cert_pem.write_to_path(str(files.ca_path))
    cert.private_key_pem.write_to_path(str(files.key_path))
    with files.cert_path.open("wb") as f:
        for blob in cert.cert_chain_pems:
            f.write(blob.bytes())
    return files


def free_port() -> int:
    """A port nothing listens on right now (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A port where a connect is refused, reserved while the block runs: the socket is bound
    but never listens, so the kernel answers SYN with RST and no other process can take it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    return sock


def _log_tail(path: Path, limit: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError:
        return "(no log)"


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, ca: Path | None) -> None:
    """Poll `url` until it answers (any status), the process dies, or the timeout passes."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}:\n"
                               f"{_log_tail(log)}")
        try:
            if parts.scheme == "https":
                ctx = ssl.create_default_context(cafile=str(ca) if ca else None)
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    parts.hostname or "localhost", parts.port, timeout=5, context=ctx)
            else:
                conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                                  timeout=5)
            try:
                conn.request("GET", parts.path or "/")
                conn.getresponse().read()
                return
            finally:
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            last = exc
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} not ready after {STARTUP_TIMEOUT:.0f} s ({last!r}):\n"
                       f"{_log_tail(log)}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def run_httpbin(tls: TLSFiles | None = None, threads: int = 8) -> Iterator[str]:
    """httpbin:app under gunicorn (one gthread worker, `threads` threads) on a free port.

    The listening socket is created here and handed to gunicorn as `fd://N`, so there is no
    race for the port. Yields the base URL (https://localhost:PORT when `tls` is given).
    """
    sock = _listening_socket()
    port = sock.getsockname()[1]
    fd = sock.fileno()
    with tempfile.NamedTemporaryFile(prefix="httpbin-", suffix=".log", delete=False) as f:
        log = Path(f.name)
    cmd = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"fd://{fd}",
        "--worker-class", "gthread", "--workers", "1", "--threads", str(threads),
        "--keep-alive", "30", "--timeout", "120", "--graceful-timeout", "2",
        "--log-level", "warning", "--error-logfile", "-",
    ]
    if tls is not None:
        cmd += ["--certfile", str(tls.cert_path), "--keyfile", str(tls.key_path)]
    cmd.append("httpbin:app")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with log.open("wb") as logf:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                                pass_fds=(fd,), env=env)
    sock.close()  # gunicorn holds its own copy of the descriptor now
    url = f"https://localhost:{port}" if tls is not None else f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/get", proc, log, tls.ca_path if tls else None)
        yield url
    finally:
        _stop(proc)
        log.unlink(missing_ok=True)


@contextlib.contextmanager
def run_fault(tls: TLSFiles | None = None) -> Iterator[str]:
    """tests/servers/fault.py in a subprocess on a free port; yields http://127.0.0.1:PORT
    (https://localhost:PORT when `tls` is given)."""
    with tempfile.NamedTemporaryFile(prefix="fault-", suffix=".log", delete=False) as f:
        log = Path(f.name)
    with log.open("wb") as logf:
        cmd = [sys.executable, str(_FAULT_SCRIPT), "--port", "0"]
        if tls is not None:
            cmd += ["--certfile", str(tls.cert_path), "--keyfile", str(tls.key_path)]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=logf)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode().strip()  # "LISTENING <port>" or EOF on a crash
        if not line.startswith("LISTENING "):
            proc.wait(timeout=5)
            raise RuntimeError(f"fault server did not start ({line!r}):\n{_log_tail(log)}")
        port = int(line.split()[1])
        url = f"https://localhost:{port}" if tls is not None else f"http://127.0.0.1:{port}"
        _wait_http(url + "/big?size=1", proc, log, tls.ca_path if tls else None)
        yield url
    finally:
        _stop(proc)
        if proc.stdout is not None:
            proc.stdout.close()
        log.unlink(missing_ok=True)
