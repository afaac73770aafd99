"""The one persistent httpx.AsyncClient: build, send, stream, time, cancel.

Public surface (others code against it):

    class Engine:
        def __init__(self, *, memory_limit: int = 64 * 2**20, spill_dir: Path | None = None,
                     max_redirects: int = 20, cookies: http.cookiejar.CookieJar | None = None) -> None
        async def __aenter__(self) -> Engine ; async def __aexit__(...) ; async def aclose(self) -> None
        async def send(self, request: ResolvedRequest, on_event: EventHandler | None = None) -> Response
            # raises tui.core.errors.RequestError subclasses (also reported as a Failed event);
            # on asyncio cancellation: emits Failed(Cancelled(part_path=...)), keeps .part, re-raises CancelledError.
            # A body found unsendable just before sending (bad JSON or base64, unreadable file) is a
            # RequestError whose __cause__ is the BodyError / PathError; nothing is sent.
        client_count: int   # number of pooled clients created (keyed by verify/http2/cert/proxy/cookies)
        cookies: http.cookiejar.CookieJar   # the one jar every client shares (the one given, or a
                                            # new empty one); requests with cookies = false bypass it

Events, in order: Started, Progress("upload") for file/stream bodies, HeadersReceived,
Progress("download") (throttled, plus a final one), then Finished or Failed. A streamed
response (SSE / NDJSON by Content-Type, or `request.stream`; see `streams`) adds
StreamStarted after HeadersReceived, a StreamEvent per event as it arrives, and StreamEnded
just before Finished or Failed; `Response.stream` summarises it, and a cancelled stream's
`Cancelled.response` holds what had arrived.

`request.timeout` bounds each phase (connect, write, pool wait, and every read — the wait for
headers and each wait for body data) and, for ordinary requests, the whole request too. A
download or a body streamed from a file (file, stream, multipart) has no total bound, so a
large transfer is not killed while data flows. 0 or less means no timeout at all.

Bodies are decoded (Content-Encoding) in pieces of at most 256 KiB (`decoding`), whatever the
socket read size, and bounded: `request.max_size` (None: `Engine.max_size`, default
DEFAULT_MAX_SIZE = 1 GiB, for bodies kept in memory or spilled; unlimited for downloads) raises
`errors.BodyTooLarge`; a body inflating over `max_ratio` (1,100:1) past 16 MiB raises
`errors.DecompressionBomb`. Two sends of one engine never write one download path at once
(the second is refused before sending, `DownloadError`).

Bodies larger than `memory_limit` spill to a temp file (`Response.body_path`, `content` keeps the
first MiB); spill files are deleted by `aclose()`. A download writes `path.part`, renamed to
`path` when complete, whatever the status (like `curl -o`; replay's `expect` checks the status);
its `Response.content` is a preview of the first MiB.

Timeouts raise `errors.TimeoutError` whose message starts with the kind ("connect timeout",
"read timeout", "write timeout", "pool timeout") and whose `phase` is a phrase that reads after
"while": "connecting", "sending the request", "waiting for the response headers", "reading the
response body", "waiting for a free connection".

Clients are keyed by (verify, http2, client cert, proxy, cookies on): see `clients`.

Before sending, `build.prepare` runs the checks of `checks` (URL, headers, encoding,
Content-Length; replay's plan runs the same through `build.check_request`). Every redirect hop
is checked too (`redirects`): a target that is not a sendable http(s) URL is an `InvalidURL`,
and when a hop leaves the origin, headers with secret-looking names or holding a value from
`{{env:...}}` (`request.env_values`) are dropped unless `request.forward_secrets`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.cookiejar
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import h11
import httpx

from tui.core import errors
from tui.core.engine.build import PreparedRequest, prepare
from tui.core.engine.clients import USER_AGENT, ClientCache
from tui.core.engine.failures import FailureContext, deadline_error, map_error
from tui.core.engine.progress import ProgressMeter
from tui.core.engine.redirects import GUARD_KEY, guard_for
from tui.core.engine.from_httpx import content_length, header_items, header_value, make_response
from tui.core.engine.tuning import tune_httpcore, widen_socket_reads
from tui.core.engine.decoding import DEFAULT_MAX_RATIO, SizeGuard, decoder_for
from tui.core.engine.download import DownloadSink, MemorySink, clean_stale_spills
from tui.core.engine.events import EventHandler, Failed, Finished, HeadersReceived, Started
from tui.core.engine.resolved import ResolvedRequest
from tui.core.engine.response import Response
from tui.core.engine.timing import TraceRecorder
from tui.core.engine.streams import DEFAULT_STREAM_KEEP, StreamReader, stream_mode

__all__ = ["DEFAULT_MAX_SIZE", "DEFAULT_MEMORY_LIMIT", "STREAM_MEMORY_LIMIT", "USER_AGENT", "Engine"]

DEFAULT_MEMORY_LIMIT = 64 * 2**20
DEFAULT_MAX_SIZE = 2**30  # a response body that is not a download: in memory, then spilled
# A streamed body (SSE, NDJSON) may never end: it stays in memory only this far, then the
# whole of it goes on in a temp file while the newest `stream_keep` events stay in memory.
STREAM_MEMORY_LIMIT = 4 * 2**20


def _check_download_target(target: Path, *, overwrite: bool) -> None:
    """Refuse before sending: an existing target (unless overwrite), or a folder we cannot make."""
    try:
        exists, is_dir = target.exists(), target.is_dir()
    except (OSError, ValueError) as exc:  # a name over 255 bytes, a NUL
        raise errors.DownloadError(f"unusable download path {str(target)!r}: {getattr(exc, 'strerror', None) or exc}") from exc
    if exists and not overwrite:
        raise errors.DownloadError(
            f"{target} already exists; set overwrite = true in [requests.download] to replace it", exists=target
        )
    if is_dir:
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

    __slots__ = ("ctx", "deadline", "headers", "reader", "recorder", "response", "sink", "started")

    def __init__(self, ctx: FailureContext) -> None:
        self.ctx = ctx
        self.started = time.perf_counter()
        self.recorder = TraceRecorder(on_connect=widen_socket_reads)
        self.response: httpx.Response | None = None
        self.sink: DownloadSink | MemorySink | None = None
        self.reader: StreamReader | None = None  # set when the response is a stream
        self.deadline: asyncio.Timeout | None = None
        self.headers: tuple[tuple[str, str], ...] = ()

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
        cookies: http.cookiejar.CookieJar | None = None,
        max_size: int | None = DEFAULT_MAX_SIZE,
        max_ratio: float | None = DEFAULT_MAX_RATIO,
        clean_spills: bool = True,
        stream_keep: int = DEFAULT_STREAM_KEEP,
    ) -> None:
        tune_httpcore()
        self.memory_limit = memory_limit
        self.stream_keep = stream_keep  # events of a stream kept in memory (the newest)
        self.spill_dir = spill_dir
        self.max_size = max_size  # for bodies that are not downloads, unless the request says
        self.max_ratio = max_ratio
        self._writing: set[Path] = set()  # download targets being written by a send right now
        if clean_spills:
            clean_stale_spills(spill_dir)
        self.max_redirects = max_redirects
        self._clients = ClientCache(max_redirects=max_redirects, cookies=cookies)
        self._spills: list[Path] = []
        self._closed = False

    @property
    def client_count(self) -> int:
        return self._clients.created

    @property
    def cookies(self) -> http.cookiejar.CookieJar:
        """The cookie jar all sends share: read it after sends to persist it."""
        return self._clients.cookies

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
        claimed: Path | None = None
        try:
            if request.download is not None:
                _check_download_target(request.download.path, overwrite=request.download.overwrite)
                claimed = Path(os.path.realpath(request.download.path))
                if claimed in self._writing:
                    claimed = None
                    raise errors.DownloadError(f"another request is downloading to {request.download.path} right now; not sent (two downloads to one file would mix)")
                self._writing.add(claimed)
            client = self._clients.get(request)
            try:
                prepared = prepare(request)
            except (errors.BodyError, errors.PathError) as problem:
                # The contract is "RequestErrors only": keep the message, chain the original.
                raise errors.RequestError(str(problem)) from problem
        except errors.RequestError as early:
            if claimed is not None:
                self._writing.discard(claimed)
            report(Failed(early))
            raise

        report(Started(request))
        transfer = _Transfer(ctx)
        deadline = asyncio.timeout(_deadline_s(request))
        transfer.deadline = deadline
        try:
            async with deadline:
                return await self._exchange(client, request, prepared, transfer, on_event)
        except asyncio.CancelledError:
            partial = await self._stream_so_far(transfer, request, on_event)
            await transfer.cleanup()
            part = ctx.part_path if ctx.part_path is not None and ctx.part_path.exists() else None
            message = "cancelled"
            if part is not None:
                # What the .part holds once cleanup flushed it: a chunk whose write was still
                # in flight is on disk but was not counted yet (the count was 1 MiB short).
                ctx.bytes_received = part.stat().st_size
                message = f"cancelled; partial download kept at {part} ({ctx.bytes_received} bytes)"
            elif partial is not None and partial.stream is not None:
                message = f"cancelled; {partial.stream.count} stream events had arrived"
            report(Failed(errors.Cancelled(message, part_path=part, bytes_received=ctx.bytes_received, response=partial)))
            raise
        # h11's LocalProtocolError: a body that does not match its Content-Length (a file that
        # grew or shrank during the upload); httpcore lets it through unwrapped.
        # UnicodeError: idna's, for a redirect to a bad international name (httpx decodes the
        # host to compare origins and lets it through).
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, errors.RequestError, h11.LocalProtocolError, UnicodeError) as exc:
            if transfer.reader is not None:
                transfer.reader.ended(transfer.reader.summary("error"))
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
            if claimed is not None:
                self._writing.discard(claimed)

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
            extensions={
                "trace": transfer.recorder,
                GUARD_KEY: guard_for(prepared.url, prepared.headers, request.env_values, request.forward_secrets),
            },
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
        transfer.headers = headers
        if on_event is not None:
            on_event(HeadersReceived(response.status_code, headers))

        ctx.phase = "body"
        no_body = prepared.method == "HEAD" or response.status_code in (204, 304)
        total = None if no_body else content_length(headers)
        ctx.total = total
        mode = None if no_body else stream_mode(response.headers.get("content-type", ""), request.stream)
        reader: StreamReader | None = None
        if mode is not None:
            reader = StreamReader(mode, status=response.status_code, started_at=transfer.started, keep=self.stream_keep, emit=on_event)
            transfer.reader = reader
            if transfer.deadline is not None:
                transfer.deadline.reschedule(None)  # a stream lasts as it lasts; each read keeps its timeout
        sink: DownloadSink | MemorySink
        if request.download is not None:
            sink = DownloadSink(request.download.path, chunk_size=request.download.chunk_size)
            ctx.part_path = sink.part_path
            transfer.sink = sink
            await sink.open()
        else:
            in_memory = self.memory_limit if reader is None else min(self.memory_limit, STREAM_MEMORY_LIMIT)
            sink = MemorySink(memory_limit=in_memory, spill_dir=self.spill_dir)
            transfer.sink = sink
        # nobody listens: no meter to keep up to date per chunk
        meter = ProgressMeter("download", total, on_event) if on_event is not None else None
        limit: int | None
        if request.max_size is not None:
            limit = request.max_size
        else:
            limit = None if request.download is not None else self.max_size
        guard = SizeGuard(max_size=limit, max_ratio=self.max_ratio)
        decoder = decoder_for(None if no_body else header_value(headers, "content-encoding"), guard)

        async def decoded() -> AsyncIterator[bytes]:
            # raw bytes from the socket, decoded in bounded pieces (decoding.SizeGuard)
            async for raw in response.aiter_raw():
                for piece in decoder.decode(raw):
                    yield piece
            for piece in decoder.flush():
                yield piece

        def on_bytes() -> None:
            ctx.bytes_received = response.num_bytes_downloaded
            if meter is not None:
                meter.update(ctx.bytes_received)

        ended: Literal["complete", "stopped"] = "complete"
        if reader is not None:
            ended = await reader.pump(decoded(), sink.write, on_bytes, limit_s=request.stream_limit_s)
        else:
            async for piece in decoded():
                await sink.write(piece)
                on_bytes()
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
        if reader is not None:
            transfer.reader = None
            result.stream = reader.summary(ended, spill_path=None if downloaded else body_path)
            reader.ended(result.stream)
        if on_event is not None:
            on_event(Finished(result))
        return result

    async def _stream_so_far(self, transfer: _Transfer, request: ResolvedRequest, on_event: EventHandler | None) -> Response | None:
        """On cancel of a stream in memory: the `Response` of what arrived (a download keeps its
        `.part` as any download does). None when there was no stream (yet)."""
        reader, response, sink = transfer.reader, transfer.response, transfer.sink
        if reader is None or response is None or not isinstance(sink, MemorySink):
            if reader is not None:
                reader.ended(reader.summary("cancelled"))
            return None
        transfer.sink = None
        transfer.reader = None
        try:
            content, body_path = await sink.finish()
        except OSError:
            await sink.abort()
            reader.ended(reader.summary("cancelled"))
            return None
        if body_path is not None:
            self._spills.append(body_path)
        result = make_response(
            response,
            headers=transfer.headers,
            content=content,
            body_path=body_path,
            downloaded=False,
            decoded_size=sink.size,
            encoding=request.encoding,
            timings=transfer.recorder.timings(),
        )
        result.stream = reader.summary("cancelled", spill_path=body_path)
        reader.ended(result.stream)
        return result
