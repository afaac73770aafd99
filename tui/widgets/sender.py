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

Not a widget (nothing is drawn): the worker runs on the node given (the main screen) and the
app's `workers` sees it. Only the
last send's messages are current; an older one's late message is ignored by its id.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.message import Message

from tui.core import errors
from tui.core.collection.model import Request
from tui.core.workspace import Workspace

if TYPE_CHECKING:
    from tui.core.engine import Engine
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
    def __init__(self, node: DOMNode, workspace: Workspace) -> None:
        self._node = node
        self._workspace = workspace
        self._engine: Engine | None = None
        self._send_id = 0
        self._request: Request | None = None

    @property
    def engine(self) -> Engine | None:
        return self._engine

    def warm_up(self) -> None:
        """Import the HTTP stack in a thread, then make the engine on the event loop."""
        self._node.run_worker(self._import_engine, thread=True, group="engine", exit_on_error=False)

    def _import_engine(self) -> None:
        import tui.core.engine  # noqa: F401  (warms the import; the Engine is made on the loop)

        self._node.app.call_from_thread(self.start_engine)

    def start_engine(self) -> Engine:
        if self._engine is None:
            from tui.core.engine import Engine

            self._engine = Engine()
        return self._engine

    async def aclose(self) -> None:
        if self._engine is not None:
            await self._engine.aclose()
            self._engine = None

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
        self._workspace.last_error = None
        self._node.run_worker(self._send(resolved, self._send_id), group="send", exclusive=True, exit_on_error=False)
        return resolved

    def finish(self, done: SendDone) -> tuple[Request, Response | errors.ReqbenchError] | None:
        """The current send's result, recorded for the request it was sent for; None for a
        superseded send."""
        request = self._request
        result = done.response if done.response is not None else done.error
        if not self.is_current(done.send_id) or request is None or result is None:
            return None
        self._workspace.record(request, result)
        return request, result

    async def _send(self, resolved: ResolvedRequest, send_id: int) -> None:
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
        except asyncio.CancelledError:
            cancelled = failure if isinstance(failure, errors.Cancelled) else errors.Cancelled()
            post(SendDone(send_id, error=cancelled))
            raise
        except Exception as error:  # a bug, not a network failure: show it, keep the app alive
            log.exception("send failed")
            post(SendDone(send_id, error=errors.RequestError(f"internal error: {error!r}")))
        else:
            post(SendDone(send_id, response=response))
