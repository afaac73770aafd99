"""Time from process start to the first screen on the terminal: reqbench vs Posting vs a bare
Textual app, measured the same way in the same run.

    python3 -m venv /tmp/posting-venv
    /tmp/posting-venv/bin/pip install posting "tree-sitter==0.25.2"   # newer tree-sitter crashes it
    .venv/bin/python benchmarks/bench_startup.py [--rounds 7] [--posting /tmp/posting-venv/bin/posting]

How it measures (identical for the three apps, no change to any of them): each app is started
as a subprocess on a pseudo-terminal of 120x40 (TERM=xterm-256color); the clock starts just
before the fork and stops when the text the app writes to the terminal, with escape sequences
removed, first contains its footer's "Quit" key label. Textual paints a frame top to bottom and
the footer is the last row, so this is "the first complete screen is on the terminal" (every
widget composed, mounted, styled and rendered), including interpreter start and all imports.
The process group is then killed. One untimed warm-up run each (page cache, .pyc files), then
the apps take turns for `--rounds` rounds; best and median are printed.

- reqbench: `python -m tui collections/quickstart.toml`
- Posting: `posting` (its default collection, in an empty working folder)
- bare Textual: an App with a Header, a Label and a Footer (the floor for any Textual app)

Target: reqbench <= 0.55x Posting.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from functools import partial
from pathlib import Path

import _common  # noqa: F401  (sys.path set-up)
from _common import ROOT, interleave, machine, row

MARKER = b"Quit"
TIMEOUT = 30.0
_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=!]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1bP[^\x1b]*\x1b\\"  # DCS
    rb"|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Label

class Bare(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]
    def compose(self):
        yield Header()
        yield Label("hello")
        yield Footer()

Bare().run()
"""


def time_to_marker(cmd: list[str], cwd: Path, marker: bytes = MARKER) -> float:
    """Seconds from just before the fork until `marker` is on the terminal (escapes stripped)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    for key in ("TEXTUAL_PRESS", "TEXTUAL_SCREENSHOT", "TEXTUAL_DEBUG", "TEXTUAL_LOG"):
        env.pop(key, None)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                            start_new_session=True, close_fds=True)
    os.close(slave)
    buf = bytearray()
    found: float | None = None
    try:
        while found is None and time.perf_counter() - t0 < TIMEOUT:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 1 << 16)
            except OSError:
                break
            if not data:
                break
            now = time.perf_counter()
            buf += data
            # strip escapes from the tail only (a marker split across reads is still found)
            if marker in _ESCAPES.sub(b"", bytes(buf[-(len(data) + 4096):])):
                found = now - t0
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        os.close(master)
    if found is None:
        text = _ESCAPES.sub(b"", bytes(buf)).decode(errors="replace")[-1500:]
        raise SystemExit(f"{cmd[0]}: no {marker!r} on screen within {TIMEOUT:.0f} s "
                         f"(exit {proc.returncode}):\n{text}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--posting", default="/tmp/posting-venv/bin/posting",
                        help="the posting executable (skipped if missing)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        work = Path(tmp)
        apps: dict[str, tuple[list[str], Path]] = {
            "reqbench": ([sys.executable, "-m", "tui", "collections/quickstart.toml"], ROOT),
            "bare Textual app": ([sys.executable, "-c", BARE_APP], work),
        }
        if Path(args.posting).exists():
            apps["Posting"] = ([args.posting], work)
        else:
            print(f"Posting not found at {args.posting}: see the docstring to install it")
        times = interleave(args.rounds, {name: partial(time_to_marker, cmd, cwd) for name, (cmd, cwd) in apps.items()})

    print(f"time from process start to the first full screen (120x40 pty), {args.rounds} rounds; "
          f"machine: {machine()}")
    print(row("", "best s", "median s"))
    for name, values in times.items():
        print(row(name, f"{min(values):.3f}", f"{statistics.median(values):.3f}"))
    print()
    ours = min(times["reqbench"])
    print(f"  reqbench / bare Textual: {ours / min(times['bare Textual app']):.2f}x")
    if "Posting" in times:
        ratio = ours / min(times["Posting"])
        med = statistics.median(times["reqbench"]) / statistics.median(times["Posting"])
        print(f"  reqbench / Posting: {ratio:.2f}x best, {med:.2f}x median (target <= 0.55)  "
              f"{'OK' if ratio <= 0.55 else 'MISSED'}")


if __name__ == "__main__":
    main()
