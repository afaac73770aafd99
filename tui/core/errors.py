"""The errors reqbench raises. Every message is meant to be shown to a user as is.

ReqbenchError
├── CollectionError          a collection file cannot be used
│   ├── TomlSyntaxError      file, line, column
│   ├── SchemaError          file, request (index and name), key
│   ├── SaveError            the old file is left intact
│   │   └── SaveTargetExists a new file's path was created by someone else meanwhile
│   ├── RequestNameError     a request renamed to nothing or to a name already used
│   └── ImportFailed         another tool's file cannot be read: file:line:col or a JSON path
├── VariableError            request, field, variable; raised before anything is sent
├── PathError                a path leaves the collection's folder, or cannot be read
├── BodyError                e.g. JSON body that does not parse, bad base64
├── HistoryError             the history database cannot be used (history is off); `path`
├── CookieFileError          a Netscape/Mozilla cookie file cannot be read or written; `path`
├── ExportError              a request another tool's format cannot express (request, format)
├── FileWriteError           a file we write (a saved body) cannot be written; full path in the message
├── EncodingError            an unknown name, or a codec that is not a text encoding (rot13)
└── RequestError             the request could not be completed
    ├── ConnectError         refused, DNS failure, unreachable
    ├── TimeoutError         which phase, after how long
    ├── TLSError             verification failed (hint: CA bundle or verify = false)
    ├── ProtocolError        reset mid-body (bytes so far), malformed response
    ├── TooManyRedirects
    ├── InvalidURL           `field` names the request field ("url")
    ├── InvalidHeader        a header name or value HTTP cannot carry; `field` ("headers.NAME")
    ├── DownloadError        target exists, cannot write; `.part` is kept
    ├── BodyTooLarge         the decoded body passed `max_size` (`limit`)
    │   └── DecompressionBomb  the body inflates far more than any honest encoding would
    └── Cancelled            the user cancelled; `.part` is kept
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ReqbenchError",
    "CollectionError",
    "TomlSyntaxError",
    "SchemaError",
    "SaveError",
    "SaveTargetExists",
    "RequestNameError",
    "ImportFailed",
    "VariableError",
    "PathError",
    "BodyError",
    "ExportError",
    "EncodingError",
    "RequestError",
    "ConnectError",
    "TimeoutError",
    "TLSError",
    "ProtocolError",
    "TooManyRedirects",
    "InvalidURL",
    "InvalidHeader",
    "DownloadError",
    "BodyTooLarge",
    "DecompressionBomb",
    "FileWriteError",
    "Cancelled",
    "HistoryError",
    "CookieFileError",
]


class ReqbenchError(Exception):
    """Base of every error reqbench raises on purpose; `str(error)` is the user message."""


class CollectionError(ReqbenchError):
    def __init__(self, message: str, *, file: Path | str | None = None) -> None:
        super().__init__(message)
        self.file = file


class TomlSyntaxError(CollectionError):
    def __init__(self, message: str, *, file: Path | str | None, line: int, column: int) -> None:
        super().__init__(message, file=file)
        self.line = line
        self.column = column


class SchemaError(CollectionError):
    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        request_index: int | None = None,
        request_name: str | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message, file=file)
        self.request_index = request_index
        self.request_name = request_name
        self.key = key


class SaveError(CollectionError):
    pass


class SaveTargetExists(SaveError):
    """`save(..., expect_absent=True)` found a file at the target: ask before overwriting."""


class RequestNameError(CollectionError):
    """Names identify requests in a collection (captures, `reqbench run NAME`): each is
    required and unique. `name` is the refused name."""

    def __init__(self, message: str, *, name: str) -> None:
        super().__init__(message)
        self.name = name
class ImportFailed(CollectionError):
    """Input for `reqbench import` that cannot be read; the message starts with where.

    `line`/`column` (1-based) for text formats, `json_path` (`$.item[3].request`) for
    JSON/YAML documents whose structure is wrong; either may be None.
    """

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        json_path: str | None = None,
    ) -> None:
        super().__init__(message, file=file)
        self.line = line
        self.column = column
        self.json_path = json_path


class VariableError(ReqbenchError):
    def __init__(self, message: str, *, request: str, field: str, variable: str) -> None:
        super().__init__(message)
        self.request = request
        self.field = field
        self.variable = variable


class PathError(ReqbenchError):
    def __init__(self, message: str, *, path: Path | str) -> None:
        super().__init__(message)
        self.path = path


class BodyError(ReqbenchError):
    pass


class ExportError(ReqbenchError):
    """`reqbench export`: `request` (its name) cannot be written as `fmt` without changing it."""

    def __init__(self, message: str, *, request: str = "", fmt: str = "") -> None:
        super().__init__(message)
        self.request = request
        self.fmt = fmt
class EncodingError(ReqbenchError):
    def __init__(self, message: str, *, encoding: str) -> None:
        super().__init__(message)
        self.encoding = encoding


class RequestError(ReqbenchError):
    # Set (by the engine) on any request error that interrupted a download: the kept `.part` file.
    part_path: Path | None = None


class ConnectError(RequestError):
    pass


class TimeoutError(RequestError):  # noqa: A001 - ours, always imported qualified or via errors.
    def __init__(self, message: str, *, phase: str = "", after_s: float | None = None) -> None:
        super().__init__(message)
        self.phase = phase
        self.after_s = after_s


class TLSError(RequestError):
    pass


class ProtocolError(RequestError):
    def __init__(self, message: str, *, bytes_received: int | None = None) -> None:
        super().__init__(message)
        self.bytes_received = bytes_received


class TooManyRedirects(RequestError):
    pass


class InvalidURL(RequestError):
    def __init__(self, message: str, *, field: str = "url") -> None:
        super().__init__(message)
        self.field = field


class InvalidHeader(RequestError):
    def __init__(self, message: str, *, field: str = "headers") -> None:
        super().__init__(message)
        self.field = field


class DownloadError(RequestError):
    # `exists`: the target that is already there (no overwrite), for a hint in the caller's terms.
    def __init__(self, message: str, *, part_path: Path | None = None, exists: Path | None = None) -> None:
        super().__init__(message)
        self.part_path = part_path
        self.exists = exists


class BodyTooLarge(RequestError):
    def __init__(self, message: str, *, limit: int | None = None) -> None:
        super().__init__(message)
        self.limit = limit


class DecompressionBomb(BodyTooLarge):
    pass


class FileWriteError(ReqbenchError):
    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class Cancelled(RequestError):
    """`response`: for a cancelled stream, the `Response` of what had arrived (its `stream`
    summary says "cancelled"); None otherwise. Typed loosely: errors import nothing of the engine."""

    def __init__(
        self, message: str = "cancelled", *, part_path: Path | None = None, bytes_received: int = 0, response: object | None = None
    ) -> None:
        super().__init__(message)
        self.part_path = part_path
        self.bytes_received = bytes_received
        self.response = response


class HistoryError(ReqbenchError):
    """The history (or cookie) database is missing, locked, corrupt or from a newer reqbench:
    history is off. The message says which file and why."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = path


class CookieFileError(ReqbenchError):
    """`reqbench run --cookies FILE`: the file is not a Netscape/Mozilla cookie file, or cannot
    be read or written."""

    def __init__(self, message: str, *, path: Path | str) -> None:
        super().__init__(message)
        self.path = path
