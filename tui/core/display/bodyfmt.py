"""Turning a big body into lines without stalling an event loop (headless).

Measured on the 2-core CI box: for a 6 MB minified JSON, `orjson.loads` holds the GIL for
270-420 ms in one call, `str.split` of the indented 13 MB text for ~200 ms, and freeing the parsed
objects for ~60 ms. A thread worker does not help against that: the event loop cannot run while a
C call holds the GIL. So:

- `format_json(text)` indents a large document in a child process (orjson there, the stdlib
  when orjson is missing or the document may hold integers beyond 64 bits, which orjson would
  turn into floats). The child also indexes the line starts; this process only copies bytes and
  gets a `ByteLines` back: a lazy sequence that decodes one line when asked for it.
- `split_lines(text)` splits raw text in ~256 KiB pieces, so the GIL is released between pieces.

Both are meant to be called from a thread worker.
"""

from __future__ import annotations

import array
import itertools
import json
import re
import struct
import subprocess
import sys
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import overload

__all__ = [
    "ByteLines",
    "JsonFormatError",
    "format_json",
    "pretty_json_lines",
    "split_lines",
    "OUT_OF_PROCESS_MIN",
]

OUT_OF_PROCESS_MIN = 256 * 1024  # characters; smaller documents are indented in the caller's thread
_LONG_DIGITS = re.compile(r"\d{19,}")
_HEADER = struct.Struct("<QQ")


class JsonFormatError(ValueError):
    """The text is not JSON; `str(error)` says where."""


class ByteLines(Sequence[str]):
    """Lines of a UTF-8 `data` block; `offsets[i]` is where line i starts, and
    `offsets[-1] == len(data) + 1`. Each access decodes one line."""

    __slots__ = ("data", "offsets")

    def __init__(self, data: bytes, offsets: array.array[int]) -> None:
        self.data = data
        self.offsets = offsets

    @classmethod
    def from_text(cls, text: str) -> ByteLines:
        data = text.encode("utf-8")
        lengths = [len(line) for line in data.split(b"\n")]
        return cls(data, _offsets(lengths))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = len(self.offsets) - 1
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(index)
        return self.data[self.offsets[index] : self.offsets[index + 1] - 1].decode("utf-8", "replace")

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]

    def line_of(self, byte_offset: int) -> int:
        return bisect_right(self.offsets, byte_offset) - 1

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def _offsets(lengths: list[int]) -> array.array[int]:
    offsets = array.array("q", [0])
    offsets.extend(itertools.accumulate(map((1).__add__, lengths)))
    return offsets


def pretty_json_lines(text: str) -> list[str]:
    """Indent a JSON document (2 spaces) and split it into lines, in this process.

    Raises JsonFormatError when `text` is not JSON."""
    return _indent(text).decode("utf-8").split("\n")


def _indent(text: str | bytes) -> bytes:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is an optional extra
        orjson = None  # type: ignore[assignment]
    probe = text if isinstance(text, str) else text.decode("utf-8", "replace")
    if orjson is not None and not _LONG_DIGITS.search(probe):
        try:
            return orjson.dumps(orjson.loads(text), option=orjson.OPT_INDENT_2)
        except (orjson.JSONDecodeError, TypeError):
            pass  # let the stdlib decide, and word the error
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise JsonFormatError(str(error).splitlines()[0] if str(error) else type(error).__name__) from None
    return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")


# The child: JSON text on stdin; header (line count, longest line in bytes), the line offsets
# and the indented text on stdout; exit status 2 and the message on stderr when it is not JSON.
_CHILD = r"""
import sys, array, itertools, struct
sys.path.insert(0, sys.argv[1])
from tui.core.display.bodyfmt import _indent, JsonFormatError
data = sys.stdin.buffer.read()
try:
    pretty = _indent(data)
except JsonFormatError as error:
    sys.stderr.write(str(error))
    sys.exit(2)
lengths = list(map(len, pretty.split(b"\n")))
offsets = array.array("q", [0])
offsets.extend(itertools.accumulate(map((1).__add__, lengths)))
out = sys.stdout.buffer
out.write(struct.pack("<QQ", len(lengths), max(lengths)))
out.write(offsets.tobytes())
out.write(pretty)
out.flush()
"""


class Formatter:
    """One out-of-process formatting job; `cancel()` (from any thread) kills the child."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def run(self, text: str) -> tuple[Sequence[str], int]:
        """Indent `text`: (lines, longest line). Small documents are done in this thread."""
        if len(text) < OUT_OF_PROCESS_MIN:
            lines = pretty_json_lines(text)
            return lines, max(map(len, lines), default=0)
        data = text.encode("utf-8")
        root = str(_package_root())
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _CHILD, root],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError:
            lines = pretty_json_lines(text)  # no child process possible: do it here
            return lines, max(map(len, lines), default=0)
        if self.cancelled:
            self.cancel()
        out, err = self._proc.communicate(data)
        code = self._proc.returncode
        if self.cancelled:
            raise JsonFormatError("cancelled")
        if code == 2:
            raise JsonFormatError(err.decode("utf-8", "replace").strip() or "not JSON")
        if code != 0:
            lines = pretty_json_lines(text)  # the child failed for its own reasons
            return lines, max(map(len, lines), default=0)
        count, width = _HEADER.unpack_from(out)
        start = _HEADER.size
        end = start + 8 * (count + 1)
        offsets = array.array("q")
        offsets.frombytes(out[start:end])
        return ByteLines(out[end:], offsets), width


def format_json(text: str) -> tuple[Sequence[str], int]:
    """Indent `text` (out of process when large): (lines, longest line)."""
    return Formatter().run(text)


def _package_root() -> object:
    from pathlib import Path

    return Path(__file__).resolve().parent.parent.parent


def split_lines(text: str, piece: int = 256 * 1024) -> list[str]:
    """`text.splitlines()` (at least one line), in pieces so other threads get the GIL."""
    if len(text) <= piece:
        return text.splitlines() or [""]
    lines: list[str] = []
    start, size = 0, len(text)
    while start < size:
        cut = text.find("\n", min(start + piece, size))
        end = size if cut == -1 else cut + 1
        lines.extend(text[start:end].splitlines())
        start = end
    return lines or [""]
