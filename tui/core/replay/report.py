"""Reports of a replay run: JUnit XML (for CI) and JSON (every result), secrets masked.

    learn_secrets(masker, result)           # teach a Masker the credentials a result carries
    result_dict(result, masker) -> dict     # one result as JSON-ready data
    to_json(summary) -> str
    to_junit(summary) -> str                # one <testcase> per request per repeat
    write_report(summary, kind, path)       # kind: "junit" | "json"; written atomically

Credentials (Authorization, Cookie, Set-Cookie, headers or query parameters named like
token / secret / key / password, `auth` passwords and tokens, captured values of variables
named that way) never reach a report: headers are masked by name, and the same values are
hidden wherever they appear in text (messages, URLs, expected/actual values).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from tui.core.replay.capture import parse_source
from tui.core.replay.expect import MISSING
from tui.core.replay.masking import Masker, is_secret_name, is_secret_param
from tui.core.replay.runner import Outcome, RequestResult, RunSummary
from tui.core.engine.response import StreamSummary

__all__ = ["REPORT_KINDS", "ReportKind", "learn_secrets", "method_and_url", "result_dict", "stream_dict", "to_json", "to_junit", "write_report"]

ReportKind = Literal["junit", "json"]
REPORT_KINDS: tuple[ReportKind, ...] = ("junit", "json")


def method_and_url(result: RequestResult) -> tuple[str, str]:
    """The method and the URL as first sent (with params; before any redirect)."""
    response = result.response
    if response is not None and response.sent is not None:
        url = response.history[0].url if response.history else response.sent.url
        method = response.sent.method if not response.history else (result.resolved.method if result.resolved else response.sent.method)
        return method, url
    if result.resolved is not None:
        return result.resolved.method, result.resolved.full_url
    return result.request.method, result.request.url


def learn_secrets(masker: Masker, result: RequestResult) -> None:
    """Remember every credential `result` carries so `masker.text` hides it anywhere."""
    for value in result.env_values:
        masker.add_env(value)
    if result.resolved is not None:
        for value in result.resolved.env_values:
            masker.add_env(value)
        masker.add_auth(result.resolved.auth)
        masker.learn_headers(result.resolved.headers)
        masker.url(result.resolved.url)
        for name, value in result.resolved.params:
            if is_secret_param(name):
                masker.add(value)
    response = result.response
    if response is not None:
        if response.sent is not None:
            masker.learn_headers(response.sent.headers)
            masker.url(response.sent.url)
        masker.learn_headers(response.headers)
    for variable, value in result.captured.items():
        source = result.request.capture.get(variable, "")
        try:
            secret_source = is_secret_name(parse_source(source).argument)
        except ValueError:
            secret_source = False
        if is_secret_name(variable) or secret_source:
            masker.add(value)


def _masked(value: Any, masker: Masker) -> Any:
    if value is MISSING:
        return None
    if isinstance(value, str):
        return masker.text(value)
    if isinstance(value, list):
        return [_masked(v, masker) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v, masker) for k, v in value.items()}
    return value


def _error_dict(result: RequestResult, masker: Masker) -> dict[str, str] | None:
    if result.error is None:
        return None
    return {"type": type(result.error).__name__, "message": masker.text(str(result.error))}


def result_dict(result: RequestResult, masker: Masker) -> dict[str, Any]:
    """Everything about one result that a report needs (no bodies)."""
    learn_secrets(masker, result)
    response = result.response
    sent = response.sent if response is not None else None
    method, url = method_and_url(result)
    data: dict[str, Any] = {
        "name": result.name,
        "iteration": result.iteration,
        "outcome": result.outcome.value,
        "method": method,
        "url": masker.url(url),
        "final_url": masker.url(response.url) if response is not None and response.history else None,
        "status": response.status if response else None,
        "reason": response.reason if response else None,
        "http_version": response.http_version if response else None,
        "elapsed_ms": round(response.elapsed_ms, 3) if response else None,
        "reused_connection": response.timings.reused if response else None,
        "timings_ms": None,
        "wire_size": response.wire_size if response else None,
        "decoded_size": response.decoded_size if response else None,
        "download": str(response.body_path) if response is not None and response.downloaded else None,
        "request_headers": [list(p) for p in masker.headers(sent.headers)] if sent else None,
        "response_headers": [list(p) for p in masker.headers(response.headers)] if response else None,
        "failures": [{**f.as_dict(), "expected": _masked(f.expected, masker), "actual": _masked(f.actual, masker), "message": masker.text(f.message)} for f in result.failures],
        "error": _error_dict(result, masker),
        "skip_reason": masker.text(result.skip_reason) if result.skip_reason else None,
        "captured": {k: masker.text(v) if not is_secret_name(k) else "***" for k, v in result.captured.items()},
    }
    if response is not None:
        t = response.timings
        data["timings_ms"] = {
            "dns": t.dns_ms,
            "connect": t.connect_ms,
            "tls": t.tls_ms,
            "request_sent": t.request_sent_ms,
            "first_byte": t.first_byte_ms,
            "total": t.total_ms,
        }
    data["stream"] = stream_dict(response.stream) if response is not None and response.stream is not None else None
    return data


def stream_dict(stream: StreamSummary) -> dict[str, Any]:
    """A streamed response in a report: how many events, when the first and last arrived
    (seconds since the request started), how it ended."""
    return {
        "mode": stream.mode,
        "events": stream.count,
        "first_event_s": None if stream.first_s is None else round(stream.first_s, 6),
        "last_event_s": None if stream.last_s is None else round(stream.last_s, 6),
        "ended": stream.ended,
        "elapsed_s": round(stream.elapsed_s, 6),
        "errors": stream.errors,
        "incomplete": stream.incomplete,
        "truncated": stream.truncated,
    }


def to_json(summary: RunSummary) -> str:
    masker = Masker()
    results = [result_dict(r, masker) for r in summary.results]
    collection = summary.collection
    document = {
        "reqbench_report": 1,
        "collection": collection.name,
        "file": str(collection.path) if collection.path else None,
        "environment": summary.options.environment,
        "repeat": summary.options.repeat,
        "concurrency": summary.options.concurrency,
        "summary": {
            "total": len(summary.results),
            "passed": summary.passed,
            "failed": summary.failed,
            "errors": summary.errors,
            "skipped": summary.skipped,
            "exit_code": summary.exit_code,
            "elapsed_s": round(summary.elapsed_s, 4),
            "client_count": summary.client_count,
            "connections_opened": summary.connections_opened,
            "connections_reused": summary.connections_reused,
            "stopped_early": summary.stopped_early,
        },
        "stats": [
            {"name": s.name, "count": s.count, "min_ms": s.min_ms, "median_ms": s.median_ms, "p95_ms": s.p95_ms, "max_ms": s.max_ms}
            for s in summary.stats
        ],
        "results": results,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (NUL and other controls from binary bodies)."""
    return _NOT_XML.sub("\ufffd", text)


def _case_name(result: RequestResult, repeat: int) -> str:
    return result.name if repeat == 1 else f"{result.name} #{result.iteration}"


def to_junit(summary: RunSummary) -> str:
    masker = Masker()
    collection = summary.collection
    suite_name = collection.name or (collection.path.stem if collection.path else "reqbench")
    total_s = sum((r.elapsed_ms or 0.0) for r in summary.results) / 1000
    counts = {
        "tests": str(len(summary.results)),
        "failures": str(summary.failed),
        "errors": str(summary.errors),
        "skipped": str(summary.skipped),
        "time": f"{summary.elapsed_s:.3f}",
    }
    root = ET.Element("testsuites", {"name": "reqbench", **counts})
    suite = ET.SubElement(
        root,
        "testsuite",
        {"name": suite_name, **counts, "timestamp": datetime.now(UTC).isoformat(timespec="seconds")},
    )
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("file", str(collection.path) if collection.path else ""),
        ("environment", summary.options.environment or ""),
        ("repeat", str(summary.options.repeat)),
        ("concurrency", str(summary.options.concurrency)),
        ("request_time_s", f"{total_s:.3f}"),
    ):
        ET.SubElement(properties, "property", {"name": key, "value": value})
    for result in summary.results:
        data = result_dict(result, masker)
        elapsed = (result.elapsed_ms or 0.0) / 1000
        case = ET.SubElement(suite, "testcase", {"classname": _xml(suite_name), "name": _xml(_case_name(result, summary.options.repeat)), "time": f"{elapsed:.3f}"})
        line = f"{data['method']} {data['url']}"
        if data["status"] is not None:
            line += f" -> {data['status']} in {data['elapsed_ms']:.1f} ms"
        if result.outcome is Outcome.FAILED:
            details = "\n".join(
                f"{f['message']}\n  expected: {json.dumps(f['expected'], ensure_ascii=False)}\n  actual:   {json.dumps(f['actual'], ensure_ascii=False)}"
                for f in data["failures"]
            )
            failure = ET.SubElement(case, "failure", {"message": _xml("; ".join(f["message"] for f in data["failures"])), "type": "expect"})
            failure.text = _xml(details)
        elif result.outcome is Outcome.ERROR and data["error"] is not None:
            error = ET.SubElement(case, "error", {"message": _xml(data["error"]["message"]), "type": data["error"]["type"]})
            error.text = _xml(data["error"]["message"])
        elif result.outcome is Outcome.SKIPPED:
            ET.SubElement(case, "skipped", {"message": _xml(data["skip_reason"] or "skipped")})
        stream = data.get("stream")
        if stream is not None:
            props = ET.SubElement(case, "properties")
            for key in ("events", "first_event_s", "last_event_s", "ended"):
                ET.SubElement(props, "property", {"name": f"stream_{key}", "value": "" if stream[key] is None else str(stream[key])})
            line += f"; {stream['events']} events, first at {stream['first_event_s']} s, last at {stream['last_event_s']} s ({stream['ended']})"
        out = ET.SubElement(case, "system-out")
        out.text = _xml(line)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_report(summary: RunSummary, kind: ReportKind, path: Path) -> Path:
    """Write the report atomically (a temp file beside it, then rename); return the path."""
    text = to_junit(summary) if kind == "junit" else to_json(summary)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
