"""Which codec names may decode text: a real text encoding that decodes any bytes with
`errors="replace"` (so never rot13, base64, hex, zlib, bz2, uu, quopri, idna, undefined).

    is_text_encoding(name) -> bool       # False for unknown names, NUL, bytes-to-bytes codecs
    text_encoding(name, fallback="utf-8") -> str   # `name` when it is one, else `fallback`

Used for a collection's `encoding`, a server's `charset` and the workbench's encoding picker,
so no value from a file or a server can pick a codec that crashes or transforms the body.
"""

from __future__ import annotations

import codecs
from functools import lru_cache

__all__ = ["is_text_encoding", "text_encoding"]

# Bytes a decoder meets in real bodies: ASCII, an invalid UTF-8 byte, a NUL, a backslash escape.
_PROBE = b"abc \xff\xfe\x00 \\x"


@lru_cache(maxsize=256)
def is_text_encoding(name: str) -> bool:
    if not name or "\x00" in name or len(name) > 100:
        return False
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return False
    if not getattr(info, "_is_text_encoding", True):
        return False
    try:
        decoded = info.decode(_PROBE, "replace")[0]
    # A codec may fail here in any way of its own (idna and undefined refuse "replace",
    # punycode raises UnicodeDecodeError anyway): each means it cannot decode a body.
    except (UnicodeError, ValueError, TypeError, AssertionError, LookupError):
        return False
    return isinstance(decoded, str)


def text_encoding(name: str | None, fallback: str = "utf-8") -> str:
    return name if name is not None and is_text_encoding(name) else fallback
