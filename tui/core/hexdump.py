"""Hex dump of binary bodies, one line per 16 bytes, formatted lazily (headless).

`HexLines(data)` behaves like a read-only sequence of strings, so a line-virtualised view can
show a 64 MiB body without formatting four million lines up front:

    00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 00 ff 7f  |Hello, world....|
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

__all__ = ["BYTES_PER_LINE", "HexLines", "hexdump_line", "is_probably_binary"]

BYTES_PER_LINE = 16
_PRINTABLE = bytes(range(0x20, 0x7F))
_ASCII_TABLE = bytes(b if b in _PRINTABLE else ord(".") for b in range(256))


def hexdump_line(offset: int, chunk: bytes) -> str:
    """One `xxd -g1`/`hexdump -C` style line for up to 16 bytes starting at `offset`."""
    hex_left = " ".join(f"{b:02x}" for b in chunk[:8])
    hex_right = " ".join(f"{b:02x}" for b in chunk[8:16])
    hex_part = f"{hex_left:<23}  {hex_right:<23}"
    ascii_part = chunk.translate(_ASCII_TABLE).decode("ascii")
    return f"{offset:08x}  {hex_part}  |{ascii_part}|"


class HexLines(Sequence[str]):
    """The hex dump of `data` as a lazy sequence of lines."""

    __slots__ = ("_data", "_base")

    def __init__(self, data: bytes, base_offset: int = 0) -> None:
        self._data = data
        self._base = base_offset

    def __len__(self) -> int:
        return (len(self._data) + BYTES_PER_LINE - 1) // BYTES_PER_LINE

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
        start = index * BYTES_PER_LINE
        return hexdump_line(self._base + start, self._data[start : start + BYTES_PER_LINE])

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
