"""Make text from a server or a file safe to print on a terminal: control characters are shown
as `cat -v` shows them instead of being sent to the terminal.

    caret_escape(text) -> str      # "\\x1b]52;c;..." -> "^[]52;c;...", NUL -> "^@", DEL -> "^?",
                                   # C1 controls U+0080-U+009F -> "M-^@".."M-^_"; "\\n" and "\\t" kept
    has_controls(text) -> bool

Escape sequences from a response body (OSC 0 sets the window title, OSC 52 writes the
clipboard, CSI 2 J clears the screen) or from a collection (a request name holding ESC [31m)
are then visible and harmless. Bidirectional overrides (U+202A-U+202E, U+2066-U+2069), which
reorder what the eye sees, are shown as <U+202E>.
"""

from __future__ import annotations

import re

__all__ = ["caret_escape", "has_controls"]

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    if code <= 0x9F:
        return "M-^" + chr(code - 0x80 + 0x40)
    return f"<U+{code:04X}>"


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def caret_escape(text: str) -> str:
    if text.isprintable() or _CONTROLS.search(text) is None:  # the usual case: one C-level scan
        return text
    return _CONTROLS.sub(_shown, text)
