"""What `reqbench run` prints, with Rich: a line per request, details, progress, summary.

The click command (`tui/cli_run.py`) builds a `RunPrinter` and hands its `on_result` /
`on_event` to `tui.core.replay.run`. Everything printed goes through one `Masker`, so
credentials never reach the terminal.

- normal: one line per request (✓/✗, name, method, URL, status, time, size, new/reused
  connection), then each failure's message (expected vs actual) indented under it;
- verbose: also request and response headers and the start of both bodies, and the events
  of a streamed response (SSE, NDJSON) one line each as they arrive (flushed at once);
- quiet: only requests that did not pass, and the summary.
Progress of downloads and file/stream uploads: Rich bars on a terminal; on anything else a
plain line every `interval_s` seconds for transfers that take longer than that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from rich.console import Console
from rich.table import Table
from rich.text import Span, Text

from tui.core.display.controls import caret_escape
from tui.core.encodings import text_encoding
from tui.core.engine.events import Event, Failed, Finished, Progress, StreamEvent, StreamStarted
from tui.core.replay.masking import Masker
from tui.core.replay import Outcome, RequestResult, RunSummary
from tui.core.replay.report import learn_secrets, method_and_url

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

__all__ = ["BODY_PREVIEW", "EVENT_PREVIEW", "RunPrinter", "caret_escape", "event_line", "human_size"]

BODY_PREVIEW = 2048  # characters of a body shown with --verbose
EVENT_PREVIEW = 500  # characters of one stream event's data shown with --verbose

_CONTROL = {i: f"^{chr(i + 64)}" for i in range(32)} | {0x7F: "^?"} | {i: f"\\x{i:02x}" for i in range(0x80, 0xA0)}


def caret_escape(text: str) -> str:
    """Control characters as caret notation (ESC is ^[, LF ^J, DEL ^?; C1 as \\x9b), so event
    data from a server can never move the cursor or recolour the terminal."""
    return text.translate(_CONTROL)


def event_line(event: StreamEvent, masked: str) -> str:
    """`  ‹ 0.123s #4 tick id=7: data…` for one stream event; `masked` is its data, masked."""
    label = ""
    if event.kind == "message":
        label = f" {caret_escape(event.event)}" if event.event != "message" else ""
        if event.id:
            label += f" id={caret_escape(event.id)}"
    elif event.kind in ("error", "incomplete"):
        label = f" [{event.kind}: {event.error}]" if event.error else f" [{event.kind}]"
    data = masked if len(masked) <= EVENT_PREVIEW else masked[:EVENT_PREVIEW] + "…"
    return f"    ‹ {event.arrived_s:7.3f}s #{event.index}{label}: {caret_escape(data)}"


def human_size(size: int | None) -> str:
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def _writes_plain(console: Console) -> bool:
    """True when `console.print(text)` writes exactly `text.plain` + newline: no terminal (so no
    live display either), no colour system, soft wrap, nothing recorded, not Jupyter or a
    legacy Windows console, not quiet."""
    return (
        not console.is_terminal
        and console.color_system is None
        and console.soft_wrap
        and not console.record
        and not console.quiet
        and not console.is_jupyter
        and not console.legacy_windows
    )


_MARKS = {
    Outcome.PASSED: ("✓", "bold green"),
    Outcome.FAILED: ("✗", "bold red"),
    Outcome.ERROR: ("✗", "bold red"),
    Outcome.SKIPPED: ("-", "yellow"),
}


def _assemble(parts: list[tuple[str, str]]) -> Text:
    """The `Text` that appending each (piece, style) in turn gives, built in one go
    (`Text.append` per piece costs more than the rest of a result line). Control characters
    (from a server or a file) are shown `cat -v` style, never sent to the terminal."""
    joined = "".join([piece for piece, _ in parts])
    clean = joined if joined.isprintable() else caret_escape(joined)
    escape = caret_escape if len(clean) != len(joined) else None  # rare: offsets move
    spans: list[Span] = []
    offset = 0
    for piece, style in parts:
        if not piece:
            continue
        if escape is not None:
            piece = escape(piece)
        if style:
            spans.append(Span(offset, offset + len(piece), style))
        offset += len(piece)
    return Text(clean, spans=spans)


@dataclass(slots=True)
class _Periodic:
    next_at: float


class RunPrinter:
    def __init__(self, console: Console, *, verbose: bool = False, quiet: bool = False, repeat: int = 1, interval_s: float = 1.0) -> None:
        self.console = console
        self.verbose = verbose
        self.quiet = quiet
        self.repeat = repeat
        self.interval_s = interval_s
        self.masker = Masker()
        self._bars: RichProgress | None = None
        self._tasks: dict[int, TaskID] = {}
        self._periodic: dict[int, _Periodic] = {}
        self._streams: set[int] = set()  # results whose stream events are being printed
        self._plain = _writes_plain(console)

    def _emit(self, parts: list[tuple[str, str]]) -> None:
        """`console.print(_assemble(parts))`, or the same characters written straight to the
        file when the console would print them without any styling or wrapping (not a
        terminal, no colour, soft wrap): Rich's render pipeline costs more per line than a
        whole small request."""
        if not self._plain:
            self.console.print(_assemble(parts))
            return
        plain = "".join([piece for piece, _ in parts])
        if not plain.isprintable():  # (control codes and tabs are not printable: a usual line skips both)
            plain = caret_escape(plain)  # as _assemble does
            if "\t" in plain:  # Rich expands tabs
                self.console.print(_assemble(parts))
                return
        file = self.console.file
        try:
            file.write(plain + "\n")
            file.flush()
        except UnicodeEncodeError as error:  # the same hint Rich gives
            error.reason = f"{error.reason}\n*** You may need to add PYTHONIOENCODING=utf-8 to your environment ***"
            raise
        except BrokenPipeError:
            self.console.on_broken_pipe()

    # -- progress -------------------------------------------------------------------------

    @property
    def wants_events(self) -> bool:
        """False when `on_event` can never print anything (quiet: no bars, no progress lines),
        so the run need not hand it the engine's events at all."""
        return not self.quiet

    def __enter__(self) -> Self:
        if self.console.is_terminal and not self.quiet:
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bars = RichProgress(
                TextColumn("{task.description}", markup=False),  # a request name is not markup
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self._bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None

    def _wants_progress(self, result: RequestResult, event: Progress) -> bool:
        resolved = result.resolved
        if resolved is not None and (resolved.download is not None or (resolved.body is not None and resolved.body.kind in ("file", "stream"))):
            return True
        return event.elapsed_s >= self.interval_s

    def on_event(self, result: RequestResult, event: Event) -> None:
        if isinstance(event, StreamEvent):
            if self.verbose:
                self._emit([(event_line(event, self.masker.text(event.data)), "")])
            return
        if isinstance(event, StreamStarted):
            if self.verbose:
                self._streams.add(id(result))  # its events are its progress: no byte counts
                learn_secrets(self.masker, result)
                self._emit([(f"  … {result.name}: {event.status}, a {event.mode} stream; events as they arrive:", "dim")])
            return
        key = id(result)
        if isinstance(event, (Finished, Failed)):
            self._periodic.pop(key, None)
            self._streams.discard(key)
            if self._bars is not None and key in self._tasks:
                self._bars.remove_task(self._tasks.pop(key))
            return
        if not isinstance(event, Progress) or key in self._streams or not self._wants_progress(result, event):
            return
        label = f"{'↑' if event.direction == 'upload' else '↓'} {caret_escape(result.name)}"
        if self._bars is not None:
            task = self._tasks.get(key)
            if task is None:
                self._tasks[key] = self._bars.add_task(label, total=event.total, completed=event.done)
            else:
                self._bars.update(task, description=label, total=event.total, completed=event.done)
            return
        state = self._periodic.setdefault(key, _Periodic(next_at=self.interval_s))
        if self.quiet or event.elapsed_s < state.next_at:
            return
        state.next_at = event.elapsed_s + self.interval_s
        total = f" / {human_size(event.total)}" if event.total else ""
        percent = f" ({100 * event.done / event.total:.0f}%)" if event.total else ""
        self._show(f"  … {label}: {event.direction} {human_size(event.done)}{total}{percent} at {human_size(int(event.rate))}/s", "dim")

    # -- results ---------------------------------------------------------------------------

    def line(self, result: RequestResult) -> Text:
        return _assemble(self._line_parts(result))

    def _line_parts(self, result: RequestResult) -> list[tuple[str, str]]:
        """The result line as (piece, style) pairs."""
        symbol, style = _MARKS[result.outcome]
        parts: list[tuple[str, str]] = [(symbol, style), (" ", "")]
        if self.repeat > 1:
            parts.append((f"[{result.iteration}/{self.repeat}] ", "dim"))
        parts.append((result.name, "bold"))
        response = result.response
        method, url = method_and_url(result)
        parts.append((f"  {method} ", "cyan"))
        parts.append((self.masker.url(url), ""))
        if response is not None:
            parts.append(("  ", ""))
            parts.append((f"{response.status} {response.reason}".rstrip(), "green" if response.status < 400 else "red"))
            parts.append((f"  {response.elapsed_ms:.1f} ms  {human_size(response.decoded_size)}", ""))
            if response.wire_size != response.decoded_size:
                parts.append((f" ({human_size(response.wire_size)} on the wire)", "dim"))
            parts.append(("  reused" if response.timings.reused else "  new", "dim"))
            if response.history:
                hops = len(response.history)
                parts.append((f"  ({hops} redirect{'s' if hops > 1 else ''} to {self.masker.url(response.url)})", "dim"))
            if response.downloaded and response.body_path is not None:
                parts.append((f"  → {response.body_path}", "dim"))
            stream = response.stream
            if stream is not None:
                ended = "" if stream.ended == "complete" else f", {stream.ended}"
                parts.append((f"  {stream.count} event{'s' if stream.count != 1 else ''} ({stream.mode}{ended})", "dim"))
        if result.outcome is Outcome.ERROR:
            parts.append(("  error: ", "red"))
            parts.append((self.masker.text(result.message), ""))
        elif result.outcome is Outcome.SKIPPED:
            parts.append(("  skipped: ", "yellow"))
            parts.append((self.masker.text(result.message), ""))
        return parts

    def on_result(self, result: RequestResult) -> None:
        learn_secrets(self.masker, result)
        if self.quiet and result.outcome in (Outcome.PASSED, Outcome.SKIPPED):
            return
        self._emit(self._line_parts(result))
        for failure in result.failures:
            self._emit([("    " + self.masker.text(failure.message), "red")])
        if self.verbose:
            self._details(result)

    def _body_preview(self, data: bytes, content_type: str, encoding: str | None) -> str:
        if not data:
            return ""
        if b"\x00" in data[:1024] and not content_type.startswith("text/"):
            return f"<{len(data)} bytes of binary data>"
        text = data[: BODY_PREVIEW * 4].decode(text_encoding(encoding), errors="replace")
        if len(text) > BODY_PREVIEW or len(data) > BODY_PREVIEW * 4:
            return text[:BODY_PREVIEW] + f"\n… ({human_size(len(data))} in all)"
        return text

    def _show(self, text: str, style: str = "") -> None:
        """Print a details line: whatever came from the server or the file shown `cat -v` style
        (before `Text`, which would drop BEL and CR silently and keep ESC)."""
        self.console.print(Text(caret_escape(text), style=style))

    def _details(self, result: RequestResult) -> None:
        response = result.response
        resolved = result.resolved
        out = self.console
        if response is not None and response.sent is not None:
            self._show(f"    > {response.sent.method} {self.masker.url(response.sent.url)}", style="dim")
            for name, value in self.masker.headers(response.sent.headers):
                self._show(f"    > {name}: {value}", style="dim")
        body = resolved.body if resolved is not None else None
        if body is not None:
            if body.kind in ("text", "json", "base64"):
                self._show("    > " + self.masker.text(self._body_preview(body.text.encode(), "text/plain", "utf-8")).replace("\n", "\n    > "), style="dim")
            elif body.kind == "form":
                self._show("    > " + "&".join(f"{k}={self.masker.text(v)}" for k, v in body.form), style="dim")
            elif body.kind == "multipart":
                parts = ", ".join(f"{p.name}=<file {p.file}>" if p.file else f"{p.name}={self.masker.text(p.value or '')}" for p in body.parts)
                self._show(f"    > multipart: {parts}", style="dim")
            else:
                self._show(f"    > <{body.kind} {body.path}>", style="dim")
        if response is None:
            return
        self._show(f"    < {response.http_version} {response.status} {response.reason}", style="dim")
        for name, value in self.masker.headers(response.headers):
            self._show(f"    < {name}: {value}", style="dim")
        for hop in response.history:
            self._show(f"    (redirected: {hop.status} {self.masker.url(hop.url)})", style="dim")
        if response.downloaded:
            self._show(f"    <saved to {response.body_path}>", style="dim")
            return
        if response.stream is not None:
            stream = response.stream
            first = "-" if stream.first_s is None else f"{stream.first_s:.3f}s"
            last = "-" if stream.last_s is None else f"{stream.last_s:.3f}s"
            out.print(Text(f"    <{stream.count} events shown above as they arrived; first at {first}, last at {last}; {stream.ended}>", style="dim"))
            return
        preview = self._body_preview(response.content, response.content_type, response.encoding or response.detected_encoding)
        if preview:
            self._show("    " + self.masker.text(preview.rstrip("\n")).replace("\n", "\n    "))

    # -- the end ---------------------------------------------------------------------------

    def summary(self, summary: RunSummary) -> None:
        out = self.console
        if self.repeat > 1 and summary.stats:
            table = Table(title=f"time per request over {self.repeat} runs (ms)", title_justify="left")
            for column in ("request", "n", "min", "median", "p95", "max"):
                table.add_column(column, justify="left" if column == "request" else "right")
            for stats in summary.stats:
                table.add_row(Text(caret_escape(stats.name)), str(stats.count), *(f"{v:.1f}" for v in (stats.min_ms, stats.median_ms, stats.p95_ms, stats.max_ms)))
            out.print(table)
        parts = [(f"{summary.passed} passed", "green")]
        for count, label in ((summary.failed, "failed"), (summary.errors, "error" if summary.errors == 1 else "errors"), (summary.skipped, "skipped")):
            if count:
                parts.append((f"{count} {label}", "red" if label != "skipped" else "yellow"))
        text = Text()
        for i, (part, style) in enumerate(parts):
            if i:
                text.append(", ")
            text.append(part, style=style)
        text.append(f" in {summary.elapsed_s:.2f} s; connections: {summary.connections_opened} new, {summary.connections_reused} reused")
        if summary.stopped_early:
            text.append(" (stopped by --fail-fast)", style="yellow")
        out.print(text)
