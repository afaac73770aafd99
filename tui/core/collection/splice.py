"""Cut a loaded collection file into the pieces a save can keep or replace.

Private to `store`. `store.load` records where each part of the file is (the text before the
first header, each request with every `[requests.…]` section that follows it, the
`[variables]`, `[environments…]` and `[defaults…]` tables, the comment lines at the end);
`store.save` then writes the original text of every piece whose model is unchanged and
renders only the edited ones. Comment lines right above a header belong to that header's
piece (as `Request.comment` does); comments inside a piece belong to it.

A file laid out in a way this does not follow (a table split into two places, keys for a
table set with dotted keys or inline before the first header, quoted keys with escapes in a
header) still loads; `segment` then answers which tables it cannot splice, or None, and the
save falls back to the canonical text for what it cannot keep.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tui.core.collection.locate import code_lines

__all__ = ["Piece", "RequestParts", "Segments", "TABLES", "leading_comments", "request_parts", "segment", "split_rendered"]

TABLES = ("variables", "environments", "env", "defaults")

_HEADER = re.compile(r"^[ \t]*\[")
_HEAD = re.compile(
    r"""^[ \t]*(\[\[?)[ \t]*(?:"([^"\\]*)"|'([^']*)'|([A-Za-z0-9_-]+))[ \t]*(\.|\]\]?)"""
)


@dataclass(slots=True)
class Piece:
    """One part of the file: `head` (comment lines above the first header), `body` (from the
    header to the last non-blank line, with its newline), `gap` (blank lines after it)."""

    kind: str  # "preamble" | "request" | "variables" | "environments" | "defaults" | "tail"
    head: str
    body: str
    gap: str
    order: int = -1  # position among the pieces of the file it was read from; -1 for new
    index: int = -1  # requests: position in the loaded collection

    @property
    def text(self) -> str:
        return self.head + self.body + self.gap


@dataclass(slots=True)
class Segments:
    pieces: list[Piece]
    scattered: set[str] = field(default_factory=set)  # tables found in more than one place


def _kind(line: str) -> tuple[str, bool] | None:
    """(top-level key, is it `[[requests]]`) of a header line, or None when unusual."""
    match = _HEAD.match(line)
    if match is None:
        return None
    opener, double, single, bare, after = match.groups()
    name = double if double is not None else single if single is not None else bare
    return name, opener == "[[" and after == "]]" and name == "requests"


def segment(text: str, request_count: int, code: list[bool] | None = None) -> Segments | None:
    """The pieces of `text` (a file that loaded), or None when its layout is not followed.

    `code` is `code_lines(text)` when the caller has it already."""
    lines = text.split("\n")
    if code is None:
        code = code_lines(text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    offsets[-1] = len(text)

    def chars(a: int, b: int) -> str:
        return text[offsets[a] : offsets[b]]

    def quiet(i: int) -> bool:  # a blank or comment line outside multi-line strings
        stripped = lines[i].strip()
        return code[i] and (not stripped or stripped.startswith("#"))

    headers = [i for i, line in enumerate(lines) if code[i] and _HEADER.match(line)]
    kinds = []
    for i in headers:
        kind = _kind(lines[i])
        if kind is None:
            return None
        kinds.append(kind)
    if sum(1 for _, is_request in kinds if is_request) != request_count:
        return None
    starts = []
    for h in headers:
        i = h
        while i > 0 and quiet(i - 1):
            i -= 1
        while i < h and not lines[i].strip():
            i += 1
        starts.append(i)
    end = len(lines)
    if headers:
        while end - 1 > headers[-1] and quiet(end - 1):
            end -= 1
        while end < len(lines) and not lines[end].strip():
            end += 1  # blank lines before the closing comments stay with the last piece
    bounds = [*starts, end]

    pieces: list[Piece] = []
    preamble_end = starts[0] if headers else end
    pieces.append(_piece("preamble", lines, chars, 0, 0, preamble_end))
    scattered: set[str] = set()
    seen: set[str] = set()
    request_index = 0
    for k, h in enumerate(headers):
        name, is_request = kinds[k]
        chunk = _piece("request" if name == "requests" else name, lines, chars, bounds[k], h, bounds[k + 1])
        last = pieces[-1]
        if is_request:
            chunk.index = request_index
            request_index += 1
        elif last.kind == chunk.kind and (name != "requests" or last.index >= 0):
            last.body += last.gap + chunk.head + chunk.body
            last.gap = chunk.gap
            continue
        elif name == "requests" or name not in TABLES:
            return None  # a [requests.x] section away from its request, or an unknown table
        elif name in seen:
            scattered.add(name)
        seen.add(name)
        pieces.append(chunk)
    pieces.append(Piece("tail", "", chars(end, len(lines)), ""))
    for order, piece in enumerate(pieces):
        piece.order = order
    return Segments(pieces, scattered)


def _piece(
    kind: str, lines: list[str], chars: Callable[[int, int], str], start: int, header: int, stop: int
) -> Piece:
    last = stop
    while last > header and not lines[last - 1].strip():
        last -= 1
    return Piece(kind, chars(start, header), chars(header, last), chars(last, stop))


# -- inside one request -----------------------------------------------------------------

_STATEMENT = re.compile(r"""^[ \t]*(?:"([^"\\]*)"|'([^']*)'|([A-Za-z0-9_-]+))[ \t]*[.=]""")
_SUBSECTION = re.compile(
    r"""^[ \t]*\[\[?[ \t]*(?:"requests"|'requests'|requests)[ \t]*\.[ \t]*"""
    r"""(?:"([^"\\]*)"|'([^']*)'|([A-Za-z0-9_-]+))[ \t]*[.\]]"""
)


@dataclass(slots=True)
class RequestParts:
    """A request piece's body cut by top-level key: `header` is its `[[requests]]` line,
    `main` the `key = value` statements under it, `sections` the `[requests.key…]` sections,
    each with the comment and blank lines above it, in file order."""

    header: str
    main: list[tuple[str, str]]
    sections: list[tuple[str, str]]


def _name(match: re.Match[str]) -> str:
    double, single, bare = match.groups()
    return double if double is not None else single if single is not None else bare


def request_parts(body: str) -> RequestParts | None:
    """Cut a request piece's `body` (it starts at its `[[requests]]` line), or None if unusual."""
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    code = code_lines(body)
    header = lines[0] + "\n"
    main: list[tuple[str, str]] = []
    sections: list[tuple[str, str]] = []
    pending: list[str] = []  # blank and comment lines not yet given to a statement
    current: list[tuple[str, str]] | None = None
    for i in range(1, len(lines)):
        line = lines[i]
        stripped = line.strip()
        if code[i] and _HEADER.match(line):
            match = _SUBSECTION.match(line)
            if match is None:
                return None
            current = sections
            sections.append((_name(match), "".join(pending) + line + "\n"))
            pending = []
            continue
        if code[i] and (not stripped or stripped.startswith("#")):
            pending.append(line + "\n")
            continue
        statement = _STATEMENT.match(line) if code[i] and current is not sections else None
        if statement is not None:
            current = main
            main.append((_name(statement), "".join(pending) + line + "\n"))
            pending = []
            continue
        if current is None:
            return None
        key, text = current[-1]
        current[-1] = (key, text + "".join(pending) + line + "\n")
        pending = []
    if pending:
        if current is None:
            main.append(("", "".join(pending)))
        else:
            key, text = current[-1]
            current[-1] = (key, text + "".join(pending))
    return RequestParts(header, main, sections)


def split_rendered(text: str) -> tuple[str, str]:
    """A one-key `[[requests]]` rendering cut into (lines under the header, sections)."""
    lines = text.split("\n")
    code = code_lines(text)
    for i in range(1, len(lines)):
        if code[i] and _HEADER.match(lines[i]):
            return "".join(line + "\n" for line in lines[1:i] if line), "\n" + "\n".join(lines[i:])
    return "\n".join(lines[1:]), ""


def leading_comments(text: str) -> str:
    """The blank and comment lines `text` starts with."""
    kept = []
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        kept.append(line)
    return "".join(kept)
