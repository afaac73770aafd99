"""What one history entry holds: plain dataclasses, JSON-friendly, no I/O.

`EntrySummary` is a row of the list (cheap: one slim table); `Entry` adds what was sent, what
came back and the stored body. Every string in them was masked before it was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Entry", "EntrySummary", "RecordedRequest", "RecordedResponse", "iso_time"]

Pairs = tuple[tuple[str, str], ...]


def iso_time(epoch: float) -> str:
    """`2026-12-01T20:50:02.123Z`: the stable time format of `--json` output."""
    stamp = datetime.fromtimestamp(epoch, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class EntrySummary:
    id: int
    time: float  # seconds since the epoch (UTC)
    collection: str  # absolute path of the collection file, "" when none
    name: str  # request name
    method: str
    url: str  # as sent, secrets masked
    status: int | None  # None: no response (see `error`)
    elapsed_ms: float | None
    size: int | None  # decoded body size in bytes
    error: str | None = None

    @property
    def status_class(self) -> str:
        """"2xx" ... "5xx", or "error" when there was no response."""
        return f"{self.status // 100}xx" if self.status is not None else "error"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": iso_time(self.time),
            "collection": self.collection,
            "name": self.name,
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "ms": None if self.elapsed_ms is None else round(self.elapsed_ms, 3),
            "size": self.size,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """The resolved request as sent (after masking)."""

    method: str
    url: str  # with params, before redirects
    headers: Pairs  # as on the wire when a response came back, else as resolved
    body_kind: str | None = None  # "json", "file", ... None: no body
    body: str | None = None  # text/json/base64/form bodies (masked, capped)
    body_summary: str | None = None  # files, streams, multipart: what was sent, not its bytes
    timeout: float | None = None
    follow_redirects: bool = True
    verify: bool | str = True
    http2: bool = False

    def to_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies every value (most of what recording cost)
        return {
            "method": self.method,
            "url": self.url,
            "headers": [[name, value] for name, value in self.headers],
            "body_kind": self.body_kind,
            "body": self.body,
            "body_summary": self.body_summary,
            "timeout": self.timeout,
            "follow_redirects": self.follow_redirects,
            "verify": self.verify,
            "http2": self.http2,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordedRequest:
        values = dict(data)
        values["headers"] = tuple((str(k), str(v)) for k, v in values.get("headers", ()))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    status: int
    reason: str
    http_version: str
    headers: Pairs
    url: str  # final URL after redirects
    redirects: tuple[tuple[int, str], ...] = ()
    timings: dict[str, float | bool | None] = field(default_factory=dict)  # Timings fields
    wire_size: int = 0
    decoded_size: int = 0
    reused: bool = False  # the connection came from the pool
    download_path: str | None = None  # the body went to this file

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "http_version": self.http_version,
            "headers": [[name, value] for name, value in self.headers],
            "url": self.url,
            "redirects": [[status, url] for status, url in self.redirects],
            "timings": dict(self.timings),
            "wire_size": self.wire_size,
            "decoded_size": self.decoded_size,
            "reused": self.reused,
            "download_path": self.download_path,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecordedResponse:
        values = dict(data)
        values["headers"] = tuple((str(k), str(v)) for k, v in values.get("headers", ()))
        values["redirects"] = tuple((int(s), str(u)) for s, u in values.get("redirects", ()))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True, slots=True)
class Entry:
    summary: EntrySummary
    request: RecordedRequest
    response: RecordedResponse | None
    body: bytes = b""  # the response body (masked if text), or its head when not complete
    body_size: int = 0  # the whole body's size
    body_complete: bool = True  # False: `body` is a head; `body_sha256` is of the whole body
    body_sha256: str | None = None
    source: str | None = None  # the request as written in the collection (TOML, masked), if known

    @property
    def id(self) -> int:
        return self.summary.id

    def body_text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def to_dict(self, *, body: bool = False) -> dict[str, Any]:
        """The `reqbench history show --json` document (see docs/history.md)."""
        data: dict[str, Any] = self.summary.to_dict()
        data["request"] = self.request.to_dict()
        data["response"] = None if self.response is None else self.response.to_dict()
        data["body_size"] = self.body_size
        data["body_complete"] = self.body_complete
        data["body_sha256"] = self.body_sha256
        data["source"] = self.source
        if body:
            try:
                data["body"] = self.body.decode("utf-8")
                data["body_encoding"] = "utf-8"
            except UnicodeDecodeError:
                import base64

                data["body"] = base64.b64encode(self.body).decode("ascii")
                data["body_encoding"] = "base64"
        return data
