"""Hex dump of binary bodies, formatted lazily (headless).

`HexLines(data)` behaves like a read-only sequence of strings, so a line-virtualised view can
show a 64 MiB body without formatting four million lines up front. A line holds 16 bytes, or 8
or 4 when the view is narrower (`bytes_per_line_for(width)`); re-flowing to another width is
`lines.with_bytes_per_line(n)`, which shares the data and formats nothing:

    00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 00 ff 7f  |Hello, world....|
    00000000  48 65 6c 6c 6f 2c 20 77  |Hello, w|
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

__all__ = ["BYTES_PER_LINE", "LINE_SIZES", "HexLines", "bytes_per_line_for", "hexdump_line", "is_probably_binary", "line_width"]

BYTES_PER_LINE = 16  # the default (and widest) line
LINE_SIZES = (16, 8, 4)  # bytes per line, widest first; 4 is the floor however narrow the view
_GROUP = 8  # bytes between the double spaces of the hex column
_PRINTABLE = bytes(range(0x20, 0x7F))
_ASCII_TABLE = bytes(b if b in _PRINTABLE else ord(".") for b in range(256))


def line_width(bytes_per_line: int) -> int:
    """Columns of a full line: offset, hex column (a double space every 8 bytes), `|ascii|`.
    78 for 16 bytes, 45 for 8, 29 for 4."""
    groups = (bytes_per_line + _GROUP - 1) // _GROUP
    hex_width = 3 * bytes_per_line - 1 + (groups - 1)
    return 8 + 2 + hex_width + 2 + bytes_per_line + 2


def bytes_per_line_for(width: int) -> int:
    """The widest line size in `LINE_SIZES` whose lines fit in `width` columns (the smallest
    one when none fits)."""
    for size in LINE_SIZES:
        if line_width(size) <= width:
            return size
    return LINE_SIZES[-1]


def hexdump_line(offset: int, chunk: bytes, bytes_per_line: int = BYTES_PER_LINE) -> str:
    """One `xxd -g1`/`hexdump -C` style line for up to `bytes_per_line` bytes starting at
    `offset`; a short last chunk is padded so its ASCII column lines up with the others."""
    groups = []
    for start in range(0, bytes_per_line, _GROUP):
        size = min(_GROUP, bytes_per_line - start)
        group = " ".join(f"{b:02x}" for b in chunk[start : start + size])
        groups.append(f"{group:<{3 * size - 1}}")
    ascii_part = chunk[:bytes_per_line].translate(_ASCII_TABLE).decode("ascii")
    return f"{offset:08x}  {'  '.join(groups)}  |{ascii_part}|"


class HexLines(Sequence[str]):
    """The hex dump of `data` as a lazy sequence of lines of `bytes_per_line` bytes."""

    __slots__ = ("_base", "_data", "_per_line")

    def __init__(self, data: bytes, base_offset: int = 0, bytes_per_line: int = BYTES_PER_LINE) -> None:
        if bytes_per_line <= 0:
            raise ValueError(f"bytes_per_line must be positive, not {bytes_per_line}")
        self._data = data
        self._base = base_offset
        self._per_line = bytes_per_line

    @property
    def bytes_per_line(self) -> int:
        return self._per_line

    @property
    def width(self) -> int:
        """Columns of the longest line (every full line has this width)."""
        return line_width(self._per_line)

    @property
    def size(self) -> int:
        """Bytes dumped."""
        return len(self._data)

    def with_bytes_per_line(self, bytes_per_line: int) -> HexLines:
        """The same data at another line size (nothing is copied or formatted)."""
        if bytes_per_line == self._per_line:
            return self
        return HexLines(self._data, self._base, bytes_per_line)

    def line_of(self, byte_offset: int) -> int:
        """The line showing the byte at `byte_offset` (relative to the start of `data`)."""
        return byte_offset // self._per_line

    def __len__(self) -> int:
        return (len(self._data) + self._per_line - 1) // self._per_line

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(index)
        start = index * self._per_line
        return hexdump_line(self._base + start, self._data[start : start + self._per_line], self._per_line)

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]


def is_probably_binary(sample: bytes) -> bool:
    """True when a sample looks like binary data rather than text in some encoding:
    a NUL byte, or more than 10% control bytes other than tab/newline/carriage return/form feed."""
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in range(0x20) if b not in (9, 10, 12, 13, 27))
    return controls > len(sample) // 10
