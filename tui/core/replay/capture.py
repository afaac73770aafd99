"""Take values out of a response into variables (`[requests.capture]`).

    parse_source(source) -> CaptureSource       # "json:a.b.0" | "header:Name" | "status" | "event:last:id"; raises ValueError
    capture(spec, response) -> (values, problems)

A captured value is always a string (variables are strings): JSON strings as they are,
other JSON values as compact JSON text (`123`, `true`, `{"a":1}`), a header's first value,
the status code as digits. `event:<which>:<field>` takes from one event of a streamed
response: `which` is last, first or an index (0-based, negative from the last), `field` is
data, id, event, json (the whole value) or json:<dotted path>. A source that finds nothing is a `CaptureProblem`, and the
variable stays unset, so requests that need it are not sent with a wrong value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from tui.core.replay.expect import PathNotFound, json_too_large, lookup, show
from tui.core.engine.response import Response

__all__ = ["SOURCE_KINDS", "CaptureProblem", "CaptureSource", "capture", "parse_source"]

SourceKind = Literal["json", "header", "status", "event"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("json", "header", "status", "event")


@dataclass(frozen=True, slots=True)
class CaptureSource:
    kind: SourceKind
    argument: str = ""  # the dotted path or the header name

    def __str__(self) -> str:
        return self.kind if self.kind == "status" else f"{self.kind}:{self.argument}"


@dataclass(frozen=True, slots=True)
class CaptureProblem:
    variable: str
    source: str
    message: str


def parse_source(source: str) -> CaptureSource:
    """Parse `json:path`, `header:Name` or `status`; raise ValueError saying what is accepted."""
    text = source.strip()
    if text == "status":
        return CaptureSource("status")
    kind, sep, argument = text.partition(":")
    if sep and kind == "json":
        return CaptureSource("json", argument.strip())
    if sep and kind == "header" and argument.strip():
        return CaptureSource("header", argument.strip())
    if sep and kind == "event":
        from tui.core.collection.schema import event_source_problem

        problem = event_source_problem(text)
        if problem is not None:
            raise ValueError(f"capture source {problem}")
        return CaptureSource("event", argument)
    raise ValueError(f"capture source {source!r} is not one of 'json:PATH', 'header:NAME', 'status', 'event:WHICH:FIELD'")


def _from_event(variable: str, source: CaptureSource, response: Response) -> tuple[str | None, str | None]:
    """(value, None) or (None, problem) for an `event:` source."""
    stream = response.stream
    if stream is None:
        return None, f"capture {variable} from {str(source)!r}: the response is not a stream"
    which, _, field = source.argument.partition(":")
    position = -1 if which == "last" else 0 if which == "first" else int(which)
    try:
        event = stream.event(position)
    except IndexError:
        kept = f", {len(stream.events)} kept in memory" if stream.truncated else ""
        return None, f"capture {variable} from {str(source)!r}: there is no such event ({stream.count} arrived{kept})"
    if field == "data":
        return event.data, None
    if field == "id":
        return event.id, None
    if field == "event":
        return event.event, None
    if not event.has_json:
        return None, f"capture {variable} from {str(source)!r}: event {event.index} is not JSON ({show(event.data)})"
    path = field[len("json:") :] if field.startswith("json:") else ""
    try:
        return _as_variable(lookup(event.json, path)), None
    except PathNotFound as error:
        return None, f"capture {variable} from {str(source)!r}: {error}"


def _as_variable(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def capture(spec: Mapping[str, str], response: Response) -> tuple[dict[str, str], list[CaptureProblem]]:
    """Evaluate every `variable = "source"` of `spec` against `response`."""
    values: dict[str, str] = {}
    problems: list[CaptureProblem] = []
    document: object = None
    parse_error: str | None = None
    parsed = False
    for variable, source_text in spec.items():
        try:
            source = parse_source(source_text)
        except ValueError as error:
            problems.append(CaptureProblem(variable, source_text, str(error)))
            continue
        if source.kind == "status":
            values[variable] = str(response.status)
        elif source.kind == "event":
            value, problem = _from_event(variable, source, response)
            if value is not None:
                values[variable] = value
            else:
                problems.append(CaptureProblem(variable, source_text, problem or "capture failed"))
        elif source.kind == "header":
            found = response.header(source.argument)
            if found is None:
                problems.append(CaptureProblem(variable, source_text, f"capture {variable}: the response has no header {source.argument!r}"))
            else:
                values[variable] = found
        else:
            if not parsed:
                parsed = True
                parse_error = json_too_large(response)  # never parse a body over JSON_LIMIT
                if parse_error is None:
                    try:
                        document = response.json()
                    except RecursionError:
                        parse_error = "the response body is JSON nested too deeply to read"
                    except (ValueError, UnicodeDecodeError) as error:
                        parse_error = f"the response body is not JSON ({error})"
            if parse_error is not None:
                problems.append(CaptureProblem(variable, source_text, f"capture {variable}: {parse_error}"))
                continue
            try:
                values[variable] = _as_variable(lookup(document, source.argument))
            except (RecursionError, ValueError):  # nested too deeply, or an int too long for str()
                problems.append(CaptureProblem(variable, source_text, f"capture {variable} from {source_text!r}: the value is too deeply nested or too large to keep"))
            except PathNotFound as error:
                problems.append(CaptureProblem(variable, source_text, f"capture {variable} from {source_text!r}: {error}"))
    return values, problems
