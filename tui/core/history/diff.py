"""Compare two responses (history entries): status, headers and body, as plain data a UI can
render. Pure and CPU-only: run it in a thread worker for big bodies.

    diff_entries(a, b) -> EntryDiff
    diff_bodies(a_bytes, b_bytes, *, a_type="", b_type="") -> BodyDiff

JSON bodies (both parse) are pretty-printed with sorted keys first, so a reordered object is
no difference and a changed value is one changed line; anything else is diffed as text lines.
Lines come out in `difflib.SequenceMatcher` order with a kind each: " " same, "-" only in a,
"+" only in b.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Literal

from tui.core.history.model import Entry

__all__ = ["BodyDiff", "DiffLine", "EntryDiff", "HeaderChange", "diff_bodies", "diff_entries"]

LineKind = Literal[" ", "-", "+"]
MAX_DIFF_LINES = 200_000  # per side; beyond it the rest is compared as one block


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: LineKind
    text: str
    a_line: int | None = None  # 1-based line number in a (None for "+")
    b_line: int | None = None  # 1-based line number in b (None for "-")


@dataclass(frozen=True, slots=True)
class HeaderChange:
    name: str  # lower case
    a: str | None  # None: not in a
    b: str | None  # None: not in b

    @property
    def kind(self) -> Literal["added", "removed", "changed"]:
        if self.a is None:
            return "added"
        if self.b is None:
            return "removed"
        return "changed"


@dataclass(frozen=True, slots=True)
class BodyDiff:
    mode: Literal["json", "text", "binary"]
    lines: tuple[DiffLine, ...]
    changed: int  # lines marked "-" or "+"
    note: str = ""  # e.g. "a is only the first 65536 bytes of 2000000"

    @property
    def same(self) -> bool:
        return self.changed == 0


@dataclass(frozen=True, slots=True)
class EntryDiff:
    a_id: int
    b_id: int
    a_status: int | None
    b_status: int | None
    headers: tuple[HeaderChange, ...]
    body: BodyDiff
    same_headers: tuple[str, ...] = field(default=())

    @property
    def status_changed(self) -> bool:
        return self.a_status != self.b_status

    @property
    def same(self) -> bool:
        return not self.status_changed and not self.headers and self.body.same


def _pretty_json(data: bytes) -> list[str] | None:
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def _text_lines(data: bytes) -> list[str] | None:
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None


def _line_diff(a: list[str], b: list[str]) -> tuple[tuple[DiffLine, ...], int]:
    # The common head and tail (two responses usually differ in a few places) need no matcher.
    # autojunk stays on: without it, lines that repeat thousands of times in a big JSON ("},")
    # made a 0.8 MiB diff take minutes; with it, about 2 s (in the UI's thread worker).
    head = 0
    limit = min(len(a), len(b))
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    out: list[DiffLine] = [DiffLine(" ", a[i], i + 1, i + 1) for i in range(head)]
    changed = 0
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_mid, b_mid).get_opcodes():
        if tag == "equal":
            out.extend(DiffLine(" ", a_mid[i], head + i + 1, head + j1 + (i - i1) + 1) for i in range(i1, i2))
            continue
        out.extend(DiffLine("-", a_mid[i], head + i + 1, None) for i in range(i1, i2))
        out.extend(DiffLine("+", b_mid[j], None, head + j + 1) for j in range(j1, j2))
        changed += (i2 - i1) + (j2 - j1)
    out.extend(DiffLine(" ", a[i], i + 1, len(b) - len(a) + i + 1) for i in range(len(a) - tail, len(a)))
    return tuple(out), changed


def diff_bodies(a: bytes, b: bytes, *, note: str = "") -> BodyDiff:
    a_json, b_json = _pretty_json(a), _pretty_json(b)
    if a_json is not None and b_json is not None:
        lines, changed = _line_diff(a_json[:MAX_DIFF_LINES], b_json[:MAX_DIFF_LINES])
        return BodyDiff("json", lines, changed, note)
    a_text, b_text = _text_lines(a), _text_lines(b)
    if a_text is not None and b_text is not None:
        lines, changed = _line_diff(a_text[:MAX_DIFF_LINES], b_text[:MAX_DIFF_LINES])
        return BodyDiff("text", lines, changed, note)
    if a == b:
        return BodyDiff("binary", (DiffLine(" ", f"binary, {len(a)} bytes, identical"),), 0, note)
    summary = (DiffLine("-", f"binary, {len(a)} bytes"), DiffLine("+", f"binary, {len(b)} bytes"))
    return BodyDiff("binary", summary, 2, note)


def _header_map(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    merged: dict[str, list[str]] = {}
    for name, value in headers:
        merged.setdefault(name.lower(), []).append(value)
    return {name: ", ".join(values) for name, values in merged.items()}


# Headers that differ on every response and say nothing about what the server returned.
_NOISE = frozenset({"date"})


def diff_entries(a: Entry, b: Entry, *, ignore: frozenset[str] = _NOISE) -> EntryDiff:
    a_headers = _header_map(a.response.headers) if a.response is not None else {}
    b_headers = _header_map(b.response.headers) if b.response is not None else {}
    changes: list[HeaderChange] = []
    same: list[str] = []
    for name in sorted(set(a_headers) | set(b_headers)):
        if name in ignore:
            continue
        left, right = a_headers.get(name), b_headers.get(name)
        if left == right:
            same.append(name)
        else:
            changes.append(HeaderChange(name, left, right))
    notes = []
    for label, entry in (("a", a), ("b", b)):
        if not entry.body_complete:
            notes.append(f"{label} keeps only the first {len(entry.body)} of {entry.body_size} bytes")
    a_body = a.body if a.response is not None else (a.summary.error or "").encode()
    b_body = b.body if b.response is not None else (b.summary.error or "").encode()
    return EntryDiff(
        a_id=a.id,
        b_id=b.id,
        a_status=a.summary.status,
        b_status=b.summary.status,
        headers=tuple(changes),
        body=diff_bodies(a_body, b_body, note="; ".join(notes)),
        same_headers=tuple(same),
    )
