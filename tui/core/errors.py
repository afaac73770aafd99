"""The errors reqbench raises. Every message is meant to be shown to a user as is.

ReqbenchError
├── CollectionError          a collection file cannot be used
│   ├── TomlSyntaxError      file, line, column
│   ├── SchemaError          file, request (index and name), key
│   ├── SaveError            the old file is left intact
│   └── RequestNameError     a request renamed to nothing or to a name already used
├── VariableError            request, field, variable; raised before anything is sent
├── PathError                a path leaves the collection's folder, or cannot be read
├── BodyError                e.g. JSON body that does not parse, bad base64
├── EncodingError            an unknown name, or a codec that is not a text encoding (rot13)
└── RequestError             the request could not be completed
    ├── ConnectError         refused, DNS failure, unreachable
    ├── TimeoutError         which phase, after how long
    ├── TLSError             verification failed (hint: CA bundle or verify = false)
    ├── ProtocolError        reset mid-body (bytes so far), malformed response
    ├── TooManyRedirects
    ├── InvalidURL
    ├── DownloadError        target exists, cannot write; `.part` is kept
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
    "RequestNameError",
    "VariableError",
    "PathError",
    "BodyError",
    "EncodingError",
    "RequestError",
    "ConnectError",
    "TimeoutError",
    "TLSError",
    "ProtocolError",
    "TooManyRedirects",
    "InvalidURL",
    "DownloadError",
    "Cancelled",
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


class RequestNameError(CollectionError):
    """Names identify requests in a collection (captures, `reqbench run NAME`): each is
    required and unique. `name` is the refused name."""

    def __init__(self, message: str, *, name: str) -> None:
        super().__init__(message)
        self.name = name


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
    pass


class DownloadError(RequestError):
    # `exists`: the target that is already there (no overwrite), for a hint in the caller's terms.
    def __init__(self, message: str, *, part_path: Path | None = None, exists: Path | None = None) -> None:
        super().__init__(message)
        self.part_path = part_path
        self.exists = exists


class Cancelled(RequestError):
    def __init__(self, message: str = "cancelled", *, part_path: Path | None = None, bytes_received: int = 0) -> None:
        super().__init__(message)
        self.part_path = part_path
        self.bytes_received = bytes_received
