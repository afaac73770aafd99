"""Headless helpers for showing bodies: JSON pretty-printing in lines, hex dumps, text encodings.

Names are re-exported lazily (PEP 562): importing the package costs nothing until a name
is used, so the start-up path stays as light as the flat modules were.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .bodyfmt import (
        ByteLines,
        JsonFormatError,
        format_json,
        pretty_json_lines,
        split_lines,
        OUT_OF_PROCESS_MIN,
    )
    from .controls import caret_escape, has_controls
    from .encodings import COMMON_ENCODINGS, text_encoding
    from .hexdump import (
        BYTES_PER_LINE,
        LINE_SIZES,
        HexLines,
        bytes_per_line_for,
        hexdump_line,
        is_probably_binary,
        line_width,
    )

_EXPORTS = {
    "caret_escape": "controls",
    "has_controls": "controls",
    "ByteLines": "bodyfmt",
    "JsonFormatError": "bodyfmt",
    "format_json": "bodyfmt",
    "pretty_json_lines": "bodyfmt",
    "split_lines": "bodyfmt",
    "OUT_OF_PROCESS_MIN": "bodyfmt",
    "COMMON_ENCODINGS": "encodings",
    "text_encoding": "encodings",
    "BYTES_PER_LINE": "hexdump",
    "LINE_SIZES": "hexdump",
    "HexLines": "hexdump",
    "bytes_per_line_for": "hexdump",
    "hexdump_line": "hexdump",
    "is_probably_binary": "hexdump",
    "line_width": "hexdump",
}

__all__ = [
    "caret_escape",
    "has_controls",
    "ByteLines",
    "JsonFormatError",
    "format_json",
    "pretty_json_lines",
    "split_lines",
    "OUT_OF_PROCESS_MIN",
    "COMMON_ENCODINGS",
    "text_encoding",
    "BYTES_PER_LINE",
    "LINE_SIZES",
    "HexLines",
    "bytes_per_line_for",
    "hexdump_line",
    "is_probably_binary",
    "line_width",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
