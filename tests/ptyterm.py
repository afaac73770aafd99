"""Drive the real workbench in a pseudo-terminal with the bytes terminals send.

Pilot delivers Textual key events; terminals send bytes, and some arrive as other keys
(xterm and tmux send alt+b as `ESC b`, which Textual reads as ctrl+left). This harness runs
`python -m tui ...` as a child process on a pty, writes raw bytes (a whole burst in one
write when asked), and reads what the app draws through `pyte`, a VT100/xterm emulator,
so tests assert on the screen a person would see.

    with PtyApp(["collections/quickstart.toml"], size=(80, 24)) as term:
        term.wait_for("GET")
        term.write(XTERM["alt+h"])
        term.wait_for("Headers")

Waits poll the screen until a condition holds or a generous deadline passes (a failure,
never a timing assertion): machines are noisy.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

import pyte

__all__ = ["PASTE_END", "PASTE_START", "PtyApp", "XTERM", "bracketed_paste"]

ESC = "\x1b"
# What xterm (and tmux with its default `xterm-keys on`) send for keys the tests use.
XTERM: dict[str, str] = {
    "enter": "\r",
    "tab": "\t",
    "shift+tab": ESC + "[Z",
    "escape": ESC,
    "backspace": "\x7f",
    "up": ESC + "[A",
    "down": ESC + "[B",
    "right": ESC + "[C",
    "left": ESC + "[D",
    "ctrl+left": ESC + "[1;5D",
    "ctrl+right": ESC + "[1;5C",
    "f1": ESC + "OP",
    "f4": ESC + "OS",
    "f5": ESC + "[15~",
    "f6": ESC + "[17~",  # the same in xterm, tmux and screen
    "f7": ESC + "[18~",
    "ctrl+enter": "\r",  # xterm without modifyOtherKeys, and tmux, send a plain CR
    **{f"ctrl+{c}": chr(ord(c) - 96) for c in "abcdefghjklnopqrstuvwxyz"},
    **{f"alt+{c}": ESC + c for c in "abcdefghijklmnopqrstuvwxyz"},
}
PASTE_START = ESC + "[200~"
PASTE_END = ESC + "[201~"


def bracketed_paste(text: str) -> str:
    """What a terminal in bracketed-paste mode sends for a paste of `text`."""
    return PASTE_START + text + PASTE_END


class PtyApp:
    """The workbench as a child process on a pty of `size` (columns, rows)."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        size: tuple[int, int] = (80, 24),
        term: str = "xterm-256color",
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        module: str = "tui",
    ) -> None:
        self.columns, self.rows = size
        self.screen = pyte.Screen(self.columns, self.rows)
        self.stream = pyte.ByteStream(self.screen)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.columns, 0, 0))
        child_env = {**os.environ, "TERM": term, "COLUMNS": str(self.columns), "LINES": str(self.rows)}
        child_env.pop("TEXTUAL", None)
        child_env.update(env or {})
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=child_env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._master = master
        self.output = bytearray()

    # --- reading -------------------------------------------------------------------------

    def pump(self, seconds: float = 0.05) -> None:
        """Read whatever the app wrote within `seconds` into the emulator."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self._master], [], [], remaining)
            if not ready:
                return
            try:
                data = os.read(self._master, 65536)
            except OSError:  # the child closed the pty
                return
            if not data:
                return
            self.output += data
            self.stream.feed(data)
            self._answer_queries(data)

    def _answer_queries(self, data: bytes) -> None:
        # Textual asks the terminal a few things at start (device attributes, cursor
        # position); answer as xterm would so the app does not wait on them.
        if b"\x1b[6n" in data:
            os.write(self._master, f"\x1b[{self.screen.cursor.y + 1};{self.screen.cursor.x + 1}R".encode())
        if b"\x1b[c" in data:
            os.write(self._master, b"\x1b[?1;2c")

    @property
    def display(self) -> list[str]:
        return list(self.screen.display)

    @property
    def text(self) -> str:
        return "\n".join(self.display)

    def line_with(self, needle: str) -> str | None:
        return next((line for line in self.display if needle in line), None)

    def wait_until(self, condition: Callable[[], bool], *, timeout: float = 20.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while True:
            self.pump(0.05)
            if condition():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; screen:\n{self.text}")
            if self.process.poll() is not None:
                self.pump(0.2)
                if condition():
                    return
                raise AssertionError(f"app exited ({self.process.returncode}) while waiting for {what}; screen:\n{self.text}")

    def wait_for(self, needle: str, *, timeout: float = 20.0) -> None:
        self.wait_until(lambda: needle in self.text, timeout=timeout, what=repr(needle))

    def wait_quiet(self, quiet: float = 0.3, *, timeout: float = 10.0) -> None:
        """Until the app has drawn nothing for `quiet` seconds (its queue is drained)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.output)
            self.pump(quiet)
            if len(self.output) == before:
                return

    # --- writing -------------------------------------------------------------------------

    def write(self, data: str | bytes) -> None:
        """Write `data` in one write: a burst, as fast typing or a paste arrives."""
        raw = data.encode() if isinstance(data, str) else data
        os.write(self._master, raw)

    def press(self, *keys: str, gap: float = 0.1) -> None:
        """Each key's bytes in its own write, `gap` seconds apart (typing at human speed)."""
        for key in keys:
            self.write(XTERM.get(key, key))
            self.pump(gap)

    # --- life ----------------------------------------------------------------------------

    def close(self) -> int | None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        with contextlib.suppress(OSError):
            os.close(self._master)
        return self.process.returncode

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

