"""Sending from the workbench: the one `Engine` for the app's life and the exclusive send worker.

    sender = Sender(screen, workspace)
    sender.warm_up()                    # import httpx in a thread once the first screen is up
    outcome = sender.start(request)     # ResolvedRequest (sending), or the error it could not
                                        # be resolved with; a running send is replaced
    # results come back to `screen` as messages:
        SendProgress(send_id, event)             superseding a pending one (no flooding)
        SendStream(send_id, buffer)              stream events in batches: `buffer.drain()`
                                                 gives what arrived since the last drain
        SendDone(send_id, response=… | error=…)
    sender.finish(done) -> (request, result) | None   # recorded in the workspace; None: stale
    sender.is_current(send_id), sender.cancel(), await sender.aclose()

History (issue 11): `Sender(screen, workspace, history=PATH | History | None)` — a path is
opened on first use (from the warm-up thread), None records nothing. The engine's cookie jar
is the collection's saved one. After each send (response, error or cancel) the send is
recorded and the jar saved from a thread, once the result was posted (showing it comes
first), in the "history" worker group, one at a time in send order:

    sender.history -> History           sender.last_sent -> (resolved, response) | None
    sender.reload_cookies(path=None)    the engine's jar := the saved jar of `path`

Not a widget (nothing is drawn): the worker runs on the node given (the main screen) and the
app's `workers` sees it. Only the
last send's messages are current; an older one's late message is ignored by its id.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.message import Message

from tui.core import errors
from tui.core.collection.model import Request
from tui.core.workspace import Workspace

if TYPE_CHECKING:
    from http.cookiejar import CookieJar

    from tui.core.engine import Engine
    from tui.core.history import History
    from tui.core.engine.events import Event, Progress, StreamEnded, StreamEvent, StreamStarted
    from tui.core.engine.resolved import ResolvedRequest
    from tui.core.engine.response import Response

__all__ = ["SendDone", "SendProgress", "SendStream", "Sender", "StreamBuffer"]

log = logging.getLogger(__name__)


class SendProgress(Message):
    """An engine Progress event; a newer one supersedes a pending one."""

    def __init__(self, send_id: int, event: Progress) -> None:
        super().__init__()
        self.send_id = send_id
        self.event = event

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SendProgress) and message.send_id == self.send_id


class StreamBuffer:
    """The stream events (StreamStarted, StreamEvent, StreamEnded) of one send, in order, not
    yet taken by the screen. At most one `SendStream` for it is in the queue at a time: 1,000
    events a second cost a handful of messages, not a thousand."""

    def __init__(self) -> None:
        self.items: list[StreamStarted | StreamEvent | StreamEnded] = []
        self.posted = False

    def add(self, item: StreamStarted | StreamEvent | StreamEnded) -> bool:
        """Queue `item`; True when a message must be posted to carry it."""
        self.items.append(item)
        if self.posted:
            return False
        self.posted = True
        return True

    def drain(self) -> list[StreamStarted | StreamEvent | StreamEnded]:
        items, self.items = self.items, []
        self.posted = False
        return items


class SendStream(Message):
    """Stream events have arrived: `buffer.drain()` takes them (all since the last drain)."""

    def __init__(self, send_id: int, buffer: StreamBuffer) -> None:
        super().__init__()
        self.send_id = send_id
        self.buffer = buffer


class SendDone(Message):
    """The send worker finished: a response or an error (a cancel is `errors.Cancelled`)."""

    def __init__(self, send_id: int, *, response: Response | None = None, error: errors.ReqbenchError | None = None) -> None:
        super().__init__()
        self.send_id = send_id
        self.response = response
        self.error = error


class Sender:
    def __init__(self, node: DOMNode, workspace: Workspace, *, history: Path | History | None = None) -> None:
        self._node = node
        self._workspace = workspace
        self._engine: Engine | None = None
        self._send_id = 0
        self._request: Request | None = None
        self._resolved: ResolvedRequest | None = None
        self.last_sent: tuple[ResolvedRequest, Response] | None = None
        self._history_source = history
        self._history: History | None = None
        self._history_lock = threading.Lock()  # opened from the warm-up thread or the loop
        self._record_lock: asyncio.Lock | None = None
        self._problem_told = False

    @property
    def history(self) -> History:
        """The history (opened on first use; `History.off()` when there is none)."""
        with self._history_lock:
            if self._history is None:
                from tui.core.history import History

                source = self._history_source
                if isinstance(source, History):
                    self._history = source
                elif source is None:
                    self._history = History.off("history off")
                else:
                    self._history = History.open(source)
            return self._history

    def tell_problem(self) -> None:
        """Notify what keeps history from working, once per session."""
        history = self._history
        if self._problem_told or history is None or history.problem is None or self._history_source is None:
            return
        self._problem_told = True
        self._node.app.notify(history.problem, title="History", severity="warning", timeout=8, markup=False)

    def reload_cookies(self, path: Path | None = None) -> None:
        """Make the engine's jar the saved jar of `path` (default: the open collection)."""
        if self._engine is None:
            return
        from tui.core.history import restore_jar

        target = self._workspace.collection.path if path is None else path
        restore_jar(self._engine.cookies, list(self.history.cookies.load(target)))

    @property
    def engine(self) -> Engine | None:
        return self._engine

    def warm_up(self) -> None:
        """Import the HTTP stack in a thread, then make the engine on the event loop."""
        self._node.run_worker(self._import_engine, thread=True, group="engine", exit_on_error=False)

    def _import_engine(self) -> None:
        import tui.core.engine  # noqa: F401  (warms the import; the Engine is made on the loop)

        jar = self.history.cookies.load(self._workspace.collection.path)
        self._node.app.call_from_thread(self.start_engine, jar)

    def start_engine(self, cookies: CookieJar | None = None) -> Engine:
        if self._engine is None:
            from tui.core.engine import Engine

            if cookies is None:
                cookies = self.history.cookies.load(self._workspace.collection.path)
            self._engine = Engine(cookies=cookies)
            self.tell_problem()
        return self._engine

    async def aclose(self) -> None:
        if self._engine is not None:
            await self._engine.aclose()
            self._engine = None
        if self._history is not None and isinstance(self._history_source, Path):
            self._history.close()  # opened here (a History given by the caller stays open)

    def is_current(self, send_id: int) -> bool:
        return send_id == self._send_id

    def cancel(self) -> None:
        self._node.workers.cancel_group(self._node, "send")

    def start(self, request: Request) -> ResolvedRequest | errors.ReqbenchError:
        """Resolve `request` and send it, replacing a running send. A request that cannot be
        resolved is not sent: its error is recorded as its result (and the running send, if
        any, is cancelled and forgotten, as a new send would)."""
        from tui.core.engine.urlcheck import check_url

        self._send_id += 1
        try:
            resolved = self._workspace.resolve(request)
            check_url(resolved.url)  # nothing is sent to a URL httpx would reject or rewrite
        except errors.ReqbenchError as error:
            self.cancel()
            self._workspace.record(request, error)
            return error
        self._request = request
        self._resolved = resolved
        self._workspace.last_error = None
        record = self._recorder(request)
        self._node.run_worker(self._send(resolved, self._send_id, record), group="send", exclusive=True, exit_on_error=False)
        return resolved

    def finish(self, done: SendDone) -> tuple[Request, Response | errors.ReqbenchError] | None:
        """The current send's result, recorded for the request it was sent for; None for a
        superseded send."""
        request = self._request
        result = done.response if done.response is not None else done.error
        if not self.is_current(done.send_id) or request is None or result is None:
            return None
        self._workspace.record(request, result)
        if done.response is not None and self._resolved is not None:
            self.last_sent = (self._resolved, done.response)
        return request, result

    def _recorder(self, request: Request) -> _Record:
        """What recording this send needs, taken now (the request may be edited meanwhile)."""
        from tui.core.history import env_secrets

        collection = self._workspace.collection
        return _Record(copy.deepcopy(request), collection.path, env_secrets(collection, request))

    def _start_recording(self, record: _Record, resolved: ResolvedRequest, response: Response | None, error: BaseException | None) -> None:
        if self._history_source is None:
            return
        self._node.run_worker(self._record(record, resolved, response, error), group="history", exit_on_error=False)

    async def _record(self, record: _Record, resolved: ResolvedRequest, response: Response | None, error: BaseException | None) -> None:
        """Store the send and save the jar from a thread, one send at a time (in order)."""
        if self._record_lock is None:
            self._record_lock = asyncio.Lock()
        async with self._record_lock:
            history = self.history
            await asyncio.to_thread(
                history.record, resolved, response, error, collection=record.path, request=record.request, secrets=record.secrets
            )
            if self._engine is not None:
                cookies = list(self._engine.cookies)  # taken on the loop: a live jar may change
                await asyncio.to_thread(history.cookies.save, record.path, cookies)
            self.tell_problem()

    async def _send(self, resolved: ResolvedRequest, send_id: int, record: _Record) -> None:
        from tui.core.engine.events import Failed, Progress, StreamEnded, StreamEvent, StreamStarted

        post = self._node.post_message
        failure: errors.RequestError | None = None
        stream = StreamBuffer()

        def on_event(event: Event) -> None:
            nonlocal failure
            if isinstance(event, (StreamEvent, StreamStarted, StreamEnded)):
                if stream.add(event):
                    post(SendStream(send_id, stream))
            elif isinstance(event, Progress):
                post(SendProgress(send_id, event))
            elif isinstance(event, Failed):
                failure = event.error

        engine = self.start_engine()
        try:
            response = await engine.send(resolved, on_event)
        except errors.ReqbenchError as error:
            post(SendDone(send_id, error=error))
            self._start_recording(record, resolved, None, error)
        except asyncio.CancelledError:
            cancelled = failure if isinstance(failure, errors.Cancelled) else errors.Cancelled()
            post(SendDone(send_id, error=cancelled))
            self._start_recording(record, resolved, None, cancelled)
            raise
        except Exception as error:  # a bug, not a network failure: show it, keep the app alive
            log.exception("send failed")
            internal = errors.RequestError(f"internal error: {error!r}")
            post(SendDone(send_id, error=internal))
            self._start_recording(record, resolved, None, internal)
        else:
            post(SendDone(send_id, response=response))
            self._start_recording(record, resolved, response, None)


class _Record:
    """What a send's history entry needs from the moment it was sent."""

    __slots__ = ("path", "request", "secrets")

    def __init__(self, request: Request, path: Path | None, secrets: list[str]) -> None:
        self.request = request
        self.path = path
        self.secrets = secrets
