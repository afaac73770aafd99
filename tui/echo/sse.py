"""`/sse`: Server-Sent Events for the demo (the WHATWG `text/event-stream` format).

GET (or HEAD) `/sse` sends `count` events, the first at once and then one per `interval`:

    count=5       events to send (0: endless, until the client goes away); at most MAX_EVENTS
    interval=1    seconds between events, at most MAX_INTERVAL_S (60); 0 sends at full speed
    event=a,b     an `event:` name per event, cycling through the list (none by default)
    id=1          `id:` lines counting up from this integer (none by default); a reconnecting
                  client's `Last-Event-ID: K` resumes the stream after event K
    data=TEXT     each event's data; `{n}` becomes the event's number (0-based); a line break
                  (%0A) makes a multi-line event (one `data:` line per line). Default:
                  {"n": N, "count": COUNT}
    retry=3000    a `retry:` field (milliseconds) before the first event
    comment=TEXT  a `: TEXT` comment line before every event (clients must ignore it)
    partial=true  the last event is cut off: its final blank line is never sent
    gzip=true     Content-Encoding: gzip, flushed after every event so each one decodes at once

POST `/sse` with a JSON body answers the way an LLM chat completion streams: the last `user`
message of `messages` (or `prompt`, or the whole body) is echoed back one word per event as
OpenAI-style `chat.completion.chunk` objects, then `data: [DONE]`. `interval` applies (0.05 s
by default); `count` does not.

Event names and ids may not contain CR, LF or NUL (they would start new fields); data may,
since every line of it becomes its own `data:` field.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

from .forms import parse_query
from .server import EchoRequest, HttpError, Reply

__all__ = ["sse_reply", "format_event", "MAX_EVENTS", "MAX_INTERVAL_S"]

MAX_EVENTS = 100_000
MAX_INTERVAL_S = 60.0
BATCH_BYTES = 16 * 1024  # at interval=0, events are written in pieces of about this size
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FIELD_UNSAFE = re.compile(r"[\r\n\x00]")


def format_event(data: str, *, event: str | None = None, id: str | None = None, comment: str | None = None) -> str:
    """One event as it goes on the wire, ending with its blank line."""
    lines = [f": {line}" for line in _LINE_BREAK.split(comment)] if comment is not None else []
    if event is not None:
        lines.append(f"event: {event}")
    if id is not None:
        lines.append(f"id: {id}")
    lines.extend(f"data: {line}" for line in _LINE_BREAK.split(data))
    return "\n".join(lines) + "\n\n"


def _args(request: EchoRequest) -> dict[str, str]:
    return {key.lower(): value for key, value in parse_query(request.query)}


def _int(args: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(args.get(name, default))
    except ValueError:
        raise HttpError(400, f"{name} must be an integer") from None
    if not low <= value <= high:
        raise HttpError(400, f"{name} must be between {low} and {high}")
    return value


def _interval(args: dict[str, str], default: float) -> float:
    try:
        value = float(args.get("interval", default))
    except ValueError:
        raise HttpError(400, "interval must be a number of seconds") from None
    if not math.isfinite(value):
        raise HttpError(400, "interval must be a finite number")
    return min(max(0.0, value), MAX_INTERVAL_S)


def _field(args: dict[str, str], name: str) -> str | None:
    value = args.get(name)
    if value is not None and _FIELD_UNSAFE.search(value):
        raise HttpError(400, f"{name} may not contain CR, LF or NUL (it would start a new field)")
    return value


def _flag(args: dict[str, str], name: str) -> bool:
    return args.get(name, "").lower() in ("1", "true", "yes", "on")


def _chat_tokens(body: Any) -> tuple[str, list[str]]:
    """(model, words to stream back) for a chat-completion-like JSON body."""
    text: str | None = None
    model = "reqbench-echo"
    if isinstance(body, dict):
        model = str(body.get("model") or model)
        messages = body.get("messages")
        if isinstance(messages, list):
            users = [m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "user"]
            if users and isinstance(users[-1], str):
                text = users[-1]
        if text is None and isinstance(body.get("prompt"), str):
            text = body["prompt"]
    if text is None:
        text = json.dumps(body, ensure_ascii=False)
    words = re.findall(r"\S+\s*", f"You said: {text}")
    return model, words[:MAX_EVENTS]


def _chat_events(model: str, words: list[str]) -> Iterator[str]:
    created = int(time.time())

    def chunk(delta: dict[str, str], finish: str | None) -> str:
        return json.dumps({"id": "chatcmpl-reqbench-echo", "object": "chat.completion.chunk", "created": created,
                           "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

    for i, word in enumerate(words):
        yield format_event(chunk({"role": "assistant", "content": word} if i == 0 else {"content": word}, None))
    yield format_event(chunk({}, "stop"))
    yield format_event("[DONE]")


def _get_events(args: dict[str, str], count: int, last_event_id: str | None) -> Iterator[str]:
    """The events of a GET; the arguments are checked now, before any byte is sent."""
    names = [name for name in (_field(args, "event") or "").split(",") if name]
    first_id = _int(args, "id", 0, -(2**63), 2**63 - 1) if "id" in args else None
    template = args.get("data")
    comment = args.get("comment")
    start = 0
    if first_id is not None and last_event_id is not None:
        try:
            start = max(0, int(last_event_id.strip()) - first_id + 1)  # resume after the last event seen
        except ValueError:
            raise HttpError(400, "Last-Event-ID must be one of this stream's integer ids") from None

    def generate() -> Iterator[str]:
        n = start
        while count == 0 or n < count:
            data = template.replace("{n}", str(n)) if template is not None else json.dumps({"n": n, "count": count})
            yield format_event(
                data,
                event=names[n % len(names)] if names else None,
                id=str(first_id + n) if first_id is not None else None,
                comment=comment,
            )
            n += 1

    return generate()


async def _paced(events: Iterator[str], interval: float, retry: int | None, partial: bool, gzip: bool) -> AsyncIterator[bytes]:
    packer = zlib.compressobj(wbits=31) if gzip else None  # 31: gzip framing
    pending: list[bytes] = [f"retry: {retry}\n\n".encode()] if retry is not None else []
    size = sum(map(len, pending))
    upcoming = next(events, None)
    first = True
    while upcoming is not None:
        if not first and interval:
            await asyncio.sleep(interval)
        first = False
        event, upcoming = upcoming, next(events, None)
        if partial and upcoming is None:
            event = event[:-1]  # the last event never ends: no blank line after it
        piece = event.encode("utf-8")
        pending.append(piece)
        size += len(piece)
        if interval or size >= BATCH_BYTES or upcoming is None:
            out = b"".join(pending)
            pending, size = [], 0
            if packer is not None:
                out = packer.compress(out) + packer.flush(zlib.Z_SYNC_FLUSH)
            yield out
    if packer is not None:
        yield packer.flush()


def sse_reply(request: EchoRequest) -> Reply:
    """The `/sse` reply (see the module docstring)."""
    args = _args(request)
    retry = _int(args, "retry", 0, 0, 2**31 - 1) if "retry" in args else None
    if request.method == "POST" and request.body:
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise HttpError(400, "POST /sse takes a JSON body (like a chat completion request)") from None
        events = _chat_events(*_chat_tokens(body))
        interval = _interval(args, 0.05)
    else:
        count = _int(args, "count", 5, 0, MAX_EVENTS)
        interval = _interval(args, 1.0)
        events = _get_events(args, count, request.header("last-event-id"))
    gzip = _flag(args, "gzip")
    headers = [("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache"),
               ("X-Accel-Buffering", "no")]
    if gzip:
        headers.append(("Content-Encoding", "gzip"))
    return Reply(200, headers, _paced(events, interval, retry, _flag(args, "partial"), gzip))
