"""Text encodings a response body can be decoded with: the common ones offered by the
workbench's picker, and the check that a name is a text codec at all.

    COMMON_ENCODINGS                       (name, what it is) pairs, most used first
    text_encoding(name) -> str             the codec's canonical name, or EncodingError

`codecs` knows codecs that are not text encodings (`rot13`, `base64`, `zlib`, `hex`): they turn
bytes into bytes or str into str, and `bytes.decode` refuses them. `CodecInfo._is_text_encoding`
is how the stdlib itself tells them apart (`str.encode` checks it).
"""

from __future__ import annotations

import codecs

from tui.core.encodings import is_text_encoding
from tui.core.errors import EncodingError

__all__ = ["COMMON_ENCODINGS", "text_encoding"]

COMMON_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8", "Unicode, the web's default"),
    ("latin-1", "ISO-8859-1, Western European"),
    ("cp1252", "Windows Western European"),
    ("iso-8859-15", "Western European with €"),
    ("utf-16", "Unicode, 2 bytes, with a byte-order mark"),
    ("utf-16-le", "Unicode, 2 bytes, little-endian"),
    ("utf-16-be", "Unicode, 2 bytes, big-endian"),
    ("shift_jis", "Japanese"),
    ("euc-jp", "Japanese (Unix)"),
    ("gb18030", "Chinese (superset of GBK / GB2312)"),
    ("big5", "Traditional Chinese"),
    ("euc-kr", "Korean"),
    ("cp1251", "Windows Cyrillic"),
    ("koi8-r", "Russian"),
    ("cp1250", "Windows Central European"),
    ("ascii", "7-bit ASCII"),
)


def text_encoding(name: str) -> str:
    """The canonical name of text codec `name` (`latin-1` -> `iso8859-1`); `EncodingError`
    for an unknown name or a codec that is not a text encoding."""
    cleaned = name.strip()
    try:
        info = codecs.lookup(cleaned)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise EncodingError(f"unknown encoding {cleaned!r}", encoding=cleaned) from None
    # The one check of what may decode a body (a collection's, a server's, the picker's).
    if not is_text_encoding(cleaned):
        raise EncodingError(f"{cleaned!r} is not a text encoding", encoding=cleaned)
    return info.name
