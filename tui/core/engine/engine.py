"""The one persistent httpx.AsyncClient: build, send, stream, time, cancel.

Public surface (others code against it):

    class Engine:
        def __init__(self, *, memory_limit: int = 64 * 2**20, spill_dir: Path | None = None,
                     max_redirects: int = 20) -> None
        async def __aenter__(self) -> Engine ; async def __aexit__(...) ; async def aclose(self) -> None
        async def send(self, request: ResolvedRequest, on_event: EventHandler | None = None) -> Response
            # raises tui.core.errors.RequestError subclasses (also reported as a Failed event);
            # on asyncio cancellation: emits Failed(Cancelled(part_path=...)), keeps .part, re-raises CancelledError.
            # A body found unsendable just before sending (bad JSON or base64, unreadable file) is a
            # RequestError whose __cause__ is the BodyError / PathError; nothing is sent.
        client_count: int   # number of pooled clients created (keyed by verify/http2/cert/proxy)

Events, in order: Started, Progress("upload") for file/stream bodies, HeadersReceived,
Progress("download") (throttled, plus a final one), then Finished or Failed.

`request.timeout` bounds each phase (connect, write, pool wait, and every read — the wait for
headers and each wait for body data) and, for ordinary requests, the whole request too. A
download or a body streamed from a file (file, stream, multipart) has no total bound, so a
large transfer is not killed while data flows. 0 or less means no timeout at all.

Bodies larger than `memory_limit` spill to a temp file (`Response.body_path`, `content` keeps the
first MiB); spill files are deleted by `aclose()`. A download writes `path.part`, renamed to
`path` when complete, whatever the status (like `curl -o`; replay's `expect` checks the status);
its `Response.content` is a preview of the first MiB.

Timeouts raise `errors.TimeoutError` whose message starts with the kind ("connect timeout",
"read timeout", "write timeout", "pool timeout") and whose `phase` is a phrase that reads after
"while": "connecting", "sending the request", "waiting for the response headers", "reading the
response body", "waiting for a free connection".

Clients are keyed by (verify, http2, client cert, proxy): see `clients`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from tui.core import errors
from tui.core.engine.build import PreparedRequest, prepare
from tui.core.engine.clients import USER_AGENT, ClientCache
from tui.core.engine.failures import FailureContext, deadline_error, map_error
from tui.core.engine.progress import ProgressMeter
from tui.core.engine.from_httpx import content_length, header_items, make_response
from tui.core.engine.tuning import tune_httpcore, widen_socket_reads
from tui.core.engine.download import DownloadSink, MemorySink
from tui.core.engine.events import EventHandler, Failed, Finished, HeadersReceived, Started
from tui.core.engine.resolved import ResolvedRequest
from tui.core.engine.response import Response
from tui.core.engine.timing import TraceRecorder

__all__ = ["DEFAULT_MEMORY_LIMIT", "USER_AGENT", "Engine"]

DEFAULT_MEMORY_LIMIT = 64 * 2**20


def _check_download_target(target: Path, *, overwrite: bool) -> None:
    """Refuse before sending: an existing target (unless overwrite), or a folder we cannot make."""
    if target.exists() and not overwrite:
        raise errors.DownloadError(
            f"{target} already exists; set overwrite = true in [requests.download] to replace it", exists=target
        )
    if target.is_dir():
        raise errors.DownloadError(f"download path {target} is a folder; give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.DownloadError(f"cannot create the folder {target.parent}: {exc.strerror or exc}") from exc


@functools.lru_cache(maxsize=64)  # one per distinct value (httpx never changes a Timeout), not per send
def _timeout(seconds: float) -> httpx.Timeout:
    """`timeout` bounds each phase: connect, write, pool wait, and every read (0 or less: none)."""
    return httpx.Timeout(seconds if seconds > 0 else None)


_STREAMED_KINDS = frozenset({"file", "stream", "multipart"})


def _deadline_s(request: ResolvedRequest) -> float | None:
    """`timeout` is also the total for a whole request, except for transfers that may rightly
    take longer while data flows: downloads and bodies streamed from files. Those keep the
    per-phase bound only."""
    if request.timeout <= 0 or request.download is not None:
        return None
    if request.body is not None and request.body.kind in _STREAMED_KINDS:
        return None
    return request.timeout


class _Transfer:
    """The state of one send that failure/cancel handling needs to see."""

    __slots__ = ("ctx", "recorder", "response", "sink")

    def __init__(self, ctx: FailureContext) -> None:
        self.ctx = ctx
        self.recorder = TraceRecorder(on_connect=widen_socket_reads)
        self.response: httpx.Response | None = None
        self.sink: DownloadSink | MemorySink | None = None

    def phase_before_body(self) -> str:
        marks = self.recorder.marks
        if "receive_response_headers.started" in marks:
            return "headers"
        if "send_request_headers.started" in marks:
            return "send"
        return "connect"

    async def cleanup(self) -> None:
        if self.sink is not None:
            sink, self.sink = self.sink, None
            await sink.abort()
        if self.response is not None:
            response, self.response = self.response, None
            with contextlib.suppress(httpx.HTTPError, OSError):
                await response.aclose()


class Engine:
    """Sends `ResolvedRequest`s through a small cache of pooled `httpx.AsyncClient`s."""

    def __init__(
        self,
        *,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
        spill_dir: Path | None = None,
        max_redirects: int = 20,
    ) -> None:
        tune_httpcore()
        self.memory_limit = memory_limit
        self.spill_dir = spill_dir
        self.max_redirects = max_redirects
        self._clients = ClientCache(max_redirects=max_redirects)
        self._spills: list[Path] = []
        self._closed = False

    @property
    def client_count(self) -> int:
        return self._clients.created

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every pooled client and delete spill files."""
        self._closed = True
        await self._clients.aclose()
        for path in self._spills:
            with contextlib.suppress(OSError):
                path.unlink()
        self._spills.clear()

    async def send(self, request: ResolvedRequest, on_event: EventHandler | None = None) -> Response:
        """Send `request` and return its `Response` (see the module docstring for events/errors)."""
        if self._closed:
            raise RuntimeError("Engine.send() after aclose()")

        def report(event: Any) -> None:
            if on_event is not None:
                on_event(event)

        download = request.download.path if request.download is not None else None
        ctx = FailureContext(url=request.url, timeout=request.timeout, download=download)
        try:
            if request.download is not None:
                _check_download_target(request.download.path, overwrite=request.download.overwrite)
            client = self._clients.get(request)
            try:
                prepared = prepare(request)
            except (errors.BodyError, errors.PathError) as problem:
                # The contract is "RequestErrors only": keep the message, chain the original.
                raise errors.RequestError(str(problem)) from problem
        except errors.RequestError as early:
            report(Failed(early))
            raise

        report(Started(request))
        transfer = _Transfer(ctx)
        deadline = asyncio.timeout(_deadline_s(request))
        try:
            async with deadline:
                return await self._exchange(client, request, prepared, transfer, on_event)
        except asyncio.CancelledError:
            await transfer.cleanup()
            part = ctx.part_path if ctx.part_path is not None and ctx.part_path.exists() else None
            message = "cancelled"
            if part is not None:
                # What the .part holds once cleanup flushed it: a chunk whose write was still
                # in flight is on disk but was not counted yet (the count was 1 MiB short).
                ctx.bytes_received = part.stat().st_size
                message = f"cancelled; partial download kept at {part} ({ctx.bytes_received} bytes)"
            report(Failed(errors.Cancelled(message, part_path=part, bytes_received=ctx.bytes_received)))
            raise
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, errors.RequestError) as exc:
            await transfer.cleanup()
            if ctx.phase != "body":
                ctx.phase = transfer.phase_before_body()
            mapped = deadline_error(ctx) if deadline.expired() else map_error(exc, ctx)
            report(Failed(mapped))
            if mapped is exc:
                raise
            raise mapped from exc
        except BaseException:
            await transfer.cleanup()
            raise
        finally:
            prepared.body.close()

    async def _exchange(
        self,
        client: httpx.AsyncClient,
        request: ResolvedRequest,
        prepared: PreparedRequest,
        transfer: _Transfer,
        on_event: EventHandler | None,
    ) -> Response:
        ctx = transfer.ctx
        built = client.build_request(
            prepared.method,
            prepared.url,
            headers=prepared.headers,
            content=prepared.body.content,
            files=prepared.body.files,
            timeout=_timeout(request.timeout),
            extensions={"trace": transfer.recorder},
        )
        prepared.body.finish(built)
        upload = prepared.body.upload
        if upload is not None:
            meter_up = ProgressMeter("upload", upload.total, on_event)
            upload.on_progress = meter_up.update
            upload.on_finish = meter_up.finish
        response = await client.send(
            built,
            auth=prepared.auth if prepared.auth is not None else httpx.USE_CLIENT_DEFAULT,
            follow_redirects=request.follow_redirects,
            stream=True,
        )
        transfer.response = response
        headers = header_items(response.headers)
        if on_event is not None:
            on_event(HeadersReceived(response.status_code, headers))

        ctx.phase = "body"
        no_body = prepared.method == "HEAD" or response.status_code in (204, 304)
        total = None if no_body else content_length(headers)
        ctx.total = total
        sink: DownloadSink | MemorySink
        if request.download is not None:
            sink = DownloadSink(request.download.path, chunk_size=request.download.chunk_size)
            ctx.part_path = sink.part_path
            transfer.sink = sink
            await sink.open()
        else:
            sink = MemorySink(memory_limit=self.memory_limit, spill_dir=self.spill_dir)
            transfer.sink = sink
        # nobody listens: no meter to keep up to date per chunk
        meter = ProgressMeter("download", total, on_event) if on_event is not None else None
        async for chunk in response.aiter_bytes():
            await sink.write(chunk)
            ctx.bytes_received = response.num_bytes_downloaded
            if meter is not None:
                meter.update(ctx.bytes_received)
        ctx.bytes_received = response.num_bytes_downloaded
        if meter is not None:
            meter.update(ctx.bytes_received)
            meter.finish()

        body_path: Path | None
        if isinstance(sink, DownloadSink):
            content = await sink.finish()
            body_path, downloaded = sink.path, True
        else:
            content, body_path = await sink.finish()
            downloaded = False
            if body_path is not None:
                self._spills.append(body_path)
        transfer.sink = None
        decoded_size = sink.size
        transfer.response = None
        await response.aclose()
        timings = transfer.recorder.timings()

        result = make_response(
            response,
            headers=headers,
            content=content,
            body_path=body_path,
            downloaded=downloaded,
            decoded_size=decoded_size,
            encoding=request.encoding,
            timings=timings,
        )
        if on_event is not None:
            on_event(Finished(result))
        return result
