"""Sending from the workbench: the one `Engine` for the app's life and the exclusive send worker.

    sender = Sender(app)
    sender.warm_up()                 # import httpx in a thread once the first screen is up
    send_id = sender.send(resolved)  # replaces a running send; results come back as messages:
        SendProgress(send_id, event)          superseding a pending one (no flooding)
        SendDone(send_id, response=… | error=…)
    sender.is_current(send_id), sender.cancel(), sender.invalidate(), await sender.aclose()

Not a widget (nothing is drawn): the worker runs on the app, so `app.workers` sees it. Only the
last send's messages are current; an older one's late message is ignored by its id.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message

from tui.core import errors

if TYPE_CHECKING:
    from tui.core.engine import Engine
    from tui.core.engine.events import Event, Progress
    from tui.core.engine.resolved import ResolvedRequest
    from tui.core.engine.response import Response

__all__ = ["SendDone", "SendProgress", "Sender"]

log = logging.getLogger(__name__)


class SendProgress(Message):
    """An engine Progress event; a newer one supersedes a pending one."""

    def __init__(self, send_id: int, event: Progress) -> None:
        super().__init__()
        self.send_id = send_id
        self.event = event

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SendProgress) and message.send_id == self.send_id


class SendDone(Message):
    """The send worker finished: a response or an error (a cancel is `errors.Cancelled`)."""

    def __init__(self, send_id: int, *, response: Response | None = None, error: errors.ReqbenchError | None = None) -> None:
        super().__init__()
        self.send_id = send_id
        self.response = response
        self.error = error


class Sender:
    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._engine: Engine | None = None
        self._send_id = 0

    @property
    def engine(self) -> Engine | None:
        return self._engine

    def warm_up(self) -> None:
        """Import the HTTP stack in a thread, then make the engine on the event loop."""
        self._app.run_worker(self._import_engine, thread=True, group="engine", exit_on_error=False)

    def _import_engine(self) -> None:
        import tui.core.engine  # noqa: F401  (warms the import; the Engine is made on the loop)

        self._app.call_from_thread(self.start_engine)

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

    def invalidate(self) -> None:
        """Forget the running send (if any): its late messages are no longer current."""
        self._send_id += 1
        self.cancel()

    def cancel(self) -> None:
        self._app.workers.cancel_group(self._app, "send")

    def send(self, resolved: ResolvedRequest) -> int:
        self._send_id += 1
        send_id = self._send_id
        self._app.run_worker(self._send(resolved, send_id), group="send", exclusive=True, exit_on_error=False)
        return send_id

    async def _send(self, resolved: ResolvedRequest, send_id: int) -> None:
        from tui.core.engine.events import Failed, Progress

        post = self._app.post_message
        failure: errors.RequestError | None = None

        def on_event(event: Event) -> None:
            nonlocal failure
            if isinstance(event, Progress):
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
