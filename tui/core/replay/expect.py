"""Check a response against a request's `[requests.expect]` table.

    lookup(data, path) -> Any                 # dotted path into parsed JSON: "args.user", "items.0.id"
    check(expect, response, *, substitute=None) -> list[ExpectFailure]   # empty list: every check passed
    same_value(expected, actual) -> bool      # JSON equality that keeps bool, number and string apart
    show(value) -> str                        # a value as JSON text, for messages

Kinds of check (see shared/collection-format.md): `status` (one of), `headers` (the expected
text is contained in the header), `json` (dotted path -> equal value), `body_contains`,
`max_ms` (total time bound). String values may hold `{{var}}`: the caller passes
`substitute(text, field)`, which the replay runner binds to the run's variable scope.

Bounded on big bodies: `body_contains` is searched in a stream over the body (the spill file
when there is one), in BODY_CHUNK pieces with constant memory, a needle cut between two pieces
found too; `json` checks (and `capture json:`) are refused on bodies over JSON_LIMIT bytes with
a message saying so (parsing 500 MB of JSON costs gigabytes).

A failure carries the expected and the actual value and a one-line message, for example
`json args.user: expected "tom", got "bob"`.
"""

from __future__ import annotations

import codecs
import itertools
import json
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Literal

from tui.core.collection.model import Expect
from tui.core.encodings import text_encoding
from tui.core.engine.response import Response

__all__ = [
    "BODY_CHUNK",
    "JSON_LIMIT",
    "MISSING",
    "CheckKind",
    "ExpectFailure",
    "PathNotFound",
    "body_size",
    "check",
    "check_stream",
    "json_too_large",
    "lookup",
    "same_value",
    "show",
]

BODY_CHUNK = 1024 * 1024
JSON_LIMIT = 64 * 2**20  # bodies above this are not parsed as JSON by expects and captures

CheckKind = Literal[
    "status", "header", "json", "body_contains", "max_ms", "capture", "events", "event_contains", "event_json", "ends_within_ms"
]
Substitute = Callable[[str, str], str]  # (text, field) -> text with {{var}} replaced


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()  # `actual` of a failure when there was nothing at all (no header, no path)


class PathNotFound(LookupError):
    """A dotted path does not exist in a JSON document; the message says where it stopped."""


@dataclass(frozen=True, slots=True)
class ExpectFailure:
    kind: CheckKind
    target: str  # "status", a header name, a dotted JSON path, ...
    expected: Any
    actual: Any  # MISSING when the header / path / body was not there
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "expected": self.expected,
            "actual": None if self.actual is MISSING else self.actual,
            "message": self.message,
        }


def show(value: Any) -> str:
    """A value as it would be written in JSON (strings quoted), shortened to one screen line."""
    if value is MISSING:
        return "nothing"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _describe(data: Any) -> str:
    if isinstance(data, dict):
        return "an object"
    if isinstance(data, list):
        return f"a list of {len(data)}"
    return show(data)


def lookup(data: Any, path: str) -> Any:
    """Follow a dotted path into parsed JSON. A numeric segment indexes a list (negative counts
    from the end). Object keys that themselves contain dots are found too (`files.my.txt`).
    An empty path (or ".") is the whole document. Raises `PathNotFound`."""
    if path in ("", "."):
        return data
    segments = path.split(".")
    current = data
    walked: list[str] = []
    i = 0
    while i < len(segments):
        segment = segments[i]
        if isinstance(current, dict):
            # Prefer the longest key that matches, so keys holding dots work.
            for j in range(len(segments), i, -1):
                key = ".".join(segments[i:j])
                if key in current:
                    current = current[key]
                    walked.append(key)
                    i = j
                    break
            else:
                where = ".".join(walked) or "the top level"
                keys = ", ".join(sorted(map(str, current))[:10])
                raise PathNotFound(f"no key {segment!r} at {where} (keys: {keys or 'none'})")
            continue
        if isinstance(current, list):
            try:
                index = int(segment)
            except ValueError:
                where = ".".join(walked) or "the top level"
                raise PathNotFound(f"{where} is a list; {segment!r} is not an index") from None
            if not -len(current) <= index < len(current):
                where = ".".join(walked) or "the top level"
                raise PathNotFound(f"index {index} is out of range at {where} (a list of {len(current)})")
            current = current[index]
            walked.append(segment)
            i += 1
            continue
        where = ".".join(walked) or "the top level"
        raise PathNotFound(f"{where} is {_describe(current)}, not an object or a list")
    return current


def same_value(expected: Any, actual: Any) -> bool:
    """JSON equality where `true` is not `1` and `"1"` is not `1`; 1 equals 1.0."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return expected == actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same_value(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(same_value(e, a) for e, a in zip(expected, actual))
    return type(expected) is type(actual) and bool(expected == actual)


def _substituted(value: Any, field: str, substitute: Substitute | None) -> Any:
    """Replace {{var}} in every string inside an expected value (lists and tables too)."""
    if substitute is None:
        return value
    if isinstance(value, str):
        return substitute(value, field)
    if isinstance(value, list):
        return [_substituted(item, f"{field}.{i}", substitute) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: _substituted(item, f"{field}.{key}", substitute) for key, item in value.items()}
    return value


def _check_status(expect: Expect, response: Response) -> list[ExpectFailure]:
    if not expect.status or response.status in expect.status:
        return []
    wanted: Any = expect.status[0] if len(expect.status) == 1 else list(expect.status)
    text = str(wanted) if len(expect.status) == 1 else "one of " + ", ".join(map(str, expect.status))
    return [ExpectFailure("status", "status", wanted, response.status, f"status: expected {text}, got {response.status}")]


def _check_headers(expect: Expect, response: Response, substitute: Substitute | None) -> list[ExpectFailure]:
    failures = []
    for pair in expect.headers:
        if not pair.enabled:
            continue
        wanted = _substituted(pair.value, f"expect.headers.{pair.name}", substitute)
        values = response.header_values(pair.name)
        if not values:
            failures.append(
                ExpectFailure("header", pair.name, wanted, MISSING, f"header {pair.name}: expected to contain {show(wanted)}, but the response has no such header")
            )
            continue
        actual = ", ".join(values)
        if wanted not in actual:
            failures.append(ExpectFailure("header", pair.name, wanted, actual, f"header {pair.name}: expected to contain {show(wanted)}, got {show(actual)}"))
    return failures


def body_size(response: Response) -> int:
    """The decoded body's size in bytes, without reading it."""
    if response.body_path is None:
        return len(response.content)
    try:
        return response.body_path.stat().st_size
    except OSError:
        return response.decoded_size


def json_too_large(response: Response) -> str | None:
    """Why the body is not parsed as JSON (too big), or None."""
    size = body_size(response)
    if size <= JSON_LIMIT:
        return None
    return f"the response body is {size / 2**20:.0f} MiB, over the {JSON_LIMIT // 2**20} MiB limit for JSON checks and captures; use body_contains or a smaller response"


def _check_json(expect: Expect, response: Response, substitute: Substitute | None) -> list[ExpectFailure]:
    if not expect.json:
        return []
    too_large = json_too_large(response)
    if too_large is not None:
        return [
            ExpectFailure("json", path, _substituted(value, f"expect.json.{path}", substitute), MISSING, f"json {path}: {too_large}")
            for path, value in expect.json.items()
        ]
    try:
        document = response.json()
    except RecursionError:
        return [
            ExpectFailure("json", path, _substituted(value, f"expect.json.{path}", substitute), MISSING, f"json {path}: the response body is JSON nested too deeply to read")
            for path, value in expect.json.items()
        ]
    except (ValueError, UnicodeDecodeError) as error:
        preview = response.content[:60].decode("utf-8", errors="replace")
        return [
            ExpectFailure("json", path, _substituted(value, f"expect.json.{path}", substitute), MISSING, f"json {path}: the response body is not JSON ({error}); it starts with {show(preview)}")
            for path, value in expect.json.items()
        ]
    failures = []
    for path, value in expect.json.items():
        wanted = _substituted(value, f"expect.json.{path}", substitute)
        try:
            actual = lookup(document, path)
        except PathNotFound as error:
            failures.append(ExpectFailure("json", path, wanted, MISSING, f"json {path}: expected {show(wanted)}, but {error}"))
            continue
        if not same_value(wanted, actual):
            failures.append(ExpectFailure("json", path, wanted, actual, f"json {path}: expected {show(wanted)}, got {show(actual)}"))
    return failures


def _check_body(expect: Expect, response: Response, substitute: Substitute | None) -> list[ExpectFailure]:
    if expect.body_contains is None:
        return []
    wanted = _substituted(expect.body_contains, "expect.body_contains", substitute)
    found, preview, length = _search_body(response, wanted)
    if found:
        return []
    preview = preview + ("..." if length > len(preview) else "")
    return [ExpectFailure("body_contains", "body", wanted, preview, f"body: expected to contain {show(wanted)}, got {show(preview)} ({length} characters)")]


def _body_chunks(response: Response) -> Generator[bytes, None, None]:
    if response.body_path is None:
        content = response.content
        for start in range(0, len(content), BODY_CHUNK):
            yield content[start : start + BODY_CHUNK]
        return
    with response.body_path.open("rb") as handle:
        while chunk := handle.read(BODY_CHUNK):
            yield chunk


def _search_body(response: Response, needle: str) -> tuple[bool, str, int]:
    """(needle found, the first 80 characters, characters read) over the decoded body as text,
    decoded as `Response.text()` would, one chunk at a time."""
    chosen = response.encoding or response.detected_encoding or "utf-8"
    decoder = codecs.getincrementaldecoder(text_encoding(chosen))(errors="replace")
    keep = max(len(needle) - 1, 0)  # a needle cut between two chunks: keep its possible start
    tail, preview, length = "", "", 0
    if not needle:
        return True, "", 0
    chunks = _body_chunks(response)
    try:
        for chunk in itertools.chain(chunks, (None,)):
            text = decoder.decode(b"", final=True) if chunk is None else decoder.decode(chunk)
            if len(preview) < 80:
                preview += text[: 80 - len(preview)]
            length += len(text)
            window = tail + text
            if needle in window:
                return True, preview, length
            tail = window[-keep:] if keep else ""
    finally:
        chunks.close()  # (closes the spill file when found early)
    return False, preview, length


def _check_time(expect: Expect, response: Response) -> list[ExpectFailure]:
    if expect.max_ms is None or response.elapsed_ms <= expect.max_ms:
        return []
    return [
        ExpectFailure("max_ms", "time", expect.max_ms, round(response.elapsed_ms, 1), f"time: expected at most {expect.max_ms:g} ms, took {response.elapsed_ms:.1f} ms")
    ]


def check(expect: Expect | None, response: Response, *, substitute: Substitute | None = None) -> list[ExpectFailure]:
    """Every failed check of `expect` against `response`, in the order status, headers, json,
    body, time. `substitute(text, field)` replaces {{var}} in expected strings (it may raise
    `VariableError`, which the caller reports)."""
    if expect is None:
        return []
    return [
        *_check_status(expect, response),
        *_check_headers(expect, response, substitute),
        *_check_json(expect, response, substitute),
        *_check_body(expect, response, substitute),
        *_check_time(expect, response),
        *check_stream(expect, response, substitute=substitute),
    ]


def _stream_wanted(expect: Expect) -> list[tuple[CheckKind, str]]:
    wanted: list[tuple[CheckKind, str]] = []
    if expect.events is not None:
        wanted.append(("events", "events"))
    if expect.events_min is not None:
        wanted.append(("events", "events_min"))
    if expect.event_contains is not None:
        wanted.append(("event_contains", "event_contains"))
    wanted.extend(("event_json", path) for path in expect.event_json)
    if expect.ends_within_ms is not None:
        wanted.append(("ends_within_ms", "ends_within_ms"))
    return wanted


def check_stream(expect: Expect, response: Response, *, substitute: Substitute | None = None) -> list[ExpectFailure]:
    """The stream checks: `events`, `events_min`, `event_contains`, `event_json`, `ends_within_ms`.
    They look at the events kept in memory (`Response.stream.events`, the newest 10,000 by
    default); a failure says so when older ones were dropped."""
    wanted = _stream_wanted(expect)
    if not wanted:
        return []
    stream = response.stream
    if stream is None:
        kind = response.content_type or "no Content-Type"
        return [
            ExpectFailure(k, target, None, MISSING, f"{target}: the response is not a stream ({kind}); set stream = \"sse\", \"ndjson\" or \"lines\" to read it as one")
            for k, target in wanted
        ]
    failures: list[ExpectFailure] = []
    kept = f" (only the newest {len(stream.events)} of {stream.count} events are kept)" if stream.truncated else ""
    if expect.events is not None and stream.count != expect.events:
        failures.append(ExpectFailure("events", "events", expect.events, stream.count, f"events: expected {expect.events}, got {stream.count}{_how(stream.ended)}"))
    if expect.events_min is not None and stream.count < expect.events_min:
        failures.append(
            ExpectFailure("events", "events_min", expect.events_min, stream.count, f"events: expected at least {expect.events_min}, got {stream.count}{_how(stream.ended)}")
        )
    if expect.event_contains is not None:
        text = _substituted(expect.event_contains, "expect.event_contains", substitute)
        if not any(text in event.data for event in stream.events):
            failures.append(ExpectFailure("event_contains", "events", text, MISSING, f"events: none of {stream.count} has data containing {show(text)}{kept}"))
    for path, value in expect.event_json.items():
        target = _substituted(value, f"expect.event_json.{path}", substitute)
        found: list[Any] = []
        for event in stream.events:
            if not event.has_json:
                continue
            try:
                actual = lookup(event.json, path)
            except PathNotFound:
                continue
            if same_value(target, actual):
                break
            if len(found) < 3:
                found.append(actual)
        else:
            seen = f"; values seen: {', '.join(show(v) for v in found)}" if found else "; no event has that path"
            failures.append(ExpectFailure("event_json", path, target, found[0] if found else MISSING, f"event json {path}: no event has {show(target)}{seen}{kept}"))
    if expect.ends_within_ms is not None:
        limit = expect.ends_within_ms
        took = stream.elapsed_s * 1000
        if stream.ended != "complete" or took > limit:
            how = "it was still going and was closed" if stream.ended == "stopped" else f"it ended: {stream.ended}"
            failures.append(
                ExpectFailure("ends_within_ms", "stream", limit, round(took, 1), f"stream: expected to end within {limit:g} ms; {how} after {took:.0f} ms ({stream.count} events)")
            )
    return failures


def _how(ended: str) -> str:
    return "" if ended == "complete" else f" (the stream {'was stopped' if ended == 'stopped' else ended})"
