"""An embedded httpbin-compatible echo server, so everything can be tried offline.

    with EchoServer() as server:          # 127.0.0.1, a free port, a background thread
        httpx.get(server.url + "/get")

`EchoServer.start()` runs the server on its own event loop in a daemon thread (the caller's
loop, e.g. Textual's, is untouched) and returns the base URL; `stop()` closes the listening
socket, cancels open connections and joins the thread. `serve_forever()` runs it in the
current thread instead (for `reqbench demo --serve`; Ctrl-C stops it).

A host that is not loopback is refused unless `allow_remote=True` (the CLI sets it only when
`--host` is given explicitly): the echo server reflects whatever it is sent to anyone who can
reach it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import signal
import socket
import threading
from collections.abc import Callable
from types import TracebackType

from tui.core.errors import ReqbenchError
from .routes import download_chunks, handle
from .server import DEFAULT_BODY_LIMIT, EchoRequest, Reply, serve_connection

__all__ = ["EchoServer", "EchoServerError", "EchoRequest", "Reply", "download_chunks", "is_loopback", "DEFAULT_BODY_LIMIT"]


class EchoServerError(ReqbenchError):
    """The echo server cannot start (host refused, port in use, ...)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EchoServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        allow_remote: bool = False,
        body_limit: int = DEFAULT_BODY_LIMIT,
    ) -> None:
        if not is_loopback(host) and not allow_remote:
            raise EchoServerError(
                f"refusing to serve on {host}: the echo server reflects requests to anyone who can reach it; "
                "pass --host explicitly (allow_remote=True) to listen beyond this machine"
            )
        self.host = host
        self.port = port
        self.body_limit = body_limit
        self.connections_accepted = 0  # how many TCP connections were accepted (keep-alive shows here)
        self.requests_served = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        if self._loop is None:
            raise EchoServerError("the echo server is not running")
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)  # a wildcard: reach it locally
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._loop is not None

    # --- thread API ------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> str:
        """Start serving in a background thread; returns the base URL once it listens."""
        if self._thread is not None:
            raise EchoServerError("the echo server is already running")
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self._main(on_ready=ready.set))
            except BaseException as exc:  # reported to start(); the thread just ends
                failure.append(exc)
            finally:
                ready.set()

        self._thread = threading.Thread(target=run, name=f"reqbench-echo-{self.port or 'auto'}", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise EchoServerError("the echo server did not start in time")
        if failure or self._loop is None:
            self._thread.join()
            self._thread = None
            error = failure[0] if failure else None
            raise EchoServerError(f"cannot start the echo server on {self.host}:{self.port}: {error}") from error
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        """Stop listening, drop open connections, join the thread. Safe to call twice."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None:
            return
        if loop is not None and stopping is not None:
            try:
                loop.call_soon_threadsafe(stopping.set)
            except RuntimeError:
                pass  # the loop already closed
        thread.join(timeout)
        if thread.is_alive():
            raise EchoServerError("the echo server thread did not stop")
        self._thread = None

    def __enter__(self) -> EchoServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    # --- foreground API --------------------------------------------------------------------

    def serve_forever(self, on_ready: Callable[[str], None] | None = None) -> None:
        """Serve in this thread until Ctrl-C (KeyboardInterrupt) or SIGTERM; `on_ready(url)` once listening."""
        try:
            asyncio.run(self._main(on_ready=(lambda: on_ready(self.url)) if on_ready else None, sigterm=True))
        except KeyboardInterrupt:
            pass
        except OSError as exc:
            raise EchoServerError(f"cannot start the echo server on {self.host}:{self.port}: {exc}") from exc

    # --- the loop --------------------------------------------------------------------------

    async def _main(self, on_ready: Callable[[], None] | None, *, sigterm: bool = False) -> None:
        self._stopping = asyncio.Event()
        if sigterm and threading.current_thread() is threading.main_thread():
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self._stopping.set)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        server = await asyncio.start_server(
            self._accept, self.host, self.port, family=family, limit=64 * 1024, reuse_address=True
        )
        try:
            self.port = int(server.sockets[0].getsockname()[1])
            self._loop = asyncio.get_running_loop()
            if on_ready is not None:
                on_ready()
            await self._stopping.wait()
        finally:
            server.close()
            for task in list(self._connections):
                task.cancel()
            if self._connections:
                await asyncio.gather(*self._connections, return_exceptions=True)
            await server.wait_closed()
            self._loop = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections_accepted += 1
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await serve_connection(reader, writer, self._handle, body_limit=self.body_limit)
        except asyncio.CancelledError:
            pass  # stop() cancels open connections; asyncio would log a cancelled callback task as an error
        finally:
            self._connections.discard(task)

    async def _handle(self, request: EchoRequest) -> Reply:
        self.requests_served += 1
        return await handle(request)
